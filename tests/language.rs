//! The rule language's expressiveness and its plan-time diagnostics (issue 14, part
//! B): the generic fleet rulebook (`tests/fixtures/fleet`) plus one test rulebook per
//! case from `tests/fixtures/language/`: interpolated sources, `plan.target`, limits
//! with `when` and computed counts, two steps of one wave writing one fact, self-replay
//! failures naming the step that broke a requirement, and ordering cycles pointing at
//! their edges. Each diagnostic is checked for its code, span and help, and kept as a
//! snapshot.

use std::path::Path;

use uplan::diagnostics::{Problem, Problems, render};
use uplan::eval::{self, Mode};
use uplan::inventory::{self, Inventory};
use uplan::model::{Rulebook, Version};
use uplan::plan::Plan;

/// The text of `tests/fixtures/language/NAME.uplan`.
fn case(name: &str) -> String {
    let path = Path::new("tests/fixtures/language").join(format!("{name}.uplan"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The fleet rulebook with the named cases added.
fn rulebook(cases: &[&str]) -> Rulebook {
    let mut files = uplan::rulebooks::read_dir_files(Path::new("tests/fixtures/fleet"))
        .unwrap_or_else(|p| panic!("{}", render(&p, false)));
    for name in cases {
        files.push((format!("language/{name}.uplan"), case(name)));
    }
    uplan::compile(&files).unwrap_or_else(|p| panic!("{}", render(&p, false)))
}

fn load(rb: &Rulebook, yaml: &str) -> Inventory {
    inventory::load(rb, "inventory.yaml", yaml).unwrap_or_else(|p| panic!("{}", render(&p, false)))
}

fn evaluate(rb: &Rulebook, inv: &Inventory, to: &str) -> Result<Plan, Problems> {
    let to = Version::parse(to).ok();
    eval::evaluate(rb, inv, to.as_ref(), Mode::Plan).map(|ev| ev.to_plan(rb, inv))
}

fn plan(rb: &Rulebook, inv: &Inventory, to: &str) -> Plan {
    evaluate(rb, inv, to).unwrap_or_else(|p| panic!("{}", render(&p, false)))
}

/// The text under `p`'s primary span, in case `name`.
fn primary_text(p: &Problem, name: &str) -> String {
    let span = p.span.expect("a primary span");
    assert_eq!(
        p.source.as_ref().map(|s| s.name().to_string()),
        Some(format!("language/{name}.uplan"))
    );
    case(name)[span.start as usize..span.end as usize].to_string()
}

const SMALL: &str = r#"
platform: {version: "1.0.3"}
nodes:
  - {name: hub-a, role: hub, kernel: "5.0.2", addons: [{name: legacy}, {name: other}]}
  - {name: spoke-1, role: spoke, kernel: "5.2.7"}
  - {name: spoke-2, role: spoke, kernel: "5.2"}
"#;

/// A hub and `n` spokes, every kernel current.
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
fn a_rule_source_interpolates_per_finding() {
    let rb = rulebook(&["source-interpolated"]);
    let p = plan(&rb, &load(&rb, SMALL), "3.0");
    let mut sources: Vec<&str> = p
        .findings
        .iter()
        .filter(|f| f.rule == "spoke-guide")
        .map(|f| f.source.as_str())
        .collect();
    sources.sort();
    assert_eq!(
        sources,
        [
            "fleet 2.0 guide › spokes › spoke-1",
            "fleet 2.0 guide › spokes › spoke-2",
            "fleet 3.0 guide › spokes › spoke-1",
            "fleet 3.0 guide › spokes › spoke-2",
        ]
    );
    // Without a finding, the rulebook cites the source as written.
    let rule = rb.rules.iter().find(|r| r.id == "spoke-guide").unwrap();
    assert_eq!(rule.source, "fleet {hop.to} guide › spokes › {n.name}");
}

#[test]
fn plan_target_is_the_requested_version_on_every_hop() {
    let rb = rulebook(&["plan-target"]);
    let p = plan(&rb, &load(&rb, SMALL), "3.0.2");
    let commands: Vec<(&str, &str)> = p
        .steps
        .iter()
        .filter(|s| s.action == "announce")
        .map(|s| (s.hop.as_str(), s.commands[0].as_str()))
        .collect();
    assert_eq!(
        commands,
        [
            ("1.0->2.0", "announce --final 3.0.2 --now 2.0.0"),
            ("2.0->3.0", "announce --final 3.0.2 --now 3.0.2"),
        ]
    );
    let p = plan(&rb, &load(&rb, SMALL), "3.0");
    let finals: Vec<&str> = p
        .steps
        .iter()
        .filter(|s| s.action == "announce")
        .map(|s| s.commands[0].as_str())
        .collect();
    assert_eq!(
        finals,
        [
            "announce --final 3.0.0 --now 2.0.0",
            "announce --final 3.0.0 --now 3.0.0"
        ]
    );
}

/// How many spokes' `upgrade` steps run in each wave of hop `hop`.
fn spoke_waves(p: &Plan, hop: &str) -> Vec<usize> {
    let mut per_wave = std::collections::BTreeMap::new();
    let spoke = |s: &&uplan::plan::PlannedStep| {
        s.hop == hop
            && s.action == "upgrade"
            && s.cluster.as_deref().is_some_and(|c| c.starts_with("spoke"))
    };
    for s in p.steps.iter().filter(spoke) {
        *per_wave.entry(s.wave).or_insert(0) += 1;
    }
    per_wave.into_values().collect()
}

#[test]
fn a_limit_with_when_holds_on_its_hops_only() {
    let rb = rulebook(&["limit-when"]);
    let p = plan(&rb, &load(&rb, &spokes(4)), "3.0");
    // 1.0 -> 2.0 keeps the fleet's own limit of 3; 2.0 -> 3.0 takes one at a time.
    assert_eq!(spoke_waves(&p, "1.0->2.0"), [3, 1]);
    assert_eq!(spoke_waves(&p, "2.0->3.0"), [1, 1, 1, 1]);
}

#[test]
fn a_limit_may_count_from_the_facts() {
    let rb = rulebook(&["limit-count"]);
    let p = plan(&rb, &load(&rb, &spokes(3)), "2.0");
    assert_eq!(spoke_waves(&p, "1.0->2.0"), [1, 1, 1]);
    let two_hubs = spokes(3) + "  - {name: hub-b, role: hub, kernel: \"5.2\"}\n";
    let p = plan(&rb, &load(&rb, &two_hubs), "2.0");
    assert_eq!(spoke_waves(&p, "1.0->2.0"), [2, 1]);
}

#[test]
fn a_computed_limit_below_one_is_a_plan_time_error_at_the_count() {
    let rb = rulebook(&["limit-count"]);
    let no_hub =
        "platform: {version: \"1.0\"}\nnodes:\n  - {name: spoke-1, role: spoke, kernel: \"5.2\"}\n";
    let err = evaluate(&rb, &load(&rb, no_hub), "2.0").expect_err("a limit of 0");
    assert_eq!(err.codes(), vec!["uplan::eval::bad_limit"]);
    let p = &err.0[0];
    assert_eq!(
        primary_text(p, "limit-count"),
        "count(h in nodes: h.role == hub)"
    );
    assert!(p.help.as_deref().is_some_and(|h| h.contains("at least 1")));
    insta::assert_snapshot!(render(&err, false));
}

#[test]
fn an_ordering_cycle_points_at_the_clauses_of_its_edges() {
    let rb = rulebook(&["cycle"]);
    let err = evaluate(&rb, &load(&rb, SMALL), "2.0").expect_err("a cycle");
    assert_eq!(err.codes(), vec!["uplan::eval::ordering_cycle"]);
    let text = render(&err, false);
    for label in [
        "`prep(hub-a)` before `upgrade(hub-a)` (procedure `preparing`)",
        "`upgrade(spoke-1)` before `prep(hub-a)` (order `spokes-before-hub-prep`)",
        "`upgrade(hub-a)` before `upgrade(spoke-1)` (order `hub-first`)",
    ] {
        assert!(text.contains(label), "{label}\n{text}");
    }
    // Each label is one clause on one line, never a whole declaration.
    assert!(!text.contains("╭─▶"), "{text}");
    assert_eq!(text.matches("` before `").count(), 3, "{text}");
    let related = &err.0[0].related[0];
    // Both edges declared in cycle.uplan are labels of one related diagnostic.
    assert_eq!(primary_text(related, "cycle"), "upgrade(s) before prep(h)");
    assert_eq!(related.labels.len(), 2);
    assert!(err.0[0].help.is_some());
    insta::assert_snapshot!(text);
}

#[test]
fn a_self_replay_failure_names_the_step_that_broke_the_requirement_and_who_placed_it() {
    let rb = rulebook(&["self-replay"]);
    let err = evaluate(&rb, &load(&rb, SMALL), "2.0").expect_err("a contradiction");
    assert_eq!(err.codes(), vec!["uplan::eval::self_validation"]);
    let p = &err.0[0];
    assert!(
        p.message.ends_with(
            "rule `kernel-floor` does not hold when `1.0->2.0:upgrade(hub-a)` starts: `1.0->2.0:tamper(hub-a)` undid it"
        ),
        "{}",
        p.message
    );
    let text = render(&err, false);
    for label in [
        "`tamper(hub-a)` undoes the requirement",
        "rule `wipe-hub` puts `tamper(hub-a)` in the plan",
        "the requirement of rule `kernel-floor`",
    ] {
        assert!(text.contains(label), "{label}\n{text}");
    }
    // The labels sit on the step's first line and on the remediation's call.
    assert_eq!(primary_text(p, "self-replay"), "step tamper(n: node) {");
    assert_eq!(p.labels.len(), 2);
    assert!(p.help.is_some());
    insta::assert_snapshot!(text);
}

#[test]
fn two_steps_of_one_wave_writing_one_fact_differently_are_a_rulebook_error() {
    let rb = rulebook(&["write-conflict"]);
    let err = evaluate(&rb, &load(&rb, SMALL), "2.0").expect_err("a conflict");
    assert_eq!(err.codes(), vec!["uplan::eval::write_conflict"]);
    let p = &err.0[0];
    assert_eq!(
        p.message,
        "`1.0->2.0:set-kernel(spoke-1,5.3)` and `1.0->2.0:set-kernel(spoke-1,5.4)` both write `nodes.spoke-1.kernel` in one wave, and which runs last changes it"
    );
    assert_eq!(primary_text(p, "write-conflict"), "set-kernel(n, 5.3)");
    let text = render(&err, false);
    for label in [
        "rule `floor-a` puts `set-kernel(spoke-1,5.3)` here",
        "rule `floor-b` puts `set-kernel(spoke-1,5.4)` here",
    ] {
        assert!(text.contains(label), "{label}\n{text}");
    }
    assert!(
        p.help
            .as_deref()
            .is_some_and(|h| h.contains("order the two"))
    );
    insta::assert_snapshot!(text);
}

#[test]
fn writes_whose_order_does_not_matter_are_no_conflict() {
    // Ordered apart, the same two writers are fine: the later one wins, by the order.
    let rb = rulebook(&["write-conflict", "write-ordered"]);
    let p = plan(&rb, &load(&rb, SMALL), "2.0");
    let kernel_steps: Vec<u32> = p
        .steps
        .iter()
        .filter(|s| s.action == "set-kernel")
        .map(|s| s.wave)
        .collect();
    assert_eq!(kernel_steps, [1, 2]);
    // One value written twice, and two additions to one list, in one wave.
    let rb = rulebook(&["write-commute"]);
    let p = plan(&rb, &load(&rb, SMALL), "2.0");
    let waves: Vec<u32> = p
        .steps
        .iter()
        .filter(|s| s.cluster.as_deref() == Some("spoke-1") && s.action != "upgrade")
        .map(|s| s.wave)
        .collect();
    assert_eq!(waves, [1, 1, 1, 1], "{:#?}", p.steps);
}
