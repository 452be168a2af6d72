//! Stage 4: path search, rule firing on the simulated state, step graph, order,
//! waves, and replay validation.

mod anchors;
mod bindings;
mod blame;
mod cause;
mod conflicts;
mod content;
mod effects;
mod exercised;
pub mod explain;
mod firing;
mod graph_args;
mod hop;
mod instances;
pub mod interp;
mod limits;
mod locations;
mod naming;
mod optional;
mod output;
mod path;
mod patterns;
mod phrases;
mod placement;
mod replay;
mod runbook;
mod schedule;
mod shell;
mod types;
mod unknown;

use rustc_hash::FxHashMap as HashMap;
use std::sync::Arc;

use crate::diagnostics::{Problem, Problems};
use crate::inventory::Inventory;
use crate::model::{Lang, Rulebook, Value, Version};
use crate::plan::{Finding, Plan};
use effects::{apply, bind_args, plan_effects, read};
use hop::{Planner, RawFinding};
use instances::{Arg, Graph};
use interp::{Env, HopCtx};

pub use exercised::Exercised;
pub use replay::{Validation, Violation};

/// What to compute: `Check` stops after the findings (no ordering, no replay).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Plan,
    Check,
}

/// Why no path exists: what the source reaches and what reaches the target.
#[derive(Debug, Clone)]
pub struct NoPath {
    pub kind: NoPathKind,
    pub known_source: bool,
    /// Whether some hop starts or ends at the target's major.minor.
    pub known_target: bool,
    pub reachable: Vec<Version>,
    pub sources: Vec<Version>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoPathKind {
    /// No sequence of hops leads from the source to the target.
    Unreachable,
    /// The target is older than the installed version.
    Downgrade,
    /// Same major.minor, a later patch: hops move between minor versions only.
    PatchOnly,
}

/// The evaluator's result, in indices; [`Evaluation::to_plan`] turns it into strings.
#[derive(Debug)]
pub struct Evaluation {
    pub from: Version,
    pub to: Version,
    /// Hop indices of the path, in order.
    pub hops: Vec<u16>,
    pub no_path: Option<NoPath>,
    /// The platform already runs the target: nothing to plan.
    pub at_target: bool,
    /// The target is the inventory's own (no `--to`).
    pub target_from_inventory: bool,
    /// (missing fact, rule) pairs: a rule that ran on a fact the inventory leaves out
    /// (see `unknown`), sorted.
    unknowns: Vec<(u32, u16)>,
    graph: Graph,
    findings: Vec<RawFinding>,
    notes: Vec<(u32, u32)>,
    /// Instances in execution order.
    order: Vec<u32>,
    /// Per instance, its wave (0-based over the whole plan); `u32::MAX` if unscheduled.
    wave: Vec<u32>,
    /// The facts at the start of each hop after the first.
    later_states: Vec<Value>,
    rule_keys: Vec<Vec<Option<u16>>>,
    /// Requirements that failed while the planner walked its own order.
    walk_violations: Vec<Violation>,
    /// An anchor that matched nothing in a hop that was blocked anyway (see `anchors`).
    absent_while_blocked: Option<Problem>,
    /// The language [`Evaluation::to_plan`] writes the texts in (`--lang`).
    pub lang: Lang,
}

impl Evaluation {
    pub fn is_blocked(&self) -> bool {
        self.no_path.is_some()
            || self
                .findings
                .iter()
                .any(|f| f.severity == crate::model::Severity::Block)
    }

    /// The plan contract value (`uplan.plan/v1`).
    pub fn to_plan(&self, rulebook: &Rulebook, inventory: &Inventory) -> Plan {
        output::to_plan(self, rulebook, inventory)
    }

    /// The same evaluation, writing its texts in `lang`: the rulebook's translations
    /// and the engine's own phrases; commands, ids and names stay as they are.
    pub fn in_lang(mut self, lang: Lang) -> Evaluation {
        self.lang = lang;
        self
    }

