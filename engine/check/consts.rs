//! `const NAME = literal`: named constants, so a floor and the message that states it
//! read one value (`require d.free_gb >= minio-free-gb` … `message "… {minio-free-gb} GB"`).

use super::expr::to_value;
use super::scope::Scope;
use super::{Cx, Decls, codes};
use crate::model::{Type, Value};
use crate::source::Span;

/// A checked constant: its value, type and where it is declared.
#[derive(Clone, Debug)]
pub struct Const {
    pub value: Value,
    pub ty: Type,
    pub span: Span,
}

/// Checks every `const` (before the schema, so defaults may use them too).
pub fn build(cx: &mut Cx, d: &Decls) {
    for decl in &d.consts {
        let name = &decl.name.name;
        if let Some(first) = cx.consts.get(name) {
            let first = first.span;
            cx.duplicate("constant", name, first, decl.name.span);
            continue;
        }
        let mut sc = Scope::constant();
        let Some(t) = cx.expr(&mut sc, &decl.value, None) else {
            continue;
        };
        let Some(value) = to_value(&t.expr).filter(|_| t.ty != Type::Null) else {
            let p = cx.problem(
                codes::NOT_CONSTANT,
                format!("constant `{name}` is not a literal"),
                decl.value.span,
                "not a literal",
            );
            let help =
                "a constant is a literal: `120`, `1.28`, `\"etcd-backup-default\"`, `1.31..=1.34`";
            cx.report(p, Some(help.into()));
            continue;
        };
        let c = Const {
            value,
            ty: t.ty,
            span: decl.name.span,
        };
        cx.consts.insert(name.clone(), c);
    }
}

/// A constant must not hide a root field of the inventory (both are bare names).
pub fn reject_shadowing(cx: &mut Cx) {
    let root = cx.schema.root;
    let mut clashes: Vec<(String, Span, Span)> = cx
        .consts
        .iter()
        .filter_map(|(name, c)| {
            let field = cx.schema.record(root).field(name)?.1;
            Some((name.clone(), field.span, c.span))
        })
        .collect();
    clashes.sort_by_key(|c| c.2);
    for (name, first, second) in clashes {
        cx.duplicate("name", &name, first, second);
    }
}
