//! Lint: what compiles but is very likely a mistake. Every finding is a warning
//! (`uplan lint --deny warnings` makes them fail a build).
//!
//! Downstream of `check` (a checked rulebook) and of `eval` (the interpreter decides a
//! `when` on each declared hop without an inventory).

pub mod hops;
pub mod runbook;
pub mod translations;
pub mod view;

use std::collections::BTreeSet;

use crate::diagnostics::{Problem, Problems};
use crate::model::{Expr, Outcome, Pattern, Rulebook, StepId};
use hops::Applies;

pub use translations::{MISSING_TRANSLATION, UNUSED_TRANSLATION};

/// A step no procedure, remediation or follow-up ever adds.
pub const UNUSED_STEP: &str = "uplan::lint::unused_step";
/// A message repeats a literal of its requirement.
pub const LITERAL_IN_MESSAGE: &str = "uplan::lint::literal_in_message";
/// A declaration whose `when` no declared hop satisfies (`when hop 4.1 -> 4.0`).
pub const NEVER_APPLIES: &str = "uplan::lint::never_applies";
/// A requirement that holds, or fails, whatever the inventory (`require true`).
pub const CONSTANT_REQUIREMENT: &str = "uplan::lint::constant_requirement";
/// A pattern (`before`, `after`, `at`, an order's or a limit's) naming a step that no
/// declaration adds on a hop where the pattern is used: it silently matches nothing.
pub const ABSENT_ANCHOR: &str = "uplan::lint::absent_anchor";
/// An order whose two steps never occur on one hop.
pub const DEAD_ORDER: &str = "uplan::lint::dead_order";

/// Every lint warning of the rulebook, in a stable order.
pub fn warnings(rb: &Rulebook) -> Problems {
    let possible = hops::possible_steps(rb);
    let mut p = Problems::default();
    unused_steps(rb, &mut p);
    echoed_literals(rb, &mut p);
    never_applies(rb, &mut p);
    constant_requirements(rb, &mut p);
    rule_anchors(rb, &possible, &mut p);
    orders(rb, &possible, &mut p);
    limits(rb, &possible, &mut p);
    runbook::warnings(rb, &mut p);
    translations::check(rb, &mut p);
    p
}

fn warn(
    rb: &Rulebook,
    code: &'static str,
    msg: String,
    span: crate::source::Span,
    label: &str,
    help: &str,
) -> Problem {
    Problem::new(code, msg)
        .at(&rb.sources, span, label)
        .help(help)
        .warning()
}

/// Steps no rule outcome, follow-up or procedure ever instantiates: dead rules text.
fn unused_steps(rb: &Rulebook, out: &mut Problems) {
    let used = instantiated(rb);
    for (i, step) in rb.steps.iter().enumerate() {
        if StepId::try_from(i).is_ok_and(|id| used.contains(&id)) {
            continue;
        }
        out.push(warn(
            rb,
            UNUSED_STEP,
            format!("step `{}` is never added to a plan", step.name),
            step.span,
            "declared here",
            "call it from a procedure's `do` or a rule's `else step`, or delete it",
        ));
    }
}

/// Every step a procedure, a rule's remediation or its follow-up can add.
fn instantiated(rb: &Rulebook) -> BTreeSet<StepId> {
    let mut used = BTreeSet::new();
    for procedure in &rb.procedures {
        for chain in &procedure.chains {
            used.extend(chain.calls.iter().map(|c| c.step));
        }
    }
    for rule in &rb.rules {
        if let Outcome::Step { call, .. } = &rule.outcome {
            used.insert(call.step);
        }
        if let Some(then) = &rule.then {
            used.insert(then.call.step);
        }
    }
    used
}

/// A rule whose message repeats a number its requirement writes as a literal: change
/// one and the other goes stale (a floor raised from 1.22 to 1.24, a message still
/// saying 1.22).
fn echoed_literals(rb: &Rulebook, out: &mut Problems) {
    for rule in &rb.rules {
        for lit in &rule.echoes {
            out.push(warn(
                rb,
                LITERAL_IN_MESSAGE,
                format!("the message of rule `{}` repeats `{lit}`, a literal of its requirement", rule.id),
                rule.span,
                "this rule",
                "say it once: interpolate the value (`{hop.source.kubernetes}`), or name it with a `const` used by both",
            ));
        }
    }
}

