//! `record`, `entity`, `inventory`, `release fields`, `hop fields` and `path` →
//! [`Schema`] and [`PathDecl`].

use super::limits::{MAX_DECLS, MAX_NAMES};
use super::types::format_of;
use super::{Cx, Decls, codes, suggest};
use crate::diagnostics::Problem;
use crate::model::{
    EntityInfo, FieldDef, FieldMeta, PathDecl, RecordDef, RecordId, Type, ValueMeaning,
};
use crate::source::Span;
use crate::syntax::ast;

pub fn build(cx: &mut Cx, d: &Decls) {
    let user = declare_records(cx, d);
    cx.schema.root = synthetic(cx, "inventory");
    cx.schema.release = synthetic(cx, "release");
    cx.schema.hop_fields = synthetic(cx, "hop");
    for (id, decl) in &user {
        fields(cx, *id, &decl.fields);
    }
    let root = cx.schema.root;
    match single(cx, &d.inventory, "`inventory`") {
        Some(block) => fields(cx, root, block),
        None => {
            let p = Problem::new(codes::MISSING_INVENTORY, "the rulebook declares no `inventory`")
                .help("declare the root of the inventory: `inventory { platform: platform  clusters: [cluster] }`");
            let p = cx.somewhere(p, None, "no rule file declares `inventory`");
            cx.push(p);
        }
    }
    if let Some(block) = single(cx, &d.release_fields, "`release fields`") {
        fields(cx, cx.schema.release, block);
    }
    if let Some(block) = single(cx, &d.hop_fields, "`hop fields`") {
        fields(cx, cx.schema.hop_fields, block);
    }
    for (id, decl) in &user {
        key_fields(cx, *id, decl);
    }
}

/// Registers every user record by name (fields come later, so records may refer to
/// each other in any order).
fn declare_records<'m>(cx: &mut Cx, d: &Decls<'m>) -> Vec<(RecordId, &'m ast::RecordDecl)> {
    let mut out = Vec::new();
    let decls = cx.unique("record", MAX_DECLS, d.records.iter().copied(), |r| {
        (r.name.name.clone(), r.name.span)
    });
    for decl in decls {
        let id = cx.schema.records.len() as RecordId;
        cx.record_index.insert(decl.name.name.clone(), id);
        cx.schema.records.push(RecordDef {
            name: decl.name.name.clone(),
            fields: Vec::new(),
            entity: None,
            key_field: None,
            span: decl.name.span,
        });
        out.push((id, decl));
    }
    cx.user_records = cx.schema.records.len();
    out
}

fn synthetic(cx: &mut Cx, name: &str) -> RecordId {
    cx.schema.records.push(RecordDef {
        name: name.into(),
        fields: Vec::new(),
        entity: None,
        key_field: None,
        span: Span::default(),
    });
    (cx.schema.records.len() - 1) as RecordId
}

/// The one declaration of a kind that may appear once; reports the extra ones.
fn single<'m>(
    cx: &mut Cx,
    decls: &[&'m ast::FieldBlock],
    what: &str,
) -> Option<&'m ast::FieldBlock> {
    let first = decls.first()?;
    for extra in &decls[1..] {
        cx.duplicate(
            "declaration",
            what.trim_matches('`'),
            first.span,
            extra.span,
        );
    }
    Some(first)
}

/// The fields of a block, at most [`MAX_NAMES`], each name once.
fn fields(cx: &mut Cx, id: RecordId, block: &ast::FieldBlock) {
    let unique = cx.unique("field", MAX_NAMES, &block.fields, |f| {
        (f.name.name.clone(), f.name.span)
    });
    for f in unique {
        let Some(ty) = cx.resolve_type(&f.ty) else {
            continue;
        };
        let default = f.default.as_ref().and_then(|e| cx.constant(e, &ty));
        let meta = FieldMeta {
            format: format_of(&f.ty),
            probe: f.probe.as_ref().and_then(|p| cx.plain_text(p)),
            doc: f.doc.as_ref().and_then(|p| cx.plain_string(p)),
            values: value_meanings(cx, f, &ty),
            ..FieldMeta::default()
        };
        cx.schema.records[id as usize].fields.push(FieldDef {
            name: f.name.name.clone(),
            ty,
            default,
            meta,
            span: f.name.span,
        });
    }
}

