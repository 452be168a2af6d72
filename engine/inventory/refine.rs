//! After the values are read: what the schema says beyond types. Kubernetes names
//! (`dns-label`, `dns-subdomain`), non-negative integers (`uint`), versions as precise
//! as the rules compare them, and names matched against a field's vocabulary
//! (canonical spelling in, a notice for a name the rulebook does not know).
//!
//! A separate pass over the facts rather than more branches in the seed: it runs only
//! when the schema declares any of these, and it sees whole values (a name is checked
//! once it is known to be a string).

use std::sync::Arc;

use super::codes;
use super::positions::{Positions, Seg};
use super::report::point;
use super::suggest::closest;
use super::{Notice, NoticeKind};
use crate::diagnostics::{Problem, Problems};
use crate::model::{FieldMeta, Format, Schema, Type, Value, Version};
use crate::source::{Sources, Span};

/// What the pass found: faults (bad input) and notices (warnings for the plan).
#[derive(Default)]
pub(crate) struct Refined {
    faults: Vec<(Vec<Seg>, Fault)>,
    pub notices: Vec<Notice>,
}

enum Fault {
    Name { text: String, format: Format },
    Negative { value: i64 },
    Imprecise { version: Version, needs: u8 },
}

/// Checks and canonicalises `facts` in place.
pub(crate) fn run(schema: &Schema, facts: &mut Value) -> Refined {
    let mut w = Walker {
        schema,
        out: Refined::default(),
        path: Vec::new(),
        entity: None,
    };
    if schema.records.iter().any(|r| r.fields.iter().any(has_meta)) {
        w.value(facts, &Type::Record(schema.root), &FieldMeta::default());
    }
    w.out
}

fn has_meta(f: &crate::model::FieldDef) -> bool {
    let m = &f.meta;
    m.format.is_some() || m.vocabulary.is_some() || m.min_precision > 1
}

struct Walker<'s> {
    schema: &'s Schema,
    out: Refined,
    path: Vec<Seg>,
    /// The name of the entity being walked, for notices.
    entity: Option<Arc<str>>,
}

impl Walker<'_> {
    fn value(&mut self, v: &mut Value, ty: &Type, meta: &FieldMeta) {
        match (ty.non_null(), v) {
            (Type::Record(id), v @ Value::Record(_)) => self.record(v, *id),
            (Type::List(inner), Value::List(items)) => {
                for (i, item) in items.iter_mut().enumerate() {
                    self.path.push(Seg::Index(i));
                    self.value(item, inner, meta);
                    self.path.pop();
                }
            }
            (Type::Str, Value::Str(s)) => self.string(s, meta),
            (Type::Int, Value::Int(n)) if meta.format == Some(Format::NonNegative) && *n < 0 => {
                let value = *n;
                self.fault(Fault::Negative { value })
            }
            (Type::Version, Value::Version(version)) if version.precision < meta.min_precision => {
                let fault = Fault::Imprecise {
                    version: version.clone(),
                    needs: meta.min_precision,
                };
                self.fault(fault);
            }
            _ => {}
        }
    }

    fn record(&mut self, v: &mut Value, id: u16) {
        let schema = self.schema;
        let rec = schema.record(id);
        let outer = self.entity.clone();
        if rec.entity.is_some()
            && let Some(key) = rec.key_field
            && let Some(name) = v.as_record().and_then(|r| r.get(key as usize)?.as_str())
        {
            self.entity = Some(Arc::from(name));
        }
        for (i, def) in rec.fields.iter().enumerate() {
            if !subtree_has_meta(schema, def) {
                continue;
            }
            let Some(fields) = v.as_record_mut() else {
                break;
            };
            self.path.push(Seg::Key(def.name.clone()));
            self.value(&mut fields[i], &def.ty, &def.meta);
            self.path.pop();
        }
        self.entity = outer;
    }

    fn string(&mut self, s: &mut Arc<str>, meta: &FieldMeta) {
        if let Some(format) = meta.format
            && !valid_name(s, format)
        {
            self.fault(Fault::Name {
                text: s.to_string(),
                format,
            });
        }
        if let Some(v) = meta
            .vocabulary
            .and_then(|i| self.schema.vocabularies.get(i as usize))
        {
            match v.canonical(s) {
                // a prefix match keeps the name, in lowercase like every known name
                Some("") if s.chars().any(char::is_uppercase) => *s = Arc::from(s.to_lowercase()),
                Some("") => {}
                Some(canonical) if canonical != &**s => *s = Arc::from(canonical),
                Some(_) => {}
                None => self.unknown_name(s, v),
            }
        }
    }

    fn unknown_name(&mut self, s: &str, v: &crate::model::Vocabulary) {
        let field = v.field_name(self.schema);
        let suggestion = closest(
            s,
            v.names
                .iter()
                .chain(v.aliases.iter().map(|(a, _)| a))
                .map(String::as_str),
        )
        .map(|c| self.canonical_of(v, c).to_string());
        self.out.notices.push(Notice {
            kind: NoticeKind::UnknownName { field, suggestion },
            value: s.to_string(),
            fact: dotted(&self.path),
            entity: self.entity.as_ref().map(|e| e.to_string()),
        });
    }

    fn canonical_of<'v>(&self, v: &'v crate::model::Vocabulary, name: &'v str) -> &'v str {
        v.canonical(name).filter(|c| !c.is_empty()).unwrap_or(name)
    }

    fn fault(&mut self, f: Fault) {
        self.out.faults.push((self.path.clone(), f));
    }
}

