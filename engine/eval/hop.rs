//! Planning one hop: procedure steps, rule firing on the state at the hop's start,
//! remediations (tried on the facts and taken back), and the edges of the hop.

use rustc_hash::FxHashMap as HashMap;

use super::bindings::{self, Chosen};
use super::effects::{apply, base_place, bind_args, plan_effects, read, revert};
use super::firing;
use super::graph_args::to_arg;
use super::instances::{Arg, Graph, Origin};
use super::interp::{Env, HopCtx};
use super::patterns::{self, binding_independent};
use super::types::each_var_types;
use crate::model::{
    Expr, Guard, Outcome, PatArg, Pattern, Rule, Rulebook, Severity, StepCall, Value, Version,
};

/// A finding before it becomes strings: which rule, where, and for which binding.
#[derive(Clone, Debug)]
pub struct RawFinding {
    pub rule: u16,
    pub hop: u32,
    pub binding: Vec<Chosen>,
    pub severity: Severity,
    /// A remediation exists but cannot make the requirement hold (e.g. a downgrade).
    pub unfixable: bool,
    pub fixed_by: Option<u32>,
    /// A `warn on …` whose patterns matched no step of the hop: not shown.
    pub suppressed: bool,
}

/// A remediation (`before`) or follow-up (`after`) whose anchor matched no step of
/// its hop: a rulebook error at plan time (see `anchors`), never a floating step.
#[derive(Clone, Debug)]
pub struct Absent {
    pub rule: u16,
    /// The `after` of a follow-up (else the `before` of a remediation).
    pub after: bool,
    /// The remediation or follow-up instance that would have floated.
    pub inst: u32,
    pub binding: Vec<Chosen>,
}

/// Edges and notes that wait until every instance of the hop exists.
enum Pending {
    Before {
        rule: u16,
        binding: Vec<Chosen>,
        inst: u32,
    },
    After {
        rule: u16,
        binding: Vec<Chosen>,
        inst: u32,
    },
    Note {
        rule: u16,
        binding: Vec<Chosen>,
        finding: u32,
    },
}

pub struct Planner<'a> {
    pub rb: &'a Rulebook,
    pub graph: Graph,
    pub findings: Vec<RawFinding>,
    /// (instance, finding) pairs: a warning or note shown on a step.
    pub notes: Vec<(u32, u32)>,
    /// Per rule, the key field of each `each` clause's records.
    pub rule_keys: Vec<Vec<Option<u16>>>,
    /// The remediation instances of the hop being planned, in creation order.
    remediations: Vec<u32>,
    /// For the hop being planned: (instance, rule, binding) = the rule's requirement
    /// must hold when the instance starts (its remediation was ordered before it).
    pub guards: Vec<(u32, u16, Vec<Chosen>)>,
    /// Remediated requirements with no `before`: they must hold by the hop's end.
    pub due_at_end: Vec<(u16, Vec<Chosen>)>,
    /// Anchors that matched nothing in the hop being planned.
    pub absent: Vec<Absent>,
    /// Instances a `just before` remediation asked to place late.
    pub late: Vec<u32>,
    /// The path and its target, for `hop.version`.
    hops: Vec<u16>,
    target: Version,
}