/// The `value` clauses of an enum field: each names one of its variants, once; a
/// synonym is no variant and belongs to one value only (else "did you mean" would
/// propose a value the word does not mean).
fn value_meanings(cx: &mut Cx, f: &ast::FieldDecl, ty: &Type) -> Vec<ValueMeaning> {
    let variants = match ty.non_null() {
        Type::Enum(id) => cx.schema.enum_def(*id).variants.clone(),
        _ => Vec::new(),
    };
    let mut out: Vec<ValueMeaning> = Vec::new();
    for v in &f.values {
        if variants.is_empty() {
            let p = cx.problem(
                codes::BAD_SYNONYM,
                "`value` explains a value of an enum",
                v.span,
                "this field is no enum",
            );
            cx.report(
                p,
                Some("move the meaning into the field's `doc \"…\"`".into()),
            );
            continue;
        }
        if !variants.contains(&v.name.name) || out.iter().any(|o| o.variant == v.name.name) {
            let p = cx.problem(
                codes::UNKNOWN_VARIANT,
                format!(
                    "`{}` is not a value of `{}`, or is explained twice",
                    v.name.name, f.name.name
                ),
                v.name.span,
                "this value",
            );
            cx.report(
                p,
                Some(format!("explain each of {} once", variants.join(", "))),
            );
            continue;
        }
        let doc = cx.plain_string(&v.doc).unwrap_or_default();
        let mut synonyms = Vec::new();
        for s in &v.synonyms {
            let Some(word) = cx.plain_string(s).map(|w| w.to_lowercase()) else {
                continue;
            };
            let taken = variants.contains(&word) || out.iter().any(|o| o.synonyms.contains(&word));
            if taken || synonyms.contains(&word) {
                let p = cx.problem(
                    codes::BAD_SYNONYM,
                    format!("`{word}` cannot be a synonym of `{}`", v.name.name),
                    s.span,
                    "this synonym",
                );
                cx.report(
                    p,
                    Some("a synonym is a word that is not a value and means one value only".into()),
                );
                continue;
            }
            synonyms.push(word);
        }
        out.push(ValueMeaning {
            variant: v.name.name.clone(),
            doc,
            synonyms,
        });
    }
    out
}

/// `key_field` for every record with a `name`; `EntityInfo` for entities.
fn key_fields(cx: &mut Cx, id: RecordId, decl: &ast::RecordDecl) {
    let key = cx
        .schema
        .record(id)
        .field("name")
        .map(|(i, f)| (i, f.ty.clone()));
    cx.schema.records[id as usize].key_field = key.as_ref().map(|(i, _)| *i);
    if !decl.entity {
        return;
    }
    let key_field = match key {
        Some((i, Type::Str)) => i,
        _ => {
            let p = cx.problem(
                codes::ENTITY_SHAPE,
                format!("entity `{}` has no `name: string` field", decl.name.name),
                decl.name.span,
                "entities are keyed by their name",
            );
            cx.report(
                p,
                Some("add `name: string`, or declare it as a `record`".into()),
            );
            return;
        }
    };
    if let Some(root_field) = root_field_of(cx, id, decl) {
        cx.schema.records[id as usize].entity = Some(EntityInfo {
            root_field,
            key_field,
        });
    }
}

/// The unique root field listing this entity.
fn root_field_of(cx: &mut Cx, id: RecordId, decl: &ast::RecordDecl) -> Option<u16> {
    let want = Type::List(Box::new(Type::Record(id)));
    let root = cx.schema.record(cx.schema.root);
    let hits: Vec<u16> = root
        .fields
        .iter()
        .enumerate()
        .filter(|(_, f)| f.ty == want)
        .map(|(i, _)| i as u16)
        .collect();
    if hits.len() == 1 {
        return Some(hits[0]);
    }
    let name = &decl.name.name;
    let (message, help) = if hits.is_empty() {
        (
            format!("no `inventory` field lists entity `{name}`"),
            format!("add a field like `{name}s: [{name}]` to `inventory`"),
        )
    } else {
        (
            format!("{} `inventory` fields list entity `{name}`", hits.len()),
            "every entity appears in exactly one root list".into(),
        )
    };
    let p = cx.problem(codes::ENTITY_SHAPE, message, decl.name.span, "this entity");
    cx.report(p, Some(help));
    None
}

