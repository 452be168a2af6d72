//! Facts left out of the inventory that a rule may need: every field declared with a
//! `probe` and not written. The loader fills them with their default (or null) so the
//! facts keep their shape; this list lets the evaluator say which rules had to assume.

use super::positions::Seg;
use super::{Notice, NoticeKind};
use crate::model::{RecordId, Schema, Type, Value};

/// One probed field the inventory leaves out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Absent {
    /// Where it is: an entity of a root list (`Some((root field, index))`), or the
    /// root record itself (`None`).
    pub entity: Option<(u16, u32)>,
    /// The field, in the entity's record (or the root).
    pub field: u16,
    /// Dotted path with entity names: `clusters.biz-1.runtime`.
    pub fact: String,
    /// The schema's `probe` text: how to find the fact.
    pub probe: String,
}

/// Keeps the absences the evaluator can use (a field of an entity, or of the root) and
/// names them; those deeper in a record are not read through entity variables.
pub(crate) fn resolve(schema: &Schema, facts: &Value, paths: &[Vec<Seg>]) -> Vec<Absent> {
    let root = schema.record(schema.root);
    paths
        .iter()
        .filter_map(|path| match path.as_slice() {
            [Seg::Key(k)] => {
                let (field, def) = root.field(k)?;
                Some(Absent {
                    entity: None,
                    field,
                    fact: k.clone(),
                    probe: def.meta.probe.clone()?,
                })
            }
            [Seg::Key(list), Seg::Index(i), Seg::Key(k)] => {
                let (list_field, list_def) = root.field(list)?;
                let Type::List(inner) = list_def.ty.non_null() else {
                    return None;
                };
                let Type::Record(rec) = **inner else {
                    return None;
                };
                let record = schema.record(rec);
                let key = record.entity.as_ref()?.key_field;
                let (field, def) = record.field(k)?;
                let name = facts
                    .as_record()?
                    .get(list_field as usize)?
                    .as_list()?
                    .get(*i)?
                    .as_record()?
                    .get(key as usize)?
                    .as_str()?;
                Some(Absent {
                    entity: Some((list_field, *i as u32)),
                    field,
                    fact: format!("{list}.{name}.{k}"),
                    probe: def.meta.probe.clone()?,
                })
            }
            _ => None,
        })
        .collect()
}

/// The notice for a record written as its name alone, at `path` (a list element):
/// which fields it leaves unknown, and the defaults the rules run on instead. Its fact
/// names each list element by its key (`clusters.global.plugins.costmanager`), as
/// findings do.
pub(crate) fn by_name(schema: &Schema, facts: &Value, path: &[Seg]) -> Option<Notice> {
    let mut record = schema.root;
    let mut value = facts;
    let mut fact: Vec<String> = Vec::new();
    let mut entity = None;
    for seg in path {
        match seg {
            Seg::Key(k) => {
                let (i, def) = schema.record(record).field(k)?;
                value = value.as_record()?.get(i as usize)?;
                record = inner_record(&def.ty).unwrap_or(record);
                fact.push(k.clone());
            }
            Seg::Index(i) => {
                value = value.as_list()?.get(*i)?;
                let rec = schema.record(record);
                let name = rec
                    .key_field
                    .and_then(|k| value.as_record()?.get(k as usize)?.as_str())
                    .map_or_else(|| i.to_string(), str::to_string);
                if rec.entity.is_some() {
                    entity = Some(name.clone());
                }
                fact.push(name);
            }
        }
    }
    let rec = schema.record(record);
    let key = rec.by_name_alone()?;
    let unset: Vec<&crate::model::FieldDef> = rec
        .fields
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != key as usize)
        .map(|(_, f)| f)
        .collect();
    Some(Notice {
        kind: NoticeKind::NameOnly {
            record: rec.name.clone(),
            unset: unset.iter().map(|f| f.name.clone()).collect(),
            defaults: unset.iter().map(|f| shown(schema, f)).collect(),
        },
        value: fact.last().cloned().unwrap_or_default(),
        fact: fact.join("."),
        entity,
    })
}

/// The record a field's type holds, through optionals and lists.
fn inner_record(ty: &Type) -> Option<RecordId> {
    let mut ty = ty.non_null();
    while let Type::List(inner) = ty {
        ty = inner.non_null();
    }
    match ty {
        Type::Record(r) => Some(*r),
        _ => None,
    }
}

/// A field's default as YAML would write it: `cluster-plugin`, `"alauda"`, `null`.
fn shown(schema: &Schema, f: &crate::model::FieldDef) -> String {
    match (&f.default, f.ty.non_null()) {
        (Some(Value::Enum(i)), Type::Enum(id)) => schema
            .enum_def(*id)
            .variants
            .get(*i as usize)
            .cloned()
            .unwrap_or_default(),
        (Some(Value::Str(s)), _) => format!("\"{s}\""),
        (Some(Value::Bool(b)), _) => b.to_string(),
        (Some(Value::Int(n)), _) => n.to_string(),
        (Some(Value::Version(v)), _) => v.to_string(),
        (Some(Value::List(l)), _) if l.is_empty() => "[]".into(),
        _ => "null".into(),
    }
}
