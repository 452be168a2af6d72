//! What `validate` checks beyond the order: the content of every step of an edited
//! plan against the step the rules produce for the same inventory and target.
//! A changed command, title or note is a violation that names the step and shows
//! what the rules expect beside what the plan holds.

use rustc_hash::FxHashMap as HashMap;

use super::replay::Violation;
use crate::plan::PlannedStep;
use crate::sanitize;

/// A command of the step differs from the rules' (or one was added or removed).
pub const CHANGED_COMMAND: &str = "uplan::validate::changed_command";
/// The step's title differs from the rules'.
pub const CHANGED_TITLE: &str = "uplan::validate::changed_title";
/// A note of the step differs from the rules' (or one was added or removed).
pub const CHANGED_NOTE: &str = "uplan::validate::changed_note";
/// Another field (`action`, `cluster`, `hop`, `manual`, `duration_minutes`) differs.
pub const CHANGED_FIELD: &str = "uplan::validate::changed_field";

/// How much of a changed text a message quotes.
const QUOTE_CHARS: usize = 160;

/// Violations for every step of `found` whose id the rules plan (`expected`) and
/// whose content differs. Steps the rules do not plan are the caller's concern.
pub fn compare(expected: &[PlannedStep], found: &[PlannedStep]) -> Vec<Violation> {
    let by_id: HashMap<&str, &PlannedStep> = expected.iter().map(|s| (s.id.as_str(), s)).collect();
    let mut out = Vec::new();
    let mut seen = rustc_hash::FxHashSet::default();
    for s in found {
        // A duplicate is reported by the structure check; its first copy is compared.
        if !seen.insert(s.id.as_str()) {
            continue;
        }
        if let Some(e) = by_id.get(s.id.as_str()) {
            step(e, s, &mut out);
        }
    }
    out
}

fn step(e: &PlannedStep, s: &PlannedStep, out: &mut Vec<Violation>) {
    let mut push = |code, what: String| {
        out.push(Violation {
            code,
            step: Some(s.id.clone()),
            rule: e.rule.clone(),
            message: format!("`{}`: {what}", quote(&s.id)),
        });
    };
    if e.title != s.title {
        push(CHANGED_TITLE, changed("its title", &e.title, &s.title));
    }
    lists(
        "command",
        &e.commands,
        &s.commands,
        CHANGED_COMMAND,
        &mut push,
    );
    lists("note", &e.notes, &s.notes, CHANGED_NOTE, &mut push);
    let fields = [
        ("action", e.action.clone(), s.action.clone()),
        (
            "cluster",
            format!("{:?}", e.cluster),
            format!("{:?}", s.cluster),
        ),
        ("hop", e.hop.clone(), s.hop.clone()),
        ("manual", e.manual.to_string(), s.manual.to_string()),
        (
            "duration_minutes",
            format!("{:?}", e.duration_minutes),
            format!("{:?}", s.duration_minutes),
        ),
    ];
    for (name, want, got) in fields {
        if want != got {
            push(
                CHANGED_FIELD,
                changed(&format!("its `{name}`"), &want, &got),
            );
        }
    }
}

/// One violation per position where two lists differ (a missing or extra entry
/// included), so a replaced command names its number.
fn lists(
    what: &str,
    want: &[String],
    got: &[String],
    code: &'static str,
    push: &mut impl FnMut(&'static str, String),
) {
    for n in 0..want.len().max(got.len()) {
        let label = format!("its {what} {}", n + 1);
        match (want.get(n), got.get(n)) {
            (Some(w), Some(g)) if w != g => push(code, changed(&label, w, g)),
            (Some(w), None) => push(
                code,
                format!("{label} was removed; the rules expect `{}`", quote(w)),
            ),
            (None, Some(g)) => push(
                code,
                format!("{label} was added: `{}` is not the rules'", quote(g)),
            ),
            _ => {}
        }
    }
}

fn changed(what: &str, want: &str, got: &str) -> String {
    format!(
        "{what} was changed: the rules expect `{}`, the plan has `{}`",
        quote(want),
        quote(got)
    )
}

/// Plan text in a message: secrets redacted, controls escaped, long text cut.
fn quote(text: &str) -> String {
    let safe = sanitize::one_line(&sanitize::redact(text)).into_owned();
    if safe.chars().count() <= QUOTE_CHARS {
        return safe;
    }
    let mut cut: String = safe.chars().take(QUOTE_CHARS).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(id: &str, commands: &[&str]) -> PlannedStep {
        PlannedStep {
            id: id.into(),
            title: "Upgrade".into(),
            commands: commands.iter().map(|c| c.to_string()).collect(),
            ..PlannedStep::default()
        }
    }

    #[test]
    fn equal_steps_have_no_violation() {
        let a = [step("a", &["x"]), step("b", &[])];
        assert_eq!(compare(&a, &a), Vec::new());
    }

    #[test]
    fn a_replaced_command_names_step_and_both_texts() {
        let got = compare(
            &[step("a", &["bash upgrade.sh"])],
            &[step("a", &["rm -rf /\x1b[2J"])],
        );
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].code, CHANGED_COMMAND);
        assert_eq!(got[0].step.as_deref(), Some("a"));
        assert!(
            got[0].message.contains("`bash upgrade.sh`"),
            "{}",
            got[0].message
        );
        assert!(
            got[0].message.contains("`rm -rf /\\x1b[2J`"),
            "{}",
            got[0].message
        );
    }

    #[test]
    fn added_and_removed_entries_and_other_fields_are_reported() {
        let mut s = step("a", &["x", "y"]);
        s.title = "Other".into();
        s.manual = true;
        s.notes.push("extra".into());
        let codes: Vec<_> = compare(&[step("a", &["x"])], &[s])
            .iter()
            .map(|v| v.code)
            .collect();
        assert_eq!(
            codes,
            [CHANGED_TITLE, CHANGED_COMMAND, CHANGED_NOTE, CHANGED_FIELD]
        );
        let removed = compare(&[step("a", &["x"])], &[step("a", &[])]);
        assert!(removed[0].message.contains("was removed"), "{removed:?}");
    }

    #[test]
    fn long_texts_are_cut() {
        let long = "a".repeat(1000);
        let got = compare(&[step("a", &["x"])], &[step("a", &[long.as_str()])]);
        assert!(got[0].message.len() < 400, "{}", got[0].message.len());
    }
}
