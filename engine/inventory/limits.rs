//! The loader's limits: what a hostile or broken inventory may cost, each reported as a
//! coded diagnostic when crossed (see [`super::codes`]). The README lists them.

/// The deepest nesting of YAML collections read, counting the root mapping as 1. An ACP
/// inventory nests 5 deep (root → `clusters` → a cluster → `plugins` → a plugin), so 64
/// leaves room for any schema a rulebook declares while keeping every pass bounded: the
/// YAML scanner under serde_yaml costs (depth × tokens) on flow nesting (`[[[[…`), so a
/// 100,000-deep file took over 20 s before this limit. Code: [`super::codes::TOO_DEEP`].
pub const MAX_DEPTH: usize = 64;

/// The most entries one inventory list may hold: ten times a 100,000-cluster fleet.
/// Code: [`super::codes::LIST_TOO_LONG`].
pub const MAX_LIST_LEN: usize = 1_000_000;

/// Alias expansion cap, with [`MAX_NODES_PER_BYTE`]: the loader reads at most
/// `MAX_NODES_BASE + MAX_NODES_PER_BYTE × (bytes of the file)` YAML nodes. Without aliases
/// a file cannot get there: each node the pass reads takes at least a byte of the text
/// (its first character, or the `,` `:` `-` `?` before an empty one), so only aliases,
/// which repeat their anchor's nodes, can cross it; the base lets a small hand-written
/// inventory reuse an anchor freely. It keeps the values built linear in the size of the
/// file: an anchor of 1,000 plugins referenced from every cluster (111 KB) took 13 s and
/// 2 GB before, and 741 KB ran out of memory. Code: [`super::codes::ALIAS_EXPANSION`].
pub const MAX_NODES_BASE: usize = 100_000;

/// See [`MAX_NODES_BASE`]. A generated 10,000-cluster fleet (3 MB) holds 0.12 nodes per
/// byte.
pub const MAX_NODES_PER_BYTE: usize = 1;

/// The limits of one load; tests lower them to reach them with small inputs.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Limits {
    pub depth: usize,
    pub list_len: usize,
    pub nodes_base: usize,
    pub nodes_per_byte: usize,
}

impl Limits {
    pub(crate) const DEFAULT: Limits = Limits {
        depth: MAX_DEPTH,
        list_len: MAX_LIST_LEN,
        nodes_base: MAX_NODES_BASE,
        nodes_per_byte: MAX_NODES_PER_BYTE,
    };

    /// The most nodes a file of `len` bytes may expand to.
    pub(crate) fn max_nodes(&self, len: usize) -> usize {
        self.nodes_base
            .saturating_add(self.nodes_per_byte.saturating_mul(len))
    }
}
