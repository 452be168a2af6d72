//! The evaluator end to end on a small generic rulebook (tests/fixtures/fleet):
//! path search, simulation across hops, remediations, orders, limits, replay.

use std::path::Path;

use uplan::eval::{self, Mode};
use uplan::inventory::{self, Inventory};
use uplan::model::{Rulebook, Version};
use uplan::plan::{Plan, Status};

fn rulebook(extra: &str) -> Rulebook {
    let mut files = uplan::rulebooks::read_dir_files(Path::new("tests/fixtures/fleet"))
        .unwrap_or_else(|p| panic!("{}", uplan::diagnostics::render(&p, false)));
    if !extra.is_empty() {
        files.push(("extra.uplan".into(), extra.into()));
    }
    uplan::compile(&files).unwrap_or_else(|p| panic!("{}", uplan::diagnostics::render(&p, false)))
}

fn load(rb: &Rulebook, yaml: &str) -> Inventory {
    inventory::load(rb, "inventory.yaml", yaml)
        .unwrap_or_else(|p| panic!("{}", uplan::diagnostics::render(&p, false)))
}

fn plan(rb: &Rulebook, inv: &Inventory, to: &str) -> Plan {
    let to = Version::parse(to).ok();
    let ev = eval::evaluate(rb, inv, to.as_ref(), Mode::Plan)
        .unwrap_or_else(|p| panic!("{}", uplan::diagnostics::render(&p, false)));
    ev.to_plan(rb, inv)
}

fn ids(plan: &Plan) -> Vec<&str> {
    plan.steps.iter().map(|s| s.id.as_str()).collect()
}

fn position(plan: &Plan, id: &str) -> usize {
    plan.steps
        .iter()
        .position(|s| s.id == id)
        .unwrap_or_else(|| panic!("no step `{id}` in {:#?}", ids(plan)))
}

const SMALL: &str = r#"
platform: {version: "1.0.3"}
nodes:
  - {name: hub-a, role: hub, kernel: "5.0.2", addons: [{name: legacy}, {name: other}]}
  - {name: spoke-1, role: spoke, kernel: "5.2.7"}
  - {name: spoke-2, role: spoke, kernel: "5.2"}
"#;

#[test]
fn finds_the_shortest_multi_hop_path_preferring_the_hop_declared_first() {
    let rb = rulebook("");
    let p = plan(&rb, &load(&rb, SMALL), "3.0");
    assert_eq!(p.path, vec!["1.0", "2.0", "3.0"]);
    assert_eq!(p.from, "1.0.3");
    assert_eq!(p.to, "3.0.0");
    let p = plan(&rb, &load(&rb, SMALL), "2.0");
    assert_eq!(p.path, vec!["1.0", "2.0"]);
}

#[test]
fn a_requirement_of_hop_two_is_met_by_an_effect_planned_in_hop_one() {
    let rb = rulebook("");
    let p = plan(&rb, &load(&rb, SMALL), "3.0");
    assert_eq!(p.status, Status::Ready, "{:#?}", p.findings);
    // hop 1 upgrades every node to 2.0, which brings kernel 5.3: the 3.0 floor (5.3)
    // then holds, so hop 2 needs no kernel step.
    assert!(
        !p.findings.iter().any(|f| f.rule == "kernel-for-3"),
        "{:#?}",
        p.findings
    );
    assert!(
        !ids(&p)
            .iter()
            .any(|id| id.starts_with("2.0->3.0:upgrade-kernel"))
    );
    // hop 1 still fixes hub-a's kernel (5.0 < 5.2) one minor at a time.
    let k50 = position(&p, "1.0->2.0:upgrade-kernel(hub-a,5.1)");
    let k51 = position(&p, "1.0->2.0:upgrade-kernel(hub-a,5.2)");
    let up = position(&p, "1.0->2.0:upgrade(hub-a)");
    assert!(k50 < k51 && k51 < up);
    let fix = p
        .findings
        .iter()
        .find(|f| f.rule == "kernel-floor")
        .expect("kernel-floor finding");
    assert_eq!(fix.severity, "fix");
    assert_eq!(fix.cluster.as_deref(), Some("hub-a"));
    assert_eq!(fix.facts, vec!["nodes.hub-a.kernel"]);
    assert_eq!(
        fix.fixed_by.as_deref(),
        Some("1.0->2.0:upgrade-kernel(hub-a,5.2)")
    );
}

#[test]
fn without_the_earlier_hop_the_same_requirement_needs_its_own_steps() {
    let rb = rulebook("");
    let inv = load(
        &rb,
        "platform: {version: \"2.0\"}\nnodes:\n  - {name: n1, role: hub, kernel: \"5.2\"}\n",
    );
    let p = plan(&rb, &inv, "3.0");
    assert!(
        ids(&p).contains(&"2.0->3.0:upgrade-kernel(n1,5.3)"),
        "{:#?}",
        ids(&p)
    );
}

