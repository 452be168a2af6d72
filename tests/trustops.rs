//! Provenance, content validation, waivers and `--unblock` through the built binary,
//! on fresh plans (the bad-plan corpus holds fixed files; these are made here, so a
//! rule change cannot make them stale).

mod common;

use common::{Run, uplan};
use std::fs;
use std::path::PathBuf;

const NIMBUS: &str = "examples/nimbus-4.1-k8s-too-new-blocked.yaml";
const LUMEN: &str = "examples/lumen-4.2-clean.yaml";

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("trustops");
    let _ = fs::create_dir_all(&dir);
    // Tests run in parallel: every file gets a name of its own.
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    dir.join(format!("{}-{n}-{name}", std::process::id()))
}

fn write(name: &str, text: &str) -> String {
    let path = scratch(name);
    fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
    path.display().to_string()
}

fn plan_json(args: &[&str]) -> serde_json::Value {
    let mut all = vec!["plan"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    let run = uplan(&all);
    assert!(run.code == Some(0) || run.code == Some(1), "{run:#?}");
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {run:#?}"))
}

fn validate(plan: &serde_json::Value, inventory: &str, extra: &[&str]) -> Run {
    let path = write(
        "plan.json",
        &serde_json::to_string_pretty(plan).unwrap_or_default(),
    );
    let mut args = vec!["validate", path.as_str(), "--inventory", inventory];
    args.extend_from_slice(extra);
    uplan(&args)
}

fn violation_codes(run: &Run) -> Vec<String> {
    run.stdout
        .lines()
        .filter_map(|l| l.strip_prefix("✗ "))
        .filter_map(|l| {
            l.split(':')
                .take(5)
                .collect::<Vec<_>>()
                .get(..5)
                .map(|p| p.join(":"))
        })
        .collect()
}

const WAIVER: &str = "waivers:
  - rule: workload-k8s-above-4.3
    cluster: nimbus-api-aks
    owner: Jane Roe
    reason: nimbus-api-aks leaves the platform in January
    ticket: OPS-1234
    expires: 2027-01-31
";

#[test]
fn provenance_is_recorded_and_deterministic() {
    let a = plan_json(&[LUMEN]);
    let b = plan_json(&[LUMEN, "--rules", "rules/acp"]);
    let p = &a["provenance"];
    assert_eq!(p["uplan"], env!("CARGO_PKG_VERSION"));
    assert_eq!(p["inventory_sha256"].as_str().map(str::len), Some(64));
    assert_eq!(p["target_requested"], "4.3", "the inventory's own target");
    assert_eq!(
        a, b,
        "--rules rules/acp is the embedded rulebook: one digest"
    );
    let c = plan_json(&[LUMEN, "--to", "4.3.0"]);
    assert_eq!(c["provenance"]["target_requested"], "4.3.0");
}

#[test]
fn a_fresh_plan_is_valid_and_a_tampered_command_is_one_violation() {
    let plan = plan_json(&[LUMEN]);
    let ok = validate(&plan, LUMEN, &[]);
    assert_eq!(ok.code, Some(0), "{ok:#?}");
    let mut bad = plan.clone();
    let steps = bad["steps"].as_array_mut().map(|s| s.iter_mut());
    let step = steps
        .into_iter()
        .flatten()
        .find(|s| s["commands"].as_array().is_some_and(|c| !c.is_empty()));
    let Some(step) = step else {
        panic!("a step with a command");
    };
    step["commands"][0] = "rm -rf /".into();
    let run = validate(&bad, LUMEN, &[]);
    assert_eq!(run.code, Some(1), "{run:#?}");
    assert_eq!(
        violation_codes(&run),
        ["uplan::validate::changed_command"],
        "{run:#?}"
    );
    assert!(
        run.stdout.contains("the plan has `rm -rf /`"),
        "{}",
        run.stdout
    );
}

#[test]
fn the_wrong_inventory_is_one_message() {
    let plan = plan_json(&[LUMEN]);
    let run = validate(&plan, NIMBUS, &[]);
    assert_eq!(run.code, Some(1), "{run:#?}");
    assert_eq!(
        violation_codes(&run),
        ["uplan::validate::wrong_inventory"],
        "{run:#?}"
    );
    assert_eq!(run.stdout.lines().count(), 2, "{}", run.stdout);
}

#[test]
fn a_waived_plan_validates_until_its_waiver_expires() {
    let waivers = write("waivers.yaml", WAIVER);
    let blocked = uplan(&["plan", NIMBUS, "--today", "2026-12-02"]);
    assert_eq!(blocked.code, Some(1));
    let plan = plan_json(&[NIMBUS, "--waivers", &waivers, "--today", "2026-12-02"]);
    assert_eq!(plan["status"], "ready");
    assert_eq!(plan["provenance"]["waivers"][0]["ticket"], "OPS-1234");
    let waived: Vec<_> = plan["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f.get("waived").is_some())
        .collect();
    assert_eq!(waived.len(), 1);
    assert_eq!(waived[0]["severity"], "block");
    let run = validate(&plan, NIMBUS, &["--today", "2027-01-31"]);
    assert_eq!(run.code, Some(0), "{run:#?}");
    let run = validate(&plan, NIMBUS, &["--today", "2027-02-01"]);
    assert_eq!(run.code, Some(1), "{run:#?}");
    let codes = violation_codes(&run);
    assert!(
        codes.contains(&"uplan::validate::waiver_expired".to_string()),
        "{codes:?}"
    );
    assert!(
        codes.contains(&"uplan::validate::blocked".to_string()),
        "{codes:?}"
    );
}

#[test]
fn waivers_show_in_every_format_and_uplan_today_is_read() {
    let waivers = write("waivers-formats.yaml", WAIVER);
    for format in ["text", "md"] {
        let run = uplan(&[
            "plan",
            NIMBUS,
            "--waivers",
            &waivers,
            "--today",
            "2026-12-02",
            "--format",
            format,
        ]);
        assert_eq!(run.code, Some(0), "{run:#?}");
        assert!(
            run.stdout
                .contains("waived: accepted by Jane Roe (OPS-1234) until 2027-01-31"),
            "{format}: {}",
            run.stdout
        );
    }
    let run = uplan(&[
        "check",
        NIMBUS,
        "--waivers",
        &waivers,
        "--today",
        "2026-12-02",
    ]);
    assert_eq!(run.code, Some(0), "{run:#?}");
    assert!(
        run.stdout.contains("1 finding accepted by waivers"),
        "{}",
        run.stdout
    );
    insta::assert_snapshot!("check_with_an_accepted_waiver", run.stdout);
    let expired = std::process::Command::new(env!("CARGO_BIN_EXE_uplan"))
        .args(["check", NIMBUS, "--waivers", &waivers])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .env("UPLAN_TODAY", "2027-02-01")
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(expired.status.code(), Some(1));
    let out = String::from_utf8_lossy(&expired.stdout);
    assert!(out.contains("uplan.waiver-expired"), "{out}");
    let bad = uplan(&[
        "check",
        NIMBUS,
        "--waivers",
        &waivers,
        "--today",
        "02/12/2026",
    ]);
    assert_eq!(bad.code, Some(2));
    assert!(bad.stderr.contains("uplan::cli::bad_date"), "{bad:#?}");
}

#[test]
fn hostile_waiver_text_is_escaped_and_secrets_redacted() {
    let text = WAIVER.replace("Jane Roe", "\"Jane \\u202e Roe\"").replace(
        "nimbus-api-aks leaves the platform in January",
        "\"see https://bob:hunter2@wiki.example/x `$(reboot)` | table\"",
    );
    let waivers = write("waivers-hostile.yaml", &text);
    for format in ["text", "md"] {
        let run = uplan(&[
            "plan",
            NIMBUS,
            "--waivers",
            &waivers,
            "--today",
            "2026-12-02",
            "--format",
            format,
        ]);
        assert_eq!(run.code, Some(0), "{run:#?}");
        assert!(
            !run.stdout.contains('\u{202e}'),
            "{format}: a raw bidi override"
        );
        assert!(!run.stdout.contains("hunter2"), "{format}: a secret");
    }
}

#[test]
fn unblock_answers_in_text_and_json() {
    let run = uplan(&["check", NIMBUS, "--unblock"]);
    assert_eq!(run.code, Some(1), "{run:#?}");
    insta::assert_snapshot!(run.stdout);
    let run = uplan(&["check", NIMBUS, "--unblock", "--format", "json"]);
    let value: serde_json::Value = serde_json::from_str(&run.stdout).unwrap_or_default();
    assert_eq!(value["schema"], "uplan.unblock/v1");
    assert_eq!(
        value["changes"][0]["fact"],
        "clusters.nimbus-api-aks.kubernetes"
    );
    assert_eq!(value["changes"][0]["to"], "1.34");
    let ready = uplan(&["check", LUMEN, "--unblock"]);
    assert_eq!(ready.code, Some(0), "{ready:#?}");
    assert!(
        ready.stdout.contains("nothing to unblock"),
        "{}",
        ready.stdout
    );
}

#[test]
fn a_waived_block_is_a_suppressed_note_in_sarif_junit_and_github_and_never_fails_the_run() {
    let waivers = write("waivers-machine.yaml", WAIVER);
    let run = |format: &str, fail_on: &str| {
        uplan(&[
            "check",
            NIMBUS,
            "--waivers",
            &waivers,
            "--today",
            "2026-12-02",
            "--format",
            format,
            "--fail-on",
            fail_on,
        ])
    };
    let sarif = run("sarif", "block");
    assert_eq!(
        sarif.code,
        Some(0),
        "the waived block does not block: {sarif:#?}"
    );
    let log: serde_json::Value = serde_json::from_str(&sarif.stdout).unwrap_or_default();
    let results = log["runs"][0]["results"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let waived: Vec<_> = results
        .iter()
        .filter(|r| r["ruleId"] == "workload-k8s-above-4.3")
        .collect();
    assert_eq!(waived.len(), 1, "{results:?}");
    assert_eq!(waived[0]["level"], "note");
    assert_eq!(waived[0]["suppressions"][0]["kind"], "external");
    let why = waived[0]["suppressions"][0]["justification"]
        .as_str()
        .unwrap_or_default();
    assert!(
        why.contains("Jane Roe (OPS-1234) until 2027-01-31"),
        "{why}"
    );
    let junit = run("junit", "block");
    assert!(
        !junit.stdout.contains("<failure type=\"block\""),
        "{}",
        junit.stdout
    );
    let github = run("github", "block");
    assert!(github.stdout.contains("::notice "), "{}", github.stdout);
    // The fix still fails `--fail-on fix`: only the waived finding is accepted.
    assert_eq!(run("json", "fix").code, Some(1));
}
