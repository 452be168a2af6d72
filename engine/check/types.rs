//! Type expressions → [`Type`], enum interning, and assignability.

use super::{Cx, codes, suggest};
use crate::model::{EnumDef, EnumId, Format, RecordId, Type};
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
            ast::TypeKind::Enum(variants) => Type::Enum(self.intern_enum(variants)),
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
        self.user_record_names()
            .position(|n| n == name)
            .map(|i| i as RecordId)
    }

    /// The id of an enum with exactly these variants (the same list written twice is
    /// one type, so `c.dr == d.dr` type-checks across records).
    fn intern_enum(&mut self, variants: &[ast::Ident]) -> EnumId {
        let mut names: Vec<String> = Vec::new();
        for v in variants {
            if names.contains(&v.name) {
                let p = self.problem(
                    codes::DUPLICATE,
                    format!("variant `{}` is listed twice", v.name),
                    v.span,
                    "listed again here",
                );
                self.push(p);
            } else {
                names.push(v.name.clone());
            }
        }
        if let Some(i) = self.schema.enums.iter().position(|e| e.variants == names) {
            return i as EnumId;
        }
        self.schema.enums.push(EnumDef { variants: names });
        (self.schema.enums.len() - 1) as EnumId
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
