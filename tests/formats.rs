//! Machine interfaces of the binary (issue 11): SARIF, JUnit and GitHub output,
//! `--fail-on`, JSON findings with lines, JSON diagnostics for bad input, `-` as the
//! inventory, completions, the man page, `--color`, examples in `--help`.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::{Run, uplan};
use serde_json::Value;

const BLOCKED: &str = "examples/nimbus-4.1-k8s-too-new-blocked.yaml";

fn json(run: &Run) -> Value {
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {run:#?}"))
}

fn examples() -> Vec<PathBuf> {
    let mut all: Vec<PathBuf> = std::fs::read_dir("examples")
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    all.retain(|p| p.extension().is_some_and(|e| e == "yaml"));
    all.sort();
    assert!(all.len() > 10, "the examples are there");
    all
}

/// Runs `uplan` with `stdin` piped in.
fn uplan_with_stdin(args: &[&str], stdin: &[u8]) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_uplan"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run uplan: {e}"));
    let mut pipe = child.stdin.take();
    let input = stdin.to_vec();
    // A writer of its own: uplan may stop reading (at its bound) before the end.
    let writer = std::thread::spawn(move || {
        if let Some(p) = pipe.as_mut() {
            let _ = p.write_all(&input);
        }
    });
    let out = child
        .wait_with_output()
        .unwrap_or_else(|e| panic!("uplan did not finish: {e}"));
    let _ = writer.join();
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

// ─── SARIF ───

/// The SARIF 2.1.0 shape a code-scanning consumer relies on.
fn assert_sarif_structure(log: &Value) {
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "uplan");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    let rules = driver["rules"].as_array().cloned().unwrap_or_default();
    for r in &rules {
        for key in ["id", "shortDescription", "fullDescription", "help"] {
            assert!(r.get(key).is_some(), "rule lacks {key}: {r}");
        }
    }
    for res in run["results"].as_array().into_iter().flatten() {
        let id = &res["ruleId"];
        let index = res["ruleIndex"].as_u64().unwrap_or(u64::MAX) as usize;
        assert_eq!(rules.get(index).map(|r| &r["id"]), Some(id), "{res}");
        assert!(
            ["error", "warning", "note"].contains(&res["level"].as_str().unwrap_or("")),
            "{res}"
        );
        assert!(
            res["message"]["text"]
                .as_str()
                .is_some_and(|t| !t.is_empty())
        );
    }
}