impl<'a> Planner<'a> {
    pub fn new(rb: &'a Rulebook, hops: &[u16], target: &Version) -> Planner<'a> {
        let rule_keys = rb
            .rules
            .iter()
            .map(|r| {
                let types = each_var_types(&rb.schema, &r.each, r.num_vars);
                bindings::key_fields(&rb.schema, &r.each, &types)
            })
            .collect();
        Planner {
            rb,
            graph: Graph::default(),
            findings: Vec::new(),
            notes: Vec::new(),
            rule_keys,
            remediations: Vec::new(),
            guards: Vec::new(),
            due_at_end: Vec::new(),
            absent: Vec::new(),
            late: Vec::new(),
            hops: hops.to_vec(),
            target: target.clone(),
        }
    }

    /// Plans hop `hop` (path position `pos`) on `state`, the facts at the hop's start.
    /// `full` = false only fires rules (enough for `check` on the last hop).
    pub fn plan_hop(&mut self, pos: u32, hop: u16, state: &mut Value, full: bool) {
        let rb = self.rb;
        let ctx = HopCtx::on_path(rb, &self.hops, pos as usize, &self.target);
        debug_assert_eq!(self.hops.get(pos as usize), Some(&hop));
        let mut pending = Vec::new();
        self.remediations.clear();
        self.guards.clear();
        self.due_at_end.clear();
        self.absent.clear();
        let fired = firing::failing(rb, &self.rule_keys, &ctx, state, &|_| true);
        // A `warn on …` exists only if a step matches, so even `check` needs the steps
        // of a hop where one fired.
        let full = full
            || fired
                .iter()
                .any(|(ri, _)| guard_of(&rb.rules[*ri as usize]).is_some_and(|g| g.on));
        for (ri, binding) in fired {
            self.handle(ri, pos, &ctx, state, binding, full, &mut pending);
        }
        if full {
            // Remediations come first in their hop, so the procedure is decided on the
            // facts as they leave them (a Kubernetes ladder starts where the fix ends).
            let mut undo = Vec::new();
            for id in std::mem::take(&mut self.remediations) {
                let inst = &self.graph.insts[id as usize];
                let step = &rb.steps[inst.step as usize];
                let writes = {
                    let mut env = Env::new(&rb.schema, state, &ctx, step.num_vars);
                    bind_args(&mut env, &inst.args);
                    plan_effects(&mut env, step, &inst.args)
                };
                apply(state, writes, Some(&mut undo));
            }
            self.instantiate_procedures(pos, &ctx, state);
            revert(state, undo);
            self.resolve(pos, &ctx, state, pending);
            self.apply_orders(pos, &ctx, state);
        }
    }

    fn instantiate_procedures(&mut self, pos: u32, ctx: &HopCtx<'_>, state: &Value) {
        let rb = self.rb;
        for (pi, p) in rb.procedures.iter().enumerate() {
            let origin = Origin::Procedure(pi as u16);
            let mut env = Env::new(&rb.schema, state, ctx, p.num_vars);
            if !env.test_opt(p.when.as_ref()) {
                continue;
            }
            let graph = &mut self.graph;
            bindings::for_each(&mut env, &p.each, &mut |env, _| {
                for chain in &p.chains {
                    if !env.test_opt(chain.when.as_ref()) {
                        continue;
                    }
                    let mut prev: Option<u32> = None;
                    for call in &chain.calls {
                        let rungs = ladder(rb, env, call);
                        let ids = intern_ladder(graph, pos, call, rungs, origin);
                        if chain.ordered {
                            if let (Some(p), Some(&first)) = (prev, ids.first()) {
                                graph.edge(p, first, origin);
                            }
                            if let Some(&last) = ids.last() {
                                prev = Some(last);
                            }
                        }
                    }
                }
            });
        }
    }

    #[expect(
        clippy::too_many_arguments,
        reason = "one call site; the hop's whole context"
    )]
    fn handle(
        &mut self,
        ri: u16,
        pos: u32,
        ctx: &HopCtx<'_>,
        state: &mut Value,
        binding: Vec<Chosen>,
        full: bool,
        pending: &mut Vec<Pending>,
    ) {
        let rule = &self.rb.rules[ri as usize];
        let finding = self.findings.len() as u32;
        let mut raw = RawFinding {
            rule: ri,
            hop: pos,
            binding: binding.clone(),
            severity: rule.severity(),
            unfixable: false,
            fixed_by: None,
            suppressed: false,
        };
        match &rule.outcome {
            Outcome::Block => {}
            Outcome::Warn(g) | Outcome::Note(g) => {
                if full && !g.at.is_empty() {
                    pending.push(Pending::Note {
                        rule: ri,
                        binding,
                        finding,
                    });
                }
            }
            Outcome::Step {
                call, before, late, ..
            } => {
                let rungs = self.rungs_for(ri, &binding, call, ctx, state);
                if rungs.is_empty() || !self.fixes(ri, &binding, call, &rungs, ctx, state) {
                    raw.severity = Severity::Block;
                    raw.unfixable = true;
                } else {
                    let ids = intern_ladder(&mut self.graph, pos, call, rungs, Origin::Rule(ri));
                    let last = ids[ids.len() - 1];
                    self.remediations.extend(ids.iter().copied());
                    if *late {
                        self.late.extend(ids.iter().copied());
                    }
                    raw.fixed_by = Some(last);
                    if full && !before.is_empty() {
                        pending.push(Pending::Before {
                            rule: ri,
                            binding: binding.clone(),
                            inst: last,
                        });
                    } else if full {
                        self.due_at_end.push((ri, binding.clone()));
                    }
                    if full && let Some(then) = &rule.then {
                        let rungs = self.rungs_for(ri, &binding, &then.call, ctx, state);
                        let ids = intern_ladder(
                            &mut self.graph,
                            pos,
                            &then.call,
                            rungs,
                            Origin::Rule(ri),
                        );
                        if let Some(&first) = ids.first() {
                            pending.push(Pending::After {
                                rule: ri,
                                binding,
                                inst: first,
                            });
                        }
                    }
                }
            }
        }
        self.findings.push(raw);
    }

    /// The argument lists of a remediation call for one binding.
    fn rungs_for(
        &self,
        ri: u16,
        binding: &[Chosen],
        call: &StepCall,
        ctx: &HopCtx<'_>,
        state: &Value,
    ) -> Vec<Vec<Arg>> {
        let rule = &self.rb.rules[ri as usize];
        let mut env = Env::new(&self.rb.schema, state, ctx, rule.num_vars);
        if !bindings::rebind(&mut env, &rule.each, &self.rule_keys[ri as usize], binding) {
            return Vec::new();
        }
        ladder(self.rb, &mut env, call)
    }

    /// Whether the remediation's effects make the requirement hold; the facts are left
    /// as they were.
    fn fixes(
        &self,
        ri: u16,
        binding: &[Chosen],
        call: &StepCall,
        rungs: &[Vec<Arg>],
        ctx: &HopCtx<'_>,
        state: &mut Value,
    ) -> bool {
        let rb = self.rb;
        let step = &rb.steps[call.step as usize];
        let mut undo = Vec::new();
        for args in rungs {
            let writes = {
                let mut env = Env::new(&rb.schema, state, ctx, step.num_vars);
                bind_args(&mut env, args);
                plan_effects(&mut env, step, args)
            };
            apply(state, writes, Some(&mut undo));
        }
        let holds = requirement_holds(
            rb,
            &rb.rules[ri as usize],
            &self.rule_keys[ri as usize],
            binding,
            ctx,
            state,
        );
        revert(state, undo);
        holds
    }

    fn resolve(&mut self, pos: u32, ctx: &HopCtx<'_>, state: &Value, pending: Vec<Pending>) {
        let rb = self.rb;
        let mut cache: HashMap<(u16, u8), Vec<u32>> = HashMap::default();
        let mut edges = Vec::new();
        let mut notes = Vec::new();
        for p in pending {
            let (ri, binding, kind) = match &p {
                Pending::Before { rule, binding, .. } => (*rule, binding, 0u8),
                Pending::After { rule, binding, .. } => (*rule, binding, 1),
                Pending::Note { rule, binding, .. } => (*rule, binding, 2),
            };
            let rule = &rb.rules[ri as usize];
            let (pats, filter) = guard_patterns(rule, kind);
            if pats.is_empty() {
                continue;
            }
            let independent = pats.iter().all(|p| binding_independent(p, filter));
            let found = match cache.get(&(ri, kind)) {
                Some(hit) if independent => hit.clone(),
                _ => {
                    let mut env = Env::new(&rb.schema, state, ctx, rule.num_vars);
                    if !bindings::rebind(
                        &mut env,
                        &rule.each,
                        &self.rule_keys[ri as usize],
                        binding,
                    ) {
                        continue;
                    }
                    let mut hits = Vec::new();
                    for pattern in pats {
                        let step = &rb.steps[pattern.step as usize];
                        hits.extend(patterns::matches(
                            &mut env,
                            &self.graph,
                            pos,
                            pattern,
                            filter,
                            step,
                            &rb.schema,
                        ));
                    }
                    if independent {
                        cache.insert((ri, kind), hits.clone());
                    }
                    hits
                }
            };
            let origin = Origin::Rule(ri);
            if found.is_empty()
                && let Pending::Before { inst, binding, .. } | Pending::After { inst, binding, .. } =
                    &p
            {
                self.absent.push(Absent {
                    rule: ri,
                    after: kind == 1,
                    inst: *inst,
                    binding: binding.clone(),
                });
            }
            match p {
                Pending::Before {
                    inst, ref binding, ..
                } => {
                    for &m in &found {
                        edges.push((inst, m, origin));
                        self.guards.push((m, ri, binding.clone()));
                    }
                }
                Pending::After { inst, .. } => {
                    found.iter().for_each(|&m| edges.push((m, inst, origin)))
                }
                Pending::Note { finding, .. } => {
                    // `warn on …`: no matching step, no finding.
                    if found.is_empty() && guard_of(rule).is_some_and(|g| g.on) {
                        self.findings[finding as usize].suppressed = true;
                    }
                    found.iter().for_each(|&m| notes.push((m, finding)))
                }
            }
        }
        for (a, b, o) in edges {
            self.graph.edge(a, b, o);
        }
        self.notes.extend(notes);
    }

    fn apply_orders(&mut self, pos: u32, ctx: &HopCtx<'_>, state: &Value) {
        let rb = self.rb;
        let mut edges = Vec::new();
        for (oi, order) in rb.orders.iter().enumerate() {
            let mut env = Env::new(&rb.schema, state, ctx, order.num_vars);
            if !env.test_opt(order.when.as_ref()) {
                continue;
            }
            let first_vars: Vec<u16> = order.first.iter().flat_map(pattern_vars).collect();
            // The variables both sides bind: a pair must agree on them.
            let mut shared: Vec<u16> = order
                .then
                .iter()
                .flat_map(pattern_vars)
                .filter(|v| first_vars.contains(v))
                .collect();
            shared.sort_unstable();
            shared.dedup();
            // Group the first side's matches by the arguments the second shares.
            let mut groups: HashMap<Vec<&Arg>, Vec<(u32, usize)>> = HashMap::default();
            for (ai, alt) in order.first.iter().enumerate() {
                let at = positions(alt, &shared);
                for &a in self.graph.of_step(pos, alt.step) {
                    let args = &self.graph.insts[a as usize].args;
                    if patterns::bind(&mut env, alt, args)
                        && env.test_opt(order.filter_first.as_ref())
                    {
                        let key: Vec<&Arg> = at.iter().filter_map(|&i| args.get(i)).collect();
                        groups.entry(key).or_default().push((a, ai));
                    }
                }
            }
            for alt in &order.then {
                let at = positions(alt, &shared);
                for &b in self.graph.of_step(pos, alt.step) {
                    let bargs = &self.graph.insts[b as usize].args;
                    let key: Vec<&Arg> = at.iter().filter_map(|&i| bargs.get(i)).collect();
                    let Some(group) = groups.get(&key) else {
                        continue;
                    };
                    if !patterns::bind(&mut env, alt, bargs)
                        || !env.test_opt(order.filter_then.as_ref())
                    {
                        continue;
                    }
                    for &(a, ai) in group {
                        if order.filter_pair.is_some() {
                            let aargs = &self.graph.insts[a as usize].args;
                            let _ = patterns::bind(&mut env, &order.first[ai], aargs);
                            if !env.test_opt(order.filter_pair.as_ref()) {
                                continue;
                            }
                        }
                        edges.push((a, b, Origin::Order(oi as u16)));
                    }
                }
            }
        }
        for (a, b, o) in edges {
            self.graph.edge(a, b, o);
        }
    }
}

