//! `uplan explain`: why a step is in the plan, or why a rule fired (or did not) for
//! each cluster. The answer is a chain of plain statements, each with the inventory
//! facts it rests on as dotted paths; the command line shows those facts at their
//! inventory lines.
//!
//! Downstream of the evaluation (it reads which declaration added each instance and
//! edge) and of the plan (the texts, in the plan's language, and step numbers).

use super::bindings::{self, Chosen};
use super::instances::{Arg, Origin};
use super::interp::Env;
use super::naming::{self, hop_name};
use super::{Evaluation, phrases};
use crate::inventory::Inventory;
use crate::model::{Each, EachSource, Expr, FactRef, Outcome, PlaceBase, Procedure, Rulebook};
use crate::plan::{Finding, Plan, PlannedStep};

/// What `explain` says about one step or rule.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Explanation {
    pub heading: String,
    pub sections: Vec<Section>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Section {
    pub title: String,
    pub items: Vec<Item>,
}

/// One statement and the inventory facts it read (`clusters.biz-1.kubernetes`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Item {
    pub text: String,
    pub facts: Vec<String>,
}

/// A query that names nothing: the closest step id, action or rule id, if any.
#[derive(Clone, Debug, PartialEq)]
pub struct Miss {
    pub suggestion: Option<String>,
}

/// The explanations `query` asks for: a step id, `ACTION [CLUSTER]`, or `RULE
/// [CLUSTER]`. Several steps may match `ACTION CLUSTER` (a ladder's rungs, one per hop).
pub fn explain(
    ev: &Evaluation,
    rb: &Rulebook,
    inventory: &Inventory,
    plan: &Plan,
    query: &str,
) -> Result<Vec<Explanation>, Miss> {
    let cx = Cx {
        ev,
        rb,
        inventory,
        plan,
    };
    let words: Vec<&str> = query.split_whitespace().collect();
    let (name, cluster) = match words.as_slice() {
        [name] => (*name, None),
        [name, cluster] => (*name, Some(*cluster)),
        _ => (query.trim(), None),
    };
    if let Some(n) = plan.steps.iter().position(|s| s.id == query.trim()) {
        return Ok(vec![cx.step(n)]);
    }
    let steps: Vec<usize> = (0..plan.steps.len())
        .filter(|&n| {
            let s = &plan.steps[n];
            s.action == name && cluster.is_none_or(|c| s.cluster.as_deref() == Some(c))
        })
        .collect();
    if !steps.is_empty() {
        return Ok(steps.into_iter().map(|n| cx.step(n)).collect());
    }
    if let Some(r) = rb.rules.iter().position(|r| r.id == name) {
        return Ok(vec![cx.rule(r, cluster)]);
    }
    Err(Miss {
        suggestion: suggestion(rb, plan, name),
    })
}

/// The closest known name: step ids and actions of the plan, and rule ids.
fn suggestion(rb: &Rulebook, plan: &Plan, name: &str) -> Option<String> {
    let mut names: Vec<&str> = plan.steps.iter().map(|s| s.action.as_str()).collect();
    names.extend(plan.steps.iter().map(|s| s.id.as_str()));
    names.extend(rb.rules.iter().map(|r| r.id.as_str()));
    names.sort_unstable();
    names.dedup();
    crate::check::suggest_closest(name, names.iter().copied()).map(str::to_string)
}

struct Cx<'a> {
    ev: &'a Evaluation,
    rb: &'a Rulebook,
    inventory: &'a Inventory,
    plan: &'a Plan,
}