#[test]
fn check_sarif_has_real_rules_levels_and_inventory_lines() {
    let sarif = uplan(&["check", BLOCKED, "--format", "sarif"]);
    assert_eq!(sarif.code, Some(1), "the verdict stays the exit code");
    let log = json(&sarif);
    assert_sarif_structure(&log);
    let check = json(&uplan(&["check", BLOCKED, "--format", "json"]));
    let findings = check["findings"].as_array().cloned().unwrap_or_default();
    let results = log["runs"][0]["results"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(results.len(), findings.len());
    // Every finding is a result with the documented level, at its fact's line.
    for f in &findings {
        let level = match f["severity"].as_str() {
            Some("block" | "fix") => "error",
            Some("warn") => "warning",
            _ => "note",
        };
        let found = results.iter().any(|r| {
            let region = &r["locations"][0]["physicalLocation"]["region"];
            r["ruleId"] == f["rule"]
                && r["level"] == level
                && region["startLine"] == f["line"]
                && region["startColumn"] == f["column"]
        });
        assert!(found, "no result for {f}");
    }
    let uri = &results[0]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(uri["uri"], BLOCKED);
    // The rules are the rulebook's: the rule that blocks is described, with its source.
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .cloned();
    let rule = rules
        .into_iter()
        .flatten()
        .find(|r| r["id"] == "workload-k8s-above-4.3")
        .unwrap_or_default();
    assert!(
        rule["properties"]["source"]
            .as_str()
            .is_some_and(|s| s.contains("ACP 4.3 docs"))
    );
    assert_eq!(rule["defaultConfiguration"]["level"], "error");
}

#[test]
fn lint_sarif_points_at_the_rule_file() {
    let run = uplan(&["lint", "tests/fixtures/mini", "--format", "sarif"]);
    assert_eq!(run.code, Some(0), "{run:#?}");
    let log = json(&run);
    assert_sarif_structure(&log);
    let results = log["runs"][0]["results"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    // Two messages repeat their literals; the order mesh-before-kubernetes names a step
    // the mini rulebook adds only on hops into 2.0, where it does not apply (istio-floor
    // also anchors on upgrade-cluster since anchors must exist at plan time); four steps
    // declare no duration.
    assert_eq!(
        results.len(),
        7,
        "mini has seven lint warnings: {results:?}"
    );
    for r in &results {
        assert_eq!(r["level"], "warning");
        let loc = &r["locations"][0]["physicalLocation"];
        let uri = loc["artifactLocation"]["uri"].as_str().unwrap_or_default();
        assert!(uri.starts_with("tests/fixtures/mini/"), "{uri}");
        let line = loc["region"]["startLine"].as_u64().unwrap_or(0) as usize;
        let text = std::fs::read_to_string(uri).unwrap_or_default();
        let at = text.lines().nth(line.wrapping_sub(1)).unwrap_or("");
        // Each points at its declaration's first line, or (absent_anchor) at the pattern.
        let want = match r["ruleId"].as_str().unwrap_or_default() {
            "uplan::lint::literal_in_message" => "rule ",
            "uplan::lint::dead_order" => "order ",
            "uplan::lint::no_duration" => "step ",
            _ => "  else ",
        };
        assert!(at.starts_with(want), "line {line} is `{at}`");
    }
}

/// Microsoft's SARIF multitool, when it is installed (CI installs it: .ci/run).
fn multitool() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("UPLAN_SARIF_MULTITOOL").map(PathBuf::from),
        Some(Path::new("target/ci-npm/node_modules/.bin/sarif-multitool").to_path_buf()),
    ];
    let found = candidates.into_iter().flatten().find(|p| p.is_file());
    if found.is_none() && std::env::var("UPLAN_REQUIRE_TOOLS").is_ok_and(|v| v == "1") {
        panic!("UPLAN_REQUIRE_TOOLS=1 but sarif-multitool is not installed (see .ci/run)");
    }
    found
}

#[test]
fn the_sarif_multitool_finds_no_errors() {
    let Some(tool) = multitool() else {
        eprintln!("sarif-multitool not installed: skipped (CI runs it)");
        return;
    };
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("sarif");
    let _ = std::fs::create_dir_all(&dir);
    let cases: [(&str, &[&str]); 3] = [
        ("check", &["check", BLOCKED, "--format", "sarif"]),
        (
            "lint",
            &["lint", "tests/fixtures/mini", "--format", "sarif"],
        ),
        (
            "bad",
            &[
                "check",
                "tests/bad-inventories/unknown-field.yaml",
                "--format",
                "sarif",
            ],
        ),
    ];
    for (name, args) in cases {
        let input = dir.join(format!("{name}.sarif"));
        let output = dir.join(format!("{name}.validation.sarif"));
        let _ = std::fs::write(&input, uplan(args).stdout);
        let status = Command::new(&tool)
            .arg("validate")
            .arg(&input)
            .arg("-o")
            .arg(&output)
            .args(["--log", "ForceOverwrite"])
            .stdout(Stdio::null())
            .status()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", tool.display()));
        assert!(status.success(), "{name}: the multitool failed");
        let text = std::fs::read_to_string(&output).unwrap_or_default();
        let log: Value = serde_json::from_str(&text).unwrap_or_default();
        let errors: Vec<&Value> = log["runs"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|r| r["results"].as_array().into_iter().flatten())
            .filter(|r| r["level"] == "error")
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:#?}");
        assert!(log["runs"].is_array(), "{name}: no validation log");
    }
}