    /// The findings only, as in the plan.
    pub fn findings(&self, rulebook: &Rulebook, inventory: &Inventory) -> Vec<Finding> {
        output::findings(self, rulebook, inventory)
    }

    /// Number of step instances planned (for benchmarks and tests).
    pub fn step_count(&self) -> usize {
        self.order.len()
    }

    /// An evaluation of `from` → `to` with nothing planned yet.
    fn empty(from: Version, to: Version) -> Evaluation {
        Evaluation {
            from,
            to,
            hops: Vec::new(),
            no_path: None,
            at_target: false,
            target_from_inventory: false,
            unknowns: Vec::new(),
            graph: Graph::default(),
            findings: Vec::new(),
            notes: Vec::new(),
            order: Vec::new(),
            wave: Vec::new(),
            later_states: Vec::new(),
            rule_keys: Vec::new(),
            walk_violations: Vec::new(),
            absent_while_blocked: None,
            lang: Lang::En,
        }
    }

    /// The context of the hop at path position `pos`.
    fn ctx<'r>(&self, rb: &'r Rulebook, pos: u32) -> HopCtx<'r> {
        HopCtx::on_path(rb, &self.hops, pos as usize, &self.to)
    }

    /// The facts at the start of hop `pos`.
    fn hop_state<'s>(&'s self, pos: u32, initial: &'s Value) -> &'s Value {
        if pos == 0 {
            initial
        } else {
            self.later_states.get(pos as usize - 1).unwrap_or(initial)
        }
    }
}

/// The version fact at a root-relative field path, as text (the inventory's
/// `target` for the plan's provenance).
pub fn root_fact_text(root: &Value, fields: &[u16]) -> Option<String> {
    root_version(root, fields).map(|v| v.to_string())
}

/// The names of every entity of the inventory (clusters, for ACP), sorted.
pub fn entity_names(rb: &Rulebook, inventory: &Inventory) -> Vec<String> {
    let mut names = Vec::new();
    for (_, info) in rb.schema.entities() {
        let field = info.root_field;
        let n = read(&inventory.facts, &[field as u32])
            .and_then(Value::as_list)
            .map_or(0, <[Value]>::len);
        for i in 0..n as u32 {
            names.push(naming::entity_name(&rb.schema, &inventory.facts, field, i).to_string());
        }
    }
    names.sort();
    names.dedup();
    names
}

/// Reads a version fact at a root-relative field path.
fn root_version(root: &Value, fields: &[u16]) -> Option<Version> {
    let loc: Vec<u32> = fields.iter().map(|f| *f as u32).collect();
    read(root, &loc).and_then(Value::as_version).cloned()
}

/// Plans (or checks) the upgrade of `inventory` to `target` (or the inventory's own
/// target). Errors are bad input: no target, a target no hop reaches, or a rulebook
/// whose own plan fails its replay (a contradiction in the rules).
pub fn evaluate(
    rulebook: &Rulebook,
    inventory: &Inventory,
    target: Option<&Version>,
    mode: Mode,
) -> Result<Evaluation, Problems> {
    let to = match target {
        Some(t) => t.clone(),
        None => rulebook
            .path
            .to
            .as_ref()
            .and_then(|f| root_version(&inventory.facts, f))
            .ok_or_else(|| {
                Problem::new(
                    "uplan::eval::no_target",
                    "no target version: the inventory names none",
                )
                .help("pass `--to <version>`, e.g. `--to 4.3`, or set `target:` in the inventory")
            })?,
    };
    let mut ev = evaluate_unchecked(rulebook, inventory, &to, mode)?;
    ev.target_from_inventory = target.is_none();
    if mode == Mode::Plan && ev.no_path.is_none() {
        let mut violations =
            replay::structure(rulebook, &inventory.facts, &ev, &ev.order, &ev.wave);
        violations.extend(ev.walk_violations.iter().cloned());
        if !violations.is_empty() {
            if let Some(p) = ev.absent_while_blocked.take() {
                return Err(p.into());
            }
            return Err(replay::self_validation_problem(
                rulebook,
                &ev,
                &inventory.facts,
                &violations,
            )
            .into());
        }
    }
    Ok(ev)
}

