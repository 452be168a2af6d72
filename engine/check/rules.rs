//! `rule` declarations.

use super::decls::{Clauses, sort};
use super::facts::fact_refs;
use super::patterns::{call_args, pattern_args};
use super::scope::Scope;
use super::{Cx, Decls, codes};
use crate::model::{FollowUp, Outcome, Rule};
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
    let source = cx.source_of("rule", decl, &c);
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
    let then = c
        .follow_up
        .map(|(f, span)| follow_up(cx, &mut sc, f, &origin, span));
    let message = c.message.map(|(m, _)| cx.template(&mut sc, m));
    let require = require.map_or(Some(None), |r| r.map(Some))?;
    cx.check_vars(&sc, "rule", &decl.id);
    Some(Rule {
        id: decl.id.name.clone(),
        source: source?,
        message: message.unwrap_or_default(),
        when: when?,
        each: each?,
        facts: require.as_ref().map(fact_refs).unwrap_or_default(),
        require,
        outcome: outcome?,
        then: then.map_or(Some(None), |t| t.map(Some))?,
        num_vars: sc.num_vars(),
        span: decl.span,
    })
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
        ast::Outcome::Warn { at, filter } | ast::Outcome::Note { at, filter } => {
            let at = at.as_ref().map(|p| cx.pattern(sc, p));
            let filter = filter.as_ref().map(|f| cx.bool_expr(sc, f));
            let (at, filter) = (flip(at)?, flip(filter)?);
            Some(match o {
                ast::Outcome::Warn { .. } => Outcome::Warn { at, filter },
                _ => Outcome::Note { at, filter },
            })
        }
        ast::Outcome::Step {
            call,
            before,
            filter,
        } => {
            if let Some(p) = before {
                cx.reject_self_order(
                    (&call.step, call_args(call)),
                    (&p.step, pattern_args(p)),
                    span,
                );
            }
            let call = cx.call(sc, call);
            let before = before.as_ref().map(|p| cx.pattern(sc, p));
            let filter = filter.as_ref().map(|f| cx.bool_expr(sc, f));
            let (call, before, filter) = (call?, flip(before)?, flip(filter)?);
            if let Some(b) = &before {
                let tight = cx.tight_call_pattern(&call, b);
                cx.edge(call.step, b.step, origin, span, tight);
            }
            Some(Outcome::Step {
                call,
                before,
                filter,
            })
        }
    };
    sc.reset(mark);
    out
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
    let tight = cx.tight_call_pattern(&call, &after);
    cx.edge(after.step, call.step, origin, span, tight);
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
