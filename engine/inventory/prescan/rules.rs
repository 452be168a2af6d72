//! The rules: what libyaml's scanner (and saphyr's, where they differ) may do with one
//! byte in each lexical situation. Written once, as code; [`super::table`] turns them
//! into a lookup table for the scan.

use super::States;

/// The lexical situations of libyaml's scanner that matter for brackets.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Lex {
    /// Between tokens, where a new token may start.
    Token,
    /// Inside a plain scalar, just after a non-blank character.
    Plain,
    /// Inside a plain scalar, after a blank (a `#` now starts a comment).
    PlainWs,
    /// Inside a single-quoted scalar.
    Sq,
    /// Inside a single-quoted scalar, just after a `'` (closing, or the first of `''`).
    SqQuote,
    /// Inside a double-quoted scalar.
    Dq,
    /// After a backslash inside a double-quoted scalar.
    DqEsc,
    /// In a comment or a directive, up to the line break.
    Comment,
    /// In an anchor, alias or tag name (`&a`, `*a`, `!!int`), up to a blank.
    Name,
    /// Inside a verbatim tag `!<…>`, where brackets are URI characters.
    Verbatim,
    /// Inside a block scalar (`|` or `>`), block context only. Its depth slot holds
    /// one more than the greatest column its parent (the key or `-` that owns it) can
    /// be at, instead of a depth (block context has depth 0).
    Block,
}

pub(super) const LEXES: [Lex; 11] = [
    Lex::Token,
    Lex::Plain,
    Lex::PlainWs,
    Lex::Sq,
    Lex::SqQuote,
    Lex::Dq,
    Lex::DqEsc,
    Lex::Comment,
    Lex::Name,
    Lex::Verbatim,
    Lex::Block,
];

/// What follows the byte being read (enough lookahead for `: `, `- `, `? `, `!<`,
/// `''`), and, for a `|` there, one more than the greatest column its parent can be at.
#[derive(Clone, Copy)]
pub(super) struct Next {
    pub byte: u8,
    pub blank: bool,
    pub parent: u32,
}

/// At a line break; `indent` is the next line's (`None` when it is blank).
pub(super) fn newline(out: &mut States, lex: Lex, flow: bool, depth: u32, indent: Option<u32>) {
    match lex {
        Lex::Token | Lex::Comment | Lex::Name | Lex::Verbatim | Lex::SqQuote => {
            out.add(Lex::Token, flow, depth)
        }
        // A plain scalar goes on across lines in flow context; in block context only
        // when the next line is indented more, which is not tracked: both readings.
        Lex::Plain | Lex::PlainWs => {
            out.add(Lex::PlainWs, flow, depth);
            if !flow {
                out.add(Lex::Token, false, 0);
            }
        }
        Lex::Sq => out.add(Lex::Sq, flow, depth),
        Lex::Dq | Lex::DqEsc => out.add(Lex::Dq, flow, depth),
        // A block scalar ends at a line indented less than its content, which is not
        // tracked. But after it only a line indented no more than its parent (left of
        // the `|`) can go on without an error: only there is "ended" a reading.
        Lex::Block => {
            out.add(Lex::Block, false, depth);
            if indent.is_some_and(|n| n < depth) {
                out.add(Lex::Token, false, 0);
            }
        }
    }
}

