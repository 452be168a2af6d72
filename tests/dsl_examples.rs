//! Every example of the rule language in `docs/dsl.md` compiles: each ```uplan block,
//! together with the shared prelude `tests/fixtures/dsl/prelude.uplan` (a schema,
//! releases, hops, steps and procedures). A block that declares something the prelude
//! has (the same keyword and name; any `hop`, `release` or `phases` line) replaces it.
//!
//! A block meant to fail says so in its info string, with the code it must produce:
//! ```` ```uplan,fails=uplan::check::then_without_step ````. A `check`/`syntax` code must
//! come from compiling; a `lint` code from `uplan lint` on the compiled rulebook; an
//! `eval` code from planning `tests/fixtures/dsl/inventory.yaml`. Every fenced block
//! of the page carries a language, so no rule example escapes this test.

use std::collections::BTreeSet;
use std::fs;

use uplan::diagnostics::{Problems, render};

const PAGE: &str = "docs/dsl.md";

struct Block {
    line: usize,
    info: String,
    text: String,
}

/// The fenced blocks of the page, with the line of their opening fence.
fn blocks(page: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut open: Option<Block> = None;
    for (n, line) in page.lines().enumerate() {
        let Some(info) = line.strip_prefix("```") else {
            if let Some(b) = open.as_mut() {
                b.text.push_str(line);
                b.text.push('\n');
            }
            continue;
        };
        match open.take() {
            Some(b) => out.push(b),
            None => {
                open = Some(Block {
                    line: n + 1,
                    info: info.trim().to_string(),
                    text: String::new(),
                })
            }
        }
    }
    assert!(open.is_none(), "{PAGE}: a fence is never closed");
    out
}

/// What a top-level declaration line declares: `step upgrade-cluster`, `inventory`;
/// hops, releases and phases as one group each.
fn key(line: &str) -> Option<String> {
    if line.starts_with([' ', '\t', '#', '}']) || line.trim().is_empty() {
        return None;
    }
    let mut words = line.split_whitespace();
    let kw = words.next()?;
    match kw {
        "hop" | "release" | "phases" | "inventory" | "path" => Some(kw.to_string()),
        _ => {
            let name = words.next()?;
            let name = name.split(['(', '{']).next().unwrap_or(name);
            Some(format!("{kw} {name}"))
        }
    }
}

/// The prelude without the paragraphs whose declarations the block makes itself. The
/// prelude's rules read its schema, vocabulary and hops: a block with its own drops them.
fn prelude_for(block: &str) -> String {
    let prelude = fs::read_to_string("tests/fixtures/dsl/prelude.uplan").unwrap();
    let declared: BTreeSet<String> = block.lines().filter_map(key).collect();
    let own_world = declared.iter().any(|k| {
        let kw = k.split(' ').next().unwrap_or("");
        [
            "entity",
            "record",
            "inventory",
            "vocabulary",
            "hop",
            "release",
        ]
        .contains(&kw)
    });
    prelude
        .split("\n\n")
        .filter(|para| {
            let keys: Vec<String> = para.lines().filter_map(key).collect();
            let rule = keys.iter().any(|k| k.starts_with("rule "));
            !(keys.iter().any(|k| declared.contains(k)) || (rule && own_world))
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn compile(b: &Block) -> Result<uplan::model::Rulebook, Problems> {
    // ```uplan,acp: an example written against the ACP rulebook (its steps and releases)
    if b.info == "uplan,acp" {
        let mut files = uplan::rulebooks::read_dir_files(std::path::Path::new("rules/acp"))?;
        files.push((format!("{PAGE}:{}", b.line), b.text.clone()));
        return uplan::compile(&files);
    }
    let files = vec![
        ("prelude.uplan".to_string(), prelude_for(&b.text)),
        (format!("{PAGE}:{}", b.line), b.text.clone()),
    ];
    uplan::compile(&files)
}

/// The codes a block that compiles produces later: lint's, or planning's.
fn later_codes(rb: &uplan::model::Rulebook, code: &str) -> Vec<String> {
    if code.starts_with("uplan::lint::") {
        let w = uplan::lint::warnings(rb);
        return w.codes().iter().map(|c| c.to_string()).collect();
    }
    let yaml = fs::read_to_string("tests/fixtures/dsl/inventory.yaml").unwrap();
    let inv = uplan::inventory::load(rb, "inventory.yaml", &yaml)
        .unwrap_or_else(|p| panic!("{}", render(&p, false)));
    match uplan::eval::evaluate(rb, &inv, None, uplan::eval::Mode::Plan) {
        Ok(_) => Vec::new(),
        Err(p) => p.codes().iter().map(|c| c.to_string()).collect(),
    }
}

fn check(b: &Block) -> Result<(), String> {
    let fails = b.info.strip_prefix("uplan,fails=").map(str::trim);
    let at = format!("{PAGE}:{}", b.line);
    match (compile(b), fails) {
        (Ok(_), None) => Ok(()),
        (Err(p), None) => Err(format!("{at} does not compile:\n{}", render(&p, false))),
        (Err(p), Some(code)) => {
            if p.codes().contains(&code) {
                Ok(())
            } else {
                Err(format!(
                    "{at} fails, but not with {code}:\n{}",
                    render(&p, false)
                ))
            }
        }
        (Ok(rb), Some(code)) => {
            let got = later_codes(&rb, code);
            if got.iter().any(|c| c == code) {
                Ok(())
            } else {
                Err(format!("{at} should fail with {code}, got {got:?}"))
            }
        }
    }
}

#[test]
fn every_rule_example_of_the_language_page_compiles_or_fails_as_it_says() {
    let page = fs::read_to_string(PAGE).unwrap();
    let all = blocks(&page);
    let mut errors = Vec::new();
    let mut examples = 0;
    for b in &all {
        if b.info.is_empty() {
            errors.push(format!(
                "{PAGE}:{}: a fenced block without a language (```uplan, ```yaml, ```text …)",
                b.line
            ));
            continue;
        }
        if b.info == "uplan" || b.info.starts_with("uplan,") {
            examples += 1;
            if let Err(e) = check(b) {
                errors.push(e);
            }
        }
    }
    assert!(errors.is_empty(), "{}", errors.join("\n\n"));
    assert!(examples >= 20, "only {examples} rule examples on the page");
}

#[test]
fn a_broken_example_is_caught() {
    // The harness itself can fail: a typo in a block, and a block that claims a failure
    // it does not have.
    let typo = Block {
        line: 1,
        info: "uplan".into(),
        text: "rule r {\n  source \"s\"\n  each cluster c\n  require c.kubernets >= 1.28\n  else block\n  message \"m\"\n}\n".into(),
    };
    assert!(check(&typo).unwrap_err().contains("unknown_fact"));
    let wrong_claim = Block {
        line: 1,
        info: "uplan,fails=uplan::check::then_without_step".into(),
        text: "const x = 1\n".into(),
    };
    assert!(check(&wrong_claim).is_err());
    let replaced = prelude_for("step upgrade-cluster(c: cluster) {\n  title \"x\"\n}\n");
    assert!(!replaced.contains("step upgrade-cluster("));
    assert!(replaced.contains("step upload-images("));
}
