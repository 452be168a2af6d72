//! Two steps of one wave that write one fact. A wave's steps run side by side, so the
//! plan cannot say which write lands last; the simulation applies them in tie-break
//! order (step names), which is no reason at all. Two writes conflict when the order
//! changes the facts: two `effect x = …` with different values, or a set and an add or
//! remove on the same list (tried both ways). Two adds, or two removes, on one list
//! commute and are no conflict; nor are two steps setting one fact to one value.

use super::cause;
use super::effects::{Loc, Write, apply, bind_args, plan_effects};
use super::instances::Graph;
use super::interp::{Env, HopCtx};
use super::naming::step_id;
use super::run_step;
use crate::diagnostics::Problem;
use crate::model::{Rulebook, Type, Value};

/// What one instance writes, decided on the facts just before it runs.
struct Written {
    inst: u32,
    wave: u32,
    writes: Vec<Write>,
}

/// The first conflict among the placed instances of one hop (in execution order, with
/// their waves), as a rulebook error naming both steps and their declarations.
pub fn check(
    rb: &Rulebook,
    graph: &Graph,
    hops: &[u16],
    ctx: &HopCtx<'_>,
    placed: &[(u32, u32)],
    start: &Value,
) -> Result<(), Problem> {
    if !two_writers_in_a_wave(rb, graph, placed) {
        return Ok(());
    }
    let written = walk(rb, graph, ctx, placed, start);
    for wave in written.chunk_by(|a, b| a.wave == b.wave) {
        for (a, b) in candidates(wave) {
            let (a, b) = (&wave[a], &wave[b]);
            if let Some(loc) = conflict(rb, graph, ctx, placed, start, a, b) {
                return Err(problem(
                    rb,
                    graph,
                    hops,
                    start,
                    (a.inst, b.inst),
                    a.wave,
                    &loc,
                ));
            }
        }
    }
    Ok(())
}

/// The pairs of one wave that may write one fact: writes under one entity (the first
/// two steps of a location: root list, element) meet; a write above every entity (a
/// root fact) meets all. Linear in the wave for steps on distinct entities.
fn candidates(wave: &[Written]) -> Vec<(usize, usize)> {
    let mut buckets: rustc_hash::FxHashMap<&[u32], Vec<usize>> = Default::default();
    let mut above = Vec::new();
    for (n, w) in wave.iter().enumerate() {
        for l in w.writes.iter().map(loc) {
            if l.len() < 2 {
                above.push(n);
            } else {
                buckets.entry(&l[..2]).or_default().push(n);
            }
        }
    }
    let mut pairs = Vec::new();
    for list in buckets.values() {
        for (i, &a) in list.iter().enumerate() {
            pairs.extend(
                list[i + 1..]
                    .iter()
                    .filter(|&&b| b != a)
                    .map(|&b| (a.min(b), a.max(b))),
            );
        }
    }
    for &a in &above {
        pairs.extend(
            (0..wave.len())
                .filter(|&b| b != a)
                .map(|b| (a.min(b), a.max(b))),
        );
    }
    pairs.sort_unstable();
    pairs.dedup();
    pairs
}

/// A cheap test first: in most hops no wave holds two steps with effects.
fn two_writers_in_a_wave(rb: &Rulebook, graph: &Graph, placed: &[(u32, u32)]) -> bool {
    let mut per_wave: rustc_hash::FxHashMap<u32, u32> = Default::default();
    for &(inst, wave) in placed {
        if rb.steps[graph.insts[inst as usize].step as usize]
            .effects
            .is_empty()
        {
            continue;
        }
        let n = per_wave.entry(wave).or_default();
        *n += 1;
        if *n > 1 {
            return true;
        }
    }
    false
}

/// Every instance's writes, in execution order, each on the facts the earlier left.
fn walk(
    rb: &Rulebook,
    graph: &Graph,
    ctx: &HopCtx<'_>,
    placed: &[(u32, u32)],
    start: &Value,
) -> Vec<Written> {
    let mut state = start.clone();
    let mut out: Vec<Written> = Vec::with_capacity(placed.len());
    for &(inst, wave) in placed {
        let writes = writes_of(rb, graph, ctx, inst, &state);
        apply(&mut state, writes.clone(), None);
        if !writes.is_empty() {
            out.push(Written { inst, wave, writes });
        }
    }
    // Same wave together, execution order within it.
    out.sort_by_key(|w| w.wave);
    out
}

fn writes_of(
    rb: &Rulebook,
    graph: &Graph,
    ctx: &HopCtx<'_>,
    inst: u32,
    state: &Value,
) -> Vec<Write> {
    let i = &graph.insts[inst as usize];
    let step = &rb.steps[i.step as usize];
    let mut env = Env::new(&rb.schema, state, ctx, step.num_vars);
    bind_args(&mut env, &i.args);
    plan_effects(&mut env, step, &i.args)
}

