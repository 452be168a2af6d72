//! Rules that could not really be checked: a rule that reads a fact the inventory
//! leaves out (a field with a `probe`) ran on the field's default, so "it holds" may
//! be wrong. Per hop, each such rule's conditions are judged part by part: a part that
//! reads a missing fact is unknown, the others are evaluated; when every known part
//! holds and some part was unknown, the missing fact is reported against the rule.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use super::interp::{Env, HopCtx, Val, root_list};
use crate::inventory::Absent;
use crate::model::{EachSource, Expr, Outcome, ProbeRead, Rulebook, Value};

/// Which missing facts are where, for lookups by (entity, field) and by list field.
pub struct Missing<'i> {
    by_place: HashMap<(Option<(u16, u32)>, u16), u32>,
    by_list_field: HashMap<(u16, u16), Vec<u32>>,
    pub absent: &'i [Absent],
}

impl<'i> Missing<'i> {
    pub fn new(absent: &'i [Absent]) -> Missing<'i> {
        let mut by_place = HashMap::default();
        let mut by_list_field: HashMap<(u16, u16), Vec<u32>> = HashMap::default();
        for (i, a) in absent.iter().enumerate() {
            by_place.insert((a.entity, a.field), i as u32);
            if let Some((list, _)) = a.entity {
                by_list_field
                    .entry((list, a.field))
                    .or_default()
                    .push(i as u32);
            }
        }
        Missing {
            by_place,
            by_list_field,
            absent,
        }
    }

    /// The missing facts a read touches, for the entity the rule binds (if any).
    fn hits(&self, read: &ProbeRead, bound: Option<(u16, u32)>, out: &mut Vec<u32>) {
        match *read {
            ProbeRead::Root(f) => out.extend(self.by_place.get(&(None, f))),
            ProbeRead::Bound(f) => {
                if let Some(e) = bound {
                    out.extend(self.by_place.get(&(Some(e), f)));
                }
            }
            ProbeRead::AnyOf { list, field } => {
                out.extend(self.by_list_field.get(&(list, field)).into_iter().flatten())
            }
        }
    }
}

/// Records (missing fact, rule) pairs for one hop, on the facts at its start.
pub fn scan(
    rb: &Rulebook,
    ctx: &HopCtx<'_>,
    state: &Value,
    missing: &Missing<'_>,
    out: &mut HashSet<(u32, u16)>,
) {
    if missing.absent.is_empty() {
        return;
    }
    for (ri, rule) in rb.rules.iter().enumerate() {
        // A `note` informs; only rules that can block, fix or warn need their facts.
        let Some(u) = rule
            .unknowns
            .as_ref()
            .filter(|_| !matches!(rule.outcome, Outcome::Note(_)))
        else {
            continue;
        };
        let mut env = Env::new(&rb.schema, state, ctx, rule.num_vars);
        let mut when_hits = Vec::new();
        if !parts_hold(&mut env, &u.when, missing, None, &mut when_hits) {
            continue;
        }
        let entity = rule.each.first().and_then(|e| match e.source {
            EachSource::Entity { root_field, .. } => Some((e.var, root_field)),
            EachSource::List(_) => None,
        });
        let Some((var, list)) = entity else {
            let mut hits = when_hits;
            u.rest.iter().for_each(|r| missing.hits(r, None, &mut hits));
            out.extend(hits.into_iter().map(|h| (h, ri as u16)));
            continue;
        };
        let n = root_list(state, list).map_or(0, <[Value]>::len);
        for i in 0..n as u32 {
            let Some(record) = root_list(state, list)
                .and_then(|l| l.get(i as usize))
                .and_then(Value::as_record)
            else {
                continue;
            };
            env.set(
                var,
                Val::Entity {
                    field: list,
                    index: i,
                    record,
                },
            );
            let bound = Some((list, i));
            let mut hits = when_hits.clone();
            if !parts_hold(&mut env, &u.filter, missing, bound, &mut hits) {
                continue;
            }
            u.rest
                .iter()
                .for_each(|r| missing.hits(r, bound, &mut hits));
            out.extend(hits.into_iter().map(|h| (h, ri as u16)));
        }
    }
}

/// Whether every part that reads no missing fact holds; the missing facts the other
/// parts read go to `hits`.
fn parts_hold<'a>(
    env: &mut Env<'a>,
    parts: &'a [(Expr, Vec<ProbeRead>)],
    missing: &Missing<'_>,
    bound: Option<(u16, u32)>,
    hits: &mut Vec<u32>,
) -> bool {
    for (expr, reads) in parts {
        let before = hits.len();
        reads.iter().for_each(|r| missing.hits(r, bound, hits));
        if hits.len() == before && !env.test(expr) {
            return false;
        }
    }
    true
}
