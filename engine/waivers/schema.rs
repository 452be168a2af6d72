//! The shape of a waivers file, as a schema the inventory loader reads: a root
//! record with one required list of waiver records. Unknown keys, missing fields,
//! wrong types, tags, depth and size are the loader's (`uplan::inventory::…` codes).

use std::sync::LazyLock;

use crate::model::{FieldDef, FieldMeta, RecordDef, Schema, Type, Value};
use crate::source::Span;

/// Field indices of the waiver record.
pub const RULE: usize = 0;
pub const CLUSTER: usize = 1;
pub const OWNER: usize = 2;
pub const REASON: usize = 3;
pub const TICKET: usize = 4;
pub const EXPIRES: usize = 5;

pub static SCHEMA: LazyLock<Schema> = LazyLock::new(|| {
    let field = |name: &str, ty: Type, default: Option<Value>| FieldDef {
        name: name.into(),
        ty,
        default,
        meta: FieldMeta::default(),
        span: Span::default(),
    };
    let record = |name: &str, fields: Vec<FieldDef>| RecordDef {
        name: name.into(),
        fields,
        entity: None,
        key_field: None,
        span: Span::default(),
    };
    let waiver = record(
        "waiver",
        vec![
            field("rule", Type::Str, None),
            field(
                "cluster",
                Type::Optional(Box::new(Type::Str)),
                Some(Value::Null),
            ),
            field("owner", Type::Str, None),
            field("reason", Type::Str, None),
            field("ticket", Type::Str, None),
            // A string, not a date type: YAML reads `2027-01-31` as a plain scalar,
            // and the date is checked after loading with its own diagnostic.
            field("expires", Type::Str, None),
        ],
    );
    let root = record(
        "waivers file",
        vec![field(
            "waivers",
            Type::List(Box::new(Type::Record(0))),
            None,
        )],
    );
    Schema {
        records: vec![waiver, root],
        enums: Vec::new(),
        root: 1,
        release: 1,
        hop_fields: 1,
        vocabularies: Vec::new(),
    }
});
