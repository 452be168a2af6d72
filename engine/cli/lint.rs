//! `uplan lint [DIR]`: compile and check a rulebook, then summarise it.

use std::collections::BTreeSet;
use std::fmt::Write;
use std::path::Path;

use uplan::diagnostics::{self, Problem, Problems};
use uplan::model::{Outcome, Rulebook, StepId};

use super::{Report, pipeline, plural};

/// Errors exit 2 (the rulebook is bad input); warnings go to stderr and exit 0.
pub fn lint(dir: Option<&Path>, stderr_colour: bool) -> Result<Report, Problems> {
    let rulebook = pipeline::rules(dir)?;
    let name = dir.map_or("embedded ACP rulebook".to_string(), |d| {
        format!("`{}`", d.display())
    });
    let mut warnings = unused_steps(&rulebook);
    warnings.0.extend(echoed_literals(&rulebook).0);
    warnings.0.extend(super::test::unexercised(&rulebook).0);
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
        code: 0,
        text,
        warnings: if warnings.is_empty() {
            String::new()
        } else {
            diagnostics::render(&warnings, stderr_colour)
        },
    })
}

/// Steps no rule outcome, follow-up or procedure ever instantiates: dead rules text.
fn unused_steps(rulebook: &Rulebook) -> Problems {
    let used = instantiated(rulebook);
    let mut problems = Problems::default();
    for (i, step) in rulebook.steps.iter().enumerate() {
        if StepId::try_from(i).is_ok_and(|id| used.contains(&id)) {
            continue;
        }
        problems.push(
            Problem::new(
                "uplan::lint::unused_step",
                format!("step `{}` is never added to a plan", step.name),
            )
            .at(&rulebook.sources, step.span, "declared here")
            .help("call it from a procedure's `do` or a rule's `else step`, or delete it")
            .warning(),
        );
    }
    problems
}

/// A rule whose message repeats a number its requirement writes as a literal: change
/// one and the other goes stale (a floor raised from 1.22 to 1.24, a message still
/// saying 1.22).
fn echoed_literals(rulebook: &Rulebook) -> Problems {
    let mut problems = Problems::default();
    for rule in &rulebook.rules {
        for lit in &rule.echoes {
            problems.push(
                Problem::new(
                    "uplan::lint::literal_in_message",
                    format!("the message of rule `{}` repeats `{lit}`, a literal of its requirement", rule.id),
                )
                .at(&rulebook.sources, rule.span, "this rule")
                .help("say it once: interpolate the value (`{hop.source.kubernetes}`), or name it with a `const` used by both")
                .warning(),
            );
        }
    }
    problems
}

/// Every step a procedure, a rule's remediation or its follow-up can add.
fn instantiated(rulebook: &Rulebook) -> BTreeSet<StepId> {
    let mut used = BTreeSet::new();
    for procedure in &rulebook.procedures {
        for chain in &procedure.chains {
            used.extend(chain.calls.iter().map(|c| c.step));
        }
    }
    for rule in &rulebook.rules {
        if let Outcome::Step { call, .. } = &rule.outcome {
            used.insert(call.step);
        }
        if let Some(then) = &rule.then {
            used.insert(then.call.step);
        }
    }
    used
}
