//! What a `limit` allows on one hop: whether its `when` holds there, and its bound,
//! a number or a count computed on the facts at the hop's start. The scheduler and
//! the replay both ask here, so a plan and its validation read one bound.

use super::interp::{Env, HopCtx, Val};
use crate::diagnostics::Problem;
use crate::model::{Limit, Rulebook, Value};

/// A limit on one hop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bound {
    /// Its `when` is false here: it limits nothing.
    Off,
    /// At most this many bindings at once.
    Max(u32),
    /// A computed count below 1 (or no number at all): a rulebook error.
    Bad(Option<i64>),
}

/// The bound of `lim` on the hop of `ctx`, on `state` (the facts at the hop's start).
pub fn bound(rb: &Rulebook, lim: &Limit, ctx: &HopCtx<'_>, state: &Value) -> Bound {
    let mut env = Env::new(&rb.schema, state, ctx, lim.num_vars);
    if !env.test_opt(lim.when.as_ref()) {
        return Bound::Off;
    }
    let Some(count) = &lim.count else {
        return Bound::Max(lim.max);
    };
    match env.eval(count) {
        Val::Int(n) if n >= 1 => Bound::Max(u32::try_from(n).unwrap_or(u32::MAX)),
        Val::Int(n) => Bound::Bad(Some(n)),
        _ => Bound::Bad(None),
    }
}

/// The first limit whose computed count is below 1 on this hop, as the rulebook
/// error that names it: a limit that lets nothing run would stall the plan, and one
/// that counts negatively means nothing.
pub fn check(rb: &Rulebook, ctx: &HopCtx<'_>, state: &Value, hop: &str) -> Result<(), Problem> {
    for lim in &rb.limits {
        let Bound::Bad(n) = bound(rb, lim, ctx, state) else {
            continue;
        };
        let value = n.map_or_else(|| "no number".to_string(), |n| n.to_string());
        return Err(Problem::new(
            "uplan::eval::bad_limit",
            format!("limit `{}` allows {value} steps at once on hop {hop}", lim.id),
        )
        .at(&rb.sources, lim.count_span, format!("is {value} here"))
        .help("a computed limit must be at least 1 wherever it holds: narrow its `when` to the hops and inventories where the count is positive"));
    }
    Ok(())
}
