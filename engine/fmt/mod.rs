//! `uplan fmt`: rule files in one canonical layout, every comment kept.
//!
//! Downstream of `syntax` only: a file is formatted when it parses, and the result
//! must parse too and hold the same tokens in the same order (the formatter moves
//! whitespace and nothing else), or the formatter reports its own failure instead of
//! writing a changed program.

mod layout;
mod lex;

use crate::diagnostics::{Problem, Problems};
use crate::source::{Sources, Span};
use crate::syntax;

/// The diagnostic code of a file the formatter could not format faithfully.
pub const UNFAITHFUL: &str = "uplan::fmt::unfaithful";

/// The canonical text of file `file` of `sources`; its syntax errors when it does
/// not parse.
pub fn format(sources: &Sources, file: u32) -> Result<String, Problems> {
    syntax::parse(sources, file)?;
    let text = sources.get(file).text.clone();
    let formatted = layout::layout(&lex::lex(&text));
    if !same_tokens(&text, &formatted) || !parses(sources.get(file).name.as_str(), &formatted) {
        let span = Span::new(file, 0, 0);
        let problem = Problem::new(
            UNFAITHFUL,
            "the formatter would change this file's meaning, so it leaves it alone",
        )
        .at(sources, span, "this file")
        .help("this is a bug in uplan fmt: please report it with the file");
        return Err(problem.into());
    }
    Ok(formatted)
}

/// Formats a text on its own (for tests and tools): `name` labels diagnostics.
pub fn format_text(name: &str, text: &str) -> Result<String, Problems> {
    let mut sources = Sources::default();
    let file = sources.add(name, text);
    format(&sources, file)
}

/// Whether two texts hold the same tokens in the same order. A dotted path is one
/// token whatever the spacing around its dots (`c . name` is `c.name`, which the
/// formatter writes), so runs of words joined by `.` are compared joined.
fn same_tokens(a: &str, b: &str) -> bool {
    code(a) == code(b)
}

fn code(text: &str) -> Vec<(lex::Kind, String)> {
    let mut out: Vec<(lex::Kind, String)> = Vec::new();
    let mut joining = false;
    for t in lex::lex(text)
        .into_iter()
        .filter(|t| t.kind != lex::Kind::Newline)
    {
        let text = t.text.trim_end().to_string();
        let after_word = out.last().is_some_and(|(k, _)| *k == lex::Kind::Word);
        match (t.kind, out.last_mut()) {
            (lex::Kind::Punct, Some((lex::Kind::Word, w))) if text == "." => {
                w.push('.');
                joining = true;
            }
            (lex::Kind::Word, Some((lex::Kind::Word, w))) if joining && after_word => {
                w.push_str(&text);
                joining = false;
            }
            _ => {
                joining = false;
                out.push((t.kind, text));
            }
        }
    }
    out
}

fn parses(name: &str, text: &str) -> bool {
    let mut sources = Sources::default();
    let file = sources.add(name, text);
    syntax::parse(&sources, file).is_ok()
}

#[cfg(test)]
mod tests;
