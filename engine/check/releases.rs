//! `release`, `hop` and `phases` declarations.

use std::cmp::Ordering;

use super::{Cx, Decls, codes};
use crate::model::{Hop, RecordId, Release, Value, Version};
use crate::source::Span;
use crate::syntax::ast;

pub fn build(cx: &mut Cx, d: &Decls) -> (Vec<Release>, Vec<Hop>) {
    let hops = hops(cx, d);
    let mut releases = declared_releases(cx, d);
    implicit_releases(cx, &hops, &mut releases);
    (releases, hops)
}

fn same_version(a: &Version, b: &Version) -> bool {
    a.compare(b) == Ordering::Equal && a.precision == b.precision
}

fn hops(cx: &mut Cx, d: &Decls) -> Vec<Hop> {
    let mut hops: Vec<Hop> = Vec::new();
    let record = cx.schema.hop_fields;
    for h in &d.hops {
        let (from, to) = (&h.from.version, &h.to.version);
        if let Some(first) = hops
            .iter()
            .find(|x| same_version(&x.from, from) && same_version(&x.to, to))
        {
            let first = first.span;
            cx.duplicate("hop", &format!("{from} -> {to}"), first, h.span);
            continue;
        }
        for v in [from, to] {
            if !cx.versions.iter().any(|k| same_version(k, v)) {
                cx.versions.push(v.clone());
            }
        }
        let Some(attrs) = record_value(cx, record, &h.fields, h.span, "this hop") else {
            continue;
        };
        hops.push(Hop {
            from: from.clone(),
            to: to.clone(),
            attrs,
            span: h.span,
        });
    }
    hops
}

fn declared_releases(cx: &mut Cx, d: &Decls) -> Vec<Release> {
    let mut releases: Vec<Release> = Vec::new();
    let record = cx.schema.release;
    for r in &d.releases {
        let v = &r.version.version;
        if let Some(first) = releases.iter().find(|x| same_version(&x.version, v)) {
            let first = first.span;
            cx.duplicate("release", &v.to_string(), first, r.span);
            continue;
        }
        let what = format!("release `{v}`");
        if let Some(facts) = record_value(cx, record, &r.fields, r.version.span, &what) {
            releases.push(Release {
                version: v.clone(),
                facts,
                span: r.span,
            });
        }
    }
    releases
}

/// A hop end without a `release` gets the release record's defaults, so
/// `hop.source` / `hop.target` are never null; when the record has required fields
/// that is an error instead.
fn implicit_releases(cx: &mut Cx, hops: &[Hop], releases: &mut Vec<Release>) {
    let record = cx.schema.release;
    let required: Vec<String> = cx
        .schema
        .record(record)
        .fields
        .iter()
        .filter(|f| f.required())
        .map(|f| format!("`{}`", f.name))
        .collect();
    for hop in hops {
        for v in [&hop.from, &hop.to] {
            if releases.iter().any(|r| same_version(&r.version, v)) {
                continue;
            }
            if required.is_empty() {
                let facts = record_value(cx, record, &[], hop.span, "");
                releases.push(Release {
                    version: v.clone(),
                    facts: facts.unwrap_or(Value::Null),
                    span: hop.span,
                });
                continue;
            }
            let p = cx.problem(
                codes::MISSING_RELEASE,
                format!("version `{v}` has no `release` declaration"),
                hop.span,
                format!("this hop needs release `{v}`"),
            );
            let help = format!(
                "declare `release {v} {{ ... }}` with {}",
                required.join(", ")
            );
            cx.report(p, Some(help));
            // one report per version is enough
            releases.push(Release {
                version: v.clone(),
                facts: Value::Null,
                span: hop.span,
            });
        }
    }
    releases.retain(|r| !r.facts.is_null());
}

/// `{ f = literal ... }` → a full record value of `record`: unnamed fields take their
/// defaults (or null when optional); a required field left out is an error.
pub fn record_value(
    cx: &mut Cx,
    record: RecordId,
    inits: &[ast::FieldInit],
    span: Span,
    what: &str,
) -> Option<Value> {
    let n = cx.schema.record(record).fields.len();
    let mut values: Vec<Option<Value>> = vec![None; n];
    let mut seen: Vec<(usize, Span)> = Vec::new();
    for init in inits {
        let Some((i, f)) = cx.schema.record(record).field(&init.name.name) else {
            cx.unknown_field(record, &init.name);
            continue;
        };
        let (i, ty) = (i as usize, f.ty.clone());
        if let Some((_, first)) = seen.iter().find(|(j, _)| *j == i) {
            let first = *first;
            cx.duplicate("field", &init.name.name, first, init.name.span);
            continue;
        }
        seen.push((i, init.name.span));
        values[i] = cx.constant(&init.value, &ty);
        values[i].as_ref()?;
    }
    fill_defaults(cx, record, values, span, what)
}

fn fill_defaults(
    cx: &mut Cx,
    record: RecordId,
    values: Vec<Option<Value>>,
    span: Span,
    what: &str,
) -> Option<Value> {
    let mut out = Vec::with_capacity(values.len());
    let mut missing = Vec::new();
    for (v, f) in values.into_iter().zip(&cx.schema.record(record).fields) {
        match (v, &f.default) {
            (Some(v), _) => out.push(v),
            (None, Some(d)) => out.push(d.clone()),
            (None, None) if f.ty.is_optional() => out.push(Value::Null),
            (None, None) => missing.push(format!("`{}`", f.name)),
        }
    }
    if missing.is_empty() {
        return Some(Value::Record(out.into()));
    }
    let p = cx.problem(
        codes::MISSING_FIELD,
        format!("{what} leaves out {}", missing.join(", ")),
        span,
        "required fields missing",
    );
    cx.report(
        p,
        Some("give every field that has no default and is not optional".into()),
    );
    None
}

pub fn phases(cx: &mut Cx, d: &Decls) -> Vec<String> {
    let Some(first) = d.phases.first() else {
        return Vec::new();
    };
    for extra in &d.phases[1..] {
        cx.duplicate("declaration", "phases", first.span, extra.span);
    }
    let mut names: Vec<&ast::Ident> = Vec::new();
    for name in &first.names {
        match names.iter().find(|n| n.name == name.name) {
            Some(prev) => {
                let prev = prev.span;
                cx.duplicate("phase", &name.name, prev, name.span);
            }
            None => names.push(name),
        }
    }
    cx.phases = names.iter().map(|n| n.name.clone()).collect();
    cx.phases.clone()
}
