//! Replay validation: walk an ordered plan from the initial facts and check every
//! constraint and every requirement at the moment it matters.

use rustc_hash::FxHashMap as HashMap;

use super::bindings::{self, Chosen};
use super::firing;
use super::hop::requirement_holds;
use super::instances::{Graph, Origin};
use super::interp::{Env, HopCtx};
use super::naming::{hop_name, step_id};
use super::output::origin_id;
use super::{Evaluation, Mode, blame, cause, limits, patterns, run_step};
use crate::diagnostics::{Problem, Problems};
use crate::inventory::Inventory;
use crate::model::{Outcome, Rulebook, Value};
use crate::plan::Plan;

/// One way a plan breaks the rulebook, or contradicts itself.
#[derive(Clone, Debug, PartialEq)]
pub struct Violation {
    /// Stable: `uplan::validate::order`, `::wave`, `::hop_order`, `::requirement`,
    /// `::limit`, `::missing_step`, `::unknown_step`, `::path`, `::blocked`, and the
    /// plan's own structure: [`DUPLICATE_STEP`], [`SELF_AFTER`], [`UNKNOWN_AFTER`],
    /// [`AFTER_CYCLE`], [`AFTER_ORDER`].
    pub code: &'static str,
    pub step: Option<String>,
    pub rule: Option<String>,
    pub message: String,
}

/// Two steps of the plan have one id: a step copied in an edited plan.
pub const DUPLICATE_STEP: &str = "uplan::validate::duplicate_step";

/// A step lists its own id in its `after` list.
pub const SELF_AFTER: &str = "uplan::validate::self_after";

/// An `after` list names an id that is no step of the plan: a typo, or a step
/// removed from the plan while another still waits for it.
pub const UNKNOWN_AFTER: &str = "uplan::validate::unknown_after";

/// Steps wait for each other through their `after` lists: `a` after `b`, `b` after `a`.
pub const AFTER_CYCLE: &str = "uplan::validate::after_cycle";

/// A step waits for a step (its `after` list) that comes later in the plan, or runs
/// in the same wave or a later one.
pub const AFTER_ORDER: &str = "uplan::validate::after_order";

/// How many steps a cycle's message names before "and N more".
const CYCLE_NAMES: usize = 10;

/// Checks `order` (instances of `ev.graph`) with `wave` (per instance) against the
/// rulebook, starting from `initial`.
pub fn replay(
    rb: &Rulebook,
    initial: &Value,
    ev: &Evaluation,
    order: &[u32],
    wave: &[u32],
) -> Vec<Violation> {
    let mut out = structure(rb, initial, ev, order, wave);
    let mut at = vec![usize::MAX; ev.graph.insts.len()];
    for (n, &i) in order.iter().enumerate() {
        at[i as usize] = n;
    }
    out.extend(check_requirements(rb, initial, ev, order, &at));
    out
}

/// Hop order, edges, waves and limits of an ordered plan: everything but the
/// requirements, which need the facts replayed step by step.
pub fn structure(
    rb: &Rulebook,
    initial: &Value,
    ev: &Evaluation,
    order: &[u32],
    wave: &[u32],
) -> Vec<Violation> {
    let graph = &ev.graph;
    let name = |i: u32| step_id(rb, graph, &ev.hops, initial, i);
    let mut out = Vec::new();
    let mut at = vec![usize::MAX; graph.insts.len()];
    for (n, &i) in order.iter().enumerate() {
        at[i as usize] = n;
    }
    for w in order.windows(2) {
        if graph.insts[w[0] as usize].hop > graph.insts[w[1] as usize].hop {
            out.push(Violation {
                code: "uplan::validate::hop_order",
                step: Some(name(w[1])),
                rule: None,
                message: format!(
                    "`{}` belongs to an earlier hop than `{}` before it",
                    name(w[1]),
                    name(w[0])
                ),
            });
        }
    }
    for e in &graph.edges {
        let (a, b) = (at[e.from as usize], at[e.to as usize]);
        if a == usize::MAX || b == usize::MAX {
            continue;
        }
        let rule = origin_id(rb, e.origin);
        if a > b {
            out.push(Violation {
                code: "uplan::validate::order",
                step: Some(name(e.to)),
                rule: rule.clone(),
                message: format!("`{}` must come before `{}`", name(e.from), name(e.to)),
            });
        } else if wave[e.from as usize] >= wave[e.to as usize] {
            out.push(Violation {
                code: "uplan::validate::wave",
                step: Some(name(e.to)),
                rule,
                message: format!(
                    "`{}` must finish in an earlier wave than `{}`",
                    name(e.from),
                    name(e.to)
                ),
            });
        }
    }
    out.extend(check_limits(rb, ev, order, wave, initial));
    out
}

