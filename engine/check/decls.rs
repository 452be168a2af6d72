//! What rules, procedures, orders and limits share (clause sorting, `source`,
//! `each`), and the checks of procedures, orders and limits.

use super::facts::{conjunction, conjuncts, vars_read};
use super::limits::MAX_DECLS;
use super::patterns::{bound_vars, call_args, pattern_args};
use super::scope::{Origin, Scope};
use super::{Cx, Decls, Edge, codes, suggest};
use crate::model::{Chain, Each, EachSource, Expr, Limit, Order, Procedure, Type, Var};
use crate::source::Span;
use crate::syntax::ast;

/// The clauses of one declaration, sorted by kind; repeated single clauses reported.
#[derive(Default)]
pub struct Clauses<'a> {
    pub source: Option<(&'a ast::StrLit, Span)>,
    pub message: Option<(&'a ast::StrLit, Span)>,
    pub when: Option<(&'a ast::Expr, Span)>,
    pub each: Vec<&'a ast::Each>,
    pub require: Option<(&'a ast::Expr, Span)>,
    pub outcome: Option<((bool, &'a ast::Outcome), Span)>,
    pub follow_up: Option<(&'a ast::FollowUp, Span)>,
    pub dos: Vec<(&'a ast::DoChain, Span)>,
    pub order: Option<(&'a ast::OrderBody, Span)>,
    pub limit: Option<(&'a ast::LimitBody, Span)>,
    pub unwaivable: Option<((), Span)>,
}

pub fn sort<'a>(cx: &mut Cx, decl: &'a ast::ClauseDecl) -> Clauses<'a> {
    let mut c = Clauses::default();
    for clause in &decl.clauses {
        let span = clause.span;
        let kw = clause.kind.keyword();
        match &clause.kind {
            ast::ClauseKind::Source(s) => cx.once(&mut c.source, s, span, kw),
            ast::ClauseKind::Message(s) => cx.once(&mut c.message, s, span, kw),
            ast::ClauseKind::When(e) => cx.once(&mut c.when, e, span, kw),
            ast::ClauseKind::Require(e) => cx.once(&mut c.require, e, span, kw),
            ast::ClauseKind::Outcome { has_else, outcome } => {
                cx.once(&mut c.outcome, (*has_else, outcome), span, kw)
            }
            ast::ClauseKind::FollowUp(f) => cx.once(&mut c.follow_up, f, span, kw),
            ast::ClauseKind::OrderBody(b) => cx.once(&mut c.order, b, span, kw),
            ast::ClauseKind::LimitBody(b) => cx.once(&mut c.limit, b, span, kw),
            ast::ClauseKind::Each(e) => c.each.push(e),
            ast::ClauseKind::Do(d) => c.dos.push((d, span)),
            ast::ClauseKind::Unwaivable => cx.once(&mut c.unwaivable, (), span, kw),
        }
    }
    c
}

impl Cx<'_> {
    /// Reports a declaration that lacks a required clause.
    pub fn missing_clause(&mut self, kind: &str, decl: &ast::ClauseDecl, clause: &str, help: &str) {
        let p = self.problem(
            codes::MISSING_CLAUSE,
            format!("{kind} `{}` has no `{clause}`", decl.id.name),
            decl.id.span,
            format!("needs `{clause}`"),
        );
        self.report(p, Some(help.into()));
    }

    /// The `source` every declaration cites.
    pub fn source_of(&mut self, kind: &str, decl: &ast::ClauseDecl, c: &Clauses) -> Option<String> {
        match c.source {
            Some((s, _)) => self.plain_string(s),
            None => {
                let help = "cite where it comes from: `source \"ACP 4.0 guide › Upgrade › Before you start\"`";
                self.missing_clause(kind, decl, "source", help);
                None
            }
        }
    }

    /// The optional `when`; later clauses see what it narrows.
    pub fn when_clause(&mut self, sc: &mut Scope, c: &Clauses) -> Option<Option<Expr>> {
        let Some((w, _)) = c.when else {
            return Some(None);
        };
        let e = self.bool_expr(sc, w)?;
        let n = self.narrows(sc, w, true);
        sc.narrow(n);
        Some(Some(e))
    }

    /// Every `each`, binding its variable for the clauses after it.
    pub fn each_clauses(&mut self, sc: &mut Scope, c: &Clauses) -> Option<Vec<Each>> {
        let all: Vec<Option<Each>> = c.each.iter().map(|e| self.each(sc, e)).collect();
        all.into_iter().collect()
    }

    fn each(&mut self, sc: &mut Scope, e: &ast::Each) -> Option<Each> {
        let (source, ty) = match &e.source {
            ast::EachSource::Entity(name) => self.each_entity(name)?,
            ast::EachSource::List(list) => {
                let (expr, elem) = self.list_of(sc, list)?;
                (EachSource::List(expr), elem)
            }
        };
        let var = sc.bind(&e.var.name, ty, Origin::Each);
        let filter = match &e.filter {
            Some(f) => {
                let ir = self.bool_expr(sc, f)?;
                let n = self.narrows(sc, f, true);
                sc.narrow(n);
                Some(ir)
            }
            None => None,
        };
        Some(Each {
            var,
            source,
            filter,
            span: e.span,
        })
    }

    fn each_entity(&mut self, name: &ast::Ident) -> Option<(EachSource, Type)> {
        let found = self.record_named(&name.name).and_then(|r| {
            let info = self.schema.record(r).entity.as_ref()?;
            Some((r, info.root_field))
        });
        if let Some((record, root_field)) = found {
            return Some((
                EachSource::Entity { record, root_field },
                Type::Record(record),
            ));
        }
        let entities: Vec<String> = self
            .schema
            .entities()
            .map(|(r, _)| self.schema.record(r).name.clone())
            .collect();
        let help = suggest::help(&name.name, entities.iter().map(String::as_str));
        let p = self.problem(
            codes::UNKNOWN_TYPE,
            format!("unknown entity `{}`", name.name),
            name.span,
            "not an entity",
        );
        self.report(
            p,
            help.or_else(|| Some("iterate a list with `each x in LIST`".into())),
        );
        None
    }

    pub fn edge(&mut self, from: u16, to: u16, origin: &str, span: Span, tight: bool) {
        let origin = origin.to_string();
        self.edges.push(Edge {
            from,
            to,
            origin,
            span,
            tight,
        });
    }

    /// The declarations of one kind with distinct ids, at most [`MAX_DECLS`]; reports
    /// the others.
    pub fn unique_ids<'a>(
        &mut self,
        kind: &str,
        decls: &[&'a ast::ClauseDecl],
    ) -> Vec<&'a ast::ClauseDecl> {
        self.unique(kind, MAX_DECLS, decls.iter().copied(), |d| {
            (d.id.name.clone(), d.id.span)
        })
    }
}

pub fn procedures(cx: &mut Cx, d: &Decls) -> Vec<Procedure> {
    let decls = cx.unique_ids("procedure", &d.procedures);
    decls.into_iter().filter_map(|p| procedure(cx, p)).collect()
}

fn procedure(cx: &mut Cx, decl: &ast::ClauseDecl) -> Option<Procedure> {
    let c = sort(cx, decl);
    let source = cx.source_of("procedure", decl, &c);
    if c.dos.is_empty() {
        cx.missing_clause(
            "procedure",
            decl,
            "do",
            "list its steps: `do backup(c) -> upgrade(c)`",
        );
    }
    let mut sc = Scope::default();
    let when = cx.when_clause(&mut sc, &c);
    let each = cx.each_clauses(&mut sc, &c);
    let origin = format!("procedure `{}`", decl.id.name);
    let chains: Vec<Option<Chain>> = c
        .dos
        .iter()
        .map(|(d, span)| chain(cx, &mut sc, d, &origin, *span))
        .collect();
    cx.check_vars(&sc, "procedure", &decl.id);
    Some(Procedure {
        id: decl.id.name.clone(),
        source: source?,
        when: when?,
        each: each?,
        chains: chains.into_iter().collect::<Option<_>>()?,
        num_vars: sc.num_vars(),
        span: decl.span,
    })
}

/// `do a(c) -> b(c) when E`: ordered calls add static edges.
fn chain(cx: &mut Cx, sc: &mut Scope, d: &ast::DoChain, origin: &str, span: Span) -> Option<Chain> {
    let mark = sc.mark();
    let when = match &d.when {
        Some(w) => {
            let e = cx.bool_expr(sc, w);
            let n = cx.narrows(sc, w, true);
            sc.narrow(n);
            Some(e)
        }
        None => None,
    };
    let calls: Vec<_> = d.calls.iter().map(|c| cx.call(sc, c)).collect();
    sc.reset(mark);
    if d.ordered {
        for pair in d.calls.windows(2) {
            let (a, b) = (&pair[0], &pair[1]);
            cx.reject_self_order((&a.step, call_args(a)), (&b.step, call_args(b)), span);
        }
    }
    let calls: Vec<_> = calls.into_iter().collect::<Option<_>>()?;
    if d.ordered {
        for pair in calls.windows(2) {
            let tight = cx.tight_calls(&pair[0], &pair[1]);
            cx.edge(pair[0].step, pair[1].step, origin, span, tight);
        }
    }
    Some(Chain {
        calls,
        ordered: d.ordered,
        when: when.map_or(Some(None), |w| w.map(Some))?,
    })
}

pub fn orders(cx: &mut Cx, d: &Decls) -> Vec<Order> {
    let decls = cx.unique_ids("order", &d.orders);
    decls.into_iter().filter_map(|o| order(cx, o)).collect()
}

fn order(cx: &mut Cx, decl: &ast::ClauseDecl) -> Option<Order> {
    let c = sort(cx, decl);
    let source = cx.source_of("order", decl, &c);
    let Some((body, span)) = c.order else {
        cx.missing_clause(
            "order",
            decl,
            "before",
            "say what comes first: `a(c) before b(c)`",
        );
        return None;
    };
    cx.reject_self_order(
        (&body.first.step, pattern_args(&body.first)),
        (&body.then.step, pattern_args(&body.then)),
        span,
    );
    let mut sc = Scope::default();
    let when = cx.when_clause(&mut sc, &c);
    let first = cx.pattern(&mut sc, &body.first);
    let then = cx.pattern(&mut sc, &body.then);
    let filter = match &body.filter {
        Some(f) => Some(cx.bool_expr(&mut sc, f)?),
        None => None,
    };
    let (first, then) = (first?, then?);
    let origin = format!("order `{}`", decl.id.name);
    for a in &first {
        for b in &then {
            let tight = cx.tight_patterns(a, b);
            cx.edge(a.step, b.step, &origin, span, tight);
        }
    }
    let (filter_first, filter_then, filter_pair) =
        split_filter(filter, &side_vars(&first), &side_vars(&then));
    cx.check_vars(&sc, "order", &decl.id);
    Some(Order {
        id: decl.id.name.clone(),
        source: source?,
        when: when?,
        first,
        then,
        filter_first,
        filter_then,
        filter_pair,
        num_vars: sc.num_vars(),
        span: decl.span,
    })
}

/// The variables the alternatives of one side of an order bind (all bind the same).
fn side_vars(alts: &[crate::model::Pattern]) -> Vec<Var> {
    let mut out: Vec<Var> = Vec::new();
    for v in alts.iter().flat_map(bound_vars) {
        if !out.contains(&v) {
            out.push(v);
        }
    }
    out
}

type Split = (Option<Expr>, Option<Expr>, Option<Expr>);

/// Conjuncts reading only the first pattern's variables filter the first step;
/// only the second's (shared ones included) filter the second; the rest each pair.
pub fn split_filter(filter: Option<Expr>, first: &[Var], then: &[Var]) -> Split {
    let (mut a, mut b, mut pair) = (Vec::new(), Vec::new(), Vec::new());
    for part in filter.map(conjuncts).unwrap_or_default() {
        let vars = vars_read(&part);
        if vars.iter().all(|v| first.contains(v)) {
            a.push(part);
        } else if vars.iter().all(|v| then.contains(v)) {
            b.push(part);
        } else {
            pair.push(part);
        }
    }
    (conjunction(a), conjunction(b), conjunction(pair))
}

impl Cx<'_> {
    /// A computed limit: an `int` (`hop.target.max_parallel ?? 20`); whether it is at
    /// least 1 is known per hop, when a plan is made.
    fn limit_count(&mut self, sc: &mut Scope, e: &ast::Expr) -> Option<Expr> {
        let t = self.expr(sc, e, Some(&Type::Int))?;
        if !self.expect(&t, &Type::Int, e.span, "a limit") {
            return None;
        }
        Some(t.expr)
    }
}

pub fn limits(cx: &mut Cx, d: &Decls) -> Vec<Limit> {
    let decls = cx.unique_ids("limit", &d.limits);
    decls.into_iter().filter_map(|l| limit(cx, l)).collect()
}

fn limit(cx: &mut Cx, decl: &ast::ClauseDecl) -> Option<Limit> {
    let c = sort(cx, decl);
    let source = cx.source_of("limit", decl, &c);
    let Some((body, _)) = c.limit else {
        cx.missing_clause(
            "limit",
            decl,
            "at once",
            "bound the steps: `upgrade(c) to 20 at once`",
        );
        return None;
    };
    let mut sc = Scope::default();
    // `when` and a computed count are per hop: they see no pattern variable.
    let when = cx.when_clause(&mut sc, &c);
    let count = body.count.as_ref().map(|e| cx.limit_count(&mut sc, e));
    let patterns: Vec<_> = body
        .patterns
        .iter()
        .map(|p| cx.pattern(&mut sc, p))
        .collect();
    let filter = match &body.filter {
        Some(f) => Some(cx.bool_expr(&mut sc, f)?),
        None => None,
    };
    let patterns: Vec<_> = patterns.into_iter().collect::<Option<Vec<_>>>()?.concat();
    if body.max == 0 {
        let p = cx
            .problem(
                codes::BAD_LIMIT,
                "a limit of 0 lets no step run",
                body.max_span,
                "must be at least 1",
            )
            .help("a limit caps how many matching steps run at once, as in `upgrade-cluster(c) to 5 at once`; to stop them altogether, block with a rule (`require …  else block`)");
        cx.push(p);
    }
    let mut key_vars: Vec<Var> = Vec::new();
    for v in patterns.iter().flat_map(bound_vars) {
        if !key_vars.contains(&v) {
            key_vars.push(v);
        }
    }
    cx.check_vars(&sc, "limit", &decl.id);
    Some(Limit {
        id: decl.id.name.clone(),
        source: source?,
        when: when?,
        patterns,
        filter,
        max: body.max,
        count: count.map_or(Some(None), |c| c.map(Some))?,
        count_span: body.max_span,
        key_vars,
        num_vars: sc.num_vars(),
        span: decl.span,
    })
}
