//! `uplan fmt` end to end: the formatted ACP rulebook plans every example exactly as
//! the original does; `--check` names what it would change and changes nothing; a
//! syntax error anywhere leaves every file as it was.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::uplan;

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("fmt-{name}"));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    dir
}

/// A copy of the ACP rulebook with every line's indentation and every run of spaces
/// after the first word doubled: the same rules, badly laid out.
fn messy_copy(name: &str) -> PathBuf {
    let dir = scratch(name);
    for entry in fs::read_dir("rules/acp").unwrap_or_else(|e| panic!("{e}")) {
        let path = entry.unwrap_or_else(|e| panic!("{e}")).path();
        let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
        let messy: String = text
            .lines()
            .map(|l| {
                let body = l.trim_start();
                let indent = l.len() - body.len();
                let body = body.replacen(' ', "   ", 1);
                format!("{}{body}  \n", " ".repeat(indent * 3))
            })
            .collect();
        fs::write(dir.join(path.file_name().unwrap_or_default()), messy)
            .unwrap_or_else(|e| panic!("{e}"));
    }
    dir
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn the_formatted_rulebook_plans_every_example_byte_for_byte_as_before() {
    let dir = messy_copy("plans");
    let d = dir.display().to_string();
    let run = uplan(&["fmt", &d]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(
        uplan(&["fmt", "--check", &d]).code,
        Some(0),
        "fmt is idempotent"
    );
    for entry in fs::read_dir("examples").unwrap_or_else(|e| panic!("{e}")) {
        let path = entry.unwrap_or_else(|e| panic!("{e}")).path();
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        let example = path.display().to_string();
        let plan = uplan(&["plan", &example, "--rules", &d, "--format", "json"]);
        assert_eq!(plan.stderr, "", "{example}");
        let want = read(&Path::new("plans").join(format!("{stem}.json")));
        // The provenance names the rulebook's digest, which formatting changes by
        // design; `plans/` are rendered without it. Everything else must be equal.
        let without_provenance = |text: &str| {
            let mut v: serde_json::Value = serde_json::from_str(text).unwrap_or_default();
            if let Some(o) = v.as_object_mut() {
                o.remove("provenance");
            }
            v
        };
        assert_eq!(
            without_provenance(&plan.stdout),
            without_provenance(&want),
            "{example}: the formatted rulebook plans differently"
        );
    }
}

#[test]
fn check_names_the_file_and_the_first_changed_line_and_writes_nothing() {
    let dir = messy_copy("check");
    let file = dir.join("constants.uplan");
    let before = read(&file);
    let f = file.display().to_string();
    let run = uplan(&["fmt", "--check", &f]);
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(
        run.stdout.contains(&format!("would reformat {f}")),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("  line 1:"), "{}", run.stdout);
    assert!(
        run.stdout.ends_with("1 of 1 file to reformat\n"),
        "{}",
        run.stdout
    );
    assert_eq!(read(&file), before, "--check writes nothing");
}

#[test]
fn a_syntax_error_in_one_file_leaves_every_file_as_it_was() {
    let dir = messy_copy("broken");
    fs::write(dir.join("zz-broken.uplan"), "rule {\n").unwrap_or_else(|e| panic!("{e}"));
    let good = dir.join("constants.uplan");
    let before = read(&good);
    let run = uplan(&["fmt", &dir.display().to_string()]);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stderr.contains("uplan::syntax::"), "{}", run.stderr);
    assert!(run.stderr.contains("zz-broken.uplan"), "{}", run.stderr);
    assert_eq!(
        read(&good),
        before,
        "nothing is written when one file fails"
    );
}

#[test]
fn rewriting_keeps_the_file_mode() {
    use std::os::unix::fs::PermissionsExt;
    let dir = messy_copy("mode");
    let file = dir.join("steps.uplan");
    fs::set_permissions(&file, fs::Permissions::from_mode(0o640)).unwrap_or_else(|e| panic!("{e}"));
    let run = uplan(&["fmt", &file.display().to_string()]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(
        run.stdout.ends_with("1 of 1 file reformatted\n"),
        "{}",
        run.stdout
    );
    let mode = fs::metadata(&file)
        .map(|m| m.permissions().mode() & 0o777)
        .ok();
    assert_eq!(mode, Some(0o640));
}

#[test]
fn the_acp_rulebook_is_kept_formatted() {
    let run = uplan(&["fmt", "--check", "rules/acp"]);
    assert_eq!(
        run.code,
        Some(0),
        "run `uplan fmt rules/acp`: {}",
        run.stdout
    );
    assert!(
        run.stdout.ends_with("already formatted\n"),
        "{}",
        run.stdout
    );
}
