//! The bad-rule corpus: each `tests/bad-rules/*.uplan` fails to compile (next to the
//! good mini rulebook in `tests/fixtures/mini/`, or alone with a `# with: nothing`
//! header) with the diagnostics its `# expect:` header lists (one code, or several
//! separated by commas, in order), in bounded time, without a panic. The first one's
//! primary span covers the text of its `# at:` header (`U+001B` stands for that one
//! character). The rendered diagnostics are an insta snapshot.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

use uplan::diagnostics::{Problems, render};

fn read_dir(dir: &str, prefix: &str) -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut paths: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "uplan"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let name = format!("{prefix}/{}", p.file_name().unwrap().to_string_lossy());
            (name, fs::read_to_string(&p).unwrap())
        })
        .collect()
}

fn mini() -> Vec<(String, String)> {
    read_dir("tests/fixtures/mini", "mini")
}

/// The value of a `# key: value` header line, if there is one.
fn optional_header<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    let prefix = format!("# {key}:");
    text.lines()
        .find_map(|l| l.strip_prefix(&prefix))
        .map(str::trim)
}

/// The value of a `# key: value` header line.
fn header<'a>(text: &'a str, key: &str) -> &'a str {
    optional_header(text, key).unwrap_or_else(|| panic!("missing `# {key}:` header"))
}

/// The `# at:` text: as written, or the one character a `U+XXXX` names (a control
/// character cannot stand in its own header: it would be reported there).
fn expected_at(text: &str) -> String {
    let at = header(text, "at");
    match at
        .strip_prefix("U+")
        .map(|hex| u32::from_str_radix(hex, 16))
    {
        Some(Ok(code)) => char::from_u32(code).expect("a character").to_string(),
        _ => at.to_string(),
    }
}

/// Generous: the largest corpus file compiles in well under a second in a debug
/// build; a hang or a quadratic check would not.
const FILE_BUDGET: Duration = Duration::from_secs(60);

/// The text under a problem's primary span.
fn primary_text<'a>(files: &'a [(String, String)], problems: &Problems) -> (&'a str, &'a str) {
    let p = &problems.0[0];
    let span = p.span.expect("a primary span");
    let source = p.source.as_ref().expect("a source file");
    let (name, text) = files
        .iter()
        .find(|(n, _)| n == source.name())
        .expect("a known file");
    (name, &text[span.start as usize..span.end as usize])
}

#[test]
fn the_mini_rulebook_compiles_clean() {
    if let Err(p) = uplan::compile(&mini()) {
        panic!("{}", render(&p, false));
    }
}

#[test]
fn every_bad_rule_file_fails_with_its_code_at_its_span() {
    insta::glob!("bad-rules/*.uplan", |path| {
        let text = fs::read_to_string(path).unwrap();
        let name = format!("bad-rules/{}", path.file_name().unwrap().to_string_lossy());
        let mut files = match optional_header(&text, "with") {
            Some("nothing") => Vec::new(),
            _ => mini(),
        };
        files.push((name.clone(), text.clone()));
        let start = Instant::now();
        let result = uplan::compile(&files);
        let took = start.elapsed();
        assert!(took < FILE_BUDGET, "{name} took {took:?}");
        let problems = match result {
            Ok(_) => panic!("{name} compiled"),
            Err(p) => p,
        };
        let rendered = render(&problems, false);
        let expected: Vec<&str> = header(&text, "expect").split(',').map(str::trim).collect();
        assert_eq!(problems.codes(), expected, "{name}:\n{rendered}");
        let (file, under) = primary_text(&files, &problems);
        assert_eq!(file, name, "{rendered}");
        assert_eq!(under, expected_at(&text), "{name}:\n{rendered}");
        insta::assert_snapshot!(rendered);
    });
}

#[test]
fn the_corpus_covers_many_codes() {
    let corpus = read_dir("tests/bad-rules", "bad-rules");
    let codes: BTreeSet<&str> = corpus
        .iter()
        .flat_map(|(_, text)| header(text, "expect").split(',').map(str::trim))
        .collect();
    for must in [
        "uplan::syntax::parse",
        "uplan::syntax::too_deep",
        "uplan::syntax::expr_too_deep",
        "uplan::syntax::expr_too_large",
        "uplan::syntax::control_char",
        "uplan::syntax::bad_literal",
        "uplan::check::unknown_fact",
        "uplan::check::type_mismatch",
        "uplan::check::ordering_cycle",
        "uplan::check::self_order",
        "uplan::check::bad_hop",
        "uplan::check::bad_limit",
        "uplan::check::too_many",
        "uplan::check::missing_path",
        "uplan::check::missing_hop",
    ] {
        assert!(codes.contains(must), "no corpus file expects {must}");
    }
    assert!(corpus.len() >= 40, "{} files", corpus.len());
    assert!(codes.len() >= 30, "{codes:?}");
}

