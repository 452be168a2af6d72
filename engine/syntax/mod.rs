//! Stage 1: rule files → AST (pest grammar; nothing outside this module sees pest).

pub mod ast;
mod depth;
mod error;
mod lower;

use pest::Parser;
use pest_derive::Parser;

use crate::diagnostics::Problems;
use crate::source::Sources;

#[derive(Parser)]
// pest resolves grammar paths from the crate root.
#[grammar = "engine/syntax/grammar.pest"]
struct Grammar;

/// Parses one rule file of `sources` into its AST. A syntax error stops the file
/// (pest reports the furthest point it reached); literal errors are all collected.
pub fn parse(sources: &Sources, file: u32) -> Result<ast::Module, Problems> {
    let text = sources.get(file).text.clone();
    depth::check(sources, file, &text)?;
    let mut pairs = match Grammar::parse(Rule::module, &text) {
        Ok(pairs) => pairs,
        Err(e) => return Err(error::from_pest(sources, file, &text, e).into()),
    };
    let mut lower = lower::Lower {
        file,
        sources,
        problems: Vec::new(),
    };
    let module = match pairs.next() {
        Some(pair) => lower.module(pair),
        None => ast::Module {
            file,
            ..Default::default()
        },
    };
    Problems(lower.problems).into_result(module)
}

#[cfg(test)]
mod tests;