/// [`evaluate`] without the closing replay (which `validate` runs on its own terms).
fn evaluate_unchecked(
    rulebook: &Rulebook,
    inventory: &Inventory,
    to: &Version,
    mode: Mode,
) -> Result<Evaluation, Problems> {
    let rb = rulebook;
    let from = root_version(&inventory.facts, &rb.path.from).ok_or_else(|| {
        Problem::new(
            "uplan::eval::no_version",
            "the inventory has no installed version",
        )
        .help("the rulebook's `path from …` fact must be a version")
    })?;
    let mut ev = Evaluation::empty(from.clone(), to.clone());
    match route(rb, &from, to) {
        Route::Hops(hops) => ev.hops = hops,
        Route::AtTarget => ev.at_target = true,
        Route::None(np) => ev.no_path = Some(np),
    }
    if !ev.hops.is_empty() {
        plan_hops(rb, inventory, mode, &mut ev)?;
    }
    Ok(ev)
}

/// Plans the hops of `ev.hops` one after the other, each on the facts the previous
/// one leaves; `Check` stops after the last hop's findings.
fn plan_hops(
    rb: &Rulebook,
    inventory: &Inventory,
    mode: Mode,
    ev: &mut Evaluation,
) -> Result<(), Problems> {
    let (hops, to, facts) = (ev.hops.clone(), ev.to.clone(), &inventory.facts);
    let mut planner = Planner::new(rb, &hops, &to);
    let mut state = facts.clone();
    let mut wave_base = 0u32;
    let missing = unknown::Missing::new(&inventory.absent);
    let mut unknowns = rustc_hash::FxHashSet::default();
    for pos in 0..hops.len() {
        let full = mode == Mode::Plan || pos < hops.len() - 1;
        if pos > 0 {
            ev.later_states.push(state.clone());
        }
        let ctx = HopCtx::on_path(rb, &hops, pos, &to);
        unknown::scan(rb, &ctx, &state, &missing, &mut unknowns);
        let (first_inst, first_edge) = (planner.graph.insts.len(), planner.graph.edges.len());
        planner.plan_hop(pos as u32, hops[pos], &mut state, full);
        if !full {
            break;
        }
        // A blocked plan is not executable and shows only the plan so far: a topology
        // block (no global cluster) removes the very steps rules anchor on.
        let blocked = planner
            .findings
            .iter()
            .any(|f| f.severity == crate::model::Severity::Block);
        if !planner.absent.is_empty() {
            let p = anchors::problem(
                rb,
                &planner.graph,
                &hops,
                &state,
                pos as u32,
                &planner.absent,
            );
            if !blocked {
                return Err(p.into());
            }
            // kept for `evaluate`: if the blocked plan then fails its replay, the
            // floating step is the likely cause, and the better diagnostic
            ev.absent_while_blocked.get_or_insert(p);
        }
        let placed = place_hop(
            rb,
            &planner.graph,
            &hops,
            &ctx,
            (first_inst, first_edge),
            &planner.late,
            &state,
        )?;
        if mode == Mode::Plan {
            conflicts::check(rb, &planner.graph, &hops, &ctx, &placed, &state)?;
        }
        ev.wave.resize(planner.graph.insts.len(), u32::MAX);
        for (inst, w) in &placed {
            ev.wave[*inst as usize] = wave_base + w;
        }
        wave_base += placed.iter().map(|(_, w)| w + 1).max().unwrap_or(0);
        let walk = (mode == Mode::Plan).then_some(&mut ev.walk_violations);
        run_hop(
            rb, &planner, &hops, pos, facts, &ctx, &placed, &mut state, walk,
        );
        ev.order.extend(placed.iter().map(|(i, _)| *i));
    }
    ev.unknowns = unknowns.into_iter().collect();
    ev.unknowns.sort_unstable();
    ev.graph = planner.graph;
    ev.findings = planner.findings;
    ev.notes = planner.notes;
    ev.rule_keys = planner.rule_keys;
    Ok(())
}

