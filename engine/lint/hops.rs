//! Which declarations can apply on which hop, and which steps a hop can hold, decided
//! from the rulebook alone.
//!
//! A `when` is split at `and`; a part that reads only the hop (its versions, fields,
//! releases) and literals is evaluated on each declared hop; the others depend on the
//! inventory. So `when hop.flow == cvo and any(x in clusters: …)` is `No` on script
//! hops and `Depends` on CVO ones.

use crate::eval::interp::{Env, HopCtx};
use crate::model::{Expr, Hop, Outcome, Rulebook, StepId, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applies {
    /// On this hop, for every inventory.
    Yes,
    /// Never on this hop.
    No,
    /// On this hop, for some inventories.
    Depends,
}

/// Whether an expression reads nothing but the hop and literals.
pub fn hop_only(e: &Expr) -> bool {
    match e {
        // `plan.target` depends on the request, not on the hop.
        Expr::Hop(crate::model::HopRef::PlanTarget) => false,
        Expr::Lit(_) | Expr::Hop(_) | Expr::HopIs { .. } => true,
        Expr::Var(_) | Expr::Root | Expr::Quant { .. } => false,
        Expr::Field(x, _) | Expr::Not(x) | Expr::Like(x, _) => hop_only(x),
        Expr::RangeBound { range, .. } => hop_only(range),
        Expr::And(a, b) | Expr::Or(a, b) | Expr::Cmp(_, a, b) | Expr::Coalesce(a, b) => {
            hop_only(a) && hop_only(b)
        }
        Expr::In { item, set, .. } => hop_only(item) && hop_only(set),
        Expr::List(items) => items.iter().all(hop_only),
    }
}

fn conjuncts<'a>(e: &'a Expr, out: &mut Vec<&'a Expr>) {
    match e {
        Expr::And(a, b) => {
            conjuncts(a, out);
            conjuncts(b, out);
        }
        other => out.push(other),
    }
}

/// The value of a hop-only expression on hop `hop`.
pub fn eval_on(rb: &Rulebook, e: &Expr, hop: u16) -> bool {
    static NULL: Value = Value::Null;
    let ctx = HopCtx::new(rb, hop);
    let mut env = Env::new(&rb.schema, &NULL, &ctx, 0);
    env.test(e)
}

/// Whether a declaration with this `when` applies on hop `hop`.
pub fn applies(rb: &Rulebook, when: Option<&Expr>, hop: u16) -> Applies {
    let Some(when) = when else {
        return Applies::Yes;
    };
    let mut parts = Vec::new();
    conjuncts(when, &mut parts);
    let mut answer = Applies::Yes;
    for part in parts {
        if !hop_only(part) {
            answer = Applies::Depends;
        } else if !eval_on(rb, part, hop) {
            return Applies::No;
        }
    }
    answer
}

/// The hops (indices) of the rulebook.
pub fn all(rb: &Rulebook) -> impl Iterator<Item = u16> + '_ {
    (0..rb.hops.len()).filter_map(|h| u16::try_from(h).ok())
}

/// `3.16->4.0`.
pub fn label(rb: &Rulebook, hop: u16) -> String {
    rb.hops
        .get(hop as usize)
        .map_or_else(String::new, Hop::name)
}

/// For each hop, which steps some declaration may add there.
pub fn possible_steps(rb: &Rulebook) -> Vec<Vec<bool>> {
    all(rb)
        .map(|h| {
            let mut can = vec![false; rb.steps.len()];
            let mut mark = |s: StepId| {
                if let Some(x) = can.get_mut(s as usize) {
                    *x = true;
                }
            };
            for p in &rb.procedures {
                if applies(rb, p.when.as_ref(), h) == Applies::No {
                    continue;
                }
                for chain in &p.chains {
                    if applies(rb, chain.when.as_ref(), h) != Applies::No {
                        chain.calls.iter().for_each(|c| mark(c.step));
                    }
                }
            }
            for r in &rb.rules {
                if applies(rb, r.when.as_ref(), h) == Applies::No {
                    continue;
                }
                if let Outcome::Step { call, .. } = &r.outcome {
                    mark(call.step);
                }
                if let Some(then) = &r.then {
                    mark(then.call.step);
                }
            }
            can
        })
        .collect()
}