// ─── JUnit and GitHub ───

#[test]
fn junit_has_a_suite_per_rule_and_fails_block_and_fix() {
    let run = uplan(&["check", BLOCKED, "--format", "junit"]);
    assert_eq!(run.code, Some(1));
    let doc = roxmltree::Document::parse(&run.stdout).unwrap_or_else(|e| panic!("{e}"));
    let suites: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testsuite"))
        .collect();
    let rules = uplan::rulebooks::embedded_acp()
        .map(|rb| rb.rules.len())
        .unwrap_or(0);
    assert!(
        suites.len() >= rules,
        "{} suites for {rules} rules",
        suites.len()
    );
    let failed = |rule: &str, case: &str| {
        suites
            .iter()
            .filter(|s| s.attribute("name") == Some(rule))
            .flat_map(|s| s.children().filter(|c| c.has_tag_name("testcase")))
            .filter(|c| c.attribute("name") == Some(case))
            .map(|c| c.children().any(|x| x.has_tag_name("failure")))
            .next()
    };
    assert_eq!(
        failed("workload-k8s-above-4.3", "nimbus-api-aks"),
        Some(true),
        "a block"
    );
    assert_eq!(
        failed("workload-k8s-compatible-4.3", "nimbus-legacy"),
        Some(true),
        "a fix"
    );
    assert_eq!(
        failed("pods-restart-k8s-1.31", "nimbus-legacy"),
        Some(false),
        "a warning"
    );
    let root = doc.root_element();
    assert_eq!(root.attribute("failures"), Some("2"));
}

