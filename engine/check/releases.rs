//! `release`, `hop` and `phases` declarations.

use std::cmp::Ordering;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use super::limits::{MAX_HOPS, MAX_NAMES};
use super::{Cx, Decls, codes};
use crate::diagnostics::Problem;
use crate::model::{Hop, RecordId, Release, Value, Version};
use crate::source::Span;
use crate::syntax::ast;

pub fn build(cx: &mut Cx, d: &Decls) -> (Vec<Release>, Vec<Hop>) {
    let hops = hops(cx, d);
    if d.hops.is_empty() {
        let p = Problem::new(codes::MISSING_HOP, "the rulebook declares no `hop`")
            .help("declare the upgrades the path can take: `hop 4.0 -> 4.1`");
        let near = d.paths.first().map(|p| p.span);
        let p = cx.somewhere(p, near, "no `hop` declaration: no version is reachable");
        cx.push(p);
    }
    let mut releases = declared_releases(cx, d);
    implicit_releases(cx, &hops, &mut releases);
    (releases, hops)
}

/// What makes two versions the same declaration: equal when compared (at their
/// common precision) and written with as many numbers. A hash key, so that finding a
/// duplicate among thousands of hops costs one lookup.
type VersionKey = (u8, u64, u64, u64, String);

fn key(v: &Version) -> VersionKey {
    let p = v.precision;
    let part = |n: u8, x: u64| if p >= n { x } else { 0 };
    let pre = if p >= 3 {
        v.pre.to_string()
    } else {
        String::new()
    };
    (p, v.major, part(2, v.minor), part(3, v.patch), pre)
}

fn hops(cx: &mut Cx, d: &Decls) -> Vec<Hop> {
    let mut hops: Vec<Hop> = Vec::new();
    let mut seen: HashMap<(VersionKey, VersionKey), Span> = HashMap::default();
    let mut versions: HashSet<VersionKey> = HashSet::default();
    let record = cx.schema.hop_fields;
    for h in &d.hops {
        let (from, to) = (&h.from.version, &h.to.version);
        if let Some(first) = seen.get(&(key(from), key(to))) {
            cx.duplicate("hop", &format!("{from} -> {to}"), *first, h.span);
            continue;
        }
        if seen.len() == MAX_HOPS {
            cx.too_many("hops", MAX_HOPS, h.span);
            break;
        }
        seen.insert((key(from), key(to)), h.span);
        if !forward(cx, h) {
            continue;
        }
        for v in [from, to] {
            if versions.insert(key(v)) {
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

/// A hop goes to a newer version. `hop 4.3 -> 4.3` changes nothing and `hop 4.3 ->
/// 4.0` goes back: the planner follows hops as upgrades, so the first would be an empty
/// hop and the second a downgrade (or, with `hop 4.0 -> 4.3`, a loop).
fn forward(cx: &mut Cx, h: &ast::HopDecl) -> bool {
    let (from, to) = (&h.from.version, &h.to.version);
    let (message, label) = match from.compare(to) {
        Ordering::Less => return true,
        Ordering::Equal => (
            format!("hop `{from} -> {to}` does not change the version"),
            format!("the same version as `{from}`"),
        ),
        Ordering::Greater => (
            format!("hop `{from} -> {to}` goes back to an older version"),
            format!("older than `{from}`"),
        ),
    };
    let p = cx
        .problem(codes::BAD_HOP, message, h.to.span, label)
        .help("a hop is an upgrade: the older version comes first, as in `hop 4.0 -> 4.3`; uplan does not plan downgrades");
    cx.push(p);
    false
}

fn declared_releases(cx: &mut Cx, d: &Decls) -> Vec<Release> {
    let mut releases: Vec<Release> = Vec::new();
    let mut seen: HashMap<VersionKey, Span> = HashMap::default();
    let record = cx.schema.release;
    for r in &d.releases {
        let v = &r.version.version;
        if let Some(first) = seen.get(&key(v)) {
            cx.duplicate("release", &v.to_string(), *first, r.span);
            continue;
        }
        if seen.len() == MAX_HOPS {
            cx.too_many("releases", MAX_HOPS, r.span);
            break;
        }
        seen.insert(key(v), r.span);
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
    let mut known: HashSet<VersionKey> = releases.iter().map(|r| key(&r.version)).collect();
    for hop in hops {
        for v in [&hop.from, &hop.to] {
            if !known.insert(key(v)) {
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
    let mut seen: HashMap<usize, Span> = HashMap::default();
    for init in inits {
        let Some((i, f)) = cx.schema.record(record).field(&init.name.name) else {
            cx.unknown_field(record, &init.name);
            continue;
        };
        let (i, ty) = (i as usize, f.ty.clone());
        if let Some(first) = seen.get(&i) {
            cx.duplicate("field", &init.name.name, *first, init.name.span);
            continue;
        }
        seen.insert(i, init.name.span);
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
    let names = cx.unique("phase", MAX_NAMES, &first.names, |n| {
        (n.name.clone(), n.span)
    });
    cx.phases = names.iter().map(|n| n.name.clone()).collect();
    cx.phases.clone()
}
