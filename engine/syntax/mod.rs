//! Stage 1: rule files → AST (pest grammar; nothing outside this module sees pest).

pub mod ast;
mod chars;
pub mod codes;
mod depth;
mod error;
pub mod limits;
mod lower;
mod lower_runbook;
mod lower_test;

use pest::Parser;
use pest_derive::Parser;

use crate::diagnostics::{Problem, Problems};
use crate::source::{Sources, Span};

#[derive(Parser)]
// pest resolves grammar paths from the crate root.
#[grammar = "engine/syntax/grammar.pest"]
struct Grammar;

/// Parses one rule file of `sources` into its AST. A syntax error stops the file
/// (pest reports the furthest point it reached); literal errors are all collected.
pub fn parse(sources: &Sources, file: u32) -> Result<ast::Module, Problems> {
    parse_measured(sources, file).0
}

/// [`parse`], and the highest and largest expression the file holds.
fn parse_measured(sources: &Sources, file: u32) -> (Result<ast::Module, Problems>, lower::Peak) {
    let text = sources.get(file).text.clone();
    let mut lower = lower::Lower::new(file, sources);
    if text.len() > limits::MAX_FILE_BYTES {
        return (Err(too_large(sources, file, text.len()).into()), lower.peak);
    }
    if let Err(p) = chars::check(sources, file, &text) {
        return (Err(p.into()), lower.peak);
    }
    if let Err(p) = depth::check(sources, file, &text) {
        return (Err(p.into()), lower.peak);
    }
    let module = match Grammar::parse(Rule::module, &text) {
        Ok(mut pairs) => match pairs.next() {
            Some(pair) => lower.module(pair),
            None => ast::Module {
                file,
                ..Default::default()
            },
        },
        Err(e) => {
            return (
                Err(error::from_pest(sources, file, &text, e).into()),
                lower.peak,
            );
        }
    };
    (Problems(lower.problems).into_result(module), lower.peak)
}

/// A rule file past [`limits::MAX_FILE_BYTES`], pointed at its first line.
fn too_large(sources: &Sources, file: u32, len: usize) -> Problem {
    let max = limits::MAX_FILE_BYTES;
    Problem::new(
        codes::FILE_TOO_LARGE,
        format!("this rule file has {len} bytes, more than the {max} a rule file may have"),
    )
    .at(sources, Span::new(file, 0, 0), "this file")
    .help("split the rules over several files")
}

#[cfg(test)]
mod tests;
