//! What the machine formats (SARIF, JUnit, GitHub workflow annotations) share: the
//! rules with their descriptions, and results with a level, a message and the places
//! they point at. Built from a plan's findings (`check`) or from diagnostics (`lint`,
//! bad input); every string is redacted and stripped of control characters here, so
//! each format only has to apply its own escaping.

use std::borrow::Cow;

use crate::diagnostics::{Problem, Problems};
use crate::model::{Outcome, Rule, Rulebook, Template, TemplatePart};
use crate::plan::{Finding, Plan};
use crate::sanitize;

/// How serious a result is, in the terms every format has.
///
/// The mapping from finding severities: `block` and `fix` are errors (a fix must be
/// done before the upgrade, so a pipeline must not treat it as advice), `warn` a
/// warning, `info` a note. A severity a hand-edited plan invented is a warning: shown,
/// never silently dropped, never failing a build by itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Error,
    Warning,
    Note,
}

impl Level {
    pub fn of_severity(severity: &str) -> Level {
        match severity {
            "block" | "fix" => Level::Error,
            "info" => Level::Note,
            // `warn`, and whatever else: see the type's comment. A `waived` severity
            // (waivers, issue 11) would map here to a note with a suppression.
            _ => Level::Warning,
        }
    }

    pub fn sarif(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Note => "note",
        }
    }

    pub fn github(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Note => "notice",
        }
    }
}

/// A rule (or diagnostic code) as the formats describe it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleInfo {
    pub id: String,
    pub short: String,
    pub full: String,
    pub help: String,
    /// Where the rule comes from (a guide section), empty when it names none.
    pub source: String,
    /// An absolute URL named by the source, when it names one.
    pub uri: Option<String>,
    /// The rule's default level.
    pub level: Level,
}

/// A place in a file: 1-based lines and columns, end exclusive.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Loc {
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
    /// What is there (a fact path, a label).
    pub label: String,
}

/// One finding or diagnostic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    pub rule: String,
    pub level: Level,
    /// The finding's own severity (`block`, `fix`, …) or `error` / `warning`.
    pub severity: String,
    pub message: String,
    /// The cluster a finding is about, `None` for the platform.
    pub cluster: Option<String>,
    pub locations: Vec<Loc>,
    pub related: Vec<Loc>,
    pub help: Option<String>,
    /// Why a waived finding is accepted (owner, ticket, expiry, reason): it is shown
    /// as a note, never fails a run, and SARIF records it as a suppression.
    pub suppression: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Annotations {
    /// Sorted by id, each id once.
    pub rules: Vec<RuleInfo>,
    /// Most serious first, then by place, rule and message: the same input gives the
    /// same order whatever order the evaluator found them in.
    pub items: Vec<Item>,
}

/// Text on one line: secrets masked, controls and line breaks escaped.
pub(crate) fn line(text: &str) -> String {
    sanitize::one_line(&sanitize::redact(text)).into_owned()
}

/// Prose that may span lines: secrets masked, controls other than `\n` escaped.
pub(crate) fn prose(text: &str) -> String {
    sanitize::multi_line(&sanitize::redact(text)).into_owned()
}

/// The findings of `plan`, with every rule of `rulebook` described (a format that
/// lists rules shows what was checked, not only what fired).
pub fn of_plan(plan: &Plan, rulebook: &Rulebook) -> Annotations {
    let mut rules: Vec<RuleInfo> = rulebook.rules.iter().map(describe).collect();
    for f in &plan.findings {
        if !rules.iter().any(|r| r.id == f.rule) {
            rules.push(builtin(&f.rule, &f.source));
        }
    }
    let mut items: Vec<Item> = plan.findings.iter().map(finding_item).collect();
    finish(&mut rules, &mut items);
    Annotations { rules, items }
}

