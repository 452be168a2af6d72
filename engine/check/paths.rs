//! Names and member access: variables, root facts, `hop.*`, enum variants, and the
//! paths that `!= null` checks narrow.

use super::expr::Typed;
use super::scope::Scope;
use super::{Cx, codes, suggest};
use crate::model::{CmpOp, EnumId, Expr, HopRef, Type, Value};
use crate::source::Span;
use crate::syntax::ast;

impl Cx<'_> {
    /// A bare name: a variable, a variant of the hinted enum, a root fact.
    pub fn name(
        &mut self,
        sc: &mut Scope,
        n: &str,
        span: Span,
        hint: Option<&Type>,
    ) -> Option<Typed> {
        if let Some(b) = sc.lookup(n) {
            let ty = sc.ty(b.slot).clone();
            let key = format!("${}", b.slot);
            return Some(narrowed(sc, Expr::Var(b.slot), ty, &key));
        }
        let hinted_enum = match hint {
            Some(Type::Enum(id)) => Some(*id),
            _ => None,
        };
        if let Some(id) = hinted_enum
            && let Some(v) = self.schema.enum_def(id).variant(n)
        {
            return Some(Typed::new(Expr::Lit(Value::Enum(v)), Type::Enum(id)));
        }
        if let Some(c) = self.consts.get(n) {
            return Some(Typed::new(Expr::Lit(c.value.clone()), c.ty.clone()));
        }
        if sc.constant {
            return self.unknown_constant_name(n, span, hinted_enum);
        }
        let root = self.schema.root;
        if let Some((i, f)) = self.schema.record(root).field(n) {
            let ty = f.ty.clone();
            let t = narrowed(sc, Expr::Field(Box::new(Expr::Root), i), ty, n);
            return Some(t.read_from(root, i));
        }
        if n == "hop" {
            let p = self.problem(
                codes::UNKNOWN_NAME,
                "`hop` is not a value",
                span,
                "needs a field",
            );
            let help = "use `hop.from`, `hop.to`, `hop.source.FACT`, `hop.target.FACT`, a hop field, or `hop A -> B`";
            self.report(p, Some(help.into()));
            return None;
        }
        match hinted_enum {
            Some(id) => self.unknown_variant(id, n, span),
            None => self.unknown_name(sc, n, span),
        }
    }

    fn unknown_constant_name(
        &mut self,
        n: &str,
        span: Span,
        hinted: Option<EnumId>,
    ) -> Option<Typed> {
        match hinted {
            Some(id) => self.unknown_variant(id, n, span),
            None => {
                self.not_constant(span);
                None
            }
        }
    }

    fn unknown_variant(&mut self, id: EnumId, n: &str, span: Span) -> Option<Typed> {
        let variants = &self.schema.enum_def(id).variants;
        let help = suggest::help(n, variants.iter().map(String::as_str));
        let p = self.problem(
            codes::UNKNOWN_VARIANT,
            format!(
                "`{n}` is not a variant of `{}`",
                self.type_name(&Type::Enum(id))
            ),
            span,
            "unknown variant",
        );
        self.report(p, help);
        None
    }

    fn unknown_name(&mut self, sc: &Scope, n: &str, span: Span) -> Option<Typed> {
        let root = self.schema.record(self.schema.root);
        let candidates: Vec<&str> = sc
            .names()
            .chain(root.fields.iter().map(|f| f.name.as_str()))
            .chain(["hop"])
            .collect();
        let help =
            suggest::closest(n, candidates.iter().copied()).map(|c| format!("did you mean `{c}`?"));
        let p = self.problem(
            codes::UNKNOWN_NAME,
            format!("unknown name `{n}`"),
            span,
            "not a variable, a root fact or an enum variant here",
        );
        let entity_help = self.record_named(n).map(|_| {
            format!("`{n}` is a type, not a value: bind a variable with `each {n} x` and use `x`")
        });
        let help = entity_help
            .or(help)
            .or_else(|| Some(format!("names in scope: {}", candidates.join(", "))));
        self.report(p, help);
        None
    }

    /// `base.field`
    pub fn field(
        &mut self,
        sc: &mut Scope,
        whole: &ast::Expr,
        base: &ast::Expr,
        f: &ast::Ident,
    ) -> Option<Typed> {
        if sc.constant {
            self.not_constant(whole.span);
            return None;
        }
        if matches!(&base.kind, ast::ExprKind::Name(n) if n == "hop" && sc.lookup(n).is_none()) {
            return self.hop_field(f);
        }
        if self.is_plan(sc, base) {
            return self.plan_field(f);
        }
        let tb = self.expr(sc, base, None)?;
        if *tb.ty.non_null() == Type::Range {
            return self.range_bound(tb, base, f);
        }
        let record = match &tb.ty {
            Type::Record(r) => *r,
            Type::Optional(inner) if matches!(**inner, Type::Record(_)) => {
                self.non_optional(&tb, base.span);
                return None;
            }
            other => {
                let p = self.problem(
                    codes::UNKNOWN_FACT,
                    format!("`{}` has no fields", self.type_name(other)),
                    f.span,
                    format!(
                        "`{}` is `{}`",
                        self.sources.slice(base.span),
                        self.type_name(other)
                    ),
                );
                self.push(p);
                return None;
            }
        };
        let Some((i, def)) = self.schema.record(record).field(&f.name) else {
            self.unknown_field(record, f);
            return None;
        };
        let ty = def.ty.clone();
        let key = path_key(sc, whole).unwrap_or_default();
        Some(narrowed(sc, Expr::Field(Box::new(tb.expr), i), ty, &key).read_from(record, i))
    }

    /// `r.start` and `r.end`: the bounds of a range as written
    /// (`hop.target.compatible_kubernetes.start`), so a rule can name the number it
    /// checks instead of repeating it as a release field. `min` and `max` are their
    /// older names, kept so rulebooks written with them still compile.
    fn range_bound(&mut self, tb: Typed, base: &ast::Expr, f: &ast::Ident) -> Option<Typed> {
        if !self.non_optional(&tb, base.span) {
            return None;
        }
        let upper = match f.name.as_str() {
            "start" | "min" => false,
            "end" | "max" => true,
            other => {
                let p = self.problem(
                    codes::UNKNOWN_FACT,
                    format!("a range has no field `{other}`"),
                    f.span,
                    "unknown range field",
                );
                let help = suggest::help(other, ["start", "end"])
                    .unwrap_or_else(|| "a range has `start` and `end`".into());
                self.report(p, Some(help));
                return None;
            }
        };
        let e = Expr::RangeBound {
            range: Box::new(tb.expr),
            upper,
        };
        Some(Typed::new(e, Type::Version))
    }

    /// `hop.from`, `hop.to`, `hop.source`, `hop.target`, `hop.<attribute>`.
    fn hop_field(&mut self, f: &ast::Ident) -> Option<Typed> {
        let release = Type::Record(self.schema.release);
        let (e, ty) = match f.name.as_str() {
            "from" => (Expr::Hop(HopRef::From), Type::Version),
            "to" => (Expr::Hop(HopRef::To), Type::Version),
            "source" => (Expr::Hop(HopRef::Source), release),
            "target" => (Expr::Hop(HopRef::Target), release),
            "version" => (Expr::Hop(HopRef::Version), Type::Version),
            name => {
                let record = self.schema.hop_fields;
                let Some((i, def)) = self.schema.record(record).field(name) else {
                    let attrs = &self.schema.record(record).fields;
                    let candidates = ["from", "to", "source", "target", "version"]
                        .into_iter()
                        .chain(attrs.iter().map(|f| f.name.as_str()));
                    let help = suggest::help(name, candidates);
                    let p = self.problem(
                        codes::UNKNOWN_FACT,
                        format!("`hop` has no field `{name}`"),
                        f.span,
                        "unknown hop field",
                    );
                    self.report(p, help);
                    return None;
                };
                (
                    Expr::Field(Box::new(Expr::Hop(HopRef::Attrs)), i),
                    def.ty.clone(),
                )
            }
        };
        Some(Typed::new(e, ty))
    }

    /// `plan` in `plan.target`: unless a variable or a root fact is called `plan`.
    fn is_plan(&self, sc: &Scope, base: &ast::Expr) -> bool {
        matches!(&base.kind, ast::ExprKind::Name(n) if n == "plan"
            && sc.lookup(n).is_none()
            && self.schema.record(self.schema.root).field(n).is_none())
    }

    /// `plan.target`: the version the whole plan goes to, with every component
    /// (`4.4.1` for `--to 4.4.1`, `4.4.0` for `--to 4.4`), the same on every hop.
    fn plan_field(&mut self, f: &ast::Ident) -> Option<Typed> {
        if f.name == "target" {
            return Some(Typed::new(Expr::Hop(HopRef::PlanTarget), Type::Version));
        }
        let p = self.problem(
            codes::UNKNOWN_FACT,
            format!("`plan` has no field `{}`", f.name),
            f.span,
            "unknown plan field",
        );
        let help = suggest::help(&f.name, ["target"])
            .unwrap_or_else(|| "`plan.target` is the version the plan goes to".into());
        self.report(p, Some(help));
        None
    }

    /// A bare name that is neither a variable, a root fact nor `hop`: it can only be
    /// an enum variant, so the other operand must be typed first.
    pub fn is_variant_candidate(&self, sc: &Scope, e: &ast::Expr) -> bool {
        let ast::ExprKind::Name(n) = &e.kind else {
            return false;
        };
        sc.lookup(n).is_none()
            && n != "hop"
            && self.schema.record(self.schema.root).field(n).is_none()
    }

    /// The paths `e` proves non-null when it evaluates to `when_true`.
    pub fn narrows(&self, sc: &Scope, e: &ast::Expr, when_true: bool) -> Vec<String> {
        use ast::ExprKind as K;
        match &e.kind {
            K::Cmp(op, a, b)
                if (*op == CmpOp::Ne) == when_true && matches!(op, CmpOp::Ne | CmpOp::Eq) =>
            {
                match (&a.kind, &b.kind) {
                    (_, K::Null) => path_key(sc, a).into_iter().collect(),
                    (K::Null, _) => path_key(sc, b).into_iter().collect(),
                    _ => Vec::new(),
                }
            }
            K::And(a, b) if when_true => {
                let mut v = self.narrows(sc, a, true);
                v.extend(self.narrows(sc, b, true));
                v
            }
            K::Or(a, b) if !when_true => {
                let mut v = self.narrows(sc, a, false);
                v.extend(self.narrows(sc, b, false));
                v
            }
            K::Not(x) => self.narrows(sc, x, !when_true),
            _ => Vec::new(),
        }
    }
}

/// A path's canonical text: variables by slot (so shadowing cannot confuse two
/// `c`s), root facts and `hop` by name: `$0.istio`, `platform.target`.
pub fn path_key(sc: &Scope, e: &ast::Expr) -> Option<String> {
    match &e.kind {
        ast::ExprKind::Name(n) => Some(match sc.lookup(n) {
            Some(b) => format!("${}", b.slot),
            None => n.clone(),
        }),
        ast::ExprKind::Field(base, f) => Some(format!("{}.{}", path_key(sc, base)?, f.name)),
        _ => None,
    }
}

/// A path's value, with its optional type removed where a check narrowed it.
fn narrowed(sc: &Scope, expr: Expr, ty: Type, key: &str) -> Typed {
    let nullable = ty.is_optional();
    let ty = if nullable && sc.is_narrowed(key) {
        ty.non_null().clone()
    } else {
        ty
    };
    Typed {
        nullable,
        ..Typed::new(expr, ty)
    }
}