#[test]
fn a_removed_addon_comes_back_after_the_upgrade() {
    let rb = rulebook("");
    let p = plan(&rb, &load(&rb, SMALL), "2.0");
    let rm = position(&p, "1.0->2.0:remove-addon(hub-a,legacy)");
    let up = position(&p, "1.0->2.0:upgrade(hub-a)");
    let back = position(&p, "1.0->2.0:restore-addon(hub-a,modern)");
    assert!(rm < up && up < back);
}

#[test]
fn hub_goes_first_and_warnings_land_on_their_steps() {
    let rb = rulebook("");
    let p = plan(&rb, &load(&rb, SMALL), "2.0");
    let hub = position(&p, "1.0->2.0:upgrade(hub-a)");
    let s1 = position(&p, "1.0->2.0:upgrade(spoke-1)");
    assert!(hub < s1);
    let step = &p.steps[s1];
    assert!(step.after.contains(&"1.0->2.0:upgrade(hub-a)".to_string()));
    assert!(
        step.notes.iter().any(|n| n.contains("drops its sessions")),
        "{:?}",
        step.notes
    );
    assert_eq!(step.commands, vec!["upgrade --node spoke-1 --to 2.0"]);
    assert!(p.steps[hub].notes.iter().any(|n| n == "hub-a restarts"));
}

fn spokes(n: usize) -> String {
    let mut y = String::from(
        "platform: {version: \"1.0\"}\nnodes:\n  - {name: hub, role: hub, kernel: \"5.2\"}\n",
    );
    for i in 0..n {
        y.push_str(&format!(
            "  - {{name: spoke-{i:02}, role: spoke, kernel: \"5.2\"}}\n"
        ));
    }
    y
}

#[test]
fn a_limit_turns_parallel_steps_into_waves() {
    let rb = rulebook("");
    let p = plan(&rb, &load(&rb, &spokes(7)), "2.0");
    let mut per_wave = std::collections::BTreeMap::new();
    for s in p
        .steps
        .iter()
        .filter(|s| s.action == "upgrade" && s.cluster.as_deref() != Some("hub"))
    {
        *per_wave.entry(s.wave).or_insert(0) += 1;
    }
    assert_eq!(
        per_wave.values().copied().collect::<Vec<_>>(),
        vec![3, 3, 1]
    );
    let waves: Vec<u32> = p.steps.iter().map(|s| s.wave).collect();
    let mut sorted = waves.clone();
    sorted.sort();
    assert_eq!(waves, sorted, "steps are listed in wave order");
}

#[test]
fn an_ordering_cycle_between_instances_is_rejected_naming_the_orders() {
    let rb = rulebook(
        "order spokes-first {\n  source \"test\"\n  upgrade(s) before upgrade(h) where s.role == spoke and h.role == hub\n}\n",
    );
    let inv = load(&rb, SMALL);
    let to = Version::parse("2.0").ok();
    let err = eval::evaluate(&rb, &inv, to.as_ref(), Mode::Plan).expect_err("a cycle");
    assert_eq!(err.codes(), vec!["uplan::eval::ordering_cycle"]);
    let text = uplan::diagnostics::render(&err, false);
    assert!(
        text.contains("hub-first") && text.contains("spokes-first"),
        "{text}"
    );
    insta::assert_snapshot!(text);
}

#[test]
fn a_requirement_no_step_can_meet_blocks_the_plan() {
    let rb = rulebook("");
    let inv = load(
        &rb,
        "platform: {version: \"1.0\"}\nnodes:\n  - {name: n1, role: hub, kernel: \"6.2\"}\n",
    );
    let p = plan(&rb, &inv, "2.0");
    assert_eq!(p.status, Status::Blocked);
    let f = p
        .findings
        .iter()
        .find(|f| f.severity == "block")
        .expect("a blocking finding");
    assert_eq!(f.rule, "no-kernel-6");
    assert_eq!(f.facts, vec!["nodes.n1.kernel"]);
}

/// The one finding of a plan without a path: blocked, rule `uplan.path`.
fn path_finding(p: &uplan::plan::Plan) -> &uplan::plan::Finding {
    assert_eq!(p.findings.len(), 1, "{:#?}", p.findings);
    assert_eq!(p.findings[0].rule, "uplan.path");
    &p.findings[0]
}

#[test]
fn no_path_is_one_blocking_finding_naming_what_is_reachable() {
    let rb = rulebook("");
    // 1.5 only reaches 3.0; 2.0 is reached from 1.0
    let inv = load(&rb, "platform: {version: \"1.5\"}\nnodes: []\n");
    let p = plan(&rb, &inv, "2.0");
    assert_eq!(p.status, Status::Blocked);
    let f = path_finding(&p);
    assert_eq!(f.severity, "block");
    assert!(f.message.contains("reaches 3.0"), "{}", f.message);
    assert!(f.message.contains("reached from 1.0"), "{}", f.message);
}

#[test]
fn a_target_no_hop_reaches_is_a_blocked_plan_not_bad_input() {
    let rb = rulebook("");
    let p = plan(&rb, &load(&rb, SMALL), "9.9");
    assert_eq!(p.status, Status::Blocked);
    let f = path_finding(&p);
    assert!(f.message.contains("no hop leads to 9.9"), "{}", f.message);
    assert!(f.message.contains("reaches 1.5, 2.0, 3.0"), "{}", f.message);
}

