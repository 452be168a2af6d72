//! Runtime values: inventory facts, release facts, step arguments.
//!
//! Records carry no field names: the schema gives each field an index, so a fact
//! lookup is a slice index, not a string comparison.

use std::sync::Arc;

use super::version::{Version, VersionRange};

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Str(Arc<str>),
    Version(Version),
    Range(Box<VersionRange>),
    /// The index of a variant in its enum's declaration.
    Enum(u16),
    List(Vec<Value>),
    /// Shared: cloning the facts for a simulation copies no record until a step
    /// writes into it (see [`Value::as_record_mut`]).
    Record(Arc<[Value]>),
}

impl Value {
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    pub fn as_record(&self) -> Option<&[Value]> {
        match self {
            Value::Record(fields) => Some(fields),
            _ => None,
        }
    }

    /// The record's fields for writing; a record still shared with another copy of the
    /// facts is copied first (copy on write).
    pub fn as_record_mut(&mut self) -> Option<&mut [Value]> {
        match self {
            Value::Record(fields) => {
                if Arc::get_mut(fields).is_none() {
                    *fields = Arc::from(&fields[..]);
                }
                Arc::get_mut(fields)
            }
            _ => None,
        }
    }

    pub fn as_list(&self) -> Option<&[Value]> {
        match self {
            Value::List(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_version(&self) -> Option<&Version> {
        match self {
            Value::Version(v) => Some(v),
            _ => None,
        }
    }
}