// ---------------------------------------------------------------- generated hostile rules

/// Generous: a debug build parses these in about a second; before the limits they
/// overflowed the stack or took seconds in a release build.
const BUDGET: Duration = Duration::from_secs(30);

/// Compiles `text` next to the mini rulebook: the codes of its diagnostics, within
/// [`BUDGET`]. (Lines stay short: miette's renderer fails past column 65,535, which
/// is another part of issue 12.)
fn compile_hostile(name: &str, text: String) -> Vec<&'static str> {
    let mut files = mini();
    files.push((format!("bad-rules/{name}.uplan"), text));
    let start = Instant::now();
    let result = uplan::compile(&files);
    let took = start.elapsed();
    assert!(took < BUDGET, "{name} took {took:?}");
    match result {
        Ok(_) => Vec::new(),
        Err(p) => {
            let _ = render(&p, false);
            p.codes()
        }
    }
}

/// A rule whose `each … where` is `cond`.
fn rule_where(cond: &str) -> String {
    format!(
        "rule hostile {{\n  source \"x\"\n  each cluster c where {cond}\n  warn\n  message \"m\"\n}}\n"
    )
}

#[test]
fn the_issues_long_flat_expressions_are_diagnostics_not_stack_overflows() {
    // Short operands, one per line: the files stay under the 1 MiB a rule file may
    // have, and under the column where miette's renderer fails (issue 12 too).
    let cases = [
        ("and-10k", rule_where(&vec!["x"; 10_000].join("\n and "))),
        ("and-30k", rule_where(&vec!["x"; 30_000].join("\n and "))),
        ("or-50k", rule_where(&vec!["x"; 50_000].join("\n or "))),
        (
            "coalesce-100k",
            rule_where(&format!("{} == 1.0", vec!["x"; 100_000].join("\n ?? "))),
        ),
        (
            "member-100k",
            rule_where(&format!("c{} == 1", "\n.x".repeat(100_000))),
        ),
        (
            "not-100k",
            rule_where(&format!("{}true", "not\n".repeat(100_000))),
        ),
    ];
    for (name, text) in cases {
        assert_eq!(
            compile_hostile(name, text),
            vec!["uplan::syntax::expr_too_deep"],
            "{name}"
        );
    }
    let holes = format!(
        "step hostile(c: cluster) {{\n  title \"{}\"\n}}\n",
        "{c}\n".repeat(100_000)
    );
    assert_eq!(
        compile_hostile("holes-100k", holes),
        vec!["uplan::syntax::expr_too_large"]
    );
}

/// The evaluator recurses over expressions as the checker does: the deepest expression
/// the parser lets through must also be evaluated, on a test thread's 2 MiB stack.
#[test]
fn expressions_at_the_depth_limit_compile_and_evaluate() {
    use uplan::syntax::limits::{MAX_BRACKET_DEPTH, MAX_EXPR_DEPTH};
    // `c.kubernetes >= 1.0` is 3 levels high, each `and` or `not` one more
    let cmp = "c.kubernetes >= 1.0";
    let ands = vec![cmp; MAX_EXPR_DEPTH - 2].join(" and ");
    let nots = format!("{}({cmp})", "not ".repeat(MAX_EXPR_DEPTH - 3));
    let open = "(".repeat(MAX_BRACKET_DEPTH - 1);
    let close = ")".repeat(MAX_BRACKET_DEPTH - 1);
    let bracketed = format!(
        "{open}{}{close}",
        vec![cmp; MAX_EXPR_DEPTH - 2].join(" or ")
    );
    for cond in [ands, nots, bracketed] {
        let mut files = mini();
        files.push(("bad-rules/deep.uplan".into(), rule_where(&cond)));
        let rulebook = match uplan::compile(&files) {
            Ok(rb) => rb,
            Err(p) => panic!("{}", render(&p, false)),
        };
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mini/inventory.yaml");
        let text = fs::read_to_string(path).unwrap();
        let inventory = uplan::inventory::load(&rulebook, "inventory.yaml", &text).unwrap();
        let evaluation =
            uplan::eval::evaluate(&rulebook, &inventory, None, uplan::eval::Mode::Plan);
        assert!(evaluation.is_ok());
    }
}
