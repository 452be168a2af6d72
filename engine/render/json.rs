//! The plan as `uplan.plan/v1` JSON, and the findings as `uplan.check/v1`.

use serde::Serialize;

use crate::plan::{Finding, Plan, Status};

/// The schema id of `uplan check --format json`.
pub const CHECK_SCHEMA_ID: &str = "uplan.check/v1";

/// Pretty JSON of the plan contract, with a trailing newline. Field order is the
/// struct's, so the output is deterministic.
pub fn json(plan: &Plan) -> String {
    pretty(plan)
}

/// What `uplan check --format json` prints: the plan's header and findings, no steps.
#[derive(Serialize)]
struct Check<'a> {
    schema: &'static str,
    status: Status,
    from: &'a str,
    to: &'a str,
    path: &'a [String],
    findings: &'a [Finding],
}

/// Pretty JSON of the findings (`uplan.check/v1`), with a trailing newline.
pub fn check_json(plan: &Plan) -> String {
    pretty(&Check {
        schema: CHECK_SCHEMA_ID,
        status: plan.status,
        from: &plan.from,
        to: &plan.to,
        path: &plan.path,
        findings: &plan.findings,
    })
}

fn pretty(value: &impl Serialize) -> String {
    // Serialising plain structs of strings and numbers cannot fail.
    let mut out = serde_json::to_string_pretty(value).unwrap_or_default();
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::super::fixtures;
    use super::*;

    #[test]
    fn plan_json() {
        insta::assert_snapshot!(json(&fixtures::blocked()));
    }

    #[test]
    fn round_trips() {
        let plan = fixtures::blocked();
        let back: Plan = serde_json::from_str(&json(&plan)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back, plan);
    }

    #[test]
    fn has_the_contract_fields() {
        let value: serde_json::Value =
            serde_json::from_str(&json(&fixtures::ready())).unwrap_or_default();
        assert_eq!(value["schema"], "uplan.plan/v1");
        assert_eq!(value["status"], "ready");
        let step = &value["steps"][0];
        for key in [
            "id",
            "hop",
            "action",
            "cluster",
            "title",
            "commands",
            "manual",
            "after",
            "wave",
            "rule",
            "notes",
            "duration_minutes",
        ] {
            assert!(step.get(key).is_some(), "step lacks `{key}`");
        }
        let finding = &value["findings"][0];
        for key in [
            "rule", "severity", "cluster", "message", "facts", "source", "fixed_by",
        ] {
            assert!(finding.get(key).is_some(), "finding lacks `{key}`");
        }
    }

    #[test]
    fn check_json_has_no_steps() {
        let out = check_json(&fixtures::blocked());
        assert!(out.ends_with("}\n"));
        insta::assert_snapshot!(out);
    }
}