/// Per limit, no wave has more bindings in progress than its hop allows.
fn check_limits(
    rb: &Rulebook,
    ev: &Evaluation,
    order: &[u32],
    wave: &[u32],
    initial: &Value,
) -> Vec<Violation> {
    // One context per hop of the path, on the facts at the hop's start (as the
    // scheduler saw them).
    let ctxs: Vec<HopCtx<'_>> = (0..ev.hops.len() as u32).map(|p| ev.ctx(rb, p)).collect();
    let states: Vec<&Value> = (0..ctxs.len() as u32)
        .map(|p| ev.hop_state(p, initial))
        .collect();
    let mut out = Vec::new();
    for lim in &rb.limits {
        let maxes: Vec<Option<u32>> = ctxs
            .iter()
            .zip(&states)
            .map(|(ctx, state)| match limits::bound(rb, lim, ctx, state) {
                limits::Bound::Off => None,
                limits::Bound::Max(m) => Some(m),
                limits::Bound::Bad(_) => Some(1),
            })
            .collect();
        let spans = binding_spans(rb, ev, lim, (&ctxs, &states), &maxes, (order, wave));
        if let Some((w, live, max)) = first_overflow(&spans, &maxes) {
            out.push(Violation {
                code: "uplan::validate::limit",
                step: None,
                rule: Some(lim.id.clone()),
                message: format!(
                    "wave {} has {live} bindings in progress; limit `{}` allows {max}",
                    w + 1,
                    lim.id
                ),
            });
        }
    }
    out
}

/// (hop, binding) of a limit → (first wave, last wave) it holds a slot in.
type Spans = HashMap<(u32, Vec<super::instances::Arg>), (u32, u32)>;

