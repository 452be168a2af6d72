//! Enumerating the bindings of `each` clauses, and finding a binding again later.

use std::sync::Arc;

use super::interp::{Env, Val, root_list};
use crate::model::{Each, EachSource, Expr, Schema, Type, Value};

/// One element chosen by an `each`: its position, and its key when its record has one
/// (so the element is found again after earlier elements were removed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chosen {
    pub index: u32,
    pub key: Option<Arc<str>>,
}

/// What a variable bound by `each` holds: an entity or an element of a list.
fn element<'a>(env: &mut Env<'a>, each: &'a Each) -> (Option<u16>, &'a [Value]) {
    match &each.source {
        EachSource::Entity { root_field, .. } => (
            Some(*root_field),
            root_list(env.root, *root_field).unwrap_or(&[]),
        ),
        EachSource::List(expr) => {
            let entity = match expr {
                Expr::Field(base, f) if matches!(**base, Expr::Root) => {
                    env.schema.entity_of_root_field(*f).map(|_| *f)
                }
                _ => None,
            };
            match env.eval(expr) {
                Val::List(l) => (entity, l),
                _ => (entity, &[]),
            }
        }
    }
}

fn val_of<'a>(entity: Option<u16>, index: usize, item: &'a Value) -> Val<'a> {
    match (entity, item) {
        (Some(field), Value::Record(record)) => Val::Entity {
            field,
            index: index as u32,
            record,
        },
        _ => Val::of(item),
    }
}

/// Calls `f` for every binding of `each` whose filters hold, with the variables set.
pub fn for_each<'a>(env: &mut Env<'a>, each: &'a [Each], f: &mut dyn FnMut(&mut Env<'a>, &[u32])) {
    let mut chosen = Vec::with_capacity(each.len());
    walk(env, each, &mut chosen, f);
}

fn walk<'a>(
    env: &mut Env<'a>,
    each: &'a [Each],
    chosen: &mut Vec<u32>,
    f: &mut dyn FnMut(&mut Env<'a>, &[u32]),
) {
    let Some(first) = each.get(chosen.len()) else {
        f(env, chosen);
        return;
    };
    let (entity, items) = element(env, first);
    for (i, item) in items.iter().enumerate() {
        env.set(first.var, val_of(entity, i, item));
        if env.test_opt(first.filter.as_ref()) {
            chosen.push(i as u32);
            walk(env, each, chosen, f);
            chosen.pop();
        }
    }
}

/// The key field of the records an `each` iterates, for [`Chosen::key`].
pub fn key_fields(schema: &Schema, each: &[Each], var_types: &[Option<Type>]) -> Vec<Option<u16>> {
    each.iter()
        .map(|e| match &e.source {
            EachSource::Entity { record, .. } => schema.record(*record).key_field,
            EachSource::List(expr) => match super::types::type_of(schema, expr, var_types) {
                Some(Type::List(inner)) => match *inner {
                    Type::Record(id) => schema.record(id).key_field,
                    _ => None,
                },
                _ => None,
            },
        })
        .collect()
}

/// Remembers a binding found by [`for_each`] with the keys of its elements.
pub fn remember(
    env: &Env<'_>,
    each: &[Each],
    keys: &[Option<u16>],
    indices: &[u32],
) -> Vec<Chosen> {
    each.iter()
        .zip(indices)
        .enumerate()
        .map(|(d, (e, &index))| {
            let key = keys
                .get(d)
                .copied()
                .flatten()
                .and_then(|k| match env.get(e.var) {
                    Val::Record(r) | Val::Entity { record: r, .. } => {
                        r.get(k as usize).and_then(|v| v.as_str()).map(Arc::from)
                    }
                    _ => None,
                });
            Chosen { index, key }
        })
        .collect()
}

/// Sets the variables of a remembered binding again, on the facts `env` now reads.
/// False when an element is gone (e.g. a plugin a step uninstalled).
pub fn rebind<'a>(
    env: &mut Env<'a>,
    each: &'a [Each],
    keys: &[Option<u16>],
    binding: &[Chosen],
) -> bool {
    for (d, (e, chosen)) in each.iter().zip(binding).enumerate() {
        let (entity, items) = element(env, e);
        let key_field = keys.get(d).copied().flatten();
        let index = match (&chosen.key, key_field) {
            (Some(key), Some(k)) => {
                let at = |i: usize| {
                    items
                        .get(i)
                        .and_then(Value::as_record)
                        .and_then(|r| r.get(k as usize))
                        .and_then(Value::as_str)
                        == Some(&**key)
                };
                if at(chosen.index as usize) {
                    Some(chosen.index as usize)
                } else {
                    (0..items.len()).find(|&i| at(i))
                }
            }
            _ => Some(chosen.index as usize).filter(|&i| i < items.len()),
        };
        let Some(index) = index else {
            return false;
        };
        env.set(e.var, val_of(entity, index, &items[index]));
    }
    true
}

/// The root list an `each` clause iterates when it iterates entities.
pub fn entity_field(schema: &Schema, each: &Each) -> Option<u16> {
    match &each.source {
        EachSource::Entity { root_field, .. } => Some(*root_field),
        EachSource::List(Expr::Field(base, f)) if matches!(**base, Expr::Root) => {
            schema.entity_of_root_field(*f).map(|_| *f)
        }
        EachSource::List(_) => None,
    }
}

/// Like [`for_each`], for the bindings whose first element is entity `index` of the
/// list the first clause iterates (which must be an entity list).
pub fn for_each_from<'a>(
    env: &mut Env<'a>,
    each: &'a [Each],
    index: u32,
    chosen: &mut Vec<u32>,
    f: &mut dyn FnMut(&mut Env<'a>, &[u32]),
) {
    let Some(first) = each.first() else {
        return;
    };
    let (entity, items) = element(env, first);
    let Some(item) = items.get(index as usize) else {
        return;
    };
    env.set(first.var, val_of(entity, index as usize, item));
    if env.test_opt(first.filter.as_ref()) {
        chosen.clear();
        chosen.push(index);
        walk(env, each, chosen, f);
    }
}
