//! The one-pass loader: a schema-aware `DeserializeSeed` that serde_yaml drives, building
//! [`Value`]s directly and collecting every fault instead of stopping at the first.
//!
//! Every node is read with `deserialize_any`, so a value of the wrong shape never makes
//! serde_yaml fail: the visitor records a [`Fault`] with its path, consumes the node and
//! leaves `Value::Null` in its place. Only malformed YAML, or the alias expansion cap
//! ([`super::limits::MAX_NODES_BASE`]), ends the pass early.
//!
//! The pass counts the nodes it reads (one add per node): serde_yaml replays an anchor's
//! events at every alias, so the count is what aliases expand to, and the cap is checked
//! against it at no cost to a file without aliases.

use std::cell::{Cell, OnceCell, RefCell};
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::limits::Limits;
use super::positions::{Positions, Range, Seg};
use crate::model::{EnumId, RecordDef, RecordId, Schema, Type, Value, Version};

/// Something wrong with one node, found during the pass; turned into a diagnostic later
/// (only then are positions computed).
#[derive(Debug)]
pub(crate) struct Fault {
    /// Where: keys and sequence indices from the root. For `UnknownField` and
    /// `DuplicateKey` the last segment is the offending key.
    pub path: Vec<Seg>,
    pub kind: FaultKind,
}

#[derive(Debug)]
pub(crate) enum FaultKind {
    UnknownField {
        record: RecordId,
    },
    /// A mapping or a list as a key: `{a: b}: c`.
    ComplexKey {
        record: RecordId,
    },
    DuplicateKey,
    WrongType {
        expected: Type,
        found: Found,
    },
    /// A field of type `range`: rule files write ranges, inventories do not.
    RangeField,
    BadVersion {
        text: String,
        reason: &'static str,
    },
    /// A YAML float where a version belongs whose text is not a version: `1.3e2`, `.inf`
    /// (`1.30` is read as written, the version 1.30).
    FloatVersion {
        value: f64,
        text: Option<String>,
    },
    /// An integer beyond i64: `99999999999999999999`.
    IntOutOfRange,
    /// A collection nested past [`super::limits::MAX_DEPTH`] (a schema deeper than
    /// that; the positions pass finds where).
    TooDeep,
    /// A list longer than [`super::limits::MAX_LIST_LEN`].
    ListTooLong {
        max: usize,
    },
    /// The node whose reading crossed the alias expansion cap.
    AliasExpansion {
        max: usize,
    },
    /// A YAML tag that does not agree with the field (`!!binary`, `!foo`, `!!int` on a
    /// version); `span` is the tag's. `expected` is `None` on a mapping key.
    BadTag {
        tag: String,
        expected: Option<Type>,
        span: Range,
    },
    UnknownVariant {
        found: String,
        enum_id: EnumId,
    },
    MissingField {
        record: RecordId,
        field: u16,
    },
    DuplicateName {
        name: String,
        record: RecordId,
        first: Vec<Seg>,
    },
    NotAMapping {
        found: Found,
    },
}

/// The shape of a YAML node, for "expected X, found Y".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Found {
    Null,
    Bool,
    Int,
    Float,
    Str,
    Map,
    Seq,
}

impl fmt::Display for Found {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Found::Null => "null",
            Found::Bool => "a boolean",
            Found::Int => "an integer",
            Found::Float => "a number",
            Found::Str => "a string",
            Found::Map => "a mapping",
            Found::Seq => "a sequence",
        })
    }
}

/// A scalar as serde_yaml resolved it.
#[derive(Clone, Copy)]
enum Scalar<'a> {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(&'a str),
}

impl Scalar<'_> {
    fn found(&self) -> Found {
        match self {
            Scalar::Null => Found::Null,
            Scalar::Bool(_) => Found::Bool,
            Scalar::Int(_) => Found::Int,
            Scalar::Float(_) => Found::Float,
            Scalar::Str(_) => Found::Str,
        }
    }

    /// The scalar as text, for names that YAML happened to read as something else.
    fn text(&self) -> Option<String> {
        match self {
            Scalar::Bool(b) => Some(b.to_string()),
            Scalar::Int(n) => Some(n.to_string()),
            Scalar::Str(s) => Some((*s).to_owned()),
            Scalar::Null | Scalar::Float(_) => None,
        }
    }
}

#[derive(Clone, Copy)]
enum Step<'s> {
    Key(&'s str),
    Index(usize),
}

