//! `uplan check` in text: each blocking or fixed finding as a diagnostic pointing at
//! the inventory line of its first fact; warnings and notes listed after; a summary.

use std::fmt::{self, Write};

use miette::{Diagnostic, LabeledSpan};
use uplan::diagnostics::{MAX_RENDERED, Renderer};
use uplan::inventory::Inventory;
use uplan::plan::{Finding, Plan};
use uplan::render;
use uplan::sanitize;
use uplan::source::{Sources, Span};

use super::plural;

/// The check report for `plan`, pointing into `inventory`.
pub fn text(plan: &Plan, inventory: &Inventory, colour: bool) -> String {
    render(
        plan,
        &inventory.sources(),
        |fact| inventory.locate_nearest(fact),
        colour,
    )
}

/// [`text`] with the locating function passed in, so tests need no loader.
fn render(
    plan: &Plan,
    sources: &Sources,
    locate: impl Fn(&str) -> Option<Span>,
    colour: bool,
) -> String {
    let mut out = String::new();
    let mut renderer = Renderer::new(colour);
    for severity in ["block", "fix"] {
        for f in plan.findings.iter().filter(|f| f.severity == severity) {
            let span = f.facts.first().and_then(|fact| locate(fact));
            let known = span.filter(|s| (s.file as usize) < sources.len());
            // A shared handle: every finding's snippet reuses the file's line index.
            let source = known.map(|s| sources.shared(s.file));
            let diagnostic = FindingDiagnostic::new(f, plan, known);
            renderer.diagnostic(&mut out, &diagnostic, source.as_ref());
        }
    }
    renderer.finish(&mut out);
    others(&mut out, plan);
    summary(&mut out, plan);
    out
}

/// Warnings, notes and findings of any other severity, one per line: the first
/// [`MAX_RENDERED`], then how many more. Their texts come from the inventory and the
/// rules, so each is redacted and kept on one line.
fn others(out: &mut String, plan: &Plan) {
    let rest: Vec<&Finding> = plan
        .findings
        .iter()
        .filter(|f| f.severity != "block" && f.severity != "fix")
        .collect();
    if rest.is_empty() {
        return;
    }
    out.push_str("Warnings and notes:\n");
    for f in rest.iter().take(MAX_RENDERED) {
        let cluster = f.cluster.as_deref().unwrap_or("platform");
        let _ = writeln!(
            out,
            "  {:<5} {}  {}: {}",
            safe(&f.severity),
            safe(&f.rule),
            safe(cluster),
            safe(&format!(
                "{}{}",
                f.message,
                f.waived
                    .as_ref()
                    .map(render::waived_note)
                    .unwrap_or_default()
            ))
        );
        if let Some(hop) = &f.hop {
            let _ = writeln!(out, "        hop:    {}", safe(&hop.replace("->", " → ")));
        }
        if !f.source.is_empty() {
            let _ = writeln!(out, "        source: {}", safe(&f.source));
        }
    }
    if rest.len() > MAX_RENDERED {
        let _ = writeln!(
            out,
            "  … and {} more (only the first {MAX_RENDERED} are shown)",
            rest.len() - MAX_RENDERED
        );
    }
    out.push('\n');
}

/// Text from an input on one line of the report: secrets redacted, controls escaped.
fn safe(text: &str) -> String {
    sanitize::one_line(&sanitize::redact(text)).into_owned()
}

fn summary(out: &mut String, plan: &Plan) {
    let n = |sev: &str| {
        plan.findings
            .iter()
            .filter(|f| f.severity == sev && (sev != "block" || f.waived.is_none()))
            .count()
    };
    let waived = plan.findings.iter().filter(|f| f.waived.is_some()).count();
    let path = if plan.path.is_empty() {
        "none".to_string()
    } else {
        plan.path.join(" → ")
    };
    let verdict = if plan.is_ready() {
        "nothing blocks"
    } else {
        "BLOCKED"
    };
    let _ = writeln!(
        out,
        "{verdict}: {} → {} (path {path}): {}, {} fixed by the plan, {}, {}",
        plan.from,
        plan.to,
        plural(n("block"), "blocking finding"),
        n("fix"),
        plural(n("warn"), "warning"),
        plural(n("info"), "note")
    );
    if waived > 0 {
        let _ = writeln!(
            out,
            "{} accepted by waivers (shown above, marked waived)",
            plural(waived, "finding")
        );
    }
}

/// A finding as a miette diagnostic: the rule id as its code, the inventory line of
/// its first fact as its label, source and fix as help.
#[derive(Debug)]
struct FindingDiagnostic {
    rule: String,
    message: String,
    blocking: bool,
    help: String,
    label: Option<LabeledSpan>,
}

impl FindingDiagnostic {
    fn new(f: &Finding, plan: &Plan, span: Option<Span>) -> Self {
        let blocking = f.severity == "block" && f.waived.is_none();
        let label_text = match (&f.waived, blocking) {
            (Some(_), _) => "waived",
            (None, true) => "blocks the upgrade",
            (None, false) => "the plan fixes this",
        };
        let waived = f
            .waived
            .as_ref()
            .map(render::waived_note)
            .unwrap_or_default();
        FindingDiagnostic {
            rule: f.rule.clone(),
            message: format!("{}{waived}", f.message),
            blocking,
            help: help(f, plan),
            label: span
                .map(|s| LabeledSpan::new_with_span(Some(label_text.into()), s.source_span())),
        }
    }
}

