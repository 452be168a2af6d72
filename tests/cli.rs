//! The `uplan` binary end to end: exit codes, diagnostic codes on stderr, `-o`.
//!
//! The `fleet_*` tests run the whole pipeline on the small generic rulebook of
//! `tests/fixtures/fleet`.
//! rulebook and its examples to plan; run them with `cargo test -- --ignored`.

mod common;

use common::{Run, uplan};
use std::fs;
use std::path::{Path, PathBuf};

/// Asserts a bad-input run: exit 2, `code` on stderr, nothing on stdout, no panic.
fn assert_bad_input(run: &Run, code: &str) {
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(run.stderr.contains(code), "expected `{code}` in {run:#?}");
    assert!(run.stdout.is_empty(), "{run:#?}");
    assert!(!run.stderr.contains("panicked"), "{run:#?}");
}

/// A fresh scratch directory under cargo's per-target temp dir.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("cli")
        .join(name);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    dir
}

fn write(path: &Path, text: &str) {
    fs::write(path, text).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
}

fn s(path: &Path) -> &str {
    path.to_str()
        .unwrap_or_else(|| panic!("non-UTF-8 path {}", path.display()))
}

/// Every example inventory, sorted.
fn examples() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut found: Vec<PathBuf> = fs::read_dir(&dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    found.retain(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"));
    found.sort();
    assert!(!found.is_empty(), "no examples in {}", dir.display());
    found
}

/// The README's example: a ready plan.
const README_EXAMPLE: &str = "examples/acme-3.18-standard.yaml";

const MINIMAL_INVENTORY: &str = "platform:\n  version: \"3.18.1\"\nclusters: []\n";

// ── arguments and help ──────────────────────────────────────────────────────────

#[test]
fn help_works() {
    let run = uplan(&["--help"]);
    assert_eq!(run.code, Some(0), "{run:#?}");
    for command in ["plan", "check", "lint", "validate"] {
        assert!(run.stdout.contains(command), "{command} missing: {run:#?}");
    }
    let run = uplan(&["plan", "--help"]);
    assert_eq!(run.code, Some(0), "{run:#?}");
    assert!(run.stdout.contains("--format"), "{run:#?}");
    assert!(run.stdout.contains("--output"), "{run:#?}");
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &[][..],
        &["plan"],
        &["deploy", "x.yaml"],
        &["plan", "x.yaml", "--format", "pdf"],
        &["check", "x.yaml", "--format", "dot"],
        &["validate", "plan.json"],
    ] {
        let run = uplan(args);
        assert_eq!(run.code, Some(2), "{args:?}: {run:#?}");
        assert!(!run.stderr.is_empty(), "{args:?}: {run:#?}");
    }
}

// ── bad input: exit 2 with a diagnostic code ────────────────────────────────────

#[test]
fn missing_inventory_is_unreadable_file() {
    for command in ["plan", "check"] {
        let run = uplan(&[command, "no/such/inventory.yaml", "--to", "4.3"]);
        assert_bad_input(&run, "uplan::cli::unreadable_file");
        assert!(run.stderr.contains("no/such/inventory.yaml"), "{run:#?}");
    }
}

#[test]
fn missing_plan_or_inventory_for_validate_is_unreadable_file() {
    let dir = scratch("validate-missing");
    let run = uplan(&["validate", "no/such/plan.json", "--inventory", "inv.yaml"]);
    assert_bad_input(&run, "uplan::cli::unreadable_file");

    let plan = dir.join("plan.json");
    write(
        &plan,
        r#"{"schema": "uplan.plan/v1", "status": "ready", "from": "3.18.1", "to": "4.3",
            "path": ["3.18", "4.3"], "findings": [], "steps": []}"#,
    );
    let run = uplan(&["validate", s(&plan), "--inventory", "no/such/inv.yaml"]);
    assert_bad_input(&run, "uplan::cli::unreadable_file");
}

#[test]
fn bad_to_is_bad_version() {
    let dir = scratch("bad-to");
    let inventory = dir.join("inv.yaml");
    write(&inventory, MINIMAL_INVENTORY);
    for command in ["plan", "check"] {
        let run = uplan(&[command, s(&inventory), "--to", "4.three"]);
        assert_bad_input(&run, "uplan::cli::bad_version");
        assert!(run.stderr.contains("4.three"), "{run:#?}");
    }
}

