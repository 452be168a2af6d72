//! Type expressions → [`Type`], enum interning, and assignability.

use rustc_hash::FxHashSet as HashSet;

use super::limits::{MAX_ENUMS, MAX_NAMES};
use super::{Cx, codes, suggest};
use crate::model::{EnumDef, EnumId, Format, RecordId, Type};
use crate::source::Span;
use crate::syntax::ast;

const PRIMITIVES: &[&str] = &[
    "bool",
    "int",
    "string",
    "version",
    "range",
    "dns-label",
    "dns-subdomain",
    "uint",
];

/// The refinement a written type names (`dns-label`, `[dns-subdomain]`, `uint?`): a
/// string or int the loader checks further.
pub fn format_of(t: &ast::TypeExpr) -> Option<Format> {
    match &t.kind {
        ast::TypeKind::Named(n) => match n.name.as_str() {
            "dns-label" => Some(Format::DnsLabel),
            "dns-subdomain" => Some(Format::DnsSubdomain),
            "uint" => Some(Format::NonNegative),
            _ => None,
        },
        ast::TypeKind::List(inner) => format_of(inner),
        ast::TypeKind::Enum(_) => None,
    }
}

impl Cx<'_> {
    /// Resolves a written type; `None` after reporting an unknown name.
    pub fn resolve_type(&mut self, t: &ast::TypeExpr) -> Option<Type> {
        let base = match &t.kind {
            ast::TypeKind::Named(name) => self.named_type(name)?,
            ast::TypeKind::Enum(variants) => Type::Enum(self.intern_enum(variants, t.span)?),
            ast::TypeKind::List(inner) => Type::List(Box::new(self.resolve_type(inner)?)),
        };
        Some(if t.optional {
            Type::Optional(Box::new(base))
        } else {
            base
        })
    }

    fn named_type(&mut self, name: &ast::Ident) -> Option<Type> {
        Some(match name.name.as_str() {
            "bool" => Type::Bool,
            "int" => Type::Int,
            "string" | "dns-label" | "dns-subdomain" => Type::Str,
            "uint" => Type::Int,
            "version" => Type::Version,
            "range" => Type::Range,
            other => match self.record_named(other) {
                Some(id) => Type::Record(id),
                None => return self.unknown_type(name),
            },
        })
    }

    fn unknown_type(&mut self, name: &ast::Ident) -> Option<Type> {
        let records: Vec<String> = self.user_record_names().map(str::to_string).collect();
        let candidates = PRIMITIVES
            .iter()
            .copied()
            .chain(records.iter().map(String::as_str));
        let help = suggest::help(&name.name, candidates);
        let p = self.problem(
            codes::UNKNOWN_TYPE,
            format!("unknown type `{}`", name.name),
            name.span,
            "not a type or a record",
        );
        self.report(p, help);
        None
    }

    pub fn user_record_names(&self) -> impl Iterator<Item = &str> + Clone {
        self.schema.records[..self.user_records.min(self.schema.records.len())]
            .iter()
            .map(|r| r.name.as_str())
    }

    /// A user-declared record by name.
    pub fn record_named(&self, name: &str) -> Option<RecordId> {
        self.record_index.get(name).copied()
    }

    /// The variants, each once, at most [`MAX_NAMES`].
    fn variant_names(&mut self, variants: &[ast::Ident]) -> Option<Vec<String>> {
        let mut seen: HashSet<&str> = HashSet::default();
        let mut names: Vec<String> = Vec::new();
        for v in variants {
            if !seen.insert(&v.name) {
                let p = self.problem(
                    codes::DUPLICATE,
                    format!("variant `{}` is listed twice", v.name),
                    v.span,
                    "listed again here",
                );
                self.push(p);
            } else if names.len() == MAX_NAMES {
                self.too_many("variants in one enum", MAX_NAMES, v.span);
                return None;
            } else {
                names.push(v.name.clone());
            }
        }
        Some(names)
    }

    /// The id of an enum with exactly these variants (the same list written twice is
    /// one type, so `c.dr == d.dr` type-checks across records). `None` past
    /// [`MAX_ENUMS`] distinct enums.
    fn intern_enum(&mut self, variants: &[ast::Ident], span: Span) -> Option<EnumId> {
        let names = self.variant_names(variants)?;
        if let Some(id) = self.enum_index.get(&names) {
            return Some(*id);
        }
        if self.schema.enums.len() == MAX_ENUMS {
            self.too_many("distinct enum types", MAX_ENUMS, span);
            return None;
        }
        let id = self.schema.enums.len() as EnumId;
        self.enum_index.insert(names.clone(), id);
        self.schema.enums.push(EnumDef { variants: names });
        Some(id)
    }

    pub fn type_name(&self, ty: &Type) -> String {
        self.schema.type_name(ty)
    }
}

/// Whether a value of type `value` may be stored where `target` is expected.
pub fn assignable(value: &Type, target: &Type) -> bool {
    match (value, target) {
        (v, t) if v == t => true,
        (Type::Null, Type::Optional(_)) => true,
        (v, Type::Optional(inner)) => assignable(v, inner),
        // `[]` has element type null until it meets a list
        (Type::List(v), Type::List(_)) if **v == Type::Null => true,
        (Type::List(v), Type::List(t)) => assignable(v, t),
        _ => false,
    }
}

/// Two operands of `==` / `!=` / `<` have one type (an empty list matches any list).
pub fn same(a: &Type, b: &Type) -> bool {
    match (a, b) {
        (Type::List(x), Type::List(y)) => **x == Type::Null || **y == Type::Null || same(x, y),
        _ => a == b,
    }
}
