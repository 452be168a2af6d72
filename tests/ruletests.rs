//! `uplan test` end to end on the ACP rulebook: its tests pass and cover every rule,
//! procedure, order and limit (issue 8, acceptance 1); exit codes 0 / 1 / 2; `lint`
//! warns on what no test exercises.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::uplan;

/// The `N passed, N failed` line: (passed, failed).
fn summary(stdout: &str) -> (usize, usize) {
    let line = stdout.lines().last().unwrap_or_default();
    let nums: Vec<usize> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|w| w.parse().ok())
        .collect();
    assert!(line.ends_with(" failed"), "last line: {line}");
    (nums[0], nums[1])
}

#[test]
fn the_acp_rulebook_passes_at_least_60_tests() {
    let run = uplan(&["test", "rules/acp"]);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    let (passed, failed) = summary(&run.stdout);
    assert!(passed >= 60, "{passed} tests");
    assert_eq!(failed, 0);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
}

#[test]
fn the_embedded_rulebook_runs_its_tests_from_the_working_directory() {
    let run = uplan(&["test"]);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    assert_eq!(summary(&run.stdout).1, 0);
}

#[test]
fn coverage_reaches_every_rule_procedure_order_and_limit() {
    let run = uplan(&["test", "rules/acp", "--coverage"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(!run.stdout.contains("NEVER EXERCISED"), "{}", run.stdout);
    assert!(!run.stdout.contains("never exercised:"), "{}", run.stdout);
    assert!(!run.stdout.contains("none passed"), "{}", run.stdout);
    assert!(run.stdout.contains("(100 %)"), "{}", run.stdout);
    for kind in ["rules", "procedures", "orders", "limits"] {
        let line = run
            .stdout
            .lines()
            .find(|l| l.starts_with(&format!("{kind}: ")))
            .unwrap_or_default();
        let (fired, all) = line
            .trim_start_matches(&format!("{kind}: "))
            .split_once(" exercised")
            .and_then(|(f, _)| f.split_once('/'))
            .unwrap_or_else(|| panic!("{kind}: {line}"));
        assert_eq!(fired, all, "{line}");
    }
}

#[test]
fn filter_runs_the_named_tests_and_a_filter_matching_none_is_bad_input() {
    let run = uplan(&["test", "rules/acp", "--filter", "istio-floor"]);
    assert_eq!(run.code, Some(0));
    let (passed, _) = summary(&run.stdout);
    assert!((2..10).contains(&passed), "{}", run.stdout);
    let run = uplan(&["test", "rules/acp", "--filter", "no-such-test"]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.contains("uplan::test::no_tests"),
        "{}",
        run.stderr
    );
}

fn scratch(name: &str, tests: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("ruletests-{name}"));
    let _ = fs::remove_dir_all(&root);
    let rules = root.join("rules");
    fs::create_dir_all(&rules).unwrap_or_else(|e| panic!("{e}"));
    for entry in fs::read_dir("rules/acp").unwrap_or_else(|e| panic!("{e}")) {
        let path = entry.unwrap_or_else(|e| panic!("{e}")).path();
        let file = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if file.ends_with(".uplan") && !file.starts_with("tests-") {
            fs::copy(&path, rules.join(file)).unwrap_or_else(|e| panic!("{e}"));
        }
    }
    let examples = fs::canonicalize("examples").unwrap_or_else(|e| panic!("{e}"));
    let tests = tests.replace("EXAMPLES", &examples.display().to_string());
    fs::write(rules.join("tests.uplan"), tests).unwrap_or_else(|e| panic!("{e}"));
    rules
}

const ONE_TEST: &str = "test alder {\n  source \"ACP 4.0 › Overview: the global cluster before any workload cluster\"\n  inventory \"EXAMPLES/alder-3.16-clean.yaml\"\n  expect ready\n}\n";

#[test]
fn a_failing_test_exits_1_with_expected_and_actual() {
    let rules = scratch(
        "failing",
        &ONE_TEST.replace("expect ready", "expect blocked"),
    );
    let run = uplan(&["test", &rules.display().to_string()]);
    assert_eq!(run.code, Some(1), "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("FAIL alder (") && run.stdout.contains("expected blocked, got ready"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.ends_with("0 passed, 1 failed\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr.contains("uplan::test::failed") && run.stderr.contains("tests.uplan:4:3"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_test_whose_inventory_cannot_be_built_is_bad_input() {
    let bad = ONE_TEST.replace(
        "  expect ready",
        "  set clusters[nope].istio = 1.20.1\n  expect ready",
    );
    let rules = scratch("bad-input", &bad);
    let run = uplan(&["test", &rules.display().to_string()]);
    assert_eq!(run.code, Some(2), "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("uplan::test::bad_override"),
        "{}",
        run.stderr
    );
}

#[test]
fn lint_warns_on_what_no_test_exercises() {
    let rules = scratch("unexercised", ONE_TEST);
    let run = uplan(&["lint", &rules.display().to_string()]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stderr.contains("uplan::lint::unexercised"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("no test exercises rule `k8s-floor-3.18`"),
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr
            .contains("no test exercises procedure `global-standard-script`"),
        "alder's plan runs it"
    );
    let run = uplan(&["lint", "rules/acp"]);
    assert!(
        !run.stderr.contains("uplan::lint::unexercised"),
        "{}",
        run.stderr
    );
}
