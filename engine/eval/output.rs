//! Turning an evaluation into the `uplan.plan/v1` value: the one place indices
//! become strings.

use super::bindings;
use super::effects::bind_args;
use super::instances::Arg;
use super::instances::Origin;
use super::interp::{Env, Val, display, root_list};
use super::naming::{binding_subject, fact_paths, hop_name, join_versions, step_id, subject};
use super::{Evaluation, NoPath, NoPathKind, naming, optional, path, phrases, run_step, runbook};
use crate::inventory::{Absent, Inventory, Notice, NoticeKind};
use crate::model::{Effect, Expr, Lang, PlaceBase, Rulebook, Type, Value};
use crate::plan::{Finding, InventoryMeta, Plan, PlannedStep, SCHEMA_ID, Status};

pub fn origin_id(rb: &Rulebook, o: Origin) -> Option<String> {
    match o {
        Origin::Procedure(i) => rb.procedures.get(i as usize).map(|p| p.id.clone()),
        Origin::Rule(i) => rb.rules.get(i as usize).map(|r| r.id.clone()),
        Origin::Order(i) => rb.orders.get(i as usize).map(|o| o.id.clone()),
        Origin::Ladder(_) => None,
    }
}

pub fn path_names(rb: &Rulebook, ev: &Evaluation) -> Vec<String> {
    let mut out = Vec::new();
    for (n, &h) in ev.hops.iter().enumerate() {
        let hop = &rb.hops[h as usize];
        if n == 0 {
            out.push(hop.from.to_string());
        }
        out.push(hop.to.to_string());
    }
    out
}

pub fn to_plan(ev: &Evaluation, rb: &Rulebook, inventory: &Inventory) -> Plan {
    let initial = &inventory.facts;
    let (limited_by, limits) = runbook::limits(ev, rb, initial);
    let (steps, last) = steps(ev, rb, initial, &limited_by);
    let clusters = runbook::clusters(rb, initial, &last, &steps);
    let (checkpoints, post_checks) = runbook::checkpoints(ev, rb, initial, &steps);
    Plan {
        schema: SCHEMA_ID.into(),
        status: if ev.is_blocked() {
            Status::Blocked
        } else {
            Status::Ready
        },
        from: ev.from.to_string(),
        to: ev.to.full().to_string(),
        path: path_names(rb, ev),
        findings: findings(ev, rb, inventory),
        steps,
        provenance: None,
        inventory_meta: inventory_meta(rb, initial),
        checkpoints,
        post_checks,
        clusters,
        limits,
        lang: (ev.lang != Lang::En).then(|| ev.lang.code().to_string()),
    }
}

/// `meta.customer` and `meta.collected_at` of the inventory (the contract's names), when
/// the rulebook's schema has them and the inventory says either.
fn inventory_meta(rb: &Rulebook, facts: &Value) -> Option<InventoryMeta> {
    let schema = &rb.schema;
    let (i, def) = schema.record(schema.root).field("meta")?;
    let Type::Record(rec) = def.ty.non_null() else {
        return None;
    };
    let meta = facts.as_record()?.get(i as usize)?.as_record()?;
    let text = |name: &str| {
        let (j, _) = schema.record(*rec).field(name)?;
        meta.get(j as usize)?.as_str().map(str::to_string)
    };
    let out = InventoryMeta {
        customer: text("customer"),
        collected_at: text("collected_at"),
    };
    (out != InventoryMeta::default()).then_some(out)
}

pub fn findings(ev: &Evaluation, rb: &Rulebook, inventory: &Inventory) -> Vec<Finding> {
    let initial = &inventory.facts;
    let mut out = Vec::new();
    if let Some(np) = &ev.no_path {
        out.push(path_finding(ev, rb, "block", no_path_message(ev, rb, np)));
    }
    if ev.at_target {
        let message = phrases::at_target(ev.lang, &ev.from.to_string(), &ev.to.to_string());
        out.push(path_finding(ev, rb, "info", message));
    }
    for f in ev.findings.iter().filter(|f| !f.suppressed) {
        out.push(finding(ev, rb, initial, f));
    }
    out.extend(
        inventory
            .notices
            .iter()
            .map(|n| notice_finding(rb, n, ev.lang)),
    );
    out.extend(unknown_findings(ev, rb, inventory));
    super::locations::attach(&mut out, inventory);
    out
}

