//! `uplan plan` and `uplan check`: read, compile, load, evaluate, render.

use std::path::Path;

use uplan::diagnostics::{Problem, Problems};
use uplan::eval::{self, Mode};
use uplan::inventory::{self, Inventory};
use uplan::model::{Lang, Rulebook, Version};
use uplan::plan::{Plan, Provenance};
use uplan::provenance;
use uplan::render;
use uplan::rulebooks;
use uplan::source::{Sources, Span};
use uplan::waivers::{self, Date, Waivers};

use super::{CheckFormat, FailOn, Input, PlanFormat, Report, check, codes, io, machine};
use uplan::unblock;

/// Everything an evaluating command needs, read and checked.
pub struct Loaded {
    pub rulebook: Rulebook,
    pub inventory: Inventory,
    pub target: Option<Version>,
    /// What the plan records of its inputs (its `waivers` filled in once applied).
    pub provenance: Provenance,
    pub waivers: Option<Waivers>,
    pub today: Date,
    /// `--lang`: the language the evaluator picks rule texts in.
    pub lang: Lang,
}

/// Arguments first (cheapest to get wrong), then the inventory file, the rulebook,
/// the inventory against the rulebook's schema, and the waivers against both.
pub fn load(input: &Input) -> Result<Loaded, Problems> {
    let target = input.to.as_deref().map(parse_target).transpose()?;
    let today = today(input.today.as_deref())?;
    let text = io::read_input(&input.inventory, "inventory")?;
    let (rulebook, rulebook_sha256) = rules_with_digest(input.rules.as_deref())?;
    let name = io::input_name(&input.inventory);
    let inventory = inventory::load(&rulebook, &name, &text)?;
    let waivers = match &input.waivers {
        Some(path) => Some(read_waivers(&rulebook, &inventory, path)?),
        None => None,
    };
    let target_requested = input.to.clone().or_else(|| {
        let fields = rulebook.path.to.as_ref()?;
        eval::root_fact_text(&inventory.facts, fields)
    });
    let provenance = Provenance {
        uplan: provenance::UPLAN_VERSION.into(),
        inventory_sha256: provenance::sha256_hex(text.as_bytes()),
        rulebook_sha256,
        target_requested,
        waivers: Vec::new(),
    };
    Ok(Loaded {
        rulebook,
        inventory,
        target,
        provenance,
        waivers,
        today,
        lang: Lang::from_code(&input.lang).unwrap_or_default(),
    })
}

fn read_waivers(rb: &Rulebook, inventory: &Inventory, path: &Path) -> Result<Waivers, Problems> {
    let text = io::read_file(path, "waivers file")?;
    let clusters = eval::entity_names(rb, inventory);
    waivers::load(rb, &clusters, &path.display().to_string(), &text)
}

/// `--today`, else `UPLAN_TODAY`, else the clock's UTC date.
pub fn today(arg: Option<&str>) -> Result<Date, Problems> {
    let env = std::env::var("UPLAN_TODAY").ok();
    let (text, origin) = match (arg, env.as_deref()) {
        (Some(t), _) => (t, "--today"),
        (None, Some(t)) if !t.is_empty() => (t, "UPLAN_TODAY"),
        _ => return Ok(waivers::date::today()),
    };
    Date::parse(text).ok_or_else(|| {
        Problem::new(
            codes::BAD_DATE,
            format!(
                "{origin} `{}` is not a date",
                uplan::sanitize::one_line(text)
            ),
        )
        .help("write it as YYYY-MM-DD, e.g. `--today 2026-12-02` or `UPLAN_TODAY=2026-12-02`")
        .into()
    })
}

/// `--rules DIR`, or the ACP rulebook embedded in the binary.
pub fn rules(dir: Option<&Path>) -> Result<Rulebook, Problems> {
    rules_with_digest(dir).map(|(rb, _)| rb)
}