/// Where the path search ends.
enum Route {
    Hops(Vec<u16>),
    AtTarget,
    None(NoPath),
}

/// The hops from `from` to `to`, or why there are none. Versions are matched to hop
/// nodes by major.minor; within one minor only "already there" is an answer.
fn route(rb: &Rulebook, from: &Version, to: &Version) -> Route {
    let start = path::node_of(rb, from);
    let goal = path::node_of(rb, to);
    let no_path = |kind| NoPath {
        kind,
        known_source: start.is_some(),
        known_target: goal.is_some(),
        reachable: start
            .as_ref()
            .map(|s| path::reachable(rb, s))
            .unwrap_or_default(),
        sources: goal
            .as_ref()
            .map(|g| path::sources_of(rb, g))
            .unwrap_or_default(),
    };
    if from.major_minor().compare(&to.major_minor()).is_eq() {
        return match patch_move(from, to) {
            std::cmp::Ordering::Equal => Route::AtTarget,
            std::cmp::Ordering::Less => Route::None(no_path(NoPathKind::PatchOnly)),
            std::cmp::Ordering::Greater => Route::None(no_path(NoPathKind::Downgrade)),
        };
    }
    if to.compare(from).is_lt() {
        return Route::None(no_path(NoPathKind::Downgrade));
    }
    match (&start, &goal) {
        (Some(s), Some(g)) => match path::shortest(rb, s, g) {
            Some(hops) => Route::Hops(hops),
            None => Route::None(no_path(NoPathKind::Unreachable)),
        },
        _ => Route::None(no_path(NoPathKind::Unreachable)),
    }
}

/// Within one major.minor: how the target's patch compares with the installed one.
/// A target without a patch (`4.3`) means the minor itself, which is reached.
fn patch_move(from: &Version, to: &Version) -> std::cmp::Ordering {
    if to.precision < 3 || from.precision < 3 {
        return std::cmp::Ordering::Equal;
    }
    from.compare(to)
}

/// Applies the effects of one hop's placed steps in order. With `violations`, the
/// plan's own replay of requirements rides on this walk: same order, same facts, so
/// the effects are applied once.
#[expect(
    clippy::too_many_arguments,
    reason = "one call site; the hop's whole context"
)]
fn run_hop(
    rb: &Rulebook,
    planner: &Planner<'_>,
    hops: &[u16],
    pos: usize,
    initial: &Value,
    ctx: &HopCtx<'_>,
    placed: &[(u32, u32)],
    state: &mut Value,
    violations: Option<&mut Vec<Violation>>,
) {
    let names = replay::Names { hops, initial };
    let (graph, keys) = (&planner.graph, &planner.rule_keys);
    let Some(out) = violations else {
        placed
            .iter()
            .for_each(|(i, _)| run_step(rb, graph, ctx, *i, state));
        return;
    };
    let walk = replay::RequirementWalk::recorded(&planner.guards, &planner.due_at_end);
    for (inst, _) in placed {
        walk.before(rb, graph, keys, &names, ctx, state, *inst, out);
        run_step(rb, graph, ctx, *inst, state);
    }
    walk.finish(rb, keys, hops[pos], ctx, state, out);
}

/// Applies one step instance's effects to the facts.
fn run_step(rb: &Rulebook, graph: &Graph, ctx: &HopCtx<'_>, inst: u32, state: &mut Value) {
    let i = &graph.insts[inst as usize];
    let step = &rb.steps[i.step as usize];
    let writes = {
        let mut env = Env::new(&rb.schema, state, ctx, step.num_vars);
        bind_args(&mut env, &i.args);
        plan_effects(&mut env, step, &i.args)
    };
    apply(state, writes, None);
}

