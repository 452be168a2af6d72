//! What a run prints for machines: bad input in the format asked for (JSON
//! diagnostics, SARIF, GitHub annotations) and the `--fail-on` exit code.

use std::ffi::OsString;

use uplan::diagnostics::{self, Problems};
use uplan::plan::Plan;
use uplan::render::{self, annotations};

use super::{FailOn, Output, Terminal};

/// How bad input (exit 2) is reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// miette's report on stderr (text, md, dot, junit).
    Text,
    /// `uplan.diagnostics/v1` on stdout.
    Json,
    /// SARIF on stdout: the diagnostics as tool execution notifications.
    Sarif,
    /// SARIF on stdout with the diagnostics as results: `lint`, whose results they are.
    SarifResults,
    /// Workflow annotations on stdout.
    Github,
}

impl Failure {
    /// The `--format` value that asks for this kind of report.
    pub fn of_format(format: &str) -> Failure {
        match format {
            "json" => Failure::Json,
            "sarif" => Failure::Sarif,
            "github" => Failure::Github,
            _ => Failure::Text,
        }
    }

    /// The `--format` of a command line clap refused: what the user asked for still
    /// decides the shape of the complaint (`--format json` and a bad `--to`, say).
    pub fn of_args(args: &[OsString]) -> Failure {
        let words: Vec<&str> = args.iter().filter_map(|a| a.to_str()).collect();
        let value = words.iter().enumerate().find_map(|(i, w)| {
            w.strip_prefix("--format=").or_else(|| {
                (*w == "--format")
                    .then(|| words.get(i + 1).copied())
                    .flatten()
            })
        });
        value.map_or(Failure::Text, Failure::of_format)
    }
}

/// Exit 2, the diagnostics where `failure` says. A machine format still leaves one
/// line on stderr for the person watching the pipeline.
pub fn failure(problems: &Problems, terminal: Terminal, failure: Failure) -> Output {
    let cwd = std::env::current_dir().ok();
    // Bounded like the text report (the JSON document caps itself and counts the rest).
    let first = Problems(
        problems
            .0
            .iter()
            .take(diagnostics::MAX_RENDERED)
            .cloned()
            .collect(),
    );
    let stdout = match failure {
        Failure::Text => {
            return Output {
                code: 2,
                stdout: String::new(),
                stderr: diagnostics::render(problems, terminal.stderr_colour),
            };
        }
        Failure::Json => render::diagnostics_json(problems),
        Failure::Sarif => {
            render::sarif_failure(&annotations::of_problems(&first, |_| None), cwd.as_deref())
        }
        Failure::SarifResults => render::sarif(
            &annotations::of_problems(&first, describe_code),
            cwd.as_deref(),
        ),
        Failure::Github => render::github(&annotations::of_problems(&first, |_| None)),
    };
    Output {
        code: 2,
        stdout,
        stderr: summary(problems),
    }
}

/// `uplan: bad input (2 diagnostics: uplan::inventory::unknown_field, …); the report is on stdout`.
fn summary(problems: &Problems) -> String {
    let mut codes = problems.codes();
    codes.dedup();
    let shown: Vec<&str> = codes.iter().take(3).copied().collect();
    let more = if codes.len() > 3 { ", …" } else { "" };
    let mut line = format!(
        "uplan: bad input ({}: {}{more}); the report is on stdout",
        super::plural(problems.0.len(), "diagnostic"),
        shown.join(", ")
    );
    // The same words as the text report's cap, so a person sees it either way.
    let held_back = problems.0.len().saturating_sub(diagnostics::MAX_RENDERED);
    if held_back > 0 {
        line.push_str(&format!(
            " (… and {held_back} more: only the first {} are listed)",
            diagnostics::MAX_RENDERED
        ));
    }
    line.push('\n');
    line
}

/// What the lint codes mean, for the rule descriptions of SARIF.
pub fn describe_code(code: &str) -> Option<&'static str> {
    match code {
        "uplan::lint::unused_step" => {
            Some("A step that no procedure, rule remediation or follow-up ever adds to a plan")
        }
        "uplan::lint::literal_in_message" => Some(
            "A rule's message repeats a literal of its requirement, so the two can drift apart",
        ),
        "uplan::lint::never_applies" => {
            Some("A declaration whose `when` no declared hop satisfies")
        }
        "uplan::lint::constant_requirement" => {
            Some("A requirement that holds, or fails, whatever the inventory says")
        }
        "uplan::lint::absent_anchor" => Some(
            "A pattern naming a step no declaration adds on a hop where the pattern is used, so its constraint vanishes there",
        ),
        "uplan::lint::dead_order" => Some("An order whose two steps never occur on one hop"),
        "uplan::lint::missing_translation" => Some(
            "A title, note, message, consequence or probe with no entry in a language the rulebook translates into",
        ),
        "uplan::lint::unused_translation" => Some(
            "A translation whose key (the English text as written) matches no text of the rulebook",
        ),
        _ => None,
    }
}

/// Whether a finding's severity is at or above `fail_on`: `block` > `fix` > `warn`;
/// `info` never fails a run.
fn at_least(severity: &str, fail_on: FailOn) -> bool {
    let rank = match severity {
        "block" => 0,
        "fix" => 1,
        "warn" => 2,
        // `info`, and anything else: a note never fails a run. A waived finding
        // (issue 11, waivers) should be given a severity that lands here.
        _ => return false,
    };
    let limit = match fail_on {
        FailOn::Block => 0,
        FailOn::Fix => 1,
        FailOn::Warn => 2,
    };
    rank <= limit
}

/// Exit 1 when the plan is blocked, or when a finding at or above `fail_on` exists.
pub fn code(plan: &Plan, fail_on: FailOn) -> u8 {
    // A waived finding is an accepted risk: it never fails the run on its own.
    let fails = !plan.is_ready()
        || plan
            .findings
            .iter()
            .any(|f| f.waived.is_none() && at_least(&f.severity, fail_on));
    u8::from(fails)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fail_on_orders_the_severities() {
        let table = [
            (FailOn::Block, [true, false, false, false]),
            (FailOn::Fix, [true, true, false, false]),
            (FailOn::Warn, [true, true, true, false]),
        ];
        for (fail_on, expected) in table {
            let got = ["block", "fix", "warn", "info"].map(|s| at_least(s, fail_on));
            assert_eq!(got, expected, "{fail_on:?}");
        }
    }

    #[test]
    fn the_format_is_found_in_a_refused_command_line() {
        let args = |a: &[&str]| a.iter().map(OsString::from).collect::<Vec<_>>();
        assert_eq!(
            Failure::of_args(&args(&["uplan", "check", "--format", "json", "--bogus"])),
            Failure::Json
        );
        assert_eq!(
            Failure::of_args(&args(&["uplan", "check", "--format=sarif"])),
            Failure::Sarif
        );
        assert_eq!(
            Failure::of_args(&args(&["uplan", "check", "--format"])),
            Failure::Text
        );
        assert_eq!(
            Failure::of_args(&args(&["uplan", "check", "--format", "pdf"])),
            Failure::Text
        );
    }
}
