//! `uplan plan` and `uplan check`: read, compile, load, evaluate, render.

use std::path::Path;

use uplan::diagnostics::{Problem, Problems};
use uplan::eval::{self, Mode};
use uplan::inventory::{self, Inventory};
use uplan::model::{Rulebook, Version};
use uplan::plan::Plan;
use uplan::render;
use uplan::rulebooks;
use uplan::source::{Sources, Span};

use super::{CheckFormat, FailOn, Input, PlanFormat, Report, check, codes, io, machine};

/// Everything an evaluating command needs, read and checked.
pub struct Loaded {
    pub rulebook: Rulebook,
    pub inventory: Inventory,
    pub target: Option<Version>,
}

/// Arguments first (cheapest to get wrong), then the inventory file, the rulebook,
/// and the inventory against the rulebook's schema.
pub fn load(input: &Input) -> Result<Loaded, Problems> {
    let target = input.to.as_deref().map(parse_target).transpose()?;
    let text = io::read_input(&input.inventory, "inventory")?;
    let rulebook = rules(input.rules.as_deref())?;
    let name = io::input_name(&input.inventory);
    let inventory = inventory::load(&rulebook, &name, &text)?;
    Ok(Loaded {
        rulebook,
        inventory,
        target,
    })
}

/// `--rules DIR`, or the ACP rulebook embedded in the binary.
pub fn rules(dir: Option<&Path>) -> Result<Rulebook, Problems> {
    match dir {
        Some(dir) => rulebooks::load_dir(dir),
        None => rulebooks::embedded_acp(),
    }
}

/// `--to 4.3`; a bad version points at itself on the command line. Hops join minor
/// versions, so the target names at least major.minor (`--to 4` could be any 4.x).
pub fn parse_target(text: &str) -> Result<Version, Problems> {
    let bad = |message: String, label: &str| -> Problems {
        let mut line = Sources::default();
        let prefix = "--to ";
        let file = line.add("command line", format!("{prefix}{text}"));
        let span = Span::new(file, prefix.len(), prefix.len() + text.len());
        Problem::new(codes::BAD_VERSION, message)
            .at(&line, span, label)
            .help("pass the target platform version, e.g. `--to 4.3` or `--to 4.3.1`")
            .into()
    };
    match Version::parse(text) {
        Err(e) => Err(bad(format!("`{text}` is not a version"), e.reason)),
        Ok(v) if v.precision < 2 => Err(bad(
            format!("`{text}` names no minor version"),
            "major.minor at least",
        )),
        Ok(v) => Ok(v),
    }
}

fn evaluate(loaded: &Loaded, mode: Mode) -> Result<Plan, Problems> {
    let Loaded {
        rulebook,
        inventory,
        target,
    } = loaded;
    let evaluation = eval::evaluate(rulebook, inventory, target.as_ref(), mode)?;
    Ok(evaluation.to_plan(rulebook, inventory))
}

/// The plan of one inventory text with one rulebook (`uplan diff` plans each
/// inventory twice, so it reads the file once).
pub fn plan_of(
    rulebook: &Rulebook,
    name: &str,
    text: &str,
    target: Option<&Version>,
) -> Result<Plan, Problems> {
    let inventory = inventory::load(rulebook, name, text)?;
    let evaluation = eval::evaluate(rulebook, &inventory, target, Mode::Plan)?;
    Ok(evaluation.to_plan(rulebook, &inventory))
}

pub fn plan(
    input: &Input,
    format: PlanFormat,
    fail_on: FailOn,
    colour: bool,
) -> Result<Report, Problems> {
    let loaded = load(input)?;
    let plan = evaluate(&loaded, Mode::Plan)?;
    let text = match format {
        PlanFormat::Text => render::text(&plan, colour),
        PlanFormat::Md => render::markdown(&plan),
        PlanFormat::Json => render::json(&plan),
        PlanFormat::Dot => render::dot(&plan),
    };
    Ok(Report {
        code: machine::code(&plan, fail_on),
        text,
        warnings: String::new(),
    })
}

pub fn check(
    input: &Input,
    format: CheckFormat,
    fail_on: FailOn,
    colour: bool,
) -> Result<Report, Problems> {
    let loaded = load(input)?;
    let plan = evaluate(&loaded, Mode::Check)?;
    let annotations = || render::annotations::of_plan(&plan, &loaded.rulebook);
    let cwd = std::env::current_dir().ok();
    let text = match format {
        CheckFormat::Text => check::text(&plan, &loaded.inventory, colour),
        CheckFormat::Json => render::check_json(&plan),
        CheckFormat::Sarif => render::sarif(&annotations(), cwd.as_deref()),
        CheckFormat::Junit => {
            let name = format!("uplan check {}", io::input_name(&input.inventory));
            render::junit(&annotations(), &name)
        }
        CheckFormat::Github => render::github(&annotations()),
    };
    Ok(Report {
        code: machine::code(&plan, fail_on),
        text,
        warnings: String::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_target_points_at_itself() {
        let err = parse_target("4.x.y").err().map(|p| p.0);
        let Some([problem]) = err.as_deref() else {
            panic!("expected one problem, got {err:?}");
        };
        assert_eq!(problem.code, "uplan::cli::bad_version");
        assert_eq!(problem.span.map(|s| (s.start, s.end)), Some((5, 10)));
    }

    #[test]
    fn a_target_without_its_minor_is_refused() {
        let err = parse_target("4").err().map(|p| p.codes());
        assert_eq!(err, Some(vec!["uplan::cli::bad_version"]));
    }

    #[test]
    fn good_targets_parse() {
        for t in ["4.3", "4.3.1", "v4.3"] {
            assert!(parse_target(t).is_ok(), "{t}");
        }
    }
}