/// What a pass leaves behind besides the values.
pub(crate) struct Finished {
    pub faults: Vec<Fault>,
    pub positions: Option<Positions>,
    pub stopped: bool,
    /// Fields with a `probe` that the inventory leaves out (paths ending in the key).
    pub absent: Vec<Vec<Seg>>,
    /// Records written as their name alone (paths of the list elements).
    pub by_name: Vec<Vec<Seg>>,
}

/// The state of one pass: the schema, the path to the node being read, the faults, the
/// nodes read so far, and the position index once something needed it.
pub(crate) struct Cx<'s> {
    schema: &'s Schema,
    text: &'s str,
    limits: Limits,
    path: RefCell<Vec<Step<'s>>>,
    faults: RefCell<Vec<Fault>>,
    /// Fields with a `probe` that the inventory leaves out (paths ending in the key).
    absent: RefCell<Vec<Vec<Seg>>>,
    /// Records written as their name alone (paths of the list elements).
    by_name: RefCell<Vec<Vec<Seg>>>,
    nodes: Cell<usize>,
    max_nodes: usize,
    /// Set when the pass stopped itself (a limit), so its error is not a YAML error.
    stopped: Cell<bool>,
    positions: OnceCell<Positions>,
}

impl<'s> Cx<'s> {
    pub(crate) fn new(schema: &'s Schema, text: &'s str, limits: Limits) -> Cx<'s> {
        Cx {
            schema,
            text,
            limits,
            path: RefCell::new(Vec::with_capacity(8)),
            faults: RefCell::new(Vec::new()),
            absent: RefCell::new(Vec::new()),
            by_name: RefCell::new(Vec::new()),
            nodes: Cell::new(0),
            max_nodes: limits.max_nodes(text.len()),
            stopped: Cell::new(false),
            positions: OnceCell::new(),
        }
    }

    /// The faults, the position index if it was built, whether a limit stopped the
    /// pass, and the probed fields the inventory leaves out.
    pub(crate) fn finish(self) -> Finished {
        Finished {
            faults: self.faults.into_inner(),
            positions: self.positions.into_inner(),
            stopped: self.stopped.get(),
            absent: self.absent.into_inner(),
            by_name: self.by_name.into_inner(),
        }
    }

    pub(crate) fn stopped(&self) -> bool {
        self.stopped.get()
    }

    pub(crate) fn limits(&self) -> Limits {
        self.limits
    }

    /// The position index, built on first use.
    pub(crate) fn positions(&self) -> &Positions {
        self.positions
            .get_or_init(|| Positions::build(self.text, self.limits.depth))
    }

    pub(crate) fn add_faults(&self, more: Vec<Fault>) {
        self.faults.borrow_mut().extend(more);
    }

    /// Counts one node read; past the cap, records the fault and stops the pass.
    fn count<E: de::Error>(&self) -> Result<(), E> {
        let n = self.nodes.get() + 1;
        self.nodes.set(n);
        if n <= self.max_nodes {
            return Ok(());
        }
        self.fault(FaultKind::AliasExpansion {
            max: self.max_nodes,
        });
        self.stopped.set(true);
        Err(E::custom("alias expansion limit"))
    }

    /// Whether a collection opening here nests past the depth limit (then a fault).
    fn too_deep(&self) -> bool {
        let deep = self.path.borrow().len() >= self.limits.depth;
        if deep {
            self.fault(FaultKind::TooDeep);
        }
        deep
    }

    /// The text of the scalar being read, as written (`1.30`, where serde_yaml saw 1.3).
    fn raw_scalar(&self) -> Option<String> {
        let pos = self.positions();
        match pos.walk(&self.path())? {
            (at, true) => pos.scalar(at.node).map(str::to_owned),
            _ => None,
        }
    }

    fn path(&self) -> Vec<Seg> {
        self.path
            .borrow()
            .iter()
            .map(|s| match s {
                Step::Key(k) => Seg::Key((*k).to_owned()),
                Step::Index(i) => Seg::Index(*i),
            })
            .collect()
    }

    fn at_root(&self) -> bool {
        self.path.borrow().is_empty()
    }

    fn fault(&self, kind: FaultKind) {
        self.fault_with(None, kind);
    }

    /// A fault at the current path extended by `extra`.
    fn fault_with(&self, extra: Option<Seg>, kind: FaultKind) {
        let mut path = self.path();
        path.extend(extra);
        self.faults.borrow_mut().push(Fault { path, kind });
    }

    /// Runs `f` with `step` appended to the path.
    fn within<T>(&self, step: Step<'s>, f: impl FnOnce() -> T) -> T {
        self.path.borrow_mut().push(step);
        let out = f();
        self.path.borrow_mut().pop();
        out
    }
}

