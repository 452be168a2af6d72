//! The rules of [`super::rules`] as tables: which bytes each state reacts to (the rest
//! are skipped in runs), and what each state becomes on each class of byte.

use super::rules::{LEXES, Lex, Next, step};
use super::{States, slot};

/// The byte classes [`step`] tells apart, with the lookahead it uses: reading a byte
/// is a lookup in a table built from [`step`] (the rules stay written once, as code).
pub(super) const CLASSES: [(u8, Next); 22] = {
    const fn n(byte: u8, blank: bool) -> Next {
        Next {
            byte,
            blank,
            parent: PROBE_PARENT,
        }
    }
    let a = n(b'a', false);
    [
        (b'a', a),
        (b' ', a),
        (b'#', a),
        (b'%', a),
        (b'\'', a),
        (b'"', a),
        (b'[', a),
        (b']', a),
        (b',', a),
        (b':', n(b' ', true)),
        (b':', n(b',', false)),
        (b':', a),
        (b'-', n(b' ', true)),
        (b'-', a),
        (b'?', n(b' ', true)),
        (b'?', a),
        (b'!', n(b'<', false)),
        (b'!', a),
        (b'&', a),
        (b'|', a),
        (b'>', a),
        (b'\\', a),
    ]
};

/// The row of [`CLASSES`] that `b` (followed by `next()`) reads like.
#[inline]
pub(super) fn class(b: u8, next: impl Fn() -> Next) -> usize {
    match b {
        b' ' | b'\t' => 1,
        b'#' => 2,
        b'%' => 3,
        b'\'' => 4,
        b'"' => 5,
        b'[' | b'{' => 6,
        b']' | b'}' => 7,
        b',' => 8,
        b':' if next().blank => 9,
        b':' if matches!(next().byte, b',' | b'[' | b']' | b'{' | b'}') => 10,
        b':' => 11,
        b'-' if next().blank => 12,
        b'-' => 13,
        b'?' if next().blank => 14,
        b'?' => 15,
        b'!' if next().byte == b'<' => 16,
        b'!' => 17,
        b'&' | b'*' => 18,
        b'|' => 19,
        b'>' => 20,
        b'\\' => 21,
        _ => 0,
    }
}

/// The depths the table is probed with: distinct, so each output tells how it was made.
const PROBE_FLOW: u32 = 10;
const PROBE_BLOCK_SCALAR: u32 = 5;
pub(super) const PROBE_PARENT: u32 = 7;

/// How a successor's depth is made from its predecessor's.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Op {
    Keep,
    /// One deeper (an open bracket in flow context).
    Inc,
    /// One shallower, if that stays in flow context (a closing bracket).
    Dec,
    /// Block context.
    Zero,
    /// The first flow level.
    One,
    /// A block scalar: the bound on its parent's column.
    Parent,
}

/// What one state becomes on one byte class: up to three successors.
#[derive(Clone, Copy, Debug)]
pub(super) struct Entry {
    outs: [(u8, Op); 3],
    len: u8,
}

impl Entry {
    #[inline]
    pub(super) fn apply(&self, out: &mut States, deepest: &mut u32, depth: u32, parent: u32) {
        for &(slot, op) in &self.outs[..self.len as usize] {
            let d = match op {
                Op::Keep => depth,
                Op::Inc => depth.saturating_add(1),
                Op::Dec if depth > 1 => depth - 1,
                Op::Dec => continue,
                Op::Zero => 0,
                Op::One => 1,
                Op::Parent => parent,
            };
            if matches!(op, Op::Inc | Op::One) {
                *deepest = (*deepest).max(d);
            }
            out.add_slot(slot as usize, d);
        }
    }
}

type Table = [[Entry; CLASSES.len()]; 22];

pub(super) fn table() -> &'static Table {
    static TABLE: std::sync::OnceLock<Table> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let empty = Entry {
            outs: [(0, Op::Keep); 3],
            len: 0,
        };
        let mut t = [[empty; CLASSES.len()]; 22];
        for (slot, row) in t.iter_mut().enumerate() {
            for (entry, &(b, next)) in row.iter_mut().zip(CLASSES.iter()) {
                *entry = probe(slot, b, next);
            }
        }
        t
    })
}