/// The waves each binding of `lim` spans, on the hops where the limit holds.
fn binding_spans(
    rb: &Rulebook,
    ev: &Evaluation,
    lim: &crate::model::Limit,
    (ctxs, states): (&[HopCtx<'_>], &[&Value]),
    maxes: &[Option<u32>],
    (order, wave): (&[u32], &[u32]),
) -> Spans {
    let mut spans: Spans = HashMap::default();
    // One frame per hop, reused for every instance of that hop.
    let mut envs: Vec<Env<'_>> = ctxs
        .iter()
        .zip(states)
        .map(|(ctx, state)| Env::new(&rb.schema, state, ctx, lim.num_vars))
        .collect();
    for &i in order {
        let inst = &ev.graph.insts[i as usize];
        let Some(env) = envs.get_mut(inst.hop as usize) else {
            continue;
        };
        if maxes.get(inst.hop as usize).copied().flatten().is_none() {
            continue;
        }
        let hit = lim.patterns.iter().any(|p| {
            p.step == inst.step
                && patterns::bind(env, p, &inst.args)
                && env.test_opt(lim.filter.as_ref())
        });
        if !hit {
            continue;
        }
        let key = lim.key_vars.iter();
        let key = (
            inst.hop,
            key.map(|v| super::graph_args::to_arg(env.get(*v)))
                .collect(),
        );
        let w = wave[i as usize];
        let e = spans.entry(key).or_insert((w, w));
        e.0 = e.0.min(w);
        e.1 = e.1.max(w);
    }
    spans
}

/// The first wave holding more bindings than its hop's bound: (wave, bindings, bound).
fn first_overflow(spans: &Spans, maxes: &[Option<u32>]) -> Option<(u32, i64, i64)> {
    // Waves never span two hops, so each event carries its hop's bound.
    let mut events: Vec<(u32, i64, i64)> = spans
        .iter()
        .flat_map(|(&(hop, _), &(a, b))| {
            let max = maxes.get(hop as usize).copied().flatten();
            let max = i64::from(max.unwrap_or(u32::MAX));
            [(a, 1, max), (b + 1, -1, max)]
        })
        .collect();
    events.sort();
    let mut live = 0i64;
    for (w, d, max) in events {
        live += d;
        if live > max {
            return Some((w, live, max));
        }
    }
    None
}

/// Walks the plan hop by hop; before each step, every requirement that guards it must
/// hold on the facts as the earlier steps left them.
pub(super) fn check_requirements(
    rb: &Rulebook,
    initial: &Value,
    ev: &Evaluation,
    order: &[u32],
    at: &[usize],
) -> Vec<Violation> {
    let graph = &ev.graph;
    let names = Names {
        hops: &ev.hops,
        initial,
    };
    let mut out = Vec::new();
    let mut state = initial.clone();
    let mut next = 0usize;
    for (pos, &hop) in ev.hops.iter().enumerate() {
        let pos = pos as u32;
        let ctx = ev.ctx(rb, pos);
        let present = |m: u32| at.get(m as usize).is_some_and(|&n| n != usize::MAX);
        let walk = RequirementWalk::start(rb, graph, &ev.rule_keys, pos, &ctx, &state, &present);
        let end = order[next..]
            .iter()
            .position(|&i| graph.insts[i as usize].hop != pos)
            .map_or(order.len(), |n| next + n);
        for &inst in &order[next..end] {
            walk.before(
                rb,
                graph,
                &ev.rule_keys,
                &names,
                &ctx,
                &state,
                inst,
                &mut out,
            );
            run_step(rb, graph, &ctx, inst, &mut state);
        }
        walk.finish(rb, &ev.rule_keys, hop, &ctx, &state, &mut out);
        next = end;
    }
    out
}

/// What violation messages need to name steps.
pub struct Names<'n> {
    pub hops: &'n [u16],
    pub initial: &'n Value,
}

type Guards = HashMap<u32, Vec<(u16, Vec<Chosen>)>>;

/// The requirement checks of one hop while its steps run in order: which (rule,
/// binding) pairs must hold before which instance, and which by the hop's end
/// (remediations without `before`). The planner runs it on its own walk; `validate`
/// runs it on an edited plan.
pub struct RequirementWalk {
    guards: Guards,
    at_end: Vec<(u16, Vec<Chosen>)>,
}

impl RequirementWalk {
    /// Fires the remediation rules on the facts at the hop's start; `present` tells
    /// which instances the plan holds.
    pub fn start(
        rb: &Rulebook,
        graph: &Graph,
        rule_keys: &[Vec<Option<u16>>],
        pos: u32,
        ctx: &HopCtx<'_>,
        state: &Value,
        present: &dyn Fn(u32) -> bool,
    ) -> RequirementWalk {
        let (guards, at_end) = guards_of(rb, graph, rule_keys, pos, ctx, state, present);
        RequirementWalk { guards, at_end }
    }

    /// The walk of a plan the planner just made, from the guards it recorded.
    pub fn recorded(
        guards: &[(u32, u16, Vec<Chosen>)],
        at_end: &[(u16, Vec<Chosen>)],
    ) -> RequirementWalk {
        let mut map: Guards = HashMap::default();
        for (inst, ri, binding) in guards {
            map.entry(*inst).or_default().push((*ri, binding.clone()));
        }
        RequirementWalk {
            guards: map,
            at_end: at_end.to_vec(),
        }
    }

    /// Checks the requirements guarding `inst`, on the facts just before it runs.
    #[expect(clippy::too_many_arguments, reason = "the walk's whole context")]
    pub fn before(
        &self,
        rb: &Rulebook,
        graph: &Graph,
        rule_keys: &[Vec<Option<u16>>],
        names: &Names<'_>,
        ctx: &HopCtx<'_>,
        state: &Value,
        inst: u32,
        out: &mut Vec<Violation>,
    ) {
        let Some(list) = self.guards.get(&inst) else {
            return;
        };
        for (ri, binding) in list {
            let rule = &rb.rules[*ri as usize];
            if !requirement_holds(rb, rule, &rule_keys[*ri as usize], binding, ctx, state) {
                let id = step_id(rb, graph, names.hops, names.initial, inst);
                out.push(Violation {
                    code: "uplan::validate::requirement",
                    step: Some(id.clone()),
                    rule: Some(rule.id.clone()),
                    message: format!("rule `{}` does not hold when `{id}` starts", rule.id),
                });
            }
        }
    }

    /// Checks the requirements due by the end of the hop.
    pub fn finish(
        self,
        rb: &Rulebook,
        rule_keys: &[Vec<Option<u16>>],
        hop: u16,
        ctx: &HopCtx<'_>,
        state: &Value,
        out: &mut Vec<Violation>,
    ) {
        for (ri, binding) in self.at_end {
            let rule = &rb.rules[ri as usize];
            if !requirement_holds(rb, rule, &rule_keys[ri as usize], &binding, ctx, state) {
                out.push(Violation {
                    code: "uplan::validate::requirement",
                    step: None,
                    rule: Some(rule.id.clone()),
                    message: format!(
                        "rule `{}` still does not hold at the end of hop {}",
                        rule.id,
                        hop_name(&rb.hops[hop as usize])
                    ),
                });
            }
        }
    }
}

fn guards_of(
    rb: &Rulebook,
    graph: &Graph,
    rule_keys: &[Vec<Option<u16>>],
    pos: u32,
    ctx: &HopCtx<'_>,
    state: &Value,
    present: &dyn Fn(u32) -> bool,
) -> (Guards, Vec<(u16, Vec<Chosen>)>) {
    let mut guards: Guards = HashMap::default();
    let mut at_end = Vec::new();
    let is_fix = |r: &crate::model::Rule| matches!(r.outcome, Outcome::Step { .. });
    let mut by_rule: Vec<(usize, Vec<Vec<Chosen>>)> = Vec::new();
    for (ri, binding) in firing::failing(rb, rule_keys, ctx, state, &is_fix) {
        match by_rule.last_mut() {
            Some((last, list)) if *last == ri as usize => list.push(binding),
            _ => by_rule.push((ri as usize, vec![binding])),
        }
    }
    for (ri, failing) in by_rule {
        let rule = &rb.rules[ri];
        let Outcome::Step { before, filter, .. } = &rule.outcome else {
            continue;
        };
        let keys = &rule_keys[ri];
        let independent = before
            .iter()
            .all(|p| patterns::binding_independent(p, filter.as_ref()));
        let mut shared: Option<Vec<u32>> = None;
        for binding in failing {
            if before.is_empty() {
                at_end.push((ri as u16, binding));
                continue;
            }
            let hits = match &shared {
                Some(hits) => hits.clone(),
                None => {
                    let mut env = Env::new(&rb.schema, state, ctx, rule.num_vars);
                    if !bindings::rebind(&mut env, &rule.each, keys, &binding) {
                        continue;
                    }
                    let mut hits = Vec::new();
                    for pattern in before {
                        let step = &rb.steps[pattern.step as usize];
                        hits.extend(patterns::matches(
                            &mut env,
                            graph,
                            pos,
                            pattern,
                            filter.as_ref(),
                            step,
                            &rb.schema,
                        ));
                    }
                    if independent {
                        shared = Some(hits.clone());
                    }
                    hits
                }
            };
            for m in hits {
                if present(m) {
                    guards
                        .entry(m)
                        .or_default()
                        .push((ri as u16, binding.clone()));
                }
            }
        }
    }
    (guards, at_end)
}

/// The diagnostic for a plan the rulebook produced but could not validate. For a
/// requirement that fails when a step starts, it names the step that broke it (or the
/// remediation that did not fix it) and the declaration that placed that step, with
/// labels at both and at the rule.
pub fn self_validation_problem(
    rb: &Rulebook,
    ev: &Evaluation,
    initial: &Value,
    violations: &[Violation],
) -> Problem {
    const CODE: &str = "uplan::eval::self_validation";
    let first = &violations[0];
    let rule = first
        .rule
        .as_ref()
        .and_then(|id| rb.rules.iter().position(|r| &r.id == id));
    let victim = first.step.as_ref().and_then(|id| {
        ev.order
            .iter()
            .copied()
            .find(|&i| &step_id(rb, &ev.graph, &ev.hops, initial, i) == id)
    });
    let blame = match (first.code, rule, victim) {
        ("uplan::validate::requirement", Some(ri), Some(v)) => {
            Some(blame::find(rb, ev, initial, ri as u16, v))
        }
        _ => None,
    };
    let cause = blame
        .as_ref()
        .and_then(|b| blame::sentence(rb, ev, initial, b))
        .map_or_else(String::new, |c| format!(": {c}"));
    let mut p = Problem::new(
        CODE,
        format!("the rulebook's own plan fails its replay: {}{cause}", first.message),
    )
    .help("two declarations contradict each other (e.g. a step undoes what a remediation fixed); the labels show the step, where it is placed, and the requirement");
    let mut labels = blame
        .as_ref()
        .map(|b| blame::labels(rb, ev, initial, b))
        .unwrap_or_default();
    if let Some(ri) = rule {
        let r = &rb.rules[ri];
        let label = format!("the requirement of rule `{}`", r.id);
        labels.push((blame::header(rb, r.span), label));
    }
    let mut related = Vec::new();
    p = blame::attach(rb, p, &mut related, (CODE, "also involved"), labels);
    related.extend(
        violations[1..]
            .iter()
            .take(10)
            .map(|v| Problem::new(v.code, v.message.clone())),
    );
    p.with_related(related)
}

/// The diagnostic for step instances that wait on each other: the message walks the
/// cycle, and each edge is labelled at the clause that made it (an order's patterns,
/// the `a -> b` of a `do` chain, a remediation's `before`), not at its whole
/// declaration. Edges in another file than the first are related diagnostics.
pub fn cycle_problem(
    rb: &Rulebook,
    graph: &Graph,
    hops: &[u16],
    state: &Value,
    members: &[u32],
) -> Problem {
    let inside: rustc_hash::FxHashSet<u32> = members.iter().copied().collect();
    let cycle = find_cycle(graph, &inside);
    let names: Vec<String> = cycle
        .iter()
        .map(|(i, _)| step_id(rb, graph, hops, state, *i))
        .collect();
    // Close the loop in the message: a → b → a.
    let closed: Vec<String> = names.iter().chain(names.first()).cloned().collect();
    let mut p = Problem::new(
        "uplan::eval::ordering_cycle",
        format!("these steps wait on each other: {}", closed.join(" → ")),
    )
    .help("each label is one edge of the cycle and the declaration that made it; drop or narrow one of them");
    let mut labels: Vec<(crate::source::Span, String)> = Vec::new();
    for (n, (from, origin)) in cycle.iter().enumerate() {
        let to = cycle[(n + 1) % cycle.len()].0;
        let step = |i: u32| graph.insts[i as usize].step;
        let Some(span) = cause::edge_span(rb, *origin, step(*from), step(to)) else {
            continue;
        };
        let Some((kind, id, _)) = cause::declaration(rb, *origin) else {
            continue;
        };
        let short = |s: &str| s.split_once(':').map_or(s, |(_, rest)| rest).to_string();
        let label = format!(
            "`{}` before `{}` ({kind} `{id}`)",
            short(&names[n]),
            short(&names[(n + 1) % names.len()])
        );
        if labels.contains(&(span, label.clone())) {
            continue;
        }
        labels.push((span, label));
    }
    let mut related = Vec::new();
    let code = ("uplan::eval::ordering_cycle", "the cycle continues here");
    p = blame::attach(rb, p, &mut related, code, labels);
    p.with_related(related)
}

/// A cycle among `inside`, as (instance, origin of the edge leaving it).
fn find_cycle(graph: &Graph, inside: &rustc_hash::FxHashSet<u32>) -> Vec<(u32, Origin)> {
    let mut succ: HashMap<u32, Vec<(u32, Origin)>> = HashMap::default();
    for e in &graph.edges {
        if inside.contains(&e.from) && inside.contains(&e.to) {
            succ.entry(e.from).or_default().push((e.to, e.origin));
        }
    }
    // Drop members that lead nowhere inside (they only wait on the cycle); then every
    // member left has a successor, so walking forward must come back to a node.
    let mut inside = inside.clone();
    loop {
        let sinks: Vec<u32> = inside
            .iter()
            .copied()
            .filter(|n| {
                !succ
                    .get(n)
                    .is_some_and(|s| s.iter().any(|(t, _)| inside.contains(t)))
            })
            .collect();
        if sinks.is_empty() {
            break;
        }
        for n in sinks {
            inside.remove(&n);
        }
    }
    for list in succ.values_mut() {
        list.retain(|(t, _)| inside.contains(t));
    }
    let Some(&start) = inside.iter().min() else {
        return Vec::new();
    };
    let mut seen: HashMap<u32, usize> = HashMap::default();
    let mut walk: Vec<(u32, Origin)> = Vec::new();
    let mut cur = start;
    loop {
        if let Some(&n) = seen.get(&cur) {
            return walk.split_off(n);
        }
        let Some(&(next, origin)) = succ
            .get(&cur)
            .and_then(|s| s.iter().min_by_key(|(t, _)| *t))
        else {
            return walk;
        };
        seen.insert(cur, walk.len());
        walk.push((cur, origin));
        cur = next;
    }
}

/// What replaying an edited plan found: violations, and the steps a person added by
/// hand (`manual_addition`), which no rule checks.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Validation {
    pub violations: Vec<Violation>,
    pub unchecked: Vec<String>,
}

