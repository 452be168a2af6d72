//! One diagnostic type for every stage: a stable code, a message, labelled spans in
//! one source file, a help line, and related diagnostics (so a file reports all of
//! its errors at once).
//!
//! A [`Problem`] holds its file as a shared [`IndexedSource`] (a reference count, not a
//! copy). [`render`] and [`Renderer`] are the only way diagnostics reach a person:
//! they show at most [`MAX_RENDERED`] of them, each through a [`view`] that windows
//! long lines, masks secrets and escapes control characters.

mod excerpt;
mod view;

use std::fmt;

use miette::{Diagnostic, GraphicalReportHandler, LabeledSpan, SourceCode};

use crate::source::{IndexedSource, Sources, Span};

/// At most this many diagnostics are rendered by one command; the rest are counted
/// in one line. The first ones are the ones to fix first (they are in source order),
/// and a screenful of 5,000 faults helps nobody.
pub const MAX_RENDERED: usize = 50;

#[derive(Debug, Clone)]
pub struct Problem {
    /// Stable, documented: `uplan::check::unknown_fact`.
    pub code: &'static str,
    pub message: String,
    pub help: Option<String>,
    pub source: Option<IndexedSource>,
    pub labels: Vec<LabeledSpan>,
    pub related: Vec<Problem>,
    pub warning: bool,
    /// The first labelled span, kept for tests and for sorting.
    pub span: Option<Span>,
}

impl Problem {
    pub fn new(code: &'static str, message: impl Into<String>) -> Problem {
        Problem {
            code,
            message: message.into(),
            help: None,
            source: None,
            labels: Vec::new(),
            related: Vec::new(),
            warning: false,
            span: None,
        }
    }

    /// Points the diagnostic at `span` with a label; the first call also sets the file.
    pub fn at(mut self, sources: &Sources, span: Span, label: impl Into<String>) -> Problem {
        if self.source.is_none() {
            self.source = Some(sources.shared(span.file));
            self.span = Some(span);
        }
        self.labels.push(LabeledSpan::new_with_span(
            Some(label.into()),
            span.source_span(),
        ));
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Problem {
        self.help = Some(help.into());
        self
    }

    pub fn with_related(mut self, related: Vec<Problem>) -> Problem {
        self.related = related;
        self
    }

    pub fn warning(mut self) -> Problem {
        self.warning = true;
        self
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Problem {}

impl Diagnostic for Problem {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.code))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(if self.warning {
            miette::Severity::Warning
        } else {
            miette::Severity::Error
        })
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            None
        } else {
            Some(Box::new(self.labels.iter().cloned()))
        }
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        if self.related.is_empty() {
            None
        } else {
            Some(Box::new(self.related.iter().map(|p| p as &dyn Diagnostic)))
        }
    }
}

/// Everything that went wrong in one stage, in source order.
#[derive(Debug, Clone, Default)]
pub struct Problems(pub Vec<Problem>);

impl Problems {
    pub fn push(&mut self, p: Problem) {
        self.0.push(p);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn codes(&self) -> Vec<&'static str> {
        self.0.iter().map(|p| p.code).collect()
    }

    /// Ok(value) when nothing went wrong.
    pub fn into_result<T>(mut self, value: T) -> Result<T, Problems> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            self.0.sort_by_key(|p| p.span);
            Err(self)
        }
    }
}

impl From<Problem> for Problems {
    fn from(p: Problem) -> Problems {
        Problems(vec![p])
    }
}

/// Renders diagnostics as miette's graphical report, without colour (for snapshots
/// and pipes) or with it (for terminals): the first [`MAX_RENDERED`], then how many
/// more there are.
pub fn render(problems: &Problems, colour: bool) -> String {
    let mut renderer = Renderer::new(colour);
    let mut out = String::new();
    for p in &problems.0 {
        renderer.problem(&mut out, p);
    }
    renderer.finish(&mut out);
    out
}

/// Renders diagnostics one by one, safely (see [`view`]), the first [`MAX_RENDERED`]
/// in full and the rest only counted; [`Renderer::finish`] writes the count.
pub struct Renderer {
    handler: GraphicalReportHandler,
    shown: usize,
    held_back: usize,
}

impl Renderer {
    pub fn new(colour: bool) -> Renderer {
        let theme = if colour {
            miette::GraphicalTheme::unicode()
        } else {
            miette::GraphicalTheme::unicode_nocolor()
        };
        Renderer {
            handler: GraphicalReportHandler::new_themed(theme).with_width(100),
            shown: 0,
            held_back: 0,
        }
    }

    /// Whether the next diagnostic is rendered (else only counted).
    fn admit(&mut self) -> bool {
        if self.shown < MAX_RENDERED {
            self.shown += 1;
            true
        } else {
            self.held_back += 1;
            false
        }
    }

    pub fn problem(&mut self, out: &mut String, problem: &Problem) {
        if self.admit() {
            self.write(out, &view::View::of_problem(problem));
        }
    }

    /// Any other miette diagnostic whose labels point into `source` (its own
    /// `source_code` is not used: it might be raw).
    pub fn diagnostic(
        &mut self,
        out: &mut String,
        diagnostic: &dyn Diagnostic,
        source: Option<&IndexedSource>,
    ) {
        if self.admit() {
            self.write(out, &view::View::of_diagnostic(diagnostic, source));
        }
    }

    fn write(&self, out: &mut String, view: &view::View) {
        let _ = self.handler.render_report(out, view);
        out.push('\n');
    }

    /// `… and M more` when diagnostics were held back.
    pub fn finish(self, out: &mut String) {
        if self.held_back > 0 {
            out.push_str(&format!(
                "… and {} more (only the first {MAX_RENDERED} are shown)\n",
                self.held_back
            ));
        }
    }
}