#[test]
fn github_annotations_for_a_blocked_example() {
    let run = uplan(&["check", BLOCKED, "--format", "github"]);
    assert_eq!(run.code, Some(1));
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn sarif_and_junit_of_a_blocked_example() {
    // The small generic rulebook keeps the snapshots readable.
    for format in ["sarif", "junit"] {
        let run = uplan(&[
            "check",
            "tests/fixtures/formats/fleet-blocked.yaml",
            "--to",
            "3.0",
            "--rules",
            "tests/fixtures/fleet",
            "--format",
            format,
        ]);
        assert_eq!(run.code, Some(1), "{run:#?}");
        insta::assert_snapshot!(format!("fleet-blocked-{format}"), run.stdout);
    }
}

// ─── --fail-on ───

#[test]
fn fail_on_gates_on_fixes_and_warnings_over_every_example() {
    let mut seen = [false; 4];
    for path in examples() {
        let path = path.to_string_lossy().into_owned();
        let check = json(&uplan(&["check", &path, "--format", "json"]));
        let has = |sev: &[&str]| {
            check["findings"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|f| sev.contains(&f["severity"].as_str().unwrap_or("")))
        };
        let expect = [
            ("block", has(&["block"])),
            ("fix", has(&["block", "fix"])),
            ("warn", has(&["block", "fix", "warn"])),
        ];
        for (level, fails) in expect {
            for command in ["check", "plan"] {
                let run = uplan(&[command, &path, "--fail-on", level, "--format", "json"]);
                let want = Some(i32::from(fails));
                assert_eq!(run.code, want, "{command} {path} --fail-on {level}");
            }
        }
        // The examples cover both sides of `--fail-on fix`.
        seen[usize::from(has(&["block", "fix"])) + 2 * usize::from(has(&["block"]))] = true;
    }
    assert!(
        seen[0] && seen[1] && seen[3],
        "ready, fixes only, blocked: {seen:?}"
    );
}

#[test]
fn fail_on_fix_exits_1_where_fixes_exist_and_0_where_none_do() {
    let fixes = "examples/tern-4.0-preflight.yaml";
    let clean = "examples/lumen-4.2-clean.yaml";
    assert_eq!(
        uplan(&["check", fixes]).code,
        Some(0),
        "the default gates on block"
    );
    assert_eq!(uplan(&["check", fixes, "--fail-on", "fix"]).code, Some(1));
    assert_eq!(uplan(&["plan", fixes, "--fail-on", "fix"]).code, Some(1));
    assert_eq!(uplan(&["check", clean, "--fail-on", "fix"]).code, Some(0));
    assert_eq!(uplan(&["check", clean, "--fail-on", "warn"]).code, Some(0));
    let notes_only = "examples/acme-3.18-standard.yaml";
    assert_eq!(
        uplan(&["check", notes_only, "--fail-on", "fix"]).code,
        Some(0)
    );
    assert_eq!(
        uplan(&["check", notes_only, "--fail-on", "warn"]).code,
        Some(1)
    );
}

// ─── JSON findings and JSON diagnostics ───

#[test]
fn json_findings_carry_the_line_of_each_fact() {
    let rulebook = uplan::rulebooks::embedded_acp()
        .unwrap_or_else(|p| panic!("{}", uplan::diagnostics::render(&p, false)));
    let mut located = 0;
    for path in examples() {
        let path = path.to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let check = json(&uplan(&["check", &path, "--format", "json"]));
        let inventory = uplan::inventory::load(&rulebook, &path, &text)
            .unwrap_or_else(|p| panic!("{}", uplan::diagnostics::render(&p, false)));
        let sources = inventory.sources();
        for f in check["findings"].as_array().into_iter().flatten() {
            for l in f["locations"].as_array().into_iter().flatten() {
                assert_eq!(l["file"], path.as_str());
                // The place the text report shows (the inventory's positions), and a
                // line of the file that holds something.
                let fact = l["fact"].as_str().unwrap_or("");
                let span = inventory.locate_nearest(fact);
                let at = span.map(|sp| sources.get(0).line_col(sp.start as usize));
                let got = (
                    l["line"].as_u64().unwrap_or(0) as usize,
                    l["column"].as_u64().unwrap_or(0) as usize,
                );
                assert_eq!(at, Some(got), "{path}: `{fact}`");
                let line = text.lines().nth(got.0 - 1).unwrap_or("");
                assert!(line.trim().len() > 1, "{path}:{} is `{line}`", got.0);
                located += 1;
            }
            if let Some(first) = f["locations"].get(0) {
                assert_eq!(f["line"], first["line"]);
                assert_eq!(f["column"], first["column"]);
                assert_eq!(f["file"], first["file"]);
            }
        }
    }
    assert!(located > 50, "only {located} facts located");
    // One read by hand: the Kubernetes version that blocks nimbus, at its value.
    let check = json(&uplan(&["check", BLOCKED, "--format", "json"]));
    let block = check["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|f| f["severity"] == "block")
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        (&block["line"], &block["column"]),
        (&Value::from(24), &Value::from(17))
    );
    let text = std::fs::read_to_string(BLOCKED).unwrap_or_default();
    assert_eq!(text.lines().nth(23).map(|l| &l[16..]), Some("\"1.35.0\""));
}

fn assert_json_diagnostics(args: &[&str], code: &str) -> Value {
    let run = uplan(args);
    assert_eq!(run.code, Some(2), "{run:#?}");
    let doc = json(&run);
    assert_eq!(doc["schema"], "uplan.diagnostics/v1");
    assert_eq!(doc["status"], "bad_input");
    let first = &doc["diagnostics"][0];
    assert_eq!(first["code"], code, "{doc:#}");
    for key in ["severity", "message", "help", "labels", "related"] {
        assert!(first.get(key).is_some(), "diagnostic lacks {key}: {first}");
    }
    assert!(
        run.stderr.contains(code) && run.stderr.lines().count() == 1,
        "{run:#?}"
    );
    doc
}

#[test]
fn bad_input_with_format_json_is_a_json_document() {
    let bad_yaml = assert_json_diagnostics(
        &[
            "check",
            "tests/bad-inventories/yaml-syntax-tab.yaml",
            "--format",
            "json",
        ],
        "uplan::inventory::yaml_syntax",
    );
    assert_eq!(
        bad_yaml["diagnostics"][0]["file"],
        "tests/bad-inventories/yaml-syntax-tab.yaml"
    );
    let unknown = assert_json_diagnostics(
        &[
            "plan",
            "tests/bad-inventories/unknown-field.yaml",
            "--format",
            "json",
        ],
        "uplan::inventory::unknown_field",
    );
    let d = &unknown["diagnostics"][0];
    assert!(
        d["line"].as_u64().is_some_and(|l| l > 1) && d["column"].as_u64().is_some(),
        "{d}"
    );
    assert!(d["end"]["line"].as_u64().is_some(), "{d}");
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("bad-rules-json");
    let _ = std::fs::create_dir_all(&dir);
    let _ = std::fs::write(
        dir.join("bad.uplan"),
        "rule broken {\n  source \"x\"\n  frobnicate\n}\n",
    );
    let rules = dir.to_string_lossy().into_owned();
    let bad_rules = assert_json_diagnostics(
        &["check", BLOCKED, "--rules", &rules, "--format", "json"],
        "uplan::syntax::parse",
    );
    assert_eq!(bad_rules["diagnostics"][0]["line"], 3);
    assert_json_diagnostics(
        &["lint", &rules, "--format", "json"],
        "uplan::syntax::parse",
    );
    assert_json_diagnostics(
        &["check", BLOCKED, "--format", "json", "--bogus"],
        "uplan::cli::usage",
    );
    let version = assert_json_diagnostics(
        &["check", BLOCKED, "--to", "4.x", "--format", "json"],
        "uplan::cli::bad_version",
    );
    insta::assert_json_snapshot!(version);
}

#[test]
fn bad_input_with_format_sarif_and_github() {
    let bad = "tests/bad-inventories/unknown-field.yaml";
    let run = uplan(&["check", bad, "--format", "sarif"]);
    assert_eq!(run.code, Some(2));
    let log = json(&run);
    let invocation = &log["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let note = &invocation["toolExecutionNotifications"][0];
    assert_eq!(note["descriptor"]["id"], "uplan::inventory::unknown_field");
    assert_eq!(
        note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        bad
    );
    let run = uplan(&["check", bad, "--format", "github"]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stdout.starts_with(&format!("::error file={bad},line=")),
        "{run:#?}"
    );
}

#[test]
fn lint_and_validate_speak_json() {
    let lint = uplan(&["lint", "tests/fixtures/mini", "--format", "json"]);
    assert_eq!(lint.code, Some(0));
    let doc = json(&lint);
    assert_eq!(doc["schema"], "uplan.lint/v1");
    assert_eq!(doc["rules"], 10);
    let codes: Vec<&Value> = doc["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|d| &d["code"])
        .collect();
    assert_eq!(
        codes,
        [
            "uplan::lint::literal_in_message",
            "uplan::lint::literal_in_message",
            "uplan::lint::dead_order",
            "uplan::lint::no_duration",
            "uplan::lint::no_duration",
            "uplan::lint::no_duration",
            "uplan::lint::no_duration",
        ]
    );

    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("validate-json");
    let _ = std::fs::create_dir_all(&dir);
    let inv = "examples/acme-3.18-standard.yaml";
    let plan = uplan(&["plan", inv, "--format", "json"]).stdout;
    let good = dir.join("plan.json");
    let _ = std::fs::write(&good, &plan);
    let good = good.to_string_lossy().into_owned();
    let valid = uplan(&["validate", &good, "--inventory", inv, "--format", "json"]);
    assert_eq!(valid.code, Some(0), "{valid:#?}");
    assert_eq!(json(&valid)["status"], "valid");
    // Steps reversed: the replay breaks orders.
    let mut value: Value = serde_json::from_str(&plan).unwrap_or_default();
    if let Some(steps) = value["steps"].as_array_mut() {
        steps.reverse();
    }
    let bad = dir.join("reversed.json");
    let _ = std::fs::write(&bad, value.to_string());
    let bad = bad.to_string_lossy().into_owned();
    let invalid = uplan(&["validate", &bad, "--inventory", inv, "--format", "json"]);
    assert_eq!(invalid.code, Some(1), "{invalid:#?}");
    let doc = json(&invalid);
    assert_eq!(doc["status"], "invalid");
    let first = &doc["violations"][0];
    assert!(
        first["code"]
            .as_str()
            .is_some_and(|c| c.starts_with("uplan::validate::")),
        "{first}"
    );
}

// ─── CLI conventions ───

#[test]
fn dash_reads_the_inventory_from_stdin() {
    let text = std::fs::read(BLOCKED).unwrap_or_default();
    let from_file = uplan(&["check", BLOCKED]);
    let from_stdin = uplan_with_stdin(&["check", "-"], &text);
    assert_eq!(from_stdin.code, Some(1));
    assert_eq!(
        from_stdin.stdout,
        from_file.stdout.replace(BLOCKED, "<stdin>")
    );
    let json_run = uplan_with_stdin(&["check", "-", "--format", "json"], &text);
    assert_eq!(json(&json_run)["findings"][0]["file"], "<stdin>");
    let plan = uplan_with_stdin(&["plan", "-", "--format", "json"], &text);
    assert_eq!(
        plan.stdout,
        uplan(&["plan", BLOCKED, "--format", "json"])
            .stdout
            .replace(BLOCKED, "<stdin>")
    );
}

#[test]
fn stdin_diagnostics_name_it_and_its_size_is_bounded() {
    let bad = uplan_with_stdin(&["check", "-"], b"platform: [\n");
    assert_eq!(bad.code, Some(2));
    assert!(bad.stderr.contains("<stdin>"), "{bad:#?}");
    let huge = vec![b'#'; (64 << 20) + 16];
    let run = uplan_with_stdin(&["check", "-"], &huge);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.contains("uplan::cli::too_large") && run.stderr.contains("<stdin>"),
        "{run:#?}"
    );
}

#[test]
fn completions_for_each_shell() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let run = uplan(&["completions", shell]);
        assert_eq!(run.code, Some(0), "{shell}: {run:#?}");
        for word in ["uplan", "check", "validate", "fail-on", "sarif"] {
            assert!(run.stdout.contains(word), "{shell} completion lacks {word}");
        }
    }
    assert_eq!(uplan(&["completions", "tcsh"]).code, Some(2));
}

