//! The rule language's expressiveness and its plan-time diagnostics (issue 14, part
//! B), on the generic fleet rulebook (`tests/fixtures/fleet`) plus a declaration or two
//! per case: interpolated sources, `plan.target`, limits with `when` and computed
//! counts, two steps of one wave writing one fact, self-replay failures naming the step
//! that broke a requirement, and ordering cycles pointing at their edges.

use std::path::Path;

use uplan::diagnostics::{Problems, render};
use uplan::eval::{self, Mode};
use uplan::inventory::{self, Inventory};
use uplan::model::{Rulebook, Version};
use uplan::plan::Plan;

fn rulebook(extra: &str) -> Rulebook {
    let mut files = uplan::rulebooks::read_dir_files(Path::new("tests/fixtures/fleet"))
        .unwrap_or_else(|p| panic!("{}", render(&p, false)));
    files.push(("extra.uplan".into(), extra.into()));
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
    let rb = rulebook(
        "rule spoke-guide {\n  source \"fleet {hop.to} guide › spokes › {n.name}\"\n  each n in nodes where n.role == spoke\n  note\n  message \"{n.name} is a spoke\"\n}\n",
    );
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
    let rb = rulebook(
        "step announce(n: node) {\n  title \"Announce {n.name}\"\n  phase prepare\n  command \"announce --final {plan.target} --now {hop.version}\"\n}\n\
         procedure announcing {\n  source \"test\"\n  each node n where n.role == hub\n  do announce(n)\n}\n",
    );
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
    assert!(
        p.steps
            .iter()
            .filter(|s| s.action == "announce")
            .all(|s| s.commands[0].starts_with("announce --final 3.0.0 ")),
        "{:#?}",
        p.steps
    );
}

/// How many spokes' `upgrade` steps run in each wave of hop `hop`.
fn spoke_waves(p: &Plan, hop: &str) -> Vec<usize> {
    let mut per_wave = std::collections::BTreeMap::new();
    for s in p.steps.iter().filter(|s| {
        s.hop == hop && s.action == "upgrade" && s.cluster.as_deref().is_some_and(|c| c.starts_with("spoke"))
    }) {
        *per_wave.entry(s.wave).or_insert(0) += 1;
    }
    per_wave.into_values().collect()
}

#[test]
fn a_limit_with_when_holds_on_its_hops_only() {
    let rb = rulebook(
        "limit one-spoke-into-3 {\n  source \"test\"\n  when   hop * -> 3.0\n  upgrade(n) where n.role == spoke to 1 at once\n}\n",
    );
    let p = plan(&rb, &load(&rb, &spokes(4)), "3.0");
    // 1.0 -> 2.0 keeps the fleet's own limit of 3; 2.0 -> 3.0 takes one at a time.
    assert_eq!(spoke_waves(&p, "1.0->2.0"), [3, 1]);
    assert_eq!(spoke_waves(&p, "2.0->3.0"), [1, 1, 1, 1]);
}

#[test]
fn a_limit_may_count_from_the_facts() {
    // As many spokes at once as there are hubs (each hub serves one upgrade).
    let rb = rulebook(
        "limit per-hub {\n  source \"test\"\n  upgrade(n) where n.role == spoke to count(h in nodes: h.role == hub) at once\n}\n",
    );
    let p = plan(&rb, &load(&rb, &spokes(3)), "2.0");
    assert_eq!(spoke_waves(&p, "1.0->2.0"), [1, 1, 1]);
    let two_hubs = spokes(3) + "  - {name: hub-b, role: hub, kernel: \"5.2\"}\n";
    let p = plan(&rb, &load(&rb, &two_hubs), "2.0");
    assert_eq!(spoke_waves(&p, "1.0->2.0"), [2, 1]);
}

#[test]
fn a_computed_limit_below_one_is_a_plan_time_error_at_the_count() {
    let rb = rulebook(
        "limit per-hub {\n  source \"test\"\n  upgrade(n) where n.role == spoke to count(h in nodes: h.role == hub) at once\n}\n",
    );
    let no_hub = "platform: {version: \"1.0\"}\nnodes:\n  - {name: spoke-1, role: spoke, kernel: \"5.2\"}\n";
    let err = evaluate(&rb, &load(&rb, no_hub), "2.0").expect_err("a limit of 0");
    assert_eq!(err.codes(), vec!["uplan::eval::bad_limit"]);
    let p = &err.0[0];
    let span = p.span.expect("a span");
    let extra = "limit per-hub {\n  source \"test\"\n  upgrade(n) where n.role == spoke to count(h in nodes: h.role == hub) at once\n}\n";
    assert_eq!(
        &extra[span.start as usize..span.end as usize],
        "count(h in nodes: h.role == hub)"
    );
    insta::assert_snapshot!(render(&err, false));
}

/// A cycle of three edges from three kinds of clause: the fleet's `hub-first` order
/// (hub before spoke), an order sending spokes before the hub's preparation, and the
/// `prep -> upgrade` chain of a procedure with other lines around it.
const CYCLE: &str = "step prep(n: node) {\n  title \"Prepare {n.name}\"\n  phase prepare\n}\n\
step tidy(n: node) {\n  title \"Tidy {n.name}\"\n  phase post\n}\n\
procedure preparing {\n  source \"test\"\n  each node n\n  do tidy(n)\n  do prep(n) -> upgrade(n)\n  do tidy(n) when n.role == spoke\n}\n\
order spokes-before-hub-prep {\n  source \"test\"\n  upgrade(s) before prep(h) where s.role == spoke and h.role == hub\n}\n";