fn loc(w: &Write) -> &Loc {
    match w {
        Write::Set(l, _) | Write::Remove(l, _) | Write::Push(l, _) => l,
    }
}

/// The fact `a` and `b` both write when the order of the two matters.
fn conflict(
    rb: &Rulebook,
    graph: &Graph,
    ctx: &HopCtx<'_>,
    placed: &[(u32, u32)],
    start: &Value,
    a: &Written,
    b: &Written,
) -> Option<Loc> {
    let mut order_dependent = None;
    for wa in &a.writes {
        for wb in &b.writes {
            let (la, lb) = (loc(wa), loc(wb));
            if !(la.starts_with(lb) || lb.starts_with(la)) {
                continue;
            }
            match (wa, wb) {
                (Write::Set(_, x), Write::Set(_, y)) if la == lb => {
                    if x != y {
                        return Some(la.clone());
                    }
                }
                (Write::Push(..), Write::Push(..)) | (Write::Remove(..), Write::Remove(..)) => {}
                _ => order_dependent = order_dependent.or(Some(la.min(lb).clone())),
            }
        }
    }
    let loc = order_dependent?;
    (!commute(rb, graph, ctx, placed, start, a.inst, b.inst)).then_some(loc)
}

/// Whether running `a` then `b` leaves the same facts as `b` then `a`, both from the
/// facts just before the earlier of the two.
fn commute(
    rb: &Rulebook,
    graph: &Graph,
    ctx: &HopCtx<'_>,
    placed: &[(u32, u32)],
    start: &Value,
    a: u32,
    b: u32,
) -> bool {
    let mut before = start.clone();
    for &(inst, _) in placed.iter().take_while(|(i, _)| *i != a && *i != b) {
        run_step(rb, graph, ctx, inst, &mut before);
    }
    let mut ab = before.clone();
    run_step(rb, graph, ctx, a, &mut ab);
    run_step(rb, graph, ctx, b, &mut ab);
    let mut ba = before;
    run_step(rb, graph, ctx, b, &mut ba);
    run_step(rb, graph, ctx, a, &mut ba);
    ab == ba
}

fn problem(
    rb: &Rulebook,
    graph: &Graph,
    hops: &[u16],
    root: &Value,
    (a, b): (u32, u32),
    wave: u32,
    loc: &Loc,
) -> Problem {
    let id = |i: u32| step_id(rb, graph, hops, root, i);
    let fact = fact_path(rb, root, loc);
    let mut p = Problem::new(
        "uplan::eval::write_conflict",
        format!(
            "`{}` and `{}` both write `{fact}` in one wave, and which runs last changes it",
            id(a),
            id(b)
        ),
    )
    .help(format!(
        "steps of one wave run side by side: order the two (an `order`, or `before` on the remediation), or make one of them not write `{fact}` (wave {} of the hop)",
        wave + 1
    ));
    let mut labels = Vec::new();
    for inst in [a, b] {
        let decl = cause::declaration(rb, graph.insts[inst as usize].origin);
        if let (Some(span), Some((kind, decl_id, _))) =
            (cause::placement_span(rb, graph, inst), decl)
        {
            let short = id(inst).split_once(':').map(|(_, s)| s.to_string());
            let name = short.unwrap_or_else(|| id(inst));
            labels.push((span, format!("{kind} `{decl_id}` puts `{name}` here")));
        }
    }
    let mut related = Vec::new();
    let code = ("uplan::eval::write_conflict", "the other writer");
    p = super::blame::attach(rb, p, &mut related, code, labels);
    p.with_related(related)
}

/// `clusters.biz-1.kubernetes`: a location named by fields and list elements' keys.
fn fact_path(rb: &Rulebook, root: &Value, loc: &Loc) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut ty = Type::Record(rb.schema.root);
    let mut cur = Some(root);
    for &i in loc {
        match ty.non_null().clone() {
            Type::Record(id) => {
                let Some(f) = rb.schema.record(id).fields.get(i as usize) else {
                    break;
                };
                parts.push(f.name.clone());
                ty = f.ty.clone();
                cur = cur
                    .and_then(Value::as_record)
                    .and_then(|r| r.get(i as usize));
            }
            Type::List(elem) => {
                cur = cur.and_then(Value::as_list).and_then(|l| l.get(i as usize));
                let key = cur
                    .and_then(Value::as_record)
                    .and_then(|r| r.iter().find_map(Value::as_str));
                parts.push(key.map_or_else(|| i.to_string(), str::to_string));
                ty = *elem;
            }
            _ => break,
        }
    }
    parts.join(".")
}
