//! Stage 5: one [`Plan`] rendered as terminal text, a Markdown runbook, JSON or DOT;
//! its findings (or a run's diagnostics) as SARIF, JUnit XML or GitHub annotations.
//!
//! Every renderer is a pure function of the plan: the same plan gives byte-identical
//! output. Steps are shown in the plan's (execution) order, grouped by hop and wave;
//! a step is referred to by its position in that order (`step 3`).

pub mod annotations;
mod diagnostics_json;
mod diff;
mod dot;
mod github;
mod graph;
mod html;
mod json;
pub mod jsonschema;
mod junit;
mod labels;
mod markdown;
mod mermaid;
mod runbook;
mod sarif;
mod svg;
mod text;

use std::borrow::Cow;
use std::collections::BTreeMap;

use crate::model::Lang;
use crate::plan::{Finding, Plan, PlannedStep};

/// How a plan is rendered for people (`uplan plan`'s flags).
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The language of headings and labels (the rule texts are chosen by the evaluator).
    pub lang: Lang,
    /// Step ids and rule names shown.
    pub verbose: bool,
    /// ANSI colour in terminal text.
    pub colour: bool,
    /// Where terminal prose wraps; `None`: the terminal's width, 100 when piped.
    pub width: Option<usize>,
    /// Only this cluster's steps.
    pub cluster: Option<String>,
    /// Only this hop's steps (`4.2->4.3`).
    pub hop: Option<String>,
}
use crate::sanitize;

pub use diagnostics_json::{DIAGNOSTICS_SCHEMA_ID, diagnostics_json, diagnostics_value};
pub use diff::{Compared, DIFF_SCHEMA_ID, diff_json, diff_markdown, diff_text};
pub use dot::dot;
pub use github::github;
pub use html::html;
pub use json::{CHECK_SCHEMA_ID, check_json, json};
pub use junit::junit;
pub use markdown::markdown;
pub use mermaid::mermaid;
pub use sarif::{sarif, sarif_failure};
pub use text::{PIPED_WIDTH, text};

/// The plan with every string made safe to print: control characters and line breaks
/// shown as visible escapes (`\n`, `\x1b`), so no value from an inventory, a rule file
/// or a hand-edited plan can move the cursor, recolour the terminal, or open a heading,
/// a list item or a fence in a document.
pub(crate) fn printable(plan: &Plan) -> Plan {
    let mut safe = plan.clone();
    // A waived finding says so wherever its message is shown (JSON has `waived`).
    for f in &mut safe.findings {
        if let Some(w) = &f.waived {
            f.message.push_str(&waived_note(w));
        }
    }
    visit(&mut safe, &mut |s| {
        if let Cow::Owned(o) = sanitize::one_line(s) {
            *s = o;
        }
    });
    safe
}

/// ` — waived: accepted by Jane Roe (OPS-1234) until 2027-01-31: reason`, secrets
/// redacted (the waivers file is text a person wrote).
pub fn waived_note(w: &crate::plan::Waiver) -> String {
    let text = format!(
        " — waived: accepted by {} ({}) until {}: {}",
        w.owner, w.ticket, w.expires, w.reason
    );
    sanitize::redact(&text).into_owned()
}

/// Calls `f` on every string of the plan.
fn visit(plan: &mut Plan, f: &mut dyn FnMut(&mut String)) {
    f(&mut plan.from);
    f(&mut plan.to);
    if let Some(m) = &mut plan.inventory_meta {
        m.customer
            .iter_mut()
            .chain(m.collected_at.iter_mut())
            .for_each(&mut *f);
    }
    plan.path.iter_mut().for_each(&mut *f);
    for x in &mut plan.findings {
        for s in [&mut x.rule, &mut x.severity, &mut x.message, &mut x.source] {
            f(s);
        }
        x.cluster
            .iter_mut()
            .chain(x.fixed_by.iter_mut())
            .chain(x.hop.iter_mut())
            .for_each(&mut *f);
        x.facts.iter_mut().for_each(&mut *f);
    }
    for s in &mut plan.steps {
        for t in [&mut s.id, &mut s.hop, &mut s.action, &mut s.title] {
            f(t);
        }
        s.cluster
            .iter_mut()
            .chain(s.rule.iter_mut())
            .chain(s.optional_consequence.iter_mut())
            .for_each(&mut *f);
        s.commands
            .iter_mut()
            .chain(s.notes.iter_mut())
            .chain(s.after.iter_mut())
            .for_each(&mut *f);
        visit_runbook_step(s, f);
    }
    visit_runbook(plan, f);
}

