//! Source files and byte spans shared by every stage.

use std::fmt;
use std::ops::Range;
use std::sync::{Arc, OnceLock};

use miette::{NamedSource, SourceSpan};

use crate::sanitize;

/// A byte range inside one of the files held by [`Sources`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub file: u32,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: u32, start: usize, end: usize) -> Span {
        Span {
            file,
            start: start as u32,
            end: end as u32,
        }
    }

    /// The smallest span covering both (assumed to be in the same file).
    pub fn to(self, other: Span) -> Span {
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    pub fn source_span(self) -> SourceSpan {
        SourceSpan::new(
            (self.start as usize).into(),
            (self.end - self.start) as usize,
        )
    }
}

/// One file's name and text, with what diagnostics need of it computed on first use
/// and then shared by every diagnostic pointing into it.
#[derive(Clone)]
pub struct SourceFile {
    pub name: String,
    pub text: Arc<str>,
    /// Byte offsets of line starts, for snippets and `line:column`.
    line_starts: OnceLock<Box<[usize]>>,
    /// Byte ranges of secrets ([`sanitize::secret_ranges`]), masked in every snippet.
    secrets: OnceLock<Box<[Range<usize>]>>,
}

impl SourceFile {
    fn new(name: String, text: Arc<str>) -> SourceFile {
        SourceFile {
            name,
            text,
            line_starts: OnceLock::new(),
            secrets: OnceLock::new(),
        }
    }

    /// Byte offsets where lines start (the first is 0): one scan, on first use.
    pub fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            let mut starts = vec![0];
            starts.extend(
                self.text
                    .bytes()
                    .enumerate()
                    .filter(|(_, b)| *b == b'\n')
                    .map(|(i, _)| i + 1),
            );
            starts.into()
        })
    }

    /// The 0-based line holding byte `offset` (offsets past the end: the last line).
    pub fn line_of(&self, offset: usize) -> usize {
        self.line_starts()
            .partition_point(|&s| s <= offset)
            .saturating_sub(1)
    }

    /// The byte range of 0-based line `line` without its line break (`\n`, `\r\n`).
    pub fn line_content(&self, line: usize) -> Range<usize> {
        let starts = self.line_starts();
        let start = starts.get(line).copied().unwrap_or(self.text.len());
        let mut end = starts.get(line + 1).map_or(self.text.len(), |&s| s - 1);
        if end > start && self.text.as_bytes()[end - 1] == b'\r' && end < self.text.len() {
            end -= 1;
        }
        start..end.max(start)
    }

    /// 1-based line and column (in bytes, as miette counts) of byte `offset`.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let line = self.line_of(offset);
        (
            line + 1,
            offset.saturating_sub(self.line_starts()[line]) + 1,
        )
    }

    /// The secrets of the file, sorted and disjoint: one scan, on first use.
    pub fn secrets(&self) -> &[Range<usize>] {
        self.secrets
            .get_or_init(|| sanitize::secret_ranges(&self.text).into())
    }
}

impl fmt::Debug for SourceFile {
    /// Name and size only: a diagnostic's `{:?}` must not dump a file (nor its secrets).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SourceFile")
            .field("name", &self.name)
            .field("bytes", &self.text.len())
            .finish()
    }
}

/// Every file a run has read: rule files first, then inventories and plans.
#[derive(Clone, Debug, Default)]
pub struct Sources {
    files: Vec<IndexedSource>,
}

impl Sources {
    pub fn add(&mut self, name: impl Into<String>, text: impl Into<Arc<str>>) -> u32 {
        let file = SourceFile::new(name.into(), text.into());
        self.files.push(IndexedSource(Arc::new(file)));
        (self.files.len() - 1) as u32
    }