fn finding_item(f: &Finding) -> Item {
    let locations: Vec<Loc> = f
        .locations
        .iter()
        .map(|l| Loc {
            file: line(&l.file),
            line: l.line,
            column: l.column,
            end_line: l.end_line,
            end_column: l.end_column,
            label: line(&l.fact),
        })
        .collect();
    let mut help = Vec::new();
    // A rule can fire on every hop of the path: the hop tells the findings apart.
    if let Some(hop) = &f.hop {
        help.push(format!("hop: {}", super::hop_label(hop)));
    }
    if !f.source.is_empty() {
        help.push(format!("source: {}", f.source));
    }
    if let Some(step) = &f.fixed_by {
        help.push(format!("fixed by the plan's step `{step}`"));
    }
    let suppression = f.waived.as_ref().map(|w| {
        line(&format!(
            "waived by {} ({}) until {}: {}",
            w.owner, w.ticket, w.expires, w.reason
        ))
    });
    Item {
        rule: line(&f.rule),
        level: match suppression {
            Some(_) => Level::Note,
            None => Level::of_severity(&f.severity),
        },
        severity: line(&f.severity),
        // A message is one line; a line break in it came from a value.
        message: match &suppression {
            Some(why) => line(&format!("{} ({why})", f.message)),
            None => line(&f.message),
        },
        suppression,
        cluster: f.cluster.as_deref().map(line),
        // The first fact is the finding's place; the others are related to it.
        related: locations.iter().skip(1).cloned().collect(),
        locations: locations.into_iter().take(1).collect(),
        help: (!help.is_empty()).then(|| prose(&help.join("\n"))),
    }
}

/// Diagnostics (rule-file errors and lint warnings, or any bad input) as results,
/// their codes as rules; `describe_code` may know a code's description.
pub fn of_problems(
    problems: &Problems,
    describe_code: impl Fn(&str) -> Option<&'static str>,
) -> Annotations {
    let mut rules = Vec::new();
    let mut items = Vec::new();
    for p in &problems.0 {
        if !rules.iter().any(|r: &RuleInfo| r.id == p.code) {
            let short = describe_code(p.code).map_or_else(|| code_words(p.code), str::to_string);
            rules.push(RuleInfo {
                id: p.code.to_string(),
                full: short.clone(),
                short,
                help: p.help.as_deref().map(prose).unwrap_or_default(),
                source: String::new(),
                uri: None,
                level: if p.warning {
                    Level::Warning
                } else {
                    Level::Error
                },
            });
        }
        items.push(problem_item(p));
    }
    finish(&mut rules, &mut items);
    Annotations { rules, items }
}

fn problem_item(p: &Problem) -> Item {
    let mut places = problem_places(p);
    for r in &p.related {
        places.extend(problem_places(r));
    }
    let mut places = places.into_iter();
    Item {
        rule: p.code.to_string(),
        level: if p.warning {
            Level::Warning
        } else {
            Level::Error
        },
        severity: if p.warning { "warning" } else { "error" }.to_string(),
        message: line(&p.message),
        cluster: None,
        locations: places.next().into_iter().collect(),
        related: places.collect(),
        help: p.help.as_deref().map(prose),
        suppression: None,
    }
}

/// Every labelled span of one diagnostic, as places in its file.
pub(crate) fn problem_places(p: &Problem) -> Vec<Loc> {
    let Some(source) = &p.source else {
        return Vec::new();
    };
    let file = source.file();
    let len = file.text.len();
    let n = |x: usize| u32::try_from(x).unwrap_or(u32::MAX);
    p.labels
        .iter()
        .map(|l| {
            let start = l.offset().min(len);
            let end = (l.offset() + l.len()).min(len);
            let (line_no, column) = file.line_col(start);
            let (end_line, end_column) = file.line_col(end);
            Loc {
                file: line(source.name()),
                line: n(line_no),
                column: n(column),
                end_line: n(end_line),
                end_column: n(end_column),
                label: l.label().map(line).unwrap_or_default(),
            }
        })
        .collect()
}

/// `uplan::lint::unused_step` → `lint: unused step`.
fn code_words(code: &str) -> String {
    let rest = code.strip_prefix("uplan::").unwrap_or(code);
    match rest.rsplit_once("::") {
        Some((stage, name)) => format!("{}: {}", stage.replace("::", " "), name.replace('_', " ")),
        None => rest.replace('_', " "),
    }
}

fn finish(rules: &mut Vec<RuleInfo>, items: &mut [Item]) {
    rules.sort_by(|a, b| a.id.cmp(&b.id));
    rules.dedup_by(|a, b| a.id == b.id);
    items.sort_by(|a, b| {
        let place = |i: &Item| i.locations.first().cloned();
        (a.level, place(a), &a.rule, &a.cluster, &a.message).cmp(&(
            b.level,
            place(b),
            &b.rule,
            &b.cluster,
            &b.message,
        ))
    });
}

