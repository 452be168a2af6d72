//! `uplan validate PLAN.json --inventory INV`: replay a (possibly hand-edited) plan.

use std::borrow::Cow;
use std::fmt::Write;

use uplan::diagnostics::{Problem, Problems};
use uplan::eval::{self, Violation};
use uplan::inventory;
use uplan::model::Version;
use uplan::plan::{Plan, SCHEMA_ID};
use uplan::source::{Sources, Span};

use super::{Report, ValidateArgs, codes, io, pipeline, plural};

/// Exit 0 and "plan is valid", or exit 1 and the violations; bad input exits 2.
pub fn validate(args: &ValidateArgs) -> Result<Report, Problems> {
    let name = args.plan.display().to_string();
    let plan_text = io::read_file(&args.plan, "plan")?;
    let plan = parse_plan(&name, &plan_text)?;
    let inventory_text = io::read_file(&args.inventory, "inventory")?;
    let rulebook = pipeline::rules(args.rules.as_deref())?;
    let inventory_name = args.inventory.display().to_string();
    let inventory = inventory::load(&rulebook, &inventory_name, &inventory_text)?;
    let violations = eval::validate(&rulebook, &inventory, &plan)?;
    if args.format == super::ValidateFormat::Json {
        return Ok(super::validate_json::report(&plan, &violations));
    }
    Ok(report(&plan, &violations))
}

fn report(plan: &Plan, violations: &[Violation]) -> Report {
    let mut text = String::new();
    if violations.is_empty() {
        let _ = writeln!(
            text,
            "plan is valid: {} replayed from {} to {}",
            plural(plan.steps.len(), "step"),
            plan.from,
            plan.to
        );
        return Report {
            code: 0,
            text,
            warnings: String::new(),
        };
    }
    for v in violations.iter().take(MAX_SHOWN) {
        let _ = writeln!(text, "✗ {}: {}", v.code, printable(&v.message));
        if let Some(step) = &v.step {
            let _ = writeln!(text, "    step: {}", printable(step));
        }
        if let Some(rule) = &v.rule {
            let _ = writeln!(text, "    rule: {}", printable(rule));
        }
    }
    if violations.len() > MAX_SHOWN {
        let _ = writeln!(
            text,
            "… and {}",
            plural(violations.len() - MAX_SHOWN, "more violation")
        );
    }
    let _ = writeln!(
        text,
        "plan is invalid: {}",
        plural(violations.len(), "violation")
    );
    Report {
        code: 1,
        text,
        warnings: String::new(),
    }
}

/// How many violations the report lists; a plan edited beyond recognition can break
/// every rule for every step, and the first ones say what happened.
const MAX_SHOWN: usize = 200;

