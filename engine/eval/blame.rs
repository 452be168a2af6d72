//! Why the rulebook's own plan fails its replay: for a requirement that does not hold
//! when a step starts, the step that broke it (the last one before that turned it from
//! holding to failing) and the declaration that placed that step; or, when it never
//! held, the remediation that should have fixed it.

use super::bindings::Chosen;
use super::hop::requirement_holds;
use super::naming::step_id;
use super::{Evaluation, cause, firing, run_step};
use crate::diagnostics::Problem;
use crate::model::{Rulebook, Value};
use crate::source::Span;

/// The cause of one broken requirement.
pub struct Blame {
    /// The step that turned the requirement false, if one did.
    pub breaker: Option<u32>,
    /// The remediation meant to make it hold, if the rule has one.
    pub remedy: Option<u32>,
}

/// Replays the hop of `victim` up to it and finds what broke rule `ri` there.
pub fn find(rb: &Rulebook, ev: &Evaluation, initial: &Value, ri: u16, victim: u32) -> Blame {
    let pos = ev.graph.insts[victim as usize].hop;
    let ctx = ev.ctx(rb, pos);
    let start = ev.hop_state(pos, initial);
    let rule = &rb.rules[ri as usize];
    let keys = &ev.rule_keys[ri as usize];
    let bindings: Vec<Vec<Chosen>> =
        firing::failing(rb, &ev.rule_keys, &ctx, start, &|r| std::ptr::eq(r, rule))
            .into_iter()
            .map(|(_, b)| b)
            .collect();
    let holds = |b: &[Chosen], s: &Value| requirement_holds(rb, rule, keys, b, &ctx, s);
    let mut state = start.clone();
    let mut held: Vec<bool> = bindings.iter().map(|b| holds(b, &state)).collect();
    let mut broke: Vec<Option<u32>> = vec![None; bindings.len()];
    let hop_steps = ev
        .order
        .iter()
        .filter(|&&i| ev.graph.insts[i as usize].hop == pos);
    for &inst in hop_steps.take_while(|&&i| i != victim) {
        run_step(rb, &ev.graph, &ctx, inst, &mut state);
        for (n, b) in bindings.iter().enumerate() {
            let now = holds(b, &state);
            if held[n] && !now {
                broke[n] = Some(inst);
            }
            held[n] = now;
        }
    }
    let Some(n) = held.iter().position(|h| !h) else {
        return Blame {
            breaker: None,
            remedy: None,
        };
    };
    let remedy = ev
        .findings
        .iter()
        .find(|f| f.rule == ri && f.hop == pos && f.binding == bindings[n])
        .and_then(|f| f.fixed_by);
    Blame {
        breaker: broke[n],
        remedy,
    }
}

/// Labels for the cause: the step (its header line) and the clause that placed it.
pub fn labels(
    rb: &Rulebook,
    ev: &Evaluation,
    initial: &Value,
    blame: &Blame,
) -> Vec<(Span, String)> {
    let name = |i: u32| {
        let id = step_id(rb, &ev.graph, &ev.hops, initial, i);
        id.split_once(':')
            .map_or(id.clone(), |(_, s)| s.to_string())
    };
    let mut out = Vec::new();
    let (inst, what) = match (blame.breaker, blame.remedy) {
        (Some(b), _) => (b, "undoes the requirement"),
        (None, Some(r)) => (r, "was to make it hold, but does not before that step"),
        (None, None) => return out,
    };
    let i = &ev.graph.insts[inst as usize];
    let step = &rb.steps[i.step as usize];
    out.push((header(rb, step.span), format!("`{}` {what}", name(inst))));
    if let (Some(span), Some((kind, id, _))) = (
        cause::placement_span(rb, &ev.graph, inst),
        cause::declaration(rb, i.origin),
    ) {
        out.push((
            span,
            format!("{kind} `{id}` puts `{}` in the plan", name(inst)),
        ));
    }
    out
}

/// The first line of a declaration (`step tamper(n: node) {`): the step itself, not
/// its whole body.
pub fn header(rb: &Rulebook, span: Span) -> Span {
    let text = rb.sources.slice(span);
    let len = text.find('\n').unwrap_or(text.len());
    Span::new(span.file, span.start as usize, span.start as usize + len)
}

/// The cause as a sentence for the diagnostic's message.
pub fn sentence(rb: &Rulebook, ev: &Evaluation, initial: &Value, blame: &Blame) -> Option<String> {
    let id = |i: u32| step_id(rb, &ev.graph, &ev.hops, initial, i);
    match (blame.breaker, blame.remedy) {
        (Some(b), _) => Some(format!("`{}` undid it", id(b))),
        (None, Some(r)) => Some(format!("its remediation `{}` did not make it hold", id(r))),
        (None, None) => None,
    }
}

/// Adds `labels` to `p` (the ones in its file) and to `related` (one diagnostic per
/// other file, coded `code` and saying `more`): miette shows the labels of one file together.
pub fn attach(
    rb: &Rulebook,
    mut p: Problem,
    related: &mut Vec<Problem>,
    (code, more): (&'static str, &str),
    labels: Vec<(Span, String)>,
) -> Problem {
    for (span, label) in labels {
        let same_file =
            |q: &Problem| q.source.is_none() || q.span.is_some_and(|s| s.file == span.file);
        if same_file(&p) {
            p = p.at(&rb.sources, span, label);
        } else if let Some(q) = related.iter_mut().find(|q| same_file(q)) {
            *q = std::mem::replace(q, Problem::new(code, "")).at(&rb.sources, span, label);
        } else {
            related.push(Problem::new(code, more).at(&rb.sources, span, label));
        }
    }
    p
}
