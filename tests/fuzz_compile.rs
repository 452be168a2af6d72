//! Garbled and random rulebooks never panic the parser, the checker or the evaluator:
//! random token soups, the mini rulebook and the ACP rulebook with byte ranges
//! deleted, duplicated or overwritten, and rules built from random (often well-typed)
//! expressions, outcomes and orders. Every run must end in a rulebook or in
//! diagnostics, each with a code; every rulebook that compiles must plan a small
//! inventory or explain why not, the same way twice. Nothing catches a panic: a panic
//! fails the test.

use std::fs;
use std::path::Path;

use proptest::prelude::*;
use uplan::eval::{self, Mode};

fn mini() -> Vec<(String, String)> {
    read_dir("tests/fixtures/mini")
}

fn read_dir(dir: &str) -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut paths: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "uplan"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| (p.display().to_string(), fs::read_to_string(&p).unwrap()))
        .collect()
}

fn read(path: &str) -> String {
    fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap()
}

const TOKENS: &[&str] = &[
    "rule",
    "step",
    "order",
    "limit",
    "procedure",
    "record",
    "entity",
    "inventory",
    "path",
    "from",
    "to",
    "release",
    "hop",
    "fields",
    "phases",
    "source",
    "when",
    "each",
    "require",
    "else",
    "block",
    "warn",
    "note",
    "at",
    "before",
    "after",
    "then",
    "message",
    "do",
    "title",
    "phase",
    "manual",
    "duration",
    "command",
    "effect",
    "remove",
    "add",
    "for",
    "stepwise",
    "where",
    "in",
    "not",
    "and",
    "or",
    "like",
    "any",
    "all",
    "count",
    "null",
    "true",
    "_",
    "c",
    "cluster",
    "clusters",
    "c.kubernetes",
    "c.istio",
    "c.plugins",
    "p.name",
    "hop.from",
    "hop.target.kubernetes",
    "platform.version",
    "upgrade-cluster",
    "backup",
    "global",
    "workload",
    "1.28",
    "v1.30.4",
    "4.0.x",
    "2.0",
    "3.0",
    "120",
    "2h",
    "1h30m",
    "1.29..=1.30",
    "\"text\"",
    "\"{c.name}\"",
    "\"{\"",
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    ",",
    ":",
    "=",
    "==",
    "!=",
    "<",
    ">=",
    "->",
    "??",
    "?",
    "|",
    "*",
    ".",
    "\n",
    "#",
    "\\",
];

fn compile_never_panics(files: &[(String, String)]) {
    compile_and_plan(files, None);
}

/// Compiles `files`; when they compile and an inventory is given, plans it: a plan (the
/// same twice, rendered in every format) or diagnostics with codes.
fn compile_and_plan(files: &[(String, String)], inventory: Option<&str>) {
    // The last file is the generated or mangled one (the tests put it there).
    if let Some((name, text)) = files.last() {
        formats_faithfully(name, text);
    }
    let rulebook = match uplan::compile(files) {
        Ok(rb) => rb,
        Err(problems) => return coded(&problems),
    };
    let Some(text) = inventory else { return };
    let inventory = match uplan::inventory::load(&rulebook, "inventory.yaml", text) {
        Ok(inv) => inv,
        Err(problems) => return coded(&problems),
    };
    let plan = |mode| {
        eval::evaluate(&rulebook, &inventory, None, mode)
            .map(|ev| ev.to_plan(&rulebook, &inventory))
    };
    match plan(Mode::Plan) {
        Ok(p) => {
            let json = uplan::render::json(&p);
            let again = plan(Mode::Plan).map(|p| uplan::render::json(&p));
            assert_eq!(again.ok(), Some(json), "a second run planned differently");
            let _ = (
                uplan::render::text(&p, &Default::default()),
                uplan::render::markdown(&p, &Default::default()),
            );
            let _ = (uplan::render::dot(&p), uplan::render::check_json(&p));
        }
        Err(problems) => coded(&problems),
    }
    if let Err(problems) = plan(Mode::Check) {
        coded(&problems);
    }
}

