//! The bad-inventory corpus: every `tests/bad-inventories/*.yaml` is loaded against the
//! embedded ACP rulebook; it must fail with exactly the codes its first line promises
//! (`# expect: uplan::inventory::unknown_field`, several separated by commas, in
//! source order), and the rendered diagnostics are kept as insta snapshots
//! (`tests/snapshots/bad_inventories__*.snap`; see tests/README.md to review them).
//! A file whose first line is `# expect: ok` is hostile but valid: it must load, and
//! its snapshot shows the cluster names as loaded. None may panic, and each loads
//! within [`BUDGET`].
//!
//! The same corpus is also checked, codes only, against a hand-built copy of the
//! schema in `engine/inventory/tests.rs`, which needs no checker.
//!
//! Inputs too big to commit (the issue's reproductions: 100,000-deep nesting, alias
//! bombs) are generated here, with the same budget.

use std::fs;
use std::time::{Duration, Instant};

use uplan::diagnostics::{Problems, render};
use uplan::inventory::{Inventory, codes, limits};
use uplan::model::{Rulebook, Value};

/// Generous (a debug build, tests in parallel on a 2-core CI machine): the largest input,
/// a list of a million entries, takes about 10 s there. Before the limits, the same inputs
/// took 13 s to over
/// 20 s (or ran out of memory) in a release build.
const BUDGET: Duration = Duration::from_secs(60);

/// The codes a file's first line promises; empty for `ok`.
fn expected_codes(text: &str) -> Vec<String> {
    let first = text.lines().next().unwrap_or("");
    let codes = first
        .strip_prefix("# expect:")
        .unwrap_or_else(|| panic!("first line must be `# expect: CODE`, found {first:?}"));
    if codes.trim() == "ok" {
        return Vec::new();
    }
    codes.split(',').map(|c| c.trim().to_owned()).collect()
}

fn rulebook() -> Rulebook {
    uplan::rulebooks::embedded_acp()
        .unwrap_or_else(|p| panic!("the ACP rulebook does not compile:\n{}", render(&p, false)))
}

/// Loads `text`, asserting it stays within the budget.
fn timed_load(rulebook: &Rulebook, name: &str, text: &str) -> Result<Inventory, Problems> {
    let start = Instant::now();
    let result = uplan::inventory::load(rulebook, name, text);
    let took = start.elapsed();
    assert!(took < BUDGET, "{name} took {took:?}");
    result
}

/// What a valid inventory's snapshot shows: its clusters' names, escaped.
fn cluster_names(rulebook: &Rulebook, inv: &Inventory) -> String {
    let schema = &rulebook.schema;
    let root = schema.record(schema.root);
    let Some((clusters, _)) = root.field("clusters") else {
        return String::new();
    };
    let facts = inv.facts.as_record().unwrap_or_default();
    let list = facts
        .get(clusters as usize)
        .and_then(Value::as_list)
        .unwrap_or_default();
    let names: Vec<String> = list
        .iter()
        .map(|c| {
            let name = c
                .as_record()
                .and_then(|r| r.first())
                .and_then(Value::as_str);
            format!("{:?}", name.unwrap_or(""))
        })
        .collect();
    format!("loads; clusters: {}\n{}\n", names.len(), names.join("\n"))
}

#[test]
fn bad_inventories_report_their_codes_and_render() {
    let rulebook = rulebook();
    insta::glob!("bad-inventories/*.yaml", |path| {
        let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let file = path
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default();
        let name = format!("tests/bad-inventories/{file}");
        let expected = expected_codes(&text);
        match timed_load(&rulebook, &name, &text) {
            Ok(inv) if expected.is_empty() => {
                insta::assert_snapshot!(cluster_names(&rulebook, &inv));
            }
            Ok(_) => panic!("{name} loaded without a problem"),
            Err(p) => {
                assert_eq!(p.codes(), expected, "{name}");
                insta::assert_snapshot!(render(&p, false));
            }
        }
    });
}

#[test]
fn the_corpus_covers_the_issue() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad-inventories");
    let mut failing = 0;
    for entry in fs::read_dir(&dir).expect("the corpus directory") {
        let text = fs::read_to_string(entry.expect("an entry").path()).expect("a file");
        failing += usize::from(!expected_codes(&text).is_empty());
    }
    assert!(failing >= 60, "{failing} failing inventories");
}

/// The only code of a generated input, within the budget.
fn single_code(text: &str) -> &'static str {
    let rulebook = rulebook();
    let p = timed_load(&rulebook, "generated.yaml", text).expect_err("a diagnostic");
    let codes = p.codes();
    assert_eq!(codes.len(), 1, "{}", render(&p, false));
    let _ = render(&p, false);
    codes[0]
}

const HEAD: &str = "platform:\n  version: \"3.18.1\"\ntarget: \"4.3\"\nclusters:\n";

fn cluster(name: &str, extra: &str) -> String {
    format!("  - name: {name}\n    role: workload\n    kubernetes: \"1.30.4\"\n{extra}")
}

#[test]
fn nesting_100000_deep_is_refused_in_bounded_time() {
    let n = 100_000;
    let flow = format!(
        "{HEAD}{}",
        cluster(
            "a",
            &format!(
                "    etcd_backup_tasks: {}x{}\n",
                "[".repeat(n),
                "]".repeat(n)
            )
        )
    );
    assert!(flow.len() > 200_000);
    assert_eq!(single_code(&flow), codes::TOO_DEEP);
    let block = format!(
        "{HEAD}{}",
        cluster(
            "a",
            &format!("    etcd_backup_tasks:\n      {}x\n", "- ".repeat(n))
        )
    );
    assert_eq!(single_code(&block), codes::TOO_DEEP);
}

/// `clusters` clusters, each with the same anchored list of 1,000 plugins.
fn alias_bomb(clusters: usize) -> String {
    let plugins: String = (0..1000)
        .map(|i| format!("      - {{name: p{i}}}\n"))
        .collect();
    let mut text = format!(
        "{HEAD}{}",
        cluster("c0", &format!("    plugins: &all\n{plugins}"))
    );
    for i in 1..clusters {
        text.push_str(&cluster(&format!("c{i}"), "    plugins: *all\n"));
    }
    text
}

#[test]
fn alias_bombs_are_refused_in_bounded_time() {
    let small = alias_bomb(1_250);
    assert!((105_000..120_000).contains(&small.len()), "{}", small.len());
    assert_eq!(single_code(&small), codes::ALIAS_EXPANSION);
    let big = alias_bomb(9_600);
    assert!(big.len() > 741_000, "{}", big.len());
    assert_eq!(single_code(&big), codes::ALIAS_EXPANSION);
}

#[test]
fn aliases_within_the_cap_load() {
    // 20 clusters sharing 1,000 plugins: 20,000 plugin records, under the cap.
    let text = alias_bomb(20);
    let rulebook = rulebook();
    let inv = timed_load(&rulebook, "aliases.yaml", &text)
        .unwrap_or_else(|p| panic!("{}", render(&p, false)));
    assert!(cluster_names(&rulebook, &inv).starts_with("loads; clusters: 20"));
}

#[test]
fn a_list_past_its_limit_is_refused() {
    let tasks = "a,".repeat(limits::MAX_LIST_LEN);
    let text = format!(
        "{HEAD}{}",
        cluster("a", &format!("    etcd_backup_tasks: [{tasks}b]\n"))
    );
    assert_eq!(single_code(&text), codes::LIST_TOO_LONG);
}
