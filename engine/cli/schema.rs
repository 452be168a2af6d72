//! `uplan schema inventory|plan|check`: the JSON Schema (draft 2020-12) of the
//! rulebook's inventory, or of the plan and check outputs.

use std::path::Path;

use uplan::diagnostics::Problems;
use uplan::render::jsonschema::{self, Closure};

use super::{Report, SchemaKind, pipeline};

/// The schema as pretty JSON. Only `inventory` reads the rulebook: the outputs' schemas
/// are uplan's own, whatever the rules.
pub fn schema(kind: SchemaKind, rules: Option<&Path>) -> Result<Report, Problems> {
    let json = match kind {
        SchemaKind::Inventory => jsonschema::inventory(&pipeline::rules(rules)?),
        SchemaKind::Plan => jsonschema::plan(Closure::Open),
        SchemaKind::Check => jsonschema::check(Closure::Open),
    };
    Ok(Report {
        code: 0,
        text: jsonschema::to_text(&json),
        warnings: String::new(),
    })
}
