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
    /// What the plan was made from (an addition to v1; absent in older plans):
    /// `uplan validate` checks a plan against it first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Provenance>,
    /// Who the inventory is about and when its facts were gathered (its `meta:`), for
    /// the runbook's summary; an addition to v1, absent when the inventory says neither.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inventory_meta: Option<InventoryMeta>,
    /// The language of its texts (`--lang zh`): an addition to v1, absent for English,
    /// so `uplan validate` compares titles and notes in the language they were made in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
}

/// The inventory's `meta.customer` and `meta.collected_at`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InventoryMeta {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collected_at: Option<String>,
}

/// Where a plan comes from. Deterministic: no clock, no host, no path.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    /// The uplan version that made the plan (`CARGO_PKG_VERSION`).
    pub uplan: String,
    /// sha256 of the inventory file's bytes, lowercase hex.
    pub inventory_sha256: String,
    /// sha256 of the rulebook (see `provenance::rulebook_digest`), lowercase hex.
    pub rulebook_sha256: String,
    /// The target as asked for (`--to 4.3`, or the inventory's `target`), as written.
    pub target_requested: Option<String>,
    /// The waivers that applied to a finding of this plan.
    #[serde(default)]
    pub waivers: Vec<Waiver>,
}

/// An accepted risk (`--waivers FILE`): a rule's findings, on one cluster or all,
/// accepted by an owner until a date.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Waiver {
    pub rule: String,
    #[serde(default)]
    pub cluster: Option<String>,
    pub owner: String,
    pub reason: String,
    pub ticket: String,
    /// `YYYY-MM-DD`: the last day the waiver applies.
    pub expires: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
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
    /// The waiver that accepts this finding (an addition to v1): a waived block no
    /// longer blocks, and the finding stays visible.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waived: Option<Waiver>,
    /// Where the first located fact is written: the inventory file as named on the
    /// command line (`<stdin>` for `-`), 1-based line and column (additions to v1,
    /// absent when no fact is located).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
    /// Every located fact, in `facts` order (an addition to v1).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub locations: Vec<FactLocation>,
}

/// Where one fact of a finding is written in the inventory: 1-based lines and columns
/// (columns count bytes, as the text diagnostics do); the end is exclusive.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FactLocation {
    pub fact: String,
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
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
    /// A step a person added by hand (an addition to v1): `uplan validate` does not
    /// check it against the rules, and says so.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub manual_addition: bool,
}

impl Plan {
    pub fn is_ready(&self) -> bool {
        self.status == Status::Ready
    }

    /// Whether some finding blocks: a blocking one that no waiver accepts.
    pub fn has_open_block(&self) -> bool {
        self.findings
            .iter()
            .any(|f| f.severity == "block" && f.waived.is_none())
    }
}
