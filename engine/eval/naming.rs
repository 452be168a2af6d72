//! Names for people: step ids, entity names, fact paths.

use std::fmt::Write as _;
use std::sync::Arc;

use super::bindings::Chosen;
use super::instances::{Arg, Graph};
use super::interp::{Val, display, root_list};
use super::types::{each_var_types, type_of};
use crate::model::{
    Each, EachSource, Expr, FactRef, Hop, PlaceBase, Rule, Rulebook, Schema, Type, Value,
};

/// The key (`name`) of the entity at `index` of root list `field`.
pub fn entity_name(schema: &Schema, root: &Value, field: u16, index: u32) -> Arc<str> {
    entity_key(schema, root, field, index).map_or_else(|| Arc::from(format!("#{index}")), Arc::from)
}

pub fn hop_name(h: &Hop) -> String {
    h.name()
}

/// `3.16->4.0:upgrade-kubernetes(biz-1,1.29)`: the hop, the step and its arguments.
///
/// Ids must tell steps apart, and an argument comes from the inventory: a name
/// `a,b` would make `f(a,b)` the id of two steps. An argument made only of
/// [`bare`] characters is written as it is (so the ids of ordinary plans never
/// change); any other is quoted, with `\`, `"` and everything outside printable
/// ASCII escaped (`"rp; curl \u{1b}"`), so it cannot end early, hold a line break
/// or reach a terminal raw. An entity without a name is `#3` (its index), which no
/// quoted or bare argument can be.
pub fn step_id(rb: &Rulebook, graph: &Graph, hops: &[u16], root: &Value, inst: u32) -> String {
    let i = &graph.insts[inst as usize];
    let step = &rb.steps[i.step as usize];
    let mut id = format!(
        "{}:{}(",
        hop_name(&rb.hops[hops[i.hop as usize] as usize]),
        step.name
    );
    let mut text = String::new();
    for (n, (a, p)) in i.args.iter().zip(&step.params).enumerate() {
        if n > 0 {
            id.push(',');
        }
        text.clear();
        match a {
            Arg::Entity { field, index } => match entity_key(&rb.schema, root, *field, *index) {
                Some(name) => text.push_str(name),
                None => {
                    let _ = write!(id, "#{index}");
                    continue;
                }
            },
            Arg::Value(v) => display(&rb.schema, Val::of(v), &p.ty, &mut text),
        }
        push_arg(&mut id, &text);
    }
    id.push(')');
    id
}

/// Whether an argument may appear unquoted in a step id: what names, versions, paths
/// and numbers are made of, and none of the id's own punctuation (`(`, `,`, `)`, `"`).
pub fn bare(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-/+:".contains(&b))
}

fn push_arg(id: &mut String, text: &str) {
    if bare(text) {
        id.push_str(text);
    } else {
        id.push('"');
        let _ = write!(id, "{}", text.escape_default());
        id.push('"');
    }
}

/// The key (`name`) of the entity at `index` of root list `field`, if it has one.
fn entity_key<'v>(schema: &Schema, root: &'v Value, field: u16, index: u32) -> Option<&'v str> {
    let key = schema
        .entity_of_root_field(field)
        .and_then(|r| schema.record(r).entity.as_ref())
        .map(|e| e.key_field)?;
    root_list(root, field)
        .and_then(|l| l.get(index as usize))
        .and_then(Value::as_record)
        .and_then(|r| r.get(key as usize))
        .and_then(Value::as_str)
}

/// The entity a step acts on (its first entity argument), by name.
pub fn subject(rb: &Rulebook, graph: &Graph, root: &Value, inst: u32) -> Option<Arc<str>> {
    let i = &graph.insts[inst as usize];
    i.args.iter().find_map(|a| match a {
        Arg::Entity { field, index } => Some(entity_name(&rb.schema, root, *field, *index)),
        Arg::Value(_) => None,
    })
}

/// The dotted path of each variable bound by a rule's `each` clauses.
fn binding_paths(
    rb: &Rulebook,
    (each, num_vars): (&[Each], u16),
    binding: &[Chosen],
    root: &Value,
    types: &[Option<Type>],
) -> Vec<Option<String>> {
    let mut paths: Vec<Option<String>> = vec![None; num_vars as usize];
    for (e, chosen) in each.iter().zip(binding) {
        let (base, label) = match &e.source {
            EachSource::Entity { root_field, .. } => (
                Some(
                    rb.schema.record(rb.schema.root).fields[*root_field as usize]
                        .name
                        .clone(),
                ),
                entity_name(&rb.schema, root, *root_field, chosen.index).to_string(),
            ),
            EachSource::List(expr) => (
                expr_path(rb, expr, &paths, types),
                chosen
                    .key
                    .as_deref()
                    .map_or_else(|| chosen.index.to_string(), str::to_string),
            ),
        };
        if let Some(slot) = paths.get_mut(e.var as usize) {
            *slot = base.map(|b| format!("{b}.{label}"));
        }
    }
    paths
}

fn expr_path(
    rb: &Rulebook,
    e: &Expr,
    paths: &[Option<String>],
    types: &[Option<Type>],
) -> Option<String> {
    match e {
        Expr::Root => Some(String::new()),
        Expr::Var(v) => paths.get(*v as usize).cloned().flatten(),
        Expr::Field(base, i) => {
            let b = expr_path(rb, base, paths, types)?;
            let record = match type_of(&rb.schema, base, types)? {
                Type::Record(id) => id,
                Type::Optional(inner) => match *inner {
                    Type::Record(id) => id,
                    _ => return None,
                },
                _ => return None,
            };
            let name = rb
                .schema
                .record(record)
                .fields
                .get(*i as usize)?
                .name
                .clone();
            Some(if b.is_empty() {
                name
            } else {
                format!("{b}.{name}")
            })
        }
        _ => None,
    }
}