impl Cx<'_> {
    /// The instance behind plan step `n` (the plan lists `ev.order`).
    fn inst(&self, n: usize) -> u32 {
        self.ev.order.get(n).copied().unwrap_or(0)
    }

    fn number(&self, id: &str) -> Option<usize> {
        self.plan
            .steps
            .iter()
            .position(|s| s.id == id)
            .map(|n| n + 1)
    }

    fn step(&self, n: usize) -> Explanation {
        let s = &self.plan.steps[n];
        let (k, total, hop) = (n + 1, self.plan.steps.len(), s.hop.replace("->", " → "));
        let heading = self.t(
            format!(
                "step {k} of {total}: {} (`{}`, hop {hop}, wave {})",
                s.title, s.id, s.wave
            ),
            format!(
                "第 {k} 步（共 {total} 步）：{}（`{}`，升级跳 {hop}，第 {} 批）",
                s.title, s.id, s.wave
            ),
        );
        let mut sections = vec![self.placed_by(n, s)];
        let after = self.after(n);
        if !after.items.is_empty() {
            sections.push(after);
        }
        let mut fixes = self.fixes(s);
        fixes.items.retain(|i| !sections[0].items.contains(i));
        if !fixes.items.is_empty() {
            sections.push(fixes);
        }
        Explanation { heading, sections }
    }

    /// The declaration that put the step in the plan, with the facts it decided on.
    fn placed_by(&self, n: usize, s: &PlannedStep) -> Section {
        let inst = &self.ev.graph.insts[self.inst(n) as usize];
        let items = match inst.origin {
            Origin::Rule(r) => self.by_rule(r, s),
            Origin::Procedure(p) => self.by_procedure(p, self.inst(n)),
            Origin::Order(_) | Origin::Ladder(_) => Vec::new(),
        };
        Section {
            title: self.t(
                "why it is in the plan".into(),
                "为什么计划中有这一步".into(),
            ),
            items,
        }
    }

    /// A remediation: the rule's findings on the step's cluster and hop (a ladder's
    /// rungs all answer one finding), else the rule itself (a follow-up).
    fn by_rule(&self, r: u16, s: &PlannedStep) -> Vec<Item> {
        let rule = &self.rb.rules[r as usize];
        let remedy = match &rule.outcome {
            Outcome::Step { call, .. } => self.rb.steps[call.step as usize].name == s.action,
            _ => false,
        };
        let place = self.rb.sources.place(rule.span);
        let text = match remedy {
            true => self.t(
                format!("rule `{}` ({place}) adds it as the remediation of a requirement that does not hold", rule.id),
                format!("规则 `{}`（{place}）添加了它，作为一项不成立的要求的修复步骤", rule.id),
            ),
            false => self.t(
                format!("rule `{}` ({place}) adds it as the follow-up after its remediation", rule.id),
                format!("规则 `{}`（{place}）添加了它，作为修复步骤之后的后续步骤", rule.id),
            ),
        };
        let mut items = vec![Item {
            text,
            facts: Vec::new(),
        }];
        let found = self.plan.findings.iter().filter(|f| {
            f.rule == rule.id && f.hop.as_deref() == Some(s.hop.as_str()) && f.cluster == s.cluster
        });
        items.extend(found.map(|f| self.finding_item(f)));
        items.push(Item {
            text: self.t(
                format!("source: {}", rule.source),
                format!("依据：{}", rule.source),
            ),
            facts: Vec::new(),
        });
        items
    }

    /// A procedure step: the procedure, its `each` clauses, and the facts they read
    /// about the step's cluster.
    fn by_procedure(&self, p: u16, inst: u32) -> Vec<Item> {
        let proc = &self.rb.procedures[p as usize];
        let mut items = vec![Item {
            text: self.t(
                format!(
                    "procedure `{}` ({}) adds it on this hop",
                    proc.id,
                    self.rb.sources.place(proc.span)
                ),
                format!(
                    "流程 `{}`（{}）在这一跳添加了它",
                    proc.id,
                    self.rb.sources.place(proc.span)
                ),
            ),
            facts: Vec::new(),
        }];
        let i = &self.ev.graph.insts[inst as usize];
        let binding = subject_binding(&proc.each, &i.args);
        let mut reads = Vec::new();
        if let Some(w) = &proc.when {
            fact_reads(w, &mut reads);
        }
        for e in &proc.each {
            if let Some(f) = &e.filter {
                fact_reads(f, &mut reads);
            }
        }
        let state = self.ev.hop_state(i.hop, &self.inventory.facts);
        let facts = naming::paths_of(
            self.rb,
            (&proc.each, proc.num_vars),
            &reads,
            &binding,
            state,
        );
        items.push(Item {
            text: self.t(
                format!("it applies here because: {}", self.conditions(proc)),
                format!("它在这里适用，因为：{}", self.conditions(proc)),
            ),
            facts,
        });
        items.push(Item {
            text: self.t(
                format!("source: {}", proc.source),
                format!("依据：{}", proc.source),
            ),
            facts: Vec::new(),
        });
        items
    }

    /// Every step it waits for, and the declaration that orders them.
    fn after(&self, n: usize) -> Section {
        let me = self.inst(n);
        let mut items: Vec<Item> = Vec::new();
        for e in self.ev.graph.edges.iter().filter(|e| e.to == me) {
            let id = naming::step_id(
                self.rb,
                &self.ev.graph,
                &self.ev.hops,
                &self.inventory.facts,
                e.from,
            );
            let Some(k) = self.number(&id) else {
                continue;
            };
            let why = self.edge_reason(e.origin);
            let text = self.t(
                format!("after step {k} (`{id}`): {why}"),
                format!("在第 {k} 步（`{id}`）之后：{why}"),
            );
            if !items.iter().any(|i| i.text == text) {
                items.push(Item {
                    text,
                    facts: Vec::new(),
                });
            }
        }
        Section {
            title: self.t("what it comes after".into(), "它排在哪些步骤之后".into()),
            items,
        }
    }

    fn edge_reason(&self, origin: Origin) -> String {
        let rb = self.rb;
        match origin {
            Origin::Procedure(p) => {
                let (id, src) = (
                    &rb.procedures[p as usize].id,
                    &rb.procedures[p as usize].source,
                );
                self.t(
                    format!("the `do` chain of procedure `{id}` ({src})"),
                    format!("流程 `{id}` 的 `do` 顺序（{src}）"),
                )
            }
            Origin::Rule(r) => {
                let (id, src) = (&rb.rules[r as usize].id, &rb.rules[r as usize].source);
                self.t(
                    format!("rule `{id}` places its remediation before, or its follow-up after, that step ({src})"),
                    format!("规则 `{id}` 把它的修复步骤排在那一步之前，或把后续步骤排在那一步之后（{src}）"),
                )
            }
            Origin::Order(o) => {
                let (id, src) = (&rb.orders[o as usize].id, &rb.orders[o as usize].source);
                self.t(
                    format!("order `{id}` ({src})"),
                    format!("顺序规则 `{id}`（{src}）"),
                )
            }
            Origin::Ladder(s) => {
                let name = &rb.steps[s as usize].name;
                self.t(
                    format!("`{name}` moves one minor version at a time"),
                    format!("`{name}` 每次只升级一个次版本"),
                )
            }
        }
    }

    /// Findings the step fixes, and findings shown on it.
    fn fixes(&self, s: &PlannedStep) -> Section {
        let items = self
            .plan
            .findings
            .iter()
            .filter(|f| f.fixed_by.as_deref() == Some(s.id.as_str()))
            .map(|f| self.finding_item(f))
            .collect();
        Section {
            title: self.t("what it fixes".into(), "它修复什么".into()),
            items,
        }
    }

    /// On every hop of the path: whether the rule applies, and for each binding of its
    /// `each` clauses (on `cluster` only, when given) whether its requirement holds.
    fn rule(&self, r: usize, cluster: Option<&str>) -> Explanation {
        let rule = &self.rb.rules[r];
        let heading = format!(
            "rule `{}` ({}): {}",
            rule.id,
            self.rb.sources.place(rule.span),
            rule.source
        );
        let sections = (0..self.ev.hops.len() as u32)
            .map(|pos| self.rule_on_hop(r, pos, cluster))
            .collect();
        Explanation { heading, sections }
    }

    fn rule_on_hop(&self, r: usize, pos: u32, cluster: Option<&str>) -> Section {
        let rb = self.rb;
        let rule = &rb.rules[r];
        let hop = hop_name(&rb.hops[self.ev.hops[pos as usize] as usize]);
        let arrow = hop.replace("->", " → ");
        let title = self.t(format!("hop {arrow}"), format!("升级跳 {arrow}"));
        let state = self.ev.hop_state(pos, &self.inventory.facts);
        let ctx = self.ev.ctx(rb, pos);
        let mut env = Env::new(&rb.schema, state, &ctx, rule.num_vars);
        if !env.test_opt(rule.when.as_ref()) {
            let mut reads = Vec::new();
            if let Some(w) = &rule.when {
                fact_reads(w, &mut reads);
            }
            let facts = naming::paths_of(rb, (&[], 0), &reads, &[], state);
            let items = vec![Item {
                text: self.t(
                    "does not apply: its `when` is false on this hop".into(),
                    "不适用：它的 `when` 在这一跳上为假".into(),
                ),
                facts,
            }];
            return Section { title, items };
        }
        let keys = &self.ev.rule_keys[r];
        let mut bound: Vec<Vec<Chosen>> = Vec::new();
        bindings::for_each(&mut env, &rule.each, &mut |env, idx| {
            bound.push(bindings::remember(env, &rule.each, keys, idx));
        });
        let mut items = Vec::new();
        let mut seen = Vec::new();
        for b in &bound {
            let who = naming::binding_subject(rb, rule, b, state);
            seen.extend(who.clone());
            if cluster.is_some() && who.as_deref() != cluster {
                continue;
            }
            items.push(self.binding_item(r, pos, b, who.as_deref(), &hop));
        }
        items.extend(self.not_selected(rule, state, &seen, cluster));
        if items.is_empty() {
            let whom = cluster.map_or(String::new(), |c| format!(" on `{c}`"));
            let zh_whom = cluster.map_or(String::new(), |c| format!("在 `{c}` 上"));
            items.push(Item {
                text: self.t(
                    format!("selects nothing{whom}: no binding of its `each` clauses passes their `where`"),
                    format!("{zh_whom}没有选中任何对象：它的 `each` 子句没有一个绑定满足 `where`"),
                ),
                facts: Vec::new(),
            });
        }
        Section { title, items }
    }

    /// The entities the rule's first `each` iterates that no binding selected, with
    /// the facts its `where` read about them.
    fn not_selected(
        &self,
        rule: &crate::model::Rule,
        state: &crate::model::Value,
        seen: &[String],
        cluster: Option<&str>,
    ) -> Option<Item> {
        let first = rule.each.first()?;
        let field = bindings::entity_field(&self.rb.schema, first)?;
        let n = super::interp::root_list(state, field).map_or(0, <[_]>::len) as u32;
        let mut reads = Vec::new();
        if let Some(f) = &first.filter {
            fact_reads(f, &mut reads);
        }
        let (mut names, mut facts) = (Vec::new(), Vec::new());
        for index in 0..n {
            let name = naming::entity_name(&self.rb.schema, state, field, index).to_string();
            if seen.contains(&name) || cluster.is_some_and(|c| c != name) {
                continue;
            }
            let chosen = [Chosen { index, key: None }];
            let each = (&rule.each[..1], rule.num_vars);
            facts.extend(naming::paths_of(self.rb, each, &reads, &chosen, state));
            names.push(name);
        }
        if names.is_empty() {
            return None;
        }
        let clause = one_line(self.rb.sources.slice(first.span));
        Some(Item {
            text: self.t(
                format!("not selected by `{clause}`: {}", names.join(", ")),
                format!("未被 `{clause}` 选中：{}", names.join("、")),
            ),
            facts,
        })
    }

    fn binding_item(&self, r: usize, pos: u32, b: &[Chosen], who: Option<&str>, hop: &str) -> Item {
        let rule = &self.rb.rules[r];
        let fired = self
            .ev
            .findings
            .iter()
            .any(|f| f.rule as usize == r && f.hop == pos && f.binding == b);
        let state = self.ev.hop_state(pos, &self.inventory.facts);
        let facts = naming::fact_paths(self.rb, rule, b, state);
        let platform = self.t("the platform".into(), "平台".into());
        let who = who.unwrap_or(&platform);
        if !fired {
            return Item {
                text: self.t(
                    format!("{who}: the requirement holds, so no finding"),
                    format!("{who}：要求成立，因此没有发现项"),
                ),
                facts,
            };
        }
        let found = self.plan.findings.iter().find(|f| {
            f.rule == rule.id && f.hop.as_deref() == Some(hop) && f.cluster.as_deref() == Some(who)
        });
        let what = found.map_or_else(String::new, |f| {
            let fix = f
                .fixed_by
                .as_deref()
                .map(|id| match self.number(id) {
                    Some(k) => self.t(
                        format!("; fixed by step {k} (`{id}`)"),
                        format!("；由第 {k} 步（`{id}`）修复"),
                    ),
                    None => self.t(format!("; fixed by `{id}`"), format!("；由 `{id}` 修复")),
                })
                .unwrap_or_default();
            format!("{}{}{fix}", self.t(": ".into(), "：".into()), f.message)
        });
        let severity = rule.severity().as_str();
        Item {
            text: self.t(
                format!("{who}: fires ({severity}){what}"),
                format!("{who}：触发（{severity}）{what}"),
            ),
            facts,
        }
    }
}