/// `uplan fmt` on the same text: diagnostics, or a text that formats to itself (the
/// formatter checks on its own that tokens and parse are kept).
fn formats_faithfully(name: &str, text: &str) {
    match uplan::fmt::format_text(name, text) {
        Ok(once) => {
            let twice = uplan::fmt::format_text(name, &once).map_err(|p| p.codes());
            assert_eq!(
                twice.as_deref(),
                Ok(once.as_str()),
                "fmt is idempotent on {name}"
            );
        }
        Err(problems) => {
            assert!(
                !problems.codes().contains(&uplan::fmt::UNFAITHFUL),
                "{name}: {text}"
            );
            coded(&problems);
        }
    }
}

fn coded(problems: &uplan::diagnostics::Problems) {
    assert!(!problems.is_empty());
    for p in &problems.0 {
        assert!(p.code.starts_with("uplan::"), "{}", p.code);
    }
    let _ = uplan::diagnostics::render(problems, false);
}

/// `bytes` with `a..a+len` deleted (0), duplicated (1) or replaced by `junk` (2).
fn mangle(bytes: &[u8], start: f64, len: usize, how: u8, junk: &str) -> String {
    let a = ((bytes.len() as f64) * start) as usize;
    let b = (a + len).min(bytes.len());
    let mut out = bytes[..a].to_vec();
    match how {
        0 => {}
        1 => out.extend_from_slice(&bytes[a..b]),
        _ => out.extend_from_slice(junk.as_bytes()),
    }
    out.extend_from_slice(if how == 1 { &bytes[a..] } else { &bytes[b..] });
    String::from_utf8_lossy(&out).into_owned()
}

/// Conditions on the mini schema that type-check (most of the time: `??` on a
/// non-optional or a comparison across types sometimes slips in).
fn condition() -> impl Strategy<Value = String> {
    let atom = prop::sample::select(vec![
        "c.kubernetes >= 1.28",
        "c.kubernetes < 1.30.2",
        "c.istio != null",
        "c.istio == null or c.istio >= 1.20",
        "(c.istio ?? 1.0) > 1.1",
        "c.role == global",
        "c.role != workload",
        "c.dr in [primary, standby]",
        "c.mesh ?? v2 == v1",
        "hop.from < 2.0",
        "hop.to >= 3.0",
        "hop.flow == operator",
        "hop.downtime",
        "hop 1.0 -> 2.0",
        "hop * -> 3.1",
        "hop.target.kubernetes > c.kubernetes",
        "c.kubernetes in hop.target.compatible_kubernetes ?? 1.0..=9.0",
        "any(p in c.plugins: p.name == \"costmanager\")",
        "all(d in c.disks: d.free_gb >= 50)",
        "count(d in c.disks: d.path like \"/data*\") <= 1",
        "\"nightly-offsite\" in c.backup_tasks",
        "platform.registry == external",
        "c.name like \"work-*\"",
        "c.search != null and c.search.version < 7",
        "true",
        "false",
    ])
    .prop_map(str::to_string);
    atom.prop_recursive(3, 16, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a} and {b}")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a}) or ({b})")),
            inner.prop_map(|a| format!("not ({a})")),
        ]
    })
}

/// What a rule does when its requirement fails (or whenever, without one).
fn outcome() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "require {cond} else block",
        "require {cond} else step upgrade-kubernetes(c, 1.30) before upgrade-cluster(c)",
        "require {cond} else step backup(c) before upgrade-cluster(g) where g.role == global",
        "require {cond} else step remove-plugin(c, \"costmanager\") before upgrade-cluster(c) then step install-plugin(c, \"kubecost\") after upgrade-cluster(c)",
        "require {cond} else step free-disk(c, \"/data\")",
        "require {cond} else step switch-registry() before backup(c)",
        "require {cond} else warn",
        "warn at upgrade-cluster(c)",
        "note",
    ])
}

const STEPS: &[&str] = &[
    "backup(c)",
    "upgrade-cluster(c)",
    "upgrade-istio(c, _)",
    "upgrade-kubernetes(c, _)",
    "free-disk(c, _)",
    "remove-plugin(c, _)",
];