/// The hops a `when` lets a declaration apply on.
fn applicable(rb: &Rulebook, when: Option<&Expr>) -> Vec<u16> {
    hops::all(rb)
        .filter(|&h| hops::applies(rb, when, h) != Applies::No)
        .collect()
}

fn hop_list(rb: &Rulebook) -> String {
    hops::all(rb)
        .map(|h| hops::label(rb, h))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Rules, procedures, orders and limits whose `when` excludes every declared hop.
fn never_applies(rb: &Rulebook, out: &mut Problems) {
    let decls = rb
        .rules
        .iter()
        .map(|r| ("rule", &r.id, r.when.as_ref(), r.span))
        .chain(
            rb.procedures
                .iter()
                .map(|p| ("procedure", &p.id, p.when.as_ref(), p.span)),
        )
        .chain(
            rb.orders
                .iter()
                .map(|o| ("order", &o.id, o.when.as_ref(), o.span)),
        )
        .chain(
            rb.limits
                .iter()
                .map(|l| ("limit", &l.id, l.when.as_ref(), l.span)),
        );
    for (kind, id, when, span) in decls {
        if when.is_some() && applicable(rb, when).is_empty() {
            out.push(warn(
                rb,
                NEVER_APPLIES,
                format!("{kind} `{id}` applies on no hop of the rulebook"),
                span,
                "its `when` excludes every hop",
                &format!(
                    "the hops are {}; a `when hop A -> B` must name one of them",
                    hop_list(rb)
                ),
            ));
        }
    }
}

/// `require true` never fires; `require false` with nothing narrowing it fires for
/// every binding on every hop it applies on.
fn constant_requirements(rb: &Rulebook, out: &mut Problems) {
    for rule in &rb.rules {
        let Some(require) = &rule.require else {
            continue;
        };
        if !hops::hop_only(require) {
            continue;
        }
        let on = applicable(rb, rule.when.as_ref());
        let values: BTreeSet<bool> = on.iter().map(|&h| hops::eval_on(rb, require, h)).collect();
        let narrowed = rule.each.iter().any(|e| e.filter.is_some())
            || rule.when.as_ref().is_some_and(|w| !hops::hop_only(w));
        let (label, help) = match values.iter().copied().collect::<Vec<_>>().as_slice() {
            [true] => (
                "holds on every hop: the rule never fires",
                "compare a fact of the inventory, or delete the rule",
            ),
            [false] if !narrowed => (
                "fails on every hop, for every binding",
                "say what must hold, or narrow the rule with `when` or `each … where`",
            ),
            _ => continue,
        };
        out.push(warn(
            rb,
            CONSTANT_REQUIREMENT,
            format!(
                "the requirement of rule `{}` does not depend on the inventory",
                rule.id
            ),
            rule.span,
            label,
            help,
        ));
    }
}

/// The hops of `on` where none of `patterns` names a step a declaration can add.
fn absent_on(possible: &[Vec<bool>], on: &[u16], patterns: &[&Pattern]) -> Vec<u16> {
    on.iter()
        .copied()
        .filter(|&h| {
            let can = &possible[h as usize];
            !patterns
                .iter()
                .any(|p| can.get(p.step as usize).copied().unwrap_or(false))
        })
        .collect()
}

/// How a pattern was written: its milestone's name, or its step's.
fn pattern_name<'r>(rb: &'r Rulebook, p: &Pattern) -> &'r str {
    match p.via.and_then(|m| rb.milestones.get(m as usize)) {
        Some(m) => m.name.as_str(),
        None => rb.steps[p.step as usize].name.as_str(),
    }
}

