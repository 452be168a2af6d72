//! The expression interpreter: borrows facts, allocates nothing on the hot path.

use std::cmp::Ordering;
use std::fmt::Write as _;

use super::shell;

use crate::model::{
    CmpOp, Expr, HopRef, Lang, Quantifier, Rulebook, Schema, Template, TemplatePart, Type, Value,
    Version, VersionRange,
};

/// A value seen through the interpreter: borrowed from the facts, the rulebook or the
/// hop. Entities keep their identity so they can become step arguments.
#[derive(Clone, Copy, Debug)]
pub enum Val<'a> {
    Null,
    Bool(bool),
    Int(i64),
    Str(&'a str),
    Ver(&'a Version),
    Range(&'a VersionRange),
    Enum(u16),
    List(&'a [Value]),
    Record(&'a [Value]),
    Entity {
        field: u16,
        index: u32,
        record: &'a [Value],
    },
}

impl<'a> Val<'a> {
    pub fn of(v: &'a Value) -> Val<'a> {
        match v {
            Value::Null => Val::Null,
            Value::Bool(b) => Val::Bool(*b),
            Value::Int(i) => Val::Int(*i),
            Value::Str(s) => Val::Str(s),
            Value::Version(v) => Val::Ver(v),
            Value::Range(r) => Val::Range(r),
            Value::Enum(e) => Val::Enum(*e),
            Value::List(l) => Val::List(l),
            Value::Record(r) => Val::Record(r),
        }
    }

    pub fn truthy(self) -> bool {
        matches!(self, Val::Bool(true))
    }

    /// An owned copy, for effects and step arguments. Entities have no value form.
    pub fn to_value(self) -> Value {
        match self {
            Val::Null | Val::Entity { .. } => Value::Null,
            Val::Bool(b) => Value::Bool(b),
            Val::Int(i) => Value::Int(i),
            Val::Str(s) => Value::Str(s.into()),
            Val::Ver(v) => Value::Version(v.clone()),
            Val::Range(r) => Value::Range(Box::new(r.clone())),
            Val::Enum(e) => Value::Enum(e),
            Val::List(l) => Value::List(l.to_vec()),
            Val::Record(r) => Value::Record(r.into()),
        }
    }

    fn record(self) -> Option<&'a [Value]> {
        match self {
            Val::Record(r) | Val::Entity { record: r, .. } => Some(r),
            _ => None,
        }
    }
}

/// The hop an expression is evaluated in.
#[derive(Debug)]
pub struct HopCtx<'a> {
    pub from: &'a Version,
    pub to: &'a Version,
    pub attrs: &'a Value,
    pub source: &'a Value,
    pub target: &'a Value,
    /// `hop.version`: the exact version the hop lands on.
    pub version: Version,
    /// `plan.target`: the version the whole path goes to.
    pub plan_target: Version,
}

impl<'a> HopCtx<'a> {
    /// The context of a hop that lands on `hop.to` with every component (`4.0.0`).
    pub fn new(rb: &'a Rulebook, hop: u16) -> HopCtx<'a> {
        static NULL: Value = Value::Null;
        let h = &rb.hops[hop as usize];
        HopCtx {
            from: &h.from,
            to: &h.to,
            attrs: &h.attrs,
            source: rb.release(&h.from).map_or(&NULL, |r| &r.facts),
            target: rb.release(&h.to).map_or(&NULL, |r| &r.facts),
            version: h.to.full(),
            plan_target: h.to.full(),
        }
    }

    /// The context of hop `pos` of a path to `target`: the last hop lands on the
    /// requested target itself (`--to 4.3.7`), the others on their `to`.
    pub fn on_path(rb: &'a Rulebook, hops: &[u16], pos: usize, target: &Version) -> HopCtx<'a> {
        let hop = hops.get(pos).copied().unwrap_or(0);
        let mut ctx = HopCtx::new(rb, hop);
        ctx.plan_target = target.full();
        if pos + 1 == hops.len() && ctx.to.compare(target).is_eq() {
            ctx.version = target.full();
        }
        ctx
    }
}

/// Everything an expression can read: the facts, the hop, and a frame of variables.
pub struct Env<'a> {
    pub schema: &'a Schema,
    pub root: &'a Value,
    pub hop: &'a HopCtx<'a>,
    pub slots: Vec<Val<'a>>,
    /// The language texts are rendered in ([`Template::in_lang`]); commands ignore it.
    pub lang: Lang,
}

impl<'a> Env<'a> {
    pub fn new(schema: &'a Schema, root: &'a Value, hop: &'a HopCtx<'a>, frame: u16) -> Env<'a> {
        Env {
            schema,
            root,
            hop,
            slots: vec![Val::Null; frame as usize],
            lang: Lang::En,
        }
    }

    /// The same environment rendering texts in `lang`.
    pub fn in_lang(mut self, lang: Lang) -> Env<'a> {
        self.lang = lang;
        self
    }

    pub fn set(&mut self, var: u16, val: Val<'a>) {
        if let Some(slot) = self.slots.get_mut(var as usize) {
            *slot = val;
        }
    }

    pub fn get(&self, var: u16) -> Val<'a> {
        self.slots.get(var as usize).copied().unwrap_or(Val::Null)
    }

    /// The entity at `index` of the root list `field`.
    pub fn entity(&self, field: u16, index: u32) -> Val<'a> {
        root_list(self.root, field)
            .and_then(|l| l.get(index as usize))
            .and_then(Value::as_record)
            .map_or(Val::Null, |record| Val::Entity {
                field,
                index,
                record,
            })
    }

    pub fn test(&mut self, e: &'a Expr) -> bool {
        self.eval(e).truthy()
    }

    pub fn test_opt(&mut self, e: Option<&'a Expr>) -> bool {
        e.is_none_or(|e| self.eval(e).truthy())
    }

    pub fn eval(&mut self, e: &'a Expr) -> Val<'a> {
        match e {
            Expr::Lit(v) => Val::of(v),
            Expr::Var(v) => self.get(*v),
            Expr::Root => Val::of(self.root),
            Expr::Hop(r) => self.hop_ref(*r),
            Expr::Field(base, i) => match self.eval(base).record() {
                Some(r) => r.get(*i as usize).map_or(Val::Null, Val::of),
                None => Val::Null,
            },
            Expr::RangeBound { range, upper } => match self.eval(range) {
                Val::Range(r) if *upper => Val::Ver(&r.hi),
                Val::Range(r) => Val::Ver(&r.lo),
                _ => Val::Null,
            },
            Expr::Not(x) => Val::Bool(!self.test(x)),
            Expr::And(a, b) => Val::Bool(self.test(a) && self.test(b)),
            Expr::Or(a, b) => Val::Bool(self.test(a) || self.test(b)),
            Expr::Cmp(op, a, b) => {
                let (a, b) = (self.eval(a), self.eval(b));
                Val::Bool(compare(*op, a, b))
            }
            Expr::In { item, set, negated } => Val::Bool(self.is_in(item, set) != *negated),
            Expr::Like(x, pattern) => match self.eval(x) {
                Val::Str(s) => Val::Bool(glob(pattern, s)),
                _ => Val::Bool(false),
            },
            Expr::Coalesce(a, b) => match self.eval(a) {
                Val::Null => self.eval(b),
                v => v,
            },
            Expr::Quant {
                kind,
                var,
                list,
                body,
            } => self.quantify(*kind, *var, list, body),
            Expr::HopIs { from, to } => Val::Bool(
                from.as_ref()
                    .is_none_or(|v| v.compare(self.hop.from).is_eq())
                    && to.as_ref().is_none_or(|v| v.compare(self.hop.to).is_eq()),
            ),
            Expr::List(_) => Val::Null,
        }
    }

    fn hop_ref(&self, r: HopRef) -> Val<'a> {
        match r {
            HopRef::From => Val::Ver(self.hop.from),
            HopRef::To => Val::Ver(self.hop.to),
            HopRef::Source => Val::of(self.hop.source),
            HopRef::Target => Val::of(self.hop.target),
            HopRef::Version => Val::Ver(&self.hop.version),
            HopRef::PlanTarget => Val::Ver(&self.hop.plan_target),
            HopRef::Attrs => Val::of(self.hop.attrs),
        }
    }

    fn is_in(&mut self, item: &'a Expr, set: &'a Expr) -> bool {
        let it = self.eval(item);
        if let Expr::List(items) = set {
            return items.iter().any(|x| {
                let v = self.eval(x);
                compare(CmpOp::Eq, it, v)
            });
        }
        match (self.eval(set), it) {
            (Val::List(l), _) => l.iter().any(|v| compare(CmpOp::Eq, it, Val::of(v))),
            (Val::Range(r), Val::Ver(v)) => r.contains(v),
            _ => false,
        }
    }

    fn quantify(&mut self, kind: Quantifier, var: u16, list: &'a Expr, body: &'a Expr) -> Val<'a> {
        let entity_field = match list {
            Expr::Field(base, f) if matches!(**base, Expr::Root) => {
                self.schema.entity_of_root_field(*f).map(|_| *f)
            }
            _ => None,
        };
        let items: &'a [Value] = match self.eval(list) {
            Val::List(l) => l,
            _ => &[],
        };
        let mut count = 0i64;
        for (i, item) in items.iter().enumerate() {
            let val = match (entity_field, item) {
                (Some(field), Value::Record(record)) => Val::Entity {
                    field,
                    index: i as u32,
                    record,
                },
                _ => Val::of(item),
            };
            self.set(var, val);
            let hit = self.test(body);
            match kind {
                Quantifier::Any if hit => return Val::Bool(true),
                Quantifier::All if !hit => return Val::Bool(false),
                Quantifier::Count if hit => count += 1,
                _ => {}
            }
        }
        match kind {
            Quantifier::Any => Val::Bool(false),
            Quantifier::All => Val::Bool(true),
            Quantifier::Count => Val::Int(count),
        }
    }

    /// Renders a message, title or command template against this frame.
    /// A text (title, note, message) in the environment's language.
    pub fn render(&mut self, t: &'a Template) -> String {
        let mut out = String::new();
        for part in &t.in_lang(self.lang).parts {
            match part {
                TemplatePart::Text(s) => out.push_str(s),
                TemplatePart::Hole(e, ty) => {
                    let v = self.eval(e);
                    display(self.schema, v, ty, &mut out);
                }
            }
        }
        out
    }

    /// A template whose holes may get a remark after their value (`decorate` sees the
    /// hole's expression and value): findings use it to say that a fact is what earlier
    /// steps of the plan make it, not what the inventory says.
    pub fn render_remarked(
        &mut self,
        t: &'a Template,
        decorate: &mut dyn FnMut(&mut Env<'a>, &'a Expr, Val<'a>) -> Option<String>,
    ) -> String {
        let mut out = String::new();
        for part in &t.in_lang(self.lang).parts {
            match part {
                TemplatePart::Text(s) => out.push_str(s),
                TemplatePart::Hole(e, ty) => {
                    let v = self.eval(e);
                    display(self.schema, v, ty, &mut out);
                    if let Some(remark) = decorate(self, e, v) {
                        out.push_str(&remark);
                    }
                }
            }
        }
        out
    }

    /// A `command` template: every hole's value is quoted for the shell context the
    /// template's text puts it in, so no value can add or end a command.
    pub fn render_command(&mut self, t: &'a Template) -> String {
        let mut out = String::new();
        let mut quotes = shell::Tracker::default();
        for part in &t.parts {
            match part {
                TemplatePart::Text(s) => {
                    quotes.feed(s);
                    out.push_str(s);
                }
                TemplatePart::Hole(e, ty) => {
                    let v = self.eval(e);
                    let mut value = String::new();
                    display(self.schema, v, ty, &mut value);
                    out.push_str(&shell::quote(&value, quotes.context()));
                }
            }
        }
        out
    }
}

