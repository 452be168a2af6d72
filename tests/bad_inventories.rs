//! The bad-inventory corpus: every `tests/bad-inventories/*.yaml` is loaded against the
//! embedded ACP rulebook; it must fail with exactly the codes its first line promises
//! (`# expect: uplan::inventory::unknown_field`, several separated by commas, in
//! source order), and the rendered diagnostics are kept as insta snapshots
//! (`tests/snapshots/bad_inventories__*.snap`; see tests/README.md to review them).
//!
//! The same corpus is also checked, codes only, against a hand-built copy of the
//! schema in `engine/inventory/tests.rs`, which needs no checker.

use std::fs;

use uplan::diagnostics::render;

fn expected_codes(text: &str) -> Vec<String> {
    let first = text.lines().next().unwrap_or("");
    let codes = first
        .strip_prefix("# expect:")
        .unwrap_or_else(|| panic!("first line must be `# expect: CODE`, found {first:?}"));
    codes.split(',').map(|c| c.trim().to_owned()).collect()
}

#[test]
fn bad_inventories_report_their_codes_and_render() {
    let rulebook = uplan::rulebooks::embedded_acp()
        .unwrap_or_else(|p| panic!("the ACP rulebook does not compile:\n{}", render(&p, false)));
    insta::glob!("bad-inventories/*.yaml", |path| {
        let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let file = path
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default();
        let name = format!("tests/bad-inventories/{file}");
        let problems = match uplan::inventory::load(&rulebook, &name, &text) {
            Ok(_) => panic!("{name} loaded without a problem"),
            Err(p) => p,
        };
        assert_eq!(problems.codes(), expected_codes(&text), "{name}");
        insta::assert_snapshot!(render(&problems, false));
    });
}