/// `source: …` and `fix: …` (the step that fixes it, or that nothing in the plan does).
fn help(f: &Finding, plan: &Plan) -> String {
    let mut lines = Vec::new();
    if !f.source.is_empty() {
        lines.push(format!("source: {}", f.source));
    }
    let fix = match &f.fixed_by {
        Some(id) => match plan.steps.iter().position(|s| &s.id == id) {
            Some(i) => format!("fix: step {} — {}", i + 1, plan.steps[i].title),
            None => format!("fix: the plan adds `{id}`"),
        },
        None if f.waived.is_some() => {
            "fix: none; a waiver accepts the risk, so the plan goes ahead without one".into()
        }
        None if f.severity == "block" => {
            "fix: no step can; change the inventory (or the target) before upgrading".into()
        }
        None => return lines.join("\n"),
    };
    lines.push(fix);
    lines.join("\n")
}

impl fmt::Display for FindingDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for FindingDiagnostic {}

impl Diagnostic for FindingDiagnostic {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.rule))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(if self.blocking {
            miette::Severity::Error
        } else {
            miette::Severity::Warning
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        if self.help.is_empty() {
            None
        } else {
            Some(Box::new(&self.help))
        }
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let label = self.label.clone()?;
        Some(Box::new(std::iter::once(label)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uplan::plan::{PlannedStep, SCHEMA_ID, Status};

    const INVENTORY: &str = "\
platform:
  version: \"3.16.2\"
clusters:
  - name: biz-1
    kubernetes: \"1.27.4\"
  - name: biz-2
    kubernetes: \"1.35.1\"
";

    fn finding(rule: &str, severity: &str, cluster: &str, fact: &str, message: &str) -> Finding {
        Finding {
            rule: rule.into(),
            severity: severity.into(),
            cluster: Some(cluster.into()),
            message: message.into(),
            facts: vec![fact.into()],
            source: format!("ACP guide › {rule}"),
            fixed_by: None,
            hop: None,
            ..Finding::default()
        }
    }

    fn plan() -> Plan {
        let mut fix = finding(
            "k8s-floor-3.16",
            "fix",
            "biz-1",
            "clusters.biz-1.kubernetes",
            "biz-1 runs Kubernetes 1.27.4; leaving 3.16 needs 1.28",
        );
        fix.fixed_by = Some("3.16->4.0:upgrade-kubernetes(biz-1,1.28)".into());
        let block = finding(
            "k8s-ceiling-4.3",
            "block",
            "biz-2",
            "clusters.biz-2.kubernetes",
            "biz-2 runs Kubernetes 1.35.1; 4.3 accepts 1.31–1.34",
        );
        let warn = finding(
            "es-restart",
            "warn",
            "biz-2",
            "clusters.biz-2.elasticsearch",
            "Elasticsearch on biz-2 restarts",
        );
        Plan {
            schema: SCHEMA_ID.into(),
            status: Status::Blocked,
            from: "3.16.2".into(),
            to: "4.3.0".into(),
            path: vec!["3.16".into(), "4.0".into(), "4.3".into()],
            findings: vec![fix, block, warn],
            steps: vec![PlannedStep {
                id: "3.16->4.0:upgrade-kubernetes(biz-1,1.28)".into(),
                hop: "3.16->4.0".into(),
                action: "upgrade-kubernetes".into(),
                cluster: Some("biz-1".into()),
                title: "Upgrade Kubernetes on biz-1 to 1.28".into(),
                commands: vec![],
                manual: true,
                after: vec![],
                wave: 1,
                rule: Some("k8s-floor-3.16".into()),
                notes: vec![],
                duration_minutes: Some(60),
                ..PlannedStep::default()
            }],
            provenance: None,
            inventory_meta: None,
            checkpoints: vec![],
            post_checks: vec![],
            limits: vec![],
            clusters: vec![],
            lang: None,
        }
    }

    /// Finds `clusters.NAME.kubernetes` by searching the text: enough for the test.
    fn locate(fact: &str) -> Option<Span> {
        let cluster = fact.split('.').nth(1)?;
        let start = INVENTORY.find(&format!("name: {cluster}"))?;
        let value = start + INVENTORY[start..].find("\"1.")?;
        let end = value + INVENTORY[value + 1..].find('"')? + 2;
        Some(Span::new(0, value, end))
    }

    #[test]
    fn findings_point_at_the_inventory() {
        let mut sources = Sources::default();
        sources.add("customer.yaml", INVENTORY);
        insta::assert_snapshot!(render(&plan(), &sources, locate, false));
    }

    #[test]
    fn unlocated_findings_still_render() {
        let out = render(&plan(), &Sources::default(), |_| None, false);
        assert!(out.contains("k8s-ceiling-4.3"), "{out}");
        assert!(out.contains("BLOCKED"), "{out}");
    }
}