/// Replays a plan a person may have edited: made for `target` (the plan's `to` when
/// `None`), with the findings `waived` accepts no longer blocking.
pub fn validate_plan(
    rb: &Rulebook,
    inventory: &Inventory,
    plan: &Plan,
    target: Option<&crate::model::Version>,
    waived: &dyn Fn(&crate::plan::Finding) -> bool,
) -> Result<Validation, Problems> {
    let target = match target {
        Some(t) => t.clone(),
        None => crate::model::Version::parse(&plan.to).map_err(|e| {
            Problem::new(
                "uplan::validate::bad_plan",
                format!("the plan's `to` is not a version: {}", e.reason),
            )
            .help("a plan file comes from `uplan plan --format json`")
        })?,
    };
    let lang = plan.lang.as_deref().and_then(crate::model::Lang::from_code);
    let ev = super::evaluate_unchecked(rb, inventory, &target, Mode::Plan)?
        .in_lang(lang.unwrap_or_default());
    let path: Vec<String> = super::output::path_names(rb, &ev);
    if path != plan.path {
        let violations = vec![Violation {
            code: "uplan::validate::path",
            step: None,
            rule: None,
            message: format!(
                "the plan's path {:?} is not the inventory's path {:?}",
                plan.path, path
            ),
        }];
        return Ok(Validation {
            violations,
            unchecked: Vec::new(),
        });
    }
    let mut out = plan_structure(plan);
    let facts = &inventory.facts;
    let ids: HashMap<String, u32> = (0..ev.graph.insts.len() as u32)
        .map(|i| (step_id(rb, &ev.graph, &ev.hops, facts, i), i))
        .collect();
    let Matched {
        order,
        wave,
        mut missing,
        unchecked,
    } = match_steps(plan, &ids, ev.graph.insts.len());
    let planned: rustc_hash::FxHashSet<u32> = ev.order.iter().copied().collect();
    for (id, &i) in &ids {
        if wave[i as usize] != u32::MAX || !planned.contains(&i) {
            continue;
        }
        if let Some(v) = skipped(rb, &ev, &ids, &wave, id, i) {
            missing.push(v);
        }
    }
    missing.sort_by(|a, b| a.step.cmp(&b.step));
    out.extend(missing);
    out.extend(replay(rb, facts, &ev, &order, &wave));
    let expected = super::output::to_plan(&ev, rb, inventory).steps;
    out.extend(super::content::compare(&expected, &plan.steps));
    // A blocked plan is not executable however its steps are ordered.
    for f in super::output::findings(&ev, rb, inventory) {
        if f.severity == "block" && !waived(&f) {
            out.push(Violation {
                code: "uplan::validate::blocked",
                step: None,
                rule: Some(f.rule),
                message: format!("the plan is blocked: {}", f.message),
            });
        }
    }
    Ok(Validation {
        violations: out,
        unchecked,
    })
}

