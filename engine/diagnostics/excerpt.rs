//! The part of a source file one diagnostic shows, as miette source code of its own.
//!
//! miette renders a snippet from the bytes a `SourceCode` hands it and places labels
//! by byte offset into them. Handing it the file itself has three problems: a label
//! past column 65,535 overflows its formatting width (a panic since Rust 1.87), a
//! long line is printed whole, and the bytes reach the terminal as they are. So each
//! diagnostic gets an excerpt instead: the lines around its labels (grouped as miette
//! groups them), each long line cut down to windows around the labels with `…` in
//! between, secrets masked and control characters replaced; and the labels are moved
//! to the excerpt's offsets. The excerpt still reports each line's true number and
//! the true column of a label, so `file:line:column` is that of the file.

use std::ops::Range;

use miette::{LabeledSpan, MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

use crate::sanitize;
use crate::source::SourceFile;

/// Lines up to this many bytes are shown whole (so ordinary snippets look as miette
/// always drew them); longer ones are cut to windows.
pub const LONG_LINE: usize = 240;
/// Bytes of context shown on each side of a label's start or end in a long line.
pub const CONTEXT: usize = 60;
/// Of a label longer than this on a long line, only its first and last this many
/// bytes are shown.
pub const SPAN_CAP: usize = 60;
/// A label spanning more lines than this is shown on its first line only.
pub const MAX_LABEL_LINES: usize = 40;
/// What stands for elided text in a long line.
const ELLIPSIS: &str = "…";

/// A label in true file offsets, clamped to the file.
#[derive(Clone, Copy)]
struct Mark {
    start: usize,
    end: usize,
}

/// `at..at + shown` of the excerpt shows `from..from + len` of the file (the two
/// lengths differ only for a line break: `\r\n` is shown as `\n`).
#[derive(Clone, Copy, Debug)]
struct Piece {
    at: usize,
    shown: usize,
    from: usize,
    len: usize,
}

#[derive(Debug)]
struct Line {
    /// True 0-based line number.
    number: usize,
    /// The true offset of the line's first byte.
    true_start: usize,
    /// Excerpt offsets of the line, its line break included.
    start: usize,
    end: usize,
    /// Index into `Excerpt::blocks`.
    block: usize,
    pieces: Vec<Piece>,
}

/// See the module documentation.
#[derive(Debug)]
pub struct Excerpt {
    name: String,
    text: String,
    lines: Vec<Line>,
    /// Runs of consecutive true lines, as ranges of indices into `lines`.
    blocks: Vec<Range<usize>>,
}

impl Excerpt {
    /// The excerpt of `file` for `labels` (true offsets), the labels moved into it,
    /// and the secrets the excerpt masked (their true text, for messages).
    pub fn new(
        file: &SourceFile,
        name: String,
        labels: &[LabeledSpan],
    ) -> (Excerpt, Vec<LabeledSpan>, Vec<String>) {
        let marks: Vec<Mark> = labels.iter().map(|l| mark(file, l)).collect();
        let mut excerpt = Excerpt {
            name,
            text: String::new(),
            lines: Vec::new(),
            blocks: Vec::new(),
        };
        let mut secrets = Vec::new();
        for block in blocks(file, &marks) {
            let first = excerpt.lines.len();
            for line in block {
                excerpt.push_line(file, line, &marks, &mut secrets);
            }
            excerpt.blocks.push(first..excerpt.lines.len());
        }
        let moved = labels
            .iter()
            .zip(&marks)
            .map(|(l, m)| {
                let start = excerpt.to_excerpt(file, m.start, true);
                let end = excerpt.to_excerpt(file, m.end, false).max(start);
                LabeledSpan::new(l.label().map(str::to_string), start, end - start)
            })
            .collect();
        (excerpt, moved, secrets)
    }

    /// Appends true line `line`: its windows, masked and sanitized, then its break.
    fn push_line(
        &mut self,
        file: &SourceFile,
        line: usize,
        marks: &[Mark],
        secrets: &mut Vec<String>,
    ) {
        let content = file.line_content(line);
        let start = self.text.len();
        let windows = windows(file, content.clone(), marks);
        let mut pieces = Vec::with_capacity(windows.len() + 1);
        for (i, w) in windows.iter().enumerate() {
            if (i == 0 && w.start > content.start) || i > 0 {
                self.text.push_str(ELLIPSIS);
            }
            let at = self.text.len();
            self.text.push_str(&shown(file, w.clone(), secrets));
            pieces.push(Piece {
                at,
                shown: w.len(),
                from: w.start,
                len: w.len(),
            });
        }
        if windows.last().is_some_and(|w| w.end < content.end) {
            self.text.push_str(ELLIPSIS);
        }
        let next = file.line_starts().get(line + 1).copied();
        if let Some(next) = next {
            pieces.push(Piece {
                at: self.text.len(),
                shown: 1,
                from: content.end,
                len: next - content.end,
            });
            self.text.push('\n');
        }
        self.lines.push(Line {
            number: line,
            true_start: file.line_starts()[line],
            start,
            end: self.text.len(),
            block: self.blocks.len(),
            pieces,
        });
    }

    /// The excerpt offset showing true offset `offset`. Inside elided text, a start
    /// moves back to the `…` before it and an end forward past it, so the underline
    /// covers the ellipsis.
    fn to_excerpt(&self, file: &SourceFile, offset: usize, start: bool) -> usize {
        let number = file.line_of(offset);
        let i = self
            .lines
            .partition_point(|l| l.number < number)
            .min(self.lines.len().saturating_sub(1));
        let Some(line) = self.lines.get(i) else {
            return 0;
        };
        let mut before = line.start;
        for p in &line.pieces {
            if offset < p.from {
                return if start { before } else { p.at };
            }
            if offset <= p.from + p.len {
                return p.at + (offset - p.from).min(p.shown);
            }
            before = p.at + p.shown;
        }
        line.end
    }

    /// The true 0-based column (bytes) of excerpt offset `at` on excerpt line `i`.
    fn true_column(&self, i: usize, at: usize) -> usize {
        let line = &self.lines[i];
        let true_offset = line
            .pieces
            .iter()
            .find(|p| at < p.at + p.shown || (at == p.at + p.shown && p.shown > 0))
            .map_or(line.true_start, |p| {
                p.from + at.saturating_sub(p.at).min(p.len)
            });
        true_offset.saturating_sub(line.true_start)
    }

    fn line_at(&self, at: usize) -> usize {
        self.lines
            .partition_point(|l| l.start <= at)
            .saturating_sub(1)
    }
}

/// A label clamped to the file and to [`MAX_LABEL_LINES`].
fn mark(file: &SourceFile, label: &LabeledSpan) -> Mark {
    let len = file.text.len();
    let start = label.offset().min(len);
    let end = (label.offset().saturating_add(label.len())).clamp(start, len);
    let first = file.line_of(start);
    let last = file.line_of(end.saturating_sub(1).max(start));
    if last - first > MAX_LABEL_LINES {
        let cut = file.line_content(first).end.max(start);
        return Mark { start, end: cut };
    }
    Mark { start, end }
}

/// The true lines shown, as runs: each label's lines with one line of context on
/// either side, runs that touch merged — the grouping miette applies to the reads.
fn blocks(file: &SourceFile, marks: &[Mark]) -> Vec<Range<usize>> {
    let last_line = file.line_starts().len() - 1;
    let mut ranges: Vec<(usize, usize)> = marks
        .iter()
        .map(|m| {
            let first = file.line_of(m.start);
            let last = file.line_of(m.end.saturating_sub(1).max(m.start));
            (first.saturating_sub(1), (last + 1).min(last_line))
        })
        .collect();
    ranges.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (top, bottom) in ranges {
        match merged.last_mut() {
            Some(last) if top <= last.1 + 1 => last.1 = last.1.max(bottom),
            _ => merged.push((top, bottom)),
        }
    }
    merged.into_iter().map(|(t, b)| t..b + 1).collect()
}

/// The parts of a line's content to show: all of a short line; of a long one,
/// windows around every label start and end on it (or its beginning when none).
fn windows(file: &SourceFile, content: Range<usize>, marks: &[Mark]) -> Vec<Range<usize>> {
    if content.len() <= LONG_LINE {
        return vec![content];
    }
    let on = |x: usize| content.contains(&x) || x == content.end;
    // (from, to, anchor): the window and the label point it is for.
    let mut wanted: Vec<(usize, usize, usize)> = Vec::new();
    for m in marks {
        if on(m.start) {
            let to = m.end.min(m.start + SPAN_CAP);
            wanted.push((m.start.saturating_sub(CONTEXT), to + CONTEXT, m.start));
        }
        if on(m.end) && m.end > m.start {
            let from = m.start.max(m.end.saturating_sub(SPAN_CAP));
            wanted.push((from.saturating_sub(CONTEXT), m.end + CONTEXT, from));
        }
    }
    if wanted.is_empty() {
        wanted.push((content.start, content.start + 2 * CONTEXT, content.start));
    }
    wanted.sort_unstable();
    let text = &file.text;
    let mut out: Vec<Range<usize>> = Vec::new();
    for (from, to, anchor) in wanted {
        let mut from = floor(text, from.clamp(content.start, content.end));
        // Blanks right after a `…` say nothing: start at the text before the label.
        if from > content.start {
            while from < anchor && matches!(text.as_bytes()[from], b' ' | b'\t') {
                from += 1;
            }
        }
        let to = ceil(text, to.clamp(content.start, content.end));
        match out.last_mut() {
            // A gap narrower than a few bytes is shown rather than elided.
            Some(last) if from <= last.end + 8 => last.end = last.end.max(to),
            _ => out.push(from..to),
        }
    }
    out
}

fn floor(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn ceil(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at += 1;
    }
    at
}

/// True range `range` of the file as shown: secrets masked with `*`, then control
/// characters replaced, both byte for byte. Records the secrets it masked.
fn shown(file: &SourceFile, range: Range<usize>, secrets: &mut Vec<String>) -> String {
    let mut text = file.text[range.clone()].to_string();
    let all = file.secrets();
    let first = all.partition_point(|s| s.end <= range.start);
    for s in all[first..].iter().take_while(|s| s.start < range.end) {
        let (from, to) = (s.start.max(range.start), s.end.min(range.end));
        text.replace_range(from - range.start..to - range.start, &"*".repeat(to - from));
        if secrets.len() < MAX_SECRETS {
            secrets.push(file.text[s.clone()].to_string());
        }
    }
    sanitize::same_length(&text).into_owned()
}

/// At most this many secrets of one excerpt are looked for in its texts.
const MAX_SECRETS: usize = 32;

impl SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let (start, end) = (span.offset(), span.offset() + span.len());
        if end > self.text.len() || self.lines.is_empty() {
            return Err(MietteError::OutOfBounds);
        }
        let first = self.line_at(start);
        let last = self.line_at(end.saturating_sub(1).max(start));
        let block = &self.blocks[self.lines[first].block];
        let top = first.saturating_sub(context_lines_before).max(block.start);
        let bottom = (last + context_lines_after).min(block.end - 1).max(first);
        let (from, column) = if context_lines_before == 0 {
            (start, self.true_column(first, start))
        } else {
            (self.lines[top].start, 0)
        };
        let to = self.lines[bottom].end.max(from);
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            &self.text.as_bytes()[from..to],
            SourceSpan::new(from.into(), to - from),
            self.lines[top].number,
            column,
            bottom - top + 1,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Sources;

    fn excerpt(text: &str, spans: &[(usize, usize)]) -> (Excerpt, Vec<LabeledSpan>) {
        let mut sources = Sources::default();
        let id = sources.add("f", text);
        let labels: Vec<LabeledSpan> = spans
            .iter()
            .map(|&(s, e)| LabeledSpan::new(Some("here".into()), s, e - s))
            .collect();
        let (x, moved, _) = Excerpt::new(sources.get(id), "f".into(), &labels);
        (x, moved)
    }

    fn under<'a>(x: &'a Excerpt, l: &LabeledSpan) -> &'a str {
        &x.text[l.offset()..l.offset() + l.len()]
    }

    #[test]
    fn short_lines_are_copied_with_their_neighbours() {
        let text = "a\nbb\nccc\ndd\ne\n";
        let (x, moved) = excerpt(text, &[(5, 8)]);
        assert_eq!(x.text, "bb\nccc\ndd\n");
        assert_eq!(under(&x, &moved[0]), "ccc");
        let read = x.read_span(&moved[0].inner().clone(), 0, 0).ok();
        assert_eq!(read.map(|r| (r.line(), r.column())), Some((2, 0)));
    }

    #[test]
    fn a_long_line_is_windowed_around_its_labels() {
        let text = format!("{}NEEDLE{}\n", "x".repeat(100_000), "y".repeat(100_000));
        let (x, moved) = excerpt(&text, &[(100_000, 100_006)]);
        assert!(x.text.len() < 200, "{}", x.text.len());
        assert_eq!(under(&x, &moved[0]), "NEEDLE");
        assert!(
            x.text.starts_with('…') && x.text.ends_with("…\n"),
            "{}",
            x.text
        );
        let read = x.read_span(&moved[0].inner().clone(), 0, 0).ok();
        assert_eq!(read.map(|r| (r.line(), r.column())), Some((0, 100_000)));
    }

    #[test]
    fn blanks_after_an_ellipsis_are_dropped_but_indentation_is_kept() {
        let text = format!("{}word\n", " ".repeat(1000));
        let (x, moved) = excerpt(&text, &[(1000, 1004)]);
        assert_eq!(x.text, "…word\n");
        assert_eq!(under(&x, &moved[0]), "word");
        let text = format!("    key: {}\n", "v".repeat(1000));
        let (x, _) = excerpt(&text, &[(4, 7)]);
        assert!(x.text.starts_with("    key: vvv"), "{}", x.text);
    }

    #[test]
    fn labels_far_apart_get_a_window_each() {
        let text = format!("A{}B\n", "x".repeat(50_000));
        let (x, moved) = excerpt(&text, &[(0, 1), (50_001, 50_002)]);
        assert_eq!(under(&x, &moved[0]), "A");
        assert_eq!(under(&x, &moved[1]), "B");
        assert_eq!(x.text.matches('…').count(), 1, "{}", x.text);
    }

    #[test]
    fn a_long_label_shows_its_head_and_tail() {
        let text = format!("k: {}\n", "v".repeat(10_000));
        let (x, moved) = excerpt(&text, &[(3, 10_003)]);
        let shown = under(&x, &moved[0]);
        assert!(shown.contains('…'), "{shown}");
        assert!(shown.len() < 2 * (SPAN_CAP + CONTEXT) + 10, "{shown}");
    }

    #[test]
    fn distant_lines_are_separate_blocks() {
        let text: String = (0..100).map(|i| format!("line {i}\n")).collect();
        let a = text.find("line 10").unwrap_or(0);
        let b = text.find("line 90").unwrap_or(0);
        let (x, moved) = excerpt(&text, &[(a, a + 4), (b, b + 4)]);
        assert_eq!(x.blocks.len(), 2);
        assert_eq!(
            x.lines.iter().map(|l| l.number).collect::<Vec<_>>(),
            [9, 10, 11, 89, 90, 91]
        );
        let read = x.read_span(&moved[1].inner().clone(), 5, 5).ok();
        assert_eq!(read.map(|r| (r.line(), r.line_count())), Some((89, 3)));
    }

    #[test]
    fn controls_and_secrets_keep_offsets() {
        let text = "a: \x1b[2J\nregistry_password: \"hunter2\" \u{202e}x\n";
        let at = text.find('x').unwrap_or(0);
        let (x, moved) = excerpt(text, &[(at, at + 1)]);
        assert_eq!(x.text, "a: ?[2J\nregistry_password: \"*******\" ???x\n");
        assert_eq!(under(&x, &moved[0]), "x");
    }

    #[test]
    fn spans_past_the_end_and_empty_files_are_clamped() {
        let (x, moved) = excerpt("", &[(0, 0), (5, 9)]);
        assert_eq!((x.text.as_str(), moved[1].offset()), ("", 0));
        let (x, moved) = excerpt("abc\n", &[(4, 4)]);
        assert_eq!(moved[0].offset(), x.text.len());
        assert!(x.read_span(&moved[0].inner().clone(), 1, 1).is_ok());
    }
}
