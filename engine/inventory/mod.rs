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
//! serde_yaml parse and a byte pre-scan ([`prescan`]: none when the text holds fewer
//! `[`/`{` than the depth limit; about 5% of a load on the flow-heavy 10,000-cluster
//! fleet of `benches/fleet`).
//!
//! The positions pass also runs, before or beside serde_yaml, in the few cases where
//! the values need it: a version typed as a number (`kubernetes: 1.30` is read as
//! written, which serde_yaml cannot give), a text holding a `!` (tags are checked
//! against the schema, [`tags`]), and a text the pre-scan cannot clear of deep flow
//! nesting ([`prescan`]; serde_yaml's scanner is quadratic in it).
//!
//! **Limits** ([`limits`]): nesting depth, list length, and alias expansion, each a
//! coded diagnostic. Aliases stay allowed (they spare repetition in a hand-written
//! inventory); what they expand to is capped, in proportion to the size of the file,
//! by counting the nodes the pass reads. Merge keys (`<<`) are not supported.
//!
//! Modules: [`seed`] (the pass), [`positions`] (the span index), [`report`] (faults →
//! diagnostics), [`codes`] (the stable diagnostic codes), [`suggest`] (did you mean),
//! [`limits`], [`prescan`] (the depth pre-scan), [`tags`] (the tag check).

mod absent;
pub mod codes;
pub mod limits;
mod positions;
mod prescan;
mod refine;
mod report;
mod seed;
mod suggest;
mod tags;

#[cfg(test)]
mod tests;

use std::sync::{Arc, OnceLock};

use serde::de::DeserializeSeed;

use crate::diagnostics::{Problem, Problems};
use crate::model::{Rulebook, Schema, Type, Value};
use crate::source::{Sources, Span};
pub use absent::Absent;
use limits::Limits;
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
        let pos = self
            .positions
            .get_or_init(|| Positions::build(&self.text, limits::MAX_DEPTH));
        let segs: Vec<&str> = if path.is_empty() {
            Vec::new()
        } else {
            path.split('.').collect()
        };
        let at = pos.walk_dotted(&segs)?;
        let (start, end) = report::point(pos, &self.text, at);
        Some(Span::new(0, start, end))
    }

    /// Like [`Inventory::locate`], for a fact the inventory may leave out: the node of
    /// the longest part of the path that is there (a missing `runtime` is shown at its
    /// cluster).
    pub fn locate_nearest(&self, path: &str) -> Option<Span> {
        let mut path = path;
        loop {
            if let Some(span) = self.locate(path) {
                return Some(span);
            }
            path = path.rsplit_once('.')?.0;
        }
    }
}

/// Reads an inventory against `rulebook.schema`: every fault of the file is reported,
/// each pointing at its YAML node.
pub fn load(rulebook: &Rulebook, name: &str, text: &str) -> Result<Inventory, Problems> {
    load_with(rulebook, name, text, Limits::DEFAULT)
}

/// [`load`] with other limits (tests reach them with small inputs).
pub(crate) fn load_with(
    rulebook: &Rulebook,
    name: &str,
    text: &str,
    limits: Limits,
) -> Result<Inventory, Problems> {
    load_schema_with(&rulebook.schema, name, text, limits)
}

/// Reads a YAML file against any schema with the inventory's limits and diagnostics
/// (the waivers file is read this way: bounded, depth-checked, tags refused).
pub fn load_schema(schema: &Schema, name: &str, text: &str) -> Result<Inventory, Problems> {
    load_schema_with(schema, name, text, Limits::DEFAULT)
}

fn load_schema_with(
    schema: &Schema,
    name: &str,
    text: &str,
    limits: Limits,
) -> Result<Inventory, Problems> {
    if schema.records.get(schema.root as usize).is_none() {
        return Err(Problem::new(
            codes::NO_SCHEMA,
            "the rulebook declares no inventory schema",
        )
        .help("declare the inventory's shape with an `inventory { … }` block in the rulebook")
        .into());
    }
    let cx = seed::Cx::new(schema, text, limits);
    // serde_yaml reads a byte order mark as a document of its own.
    let body = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let base = text.len() - body.len();
    if let Some(at) = prescan::deeper_at(body, limits.depth) {
        let pos = cx.positions();
        // saphyr's scanner looks ahead, and may overflow its own flow limit (255) before
        // the tree reaches ours: deep for sure then, and the pre-scan knows where.
        let deep = pos.too_deep.map(|(start, _)| start);
        let deep = deep.or_else(|| pos.overflowed().then_some(base + at));
        if let Some(start) = deep {
            return Err(report::too_deep(name, text, start, limits.depth));
        }
        if let Some(p) = report::positions_error(name, text, pos) {
            return Err(p);
        }
    }
    let root = Type::Record(schema.root);
    let mut result =
        seed::Node::root(&cx, &root).deserialize(serde_yaml::Deserializer::from_str(body));
    if text.contains('!') && !cx.stopped() {
        let bad = tags::check(schema, text, cx.positions());
        // serde_yaml fails on a core tag its scalar does not fit (`!!int web`): the tag
        // is what to show then.
        if !bad.is_empty() && result.is_err() {
            result = Ok(Value::Null);
        }
        cx.add_faults(bad);
    }
    finish(schema, name, text, base, cx, result)
}

/// The pass's result, its faults and the positions it built, as an inventory or its
/// diagnostics.
fn finish(
    schema: &Schema,
    name: &str,
    text: &str,
    base: usize,
    cx: seed::Cx<'_>,
    result: Result<Value, serde_yaml::Error>,
) -> Result<Inventory, Problems> {
    let depth = cx.limits().depth;
    let done = cx.finish();
    let built = done.positions;
    let positions =
        |built: Option<Positions>| built.unwrap_or_else(|| Positions::build(text, depth));
    let mut facts = match result {
        Err(e) if !done.stopped => {
            let pos = positions(built);
            return Err(report::syntax(schema, name, text, base, &e, pos, depth));
        }
        Err(_) => Value::Null,
        Ok(facts) => facts,
    };
    // A pass a limit stopped has partial values: only its own faults are reported.
    let refined = if done.stopped {
        refine::Refined::default()
    } else {
        refine::run(schema, &mut facts)
    };
    let mut problems = refined.problems(name, text);
    if !done.faults.is_empty() {
        let pos = positions(built);
        problems
            .0
            .extend(report::faults(schema, name, text, done.faults, pos, depth).0);
        problems.0.sort_by_key(|p| p.span);
        return Err(problems);
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut inventory = Inventory::from_facts(name, text, facts);
    if let Some(p) = built {
        let _ = inventory.positions.set(p);
    }
    inventory.notices = refined.notices;
    let by_name = done.by_name.iter();
    let named = by_name.filter_map(|path| absent::by_name(schema, &inventory.facts, path));
    inventory.notices.extend(named.collect::<Vec<_>>());
    inventory.absent = absent::resolve(schema, &inventory.facts, &done.absent);
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
    /// A record written as its name alone (`plugins: [costmanager]`): `record` is its
    /// record's name, `unset` the fields it could not say (in declaration order), each
    /// then on its default for the rules, as written in `defaults`.
    NameOnly {
        record: String,
        unset: Vec<String>,
        defaults: Vec<String>,
    },
}