/// The plan's steps matched to the rules' instances.
struct Matched {
    /// Instances in the plan's order (first copies of duplicates only).
    order: Vec<u32>,
    /// Per instance, its wave (0-based); `u32::MAX` if the plan lacks it.
    wave: Vec<u32>,
    /// `unknown_step` violations.
    missing: Vec<Violation>,
    /// Steps a person added and marked `manual_addition`.
    unchecked: Vec<String>,
}

fn match_steps(plan: &Plan, ids: &HashMap<String, u32>, instances: usize) -> Matched {
    let mut m = Matched {
        order: Vec::new(),
        wave: vec![u32::MAX; instances],
        missing: Vec::new(),
        unchecked: Vec::new(),
    };
    for s in &plan.steps {
        match ids.get(&s.id) {
            // A duplicate is reported by the structure check; the replay runs its
            // first copy only.
            Some(&i) if m.wave[i as usize] != u32::MAX => {}
            Some(&i) => {
                m.order.push(i);
                m.wave[i as usize] = s.wave.saturating_sub(1);
            }
            // A step a person added, and said so: allowed, shown as unchecked.
            None if s.manual_addition => m.unchecked.push(s.id.clone()),
            None => m.missing.push(Violation {
                code: "uplan::validate::unknown_step",
                step: Some(s.id.clone()),
                rule: None,
                message: format!(
                    "`{}` is not a step this rulebook plans for this inventory (a step added by hand says so with `\"manual_addition\": true`)",
                    s.id
                ),
            }),
        }
    }
    m
}

