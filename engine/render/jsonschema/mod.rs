//! JSON Schemas (draft 2020-12) of what uplan reads and writes: the inventory a
//! rulebook declares ([`inventory`]), and the `uplan.plan/v1` and `uplan.check/v1`
//! outputs ([`plan`], [`check`]).
//!
//! **Choice: hand-built `serde_json` values, not `schemars`.** The inventory's schema
//! is not a Rust type: it comes from the rule files, so it has to be built by hand in
//! any case; the two output schemas are small, and building them here keeps their
//! descriptions and the contract's openness (below) in one place. They are tested
//! against the real output (tests/schemas.rs), so a field added to `engine/plan.rs`
//! without its schema fails a test.
//!
//! **Open or closed.** The plan contract says fields may be added to v1, so a consumer
//! must tolerate fields it does not know: the published output schemas
//! ([`Closure::Open`]) allow extra properties. The tests validate our own output
//! against the [`Closure::Closed`] variant, which allows none, so every field uplan
//! writes is described. The inventory's schema is always closed: the loader refuses
//! unknown fields, and an editor should flag them as the loader would.

mod inventory;
mod output;
mod runbook;

pub use inventory::inventory;
pub use output::{check, plan};

use serde_json::{Map, Value as Json, json};

/// The draft every schema declares.
pub const DRAFT: &str = "https://json-schema.org/draft/2020-12/schema";

/// Whether an object schema allows properties it does not list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Closure {
    /// Extra properties allowed: what a consumer of a contract that grows should use.
    Open,
    /// No extra property: what uplan's own output must satisfy.
    Closed,
}

/// Pretty JSON with a trailing newline: the form of the committed `schemas/*.json`.
pub fn to_text(schema: &Json) -> String {
    // Serialising a `serde_json::Value` cannot fail.
    let mut out = serde_json::to_string_pretty(schema).unwrap_or_default();
    out.push('\n');
    out
}

/// `{"type": "object", "properties": …, "required": …}`, closed or open.
fn object(properties: Map<String, Json>, required: &[&str], closure: Closure) -> Json {
    let mut o = Map::new();
    o.insert("type".into(), json!("object"));
    o.insert("properties".into(), Json::Object(properties));
    o.insert("required".into(), json!(required));
    o.insert(
        "additionalProperties".into(),
        json!(closure == Closure::Open),
    );
    Json::Object(o)
}

/// `schema` that also accepts `null`: `null` joins an `enum` and a `type`; anything
/// else (a `$ref`) becomes `anyOf`.
fn nullable(schema: Json) -> Json {
    let Json::Object(mut o) = schema else {
        return schema;
    };
    if let Some(Json::Array(values)) = o.get_mut("enum") {
        values.push(Json::Null);
    }
    match o.get_mut("type") {
        Some(Json::String(t)) => {
            let t = std::mem::take(t);
            o.insert("type".into(), json!([t, "null"]));
        }
        Some(Json::Array(types)) => types.push(json!("null")),
        _ => {
            let description = o.remove("description");
            let mut wrapped = Map::new();
            if let Some(d) = description {
                wrapped.insert("description".into(), d);
            }
            wrapped.insert("anyOf".into(), json!([Json::Object(o), {"type": "null"}]));
            return Json::Object(wrapped);
        }
    }
    Json::Object(o)
}
