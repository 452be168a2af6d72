//! Placement: `else step S(..) just before P` asks for the remediation to run as late
//! as the plan allows instead of as early. The scheduler orders a hop as soon as
//! possible (Kahn in waves, `schedule`); this pass then moves each late step to the
//! wave right before its earliest successor, so a plugin taken off "before the
//! upgrade" is gone for the upgrade, not for the whole window.
//!
//! Moving a step later keeps every edge (its predecessors were already earlier, its
//! successors stay later) and every wave's size under a limit, since only steps no
//! `limit` counts are moved. Late steps are visited from the end of the order, so a
//! chain of them (a `stepwise` ladder) moves as a whole. Deterministic: the result
//! depends only on the schedule, the edges and the ranks.

/// Moves the `late` local instances (unless `limited`) as late as their successors
/// allow, then re-sorts `order` by (wave, rank), the scheduler's own order.
pub fn delay(
    order: &mut [u32],
    wave: &mut [u32],
    rank: &[u32],
    edges: &[(u32, u32)],
    late: &[bool],
    limited: &[bool],
) {
    if !late.iter().any(|&l| l) {
        return;
    }
    let mut succ: Vec<Vec<u32>> = vec![Vec::new(); wave.len()];
    for &(a, b) in edges {
        if let Some(s) = succ.get_mut(a as usize) {
            s.push(b);
        }
    }
    for &i in order.iter().rev() {
        let i = i as usize;
        if !late.get(i).copied().unwrap_or(false) || limited.get(i).copied().unwrap_or(true) {
            continue;
        }
        let earliest = succ[i].iter().map(|&s| wave[s as usize]).min();
        if let Some(w) = earliest
            && w > 0
            && w - 1 > wave[i]
        {
            wave[i] = w - 1;
        }
    }
    order.sort_by_key(|&i| (wave[i as usize], rank[i as usize]));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_late_step_moves_to_the_wave_before_its_successor() {
        // 0 -> 1 -> 2 -> 3, and 4 (late) -> 3: 4 runs in wave 2, not wave 0.
        let mut order = vec![0, 4, 1, 2, 3];
        let mut wave = vec![0, 1, 2, 3, 0];
        let rank = vec![0, 1, 2, 3, 4];
        let edges = [(0, 1), (1, 2), (2, 3), (4, 3)];
        let late = [false, false, false, false, true];
        delay(&mut order, &mut wave, &rank, &edges, &late, &[false; 5]);
        assert_eq!(wave, vec![0, 1, 2, 3, 2]);
        assert_eq!(order, vec![0, 1, 2, 4, 3]);
    }

    #[test]
    fn a_late_chain_moves_as_a_whole_and_limited_steps_stay() {
        // 3 -> 4 -> 2 (both late); 0 -> 1 -> 2. Step 5 (late, limited) -> 2 stays.
        let mut order = vec![0, 3, 5, 1, 4, 2];
        let mut wave = vec![0, 1, 2, 0, 1, 0];
        let rank = vec![0, 1, 2, 3, 4, 5];
        let edges = [(0, 1), (1, 2), (3, 4), (4, 2), (5, 2)];
        let late = [false, false, false, true, true, true];
        let limited = [false, false, false, false, false, true];
        delay(&mut order, &mut wave, &rank, &edges, &late, &limited);
        assert_eq!(wave, vec![0, 1, 2, 0, 1, 0]);
        let mut order2 = vec![0, 3, 1, 4, 2];
        let mut wave2 = vec![0, 1, 3, 0, 1];
        let edges2 = [(0, 1), (1, 2), (3, 4), (4, 2)];
        delay(
            &mut order2,
            &mut wave2,
            &rank[..5],
            &edges2,
            &late[..5],
            &[false; 5],
        );
        assert_eq!(wave2, vec![0, 1, 3, 1, 2]);
    }

    #[test]
    fn without_successors_or_late_steps_nothing_moves() {
        let mut order = vec![0, 1];
        let mut wave = vec![0, 1];
        delay(
            &mut order,
            &mut wave,
            &[0, 1],
            &[],
            &[true, false],
            &[false, false],
        );
        assert_eq!(wave, vec![0, 1]);
    }
}
