//! `uplan validate --format json`: the verdict and every violation as JSON
//! (`uplan.validate/v1`), so a pipeline can gate on a hand-edited plan.

use serde::Serialize;
use uplan::eval::Violation;
use uplan::plan::Plan;

use super::Report;

pub const VALIDATE_SCHEMA_ID: &str = "uplan.validate/v1";

#[derive(Serialize)]
struct Document<'a> {
    schema: &'static str,
    status: &'static str,
    from: &'a str,
    to: &'a str,
    steps: usize,
    violations: Vec<Entry<'a>>,
}

#[derive(Serialize)]
struct Entry<'a> {
    code: &'static str,
    step: Option<&'a str>,
    rule: Option<&'a str>,
    message: &'a str,
}

/// Exit 0 with `status: "valid"`, or exit 1 with `status: "invalid"` and every
/// violation (JSON escapes what the plan file put in its strings).
pub fn report(plan: &Plan, violations: &[Violation]) -> Report {
    let doc = Document {
        schema: VALIDATE_SCHEMA_ID,
        status: if violations.is_empty() {
            "valid"
        } else {
            "invalid"
        },
        from: &plan.from,
        to: &plan.to,
        steps: plan.steps.len(),
        violations: violations
            .iter()
            .map(|v| Entry {
                code: v.code,
                step: v.step.as_deref(),
                rule: v.rule.as_deref(),
                message: &v.message,
            })
            .collect(),
    };
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    Report {
        code: u8::from(!violations.is_empty()),
        text,
        warnings: String::new(),
    }
}
