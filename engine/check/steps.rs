//! `step` declarations: signatures first (so calls anywhere resolve), then bodies.

use rustc_hash::FxHashMap as HashMap;

use super::limits::{MAX_DECLS, MAX_NAMES};
use super::scope::{Origin, Scope};
use super::{Cx, Decls, StepSig, codes, suggest};
use crate::model::{Conditional, Param, StepDef, StepId, StepRunbook, Stepwise, Template, Type};
use crate::source::Span;
use crate::syntax::ast;

pub fn signatures(cx: &mut Cx, d: &Decls) {
    let decls = cx.unique("step", MAX_DECLS, d.steps.iter().copied(), |s| {
        (s.name.name.clone(), s.name.span)
    });
    for decl in decls {
        let params = params(cx, &decl.params);
        let id = cx.steps.len() as StepId;
        cx.step_index.insert(decl.name.name.clone(), id);
        cx.steps.push(StepSig {
            name: decl.name.name.clone(),
            params,
            span: decl.name.span,
        });
    }
}

/// Every parameter (a duplicate keeps its place, so calls still line up), at most
/// [`MAX_NAMES`].
pub(super) fn params(cx: &mut Cx, decls: &[ast::ParamDecl]) -> Vec<Param> {
    let mut out: Vec<Param> = Vec::new();
    let mut seen: HashMap<&str, Span> = HashMap::default();
    for p in decls {
        if out.len() == MAX_NAMES {
            cx.too_many("parameters of a step", MAX_NAMES, p.name.span);
            break;
        }
        if let Some(first) = seen.get(p.name.name.as_str()) {
            cx.duplicate("parameter", &p.name.name, *first, p.name.span);
        } else {
            seen.insert(&p.name.name, p.name.span);
        }
        out.push(Param {
            name: p.name.name.clone(),
            // an unknown type was reported; `null` accepts any argument from here on
            ty: cx.resolve_type(&p.ty).unwrap_or(Type::Null),
            span: p.name.span,
        });
    }
    out
}

pub fn bodies(cx: &mut Cx, d: &Decls) -> Vec<StepDef> {
    let mut out = Vec::new();
    for decl in &d.steps {
        let Some(id) = cx.step_id(&decl.name.name) else {
            continue;
        };
        // a duplicate declaration has no signature of its own
        if cx.steps[id as usize].span != decl.name.span {
            continue;
        }
        out.push(body(cx, decl, cx.steps[id as usize].params.clone()));
    }
    out
}

/// What the clauses of one step add up to while they are read.
#[derive(Default)]
struct Parts {
    title: Option<(Template, Span)>,
    phase: Option<(u16, Span)>,
    manual: Option<(bool, Span)>,
    duration: Option<(ast::DurationLit, Span)>,
    stepwise: Option<(Stepwise, Span)>,
    optional: Option<(Template, Span)>,
}