/// A rulebook rule: its message with the holes left open, what it does, its source.
fn describe(rule: &Rule) -> RuleInfo {
    let (level, outcome) = match &rule.outcome {
        Outcome::Block => (
            Level::Error,
            "blocks the upgrade until the inventory changes",
        ),
        Outcome::Step { .. } => (
            Level::Error,
            "adds a step to the plan that must be done before the upgrade (a fix)",
        ),
        Outcome::Warn(_) => (Level::Warning, "warns"),
        Outcome::Note(_) => (Level::Note, "adds a note"),
    };
    let message = line(&template_text(&rule.message));
    let reads = if rule.reads.is_empty() {
        String::new()
    } else {
        format!(" It reads {}.", rule.reads.join(", "))
    };
    RuleInfo {
        id: line(&rule.id),
        short: message.clone(),
        full: format!("{message} (when its requirement fails, the rule {outcome}).{reads}"),
        help: prose(&format!(
            "When this fires: {outcome}.\nsource: {}",
            rule.source
        )),
        source: line(&rule.source),
        uri: source_uri(&rule.source),
        level,
    }
}

/// The findings uplan itself makes (no rule of the rulebook).
fn builtin(id: &str, source: &str) -> RuleInfo {
    let (short, level) = match id {
        "uplan.path" => (
            "No upgrade path leads from the installed version to the target",
            Level::Error,
        ),
        "uplan.unknown-fact" => (
            "A fact some rule needs is not in the inventory; the rule had to assume it",
            Level::Warning,
        ),
        "uplan.unknown-name" => ("A name the rulebook does not recognise", Level::Warning),
        _ => ("A finding of uplan", Level::Warning),
    };
    RuleInfo {
        id: line(id),
        short: short.to_string(),
        full: short.to_string(),
        help: prose(&format!("source: {source}")),
        source: line(source),
        uri: None,
        level,
    }
}

/// The message template with each interpolated value shown as `{…}`.
fn template_text(t: &Template) -> String {
    t.parts
        .iter()
        .map(|p| match p {
            TemplatePart::Text(s) => Cow::Borrowed(s.as_str()),
            TemplatePart::Hole(..) => Cow::Borrowed("{…}"),
        })
        .collect()
}

/// The first web address a rule's source names (`… — docs.alauda.io/x/y.html`), made
/// absolute. Only an address with a dotted host and a path counts, and only characters
/// that may stand in a URL are kept, so a source cannot smuggle anything into the URI.
pub(crate) fn source_uri(source: &str) -> Option<String> {
    source.split_whitespace().find_map(|word| {
        let word = word.trim_end_matches([';', ',', '.', ')']);
        let bare = word
            .strip_prefix("https://")
            .or_else(|| word.strip_prefix("http://"))
            .unwrap_or(word);
        let (host, path) = bare.split_once('/')?;
        let host_ok = host.contains('.')
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
            && !host.starts_with('.')
            && !host.ends_with('.');
        let path_ok = path
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-._~/%#?=&+".contains(c));
        (host_ok && path_ok).then(|| format!("https://{bare}"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_follow_the_documented_mapping() {
        let got: Vec<_> = ["block", "fix", "warn", "info", "made-up"]
            .iter()
            .map(|s| Level::of_severity(s).sarif())
            .collect();
        assert_eq!(got, ["error", "error", "warning", "note", "warning"]);
    }

    #[test]
    fn source_uris_are_taken_only_from_plain_addresses() {
        let s = "ACP 4.0 docs › Upgrade — docs.alauda.io/container_platform/4.0/upgrade/pre-upgrade.html; kubernetes/kubernetes#129385";
        assert_eq!(
            source_uri(s).as_deref(),
            Some("https://docs.alauda.io/container_platform/4.0/upgrade/pre-upgrade.html")
        );
        assert_eq!(source_uri("ACP 4.3 docs › Upgrade › Notes"), None);
        assert_eq!(source_uri("kubernetes/kubernetes#129385"), None);
        assert_eq!(source_uri("evil.com/a\"b"), None);
    }

    #[test]
    fn codes_read_as_words() {
        assert_eq!(code_words("uplan::lint::unused_step"), "lint: unused step");
        assert_eq!(
            code_words("uplan::inventory::unknown_field"),
            "inventory: unknown field"
        );
    }
}
