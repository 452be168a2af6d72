//! Which declarations an evaluation exercised, for `uplan test --coverage`: read off
//! the finished evaluation, so planning itself pays nothing for it.

use super::instances::Origin;
use super::{Evaluation, limit_slots};
use crate::model::{Rulebook, Value};

/// Per declaration (indexed like the rulebook's lists), whether this evaluation
/// exercised it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Exercised {
    /// The rule produced a finding (shown, or fixed by a step) or added a step.
    pub rules: Vec<bool>,
    /// The procedure added a step or an edge.
    pub procedures: Vec<bool>,
    /// Both patterns matched steps of one hop, so the order added an edge.
    pub orders: Vec<bool>,
    /// At least two bindings of the limit's pattern met in one hop: the limit had
    /// something to constrain.
    pub limits: Vec<bool>,
}

impl Evaluation {
    /// What this evaluation exercised; `initial` is the inventory's facts.
    pub fn exercised(&self, rb: &Rulebook, initial: &Value) -> Exercised {
        let mut out = Exercised {
            rules: vec![false; rb.rules.len()],
            procedures: vec![false; rb.procedures.len()],
            orders: vec![false; rb.orders.len()],
            limits: vec![false; rb.limits.len()],
        };
        for f in self.findings.iter().filter(|f| !f.suppressed) {
            mark(&mut out.rules, f.rule as usize);
        }
        let origins = self.graph.insts.iter().map(|i| i.origin);
        for origin in origins.chain(self.graph.edges.iter().map(|e| e.origin)) {
            match origin {
                Origin::Rule(i) => mark(&mut out.rules, i as usize),
                Origin::Procedure(i) => mark(&mut out.procedures, i as usize),
                Origin::Order(i) => mark(&mut out.orders, i as usize),
                Origin::Ladder(_) => {}
            }
        }
        self.mark_limits(rb, initial, &mut out.limits);
        out
    }

    /// Re-derives each hop's limit bindings on the facts at the hop's start.
    fn mark_limits(&self, rb: &Rulebook, initial: &Value, limits: &mut [bool]) {
        for pos in 0..self.hops.len() as u32 {
            let ids: Vec<u32> = (0..self.graph.insts.len() as u32)
                .filter(|&i| self.graph.insts[i as usize].hop == pos)
                .collect();
            let ctx = self.ctx(rb, pos);
            let slots = limit_slots(rb, &self.graph, &ids, &ctx, self.hop_state(pos, initial));
            for (l, slot) in slots.iter().enumerate() {
                let mut keys: Vec<u32> = slot.key_of.iter().flatten().copied().collect();
                keys.sort_unstable();
                keys.dedup();
                if keys.len() >= 2 {
                    mark(limits, l);
                }
            }
        }
    }
}

fn mark(flags: &mut [bool], i: usize) {
    if let Some(f) = flags.get_mut(i) {
        *f = true;
    }
}
