//! Step calls `s(args)` and step patterns `s(_, x, expr)`.

use super::scope::{Origin, Scope};
use super::{Cx, codes, suggest};
use crate::model::{Expr, MilestoneAlt, Param, PatArg, Pattern, StepCall, StepId, Type};
use crate::source::Span;
use crate::syntax::ast;

impl Cx<'_> {
    pub fn lookup_step(&mut self, name: &ast::Ident) -> Option<StepId> {
        if let Some(id) = self.step_id(&name.name) {
            return Some(id);
        }
        if self.milestone_index.contains_key(&name.name) {
            let p = self
                .problem(
                    codes::BAD_MILESTONE,
                    format!("`{}` is a milestone, not a step", name.name),
                    name.span,
                    "a milestone here",
                )
                .help("a milestone stands for steps in patterns (`before`, `after`, `at`, `order`, `limit`); a call or an alternative names one step");
            self.push(p);
            return None;
        }
        let steps = self.steps.iter().map(|s| s.name.as_str());
        let help = suggest::closest(&name.name, steps.chain(self.milestone_names()))
            .map(|c| format!("did you mean `{c}`?"));
        let what = if self.milestones.is_empty() {
            "step"
        } else {
            "step or milestone"
        };
        let p = self.problem(
            codes::UNKNOWN_STEP,
            format!("unknown {what} `{}`", name.name),
            name.span,
            format!("no {what} of this name"),
        );
        self.report(
            p,
            help.or_else(|| Some("declare it with `step NAME(params) { ... }`".into())),
        );
        None
    }

    fn milestone_names(&self) -> impl Iterator<Item = &str> {
        self.milestones.iter().map(|m| m.name.as_str())
    }

    /// The step's parameters, after checking the number of arguments.
    pub(super) fn params_for(
        &mut self,
        name: &ast::Ident,
        given: usize,
        span: Span,
    ) -> Option<(StepId, Vec<Param>)> {
        let id = self.lookup_step(name)?;
        let params = self.steps[id as usize].params.clone();
        if params.len() == given {
            return Some((id, params));
        }
        let sig = params
            .iter()
            .map(|p| format!("{}: {}", p.name, self.type_name(&p.ty)))
            .collect::<Vec<_>>()
            .join(", ");
        let p = self.problem(
            codes::ARITY,
            format!(
                "step `{}` takes {} argument(s), {} given",
                name.name,
                params.len(),
                given
            ),
            span,
            format!("`{}({sig})`", name.name),
        );
        self.push(p);
        None
    }

    pub fn call(&mut self, sc: &mut Scope, c: &ast::Call) -> Option<StepCall> {
        let (step, params) = self.params_for(&c.step, c.args.len(), c.span)?;
        let mut args = Vec::new();
        for (arg, param) in c.args.iter().zip(&params) {
            args.push(self.arg(sc, arg, param));
        }
        Some(StepCall {
            step,
            args: args.into_iter().collect::<Option<_>>()?,
            span: c.span,
        })
    }

    fn arg(&mut self, sc: &mut Scope, e: &ast::Expr, param: &Param) -> Option<Expr> {
        self.typed_as(sc, e, &param.ty, &format!("parameter `{}`", param.name))
    }

    /// A pattern's alternatives: the one step it names, or each step of the milestone
    /// it names, with the milestone's arguments put where each step takes them.
    pub fn pattern(&mut self, sc: &mut Scope, p: &ast::Pattern) -> Option<Vec<Pattern>> {
        if let Some(&m) = self.milestone_index.get(&p.step.name) {
            return self.milestone_pattern(sc, p, m);
        }
        let (step, params) = self.params_for(&p.step, p.args.len(), p.span)?;
        let mut args = Vec::new();
        for (arg, param) in p.args.iter().zip(&params) {
            args.push(self.pat_arg(sc, arg, param));
        }
        Some(vec![Pattern {
            step,
            args: args.into_iter().collect::<Option<_>>()?,
            span: p.span,
            via: None,
        }])
    }

    fn milestone_pattern(
        &mut self,
        sc: &mut Scope,
        p: &ast::Pattern,
        m: u16,
    ) -> Option<Vec<Pattern>> {
        let ms = self.milestones[m as usize].clone();
        if ms.params.len() != p.args.len() {
            let sig = ms
                .params
                .iter()
                .map(|q| format!("{}: {}", q.name, self.type_name(&q.ty)))
                .collect::<Vec<_>>()
                .join(", ");
            let d = self.problem(
                codes::ARITY,
                format!(
                    "milestone `{}` takes {} argument(s), {} given",
                    ms.name,
                    ms.params.len(),
                    p.args.len()
                ),
                p.span,
                format!("`{}({sig})`", ms.name),
            );
            self.push(d);
            return None;
        }
        let args: Vec<Option<PatArg>> = p
            .args
            .iter()
            .zip(&ms.params)
            .map(|(a, param)| self.pat_arg(sc, a, param))
            .collect();
        let args: Vec<PatArg> = args.into_iter().collect::<Option<_>>()?;
        let expand = |alt: &MilestoneAlt| Pattern {
            step: alt.step,
            args: alt
                .args
                .iter()
                .map(|a| a.map_or(PatArg::Any, |i| args[i as usize].clone()))
                .collect(),
            span: p.span,
            via: Some(m),
        };
        Some(ms.alts.iter().map(expand).collect())
    }

    fn pat_arg(&mut self, sc: &mut Scope, arg: &ast::PatArg, param: &Param) -> Option<PatArg> {
        let e = match arg {
            ast::PatArg::Any(_) => return Some(PatArg::Any),
            ast::PatArg::Expr(e) => e,
        };
        let ast::ExprKind::Name(n) = &e.kind else {
            return self.arg(sc, e, param).map(PatArg::Equal);
        };
        if let Some(b) = sc.lookup(n) {
            if b.origin != Origin::Pattern {
                return self.arg(sc, e, param).map(PatArg::Equal);
            }
            // the same name in two patterns of one declaration: the same value
            let slot = b.slot;
            let ty = sc.ty(slot).clone();
            if ty != param.ty {
                self.mismatch(
                    e.span,
                    &format!("parameter `{}`", param.name),
                    &param.ty,
                    &ty,
                );
                return None;
            }
            return Some(PatArg::Bind(slot));
        }
        if self.names_a_value(n, &param.ty) {
            return self.arg(sc, e, param).map(PatArg::Equal);
        }
        Some(PatArg::Bind(sc.bind(n, param.ty.clone(), Origin::Pattern)))
    }

    /// A free name in a pattern that still denotes a value: a root fact, `hop`, or
    /// a variant of the parameter's enum.
    fn names_a_value(&self, n: &str, ty: &Type) -> bool {
        let root = self.schema.record(self.schema.root);
        let variant = match ty.non_null() {
            Type::Enum(id) => self.schema.enum_def(*id).variant(n).is_some(),
            _ => false,
        };
        variant || n == "hop" || root.field(n).is_some()
    }
}