/// What a step left out of a plan breaks, before the requirements are replayed. An
/// optional step may be left out; the replay then names any requirement that needed
/// it. A rung of a one-minor-at-a-time ladder may not be left out while a later rung
/// stays: that later rung builds on it.
fn skipped(
    rb: &Rulebook,
    ev: &Evaluation,
    ids: &HashMap<String, u32>,
    wave: &[u32],
    id: &str,
    i: u32,
) -> Option<Violation> {
    let inst = &ev.graph.insts[i as usize];
    let rule = origin_id(rb, inst.origin);
    if rb.steps[inst.step as usize].optional.is_none() {
        return Some(Violation {
            code: "uplan::validate::missing_step",
            step: Some(id.to_string()),
            rule,
            message: format!("the plan lacks `{id}`"),
        });
    }
    let next = ev.graph.edges.iter().find(|e| {
        e.from == i && matches!(e.origin, Origin::Ladder(_)) && wave[e.to as usize] != u32::MAX
    })?;
    let next_id = ids
        .iter()
        .find(|(_, j)| **j == next.to)
        .map_or_else(String::new, |(s, _)| s.clone());
    Some(Violation {
        code: "uplan::validate::missing_step",
        step: Some(id.to_string()),
        rule,
        message: format!(
            "`{id}` is optional, but `{next_id}`, still in the plan, continues from it one minor version later"
        ),
    })
}

