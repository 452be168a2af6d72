//! The schema a rulebook declares: records, entities, enums and the inventory root.

use super::value::Value;
use crate::source::Span;

pub type RecordId = u16;
pub type EnumId = u16;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Type {
    Bool,
    Int,
    Str,
    Version,
    Range,
    Enum(EnumId),
    List(Box<Type>),
    Record(RecordId),
    Optional(Box<Type>),
    /// The type of `null` before it meets an optional.
    Null,
}

impl Type {
    pub fn is_optional(&self) -> bool {
        matches!(self, Type::Optional(_) | Type::Null)
    }

    /// The type without its optional wrapper.
    pub fn non_null(&self) -> &Type {
        match self {
            Type::Optional(inner) => inner,
            other => other,
        }
    }
}

#[derive(Clone, Debug)]
pub struct FieldDef {
    pub name: String,
    pub ty: Type,
    /// Used when the inventory leaves the field out. Optional fields default to null.
    pub default: Option<Value>,
    pub meta: FieldMeta,
    pub span: Span,
}

/// What the loader checks beyond the type, and what the evaluator says when the
/// inventory leaves the field out.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldMeta {
    /// A refinement of the field's base type (`dns-label` is a string).
    pub format: Option<Format>,
    /// How to find the fact on a live platform (`probe "kubectl get nodes -o wide"`):
    /// a field with a probe left out of the inventory is unknown, not its default.
    pub probe: Option<String>,
    /// For version fields: the fewest components a value must have, because some
    /// rule compares the field with a version that precise (`1.28` needs `1.x`).
    pub min_precision: u8,
    /// Index into [`Schema::vocabularies`] when the field's values are names the
    /// rulebook knows.
    pub vocabulary: Option<u16>,
    /// What the field means (`doc "…"`): docs/inventory.md, JSON Schema descriptions.
    pub doc: Option<String>,
    /// What each value of an enum field means, in the enum's order where declared.
    pub values: Vec<ValueMeaning>,
}

/// `value builtin "…" synonyms "internal", "local"`: one enum value explained, and the
/// words people write when they mean it. Synonyms only steer "did you mean": they are
/// never accepted as the value.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ValueMeaning {
    pub variant: String,
    pub doc: String,
    /// Lowercase.
    pub synonyms: Vec<String>,
}

impl FieldMeta {
    /// The meaning of `variant`, when the rulebook explains it.
    pub fn value(&self, variant: &str) -> Option<&ValueMeaning> {
        self.values.iter().find(|v| v.variant == variant)
    }

    /// The variant `word` is a synonym of (`internal` → `builtin`).
    pub fn synonym_of(&self, word: &str) -> Option<&str> {
        let lower = word.to_lowercase();
        self.values
            .iter()
            .find(|v| v.synonyms.contains(&lower))
            .map(|v| v.variant.as_str())
    }
}

/// Built-in refinements of `string` and `int`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// `dns-label`: a Kubernetes name of one DNS label (RFC 1123): at most 63
    /// characters, lowercase letters, digits and `-`, starting and ending with a
    /// letter or digit. Cluster names.
    DnsLabel,
    /// `dns-subdomain`: labels joined by `.`, at most 253 characters. Most
    /// Kubernetes object names.
    DnsSubdomain,
    /// `uint`: an integer that cannot be negative.
    NonNegative,
}

impl Format {
    /// The type name as written in a rule file.
    pub fn name(self) -> &'static str {
        match self {
            Format::DnsLabel => "dns-label",
            Format::DnsSubdomain => "dns-subdomain",
            Format::NonNegative => "uint",
        }
    }
}

/// The names a string field may hold (`vocabulary plugin.name { … }`): matched
/// without regard to case, aliases mapped to their canonical name; a name ending in
/// `*` matches every name with that prefix.
#[derive(Clone, Debug, Default)]
pub struct Vocabulary {
    pub record: RecordId,
    pub field: u16,
    /// Canonical names (lowercase), in declaration order.
    pub names: Vec<String>,
    /// (alias in lowercase, index into `names`).
    pub aliases: Vec<(String, u16)>,
    pub span: Span,
}

impl Vocabulary {
    /// The canonical name `text` stands for, if the vocabulary knows it.
    pub fn canonical(&self, text: &str) -> Option<&str> {
        let lower = text.to_lowercase();
        if let Some(n) = self.names.iter().find(|n| **n == lower) {
            return Some(n);
        }
        if let Some((_, i)) = self.aliases.iter().find(|(a, _)| *a == lower) {
            return self.names.get(*i as usize).map(String::as_str);
        }
        // A prefix pattern keeps the name as written (lowercased): `log-storage-*`
        // knows every log storage plugin without renaming it.
        self.names
            .iter()
            .filter_map(|n| n.strip_suffix('*'))
            .any(|prefix| lower.starts_with(prefix))
            .then_some("")
    }

