//! `uplan diff`: what a rule change, or an edit, does to plans.
//!
//! Two forms: `uplan diff OLD.json NEW.json` compares two plan files;
//! `uplan diff --rules-before DIR --rules-after DIR INVENTORY…` plans each inventory
//! with both rulebooks (either side defaults to the embedded one) and compares.

use std::path::Path;

use uplan::diagnostics::{Problem, Problems};
use uplan::diff;
use uplan::model::Rulebook;
use uplan::plan::Plan;
use uplan::render::{self, Compared};

use super::{DiffArgs, DiffFormat, Report, codes, io, pipeline, validate};

/// Exit 0 when nothing changed, 1 when something did; bad input exits 2.
pub fn diff(args: &DiffArgs) -> Result<Report, Problems> {
    let compared = if args.rules_before.is_some() || args.rules_after.is_some() {
        by_rules(args)?
    } else {
        vec![by_files(args)?]
    };
    let text = match args.format {
        DiffFormat::Text => render::diff_text(&compared),
        DiffFormat::Md => render::diff_markdown(&compared),
        DiffFormat::Json => render::diff_json(&compared),
    };
    Ok(Report {
        code: u8::from(compared.iter().any(|c| c.changed)),
        text,
        warnings: String::new(),
    })
}

fn usage(message: &str, help: &str) -> Problems {
    Problem::new(codes::USAGE, message).help(help).into()
}

fn by_files(args: &DiffArgs) -> Result<Compared, Problems> {
    let [old, new] = args.files.as_slice() else {
        return Err(usage(
            &format!(
                "`uplan diff` compares two plan files, got {}",
                args.files.len()
            ),
            "usage: uplan diff OLD.json NEW.json, or uplan diff --rules-before DIR --rules-after DIR INVENTORY…",
        ));
    };
    if args.to.is_some() {
        return Err(usage(
            "`--to` applies when the diff makes the plans (with --rules-before / --rules-after)",
            "a plan file already names its target; drop --to",
        ));
    }
    let read = |path: &Path| -> Result<Plan, Problems> {
        let text = io::read_file(path, "plan")?;
        validate::parse_plan(&path.display().to_string(), &text)
    };
    let (a, b) = (read(old), read(new));
    let (a, b) = both(a, b)?;
    let name = format!("{} → {}", old.display(), new.display());
    Ok(Compared::new(name, diff::diff(&a, &b)))
}

/// Both results, or every problem of either.
fn both<A, B>(a: Result<A, Problems>, b: Result<B, Problems>) -> Result<(A, B), Problems> {
    match (a, b) {
        (Ok(a), Ok(b)) => Ok((a, b)),
        (a, b) => {
            let mut all = Problems::default();
            all.0.extend(a.err().into_iter().flat_map(|p| p.0));
            all.0.extend(b.err().into_iter().flat_map(|p| p.0));
            Err(all)
        }
    }
}

fn by_rules(args: &DiffArgs) -> Result<Vec<Compared>, Problems> {
    let target = args.to.as_deref().map(pipeline::parse_target).transpose()?;
    let before = pipeline::rules(args.rules_before.as_deref());
    let after = pipeline::rules(args.rules_after.as_deref());
    let (before, after) = both(before, after)?;
    let mut problems = Problems::default();
    let mut compared = Vec::new();
    for path in &args.files {
        match plan_both(&before, &after, path, target.as_ref()) {
            Ok(c) => compared.push(c),
            Err(p) => problems.0.extend(p.0),
        }
    }
    if problems.is_empty() {
        Ok(compared)
    } else {
        Err(problems)
    }
}

fn plan_both(
    before: &Rulebook,
    after: &Rulebook,
    path: &Path,
    target: Option<&uplan::model::Version>,
) -> Result<Compared, Problems> {
    let text = io::read_file(path, "inventory")?;
    let name = path.display().to_string();
    let old = pipeline::plan_of(before, &name, &text, target);
    let new = pipeline::plan_of(after, &name, &text, target);
    let (old, new) = both(old, new)?;
    Ok(Compared::new(name, diff::diff(&old, &new)))
}
