//! `vocabulary record.field { "name" aka "alias" … }`: the names the rulebook knows for
//! a string field. The loader matches inventory values against it without regard to
//! case (and maps aliases); here every string literal a rule compares with such a field
//! must be one of its names, so a typo in a rule cannot silently match nothing.

use super::{Cx, Decls, codes, suggest};
use crate::model::{RecordId, Type, Vocabulary, glob};
use crate::source::Span;
use crate::syntax::ast;

pub fn build(cx: &mut Cx, d: &Decls) {
    for decl in &d.vocabularies {
        let Some((record, field)) = target(cx, &decl.field) else {
            continue;
        };
        if let Some(v) = cx
            .schema
            .field_def(record, field)
            .and_then(|f| f.meta.vocabulary)
        {
            let first = cx.schema.vocabularies[v as usize].span;
            let name = dotted_name(&decl.field);
            cx.duplicate("vocabulary", &name, first, decl.field.span);
            continue;
        }
        let vocab = entries(cx, decl, record, field);
        let index = cx.schema.vocabularies.len() as u16;
        cx.schema.vocabularies.push(vocab);
        if let Some(def) = cx.schema.records[record as usize]
            .fields
            .get_mut(field as usize)
        {
            def.meta.vocabulary = Some(index);
        }
    }
}

fn dotted_name(d: &ast::Dotted) -> String {
    d.parts
        .iter()
        .map(|p| p.name.as_str())
        .collect::<Vec<_>>()
        .join(".")
}

/// `plugin.name`: a record and one of its string fields.
fn target(cx: &mut Cx, d: &ast::Dotted) -> Option<(RecordId, u16)> {
    let [record, field] = d.parts.as_slice() else {
        let p = cx.problem(
            codes::BAD_PLACE,
            format!("`{}` is not a record's field", dotted_name(d)),
            d.span,
            "expected `record.field`",
        );
        cx.report(
            p,
            Some("name a string field of a record: `vocabulary plugin.name { … }`".into()),
        );
        return None;
    };
    let Some(id) = cx.record_named(&record.name) else {
        let names: Vec<String> = cx.user_record_names().map(str::to_string).collect();
        let help = suggest::help(&record.name, names.iter().map(String::as_str));
        let p = cx.problem(
            codes::UNKNOWN_TYPE,
            format!("unknown record `{}`", record.name),
            record.span,
            "not a record",
        );
        cx.report(p, help);
        return None;
    };
    let rec = cx.schema.record(id);
    let Some((i, def)) = rec.field(&field.name) else {
        let fields: Vec<String> = rec.fields.iter().map(|f| f.name.clone()).collect();
        let help = suggest::help(&field.name, fields.iter().map(String::as_str));
        let p = cx.problem(
            codes::UNKNOWN_FACT,
            format!("`{}` has no field `{}`", record.name, field.name),
            field.span,
            "unknown field",
        );
        cx.report(p, help);
        return None;
    };
    if *def.ty.non_null() != Type::Str {
        let ty = def.ty.clone();
        cx.mismatch(field.span, "a vocabulary field", &Type::Str, &ty);
        return None;
    }
    Some((id, i))
}

fn entries(cx: &mut Cx, decl: &ast::VocabularyDecl, record: RecordId, field: u16) -> Vocabulary {
    let mut v = Vocabulary {
        record,
        field,
        span: decl.field.span,
        ..Vocabulary::default()
    };
    let mut seen: Vec<(String, Span)> = Vec::new();
    for e in &decl.entries {
        let Some(name) = lowered(cx, &e.name, &mut seen) else {
            continue;
        };
        let index = v.names.len() as u16;
        v.names.push(name);
        for a in &e.aliases {
            if let Some(alias) = lowered(cx, a, &mut seen) {
                v.aliases.push((alias, index));
            }
        }
    }
    v
}

/// A name or alias in lowercase; reports holes and a name given twice.
fn lowered(cx: &mut Cx, s: &ast::StrLit, seen: &mut Vec<(String, Span)>) -> Option<String> {
    let text = cx.plain_string(s)?.to_lowercase();
    if let Some((_, first)) = seen.iter().find(|(t, _)| *t == text) {
        let first = *first;
        cx.duplicate("vocabulary name", &text, first, s.span);
        return None;
    }
    seen.push((text.clone(), s.span));
    Some(text)
}

impl Cx<'_> {
    /// A string literal compared with a vocabulary field must be one of its names (or,
    /// for `like`, match one); reports it with the closest name otherwise.
    pub fn check_vocabulary_literal(&mut self, vocab: u16, text: &str, span: Span, pattern: bool) {
        let Some(v) = self.schema.vocabularies.get(vocab as usize) else {
            return;
        };
        let lower = text.to_lowercase();
        let known = if pattern {
            v.names.iter().any(|n| n == &lower || glob(&lower, n))
        } else {
            v.knows(&lower)
        };
        if known {
            return;
        }
        let field = v.field_name(&self.schema);
        let names = v.names.clone();
        let help = suggest::closest(&lower, names.iter().map(String::as_str))
            .map(|c| format!("did you mean `{c}`? "))
            .unwrap_or_default()
            + &format!("add it to `vocabulary {field}` if the rules should know it");
        let p = self.problem(
            codes::UNKNOWN_VOCABULARY_NAME,
            format!("`{text}` is not a name the vocabulary of `{field}` knows"),
            span,
            "matches no known name",
        );
        self.report(p, Some(help));
    }
}
