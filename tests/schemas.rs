//! The JSON Schemas of `schemas/` (`uplan schema inventory|plan|check`), checked with a
//! real JSON Schema validator (the `jsonschema` crate), not with uplan's own loader:
//! they are valid draft 2020-12, current, and they accept what uplan accepts and writes
//! (every example, every plan in `plans/`, every `uplan check --format json`) and refuse
//! what the loader refuses at the level of shapes. After a schema or output change:
//!
//! ```text
//! UPLAN_REGENERATE=1 cargo test --test schemas
//! git diff schemas/
//! ```

mod common;

use std::path::{Path, PathBuf};

use serde_json::Value as Json;
use uplan::render::jsonschema::{self as generate, Closure};

fn acp() -> uplan::model::Rulebook {
    uplan::rulebooks::embedded_acp()
        .unwrap_or_else(|p| panic!("{}", uplan::diagnostics::render(&p, false)))
}

fn files(dir: &str, ext: &str) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    paths.retain(|p| p.extension().is_some_and(|x| x == ext));
    paths.sort();
    assert!(!paths.is_empty(), "no {dir}/*.{ext}");
    paths
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A YAML inventory as the JSON an editor's schema check sees; `None` when the YAML
/// has no JSON reading (a syntax error, a tag, a key that is no string).
fn yaml_as_json(text: &str) -> Option<Json> {
    serde_yaml::from_str::<Json>(text).ok()
}

fn validator(schema: &Json) -> ::jsonschema::Validator {
    ::jsonschema::draft202012::new(schema).unwrap_or_else(|e| panic!("bad schema: {e}"))
}

fn errors(v: &::jsonschema::Validator, instance: &Json) -> Vec<String> {
    v.iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

fn inventory_validator() -> ::jsonschema::Validator {
    validator(&generate::inventory(&acp()))
}

#[test]
fn the_committed_schemas_are_current() {
    let want = [
        ("inventory", generate::inventory(&acp())),
        ("plan", generate::plan(Closure::Open)),
        ("check", generate::check(Closure::Open)),
    ];
    let mut stale = Vec::new();
    for (name, schema) in want {
        let path = format!("{}/schemas/{name}.schema.json", env!("CARGO_MANIFEST_DIR"));
        let text = generate::to_text(&schema);
        if std::env::var_os("UPLAN_REGENERATE").is_some() {
            std::fs::write(&path, &text).unwrap_or_else(|e| panic!("{path}: {e}"));
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            stale.push(path);
        }
    }
    assert!(
        stale.is_empty(),
        "stale: {stale:?}; run `UPLAN_REGENERATE=1 cargo test --test schemas` and review the diff"
    );
}

#[test]
fn the_cli_prints_the_committed_schemas() {
    if std::env::var_os("UPLAN_REGENERATE").is_some() {
        return; // schemas/ is being rewritten by the test above
    }
    for name in ["inventory", "plan", "check"] {
        let run = common::uplan(&["schema", name]);
        assert_eq!(run.code, Some(0), "{run:?}");
        let committed = read(Path::new(&format!("schemas/{name}.schema.json")));
        assert!(
            run.stdout == committed,
            "`uplan schema {name}` differs from schemas/"
        );
    }
    let run = common::uplan(&["schema", "invntory"]);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stderr.contains("uplan::cli::usage"), "{run:?}");
}

#[test]
fn every_schema_is_valid_draft_2020_12() {
    for path in files("schemas", "json") {
        let schema: Json = serde_json::from_str(&read(&path))
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let meta = ::jsonschema::draft202012::meta::validate(&schema);
        assert!(meta.is_ok(), "{}: {meta:?}", path.display());
        assert_eq!(
            schema["$schema"],
            "https://json-schema.org/draft/2020-12/schema",
            "{}",
            path.display()
        );
    }
}

#[test]
fn every_example_starts_with_the_editor_line_and_validates() {
    let v = inventory_validator();
    for path in files("examples", "yaml") {
        let text = read(&path);
        assert!(
            text.starts_with("# yaml-language-server: $schema=../schemas/inventory.schema.json\n"),
            "{}",
            path.display()
        );
        let json = yaml_as_json(&text).unwrap_or_else(|| panic!("{}", path.display()));
        let errs = errors(&v, &json);
        assert!(errs.is_empty(), "{}: {errs:#?}", path.display());
    }
}

#[test]
fn a_misspelled_role_fails_the_inventory_schema() {
    let v = inventory_validator();
    let text = read(Path::new("examples/acme-3.18-standard.yaml"));
    assert!(text.contains("role: global"));
    for (from, to) in [
        ("role: global", "role: globl"),
        ("kubernetes:", "kubernets:"),
        ("registry: builtin", "registry: internal"),
    ] {
        let json = yaml_as_json(&text.replacen(from, to, 1)).unwrap_or_else(|| panic!("{to}"));
        assert!(!errors(&v, &json).is_empty(), "`{to}` passed the schema");
    }
}