#[test]
fn bad_rules_dir_is_a_rules_diagnostic() {
    let dir = scratch("bad-rules");
    let inventory = dir.join("inv.yaml");
    write(&inventory, MINIMAL_INVENTORY);
    let missing = dir.join("no-such-rules");
    let run = uplan(&["plan", s(&inventory), "--rules", s(&missing)]);
    assert_bad_input(&run, "uplan::rules::unreadable_dir");

    let empty = dir.join("empty");
    fs::create_dir_all(&empty).unwrap_or_else(|e| panic!("{e}"));
    let run = uplan(&["check", s(&inventory), "--rules", s(&empty)]);
    assert_bad_input(&run, "uplan::rules::empty_dir");

    let run = uplan(&["lint", s(&missing)]);
    assert_bad_input(&run, "uplan::rules::unreadable_dir");
}

#[test]
fn bad_inventory_is_bad_input() {
    let dir = scratch("bad-inventory");
    let inventory = dir.join("inv.yaml");
    write(&inventory, "platform: [unclosed\n  version: 3.18\n");
    let run = uplan(&["plan", s(&inventory), "--to", "4.3"]);
    assert_bad_input(&run, "uplan::");
}

#[test]
fn bad_plan_json_points_at_the_line() {
    let dir = scratch("bad-plan");
    let plan = dir.join("plan.json");
    write(
        &plan,
        "{\n  \"schema\": \"uplan.plan/v1\",\n  \"status\": ready\n}\n",
    );
    let run = uplan(&["validate", s(&plan), "--inventory", "inv.yaml"]);
    assert_bad_input(&run, "uplan::cli::bad_plan");
    assert!(run.stderr.contains("plan.json:3:13"), "{run:#?}");

    write(
        &plan,
        r#"{"schema": "uplan.plan/v0", "status": "ready", "from": "1", "to": "2",
            "path": [], "findings": [], "steps": []}"#,
    );
    let run = uplan(&["validate", s(&plan), "--inventory", "inv.yaml"]);
    assert_bad_input(&run, "uplan::cli::unknown_schema");
}

// ── -o FILE ─────────────────────────────────────────────────────────────────────

#[test]
fn output_file_is_not_clobbered_on_failure() {
    let dir = scratch("no-clobber");
    let out = dir.join("plan.md");
    write(&out, "GOOD PLAN\n");
    for args in [
        vec!["plan", "no/such/inventory.yaml", "-o", s(&out)],
        vec![
            "plan",
            "no/such/inventory.yaml",
            "--to",
            "x.y",
            "--output",
            s(&out),
        ],
        vec![
            "check",
            "no/such/inventory.yaml",
            "--format",
            "json",
            "-o",
            s(&out),
        ],
    ] {
        let run = uplan(&args);
        assert_eq!(run.code, Some(2), "{args:?}: {run:#?}");
        let kept = fs::read_to_string(&out).unwrap_or_default();
        assert_eq!(kept, "GOOD PLAN\n", "{args:?} clobbered the output");
    }
    let entries: Vec<_> = fs::read_dir(&dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.file_name())).collect())
        .unwrap_or_default();
    assert_eq!(entries.len(), 1, "temp files left behind: {entries:?}");
}

#[test]
fn output_file_is_written_on_success() {
    let dir = scratch("output-written");
    let out = dir.join("plan.json");
    write(&out, "OLD\n");
    let run = uplan(&[
        "plan",
        README_EXAMPLE,
        "--to",
        "4.3",
        "--format",
        "json",
        "-o",
        s(&out),
    ]);
    assert_eq!(run.code, Some(0), "{run:#?}");
    assert!(run.stdout.is_empty(), "{run:#?}");
    let direct = uplan(&["plan", README_EXAMPLE, "--to", "4.3", "--format", "json"]);
    assert_eq!(fs::read_to_string(&out).unwrap_or_default(), direct.stdout);
}

// ── needs the whole pipeline ────────────────────────────────────────────────────

#[test]
fn readme_example_is_ready() {
    let run = uplan(&["plan", README_EXAMPLE, "--to", "4.3"]);
    assert_eq!(run.code, Some(0), "{run:#?}");
    assert!(run.stdout.contains("READY"), "{run:#?}");
}

#[test]
fn plans_are_byte_identical_twice() {
    for example in examples() {
        for format in ["text", "md", "json", "dot"] {
            let args = ["plan", s(&example), "--to", "4.3", "--format", format];
            let (a, b) = (uplan(&args), uplan(&args));
            assert!(matches!(a.code, Some(0 | 1)), "{args:?}: {a:#?}");
            assert_eq!(a.stdout, b.stdout, "{args:?} differs between runs");
            assert_eq!(a.code, b.code);
        }
    }
}

