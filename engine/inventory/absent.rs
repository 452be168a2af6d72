//! Facts left out of the inventory that a rule may need: every field declared with a
//! `probe` and not written. The loader fills them with their default (or null) so the
//! facts keep their shape; this list lets the evaluator say which rules had to assume.

use super::positions::Seg;
use crate::model::{Schema, Type, Value};

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