pub fn root_list(root: &Value, field: u16) -> Option<&[Value]> {
    root.as_record()?.get(field as usize)?.as_list()
}

/// Equality and order between two values of one type; `null` equals only `null` and
/// orders against nothing.
pub fn compare(op: CmpOp, a: Val<'_>, b: Val<'_>) -> bool {
    let ord: Option<Ordering> = match (a, b) {
        (Val::Int(x), Val::Int(y)) => Some(x.cmp(&y)),
        (Val::Ver(x), Val::Ver(y)) => Some(x.compare(y)),
        (Val::Str(x), Val::Str(y)) => Some(x.cmp(y)),
        (Val::Enum(x), Val::Enum(y)) => Some(x.cmp(&y)),
        (Val::Bool(x), Val::Bool(y)) => Some(x.cmp(&y)),
        (Val::Null, Val::Null) => Some(Ordering::Equal),
        (
            Val::Entity {
                field: f1,
                index: i1,
                ..
            },
            Val::Entity {
                field: f2,
                index: i2,
                ..
            },
        ) => Some((f1, i1).cmp(&(f2, i2))),
        _ => None,
    };
    match op {
        CmpOp::Eq => ord == Some(Ordering::Equal),
        CmpOp::Ne => ord != Some(Ordering::Equal),
        CmpOp::Lt => ord == Some(Ordering::Less),
        CmpOp::Le => matches!(ord, Some(Ordering::Less | Ordering::Equal)),
        CmpOp::Gt => ord == Some(Ordering::Greater),
        CmpOp::Ge => matches!(ord, Some(Ordering::Greater | Ordering::Equal)),
    }
}