/// Where a pattern binds each of `vars` (in that order): the argument positions.
fn positions(p: &Pattern, vars: &[u16]) -> Vec<usize> {
    vars.iter()
        .filter_map(|v| {
            p.args
                .iter()
                .position(|a| matches!(a, PatArg::Bind(w) if w == v))
        })
        .collect()
}

/// Whether a rule's requirement holds for a binding on `state` (true when the bound
/// element is gone: the thing the rule was about no longer exists).
pub fn requirement_holds(
    rb: &Rulebook,
    rule: &Rule,
    keys: &[Option<u16>],
    binding: &[Chosen],
    ctx: &HopCtx<'_>,
    state: &Value,
) -> bool {
    let mut env = Env::new(&rb.schema, state, ctx, rule.num_vars);
    if !bindings::rebind(&mut env, &rule.each, keys, binding) {
        return true;
    }
    // A rule without `require` states no condition that a step could break.
    rule.require.as_ref().is_none_or(|r| env.test(r))
}

/// The patterns (and filter) a pending item resolves: 0 = `before`, 1 = `after`,
/// 2 = `at`/`on`. None when the rule has no such clause.
pub fn guard_patterns(rule: &Rule, kind: u8) -> (&[Pattern], Option<&Expr>) {
    match (kind, &rule.outcome, &rule.then) {
        (0, Outcome::Step { before, filter, .. }, _) => (before, filter.as_ref()),
        (1, _, Some(then)) => (&then.after, then.filter.as_ref()),
        (2, _, _) => match guard_of(rule) {
            Some(g) => (&g.at, g.filter.as_ref()),
            None => (&[], None),
        },
        _ => (&[], None),
    }
}

