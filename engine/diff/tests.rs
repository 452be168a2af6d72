//! The diff on hand-made plan pairs: each kind of change alone, then none.

use super::*;
use crate::plan::SCHEMA_ID;

fn step(id: &str, wave: u32) -> PlannedStep {
    PlannedStep {
        id: id.into(),
        hop: "4.0->4.3".into(),
        action: id.split('(').next().unwrap_or(id).into(),
        cluster: Some("c1".into()),
        title: format!("do {id}"),
        wave,
        ..PlannedStep::default()
    }
}

fn finding(rule: &str, severity: &str, message: &str) -> Finding {
    Finding {
        rule: rule.into(),
        severity: severity.into(),
        cluster: Some("c1".into()),
        message: message.into(),
        facts: vec![],
        source: String::new(),
        fixed_by: None,
        hop: Some("4.0->4.3".into()),
        ..Finding::default()
    }
}

fn plan(steps: &[&str], findings: Vec<Finding>) -> Plan {
    Plan {
        schema: SCHEMA_ID.into(),
        status: Status::Ready,
        from: "4.0.1".into(),
        to: "4.3.0".into(),
        path: vec!["4.0".into(), "4.3".into()],
        findings,
        steps: steps.iter().zip(1..).map(|(id, w)| step(id, w)).collect(),
        provenance: None,
        inventory_meta: None,
        checkpoints: vec![],
        post_checks: vec![],
        limits: vec![],
        clusters: vec![],
        lang: None,
    }
}

#[test]
fn a_plan_equals_itself() {
    let p = plan(&["a", "b", "c"], vec![finding("r", "warn", "m")]);
    assert!(diff(&p, &p).is_empty());
}

#[test]
fn status_and_route_changes_are_reported() {
    let old = plan(&["a"], vec![]);
    let mut new = old.clone();
    new.status = Status::Blocked;
    new.path.insert(1, "4.1".into());
    let d = diff(&old, &new);
    assert_eq!(
        d.status,
        Some(Change {
            before: Status::Ready,
            after: Status::Blocked
        })
    );
    let route = d.route.map(|r| r.after);
    assert_eq!(route.as_deref(), Some("4.0.1 → 4.3.0 via 4.0, 4.1, 4.3"));
}

#[test]
fn an_inserted_step_is_added_and_moves_nothing() {
    let d = diff(
        &plan(&["a", "b", "c"], vec![]),
        &plan(&["a", "x", "b", "c"], vec![]),
    );
    let added: Vec<_> = d
        .steps
        .added
        .iter()
        .map(|s| (s.id.as_str(), s.position))
        .collect();
    assert_eq!(added, [("x", 2)]);
    assert!(d.steps.removed.is_empty() && d.steps.moved.is_empty());
}

#[test]
fn a_removed_step_names_its_old_position() {
    let d = diff(&plan(&["a", "b", "c"], vec![]), &plan(&["a", "c"], vec![]));
    let removed: Vec<_> = d
        .steps
        .removed
        .iter()
        .map(|s| (s.id.as_str(), s.position))
        .collect();
    assert_eq!(removed, [("b", 2)]);
}

#[test]
fn a_step_taken_forward_is_the_one_move() {
    let d = diff(
        &plan(&["a", "b", "c", "d"], vec![]),
        &plan(&["d", "a", "b", "c"], vec![]),
    );
    let moved: Vec<_> = d
        .steps
        .moved
        .iter()
        .map(|m| (m.id.as_str(), m.position.before, m.position.after))
        .collect();
    assert_eq!(moved, [("d", 4, 1)]);
}

#[test]
fn a_changed_command_is_a_field_change() {
    let old = plan(&["a"], vec![]);
    let mut new = old.clone();
    new.steps[0].commands = vec!["bash upgrade.sh".into()];
    let d = diff(&old, &new);
    let fields: Vec<_> = d
        .steps
        .changed
        .iter()
        .flat_map(|c| c.fields.iter().map(|f| f.field))
        .collect();
    assert_eq!(fields, ["commands"]);
}

#[test]
fn a_message_change_is_one_changed_finding() {
    let old = plan(&[], vec![finding("istio-floor", "fix", "needs 1.22")]);
    let new = plan(&[], vec![finding("istio-floor", "fix", "needs 1.24")]);
    let d = diff(&old, &new);
    assert!(d.findings.added.is_empty() && d.findings.removed.is_empty());
    let m = d.findings.changed.first().and_then(|c| c.message.clone());
    assert_eq!(m.map(|m| m.after).as_deref(), Some("needs 1.24"));
}

#[test]
fn findings_are_counted_as_multisets() {
    let twice = vec![finding("r", "warn", "m"), finding("r", "warn", "m")];
    let d = diff(
        &plan(&[], twice),
        &plan(&[], vec![finding("r", "warn", "m")]),
    );
    assert_eq!(d.findings.removed.len(), 1);
}

#[test]
fn two_new_findings_of_one_rule_are_additions_not_changes() {
    let old = plan(&[], vec![finding("r", "warn", "m1")]);
    let new = plan(
        &[],
        vec![finding("r", "warn", "m2"), finding("r", "warn", "m3")],
    );
    let d = diff(&old, &new);
    assert_eq!((d.findings.added.len(), d.findings.removed.len()), (2, 1));
    assert!(d.findings.changed.is_empty());
}

#[test]
fn a_step_whose_argument_changed_is_one_change_of_its_id() {
    let d = diff(
        &plan(&["a", "upgrade-istio(c1,1.22)"], vec![]),
        &plan(&["a", "upgrade-istio(c1,1.24)"], vec![]),
    );
    assert!(
        d.steps.added.is_empty() && d.steps.removed.is_empty(),
        "{d:?}"
    );
    let ids: Vec<_> = d
        .steps
        .changed
        .iter()
        .map(|c| (c.id.as_str(), c.fields[0].field))
        .collect();
    assert_eq!(ids, [("upgrade-istio(c1,1.24)", "id")]);
}
