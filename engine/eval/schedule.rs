//! Ordering one hop's instances: a deterministic topological order cut into waves,
//! where `limit` bounds how many bindings may be in progress at once.

use std::collections::BTreeSet;

use rustc_hash::FxHashMap as HashMap;

/// A limit as the scheduler sees it: its bound, and per local instance the binding
/// (an interned key) that instance holds a slot for.
pub struct SlotLimit {
    pub max: u32,
    pub key_of: Vec<Option<u32>>,
}

pub enum Stuck {
    /// These local instances wait on each other.
    Cycle(Vec<u32>),
    /// A limit cannot admit anything although steps are ready (names the limit).
    Limit(usize),
}

/// The scheduled hop: local indices in execution order, and each one's wave (0-based
/// within the hop).
pub struct Schedule {
    pub order: Vec<u32>,
    pub wave: Vec<u32>,
}

/// `rank[i]` is instance i's place in the tie-break order; `edges` are local pairs.
pub fn schedule(
    rank: &[u32],
    edges: &[(u32, u32)],
    limits: &[SlotLimit],
) -> Result<Schedule, Stuck> {
    let n = rank.len();
    let mut succ_start = vec![0u32; n + 1];
    let mut indeg = vec![0u32; n];
    for &(a, b) in edges {
        succ_start[a as usize + 1] += 1;
        indeg[b as usize] += 1;
    }
    for i in 0..n {
        succ_start[i + 1] += succ_start[i];
    }
    let mut fill = succ_start.clone();
    let mut succ = vec![0u32; edges.len()];
    for &(a, b) in edges {
        succ[fill[a as usize] as usize] = b;
        fill[a as usize] += 1;
    }
    let by_rank = {
        let mut v = vec![0u32; n];
        for (i, &r) in rank.iter().enumerate() {
            v[r as usize] = i as u32;
        }
        v
    };
    // How many steps each binding still has to run, per limit.
    let mut remaining: Vec<HashMap<u32, u32>> = limits.iter().map(|_| HashMap::default()).collect();
    for (l, lim) in limits.iter().enumerate() {
        for k in lim.key_of.iter().flatten() {
            *remaining[l].entry(*k).or_default() += 1;
        }
    }
    let mut active: Vec<HashMap<u32, ()>> = limits.iter().map(|_| HashMap::default()).collect();
    let limited = |i: usize| limits.iter().any(|l| l.key_of[i].is_some());

    let fits = |i: usize, active: &[HashMap<u32, ()>]| {
        limits
            .iter()
            .enumerate()
            .all(|(l, lim)| match lim.key_of[i] {
                None => true,
                Some(k) => active[l].contains_key(&k) || (active[l].len() as u32) < lim.max,
            })
    };
    let activate = |i: usize, active: &mut [HashMap<u32, ()>]| {
        for (l, lim) in limits.iter().enumerate() {
            if let Some(k) = lim.key_of[i] {
                active[l].insert(k, ());
            }
        }
    };
    let mut free: BTreeSet<u32> = BTreeSet::new();
    let mut waiting: BTreeSet<u32> = BTreeSet::new();
    // Waiting instances by the binding they need a slot for.
    let mut by_key: HashMap<(usize, u32), BTreeSet<u32>> = HashMap::default();
    let make_ready = |i: usize,
                      free: &mut BTreeSet<u32>,
                      waiting: &mut BTreeSet<u32>,
                      by_key: &mut HashMap<(usize, u32), BTreeSet<u32>>| {
        if limited(i) {
            waiting.insert(rank[i]);
            for (l, lim) in limits.iter().enumerate() {
                if let Some(k) = lim.key_of[i] {
                    by_key.entry((l, k)).or_default().insert(rank[i]);
                }
            }
        } else {
            free.insert(rank[i]);
        }
    };
    for (i, d) in indeg.iter().enumerate() {
        if *d == 0 {
            make_ready(i, &mut free, &mut waiting, &mut by_key);
        }
    }
    let mut wave = vec![u32::MAX; n];
    let mut order = Vec::with_capacity(n);
    let mut w = 0u32;
    while order.len() < n {
        let mut admitted: Vec<u32> = std::mem::take(&mut free).into_iter().collect();
        // Bindings already holding a slot go first, then new bindings while slots last.
        let mut taken: Vec<u32> = Vec::new();
        let mut holders: Vec<u32> = Vec::new();
        for (l, keys) in active.iter().enumerate() {
            for k in keys.keys() {
                if let Some(set) = by_key.get(&(l, *k)) {
                    holders.extend(set.iter().copied());
                }
            }
        }
        holders.sort_unstable();
        holders.dedup();
        for r in holders {
            let i = by_rank[r as usize] as usize;
            if !taken.contains(&r) && fits(i, &active) {
                activate(i, &mut active);
                taken.push(r);
            }
        }
        for &r in waiting.iter() {
            if limits
                .iter()
                .enumerate()
                .all(|(l, lim)| (active[l].len() as u32) >= lim.max)
            {
                break;
            }
            let i = by_rank[r as usize] as usize;
            if !taken.contains(&r) && fits(i, &active) {
                activate(i, &mut active);
                taken.push(r);
            }
        }
        for r in &taken {
            waiting.remove(r);
            let i = by_rank[*r as usize] as usize;
            for (l, lim) in limits.iter().enumerate() {
                if let Some(k) = lim.key_of[i]
                    && let Some(set) = by_key.get_mut(&(l, k))
                {
                    set.remove(r);
                }
            }
        }
        admitted.extend(taken);
        if admitted.is_empty() {
            if waiting.is_empty() {
                let stuck = (0..n as u32)
                    .filter(|&i| wave[i as usize] == u32::MAX)
                    .collect();
                return Err(Stuck::Cycle(stuck));
            }
            let l = limits.iter().position(|l| l.max == 0).unwrap_or(0);
            return Err(Stuck::Limit(l));
        }
        admitted.sort_unstable();
        for &r in &admitted {
            let i = by_rank[r as usize] as usize;
            wave[i] = w;
            order.push(i as u32);
            for (l, lim) in limits.iter().enumerate() {
                if let Some(k) = lim.key_of[i]
                    && let Some(left) = remaining[l].get_mut(&k)
                {
                    *left -= 1;
                }
            }
        }
        for (l, lim) in limits.iter().enumerate() {
            let _ = lim;
            let done: Vec<u32> = active[l]
                .keys()
                .copied()
                .filter(|k| remaining[l].get(k) == Some(&0))
                .collect();
            for k in done {
                active[l].remove(&k);
            }
        }
        for &r in &admitted {
            let i = by_rank[r as usize] as usize;
            for s in &succ[succ_start[i] as usize..succ_start[i + 1] as usize] {
                let s = *s as usize;
                indeg[s] -= 1;
                if indeg[s] == 0 {
                    make_ready(s, &mut free, &mut waiting, &mut by_key);
                }
            }
        }
        w += 1;
    }
    Ok(Schedule { order, wave })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: Result<Schedule, Stuck>) -> Schedule {
        match s {
            Ok(s) => s,
            Err(_) => panic!("expected a schedule"),
        }
    }

    #[test]
    fn orders_by_edges_then_rank() {
        let s = ok(schedule(&[2, 1, 0], &[(0, 1)], &[]));
        assert_eq!(s.order, vec![2, 0, 1]);
        assert_eq!(s.wave, vec![0, 1, 0]);
    }

    #[test]
    fn a_limit_cuts_parallel_steps_into_waves() {
        let rank: Vec<u32> = (0..45).collect();
        let lim = SlotLimit {
            max: 20,
            key_of: (0..45).map(Some).collect(),
        };
        let s = ok(schedule(&rank, &[], &[lim]));
        assert_eq!(s.wave.iter().max(), Some(&2));
        for w in 0..3 {
            let n = s.wave.iter().filter(|&&x| x == w).count();
            assert!(n <= 20, "wave {w} has {n}");
        }
    }

    #[test]
    fn a_binding_keeps_its_slot_until_its_last_step() {
        // Two clusters, each with two chained steps, one slot: cluster 0 finishes first.
        let rank = vec![0, 1, 2, 3];
        let lim = SlotLimit {
            max: 1,
            key_of: vec![Some(0), Some(0), Some(1), Some(1)],
        };
        let s = ok(schedule(&rank, &[(0, 1), (2, 3)], &[lim]));
        assert_eq!(s.order, vec![0, 1, 2, 3]);
        assert_eq!(s.wave, vec![0, 1, 2, 3]);
    }

    #[test]
    fn a_cycle_is_reported_with_its_members() {
        match schedule(&[0, 1, 2], &[(0, 1), (1, 0)], &[]) {
            Err(Stuck::Cycle(members)) => assert_eq!(members, vec![0, 1]),
            _ => panic!("expected a cycle"),
        }
    }
}