#[test]
fn plan_json_follows_the_contract() {
    for example in examples() {
        let run = uplan(&["plan", s(&example), "--to", "4.3", "--format", "json"]);
        let plan: serde_json::Value = serde_json::from_str(&run.stdout)
            .unwrap_or_else(|e| panic!("{}: bad JSON: {e}\n{run:#?}", example.display()));
        assert_eq!(plan["schema"], "uplan.plan/v1");
        let expected = match plan["status"].as_str() {
            Some("ready") => 0,
            Some("blocked") => 1,
            other => panic!("{}: bad status {other:?}", example.display()),
        };
        assert_eq!(run.code, Some(expected), "{}", example.display());
        assert!(run.stdout.ends_with("}\n"));
        for key in ["from", "to", "path", "findings", "steps"] {
            assert!(plan.get(key).is_some(), "{}: no `{key}`", example.display());
        }
    }
}

#[test]
fn check_json_and_exit_code_agree() {
    for example in examples() {
        let run = uplan(&["check", s(&example), "--to", "4.3", "--format", "json"]);
        let report: serde_json::Value = serde_json::from_str(&run.stdout)
            .unwrap_or_else(|e| panic!("{}: bad JSON: {e}\n{run:#?}", example.display()));
        assert_eq!(report["schema"], "uplan.check/v1");
        assert!(report.get("steps").is_none());
        let blocked = report["status"] == "blocked";
        assert_eq!(run.code, Some(i32::from(blocked)), "{}", example.display());
        let text = uplan(&["check", s(&example), "--to", "4.3"]);
        assert_eq!(text.code, run.code);
        if blocked {
            // blocking findings point at a line of the inventory
            let name = format!("{}:", s(&example));
            assert!(text.stdout.contains(&name), "{}", text.stdout);
        }
    }
}

#[test]
fn validate_accepts_its_own_plan() {
    let dir = scratch("validate-own");
    let plan = dir.join("plan.json");
    let run = uplan(&[
        "plan",
        README_EXAMPLE,
        "--to",
        "4.3",
        "--format",
        "json",
        "-o",
        s(&plan),
    ]);
    assert_eq!(run.code, Some(0), "{run:#?}");
    let run = uplan(&["validate", s(&plan), "--inventory", README_EXAMPLE]);
    assert_eq!(run.code, Some(0), "{run:#?}");
    assert!(run.stdout.contains("plan is valid"), "{run:#?}");
}

/// (index of a step, index of a step of the same hop listed in its `after`), for the
/// first such pair.
fn first_ordered_pair(steps: &[serde_json::Value]) -> Option<(usize, usize)> {
    steps.iter().enumerate().find_map(|(i, step)| {
        let after = step["after"].as_array()?;
        after.iter().find_map(|id| {
            let j = steps.iter().position(|s| &s["id"] == id)?;
            (j < i && steps[j]["hop"] == step["hop"]).then_some((i, j))
        })
    })
}

#[test]
fn validate_rejects_a_reordered_plan() {
    let dir = scratch("validate-reordered");
    let run = uplan(&["plan", README_EXAMPLE, "--to", "4.3", "--format", "json"]);
    assert_eq!(run.code, Some(0), "{run:#?}");
    let mut plan: serde_json::Value =
        serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}"));
    let steps = plan["steps"]
        .as_array_mut()
        .unwrap_or_else(|| panic!("no steps: {}", run.stdout));
    let (later, earlier) = first_ordered_pair(steps)
        .unwrap_or_else(|| panic!("the example needs ordered steps to test reordering"));
    // Move a step in front of a step it must come after: one broken constraint.
    let moved = steps.remove(later);
    steps.insert(earlier, moved);
    let path = dir.join("reordered.json");
    write(&path, &plan.to_string());
    let run = uplan(&["validate", s(&path), "--inventory", README_EXAMPLE]);
    assert_eq!(run.code, Some(1), "{run:#?}");
    assert!(run.stdout.contains("uplan::validate::"), "{run:#?}");
    assert!(run.stdout.contains("plan is invalid"), "{run:#?}");
}

