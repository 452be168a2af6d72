//! `uplan validate PLAN.json --inventory INV`: replay a (possibly hand-edited) plan.

use std::borrow::Cow;
use std::fmt::Write;

use uplan::diagnostics::{Problem, Problems};
use uplan::eval::{self, Violation};
use uplan::inventory;
use uplan::model::{Rulebook, Version};
use uplan::plan::{Finding, Plan, Provenance, SCHEMA_ID};
use uplan::provenance;
use uplan::source::{Sources, Span};
use uplan::waivers::{self, Date, Waivers};

use super::{Report, ValidateArgs, codes, io, pipeline, plural};

/// Exit 0 and "plan is valid", or exit 1 and the violations; bad input exits 2.
/// A plan with provenance is first compared with the inventory and the rulebook
/// given: made for other files, it fails with that one message.
pub fn validate(args: &ValidateArgs) -> Result<Report, Problems> {
    let name = args.plan.display().to_string();
    let plan_text = io::read_file(&args.plan, "plan")?;
    let plan = parse_plan(&name, &plan_text)?;
    let inventory_text = io::read_file(&args.inventory, "inventory")?;
    let (rulebook, rulebook_sha256) = pipeline::rules_with_digest(args.rules.as_deref())?;
    let today = pipeline::today(args.today.as_deref())?;
    // Bad input stays bad input (exit 2); then the digests, the inventory's first:
    // either mismatch is one message, before anything is replayed.
    let inventory_name = args.inventory.display().to_string();
    let inventory = inventory::load(&rulebook, &inventory_name, &inventory_text)?;
    if let Some(p) = &plan.provenance
        && let Some(v) = provenance_mismatch(p, &inventory_text, &rulebook_sha256, args)
    {
        return Ok(deliver(args, &plan, &[v], &[]));
    }
    let recorded = plan.provenance.as_ref().map_or(&[][..], |p| &p.waivers[..]);
    let waivers = recorded_waivers(&name, recorded)?;
    let target = requested_target(&plan)?;
    let waived = |f: &Finding| waivers::applicable(&waivers, f, today).is_some();
    let mut validation =
        eval::validate_with(&rulebook, &inventory, &plan, target.as_ref(), &waived)?;
    validation
        .violations
        .extend(recorded_waiver_violations(&rulebook, &waivers, today));
    let mut notes = Vec::new();
    if plan.provenance.is_none() {
        notes.push("the plan has no provenance (made by an older uplan): its inventory and rulebook were not compared; only its steps were".to_string());
    }
    notes.extend(validation.unchecked.iter().map(|id| {
        format!(
            "unchecked: `{}` was added by hand (`manual_addition`); no rule checks it",
            printable(id)
        )
    }));
    Ok(deliver(args, &plan, &validation.violations, &notes))
}

/// The report in the format asked for.
fn deliver(args: &ValidateArgs, plan: &Plan, violations: &[Violation], notes: &[String]) -> Report {
    if args.format == super::ValidateFormat::Json {
        return super::validate_json::report(plan, violations);
    }
    report(plan, violations, notes)
}

/// The waivers recorded in the plan's provenance.
fn recorded_waivers(name: &str, recorded: &[uplan::plan::Waiver]) -> Result<Waivers, Problems> {
    waivers::from_recorded(name, recorded).ok_or_else(|| {
        Problem::new(
            codes::BAD_PLAN,
            format!("a waiver recorded in `{name}` has an `expires` that is not a YYYY-MM-DD date"),
        )
        .help("the waivers of a plan come from `uplan plan --waivers FILE`; re-create the plan")
        .into()
    })
}

/// The target the plan was asked for (its provenance's), replayed as asked: `4.3`
/// and `4.3.0` name the same hop but may differ in the commands.
fn requested_target(plan: &Plan) -> Result<Option<Version>, Problems> {
    let Some(t) = plan
        .provenance
        .as_ref()
        .and_then(|p| p.target_requested.as_deref())
    else {
        return Ok(None);
    };
    Version::parse(t).map(Some).map_err(|e| {
        Problem::new(
            codes::BAD_PLAN,
            format!(
                "the plan's `target_requested` is not a version: {}",
                e.reason
            ),
        )
        .help("re-create the plan with `uplan plan --format json`")
        .into()
    })
}