/// A rule file of random rules and orders, to sit next to the mini rulebook.
fn random_rules() -> impl Strategy<Value = String> {
    let rule = (condition(), outcome(), condition()).prop_map(|(filter, outcome, cond)| {
        let body = outcome.replace("{cond}", &cond);
        format!("  each    cluster c where {filter}\n  {body}\n  message \"{{c.name}} ({{c.kubernetes}})\"\n")
    });
    let order = (prop::sample::select(STEPS), prop::sample::select(STEPS));
    (
        prop::collection::vec(rule, 1..4),
        prop::collection::vec(order, 0..3),
    )
        .prop_map(|(rules, orders)| {
            let mut out = String::new();
            for (i, body) in rules.iter().enumerate() {
                out.push_str(&format!(
                    "rule random-{i} {{\n  source  \"fuzz\"\n{body}}}\n\n"
                ));
            }
            for (i, (a, b)) in orders.iter().enumerate() {
                out.push_str(&format!(
                    "order random-order-{i} {{\n  source \"fuzz\"\n  {a} before {b}\n}}\n\n"
                ));
            }
            out
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn token_soup_alone(tokens in prop::collection::vec(prop::sample::select(TOKENS), 0..60)) {
        compile_never_panics(&[("soup.uplan".into(), tokens.join(" "))]);
    }

    #[test]
    fn token_soup_next_to_the_mini_rulebook(tokens in prop::collection::vec(prop::sample::select(TOKENS), 0..60)) {
        let mut files = mini();
        files.push(("soup.uplan".into(), tokens.join(" ")));
        compile_never_panics(&files);
    }

    #[test]
    fn a_mangled_mini_rulebook_compiles_or_explains_then_plans_or_explains(
        file in 0usize..16,
        start in 0.0f64..1.0,
        len in 0usize..80,
        how in 0u8..3,
        junk in prop::sample::select(TOKENS),
    ) {
        let mut files = mini();
        let i = file % files.len();
        files[i].1 = mangle(files[i].1.as_bytes(), start, len, how, junk);
        let last = files.len() - 1;
        files.swap(i, last);
        compile_and_plan(&files, Some(&read("tests/fixtures/mini/inventory.yaml")));
    }

    #[test]
    fn random_rules_next_to_the_mini_rulebook_plan_or_explain(rules in random_rules()) {
        let mut files = mini();
        files.push(("random.uplan".into(), rules));
        compile_and_plan(&files, Some(&read("tests/fixtures/mini/inventory.yaml")));
    }
}

proptest! {
    // The ACP rulebook is 65 KB: fewer cases keep this test to seconds in debug.
    #![proptest_config(ProptestConfig { cases: 24, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn a_mangled_acp_rulebook_compiles_or_explains_then_plans_or_explains(
        file in 0usize..16,
        edits in prop::collection::vec((0.0f64..1.0, 0usize..120, 0u8..3, prop::sample::select(TOKENS)), 1..4),
    ) {
        let mut files = uplan::rulebooks::embedded_acp_files();
        let i = file % files.len();
        for (start, len, how, junk) in edits {
            files[i].1 = mangle(files[i].1.as_bytes(), start, len, how, junk);
        }
        let last = files.len() - 1;
        files.swap(i, last);
        compile_and_plan(&files, Some(&read("examples/harbor-3.16-to-4.3.yaml")));
    }
}

#[test]
fn deep_nesting_is_a_diagnostic_not_a_stack_overflow() {
    for n in [23, 100, 10_000] {
        for (open, close) in [("(", ")"), ("[", "]"), ("\"{", "}\"")] {
            let text = format!("rule r {{ when {}a{} }}", open.repeat(n), close.repeat(n));
            compile_never_panics(&[("deep.uplan".into(), text)]);
        }
        let text = format!("rule r {{ when {}a }}", "not ".repeat(n));
        compile_never_panics(&[("deep.uplan".into(), text)]);
    }
    let text = format!("rule r {{ when {}a{} }}", "(".repeat(40), ")".repeat(40));
    let p = uplan::compile(&[("deep.uplan".into(), text)])
        .err()
        .unwrap();
    assert_eq!(p.codes(), vec!["uplan::syntax::too_deep"]);
}
