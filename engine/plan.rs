//! The plan as people and tools see it: the `uplan.plan/v1` contract.
//!
//! The evaluator works on indices; this is the one place they become strings.

use serde::{Deserialize, Serialize};

pub const SCHEMA_ID: &str = "uplan.plan/v1";

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    #[default]
    Ready,
    Blocked,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub schema: String,
    pub status: Status,
    pub from: String,
    pub to: String,
    pub path: Vec<String>,
    pub findings: Vec<Finding>,
    pub steps: Vec<PlannedStep>,
    /// Who the inventory is about and when its facts were gathered (its `meta:`), for
    /// the runbook's summary; an addition to v1, absent when the inventory says neither.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inventory_meta: Option<InventoryMeta>,
}

/// The inventory's `meta.customer` and `meta.collected_at`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InventoryMeta {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collected_at: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub rule: String,
    /// `block` | `fix` | `warn` | `info`
    pub severity: String,
    pub cluster: Option<String>,
    pub message: String,
    /// Dotted fact paths: `clusters.biz-1.kubernetes`.
    pub facts: Vec<String>,
    pub source: String,
    pub fixed_by: Option<String>,
    /// The hop the finding belongs to (`3.16->4.0`); an addition to v1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hop: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PlannedStep {
    /// `3.16->4.0:upgrade-kubernetes(biz-1,1.29)`
    pub id: String,
    pub hop: String,
    pub action: String,
    pub cluster: Option<String>,
    pub title: String,
    pub commands: Vec<String>,
    pub manual: bool,
    pub after: Vec<String>,
    pub wave: u32,
    pub rule: Option<String>,
    pub notes: Vec<String>,
    pub duration_minutes: Option<u32>,
    /// A person may skip the step and the plan stays valid (an addition to v1;
    /// absent means false). A step the rulebook calls optional but a later
    /// requirement needs is not optional in this plan, and its notes say why.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub optional: bool,
    /// What skipping an optional step costs (an addition to v1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub optional_consequence: Option<String>,
}

impl Plan {
    pub fn is_ready(&self) -> bool {
        self.status == Status::Ready
    }
}