/// The `at`/`on` clause of a `warn` or `note`.
pub fn guard_of(rule: &Rule) -> Option<&Guard> {
    match &rule.outcome {
        Outcome::Warn(g) | Outcome::Note(g) => Some(g),
        _ => None,
    }
}

fn pattern_vars(p: &Pattern) -> Vec<u16> {
    p.args
        .iter()
        .filter_map(|a| match a {
            PatArg::Bind(v) => Some(*v),
            _ => None,
        })
        .collect()
}

/// Interns every rung of a ladder and chains them; returns their ids in order.
pub fn intern_ladder(
    graph: &mut Graph,
    pos: u32,
    call: &StepCall,
    rungs: Vec<Vec<Arg>>,
    origin: Origin,
) -> Vec<u32> {
    let mut ids = Vec::with_capacity(rungs.len());
    for args in rungs {
        let id = graph.intern(pos, call.step, args, origin);
        if let Some(&prev) = ids.last() {
            graph.edge(prev, id, Origin::Ladder(call.step));
        }
        ids.push(id);
    }
    ids
}

/// Safety bound on a `stepwise` ladder (keeps every evaluation finite).
const MAX_RUNGS: usize = 64;

/// The argument lists a call expands to: one, or with `stepwise`, one per minor
/// version from the place's current value up to the target; none when the place is
/// already at or beyond the target (no downgrades).
pub fn ladder<'a>(rb: &'a Rulebook, env: &mut Env<'a>, call: &'a StepCall) -> Vec<Vec<Arg>> {
    let args: Vec<Arg> = call.args.iter().map(|a| to_arg(env.eval(a))).collect();
    let step = &rb.steps[call.step as usize];
    let Some(sw) = &step.stepwise else {
        return vec![args];
    };
    let Some(Arg::Value(Value::Version(target))) = args.get(sw.param as usize) else {
        return vec![args];
    };
    let target = target.clone();
    let current = base_place(&sw.place, &args)
        .and_then(|loc| read(env.root, &loc))
        .and_then(Value::as_version)
        .cloned();
    let Some(current) = current else {
        return vec![args];
    };
    if current.compare(&target).is_ge() {
        return Vec::new();
    }
    if current.major != target.major {
        return vec![args];
    }
    let mut rungs = Vec::new();
    let mut v: Version = current.next_minor();
    while v.compare(&target).is_lt() && rungs.len() < MAX_RUNGS {
        let mut a = args.clone();
        a[sw.param as usize] = Arg::Value(Value::Version(v.clone()));
        rungs.push(a);
        v = v.next_minor();
    }
    rungs.push(args);
    rungs
}