/// `text` with control characters escaped (`\u{1b}`): ids and messages come from
/// the plan file, and a raw ESC or line break would reach the terminal.
fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() {
            let _ = write!(out, "{}", c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Parses the plan JSON; bad JSON or a wrong shape points at the line and column
/// serde_json reports, an unknown schema id at the `schema` value.
pub(super) fn parse_plan(name: &str, text: &str) -> Result<Plan, Problems> {
    let mut sources = Sources::default();
    let file = sources.add(name, text);
    // An editor may save the plan with a byte order mark; JSON has none.
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let plan: Plan = serde_json::from_str(&text[bom..]).map_err(|e| {
        let message = e.to_string();
        let reason = message
            .rsplit_once(" at line ")
            .map_or(message.as_str(), |(m, _)| m);
        let at = bom + offset(&text[bom..], e.line(), e.column());
        let span = Span::new(file, at, next_boundary(text, at));
        Problem::new(
            codes::BAD_PLAN,
            format!("`{name}` is not a {SCHEMA_ID} plan"),
        )
        .at(&sources, span, reason)
        .help("pass the JSON `uplan plan --format json` wrote (steps may be reordered or edited)")
    })?;
    if plan.schema != SCHEMA_ID {
        return Err(unknown_schema(&sources, file, name, &plan.schema).into());
    }
    if let Err(e) = Version::parse(&plan.to) {
        return Err(bad_target(&sources, file, name, &plan.to, e.reason).into());
    }
    Ok(plan)
}

/// The plan's `to` is no version: points at its value when it is written plainly.
fn bad_target(sources: &Sources, file: u32, name: &str, to: &str, reason: &str) -> Problem {
    let problem = Problem::new(
        codes::BAD_PLAN,
        format!("the target of `{name}` is not a version"),
    )
    .help("`to` is the version the plan upgrades to, e.g. `\"to\": \"4.3.0\"`");
    let text = &sources.get(file).text;
    let value = serde_json::to_string(to).unwrap_or_default();
    let found = text
        .find("\"to\"")
        .and_then(|key| text[key..].find(&value).map(|v| key + v));
    match found {
        Some(at) => problem.at(sources, Span::new(file, at, at + value.len()), reason),
        None => problem,
    }
}

/// Points at the schema's value when it is written plainly (an escaped one is not
/// found verbatim, and then the message alone names it).
fn unknown_schema(sources: &Sources, file: u32, name: &str, schema: &str) -> Problem {
    let shown: String = schema.chars().take(80).collect();
    let ellipsis = if shown.len() < schema.len() {
        "…"
    } else {
        ""
    };
    let problem = Problem::new(
        codes::UNKNOWN_SCHEMA,
        format!("`{name}` has schema `{shown}{ellipsis}`, not `{SCHEMA_ID}`"),
    )
    .help(format!(
        "this uplan reads `{SCHEMA_ID}` plans; re-create the plan with `uplan plan --format json`"
    ));
    let text = &sources.get(file).text;
    match text.find(&format!("\"{schema}\"")) {
        Some(at) => problem.at(
            sources,
            Span::new(file, at, at + schema.len() + 2),
            "unknown schema id",
        ),
        None => problem,
    }
}

/// The byte offset of serde_json's 1-based (line, column), clamped to the text.
fn offset(text: &str, line: usize, column: usize) -> usize {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let mut at = (line_start + column.saturating_sub(1)).min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The end of the character at `at` (empty span at the end of the text).
fn next_boundary(text: &str, at: usize) -> usize {
    text[at..].chars().next().map_or(at, |c| at + c.len_utf8())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code_and_span(text: &str) -> Option<(&'static str, Option<(u32, u32)>)> {
        let problems = parse_plan("plan.json", text).err()?;
        let p = problems.0.first()?;
        Some((p.code, p.span.map(|s| (s.start, s.end))))
    }

    #[test]
    fn bad_json_points_at_the_error() {
        let text = "{\n  \"schema\": \"uplan.plan/v1\",\n  \"status\": ready\n}\n";
        let (code, span) = code_and_span(text).unwrap_or(("none", None));
        assert_eq!(code, "uplan::cli::bad_plan");
        let (start, _) = span.unwrap_or_default();
        assert_eq!(&text[start as usize..start as usize + 1], "r");
    }

    #[test]
    fn wrong_shape_is_bad_plan() {
        let got = code_and_span("{\"schema\": \"uplan.plan/v1\"}").map(|(c, _)| c);
        assert_eq!(got, Some("uplan::cli::bad_plan"));
        let got = code_and_span("").map(|(c, _)| c);
        assert_eq!(got, Some("uplan::cli::bad_plan"));
    }

    #[test]
    fn unknown_schema_is_named() {
        let text = r#"{"schema": "uplan.plan/v9", "status": "ready", "from": "1", "to": "2",
            "path": [], "findings": [], "steps": []}"#;
        let got = code_and_span(text);
        assert_eq!(got, Some(("uplan::cli::unknown_schema", Some((11, 26)))));
    }

    #[test]
    fn offsets_are_clamped_to_char_boundaries() {
        assert_eq!(offset("a\nbé", 2, 3), 3);
        assert_eq!(offset("ab", 9, 9), 2);
    }

    #[test]
    fn reports_say_valid_or_count_violations() {
        let plan: Plan = serde_json::from_str(
            r#"{"schema": "uplan.plan/v1", "status": "ready", "from": "3.16.2", "to": "4.3",
                "path": [], "findings": [], "steps": []}"#,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let ok = report(&plan, &[]);
        assert_eq!((ok.code, ok.text.starts_with("plan is valid")), (0, true));
        let bad = report(
            &plan,
            &[Violation {
                code: "uplan::validate::order",
                step: Some("3.16->4.0:upgrade-cluster(biz-1)".into()),
                rule: Some("global-before-workloads".into()),
                message: "biz-1 upgrades before global".into(),
            }],
        );
        assert_eq!(bad.code, 1);
        insta::assert_snapshot!(bad.text);
    }
}