/// The dotted paths of the facts a finding is about.
pub fn fact_paths(rb: &Rulebook, rule: &Rule, binding: &[Chosen], root: &Value) -> Vec<String> {
    let decl = (rule.each.as_slice(), rule.num_vars);
    let mut out = paths_of(rb, decl, &rule.facts, binding, root);
    if out.is_empty() {
        let types = each_var_types(&rb.schema, &rule.each, rule.num_vars);
        let paths = binding_paths(rb, decl, binding, root, &types);
        if let Some(p) = paths.iter().flatten().last() {
            out.push(p.clone());
        }
    }
    out
}

/// The dotted paths of `facts` (read by a declaration with these `each` clauses and
/// this many variables) under one binding; facts of unbound variables are left out.
pub fn paths_of(
    rb: &Rulebook,
    (each, num_vars): (&[Each], u16),
    facts: &[FactRef],
    binding: &[Chosen],
    root: &Value,
) -> Vec<String> {
    let types = each_var_types(&rb.schema, each, num_vars);
    let paths = binding_paths(rb, (each, num_vars), binding, root, &types);
    let mut out = Vec::new();
    for FactRef { base, fields } in facts {
        let mut expr = match base {
            PlaceBase::Root => Expr::Root,
            PlaceBase::Var(v) => Expr::Var(*v),
        };
        for f in fields {
            expr = Expr::Field(Box::new(expr), *f);
        }
        if let Some(p) = expr_path(rb, &expr, &paths, &types)
            && !p.is_empty()
            && !out.contains(&p)
        {
            out.push(p);
        }
    }
    out
}

/// The name of the first entity a rule's binding holds (the finding's `cluster`).
pub fn binding_subject(
    rb: &Rulebook,
    rule: &Rule,
    binding: &[Chosen],
    root: &Value,
) -> Option<String> {
    rule.each
        .iter()
        .zip(binding)
        .find_map(|(e, c)| match &e.source {
            EachSource::Entity { root_field, .. } => {
                Some(entity_name(&rb.schema, root, *root_field, c.index).to_string())
            }
            EachSource::List(Expr::Field(b, f))
                if matches!(**b, Expr::Root) && rb.schema.entity_of_root_field(*f).is_some() =>
            {
                Some(entity_name(&rb.schema, root, *f, c.index).to_string())
            }
            _ => None,
        })
}

pub fn join_versions(vs: &[crate::model::Version]) -> String {
    let mut s = String::new();
    for (i, v) in vs.iter().enumerate() {
        if i > 0 {
            s.push_str(", ");
        }
        let _ = write!(s, "{v}");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn args(list: &[&str]) -> String {
        let mut id = String::new();
        for (n, a) in list.iter().enumerate() {
            if n > 0 {
                id.push(',');
            }
            push_arg(&mut id, a);
        }
        id
    }

    #[test]
    fn ordinary_arguments_stay_as_they_are() {
        let got = args(&[
            "biz-1",
            "1.29",
            "/cpaas/minio",
            "120",
            "log-storage-clickhouse",
        ]);
        assert_eq!(got, "biz-1,1.29,/cpaas/minio,120,log-storage-clickhouse");
        assert_eq!(
            args(&["v1.30.4+build.7", "-3", "a_b:c"]),
            "v1.30.4+build.7,-3,a_b:c"
        );
    }

    #[test]
    fn other_arguments_are_quoted_and_escaped() {
        assert_eq!(args(&["a,b", "c"]), r#""a,b",c"#);
        assert_eq!(args(&["a", "b,c"]), r#"a,"b,c""#);
        assert_eq!(args(&["x)"]), r#""x)""#);
        assert_eq!(args(&[""]), r#""""#);
        assert_eq!(args(&[r#"say "hi"\"#]), r#""say \"hi\"\\""#);
        assert_eq!(args(&["a\nb\u{1b}[2J"]), r#""a\nb\u{1b}[2J""#);
        assert_eq!(args(&["rp; curl x | sh #"]), r#""rp; curl x | sh #""#);
        assert_eq!(args(&["café"]), r#""caf\u{e9}""#);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Two different argument lists of one length never make one id.
        #[test]
        fn ids_tell_arguments_apart(
            a in prop::collection::vec("[a-c,()\"\\\\ .\n-]{0,4}", 1..4),
            b in prop::collection::vec("[a-c,()\"\\\\ .\n-]{0,4}", 1..4),
        ) {
            let (a, b): (Vec<&str>, Vec<&str>) = (
                a.iter().map(String::as_str).collect(),
                b.iter().map(String::as_str).collect(),
            );
            if a != b && a.len() == b.len() {
                prop_assert_ne!(args(&a), args(&b));
            }
        }

        /// An id holds no control character, whatever the arguments.
        #[test]
        fn ids_hold_no_control_characters(a in prop::collection::vec(any::<String>(), 1..4)) {
            let list: Vec<&str> = a.iter().map(String::as_str).collect();
            prop_assert!(!args(&list).chars().any(char::is_control));
        }
    }
}
