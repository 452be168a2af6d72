//! Bad input as JSON (`uplan.diagnostics/v1`), for `--format json`: every diagnostic
//! with its code, severity, message, help and places, so a tool never has to parse the
//! text report on stderr.

use serde::Serialize;

use super::annotations::{Loc, line, problem_places, prose};
use crate::diagnostics::{MAX_RENDERED, Problem, Problems};

/// The schema id of the diagnostics document.
pub const DIAGNOSTICS_SCHEMA_ID: &str = "uplan.diagnostics/v1";

#[derive(Serialize)]
struct Document {
    schema: &'static str,
    status: &'static str,
    diagnostics: Vec<Diagnostic>,
    /// How many more there were: like the text report, the document lists the first
    /// [`MAX_RENDERED`], so 100,000 faults cannot make a 100 MB answer.
    more: usize,
}

/// One diagnostic: where its first label points (`file`, `line`, `column`, `end`),
/// every label, and the diagnostics related to it, in the same shape.
#[derive(Serialize)]
struct Diagnostic {
    code: &'static str,
    severity: &'static str,
    message: String,
    file: Option<String>,
    line: Option<u32>,
    column: Option<u32>,
    end: Option<Position>,
    help: Option<String>,
    labels: Vec<Label>,
    related: Vec<Diagnostic>,
}

#[derive(Serialize)]
struct Position {
    line: u32,
    column: u32,
}

#[derive(Serialize)]
struct Label {
    label: String,
    file: String,
    line: u32,
    column: u32,
    end: Position,
}

/// The diagnostics as a JSON list, for documents of their own (`lint --format json`).
pub fn diagnostics_value(problems: &Problems) -> serde_json::Value {
    let list: Vec<Diagnostic> = problems.0.iter().map(diagnostic).collect();
    serde_json::to_value(list).unwrap_or_default()
}

/// The document for a failed run (`status: "bad_input"`), with a trailing newline.
pub fn diagnostics_json(problems: &Problems) -> String {
    let doc = Document {
        schema: DIAGNOSTICS_SCHEMA_ID,
        status: "bad_input",
        diagnostics: problems
            .0
            .iter()
            .take(MAX_RENDERED)
            .map(diagnostic)
            .collect(),
        more: problems.0.len().saturating_sub(MAX_RENDERED),
    };
    // Plain structs of strings and numbers: serialising cannot fail.
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    out
}

fn diagnostic(p: &Problem) -> Diagnostic {
    let places = problem_places(p);
    let first = places.first();
    Diagnostic {
        code: p.code,
        severity: if p.warning { "warning" } else { "error" },
        message: prose(&p.message),
        // A problem with a file but no label (rare) still names its file.
        file: first
            .map(|l| l.file.clone())
            .or_else(|| p.source.as_ref().map(|s| line(s.name()))),
        line: first.map(|l| l.line),
        column: first.map(|l| l.column),
        end: first.map(|l| Position {
            line: l.end_line,
            column: l.end_column,
        }),
        help: p.help.as_deref().map(prose),
        labels: places.iter().map(label).collect(),
        related: p.related.iter().map(diagnostic).collect(),
    }
}

fn label(l: &Loc) -> Label {
    Label {
        label: l.label.clone(),
        file: l.file.clone(),
        line: l.line,
        column: l.column,
        end: Position {
            line: l.end_line,
            column: l.end_column,
        },
    }
}
