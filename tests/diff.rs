//! `uplan diff` end to end: a one-line rule change shows exactly the examples and the
//! steps it moves; two plan files; exit codes 0 / 1 / 2.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use common::uplan;
use serde_json::Value;

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("diff-{name}"));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    dir
}

/// A copy of the ACP rulebook with `from` replaced by `to` in `file`, once.
fn edited_rulebook(name: &str, file: &str, from: &str, to: &str) -> PathBuf {
    let dir = scratch(name);
    for entry in fs::read_dir("rules/acp").unwrap_or_else(|e| panic!("{e}")) {
        let path = entry.unwrap_or_else(|e| panic!("{e}")).path();
        let mut text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
        if path.file_name().and_then(|n| n.to_str()) == Some(file) {
            assert_eq!(text.matches(from).count(), 1, "{from} once in {file}");
            text = text.replace(from, to);
        }
        let target = dir.join(path.file_name().unwrap_or_default());
        fs::write(target, text).unwrap_or_else(|e| panic!("{e}"));
    }
    dir
}

fn examples() -> Vec<String> {
    let mut all: Vec<String> = fs::read_dir("examples")
        .unwrap_or_else(|e| panic!("{e}"))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .map(|p| p.display().to_string())
        .collect();
    all.sort();
    all
}

/// (example, cluster) pairs the guide's Istio floor for 3.18 sources concerns when it
/// moves from 1.22 to 1.24: a 3.18 platform, a cluster running Istio below 1.24.
/// Read from the inventories directly, not from uplan.
fn istio_below_1_24_on_3_18() -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for path in examples() {
        let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
        let inv: serde_yaml::Value = serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
        let version = inv["platform"]["version"].as_str().unwrap_or_default();
        if !version.starts_with("3.18") {
            continue;
        }
        for c in inv["clusters"].as_sequence().into_iter().flatten() {
            let istio = c["istio"].as_str().unwrap_or_default();
            let minor: Option<u32> = istio.split('.').nth(1).and_then(|m| m.parse().ok());
            if istio.starts_with("1.") && minor.is_some_and(|m| m < 24) {
                let name = c["name"].as_str().unwrap_or_default().to_string();
                out.insert((path.clone(), name));
            }
        }
    }
    out
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

#[test]
fn raising_the_istio_floor_moves_exactly_the_istio_steps_of_3_18_examples() {
    let after = edited_rulebook(
        "istio",
        "releases.uplan",
        "istio_floor = 1.22",
        "istio_floor = 1.24",
    );
    let after = after.display().to_string();
    let inventories = examples();
    let mut args = vec!["diff", "--rules-after", &after, "--format", "json"];
    args.extend(inventories.iter().map(String::as_str));
    let run = uplan(&args);
    assert_eq!(run.code, Some(1), "changes exit 1: {}", run.stderr);
    let doc = json(&run.stdout);
    let expected = istio_below_1_24_on_3_18();
    let expected_files: BTreeSet<String> = expected.iter().map(|(f, _)| f.clone()).collect();
    let mut touched = BTreeSet::new();
    for plan in doc["plans"].as_array().into_iter().flatten() {
        let name = plan["name"].as_str().unwrap_or_default().to_string();
        let changed = plan["changed"].as_bool().unwrap_or(false);
        assert_eq!(changed, expected_files.contains(&name), "{name}: {plan}");
        let steps = &plan["steps"];
        for kind in ["added", "removed", "changed"] {
            for s in steps[kind].as_array().into_iter().flatten() {
                let id = s["id"].as_str().unwrap_or_default();
                assert!(
                    id.contains(":upgrade-istio("),
                    "{name}: only Istio steps move: {id}"
                );
                assert!(id.ends_with(",1.24)"), "{name}: to the new floor: {id}");
                let cluster = s["cluster"].as_str().unwrap_or_default().to_string();
                touched.insert((name.clone(), cluster));
            }
        }
        assert_eq!(steps["moved"].as_array().map(Vec::len), Some(0), "{name}");
    }
    assert_eq!(
        touched, expected,
        "every affected cluster's Istio step, and no other"
    );
    assert_eq!(doc["changed"].as_u64(), Some(expected_files.len() as u64));
}