/// The plan was made for another inventory, or with another rulebook: one
/// violation saying which (the inventory when both differ).
fn provenance_mismatch(
    p: &Provenance,
    inventory: &str,
    rulebook_sha256: &str,
    args: &ValidateArgs,
) -> Option<Violation> {
    let short = |s: &str| s.chars().take(12).collect::<String>();
    let inventory_sha256 = provenance::sha256_hex(inventory.as_bytes());
    let (code, message) = if p.inventory_sha256 != inventory_sha256 {
        let message = format!(
            "this plan was made for another inventory: `{}` has sha256 {}…, the plan was made for {}…; pass the inventory it was made for, or make a new plan from this one (`uplan plan {} --format json`)",
            args.inventory.display(),
            short(&inventory_sha256),
            short(&p.inventory_sha256),
            args.inventory.display()
        );
        (WRONG_INVENTORY, message)
    } else if p.rulebook_sha256 != rulebook_sha256 {
        let rules = args.rules.as_ref().map_or_else(
            || "the embedded ACP rulebook".to_string(),
            |d| format!("the rulebook `{}`", d.display()),
        );
        let message = format!(
            "this plan was made with another rulebook: {rules} has sha256 {}…, the plan was made with {}… (uplan {}); validate with the rules it was made with (`--rules DIR`), or make a new plan",
            short(rulebook_sha256),
            short(&p.rulebook_sha256),
            printable(&p.uplan)
        );
        (WRONG_RULEBOOK, message)
    } else {
        return None;
    };
    Some(Violation {
        code,
        step: None,
        rule: None,
        message,
    })
}

/// The plan was made for another inventory (provenance `inventory_sha256`).
const WRONG_INVENTORY: &str = "uplan::validate::wrong_inventory";
/// The plan was made with another rulebook (provenance `rulebook_sha256`).
const WRONG_RULEBOOK: &str = "uplan::validate::wrong_rulebook";
/// A waiver recorded in the plan names no rule, or an unwaivable one.
const BAD_WAIVER: &str = "uplan::validate::bad_waiver";
/// A waiver recorded in the plan has expired: what it accepted counts again.
const WAIVER_EXPIRED: &str = "uplan::validate::waiver_expired";

/// The plan's recorded waivers, checked as `--waivers` checks a file, and expired.
fn recorded_waiver_violations(rb: &Rulebook, w: &Waivers, today: Date) -> Vec<Violation> {
    let mut out = Vec::new();
    for e in &w.entries {
        let rule = rb.rules.iter().find(|r| r.id == e.waiver.rule);
        let problem = match rule {
            None => Some((
                BAD_WAIVER,
                format!(
                    "the plan records a waiver of `{}`, which is no rule of this rulebook",
                    printable(&e.waiver.rule)
                ),
            )),
            Some(r) if !r.waivable => Some((
                BAD_WAIVER,
                format!(
                    "the plan records a waiver of `{}`, which the rulebook declares unwaivable",
                    r.id
                ),
            )),
            Some(_) if today > e.expires => Some((
                WAIVER_EXPIRED,
                format!(
                    "the plan's waiver of `{}` ({}, {}) expired on {} (today is {today}): what it accepted counts again; renew it and re-plan",
                    printable(&e.waiver.rule),
                    printable(&e.waiver.owner),
                    printable(&e.waiver.ticket),
                    e.expires
                ),
            )),
            Some(_) => None,
        };
        if let Some((code, message)) = problem {
            out.push(Violation {
                code,
                step: None,
                rule: Some(e.waiver.rule.clone()),
                message,
            });
        }
    }
    out
}

/// The verdict on stdout; notes (no provenance, steps added by hand) on stderr, so
/// stdout stays the verdict a script reads.
fn report(plan: &Plan, violations: &[Violation], notes: &[String]) -> Report {
    let mut text = String::new();
    let mut warnings = String::new();
    for n in notes {
        let _ = writeln!(warnings, "note: {n}");
    }
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
            warnings,
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
        warnings,
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
        let ok = report(&plan, &[], &[]);
        assert_eq!((ok.code, ok.text.starts_with("plan is valid")), (0, true));
        let bad = report(
            &plan,
            &[Violation {
                code: "uplan::validate::order",
                step: Some("3.16->4.0:upgrade-cluster(biz-1)".into()),
                rule: Some("global-before-workloads".into()),
                message: "biz-1 upgrades before global".into(),
            }],
            &[],
        );
        assert_eq!(bad.code, 1);
        insta::assert_snapshot!(bad.text);
    }
}
