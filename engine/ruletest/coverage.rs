//! Coverage: per rule, procedure, order and limit, which tests exercised it and
//! whether one of them passed.

use std::fmt::Write;

use super::{Outcome, place};
use crate::eval::Exercised;
use crate::model::Rulebook;
use crate::source::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Rule,
    Procedure,
    Order,
    Limit,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Rule => "rule",
            Kind::Procedure => "procedure",
            Kind::Order => "order",
            Kind::Limit => "limit",
        }
    }
}

#[derive(Clone, Debug)]
pub struct DeclCoverage {
    pub kind: Kind,
    pub id: String,
    pub span: Span,
    /// How many tests exercised it.
    pub fired: usize,
    /// Whether one of those tests passed.
    pub passed: bool,
}

#[derive(Clone, Debug, Default)]
pub struct Coverage {
    pub decls: Vec<DeclCoverage>,
}

impl Coverage {
    pub fn of(rb: &Rulebook, outcomes: &[Outcome]) -> Coverage {
        let mut decls = Vec::new();
        for kind in KINDS {
            for (i, (id, span)) in declared(rb, kind).into_iter().enumerate() {
                let firing = outcomes.iter().filter(|o| {
                    o.exercised
                        .as_ref()
                        .is_some_and(|e| flags(e, kind).get(i).copied().unwrap_or(false))
                });
                let (fired, passed) = firing.fold((0, false), |(n, p), o| (n + 1, p || o.passed()));
                decls.push(DeclCoverage {
                    kind,
                    id: id.to_string(),
                    span,
                    fired,
                    passed,
                });
            }
        }
        Coverage { decls }
    }

    pub fn unexercised(&self) -> impl Iterator<Item = &DeclCoverage> {
        self.decls.iter().filter(|d| d.fired == 0)
    }

    /// The report of `uplan test --coverage`: one line per declaration, the totals,
    /// and the declarations no test exercised.
    pub fn render(&self, rb: &Rulebook) -> String {
        let mut out = String::from("coverage (exercised by a test / by a passing test):\n");
        let width = self.decls.iter().map(|d| d.id.len()).max().unwrap_or(0);
        for d in &self.decls {
            let state = match (d.fired, d.passed) {
                (0, _) => "NEVER EXERCISED".to_string(),
                (n, true) => format!("{n} test{}, passed", if n == 1 { "" } else { "s" }),
                (n, false) => format!("{n} test{}, none passed", if n == 1 { "" } else { "s" }),
            };
            let _ = writeln!(out, "  {:<9} {:<width$}  {state}", d.kind.as_str(), d.id);
        }
        for kind in KINDS {
            let all: Vec<&DeclCoverage> = self.decls.iter().filter(|d| d.kind == kind).collect();
            let fired = all.iter().filter(|d| d.fired > 0).count();
            let passed = all.iter().filter(|d| d.passed).count();
            let _ = writeln!(
                out,
                "{}s: {fired}/{} exercised, {passed}/{} passed",
                kind.as_str(),
                all.len(),
                all.len()
            );
        }
        let total = self.decls.len();
        let fired = self.decls.iter().filter(|d| d.fired > 0).count();
        let pct = (fired * 100).checked_div(total).unwrap_or(100);
        let _ = writeln!(
            out,
            "coverage: {fired}/{total} declarations exercised ({pct} %)"
        );
        let never: Vec<&DeclCoverage> = self.unexercised().collect();
        if !never.is_empty() {
            let _ = writeln!(out, "never exercised:");
            for d in never {
                let _ = writeln!(
                    out,
                    "  {} `{}` ({})",
                    d.kind.as_str(),
                    d.id,
                    place(rb, d.span)
                );
            }
        }
        out
    }
}

const KINDS: [Kind; 4] = [Kind::Rule, Kind::Procedure, Kind::Order, Kind::Limit];

/// The declarations of one kind, as (id, span), in the rulebook's order.
fn declared(rb: &Rulebook, kind: Kind) -> Vec<(&str, Span)> {
    match kind {
        Kind::Rule => rb.rules.iter().map(|r| (r.id.as_str(), r.span)).collect(),
        Kind::Procedure => rb
            .procedures
            .iter()
            .map(|p| (p.id.as_str(), p.span))
            .collect(),
        Kind::Order => rb.orders.iter().map(|o| (o.id.as_str(), o.span)).collect(),
        Kind::Limit => rb.limits.iter().map(|l| (l.id.as_str(), l.span)).collect(),
    }
}

/// An evaluation's flags for one kind, indexed like [`declared`].
fn flags(e: &Exercised, kind: Kind) -> &[bool] {
    match kind {
        Kind::Rule => &e.rules,
        Kind::Procedure => &e.procedures,
        Kind::Order => &e.orders,
        Kind::Limit => &e.limits,
    }
}