#[test]
fn the_same_rulebook_on_both_sides_changes_nothing() {
    let run = uplan(&[
        "diff",
        "--rules-before",
        "rules/acp",
        "examples/delta-3.18-dr.yaml",
    ]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(run.stdout.contains("0 of 1 plan changed"), "{}", run.stdout);
}

#[test]
fn two_plan_files_a_tampered_command_and_a_removed_step() {
    let dir = scratch("files");
    let plan = uplan(&["plan", "examples/lumen-4.2-clean.yaml", "--format", "json"]);
    assert_eq!(plan.code, Some(0), "{}", plan.stderr);
    let old = dir.join("old.json");
    fs::write(&old, &plan.stdout).unwrap_or_else(|e| panic!("{e}"));
    let mut doc = json(&plan.stdout);
    let steps = doc["steps"]
        .as_array_mut()
        .unwrap_or_else(|| panic!("steps"));
    let removed = steps.remove(0)["id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let tampered = steps[0]["id"].as_str().unwrap_or_default().to_string();
    steps[0]["commands"] = serde_json::json!(["rm -rf /"]);
    let new = dir.join("new.json");
    fs::write(&new, doc.to_string()).unwrap_or_else(|e| panic!("{e}"));
    let (old, new) = (old.display().to_string(), new.display().to_string());

    let same = uplan(&["diff", &old, &old]);
    assert_eq!(same.code, Some(0), "{same:?}");
    let run = uplan(&["diff", &old, &new, "--format", "json"]);
    assert_eq!(run.code, Some(1), "{run:?}");
    let d = &json(&run.stdout)["plans"][0];
    let removed_ids: Vec<&str> = d["steps"]["removed"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["id"].as_str())
        .collect();
    assert_eq!(removed_ids, [removed.as_str()]);
    let changed = &d["steps"]["changed"][0];
    assert_eq!(changed["id"].as_str(), Some(tampered.as_str()));
    assert_eq!(changed["fields"][0]["field"], "commands");
    assert_eq!(
        changed["fields"][0]["after"],
        serde_json::json!(["rm -rf /"])
    );
}

#[test]
fn bad_input_exits_2() {
    let one = uplan(&["diff", "plans/lumen-4.2-clean.json"]);
    assert_eq!(one.code, Some(2), "{one:?}");
    assert!(one.stderr.contains("uplan::cli::usage"), "{}", one.stderr);
    let to = uplan(&["diff", "a.json", "b.json", "--to", "4.3"]);
    assert!(to.stderr.contains("uplan::cli::usage"), "{}", to.stderr);
    let bad = uplan(&["diff", "Cargo.toml", "Cargo.toml"]);
    assert_eq!(bad.code, Some(2), "{bad:?}");
    assert!(
        bad.stderr.contains("uplan::cli::bad_plan"),
        "{}",
        bad.stderr
    );
    let rules = uplan(&[
        "diff",
        "--rules-after",
        "/nonexistent",
        "examples/delta-3.18-dr.yaml",
    ]);
    assert_eq!(rules.code, Some(2), "{rules:?}");
}

#[test]
fn markdown_lists_the_unaffected_on_one_line() {
    let after = edited_rulebook(
        "md",
        "releases.uplan",
        "istio_floor = 1.22",
        "istio_floor = 1.24",
    );
    let after = after.display().to_string();
    let run = uplan(&[
        "diff",
        "--rules-after",
        &after,
        "--format",
        "md",
        "examples/corvid-3.18-istio.yaml",
        "examples/acme-3.18-standard.yaml",
    ]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stdout
            .starts_with("## uplan diff: 1 of 2 plans changed"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("### `examples/corvid-3.18-istio.yaml`"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("**Unchanged:** `examples/acme-3.18-standard.yaml`"),
        "{}",
        run.stdout
    );
}