impl Cx<'_> {
    /// `en` or `zh`, in the evaluation's language.
    fn t(&self, en: String, zh: String) -> String {
        phrases::pick(self.ev.lang, en, zh)
    }

    fn finding_item(&self, f: &Finding) -> Item {
        let (sev, rule, msg) = (&f.severity, &f.rule, &f.message);
        Item {
            text: self.t(
                format!("{sev} finding of `{rule}`: {msg}"),
                format!("`{rule}` 的 {sev} 发现项：{msg}"),
            ),
            facts: f.facts.clone(),
        }
    }

    /// The procedure's conditions as written in the rule file: its `each` clauses.
    fn conditions(&self, proc: &Procedure) -> String {
        let parts: Vec<String> = proc
            .each
            .iter()
            .map(|e| format!("`{}`", one_line(self.rb.sources.slice(e.span))))
            .collect();
        if parts.is_empty() {
            self.t(
                "it has no `each` clause: it applies to the whole platform".into(),
                "它没有 `each` 子句：适用于整个平台".into(),
            )
        } else {
            parts.join(", ")
        }
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The binding of a procedure's `each` clauses that names the instance's subject: its
/// first entity argument for the first clause over that entity's list.
fn subject_binding(each: &[Each], args: &[Arg]) -> Vec<Chosen> {
    let Some(Arg::Entity { field, index }) = args.iter().find(|a| matches!(a, Arg::Entity { .. }))
    else {
        return Vec::new();
    };
    match each.first().map(|e| &e.source) {
        Some(EachSource::Entity { root_field, .. }) if root_field == field => vec![Chosen {
            index: *index,
            key: None,
        }],
        _ => Vec::new(),
    }
}

/// The facts an expression reads: each longest chain of fields from a variable or
/// the root (`c.kubernetes`, `platform.registry`).
fn fact_reads(e: &Expr, out: &mut Vec<FactRef>) {
    if let Some(r) = chain(e) {
        if !r.fields.is_empty() && !out.contains(&r) {
            out.push(r);
        }
        return;
    }
    match e {
        Expr::Field(b, _) | Expr::Not(b) | Expr::Like(b, _) => fact_reads(b, out),
        Expr::RangeBound { range, .. } => fact_reads(range, out),
        Expr::And(a, b) | Expr::Or(a, b) | Expr::Cmp(_, a, b) | Expr::Coalesce(a, b) => {
            fact_reads(a, out);
            fact_reads(b, out);
        }
        Expr::In { item, set, .. } => {
            fact_reads(item, out);
            fact_reads(set, out);
        }
        Expr::Quant { list, .. } => fact_reads(list, out),
        Expr::List(items) => items.iter().for_each(|i| fact_reads(i, out)),
        _ => {}
    }
}

fn chain(e: &Expr) -> Option<FactRef> {
    match e {
        Expr::Var(v) => Some(FactRef {
            base: PlaceBase::Var(*v),
            fields: Vec::new(),
        }),
        Expr::Root => Some(FactRef {
            base: PlaceBase::Root,
            fields: Vec::new(),
        }),
        Expr::Field(b, f) => {
            let mut r = chain(b)?;
            r.fields.push(*f);
            Some(r)
        }
        _ => None,
    }
}
