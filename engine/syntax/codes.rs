//! Every diagnostic code the parser emits, each with an input that triggers it. The
//! codes are stable: tests, scripts and people search for them.

/// `rule r { sourc "x" }` (pest could not parse the file).
pub const PARSE: &str = "uplan::syntax::parse";
/// `hop 1.2.3.4 -> 2.0`, `99999999999999999999` (a literal that does not fit).
pub const BAD_LITERAL: &str = "uplan::syntax::bad_literal";
/// `when ((((((((((((((((((((((((( a )))))))))))))))))))))))))`: brackets (or string
/// holes) nested more than [`super::limits::MAX_BRACKET_DEPTH`] deep.
pub const TOO_DEEP: &str = "uplan::syntax::too_deep";
/// `when a and a and a …` with more than [`super::limits::MAX_EXPR_DEPTH`] operators in
/// a row, or `not not not … a`, `x ?? x ?? …`, `c.a.a.a …` as long: the expression's
/// tree nests too deep.
pub const EXPR_TOO_DEEP: &str = "uplan::syntax::expr_too_deep";
/// `when x in [1, 2, 3, …]` with more than [`super::limits::MAX_EXPR_NODES`] parts in
/// one expression, or a string with as many `{holes}`.
pub const EXPR_TOO_LARGE: &str = "uplan::syntax::expr_too_large";
/// A NUL, ESC or other control character (tab, line feed and carriage return aside),
/// or a bidirectional override like U+202E, anywhere in a rule file.
pub const CONTROL_CHAR: &str = "uplan::syntax::control_char";
/// A rule file larger than [`super::limits::MAX_FILE_BYTES`].
pub const FILE_TOO_LARGE: &str = "uplan::syntax::file_too_large";
/// `runtime: containerd | docker probe "a" probe "b"`: a field with two `probe` or two
/// `doc` clauses (which one would it mean?).
pub const DUPLICATE_CLAUSE: &str = "uplan::syntax::duplicate_clause";
/// A shape of parse tree the lowering does not expect: a bug in uplan, never the
/// user's fault.
pub const INTERNAL: &str = "uplan::syntax::internal";
