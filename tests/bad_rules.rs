//! The bad-rule corpus: each `tests/bad-rules/*.uplan` fails to compile (next to the
//! good mini rulebook in `tests/fixtures/mini/`) with exactly one diagnostic, whose
//! code is the file's `# expect:` header and whose primary span covers the text of
//! its `# at:` header. The rendered diagnostic is an insta snapshot.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

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

/// The value of a `# key: value` header line.
fn header<'a>(text: &'a str, key: &str) -> &'a str {
    let prefix = format!("# {key}:");
    text.lines()
        .find_map(|l| l.strip_prefix(&prefix))
        .map(str::trim)
        .unwrap_or_else(|| panic!("missing `{prefix}` header"))
}

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
        let mut files = mini();
        files.push((name.clone(), text.clone()));
        let problems = match uplan::compile(&files) {
            Ok(_) => panic!("{name} compiled"),
            Err(p) => p,
        };
        let rendered = render(&problems, false);
        assert_eq!(
            problems.codes(),
            vec![header(&text, "expect")],
            "{name}:\n{rendered}"
        );
        let (file, under) = primary_text(&files, &problems);
        assert_eq!(file, name, "{rendered}");
        assert_eq!(under, header(&text, "at"), "{name}:\n{rendered}");
        insta::assert_snapshot!(rendered);
    });
}

#[test]
fn the_corpus_covers_many_codes() {
    let codes: BTreeSet<String> = read_dir("tests/bad-rules", "bad-rules")
        .iter()
        .map(|(_, text)| header(text, "expect").to_string())
        .collect();
    for must in [
        "uplan::syntax::parse",
        "uplan::check::unknown_fact",
        "uplan::check::type_mismatch",
        "uplan::check::ordering_cycle",
    ] {
        assert!(codes.contains(must), "no corpus file expects {must}");
    }
    assert!(codes.len() >= 20, "{codes:?}");
}