pub use crate::model::glob;

/// How a value reads in a message: enums by name, entities by their key, null as `none`.
pub fn display(schema: &Schema, v: Val<'_>, ty: &Type, out: &mut String) {
    match v {
        Val::Null => out.push_str("none"),
        Val::Bool(b) => out.push_str(if b { "yes" } else { "no" }),
        Val::Int(i) => {
            let _ = write!(out, "{i}");
        }
        // A credential inside a URL never reaches a plan: `https://***@host`.
        Val::Str(s) => out.push_str(&crate::sanitize::redact_url_userinfo(s)),
        Val::Ver(v) => {
            let _ = write!(out, "{v}");
        }
        // For people: `1.31–1.34`, `1.31 up to 1.35 (not included)`.
        Val::Range(r) if r.inclusive => {
            let _ = write!(out, "{}–{}", r.lo, r.hi);
        }
        Val::Range(r) => {
            let _ = write!(out, "{} up to {} (not included)", r.lo, r.hi);
        }
        Val::Enum(e) => match ty.non_null() {
            Type::Enum(id) => out.push_str(
                schema
                    .enum_def(*id)
                    .variants
                    .get(e as usize)
                    .map_or("?", String::as_str),
            ),
            _ => {
                let _ = write!(out, "#{e}");
            }
        },
        Val::List(items) => {
            let elem = match ty.non_null() {
                Type::List(t) => (**t).clone(),
                other => other.clone(),
            };
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                display(schema, Val::of(item), &elem, out);
            }
        }
        Val::Record(r) | Val::Entity { record: r, .. } => {
            let key = match ty.non_null() {
                Type::Record(id) => schema.record(*id).key_field,
                _ => None,
            };
            match key.and_then(|k| r.get(k as usize)) {
                Some(k) => display(schema, Val::of(k), &Type::Str, out),
                None => out.push('…'),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_matches_prefixes_suffixes_and_middles() {
        assert!(glob("log-storage-*", "log-storage-clickhouse"));
        assert!(glob("log-storage-*", "log-storage-"));
        assert!(!glob("log-storage-*", "log-essentials"));
        assert!(glob("*-operator", "foo-operator"));
        assert!(glob("a*b*c", "axxbyyc"));
        assert!(!glob("a*b*c", "axxbyy"));
        assert!(glob("exact", "exact"));
        assert!(!glob("exact", "exactly"));
    }

    #[test]
    fn null_equals_only_null_and_orders_against_nothing() {
        let v = Version::parse("1.2").unwrap_or_else(|_| Version::new(1, 2, 0, 2));
        assert!(compare(CmpOp::Eq, Val::Null, Val::Null));
        assert!(compare(CmpOp::Ne, Val::Null, Val::Ver(&v)));
        assert!(!compare(CmpOp::Lt, Val::Null, Val::Ver(&v)));
        assert!(!compare(CmpOp::Ge, Val::Null, Val::Ver(&v)));
    }
}
