//! Diagnostics stay readable, bounded and safe whatever the input (issue 12):
//!
//! - a span past column 65,535 (one-line JSON, long rule or plan lines) renders a
//!   window of its line with the true `line:column`, no panic, bounded output;
//! - every diagnostic of a file shares one copy of its source;
//! - at most [`MAX_RENDERED`] diagnostics are rendered, then `… and M more`;
//! - control characters and bidi overrides from any input never reach the terminal;
//! - the value of a credential-like field and the userinfo of a URL are never echoed.
//!
//! The big inputs are generated here, at the smallest size that shows the problem.

mod common;

use common::{Run, uplan};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use uplan::diagnostics::{MAX_RENDERED, Problems, render};
use uplan::model::Rulebook;
use uplan::sanitize::is_unsafe_char;

// ── helpers ─────────────────────────────────────────────────────────────────────

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("robust_diagnostics")
        .join(name);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    dir
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    fs::write(&path, text).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
    path.to_string_lossy().into_owned()
}

fn acp() -> Rulebook {
    uplan::rulebooks::embedded_acp()
        .unwrap_or_else(|p| panic!("the ACP rulebook does not compile:\n{}", render(&p, false)))
}

/// The problems of an inventory that must not load.
fn load_err(rulebook: &Rulebook, name: &str, text: &str) -> Problems {
    match uplan::inventory::load(rulebook, name, text) {
        Ok(_) => panic!("{name} loaded without a problem"),
        Err(p) => p,
    }
}

/// Nothing a terminal would interpret: only printable text and line feeds.
#[track_caller]
fn assert_terminal_safe(out: &str) {
    if let Some((i, c)) = out
        .char_indices()
        .find(|&(_, c)| is_unsafe_char(c) && c != '\n')
    {
        let before: String = out[..i].chars().rev().take(80).collect();
        let before: String = before.chars().rev().collect();
        panic!("{c:?} at byte {i} reaches the terminal, after {before:?}");
    }
}

#[track_caller]
fn assert_hidden(out: &str, secrets: &[&str]) {
    for s in secrets {
        assert!(!out.contains(s), "`{s}` is echoed in:\n{out}");
    }
}

#[track_caller]
fn assert_no_panic(run: &Run) {
    assert!(
        !run.stderr.contains("panicked") && matches!(run.code, Some(0..=2)),
        "{run:#?}"
    );
}

/// A valid inventory as one line of JSON (JSON is YAML): a global cluster, then
/// `workloads` workload clusters; `last` is spliced into the last cluster.
fn one_line_inventory(workloads: usize, last: &str) -> String {
    let mut s = String::from(
        r#"{"platform":{"version":"3.18.1","registry":"builtin"},"target":"4.3","clusters":[{"name":"global","role":"global","kubernetes":"1.30.4","disks":[{"path":"/cpaas/minio","free_gb":210}]}"#,
    );
    for i in 0..workloads {
        let extra = if i + 1 == workloads { last } else { "" };
        let _ = write!(
            s,
            r#",{{"name":"work-{i:05}","role":"workload","kubernetes":"1.30.4"{extra}}}"#
        );
    }
    s.push_str("]}\n");
    s
}

/// `count` workload clusters, each with one unknown field: `count` diagnostics.
fn many_unknown_fields(count: usize) -> String {
    let mut s = String::from(
        "platform:\n  version: \"3.18.1\"\ntarget: \"4.3\"\nclusters:\n  - name: global\n    role: global\n    kubernetes: \"1.30.4\"\n",
    );
    for i in 0..count {
        let _ = write!(
            s,
            "  - name: work-{i:05}\n    role: workload\n    kubernetes: \"1.30.4\"\n    colour_{i}: blue\n"
        );
    }
    s
}

/// The 1-based column of the first `needle` in a one-line text.
fn column_of(text: &str, needle: &str) -> usize {
    text.find(needle)
        .unwrap_or_else(|| panic!("`{needle}` not in the text"))
        + 1
}

