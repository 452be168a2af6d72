//! Expressions: typing, operators, templates and constants.

use super::scope::{Origin, Scope};
use super::types::{assignable, same};
use super::{Cx, codes};
use crate::model::{CmpOp, Expr, Quantifier, RecordId, Template, TemplatePart, Type, Value};
use crate::source::Span;
use crate::syntax::ast;

/// A checked expression and its type.
#[derive(Clone, Debug)]
pub struct Typed {
    pub expr: Expr,
    pub ty: Type,
    /// The declared type was optional (it may have been narrowed since): comparing
    /// it with `null` makes sense.
    pub nullable: bool,
    /// The schema field the value is read from (`c.kubernetes`, also through `??`),
    /// so comparisons can learn how precise its versions must be and which names
    /// it may hold.
    pub field: Option<(RecordId, u16)>,
}

impl Typed {
    pub fn new(expr: Expr, ty: Type) -> Typed {
        let nullable = ty.is_optional();
        Typed {
            expr,
            ty,
            nullable,
            field: None,
        }
    }

    pub fn read_from(mut self, record: RecordId, field: u16) -> Typed {
        self.field = Some((record, field));
        self
    }

    fn lit(value: Value, ty: Type) -> Typed {
        Typed::new(Expr::Lit(value), ty)
    }
}

