//! The rendered plan of every example in `examples/` is kept in `plans/` (Markdown,
//! JSON, the HTML report and the Markdown in Chinese as `NAME.zh.md`). This test fails when a rule or renderer change moves a plan and `plans/` was
//! not regenerated. Regenerate them all with:
//!
//! ```text
//! UPLAN_REGENERATE=1 cargo test --test plans
//! ```

use std::path::{Path, PathBuf};

use uplan::eval::{self, Mode};

/// The target used when an example names none.
const DEFAULT_TARGET: &str = "4.3";

fn examples() -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir("examples")
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    paths.retain(|p| p.extension().is_some_and(|x| x == "yaml"));
    paths.sort();
    paths
}

/// (markdown, json, html, Chinese markdown) for one example.
fn render(rb: &uplan::model::Rulebook, path: &Path) -> (String, String, String, String) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let name = path.display().to_string();
    let inv = uplan::inventory::load(rb, &name, &text)
        .unwrap_or_else(|p| panic!("{name}:\n{}", uplan::diagnostics::render(&p, false)));
    let default = uplan::model::Version::parse(DEFAULT_TARGET).ok();
    let has_target = rb
        .path
        .to
        .as_ref()
        .and_then(|f| {
            let mut v = &inv.facts;
            for i in f {
                v = v.as_record()?.get(*i as usize)?;
            }
            v.as_version()
        })
        .is_some();
    let target = if has_target { None } else { default.as_ref() };
    let ev = eval::evaluate(rb, &inv, target, Mode::Plan)
        .unwrap_or_else(|p| panic!("{name}:\n{}", uplan::diagnostics::render(&p, false)));
    let plan = ev.to_plan(rb, &inv);
    let zh = ev.in_lang(uplan::model::Lang::Zh).to_plan(rb, &inv);
    let zh_options = uplan::render::Options {
        lang: uplan::model::Lang::Zh,
        ..Default::default()
    };
    let options = uplan::render::Options::default();
    (
        uplan::render::markdown(&plan, &options),
        uplan::render::json(&plan),
        uplan::render::html(&plan, &options),
        uplan::render::markdown(&zh, &zh_options),
    )
}

#[test]
fn rendered_plans_are_current() {
    let rb = uplan::rulebooks::embedded_acp()
        .unwrap_or_else(|p| panic!("{}", uplan::diagnostics::render(&p, false)));
    let regenerate = std::env::var_os("UPLAN_REGENERATE").is_some();
    let mut stale = Vec::new();
    let examples = examples();
    assert!(
        examples.len() >= 15,
        "expected at least 15 examples, found {}",
        examples.len()
    );
    for path in &examples {
        let (md, json, html, zh) = render(&rb, path);
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        for (ext, text) in [
            ("md", &md),
            ("json", &json),
            ("html", &html),
            ("zh.md", &zh),
        ] {
            let out = Path::new("plans").join(format!("{stem}.{ext}"));
            let current = std::fs::read_to_string(&out).unwrap_or_default();
            if &current != text {
                if regenerate {
                    std::fs::write(&out, text).unwrap_or_else(|e| panic!("{}: {e}", out.display()));
                } else {
                    stale.push(out.display().to_string());
                }
            }
        }
    }
    // A plan whose example was deleted is stale too.
    for entry in std::fs::read_dir("plans").into_iter().flatten().flatten() {
        let p = entry.path();
        let stem = p
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let stem = stem.strip_suffix(".zh").unwrap_or(&stem);
        let known = examples
            .iter()
            .any(|e| e.file_stem().is_some_and(|s| s.to_string_lossy() == stem));
        let ours = p
            .extension()
            .is_some_and(|x| x == "md" || x == "json" || x == "html");
        if !known && ours {
            if regenerate {
                let _ = std::fs::remove_file(&p);
            } else {
                stale.push(p.display().to_string());
            }
        }
    }
    assert!(
        stale.is_empty(),
        "these rendered plans are out of date:\n  {}\nregenerate with: UPLAN_REGENERATE=1 cargo test --test plans",
        stale.join("\n  ")
    );
}
