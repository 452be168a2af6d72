//! What changed between two plans: the review view of a rule change.
//!
//! Two [`Plan`]s in, one [`PlanDiff`] out: status, route, findings added, removed or
//! changed, steps added, removed, moved (their order among the steps both plans
//! have) or changed (title, commands, notes, …). Pure and deterministic: the result
//! follows the new plan's order, then the old plan's for what it alone has.
//!
//! A step is the same step in both plans when its id is (ids name the hop, the action
//! and its arguments). A finding has no id; it is the same finding when its rule,
//! cluster, hop, severity and message are, and a finding whose rule, cluster and hop
//! match exactly one finding on the other side is reported as changed, not as a
//! removal and an addition.

mod moved;

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;

use crate::plan::{Finding, Plan, PlannedStep, Status};

/// The differences between an old and a new plan; empty when they agree.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct PlanDiff {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<Change<Status>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub route: Option<Change<String>>,
    pub findings: FindingChanges,
    pub steps: StepChanges,
}

/// A value before and after.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change<T> {
    pub before: T,
    pub after: T,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct FindingChanges {
    pub added: Vec<Finding>,
    pub removed: Vec<Finding>,
    pub changed: Vec<FindingChange>,
}

/// One finding whose severity or message changed (same rule, cluster and hop).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FindingChange {
    pub rule: String,
    pub cluster: Option<String>,
    pub hop: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity: Option<Change<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<Change<String>>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct StepChanges {
    pub added: Vec<StepRef>,
    pub removed: Vec<StepRef>,
    pub moved: Vec<StepMove>,
    pub changed: Vec<StepChange>,
}

/// A step named as a reviewer reads it: id, hop, cluster, title, and its position.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StepRef {
    pub id: String,
    pub hop: String,
    pub cluster: Option<String>,
    pub title: String,
    /// 1-based position in the plan it belongs to (`step 7`).
    pub position: usize,
    pub wave: u32,
}

/// A step both plans have, in another place relative to the others.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StepMove {
    pub id: String,
    pub hop: String,
    pub cluster: Option<String>,
    pub position: Change<usize>,
    pub wave: Change<u32>,
}

/// A step both plans have whose content differs.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StepChange {
    pub id: String,
    pub hop: String,
    pub cluster: Option<String>,
    /// Field name → before/after, in a fixed order (title, commands, notes, …).
    pub fields: Vec<FieldChange>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FieldChange {
    pub field: &'static str,
    pub before: serde_json::Value,
    pub after: serde_json::Value,
}

impl PlanDiff {
    pub fn is_empty(&self) -> bool {
        self == &PlanDiff::default()
    }
}

/// Compares `old` with `new`.
pub fn diff(old: &Plan, new: &Plan) -> PlanDiff {
    PlanDiff {
        status: changed(&old.status, &new.status),
        route: changed(&route(old), &route(new)),
        findings: findings(&old.findings, &new.findings),
        steps: steps(&old.steps, &new.steps),
    }
}

fn changed<T: PartialEq + Clone>(before: &T, after: &T) -> Option<Change<T>> {
    (before != after).then(|| Change {
        before: before.clone(),
        after: after.clone(),
    })
}

/// `3.18.1 → 4.3.0 via 3.18, 4.0, 4.3`.
fn route(plan: &Plan) -> String {
    format!("{} → {} via {}", plan.from, plan.to, plan.path.join(", "))
}

type FindingKey<'a> = (&'a str, Option<&'a str>, Option<&'a str>);

fn key(f: &Finding) -> FindingKey<'_> {
    (&f.rule, f.cluster.as_deref(), f.hop.as_deref())
}

/// A finding's whole identity: rule, cluster, hop, severity and message.
type Identity<'a> = (FindingKey<'a>, &'a str, &'a str);

fn identity(f: &Finding) -> Identity<'_> {
    (key(f), &f.severity, &f.message)
}

