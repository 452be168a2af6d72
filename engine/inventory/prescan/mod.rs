//! A cheap pre-scan that rules out deep flow nesting before serde_yaml reads the text.
//!
//! **Why.** The YAML scanner under serde_yaml (libyaml) walks its stack of possible
//! simple keys, one per open flow collection, for every token: flow nesting `[[[[…`
//! costs depth × tokens, and 100,000 levels (200 KB) took over 20 s. The exact depth
//! comes from the positions pass (saphyr, linear, stops at the limit), but that pass costs
//! as much as serde_yaml itself, so it runs only when this scan cannot show that flow
//! collections nest at most `max` deep. Block nesting (`- - - …`) costs libyaml nothing
//! extra; any of it past the limit is found by the positions pass of the report (it is
//! always a schema fault first, the schema being shallow).
//!
//! **How, and why it is sound.** Brackets only count outside quoted scalars, comments
//! and block scalars, and inside a plain scalar they are literal in block context only;
//! which of these the scanner is in depends on context the bytes do not always settle
//! (does this line continue a plain scalar? did that `]` close the last flow level?). So
//! the scan is a small nondeterministic automaton run over all readings at once: each
//! state is a lexical situation (between tokens, in a plain scalar, in a quote, …) in
//! block or flow context, and holds the greatest flow depth any reading reaching it can
//! have. Where libyaml's choice depends on something not tracked, the automaton takes
//! both branches; states that meet merge by keeping the greater depth. libyaml's actual
//! run is one of the readings, so the greatest depth seen bounds the real one. Readings
//! die only where libyaml stops with an error (a document marker inside a quote or a flow
//! collection). Where saphyr, which then checks the depth exactly, reads YAML 1.2
//! differently from libyaml's 1.1 (`:x` and `?x` in flow context, NEL/LS/PS as line
//! breaks, `...` followed by text), both readings are taken too; property tests
//! ([`tests`]) check the bound against saphyr's depth on random YAML-like text.
//! Branches rejoin within a few bytes, so one to three states are alive at
//! a time, and bytes no live state reacts to are skipped in runs: the scan costs about
//! 3 ns a byte (5% of a load of the flow-heavy 10,000-cluster fleet of `benches/fleet`),
//! and nothing when the text has fewer `[`/`{` than the limit.

mod rules;
mod table;
#[cfg(test)]
mod tests;

use rules::{LEXES, Lex, Next, newline, ordinary_step};
use table::{REACTING, class, table};

/// Where flow collections in `text` may first nest deeper than `max` (the opening
/// bracket; then the exact positions pass must decide); `None` means they certainly do
/// not.
pub(crate) fn deeper_at(text: &str, max: usize) -> Option<usize> {
    // Fewer opening brackets than the limit in all: nothing to scan (most hand-written
    // inventories; counting them is a tenth of the scan).
    let opens = text.bytes().filter(|&b| b == b'[' || b == b'{').count();
    if opens <= max {
        return None;
    }
    let max = u32::try_from(max).unwrap_or(u32::MAX);
    let mut scan = Scan {
        bytes: text.as_bytes(),
        bufs: [States::start(), States::EMPTY],
        cur: 0,
        deepest: 0,
    };
    scan.run(max)
}

/// The live states: for each (lexical situation, flow context) the greatest flow depth
/// a reading reaching it can have (always 0 in block context).
#[derive(Clone, Copy)]
struct States {
    depth: [u32; 22],
    alive: u32,
}

fn slot(lex: Lex, flow: bool) -> usize {
    lex as usize * 2 + usize::from(flow)
}

impl States {
    const EMPTY: States = States {
        depth: [0; 22],
        alive: 0,
    };

    fn start() -> States {
        let mut s = States::EMPTY;
        s.add(Lex::Token, false, 0);
        s
    }

    fn add(&mut self, lex: Lex, flow: bool, depth: u32) {
        self.add_slot(slot(lex, flow), depth);
    }

    #[inline]
    fn add_slot(&mut self, i: usize, depth: u32) {
        if self.alive & (1 << i) == 0 || self.depth[i] < depth {
            self.depth[i] = depth;
        }
        self.alive |= 1 << i;
    }

    fn merge(&mut self, other: &States) {
        for (lex, flow, depth) in other.each() {
            self.add(lex, flow, depth);
        }
    }

    /// The states after an ordinary byte.
    fn map_ordinary(&self) -> States {
        let mut out = States::EMPTY;
        for (lex, flow, depth) in self.each() {
            out.add(ordinary_step(lex), flow, depth);
        }
        out
    }

    /// Every live state as (lex, flow, depth).
    fn each(&self) -> impl Iterator<Item = (Lex, bool, u32)> + '_ {
        let mut bits = self.alive;
        std::iter::from_fn(move || {
            if bits == 0 {
                return None;
            }
            let i = bits.trailing_zeros() as usize;
            bits &= bits - 1;
            Some((LEXES[i / 2], i % 2 == 1, self.depth[i]))
        })
    }
}

struct Scan<'t> {
    bytes: &'t [u8],
    /// The live states, and room for the next ones (no copying per byte).
    bufs: [States; 2],
    cur: usize,
    deepest: u32,
}

