//! The `--unblock` answer for people (text) and tools (JSON, `uplan.unblock/v1`).

use std::fmt::Write;

use serde::Serialize;

use super::Answer;
use crate::sanitize;

/// The schema id of `uplan check --unblock --format json`.
pub const SCHEMA_ID: &str = "uplan.unblock/v1";

fn safe(text: &str) -> String {
    sanitize::one_line(&sanitize::redact(text)).into_owned()
}

pub fn text(a: &Answer) -> String {
    let mut out = String::new();
    if !a.blocked {
        let _ = writeln!(
            out,
            "nothing blocks {} → {}: there is nothing to unblock",
            a.from, a.to
        );
    } else if a.solved {
        let (n, it) = match a.changes.len() {
            1 => ("this fact change makes".to_string(), "dropping it leaves"),
            n => (
                format!("these {n} fact changes make"),
                "dropping any one leaves",
            ),
        };
        let _ = writeln!(
            out,
            "BLOCKED: {} → {}; {n} it plan ({it} it blocked):",
            a.from, a.to
        );
        for c in &a.changes {
            let _ = writeln!(
                out,
                "  {}: {} → {}",
                safe(&c.fact),
                safe(&c.from),
                safe(&c.to)
            );
        }
    } else {
        let _ = writeln!(
            out,
            "BLOCKED: {} → {}; no change of the facts the blocking findings read makes it plan",
            a.from, a.to
        );
    }
    if a.blocked {
        let blocks: Vec<String> = a
            .blocks
            .iter()
            .map(|(rule, cluster)| match cluster {
                Some(c) => format!("{} on {}", safe(rule), safe(c)),
                None => safe(rule),
            })
            .collect();
        let _ = writeln!(out, "blocking now: {}", blocks.join(", "));
    }
    match &a.nearest {
        Some(v) => {
            let _ = writeln!(out, "nearest target reachable as it is: {v}");
        }
        None => {
            let _ = writeln!(
                out,
                "nearest target reachable as it is: none up to {}",
                a.to
            );
        }
    }
    out
}

#[derive(Serialize)]
struct Json<'a> {
    schema: &'static str,
    from: &'a str,
    to: &'a str,
    blocked: bool,
    solved: bool,
    changes: Vec<JsonChange<'a>>,
    blocks: Vec<JsonBlock<'a>>,
    nearest_target: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonChange<'a> {
    fact: &'a str,
    from: &'a str,
    to: &'a str,
}

#[derive(Serialize)]
struct JsonBlock<'a> {
    rule: &'a str,
    cluster: Option<&'a str>,
}

pub fn json(a: &Answer) -> String {
    let value = Json {
        schema: SCHEMA_ID,
        from: &a.from,
        to: &a.to,
        blocked: a.blocked,
        solved: a.solved,
        changes: a
            .changes
            .iter()
            .map(|c| JsonChange {
                fact: &c.fact,
                from: &c.from,
                to: &c.to,
            })
            .collect(),
        blocks: a
            .blocks
            .iter()
            .map(|(rule, cluster)| JsonBlock {
                rule,
                cluster: cluster.as_deref(),
            })
            .collect(),
        nearest_target: a.nearest.as_deref(),
    };
    let mut out = serde_json::to_string_pretty(&value).unwrap_or_default();
    out.push('\n');
    out
}
