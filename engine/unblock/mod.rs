//! `uplan check --unblock`: for a blocked inventory, a minimal set of fact changes
//! that makes it plan, and the nearest target it reaches as it is. Computed from the
//! rules, never written by hand:
//!
//! 1. Each open blocking finding names the facts it read (`clusters.x.kubernetes`, or
//!    a whole list such as `clusters` for a count). Candidate values for a fact come
//!    from its type and the rulebook: the other variants of an enum, the other truth
//!    value, null for an optional, and for versions and integers every literal of
//!    that type the rules, releases and hops mention (bounds of `1.31..=1.34`,
//!    `sources-of-4-3`, `0`), nearest the current value first. For a list fact, the
//!    candidates are those of the fields the rule reads on each of its entities.
//! 2. For each open block in turn, the first single candidate (then pair) whose
//!    re-evaluation clears that block is added; new blocks a change causes are taken
//!    in the next round.
//! 3. The set is minimised by re-evaluation: a change whose removal still leaves
//!    nothing blocking is dropped. The result is 1-minimal — applying it makes `check`
//!    pass, and dropping any one change makes it fail (tests/unblock.rs proves it on
//!    every blocked example) — not necessarily the globally smallest set.
//!
//! Stage: on top of eval (it re-runs the evaluator on edited facts).

mod candidates;
mod render;

use crate::diagnostics::Problems;
use crate::eval::{self, Mode};
use crate::inventory::Inventory;
use crate::model::{Rulebook, Value, Version};
use crate::plan::Finding;
use crate::waivers::{self, Date, Waivers};
pub use candidates::Change;
pub use render::{json, text};

/// How many re-evaluations one answer may cost: bounded, so a large inventory with
/// many blocks answers in bounded time (and says when it gave up).
const MAX_EVALUATIONS: usize = 1500;
/// How many rounds of "a change caused a new block".
const MAX_ROUNDS: usize = 8;

/// What `--unblock` answers.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub from: String,
    pub to: String,
    /// The inventory as it is has an open block.
    pub blocked: bool,
    /// The blocking findings as they are (rule, cluster).
    pub blocks: Vec<(String, Option<String>)>,
    /// The changes, sorted by fact; empty when nothing blocks or none was found.
    pub changes: Vec<Change>,
    /// Whether `changes` is verified to make the inventory plan.
    pub solved: bool,
    /// The highest version on the path graph, up to the target, that the inventory
    /// reaches with nothing blocking, as it is.
    pub nearest: Option<String>,
}

/// The inputs of one question, re-used for every re-evaluation.
pub struct Question<'a> {
    pub rulebook: &'a Rulebook,
    pub inventory: &'a Inventory,
    pub target: Option<&'a Version>,
    pub waivers: Option<(&'a Waivers, Date)>,
}

impl Question<'_> {
    /// The open blocks of `facts` (the inventory with some changes) for `target`.
    fn blocks(&self, facts: &Value, target: Option<&Version>) -> Result<Vec<Finding>, Problems> {
        let inv = Inventory::from_facts(
            self.inventory.name.clone(),
            self.inventory.text.clone(),
            facts.clone(),
        );
        let ev = eval::evaluate(self.rulebook, &inv, target, Mode::Check)?;
        let mut plan = ev.to_plan(self.rulebook, &inv);
        if let Some((w, today)) = self.waivers {
            waivers::apply(&mut plan, w, today);
        }
        plan.findings
            .retain(|f| f.severity == "block" && f.waived.is_none());
        Ok(plan.findings)
    }

    /// Whether the inventory with `changes` applied plans with nothing blocking.
    pub fn passes(&self, changes: &[Change]) -> Result<bool, Problems> {
        let facts = candidates::apply(self.rulebook, &self.inventory.facts, changes);
        Ok(self.blocks(&facts, self.target)?.is_empty())
    }
}

/// The answer for `q`.
pub fn answer(q: &Question<'_>) -> Result<Answer, Problems> {
    let ev = eval::evaluate(q.rulebook, q.inventory, q.target, Mode::Check)?;
    let plan = ev.to_plan(q.rulebook, q.inventory);
    let blocks = q.blocks(&q.inventory.facts, q.target)?;
    let mut answer = Answer {
        from: plan.from.clone(),
        to: plan.to.clone(),
        blocked: !blocks.is_empty(),
        blocks: blocks
            .iter()
            .map(|f| (f.rule.clone(), f.cluster.clone()))
            .collect(),
        changes: Vec::new(),
        solved: blocks.is_empty(),
        nearest: None,
    };
    if answer.blocked {
        let mut budget = MAX_EVALUATIONS;
        if let Some(changes) = search(q, blocks, &mut budget)? {
            answer.changes = minimise(q, changes)?;
            answer.solved = true;
        }
    }
    answer.nearest = nearest(q, &plan.to)?;
    Ok(answer)
}

