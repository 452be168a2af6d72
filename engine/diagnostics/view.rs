//! A diagnostic as it is shown: every text redacted and escaped, the snippet an
//! [`Excerpt`] (windowed, masked, sanitized), at most [`MAX_LABELS`] labels and
//! [`MAX_RENDERED`] related diagnostics. miette renders the view, never the raw
//! diagnostic.

use std::borrow::Cow;
use std::fmt;

use miette::{Diagnostic, LabeledSpan, Severity, SourceCode};

use super::excerpt::Excerpt;
use super::{MAX_RENDERED, Problem};
use crate::sanitize;
use crate::source::{IndexedSource, SourceFile};

/// At most this many labels of one diagnostic are drawn (the first ones: the first
/// is the primary). Each label is a few lines of snippet.
pub const MAX_LABELS: usize = 16;

/// A message, label or help longer than this many characters is cut, with `…`.
pub const MAX_TEXT_CHARS: usize = 1000;

pub struct View {
    code: Option<String>,
    message: String,
    help: Option<String>,
    severity: Severity,
    source: Option<Excerpt>,
    labels: Vec<LabeledSpan>,
    related: Vec<View>,
}

/// What a view is made of, before it is made safe.
struct Raw<'a> {
    code: Option<String>,
    message: String,
    help: Option<String>,
    severity: Severity,
    file: Option<&'a SourceFile>,
    labels: Vec<LabeledSpan>,
}

impl View {
    pub fn of_problem(p: &Problem) -> View {
        let raw = Raw {
            code: Some(p.code.to_string()),
            message: p.message.clone(),
            help: p.help.clone(),
            severity: if p.warning {
                Severity::Warning
            } else {
                Severity::Error
            },
            file: p.source.as_ref().map(IndexedSource::file),
            labels: p.labels.clone(),
        };
        let mut related: Vec<View> = p
            .related
            .iter()
            .take(MAX_RENDERED)
            .map(View::of_problem)
            .collect();
        if p.related.len() > MAX_RENDERED {
            related.push(View::more(p.related.len() - MAX_RENDERED));
        }
        View::new(raw, related)
    }

    pub fn of_diagnostic(d: &dyn Diagnostic, source: Option<&IndexedSource>) -> View {
        let raw = Raw {
            code: d.code().map(|c| c.to_string()),
            message: d.to_string(),
            help: d.help().map(|h| h.to_string()),
            severity: d.severity().unwrap_or(Severity::Error),
            file: source.map(IndexedSource::file),
            labels: d
                .labels()
                .map(|l| l.take(MAX_LABELS).collect())
                .unwrap_or_default(),
        };
        View::new(raw, Vec::new())
    }

    /// The stand-in for related diagnostics held back.
    fn more(n: usize) -> View {
        View {
            code: None,
            message: format!("… and {n} more related diagnostics"),
            help: None,
            severity: Severity::Advice,
            source: None,
            labels: Vec::new(),
            related: Vec::new(),
        }
    }

    fn new(mut raw: Raw<'_>, related: Vec<View>) -> View {
        raw.labels.truncate(MAX_LABELS);
        let (source, labels, secrets) = match raw.file {
            Some(file) if !raw.labels.is_empty() => {
                let name = clean(&file.name, &[], Lines::One);
                let (excerpt, labels, secrets) = Excerpt::new(file, name, &raw.labels);
                (Some(excerpt), labels, secrets)
            }
            _ => (None, Vec::new(), Vec::new()),
        };
        let labels = labels
            .into_iter()
            .map(|l| {
                let text = l.label().map(|t| clean(t, &secrets, Lines::One));
                LabeledSpan::new(text, l.offset(), l.len())
            })
            .collect();
        View {
            code: raw.code.map(|c| clean(&c, &[], Lines::One)),
            message: clean(&raw.message, &secrets, Lines::One),
            help: raw.help.map(|h| clean(&h, &secrets, Lines::Kept)),
            severity: raw.severity,
            source,
            labels,
            related,
        }
    }
}

#[derive(Clone, Copy)]
enum Lines {
    One,
    Kept,
}

/// A text made safe to show: secrets it spells out redacted, the `secrets` of its
/// snippet hidden, cut to [`MAX_TEXT_CHARS`], control characters escaped.
fn clean(text: &str, secrets: &[String], lines: Lines) -> String {
    let text = sanitize::redact(text);
    let text = hide(&text, secrets);
    let text = match text.char_indices().nth(MAX_TEXT_CHARS) {
        Some((cut, _)) => Cow::Owned(format!("{}…", &text[..cut])),
        None => text,
    };
    match lines {
        Lines::One => sanitize::one_line(&text).into_owned(),
        Lines::Kept => sanitize::multi_line(&text).into_owned(),
    }
}

/// `text` with each of `secrets` replaced by `***` where it stands as a whole word
/// (so a secret `1` does not eat the `1` of `line 1` inside a longer number).
fn hide<'a>(text: &'a str, secrets: &[String]) -> Cow<'a, str> {
    let mut text = Cow::Borrowed(text);
    for secret in secrets.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        if !text.contains(secret) {
            continue;
        }
        let mut out = String::with_capacity(text.len());
        let mut rest: &str = &text;
        while let Some(i) = rest.find(secret) {
            let before = rest[..i].chars().next_back();
            let after = rest[i + secret.len()..].chars().next();
            let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
            out.push_str(&rest[..i]);
            if word(before) || word(after) {
                out.push_str(secret);
            } else {
                out.push_str(sanitize::REDACTED);
            }
            rest = &rest[i + secret.len()..];
        }
        out.push_str(rest);
        text = Cow::Owned(out);
    }
    text
}

impl fmt::Debug for View {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("View")
            .field("code", &self.code)
            .field("message", &self.message)
            .finish()
    }
}

impl fmt::Display for View {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for View {}

impl Diagnostic for View {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.code
            .as_ref()
            .map(|c| Box::new(c) as Box<dyn fmt::Display>)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<Severity> {
        Some(self.severity)
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
            Some(Box::new(self.related.iter().map(|v| v as &dyn Diagnostic)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_redacted_hidden_cut_and_escaped() {
        let secrets = vec!["hunter2".to_string(), "1".to_string()];
        assert_eq!(
            clean(
                "`hunter2` is not a version (line 1, col 12)",
                &secrets,
                Lines::One
            ),
            "`***` is not a version (line ***, col 12)"
        );
        assert_eq!(clean("a\nb\x1b", &[], Lines::Kept), "a\nb\\x1b");
        assert_eq!(clean("a\nb", &[], Lines::One), "a\\nb");
        assert_eq!(
            clean("see https://u:p@h/x", &[], Lines::One),
            "see https://***@h/x"
        );
        let long = "x".repeat(5 * MAX_TEXT_CHARS);
        assert_eq!(
            clean(&long, &[], Lines::One).chars().count(),
            MAX_TEXT_CHARS + 1
        );
    }

    #[test]
    fn hidden_secrets_must_stand_alone() {
        let secrets = vec!["ab".to_string()];
        assert_eq!(hide("ab, abc, `ab`", &secrets), "***, abc, `***`");
    }
}