/// Orders the instances created for one hop: (instance, wave within the hop), in
/// execution order.
fn place_hop(
    rb: &Rulebook,
    graph: &Graph,
    hops: &[u16],
    ctx: &HopCtx<'_>,
    (first_inst, first_edge): (usize, usize),
    late: &[u32],
    state: &Value,
) -> Result<Vec<(u32, u32)>, Problems> {
    let ids: Vec<u32> = (first_inst as u32..graph.insts.len() as u32).collect();
    let local = |id: u32| id - first_inst as u32;
    let mut edges: Vec<(u32, u32)> = graph.edges[first_edge..]
        .iter()
        .filter(|e| e.from as usize >= first_inst && e.to as usize >= first_inst)
        .map(|e| (local(e.from), local(e.to)))
        .collect();
    edges.sort_unstable();
    edges.dedup();
    let rank = ranks(rb, graph, &ids, state);
    let hop = hops
        .get(ctx_pos(graph, &ids))
        .map(|&h| rb.hops[h as usize].name());
    limits::check(rb, ctx, state, hop.as_deref().unwrap_or("?"))?;
    let limits = limit_slots(rb, graph, &ids, ctx, state);
    match schedule::schedule(&rank, &edges, &limits) {
        Ok(mut s) => {
            let mut is_late = vec![false; ids.len()];
            for &i in late.iter().filter(|&&i| i as usize >= first_inst) {
                if let Some(l) = is_late.get_mut(local(i) as usize) {
                    *l = true;
                }
            }
            let limited: Vec<bool> = (0..ids.len())
                .map(|i| limits.iter().any(|l| l.key_of[i].is_some()))
                .collect();
            placement::delay(&mut s.order, &mut s.wave, &rank, &edges, &is_late, &limited);
            Ok(s.order
                .iter()
                .map(|&l| (ids[l as usize], s.wave[l as usize]))
                .collect())
        }
        Err(schedule::Stuck::Cycle(members)) => {
            let members: Vec<u32> = members.iter().map(|&l| ids[l as usize]).collect();
            Err(replay::cycle_problem(rb, graph, hops, state, &members).into())
        }
        Err(schedule::Stuck::Limit(l)) => {
            let lim = &rb.limits[l.min(rb.limits.len().saturating_sub(1))];
            Err(Problem::new(
                "uplan::eval::limit_deadlock",
                format!("limit `{}` leaves no step able to start", lim.id),
            )
            .at(&rb.sources, lim.span, "this limit")
            .help("a binding holding a slot waits on a step of a binding that has none; raise the limit or change the orders")
            .into())
        }
    }
}

/// The path position of the hop whose instances `ids` are (0 when there are none).
fn ctx_pos(graph: &Graph, ids: &[u32]) -> usize {
    ids.first()
        .map_or(0, |&i| graph.insts[i as usize].hop as usize)
}

