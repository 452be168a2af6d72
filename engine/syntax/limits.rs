//! How large and how deep a rule file may be. Every limit is far beyond what real
//! rules need (the ACP rulebook nests expressions at most a dozen levels and its largest
//! file is about 21 KB; `tests` assert it stays well inside) and low enough that the
//! parser, the checker and the evaluator, which all recurse over expressions, stay
//! within a 2 MiB thread stack in a debug build, in time linear in the file.

/// Brackets (`(`, `[`, `{`, and `{holes}` in strings) may nest this deep. The pest
/// parser recurses about ten calls per bracket, before any other guard can run.
pub const MAX_BRACKET_DEPTH: usize = 24;

/// The height of one expression's tree. Operators fold to the left, so a chain of
/// `and`s, `or`s, `??`s, member accesses (`a.b.c`) or `not`s is as high as it is long;
/// brackets, lists, quantifiers and string holes add their own levels.
pub const MAX_EXPR_DEPTH: usize = 96;

/// The nodes in one expression, or in one string with its `{holes}`: names, literals,
/// operators, list elements.
pub const MAX_EXPR_NODES: usize = 4096;

/// The size of one rule file, in bytes (1 MiB; the ACP rulebook's largest file has
/// 21 KB). pest's parse tree costs about 80 bytes per byte of input, so this bounds a
/// file's memory (to about 80 MB) as well as its time.
pub const MAX_FILE_BYTES: usize = 1 << 20;