#[test]
fn a_downgrade_is_refused_by_name() {
    let rb = rulebook("");
    let inv = load(&rb, "platform: {version: \"3.0.1\"}\nnodes: []\n");
    let p = plan(&rb, &inv, "2.0");
    assert_eq!(p.status, Status::Blocked);
    assert!(
        path_finding(&p)
            .message
            .contains("older than the installed 3.0.1")
    );
}

#[test]
fn already_at_the_target_says_so_and_plans_nothing() {
    let rb = rulebook("");
    for target in ["2.0", "2.0.4"] {
        let inv = load(&rb, "platform: {version: \"2.0.4\"}\nnodes: []\n");
        let p = plan(&rb, &inv, target);
        assert_eq!(p.status, Status::Ready, "{target}");
        assert!(p.steps.is_empty());
        let f = path_finding(&p);
        assert_eq!(f.severity, "info");
        assert!(f.message.contains("nothing to upgrade"), "{}", f.message);
    }
}

#[test]
fn a_patch_move_within_one_minor_is_refused_by_name() {
    let rb = rulebook("");
    let inv = load(&rb, "platform: {version: \"2.0.1\"}\nnodes: []\n");
    let p = plan(&rb, &inv, "2.0.7");
    assert_eq!(p.status, Status::Blocked);
    let f = path_finding(&p);
    assert!(f.message.contains("later patch"), "{}", f.message);
}

#[test]
fn the_same_input_gives_byte_identical_json() {
    let rb = rulebook("");
    let inv = load(&rb, &spokes(12));
    let a = uplan::render::json(&plan(&rb, &inv, "3.0"));
    let b = uplan::render::json(&plan(&rb, &inv, "3.0"));
    assert_eq!(a, b);
}

#[test]
fn validate_accepts_the_plan_and_rejects_a_reordering_that_breaks_a_constraint() {
    let rb = rulebook("");
    let inv = load(&rb, SMALL);
    let p = plan(&rb, &inv, "2.0");
    assert_eq!(
        eval::validate(&rb, &inv, &p)
            .map_err(|_| ())
            .expect("valid input"),
        vec![]
    );

    let mut edited = p.clone();
    let hub = position(&edited, "1.0->2.0:upgrade(hub-a)");
    let spoke = position(&edited, "1.0->2.0:upgrade(spoke-1)");
    edited.steps.swap(hub, spoke);
    let violations = eval::validate(&rb, &inv, &edited)
        .map_err(|_| ())
        .expect("valid input");
    assert!(
        violations
            .iter()
            .any(|v| v.code == "uplan::validate::order" && v.rule.as_deref() == Some("hub-first")),
        "{violations:#?}"
    );

    let mut dropped = p.clone();
    dropped.steps.retain(|s| !s.id.contains("remove-addon"));
    let violations = eval::validate(&rb, &inv, &dropped)
        .map_err(|_| ())
        .expect("valid input");
    let codes: Vec<_> = violations.iter().map(|v| v.code).collect();
    assert!(
        codes.contains(&"uplan::validate::missing_step"),
        "{codes:?}"
    );
    assert!(codes.contains(&"uplan::validate::requirement"), "{codes:?}");
}

#[test]
fn check_mode_reports_the_same_findings_without_steps() {
    let rb = rulebook("");
    let inv = load(&rb, SMALL);
    let to = Version::parse("3.0").ok();
    let full = eval::evaluate(&rb, &inv, to.as_ref(), Mode::Plan)
        .map_err(|_| ())
        .expect("plan");
    let check = eval::evaluate(&rb, &inv, to.as_ref(), Mode::Check)
        .map_err(|_| ())
        .expect("check");
    let rules = |fs: Vec<uplan::plan::Finding>| {
        fs.into_iter()
            .map(|f| (f.rule, f.cluster, f.severity))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        rules(full.findings(&rb, &inv)),
        rules(check.findings(&rb, &inv))
    );
}

#[test]
fn a_plan_that_fails_its_own_replay_is_reported_not_printed() {
    // `tamper` runs after the kernel fix and undoes it before `upgrade` starts.
    let rb = rulebook(
        "step tamper(n: node) {\n  title \"Tamper with {n.name}\"\n  phase core\n  effect n.kernel = 4.0\n}\n\
         procedure tampering {\n  source \"test\"\n  each node n\n  do tamper(n) -> upgrade(n)\n}\n\
         order fix-then-tamper {\n  source \"test\"\n  upgrade-kernel(n, _) before tamper(n)\n}\n",
    );
    let inv = load(&rb, SMALL);
    let to = Version::parse("2.0").ok();
    let err = eval::evaluate(&rb, &inv, to.as_ref(), Mode::Plan).expect_err("a contradiction");
    assert_eq!(err.codes(), vec!["uplan::eval::self_validation"]);
    let text = uplan::diagnostics::render(&err, false);
    assert!(text.contains("kernel-floor"), "{text}");
    insta::assert_snapshot!(text);
}
