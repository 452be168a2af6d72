//! `uplan diff` for people (text), for a pull-request comment (Markdown) and for tools
//! (JSON, `uplan.diff/v1`).
//!
//! Every string comes from a plan, so from rule files and inventories: text shows it
//! on one line with controls escaped, Markdown escapes its punctuation or puts it in a
//! code span.

use std::fmt::Write;

use serde::Serialize;

use super::markdown::{code, inline};
use crate::diff::{Change, FieldChange, PlanDiff, StepRef};
use crate::plan::{Finding, Status};
use crate::sanitize::one_line;

/// The schema id of `uplan diff --format json`.
pub const DIFF_SCHEMA_ID: &str = "uplan.diff/v1";

/// One compared pair: a name (the inventory, or `OLD → NEW`) and what changed.
#[derive(Clone, Debug, Serialize)]
pub struct Compared {
    pub name: String,
    pub changed: bool,
    #[serde(flatten)]
    pub diff: PlanDiff,
}

impl Compared {
    pub fn new(name: String, diff: PlanDiff) -> Compared {
        Compared {
            name,
            changed: !diff.is_empty(),
            diff,
        }
    }
}

fn status(s: Status) -> &'static str {
    match s {
        Status::Ready => "ready",
        Status::Blocked => "blocked",
    }
}

fn place(cluster: Option<&str>, hop: Option<&str>) -> String {
    let mut parts = Vec::new();
    if let Some(c) = cluster {
        parts.push(format!("on {}", one_line(c)));
    }
    if let Some(h) = hop {
        parts.push(format!("in {}", super::hop_label(&one_line(h))));
    }
    parts.join(" ")
}

/// The text report: one block per changed plan, the unchanged ones on one line.
pub fn diff_text(all: &[Compared]) -> String {
    let mut out = String::new();
    for c in all.iter().filter(|c| c.changed) {
        let _ = writeln!(out, "{}", one_line(&c.name));
        text_body(&mut out, &c.diff);
        out.push('\n');
    }
    summary_text(&mut out, all);
    out
}

fn summary_text(out: &mut String, all: &[Compared]) {
    let unchanged: Vec<String> = all
        .iter()
        .filter(|c| !c.changed)
        .map(|c| one_line(&c.name).into_owned())
        .collect();
    if !unchanged.is_empty() {
        let _ = writeln!(out, "unchanged: {}", unchanged.join(", "));
    }
    let changed = all.len() - unchanged.len();
    let _ = writeln!(
        out,
        "{changed} of {} changed",
        super::count(all.len(), "plan")
    );
}

fn text_body(out: &mut String, d: &PlanDiff) {
    if let Some(Change { before, after }) = &d.status {
        let _ = writeln!(out, "  status: {} → {}", status(*before), status(*after));
    }
    if let Some(Change { before, after }) = &d.route {
        let _ = writeln!(out, "  route: {} ⇒ {}", one_line(before), one_line(after));
    }
    for (sign, f) in d.findings.removed.iter().map(|f| ('-', f)) {
        text_finding(out, sign, f);
    }
    for (sign, f) in d.findings.added.iter().map(|f| ('+', f)) {
        text_finding(out, sign, f);
    }
    for f in &d.findings.changed {
        let at = place(f.cluster.as_deref(), f.hop.as_deref());
        let _ = writeln!(out, "  ~ finding {} {at}", one_line(&f.rule));
        if let Some(s) = &f.severity {
            let _ = writeln!(out, "      severity: {} → {}", s.before, s.after);
        }
        if let Some(m) = &f.message {
            let _ = writeln!(out, "      - {}", one_line(&m.before));
            let _ = writeln!(out, "      + {}", one_line(&m.after));
        }
    }
    text_steps(out, d);
}

fn text_finding(out: &mut String, sign: char, f: &Finding) {
    let at = place(f.cluster.as_deref(), f.hop.as_deref());
    let _ = writeln!(
        out,
        "  {sign} finding [{}] {} {at}: {}",
        one_line(&f.severity),
        one_line(&f.rule),
        one_line(&f.message)
    );
}

