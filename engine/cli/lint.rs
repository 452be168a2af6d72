//! `uplan lint [DIR]`: compile and check a rulebook, then summarise it.

use std::fmt::Write;
use std::path::Path;

use uplan::diagnostics::{self, Problem, Problems};
use uplan::model::{Rulebook, Version};
use uplan::render::{self, annotations};

use super::{LintFormat, Report, codes, machine, pipeline, plural};

/// The schema id of `uplan lint --format json`.
const LINT_SCHEMA_ID: &str = "uplan.lint/v1";

/// Errors exit 2 (the rulebook is bad input); warnings go to stderr and exit 0, or 1
/// with `--deny warnings`. In a machine format the warnings are the output (stdout),
/// with the counts.
pub fn lint(
    dir: Option<&Path>,
    format: LintFormat,
    deny: bool,
    stderr_colour: bool,
) -> Result<Report, Problems> {
    let rulebook = pipeline::rules(dir)?;
    let name = dir.map_or("embedded ACP rulebook".to_string(), |d| {
        format!("`{}`", d.display())
    });
    let mut warnings = uplan::lint::warnings(&rulebook);
    warnings.0.extend(super::test::unexercised(&rulebook).0);
    let code = u8::from(deny && !warnings.is_empty());
    if format != LintFormat::Text {
        let mut report = machine_report(&rulebook, &name, &warnings, format);
        report.code = code;
        return Ok(report);
    }
    let mut text = String::new();
    let _ = writeln!(
        text,
        "{name}: {}, {}, {}, {}{}",
        plural(rulebook.sources.len(), "file"),
        plural(rulebook.rules.len(), "rule"),
        plural(rulebook.steps.len(), "step"),
        plural(rulebook.hops.len(), "hop"),
        if warnings.is_empty() {
            String::new()
        } else {
            format!(", {}", plural(warnings.0.len(), "warning"))
        }
    );
    Ok(Report {
        code,
        text,
        warnings: if warnings.is_empty() {
            String::new()
        } else {
            diagnostics::render(&warnings, stderr_colour)
        },
    })
}

/// `lint` for machines: JSON (counts and diagnostics), SARIF or GitHub annotations.
fn machine_report(
    rulebook: &Rulebook,
    name: &str,
    warnings: &Problems,
    format: LintFormat,
) -> Report {
    let cwd = std::env::current_dir().ok();
    let text = match format {
        LintFormat::Sarif => render::sarif(
            &annotations::of_problems(warnings, machine::describe_code),
            cwd.as_deref(),
        ),
        LintFormat::Github => render::github(&annotations::of_problems(warnings, |_| None)),
        LintFormat::Json | LintFormat::Text => {
            let doc = serde_json::json!({
                "schema": LINT_SCHEMA_ID,
                "rulebook": name.trim_matches('`'),
                "files": rulebook.sources.len(),
                "rules": rulebook.rules.len(),
                "steps": rulebook.steps.len(),
                "hops": rulebook.hops.len(),
                "diagnostics": render::diagnostics_value(warnings),
            });
            let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
            text.push('\n');
            text
        }
    };
    Report {
        code: 0,
        text,
        warnings: String::new(),
    }
}

/// `uplan lint --hop 4.2->4.3`: the declarations that can apply on that hop.
pub fn hop(dir: Option<&Path>, hop: &str) -> Result<Report, Problems> {
    let rulebook = pipeline::rules(dir)?;
    let bad = |why: &str| -> Problems {
        let hops: Vec<String> = uplan::lint::hops::all(&rulebook)
            .map(|h| uplan::lint::hops::label(&rulebook, h))
            .collect();
        Problem::new(codes::USAGE, format!("`--hop {hop}`: {why}"))
            .help(format!("the rulebook's hops are {}", hops.join(", ")))
            .into()
    };
    let parse = |s: &str| Version::parse(s.trim()).ok();
    let Some((from, to)) = hop
        .split_once("->")
        .and_then(|(a, b)| Some((parse(a)?, parse(b)?)))
    else {
        return Err(bad("write the hop as FROM->TO, e.g. 4.2->4.3"));
    };
    let Some(h) = uplan::lint::view::find(&rulebook, &from, &to) else {
        return Err(bad("the rulebook declares no such hop"));
    };
    Ok(Report {
        code: 0,
        text: uplan::lint::view::hop_view(&rulebook, h),
        warnings: String::new(),
    })
}
