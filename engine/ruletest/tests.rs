//! `test` declarations: compile-time checks (names, paths, hops), run-time
//! diagnostics, and what a failure says, on the ACP rulebook plus one test file.

use crate::diagnostics::{Problems, render};
use crate::model::Rulebook;

const ALDER: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/examples/alder-3.16-clean.yaml"
);

/// The ACP rulebook without its own tests, plus `extra` as `extra.uplan`.
fn compile(extra: &str) -> Result<Rulebook, Problems> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/rules/acp");
    let mut files: Vec<(String, String)> =
        crate::rulebooks::read_dir_files(std::path::Path::new(dir))
            .unwrap_or_else(|p| panic!("{}", render(&p, false)))
            .into_iter()
            .filter(|(name, _)| !name.contains("/tests-"))
            .collect();
    files.push(("extra.uplan".into(), extra.replace("ALDER", ALDER)));
    crate::compile(&files)
}

fn codes_and_help(extra: &str) -> Vec<(&'static str, String)> {
    let Err(p) = compile(extra) else {
        panic!("expected errors for {extra}");
    };
    p.0.iter()
        .map(|q| (q.code, q.help.clone().unwrap_or_default()))
        .collect()
}

fn test_with(body: &str) -> String {
    format!("test t {{\n  source \"guide\"\n  inventory \"ALDER\"\n{body}\n}}\n")
}

#[test]
fn a_rule_that_does_not_exist_is_an_error_with_did_you_mean() {
    let got = codes_and_help(&test_with("  expect finding k8s-flor-3.16"));
    assert_eq!(
        got,
        [(
            "uplan::check::unknown_rule",
            "did you mean `k8s-floor-3.16`?".to_string()
        )]
    );
}

#[test]
fn steps_are_checked_by_name_and_arity() {
    let got = codes_and_help(&test_with("  expect step upgrade-kubernets(global, _)"));
    assert_eq!(
        got,
        [(
            "uplan::check::unknown_step",
            "did you mean `upgrade-kubernetes`?".to_string()
        )]
    );
    let got = codes_and_help(&test_with("  expect step upgrade-kubernetes(global)"));
    assert_eq!(got[0].0, "uplan::check::arity");
    let got = codes_and_help(&test_with(
        "  expect at most 20 upgrade-workload-clustr at once",
    ));
    assert_eq!(got[0].0, "uplan::check::unknown_step");
}

#[test]
fn overrides_are_checked_against_the_schema() {
    let got = codes_and_help(&test_with(
        "  set clusters[global].kubernets = 1.28.9\n  expect ready",
    ));
    assert_eq!(
        got,
        [(
            "uplan::check::unknown_fact",
            "did you mean `kubernetes`?".to_string()
        )]
    );
    let got = codes_and_help(&test_with(
        "  set clusters[global].role = globl\n  expect ready",
    ));
    assert_eq!(
        got,
        [(
            "uplan::check::unknown_variant",
            "did you mean `global`?".to_string()
        )]
    );
    for bad in [
        "  set clusters.kubernetes = 1.28\n  expect ready",
        "  remove platform.version\n  expect ready",
        "  set platform.version = hop.from\n  expect ready",
        "  add platform { version = 3.16.2 }\n  expect ready",
        "  set platform[x].version = 3.16.2\n  expect ready",
    ] {
        let got = codes_and_help(&test_with(bad));
        assert_eq!(got.len(), 1, "{bad}: {got:?}");
        assert_eq!(got[0].0, "uplan::check::bad_override", "{bad}");
    }
}