#[test]
fn the_trust_corpus_validates() {
    // Each of these loads and is refused by a rule (a blocking finding), not by its shape.
    let v = inventory_validator();
    for path in files("tests/trust", "yaml") {
        let json = yaml_as_json(&read(&path)).unwrap_or_else(|| panic!("{}", path.display()));
        let errs = errors(&v, &json);
        let refused_by_loader = uplan::inventory::load(&acp(), "x", &read(&path)).is_err();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let beyond = TRUST_BEYOND_JSON_SCHEMA.contains(&name);
        assert_eq!(
            errs.is_empty(),
            !refused_by_loader || beyond,
            "{}: schema {errs:?}, loader refuses: {refused_by_loader}",
            path.display()
        );
    }
}

/// Bad inventories the loader refuses that pass the schema: faults JSON Schema cannot
/// see, each for a reason.
const BEYOND_JSON_SCHEMA: &[(&str, &str)] = &[
    (
        "duplicate-key-root.yaml",
        "JSON holds one value per key: the YAML's second key is gone",
    ),
    (
        "duplicate-key.yaml",
        "JSON holds one value per key: the YAML's second key is gone",
    ),
    (
        "duplicate-name.yaml",
        "unique by one property (`name`) across list items: `uniqueItems` compares whole items",
    ),
    (
        "float-version.yaml",
        "how a number is written (1.3e2): JSON sees 130, the loader reads versions as written",
    ),
    ("tag-binary.yaml", "YAML tags: JSON has none"),
    ("tag-float-on-version.yaml", "YAML tags: JSON has none"),
    ("tag-int-on-version.yaml", "YAML tags: JSON has none"),
    ("tag-on-key.yaml", "YAML tags: JSON has none"),
    ("tag-renamed-by-directive.yaml", "YAML tags: JSON has none"),
    ("tag-verbatim.yaml", "YAML tags: JSON has none"),
    (
        "version-hex.yaml",
        "how a number is written (0x1F): JSON sees 31, the loader reads versions as written",
    ),
];

/// Trust-corpus files the loader refuses though the schema accepts them (see above).
const TRUST_BEYOND_JSON_SCHEMA: &[&str] = &["same-name-two-roles.yaml"];

#[test]
fn the_bad_inventories_that_json_can_hold_fail_the_schema() {
    let v = inventory_validator();
    let mut passed = Vec::new();
    let mut not_json = Vec::new();
    for path in files("tests/bad-inventories", "yaml") {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        let text = read(&path);
        let Some(json) = yaml_as_json(&text) else {
            not_json.push(name);
            continue;
        };
        let valid = errors(&v, &json).is_empty();
        if name.starts_with("ok-") {
            assert!(
                valid,
                "{name} is a valid inventory: {:?}",
                errors(&v, &json)
            );
        } else if valid {
            passed.push(name);
        }
    }
    let expected: Vec<&str> = BEYOND_JSON_SCHEMA.iter().map(|(n, _)| *n).collect();
    assert_eq!(passed, expected, "not JSON: {not_json:?}");
}

#[test]
fn every_plan_validates_against_the_closed_plan_schema() {
    // Closed: a field uplan writes that the schema does not describe fails here; the
    // published schema (open) tolerates fields added to v1.
    let closed = validator(&generate::plan(Closure::Closed));
    let open = validator(&generate::plan(Closure::Open));
    for path in files("plans", "json") {
        let json: Json = serde_json::from_str(&read(&path))
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let errs = errors(&closed, &json);
        assert!(errs.is_empty(), "{}: {errs:#?}", path.display());
        let mut extended = json.clone();
        extended["added_in_a_later_v1"] = Json::Bool(true);
        assert!(open.is_valid(&extended));
        assert!(!closed.is_valid(&extended));
    }
}

#[test]
fn every_check_report_validates_against_the_closed_check_schema() {
    let closed = validator(&generate::check(Closure::Closed));
    let plan = validator(&generate::plan(Closure::Closed));
    for path in files("examples", "yaml") {
        let p = path.display().to_string();
        let mut args = vec!["check", p.as_str(), "--format", "json"];
        if !read(&path).contains("\ntarget:") {
            args.extend(["--to", "4.3"]);
        }
        let run = common::uplan(&args);
        assert!(matches!(run.code, Some(0 | 1)), "{p}: {run:?}");
        let json: Json = serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{p}: {e}"));
        let errs = errors(&closed, &json);
        assert!(errs.is_empty(), "{p}: {errs:#?}");
        assert!(!plan.is_valid(&json), "{p}: a check report is no plan");
    }
}
