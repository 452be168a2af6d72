//! Waivers (accepted risks), `--waivers FILE`: a person accepts a rule's findings,
//! on one cluster or on all, until a date. Read with the inventory loader's limits
//! (size, depth, aliases, tags), then checked against the rulebook and the inventory;
//! applied to a finished plan: a waived finding stays, marked; a waived block no
//! longer blocks. Stage: after eval, before render.
//!
//! ```yaml
//! waivers:
//!   - rule: preflight-docker-runtime-workload
//!     cluster: edge-2            # optional: every cluster when left out
//!     owner: Jane Roe
//!     reason: edge-2 is retired in January; it stays on 4.2
//!     ticket: OPS-1234
//!     expires: 2027-01-31        # the last day it applies
//! ```

pub mod date;
mod schema;

use crate::check::suggest;
use crate::diagnostics::{Problem, Problems};
use crate::inventory::{self, Inventory};
use crate::model::{Rulebook, Value};
use crate::plan::{Finding, Plan, Status, Waiver};
use crate::source::Span;
pub use date::Date;

/// `expires` (or `--today`) is not a `YYYY-MM-DD` date: `expires: 31.12.2026`.
pub const BAD_DATE: &str = "uplan::waivers::bad_date";
/// A waiver names a rule the rulebook does not have: `rule: k8s-flor`.
pub const UNKNOWN_RULE: &str = "uplan::waivers::unknown_rule";
/// A waiver names a rule declared `unwaivable`: `rule: one-global-tier`.
pub const UNWAIVABLE: &str = "uplan::waivers::unwaivable";
/// A waiver names a cluster the inventory does not list: `cluster: biz-9`.
pub const UNKNOWN_CLUSTER: &str = "uplan::waivers::unknown_cluster";
/// `owner`, `reason` or `ticket` is blank: `owner: ""`.
pub const EMPTY_FIELD: &str = "uplan::waivers::empty_field";

/// The rule id of the warning for a waiver that has expired.
pub const EXPIRED: &str = "uplan.waiver-expired";
/// The rule id of the warning for a waiver that matches no finding.
pub const UNMATCHED: &str = "uplan.waiver-unmatched";

/// One checked waiver of the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub waiver: Waiver,
    pub expires: Date,
    /// 1-based line of the entry in its file (0 when it comes from a plan).
    pub line: usize,
}

/// The waivers of one file (or of a plan's provenance).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Waivers {
    pub file: String,
    pub entries: Vec<Entry>,
}

/// Reads and checks a waivers file: every fault reported, each at its YAML node.
pub fn load(
    rb: &Rulebook,
    clusters: &[String],
    name: &str,
    text: &str,
) -> Result<Waivers, Problems> {
    let doc = inventory::load_schema(&schema::SCHEMA, name, text)?;
    let items = doc
        .facts
        .as_record()
        .and_then(|r| r.first())
        .and_then(Value::as_list)
        .unwrap_or_default();
    let mut problems = Problems::default();
    let mut entries = Vec::new();
    for (i, item) in items.iter().enumerate() {
        if let Some(e) = entry(rb, clusters, &doc, i, item, &mut problems) {
            entries.push(e);
        }
    }
    problems.into_result(Waivers {
        file: name.to_string(),
        entries,
    })
}

