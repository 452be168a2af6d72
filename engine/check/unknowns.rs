//! Which facts with a `probe` a rule reads, and where: so the evaluator can tell "the
//! rule holds" from "the rule held only because the inventory left a fact out".

use super::facts::{children, conjuncts};
use crate::model::{Each, EachSource, Expr, ProbeRead, Rule, Schema, Unknowns, Var};

/// The rule's [`Unknowns`], or `None` when it reads no probed fact.
pub fn of(schema: &Schema, rule: &Rule) -> Option<Box<Unknowns>> {
    let r = Reader::new(schema, rule.each.first());
    let split = |e: &Option<Expr>| -> Vec<(Expr, Vec<ProbeRead>)> {
        e.clone()
            .map(conjuncts)
            .unwrap_or_default()
            .into_iter()
            .map(|c| {
                let reads = r.reads(&c);
                (c, reads)
            })
            .collect()
    };
    let when = split(&rule.when);
    let filter = split(&rule.each.first().and_then(|e| e.filter.clone()));
    let mut rest = Vec::new();
    for each in rule.each.iter().skip(1) {
        if let EachSource::List(list) = &each.source {
            rest.extend(r.reads(list));
        }
        if let Some(f) = &each.filter {
            rest.extend(r.reads(f));
        }
    }
    if let Some(req) = &rule.require {
        rest.extend(r.reads(req));
    }
    rest.sort_by_key(|p| format!("{p:?}"));
    rest.dedup();
    let any = !rest.is_empty()
        || when.iter().any(|(_, r)| !r.is_empty())
        || filter.iter().any(|(_, r)| !r.is_empty());
    any.then(|| Box::new(Unknowns { when, filter, rest }))
}

struct Reader<'s> {
    schema: &'s Schema,
    /// The first `each` variable and the entity record it ranges over.
    bound: Option<(Var, u16)>,
}

impl<'s> Reader<'s> {
    fn new(schema: &'s Schema, first: Option<&Each>) -> Reader<'s> {
        let bound = first.and_then(|e| match e.source {
            EachSource::Entity { record, .. } => Some((e.var, record)),
            EachSource::List(_) => None,
        });
        Reader { schema, bound }
    }

    fn reads(&self, e: &Expr) -> Vec<ProbeRead> {
        let mut out = Vec::new();
        self.walk(e, &mut Vec::new(), &mut out);
        out
    }

    /// `quants`: quantifier variables that range over a root list of entities, with
    /// that list's root field and record.
    fn walk(&self, e: &Expr, quants: &mut Vec<(Var, u16, u16)>, out: &mut Vec<ProbeRead>) {
        match e {
            Expr::Field(base, f) => {
                if let Some(read) = self.read(base, *f, quants)
                    && !out.contains(&read)
                {
                    out.push(read);
                }
                self.walk(base, quants, out);
            }
            Expr::Quant {
                var, list, body, ..
            } => {
                self.walk(list, quants, out);
                let entity = match &**list {
                    Expr::Field(root, rf) if matches!(**root, Expr::Root) => self
                        .schema
                        .entity_of_root_field(*rf)
                        .map(|rec| (*var, *rf, rec)),
                    _ => None,
                };
                let pushed = entity.is_some();
                quants.extend(entity);
                self.walk(body, quants, out);
                if pushed {
                    quants.pop();
                }
            }
            other => {
                for child in children(other) {
                    self.walk(child, quants, out);
                }
            }
        }
    }

    fn read(&self, base: &Expr, f: u16, quants: &[(Var, u16, u16)]) -> Option<ProbeRead> {
        let probed = |record: u16| {
            self.schema
                .field_def(record, f)
                .is_some_and(|d| d.meta.probe.is_some())
        };
        match base {
            Expr::Root if probed(self.schema.root) => Some(ProbeRead::Root(f)),
            Expr::Var(v) => {
                if let Some(&(_, list, rec)) = quants.iter().rev().find(|q| q.0 == *v) {
                    return probed(rec).then_some(ProbeRead::AnyOf { list, field: f });
                }
                let (bv, rec) = self.bound?;
                (bv == *v && probed(rec)).then_some(ProbeRead::Bound(f))
            }
            _ => None,
        }
    }
}