/// One warning per missing fact some rule needed: the rules that had to assume, what
/// they assumed, and how to find the fact.
fn unknown_findings(ev: &Evaluation, rb: &Rulebook, inventory: &Inventory) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut rest = ev.unknowns.as_slice();
    while let Some(&(fact, _)) = rest.first() {
        let n = rest.iter().take_while(|(f, _)| *f == fact).count();
        let (group, tail) = rest.split_at(n);
        rest = tail;
        let Some(a) = inventory.absent.get(fact as usize) else {
            continue;
        };
        let mut rules: Vec<&str> = group
            .iter()
            .map(|(_, r)| rb.rules[*r as usize].id.as_str())
            .collect();
        rules.dedup();
        out.push(unknown_finding(rb, inventory, a, &rules, ev.lang));
    }
    out
}

fn unknown_finding(
    rb: &Rulebook,
    inventory: &Inventory,
    a: &Absent,
    rules: &[&str],
    lang: Lang,
) -> Finding {
    let record = match a.entity {
        Some((list, _)) => rb.schema.entity_of_root_field(list),
        None => Some(rb.schema.root),
    };
    let def = record.and_then(|r| rb.schema.field_def(r, a.field));
    let assumed = match def.and_then(|d| d.default.as_ref()) {
        Some(Value::List(items)) if items.is_empty() => phrases::assumed_empty_list(lang),
        Some(v) => {
            let mut s = String::new();
            let ty = def.map_or(Type::Null, |d| d.ty.clone());
            display(&rb.schema, Val::of(v), &ty, &mut s);
            s
        }
        None => phrases::assumed_nothing(lang),
    };
    let who = a.entity.map(|(list, index)| {
        naming::entity_name(&rb.schema, &inventory.facts, list, index).to_string()
    });
    let listed: Vec<String> = rules.iter().map(|r| format!("`{r}`")).collect();
    Finding {
        rule: "uplan.unknown-fact".into(),
        severity: "warn".into(),
        cluster: who,
        message: phrases::unknown_fact(
            lang,
            &a.fact,
            &listed,
            &assumed,
            rb.translations.plain_in(lang, &a.probe),
        ),
        facts: vec![a.fact.clone()],
        source: phrases::unknown_fact_source(lang),
        fixed_by: None,
        hop: None,
        ..Finding::default()
    }
}

/// A name the rulebook does not know. Close to a known name it is a warning (a typo
/// hides what the rules would have done); otherwise a note, since most such names are
/// plugins no rule cares about, and warning on each would teach people to skip warnings.
fn notice_finding(rb: &Rulebook, n: &Notice, lang: Lang) -> Finding {
    let (field, suggestion) = match &n.kind {
        NoticeKind::UnknownName { field, suggestion } => (field, suggestion),
        NoticeKind::NameOnly {
            record,
            unset,
            defaults,
        } => return name_only_finding(rb, n, record, unset, defaults, lang),
    };
    let value = crate::sanitize::redact_url_userinfo(&n.value);
    let (severity, message) = match suggestion {
        Some(s) => ("warn", phrases::unknown_name_close(lang, &value, field, s)),
        None => ("info", phrases::unknown_name_far(lang, &value, field)),
    };
    Finding {
        rule: "uplan.unknown-name".into(),
        severity: severity.into(),
        cluster: n.entity.clone(),
        message,
        facts: vec![n.fact.clone()],
        source: phrases::vocabulary_source(lang, field),
        fixed_by: None,
        hop: None,
        ..Finding::default()
    }
}

