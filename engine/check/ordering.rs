//! The static ordering graph over step declarations, and its cycles.
//!
//! Edges come from `order`, ordered `do` chains, `step S before P` and
//! `then step S after P`. Only *tight* edges count: those that order two steps of
//! the same subject entity (the same variable in both subject arguments), or that
//! involve a step with no entity parameter (one instance per hop). A cycle of tight
//! edges orders some entity's steps in a circle whatever the inventory, so it is a
//! compile error. Loose edges relate different entities (`install-docs(standby)
//! before trigger-upgrade(primary)`, `upgrade(g) before upgrade(w)`): a name-level
//! cycle through them is usually fine at the instance level, and the evaluator
//! checks instances. Filters and `when` are ignored here.

use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};

use super::{Cx, Edge, codes};
use crate::diagnostics::Problem;
use crate::model::{Expr, PatArg, Pattern, StepCall, StepId, Type};

pub fn reject_cycles(cx: &mut Cx) {
    let mut g: DiGraph<u16, usize> = DiGraph::new();
    let nodes: Vec<NodeIndex> = (0..cx.steps.len()).map(|i| g.add_node(i as u16)).collect();
    for (i, e) in cx.edges.iter().enumerate() {
        if e.tight && e.from != e.to {
            g.add_edge(nodes[e.from as usize], nodes[e.to as usize], i);
        }
    }
    let cycles: Vec<Vec<u16>> = tarjan_scc(&g)
        .into_iter()
        .filter(|scc| scc.len() >= 2)
        .map(|scc| scc.iter().map(|n| g[*n]).collect())
        .collect();
    // each step's cycle, so that sorting the edges into cycles is one pass
    let mut cycle_of: Vec<Option<usize>> = vec![None; cx.steps.len()];
    for (i, members) in cycles.iter().enumerate() {
        for s in members {
            cycle_of[*s as usize] = Some(i);
        }
    }
    let mut edges: Vec<Vec<&Edge>> = vec![Vec::new(); cycles.len()];
    for e in cx.edges.iter().filter(|e| e.tight && e.from != e.to) {
        let from = cycle_of.get(e.from as usize).copied().flatten();
        if let Some(c) = from.filter(|c| cycle_of.get(e.to as usize) == Some(&Some(*c))) {
            edges[c].push(e);
        }
    }
    let problems: Vec<Problem> = cycles
        .iter()
        .zip(&mut edges)
        .map(|(members, edges)| {
            edges.sort_by_key(|e| e.span);
            cycle_problem(cx, members, edges)
        })
        .collect();
    for p in problems {
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

/// What a step's subject argument is bound to, as far as tightness goes.
#[derive(PartialEq)]
enum Subject {
    /// The step has no entity parameter: one instance per hop.
    None,
    Var(u16),
    /// Any entity (a fresh pattern variable, `_`, another expression).
    Other,
}

impl Cx<'_> {
    /// The index of a step's first entity parameter.
    fn subject_index(&self, step: StepId) -> Option<usize> {
        self.steps[step as usize]
            .params
            .iter()
            .position(|p| match p.ty {
                Type::Record(r) => self.schema.record(r).entity.is_some(),
                _ => false,
            })
    }

    fn call_subject(&self, c: &StepCall) -> Subject {
        match self.subject_index(c.step).map(|i| c.args.get(i)) {
            None => Subject::None,
            Some(Some(Expr::Var(v))) => Subject::Var(*v),
            Some(_) => Subject::Other,
        }
    }

    /// A pattern's subject: `Equal(var)` and `Bind(var)` both name one variable;
    /// the caller decides whether that variable is shared.
    fn pattern_subject(&self, p: &Pattern) -> Subject {
        match self.subject_index(p.step).map(|i| p.args.get(i)) {
            None => Subject::None,
            Some(Some(PatArg::Equal(Expr::Var(v)) | PatArg::Bind(v))) => Subject::Var(*v),
            Some(_) => Subject::Other,
        }
    }

    pub fn tight_calls(&self, a: &StepCall, b: &StepCall) -> bool {
        tight(self.call_subject(a), self.call_subject(b))
    }

    /// `step S(c) before P(c)`: tight when the pattern's subject is the call's own
    /// variable (`Equal`), not a fresh one.
    pub fn tight_call_pattern(&self, c: &StepCall, p: &Pattern) -> bool {
        let fresh = p.args.iter().any(|a| matches!((a, self.pattern_subject(p)), (PatArg::Bind(v), Subject::Var(s)) if *v == s));
        !fresh && tight(self.call_subject(c), self.pattern_subject(p))
    }

    /// `A(c) before B(c)` in an `order`: a name in both patterns is one slot.
    pub fn tight_patterns(&self, a: &Pattern, b: &Pattern) -> bool {
        tight(self.pattern_subject(a), self.pattern_subject(b))
    }
}

fn tight(a: Subject, b: Subject) -> bool {
    match (a, b) {
        (Subject::None, _) | (_, Subject::None) => true,
        (Subject::Var(x), Subject::Var(y)) => x == y,
        _ => false,
    }
}