/// Reads one special byte `b` in state (`lex`, `flow`, `depth`).
pub(super) fn step(out: &mut States, lex: Lex, flow: bool, depth: u32, b: u8, next: Next) {
    match lex {
        Lex::Token => token(out, flow, depth, b, next),
        Lex::Plain | Lex::PlainWs => plain(out, lex, flow, depth, b, next),
        Lex::Name => name(out, flow, depth, b, next),
        Lex::Sq => out.add(if b == b'\'' { Lex::SqQuote } else { Lex::Sq }, flow, depth),
        Lex::SqQuote if b == b'\'' => out.add(Lex::Sq, flow, depth),
        Lex::SqQuote => token(out, flow, depth, b, next),
        Lex::Dq => {
            let lex = match b {
                b'"' => Lex::Token,
                b'\\' => Lex::DqEsc,
                _ => Lex::Dq,
            };
            out.add(lex, flow, depth);
        }
        Lex::DqEsc => out.add(Lex::Dq, flow, depth),
        Lex::Verbatim if b == b'>' => out.add(Lex::Token, flow, depth),
        Lex::Comment | Lex::Verbatim | Lex::Block => out.add(lex, flow, depth),
    }
}

/// A special byte where a token may start.
fn token(out: &mut States, flow: bool, depth: u32, b: u8, next: Next) {
    let lex = match b {
        b' ' | b'\t' | b',' => Lex::Token,
        b'#' | b'%' => Lex::Comment,
        b'\'' => Lex::Sq,
        b'"' => Lex::Dq,
        b'[' | b'{' => {
            let d = if flow { depth.saturating_add(1) } else { 1 };
            return out.add(Lex::Token, true, d);
        }
        b']' | b'}' => return close(out, flow, depth),
        b'-' | b':' | b'?' if next.blank => Lex::Token,
        // In flow context libyaml takes `:x` and `?x` for indicators; YAML 1.2 (saphyr,
        // which checks the depth exactly) for the start of a plain scalar.
        b':' | b'?' if flow => {
            out.add(Lex::Plain, flow, depth);
            Lex::Token
        }
        b'!' if next.byte == b'<' => Lex::Verbatim,
        b'!' | b'&' | b'*' => Lex::Name,
        b'|' | b'>' if !flow => return out.add(Lex::Block, false, next.parent),
        _ => Lex::Plain,
    };
    out.add(lex, flow, depth);
}

/// A closing bracket between tokens. The depth kept is the greatest any reading can
/// have, so the real one may be 1 and end flow context: block context is always a
/// reading too.
fn close(out: &mut States, flow: bool, depth: u32) {
    if flow && depth > 1 {
        out.add(Lex::Token, true, depth - 1);
    }
    out.add(Lex::Token, false, 0);
}

/// A special byte inside an anchor, alias or tag name. A flow indicator ends it in
/// flow context (`[*a]`); anywhere else libyaml fails unless a blank follows the name,
/// but take the byte both ways.
fn name(out: &mut States, flow: bool, depth: u32, b: u8, next: Next) {
    match b {
        b' ' | b'\t' => out.add(Lex::Token, flow, depth),
        b',' | b'[' | b']' | b'{' | b'}' => {
            if !flow {
                out.add(Lex::Name, flow, depth);
            }
            token(out, flow, depth, b, next);
        }
        _ => out.add(Lex::Name, flow, depth),
    }
}

/// A special byte inside a plain scalar.
fn plain(out: &mut States, lex: Lex, flow: bool, depth: u32, b: u8, next: Next) {
    match b {
        b' ' | b'\t' => out.add(Lex::PlainWs, flow, depth),
        b'#' if lex == Lex::PlainWs => out.add(Lex::Comment, flow, depth),
        b':' if next.blank || (flow && matches!(next.byte, b',' | b'[' | b']' | b'{' | b'}')) => {
            out.add(Lex::Token, flow, depth)
        }
        // Flow indicators end a plain scalar in flow context; in block they are text.
        b',' | b'[' | b']' | b'{' | b'}' if flow => token(out, flow, depth, b, next),
        _ => out.add(Lex::Plain, flow, depth),
    }
}

pub(super) fn ordinary_step(lex: Lex) -> Lex {
    match lex {
        // A quote closed by the `'` just read: what follows starts a token.
        Lex::Token | Lex::Plain | Lex::PlainWs | Lex::SqQuote => Lex::Plain,
        Lex::DqEsc => Lex::Dq,
        other => other,
    }
}