    /// `plugin.name`: the field the vocabulary is for, as rule files write it.
    pub fn field_name(&self, schema: &Schema) -> String {
        let rec = schema.record(self.record);
        let f = rec
            .fields
            .get(self.field as usize)
            .map_or("", |f| f.name.as_str());
        format!("{}.{f}", rec.name)
    }

    /// Whether `text` is a name of the vocabulary (canonical, alias or prefix match).
    pub fn knows(&self, text: &str) -> bool {
        self.canonical(text).is_some()
    }
}

impl FieldDef {
    pub fn required(&self) -> bool {
        self.default.is_none() && !self.ty.is_optional()
    }
}

#[derive(Clone, Debug)]
pub struct EntityInfo {
    /// The field of the inventory root holding the list of these entities.
    pub root_field: u16,
    /// The field naming each entity (`name`).
    pub key_field: u16,
}

#[derive(Clone, Debug)]
pub struct RecordDef {
    pub name: String,
    pub fields: Vec<FieldDef>,
    pub entity: Option<EntityInfo>,
    /// A field whose value identifies an element of a list of these records
    /// (`name` when the record has one); used to name facts in findings.
    pub key_field: Option<u16>,
    pub span: Span,
}

impl RecordDef {
    /// The key field, when an element of a list of these records may be written as its
    /// name alone (`plugins: [costmanager]`): the record has a key, and every other
    /// field a default or null. The fields left out are then unknown, and reported.
    pub fn by_name_alone(&self) -> Option<u16> {
        let key = self.key_field?;
        let others_optional = self
            .fields
            .iter()
            .enumerate()
            .all(|(i, f)| i == key as usize || !f.required());
        (others_optional && self.entity.is_none()).then_some(key)
    }

    pub fn field(&self, name: &str) -> Option<(u16, &FieldDef)> {
        self.fields
            .iter()
            .enumerate()
            .find(|(_, f)| f.name == name)
            .map(|(i, f)| (i as u16, f))
    }
}

#[derive(Clone, Debug)]
pub struct EnumDef {
    pub variants: Vec<String>,
}

impl EnumDef {
    pub fn variant(&self, name: &str) -> Option<u16> {
        self.variants
            .iter()
            .position(|v| v == name)
            .map(|i| i as u16)
    }
}

#[derive(Clone, Debug, Default)]
pub struct Schema {
    pub records: Vec<RecordDef>,
    pub enums: Vec<EnumDef>,
    /// The inventory root record.
    pub root: RecordId,
    /// The record of facts each `release` declares.
    pub release: RecordId,
    /// The record of attributes each `hop` declares.
    pub hop_fields: RecordId,
    pub vocabularies: Vec<Vocabulary>,
}

impl Schema {
    pub fn field_def(&self, record: RecordId, field: u16) -> Option<&FieldDef> {
        self.records
            .get(record as usize)?
            .fields
            .get(field as usize)
    }

    pub fn record(&self, id: RecordId) -> &RecordDef {
        &self.records[id as usize]
    }

    pub fn enum_def(&self, id: EnumId) -> &EnumDef {
        &self.enums[id as usize]
    }

    /// Entities in declaration order: (record id, info).
    pub fn entities(&self) -> impl Iterator<Item = (RecordId, &EntityInfo)> {
        self.records
            .iter()
            .enumerate()
            .filter_map(|(i, r)| r.entity.as_ref().map(|e| (i as RecordId, e)))
    }

    /// The entity record listed under a root field, if that field lists entities.
    pub fn entity_of_root_field(&self, field: u16) -> Option<RecordId> {
        self.entities()
            .find(|(_, e)| e.root_field == field)
            .map(|(id, _)| id)
    }

    /// How a type reads to a person: `version?`, `[plugin]`, `global | workload`.
    pub fn type_name(&self, ty: &Type) -> String {
        match ty {
            Type::Bool => "bool".into(),
            Type::Int => "int".into(),
            Type::Str => "string".into(),
            Type::Version => "version".into(),
            Type::Range => "range".into(),
            Type::Null => "null".into(),
            Type::Enum(id) => self.enum_def(*id).variants.join(" | "),
            Type::List(inner) => format!("[{}]", self.type_name(inner)),
            Type::Record(id) => self.record(*id).name.clone(),
            Type::Optional(inner) => match **inner {
                Type::Enum(_) => format!("({})?", self.type_name(inner)),
                _ => format!("{}?", self.type_name(inner)),
            },
        }
    }
}
