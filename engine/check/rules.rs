//! `rule` declarations.

use super::decls::{Clauses, sort};
use super::facts::fact_refs;
use super::patterns::{call_args, pattern_args};
use super::scope::Scope;
use super::{Cx, Decls, codes};
use crate::model::{EachSource, Expr, FollowUp, Guard, Outcome, RecordId, Rule, Schema, Type};
use crate::source::Span;
use crate::syntax::ast;

pub fn all(cx: &mut Cx, d: &Decls) -> Vec<Rule> {
    let decls = cx.unique_ids("rule", &d.rules);
    decls.into_iter().filter_map(|r| rule(cx, r)).collect()
}

/// Checks the clauses in their meaning's order (`when`, `each`…, `require`, outcome,
/// `then`, `message`), whatever order they were written in, so each sees the
/// variables and narrowing of those before it.
fn rule(cx: &mut Cx, decl: &ast::ClauseDecl) -> Option<Rule> {
    let c = sort(cx, decl);
    let source = rule_source(cx, decl, &c);
    required_clauses(cx, decl, &c);
    let origin = format!("rule `{}`", decl.id.name);
    let mut sc = Scope::default();
    let when = cx.when_clause(&mut sc, &c);
    let each = cx.each_clauses(&mut sc, &c);
    let require = c.require.map(|(e, _)| {
        let mark = sc.mark();
        let r = cx.bool_expr(&mut sc, e);
        sc.reset(mark);
        r
    });
    let outcome = c
        .outcome
        .and_then(|((_, o), span)| outcome(cx, &mut sc, o, &origin, span));
    then_needs_a_step(cx, decl, &c);
    let then = c
        .follow_up
        .map(|(f, span)| follow_up(cx, &mut sc, f, &origin, span));
    let message = c.message.map(|(m, _)| cx.text(&mut sc, m));
    // Checked like the message: same variables, same narrowing.
    let source_template = c
        .source
        .filter(|(s, _)| s.plain().is_none())
        .map(|(s, _)| cx.template(&mut sc, s));
    let require = require.map_or(Some(None), |r| r.map(Some))?;
    cx.check_vars(&sc, "rule", &decl.id);
    let mut rule = Rule {
        id: decl.id.name.clone(),
        source: source?,
        source_template,
        message: message.unwrap_or_default(),
        when: when?,
        each: each?,
        facts: require.as_ref().map(fact_refs).unwrap_or_default(),
        require,
        outcome: outcome?,
        then: then.map_or(Some(None), |t| t.map(Some))?,
        unknowns: None,
        reads: Vec::new(),
        echoes: c
            .require
            .zip(c.message)
            .map(|((r, _), (m, _))| echoes(r, m))
            .unwrap_or_default(),
        waivable: c.unwaivable.is_none(),
        num_vars: sc.num_vars(),
        span: decl.span,
    };
    rule.unknowns = super::unknowns::of(&cx.schema, &rule);
    rule.reads = field_reads(&cx.schema, &sc, &rule);
    Some(rule)
}

/// A rule's `source` may interpolate (`source "ACP {hop.to} guide › …"`): its text as
/// written, holes included, is what the rulebook cites without a finding.
fn rule_source(cx: &mut Cx, decl: &ast::ClauseDecl, c: &Clauses) -> Option<String> {
    let Some((s, _)) = c.source else {
        return cx.source_of("rule", decl, c);
    };
    if let Some(text) = s.plain() {
        return Some(text);
    }
    let raw = cx.sources.slice(s.span);
    let inner = raw.strip_prefix('"').and_then(|r| r.strip_suffix('"'));
    Some(inner.unwrap_or(raw).to_string())
}

/// A follow-up runs after a remediation: with `block`, `warn` or `note` nothing would
/// ever run it, so it is refused rather than ignored.
fn then_needs_a_step(cx: &mut Cx, decl: &ast::ClauseDecl, c: &Clauses) {
    let (Some((_, then_span)), Some(((_, outcome), _))) = (c.follow_up, c.outcome) else {
        return;
    };
    let kind = match outcome {
        ast::Outcome::Step { .. } => return,
        ast::Outcome::Block => "`block`",
        ast::Outcome::Warn(_) => "`warn`",
        ast::Outcome::Note(_) => "`note`",
    };
    let p = cx
        .problem(
            codes::THEN_WITHOUT_STEP,
            format!("rule `{}` has a `then` step but its outcome is {kind}", decl.id.name),
            then_span,
            "never runs",
        )
        .help("a `then` step follows a remediation: make the outcome `else step …`, or declare the follow-up in a procedure");
    cx.push(p);
}