/// A record written as its name alone: the fields it leaves unknown, and the rules
/// that read them, which ran on the defaults. A warning when some rule reads them (its
/// verdict rests on a guess), a note otherwise.
fn name_only_finding(
    rb: &Rulebook,
    n: &Notice,
    record: &str,
    unset: &[String],
    defaults: &[String],
    lang: Lang,
) -> Finding {
    let mut read = Vec::new();
    let mut rules: Vec<&str> = Vec::new();
    for (field, default) in unset.iter().zip(defaults) {
        let fact = format!("{record}.{field}");
        let readers = rb.rules.iter().filter(|r| r.reads.contains(&fact));
        let before = rules.len();
        rules.extend(readers.map(|r| r.id.as_str()));
        if rules.len() > before {
            read.push(format!("{field}: {default}"));
        }
    }
    rules.sort_unstable();
    rules.dedup();
    let name = crate::sanitize::redact_url_userinfo(&n.value);
    let listed: Vec<String> = rules.iter().map(|r| format!("`{r}`")).collect();
    let severity = if rules.is_empty() { "info" } else { "warn" };
    let consequence = phrases::name_only_consequence(lang, &listed, &read);
    Finding {
        rule: "uplan.name-only".into(),
        severity: severity.into(),
        cluster: n.entity.clone(),
        message: phrases::name_only(lang, record, &name, unset, &consequence),
        facts: vec![n.fact.clone()],
        source: phrases::name_only_source(lang),
        fixed_by: None,
        hop: None,
        ..Finding::default()
    }
}

fn no_path_message(ev: &Evaluation, rb: &Rulebook, np: &NoPath) -> String {
    let (from, to, lang) = (ev.from.to_string(), ev.to.to_string(), ev.lang);
    let minor = ev.from.major_minor().to_string();
    let reach = phrases::reach(lang, &minor, np.known_source, &join_versions(&np.reachable));
    match np.kind {
        NoPathKind::Downgrade => phrases::downgrade(lang, &to, &from, &reach),
        NoPathKind::PatchOnly => phrases::patch_only(lang, &to, &from, &minor, &reach),
        NoPathKind::Unreachable => {
            let there = phrases::there(
                lang,
                &ev.to.major_minor().to_string(),
                np.known_target,
                &join_versions(&path::nodes(rb)),
                &join_versions(&np.sources),
            );
            phrases::unreachable(lang, &from, &to, &reach, &there)
        }
    }
}

/// The engine's own finding about the path (`uplan.path`), pointing at the installed
/// version and, when the inventory names it, the target.
fn path_finding(ev: &Evaluation, rb: &Rulebook, severity: &str, message: String) -> Finding {
    let mut facts = vec![fact_name(rb, &rb.path.from)];
    if ev.target_from_inventory
        && let Some(to) = &rb.path.to
    {
        facts.push(fact_name(rb, to));
    }
    Finding {
        rule: "uplan.path".into(),
        severity: severity.into(),
        cluster: None,
        message,
        facts,
        source: phrases::hops_source(ev.lang),
        fixed_by: None,
        hop: None,
        ..Finding::default()
    }
}

/// A root-relative field path as a dotted name (`platform.version`).
fn fact_name(rb: &Rulebook, fields: &[u16]) -> String {
    let mut rec = rb.schema.root;
    let mut names = Vec::new();
    for &f in fields {
        let Some(def) = rb.schema.record(rec).fields.get(f as usize) else {
            break;
        };
        names.push(def.name.clone());
        match def.ty.non_null() {
            crate::model::Type::Record(r) => rec = *r,
            _ => break,
        }
    }
    names.join(".")
}

