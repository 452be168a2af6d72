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

fn same_tokens(a: &str, b: &str) -> bool {
    let code = |t: &str| -> Vec<(lex::Kind, String)> {
        lex::lex(t)
            .into_iter()
            .filter(|t| t.kind != lex::Kind::Newline)
            .map(|t| (t.kind, t.text.trim_end().to_string()))
            .collect()
    };
    code(a) == code(b)
}

fn parses(name: &str, text: &str) -> bool {
    let mut sources = Sources::default();
    let file = sources.add(name, text);
    syntax::parse(&sources, file).is_ok()
}

#[cfg(test)]
mod tests;