/// The runbook's additions to steps ([`visit`]).
fn visit_runbook_step(s: &mut PlannedStep, f: &mut dyn FnMut(&mut String)) {
    s.phase
        .iter_mut()
        .chain(s.duration_basis.iter_mut())
        .chain(s.source.iter_mut())
        .chain(s.limit.iter_mut())
        .chain(s.verify.iter_mut())
        .chain(s.irreversible.iter_mut())
        .chain(s.escalate.iter_mut())
        .chain(s.restarts.iter_mut())
        .for_each(&mut *f);
    for u in &mut s.undo {
        f(&mut u.text);
        f(&mut u.basis);
    }
}

/// The runbook's additions to the plan ([`visit`]).
fn visit_runbook(plan: &mut Plan, f: &mut dyn FnMut(&mut String)) {
    for c in plan
        .checkpoints
        .iter_mut()
        .chain(plan.post_checks.iter_mut())
    {
        for s in [&mut c.id, &mut c.title, &mut c.source] {
            f(s);
        }
        c.hop
            .iter_mut()
            .chain(c.before_phase.iter_mut())
            .chain(c.before_step.iter_mut())
            .chain(c.checks.iter_mut())
            .chain(c.commands.iter_mut())
            .for_each(&mut *f);
    }
    for c in &mut plan.clusters {
        f(&mut c.name);
        c.role
            .iter_mut()
            .chain(c.restarts.iter_mut())
            .for_each(&mut *f);
        for ch in &mut c.changes {
            f(&mut ch.fact);
            f(&mut ch.to);
            ch.from.iter_mut().for_each(&mut *f);
        }
    }
    for l in &mut plan.limits {
        f(&mut l.id);
        f(&mut l.source);
    }
}

/// Finding severities in the order they are shown, most serious first.
pub(crate) const SEVERITIES: [&str; 4] = ["block", "fix", "warn", "info"];

/// `90` → `1h30m`, `120` → `2h`, `45` → `45m` (the DSL's own duration syntax).
pub(crate) fn duration(minutes: u64) -> String {
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m}m"),
        (h, 0) => format!("{h}h"),
        (h, m) => format!("{h}h{m}m"),
    }
}

/// `3.16->4.0` → `3.16 → 4.0`.
pub(crate) fn hop_label(hop: &str) -> String {
    hop.replace("->", " → ")
}

/// `["3.16", "4.0", "4.3"]` → `3.16 → 4.0 → 4.3`.
pub(crate) fn path_label(plan: &Plan) -> String {
    if plan.path.is_empty() {
        "(no path)".to_string()
    } else {
        plan.path.join(" → ")
    }
}

/// Step id → its 1-based position in the plan.
pub(crate) fn numbers(plan: &Plan) -> BTreeMap<&str, usize> {
    let mut map = BTreeMap::new();
    for (i, step) in plan.steps.iter().enumerate() {
        map.entry(step.id.as_str()).or_insert(i + 1);
    }
    map
}

/// Findings grouped by severity, most serious first; unknown severities (a hand-edited
/// plan) come last, under their own name.
pub(crate) fn findings_by_severity(plan: &Plan) -> Vec<(&str, Vec<&Finding>)> {
    let mut out: Vec<(&str, Vec<&Finding>)> = SEVERITIES.iter().map(|s| (*s, vec![])).collect();
    for f in &plan.findings {
        match out.iter_mut().find(|(s, _)| *s == f.severity) {
            Some((_, list)) => list.push(f),
            None => out.push((f.severity.as_str(), vec![f])),
        }
    }
    out.retain(|(_, list)| !list.is_empty());
    out
}

/// How many findings block the plan.
pub(crate) fn blocking(plan: &Plan) -> usize {
    plan.findings
        .iter()
        .filter(|f| f.severity == "block" && f.waived.is_none())
        .count()
}

/// `1 blocking finding`, `2 blocking findings`.
pub(crate) fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("{n} {what}")
    } else {
        format!("{n} {what}s")
    }
}

#[cfg(test)]
pub(crate) mod fixtures;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_use_the_dsl_syntax() {
        assert_eq!(duration(0), "0m");
        assert_eq!(duration(45), "45m");
        assert_eq!(duration(120), "2h");
        assert_eq!(duration(90), "1h30m");
    }

    #[test]
    fn every_renderer_is_deterministic() {
        for plan in [fixtures::ready(), fixtures::blocked()] {
            let o = Options::default();
            assert_eq!(text(&plan, &o), text(&plan.clone(), &o));
            assert_eq!(markdown(&plan, &o), markdown(&plan.clone(), &o));
            assert_eq!(json(&plan), json(&plan.clone()));
            assert_eq!(dot(&plan), dot(&plan.clone()));
        }
    }
}