/// The rulebook and its digest ([`provenance::rulebook_digest`]).
pub fn rules_with_digest(dir: Option<&Path>) -> Result<(Rulebook, String), Problems> {
    let files = match dir {
        Some(dir) => rulebooks::read_dir_files(dir)?,
        None => rulebooks::embedded_acp_files(),
    };
    let digest = provenance::rulebook_digest(&files);
    Ok((uplan::compile(&files)?, digest))
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

/// The plan (or the findings) of `loaded`, with its waivers applied and its
/// provenance recorded.
pub fn evaluate(loaded: &Loaded, mode: Mode) -> Result<Plan, Problems> {
    let Loaded {
        rulebook,
        inventory,
        target,
        ..
    } = loaded;
    let evaluation =
        eval::evaluate(rulebook, inventory, target.as_ref(), mode)?.in_lang(loaded.lang);
    let mut plan = evaluation.to_plan(rulebook, inventory);
    let mut provenance = loaded.provenance.clone();
    if let Some(w) = &loaded.waivers {
        provenance.waivers = waivers::apply(&mut plan, w, loaded.today);
    }
    plan.provenance = Some(provenance);
    Ok(plan)
}

/// The plan of one inventory text with one rulebook (`uplan diff` plans each
/// inventory twice, so it reads the file once). No provenance: the two sides differ
/// in their rulebook by design.
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
    options: &render::Options,
) -> Result<Report, Problems> {
    let loaded = load(input)?;
    let plan = evaluate(&loaded, Mode::Plan)?;
    filters(&plan, options)?;
    let text = match format {
        PlanFormat::Text => render::text(&plan, options),
        PlanFormat::Md => render::markdown(&plan, options),
        PlanFormat::Json => render::json(&plan),
        PlanFormat::Dot => render::dot(&plan),
        PlanFormat::Mermaid => render::mermaid(&plan),
        PlanFormat::Html => render::html(&plan, options),
    };
    Ok(Report {
        code: machine::code(&plan, fail_on),
        text,
        warnings: String::new(),
    })
}

/// `--cluster` and `--hop` name a cluster of the inventory and a hop of the path.
fn filters(plan: &Plan, options: &render::Options) -> Result<(), Problems> {
    let unknown = |flag: &str, what: &str, value: &str, known: Vec<String>| -> Problems {
        let near = uplan::check::suggest_closest(value, known.iter().map(String::as_str));
        let help = match near {
            Some(n) => format!("did you mean `{flag} {n}`?"),
            None if known.is_empty() => format!("this plan has no {what} to choose"),
            None => format!("choose one of: {}", known.join(", ")),
        };
        Problem::new(
            codes::USAGE,
            format!(
                "{flag} `{}` names no {what} of this plan",
                uplan::sanitize::one_line(value)
            ),
        )
        .help(help)
        .into()
    };
    if let Some(c) = &options.cluster {
        let names: Vec<String> = plan.clusters.iter().map(|c| c.name.clone()).collect();
        if !names.contains(c) {
            return Err(unknown("--cluster", "cluster", c, names));
        }
    }
    if let Some(h) = &options.hop {
        let hops: Vec<String> = plan
            .path
            .windows(2)
            .map(|w| format!("{}->{}", w[0], w[1]))
            .collect();
        if !hops.contains(h) {
            return Err(unknown("--hop", "hop", h, hops));
        }
    }
    Ok(())
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

/// `uplan check --unblock`: the fewest fact changes that make the inventory plan.
pub fn unblock(input: &Input, format: CheckFormat) -> Result<Report, Problems> {
    let loaded = load(input)?;
    let question = unblock::Question {
        rulebook: &loaded.rulebook,
        inventory: &loaded.inventory,
        target: loaded.target.as_ref(),
        waivers: loaded.waivers.as_ref().map(|w| (w, loaded.today)),
    };
    let answer = unblock::answer(&question)?;
    let text = match format {
        CheckFormat::Text => unblock::text(&answer),
        CheckFormat::Json => unblock::json(&answer),
        CheckFormat::Sarif | CheckFormat::Junit | CheckFormat::Github => {
            return Err(
                Problem::new(codes::USAGE, "`--unblock` prints text or json")
                    .help("drop --format, or pass `--format json`")
                    .into(),
            );
        }
    };
    // Exit as `check` does: the inventory as it is is blocked or not.
    Ok(Report {
        code: u8::from(answer.blocked),
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