/// Runs [`step`] on one state and byte, and reads off how each successor came about.
fn probe(slot: usize, b: u8, next: Next) -> Entry {
    let (lex, flow) = (LEXES[slot / 2], slot % 2 == 1);
    let depth = match (flow, lex) {
        (true, _) => PROBE_FLOW,
        (false, Lex::Block) => PROBE_BLOCK_SCALAR,
        (false, _) => 0,
    };
    let mut out = States::EMPTY;
    step(&mut out, lex, flow, depth, b, next);
    let mut entry = Entry {
        outs: [(0, Op::Keep); 3],
        len: 0,
    };
    for (to_lex, to_flow, d) in out.each() {
        let op = match (flow, to_flow, d) {
            (true, true, d) if d == PROBE_FLOW + 1 => Op::Inc,
            (true, true, d) if d == PROBE_FLOW - 1 => Op::Dec,
            (false, false, PROBE_PARENT) if to_lex == Lex::Block => Op::Parent,
            (_, _, d) if d == depth && to_flow == flow => Op::Keep,
            (_, false, 0) => Op::Zero,
            (false, true, 1) => Op::One,
            other => unreachable!("step made {other:?} from {lex:?}"),
        };
        entry.outs[entry.len as usize] = (slot_u8(to_lex, to_flow), op);
        entry.len += 1;
    }
    entry
}

fn slot_u8(lex: Lex, flow: bool) -> u8 {
    slot(lex, flow) as u8
}

/// A set of bytes.
#[derive(Clone, Copy)]
struct Bytes([u64; 4]);

impl Bytes {
    const fn with(mut self, bytes: &[u8]) -> Bytes {
        let mut k = 0;
        while k < bytes.len() {
            let b = bytes[k] as usize;
            self.0[b / 64] |= 1 << (b % 64);
            k += 1;
        }
        self
    }

    const fn all_but_blanks() -> Bytes {
        Bytes([u64::MAX; 4]).without(b' ').without(b'\t')
    }

    const fn without(mut self, b: u8) -> Bytes {
        self.0[b as usize / 64] &= !(1 << (b % 64));
        self
    }

    const fn has(&self, b: u8) -> bool {
        self.0[b as usize / 64] & (1 << (b % 64)) != 0
    }
}

/// For each byte, the states (as bits of [`States::alive`]) that react to it.
pub(super) const REACTING: [u32; 256] = {
    let mut table = [0; 256];
    let mut b = 0;
    while b < 256 {
        let mut slot = 0;
        while slot < REACTS.len() {
            if REACTS[slot].has(b as u8) {
                table[b] |= 1 << slot;
            }
            slot += 1;
        }
        b += 1;
    }
    table
};

/// Line breaks (the first byte of NEL, LS, PS too): every state reacts, the scan keeps
/// columns.
const BREAKS: Bytes = Bytes([0; 4]).with(b"\n\r\xC2\xE2");

/// The bytes a state reacts to; on any other it stays as it is, so runs of them are
/// skipped in one go.
const REACTS: [Bytes; 22] = {
    let all = Bytes::all_but_blanks();
    let plain = BREAKS.with(b" \t:");
    let flow_plain = plain.with(b",[]{}");
    let name = BREAKS.with(b" \t,[]{}");
    [
        all,               // Token, block
        all,               // Token, flow
        plain,             // Plain, block
        flow_plain,        // Plain, flow
        all,               // PlainWs, block
        all,               // PlainWs, flow
        BREAKS.with(b"'"), // Sq
        BREAKS.with(b"'"),
        Bytes([u64::MAX; 4]), // SqQuote
        Bytes([u64::MAX; 4]),
        BREAKS.with(b"\"\\"), // Dq
        BREAKS.with(b"\"\\"),
        Bytes([u64::MAX; 4]), // DqEsc
        Bytes([u64::MAX; 4]),
        BREAKS, // Comment
        BREAKS,
        name, // Name
        name,
        BREAKS.with(b">"), // Verbatim
        BREAKS.with(b">"),
        BREAKS, // Block
        BREAKS,
    ]
};