/// The findings of `these` that `those` lacks, counting duplicates.
fn unmatched(these: &[Finding], those: &[Finding]) -> Vec<Finding> {
    let mut pool: HashMap<Identity, usize> = HashMap::new();
    for f in those {
        *pool.entry(identity(f)).or_default() += 1;
    }
    these
        .iter()
        .filter(|f| match pool.get_mut(&identity(f)) {
            Some(n) if *n > 0 => {
                *n -= 1;
                false
            }
            _ => true,
        })
        .cloned()
        .collect()
}

fn findings(old: &[Finding], new: &[Finding]) -> FindingChanges {
    pair_changes(unmatched(new, old), unmatched(old, new))
}

/// An added and a removed finding of one rule, cluster and hop, alone in their group
/// on both sides, are one changed finding.
fn pair_changes(added: Vec<Finding>, removed: Vec<Finding>) -> FindingChanges {
    let count = |list: &[Finding]| {
        let mut n: BTreeMap<(String, Option<String>, Option<String>), usize> = BTreeMap::new();
        for f in list {
            *n.entry(owned_key(f)).or_default() += 1;
        }
        n
    };
    let (n_added, n_removed) = (count(&added), count(&removed));
    let single = |k: &_| n_added.get(k) == Some(&1) && n_removed.get(k) == Some(&1);
    let mut out = FindingChanges::default();
    let mut before: HashMap<_, Finding> = HashMap::new();
    for f in removed {
        if single(&owned_key(&f)) {
            before.insert(owned_key(&f), f);
        } else {
            out.removed.push(f);
        }
    }
    for f in added {
        match before.remove(&owned_key(&f)) {
            Some(old) => out.changed.push(finding_change(&old, f)),
            None => out.added.push(f),
        }
    }
    out
}

fn owned_key(f: &Finding) -> (String, Option<String>, Option<String>) {
    (f.rule.clone(), f.cluster.clone(), f.hop.clone())
}

fn finding_change(old: &Finding, new: Finding) -> FindingChange {
    FindingChange {
        severity: changed(&old.severity, &new.severity),
        message: changed(&old.message, &new.message),
        rule: new.rule,
        cluster: new.cluster,
        hop: new.hop,
    }
}

fn steps(old: &[PlannedStep], new: &[PlannedStep]) -> StepChanges {
    let index = |list: &[PlannedStep]| -> HashMap<String, usize> {
        // The first of two steps with one id wins; validate refuses such plans.
        let mut map = HashMap::with_capacity(list.len());
        for (i, s) in list.iter().enumerate().rev() {
            map.insert(s.id.clone(), i);
        }
        map
    };
    let (in_old, in_new) = (index(old), index(new));
    let refs = |list: &[PlannedStep], other: &HashMap<String, usize>| -> Vec<StepRef> {
        let mut seen = HashSet::new();
        list.iter()
            .enumerate()
            .filter(|(_, s)| !other.contains_key(&s.id) && seen.insert(s.id.as_str()))
            .map(|(i, s)| step_ref(s, i))
            .collect()
    };
    // Common steps in the new plan's order, each with its old position.
    let common: Vec<(usize, usize)> = new
        .iter()
        .enumerate()
        .filter(|(i, s)| in_new.get(&s.id) == Some(i))
        .filter_map(|(i, s)| in_old.get(&s.id).map(|&o| (o, i)))
        .collect();
    let mut out = StepChanges {
        added: refs(new, &in_old),
        removed: refs(old, &in_new),
        moved: moved::moved(&common)
            .into_iter()
            .map(|(o, n)| step_move(&old[o], &new[n], o, n))
            .collect(),
        changed: common
            .iter()
            .filter_map(|&(o, n)| step_change(&old[o], &new[n]))
            .collect(),
    };
    pair_steps(&mut out, old, new);
    out
}

