//! Converting between interpreter values and step arguments.

use super::instances::Arg;
use super::interp::{Env, Val};

pub fn arg_val<'a>(env: &Env<'a>, arg: &'a Arg) -> Val<'a> {
    match arg {
        Arg::Entity { field, index } => env.entity(*field, *index),
        Arg::Value(v) => Val::of(v),
    }
}

pub fn to_arg(v: Val<'_>) -> Arg {
    match v {
        Val::Entity { field, index, .. } => Arg::Entity { field, index },
        other => Arg::Value(other.to_value()),
    }
}
