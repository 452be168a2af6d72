//! Static types of path expressions, recovered at run time for naming facts.

use crate::model::{Each, EachSource, Expr, HopRef, Schema, Type};

/// The type of a path expression (`c.plugins`, `platform.version`), when it is one.
pub fn type_of(schema: &Schema, e: &Expr, var_types: &[Option<Type>]) -> Option<Type> {
    match e {
        Expr::Root => Some(Type::Record(schema.root)),
        Expr::Var(v) => var_types.get(*v as usize).cloned().flatten(),
        Expr::Hop(HopRef::From | HopRef::To) => Some(Type::Version),
        Expr::Hop(HopRef::Source | HopRef::Target) => Some(Type::Record(schema.release)),
        Expr::Hop(HopRef::Attrs) => Some(Type::Record(schema.hop_fields)),
        Expr::Field(base, i) => match type_of(schema, base, var_types)? {
            Type::Record(id) => schema
                .record(id)
                .fields
                .get(*i as usize)
                .map(|f| f.ty.clone()),
            Type::Optional(inner) => match *inner {
                Type::Record(id) => schema
                    .record(id)
                    .fields
                    .get(*i as usize)
                    .map(|f| f.ty.clone()),
                _ => None,
            },
            _ => None,
        },
        _ => None,
    }
}

/// The types of the variables bound by `each` clauses (other slots stay unknown).
pub fn each_var_types(schema: &Schema, each: &[Each], frame: u16) -> Vec<Option<Type>> {
    let mut types = vec![None; frame as usize];
    for e in each {
        let ty = match &e.source {
            EachSource::Entity { record, .. } => Some(Type::Record(*record)),
            EachSource::List(expr) => match type_of(schema, expr, &types) {
                Some(Type::List(inner)) => Some(*inner),
                _ => None,
            },
        };
        if let Some(slot) = types.get_mut(e.var as usize) {
            *slot = ty;
        }
    }
    types
}