impl Cx<'_> {
    /// Types `e`. `hint` is the type the context expects; it resolves bare enum
    /// variants and turns `6` into a version where a version is wanted. `None` means
    /// an error was reported.
    pub fn expr(&mut self, sc: &mut Scope, e: &ast::Expr, hint: Option<&Type>) -> Option<Typed> {
        let hint = hint.map(Type::non_null);
        use ast::ExprKind as K;
        match &e.kind {
            K::Null => Some(Typed::lit(Value::Null, Type::Null)),
            K::Bool(b) => Some(Typed::lit(Value::Bool(*b), Type::Bool)),
            K::Int(n) => Some(int_literal(*n, hint)),
            K::Str(s) => self
                .plain_string(s)
                .map(|s| Typed::lit(Value::Str(s.into()), Type::Str)),
            K::Version(v) => Some(Typed::lit(Value::Version(v.clone()), Type::Version)),
            K::Range { lo, hi, inclusive } => Some(Typed::lit(
                Value::Range(Box::new(crate::model::VersionRange {
                    lo: lo.clone(),
                    hi: hi.clone(),
                    inclusive: *inclusive,
                })),
                Type::Range,
            )),
            K::Name(n) => self.name(sc, n, e.span, hint),
            K::Field(base, f) => self.field(sc, e, base, f),
            K::Not(x) => {
                let x = self.bool_expr(sc, x)?;
                Some(Typed::new(Expr::Not(Box::new(x)), Type::Bool))
            }
            K::And(a, b) => self.logic(sc, a, b, true),
            K::Or(a, b) => self.logic(sc, a, b, false),
            K::Cmp(op, a, b) => self.cmp(sc, *op, a, b),
            K::In { item, set, negated } => self.in_set(sc, item, set, *negated),
            K::Like(a, pat) => self.like(sc, a, pat),
            K::Coalesce(a, b) => self.coalesce(sc, a, b, hint),
            K::Quant {
                kind,
                var,
                list,
                body,
            } => self.quantifier(sc, *kind, var, list, body),
            K::HopIs { from, to } => self.hop_is(from.as_ref(), to.as_ref()),
            K::List(items) => self.list(sc, items, hint),
        }
    }

    /// A condition: an expression of type `bool`.
    pub fn bool_expr(&mut self, sc: &mut Scope, e: &ast::Expr) -> Option<Expr> {
        let t = self.expr(sc, e, Some(&Type::Bool))?;
        self.expect(&t, &Type::Bool, e.span, "a condition")
            .then_some(t.expr)
    }

    /// Checks `t` has type `want` (no optional); reports a mismatch.
    pub fn expect(&mut self, t: &Typed, want: &Type, span: Span, what: &str) -> bool {
        if !self.non_optional(t, span) {
            return false;
        }
        if same(&t.ty, want) {
            return true;
        }
        self.mismatch(span, what, want, &t.ty);
        false
    }

    pub fn mismatch(&mut self, span: Span, what: &str, want: &Type, found: &Type) {
        let p = self.problem(
            codes::TYPE_MISMATCH,
            format!(
                "expected {what} of type `{}`, found `{}`",
                self.type_name(want),
                self.type_name(found)
            ),
            span,
            format!("this is `{}`", self.type_name(found)),
        );
        self.push(p);
    }

    /// `e` as a value stored where `ty` is expected (an argument, an effect's value).
    /// A type that failed to resolve (`null` here) accepts anything, to avoid
    /// follow-on errors.
    pub fn typed_as(
        &mut self,
        sc: &mut Scope,
        e: &ast::Expr,
        ty: &Type,
        what: &str,
    ) -> Option<Expr> {
        let t = self.expr(sc, e, Some(ty))?;
        if assignable(&t.ty, ty) || *ty == Type::Null {
            return Some(t.expr);
        }
        if assignable(t.ty.non_null(), ty) {
            self.non_optional(&t, e.span);
        } else {
            self.mismatch(e.span, what, ty, &t.ty);
        }
        None
    }

    /// Reports an optional value used where a value is needed.
    pub fn non_optional(&mut self, t: &Typed, span: Span) -> bool {
        if !t.ty.is_optional() {
            return true;
        }
        if t.ty == Type::Null {
            let p = self.problem(
                codes::TYPE_MISMATCH,
                "`null` is not a value here",
                span,
                "null",
            );
            self.report(
                p,
                Some("compare with `null` only through `==` or `!=`".into()),
            );
            return false;
        }
        let text = self.sources.slice(span).to_string();
        let p = self.problem(
            codes::OPTIONAL_NOT_NARROWED,
            format!("`{text}` may be null"),
            span,
            format!("`{}` may be null here", self.type_name(&t.ty)),
        );
        let help =
            format!("check it first (`{text} != null and …`) or give a default (`{text} ?? …`)");
        self.report(p, Some(help));
        false
    }

    /// `a and b` / `a or b`: the right side sees what the left side narrowed.
    fn logic(
        &mut self,
        sc: &mut Scope,
        a: &ast::Expr,
        b: &ast::Expr,
        is_and: bool,
    ) -> Option<Typed> {
        let left = self.bool_expr(sc, a);
        let mark = sc.mark();
        let narrowed = self.narrows(sc, a, is_and);
        sc.narrow(narrowed);
        let right = self.bool_expr(sc, b);
        sc.reset(mark);
        let (l, r) = (Box::new(left?), Box::new(right?));
        let e = if is_and {
            Expr::And(l, r)
        } else {
            Expr::Or(l, r)
        };
        Some(Typed::new(e, Type::Bool))
    }

    /// Both operands of a binary operator; a bare name that might be an enum variant
    /// is typed after the other side, so it knows which enum to look in.
    fn operands(&mut self, sc: &mut Scope, a: &ast::Expr, b: &ast::Expr) -> Option<(Typed, Typed)> {
        let (ta, tb) = if self.is_variant_candidate(sc, a) && !self.is_variant_candidate(sc, b) {
            let tb = self.expr(sc, b, None);
            let ta = self.second_operand(sc, a, tb.as_ref().map(|t| t.ty.clone()));
            (ta, tb)
        } else {
            let ta = self.expr(sc, a, None);
            let tb = self.second_operand(sc, b, ta.as_ref().map(|t| t.ty.clone()));
            (ta, tb)
        };
        let (mut ta, tb) = (ta?, tb?);
        // `6 <= x.version`: the literal came first, without a hint
        if let ast::ExprKind::Int(n) = a.kind {
            ta = int_literal(n, Some(tb.ty.non_null()));
        }
        Some((ta, tb))
    }

    /// The operand typed second, with the first one's type as hint. When the first
    /// failed, a bare name here is not reported as well: it was likely a variant of
    /// an enum we could not find.
    fn second_operand(
        &mut self,
        sc: &mut Scope,
        e: &ast::Expr,
        first: Option<Type>,
    ) -> Option<Typed> {
        if first.is_none() && self.is_variant_candidate(sc, e) {
            return None;
        }
        self.expr(sc, e, first.as_ref())
    }

    fn cmp(&mut self, sc: &mut Scope, op: CmpOp, a: &ast::Expr, b: &ast::Expr) -> Option<Typed> {
        let (ta, tb) = self.operands(sc, a, b)?;
        let ok = if ta.ty == Type::Null || tb.ty == Type::Null {
            self.null_cmp(op, (&ta, a.span), (&tb, b.span))
        } else {
            self.value_cmp(op, (&ta, a.span), (&tb, b.span))
        };
        if ok {
            self.learn_from_comparison(&ta, &tb, b.span);
            self.learn_from_comparison(&tb, &ta, a.span);
        }
        ok.then(|| {
            Typed::new(
                Expr::Cmp(op, Box::new(ta.expr), Box::new(tb.expr)),
                Type::Bool,
            )
        })
    }

    fn null_cmp(&mut self, op: CmpOp, a: (&Typed, Span), b: (&Typed, Span)) -> bool {
        let other = if a.0.ty == Type::Null { b } else { a };
        if !matches!(op, CmpOp::Eq | CmpOp::Ne) {
            let p = self.problem(
                codes::TYPE_MISMATCH,
                "`null` is not ordered",
                other.1,
                "compared with null",
            );
            self.report(
                p,
                Some("compare with `null` only through `==` or `!=`".into()),
            );
            return false;
        }
        if other.0.nullable || other.0.ty.is_optional() {
            return true;
        }
        let text = self.sources.slice(other.1).to_string();
        let p = self.problem(
            codes::TYPE_MISMATCH,
            format!("`{text}` is never null"),
            other.1,
            format!("this is `{}`, not optional", self.type_name(&other.0.ty)),
        );
        self.report(
            p,
            Some("only optional (`T?`) facts can be compared with `null`".into()),
        );
        false
    }

    fn value_cmp(&mut self, op: CmpOp, a: (&Typed, Span), b: (&Typed, Span)) -> bool {
        let na = self.non_optional(a.0, a.1);
        let nb = self.non_optional(b.0, b.1);
        if !(na && nb) {
            return false;
        }
        let ordered = !matches!(op, CmpOp::Eq | CmpOp::Ne);
        if ordered && !matches!(a.0.ty, Type::Int | Type::Version) {
            let p = self.problem(
                codes::TYPE_MISMATCH,
                format!("`{}` values are not ordered", self.type_name(&a.0.ty)),
                a.1,
                "cannot use `<`, `<=`, `>`, `>=` here",
            );
            self.report(
                p,
                Some("only `int` and `version` values compare with `<` and `>`".into()),
            );
            return false;
        }
        if same(&a.0.ty, &b.0.ty) {
            return true;
        }
        let span = a.1.to(b.1);
        let p = self.problem(
            codes::TYPE_MISMATCH,
            format!(
                "cannot compare `{}` with `{}`",
                self.type_name(&a.0.ty),
                self.type_name(&b.0.ty)
            ),
            span,
            "different types",
        );
        let p = p.at(
            self.sources,
            b.1,
            format!("this is `{}`", self.type_name(&b.0.ty)),
        );
        self.push(p);
        false
    }

    fn in_set(
        &mut self,
        sc: &mut Scope,
        item: &ast::Expr,
        set: &ast::Expr,
        negated: bool,
    ) -> Option<Typed> {
        let (ti, ts) = if self.is_variant_candidate(sc, item) {
            let ts = self.expr(sc, set, None);
            let elem = ts
                .as_ref()
                .map(|t| element(&t.ty).cloned().unwrap_or(Type::Null));
            (self.second_operand(sc, item, elem), ts)
        } else {
            let ti = self.expr(sc, item, None);
            let hint = ti
                .as_ref()
                .map(|t| Type::List(Box::new(t.ty.non_null().clone())));
            let ts = self.second_operand(sc, set, hint);
            (ti, ts)
        };
        let (ti, ts) = (ti?, ts?);
        if !(self.non_optional(&ts, set.span) && self.non_optional(&ti, item.span)) {
            return None;
        }
        let want = match &ts.ty {
            Type::Range => Type::Version,
            Type::List(elem) if **elem == Type::Null => ti.ty.clone(),
            Type::List(elem) => (**elem).clone(),
            other => {
                let p = self.problem(
                    codes::TYPE_MISMATCH,
                    format!(
                        "`in` needs a list or a range, found `{}`",
                        self.type_name(other)
                    ),
                    set.span,
                    "not a list or a range",
                );
                self.push(p);
                return None;
            }
        };
        let ok = self.expect(&ti, &want, item.span, "an element");
        if ok {
            self.learn_from_comparison(&ti, &ts, set.span);
        }
        ok.then(|| {
            let e = Expr::In {
                item: Box::new(ti.expr),
                set: Box::new(ts.expr),
                negated,
            };
            Typed::new(e, Type::Bool)
        })
    }

    fn like(&mut self, sc: &mut Scope, a: &ast::Expr, pat: &ast::StrLit) -> Option<Typed> {
        let ta = self.expr(sc, a, None);
        let pattern = self.plain_string(pat);
        let ta = ta?;
        if !self.expect(&ta, &Type::Str, a.span, "a string") {
            return None;
        }
        let pattern = pattern?;
        if let Some(v) = self.vocabulary_of(&ta) {
            self.check_vocabulary_literal(v, &pattern, pat.span, true);
        }
        Some(Typed::new(
            Expr::Like(Box::new(ta.expr), pattern.into()),
            Type::Bool,
        ))
    }

    fn coalesce(
        &mut self,
        sc: &mut Scope,
        a: &ast::Expr,
        b: &ast::Expr,
        hint: Option<&Type>,
    ) -> Option<Typed> {
        let ta = self.expr(sc, a, hint)?;
        if !ta.nullable && !ta.ty.is_optional() {
            let p = self.problem(
                codes::TYPE_MISMATCH,
                format!("`{}` is never null", self.sources.slice(a.span)),
                a.span,
                format!("this is `{}`", self.type_name(&ta.ty)),
            );
            self.report(
                p,
                Some("`??` gives a default to an optional (`T?`) value".into()),
            );
            return None;
        }
        let inner = ta.ty.non_null().clone();
        let tb = self.expr(sc, b, Some(&inner))?;
        let field = ta.field;
        self.expect(&tb, &inner, b.span, "a default")
            .then(|| Typed {
                field,
                ..Typed::new(Expr::Coalesce(Box::new(ta.expr), Box::new(tb.expr)), inner)
            })
    }

    fn quantifier(
        &mut self,
        sc: &mut Scope,
        kind: Quantifier,
        var: &ast::Ident,
        list: &ast::Expr,
        body: &ast::Expr,
    ) -> Option<Typed> {
        let tl = self.list_of(sc, list)?;
        let mark = sc.mark();
        let slot = sc.bind(&var.name, tl.1, Origin::Local);
        let body = self.bool_expr(sc, body);
        sc.reset(mark);
        let ty = if kind == Quantifier::Count {
            Type::Int
        } else {
            Type::Bool
        };
        let e = Expr::Quant {
            kind,
            var: slot,
            list: Box::new(tl.0),
            body: Box::new(body?),
        };
        Some(Typed::new(e, ty))
    }

    /// An expression of list type, and its element type.
    pub fn list_of(&mut self, sc: &mut Scope, e: &ast::Expr) -> Option<(Expr, Type)> {
        let t = self.expr(sc, e, None)?;
        if !self.non_optional(&t, e.span) {
            return None;
        }
        match t.ty {
            Type::List(elem) => Some((t.expr, *elem)),
            other => {
                let p = self.problem(
                    codes::TYPE_MISMATCH,
                    format!("expected a list, found `{}`", self.type_name(&other)),
                    e.span,
                    "not a list",
                );
                self.push(p);
                None
            }
        }
    }

    fn hop_is(
        &mut self,
        from: Option<&ast::VersionLit>,
        to: Option<&ast::VersionLit>,
    ) -> Option<Typed> {
        let ok_from = from.is_none_or(|v| self.known_version(v));
        let ok_to = to.is_none_or(|v| self.known_version(v));
        let e = Expr::HopIs {
            from: from.map(|v| v.version.clone()),
            to: to.map(|v| v.version.clone()),
        };
        (ok_from && ok_to).then(|| Typed::new(e, Type::Bool))
    }

    /// A version some `hop` declares; reports it with a suggestion otherwise.
    pub fn known_version(&mut self, v: &ast::VersionLit) -> bool {
        if self.versions.iter().any(|k| k.compare(&v.version).is_eq()) {
            return true;
        }
        let names: Vec<String> = self.versions.iter().map(|k| k.to_string()).collect();
        let help = super::suggest::help(&v.version.to_string(), names.iter().map(String::as_str));
        let p = self.problem(
            codes::UNKNOWN_VERSION,
            format!("no hop declares version `{}`", v.version),
            v.span,
            "unknown version",
        );
        self.report(p, help);
        false
    }

    fn list(&mut self, sc: &mut Scope, items: &[ast::Expr], hint: Option<&Type>) -> Option<Typed> {
        let mut elem = match hint {
            Some(Type::List(t)) => Some((**t).clone()),
            _ => None,
        };
        let mut out = Vec::new();
        let mut ok = true;
        for item in items {
            let Some(t) = self.expr(sc, item, elem.as_ref()) else {
                ok = false;
                continue;
            };
            match &elem {
                Some(want) if !self.expect(&t, want, item.span, "a list element") => ok = false,
                Some(_) => {}
                None => elem = Some(t.ty.clone()),
            }
            out.push(t.expr);
        }
        let ty = Type::List(Box::new(elem.unwrap_or(Type::Null)));
        ok.then(|| Typed::new(Expr::List(out), ty))
    }

    /// The text of a string literal that must have no `{holes}`.
    pub fn plain_string(&mut self, s: &ast::StrLit) -> Option<String> {
        if let Some(text) = s.plain() {
            return Some(text);
        }
        let p = self.problem(
            codes::TEMPLATE_NOT_ALLOWED,
            "this string cannot interpolate `{…}`",
            s.span,
            "holes are only filled in titles, commands, notes, messages and rule sources",
        );
        self.report(p, Some("write `\\{` for a literal brace".into()));
        None
    }

    /// A title, command, note or message; holes may have any type.
    pub fn template(&mut self, sc: &mut Scope, s: &ast::StrLit) -> Template {
        let mut parts = Vec::new();
        for part in &s.parts {
            match part {
                ast::StrPart::Text(t) => parts.push(TemplatePart::Text(t.clone())),
                ast::StrPart::Hole(e) => {
                    if let Some(t) = self.expr(sc, e, None) {
                        self.hole_not_optional(&t.ty, e.span);
                        parts.push(TemplatePart::Hole(t.expr, t.ty));
                    }
                }
            }
        }
        Template {
            parts,
            translations: Vec::new(),
        }
    }

    /// A hole whose value may be null would print `none` into a title, command or
    /// message: the author has to say what to print instead, or narrow it first.
    fn hole_not_optional(&mut self, ty: &Type, span: Span) {
        if !ty.is_optional() {
            return;
        }
        let p = self.problem(
            codes::OPTIONAL_IN_TEXT,
            format!("`{}` may be null here", self.sources.slice(span)),
            span,
            format!("`{}` is optional", self.type_name(ty)),
        );
        self.report(
            p,
            Some("use `{x ?? default}` or narrow with `when x != null`".into()),
        );
    }

    /// A literal (default, release fact, hop attribute) of type `ty`.
    pub fn constant(&mut self, e: &ast::Expr, ty: &Type) -> Option<crate::model::Value> {
        let mut sc = Scope::constant();
        let t = self.expr(&mut sc, e, Some(ty))?;
        if !assignable(&t.ty, ty) {
            self.mismatch(e.span, "a value", ty, &t.ty);
            return None;
        }
        let v = to_value(&t.expr);
        if v.is_none() {
            self.not_constant(e.span);
        }
        v
    }

    pub fn not_constant(&mut self, span: Span) {
        let p = self.problem(
            codes::NOT_CONSTANT,
            "expected a literal value",
            span,
            "not a literal",
        );
        self.report(
            p,
            Some("defaults, release facts and hop fields are literals: `1.28`, `\"x\"`, `[]`, an enum variant".into()),
        );
    }
}

/// `6` is a version where a version is wanted (`elasticsearch.version >= 6`).
fn int_literal(n: i64, hint: Option<&Type>) -> Typed {
    match hint {
        Some(Type::Version) if n >= 0 => Typed::lit(
            Value::Version(crate::model::Version::new(n as u64, 0, 0, 1)),
            Type::Version,
        ),
        _ => Typed::lit(Value::Int(n), Type::Int),
    }
}

fn element(ty: &Type) -> Option<&Type> {
    match ty {
        Type::List(e) => Some(e),
        _ => None,
    }
}

pub(super) fn to_value(e: &Expr) -> Option<Value> {
    match e {
        Expr::Lit(v) => Some(v.clone()),
        Expr::List(items) => items
            .iter()
            .map(to_value)
            .collect::<Option<_>>()
            .map(Value::List),
        _ => None,
    }
}
