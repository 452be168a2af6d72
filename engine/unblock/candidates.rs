//! Fact changes: where a dotted fact path lives in the facts, what values it could
//! take (from its type and the rulebook's literals), and applying changes.

use crate::model::{EachSource, Expr, Rule, Rulebook, Type, Value, Version};
use crate::plan::Finding;

/// How many candidate values one fact offers (nearest the current value first).
const MAX_PER_FACT: usize = 24;

/// One fact set to another value: `clusters.nimbus-api-aks.kubernetes` 1.35.2 → 1.34.
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    /// Dotted path: list elements by their name (`clusters.x.kubernetes`).
    pub fact: String,
    pub from: String,
    pub to: String,
    pub value: Value,
}

/// Where a fact is: value indices from the root, its type and its current value.
struct Located {
    loc: Vec<u32>,
    ty: Type,
    current: Value,
}

/// Resolves `clusters.biz-1.kubernetes` (a list element by its key field or index).
fn locate(rb: &Rulebook, facts: &Value, path: &str) -> Option<Located> {
    let schema = &rb.schema;
    let (mut ty, mut cur, mut loc) = (Type::Record(schema.root), facts, Vec::new());
    for seg in path.split('.') {
        match ty.non_null().clone() {
            Type::Record(r) => {
                let (i, def) = schema.record(r).field(seg)?;
                cur = cur.as_record()?.get(i as usize)?;
                ty = def.ty.clone();
                loc.push(u32::from(i));
            }
            Type::List(inner) => {
                let items = cur.as_list()?;
                let key = match inner.non_null() {
                    Type::Record(r) => schema.record(*r).key_field,
                    _ => None,
                };
                let at = items.iter().position(|item| {
                    key.and_then(|k| {
                        item.as_record()?
                            .get(k as usize)?
                            .as_str()
                            .map(|s| s == seg)
                    })
                    .unwrap_or(false)
                });
                let at = at.or_else(|| seg.parse::<usize>().ok().filter(|&n| n < items.len()))?;
                cur = &items[at];
                ty = (*inner).clone();
                loc.push(at as u32);
            }
            _ => return None,
        }
    }
    Some(Located {
        loc,
        ty,
        current: cur.clone(),
    })
}

/// The candidate changes that could clear finding `f` on `facts`.
pub fn for_finding(rb: &Rulebook, facts: &Value, f: &Finding) -> Vec<Change> {
    let rule = rb.rules.iter().find(|r| r.id == f.rule);
    let target = rb.path.to.as_ref().map(|t| field_path(rb, t));
    let literals = Literals::of(rb);
    let mut out = Vec::new();
    for fact in &f.facts {
        if Some(fact) == target.as_ref() {
            continue; // the target is the question, not a fact to change
        }
        let Some(at) = locate(rb, facts, fact) else {
            continue;
        };
        match (at.ty.non_null(), rule) {
            (Type::List(inner), Some(rule)) => {
                list_candidates(rb, facts, fact, inner, rule, &literals, &mut out)
            }
            _ => out.extend(
                values(rb, &at.ty, &at.current, &literals)
                    .into_iter()
                    .map(|v| change(rb, fact, &at, v)),
            ),
        }
    }
    out
}

/// For a list of records (`clusters` of a count rule): the fields the rule reads,
/// on each element.
fn list_candidates(
    rb: &Rulebook,
    facts: &Value,
    fact: &str,
    inner: &Type,
    rule: &Rule,
    literals: &Literals,
    out: &mut Vec<Change>,
) {
    let Type::Record(r) = inner.non_null() else {
        return;
    };
    let record = rb.schema.record(*r);
    let Some(items) = locate(rb, facts, fact).and_then(|l| l.current.as_list().map(<[Value]>::len))
    else {
        return;
    };
    for n in 0..items {
        let element = format!(
            "{fact}.{}",
            element_name(rb, facts, fact, n).unwrap_or_else(|| n.to_string())
        );
        for field in &record.fields {
            if !rule
                .reads
                .contains(&format!("{}.{}", record.name, field.name))
            {
                continue;
            }
            let path = format!("{element}.{}", field.name);
            if let Some(at) = locate(rb, facts, &path) {
                let vs = values(rb, &at.ty, &at.current, literals);
                out.extend(vs.into_iter().map(|v| change(rb, &path, &at, v)));
            }
        }
    }
}

fn element_name(rb: &Rulebook, facts: &Value, fact: &str, n: usize) -> Option<String> {
    let at = locate(rb, facts, fact)?;
    let Type::List(inner) = at.ty.non_null() else {
        return None;
    };
    let Type::Record(r) = inner.non_null() else {
        return None;
    };
    let key = rb.schema.record(*r).key_field?;
    let item = at.current.as_list()?.get(n)?;
    item.as_record()?
        .get(key as usize)?
        .as_str()
        .map(str::to_string)
}

fn change(rb: &Rulebook, fact: &str, at: &Located, value: Value) -> Change {
    Change {
        fact: fact.to_string(),
        from: show(rb, &at.ty, &at.current),
        to: show(rb, &at.ty, &value),
        value,
    }
}

