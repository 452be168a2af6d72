//! Stage 4: path search, rule firing on the simulated state, step graph, order,
//! waves, and replay validation.

use crate::diagnostics::{Problem, Problems};
use crate::inventory::Inventory;
use crate::model::{Rulebook, Version};
use crate::plan::{Finding, Plan};

/// What to compute: `Check` stops after the findings (no ordering, no replay).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Plan,
    Check,
}

/// The evaluator's result, in indices; [`Evaluation::to_plan`] turns it into strings.
#[derive(Debug, Default)]
pub struct Evaluation {
    blocked: bool,
}

impl Evaluation {
    pub fn is_blocked(&self) -> bool {
        self.blocked
    }

    /// The plan contract value (`uplan.plan/v1`).
    pub fn to_plan(&self, rulebook: &Rulebook, inventory: &Inventory) -> Plan {
        let _ = (rulebook, inventory);
        unimplemented_plan()
    }

    /// The findings only, as in the plan.
    pub fn findings(&self, rulebook: &Rulebook, inventory: &Inventory) -> Vec<Finding> {
        self.to_plan(rulebook, inventory).findings
    }
}

fn unimplemented_plan() -> Plan {
    Plan {
        schema: crate::plan::SCHEMA_ID.into(),
        status: crate::plan::Status::Blocked,
        from: String::new(),
        to: String::new(),
        path: Vec::new(),
        findings: Vec::new(),
        steps: Vec::new(),
    }
}

/// Plans (or checks) the upgrade of `inventory` to `target` (or the inventory's own
/// target). Errors are bad input: a target that is not a version the rulebook knows,
/// or a rulebook whose own plan fails its replay (a contradiction in the rules).
pub fn evaluate(
    rulebook: &Rulebook,
    inventory: &Inventory,
    target: Option<&Version>,
    mode: Mode,
) -> Result<Evaluation, Problems> {
    let _ = (rulebook, inventory, target, mode);
    Err(Problem::new("uplan::eval::unimplemented", "the evaluator is not written yet").into())
}

/// One way a (possibly hand-edited) plan breaks the rulebook.
#[derive(Clone, Debug, PartialEq)]
pub struct Violation {
    /// Stable: `uplan::validate::order`, `::requirement`, `::limit`, `::missing_step`, ...
    pub code: &'static str,
    pub step: Option<String>,
    pub rule: Option<String>,
    pub message: String,
}

/// Replays `plan` from the inventory's facts; an empty list means it is valid.
/// Errors are bad input (a step id the rulebook does not know, a wrong path).
pub fn validate(
    rulebook: &Rulebook,
    inventory: &Inventory,
    plan: &Plan,
) -> Result<Vec<Violation>, Problems> {
    let _ = (rulebook, inventory, plan);
    Err(Problem::new("uplan::eval::unimplemented", "the evaluator is not written yet").into())
}