/// The plan's own consistency, before the rulebook is asked: one step per id, and
/// `after` lists that name steps of the plan, earlier ones, without a cycle.
pub fn plan_structure(plan: &Plan) -> Vec<Violation> {
    let mut first: HashMap<&str, usize> = HashMap::default();
    let mut out = Vec::new();
    for (n, s) in plan.steps.iter().enumerate() {
        if let Some(&earlier) = first.get(s.id.as_str()) {
            out.push(Violation {
                code: DUPLICATE_STEP,
                step: Some(s.id.clone()),
                rule: None,
                message: format!(
                    "`{}` appears more than once: step {} repeats step {}",
                    s.id,
                    n + 1,
                    earlier + 1
                ),
            });
        } else {
            first.insert(&s.id, n);
        }
    }
    let edges = after_edges(plan, &first, &mut out);
    out.extend(after_cycles(plan, &edges));
    out
}

/// The `after` lists as (waiting step, step waited for) positions of first copies;
/// reports ids that name the step itself or no step.
fn after_edges(
    plan: &Plan,
    first: &HashMap<&str, usize>,
    out: &mut Vec<Violation>,
) -> Vec<(usize, usize)> {
    let mut edges = Vec::new();
    for (n, s) in plan.steps.iter().enumerate() {
        if first.get(s.id.as_str()) != Some(&n) {
            continue;
        }
        for a in &s.after {
            let violation = |code, message| Violation {
                code,
                step: Some(s.id.clone()),
                rule: None,
                message,
            };
            match first.get(a.as_str()) {
                Some(&m) if m == n => out.push(violation(
                    SELF_AFTER,
                    format!("`{}` lists itself in its `after` list", s.id),
                )),
                Some(&m) => edges.push((n, m)),
                None => out.push(violation(
                    UNKNOWN_AFTER,
                    format!("`{}` waits for `{a}`, which is no step of the plan", s.id),
                )),
            }
        }
    }
    edges
}

/// Cycles of the `after` lists (each named once), and waits on a later step or one
/// in the same wave outside cycles.
fn after_cycles(plan: &Plan, edges: &[(usize, usize)]) -> Vec<Violation> {
    use petgraph::graph::{DiGraph, NodeIndex};
    let mut graph: DiGraph<(), ()> = DiGraph::with_capacity(plan.steps.len(), edges.len());
    for _ in &plan.steps {
        graph.add_node(());
    }
    for &(n, m) in edges {
        graph.add_edge(NodeIndex::new(m), NodeIndex::new(n), ());
    }
    let mut component = vec![usize::MAX; plan.steps.len()];
    let mut out = Vec::new();
    // Kosaraju's walk is iterative; petgraph's Tarjan recurses once per step of a
    // chain and overflows the stack on a long `after` chain.
    for (c, scc) in petgraph::algo::kosaraju_scc(&graph).iter().enumerate() {
        for node in scc {
            component[node.index()] = c;
        }
        if scc.len() > 1 {
            out.push(cycle_violation(
                plan,
                scc.iter().map(|n| n.index()).collect(),
            ));
        }
    }
    for &(n, m) in edges {
        let (waiting, waited) = (&plan.steps[n], &plan.steps[m]);
        let cyclic = component[n] == component[m];
        if !cyclic && (m > n || waited.wave >= waiting.wave) {
            out.push(Violation {
                code: AFTER_ORDER,
                step: Some(waiting.id.clone()),
                rule: None,
                message: format!(
                    "`{}` waits for `{}` (its `after` list), which {}",
                    waiting.id,
                    waited.id,
                    if m > n {
                        "comes later in the plan"
                    } else {
                        "runs in the same wave or a later one"
                    }
                ),
            });
        }
    }
    out
}

