//! The rule language of issue #14 on a small two-flow rulebook (`tests/fixtures/flows`:
//! script hops upgrade with `upgrade-cluster`, CVO hops with `request-upgrade`):
//! an anchor absent on its hop is a rulebook error at plan time, milestones stand for
//! whichever step a hop has, and `just before` places a remediation late.

use std::path::Path;

use uplan::diagnostics::{Problems, render};
use uplan::eval::{self, Mode};
use uplan::inventory;
use uplan::model::{Rulebook, Version};
use uplan::plan::{Plan, PlannedStep, Status};

fn rulebook(extra: &str) -> Rulebook {
    let mut files = uplan::rulebooks::read_dir_files(Path::new("tests/fixtures/flows"))
        .unwrap_or_else(|p| panic!("{}", render(&p, false)));
    files.push(("extra.uplan".into(), extra.into()));
    uplan::compile(&files).unwrap_or_else(|p| panic!("{}", render(&p, false)))
}

const INVENTORY: &str = include_str!("fixtures/flows/inventory.yaml");

fn evaluate(rb: &Rulebook, yaml: &str, to: &str) -> Result<Plan, Problems> {
    let inv = inventory::load(rb, "inventory.yaml", yaml)
        .unwrap_or_else(|p| panic!("{}", render(&p, false)));
    let to = Version::parse(to).ok();
    eval::evaluate(rb, &inv, to.as_ref(), Mode::Plan).map(|ev| ev.to_plan(rb, &inv))
}

fn plan(rb: &Rulebook, yaml: &str, to: &str) -> Plan {
    evaluate(rb, yaml, to).unwrap_or_else(|p| panic!("{}", render(&p, false)))
}

fn step<'p>(plan: &'p Plan, id: &str) -> &'p PlannedStep {
    let ids: Vec<&str> = plan.steps.iter().map(|s| s.id.as_str()).collect();
    plan.steps
        .iter()
        .find(|s| s.id == id)
        .unwrap_or_else(|| panic!("no step `{id}` in {ids:#?}"))
}

fn position(plan: &Plan, id: &str) -> usize {
    let s = step(plan, id);
    plan.steps
        .iter()
        .position(|x| std::ptr::eq(x, s))
        .unwrap_or(0)
}

/// The silent case of issue #14: on a CVO hop, `upgrade-cluster` exists only in the
/// script flow, so the follow-up used to land in wave 1, before the upgrade.
fn gateway_rule(after: &str, placement: &str) -> String {
    format!(
        r#"
rule gateway-v2 {{
  source  "Flows guide › Gateway: replace the gateway plugin around the upgrade"
  when    hop.flow == cvo
  each    cluster c
  each    p in c.plugins where p.name == "gateway"
  require false
  else    step remove-plugin(c, "gateway") {placement} upgraded(c)
  then    step install-plugin(c, "gateway-v2") after {after}
  message "{{c.name}} runs the old gateway"
}}
"#
    )
}

