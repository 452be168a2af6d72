//! How many declarations, names and variables a rulebook may have. The model numbers
//! steps, records, enums, fields, variants, phases, hops and variables with 16 bits,
//! and the evaluator numbers rules, procedures and orders the same way: past these
//! limits an index would wrap. Each limit is far beyond real rulebooks (the ACP one has
//! about 60 rules, 40 steps, 15 hops, records of at most 30 fields) and each is a
//! [`super::codes::TOO_MANY`] diagnostic at the first declaration or name past it.

/// Declarations of one kind: rules, steps, procedures, orders, limits, records.
pub const MAX_DECLS: usize = 10_000;

/// `hop` and `release` declarations, each.
pub const MAX_HOPS: usize = 1_000;

/// Names in one list: the fields of a record, the variants of an enum, the phases, the
/// parameters of a step.
pub const MAX_NAMES: usize = 1_000;

/// Distinct enum types (every `a | b | c` written with other variants is one more).
pub const MAX_ENUMS: usize = 10_000;

/// Variables one declaration binds: parameters, `each` variables, pattern variables,
/// quantifier and effect variables.
pub const MAX_VARS: usize = 1_000;
