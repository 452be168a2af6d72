//! The runbook a customer receives (issue 9, acceptance 1–3): every example's Markdown
//! runbook has a duration on every step, a length per window, a per-cluster table,
//! the preparation apart from the windows and checkpoints; commands survive a
//! CommonMark renderer and pandoc; the 45-cluster example names its 20-at-once limit.

use std::path::Path;

fn examples() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir("plans")
        .map(|d| {
            d.filter_map(|e| e.ok().map(|e| e.path().display().to_string()))
                .collect()
        })
        .unwrap_or_default();
    v.retain(|p| p.ends_with(".md"));
    v.sort();
    assert!(v.len() >= 15, "{v:?}");
    v
}

fn read(p: &str) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{p}: {e}"))
}

/// Ready plans with steps: the runbooks a customer gets.
fn ready_runbooks() -> Vec<(String, String)> {
    examples()
        .into_iter()
        .map(|p| (p.clone(), read(&p)))
        .filter(|(_, md)| md.contains("| status | **ready** |") && md.contains("## Window "))
        .collect()
}

#[test]
fn every_runbook_has_its_structure() {
    let runbooks = ready_runbooks();
    assert!(runbooks.len() >= 10, "{}", runbooks.len());
    let with_prep = runbooks
        .iter()
        .filter(|(_, md)| md.contains("\n## Preparation\n"))
        .count();
    assert!(
        with_prep * 2 > runbooks.len(),
        "{with_prep} of {}",
        runbooks.len()
    );
    for (p, md) in &runbooks {
        for heading in [
            "## Summary",
            "## Clusters",
            "## Findings",
            "## After the upgrade",
        ] {
            assert!(md.contains(&format!("\n{heading}\n")), "{p}: no {heading}");
        }
        // Preparation stands apart when its steps wait on no window step (a rule may
        // order the downloads after an in-window fix: corvid's Kubernetes upgrades).
        if let Some(prep) = md.find("\n## Preparation\n") {
            let window = md.find("\n## Window 1: ").unwrap_or(0);
            assert!(prep < window, "{p}: preparation after the window");
        }
        assert!(md.contains("### Checkpoint: "), "{p}: no checkpoint");
        assert!(
            !md.contains("no estimate"),
            "{p}: a step without a duration"
        );
        assert!(
            !md.contains("without an estimate"),
            "{p}: a step without a duration"
        );
        for line in md.lines().filter(|l| l.starts_with("- **length:** ")) {
            assert!(!line.ends_with(" 0m"), "{p}: {line}");
        }
        let windows = md.matches("\n## Window ").count();
        let lengths = md.matches("\n- **length:** ").count();
        assert_eq!(windows, lengths, "{p}: a window without its length");
        for line in md.lines().filter(|l| l.starts_with("- [ ] **")) {
            let has = [
                " (estimate)",
                " (from the guide)",
                " (measured at this site)",
            ];
            assert!(has.iter().any(|h| line.contains(h)), "{p}: {line}");
        }
    }
}

#[test]
fn ids_and_rule_names_only_when_verbose() {
    for (p, md) in ready_runbooks() {
        assert!(!md.contains("  - id: "), "{p}");
        assert!(!md.contains("added by"), "{p}");
    }
}

#[test]
fn the_45_cluster_plan_names_its_limit_and_groups_the_clusters() {
    let md = read("plans/granite-45-workloads.md");
    assert!(md.contains("At most 20 run at once"), "{md}");
    assert!(md.contains("· 20 clusters ·"), "{md}");
    assert!(md.lines().count() < 200, "{} lines", md.lines().count());
}

#[test]
fn commonmark_shows_every_command_as_code() {
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};
    for p in examples() {
        let md = read(&p);
        let mut in_code = false;
        for ev in Parser::new(&md) {
            match ev {
                Event::Start(Tag::CodeBlock(_)) => in_code = true,
                Event::End(TagEnd::CodeBlock) => in_code = false,
                Event::Text(t) if !in_code => {
                    for flag in [
                        "--dest-repo",
                        "--no-auth",
                        "--clusters",
                        "--registry",
                        "upgrade.sh --",
                    ] {
                        assert!(!t.contains(flag), "{p}: `{flag}` outside code in {t:?}");
                    }
                }
                _ => {}
            }
        }
    }
}

/// pandoc smartens `--` into an en dash outside code: no flag may come out so.
#[test]
fn pandoc_leaves_every_flag_alone() {
    let found = std::process::Command::new("pandoc")
        .arg("--version")
        .output()
        .is_ok();
    if !found {
        assert!(
            std::env::var_os("UPLAN_REQUIRE_TOOLS").is_none(),
            "pandoc is required (UPLAN_REQUIRE_TOOLS) and missing"
        );
        eprintln!("pandoc not installed: skipping the pandoc check");
        return;
    }
    for p in examples() {
        let out = std::process::Command::new("pandoc")
            .args([
                "--from",
                "markdown+smart",
                "--to",
                "html",
                Path::new(&p).to_str().unwrap_or(""),
            ])
            .output()
            .unwrap_or_else(|e| panic!("pandoc {p}: {e}"));
        assert!(out.status.success(), "pandoc {p}");
        let html = String::from_utf8_lossy(&out.stdout);
        // An en dash right before a letter is a flag's `--` (the runbook writes ranges
        // as `30m–1h`, digits on both sides).
        let bad: Vec<&str> = html
            .match_indices('–')
            .filter(|(i, _)| {
                html[i + '–'.len_utf8()..].starts_with(|c: char| c.is_ascii_alphabetic())
            })
            .map(|(i, _)| &html[i.saturating_sub(30)..(i + 30).min(html.len())])
            .collect();
        assert!(bad.is_empty(), "{p}: {bad:?}");
    }
}