// ── 1. long lines ───────────────────────────────────────────────────────────────

#[test]
fn a_fault_past_column_65535_shows_a_window_and_the_true_column() {
    let text = one_line_inventory(1500, r#","colour":"blue""#);
    let col = column_of(&text, r#""colour""#);
    assert!(col > 70_000, "the fault must be past u16::MAX, at {col}");
    let problems = load_err(&acp(), "one-line.json", &text);
    assert_eq!(problems.codes(), ["uplan::inventory::unknown_field"]);
    let out = render(&problems, false);
    assert!(out.contains(&format!("[one-line.json:1:{col}]")), "{out}");
    assert!(out.contains('…'), "the line is shown as a window: {out}");
    assert!(out.contains(r#""colour":"blue""#), "{out}");
    assert!(out.len() < 4_000, "{} bytes:\n{out}", out.len());
    insta::assert_snapshot!("one_line_json_fault", out);
}

#[test]
fn a_valid_one_line_inventory_checks_without_panicking() {
    let dir = scratch("one-line-check");
    // The last cluster is far behind on Kubernetes: a finding at the end of the line.
    let text = one_line_inventory(1500, "")
        .replace(r#""kubernetes":"1.30.4"}]}"#, r#""kubernetes":"1.20.1"}]}"#);
    let inv = write(&dir, "one-line.json", &text);
    let run = uplan(&["check", &inv]);
    assert_no_panic(&run);
    assert!(run.stderr.is_empty(), "{run:#?}");
    let col = column_of(&text, r#""1.20.1""#);
    assert!(col > 70_000);
    assert!(run.stdout.contains(&format!(":1:{col}]")), "{run:#?}");
    let findings = run.stdout.split("Warnings and notes").next().unwrap_or("");
    assert!(findings.len() < 4_000, "{} bytes", findings.len());
    // 1,500 clusters restart their pods: a warning each, the first 50 listed.
    assert!(run.stdout.contains("… and "), "{}", run.stdout);
    assert!(run.stdout.len() < 40_000, "{} bytes", run.stdout.len());
    let plan = uplan(&["plan", &inv, "--format", "json"]);
    assert_no_panic(&plan);
}

#[test]
fn a_long_line_in_a_rule_file_is_a_diagnostic_with_its_true_column() {
    let pad = " ".repeat(70_000);
    let files = vec![(
        "long.uplan".to_string(),
        format!("# long\n{pad}frobnicate x\n"),
    )];
    let problems = uplan::compile(&files).err().unwrap_or_default();
    assert_eq!(problems.codes(), ["uplan::syntax::parse"]);
    let out = render(&problems, false);
    assert!(out.contains("[long.uplan:2:70001]"), "{out}");
    assert!(out.contains("…frobnicate x"), "{out}");
    assert!(out.len() < 4_000, "{} bytes:\n{out}", out.len());
    insta::assert_snapshot!("long_rule_line", out);
}

#[test]
fn a_long_line_in_a_plan_json_is_a_diagnostic_with_its_true_column() {
    let dir = scratch("long-plan");
    let text = format!(
        r#"{{"schema":"uplan.plan/v1","padding":"{}","status": }}"#,
        "y".repeat(70_000)
    );
    let plan = write(&dir, "plan.json", &text);
    let inv = write(&dir, "inv.yaml", &many_unknown_fields(0));
    let run = uplan(&["validate", &plan, "--inventory", &inv]);
    assert_no_panic(&run);
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(run.stderr.contains("uplan::cli::bad_plan"), "{run:#?}");
    let col = text.len(); // the closing brace
    assert!(run.stderr.contains(&format!(":1:{col}]")), "{run:#?}");
    assert!(run.stderr.len() < 4_000, "{} bytes", run.stderr.len());
}

#[test]
fn labels_far_apart_on_one_line_get_one_window_each() {
    // A duplicate cluster name: the first and the second ~80 KB apart on one line.
    let text = one_line_inventory(1500, "").replace(r#""work-01499""#, r#""work-00000""#);
    let problems = load_err(&acp(), "dup.json", &text);
    assert_eq!(problems.codes(), ["uplan::inventory::duplicate_name"]);
    let out = render(&problems, false);
    // The header names the leftmost label; both are drawn, 90 KB apart.
    let first = column_of(&text, r#""work-00000""#);
    assert!(out.contains(&format!("[dup.json:1:{first}]")), "{out}");
    assert!(out.contains("first `work-00000` here") && out.contains("second `work-00000`"));
    assert!(out.len() < 6_000, "{} bytes:\n{out}", out.len());
}

// ── 2. one shared source, bounded work ──────────────────────────────────────────

#[test]
fn every_diagnostic_of_a_file_shares_one_source() {
    let text = many_unknown_fields(300);
    let problems = load_err(&acp(), "many.yaml", &text);
    assert_eq!(problems.0.len(), 300);
    let first = problems.0[0].source.clone().expect("a source");
    for p in &problems.0 {
        let source = p.source.as_ref().expect("a source");
        assert!(source.same_file(&first), "{} holds its own copy", p.code);
    }
    // And the snippet of the last fault shows the right line.
    let last = problems.0.last().map(|p| Problems(vec![p.clone()]));
    let out = render(&last.unwrap_or_default(), false);
    let line = text
        .lines()
        .position(|l| l.contains("colour_299:"))
        .unwrap_or(0)
        + 1;
    assert!(out.contains(&format!("[many.yaml:{line}:5]")), "{out}");
}

#[test]
fn thousands_of_faults_render_the_first_n_then_a_count() {
    let count = 2_000;
    let problems = load_err(&acp(), "many.yaml", &many_unknown_fields(count));
    assert_eq!(problems.0.len(), count);
    let out = render(&problems, false);
    assert_eq!(
        out.matches("uplan::inventory::unknown_field").count(),
        MAX_RENDERED,
        "{out}"
    );
    let more = count - MAX_RENDERED;
    assert!(out.contains(&format!("… and {more} more")), "{out}");
    let last = out.trim_end().lines().last().unwrap_or("");
    assert!(
        last.starts_with("… and"),
        "the count is the last line: {out}"
    );
    assert!(out.len() < MAX_RENDERED * 1_000, "{} bytes", out.len());
}

#[test]
fn the_cap_applies_to_every_command() {
    let dir = scratch("cap");
    let inv = write(&dir, "many.yaml", &many_unknown_fields(MAX_RENDERED + 7));
    let plan = write(&dir, "plan.json", "{}");
    for args in [
        vec!["plan", inv.as_str()],
        vec!["check", inv.as_str()],
        vec!["plan", inv.as_str(), "--format", "json"],
    ] {
        let run = uplan(&args);
        assert_eq!(run.code, Some(2), "{args:?}: {run:#?}");
        assert!(run.stderr.contains("… and 7 more"), "{args:?}: {run:#?}");
    }
    // validate reads the plan first: a good plan JSON, then the bad inventory.
    let good = uplan(&[
        "plan",
        "examples/acme-3.18-standard.yaml",
        "--format",
        "json",
    ]);
    let plan_text = good.stdout;
    fs::write(&plan, plan_text).unwrap_or_else(|e| panic!("{e}"));
    let run = uplan(&["validate", &plan, "--inventory", &inv]);
    assert!(run.stderr.contains("… and 7 more"), "{run:#?}");
    // lint: one parse error per rule file.
    let rules = dir.join("rules");
    fs::create_dir_all(&rules).unwrap_or_else(|e| panic!("{e}"));
    for i in 0..MAX_RENDERED + 3 {
        write(&rules, &format!("bad-{i:03}.uplan"), "frobnicate\n");
    }
    let run = uplan(&["lint", &rules.to_string_lossy()]);
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(run.stderr.contains("… and 3 more"), "{run:#?}");
}

#[test]
fn the_check_report_caps_its_findings() {
    let dir = scratch("cap-check");
    let mut text = String::from(
        "platform:\n  version: \"3.18.1\"\ntarget: \"4.3\"\nclusters:\n  - name: global\n    role: global\n    kubernetes: \"1.30.4\"\n",
    );
    let blocked = MAX_RENDERED + 5;
    for i in 0..blocked {
        let _ = write!(
            text,
            "  - name: old-{i:03}\n    role: workload\n    kubernetes: \"1.20.1\"\n"
        );
    }
    let inv = write(&dir, "old.yaml", &text);
    let run = uplan(&["check", &inv]);
    assert_no_panic(&run);
    let shown = run.stdout.matches("╭─[").count();
    assert_eq!(shown, MAX_RENDERED, "{}", run.stdout);
    assert!(run.stdout.contains(" more"), "{}", run.stdout);
    assert!(
        run.stdout.contains("fixed by the plan"),
        "the summary stays: {}",
        run.stdout
    );
}

// ── 4. control characters ───────────────────────────────────────────────────────

#[test]
fn control_characters_in_an_inventory_never_reach_the_terminal() {
    let rb = acp();
    // Raw bytes in the source (a snippet) and escaped ones in values (a message).
    let cases = [
        "platform:\n  version: \"3.18.1\"\nclusters:\n  - name: a\n    role: \"\\e]0;pwned\\a\"\n    kubernetes: \"1.30.4\"\n",
        "platform:\n  version: \"3.18.1\"\nclusters:\n  - name: a # \x1b[2J\x1b]8;;http://evil\x07\r\n    role: global\n    colour: x\n",
        "platform:\n  version: \"3.18.1\"\nclusters:\n  - name: a\n    role: global\n    \"col\u{202e}ruo\": x\n",
        "platform:\n  version: \"3.18.1\"\nclusters:\n  - name: a\x1b[31m\n    role: gl\x07obal\n",
        "platform:\n  version: \"3.18.1\"\u{9b}\u{85}\nclusters: [\x1b]\n",
        "\x1b]0;title\x07: x\n",
    ];
    for (i, text) in cases.iter().enumerate() {
        let problems = load_err(&rb, "ctl\x1b[31m.yaml", text);
        let out = render(&problems, false);
        assert_terminal_safe(&out);
        assert!(out.contains("uplan::"), "{out}");
        if i == 0 {
            assert!(
                out.contains("`\\x1b]0;pwned\\x07`"),
                "the value is escaped: {out}"
            );
            insta::assert_snapshot!("escaped_inventory_controls", out);
        }
    }
}

#[test]
fn control_characters_in_a_rule_file_never_reach_the_terminal() {
    let files = vec![(
        "evil\u{202e}.uplan".to_string(),
        "rule x {\n  message \"\x1b]0;owned\x07\u{9b}2J\u{202e}\" frobnicate\r}\n".to_string(),
    )];
    let problems = uplan::compile(&files).err().unwrap_or_default();
    assert!(!problems.is_empty());
    let out = render(&problems, false);
    assert_terminal_safe(&out);
    assert!(
        out.contains("evil\\u{202e}.uplan"),
        "the file name is escaped: {out}"
    );
}

#[test]
fn control_characters_in_a_plan_and_on_the_command_line_never_reach_the_terminal() {
    let dir = scratch("ctl-plan");
    let inv = write(&dir, "inv.yaml", &many_unknown_fields(0));
    let plan = write(
        &dir,
        "plan.json",
        "{\"schema\": \"uplan.plan/v1\", \"status\": \"\x1b[2J\x07\u{202e}\"}\n",
    );
    let run = uplan(&["validate", &plan, "--inventory", &inv]);
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert_terminal_safe(&run.stderr);
    // A file name and a target version typed by someone else.
    let run = uplan(&["plan", &dir.join("no\x1b]0;x\x07such").to_string_lossy()]);
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert_terminal_safe(&run.stderr);
    let run = uplan(&["plan", &inv, "--to", "4.\x1b[31m3"]);
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert_terminal_safe(&run.stderr);
}

#[test]
fn control_characters_in_findings_never_reach_the_terminal() {
    let dir = scratch("ctl-check");
    let text = "platform:\n  version: \"3.18.1\"\ntarget: \"4.3\"\nclusters:\n  - name: global\n    role: global\n    kubernetes: \"1.30.4\"\n  - name: \"old\\e]0;t\\a\\u202e\\r\\n- [x] done\"\n    role: workload\n    kubernetes: \"1.20.1\" # \x1b[2J\u{9b}\n";
    let inv = write(&dir, "inv.yaml", text);
    // A finding (exit 1), or a diagnostic once names are validated (exit 2).
    let run = uplan(&["check", &inv]);
    assert_no_panic(&run);
    assert_ne!(run.code, Some(0), "{run:#?}");
    assert_terminal_safe(&run.stdout);
    assert_terminal_safe(&run.stderr);
    assert!(!run.stdout.contains("\n- [x] done"), "{}", run.stdout);
}

// ── 5. secrets ──────────────────────────────────────────────────────────────────

#[test]
fn credential_values_in_an_inventory_are_masked() {
    let rb = acp();
    let text = "platform:\n  version: \"3.18.1\"\nclusters:\n  - name: a\n    role: global\n    kubernetes: \"1.30.4\"\n    registry_password: \"hunter2\"\n    platform_token: abc123xyz\n    notes: see https://bob:s3cret@git.example/x\n";
    let problems = load_err(&rb, "inv.yaml", text);
    assert_eq!(problems.0.len(), 3, "{}", render(&problems, false));
    let out = render(&problems, false);
    assert_hidden(&out, &["hunter2", "abc123xyz", "s3cret", "bob:"]);
    assert!(out.contains("registry_password: \"*******\""), "{out}");
    assert!(out.contains("platform_token: *********"), "{out}");
    assert!(out.contains("https://***"), "{out}");
    insta::assert_snapshot!("masked_inventory_secrets", out);
}

#[test]
fn credential_values_in_a_one_line_json_inventory_are_masked() {
    let rb = acp();
    let text = one_line_inventory(1500, r#","platform_token":"hunter2hunter2""#);
    let out = render(&load_err(&rb, "one-line.json", &text), false);
    assert_hidden(&out, &["hunter2"]);
    assert!(
        out.contains(r#""platform_token":"**************""#),
        "{out}"
    );
}

#[test]
fn credential_values_in_yaml_syntax_errors_are_masked() {
    let rb = acp();
    let cases = [
        "platform:\n  version: \"3.18.1\"\nclusters:\n  - name: a\n    registry_password: hunter2: oops\n",
        "platform:\n  version: \"3.18.1\"\nregistry_password: \"hunter2\n",
        "platform:\n  version: \"3.18.1\"\n  api_key: [hunter2, {\n",
        "platform:\n  version: \"3.18.1\"\nurl: https://bob:hunter2@x.example\n\t bad: indent\n",
        "password: |\n  hunter2\n bad: [\n",
    ];
    for text in cases {
        let out = render(&load_err(&rb, "inv.yaml", text), false);
        assert_hidden(&out, &["hunter2"]);
    }
}

#[test]
fn a_credential_field_in_the_schema_is_never_echoed_in_messages() {
    // A rulebook whose schema has credential-like fields: a bad value is reported
    // (wrong type, bad version) without its text.
    let mut files: Vec<(String, String)> = ["procedures", "releases", "rules", "schema", "steps"]
        .iter()
        .map(|f| {
            let path = format!(
                "{}/tests/fixtures/mini/{f}.uplan",
                env!("CARGO_MANIFEST_DIR")
            );
            let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
            (format!("mini/{f}.uplan"), text)
        })
        .collect();
    for (name, text) in &mut files {
        if name.ends_with("schema.uplan") {
            *text = text.replace(
                "  search:       search?\n",
                "  search:       search?\n  registry_password: version?\n  api_token: int?\n",
            );
        }
    }
    let rb = uplan::compile(&files).unwrap_or_else(|p| panic!("{}", render(&p, false)));
    let text = "platform:\n  version: \"1.0.2\"\nclusters:\n  - name: a\n    role: global\n    kubernetes: \"1.28.5\"\n    registry_password: hunter2x\n    api_token: \"hunter2y\"\n";
    let problems = load_err(&rb, "inv.yaml", text);
    assert_eq!(problems.0.len(), 2, "{}", render(&problems, false));
    let out = render(&problems, false);
    assert_hidden(&out, &["hunter2"]);
}

#[test]
fn secrets_in_rule_files_are_masked() {
    let files = vec![(
        "leak.uplan".to_string(),
        "rule x {\n  source \"https://bob:hunter2@wiki.example/x\"\n  token: hunter2 frobnicate\n}\n"
            .to_string(),
    )];
    let problems = uplan::compile(&files).err().unwrap_or_default();
    assert!(!problems.is_empty());
    let out = render(&problems, false);
    assert_hidden(&out, &["hunter2", "bob:"]);
}

#[test]
fn secrets_in_plan_json_errors_are_masked() {
    let dir = scratch("secret-plan");
    let inv = write(&dir, "inv.yaml", &many_unknown_fields(0));
    for (i, text) in [
        "{\"schema\": \"uplan.plan/v1\",\n \"platform_token\": \"hunter2\", \"status\": 5}\n",
        "{\"schema\": \"uplan.plan/v1\", \"note\": \"https://bob:hunter2@h.example/x\", \"status\" 5}\n",
        "{\"schema\": \"uplan.plan/v1\", \"status\": \"https://bob:hunter2@h.example\"}\n",
    ]
    .iter()
    .enumerate()
    {
        let plan = write(&dir, &format!("plan-{i}.json"), text);
        let run = uplan(&["validate", &plan, "--inventory", &inv]);
        assert_eq!(run.code, Some(2), "{run:#?}");
        assert!(run.stderr.contains("uplan::cli::bad_plan"), "{run:#?}");
        assert_hidden(&run.stderr, &["hunter2", "bob:"]);
    }
}

#[test]
fn secrets_near_findings_are_masked() {
    let dir = scratch("secret-check");
    let text = "platform:\n  version: \"3.18.1\"\ntarget: \"4.3\"\nclusters:\n  - name: global\n    role: global\n    kubernetes: \"1.30.4\"\n  - name: \"https://bob:hunter2@h.example\"\n    role: workload\n    kubernetes: \"1.20.1\" # token: hunter2\n    provider: https://eve:hunter2@x.example\n";
    let inv = write(&dir, "inv.yaml", text);
    let run = uplan(&["check", &inv]);
    assert_no_panic(&run);
    assert_hidden(&run.stdout, &["hunter2", "bob:", "eve:"]);
    assert_hidden(&run.stderr, &["hunter2", "bob:", "eve:"]);
    if run.code == Some(1) {
        assert!(
            run.stdout.contains("kubernetes: \"1.20.1\""),
            "{}",
            run.stdout
        );
    }
}

/// The fuzzer's timeout (fuzz/regressions/rules/timeout-many-unknown-holes.uplan): 3,000
/// holes naming nothing are 3,000 diagnostics, rendered as the first few and a count,
/// from one shared copy of the file.
#[test]
fn thousands_of_rule_diagnostics_from_the_fuzzer_render_quickly() {
    let mut files = uplan::rulebooks::embedded_acp_files();
    let path = format!(
        "{}/fuzz/regressions/rules/timeout-many-unknown-holes.uplan",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    files.push(("timeout-many-unknown-holes.uplan".into(), text));
    let start = std::time::Instant::now();
    let problems = match uplan::compile(&files) {
        Err(p) => p,
        Ok(_) => panic!("the file should not compile"),
    };
    assert!(problems.0.len() > 1000, "{}", problems.0.len());
    let out = render(&problems, false);
    assert!(out.contains("more (only the first"), "{out}");
    assert!(start.elapsed().as_secs() < 20, "took {:?}", start.elapsed());
}