#[test]
fn man_page_on_stdout_or_in_a_file() {
    let run = uplan(&["man"]);
    assert_eq!(run.code, Some(0));
    assert!(
        run.stdout.starts_with(".ie") || run.stdout.contains(".TH uplan"),
        "{}",
        &run.stdout[..200.min(run.stdout.len())]
    );
    for word in ["plan", "check", "lint", "validate", "completions"] {
        assert!(run.stdout.contains(word), "the page lacks {word}");
    }
    let file = Path::new(env!("CARGO_TARGET_TMPDIR")).join("uplan.1");
    let _ = std::fs::remove_file(&file);
    let path = file.to_string_lossy().into_owned();
    let written = uplan(&["man", "-o", &path]);
    assert_eq!((written.code, written.stdout.as_str()), (Some(0), ""));
    assert_eq!(std::fs::read_to_string(&file).ok(), Some(run.stdout));
}

#[test]
fn color_always_never_and_no_color() {
    let esc = |r: &Run| r.stdout.contains('\u{1b}') || r.stderr.contains('\u{1b}');
    // `uplan` in tests sets NO_COLOR=1 and pipes: auto means no colour.
    assert!(!esc(&uplan(&["check", BLOCKED])));
    assert!(
        esc(&uplan(&["check", BLOCKED, "--color", "always"])),
        "always beats NO_COLOR"
    );
    assert!(!esc(&uplan(&["check", BLOCKED, "--color", "never"])));
    let bad = uplan(&[
        "check",
        "tests/bad-inventories/unknown-field.yaml",
        "--color",
        "always",
    ]);
    assert!(
        bad.stderr.contains('\u{1b}'),
        "diagnostics are coloured too"
    );
    assert_eq!(
        uplan(&["check", BLOCKED, "--color", "sometimes"]).code,
        Some(2)
    );
}

