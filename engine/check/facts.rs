//! Reading IR expressions back: the facts a requirement reads, the variables a
//! condition reads, and `and` chains split into conjuncts.

use rustc_hash::FxHashSet as HashSet;

use crate::model::{Expr, FactRef, PlaceBase, Var};

/// Every maximal `var.field…` / root path `e` reads, in order, without repeats.
/// Paths through a quantifier's own variable are not facts; its list is.
pub fn fact_refs(e: &Expr) -> Vec<FactRef> {
    let mut out = Facts::default();
    walk_facts(e, &mut Vec::new(), &mut out);
    out.list
}

/// Facts in order of first reading, and a set of them (a requirement can read
/// thousands).
#[derive(Default)]
struct Facts {
    list: Vec<FactRef>,
    seen: HashSet<(Option<Var>, Vec<u16>)>,
}

fn walk_facts(e: &Expr, locals: &mut Vec<Var>, out: &mut Facts) {
    if let Some(f) = as_fact(e, locals) {
        let base = match f.base {
            PlaceBase::Root => None,
            PlaceBase::Var(v) => Some(v),
        };
        if out.seen.insert((base, f.fields.clone())) {
            out.list.push(f);
        }
        return;
    }
    if let Expr::Quant {
        var, list, body, ..
    } = e
    {
        walk_facts(list, locals, out);
        locals.push(*var);
        walk_facts(body, locals, out);
        locals.pop();
        return;
    }
    for child in children(e) {
        walk_facts(child, locals, out);
    }
}

/// `Field(Field(Var(c), 3), 1)` → `c.[3, 1]`.
fn as_fact(e: &Expr, locals: &[Var]) -> Option<FactRef> {
    let mut fields = Vec::new();
    let mut cur = e;
    while let Expr::Field(inner, i) = cur {
        fields.push(*i);
        cur = inner;
    }
    let base = match cur {
        Expr::Root => PlaceBase::Root,
        Expr::Var(v) if !locals.contains(v) => PlaceBase::Var(*v),
        _ => return None,
    };
    if fields.is_empty() {
        return None;
    }
    fields.reverse();
    Some(FactRef { base, fields })
}

/// The variables `e` reads, not counting those its quantifiers bind.
pub fn vars_read(e: &Expr) -> Vec<Var> {
    let mut out = Vec::new();
    walk_vars(e, &mut Vec::new(), &mut out);
    out
}

fn walk_vars(e: &Expr, locals: &mut Vec<Var>, out: &mut Vec<Var>) {
    match e {
        Expr::Var(v) if !locals.contains(v) && !out.contains(v) => out.push(*v),
        Expr::Quant {
            var, list, body, ..
        } => {
            walk_vars(list, locals, out);
            locals.push(*var);
            walk_vars(body, locals, out);
            locals.pop();
        }
        _ => {
            for child in children(e) {
                walk_vars(child, locals, out);
            }
        }
    }
}

pub(super) fn children(e: &Expr) -> Vec<&Expr> {
    match e {
        Expr::Lit(_) | Expr::Var(_) | Expr::Root | Expr::Hop(_) | Expr::HopIs { .. } => Vec::new(),
        Expr::Field(x, _) | Expr::Not(x) | Expr::Like(x, _) => vec![x],
        Expr::RangeBound { range, .. } => vec![range],
        Expr::And(a, b) | Expr::Or(a, b) | Expr::Cmp(_, a, b) | Expr::Coalesce(a, b) => vec![a, b],
        Expr::In { item, set, .. } => vec![item, set],
        Expr::Quant { list, body, .. } => vec![list, body],
        Expr::List(items) => items.iter().collect(),
    }
}

/// `a and (b and c)` → `[a, b, c]`.
pub fn conjuncts(e: Expr) -> Vec<Expr> {
    match e {
        Expr::And(a, b) => {
            let mut v = conjuncts(*a);
            v.extend(conjuncts(*b));
            v
        }
        other => vec![other],
    }
}

/// The conjunction of `parts`, or `None` when there are none.
pub fn conjunction(parts: Vec<Expr>) -> Option<Expr> {
    parts
        .into_iter()
        .reduce(|acc, e| Expr::And(Box::new(acc), Box::new(e)))
}