/// The seed for one node of type `ty`; `default` replaces an explicit `null`.
#[derive(Clone, Copy)]
pub(crate) struct Node<'c, 's> {
    cx: &'c Cx<'s>,
    ty: &'s Type,
    default: Option<&'s Value>,
}

impl<'c, 's> Node<'c, 's> {
    pub(crate) fn root(cx: &'c Cx<'s>, ty: &'s Type) -> Node<'c, 's> {
        Node {
            cx,
            ty,
            default: None,
        }
    }

    fn child(self, ty: &'s Type, default: Option<&'s Value>) -> Node<'c, 's> {
        Node {
            ty,
            default,
            ..self
        }
    }

    fn wrong(self, found: Found) -> Value {
        let kind = if self.cx.at_root() {
            FaultKind::NotAMapping { found }
        } else if *self.ty.non_null() == Type::Range {
            FaultKind::RangeField
        } else {
            FaultKind::WrongType {
                expected: self.ty.clone(),
                found,
            }
        };
        self.cx.fault(kind);
        Value::Null
    }

    fn null(self) -> Value {
        match self.default {
            Some(d) => d.clone(),
            None if self.ty.is_optional() => Value::Null,
            None => self.wrong(Found::Null),
        }
    }

    fn scalar(self, s: Scalar<'_>) -> Value {
        match (self.ty.non_null(), s) {
            (_, Scalar::Null) => self.null(),
            (Type::Bool, Scalar::Bool(b)) => Value::Bool(b),
            (Type::Int, Scalar::Int(n)) => match i64::try_from(n) {
                Ok(n) => Value::Int(n),
                Err(_) => {
                    self.cx.fault(FaultKind::IntOutOfRange);
                    Value::Null
                }
            },
            (Type::Str, Scalar::Str(text)) => Value::Str(Arc::from(text)),
            (Type::Version, _) => self.version(s),
            (Type::Enum(id), _) => self.variant(*id, s),
            (Type::Record(id), Scalar::Str(name)) => self.by_name(*id, name),
            _ => self.wrong(s.found()),
        }
    }

    /// A record written as its name alone (`- costmanager`), where the record allows
    /// it ([`RecordDef::by_name_alone`]): the name, the other fields' defaults, and the
    /// path kept so the loader reports what was not recorded.
    fn by_name(self, id: RecordId, name: &str) -> Value {
        let Some(rec) = self.cx.schema.records.get(id as usize) else {
            return Value::Null;
        };
        let Some(key) = rec.by_name_alone() else {
            return self.wrong(Found::Str);
        };
        let mut values = vec![Value::Null; rec.fields.len()];
        let mut seen = Seen::new(rec.fields.len());
        seen.insert(key as usize);
        let field = &rec.fields[key as usize];
        let node = self.child(&field.ty, None);
        values[key as usize] = self
            .cx
            .within(Step::Key(&field.name), || node.scalar(Scalar::Str(name)));
        self.fill_defaults(id, rec, &mut values, &seen);
        self.cx.by_name.borrow_mut().push(self.cx.path());
        Value::Record(values.into())
    }

    fn version(self, s: Scalar<'_>) -> Value {
        let text = match s {
            Scalar::Str(text) => text,
            Scalar::Int(_) | Scalar::Float(_) => return self.typed_version(s),
            other => return self.wrong(other.found()),
        };
        self.parsed_version(text)
    }

    /// A version YAML read as a number (`kubernetes: 1.30` is the float 1.3): read the
    /// text as written instead, from the position index (built only now).
    fn typed_version(self, s: Scalar<'_>) -> Value {
        let raw = self.cx.raw_scalar();
        match (s, raw) {
            (Scalar::Float(value), raw)
                if raw.as_deref().is_none_or(|r| Version::parse(r).is_err()) =>
            {
                self.cx.fault(FaultKind::FloatVersion { value, text: raw });
                Value::Null
            }
            (_, Some(raw)) => self.parsed_version(&raw),
            (_, None) => self.parsed_version(&s.text().unwrap_or_default()),
        }
    }

    fn parsed_version(self, text: &str) -> Value {
        match Version::parse(text) {
            Ok(v) => Value::Version(v),
            Err(e) => {
                self.cx.fault(FaultKind::BadVersion {
                    text: text.to_owned(),
                    reason: e.reason,
                });
                Value::Null
            }
        }
    }