fn body(cx: &mut Cx, decl: &ast::StepDecl, params: Vec<Param>) -> StepDef {
    let mut sc = Scope::default();
    for p in &params {
        sc.bind(&p.name, p.ty.clone(), Origin::Param);
    }
    let mut parts = Parts::default();
    let (mut commands, mut notes, mut effects) = (Vec::new(), Vec::new(), Vec::new());
    let mut runbook = StepRunbook::default();
    for clause in &decl.clauses {
        let span = clause.span;
        match &clause.kind {
            ast::StepClauseKind::Title(s) => {
                let t = cx.text(&mut sc, s);
                cx.once(&mut parts.title, t, span, "title");
            }
            ast::StepClauseKind::Phase(name) => {
                let i = phase_index(cx, name);
                cx.once(&mut parts.phase, i, span, "phase");
            }
            ast::StepClauseKind::Manual => cx.once(&mut parts.manual, true, span, "manual"),
            ast::StepClauseKind::Automatic => cx.once(&mut parts.manual, false, span, "automatic"),
            ast::StepClauseKind::Duration(m) => cx.once(&mut parts.duration, *m, span, "duration"),
            ast::StepClauseKind::Command(s, when) => {
                commands.push(conditional(cx, &mut sc, s, when, false))
            }
            ast::StepClauseKind::Note(s, when) => {
                notes.push(conditional(cx, &mut sc, s, when, true))
            }
            ast::StepClauseKind::Effect(kind, when) => {
                effects.extend(cx.effect(&mut sc, kind, when.as_ref()))
            }
            ast::StepClauseKind::Stepwise(place, param) => {
                if let Some(s) = stepwise(cx, &mut sc, &params, place, param) {
                    cx.once(&mut parts.stepwise, s, span, "stepwise");
                }
            }
            ast::StepClauseKind::Optional(s) => {
                let t = cx.text(&mut sc, s);
                cx.once(&mut parts.optional, t, span, "optional");
            }
            ast::StepClauseKind::Runbook(kind, s, when) => {
                let c = conditional(cx, &mut sc, s, when, true);
                super::runbook::step_clause(&mut runbook, *kind, c);
            }
        }
    }
    if parts.title.is_none() {
        let p = cx.problem(
            codes::MISSING_CLAUSE,
            format!("step `{}` has no `title`", decl.name.name),
            decl.name.span,
            "needs a title",
        );
        cx.report(
            p,
            Some("add a line like `title \"Upgrade {c.name}\"`".into()),
        );
    }
    cx.check_vars(&sc, "step", &decl.name);
    StepDef {
        name: decl.name.name.clone(),
        params,
        title: parts.title.map(|t| t.0).unwrap_or_default(),
        phase: parts.phase.map_or(cx.phases.len() as u16, |p| p.0),
        manual: parts.manual.is_some_and(|m| m.0),
        duration_minutes: parts.duration.map(|d| d.0.max.unwrap_or(d.0.min)),
        commands,
        notes,
        effects,
        stepwise: parts.stepwise.map(|s| s.0),
        optional: parts.optional.map(|o| o.0),
        runbook: StepRunbook {
            duration_min: parts.duration.map(|d| d.0.min),
            duration_from_guide: parts.duration.is_some_and(|d| d.0.guide),
            ..runbook
        },
        num_vars: sc.num_vars(),
        span: decl.span,
    }
}

pub(super) fn phase_index(cx: &mut Cx, name: &ast::Ident) -> u16 {
    if let Some(i) = cx.phases.iter().position(|p| *p == name.name) {
        return i as u16;
    }
    let help = suggest::help(&name.name, cx.phases.iter().map(String::as_str))
        .or_else(|| Some("declare the phases in order: `phases prepare, upgrade, post`".into()));
    let p = cx.problem(
        codes::UNKNOWN_PHASE,
        format!("unknown phase `{}`", name.name),
        name.span,
        "not listed in `phases`",
    );
    cx.report(p, help);
    cx.phases.len() as u16
}

/// `command "…" when E` / `note "…" when E`: the text sees what `E` narrows. A note
/// is `translated` (a text people read); a command is the same in every language.
pub(super) fn conditional(
    cx: &mut Cx,
    sc: &mut Scope,
    s: &ast::StrLit,
    when: &Option<ast::Expr>,
    translated: bool,
) -> Conditional<Template> {
    let mark = sc.mark();
    let when = when.as_ref().and_then(|w| {
        let e = cx.bool_expr(sc, w);
        let n = cx.narrows(sc, w, true);
        sc.narrow(n);
        e
    });
    let item = if translated {
        cx.text(sc, s)
    } else {
        cx.template(sc, s)
    };
    sc.reset(mark);
    Conditional { item, when }
}

/// `stepwise c.kubernetes to`: a version fact and a version parameter.
fn stepwise(
    cx: &mut Cx,
    sc: &mut Scope,
    params: &[Param],
    place: &ast::Dotted,
    param: &ast::Ident,
) -> Option<Stepwise> {
    let (place_ir, ty) = cx.place(sc, place)?;
    if ty != Type::Version {
        cx.mismatch(place.span, "a stepwise fact", &Type::Version, &ty);
        return None;
    }
    let Some(i) = params.iter().position(|p| p.name == param.name) else {
        let help = suggest::help(&param.name, params.iter().map(|p| p.name.as_str()));
        let p = cx.problem(
            codes::UNKNOWN_NAME,
            format!("step has no parameter `{}`", param.name),
            param.span,
            "not a parameter",
        );
        cx.report(p, help);
        return None;
    };
    if params[i].ty != Type::Version {
        cx.mismatch(
            param.span,
            "a stepwise parameter",
            &Type::Version,
            &params[i].ty,
        );
        return None;
    }
    Some(Stepwise {
        place: place_ir,
        param: i as u16,
    })
}
