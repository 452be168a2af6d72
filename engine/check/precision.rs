//! What comparisons teach about the inventory's fields: how many components a version
//! fact needs (`c.kubernetes >= 1.28` makes `kubernetes: "1"` ambiguous, so the loader
//! rejects it), and which literals must belong to a field's vocabulary.

use std::collections::BTreeMap;

use super::Cx;
use super::expr::Typed;
use crate::model::{Expr, Hop, HopRef, Release, Type, Value};
use crate::source::Span;

/// The precision of versions that come from the rulebook rather than the inventory.
#[derive(Clone, Debug, Default)]
pub struct Known {
    /// The most components any hop endpoint has (`hop.from`, `hop.to`).
    pub hop: u8,
    /// Per release field, the most components any release gives it.
    pub release: BTreeMap<u16, u8>,
}

impl Cx<'_> {
    pub fn note_release_precision(&mut self, releases: &[Release], hops: &[Hop]) {
        self.precision.hop = hops
            .iter()
            .flat_map(|h| [h.from.precision, h.to.precision])
            .max()
            .unwrap_or(2);
        for r in releases {
            let Some(fields) = r.facts.as_record() else {
                continue;
            };
            for (i, v) in fields.iter().enumerate() {
                let p = precision_of_value(v);
                let slot = self.precision.release.entry(i as u16).or_default();
                *slot = (*slot).max(p);
            }
        }
    }

    /// `fact OP other` (or `fact in other`): `fact`'s field learns the precision of
    /// `other`, and a string literal must be a name of its vocabulary.
    pub fn learn_from_comparison(&mut self, fact: &Typed, other: &Typed, other_span: Span) {
        let Some((record, field)) = fact.field else {
            return;
        };
        if let Some(v) = self.vocabulary_of(fact) {
            for text in string_literals(&other.expr) {
                self.check_vocabulary_literal(v, &text, other_span, false);
            }
        }
        let Some(def) = self.schema.field_def(record, field) else {
            return;
        };
        if *def.ty.non_null() != Type::Version || record == self.schema.release {
            return;
        }
        let p = self.precision_of(&other.expr);
        if let Some(def) = self.schema.records[record as usize]
            .fields
            .get_mut(field as usize)
        {
            def.meta.min_precision = def.meta.min_precision.max(p);
        }
    }

    /// The vocabulary of the field a value is read from.
    pub fn vocabulary_of(&self, t: &Typed) -> Option<u16> {
        let (record, field) = t.field?;
        self.schema.field_def(record, field)?.meta.vocabulary
    }

    /// How many version components the rulebook side of a comparison has.
    fn precision_of(&self, e: &Expr) -> u8 {
        match e {
            Expr::Lit(v) => precision_of_value(v),
            Expr::List(items) => items
                .iter()
                .map(|i| self.precision_of(i))
                .max()
                .unwrap_or(0),
            Expr::Hop(HopRef::From | HopRef::To) => self.precision.hop,
            Expr::Hop(HopRef::Version | HopRef::PlanTarget) => 3,
            Expr::Field(base, i)
                if matches!(**base, Expr::Hop(HopRef::Source | HopRef::Target)) =>
            {
                self.precision.release.get(i).copied().unwrap_or(0)
            }
            Expr::Coalesce(a, b) => self.precision_of(a).max(self.precision_of(b)),
            Expr::RangeBound { range, .. } => self.precision_of(range),
            _ => 0,
        }
    }
}

fn precision_of_value(v: &Value) -> u8 {
    match v {
        Value::Version(v) => v.precision,
        Value::Range(r) => r.lo.precision.max(r.hi.precision),
        Value::List(items) => items.iter().map(precision_of_value).max().unwrap_or(0),
        _ => 0,
    }
}

fn string_literals(e: &Expr) -> Vec<String> {
    match e {
        Expr::Lit(Value::Str(s)) => vec![s.to_string()],
        Expr::Lit(Value::List(items)) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        Expr::List(items) => items.iter().flat_map(string_literals).collect(),
        _ => Vec::new(),
    }
}
