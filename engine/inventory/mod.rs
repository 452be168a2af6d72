//! Stage 3: inventory YAML → facts, validated against the rulebook's schema.
//!
//! **Choice: serde_yaml for values, saphyr-parser for positions.** The success path is
//! one pass: serde_yaml's deserializer drives a schema-aware `DeserializeSeed`
//! ([`seed`]) that builds [`Value`]s directly — no intermediate `serde_yaml::Value` — and
//! records every fault (unknown field, wrong type, bad version…) with its path instead
//! of stopping at the first. serde_yaml keeps no positions of values, so positions come
//! from a second reader, `saphyr-parser`, whose events carry spans ([`positions`]). That
//! pass runs only when needed: to report faults, or on the first
//! [`Inventory::locate`] (then cached in the inventory). A valid inventory costs one
//! serde_yaml parse and nothing more.
//!
//! Modules: [`seed`] (the pass), [`positions`] (the span index), [`report`] (faults →
//! diagnostics), [`codes`] (the stable diagnostic codes), [`suggest`] (did you mean).

mod absent;
pub mod codes;
mod positions;
mod refine;
mod report;
mod seed;
mod suggest;

#[cfg(test)]
mod tests;

use std::sync::{Arc, OnceLock};

use serde::de::DeserializeSeed;

use crate::diagnostics::{Problem, Problems};
use crate::model::{Rulebook, Type, Value};
use crate::source::{Sources, Span};
pub use absent::Absent;
use positions::Positions;

/// A loaded inventory: its facts (a record of the schema's root) and its text, so
/// findings can point back at the YAML line of a fact.
#[derive(Debug)]
pub struct Inventory {
    pub name: String,
    pub text: Arc<str>,
    pub facts: Value,
    /// What the loader noticed without rejecting the file (unknown names).
    pub notices: Vec<Notice>,
    /// Facts the rules may need that the inventory leaves out (fields with a `probe`).
    pub absent: Vec<Absent>,
    /// Built on the first `locate`.
    positions: OnceLock<Positions>,
}

impl Inventory {
    /// An inventory whose facts were built elsewhere (tests, plan validation).
    pub fn from_facts(
        name: impl Into<String>,
        text: impl Into<Arc<str>>,
        facts: Value,
    ) -> Inventory {
        Inventory {
            name: name.into(),
            text: text.into(),
            facts,
            notices: Vec::new(),
            absent: Vec::new(),
            positions: OnceLock::new(),
        }
    }

    /// A one-file source map holding the inventory (file id 0), for diagnostics.
    pub fn sources(&self) -> Sources {
        let mut s = Sources::default();
        s.add(self.name.clone(), self.text.clone());
        s
    }

    /// The span (file 0) of the YAML node a dotted fact path names:
    /// `clusters.biz-1.kubernetes`, `clusters.0.plugins.costmanager`, `platform`.
    /// A segment is a mapping key, a sequence index, or the `name` of a sequence
    /// element. A scalar is shown by itself; a multi-line mapping or list by its key.
    pub fn locate(&self, path: &str) -> Option<Span> {
        let pos = self.positions.get_or_init(|| Positions::build(&self.text));
        let segs: Vec<&str> = if path.is_empty() {
            Vec::new()
        } else {
            path.split('.').collect()
        };
        let at = pos.walk_dotted(&segs)?;
        let (start, end) = report::point(pos, &self.text, at);
        Some(Span::new(0, start, end))
    }
}

/// Reads an inventory against `rulebook.schema`: every fault of the file is reported,
/// each pointing at its YAML node.
pub fn load(rulebook: &Rulebook, name: &str, text: &str) -> Result<Inventory, Problems> {
    let schema = &rulebook.schema;
    if schema.records.get(schema.root as usize).is_none() {
        return Err(Problem::new(
            codes::NO_SCHEMA,
            "the rulebook declares no inventory schema",
        )
        .help("declare the inventory's shape with an `inventory { … }` block in the rulebook")
        .into());
    }
    let root = Type::Record(schema.root);
    let cx = seed::Cx::new(schema);
    let result = seed::Node::root(&cx, &root).deserialize(serde_yaml::Deserializer::from_str(text));
    let (faults, absent) = cx.into_parts();
    let mut facts = match result {
        Err(e) => return Err(report::syntax(schema, name, text, &e)),
        Ok(facts) => facts,
    };
    let refined = refine::run(schema, &mut facts);
    let mut problems = refined.problems(name, text);
    if !faults.is_empty() {
        problems
            .0
            .extend(report::faults(schema, name, text, faults).0);
        problems.0.sort_by_key(|p| p.span);
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut inventory = Inventory::from_facts(name, text, facts);
    inventory.notices = refined.notices;
    inventory.absent = absent::resolve(schema, &inventory.facts, &absent);
    Ok(inventory)
}

/// Something the loader noticed in a valid inventory; the plan shows it as a warning.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub kind: NoticeKind,
    /// The value as written.
    pub value: String,
    /// Dotted path of the fact, with list indices: `clusters.1.plugins.0.name`.
    pub fact: String,
    /// The entity (cluster) the value belongs to.
    pub entity: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NoticeKind {
    /// A name the field's vocabulary does not know (it may be one no rule cares
    /// about): `field` is `plugin.name`, `suggestion` the closest known name.
    UnknownName {
        field: String,
        suggestion: Option<String>,
    },
}