/// A removed and an added step of one hop, action and cluster, alone in their group
/// on both sides, are one step whose arguments changed (`upgrade-istio(c,1.22)` →
/// `upgrade-istio(c,1.24)` after a floor moved): reported as a change of its id.
fn pair_steps(out: &mut StepChanges, old: &[PlannedStep], new: &[PlannedStep]) {
    type Group = (String, String, Option<String>);
    let group = |s: &PlannedStep| -> Group { (s.hop.clone(), s.action.clone(), s.cluster.clone()) };
    let count = |refs: &[StepRef], list: &[PlannedStep]| {
        let mut n: HashMap<Group, usize> = HashMap::new();
        for r in refs {
            *n.entry(group(&list[r.position - 1])).or_default() += 1;
        }
        n
    };
    let (n_removed, n_added) = (count(&out.removed, old), count(&out.added, new));
    let single = |g: &Group| n_removed.get(g) == Some(&1) && n_added.get(g) == Some(&1);
    let mut before: HashMap<Group, StepRef> = HashMap::new();
    out.removed.retain(|r| {
        let g = group(&old[r.position - 1]);
        let pair = single(&g);
        if pair {
            before.insert(g, r.clone());
        }
        !pair
    });
    let mut paired = Vec::new();
    out.added.retain(|r| {
        let g = group(&new[r.position - 1]);
        match before.remove(&g) {
            Some(b) => {
                paired.push((b.position - 1, r.position - 1));
                false
            }
            None => true,
        }
    });
    for (o, n) in paired {
        let mut change = step_change(&old[o], &new[n]).unwrap_or_else(|| StepChange {
            id: new[n].id.clone(),
            hop: new[n].hop.clone(),
            cluster: new[n].cluster.clone(),
            fields: Vec::new(),
        });
        let id = FieldChange {
            field: "id",
            before: serde_json::json!(old[o].id),
            after: serde_json::json!(new[n].id),
        };
        change.fields.insert(0, id);
        out.changed.push(change);
    }
}

fn step_ref(s: &PlannedStep, index: usize) -> StepRef {
    StepRef {
        id: s.id.clone(),
        hop: s.hop.clone(),
        cluster: s.cluster.clone(),
        title: s.title.clone(),
        position: index + 1,
        wave: s.wave,
    }
}

fn step_move(old: &PlannedStep, new: &PlannedStep, o: usize, n: usize) -> StepMove {
    StepMove {
        id: new.id.clone(),
        hop: new.hop.clone(),
        cluster: new.cluster.clone(),
        position: Change {
            before: o + 1,
            after: n + 1,
        },
        wave: Change {
            before: old.wave,
            after: new.wave,
        },
    }
}

/// The fields a reviewer cares about; `after` and `wave` follow from the order and
/// are reported as moves, `id`, `hop`, `action` and `cluster` are the step's identity.
fn step_change(old: &PlannedStep, new: &PlannedStep) -> Option<StepChange> {
    use serde_json::json;
    let pairs = [
        ("title", json!(old.title), json!(new.title)),
        ("commands", json!(old.commands), json!(new.commands)),
        ("notes", json!(old.notes), json!(new.notes)),
        ("manual", json!(old.manual), json!(new.manual)),
        ("optional", json!(old.optional), json!(new.optional)),
        (
            "duration_minutes",
            json!(old.duration_minutes),
            json!(new.duration_minutes),
        ),
        ("rule", json!(old.rule), json!(new.rule)),
    ];
    let fields: Vec<FieldChange> = pairs
        .into_iter()
        .filter(|(_, b, a)| b != a)
        .map(|(field, before, after)| FieldChange {
            field,
            before,
            after,
        })
        .collect();
    (!fields.is_empty()).then(|| StepChange {
        id: new.id.clone(),
        hop: new.hop.clone(),
        cluster: new.cluster.clone(),
        fields,
    })
}

#[cfg(test)]
mod tests;