/// Rounds of "clear each open block with the first candidate that does".
fn search(
    q: &Question<'_>,
    mut open: Vec<Finding>,
    budget: &mut usize,
) -> Result<Option<Vec<Change>>, Problems> {
    let mut chosen: Vec<Change> = Vec::new();
    for _ in 0..MAX_ROUNDS {
        if open.is_empty() {
            return Ok(Some(chosen));
        }
        for f in &open {
            let base = candidates::apply(q.rulebook, &q.inventory.facts, &chosen);
            let now = q.blocks(&base, q.target)?;
            if !now.iter().any(|b| same(b, f)) {
                continue; // an earlier change of this round cleared it
            }
            let options = candidates::for_finding(q.rulebook, &base, f);
            let Some(fix) = clear(q, &chosen, &options, f, now.len(), budget)? else {
                return Ok(None);
            };
            for c in fix {
                chosen.retain(|o| o.fact != c.fact);
                chosen.push(c);
            }
        }
        let facts = candidates::apply(q.rulebook, &q.inventory.facts, &chosen);
        open = q.blocks(&facts, q.target)?;
    }
    Ok(open.is_empty().then_some(chosen))
}

/// The first single change of `options` (nearest first) that clears `f` on top of
/// `chosen` without opening another block (`open` blocks are open now); else the one
/// leaving the fewest open blocks (so one fix does not trade a block for another);
/// else the first pair that clears it.
fn clear(
    q: &Question<'_>,
    chosen: &[Change],
    options: &[Change],
    f: &Finding,
    open: usize,
    budget: &mut usize,
) -> Result<Option<Vec<Change>>, Problems> {
    // The number of open blocks left when `set` clears `f`, `None` when it does not.
    let try_set = |set: &[Change], budget: &mut usize| -> Result<Option<usize>, Problems> {
        if *budget == 0 {
            return Ok(None);
        }
        *budget -= 1;
        let mut all: Vec<Change> = chosen
            .iter()
            .filter(|c| set.iter().all(|s| s.fact != c.fact))
            .cloned()
            .collect();
        all.extend(set.iter().cloned());
        let facts = candidates::apply(q.rulebook, &q.inventory.facts, &all);
        let open = q.blocks(&facts, q.target)?;
        Ok((!open.iter().any(|b| same(b, f))).then_some(open.len()))
    };
    let mut best: Option<(usize, &Change)> = None;
    for c in options {
        if let Some(left) = try_set(std::slice::from_ref(c), budget)? {
            if left < open {
                return Ok(Some(vec![c.clone()]));
            }
            if best.is_none_or(|(b, _)| left < b) {
                best = Some((left, c));
            }
        }
    }
    if let Some((_, c)) = best {
        return Ok(Some(vec![c.clone()]));
    }
    for (i, a) in options.iter().enumerate() {
        for b in options[i + 1..].iter().filter(|b| b.fact != a.fact) {
            let pair = [a.clone(), b.clone()];
            if try_set(&pair, budget)?.is_some() {
                return Ok(Some(pair.to_vec()));
            }
        }
    }
    Ok(None)
}

/// Drops every change the others do without (in a fixed order), then sorts by fact.
fn minimise(q: &Question<'_>, mut changes: Vec<Change>) -> Result<Vec<Change>, Problems> {
    changes.sort_by(|a, b| a.fact.cmp(&b.fact));
    let mut i = 0;
    while i < changes.len() {
        let mut without = changes.clone();
        without.remove(i);
        if q.passes(&without)? {
            changes = without;
        } else {
            i += 1;
        }
    }
    Ok(changes)
}

fn same(a: &Finding, b: &Finding) -> bool {
    a.rule == b.rule && a.cluster == b.cluster
}

/// The highest hop version above the installed one, up to `to`, whose check has
/// nothing blocking with the inventory as it is.
fn nearest(q: &Question<'_>, to: &str) -> Result<Option<String>, Problems> {
    let Some(installed) = q
        .rulebook
        .path
        .from
        .iter()
        .try_fold(&q.inventory.facts, |v, &f| v.as_record()?.get(f as usize))
        .and_then(Value::as_version)
    else {
        return Ok(None);
    };
    let limit = Version::parse(to).ok();
    let mut versions: Vec<Version> = q.rulebook.hops.iter().map(|h| h.to.clone()).collect();
    versions.sort_by(|a, b| b.compare(a));
    versions.dedup_by(|a, b| a.compare(b).is_eq());
    for v in versions {
        let above = v.major_minor().compare(&installed.major_minor()).is_gt();
        let within = limit
            .as_ref()
            .is_none_or(|l| v.compare(&l.major_minor()).is_le());
        if !above || !within {
            continue;
        }
        // A target no hop reaches is a blocking path finding: `blocks` says so.
        if q.blocks(&q.inventory.facts, Some(&v))?.is_empty() {
            return Ok(Some(v.to_string()));
        }
    }
    Ok(None)
}