#[test]
fn every_subcommand_help_has_examples() {
    for command in ["plan", "check", "lint", "validate", "completions", "man"] {
        let run = uplan(&[command, "--help"]);
        assert_eq!(run.code, Some(0));
        let examples = run.stdout.split("Examples:").nth(1).unwrap_or("");
        assert!(
            examples.contains(&format!("uplan {command}")),
            "{command} --help: {}",
            run.stdout
        );
    }
}

// ─── hostile values ───

const HOSTILE: &str = "tests/fixtures/formats/hostile.json";

#[test]
fn hostile_values_stay_inside_their_values_in_every_machine_format() {
    let sarif = uplan(&["check", HOSTILE, "--format", "sarif"]);
    assert_eq!(sarif.code, Some(0), "{sarif:#?}");
    let log = json(&sarif);
    assert_sarif_structure(&log);
    let junit = uplan(&["check", HOSTILE, "--format", "junit"]);
    let doc = roxmltree::Document::parse(&junit.stdout).unwrap_or_else(|e| panic!("{e}"));
    // The injected `</testcase>` and `<x>` stayed text: only uplan's own elements.
    for node in doc.descendants().filter(|n| n.is_element()) {
        let tag = node.tag_name().name();
        assert!(
            [
                "testsuites",
                "testsuite",
                "testcase",
                "failure",
                "system-out",
                "properties",
                "property"
            ]
            .contains(&tag),
            "injected element <{tag}>"
        );
    }
    let github = uplan(&["check", HOSTILE, "--format", "github"]);
    let items = log["runs"][0]["results"].as_array().map_or(0, Vec::len);
    assert_eq!(
        github.stdout.lines().count(),
        items,
        "one command per line: {}",
        github.stdout
    );
    for l in github.stdout.lines() {
        assert!(
            l.starts_with("::error ") || l.starts_with("::warning ") || l.starts_with("::notice "),
            "{l}"
        );
        // The value's `%0A` is `%250A` (it cannot become a line break), and no
        // control character reaches the log.
        assert!(!l.contains('\r') && !l.contains('\u{1b}'), "{l:?}");
        let props = l.split("::").nth(1).unwrap_or("");
        assert!(!props.contains("title=x:y"), "{l}");
    }
    assert!(
        github.stdout.contains("%250A::error::pwned"),
        "the hostile value reached the output"
    );
    for format in ["sarif", "junit", "github"] {
        let run = uplan(&["check", HOSTILE, "--format", format]);
        insta::assert_snapshot!(format!("hostile-{format}"), run.stdout);
    }
}

#[test]
fn a_hostile_file_name_is_escaped_as_a_property_and_a_uri() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("hostile-name");
    let _ = std::fs::create_dir_all(&dir);
    let file = dir.join("a,b:c%d e#.yaml");
    let _ = std::fs::copy(BLOCKED, &file);
    let path = file.to_string_lossy().into_owned();
    let github = uplan(&["check", &path, "--format", "github"]);
    assert!(
        github.stdout.contains("a%2Cb%3Ac%25d e#.yaml,line="),
        "{}",
        github.stdout
    );
    let log = json(&uplan(&["check", &path, "--format", "sarif"]));
    let uri = &log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
        ["uri"];
    assert!(
        uri.as_str()
            .is_some_and(|u| u.ends_with("a%2Cb%3Ac%25d%20e%23.yaml")),
        "{uri}"
    );
}
