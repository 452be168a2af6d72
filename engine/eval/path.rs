//! The upgrade path: shortest route over the hop graph.

use std::collections::VecDeque;

use rustc_hash::FxHashMap as HashMap;

use crate::model::{Rulebook, Version};

/// The versions hops start or end at, in version order, without duplicates.
pub fn nodes(rb: &Rulebook) -> Vec<Version> {
    let mut all: Vec<Version> = rb
        .hops
        .iter()
        .flat_map(|h| [h.from.clone(), h.to.clone()])
        .collect();
    all.sort_by(|a, b| a.compare(b).then(a.precision.cmp(&b.precision)));
    all.dedup_by(|a, b| a.compare(b).is_eq());
    all
}

/// The node a concrete version belongs to (`3.16.2` → `3.16`).
pub fn node_of(rb: &Rulebook, v: &Version) -> Option<Version> {
    nodes(rb).into_iter().find(|n| n.compare(v).is_eq())
}

/// Shortest path as hop indices; ties go to the hop declared first. `None`: no route.
pub fn shortest(rb: &Rulebook, from: &Version, to: &Version) -> Option<Vec<u16>> {
    let key = |v: &Version| {
        (
            v.major,
            v.minor,
            v.patch.min(if v.precision >= 3 { u64::MAX } else { 0 }),
        )
    };
    let start = key(from);
    let goal = key(to);
    if start == goal {
        return Some(Vec::new());
    }
    let mut came: HashMap<(u64, u64, u64), Option<u16>> = HashMap::default();
    came.insert(start, None);
    let mut queue = VecDeque::from([start]);
    while let Some(at) = queue.pop_front() {
        for (i, h) in rb.hops.iter().enumerate() {
            if key(&h.from) != at {
                continue;
            }
            let next = key(&h.to);
            if came.contains_key(&next) {
                continue;
            }
            came.insert(next, Some(i as u16));
            if next == goal {
                let mut path = Vec::new();
                let mut cur = next;
                while let Some(Some(hop)) = came.get(&cur) {
                    path.push(*hop);
                    cur = key(&rb.hops[*hop as usize].from);
                }
                path.reverse();
                return Some(path);
            }
            queue.push_back(next);
        }
    }
    None
}

/// Versions reachable from `from` (for the "no path" finding).
pub fn reachable(rb: &Rulebook, from: &Version) -> Vec<Version> {
    nodes(rb)
        .into_iter()
        .filter(|n| n.compare(from).is_ne() && shortest(rb, from, n).is_some())
        .collect()
}

/// Versions from which `to` can be reached.
pub fn sources_of(rb: &Rulebook, to: &Version) -> Vec<Version> {
    nodes(rb)
        .into_iter()
        .filter(|n| n.compare(to).is_ne() && shortest(rb, n, to).is_some())
        .collect()
}
