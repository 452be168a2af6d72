//! Anchors that match nothing at plan time. A remediation ordered `before P`, or a
//! follow-up `after P`, whose pattern P matches no step of its hop would float free in
//! the plan (wave 1, ordered against nothing): the rulebook, not the inventory, is
//! wrong, so planning stops with a diagnostic at the pattern (exit 2).

use super::hop::{Absent, guard_patterns};
use super::instances::Graph;
use super::naming::{binding_subject, step_id, subject};
use crate::diagnostics::Problem;
use crate::model::{Rulebook, Value};

pub const ABSENT_ANCHOR: &str = "uplan::eval::absent_anchor";

/// How many step names the help line lists before it says "…".
const MAX_NAMED: usize = 12;

/// The diagnostic for the first absent anchor; the others (at most ten) are related.
pub fn problem(
    rb: &Rulebook,
    graph: &Graph,
    hops: &[u16],
    state: &Value,
    pos: u32,
    absent: &[Absent],
) -> Problem {
    let mut all = absent.iter().map(|a| one(rb, graph, hops, state, pos, a));
    let first = all
        .next()
        .unwrap_or_else(|| Problem::new(ABSENT_ANCHOR, "an anchor matches no step"));
    first.with_related(all.take(10).collect())
}

fn one(rb: &Rulebook, graph: &Graph, hops: &[u16], state: &Value, pos: u32, a: &Absent) -> Problem {
    let rule = &rb.rules[a.rule as usize];
    let (pats, _) = guard_patterns(rule, if a.after { 1 } else { 0 });
    let written: Vec<&str> = {
        let mut v: Vec<&str> = Vec::new();
        for p in pats {
            let text = rb.sources.slice(p.span);
            if !v.contains(&text) {
                v.push(text);
            }
        }
        v
    };
    let hop = rb
        .hops
        .get(hops[pos as usize] as usize)
        .map_or_else(String::new, |h| h.name());
    let who = binding_subject(rb, rule, &a.binding, state)
        .map(|n| format!(" for {n}"))
        .unwrap_or_default();
    let (clause, what) = if a.after {
        ("`after`", "follow-up")
    } else {
        ("`before`", "remediation")
    };
    let step = step_id(rb, graph, hops, state, a.inst);
    let message = format!(
        "rule `{}`: its {clause} anchor `{}` matches no step of hop {hop}{who}, so its {what} {step} would be ordered against nothing",
        rule.id,
        written.join("`, `"),
    );
    let mut p = Problem::new(ABSENT_ANCHOR, message);
    if let Some(first) = pats.first() {
        p = p.at(&rb.sources, first.span, "matches no step of this hop");
    }
    p.help(help(rb, graph, state, pos, who_of(rb, graph, state, a)))
}

/// The entity the floating step is for, to list that entity's steps first.
fn who_of(rb: &Rulebook, graph: &Graph, state: &Value, a: &Absent) -> Option<String> {
    subject(rb, graph, state, a.inst).map(|s| s.to_string())
}

/// "the hop has, for biz-1: a, b, c": what the pattern could have named.
fn help(rb: &Rulebook, graph: &Graph, state: &Value, pos: u32, who: Option<String>) -> String {
    let on_hop: Vec<u32> = (0..graph.insts.len() as u32)
        .filter(|&i| graph.insts[i as usize].hop == pos)
        .collect();
    let of_who: Vec<u32> = on_hop
        .iter()
        .copied()
        .filter(|&i| who.is_some() && subject(rb, graph, state, i).map(|s| s.to_string()) == who)
        .collect();
    let (insts, whose) = match &who {
        Some(w) if of_who.len() > 1 => (of_who, format!(" for {w}")),
        _ => (on_hop, String::new()),
    };
    let mut names: Vec<&str> = insts
        .iter()
        .map(|&i| {
            rb.steps[graph.insts[i as usize].step as usize]
                .name
                .as_str()
        })
        .collect();
    names.sort_unstable();
    names.dedup();
    let more = names.len() > MAX_NAMED;
    names.truncate(MAX_NAMED);
    let list = names.join(", ") + if more { ", …" } else { "" };
    format!(
        "the steps this hop has{whose} are: {list}; anchor on one of them (a `milestone` names the step of each flow), or narrow the rule with `when` so it does not fire here"
    )
}
