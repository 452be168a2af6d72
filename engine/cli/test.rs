//! `uplan test [DIR] [--coverage] [--filter NAME]`: runs the rulebook's tests.
//!
//! stdout: a line per failure (expected vs actual, and where), the coverage report
//! with `--coverage`, and `N passed, N failed`; stderr: each failure as a diagnostic.
//! Exit 0 all pass, 1 a test fails, 2 bad input (the rulebook, a test's inventory).

use std::fmt::Write;
use std::path::Path;

use uplan::diagnostics::{self, Problem, Problems};
use uplan::model::Rulebook;
use uplan::ruletest::{self, Coverage, codes};

use super::{Report, pipeline};

pub fn test(
    dir: Option<&Path>,
    coverage: bool,
    filter: Option<&str>,
    colour: bool,
) -> Result<Report, Problems> {
    let rulebook = pipeline::rules(dir)?;
    let outcomes = ruletest::run(&rulebook, filter)?;
    if outcomes.is_empty() {
        return Err(no_tests(&rulebook, filter).into());
    }
    let mut text = String::new();
    let mut failures = Problems::default();
    for o in &outcomes {
        for l in &o.lines {
            let _ = writeln!(text, "{l}");
        }
        failures.0.extend(o.failures.iter().cloned());
    }
    if coverage {
        text.push_str(&Coverage::of(&rulebook, &outcomes).render(&rulebook));
    }
    let failed = outcomes.iter().filter(|o| !o.passed()).count();
    let _ = writeln!(text, "{} passed, {failed} failed", outcomes.len() - failed);
    Ok(Report {
        code: u8::from(failed > 0),
        text,
        warnings: if failures.is_empty() {
            String::new()
        } else {
            diagnostics::render(&failures, colour)
        },
    })
}

fn no_tests(rb: &Rulebook, filter: Option<&str>) -> Problem {
    match filter {
        Some(f) => Problem::new(codes::NO_TESTS, format!("no test name contains `{f}`"))
            .help(format!("the rulebook has {} tests; `uplan test` runs them all", rb.tests.len())),
        None => Problem::new(codes::NO_TESTS, "the rulebook has no `test` declarations")
            .help("write one beside the rules it checks: `test name { source \"…\" inventory \"…\" expect ready }` (docs/dsl.md, Tests)"),
    }
}

/// `uplan lint`'s warnings for a rulebook with tests: each rule, procedure, order and
/// limit that no test exercises. Tests that cannot run are left to `uplan test`.
pub fn unexercised(rb: &Rulebook) -> Problems {
    let mut out = Problems::default();
    if rb.tests.is_empty() {
        return out;
    }
    let Ok(outcomes) = ruletest::run(rb, None) else {
        return out;
    };
    for d in Coverage::of(rb, &outcomes).unexercised() {
        out.push(
            Problem::new(
                codes::UNEXERCISED,
                format!("no test exercises {} `{}`", d.kind.as_str(), d.id),
            )
            .at(&rb.sources, d.span, "never exercised")
            .help("add a `test` whose plan makes it fire (`uplan test --coverage` lists them all)")
            .warning(),
        );
    }
    out
}