/// The `i`th waiver, checked; `None` (with problems) when it is wrong.
fn entry(
    rb: &Rulebook,
    clusters: &[String],
    doc: &Inventory,
    i: usize,
    item: &Value,
    problems: &mut Problems,
) -> Option<Entry> {
    let fields = item.as_record()?;
    let text = |k: usize| fields.get(k).and_then(Value::as_str).map(str::to_string);
    let waiver = Waiver {
        rule: text(schema::RULE).unwrap_or_default(),
        cluster: text(schema::CLUSTER),
        owner: text(schema::OWNER).unwrap_or_default(),
        reason: text(schema::REASON).unwrap_or_default(),
        ticket: text(schema::TICKET).unwrap_or_default(),
        expires: text(schema::EXPIRES).unwrap_or_default(),
    };
    let before = problems.0.len();
    let fault = |problems: &mut Problems, field: &str, code, message: String, help: String| {
        let at = doc.locate(&format!("waivers.{i}.{field}"));
        problems.push(located(doc, at, code, message, "here").help(help));
    };
    for field in blank_fields(&waiver) {
        let message = format!("waiver {} has an empty `{field}`", i + 1);
        let help = "a waiver says who accepted the risk (owner), why (reason) and where that is recorded (ticket)";
        fault(problems, field, EMPTY_FIELD, message, help.into());
    }
    let expires = Date::parse(&waiver.expires);
    if expires.is_none() {
        let message = format!("`{}` is not a date", printable(&waiver.expires));
        let help = "write the last day the waiver applies as YYYY-MM-DD, e.g. `expires: 2027-01-31` (quoted or not)";
        fault(problems, "expires", BAD_DATE, message, help.into());
    }
    check_rule(rb, &waiver, &mut |code, message, help| {
        fault(problems, "rule", code, message, help)
    });
    if let Some(c) = &waiver.cluster
        && !clusters.contains(c)
    {
        let message = format!("the inventory has no cluster `{}`", printable(c));
        let help = suggest::help(c, clusters.iter().map(String::as_str))
            .unwrap_or_else(|| "name a cluster of the inventory, or leave `cluster` out".into());
        fault(problems, "cluster", UNKNOWN_CLUSTER, message, help);
    }
    let line = doc
        .locate(&format!("waivers.{i}"))
        .map_or(0, |s| doc.sources().get(0).line_of(s.start as usize) + 1);
    (problems.0.len() == before).then(|| Entry {
        waiver,
        expires: expires.unwrap_or(Date {
            year: 1,
            month: 1,
            day: 1,
        }),
        line,
    })
}

/// `owner`, `reason`, `ticket` left blank: an accepted risk nobody answers for.
fn blank_fields(w: &Waiver) -> Vec<&'static str> {
    [
        ("owner", &w.owner),
        ("reason", &w.reason),
        ("ticket", &w.ticket),
    ]
    .into_iter()
    .filter(|(_, v)| v.trim().is_empty())
    .map(|(f, _)| f)
    .collect()
}

/// The rule a waiver names exists and may be waived.
fn check_rule(rb: &Rulebook, w: &Waiver, fault: &mut dyn FnMut(&'static str, String, String)) {
    match rb.rules.iter().find(|r| r.id == w.rule) {
        None => {
            let ids = rb.rules.iter().map(|r| r.id.as_str());
            let help = suggest::help(&w.rule, ids).map_or_else(
                || "name the id of a rule (`uplan check` shows the rule of each finding)".into(),
                |h| format!("{h} (`uplan check` shows the rule of each finding)"),
            );
            let message = format!("the rulebook has no rule `{}`", printable(&w.rule));
            fault(UNKNOWN_RULE, message, help);
        }
        Some(r) if !r.waivable => fault(
            UNWAIVABLE,
            format!("rule `{}` may not be waived", r.id),
            "the rulebook declares it `unwaivable`: what it finds (an unsupported path, an impossible topology) makes every plan wrong; correct the inventory instead".into(),
        ),
        Some(_) => {}
    }
}

fn located(
    doc: &Inventory,
    at: Option<Span>,
    code: &'static str,
    message: String,
    label: &str,
) -> Problem {
    let p = Problem::new(code, message);
    match at {
        Some(span) => p.at(&doc.sources(), span, label),
        None => p,
    }
}

/// Text from the waivers file inside a message: one line, controls escaped.
fn printable(text: &str) -> String {
    crate::sanitize::one_line(text).into_owned()
}

/// The entries of a plan's recorded waivers; a date that is not one is `None`.
pub fn from_recorded(file: &str, recorded: &[Waiver]) -> Option<Waivers> {
    let entries = recorded
        .iter()
        .map(|w| {
            Some(Entry {
                waiver: w.clone(),
                expires: Date::parse(&w.expires)?,
                line: 0,
            })
        })
        .collect::<Option<Vec<_>>>()?;
    Some(Waivers {
        file: file.to_string(),
        entries,
    })
}

impl Entry {
    fn matches(&self, f: &Finding) -> bool {
        f.rule == self.waiver.rule
            && (self.waiver.cluster.is_none() || self.waiver.cluster == f.cluster)
    }

    fn expired(&self, today: Date) -> bool {
        today > self.expires
    }

    fn who(&self) -> String {
        let on = self
            .waiver
            .cluster
            .as_deref()
            .map_or_else(|| "every cluster".to_string(), |c| format!("`{c}`"));
        format!(
            "the waiver of `{}` on {on} ({}, {})",
            self.waiver.rule, self.waiver.owner, self.waiver.ticket
        )
    }
}

/// The waiver that applies to `f` today: one for its cluster before one for every
/// cluster, then the one that lasts longest, then by ticket and owner, so the
/// choice does not depend on the order of the file.
pub fn applicable<'w>(waivers: &'w Waivers, f: &Finding, today: Date) -> Option<&'w Entry> {
    waivers
        .entries
        .iter()
        .filter(|e| e.matches(f) && !e.expired(today))
        .min_by(|a, b| precedence(a).cmp(&precedence(b)))
}