impl Scan<'_> {
    fn run(&mut self, max: u32) -> Option<usize> {
        let mut i = 0;
        let mut line = 0;
        while i < self.bytes.len() {
            let brk = break_len(self.bytes, i);
            if brk > 0 {
                let unicode = brk > 1;
                i += brk;
                let indent = indent_at(self.bytes, i);
                let before = unicode.then(|| self.states().map_ordinary());
                self.advance(|out, lex, flow, depth| newline(out, lex, flow, depth, indent));
                if let Some(before) = before {
                    // NEL, LS and PS break lines for libyaml (YAML 1.1), not for saphyr
                    // (1.2): both readings. Columns keep counting from the last LF or CR,
                    // which only overstates them.
                    self.bufs[self.cur].merge(&before);
                } else {
                    line = i;
                }
                continue;
            }
            if i == line
                && let Some(alone) = document_marker(&self.bytes[i..])
            {
                i = self.marker(i, line, alone);
                continue;
            }
            let at = i;
            i = self.read(i, line, self.bytes.len());
            if self.deepest > max {
                return Some(at);
            }
        }
        None
    }

    /// A document marker (`---`, `...`) at `i`, the start of a line; the index after it.
    /// Followed by a blank, libyaml ends the document there, or fails inside a quote or
    /// a flow collection: every reading that goes on is between tokens, in block. saphyr
    /// takes the marker even when text follows (`...[`), libyaml plain text: both then.
    fn marker(&mut self, i: usize, line: usize, alone: bool) -> usize {
        if alone {
            self.bufs[self.cur] = States::start();
            return i + 3;
        }
        let mut j = i;
        while j < i + 3 {
            j = self.read(j, line, i + 3);
        }
        self.bufs[self.cur].add(Lex::Token, false, 0);
        j
    }

    /// Reads the byte at `i` of the line starting at `line`, then skips what no live
    /// state reacts to (up to `end`); the index after that.
    fn read(&mut self, i: usize, line: usize, end: usize) -> usize {
        let b = self.bytes[i];
        let parent = match b {
            b'|' | b'>' => parent_bound(&self.bytes[line..i]),
            _ => 0,
        };
        let row = class(b, || Next {
            byte: self.bytes.get(i + 1).copied().unwrap_or(b'\n'),
            blank: blank_at(self.bytes, i + 1),
            parent,
        });
        let mut deepest = self.deepest;
        let table = table();
        self.advance_slots(|out, slot, depth| {
            table[slot][row].apply(out, &mut deepest, depth, parent);
        });
        self.deepest = deepest;
        let alive = self.states().alive;
        let skip = self.bytes[i + 1..end]
            .iter()
            .take_while(|&&c| REACTING[c as usize] & alive == 0)
            .count();
        i + 1 + skip
    }

    fn states(&self) -> &States {
        &self.bufs[self.cur]
    }

    /// Like [`Scan::advance`], by slot.
    fn advance_slots(&mut self, mut f: impl FnMut(&mut States, usize, u32)) {
        let [a, b] = &mut self.bufs;
        let (from, to) = if self.cur == 0 { (a, b) } else { (b, a) };
        to.alive = 0;
        let mut bits = from.alive;
        while bits != 0 {
            let i = bits.trailing_zeros() as usize;
            bits &= bits - 1;
            f(to, i, from.depth[i]);
        }
        self.cur ^= 1;
    }

    /// Replaces the live states by what `f` makes of each.
    fn advance(&mut self, mut f: impl FnMut(&mut States, Lex, bool, u32)) {
        let [a, b] = &mut self.bufs;
        let (from, to) = if self.cur == 0 { (a, b) } else { (b, a) };
        to.alive = 0;
        for (lex, flow, depth) in from.each() {
            f(to, lex, flow, depth);
        }
        self.cur ^= 1;
    }
}

/// The length of the line break at `i` (LF, CR, and libyaml's NEL, LS, PS), or 0.
fn break_len(bytes: &[u8], i: usize) -> usize {
    match bytes[i..] {
        [b'\n' | b'\r', ..] => 1,
        [0xC2, 0x85, ..] => 2,
        [0xE2, 0x80, 0xA8 | 0xA9, ..] => 3,
        _ => 0,
    }
}

/// A space, tab, line break or the end of the text at `i`.
fn blank_at(bytes: &[u8], i: usize) -> bool {
    i >= bytes.len() || matches!(bytes[i], b' ' | b'\t') || break_len(bytes, i) > 0
}

/// The indentation of the line starting at `i` (leading spaces), or `None` for a line
/// with nothing else on it. A tab after the spaces counts as no indentation (the
/// cautious reading for [`newline`]).
fn indent_at(bytes: &[u8], i: usize) -> Option<u32> {
    let spaces = bytes[i..].iter().take_while(|&&b| b == b' ').count();
    let j = i + spaces;
    if j >= bytes.len() || break_len(bytes, j) > 0 {
        return None;
    }
    let indent = if bytes[j] == b'\t' { 0 } else { spaces };
    Some(u32::try_from(indent).unwrap_or(u32::MAX))
}

/// For a `|` or `>` after `before` on its line: one more than the greatest column its
/// parent (the key or `-` it is the value of) can be at. The parent starts a word (at
/// the line's start or after a blank), so the last word start before the `|` bounds
/// it; with none, the parent is on an earlier line, left of the `|`.
fn parent_bound(before: &[u8]) -> u32 {
    let col = |i: usize| u32::try_from(i).unwrap_or(u32::MAX);
    let word_start = (0..before.len()).rev().find(|&i| {
        !matches!(before[i], b' ' | b'\t') && (i == 0 || matches!(before[i - 1], b' ' | b'\t'))
    });
    word_start.map_or(col(before.len()), |i| col(i).saturating_add(1))
}

/// A document marker `---` or `...` at the start of `rest`: whether a blank follows it.
fn document_marker(rest: &[u8]) -> Option<bool> {
    (rest.starts_with(b"---") || rest.starts_with(b"...")).then(|| blank_at(rest, 3))
}