fn step_line(s: &StepRef) -> String {
    format!(
        "step {} (wave {}) {}: {} [{}]",
        s.position,
        s.wave,
        place(s.cluster.as_deref(), Some(&s.hop)),
        one_line(&s.title),
        one_line(&s.id)
    )
}

fn text_steps(out: &mut String, d: &PlanDiff) {
    for s in &d.steps.removed {
        let _ = writeln!(out, "  - {}", step_line(s));
    }
    for s in &d.steps.added {
        let _ = writeln!(out, "  + {}", step_line(s));
    }
    for m in &d.steps.moved {
        let _ = writeln!(
            out,
            "  ↕ moved {}: step {} → step {} (wave {} → {})",
            one_line(&m.id),
            m.position.before,
            m.position.after,
            m.wave.before,
            m.wave.after
        );
    }
    for c in &d.steps.changed {
        let _ = writeln!(out, "  ~ changed {}", one_line(&c.id));
        for f in &c.fields {
            text_field(out, f);
        }
    }
}

/// A list field (commands, notes) line by line, a scalar as before → after.
fn text_field(out: &mut String, f: &FieldChange) {
    let _ = writeln!(out, "      {}:", f.field);
    let (before, after) = (lines(&f.before), lines(&f.after));
    for l in before.iter().filter(|l| !after.contains(l)) {
        let _ = writeln!(out, "        - {}", one_line(l));
    }
    for l in after.iter().filter(|l| !before.contains(l)) {
        let _ = writeln!(out, "        + {}", one_line(l));
    }
    if before == after {
        // Same lines in another order.
        let _ = writeln!(out, "        (same lines, reordered)");
    }
}

/// A field's value as lines: each element of a list, or the scalar itself.
fn lines(v: &serde_json::Value) -> Vec<String> {
    match v {
        serde_json::Value::Array(items) => items.iter().map(scalar).collect(),
        other => vec![scalar(other)],
    }
}

fn scalar(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => "(none)".into(),
        other => other.to_string(),
    }
}

/// The Markdown report for a pull-request comment.
pub fn diff_markdown(all: &[Compared]) -> String {
    let changed = all.iter().filter(|c| c.changed).count();
    let mut out = format!(
        "## uplan diff: {changed} of {} changed\n\n",
        super::count(all.len(), "plan")
    );
    for c in all.iter().filter(|c| c.changed) {
        let _ = writeln!(out, "### {}\n", code(&one_line(&c.name)));
        md_body(&mut out, &c.diff);
    }
    let unchanged: Vec<String> = all
        .iter()
        .filter(|c| !c.changed)
        .map(|c| code(&one_line(&c.name)))
        .collect();
    if !unchanged.is_empty() {
        let _ = writeln!(out, "**Unchanged:** {}", unchanged.join(", "));
    }
    out
}

fn md_body(out: &mut String, d: &PlanDiff) {
    if let Some(Change { before, after }) = &d.status {
        let _ = writeln!(
            out,
            "- **Status:** {} → **{}**",
            status(*before),
            status(*after)
        );
    }
    if let Some(Change { before, after }) = &d.route {
        let _ = writeln!(
            out,
            "- **Route:** {} ⇒ {}",
            inline(&one_line(before)),
            inline(&one_line(after))
        );
    }
    for (sign, list) in [
        ("Removed", &d.findings.removed),
        ("Added", &d.findings.added),
    ] {
        for f in list {
            let at = place(f.cluster.as_deref(), f.hop.as_deref());
            let _ = writeln!(
                out,
                "- **{sign} finding** `{}` {} {}: {}",
                one_line(&f.severity),
                code(&one_line(&f.rule)),
                inline(&at),
                inline(&one_line(&f.message))
            );
        }
    }
    for f in &d.findings.changed {
        md_finding_change(out, f);
    }
    md_steps(out, d);
    out.push('\n');
}

