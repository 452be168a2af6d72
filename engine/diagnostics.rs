//! One diagnostic type for every stage: a stable code, a message, labelled spans in
//! one source file, a help line, and related diagnostics (so a file reports all of
//! its errors at once).

use std::fmt;

use miette::{Diagnostic, LabeledSpan, NamedSource, SourceCode};

use crate::source::{Sources, Span};

#[derive(Debug, Clone)]
pub struct Problem {
    /// Stable, documented: `uplan::check::unknown_fact`.
    pub code: &'static str,
    pub message: String,
    pub help: Option<String>,
    pub source: Option<NamedSource<String>>,
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
            self.source = Some(sources.named(span.file));
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
/// and pipes) or with it (for terminals).
pub fn render(problems: &Problems, colour: bool) -> String {
    let theme = if colour {
        miette::GraphicalTheme::unicode()
    } else {
        miette::GraphicalTheme::unicode_nocolor()
    };
    let handler = miette::GraphicalReportHandler::new_themed(theme).with_width(100);
    let mut out = String::new();
    for p in &problems.0 {
        let _ = handler.render_report(&mut out, p);
        out.push('\n');
    }
    out
}