fn precedence(e: &Entry) -> (bool, std::cmp::Reverse<Date>, &str, &str) {
    (
        e.waiver.cluster.is_none(),
        std::cmp::Reverse(e.expires),
        &e.waiver.ticket,
        &e.waiver.owner,
    )
}

/// Marks the findings `waivers` accept today, re-decides the status, and adds a
/// warning for each waiver that has expired or matches nothing. Returns the
/// waivers that applied (sorted), for the plan's provenance.
///
/// A waived `fix` keeps its step: the guides require the fix, and the plan's own
/// replay needs it; the waiver only records that the finding was accepted.
pub fn apply(plan: &mut Plan, waivers: &Waivers, today: Date) -> Vec<Waiver> {
    let mut used: Vec<Waiver> = Vec::new();
    for f in &mut plan.findings {
        if let Some(e) = applicable(waivers, f, today) {
            f.waived = Some(e.waiver.clone());
            if !used.contains(&e.waiver) {
                used.push(e.waiver.clone());
            }
        }
    }
    let mut warnings = Vec::new();
    for e in &waivers.entries {
        let matched = plan.findings.iter().any(|f| e.matches(f));
        if e.expired(today) {
            let effect = if matched {
                "its findings count again"
            } else {
                "it matches no finding either"
            };
            let message = format!(
                "{} expired on {} (today is {today}): {effect}; renew it or fix what it accepted",
                e.who(),
                e.expires
            );
            warnings.push(warning(EXPIRED, waivers, e, message));
        } else if !matched {
            let message = format!(
                "{} matches no finding of this plan: remove it, or check its rule and cluster",
                e.who()
            );
            warnings.push(warning(UNMATCHED, waivers, e, message));
        }
    }
    plan.findings.extend(warnings);
    plan.status = if plan.has_open_block() {
        Status::Blocked
    } else {
        Status::Ready
    };
    used.sort_by(|a, b| (&a.rule, &a.cluster, &a.ticket).cmp(&(&b.rule, &b.cluster, &b.ticket)));
    used
}

fn warning(rule: &str, waivers: &Waivers, e: &Entry, message: String) -> Finding {
    let source = if e.line > 0 {
        format!("waivers file `{}`, line {}", waivers.file, e.line)
    } else {
        format!("the waivers recorded in `{}`", waivers.file)
    };
    Finding {
        rule: rule.into(),
        severity: "warn".into(),
        cluster: e.waiver.cluster.clone(),
        message,
        facts: Vec::new(),
        source,
        fixed_by: None,
        hop: None,
        // The waiver's own line, so machine formats point at the waivers file.
        file: (e.line > 0).then(|| waivers.file.clone()),
        line: u32::try_from(e.line).ok().filter(|&l| l > 0),
        column: (e.line > 0).then_some(1),
        ..Finding::default()
    }
}

#[cfg(test)]
mod tests;
