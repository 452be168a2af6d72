//! What the plan carries for the runbook only: a step's verification, undo,
//! irreversibility and escalation texts, its duration's range and basis (a site's own
//! measurement from the inventory's `meta.durations` wins), the rule's source, the
//! limit that cut its wave; the checkpoints of each window and the checks after the
//! upgrade. None of it changes the order or the validation of a plan.

use std::collections::BTreeMap;

use super::instances::Origin;
use super::interp::Env;
use super::{Evaluation, limit_slots};
use crate::model::{Conditional, Rulebook, StepDef, Template, Type, Value};
use crate::plan::{Checkpoint, PlanLimit, PlannedStep, Undo};

/// The runbook texts of one step instance, rendered on the facts before it runs.
pub(super) fn texts<'a>(env: &mut Env<'a>, step: &'a StepDef, out: &mut PlannedStep) {
    let rb = &step.runbook;
    out.verify = all(env, &rb.verify);
    out.irreversible = all(env, &rb.irreversible);
    out.escalate = all(env, &rb.escalate);
    for (c, judgement) in &rb.undo {
        if env.test_opt(c.when.as_ref()) {
            let basis = if *judgement { "judgement" } else { "guide" };
            out.undo.push(Undo {
                text: env.render(&c.item),
                basis: basis.into(),
            });
        }
    }
}

fn commands<'a>(env: &mut Env<'a>, items: &'a [Conditional<Template>]) -> Vec<String> {
    let mut out = Vec::new();
    for c in items {
        if env.test_opt(c.when.as_ref()) {
            out.push(env.render_command(&c.item));
        }
    }
    out
}

fn all<'a>(env: &mut Env<'a>, items: &'a [Conditional<Template>]) -> Vec<String> {
    let mut out = Vec::new();
    for c in items {
        if env.test_opt(c.when.as_ref()) {
            out.push(env.render(&c.item));
        }
    }
    out
}

/// The duration's range and basis as the rulebook gives them.
pub(super) fn duration(step: &StepDef, out: &mut PlannedStep) {
    let Some(max) = step.duration_minutes else {
        return;
    };
    let min = step.runbook.duration_min.unwrap_or(max);
    out.duration_range = (min != max).then_some([min, max]);
    let basis = if step.runbook.duration_from_guide {
        "guide"
    } else {
        "estimate"
    };
    out.duration_basis = Some(basis.into());
}

/// The `source` of what added an instance.
pub(super) fn source(rb: &Rulebook, origin: Origin) -> Option<String> {
    match origin {
        Origin::Procedure(i) => rb.procedures.get(i as usize).map(|p| p.source.clone()),
        Origin::Rule(i) => rb.rules.get(i as usize).map(|r| r.source.clone()),
        Origin::Order(i) => rb.orders.get(i as usize).map(|o| o.source.clone()),
        Origin::Ladder(_) => None,
    }
}

/// A site's measured times, `meta.durations: [{step, minutes, max_minutes?, cluster?}]`:
/// (step name, cluster or `None` for every cluster) → (min, max) minutes.
pub(super) type Measured = BTreeMap<(String, Option<String>), (u32, u32)>;

pub(super) fn measured(rb: &Rulebook, facts: &Value) -> Measured {
    let mut out = Measured::new();
    let schema = &rb.schema;
    let Some((i, def)) = schema.record(schema.root).field("meta") else {
        return out;
    };
    let Type::Record(meta_rec) = def.ty.non_null() else {
        return out;
    };
    let Some(meta) = facts.as_record().and_then(|r| r.get(i as usize)?.as_record()) else {
        return out;
    };
    let Some((j, list_def)) = schema.record(*meta_rec).field("durations") else {
        return out;
    };
    let Type::List(elem) = list_def.ty.non_null() else {
        return out;
    };
    let Type::Record(rec) = elem.non_null() else {
        return out;
    };
    let field = |name: &str| schema.record(*rec).field(name).map(|(k, _)| k as usize);
    let (Some(fs), Some(fm)) = (field("step"), field("minutes")) else {
        return out;
    };
    let (fx, fc) = (field("max_minutes"), field("cluster"));
    for item in meta.get(j as usize).and_then(Value::as_list).unwrap_or(&[]) {
        let Some(r) = item.as_record() else { continue };
        let minutes = |k: Option<usize>| match k.and_then(|k| r.get(k)) {
            Some(Value::Int(n)) => u32::try_from(*n).ok(),
            _ => None,
        };
        let (Some(step), Some(min)) = (r.get(fs).and_then(Value::as_str), minutes(Some(fm))) else {
            continue;
        };
        let max = minutes(fx).unwrap_or(min).max(min);
        let cluster = fc.and_then(|k| r.get(k)?.as_str().map(str::to_string));
        out.insert((step.to_string(), cluster), (min, max));
    }
    out
}