/// A list of alternatives cut where each pattern as written starts (a milestone's
/// alternatives share the span of the pattern that named it).
fn as_written(patterns: &[Pattern]) -> Vec<&[Pattern]> {
    patterns
        .chunk_by(|a, b| a.span == b.span && a.via == b.via)
        .collect()
}

fn absent_anchor(
    rb: &Rulebook,
    owner: &str,
    patterns: &[&Pattern],
    hops_absent: &[u16],
    what: &str,
) -> Option<Problem> {
    let first = patterns.first()?;
    let mut names: Vec<&str> = Vec::new();
    for p in patterns {
        let name = pattern_name(rb, p);
        if !names.contains(&name) {
            names.push(name);
        }
    }
    let on: Vec<String> = hops_absent.iter().map(|&h| hops::label(rb, h)).collect();
    Some(warn(
        rb,
        ABSENT_ANCHOR,
        format!(
            "{owner}: {what} `{}` matches no step on {}",
            names.join("`, `"),
            on.join(", ")
        ),
        first.span,
        "no declaration adds this step there",
        "on those hops the pattern matches nothing and its constraint silently vanishes: name a step that exists there, add an alternative (`before A, B`), or narrow the declaration with `when`",
    ))
}

/// Remediation anchors (`before`), follow-up anchors (`after`) and guard anchors
/// (`warn at`, `note at`) of each rule, on the hops where the rule applies.
fn rule_anchors(rb: &Rulebook, possible: &[Vec<bool>], out: &mut Problems) {
    for rule in &rb.rules {
        let on = applicable(rb, rule.when.as_ref());
        let owner = format!("rule `{}`", rule.id);
        let mut sets: Vec<(Vec<&Pattern>, &str)> = Vec::new();
        match &rule.outcome {
            Outcome::Step { before, .. } if !before.is_empty() => {
                sets.push((before.iter().collect(), "`before`"))
            }
            Outcome::Warn(g) | Outcome::Note(g) if !g.at.is_empty() => {
                sets.push((g.at.iter().collect(), "`at`"))
            }
            _ => {}
        }
        if let Some(then) = &rule.then {
            sets.push((then.after.iter().collect(), "`after`"));
        }
        for (patterns, what) in sets {
            let absent = absent_on(possible, &on, &patterns);
            if !absent.is_empty() {
                if let Some(p) = absent_anchor(rb, &owner, &patterns, &absent, what) {
                    out.push(p);
                }
            }
        }
    }
}

/// Orders whose two steps never meet on a hop where the order applies.
fn orders(rb: &Rulebook, possible: &[Vec<bool>], out: &mut Problems) {
    for order in &rb.orders {
        let on = applicable(rb, order.when.as_ref());
        if on.is_empty() {
            continue;
        }
        let both = on.iter().any(|&h| {
            let can = &possible[h as usize];
            let has = |p: &Pattern| can.get(p.step as usize).copied().unwrap_or(false);
            order.first.iter().any(has) && order.then.iter().any(has)
        });
        if !both {
            let name = |side: &[Pattern]| side.first().map_or("", |p| pattern_name(rb, p));
            let (a, b) = (name(&order.first), name(&order.then));
            out.push(warn(
                rb,
                DEAD_ORDER,
                format!("order `{}` never applies: `{a}` and `{b}` are never on one hop", order.id),
                order.span,
                "this order",
                "an order constrains two steps of one hop; check the step names and the hops each is added on",
            ));
        }
    }
}

/// A limit pattern naming a step no hop holds limits nothing.
fn limits(rb: &Rulebook, possible: &[Vec<bool>], out: &mut Problems) {
    for limit in &rb.limits {
        let every = applicable(rb, limit.when.as_ref());
        if every.is_empty() {
            continue;
        }
        for written in as_written(&limit.patterns) {
            let alts: Vec<&Pattern> = written.iter().collect();
            if absent_on(possible, &every, &alts).len() == every.len() {
                let owner = format!("limit `{}`", limit.id);
                if let Some(w) = absent_anchor(rb, &owner, &alts, &every, "pattern") {
                    out.push(w);
                }
            }
        }
    }
}