/// `message` and an outcome are required; `else` goes with `require`.
fn required_clauses(cx: &mut Cx, decl: &ast::ClauseDecl, c: &Clauses) {
    if c.message.is_none() {
        let help = "say what is wrong, with the facts: `message \"{c.name} runs {c.kubernetes}\"`";
        cx.missing_clause("rule", decl, "message", help);
    }
    let Some(((has_else, _), span)) = c.outcome else {
        let help = "add an outcome: `else block`, `else step …`, `warn` or `note`";
        let p = cx.problem(
            codes::MISSING_CLAUSE,
            format!("rule `{}` has no outcome", decl.id.name),
            decl.id.span,
            "needs an outcome",
        );
        cx.report(p, Some(help.into()));
        return;
    };
    let (message, help) = match (has_else, c.require.is_some()) {
        (true, false) => (
            "`else` without `require`",
            "drop `else`: without `require` the outcome applies whenever `when` and `each` match",
        ),
        (false, true) => (
            "the outcome of a `require` needs `else`",
            "write `else` before the outcome: `else block`, `else step …`",
        ),
        _ => return,
    };
    let p = cx.problem(codes::ELSE_MISMATCH, message, span, "this outcome");
    cx.report(p, Some(help.into()));
}

fn outcome(
    cx: &mut Cx,
    sc: &mut Scope,
    o: &ast::Outcome,
    origin: &str,
    span: Span,
) -> Option<Outcome> {
    let mark = sc.mark();
    let out = match o {
        ast::Outcome::Block => Some(Outcome::Block),
        ast::Outcome::Warn(g) | ast::Outcome::Note(g) => {
            let guard = guard(cx, sc, g)?;
            Some(match o {
                ast::Outcome::Warn(_) => Outcome::Warn(guard),
                _ => Outcome::Note(guard),
            })
        }
        ast::Outcome::Step {
            call,
            before,
            filter,
            late,
        } => {
            for p in before {
                cx.reject_self_order(
                    (&call.step, call_args(call)),
                    (&p.step, pattern_args(p)),
                    span,
                );
            }
            let call = cx.call(sc, call);
            let before: Vec<_> = before.iter().map(|p| cx.pattern(sc, p)).collect();
            let filter = filter.as_ref().map(|f| cx.bool_expr(sc, f));
            let before = before.into_iter().collect::<Option<Vec<_>>>();
            let (call, before, filter) = (call?, before?.concat(), flip(filter)?);
            for b in &before {
                let tight = cx.tight_call_pattern(&call, b);
                cx.edge(call.step, b.step, origin, span, tight);
            }
            Some(Outcome::Step {
                call,
                before,
                filter,
                late: *late,
            })
        }
    };
    sc.reset(mark);
    out
}

/// `at P, Q where E` / `on P where E`: every pattern binds its own fresh names, which
/// the filter may read. `on` without a pattern would never match anything.
fn guard(cx: &mut Cx, sc: &mut Scope, g: &ast::Guard) -> Option<Guard> {
    let at: Vec<_> = g.at.iter().map(|p| cx.pattern(sc, p)).collect();
    let filter = g.filter.as_ref().map(|f| cx.bool_expr(sc, f));
    let filter = flip(filter)?;
    let at = at.into_iter().collect::<Option<Vec<_>>>()?.concat();
    Some(Guard {
        at,
        on: g.on,
        filter,
    })
}

fn follow_up(
    cx: &mut Cx,
    sc: &mut Scope,
    f: &ast::FollowUp,
    origin: &str,
    span: Span,
) -> Option<FollowUp> {
    let mark = sc.mark();
    let (call_ast, after_ast) = (&f.call, &f.after);
    cx.reject_self_order(
        (&after_ast.step, pattern_args(after_ast)),
        (&call_ast.step, call_args(call_ast)),
        span,
    );
    let call = cx.call(sc, &f.call);
    let after = cx.pattern(sc, &f.after);
    let filter = f.filter.as_ref().map(|e| cx.bool_expr(sc, e));
    sc.reset(mark);
    let (call, after, filter) = (call?, after?, flip(filter)?);
    for alt in &after {
        let tight = cx.tight_call_pattern(&call, alt);
        cx.edge(alt.step, call.step, origin, span, tight);
    }
    Some(FollowUp {
        call,
        after,
        filter,
    })
}