/// Whether a field or anything below it carries a check of this pass.
fn subtree_has_meta(schema: &Schema, def: &crate::model::FieldDef) -> bool {
    fn ty_has(schema: &Schema, ty: &Type, depth: u8) -> bool {
        if depth > 16 {
            return true;
        }
        match ty.non_null() {
            Type::List(inner) => ty_has(schema, inner, depth + 1),
            Type::Record(id) => schema
                .record(*id)
                .fields
                .iter()
                .any(|f| has_meta(f) || ty_has(schema, &f.ty, depth + 1)),
            _ => false,
        }
    }
    has_meta(def) || ty_has(schema, &def.ty, 0)
}

/// A dotted fact path with list indices: `clusters.2.plugins.0.name`.
fn dotted(path: &[Seg]) -> String {
    path.iter()
        .map(|s| match s {
            Seg::Key(k) => k.clone(),
            Seg::Index(i) => i.to_string(),
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// RFC 1123 names as Kubernetes uses them: a label is 1–63 of `[a-z0-9-]`, starting and
/// ending with a letter or digit; a subdomain is labels joined by `.`, at most 253.
pub fn valid_name(s: &str, format: Format) -> bool {
    let label = |l: &str| {
        let b = l.as_bytes();
        (1..=63).contains(&b.len())
            && b.iter()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
            && b[0] != b'-'
            && b[b.len() - 1] != b'-'
    };
    match format {
        Format::DnsLabel => label(s),
        Format::DnsSubdomain => s.len() <= 253 && s.split('.').all(label),
        Format::NonNegative => true,
    }
}

impl Refined {
    /// The faults as diagnostics pointing at their YAML nodes (positions are built
    /// only when there is something to report).
    pub(crate) fn problems(&self, name: &str, text: &str) -> Problems {
        if self.faults.is_empty() {
            return Problems::default();
        }
        let pos = Positions::build(text, super::limits::MAX_DEPTH);
        let mut sources = Sources::default();
        sources.add(name, text);
        let mut out: Vec<Problem> = self
            .faults
            .iter()
            .map(|(path, f)| {
                let span = match pos.walk(path) {
                    Some((at, _)) => {
                        let (s, e) = point(&pos, text, at);
                        Span::new(0, s, e)
                    }
                    None => Span::new(0, 0, 0),
                };
                problem(f, &pos.display(path), &sources, span)
            })
            .collect();
        out.sort_by_key(|p| p.span);
        Problems(out)
    }
}

fn problem(f: &Fault, place: &str, sources: &Sources, span: Span) -> Problem {
    match f {
        Fault::Name { text, format } => {
            let (what, help) = match format {
                Format::DnsLabel => (
                    "a Kubernetes name (DNS-1123 label)",
                    "at most 63 lowercase letters, digits and `-`, starting and ending with a letter or digit, like `biz-1`",
                ),
                _ => (
                    "a Kubernetes object name (DNS-1123 subdomain)",
                    "at most 253 characters: lowercase letters, digits, `-` and `.`, each dot-separated part starting and ending with a letter or digit, like `rp-1` or `cpaas.rp-1`",
                ),
            };
            Problem::new(
                codes::BAD_NAME,
                format!("`{text}` is not {what} (`{place}`)"),
            )
            .at(sources, span, "not a valid name")
            .help(format!(
                "names reach commands in the runbook, so they must be exactly what Kubernetes accepts: {help}"
            ))
        }
        Fault::Negative { value } => Problem::new(
            codes::NEGATIVE,
            format!("`{value}` cannot be negative (`{place}`)"),
        )
        .at(sources, span, "negative")
        .help("write zero or a positive whole number"),
        Fault::Imprecise { version, needs } => {
            let example = match needs {
                2 => "major.minor, like \"1.30\" or \"1.30.4\"",
                _ => "major.minor.patch, like \"4.3.0\"",
            };
            Problem::new(
                codes::IMPRECISE_VERSION,
                format!(
                    "`{version}` is not precise enough for `{place}`: the rules compare it at {needs} components"
                ),
            )
            .at(sources, span, format!("{} component(s)", version.precision))
            .help(format!(
                "`{version}` would compare equal to every version that starts with it; write {example}"
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubernetes_names() {
        for ok in ["a", "biz-1", "0abc", &"a".repeat(63)] {
            assert!(valid_name(ok, Format::DnsLabel), "{ok}");
        }
        for bad in [
            "",
            "-a",
            "a-",
            "Biz",
            "a_b",
            "a.b",
            "rp; curl x | sh",
            "a\nb",
            &"a".repeat(64),
        ] {
            assert!(!valid_name(bad, Format::DnsLabel), "{bad:?}");
        }
        assert!(valid_name("cpaas.rp-1", Format::DnsSubdomain));
        assert!(!valid_name("a..b", Format::DnsSubdomain));
        assert!(!valid_name(&"a.".repeat(130), Format::DnsSubdomain));
    }
}
