//! Matching step patterns (`upgrade-cluster(g) where g.role == global`) against the
//! instances of a hop.

use super::graph_args::arg_val;
use super::instances::{Arg, Graph};
use super::interp::{Env, Val, compare};
use crate::model::{CmpOp, Expr, PatArg, Pattern, Schema, StepDef};

/// Binds the pattern's variables from `args`; false when an argument differs.
pub fn bind<'a>(env: &mut Env<'a>, pattern: &'a Pattern, args: &'a [Arg]) -> bool {
    for (pa, arg) in pattern.args.iter().zip(args) {
        let v = arg_val(env, arg);
        match pa {
            PatArg::Any => {}
            PatArg::Bind(slot) => env.set(*slot, v),
            PatArg::Equal(e) => {
                let w = env.eval(e);
                if !compare(CmpOp::Eq, v, w) {
                    return false;
                }
            }
        }
    }
    true
}

/// The instances of hop `pos` matching `pattern` and `filter`, in creation order.
pub fn matches<'a>(
    env: &mut Env<'a>,
    graph: &'a Graph,
    pos: u32,
    pattern: &'a Pattern,
    filter: Option<&'a Expr>,
    step: &StepDef,
    schema: &Schema,
) -> Vec<u32> {
    let candidates = match subject_equal(env, pattern, step, schema) {
        Some((field, index)) => graph.of_subject(pos, pattern.step, field, index),
        None => graph.of_step(pos, pattern.step),
    };
    candidates
        .iter()
        .copied()
        .filter(|&id| {
            let args = &graph.insts[id as usize].args;
            bind(env, pattern, args) && env.test_opt(filter)
        })
        .collect()
}

/// When the pattern pins the step's first entity argument to an expression, the
/// entity it evaluates to (so only that entity's instances are tried).
fn subject_equal<'a>(
    env: &mut Env<'a>,
    pattern: &'a Pattern,
    step: &StepDef,
    schema: &Schema,
) -> Option<(u16, u32)> {
    let pos = step.subject(schema)?;
    match pattern.args.get(pos)? {
        PatArg::Equal(e) => match env.eval(e) {
            Val::Entity { field, index, .. } => Some((field, index)),
            _ => None,
        },
        _ => None,
    }
}

/// Whether the matches of a pattern are the same for every binding of the rule: no
/// argument compares against the rule's variables and the filter reads only the
/// pattern's own variables.
pub fn binding_independent(pattern: &Pattern, filter: Option<&Expr>) -> bool {
    let mut own = Vec::new();
    for a in &pattern.args {
        match a {
            PatArg::Any => {}
            PatArg::Bind(v) => own.push(*v),
            PatArg::Equal(_) => return false,
        }
    }
    let mut free = Vec::new();
    if let Some(f) = filter {
        free_vars(f, &mut Vec::new(), &mut free);
    }
    free.iter().all(|v| own.contains(v))
}

/// The variables an expression reads that it does not bind itself.
pub fn free_vars(e: &Expr, bound: &mut Vec<u16>, out: &mut Vec<u16>) {
    match e {
        Expr::Var(v) => {
            if !bound.contains(v) && !out.contains(v) {
                out.push(*v);
            }
        }
        Expr::Lit(_) | Expr::Root | Expr::Hop(_) | Expr::HopIs { .. } => {}
        Expr::Field(b, _) | Expr::Not(b) | Expr::Like(b, _) => free_vars(b, bound, out),
        Expr::RangeBound { range, .. } => free_vars(range, bound, out),
        Expr::And(a, b) | Expr::Or(a, b) | Expr::Cmp(_, a, b) | Expr::Coalesce(a, b) => {
            free_vars(a, bound, out);
            free_vars(b, bound, out);
        }
        Expr::In { item, set, .. } => {
            free_vars(item, bound, out);
            free_vars(set, bound, out);
        }
        Expr::Quant {
            var, list, body, ..
        } => {
            free_vars(list, bound, out);
            bound.push(*var);
            free_vars(body, bound, out);
            bound.pop();
        }
        Expr::List(items) => items.iter().for_each(|i| free_vars(i, bound, out)),
    }
}