/// `Some(None)` → `None` (failed); `None` → `Some(None)` (absent).
fn flip<T>(x: Option<Option<T>>) -> Option<Option<T>> {
    match x {
        None => Some(None),
        Some(None) => None,
        Some(Some(v)) => Some(Some(v)),
    }
}

/// Literals of the requirement (`1.28`, `120`) that the message's text repeats as a
/// word: the message then says a number the requirement does not read from one place.
fn echoes(require: &ast::Expr, message: &ast::StrLit) -> Vec<String> {
    let mut literals = Vec::new();
    literal_texts(require, &mut literals);
    let text: String = message
        .parts
        .iter()
        .filter_map(|p| match p {
            ast::StrPart::Text(t) => Some(t.as_str()),
            ast::StrPart::Hole(_) => None,
        })
        .collect::<Vec<_>>()
        .join(" ");
    let words: Vec<&str> = text
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '.'))
        .map(|w| w.trim_end_matches('.'))
        .collect();
    let mut out: Vec<String> = literals
        .into_iter()
        .filter(|l| l.len() > 1 && words.contains(&l.as_str()))
        .collect();
    out.sort();
    out.dedup();
    out
}

fn literal_texts(e: &ast::Expr, out: &mut Vec<String>) {
    use ast::ExprKind as K;
    match &e.kind {
        K::Version(v) => out.push(v.to_string()),
        K::Int(n) => out.push(n.to_string()),
        K::Range { lo, hi, .. } => out.extend([lo.to_string(), hi.to_string()]),
        K::Field(x, _) | K::Not(x) => literal_texts(x, out),
        K::Like(x, _) => literal_texts(x, out),
        K::And(a, b) | K::Or(a, b) | K::Cmp(_, a, b) | K::Coalesce(a, b) => {
            literal_texts(a, out);
            literal_texts(b, out);
        }
        K::In { item, set, .. } => {
            literal_texts(item, out);
            literal_texts(set, out);
        }
        K::Quant { list, body, .. } => {
            literal_texts(list, out);
            literal_texts(body, out);
        }
        K::List(items) => items.iter().for_each(|i| literal_texts(i, out)),
        K::Null | K::Bool(_) | K::Str(_) | K::Name(_) | K::HopIs { .. } => {}
    }
}

/// The inventory fields a rule's conditions read, named by record (`cluster.istio`).
fn field_reads(schema: &Schema, sc: &Scope, rule: &Rule) -> Vec<String> {
    let mut out = Vec::new();
    let mut exprs: Vec<&Expr> = rule.when.iter().chain(rule.require.iter()).collect();
    for e in &rule.each {
        exprs.extend(e.filter.iter());
        if let EachSource::List(list) = &e.source {
            exprs.push(list);
        }
    }
    for e in exprs {
        reads_of(schema, sc, e, &mut out);
    }
    out.sort();
    out.dedup();
    out
}

fn reads_of(schema: &Schema, sc: &Scope, e: &Expr, out: &mut Vec<String>) {
    if let Expr::Field(base, f) = e
        && let Some(record) = record_of(schema, sc, base)
        && let Some(def) = schema.field_def(record, *f)
    {
        out.push(if record == schema.root {
            def.name.clone()
        } else {
            format!("{}.{}", schema.record(record).name, def.name)
        });
    }
    for child in super::facts::children(e) {
        reads_of(schema, sc, child, out);
    }
}

/// The inventory record an expression evaluates to (through lists and optionals);
/// hop and release facts are not the inventory's.
fn record_of(schema: &Schema, sc: &Scope, e: &Expr) -> Option<RecordId> {
    let ty = match e {
        Expr::Root => return Some(schema.root),
        Expr::Var(v) => sc.ty(*v).clone(),
        Expr::Field(base, f) => schema
            .field_def(record_of(schema, sc, base)?, *f)?
            .ty
            .clone(),
        _ => return None,
    };
    let mut ty = &ty;
    loop {
        match ty {
            Type::Optional(inner) | Type::List(inner) => ty = inner,
            Type::Record(r) => return Some(*r),
            _ => return None,
        }
    }
}