#[test]
fn hops_severities_and_required_clauses() {
    let got = codes_and_help(&test_with(
        "  expect step upgrade-cluster(global) in 4.1 -> 4.2",
    ));
    assert_eq!(got[0].0, "uplan::check::bad_expectation");
    assert!(got[0].1.contains("3.16 -> 4.0"), "{got:?}");
    let got = codes_and_help(&test_with("  expect finding k8s-floor-3.16 critical"));
    assert!(
        !got.is_empty(),
        "a severity outside block|fix|warn|info is not accepted"
    );
    let got = codes_and_help("test t {\n  inventory \"ALDER\"\n  expect ready\n}\n");
    assert_eq!(got[0].0, "uplan::check::missing_clause");
    let got = codes_and_help("test t {\n  source \"s\"\n  inventory \"ALDER\"\n}\n");
    assert_eq!(got[0].0, "uplan::check::missing_clause");
    let got = codes_and_help(&format!(
        "{}{}",
        test_with("  expect ready"),
        test_with("  expect ready")
    ));
    assert_eq!(got[0].0, "uplan::check::duplicate");
}

fn run(extra: &str) -> Result<Vec<super::Outcome>, Problems> {
    let rb = compile(extra).unwrap_or_else(|p| panic!("{}", render(&p, false)));
    super::run(&rb, None)
}

#[test]
fn an_override_naming_a_missing_element_is_a_diagnostic_at_it() {
    let Err(p) = run(&test_with(
        "  set clusters[alder-prd].istio = 1.20.1\n  expect ready",
    )) else {
        panic!("expected bad input");
    };
    assert_eq!(p.codes(), ["uplan::test::bad_override"]);
    assert!(
        p.0[0].message.contains("did you mean `alder-prod`?"),
        "{}",
        p.0[0].message
    );
    let Err(p) = run("test t {\n  source \"s\"\n  inventory \"no/such.yaml\"\n  expect ready\n}\n")
    else {
        panic!("expected bad input");
    };
    assert_eq!(p.codes(), ["uplan::test::unreadable_inventory"]);
}

#[test]
fn an_inline_inventory_missing_a_required_fact_does_not_load() {
    let Err(p) = run(
        "test t {\n  source \"s\"\n  add clusters { name = \"g\" role = global }\n  to 4.0\n  expect ready\n}\n",
    ) else {
        panic!("expected bad input");
    };
    assert!(
        p.codes().contains(&"uplan::test::bad_inventory"),
        "{:?}",
        p.codes()
    );
    assert!(
        p.codes().len() > 1,
        "the loader's own diagnostics follow: {:?}",
        p.codes()
    );
}

#[test]
fn a_failure_says_expected_and_actual_at_the_expectation() {
    let body = "  set clusters[alder-prod].kubernetes = 1.27.9\n  expect blocked\n  expect finding k8s-floor-3.16 on alder-staging\n  expect step upgrade-kubernetes(alder-prod, 1.28) before step upgrade-cluster(global)\n  expect no step upgrade-kubernetes(alder-prod, _)";
    let outcomes = run(&test_with(body)).unwrap_or_else(|p| panic!("{}", render(&p, false)));
    let [o] = outcomes.as_slice() else {
        panic!("one test");
    };
    assert_eq!(o.failures.len(), 3, "{:?}", o.lines);
    insta::assert_snapshot!(o.lines.join("\n"));
    insta::assert_snapshot!(
        "rendered_failure",
        render(&Problems(o.failures.clone()), false)
    );
}

#[test]
fn tests_never_change_a_plan() {
    let with_test =
        compile(&test_with("  expect ready")).unwrap_or_else(|p| panic!("{}", render(&p, false)));
    let without = compile("").unwrap_or_else(|p| panic!("{}", render(&p, false)));
    let text = std::fs::read_to_string(ALDER).unwrap_or_default();
    let plan = |rb: &Rulebook| {
        let inv = crate::inventory::load(rb, "alder", &text)
            .unwrap_or_else(|p| panic!("{}", render(&p, false)));
        let ev = crate::eval::evaluate(rb, &inv, None, crate::eval::Mode::Plan)
            .unwrap_or_else(|p| panic!("{}", render(&p, false)));
        crate::render::json(&ev.to_plan(rb, &inv))
    };
    assert_eq!(plan(&with_test), plan(&without));
}
