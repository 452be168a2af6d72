//! `milestone` declarations: a name for "whichever of these steps the hop has"
//! (`milestone upgraded(c: cluster) = upgrade-cluster(c) | upgrade-workload-cluster(c)`).
//! Each is checked once here; a pattern naming one is expanded into one pattern per
//! alternative (`patterns.rs`), so the evaluator only ever sees step patterns.

use rustc_hash::FxHashSet as HashSet;

use super::limits::MAX_DECLS;
use super::{Cx, Decls, codes, steps};
use crate::model::{Milestone, MilestoneAlt, Param, Type};
use crate::syntax::ast;

/// Registers every milestone (names first, so an alternative naming another milestone
/// is recognised wherever it is declared), then checks each one's alternatives.
pub fn build(cx: &mut Cx, d: &Decls) {
    let decls = cx.unique("milestone", MAX_DECLS, d.milestones.iter().copied(), |m| {
        (m.name.name.clone(), m.name.span)
    });
    let names: HashSet<&str> = decls.iter().map(|m| m.name.name.as_str()).collect();
    for decl in decls.iter().copied() {
        if cx.step_id(&decl.name.name).is_some() {
            let p = cx
                .problem(
                    codes::BAD_MILESTONE,
                    format!("milestone `{}` has the name of a step", decl.name.name),
                    decl.name.span,
                    "also a step",
                )
                .help("a pattern naming it would be ambiguous: give the milestone a name of its own (`upgraded`, `upgrade-started`)");
            cx.push(p);
        }
        let params = steps::params(cx, &decl.params);
        let alts = decl
            .alts
            .iter()
            .filter_map(|p| alternative(cx, &names, &params, p))
            .collect();
        let id = cx.milestones.len() as u16;
        cx.milestone_index.insert(decl.name.name.clone(), id);
        cx.milestones.push(Milestone {
            name: decl.name.name.clone(),
            params,
            alts,
            span: decl.name.span,
        });
    }
}

/// One alternative: a known step whose arguments are the milestone's parameters (of
/// the step parameter's type) or `_`, taking every parameter exactly once.
fn alternative(
    cx: &mut Cx,
    milestones: &HashSet<&str>,
    params: &[Param],
    p: &ast::Pattern,
) -> Option<MilestoneAlt> {
    if milestones.contains(p.step.name.as_str()) {
        bad(
            cx,
            p,
            format!("alternative `{}` is a milestone", p.step.name),
            "list its steps here instead: a milestone's alternatives are steps",
        );
        return None;
    }
    let (step, step_params) = cx.params_for(&p.step, p.args.len(), p.span)?;
    let mut args = Vec::with_capacity(p.args.len());
    for (arg, sp) in p.args.iter().zip(&step_params) {
        args.push(alt_arg(cx, params, arg, sp)?);
    }
    for (i, param) in params.iter().enumerate() {
        let uses = args.iter().filter(|a| **a == Some(i as u16)).count();
        if uses != 1 {
            let what = if uses == 0 {
                "does not take"
            } else {
                "takes twice"
            };
            bad(
                cx,
                p,
                format!(
                    "alternative `{}` {what} parameter `{}`",
                    p.step.name, param.name
                ),
                "each alternative takes every parameter once, so the milestone means the same entity whichever step a hop has",
            );
            return None;
        }
    }
    Some(MilestoneAlt {
        step,
        args,
        span: p.span,
    })
}

/// `_` → `None`; a parameter's name → its index, when its type is the step's.
fn alt_arg(
    cx: &mut Cx,
    params: &[Param],
    arg: &ast::PatArg,
    step_param: &Param,
) -> Option<Option<u16>> {
    let e = match arg {
        ast::PatArg::Any(_) => return Some(None),
        ast::PatArg::Expr(e) => e,
    };
    let found = match &e.kind {
        ast::ExprKind::Name(n) => params.iter().position(|p| &p.name == n),
        _ => None,
    };
    let Some(i) = found else {
        let p = cx
            .problem(
                codes::BAD_MILESTONE,
                "an alternative's argument must be a parameter of the milestone or `_`",
                e.span,
                "not a parameter",
            )
            .help("narrow where the milestone is used (`before upgraded(c) where …`), not in its alternatives");
        cx.push(p);
        return None;
    };
    let ty = &params[i].ty;
    if *ty != step_param.ty && *ty != Type::Null && step_param.ty != Type::Null {
        let what = format!("parameter `{}`", step_param.name);
        cx.mismatch(e.span, &what, &step_param.ty, ty);
        return None;
    }
    Some(Some(i as u16))
}

fn bad(cx: &mut Cx, p: &ast::Pattern, message: String, help: &str) {
    let d = cx
        .problem(codes::BAD_MILESTONE, message, p.span, "this alternative")
        .help(help);
    cx.push(d);
}