#[test]
fn an_anchor_absent_on_its_hop_is_a_rulebook_error_at_its_pattern() {
    let rb = rulebook(&gateway_rule("upgrade-cluster(c)", "before"));
    let problems = match evaluate(&rb, INVENTORY, "3.0") {
        Ok(p) => panic!("planned although the anchor is absent: {:#?}", p.steps),
        Err(p) => p,
    };
    assert_eq!(problems.codes(), vec!["uplan::eval::absent_anchor"]);
    let text = render(&problems, false);
    assert!(text.contains("upgrade-cluster(c)"), "{text}");
    // the help names the step the hop does have for that cluster
    assert!(text.contains("request-upgrade"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn a_milestone_anchors_on_whichever_step_the_hop_has() {
    let rb = rulebook(&gateway_rule("upgraded(c)", "before"));
    let p = plan(&rb, INVENTORY, "3.0");
    assert_eq!(p.status, Status::Ready, "{:#?}", p.findings);
    let install = step(&p, "2.0->3.0:install-plugin(hub,gateway-v2)");
    assert!(
        install
            .after
            .contains(&"2.0->3.0:request-upgrade(hub)".to_string()),
        "{install:#?}"
    );
    let remove = step(&p, "2.0->3.0:remove-plugin(hub,gateway)");
    let request = step(&p, "2.0->3.0:request-upgrade(hub)");
    assert!(request.after.contains(&remove.id), "{request:#?}");
}

#[test]
fn an_order_between_milestones_holds_on_every_flow() {
    let rb = rulebook("");
    let p = plan(
        &rb,
        "platform: {version: \"1.0\"}\nclusters:\n  - {name: hub, role: global}\n  - {name: edge-1, role: workload}\n",
        "3.0",
    );
    for (hub, edge) in [
        (
            "1.0->2.0:upgrade-cluster(hub)",
            "1.0->2.0:upgrade-cluster(edge-1)",
        ),
        (
            "2.0->3.0:request-upgrade(hub)",
            "2.0->3.0:request-upgrade(edge-1)",
        ),
    ] {
        assert!(
            step(&p, edge).after.contains(&hub.to_string()),
            "{edge} waits for {hub}"
        );
    }
}

#[test]
fn just_before_runs_the_remediation_as_late_as_its_anchor_allows() {
    let early = plan(
        &rulebook(&gateway_rule("upgraded(c)", "before")),
        INVENTORY,
        "3.0",
    );
    let rb = rulebook(&gateway_rule("upgraded(c)", "just before"));
    let late = plan(&rb, INVENTORY, "3.0");
    let (remove, request, download) = (
        "2.0->3.0:remove-plugin(hub,gateway)",
        "2.0->3.0:request-upgrade(hub)",
        "2.0->3.0:download(hub)",
    );
    // as early as possible: first wave, before the checks and the download
    assert_eq!(step(&early, remove).wave, 1);
    assert!(position(&early, remove) < position(&early, download));
    // just before: the wave right before the upgrade request, after the download
    assert_eq!(step(&late, remove).wave + 1, step(&late, request).wave);
    assert!(position(&late, download) < position(&late, remove));
    assert!(position(&late, remove) < position(&late, request));
    // the same steps either way, and byte-identical output run after run
    let mut a: Vec<&str> = early.steps.iter().map(|s| s.id.as_str()).collect();
    let mut b: Vec<&str> = late.steps.iter().map(|s| s.id.as_str()).collect();
    a.sort_unstable();
    b.sort_unstable();
    assert_eq!(a, b);
    let again = plan(&rb, INVENTORY, "3.0");
    assert_eq!(uplan::render::json(&late), uplan::render::json(&again));
}

#[test]
fn a_milestone_in_warn_at_and_limit_matches_each_flow() {
    let extra = r#"
rule hub-notice {
  source  "Flows guide › Notices"
  each    cluster c where c.role == global
  note    at upgraded(c)
  message "{c.name} is the hub"
}
limit one-at-a-time {
  source "Flows guide › One at a time"
  upgraded(c) where c.role == workload to 1 at once
}
"#;
    let rb = rulebook(extra);
    let yaml = "platform: {version: \"1.0\"}\nclusters:\n  - {name: hub, role: global}\n  - {name: edge-1, role: workload}\n  - {name: edge-2, role: workload}\n";
    let p = plan(&rb, yaml, "3.0");
    for id in [
        "1.0->2.0:upgrade-cluster(hub)",
        "2.0->3.0:request-upgrade(hub)",
    ] {
        assert!(
            step(&p, id).notes.iter().any(|n| n.contains("is the hub")),
            "{id}"
        );
    }
    for hop in ["1.0->2.0:upgrade-cluster", "2.0->3.0:request-upgrade"] {
        let w1 = step(&p, &format!("{hop}(edge-1)")).wave;
        let w2 = step(&p, &format!("{hop}(edge-2)")).wave;
        assert_ne!(w1, w2, "{hop}: one workload at a time");
    }
}

#[test]
fn a_milestone_that_matches_nothing_on_a_hop_is_the_absent_anchor_lint() {
    let extra = r#"
milestone scripted(c: cluster) = upgrade-cluster(c)

rule reinstall {
  source  "Flows guide › Plugins"
  each    cluster c
  each    p in c.plugins where p.name == "gateway"
  require false
  else    step remove-plugin(c, p.name) before download(c)
  then    step install-plugin(c, p.name) after scripted(c)
  message "{c.name} runs {p.name}"
}
"#;
    let rb = rulebook(extra);
    let warnings = uplan::lint::warnings(&rb);
    let text = render(&warnings, false);
    assert_eq!(
        warnings.codes(),
        vec!["uplan::lint::absent_anchor"],
        "{text}"
    );
    assert!(
        text.contains("`scripted` matches no step on 2.0->3.0"),
        "{text}"
    );
    assert!(
        !text.contains("1.0->2.0"),
        "the script hop has the step: {text}"
    );
}
