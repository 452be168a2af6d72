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
    /// Go/no-go points of the windows, in hop order (an addition to v1).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checkpoints: Vec<Checkpoint>,
    /// What to check once the upgrade is done (an addition to v1).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub post_checks: Vec<Checkpoint>,
    /// Each cluster (entity) before and after the plan (an addition to v1).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub clusters: Vec<PlanCluster>,
    /// The concurrency limits that cut a wave of this plan (an addition to v1).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub limits: Vec<PlanLimit>,
    /// The language of its texts (`--lang zh`): an addition to v1, absent for English,
    /// so `uplan validate` compares titles and notes in the language they were made in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
}

/// A go/no-go point (`before_phase` set: in the window of `hop`, before its first step
/// of that phase) or a check after the upgrade (neither set).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hop: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before_phase: Option<String>,
    /// The step it stands before (the first of its phase in the window).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before_step: Option<String>,
    pub title: String,
    /// What must be true to go on.
    pub checks: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub commands: Vec<String>,
    pub source: String,
}

/// One entity of the inventory: its role, the version facts the plan changes, and
/// what its steps restart.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanCluster {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Version facts before and after (`from` absent: not recorded, at the platform's).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<FactChange>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub restarts: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FactChange {
    /// The field's name (`kubernetes`, `version`).
    pub fact: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    pub to: String,
}

/// A `limit` that kept steps of one wave from all running at once.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanLimit {
    pub id: String,
    pub at_once: u32,
    pub source: String,
}

/// How to undo a step: from the guides, or the rule author's engineering judgement.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Undo {
    pub text: String,
    /// `guide` | `judgement`
    pub basis: String,
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
    /// The rulebook phase of the step (`prepare` steps need no window); additions to
    /// v1 from here on, each absent when empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase: Option<String>,
    /// `[min, max]` minutes when the estimate is a range (`duration_minutes` is max).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_range: Option<[u32; 2]>,
    /// Whose word the duration is: `guide`, `estimate` (the rule author's) or
    /// `inventory` (the site's own measurement, `meta.durations`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_basis: Option<String>,
    /// The `source` of the rule or procedure that added the step, in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// What shows the step is done.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub verify: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub undo: Vec<Undo>,
    /// Why the step cannot be undone; the first such step of a window is its point
    /// of no return.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub irreversible: Vec<String>,
    /// Whom to call when the step goes wrong.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub escalate: Vec<String>,
    /// What the step restarts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub restarts: Vec<String>,
    /// The id of the limit (in the plan's `limits`) the step holds a slot of.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<String>,
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