    pub fn get(&self, file: u32) -> &SourceFile {
        &self.files[file as usize].0
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// `rules/acp/x.uplan:12:3`: where a span starts, as editors and people read it.
    pub fn place(&self, span: Span) -> String {
        let file = self.get(span.file);
        let (line, col) = file.line_col(span.start as usize);
        format!("{}:{line}:{col}", file.name)
    }

    /// The text a span points into, for slicing identifiers back out.
    pub fn slice(&self, span: Span) -> &str {
        let text = &self.get(span.file).text;
        text.get(span.start as usize..span.end as usize)
            .unwrap_or("")
    }

    /// A handle on a file for diagnostics: an `Arc` clone, so every diagnostic of the
    /// file shares its text, line index and secret ranges.
    pub fn shared(&self, file: u32) -> IndexedSource {
        self.files[file as usize].clone()
    }

    /// The file as a miette source holding its own copy of the text. Diagnostics use
    /// [`Sources::shared`]; this stays for callers that want a plain miette source.
    pub fn named(&self, file: u32) -> NamedSource<String> {
        let f = self.get(file);
        NamedSource::new(f.name.clone(), f.text.to_string())
    }
}

/// A shared handle on one [`SourceFile`]; cloning it costs a reference count. As
/// miette source code it reads snippets with a binary search in the line index
/// instead of a scan from the top of the file, raw (unsanitized): diagnostics go
/// through [`crate::diagnostics::render`], which windows, masks and sanitizes them.
#[derive(Clone, Debug)]
pub struct IndexedSource(Arc<SourceFile>);

impl IndexedSource {
    pub fn new(name: &str, text: Arc<str>) -> IndexedSource {
        IndexedSource(Arc::new(SourceFile::new(name.to_string(), text)))
    }

    pub fn name(&self) -> &str {
        &self.0.name
    }

    pub fn file(&self) -> &SourceFile {
        &self.0
    }

    /// Whether both handles share one file (and so one copy of its text).
    pub fn same_file(&self, other: &IndexedSource) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl miette::SourceCode for IndexedSource {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let file = &self.0;
        let line_starts = file.line_starts();
        let (start, len) = (span.offset(), span.len());
        if start + len > file.text.len() {
            return Err(miette::MietteError::OutOfBounds);
        }
        let first_line = file.line_of(start);
        let last_line = file.line_of((start + len).saturating_sub(1).max(start));
        let top = first_line.saturating_sub(context_lines_before);
        let bottom = (last_line + context_lines_after).min(line_starts.len() - 1);
        let (from, column) = if context_lines_before == 0 {
            (start, start - line_starts[first_line])
        } else {
            (line_starts[top], 0)
        };
        let to = line_starts
            .get(bottom + 1)
            .copied()
            .unwrap_or(file.text.len());
        Ok(Box::new(miette::MietteSpanContents::new_named(
            file.name.clone(),
            &file.text.as_bytes()[from..to],
            SourceSpan::new(from.into(), to - from),
            top,
            column,
            bottom - top + 1,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> SourceFile {
        SourceFile::new("f".into(), Arc::from(text))
    }

    #[test]
    fn lines_and_columns_count_bytes_from_one() {
        let f = file("ab\r\ncd\n\né");
        assert_eq!(f.line_starts(), [0, 4, 7, 8]);
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(5), (2, 2));
        assert_eq!(f.line_col(10), (4, 3), "the end of the text");
        assert_eq!(f.line_content(0), 0..2, "without its CRLF");
        assert_eq!(f.line_content(2), 7..7);
        assert_eq!(f.line_content(3), 8..10);
        assert_eq!(f.line_content(9), 10..10);
        assert_eq!(file("x\r").line_content(0), 0..2, "a lone CR is content");
    }

    #[test]
    fn handles_share_one_file() {
        let mut sources = Sources::default();
        let a = sources.add("a", "password: x\n");
        let b = sources.add("b", "password: x\n");
        assert!(sources.shared(a).same_file(&sources.shared(a)));
        assert!(!sources.shared(a).same_file(&sources.shared(b)));
        assert!(sources.clone().shared(a).same_file(&sources.shared(a)));
        assert_eq!(sources.get(a).secrets(), &[Range { start: 10, end: 11 }]);
        let debug = format!("{:?}", sources.shared(a));
        assert!(!debug.contains("password"), "{debug}");
    }
}