fn finding(ev: &Evaluation, rb: &Rulebook, initial: &Value, f: &super::RawFinding) -> Finding {
    let rule = &rb.rules[f.rule as usize];
    let hop = ev.hops[f.hop as usize];
    let state = ev.hop_state(f.hop, initial);
    let ctx = ev.ctx(rb, f.hop);
    let mut env = Env::new(&rb.schema, state, &ctx, rule.num_vars).in_lang(ev.lang);
    let mut source = rule.source.clone();
    let mut message = if bindings::rebind(
        &mut env,
        &rule.each,
        &ev.rule_keys[f.rule as usize],
        &f.binding,
    ) {
        if let Some(t) = &rule.source_template {
            source = env.render(t);
        }
        let mut remark = |env: &mut _, e, v| simulated_remark(ev, rb, initial, f.hop, env, e, v);
        env.render_remarked(&rule.message, &mut remark)
    } else {
        rule.id.clone()
    };
    if f.unfixable {
        message.push_str(phrases::unfixable(ev.lang));
    }
    Finding {
        rule: rule.id.clone(),
        severity: f.severity.as_str().into(),
        cluster: binding_subject(rb, rule, &f.binding, state),
        message,
        facts: fact_paths(rb, rule, &f.binding, state),
        source,
        fixed_by: f
            .fixed_by
            .map(|i| step_id(rb, &ev.graph, &ev.hops, initial, i)),
        hop: Some(hop_name(&rb.hops[hop as usize])),
        ..Finding::default()
    }
}

/// The planned steps, and the facts once they have all run.
fn steps(
    ev: &Evaluation,
    rb: &Rulebook,
    initial: &Value,
    limited_by: &[Option<u16>],
) -> (Vec<PlannedStep>, Value) {
    let measured = runbook::measured(rb, initial);
    let graph = &ev.graph;
    let mut preds: Vec<Vec<u32>> = vec![Vec::new(); graph.insts.len()];
    for e in &graph.edges {
        if !preds[e.to as usize].contains(&e.from) {
            preds[e.to as usize].push(e.from);
        }
    }
    let mut at = vec![usize::MAX; graph.insts.len()];
    for (n, &i) in ev.order.iter().enumerate() {
        at[i as usize] = n;
    }
    // Each id is formatted once: a step can be named in many `after` lists.
    let ids: Vec<String> = (0..graph.insts.len() as u32)
        .map(|i| step_id(rb, graph, &ev.hops, initial, i))
        .collect();
    let mut notes_of: Vec<Vec<u32>> = vec![Vec::new(); graph.insts.len()];
    for &(inst, finding) in &ev.notes {
        notes_of[inst as usize].push(finding);
    }
    let rendered_findings: Vec<Finding> = ev
        .findings
        .iter()
        .map(|f| finding(ev, rb, initial, f))
        .collect();
    let needed = optional::needed(rb, ev, initial);
    let mut state = initial.clone();
    let mut out = Vec::with_capacity(ev.order.len());
    for &i in &ev.order {
        let inst = &graph.insts[i as usize];
        let hop = ev.hops[inst.hop as usize];
        let step = &rb.steps[inst.step as usize];
        let ctx = ev.ctx(rb, inst.hop);
        let mut extra = PlannedStep::default();
        let mut texts = {
            let mut env = Env::new(&rb.schema, &state, &ctx, step.num_vars).in_lang(ev.lang);
            bind_args(&mut env, &inst.args);
            runbook::texts(&mut env, step, &mut extra);
            Texts::of(&mut env, step)
        };
        for &f in &notes_of[i as usize] {
            let rf = &rendered_findings[f as usize];
            let note = format!("{} ({})", rf.message, rf.rule);
            if !texts.notes.contains(&note) {
                texts.notes.push(note);
            }
        }
        let optional = texts.optional.is_some() && !needed.contains_key(&i);
        if let Some(v) = needed.get(&i) {
            let (rule, step) = (v.rule.as_deref(), v.step.as_deref());
            let note = phrases::not_optional(ev.lang, &v.message, rule, step);
            texts.notes.push(note);
        }
        let mut after: Vec<u32> = preds[i as usize]
            .iter()
            .copied()
            .filter(|p| at[*p as usize] != usize::MAX)
            .collect();
        after.sort_by_key(|p| at[*p as usize]);
        out.push(PlannedStep {
            id: ids[i as usize].clone(),
            hop: hop_name(&rb.hops[hop as usize]),
            action: step.name.clone(),
            cluster: subject(rb, graph, initial, i).map(|s| s.to_string()),
            title: texts.title,
            commands: texts.commands,
            manual: step.manual,
            after: after.iter().map(|&p| ids[p as usize].clone()).collect(),
            wave: ev.wave[i as usize] + 1,
            rule: origin_id(rb, inst.origin),
            notes: texts.notes,
            duration_minutes: step.duration_minutes,
            optional,
            optional_consequence: texts.optional.filter(|_| optional),
            manual_addition: false,
            phase: rb.phases.get(step.phase as usize).cloned(),
            source: runbook::source(rb, inst.origin),
            limit: limited_by
                .get(i as usize)
                .copied()
                .flatten()
                .map(|l| rb.limits[l as usize].id.clone()),
            ..extra
        });
        if let Some(last) = out.last_mut() {
            runbook::duration(step, last);
            runbook::apply_measured(&measured, last);
        }
        run_step(rb, graph, &ctx, i, &mut state);
    }
    (out, state)
}

