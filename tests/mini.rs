//! The mini rulebook (`tests/fixtures/mini/`, every construct of the language once)
//! end to end: it compiles, its inventory loads, and the evaluator plans with it.

use std::path::Path;

use uplan::diagnostics::render;
use uplan::eval::{self, Mode};
use uplan::model::Version;

#[test]
fn the_mini_rulebook_plans_its_inventory() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mini");
    let files =
        uplan::rulebooks::read_dir_files(&dir).unwrap_or_else(|p| panic!("{}", render(&p, false)));
    let rb = uplan::compile(&files).unwrap_or_else(|p| panic!("{}", render(&p, false)));
    let yaml = std::fs::read_to_string(dir.join("inventory.yaml")).unwrap();
    let inv = uplan::inventory::load(&rb, "inventory.yaml", &yaml)
        .unwrap_or_else(|p| panic!("{}", render(&p, false)));
    let to = Version::parse("3.1").ok();
    let ev = eval::evaluate(&rb, &inv, to.as_ref(), Mode::Plan)
        .unwrap_or_else(|p| panic!("{}", render(&p, false)));
    let plan = ev.to_plan(&rb, &inv);
    assert_eq!(plan.path, vec!["1.0", "2.0", "3.0", "3.1"]);
    let rules: Vec<&str> = plan.findings.iter().map(|f| f.rule.as_str()).collect();
    for rule in [
        "k8s-floor-2.0",
        "no-costmanager",
        "disk-space",
        "mesh-v1-restarts",
    ] {
        assert!(rules.contains(&rule), "{rule} did not fire: {rules:?}");
    }
}
