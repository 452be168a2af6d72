//! `--lang zh` runbooks are complete (issue 9, acceptance 5): in `plans/NAME.zh.md`, no
//! English sentence is left outside code, commands and names.
//!
//! "English sentence" is measured as a run of three or more ASCII words (letters first)
//! separated only by spaces and light punctuation, in the Markdown's text once code
//! spans, code blocks, and backtick-quoted segments are removed. What is taken out
//! first, as names: the plan's step ids, rule ids, and the `source` citations of its
//! findings (the titles of the guides they cite), and the inventory's multi-word
//! strings (a customer's name). The same check finds dozens of runs in the English
//! plans, so it can fail.

use std::path::{Path, PathBuf};

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

/// Runs of at least this many ASCII words are English sentences.
const RUN: usize = 3;

fn examples() -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir("examples")
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    paths.retain(|p| p.extension().is_some_and(|x| x == "yaml"));
    paths.sort();
    assert!(paths.len() >= 15, "examples missing: {paths:?}");
    paths
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The names a plan and its inventory bring: ids, rule ids, citations, and
/// multi-word strings of the inventory. Longest first, so a name containing another
/// is removed whole.
fn names(plan_json: &str, inventory_yaml: &str) -> Vec<String> {
    let plan: serde_json::Value =
        serde_json::from_str(plan_json).unwrap_or_else(|e| panic!("plan JSON: {e}"));
    let mut out = Vec::new();
    let list = |key: &str| plan[key].as_array().cloned().unwrap_or_default();
    for f in list("findings") {
        for key in ["rule", "source"] {
            out.extend(f[key].as_str().map(str::to_string));
        }
    }
    // the runbook's citations (checkpoints, checks after, limits) are document names too
    for key in ["checkpoints", "post_checks", "limits"] {
        for c in list(key) {
            out.extend(c["source"].as_str().map(str::to_string));
        }
    }
    for s in list("steps") {
        for key in ["id", "rule", "source"] {
            out.extend(s[key].as_str().map(str::to_string));
        }
    }
    let inventory: serde_yaml::Value =
        serde_yaml::from_str(inventory_yaml).unwrap_or_else(|e| panic!("inventory: {e}"));
    strings(&inventory, &mut out);
    out.retain(|n| !n.is_empty());
    out.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
    out.dedup();
    out
}

fn strings(v: &serde_yaml::Value, out: &mut Vec<String>) {
    match v {
        serde_yaml::Value::String(s) if s.contains(' ') => out.push(s.clone()),
        serde_yaml::Value::Sequence(items) => items.iter().for_each(|i| strings(i, out)),
        serde_yaml::Value::Mapping(m) => m.values().for_each(|i| strings(i, out)),
        _ => {}
    }
}

/// The prose of a Markdown document: text outside code blocks and code spans, one
/// string per block-level text run (so a table cell or list item does not run into
/// the next).
fn prose(markdown: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut in_code = false;
    for event in Parser::new_ext(markdown, pulldown_cmark::Options::ENABLE_TABLES) {
        match event {
            Event::Start(Tag::CodeBlock(_)) => in_code = true,
            Event::End(TagEnd::CodeBlock) => in_code = false,
            Event::Text(t) if !in_code => out.last_mut().into_iter().for_each(|s| s.push_str(&t)),
            Event::Code(_) => out.last_mut().into_iter().for_each(|s| s.push_str(" ¦ ")),
            Event::Start(_) | Event::End(_) | Event::SoftBreak | Event::HardBreak => {
                out.push(String::new())
            }
            _ => {}
        }
    }
    out.retain(|s| !s.trim().is_empty());
    out
}

/// Removes segments quoted in backticks that reach the text as characters (a rule
/// text's `` `kubectl …` `` that the renderer escapes today).
fn without_ticked(text: &str) -> String {
    let mut out = String::new();
    let mut parts = text.split('`');
    let mut inside = false;
    for part in parts.by_ref() {
        out.push_str(if inside { " ¦ " } else { part });
        inside = !inside;
    }
    out
}

/// Runs of [`RUN`] or more ASCII words in `text`, after removing `names`.
fn english_runs(text: &str, names: &[String]) -> Vec<String> {
    let mut text = without_ticked(text);
    for n in names {
        text = text.replace(n.as_str(), " ¦ ");
    }
    let mut runs = Vec::new();
    let mut run: Vec<&str> = Vec::new();
    for token in text.split(|c: char| c.is_whitespace() || ",()'\"".contains(c)) {
        if token.is_empty() {
            continue;
        }
        let word = token
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
            && token
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-.;:!?".contains(c));
        if word {
            run.push(token);
            // A sentence ends at its full stop, colon or semicolon.
            if token.ends_with(['.', ';', ':', '!', '?']) && !token.ends_with("..") {
                flush(&mut run, &mut runs);
            }
        } else {
            flush(&mut run, &mut runs);
        }
    }
    flush(&mut run, &mut runs);
    runs
}

fn flush(run: &mut Vec<&str>, runs: &mut Vec<String>) {
    if run.len() >= RUN {
        runs.push(run.join(" "));
    }
    run.clear();
}

/// The English runs of one rendered plan.
fn runs_of(stem: &str, ext: &str) -> Vec<String> {
    let md = read(&Path::new("plans").join(format!("{stem}.{ext}")));
    let json = read(&Path::new("plans").join(format!("{stem}.json")));
    let inventory = read(&Path::new("examples").join(format!("{stem}.yaml")));
    let names = names(&json, &inventory);
    prose(&md)
        .iter()
        .flat_map(|p| english_runs(p, &names))
        .collect()
}

fn stems() -> Vec<String> {
    examples()
        .iter()
        .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .collect()
}

#[test]
fn chinese_runbooks_leave_no_english_sentence() {
    let mut left = Vec::new();
    for stem in stems() {
        for run in runs_of(&stem, "zh.md") {
            left.push(format!("{stem}.zh.md: {run}"));
        }
    }
    assert!(
        left.is_empty(),
        "English left in the Chinese runbooks (translate it in rules/acp/zh.uplan or eval/phrases.rs, or quote a name in backticks):\n  {}",
        left.join("\n  ")
    );
}

/// The check can fail: on the English runbooks it finds English in every one that
/// has a step or a finding.
#[test]
fn the_check_finds_the_english_of_english_runbooks() {
    let mut silent = Vec::new();
    for stem in stems() {
        if runs_of(&stem, "md").is_empty() {
            silent.push(stem);
        }
    }
    assert!(silent.is_empty(), "no English found in: {silent:?}");
}

#[test]
fn the_run_detector_itself() {
    let none: Vec<String> = Vec::new();
    assert_eq!(
        english_runs("升级 global 集群到 4.3", &none),
        Vec::<String>::new()
    );
    assert_eq!(
        english_runs("请先 upgrade the cluster 再继续", &none),
        vec!["upgrade the cluster"]
    );
    assert_eq!(
        english_runs(
            "在 `Administrator › Marketplace › Cluster Plugins` 中",
            &none
        ),
        Vec::<String>::new()
    );
    let names = vec!["Acme Corp Shanghai".to_string()];
    assert_eq!(
        english_runs("客户 Acme Corp Shanghai 的计划", &names),
        Vec::<String>::new()
    );
    assert_eq!(
        english_runs("Upgrade plan: 4.0.3 → 4.3.0", &none),
        Vec::<String>::new()
    );
}
