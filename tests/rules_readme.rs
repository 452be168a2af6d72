//! The generated parts of `rules/README.md` (the plugin vocabulary, the facts each rule
//! reads, the fields with a probe) match the embedded rulebook. After a rule change:
//!
//! ```bash
//! UPLAN_REGENERATE=1 cargo test --test rules_readme
//! git diff rules/README.md
//! ```

use std::fmt::Write;

use uplan::model::{Outcome, Rulebook};

fn acp() -> Rulebook {
    uplan::rulebooks::embedded_acp()
        .unwrap_or_else(|p| panic!("{}", uplan::diagnostics::render(&p, false)))
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn outcome(rb: &Rulebook, r: &uplan::model::Rule) -> String {
    match &r.outcome {
        Outcome::Block => "block".into(),
        Outcome::Warn(g) if g.on => "warn (on a matching step)".into(),
        Outcome::Warn(_) => "warn".into(),
        Outcome::Note(_) => "note".into(),
        Outcome::Step { call, .. } => format!("fix: `{}`", rb.steps[call.step as usize].name),
    }
}

fn vocabulary(rb: &Rulebook) -> String {
    let mut out =
        String::from("| name | also matches | rules that look for it |\n| --- | --- | --- |\n");
    for v in &rb.schema.vocabularies {
        for (i, name) in v.names.iter().enumerate() {
            let aliases: Vec<String> = v
                .aliases
                .iter()
                .filter(|(_, n)| *n as usize == i)
                .map(|(a, _)| format!("`{a}`"))
                .collect();
            let quoted = format!("\"{name}\"");
            let rules: Vec<String> = rb
                .rules
                .iter()
                .filter(|r| rb.sources.slice(r.span).contains(&quoted))
                .map(|r| format!("`{}`", r.id))
                .collect();
            let steps: Vec<String> = rb
                .steps
                .iter()
                .filter(|s| rb.sources.slice(s.span).contains(&quoted))
                .map(|s| format!("added by step `{}`", s.name))
                .collect();
            let wildcard = v.names.iter().find(|w| {
                w.strip_suffix('*')
                    .is_some_and(|p| name.starts_with(p) && *w != name)
            });
            let used = match (rules.is_empty(), wildcard) {
                (false, _) => rules.join(", "),
                (true, Some(w)) => format!("through `{w}`"),
                (true, None) if !steps.is_empty() => steps.join(", "),
                (true, None) => "— (known, no rule looks at it yet)".into(),
            };
            let _ = writeln!(
                out,
                "| `{name}` | {} | {used} |",
                if aliases.is_empty() {
                    "—".into()
                } else {
                    aliases.join(", ")
                },
            );
        }
    }
    out
}

fn reads(rb: &Rulebook) -> String {
    let mut out =
        String::from("| rule | outcome | inventory facts it reads |\n| --- | --- | --- |\n");
    let mut rules: Vec<&uplan::model::Rule> = rb.rules.iter().collect();
    rules.sort_by(|a, b| a.id.cmp(&b.id));
    for r in rules {
        let reads: Vec<String> = r.reads.iter().map(|f| format!("`{f}`")).collect();
        let _ = writeln!(
            out,
            "| `{}` | {} | {} |",
            r.id,
            outcome(rb, r),
            if reads.is_empty() {
                "— (hop facts only)".into()
            } else {
                reads.join(", ")
            }
        );
    }
    out
}

fn probes(rb: &Rulebook) -> String {
    let mut out =
        String::from("| field | left out means | how to find it |\n| --- | --- | --- |\n");
    for rec in &rb.schema.records {
        for f in &rec.fields {
            let Some(probe) = &f.meta.probe else { continue };
            let record = if rec.name == "inventory" {
                String::new()
            } else {
                format!("{}.", rec.name)
            };
            let _ = writeln!(
                out,
                "| `{record}{}` | unknown: rules that need it report what they assumed | {} |",
                f.name,
                cell(probe)
            );
        }
    }
    out
}

/// Replaces the text between `<!-- generated: NAME -->` and `<!-- end: NAME -->`.
fn splice(doc: &str, name: &str, body: &str) -> String {
    let start = format!("<!-- generated: {name} -->\n");
    let end = format!("<!-- end: {name} -->");
    let (Some(a), Some(b)) = (doc.find(&start), doc.find(&end)) else {
        panic!("rules/README.md has no `{start}` … `{end}` section");
    };
    format!("{}{start}{body}{}", &doc[..a], &doc[b..])
}

#[test]
fn the_generated_parts_of_the_rulebook_readme_are_current() {
    let rb = acp();
    let path = format!("{}/rules/README.md", env!("CARGO_MANIFEST_DIR"));
    let doc = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
    let mut want = splice(&doc, "vocabulary", &vocabulary(&rb));
    want = splice(&want, "reads", &reads(&rb));
    want = splice(&want, "probes", &probes(&rb));
    if std::env::var_os("UPLAN_REGENERATE").is_some() {
        std::fs::write(&path, &want).unwrap_or_else(|e| panic!("{e}"));
        return;
    }
    assert!(
        doc == want,
        "rules/README.md is stale: run `UPLAN_REGENERATE=1 cargo test --test rules_readme` and review the diff"
    );
}