pub fn path(cx: &mut Cx, d: &Decls) -> PathDecl {
    let Some(first) = d.paths.first() else {
        let p = Problem::new(codes::MISSING_PATH, "the rulebook declares no `path`")
            .help("say where the installed version and the target are: `path from platform.version to target`");
        // the path reads the inventory's fields: it belongs next to it
        let near = d.inventory.first().map(|b| Span {
            end: b.span.start,
            ..b.span
        });
        let p = cx.somewhere(p, near, "no `path` declaration");
        cx.push(p);
        return PathDecl {
            from: Vec::new(),
            to: None,
            span: Span::default(),
        };
    };
    for extra in &d.paths[1..] {
        cx.duplicate("declaration", "path", first.span, extra.span);
    }
    let from = path_end(cx, &first.from, false).unwrap_or_default();
    let to = first.to.as_ref().and_then(|t| path_end(cx, t, true));
    PathDecl {
        from,
        to,
        span: first.span,
    }
}

/// A `path` end: a root fact of type `version` (or `version?` for the target).
fn path_end(cx: &mut Cx, dotted: &ast::Dotted, optional_ok: bool) -> Option<Vec<u16>> {
    let (fields, ty) = root_path(cx, dotted)?;
    let ok = match &ty {
        Type::Version => true,
        Type::Optional(inner) => optional_ok && **inner == Type::Version,
        _ => false,
    };
    if !ok {
        let want = if optional_ok {
            "`version` or `version?`"
        } else {
            "`version`"
        };
        let p = cx.problem(
            codes::TYPE_MISMATCH,
            format!(
                "the path needs a {want} fact, `{}` is `{}`",
                dotted_text(dotted),
                cx.type_name(&ty)
            ),
            dotted.span,
            "not a version",
        );
        cx.push(p);
        return None;
    }
    // The path is matched to hops by major.minor: `3` could be any 3.x.
    if let Some((record, field)) = parent_of(cx, &fields)
        && let Some(def) = cx.schema.records[record as usize]
            .fields
            .get_mut(field as usize)
    {
        def.meta.min_precision = def.meta.min_precision.max(2);
    }
    Some(fields)
}

/// The record holding the last field of a root-relative path, and that field.
fn parent_of(cx: &Cx, fields: &[u16]) -> Option<(RecordId, u16)> {
    let (last, init) = fields.split_last()?;
    let mut record = cx.schema.root;
    for f in init {
        match cx.schema.field_def(record, *f)?.ty.non_null() {
            Type::Record(r) => record = *r,
            _ => return None,
        }
    }
    Some((record, *last))
}

/// Walks `a.b.c` from the inventory root through records.
fn root_path(cx: &mut Cx, dotted: &ast::Dotted) -> Option<(Vec<u16>, Type)> {
    let mut record = cx.schema.root;
    let mut fields = Vec::new();
    let mut ty = Type::Record(record);
    for part in &dotted.parts {
        let Type::Record(r) = ty else {
            let p = cx.problem(
                codes::UNKNOWN_FACT,
                format!("`{}` has no fields", cx.type_name(&ty)),
                part.span,
                "not a record",
            );
            cx.push(p);
            return None;
        };
        record = r;
        let Some((i, f)) = cx.schema.record(record).field(&part.name) else {
            cx.unknown_field(record, part);
            return None;
        };
        fields.push(i);
        ty = f.ty.clone();
    }
    Some((fields, ty))
}

pub fn dotted_text(d: &ast::Dotted) -> String {
    d.parts
        .iter()
        .map(|p| p.name.as_str())
        .collect::<Vec<_>>()
        .join(".")
}

impl Cx<'_> {
    /// Reports `record.name` as unknown, suggesting the closest field.
    pub fn unknown_field(&mut self, record: RecordId, name: &ast::Ident) {
        let r = self.schema.record(record);
        let help = suggest::help(&name.name, r.fields.iter().map(|f| f.name.as_str()));
        let what = if record == self.schema.root {
            "the inventory".to_string()
        } else if record == self.schema.hop_fields {
            "`hop`".to_string()
        } else if record == self.schema.release {
            "a release".to_string()
        } else {
            format!("`{}`", r.name)
        };
        let p = self.problem(
            codes::UNKNOWN_FACT,
            format!("{what} has no field `{}`", name.name),
            name.span,
            "unknown field",
        );
        self.report(p, help);
    }
}
