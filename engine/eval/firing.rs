//! Firing rules over a hop's facts: which bindings of which rules fail.
//!
//! Rules whose first `each` iterates entities are evaluated entity by entity (every
//! such rule on one cluster, then the next cluster), so each entity's facts are read
//! from memory once per hop instead of once per rule; the result is sorted back to
//! (rule, binding) order, so the output does not depend on this.

use std::collections::BTreeMap;

use super::bindings::{self, Chosen};
use super::interp::{Env, HopCtx, root_list};
use crate::model::{Rule, Rulebook, Value};

/// The failing bindings of every rule `wanted` accepts (a rule without `require` fails
/// for every binding), in (rule, binding) order.
pub fn failing(
    rb: &Rulebook,
    keys: &[Vec<Option<u16>>],
    ctx: &HopCtx<'_>,
    state: &Value,
    wanted: &dyn Fn(&Rule) -> bool,
) -> Vec<(u16, Vec<Chosen>)> {
    let mut active: Vec<(u16, Env<'_>)> = Vec::new();
    for (ri, rule) in rb.rules.iter().enumerate() {
        if !wanted(rule) {
            continue;
        }
        let mut env = Env::new(&rb.schema, state, ctx, rule.num_vars);
        if env.test_opt(rule.when.as_ref()) {
            active.push((ri as u16, env));
        }
    }
    let mut by_entity: BTreeMap<u16, Vec<usize>> = BTreeMap::new();
    let mut out: Vec<(u16, Vec<Chosen>, Vec<u32>)> = Vec::new();
    for (slot, (ri, env)) in active.iter_mut().enumerate() {
        let rule = &rb.rules[*ri as usize];
        match rule
            .each
            .first()
            .and_then(|e| bindings::entity_field(&rb.schema, e))
        {
            Some(field) => by_entity.entry(field).or_default().push(slot),
            None => {
                let ri = *ri;
                bindings::for_each(env, &rule.each, &mut |env, idx| {
                    if !holds(rule, env) {
                        out.push((
                            ri,
                            bindings::remember(env, &rule.each, &keys[ri as usize], idx),
                            idx.to_vec(),
                        ));
                    }
                });
            }
        }
    }
    let mut chosen = Vec::new();
    for (field, slots) in &by_entity {
        let n = root_list(state, *field).map_or(0, <[Value]>::len);
        for i in 0..n as u32 {
            for &slot in slots {
                let (ri, env) = &mut active[slot];
                let ri = *ri;
                let rule = &rb.rules[ri as usize];
                bindings::for_each_from(env, &rule.each, i, &mut chosen, &mut |env, idx| {
                    if !holds(rule, env) {
                        out.push((
                            ri,
                            bindings::remember(env, &rule.each, &keys[ri as usize], idx),
                            idx.to_vec(),
                        ));
                    }
                });
            }
        }
    }
    out.sort_by(|a, b| (a.0, &a.2).cmp(&(b.0, &b.2)));
    out.into_iter()
        .map(|(ri, binding, _)| (ri, binding))
        .collect()
}

fn holds<'a>(rule: &'a Rule, env: &mut Env<'a>) -> bool {
    rule.require.as_ref().is_some_and(|r| env.test(r))
}