    fn variant(self, enum_id: EnumId, s: Scalar<'_>) -> Value {
        let Some(text) = s.text() else {
            return self.wrong(s.found());
        };
        match self
            .cx
            .schema
            .enums
            .get(enum_id as usize)
            .and_then(|e| e.variant(&text))
        {
            Some(i) => Value::Enum(i),
            None => {
                self.cx.fault(FaultKind::UnknownVariant {
                    found: text,
                    enum_id,
                });
                Value::Null
            }
        }
    }

    fn record<'de, A: MapAccess<'de>>(self, id: RecordId, mut map: A) -> Result<Value, A::Error> {
        let Some(rec) = self.cx.schema.records.get(id as usize) else {
            drain_map(&mut map)?;
            return Ok(Value::Null);
        };
        let mut values = vec![Value::Null; rec.fields.len()];
        let mut seen = Seen::new(rec.fields.len());
        while let Some(key) = map.next_key_seed(KeySeed { rec, cx: self.cx })? {
            let i = match key {
                Key::Field(i) => i,
                Key::Other(name) => {
                    let kind = FaultKind::UnknownField { record: id };
                    self.cx.fault_with(Some(Seg::Key(name)), kind);
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
                Key::Complex => {
                    let kind = FaultKind::ComplexKey { record: id };
                    self.cx.fault_with(Some(Seg::Key(String::new())), kind);
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
            };
            let field = &rec.fields[i];
            if !seen.insert(i) {
                self.cx
                    .fault_with(Some(Seg::Key(field.name.clone())), FaultKind::DuplicateKey);
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            let seed = self.child(&field.ty, field.default.as_ref());
            values[i] = self
                .cx
                .within(Step::Key(&field.name), || map.next_value_seed(seed))?;
        }
        self.fill_defaults(id, rec, &mut values, &seen);
        Ok(Value::Record(values.into()))
    }

    fn fill_defaults(self, id: RecordId, rec: &RecordDef, values: &mut [Value], seen: &Seen) {
        for (i, field) in rec.fields.iter().enumerate() {
            if seen.contains(i) {
                continue;
            }
            if field.meta.probe.is_some() {
                let mut path = self.cx.path();
                path.push(Seg::Key(field.name.clone()));
                self.cx.absent.borrow_mut().push(path);
            }
            match &field.default {
                Some(d) => values[i] = d.clone(),
                None if field.ty.is_optional() => {}
                None => self.cx.fault(FaultKind::MissingField {
                    record: id,
                    field: i as u16,
                }),
            }
        }
    }

    fn list<'de, A: SeqAccess<'de>>(self, inner: &'s Type, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        loop {
            if items.len() == self.cx.limits.list_len {
                return self.too_long(items, seq);
            }
            let seed = self.child(inner, None);
            let next = self
                .cx
                .within(Step::Index(items.len()), || seq.next_element_seed(seed))?;
            match next {
                Some(v) => items.push(v),
                None => break,
            }
        }
        if let Type::Record(id) = inner {
            self.check_names(*id, &items);
        }
        Ok(Value::List(items))
    }

    /// The list reached its length limit: a fault if anything follows (skipped unread).
    fn too_long<'de, A: SeqAccess<'de>>(
        self,
        items: Vec<Value>,
        mut seq: A,
    ) -> Result<Value, A::Error> {
        let max = items.len();
        if seq.next_element::<IgnoredAny>()?.is_some() {
            self.cx.fault(FaultKind::ListTooLong { max });
            while seq.next_element::<IgnoredAny>()?.is_some() {}
        }
        Ok(Value::List(items))
    }

    /// Entities are identified by their key field: two with the same name are a fault.
    fn check_names(self, id: RecordId, items: &[Value]) {
        let Some(rec) = self.cx.schema.records.get(id as usize) else {
            return;
        };
        let Some(key) = rec.entity.as_ref().map(|e| e.key_field as usize) else {
            return;
        };
        let key_name = rec.fields.get(key).map_or("name", |f| f.name.as_str());
        let mut first: HashMap<&str, usize> = HashMap::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let Some(name) = item
                .as_record()
                .and_then(|r| r.get(key))
                .and_then(Value::as_str)
            else {
                continue;
            };
            let Some(&j) = first.get(name) else {
                first.insert(name, i);
                continue;
            };
            let mut earlier = self.cx.path();
            earlier.extend([Seg::Index(j), Seg::Key(key_name.to_owned())]);
            self.cx.within(Step::Index(i), || {
                self.cx.fault_with(
                    Some(Seg::Key(key_name.to_owned())),
                    FaultKind::DuplicateName {
                        name: name.to_owned(),
                        record: id,
                        first: earlier,
                    },
                )
            });
        }
    }
}

impl<'de> DeserializeSeed<'de> for Node<'_, '_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        self.cx.count()?;
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Node<'_, '_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a YAML value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(self.scalar(Scalar::Bool(v)))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(self.scalar(Scalar::Int(v.into())))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(self.scalar(Scalar::Int(v.into())))
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Value, E> {
        Ok(self.scalar(Scalar::Int(v)))
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Value, E> {
        Ok(self.scalar(Scalar::Int(i128::try_from(v).unwrap_or(i128::MAX))))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Ok(self.scalar(Scalar::Float(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(self.scalar(Scalar::Str(v)))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(self.scalar(Scalar::Null))
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(self.scalar(Scalar::Null))
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        if self.cx.too_deep() {
            drain_map(&mut map)?;
            return Ok(Value::Null);
        }
        match self.ty.non_null() {
            Type::Record(id) => self.record(*id, map),
            _ => {
                drain_map(&mut map)?;
                Ok(self.wrong(Found::Map))
            }
        }
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        if self.cx.too_deep() {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            return Ok(Value::Null);
        }
        match self.ty.non_null() {
            Type::List(inner) => self.list(inner, seq),
            _ => {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(self.wrong(Found::Seq))
            }
        }
    }

    /// A custom tag (`!foo value`): read the value as if untagged.
    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<Value, A::Error> {
        let (IgnoredAny, variant) = data.variant::<IgnoredAny>()?;
        de::VariantAccess::newtype_variant_seed(variant, self)
    }
}

fn drain_map<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
    Ok(())
}

/// Which fields of a record were given (a bitset; records rarely exceed 64 fields).
struct Seen {
    small: u64,
    large: Vec<bool>,
}

impl Seen {
    fn new(n: usize) -> Seen {
        Seen {
            small: 0,
            large: if n > 64 { vec![false; n] } else { Vec::new() },
        }
    }

    fn contains(&self, i: usize) -> bool {
        if self.large.is_empty() {
            i < 64 && self.small & (1 << i) != 0
        } else {
            self.large.get(i).copied().unwrap_or(false)
        }
    }

    /// Marks field `i`; false when it was already marked.
    fn insert(&mut self, i: usize) -> bool {
        if self.contains(i) {
            return false;
        }
        if self.large.is_empty() {
            self.small |= 1u64.checked_shl(i as u32).unwrap_or(0);
        } else if let Some(slot) = self.large.get_mut(i) {
            *slot = true;
        }
        true
    }
}

/// A mapping key: one of the record's fields (by index) or anything else (kept as
/// text for the diagnostic; allocated only then).
enum Key {
    Field(usize),
    Other(String),
    /// A mapping or a list (the position index files it under the empty key).
    Complex,
}

struct KeySeed<'c, 's> {
    rec: &'s RecordDef,
    cx: &'c Cx<'s>,
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_, '_> {
    type Value = Key;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Key, D::Error> {
        self.cx.count()?;
        d.deserialize_any(self)
    }
}

impl KeySeed<'_, '_> {
    fn named(&self, name: &str) -> Key {
        match self.rec.fields.iter().position(|f| f.name == name) {
            Some(i) => Key::Field(i),
            None => Key::Other(name.to_owned()),
        }
    }
}

impl<'de> Visitor<'de> for KeySeed<'_, '_> {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Key, E> {
        Ok(self.named(v))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Key, E> {
        Ok(Key::Other(v.to_string()))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Key, E> {
        Ok(Key::Other(v.to_string()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Key, E> {
        Ok(Key::Other(v.to_string()))
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Key, E> {
        Ok(Key::Other(v.to_string()))
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Key, E> {
        Ok(Key::Other(v.to_string()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Key, E> {
        Ok(Key::Other(v.to_string()))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Key, E> {
        Ok(Key::Other("null".into()))
    }

    fn visit_none<E: de::Error>(self) -> Result<Key, E> {
        Ok(Key::Other("null".into()))
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Key, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Key, A::Error> {
        drain_map(&mut map)?;
        Ok(Key::Complex)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Key, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Key::Complex)
    }

    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<Key, A::Error> {
        let (IgnoredAny, variant) = data.variant::<IgnoredAny>()?;
        de::VariantAccess::newtype_variant_seed(variant, self)
    }
}
