//! The stable codes of `uplan inventory collect` diagnostics.

/// A context argument the script cannot use: `'a b'`, `ctx=Biz_1` (the cluster part
/// is not a DNS-1123 label), `--flag`.
pub const BAD_CONTEXT: &str = "uplan::collect::bad_context";