/// The text of one step instance, rendered on the facts before it runs.
struct Texts {
    title: String,
    commands: Vec<String>,
    notes: Vec<String>,
    optional: Option<String>,
}

impl Texts {
    fn of<'a>(env: &mut Env<'a>, step: &'a crate::model::StepDef) -> Texts {
        let title = env.render(&step.title);
        let mut commands = Vec::new();
        for c in &step.commands {
            if env.test_opt(c.when.as_ref()) {
                commands.push(env.render_command(&c.item));
            }
        }
        let mut notes = Vec::new();
        for n in &step.notes {
            if env.test_opt(n.when.as_ref()) {
                notes.push(env.render(&n.item));
            }
        }
        let optional = step.optional.as_ref().map(|o| env.render(o));
        Texts {
            title,
            commands,
            notes,
            optional,
        }
    }
}

/// For a finding of a later hop: a fact of an entity that earlier steps changed is
/// shown with what the inventory says and the step that changed it, so the message
/// agrees with the inventory line it points at: `1.28 (after step 2; the inventory
/// has 1.27)`.
fn simulated_remark<'a>(
    ev: &Evaluation,
    rb: &Rulebook,
    initial: &Value,
    hop: u32,
    env: &mut Env<'a>,
    e: &'a Expr,
    now: Val<'a>,
) -> Option<String> {
    if hop == 0 {
        return None;
    }
    let Expr::Field(base, field) = e else {
        return None;
    };
    let Val::Entity {
        field: list, index, ..
    } = env.eval(base)
    else {
        return None;
    };
    let before = root_list(initial, list)?
        .get(index as usize)?
        .as_record()?
        .get(*field as usize)?;
    if Val::of(before).to_value() == now.to_value() {
        return None;
    }
    let mut shown = String::new();
    display(&rb.schema, Val::of(before), &Type::Null, &mut shown);
    let step = last_writer(ev, rb, hop, list, index, *field);
    Some(match step {
        Some(n) => phrases::after_step(ev.lang, n, &shown),
        None => phrases::after_hops(ev.lang, &shown),
    })
}

/// The plan position (1-based) of the last step before hop `hop` that sets `field` of
/// the entity at `index` of root list `list`.
fn last_writer(
    ev: &Evaluation,
    rb: &Rulebook,
    hop: u32,
    list: u16,
    index: u32,
    field: u16,
) -> Option<usize> {
    ev.order.iter().enumerate().rev().find_map(|(n, &i)| {
        let inst = &ev.graph.insts[i as usize];
        if inst.hop >= hop {
            return None;
        }
        let step = &rb.steps[inst.step as usize];
        let writes = step.effects.iter().any(|eff| match eff {
            Effect::Set { place, .. } => {
                place.fields.as_slice() == [field]
                    && matches!(place.base, PlaceBase::Var(v) if matches!(
                        inst.args.get(v as usize),
                        Some(Arg::Entity { field: l, index: x }) if *l == list && *x == index
                    ))
            }
            _ => false,
        });
        writes.then_some(n + 1)
    })
}
