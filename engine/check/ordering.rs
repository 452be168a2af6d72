//! The static ordering graph over step declarations, and its cycles.
//!
//! Edges come from `order`, ordered `do` chains, `step S before P` and
//! `then step S after P`. Filters are ignored here (the evaluator orders instances),
//! so a cycle between two step names is reported even if no inventory could make
//! it bite: a rulebook should not rely on its filters to stay acyclic. Self-loops
//! (`upgrade(g) before upgrade(w)`) are fine: they order instances of one step.

use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};

use super::{Cx, Edge, codes};
use crate::diagnostics::Problem;

pub fn reject_cycles(cx: &mut Cx) {
    let mut g: DiGraph<u16, usize> = DiGraph::new();
    let nodes: Vec<NodeIndex> = (0..cx.steps.len()).map(|i| g.add_node(i as u16)).collect();
    for (i, e) in cx.edges.iter().enumerate() {
        if e.from != e.to {
            g.add_edge(nodes[e.from as usize], nodes[e.to as usize], i);
        }
    }
    for scc in tarjan_scc(&g) {
        if scc.len() < 2 {
            continue;
        }
        let members: Vec<u16> = scc.iter().map(|n| g[*n]).collect();
        let mut edges: Vec<&Edge> = cx
            .edges
            .iter()
            .filter(|e| e.from != e.to && members.contains(&e.from) && members.contains(&e.to))
            .collect();
        edges.sort_by_key(|e| e.span);
        let p = cycle_problem(cx, &members, &edges);
        cx.push(p);
    }
}

/// One diagnostic per cycle: a label on every edge; edges in other files than the
/// first go into related diagnostics (a diagnostic's labels share one file).
fn cycle_problem(cx: &Cx, members: &[u16], edges: &[&Edge]) -> Problem {
    let mut names: Vec<&str> = members
        .iter()
        .map(|s| cx.steps[*s as usize].name.as_str())
        .collect();
    names.sort();
    let mut origins: Vec<&str> = Vec::new();
    for e in edges {
        if !origins.contains(&e.origin.as_str()) {
            origins.push(&e.origin);
        }
    }
    let steps = names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut p = Problem::new(
        codes::ORDERING_CYCLE,
        format!("steps {steps} are ordered in a cycle"),
    )
    .help(format!(
        "the cycle comes from {}; drop one of these constraints or make it apply to other steps",
        origins.join(", ")
    ));
    let file = edges.first().map(|e| e.span.file);
    let mut related = Vec::new();
    for e in edges {
        let label = format!(
            "`{}` before `{}` here ({})",
            cx.steps[e.from as usize].name, cx.steps[e.to as usize].name, e.origin
        );
        if Some(e.span.file) == file {
            p = p.at(cx.sources, e.span, label);
        } else {
            let r = Problem::new(
                codes::ORDERING_CYCLE,
                format!("this {} is part of the cycle", e.origin),
            );
            related.push(r.at(cx.sources, e.span, label));
        }
    }
    p.with_related(related)
}
