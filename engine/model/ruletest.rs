//! Checked rule tests: what `uplan test` runs. Planning never reads them.
//!
//! Names are resolved by the checker (every rule, step and hop a test names exists);
//! cluster names and the inventory file are only known when the test runs.

use super::ir::{Severity, StepId};
use super::version::Version;
use crate::source::Span;

#[derive(Clone, Debug)]
pub struct RuleTest {
    pub id: String,
    pub source: String,
    /// The rule file the test is written in: its inventory path is relative to it.
    pub file: u32,
    /// `inventory "…"` as written, and where; `None`: the overrides build the inventory.
    pub inventory: Option<(String, Span)>,
    pub overrides: Vec<Override>,
    pub target: Option<Version>,
    pub expects: Vec<Expectation>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Override {
    pub kind: OverrideKind,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum OverrideKind {
    /// `set PATH = VALUE`
    Set(FactPath, Lit),
    /// `remove PATH[KEY]`
    Remove(FactPath),
    /// `add PATH { field = value … }`: a new element at the end of the list.
    Add(FactPath, Vec<(String, Lit)>),
}

/// `clusters[global].istio`: (field name, key of the element picked) from the root.
/// `text` is the path as written, for messages.
#[derive(Clone, Debug)]
pub struct FactPath {
    pub segs: Vec<(String, Option<String>)>,
    /// For each segment with a key, the field of the element that holds its key (the
    /// element record's first field: `name`, `path`, `engine`).
    pub key_fields: Vec<Option<String>>,
    pub text: String,
}

/// A value an override writes, as the inventory YAML would hold it.
#[derive(Clone, Debug, PartialEq)]
pub enum Lit {
    Null,
    Bool(bool),
    Int(i64),
    /// Strings and enum variants (`workload`).
    Str(String),
    /// Written out as a quoted string, so that the loader reads it as written.
    Version(String),
    List(Vec<Lit>),
}

#[derive(Clone, Debug)]
pub struct Expectation {
    pub kind: ExpectKind,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum ExpectKind {
    /// `expect ready` (true) / `expect blocked` (false)
    Status(bool),
    Finding {
        negated: bool,
        rule: String,
        severity: Option<Severity>,
        cluster: Option<String>,
    },
    Step {
        negated: bool,
        pattern: StepPattern,
        cluster: Option<String>,
        hop: Option<HopName>,
    },
    Before {
        first: StepPattern,
        then: StepPattern,
        hop: Option<HopName>,
    },
    AtMost {
        max: u32,
        step: StepId,
    },
}

/// `3.18 -> 4.0`, as the plan names a hop (`3.18->4.0`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HopName(pub String);

/// `upgrade-kubernetes(biz-1, _)`: a step and, per argument, the value it must have
/// (`None`: any).
#[derive(Clone, Debug)]
pub struct StepPattern {
    pub step: StepId,
    pub args: Vec<Option<ArgLit>>,
    /// As written, for messages.
    pub text: String,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ArgLit {
    /// An entity's name, an enum variant or a string: compared as text.
    Text(String),
    /// Compared at the shorter precision (`1.29` matches `1.29.0`).
    Version(Version),
    Int(i64),
}
