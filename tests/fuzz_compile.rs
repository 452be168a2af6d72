//! Garbled rule files never panic the parser or the checker: random token soups, and
//! the mini rulebook with byte ranges deleted, duplicated or overwritten. Every run
//! must end in `Ok` or in diagnostics, each with a code.

use std::fs;
use std::path::Path;

use proptest::prelude::*;

fn mini() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mini");
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
    if let Err(problems) = uplan::compile(files) {
        for p in &problems.0 {
            assert!(p.code.starts_with("uplan::"), "{}", p.code);
        }
        let _ = uplan::diagnostics::render(&problems, false);
    }
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
    fn a_mangled_mini_rulebook(
        file in 0usize..16,
        start in 0.0f64..1.0,
        len in 0usize..80,
        how in 0u8..3,
        junk in prop::sample::select(TOKENS),
    ) {
        let mut files = mini();
        let i = file % files.len();
        let bytes = files[i].1.as_bytes();
        let a = ((bytes.len() as f64) * start) as usize;
        let b = (a + len).min(bytes.len());
        let mut out = bytes[..a].to_vec();
        match how {
            0 => {}                                        // delete a..b
            1 => out.extend_from_slice(&bytes[a..b]),     // duplicate a..b
            _ => out.extend_from_slice(junk.as_bytes()),   // overwrite a..b
        }
        if how == 1 {
            out.extend_from_slice(&bytes[a..]);
        } else {
            out.extend_from_slice(&bytes[b..]);
        }
        files[i].1 = String::from_utf8_lossy(&out).into_owned();
        compile_never_panics(&files);
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