/// Values of `ty` other than `current`, nearest first.
fn values(rb: &Rulebook, ty: &Type, current: &Value, lit: &Literals) -> Vec<Value> {
    let mut out: Vec<Value> = match ty.non_null() {
        Type::Enum(e) => (0..rb.schema.enum_def(*e).variants.len() as u16)
            .map(Value::Enum)
            .collect(),
        Type::Bool => vec![Value::Bool(false), Value::Bool(true)],
        Type::Version => {
            let mut vs = lit.versions.clone();
            if let Some(c) = current.as_version() {
                vs.sort_by_key(|v| key(v).abs_diff(key(c)));
            }
            vs.into_iter().map(Value::Version).collect()
        }
        Type::Int => {
            let mut is = lit.ints.clone();
            if let Value::Int(c) = current {
                is.sort_by_key(|i| i.abs_diff(*c));
            }
            is.into_iter().map(Value::Int).collect()
        }
        _ => Vec::new(),
    };
    if ty.is_optional() {
        out.push(Value::Null);
    }
    out.retain(|v| v != current);
    out.truncate(MAX_PER_FACT);
    out
}

fn key(v: &Version) -> u64 {
    v.major
        .saturating_mul(1_000_000)
        .saturating_add(v.minor.min(999) * 1000)
        .saturating_add(v.patch.min(999))
}

/// A value as a person reads it: enums by name.
fn show(rb: &Rulebook, ty: &Type, v: &Value) -> String {
    match (ty.non_null(), v) {
        (_, Value::Null) => "null".into(),
        (Type::Enum(e), Value::Enum(i)) => rb
            .schema
            .enum_def(*e)
            .variants
            .get(*i as usize)
            .cloned()
            .unwrap_or_default(),
        (_, Value::Version(v)) => v.to_string(),
        (_, Value::Int(i)) => i.to_string(),
        (_, Value::Bool(b)) => b.to_string(),
        (_, Value::Str(s)) => crate::sanitize::one_line(s).into_owned(),
        (_, Value::List(items)) => format!("{} entries", items.len()),
        _ => "…".into(),
    }
}

/// A root-relative field path as dotted names.
fn field_path(rb: &Rulebook, fields: &[u16]) -> String {
    let mut rec = rb.schema.root;
    let mut names = Vec::new();
    for &f in fields {
        let Some(def) = rb.schema.field_def(rec, f) else {
            break;
        };
        names.push(def.name.clone());
        if let Type::Record(r) = def.ty.non_null() {
            rec = *r;
        }
    }
    names.join(".")
}

/// `facts` with `changes` applied (a change whose fact is not there is skipped).
pub fn apply(rb: &Rulebook, facts: &Value, changes: &[Change]) -> Value {
    let mut out = facts.clone();
    for c in changes {
        if let Some(at) = locate(rb, &out, &c.fact) {
            set(&mut out, &at.loc, c.value.clone());
        }
    }
    out
}

fn set(v: &mut Value, loc: &[u32], value: Value) {
    let Some((&first, rest)) = loc.split_first() else {
        *v = value;
        return;
    };
    let child = match v {
        Value::List(items) => items.get_mut(first as usize),
        other => other
            .as_record_mut()
            .and_then(|r| r.get_mut(first as usize)),
    };
    if let Some(child) = child {
        set(child, rest, value);
    }
}

/// Every version and integer the rulebook writes (rules, releases, hops), sorted.
struct Literals {
    versions: Vec<Version>,
    ints: Vec<i64>,
}

impl Literals {
    fn of(rb: &Rulebook) -> Literals {
        let mut l = Literals {
            versions: Vec::new(),
            ints: vec![0],
        };
        for r in &rb.rules {
            for e in r.when.iter().chain(&r.require) {
                l.expr(e);
            }
            for each in &r.each {
                l.expr_opt(each.filter.as_ref());
                if let EachSource::List(e) = &each.source {
                    l.expr(e);
                }
            }
        }
        for rel in &rb.releases {
            l.versions.push(rel.version.clone());
            l.value(&rel.facts);
        }
        for h in &rb.hops {
            l.versions.push(h.from.clone());
            l.versions.push(h.to.clone());
        }
        l.versions
            .sort_by(|a, b| a.compare(b).then_with(|| a.precision.cmp(&b.precision)));
        l.versions.dedup();
        l.ints.sort_unstable();
        l.ints.dedup();
        l
    }

    fn value(&mut self, v: &Value) {
        match v {
            Value::Version(v) => self.versions.push(v.clone()),
            Value::Range(r) => {
                self.versions.push(r.lo.clone());
                self.versions.push(r.hi.clone());
            }
            Value::Int(i) if *i >= 0 => self.ints.push(*i),
            Value::List(items) => items.iter().for_each(|i| self.value(i)),
            Value::Record(fields) => fields.iter().for_each(|f| self.value(f)),
            _ => {}
        }
    }

    fn expr_opt(&mut self, e: Option<&Expr>) {
        if let Some(e) = e {
            self.expr(e);
        }
    }

    fn expr(&mut self, e: &Expr) {
        match e {
            Expr::Lit(v) => self.value(v),
            Expr::Field(b, _) | Expr::Not(b) | Expr::Like(b, _) => self.expr(b),
            Expr::RangeBound { range, .. } => self.expr(range),
            Expr::And(a, b) | Expr::Or(a, b) | Expr::Cmp(_, a, b) | Expr::Coalesce(a, b) => {
                self.expr(a);
                self.expr(b);
            }
            Expr::In { item, set, .. } => {
                self.expr(item);
                self.expr(set);
            }
            Expr::Quant { list, body, .. } => {
                self.expr(list);
                self.expr(body);
            }
            Expr::HopIs { from, to } => {
                self.versions.extend(from.iter().cloned());
                self.versions.extend(to.iter().cloned());
            }
            Expr::List(items) => items.iter().for_each(|i| self.expr(i)),
            Expr::Var(_) | Expr::Root | Expr::Hop(_) => {}
        }
    }
}
