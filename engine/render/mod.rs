//! Stage 5: one [`Plan`] rendered as terminal text, a Markdown runbook, JSON or DOT.

use crate::plan::Plan;

pub fn json(plan: &Plan) -> String {
    serde_json::to_string_pretty(plan).unwrap_or_default()
}
