//! A nesting guard run before pest: the generated parser recurses about ten calls
//! per bracket, so a file with hundreds of nested brackets would overflow the stack
//! instead of failing. Real rules nest a handful of levels.

use super::codes;
use super::limits::MAX_BRACKET_DEPTH as MAX_DEPTH;
use crate::diagnostics::Problem;
use crate::source::{Sources, Span};

/// What an open bracket was: a bracket in code, or a `{hole}` inside a string.
#[derive(PartialEq)]
enum Open {
    Code,
    Hole,
}

/// The first bracket that nests deeper than [`MAX_DEPTH`], as a diagnostic.
pub fn check(sources: &Sources, file: u32, text: &str) -> Result<(), Problem> {
    let mut stack: Vec<Open> = Vec::new();
    let mut in_string = false;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match (in_string, c) {
            (true, '\\') => {
                chars.next();
            }
            (true, '"') => in_string = false,
            (true, '{') => {
                stack.push(Open::Hole);
                in_string = false;
            }
            (true, _) => {}
            (false, '"') => in_string = true,
            (false, '#') => while chars.next_if(|(_, c)| *c != '\n').is_some() {},
            (false, '(' | '[' | '{') => stack.push(Open::Code),
            (false, ')' | ']' | '}') => in_string = stack.pop() == Some(Open::Hole),
            _ => {}
        }
        if stack.len() > MAX_DEPTH {
            let span = Span::new(file, i, i + c.len_utf8());
            return Err(Problem::new(
                codes::TOO_DEEP,
                format!("brackets nest more than {MAX_DEPTH} levels deep"),
            )
            .at(sources, span, "too deep")
            .help("split the condition into several `each … where` or `when` clauses"));
        }
    }
    Ok(())
}