fn md_finding_change(out: &mut String, f: &crate::diff::FindingChange) {
    let at = place(f.cluster.as_deref(), f.hop.as_deref());
    let _ = writeln!(
        out,
        "- **Changed finding** {} {}",
        code(&one_line(&f.rule)),
        inline(&at)
    );
    if let Some(s) = &f.severity {
        let _ = writeln!(out, "  - severity: `{}` → `{}`", s.before, s.after);
    }
    if let Some(m) = &f.message {
        let _ = writeln!(out, "  - before: {}", inline(&one_line(&m.before)));
        let _ = writeln!(out, "  - after: {}", inline(&one_line(&m.after)));
    }
}

fn md_step(s: &StepRef) -> String {
    format!(
        "step {} (wave {}) {}: {} ({})",
        s.position,
        s.wave,
        inline(&place(s.cluster.as_deref(), Some(&s.hop))),
        inline(&one_line(&s.title)),
        code(&one_line(&s.id))
    )
}

fn md_steps(out: &mut String, d: &PlanDiff) {
    for s in &d.steps.removed {
        let _ = writeln!(out, "- **Removed** {}", md_step(s));
    }
    for s in &d.steps.added {
        let _ = writeln!(out, "- **Added** {}", md_step(s));
    }
    for m in &d.steps.moved {
        let _ = writeln!(
            out,
            "- **Moved** {}: step {} → step {} (wave {} → {})",
            code(&one_line(&m.id)),
            m.position.before,
            m.position.after,
            m.wave.before,
            m.wave.after
        );
    }
    for c in &d.steps.changed {
        let _ = writeln!(out, "- **Changed** {}", code(&one_line(&c.id)));
        for f in &c.fields {
            let (before, after) = (lines(&f.before), lines(&f.after));
            for l in before.iter().filter(|l| !after.contains(l)) {
                let _ = writeln!(out, "  - {} before: {}", f.field, code(&one_line(l)));
            }
            for l in after.iter().filter(|l| !before.contains(l)) {
                let _ = writeln!(out, "  - {} after: {}", f.field, code(&one_line(l)));
            }
        }
    }
}

#[derive(Serialize)]
struct DiffJson<'a> {
    schema: &'static str,
    changed: usize,
    plans: &'a [Compared],
}

/// `uplan.diff/v1`: `{schema, changed, plans: [{name, changed, status?, route?,
/// findings: {added, removed, changed}, steps: {added, removed, moved, changed}}]}`.
pub fn diff_json(all: &[Compared]) -> String {
    let doc = DiffJson {
        schema: DIFF_SCHEMA_ID,
        changed: all.iter().filter(|c| c.changed).count(),
        plans: all,
    };
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::super::fixtures;
    use super::*;
    use crate::diff::diff;

    fn edited() -> Vec<Compared> {
        let old = fixtures::ready();
        let mut new = old.clone();
        new.status = Status::Blocked;
        if let Some(s) = new.steps.first_mut() {
            s.commands = vec!["echo new\n`rm -rf /`".into()];
        }
        new.steps.reverse();
        let same = Compared::new("same.yaml".into(), diff(&old, &old));
        vec![Compared::new("inv.yaml".into(), diff(&old, &new)), same]
    }

    #[test]
    fn text_lists_changes_and_the_unchanged_on_one_line() {
        let out = diff_text(&edited());
        assert!(out.contains("status: ready → blocked"), "{out}");
        assert!(out.contains("unchanged: same.yaml"), "{out}");
        assert!(out.contains("1 of 2 plans changed"), "{out}");
        assert!(!out.contains("new\n`"), "a line break stays escaped: {out}");
        insta::assert_snapshot!(out);
    }

    #[test]
    fn markdown_keeps_commands_in_code_spans() {
        let out = diff_markdown(&edited());
        assert!(out.contains("**Unchanged:** `same.yaml`"), "{out}");
        assert!(out.contains("`` echo new\\n`rm -rf /` ``"), "{out}");
        insta::assert_snapshot!(out);
    }

    #[test]
    fn json_names_the_schema_and_counts_changes() {
        let out = diff_json(&edited());
        let v: serde_json::Value = serde_json::from_str(&out).unwrap_or_default();
        assert_eq!(v["schema"], DIFF_SCHEMA_ID);
        assert_eq!(v["changed"], 1);
        assert_eq!(v["plans"][1]["changed"], false);
    }
}
