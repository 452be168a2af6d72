//! Plans you can trust: inventories that are wrong, impossible or mistyped never come
//! out as a silent READY plan. Every `tests/trust/NAME.yaml` states what uplan must do
//! with it in its header:
//!
//! ```text
//! # args: --to 4.3.7                       (optional, extra arguments)
//! # exit: 1                                (0 ready, 1 blocked, 2 bad input)
//! # rules: one-global-tier, uplan.path     (findings that must be there)
//! # codes: uplan::inventory::bad_name      (diagnostic codes, for exit 2)
//! # plan-contains: --to=4.3.7              (text the plan JSON must hold; repeatable)
//! # plan-lacks: 4.3.0                      (text it must not hold; repeatable)
//! ```
//!
//! `uplan check` runs on each (findings as diagnostics pointing at the inventory), the
//! rendered output is a snapshot, and `uplan plan --format json` is checked against
//! the header.

mod common;

use common::{Run, uplan};
use std::path::Path;

#[derive(Debug, Default)]
struct Expect {
    args: Vec<String>,
    exit: Option<i32>,
    rules: Vec<String>,
    codes: Vec<String>,
    contains: Vec<String>,
    lacks: Vec<String>,
}

fn expect(text: &str) -> Expect {
    let mut e = Expect::default();
    let list = |v: &str| {
        v.split(',')
            .map(|s| s.trim().to_string())
            .collect::<Vec<_>>()
    };
    for line in text.lines().take_while(|l| l.starts_with('#')) {
        let Some((key, value)) = line.trim_start_matches('#').trim().split_once(':') else {
            continue;
        };
        let value = value.trim();
        match key {
            "args" => e.args = value.split_whitespace().map(str::to_string).collect(),
            "exit" => e.exit = value.parse().ok(),
            "rules" => e.rules = list(value),
            "codes" => e.codes = list(value),
            "plan-contains" => e.contains.push(value.to_string()),
            "plan-lacks" => e.lacks.push(value.to_string()),
            _ => {}
        }
    }
    e
}

fn run(cmd: &str, file: &str, extra: &[String], more: &[&str]) -> Run {
    let mut args = vec![cmd, file];
    args.extend(extra.iter().map(String::as_str));
    args.extend_from_slice(more);
    uplan(&args)
}

#[test]
fn every_trust_case_behaves_as_its_header_says() {
    insta::glob!("trust/*.yaml", |path| {
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{e}"));
        let e = expect(&text);
        let name = Path::new("tests/trust").join(path.file_name().unwrap_or_default());
        let file = name.to_str().unwrap_or_default();
        let check = run("check", file, &e.args, &[]);
        assert_eq!(
            check.code, e.exit,
            "{file}: check\n{}{}",
            check.stdout, check.stderr
        );
        assert!(
            !check.stderr.contains("panicked"),
            "{file}: {}",
            check.stderr
        );
        insta::assert_snapshot!(format!(
            "exit {:?}\n--- stdout\n{}--- stderr\n{}",
            check.code, check.stdout, check.stderr
        ));
        for code in &e.codes {
            assert!(
                check.stderr.contains(code.as_str()),
                "{file}: no `{code}` in\n{}",
                check.stderr
            );
        }
        if e.exit == Some(2) {
            return;
        }
        let plan = run("plan", file, &e.args, &["--format", "json"]);
        assert_eq!(plan.code, e.exit, "{file}: plan\n{}", plan.stderr);
        let json: serde_json::Value =
            serde_json::from_str(&plan.stdout).unwrap_or_else(|err| panic!("{file}: {err}"));
        let rules: Vec<&str> = json["findings"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|f| f["rule"].as_str())
            .collect();
        for rule in &e.rules {
            assert!(
                rules.contains(&rule.as_str()),
                "{file}: no finding of `{rule}` in {rules:?}"
            );
        }
        if json["status"] == "blocked" {
            let blocking = json["findings"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|f| f["severity"] == "block");
            assert!(
                blocking,
                "{file}: a blocked plan without a blocking finding"
            );
        }
        for needle in &e.contains {
            assert!(
                plan.stdout.contains(needle.as_str()),
                "{file}: plan lacks `{needle}`"
            );
        }
        for needle in &e.lacks {
            assert!(
                !plan.stdout.contains(needle.as_str()),
                "{file}: plan holds `{needle}`"
            );
        }
    });
}

#[test]
fn every_trust_case_states_its_exit_code() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/trust");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{e}")) {
        let path = entry.unwrap_or_else(|e| panic!("{e}")).path();
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            expect(&text).exit.is_some(),
            "{}: no `# exit:` line",
            path.display()
        );
        n += 1;
    }
    assert!(n >= 20, "the trust corpus shrank to {n} cases");
}
