//! Which optional steps a person may really skip. A step is declared `optional` in the
//! rulebook (the in-window Kubernetes upgrade, for one), but a later requirement can
//! depend on what it does: on 3.16 → 4.0 → 4.3 the workload's Kubernetes 1.31 comes
//! from the optional in-window upgrade of the first hop, and the second hop needs it.
//! Such a step is shown as needed, naming the requirement that would break.
//!
//! The check replays the plan's requirements without the optional steps: once with
//! all of them left out (the usual answer: nothing breaks), then, only if something
//! does, with the steps of one cluster at a time, halving the groups that break so a
//! large fleet costs a few replays per needed cluster rather than one per cluster.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use super::Evaluation;
use super::instances::Arg;
use super::replay::{Violation, check_requirements};
use crate::model::{Rulebook, Value};

/// Optional instances that some later requirement needs, each with the first
/// requirement that breaks without it. Instances not listed may be skipped.
pub fn needed(rb: &Rulebook, ev: &Evaluation, initial: &Value) -> HashMap<u32, Violation> {
    let optional: Vec<u32> = ev
        .order
        .iter()
        .copied()
        .filter(|&i| {
            rb.steps[ev.graph.insts[i as usize].step as usize]
                .optional
                .is_some()
        })
        .collect();
    let mut out = HashMap::default();
    if optional.is_empty() {
        return out;
    }
    let groups = by_subject(ev, &optional);
    let mut pending = vec![groups];
    while let Some(set) = pending.pop() {
        let removed: HashSet<u32> = set.iter().flatten().copied().collect();
        let Some(broken) = first_break(rb, ev, initial, &removed) else {
            continue;
        };
        if set.len() == 1 {
            for &i in &set[0] {
                out.insert(i, broken.clone());
            }
            continue;
        }
        let (a, b) = set.split_at(set.len() / 2);
        pending.push(a.to_vec());
        pending.push(b.to_vec());
    }
    out
}

/// Optional instances grouped by the entity they act on (a ladder's rungs together).
fn by_subject(ev: &Evaluation, optional: &[u32]) -> Vec<Vec<u32>> {
    /// An entity as (root field, index); `None` for steps on the platform.
    type Subject = Option<(u16, u32)>;
    let mut groups: Vec<(Subject, Vec<u32>)> = Vec::new();
    let mut index: HashMap<Subject, usize> = HashMap::default();
    for &i in optional {
        let key = ev.graph.insts[i as usize]
            .args
            .iter()
            .find_map(|a| match a {
                Arg::Entity { field, index } => Some((*field, *index)),
                Arg::Value(_) => None,
            });
        let g = *index.entry(key).or_insert_with(|| {
            groups.push((key, Vec::new()));
            groups.len() - 1
        });
        groups[g].1.push(i);
    }
    groups.into_iter().map(|(_, g)| g).collect()
}

/// The first requirement that fails when the plan runs without `removed`.
fn first_break(
    rb: &Rulebook,
    ev: &Evaluation,
    initial: &Value,
    removed: &HashSet<u32>,
) -> Option<Violation> {
    let order: Vec<u32> = ev
        .order
        .iter()
        .copied()
        .filter(|i| !removed.contains(i))
        .collect();
    let mut at = vec![usize::MAX; ev.graph.insts.len()];
    for (n, &i) in order.iter().enumerate() {
        at[i as usize] = n;
    }
    check_requirements(rb, initial, ev, &order, &at)
        .into_iter()
        .next()
}
