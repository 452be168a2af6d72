//! JSON files of a bundle, read into typed shapes. serde_json reports where it
//! stopped (line and column) for syntax and shape faults alike, so every fault points
//! at its place in the file.

use serde::de::DeserializeOwned;

use super::codes;
use crate::diagnostics::Problem;
use crate::source::{Sources, Span};

/// `text` (file `file` of `sources`) as a `T`, or a coded diagnostic at the place
/// serde_json stopped.
pub fn parse<T: DeserializeOwned>(sources: &Sources, file: u32, what: &str) -> Result<T, Problem> {
    let text = &sources.get(file).text;
    serde_json::from_str(text).map_err(|e| fault(sources, file, what, &e))
}

fn fault(sources: &Sources, file: u32, what: &str, e: &serde_json::Error) -> Problem {
    use serde_json::error::Category;
    let text = &sources.get(file).text;
    let mut at = offset(text, e.line(), e.column());
    // At the end of a truncated file, show its last character (an empty span at the
    // very end has no line to be drawn on).
    if at == text.len() {
        at = text.trim_end().char_indices().last().map_or(0, |(i, _)| i);
    }
    let end = text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
    let span = Span::new(file, at, end);
    let name = &sources.get(file).name;
    let reason = strip_position(&e.to_string());
    match e.classify() {
        Category::Data => Problem::new(
            codes::WRONG_SHAPE,
            format!("`{name}` is JSON, but not {what}: {reason}"),
        )
        .at(sources, span, "here")
        .help(format!(
            "the file must be {what}, unchanged; collect it again with the script of `uplan inventory collect`"
        )),
        Category::Syntax | Category::Eof | Category::Io => Problem::new(
            codes::BAD_JSON,
            format!("`{name}` is not JSON: {reason}"),
        )
        .at(sources, span, "the JSON breaks here")
        .help(format!(
            "the file must be {what}, as kubectl wrote it; a truncated copy or an error page is not; collect it again"
        )),
    }
}

/// serde_json's message without its ` at line L column C` tail (the label shows it).
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// The byte offset of serde_json's 1-based line and column (column 0: the line's
/// start), clamped to the text and to a char boundary.
fn offset(text: &str, line: usize, column: usize) -> usize {
    let mut start = 0;
    for _ in 1..line {
        match text[start..].find('\n') {
            Some(i) => start += i + 1,
            None => break,
        }
    }
    let mut at = (start + column.saturating_sub(1)).min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_follow_lines_and_stay_in_the_text() {
        assert_eq!(offset("ab\ncd", 2, 2), 4);
        assert_eq!(offset("ab\ncd", 9, 9), 5);
        assert_eq!(offset("é", 1, 2), 0);
        assert_eq!(offset("", 0, 0), 0);
    }

    #[test]
    fn faults_are_coded_and_placed() {
        let mut s = Sources::default();
        let f = s.add("n.json", "{\"items\": [1,]}");
        let e = parse::<serde_json::Value>(&s, f, "a Node list").map(|_| ());
        let p = e.err().map(|p| (p.code, p.span.map(|s| s.start)));
        assert_eq!(p, Some((codes::BAD_JSON, Some(13))));
        let g = s.add("m.json", "{\"a\": 1}");
        let e = parse::<Vec<u8>>(&s, g, "a list").map(|_| ());
        assert_eq!(e.err().map(|p| p.code), Some(codes::WRONG_SHAPE));
    }
}