/// The slots a pattern binds (fresh or shared), in argument order.
pub fn bound_vars(p: &Pattern) -> Vec<u16> {
    p.args
        .iter()
        .filter_map(|a| match a {
            PatArg::Bind(v) => Some(*v),
            _ => None,
        })
        .collect()
}

/// An argument as written: `None` for `_`.
pub type ArgText<'a> = Option<&'a ast::Expr>;

pub fn call_args(c: &ast::Call) -> Vec<ArgText<'_>> {
    c.args.iter().map(Some).collect()
}

pub fn pattern_args(p: &ast::Pattern) -> Vec<ArgText<'_>> {
    p.args
        .iter()
        .map(|a| match a {
            ast::PatArg::Any(_) => None,
            ast::PatArg::Expr(e) => Some(e),
        })
        .collect()
}

impl Cx<'_> {
    /// Reports `X(c) before X(c)`: one step instance ordered before itself, which can
    /// never hold. Both sides name the same step with the same arguments, written the
    /// same way (in one declaration a name means one value). `X(c) before X(_)` and
    /// `X(a) before X(b)` order different instances and pass.
    pub fn reject_self_order(
        &mut self,
        (first, first_args): (&ast::Ident, Vec<ArgText>),
        (then, then_args): (&ast::Ident, Vec<ArgText>),
        span: Span,
    ) {
        let same = first.name == then.name
            && first_args.len() == then_args.len()
            && first_args
                .iter()
                .zip(&then_args)
                .all(|(a, b)| same_arg(*a, *b));
        if !same {
            return;
        }
        let p = self
            .problem(
                codes::SELF_ORDER,
                format!("step `{}` is ordered before itself", first.name),
                span,
                "the same step instance on both sides",
            )
            .help("an instance cannot come before itself: order two different steps, or instances with different arguments");
        self.push(p);
    }
}

fn same_arg(a: ArgText, b: ArgText) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => same_expr(a, b),
        _ => false,
    }
}

/// Names, field paths and literals written alike (spans aside); anything else counts
/// as different, so only certain self-orders are reported.
fn same_expr(a: &ast::Expr, b: &ast::Expr) -> bool {
    use ast::ExprKind as K;
    match (&a.kind, &b.kind) {
        (K::Name(x), K::Name(y)) => x == y,
        (K::Field(x, f), K::Field(y, g)) => f.name == g.name && same_expr(x, y),
        (K::Null, K::Null) => true,
        (K::Bool(x), K::Bool(y)) => x == y,
        (K::Int(x), K::Int(y)) => x == y,
        (K::Version(x), K::Version(y)) => x == y,
        (K::Str(x), K::Str(y)) => x.plain().is_some() && x.plain() == y.plain(),
        _ => false,
    }
}