#[test]
fn lint_summarises_the_embedded_rulebook() {
    for args in [&["lint"][..], &["lint", "rules/acp"]] {
        let run = uplan(args);
        assert_eq!(run.code, Some(0), "{args:?}: {run:#?}");
        for word in ["files", "rules", "steps", "hops"] {
            assert!(run.stdout.contains(word), "{args:?}: {run:#?}");
        }
    }
}

#[test]
fn bad_inventory_points_at_the_yaml_line() {
    let dir = scratch("inventory-line");
    let inventory = dir.join("inv.yaml");
    write(
        &inventory,
        "platform:\n  version: \"3.18.1\"\n  registry: builtin\n  colour: blue\nclusters: []\n",
    );
    let run = uplan(&["plan", s(&inventory), "--to", "4.3"]);
    assert_bad_input(&run, "uplan::inventory::");
    assert!(run.stderr.contains("inv.yaml:4:"), "{run:#?}");
}

#[test]
fn bad_rule_file_is_a_syntax_diagnostic() {
    let dir = scratch("bad-rule-file");
    let rules = dir.join("rules");
    fs::create_dir_all(&rules).unwrap_or_else(|e| panic!("{e}"));
    write(&rules.join("broken.uplan"), "hop 3.16 -> {\n");
    let inventory = dir.join("inv.yaml");
    write(&inventory, MINIMAL_INVENTORY);
    let run = uplan(&["plan", s(&inventory), "--rules", s(&rules)]);
    assert_bad_input(&run, "uplan::syntax::");
    assert!(run.stderr.contains("broken.uplan:1:"), "{run:#?}");
    let run = uplan(&["lint", s(&rules)]);
    assert_bad_input(&run, "uplan::syntax::");
}

// ── the whole pipeline on the generic fleet rulebook ────────────────────────────

const FLEET_RULES: &str = "tests/fixtures/fleet";

/// hub-a's kernel (line 3) is below the 1.0 floor: the plan fixes it, so the plan is
/// ready and has ordered steps within a hop.
const FLEET_INVENTORY: &str = r#"platform: {version: "1.0.3"}
nodes:
  - {name: hub-a, role: hub, kernel: "5.0.2", addons: [{name: legacy}, {name: other}]}
  - {name: spoke-1, role: spoke, kernel: "5.2.7"}
  - {name: spoke-2, role: spoke, kernel: "5.2"}
"#;

fn fleet_inventory(dir: &Path) -> PathBuf {
    let path = dir.join("fleet.yaml");
    write(&path, FLEET_INVENTORY);
    path
}

#[test]
fn fleet_plans_are_byte_identical_in_every_format() {
    let dir = scratch("fleet-identical");
    let inv = fleet_inventory(&dir);
    for format in ["text", "md", "json", "dot"] {
        let args = [
            "plan",
            s(&inv),
            "--to",
            "3.0",
            "--rules",
            FLEET_RULES,
            "--format",
            format,
        ];
        let (a, b) = (uplan(&args), uplan(&args));
        assert_eq!(a.code, Some(0), "{args:?}: {a:#?}");
        assert!(!a.stdout.is_empty());
        assert_eq!(a.stdout, b.stdout, "{format} differs between runs");
    }
}

#[test]
fn fleet_plan_json_follows_the_contract_and_o_writes_it() {
    let dir = scratch("fleet-json");
    let inv = fleet_inventory(&dir);
    let out = dir.join("plan.json");
    write(&out, "OLD\n");
    let args = [
        "plan",
        s(&inv),
        "--to",
        "3.0",
        "--rules",
        FLEET_RULES,
        "--format",
        "json",
    ];
    let direct = uplan(&args);
    let mut with_o = args.to_vec();
    with_o.extend(["-o", s(&out)]);
    let run = uplan(&with_o);
    assert_eq!(run.code, Some(0), "{run:#?}");
    assert!(run.stdout.is_empty(), "{run:#?}");
    let written = fs::read_to_string(&out).unwrap_or_default();
    assert_eq!(written, direct.stdout);
    let plan: serde_json::Value =
        serde_json::from_str(&written).unwrap_or_else(|e| panic!("bad JSON: {e}\n{written}"));
    assert_eq!(plan["schema"], "uplan.plan/v1");
    assert_eq!(plan["status"], "ready");
    assert_eq!(plan["path"], serde_json::json!(["1.0", "2.0", "3.0"]));
}

