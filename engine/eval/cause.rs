//! Where in the rule files a plan's edge or step comes from: not the whole declaration
//! (a procedure is thirty lines) but the clause that made it — the `a -> b` of a `do`
//! chain, the `step … before P` of a remediation, an order's two patterns. Diagnostics
//! about cycles and broken requirements label these.

use super::instances::{Graph, Origin};
use crate::model::{Outcome, Rulebook, StepId};
use crate::source::Span;

/// The declaration an origin names: its kind, id and whole span.
pub fn declaration(rb: &Rulebook, o: Origin) -> Option<(&'static str, String, Span)> {
    match o {
        Origin::Procedure(i) => rb
            .procedures
            .get(i as usize)
            .map(|p| ("procedure", p.id.clone(), p.span)),
        Origin::Rule(i) => rb
            .rules
            .get(i as usize)
            .map(|r| ("rule", r.id.clone(), r.span)),
        Origin::Order(i) => rb
            .orders
            .get(i as usize)
            .map(|o| ("order", o.id.clone(), o.span)),
        Origin::Ladder(s) => rb
            .steps
            .get(s as usize)
            .map(|s| ("step", s.name.clone(), s.span)),
    }
}

/// The clause of `o` that orders a `from` step before a `to` step; the whole
/// declaration when no clause names both.
pub fn edge_span(rb: &Rulebook, o: Origin, from: StepId, to: StepId) -> Option<Span> {
    let clause = match o {
        Origin::Order(i) => rb.orders.get(i as usize).and_then(|o| {
            let a = o.first.iter().find(|p| p.step == from)?;
            let b = o.then.iter().find(|p| p.step == to)?;
            Some(a.span.to(b.span))
        }),
        Origin::Procedure(i) => rb.procedures.get(i as usize).and_then(|p| {
            p.chains.iter().filter(|c| c.ordered).find_map(|c| {
                c.calls
                    .windows(2)
                    .find(|w| w[0].step == from && w[1].step == to)
                    .map(|w| w[0].span.to(w[1].span))
            })
        }),
        Origin::Rule(i) => rb
            .rules
            .get(i as usize)
            .and_then(|r| rule_edge(r, from, to)),
        Origin::Ladder(_) => None,
    };
    clause.or_else(|| declaration(rb, o).map(|(_, _, span)| span))
}

/// `else step S before P` (S → P) or `then step T after Q` (Q → T).
fn rule_edge(r: &crate::model::Rule, from: StepId, to: StepId) -> Option<Span> {
    if let Outcome::Step { call, before, .. } = &r.outcome
        && call.step == from
        && let Some(p) = before.iter().find(|p| p.step == to)
    {
        return Some(call.span.to(p.span));
    }
    let t = r.then.as_ref().filter(|t| t.call.step == to)?;
    let after = t.after.iter().find(|p| p.step == from)?;
    Some(t.call.span.to(after.span))
}

/// The clause that put instance `inst` in the plan: the `do` call, the remediation or
/// follow-up call of its rule; the declaration when none is found.
pub fn placement_span(rb: &Rulebook, graph: &Graph, inst: u32) -> Option<Span> {
    let i = graph.insts.get(inst as usize)?;
    let clause = match i.origin {
        Origin::Procedure(p) => rb.procedures.get(p as usize).and_then(|p| {
            p.chains
                .iter()
                .flat_map(|c| &c.calls)
                .find(|c| c.step == i.step)
                .map(|c| c.span)
        }),
        Origin::Rule(r) => rb.rules.get(r as usize).and_then(|r| match &r.outcome {
            Outcome::Step { call, .. } if call.step == i.step => Some(call.span),
            _ => r
                .then
                .as_ref()
                .filter(|t| t.call.step == i.step)
                .map(|t| t.call.span),
        }),
        Origin::Order(_) | Origin::Ladder(_) => None,
    };
    clause.or_else(|| declaration(rb, i.origin).map(|(_, _, span)| span))
}
