//! Lints for what the runbook reads: a step without a `duration`, and a flag or a
//! path outside backticks in a text people copy from (a Markdown renderer turns
//! `--dest-repo` into "–dest-repo" outside code).

use crate::diagnostics::Problems;
use crate::model::{Rulebook, Template, TemplatePart};
use crate::source::Span;

/// A step without a `duration`: its window's length is then unknown.
pub const NO_DURATION: &str = "uplan::lint::no_duration";
/// A `--flag` or a path in a text, outside backticks.
pub const BARE_CODE: &str = "uplan::lint::bare_code";

pub fn warnings(rb: &Rulebook, out: &mut Problems) {
    for step in &rb.steps {
        if step.duration_minutes.is_none() {
            out.push(super::warn(
                rb,
                NO_DURATION,
                format!("step `{}` has no duration", step.name),
                step.span,
                "this step",
                "give an estimate or a range, and whose it is: `duration 2h guide`, `duration 10m..15m`",
            ));
        }
    }
    for (what, span, template) in texts(rb) {
        if let Some(word) = bare_code(&literal(template)) {
            out.push(super::warn(
                rb,
                BARE_CODE,
                format!("{what} writes `{word}` outside backticks"),
                span,
                "in a text of this declaration",
                "write commands, flags and paths as code: `--dest-repo`, `/cpaas/minio`",
            ));
        }
    }
}

/// Every text a person reads in a runbook, with what it belongs to.
fn texts(rb: &Rulebook) -> Vec<(String, Span, &Template)> {
    let mut out = Vec::new();
    for s in &rb.steps {
        let what = format!("step `{}`", s.name);
        let r = &s.runbook;
        let conditional = s
            .notes
            .iter()
            .chain(&r.verify)
            .chain(&r.irreversible)
            .chain(&r.escalate)
            .chain(&r.restarts)
            .map(|c| &c.item)
            .chain(r.undo.iter().map(|(c, _)| &c.item))
            .chain(std::iter::once(&s.title))
            .chain(s.optional.iter());
        out.extend(conditional.map(|t| (what.clone(), s.span, t)));
    }
    for r in &rb.rules {
        out.push((format!("rule `{}`", r.id), r.span, &r.message));
    }
    for c in &rb.checkpoints {
        let what = format!("checkpoint `{}`", c.id);
        out.push((what.clone(), c.span, &c.title));
        out.extend(c.checks.iter().map(|t| (what.clone(), c.span, &t.item)));
    }
    out
}

/// The literal text of a template, a hole as a space (its value is the inventory's,
/// quoted where it matters by the renderer).
fn literal(t: &Template) -> String {
    t.parts
        .iter()
        .map(|p| match p {
            TemplatePart::Text(s) => s.as_str(),
            TemplatePart::Hole(..) => " ",
        })
        .collect()
}

/// The first word outside backticks that is a flag (`--name`) or a path (`/a/b`,
/// `./x`).
pub fn bare_code(text: &str) -> Option<String> {
    let outside: String = text
        .split('`')
        .enumerate()
        .filter(|(i, _)| i % 2 == 0)
        .map(|(_, s)| format!("{s} "))
        .collect();
    outside
        .split(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | ',' | ';'))
        .map(|w| w.trim_end_matches([':', '.', '!', '?']))
        .find(|w| is_flag(w) || is_path(w))
        .map(str::to_string)
}

fn is_flag(w: &str) -> bool {
    w.strip_prefix("--")
        .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_alphabetic()))
}

fn is_path(w: &str) -> bool {
    let rest = w.strip_prefix("./").or_else(|| w.strip_prefix('/'));
    rest.is_some_and(|r| {
        r.starts_with(|c: char| c.is_ascii_alphanumeric())
            && (w.starts_with("./") || r.contains('/') || r.len() > 1)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_and_paths_outside_backticks_are_found() {
        assert_eq!(
            bare_code("pass --dest-repo <vip>"),
            Some("--dest-repo".into())
        );
        assert_eq!(bare_code("pass `--dest-repo <vip>`"), None);
        assert_eq!(
            bare_code("grow /cpaas/minio first"),
            Some("/cpaas/minio".into())
        );
        assert_eq!(bare_code("grow `/cpaas/minio` first"), None);
        assert_eq!(bare_code("3.16/3.18 and 10–15 minutes, a - b"), None);
        assert_eq!(bare_code("either/or"), None);
    }
}
