//! A step's `effect` lines and the places they write.

use super::schema::dotted_text;
use super::scope::{Origin, Scope};
use super::{Cx, codes};
use crate::model::{Effect, Expr, Place, PlaceBase, RecordId, Type, Value};
use crate::source::Span;
use crate::syntax::ast;

impl Cx<'_> {
    /// One effect; its `when` narrows what the effect reads and writes.
    pub fn effect(
        &mut self,
        sc: &mut Scope,
        kind: &ast::EffectKind,
        when: Option<&ast::Expr>,
    ) -> Option<Effect> {
        let mark = sc.mark();
        let when_ir = when.and_then(|w| self.bool_expr(sc, w));
        if let Some(w) = when {
            let n = self.narrows(sc, w, true);
            sc.narrow(n);
        }
        let effect = self.effect_body(sc, kind, when_ir);
        sc.reset(mark);
        effect
    }

    fn effect_body(
        &mut self,
        sc: &mut Scope,
        kind: &ast::EffectKind,
        when: Option<Expr>,
    ) -> Option<Effect> {
        match kind {
            ast::EffectKind::Set { place, value } => {
                let (place, ty) = self.place(sc, place)?;
                let value = self.typed_as(sc, value, &ty, "the new value")?;
                Some(Effect::Set { place, value, when })
            }
            ast::EffectKind::Remove { var, list, cond } => {
                let (list, elem) = self.list_place(sc, list)?;
                let var = sc.bind(&var.name, elem, Origin::Local);
                let cond = self.effect_cond(sc, cond.as_ref())?;
                Some(Effect::Remove {
                    var,
                    list,
                    cond,
                    when,
                })
            }
            ast::EffectKind::Add {
                list: dotted,
                fields,
            } => {
                let (list, elem) = self.list_place(sc, dotted)?;
                let record = self.element_record(&elem, dotted)?;
                let fields = self.record_exprs(sc, record, fields, dotted.span)?;
                Some(Effect::Add { list, fields, when })
            }
            ast::EffectKind::ForEach {
                var,
                list: dotted,
                cond,
                target,
                value,
            } => {
                let (list, elem) = self.list_place(sc, dotted)?;
                let record = self.element_record(&elem, dotted)?;
                let slot = sc.bind(&var.name, elem, Origin::Local);
                let cond = self.effect_cond(sc, cond.as_ref());
                let (fields, ty) = self.relative_place(sc, slot, record, var, target)?;
                let value = self.typed_as(sc, value, &ty, "the new value")?;
                Some(Effect::ForEach {
                    var: slot,
                    list,
                    cond: cond?,
                    fields,
                    value,
                    when,
                })
            }
        }
    }

    /// A `where` of `remove` / `for`; none means every element.
    fn effect_cond(&mut self, sc: &mut Scope, cond: Option<&ast::Expr>) -> Option<Expr> {
        match cond {
            Some(c) => {
                let e = self.bool_expr(sc, c)?;
                let n = self.narrows(sc, c, true);
                sc.narrow(n);
                Some(e)
            }
            None => Some(Expr::Lit(Value::Bool(true))),
        }
    }

    fn element_record(&mut self, elem: &Type, dotted: &ast::Dotted) -> Option<RecordId> {
        if let Type::Record(r) = elem {
            return Some(*r);
        }
        let p = self.problem(
            codes::BAD_PLACE,
            format!(
                "`{}` is a list of `{}`, not of records",
                dotted_text(dotted),
                self.type_name(elem)
            ),
            dotted.span,
            "not a list of records",
        );
        self.push(p);
        None
    }

    /// A place holding a list, and the list's element type.
    fn list_place(&mut self, sc: &mut Scope, dotted: &ast::Dotted) -> Option<(Place, Type)> {
        let (place, ty) = self.place(sc, dotted)?;
        match ty {
            Type::List(elem) => Some((place, *elem)),
            other => {
                let p = self.problem(
                    codes::TYPE_MISMATCH,
                    format!(
                        "expected a list, `{}` is `{}`",
                        dotted_text(dotted),
                        self.type_name(&other)
                    ),
                    dotted.span,
                    "not a list",
                );
                self.push(p);
                None
            }
        }
    }

    /// Where an effect writes: an entity parameter or a root fact, then fields.
    pub fn place(&mut self, sc: &mut Scope, dotted: &ast::Dotted) -> Option<(Place, Type)> {
        let (first, rest) = dotted.parts.split_first()?;
        let root = self.schema.root;
        let (base, record, key) = match sc.lookup(&first.name) {
            Some(b) => match sc.ty(b.slot) {
                Type::Record(r)
                    if b.origin == Origin::Param && self.schema.record(*r).entity.is_some() =>
                {
                    (PlaceBase::Var(b.slot), *r, format!("${}", b.slot))
                }
                _ => {
                    return self.bad_place(
                        dotted,
                        "effects write facts of an entity parameter or of the inventory root",
                    );
                }
            },
            None if self.schema.record(root).field(&first.name).is_some() => {
                (PlaceBase::Root, root, String::new())
            }
            None => {
                self.name(sc, &first.name, first.span, None);
                return None;
            }
        };
        let walk = if base == PlaceBase::Root {
            &dotted.parts[..]
        } else {
            rest
        };
        if walk.is_empty() {
            return self.bad_place(dotted, "an effect writes a field, like `c.kubernetes`");
        }
        let (fields, ty) = self.walk_fields(sc, record, key, first.span, walk)?;
        Some((Place { base, fields }, ty))
    }

    fn bad_place<T>(&mut self, dotted: &ast::Dotted, help: &str) -> Option<T> {
        let p = self.problem(
            codes::BAD_PLACE,
            format!("cannot write to `{}`", dotted_text(dotted)),
            dotted.span,
            "not a writable fact",
        );
        self.report(p, Some(help.into()));
        None
    }

    /// `d.free_gb` inside `for d in …`: fields relative to the element.
    fn relative_place(
        &mut self,
        sc: &mut Scope,
        slot: u16,
        record: RecordId,
        var: &ast::Ident,
        target: &ast::Dotted,
    ) -> Option<(Vec<u16>, Type)> {
        let (first, rest) = target.parts.split_first()?;
        if first.name != var.name || rest.is_empty() {
            let help = format!(
                "write a field of `{}`, like `{}.FIELD = …`",
                var.name, var.name
            );
            return self.bad_place(target, &help);
        }
        self.walk_fields(sc, record, format!("${slot}"), first.span, rest)
    }

    /// Follows field names from `record`; an optional record on the way must have
    /// been narrowed (`when c.search != null`).
    fn walk_fields(
        &mut self,
        sc: &Scope,
        mut record: RecordId,
        mut key: String,
        start: Span,
        parts: &[ast::Ident],
    ) -> Option<(Vec<u16>, Type)> {
        let mut fields = Vec::new();
        let mut ty = Type::Record(record);
        for (n, part) in parts.iter().enumerate() {
            if n > 0 {
                record = self.record_through(sc, &ty, &key, start.to(parts[n - 1].span))?;
            }
            let Some((i, def)) = self.schema.record(record).field(&part.name) else {
                self.unknown_field(record, part);
                return None;
            };
            fields.push(i);
            ty = def.ty.clone();
            key = if key.is_empty() {
                part.name.clone()
            } else {
                format!("{key}.{}", part.name)
            };
        }
        Some((fields, ty))
    }

    /// The record behind a (narrowed, if optional) record-typed place.
    fn record_through(&mut self, sc: &Scope, ty: &Type, key: &str, span: Span) -> Option<RecordId> {
        match ty {
            Type::Record(r) => Some(*r),
            Type::Optional(inner) if matches!(**inner, Type::Record(_)) => {
                if sc.is_narrowed(key) {
                    return self.record_through(sc, inner, key, span);
                }
                let t = super::expr::Typed::new(Expr::Root, ty.clone());
                self.non_optional(&t, span);
                None
            }
            other => {
                let p = self.problem(
                    codes::BAD_PLACE,
                    format!("`{}` has no fields", self.type_name(other)),
                    span,
                    "not a record",
                );
                self.push(p);
                None
            }
        }
    }

    /// `{ name = e, … }` for a new element of `record`: one expression per field,
    /// defaults filled in.
    fn record_exprs(
        &mut self,
        sc: &mut Scope,
        record: RecordId,
        inits: &[ast::FieldInit],
        span: Span,
    ) -> Option<Vec<Expr>> {
        let n = self.schema.record(record).fields.len();
        let mut given: Vec<Option<Expr>> = vec![None; n];
        let mut ok = true;
        for init in inits {
            let Some((i, def)) = self.schema.record(record).field(&init.name.name) else {
                self.unknown_field(record, &init.name);
                ok = false;
                continue;
            };
            let (i, ty) = (i as usize, def.ty.clone());
            if given[i].is_some() {
                let p = self.problem(
                    codes::DUPLICATE,
                    format!("field `{}` is given twice", init.name.name),
                    init.name.span,
                    "given again here",
                );
                self.push(p);
                continue;
            }
            let what = format!("field `{}`", init.name.name);
            given[i] = self.typed_as(sc, &init.value, &ty, &what);
            ok &= given[i].is_some();
        }
        let filled = self.fill_fields(record, given, span)?;
        ok.then_some(filled)
    }

    fn fill_fields(
        &mut self,
        record: RecordId,
        given: Vec<Option<Expr>>,
        span: Span,
    ) -> Option<Vec<Expr>> {
        let mut out = Vec::new();
        let mut missing = Vec::new();
        for (g, f) in given.into_iter().zip(&self.schema.record(record).fields) {
            match (g, &f.default) {
                (Some(e), _) => out.push(e),
                (None, Some(d)) => out.push(Expr::Lit(d.clone())),
                (None, None) if f.ty.is_optional() => out.push(Expr::Lit(Value::Null)),
                (None, None) => missing.push(format!("`{}`", f.name)),
            }
        }
        if missing.is_empty() {
            return Some(out);
        }
        let name = self.schema.record(record).name.clone();
        let p = self.problem(
            codes::MISSING_FIELD,
            format!("a new `{name}` needs {}", missing.join(", ")),
            span,
            "added here",
        );
        self.report(
            p,
            Some("give every field that has no default and is not optional".into()),
        );
        None
    }
}