/// A measured time replaces the rulebook's for that step (on that cluster).
pub(super) fn apply_measured(m: &Measured, out: &mut PlannedStep) {
    let hit = m
        .get(&(out.action.clone(), out.cluster.clone()))
        .or_else(|| m.get(&(out.action.clone(), None)));
    if let Some(&(min, max)) = hit {
        out.duration_minutes = Some(max);
        out.duration_range = (min != max).then_some([min, max]);
        out.duration_basis = Some("inventory".into());
    }
}

/// Per instance, the limit that cut its hop into waves (more bindings than slots),
/// and those limits.
pub(super) fn limits(ev: &Evaluation, rb: &Rulebook, initial: &Value) -> (Vec<Option<u16>>, Vec<PlanLimit>) {
    let mut of = vec![None; ev.graph.insts.len()];
    let mut used = Vec::new();
    for pos in 0..ev.hops.len() as u32 {
        let ids: Vec<u32> = (0..ev.graph.insts.len() as u32)
            .filter(|&i| ev.graph.insts[i as usize].hop == pos)
            .collect();
        let ctx = ev.ctx(rb, pos);
        let slots = limit_slots(rb, &ev.graph, &ids, &ctx, ev.hop_state(pos, initial));
        for (l, slot) in slots.iter().enumerate() {
            let mut keys: Vec<u32> = slot.key_of.iter().flatten().copied().collect();
            keys.sort_unstable();
            keys.dedup();
            if keys.len() as u32 <= slot.max {
                continue;
            }
            for (local, k) in slot.key_of.iter().enumerate() {
                if k.is_some() {
                    of[ids[local] as usize].get_or_insert(l as u16);
                }
            }
            if !used.contains(&l) {
                used.push(l);
            }
        }
    }
    used.sort_unstable();
    let plan = used
        .iter()
        .map(|&l| PlanLimit {
            id: rb.limits[l].id.clone(),
            at_once: rb.limits[l].max,
            source: rb.limits[l].source.clone(),
        })
        .collect();
    (of, plan)
}

/// The checkpoints of every window (those whose `when` holds on the hop and whose
/// phase starts after an earlier phase of that hop), and the checks after the upgrade.
pub(super) fn checkpoints(
    ev: &Evaluation,
    rb: &Rulebook,
    initial: &Value,
    hop_names: &[String],
) -> (Vec<Checkpoint>, Vec<Checkpoint>) {
    let (mut windows, mut after) = (Vec::new(), Vec::new());
    let last = ev.hops.len().checked_sub(1);
    for pos in 0..ev.hops.len() {
        let phases: Vec<u16> = ev
            .order
            .iter()
            .map(|&i| &ev.graph.insts[i as usize])
            .filter(|inst| inst.hop as usize == pos)
            .map(|inst| rb.steps[inst.step as usize].phase)
            .collect();
        let ctx = ev.ctx(rb, pos as u32);
        let state = ev.hop_state(pos as u32, initial);
        for cp in &rb.checkpoints {
            let placed = match cp.before {
                Some(p) => phases.iter().any(|&x| x < p) && phases.iter().any(|&x| x >= p),
                None => Some(pos) == last && !phases.is_empty(),
            };
            if !placed {
                continue;
            }
            let mut env = Env::new(&rb.schema, state, &ctx, cp.num_vars);
            if !env.test_opt(cp.when.as_ref()) {
                continue;
            }
            let c = Checkpoint {
                id: cp.id.clone(),
                hop: cp.before.map(|_| hop_names[pos].clone()),
                before_phase: cp.before.and_then(|p| rb.phases.get(p as usize).cloned()),
                title: env.render(&cp.title),
                checks: all(&mut env, &cp.checks),
                commands: commands(&mut env, &cp.commands),
                source: cp.source.clone(),
            };
            if cp.before.is_some() {
                windows.push(c);
            } else {
                after.push(c);
            }
        }
    }
    (windows, after)
}