/// The tie-break rank of each instance: (phase, entity name, step name, arguments).
fn ranks(rb: &Rulebook, graph: &Graph, ids: &[u32], state: &Value) -> Vec<u32> {
    #[derive(PartialEq, Eq, PartialOrd, Ord)]
    enum Key {
        Name(Arc<str>),
        Ver(u64, u64, u64, u8),
        Int(i64),
        Str(Arc<str>),
        Other(String),
    }
    // Entity names by root list, read once (an entity is named many times).
    let mut names: HashMap<u16, Vec<Arc<str>>> = HashMap::default();
    for (_, info) in rb.schema.entities() {
        let n = interp::root_list(state, info.root_field).map_or(0, <[Value]>::len);
        let list = (0..n as u32)
            .map(|i| naming::entity_name(&rb.schema, state, info.root_field, i))
            .collect();
        names.insert(info.root_field, list);
    }
    let name_of = |field: u16, index: u32| -> Arc<str> {
        names
            .get(&field)
            .and_then(|l| l.get(index as usize))
            .cloned()
            .unwrap_or_else(|| Arc::from(""))
    };
    let key_of = |a: &Arg| match a {
        Arg::Entity { field, index } => Key::Name(name_of(*field, *index)),
        Arg::Value(Value::Version(v)) => Key::Ver(v.major, v.minor, v.patch, v.precision),
        Arg::Value(Value::Int(i)) => Key::Int(*i),
        Arg::Value(Value::Str(s)) => Key::Str(s.clone()),
        Arg::Value(other) => Key::Other(format!("{other:?}")),
    };
    /// (phase, entity name, step name, arguments, local index)
    type Keyed<'s> = (u16, Arc<str>, &'s str, Vec<Key>, usize);
    let mut keyed: Vec<Keyed> = ids
        .iter()
        .enumerate()
        .map(|(local, &id)| {
            let i = &graph.insts[id as usize];
            let step = &rb.steps[i.step as usize];
            let subject = i
                .args
                .iter()
                .find_map(|a| match a {
                    Arg::Entity { field, index } => Some(name_of(*field, *index)),
                    Arg::Value(_) => None,
                })
                .unwrap_or_else(|| Arc::from(""));
            (
                step.phase,
                subject,
                step.name.as_str(),
                i.args.iter().map(key_of).collect(),
                local,
            )
        })
        .collect();
    keyed.sort();
    let mut rank = vec![0u32; ids.len()];
    for (r, k) in keyed.iter().enumerate() {
        rank[k.4] = r as u32;
    }
    rank
}

/// For each `limit`, the binding (interned) each instance holds a slot for.
fn limit_slots(
    rb: &Rulebook,
    graph: &Graph,
    ids: &[u32],
    ctx: &HopCtx<'_>,
    state: &Value,
) -> Vec<schedule::SlotLimit> {
    rb.limits
        .iter()
        .map(|lim| {
            let max = match limits::bound(rb, lim, ctx, state) {
                limits::Bound::Off => {
                    let key_of = vec![None; ids.len()];
                    return schedule::SlotLimit { max: 1, key_of };
                }
                limits::Bound::Max(m) => m,
                limits::Bound::Bad(_) => 1,
            };
            let mut env = Env::new(&rb.schema, state, ctx, lim.num_vars);
            let mut interned: HashMap<Vec<Arg>, u32> = HashMap::default();
            let key_of = ids
                .iter()
                .map(|&id| {
                    let inst = &graph.insts[id as usize];
                    let hit = lim.patterns.iter().any(|p| {
                        p.step == inst.step
                            && patterns::bind(&mut env, p, &inst.args)
                            && env.test_opt(lim.filter.as_ref())
                    });
                    if !hit {
                        return None;
                    }
                    let key: Vec<Arg> = lim
                        .key_vars
                        .iter()
                        .map(|v| graph_args::to_arg(env.get(*v)))
                        .collect();
                    let n = interned.len() as u32;
                    Some(*interned.entry(key).or_insert(n))
                })
                .collect();
            schedule::SlotLimit { max, key_of }
        })
        .collect()
}

/// Replays `plan` from the inventory's facts; an empty list means it is valid.
/// Errors are bad input (a path that is not the inventory's).
pub fn validate(
    rulebook: &Rulebook,
    inventory: &Inventory,
    plan: &Plan,
) -> Result<Vec<Violation>, Problems> {
    validate_with(rulebook, inventory, plan, None, &|_| false).map(|v| v.violations)
}

/// [`validate`] for the target the plan was asked for (its provenance's
/// `target_requested`; the plan's `to` when `None`), with the findings `waived`
/// accepts not blocking; also names the steps added by hand.
pub fn validate_with(
    rulebook: &Rulebook,
    inventory: &Inventory,
    plan: &Plan,
    target: Option<&Version>,
    waived: &dyn Fn(&Finding) -> bool,
) -> Result<Validation, Problems> {
    replay::validate_plan(rulebook, inventory, plan, target, waived)
}