fn cycle_violation(plan: &Plan, mut members: Vec<usize>) -> Violation {
    members.sort_unstable();
    let mut names: Vec<String> = members
        .iter()
        .take(CYCLE_NAMES)
        .map(|&n| format!("`{}`", plan.steps[n].id))
        .collect();
    if members.len() > CYCLE_NAMES {
        names.push(format!("and {} more", members.len() - CYCLE_NAMES));
    }
    Violation {
        code: AFTER_CYCLE,
        step: Some(plan.steps[members[0]].id.clone()),
        rule: None,
        message: format!(
            "these steps wait for each other through their `after` lists: {}",
            names.join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{PlannedStep, Status};

    fn step(id: &str, wave: u32, after: &[&str]) -> PlannedStep {
        PlannedStep {
            id: id.into(),
            hop: "1.0->2.0".into(),
            action: "x".into(),
            cluster: None,
            title: String::new(),
            commands: Vec::new(),
            manual: false,
            after: after.iter().map(|a| a.to_string()).collect(),
            wave,
            rule: None,
            notes: Vec::new(),
            duration_minutes: None,
            ..PlannedStep::default()
        }
    }

    fn codes(steps: Vec<PlannedStep>) -> Vec<&'static str> {
        let plan = Plan {
            schema: crate::plan::SCHEMA_ID.into(),
            status: Status::Ready,
            from: "1.0".into(),
            to: "2.0".into(),
            path: Vec::new(),
            findings: Vec::new(),
            steps,
            provenance: None,
            inventory_meta: None,
            checkpoints: vec![],
            post_checks: vec![],
            limits: vec![],
            clusters: vec![],
            lang: None,
        };
        plan_structure(&plan).iter().map(|v| v.code).collect()
    }

    #[test]
    fn a_consistent_plan_has_no_structure_violation() {
        let steps = vec![
            step("a", 1, &[]),
            step("b", 2, &["a"]),
            step("c", 3, &["a", "b"]),
        ];
        assert_eq!(codes(steps), Vec::<&str>::new());
    }

    #[test]
    fn each_kind_of_inconsistency_has_its_code() {
        let dup = vec![step("a", 1, &[]), step("a", 2, &[]), step("a", 3, &[])];
        assert_eq!(codes(dup), vec![DUPLICATE_STEP, DUPLICATE_STEP]);
        assert_eq!(codes(vec![step("a", 1, &["a"])]), vec![SELF_AFTER]);
        assert_eq!(codes(vec![step("a", 1, &["z"])]), vec![UNKNOWN_AFTER]);
        let cycle = vec![
            step("a", 1, &["c"]),
            step("b", 2, &["a"]),
            step("c", 3, &["b"]),
        ];
        assert_eq!(codes(cycle), vec![AFTER_CYCLE]);
        let later = vec![step("a", 1, &["b"]), step("b", 2, &[])];
        assert_eq!(codes(later), vec![AFTER_ORDER]);
        let same_wave = vec![step("a", 1, &[]), step("b", 1, &["a"])];
        assert_eq!(codes(same_wave), vec![AFTER_ORDER]);
    }

    #[test]
    fn a_cycle_is_named_once_with_its_members_capped() {
        let n = 50;
        let steps: Vec<PlannedStep> = (0..n)
            .map(|i| step(&format!("s{i}"), i + 1, &[&format!("s{}", (i + n - 1) % n)]))
            .collect();
        let plan = Plan {
            schema: crate::plan::SCHEMA_ID.into(),
            status: Status::Ready,
            from: "1.0".into(),
            to: "2.0".into(),
            path: Vec::new(),
            findings: Vec::new(),
            steps,
            provenance: None,
            inventory_meta: None,
            checkpoints: vec![],
            post_checks: vec![],
            limits: vec![],
            clusters: vec![],
            lang: None,
        };
        let got = plan_structure(&plan);
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(
            got[0].message.ends_with("`s9`, and 40 more"),
            "{}",
            got[0].message
        );
    }
}
