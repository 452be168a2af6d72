//! Source files and byte spans shared by every stage.

use std::sync::Arc;

use miette::{NamedSource, SourceSpan};

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

#[derive(Clone, Debug)]
pub struct SourceFile {
    pub name: String,
    pub text: Arc<str>,
}

/// Every file a run has read: rule files first, then inventories and plans.
#[derive(Clone, Debug, Default)]
pub struct Sources {
    files: Vec<SourceFile>,
}

impl Sources {
    pub fn add(&mut self, name: impl Into<String>, text: impl Into<Arc<str>>) -> u32 {
        self.files.push(SourceFile {
            name: name.into(),
            text: text.into(),
        });
        (self.files.len() - 1) as u32
    }

    pub fn get(&self, file: u32) -> &SourceFile {
        &self.files[file as usize]
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The text a span points into, for slicing identifiers back out.
    pub fn slice(&self, span: Span) -> &str {
        let text = &self.get(span.file).text;
        text.get(span.start as usize..span.end as usize)
            .unwrap_or("")
    }

    /// The miette source for a file, so a diagnostic can show its snippet.
    pub fn named(&self, file: u32) -> NamedSource<String> {
        let f = self.get(file);
        NamedSource::new(f.name.clone(), f.text.to_string())
    }
}

/// A file as miette source code, with an index of line starts: reading a snippet costs
/// a binary search instead of a scan from the top of the file. A report with one
/// diagnostic per finding over a large inventory needs this to stay linear.
#[derive(Clone, Debug)]
pub struct IndexedSource {
    name: Arc<str>,
    text: Arc<str>,
    line_starts: Arc<[usize]>,
}

impl IndexedSource {
    pub fn new(name: &str, text: Arc<str>) -> IndexedSource {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i + 1),
        );
        IndexedSource {
            name: Arc::from(name),
            text,
            line_starts: starts.into(),
        }
    }

    fn line_of(&self, offset: usize) -> usize {
        self.line_starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1)
    }
}

impl miette::SourceCode for IndexedSource {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let (start, len) = (span.offset(), span.len());
        if start + len > self.text.len() {
            return Err(miette::MietteError::OutOfBounds);
        }
        let first_line = self.line_of(start);
        let last_line = self.line_of((start + len).saturating_sub(1).max(start));
        let top = first_line.saturating_sub(context_lines_before);
        let bottom = (last_line + context_lines_after).min(self.line_starts.len() - 1);
        let (from, column) = if context_lines_before == 0 {
            (start, start - self.line_starts[first_line])
        } else {
            (self.line_starts[top], 0)
        };
        let to = self
            .line_starts
            .get(bottom + 1)
            .copied()
            .unwrap_or(self.text.len());
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.name.to_string(),
            &self.text.as_bytes()[from..to],
            SourceSpan::new(from.into(), to - from),
            top,
            column,
            bottom - top + 1,
        )))
    }
}
