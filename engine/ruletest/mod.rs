//! `uplan test`: runs the rulebook's `test` declarations (stage after eval and plan:
//! each test builds its inventory, plans it, and judges its expectations against the
//! plan), and measures which rules, procedures, orders and limits the tests exercise.

pub mod codes;
mod coverage;
mod expect;
mod inventory;
#[cfg(test)]
mod tests;

use crate::diagnostics::{Problem, Problems};
use crate::eval::{self, Exercised, Mode};
use crate::model::Rulebook;
use crate::model::ruletest::RuleTest;

pub use coverage::{Coverage, DeclCoverage, Kind};
pub use expect::Miss;
pub use inventory::resolve;

/// One test's outcome.
#[derive(Debug)]
pub struct Outcome {
    pub test: usize,
    /// Each failed expectation (or the planning error) as a diagnostic at the test.
    pub failures: Vec<Problem>,
    /// One line per failure: `test-id: expected …, got …`.
    pub lines: Vec<String>,
    pub exercised: Option<Exercised>,
}

impl Outcome {
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

/// Every outcome, in the tests' order; bad input (an inventory that cannot be
/// built) stops nothing but is returned as the error, all of it together.
pub fn run(rb: &Rulebook, filter: Option<&str>) -> Result<Vec<Outcome>, Problems> {
    let mut bad = Problems::default();
    let mut outcomes = Vec::new();
    for (i, test) in rb.tests.iter().enumerate() {
        if filter.is_some_and(|f| !test.id.contains(f)) {
            continue;
        }
        match run_one(rb, i, test) {
            Ok(o) => outcomes.push(o),
            Err(p) => bad.0.extend(p.0),
        }
    }
    bad.into_result(outcomes)
}

fn run_one(rb: &Rulebook, i: usize, test: &RuleTest) -> Result<Outcome, Problems> {
    let (name, text) = inventory::text_of(rb, test)?;
    let inv = crate::inventory::load(rb, &name, &text).map_err(|p| {
        let head = Problem::new(
            codes::BAD_INVENTORY,
            format!("test `{}`: its inventory does not load", test.id),
        )
        .at(&rb.sources, test.span, "this test")
        .help("the diagnostics below point at the inventory as the overrides leave it");
        let mut all = Problems(vec![head]);
        all.0.extend(p.0);
        all
    })?;
    let mut out = Outcome {
        test: i,
        failures: Vec::new(),
        lines: Vec::new(),
        exercised: None,
    };
    let ev = match eval::evaluate(rb, &inv, test.target.as_ref(), Mode::Plan) {
        Ok(ev) => ev,
        Err(p) => {
            not_planned(rb, test, p, &mut out);
            return Ok(out);
        }
    };
    out.exercised = Some(ev.exercised(rb, &inv.facts));
    let plan = ev.to_plan(rb, &inv);
    for e in &test.expects {
        if let Some(miss) = expect::judge(rb, &plan, e) {
            out.lines.push(line(rb, test, e.span, &miss));
            out.failures.push(failure(rb, test, e.span, &miss));
        }
    }
    Ok(out)
}

fn not_planned(rb: &Rulebook, test: &RuleTest, p: Problems, out: &mut Outcome) {
    let first = p.0.first().map_or(String::new(), |q| q.message.clone());
    out.lines.push(format!(
        "FAIL {} ({}): not planned: {first}",
        test.id,
        place(rb, test.span)
    ));
    out.failures.push(
        Problem::new(
            codes::NOT_PLANNED,
            format!("test `{}` could not be planned", test.id),
        )
        .at(&rb.sources, test.span, "this test")
        .help("planning stopped with the error below: a contradiction in the rules")
        .with_related(p.0),
    );
}

fn failure(rb: &Rulebook, test: &RuleTest, span: crate::source::Span, miss: &Miss) -> Problem {
    Problem::new(
        codes::FAILED,
        format!("test `{}` failed: expected {}", test.id, miss.expected),
    )
    .at(&rb.sources, span, format!("got {}", miss.actual))
    .help(format!("the test checks: {}", test.source))
}

fn line(rb: &Rulebook, test: &RuleTest, span: crate::source::Span, miss: &Miss) -> String {
    format!(
        "FAIL {} ({}): expected {}, got {}",
        test.id,
        place(rb, span),
        miss.expected,
        miss.actual
    )
}

/// `rules/acp/x.uplan:12:3`
pub fn place(rb: &Rulebook, span: crate::source::Span) -> String {
    rb.sources.place(span)
}