#[test]
fn an_ordering_cycle_points_at_the_clauses_of_its_edges() {
    let rb = rulebook(CYCLE);
    let err = evaluate(&rb, &load(&rb, SMALL), "2.0").expect_err("a cycle");
    assert_eq!(err.codes(), vec!["uplan::eval::ordering_cycle"]);
    let text = render(&err, false);
    for label in [
        "`prep(hub-a)` before `upgrade(hub-a)` (procedure `preparing`)",
        "(order `spokes-before-hub-prep`)",
        "(order `hub-first`)",
    ] {
        assert!(text.contains(label), "{label}\n{text}");
    }
    // Each label is one clause on one line, never a whole declaration.
    assert!(!text.contains("╭─▶"), "{text}");
    assert_eq!(text.matches("` before `").count(), 3, "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn a_self_replay_failure_names_the_step_that_broke_the_requirement_and_who_placed_it() {
    // `wipe-hub` wants the hub's kernel at 4.0 and puts `tamper` before its upgrade,
    // after the kernel fix (the order): the floor `upgrade-kernel` met is undone.
    let extra = "step tamper(n: node) {\n  title \"Tamper with {n.name}\"\n  phase core\n  effect n.kernel = 4.0\n}\n\
rule wipe-hub {\n  source  \"test\"\n  each    node n where n.role == hub\n  require n.kernel <= 4.0\n  else    step tamper(n) before upgrade(n)\n  message \"{n.name} is wiped\"\n}\n\
order fix-then-tamper {\n  source \"test\"\n  upgrade-kernel(n, _) before tamper(n)\n}\n";
    let rb = rulebook(extra);
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
    let span = p.span.expect("a span");
    assert_eq!(
        &extra[span.start as usize..span.end as usize],
        "step tamper(n: node) {"
    );
    insta::assert_snapshot!(text);
}

/// Two remediations of one requirement that set one fact to different values.
const TWO_WRITERS: &str = "step set-kernel(n: node, to: version) {\n  title \"Set the kernel of {n.name} to {to}\"\n  phase prepare\n  effect n.kernel = to\n}\n\
rule floor-a {\n  source  \"test\"\n  each    node n where n.name == \"spoke-1\"\n  require n.kernel >= 5.3\n  else    step set-kernel(n, 5.3) before upgrade(n)\n  message \"{n.name} a\"\n}\n\
rule floor-b {\n  source  \"test\"\n  each    node n where n.name == \"spoke-1\"\n  require n.kernel >= 5.3\n  else    step set-kernel(n, 5.4) before upgrade(n)\n  message \"{n.name} b\"\n}\n";

#[test]
fn two_steps_of_one_wave_writing_one_fact_differently_are_a_rulebook_error() {
    let rb = rulebook(TWO_WRITERS);
    let err = evaluate(&rb, &load(&rb, SMALL), "2.0").expect_err("a conflict");
    assert_eq!(err.codes(), vec!["uplan::eval::write_conflict"]);
    let p = &err.0[0];
    assert_eq!(
        p.message,
        "`1.0->2.0:set-kernel(spoke-1,5.3)` and `1.0->2.0:set-kernel(spoke-1,5.4)` both write `nodes.spoke-1.kernel` in one wave, and which runs last changes it"
    );
    let text = render(&err, false);
    for label in [
        "rule `floor-a` puts `set-kernel(spoke-1,5.3)` here",
        "rule `floor-b` puts `set-kernel(spoke-1,5.4)` here",
    ] {
        assert!(text.contains(label), "{label}\n{text}");
    }
    insta::assert_snapshot!(text);
}

#[test]
fn writes_whose_order_does_not_matter_are_no_conflict() {
    // Ordered apart, the same two writers are fine: the later one wins, by the order.
    let ordered = format!(
        "{TWO_WRITERS}order a-then-b {{\n  source \"test\"\n  set-kernel(n, 5.3) before set-kernel(n, 5.4)\n}}\n"
    );
    let rb = rulebook(&ordered);
    plan(&rb, &load(&rb, SMALL), "2.0");
    // One value written twice, and two additions to one list, commute.
    let same = "step set-kernel(n: node, to: version) {\n  title \"Set {n.name}\"\n  phase prepare\n  effect n.kernel = 5.3\n}\n\
step add-tool(n: node, name: string) {\n  title \"Add {name} to {n.name}\"\n  phase prepare\n  effect add n.addons { name = name }\n}\n\
procedure tooling {\n  source \"test\"\n  each node n where n.role == spoke\n  do set-kernel(n, 1.0), set-kernel(n, 2.0), add-tool(n, \"a\"), add-tool(n, \"b\")\n}\n";
    let rb = rulebook(same);
    let p = plan(&rb, &load(&rb, SMALL), "2.0");
    let waves: Vec<u32> = p
        .steps
        .iter()
        .filter(|s| s.cluster.as_deref() == Some("spoke-1") && s.action != "upgrade")
        .map(|s| s.wave)
        .collect();
    assert_eq!(waves, [1, 1, 1, 1], "{:#?}", p.steps);
}