#[test]
fn fleet_check_points_at_the_inventory_line() {
    let dir = scratch("fleet-check");
    let inv = fleet_inventory(&dir);
    let run = uplan(&["check", s(&inv), "--to", "3.0", "--rules", FLEET_RULES]);
    assert_eq!(run.code, Some(0), "{run:#?}");
    assert!(run.stdout.contains("kernel-floor"), "{run:#?}");
    assert!(run.stdout.contains("fleet.yaml:3:"), "{run:#?}");
    assert!(run.stdout.contains("nothing blocks"), "{run:#?}");
    let run = uplan(&[
        "check",
        s(&inv),
        "--to",
        "3.0",
        "--rules",
        FLEET_RULES,
        "--format",
        "json",
    ]);
    let report: serde_json::Value =
        serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("bad JSON: {e}\n{run:#?}"));
    assert_eq!(report["schema"], "uplan.check/v1");
    assert_eq!(report["status"], "ready");
    assert!(report.get("steps").is_none());
}

#[test]
fn fleet_validate_accepts_the_plan_and_rejects_a_reordering() {
    let dir = scratch("fleet-validate");
    let inv = fleet_inventory(&dir);
    let plan = dir.join("plan.json");
    let run = uplan(&[
        "plan",
        s(&inv),
        "--to",
        "3.0",
        "--rules",
        FLEET_RULES,
        "--format",
        "json",
        "-o",
        s(&plan),
    ]);
    assert_eq!(run.code, Some(0), "{run:#?}");
    let run = uplan(&[
        "validate",
        s(&plan),
        "--inventory",
        s(&inv),
        "--rules",
        FLEET_RULES,
    ]);
    assert_eq!(run.code, Some(0), "{run:#?}");
    assert!(run.stdout.contains("plan is valid"), "{run:#?}");

    let text = fs::read_to_string(&plan).unwrap_or_default();
    let mut value: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
    let steps = value["steps"]
        .as_array_mut()
        .unwrap_or_else(|| panic!("no steps: {text}"));
    let (later, earlier) =
        first_ordered_pair(steps).unwrap_or_else(|| panic!("no ordered pair in {text}"));
    let moved = steps.remove(later);
    steps.insert(earlier, moved);
    let reordered = dir.join("reordered.json");
    write(&reordered, &value.to_string());
    let run = uplan(&[
        "validate",
        s(&reordered),
        "--inventory",
        s(&inv),
        "--rules",
        FLEET_RULES,
    ]);
    assert_eq!(run.code, Some(1), "{run:#?}");
    assert!(run.stdout.contains("uplan::validate::"), "{run:#?}");
    assert!(run.stdout.contains("plan is invalid"), "{run:#?}");
}

#[test]
fn fleet_bad_inventory_points_at_the_yaml_line() {
    let dir = scratch("fleet-bad-inventory");
    let inv = dir.join("inv.yaml");
    write(
        &inv,
        &FLEET_INVENTORY.replace("role: spoke, kernel: \"5.2\"", "role: spoke, colour: blue"),
    );
    let run = uplan(&["plan", s(&inv), "--to", "3.0", "--rules", FLEET_RULES]);
    assert_bad_input(&run, "uplan::inventory::");
    assert!(run.stderr.contains("inv.yaml:5:"), "{run:#?}");
}

#[test]
fn fleet_lint_summarises() {
    let run = uplan(&["lint", FLEET_RULES]);
    assert_eq!(run.code, Some(0), "{run:#?}");
    assert!(run.stdout.contains("1 file,"), "{run:#?}");
    for word in ["rules", "steps", "hops"] {
        assert!(run.stdout.contains(word), "{run:#?}");
    }
}

#[test]
fn lint_warns_about_a_step_nothing_adds() {
    let dir = scratch("lint-unused-step");
    let fleet = fs::read_to_string(Path::new(FLEET_RULES).join("fleet.uplan"))
        .unwrap_or_else(|e| panic!("{e}"));
    write(&dir.join("fleet.uplan"), &fleet);
    write(
        &dir.join("extra.uplan"),
        "step orphan(n: node) {\n  title \"Orphan {n.name}\"\n}\n",
    );
    let run = uplan(&["lint", s(&dir)]);
    assert_eq!(run.code, Some(0), "{run:#?}");
    assert!(run.stdout.contains("2 files,"), "{run:#?}");
    // the orphan is also one of the steps without a duration (`no_duration`)
    assert!(run.stdout.contains("4 warnings"), "{run:#?}");
    assert!(run.stderr.contains("uplan::lint::unused_step"), "{run:#?}");
    assert!(run.stderr.contains("extra.uplan:1:1"), "{run:#?}");
}
