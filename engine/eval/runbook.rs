//! What the plan carries for the runbook only: a step's verification, undo,
//! irreversibility and escalation texts, its duration's range and basis (a site's own
//! measurement from the inventory's `meta.durations` wins), the rule's source, the
//! limit that cut its wave; the checkpoints of each window and the checks after the
//! upgrade. None of it changes the order or the validation of a plan.

use std::collections::BTreeMap;

use super::instances::Origin;
use super::interp::Env;
use super::interp::{Val, display, root_list};
use super::naming::entity_name;
use super::naming::hop_name;
use super::{Evaluation, limit_slots};
use crate::model::{Conditional, Rulebook, StepDef, Template, Type, Value};
use crate::plan::{Checkpoint, FactChange, PlanCluster, PlanLimit, PlannedStep, Undo};

/// The runbook texts of one step instance, rendered on the facts before it runs.
pub(super) fn texts<'a>(env: &mut Env<'a>, step: &'a StepDef, out: &mut PlannedStep) {
    let rb = &step.runbook;
    out.verify = all(env, &rb.verify);
    out.irreversible = all(env, &rb.irreversible);
    out.escalate = all(env, &rb.escalate);
    out.restarts = all(env, &rb.restarts);
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
    let Some(meta) = facts
        .as_record()
        .and_then(|r| r.get(i as usize)?.as_record())
    else {
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
pub(super) fn limits(
    ev: &Evaluation,
    rb: &Rulebook,
    initial: &Value,
) -> (Vec<Option<u16>>, Vec<PlanLimit>) {
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

/// The checkpoints of every window whose `when` holds on the hop and that has steps
/// of an earlier phase and of the checkpoint's phase or later (it precedes the first
/// step of the earliest such phase), and the checks after the upgrade.
pub(super) fn checkpoints(
    ev: &Evaluation,
    rb: &Rulebook,
    initial: &Value,
    steps: &[PlannedStep],
) -> (Vec<Checkpoint>, Vec<Checkpoint>) {
    let (mut windows, mut after) = (Vec::new(), Vec::new());
    let phase_of = |s: &PlannedStep| {
        s.phase
            .as_ref()
            .and_then(|p| rb.phases.iter().position(|x| x == p))
            .unwrap_or(rb.phases.len())
    };
    for pos in 0..ev.hops.len() {
        let name = hop_name(&rb.hops[ev.hops[pos] as usize]);
        let hop: Vec<(usize, &PlannedStep)> = steps
            .iter()
            .filter(|s| s.hop == name)
            .map(|s| (phase_of(s), s))
            .collect();
        let ctx = ev.ctx(rb, pos as u32);
        let state = ev.hop_state(pos as u32, initial);
        for cp in &rb.checkpoints {
            let before_step = match cp.before {
                Some(p) => match first_of_phase(&hop, p as usize) {
                    Some(id) => Some(id),
                    None => continue,
                },
                None if pos + 1 == ev.hops.len() && !hop.is_empty() => None,
                None => continue,
            };
            let mut env = Env::new(&rb.schema, state, &ctx, cp.num_vars).in_lang(ev.lang);
            if !env.test_opt(cp.when.as_ref()) {
                continue;
            }
            let c = Checkpoint {
                id: cp.id.clone(),
                hop: cp.before.map(|_| name.clone()),
                before_phase: cp.before.and_then(|p| rb.phases.get(p as usize).cloned()),
                before_step,
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

/// The first step of the earliest phase at or after `p`, when an earlier phase has
/// steps too (else the checkpoint would separate nothing).
fn first_of_phase(hop: &[(usize, &PlannedStep)], p: usize) -> Option<String> {
    if !hop.iter().any(|(x, _)| *x < p) {
        return None;
    }
    let phase = hop.iter().map(|(x, _)| *x).filter(|x| *x >= p).min()?;
    hop.iter()
        .find(|(x, _)| *x == phase)
        .map(|(_, s)| s.id.clone())
}

/// Every entity (cluster) in inventory order: its `role` when it has one, each
/// version fact that differs between the inventory and the facts after the plan,
/// and what its steps restart.
pub(super) fn clusters(
    rb: &Rulebook,
    initial: &Value,
    last: &Value,
    steps: &[PlannedStep],
) -> Vec<PlanCluster> {
    let schema = &rb.schema;
    let mut out = Vec::new();
    for (rec, info) in schema.entities() {
        let def = schema.record(rec);
        let n = root_list(initial, info.root_field).map_or(0, <[Value]>::len);
        for index in 0..n {
            let name = entity_name(schema, initial, info.root_field, index as u32).to_string();
            let field = |state: &Value, k: usize| -> Option<Value> {
                root_list(state, info.root_field)?
                    .get(index)?
                    .as_record()?
                    .get(k)
                    .cloned()
            };
            let text = |v: &Value, ty: &Type| {
                let mut s = String::new();
                display(schema, Val::of(v), ty, &mut s);
                s
            };
            let mut c = PlanCluster {
                name: name.clone(),
                ..PlanCluster::default()
            };
            for (k, f) in def.fields.iter().enumerate() {
                let (Some(before), Some(after)) = (field(initial, k), field(last, k)) else {
                    continue;
                };
                if f.name == "role" && !before.is_null() {
                    c.role = Some(text(&before, &f.ty));
                }
                if *f.ty.non_null() != Type::Version || before == after || after.is_null() {
                    continue;
                }
                c.changes.push(FactChange {
                    fact: f.name.clone(),
                    from: (!before.is_null()).then(|| text(&before, &f.ty)),
                    to: text(&after, &f.ty),
                });
            }
            for s in steps.iter().filter(|s| s.cluster.as_deref() == Some(&name)) {
                for r in &s.restarts {
                    if !c.restarts.contains(r) {
                        c.restarts.push(r.clone());
                    }
                }
            }
            out.push(c);
        }
    }
    out
}
