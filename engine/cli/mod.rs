//! The `uplan` command line: argument parsing (clap derive) and one function per
//! command. [`run`] is the whole program minus the process: arguments in; exit code,
//! stdout and stderr out (only `-o FILE` touches the file system for writing).

mod check;
mod codes;
mod diff;
mod docs;
mod explain;
mod fmt;
mod inventory;
mod io;
mod lint;
mod machine;
mod pipeline;
mod schema;
mod test;
mod validate;
mod validate_json;

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use uplan::diagnostics::{Problem, Problems};
use uplan::model::Lang;
use uplan::render;

pub use io::{Streams, Terminal};

/// uplan turns a platform inventory into an ordered, validated upgrade plan, driven by
/// rule files (default: the embedded ACP rulebook).
///
/// Exit codes: 0 ready / nothing blocks / valid, 1 blocked / invalid (or a finding at
/// `--fail-on`), 2 bad input.
#[derive(Parser, Debug)]
#[command(name = "uplan", version, propagate_version = true)]
struct Cli {
    /// Colour: auto (on a terminal, unless NO_COLOR is set), always, or never
    #[arg(long, global = true, value_enum, default_value_t = ColorWhen::Auto, value_name = "WHEN")]
    color: ColorWhen,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum ColorWhen {
    Auto,
    Always,
    Never,
}

/// What makes `plan` and `check` exit 1: `block` (a blocked plan, the default), `fix`
/// (also a finding the plan must fix first), `warn` (also a warning). Notes never do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum FailOn {
    Block,
    Fix,
    Warn,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Plan the upgrade: ordered steps with commands, or what blocks it
    #[command(after_help = PLAN_EXAMPLES)]
    Plan(PlanArgs),
    /// Only the findings: what would block the upgrade, pointing at the inventory
    #[command(after_help = CHECK_EXAMPLES)]
    Check(CheckArgs),
    /// Compile and check a rulebook (default: the embedded ACP rulebook)
    #[command(after_help = LINT_EXAMPLES)]
    Lint(LintArgs),
    /// Replay a (possibly hand-edited) plan JSON against an inventory
    #[command(after_help = VALIDATE_EXAMPLES)]
    Validate(ValidateArgs),
    /// What changed between two plans, or what a rule change does to inventories' plans
    Diff(DiffArgs),
    /// Rewrite rule files in the canonical layout (`--check`: only report)
    Fmt(FmtArgs),
    /// From the platform to the inventory: `collect` a bundle, `import` it
    Inventory(inventory::InventoryArgs),
    /// Print a shell completion script
    #[command(after_help = COMPLETIONS_EXAMPLES)]
    Completions(CompletionsArgs),
    /// Print the manual page (roff), or write it with -o
    #[command(after_help = MAN_EXAMPLES)]
    Man(ManArgs),
    /// Run the rulebook's `test` declarations (default: the embedded ACP rulebook)
    Test(TestArgs),
    /// Print the JSON Schema of the inventory (from the rulebook), a plan or a check report
    Schema(SchemaArgs),
    /// Why a step is in the plan, or why a rule fired or did not, with the inventory lines
    #[command(after_help = EXPLAIN_EXAMPLES)]
    Explain(ExplainArgs),
}

#[derive(Args, Debug)]
struct ExplainArgs {
    #[command(flatten)]
    input: Input,
    /// A step id (`3.16->4.0:upgrade-kubernetes(biz-1,1.29)`), `ACTION [CLUSTER]`, or
    /// `RULE [CLUSTER]`
    #[arg(required = true, num_args = 1..=2, value_name = "STEP-OR-RULE")]
    what: Vec<String>,
}

const EXPLAIN_EXAMPLES: &str = "Examples:
  uplan explain examples/harbor-3.16-to-4.3.yaml --to 4.3 upgrade-kubernetes biz-1
  uplan explain inventory.yaml --to 4.3 '4.2->4.3:upgrade-cluster(biz-1)'
  uplan explain inventory.yaml --to 4.3 preflight-resource-patches global

Exit codes: 0 explained, 2 bad input (also a step or rule the plan does not have).";

#[derive(Args, Debug)]
#[command(after_help = "Exit codes: 0 every test passes, 1 a test fails, 2 bad input.")]
struct TestArgs {
    /// A directory of `*.uplan` rule files (default: the embedded ACP rulebook, whose
    /// tests read their inventories relative to rules/acp/ in the working directory)
    dir: Option<PathBuf>,
    /// Also report, per rule, procedure, order and limit, whether a test exercised it
    #[arg(long)]
    coverage: bool,
    /// Run only the tests whose name contains NAME
    #[arg(long, value_name = "NAME")]
    filter: Option<String>,
}

const PLAN_EXAMPLES: &str = "Examples:
  uplan plan examples/acme-3.18-standard.yaml --to 4.3
  uplan plan inventory.yaml --format md -o runbook.md
  uplan plan inventory.yaml --format json --fail-on fix > plan.json
  cat inventory.yaml | uplan plan - --to 4.3";
const CHECK_EXAMPLES: &str = "Examples:
  uplan check examples/mako-4.2-docker-blocked.yaml
  uplan check inventory.yaml --fail-on fix          # exit 1 when anything must be fixed first
  uplan check inventory.yaml --format sarif -o uplan.sarif
  uplan check inventory.yaml --format junit -o uplan-junit.xml
  uplan check inventory.yaml --format github        # annotations in a GitHub Actions log";
const LINT_EXAMPLES: &str = "Examples:
  uplan lint
  uplan lint rules/acp --format json
  uplan lint my-rules/ --format sarif > lint.sarif";
const VALIDATE_EXAMPLES: &str = "Examples:
  uplan plan inventory.yaml --format json -o plan.json
  uplan validate plan.json --inventory inventory.yaml
  uplan validate plan.json --inventory inventory.yaml --format json";
const COMPLETIONS_EXAMPLES: &str = "Examples:
  uplan completions bash > ~/.local/share/bash-completion/completions/uplan
  uplan completions zsh > ~/.zfunc/_uplan
  uplan completions fish > ~/.config/fish/completions/uplan.fish";
const MAN_EXAMPLES: &str = "Examples:
  uplan man | man -l -
  uplan man -o uplan.1";

/// What every evaluating command reads.
#[derive(Args, Debug)]
struct Input {
    /// The inventory (YAML); `-` reads it from standard input
    inventory: PathBuf,
    /// Target platform version, e.g. 4.3 (default: the inventory's `target`)
    #[arg(long, value_name = "VERSION")]
    to: Option<String>,
    /// A directory of `*.uplan` rule files (default: the embedded ACP rulebook)
    #[arg(long, value_name = "DIR")]
    rules: Option<PathBuf>,
    /// Accepted risks (YAML `waivers: [{rule, cluster?, owner, reason, ticket, expires}]`):
    /// a waived finding stays visible, and a waived block no longer blocks
    #[arg(long, value_name = "FILE")]
    waivers: Option<PathBuf>,
    /// The date waivers expire against, YYYY-MM-DD (default: env UPLAN_TODAY, else
    /// today's UTC date)
    #[arg(long, value_name = "DATE")]
    today: Option<String>,
    /// The language of titles, messages, notes and headings: en or zh (commands and
    /// names stay as they are)
    #[arg(long, value_name = "LANG", default_value = "en", value_parser = ["en", "zh"])]
    lang: String,
}

#[derive(Args, Debug)]
struct PlanArgs {
    #[command(flatten)]
    input: Input,
    /// Output format: text for people, md for a runbook, json (uplan.plan/v1), dot
    /// (Graphviz), mermaid (GitHub Markdown), html (one self-contained report)
    #[arg(long, value_enum, default_value_t = PlanFormat::Text)]
    format: PlanFormat,
    /// Exit 1 on a blocked plan (block), also on a finding to fix first (fix), also on a warning (warn)
    #[arg(long, value_enum, default_value_t = FailOn::Block, value_name = "LEVEL")]
    fail_on: FailOn,
    /// Show step ids and rule names in the runbook
    #[arg(long)]
    verbose: bool,
    /// Only the steps of one cluster (and what the runbook says about it)
    #[arg(long, value_name = "NAME")]
    cluster: Option<String>,
    /// Only the steps of one hop, e.g. `--hop 4.2->4.3`
    #[arg(long, value_name = "FROM->TO")]
    hop: Option<String>,
    /// Wrap terminal prose at N columns (default: the terminal's width, 100 when piped)
    #[arg(long, value_name = "N")]
    width: Option<usize>,
    /// Write to FILE (atomically, and only when the run succeeds) instead of stdout
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Args, Debug)]
struct CheckArgs {
    #[command(flatten)]
    input: Input,
    /// Output format: text (diagnostics pointing at the inventory), json (uplan.check/v1),
    /// sarif (SARIF 2.1.0), junit (JUnit XML), github (workflow annotations)
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    format: CheckFormat,
    /// Exit 1 on a blocking finding (block), also on a finding to fix first (fix), also on a warning (warn)
    #[arg(long, value_enum, default_value_t = FailOn::Block, value_name = "LEVEL")]
    fail_on: FailOn,
    /// For a blocked inventory: the fewest fact changes that make it plan, and the
    /// nearest target it reaches as it is
    #[arg(long)]
    unblock: bool,
    /// Write to FILE (atomically, and only when the run succeeds) instead of stdout
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Args, Debug)]
struct LintArgs {
    /// A directory of `*.uplan` rule files (default: the embedded ACP rulebook)
    dir: Option<PathBuf>,
    /// `--deny warnings`: exit 1 when lint warns (for CI)
    #[arg(long, value_name = "WHAT", value_parser = ["warnings"])]
    deny: Option<String>,
    /// List every declaration that can apply on one hop, e.g. `--hop 4.2->4.3`
    #[arg(long, value_name = "FROM->TO")]
    hop: Option<String>,
    /// Output format: text, json (uplan.lint/v1), sarif (SARIF 2.1.0), github (workflow annotations)
    #[arg(long, value_enum, default_value_t = LintFormat::Text)]
    format: LintFormat,
}

#[derive(Args, Debug)]
struct CompletionsArgs {
    /// The shell to complete for
    #[arg(value_enum)]
    shell: clap_complete::Shell,
}

#[derive(Args, Debug)]
struct ManArgs {
    /// Write the page to FILE (atomically) instead of stdout
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Args, Debug)]
struct ValidateArgs {
    /// The plan to replay (JSON, uplan.plan/v1)
    plan: PathBuf,
    /// The inventory the plan was made for (YAML)
    #[arg(long, value_name = "INV")]
    inventory: PathBuf,
    /// A directory of `*.uplan` rule files (default: the embedded ACP rulebook)
    #[arg(long, value_name = "DIR")]
    rules: Option<PathBuf>,
    /// The date the plan's recorded waivers expire against, YYYY-MM-DD (default: env
    /// UPLAN_TODAY, else today's UTC date)
    #[arg(long, value_name = "DATE")]
    today: Option<String>,
    /// Output format: text, or json (uplan.validate/v1: the verdict and every violation)
    #[arg(long, value_enum, default_value_t = ValidateFormat::Text)]
    format: ValidateFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum ValidateFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum LintFormat {
    Text,
    Json,
    Sarif,
    Github,
}

#[derive(Args, Debug)]
#[command(after_help = "Examples:
  uplan diff old.json new.json
  uplan diff --rules-before main/rules/acp --rules-after rules/acp examples/*.yaml --format md

Exit codes: 0 no change, 1 changes, 2 bad input.")]
struct DiffArgs {
    /// Two plan JSON files (OLD NEW); with --rules-before/--rules-after, the inventories to plan
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// The rulebook before the change (default: the embedded ACP rulebook)
    #[arg(long, value_name = "DIR")]
    rules_before: Option<PathBuf>,
    /// The rulebook after the change (default: the embedded ACP rulebook)
    #[arg(long, value_name = "DIR")]
    rules_after: Option<PathBuf>,
    /// Target platform version when planning (default: each inventory's `target`)
    #[arg(long, value_name = "VERSION")]
    to: Option<String>,
    /// Output format: text for people, md for a pull-request comment, json (uplan.diff/v1)
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    format: DiffFormat,
    /// Write to FILE (atomically, and only when the run succeeds) instead of stdout
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Args, Debug)]
#[command(after_help = "Examples:
  uplan fmt rules/acp
  uplan fmt --check rules/acp

Exit codes: 0 formatted, 1 (with --check) a file is not formatted, 2 bad input.")]
struct FmtArgs {
    /// Rule files, or directories of `*.uplan` files (default: the working directory)
    #[arg(value_name = "DIR|FILE")]
    paths: Vec<PathBuf>,
    /// Change nothing; exit 1 and name each file that is not formatted
    #[arg(long)]
    check: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum DiffFormat {
    Text,
    #[value(alias = "markdown")]
    Md,
    Json,
}

#[derive(Args, Debug)]
struct SchemaArgs {
    /// Which document: inventory (the rulebook's), plan (uplan.plan/v1), check (uplan.check/v1)
    #[arg(value_enum)]
    kind: SchemaKind,
    /// A directory of `*.uplan` rule files (default: the embedded ACP rulebook)
    #[arg(long, value_name = "DIR")]
    rules: Option<PathBuf>,
    /// Write to FILE (atomically, and only when the run succeeds) instead of stdout
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum SchemaKind {
    Inventory,
    Plan,
    Check,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum PlanFormat {
    Text,
    #[value(alias = "markdown")]
    Md,
    Json,
    Dot,
    Mermaid,
    Html,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum CheckFormat {
    Text,
    Json,
    Sarif,
    Junit,
    Github,
}

/// What the process should do once [`run`] returns.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Output {
    pub code: u8,
    pub stdout: String,
    pub stderr: String,
}

/// What a command produced when its input was good: exit code 0 or 1, the output
/// (stdout or `-o FILE`), and warnings for stderr.
struct Report {
    code: u8,
    text: String,
    warnings: String,
}

/// Runs `uplan` on `args` (the first one is the program name).
pub fn run<I, T>(args: I, terminal: Terminal) -> Output
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) => return clap_error(&e, &args, terminal),
    };
    let terminal = colour(cli.color, terminal);
    let how = failure_kind(&cli.command);
    let output = match &cli.command {
        Command::Plan(a) => a.output.as_deref(),
        Command::Check(a) => a.output.as_deref(),
        Command::Diff(a) => a.output.as_deref(),
        Command::Inventory(a) => a.output(),
        Command::Man(a) => a.output.as_deref(),
        Command::Schema(a) => a.output.as_deref(),
        _ => None,
    };
    // `-o` is checked before the run: a wrong path should not cost a whole evaluation.
    let target = match output.map(|p| io::output_target(p, &inputs(&cli.command))) {
        Some(Err(problems)) => return machine::failure(&problems, terminal, how),
        Some(Ok(target)) => Some(target),
        None => None,
    };
    // Colour is for people looking at a terminal, never for a file.
    let colour = terminal.stdout_colour && target.is_none();
    let result = match cli.command {
        Command::Plan(a) => {
            let options = render::Options {
                lang: Lang::from_code(&a.input.lang).unwrap_or_default(),
                verbose: a.verbose,
                colour,
                // a file gets the piped width, whatever the terminal is
                width: a.width.or(target.as_ref().map(|_| render::PIPED_WIDTH)),
                cluster: a.cluster.clone(),
                hop: a.hop.as_ref().map(|h| h.split_whitespace().collect()),
            };
            pipeline::plan(&a.input, a.format, a.fail_on, &options)
        }
        Command::Check(a) if a.unblock => pipeline::unblock(&a.input, a.format),
        Command::Check(a) => pipeline::check(&a.input, a.format, a.fail_on, colour),
        Command::Lint(a) => match &a.hop {
            Some(hop) => lint::hop(a.dir.as_deref(), hop),
            None => lint::lint(
                a.dir.as_deref(),
                a.format,
                a.deny.is_some(),
                terminal.stderr_colour,
            ),
        },
        Command::Validate(a) => validate::validate(&a),
        Command::Diff(a) => diff::diff(&a),
        Command::Fmt(a) => fmt::run(&a),
        Command::Inventory(a) => inventory::run(&a, terminal.stderr_colour),
        Command::Completions(a) => docs::completions(&a),
        Command::Man(_) => docs::man(),
        Command::Test(a) => test::test(
            a.dir.as_deref(),
            a.coverage,
            a.filter.as_deref(),
            terminal.stderr_colour,
        ),
        Command::Schema(a) => schema::schema(a.kind, a.rules.as_deref()),
        Command::Explain(a) => explain::explain(&a.input, &a.what, colour),
    };
    let delivered = result.and_then(|report| deliver(report, target.as_ref()));
    delivered.unwrap_or_else(|problems| machine::failure(&problems, terminal, how))
}

/// `--color always|never` over what the terminal and `NO_COLOR` say (`auto`).
fn colour(when: ColorWhen, detected: Terminal) -> Terminal {
    let on = |b| Terminal {
        stdout_colour: b,
        stderr_colour: b,
    };
    match when {
        ColorWhen::Auto => detected,
        ColorWhen::Always => on(true),
        ColorWhen::Never => on(false),
    }
}

/// How the command reports bad input: in the machine format it was asked for.
fn failure_kind(command: &Command) -> machine::Failure {
    use machine::Failure;
    match command {
        Command::Plan(a) if a.format == PlanFormat::Json => Failure::Json,
        Command::Check(a) => match a.format {
            CheckFormat::Json => Failure::Json,
            CheckFormat::Sarif => Failure::Sarif,
            CheckFormat::Github => Failure::Github,
            CheckFormat::Text | CheckFormat::Junit => Failure::Text,
        },
        Command::Lint(a) => match a.format {
            LintFormat::Json => Failure::Json,
            LintFormat::Sarif => Failure::SarifResults,
            LintFormat::Github => Failure::Github,
            LintFormat::Text => Failure::Text,
        },
        Command::Validate(a) if a.format == ValidateFormat::Json => Failure::Json,
        _ => Failure::Text,
    }
}

/// The files an evaluating command reads, with what each is: `-o` must name none.
fn inputs(command: &Command) -> Vec<(&'static str, PathBuf)> {
    let input = match command {
        Command::Plan(a) => &a.input,
        Command::Check(a) => &a.input,
        Command::Schema(a) => return schema_inputs(a.rules.as_deref()),
        Command::Diff(a) => return diff_inputs(a),
        Command::Inventory(a) => return a.inputs(),
        _ => return Vec::new(),
    };
    let mut files = Vec::new();
    if !io::is_stdin(&input.inventory) {
        files.push(("inventory", input.inventory.clone()));
    }
    files.extend(input.waivers.iter().map(|w| ("waivers file", w.clone())));
    // A directory that cannot be listed fails the run itself, with its own diagnostic.
    if let Some(dir) = &input.rules {
        let rules = uplan::rulebooks::rule_files(dir).unwrap_or_default();
        files.extend(rules.into_iter().map(|p| ("rule file", p)));
    }
    files
}

/// `uplan diff` reads plans or inventories and, with rulebooks, their rule files.
fn diff_inputs(a: &DiffArgs) -> Vec<(&'static str, PathBuf)> {
    let mut files: Vec<_> = a.files.iter().map(|p| ("input", p.clone())).collect();
    for dir in a.rules_before.iter().chain(&a.rules_after) {
        let rules = uplan::rulebooks::rule_files(dir).unwrap_or_default();
        files.extend(rules.into_iter().map(|p| ("rule file", p)));
    }
    files
}

/// `uplan schema --rules DIR` reads the rule files, which `-o` must not name either.
fn schema_inputs(dir: Option<&std::path::Path>) -> Vec<(&'static str, PathBuf)> {
    // A directory that cannot be listed fails the run itself, with its own diagnostic.
    let rules = dir.map(|d| uplan::rulebooks::rule_files(d).unwrap_or_default());
    rules
        .unwrap_or_default()
        .into_iter()
        .map(|p| ("rule file", p))
        .collect()
}

/// Sends the report to stdout, or writes it to `target` (then stdout stays empty).
fn deliver(report: Report, target: Option<&io::Target>) -> Result<Output, Problems> {
    let stdout = match target {
        Some(target) => {
            io::write_atomically(target, &report.text)?;
            String::new()
        }
        None => report.text,
    };
    Ok(Output {
        code: report.code,
        stdout,
        stderr: report.warnings,
    })
}

/// `1 step`, `2 steps`.
fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("{n} {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// clap's own messages: help and version on stdout (exit 0); a usage error is a
/// `uplan::cli::usage` diagnostic on stderr (exit 2), like every other bad input.
fn clap_error(e: &clap::Error, args: &[OsString], terminal: Terminal) -> Output {
    if !e.use_stderr() {
        return Output {
            code: u8::try_from(e.exit_code()).unwrap_or(0),
            stdout: e.render().to_string(),
            stderr: String::new(),
        };
    }
    let how = machine::Failure::of_args(args);
    machine::failure(&usage_problem(e, args).into(), terminal, how)
}

/// `uplan plan` when the arguments name a command, else `uplan`.
fn command_of(args: &[OsString]) -> String {
    use clap::CommandFactory;
    let cli = Cli::command();
    let named = args.iter().skip(1).find_map(|a| {
        cli.get_subcommands()
            .find(|c| a.to_str() == Some(c.get_name()))
            .map(|c| c.get_name().to_string())
    });
    named.map_or_else(|| "uplan".to_string(), |c| format!("uplan {c}"))
}

/// clap's message as the diagnostic's message (its first paragraph on one line), its
/// tips and the usage line as the help.
fn usage_problem(e: &clap::Error, args: &[OsString]) -> Problem {
    use clap::error::ErrorKind;
    if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
        return Problem::new(codes::USAGE, "no command given").help(
            "usage: uplan <COMMAND>, where COMMAND is plan, check, lint, test, validate, diff, fmt, schema, inventory, completions or man; `uplan --help` explains each",
        );
    }
    let rendered = e.render().to_string();
    let mut paragraphs = rendered
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty());
    let first = paragraphs.next().unwrap_or("bad command line");
    let message = first
        .strip_prefix("error:")
        .unwrap_or(first)
        .split('\n')
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(" ");
    let mut help = Vec::new();
    let mut command = command_of(args);
    for p in paragraphs {
        if let Some(usage) = p.strip_prefix("Usage:") {
            let usage = usage.trim();
            command = usage
                .split_whitespace()
                .take_while(|w| !w.starts_with(['[', '<']))
                .collect::<Vec<_>>()
                .join(" ");
            help.push(format!("usage: {usage}"));
        } else if !p.starts_with("For more information") {
            help.push(p.split('\n').map(str::trim).collect::<Vec<_>>().join(" "));
        }
    }
    help.push(format!("`{command} --help` lists every argument"));
    Problem::new(codes::USAGE, message).help(help.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uplan(args: &[&str]) -> Output {
        let mut all = vec!["uplan"];
        all.extend_from_slice(args);
        run(all, Terminal::plain())
    }

    #[test]
    fn clap_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }

    #[test]
    fn help_goes_to_stdout_with_exit_0() {
        let out = uplan(&["--help"]);
        assert_eq!(out.code, 0);
        assert!(out.stdout.contains("plan"), "{}", out.stdout);
        assert!(out.stderr.is_empty());
    }

    #[test]
    fn usage_errors_exit_2() {
        for args in [
            &[][..],
            &["plan"],
            &["frobnicate"],
            &["plan", "x.yaml", "--format", "pdf"],
        ] {
            let out = uplan(args);
            assert_eq!(out.code, 2, "{args:?}: {out:?}");
            assert!(out.stderr.contains(codes::USAGE), "{args:?}: {out:?}");
            assert!(out.stderr.contains("help:"), "{args:?}: {out:?}");
            assert!(out.stdout.is_empty(), "{args:?}: {out:?}");
        }
    }

    #[test]
    fn usage_errors_keep_clap_message_and_usage_line() {
        let out = uplan(&["plan", "x.yaml", "--format", "pdf"]);
        insta::assert_snapshot!(out.stderr);
        let out = uplan(&["plan"]);
        assert!(out.stderr.contains("<INVENTORY>"), "{out:?}");
        assert!(out.stderr.contains("usage: uplan plan"), "{out:?}");
        assert!(out.stderr.contains("`uplan plan --help`"), "{out:?}");
        let out = uplan(&["pln"]);
        assert!(
            out.stderr.contains("'plan'"),
            "the suggestion is kept: {out:?}"
        );
    }

    #[test]
    fn version_goes_to_stdout_with_exit_0() {
        let out = uplan(&["--version"]);
        assert_eq!((out.code, out.stderr.as_str()), (0, ""));
        assert!(out.stdout.starts_with("uplan "), "{out:?}");
    }

    #[test]
    fn delivering_to_a_file_leaves_stdout_empty() {
        let dir = std::env::temp_dir().join(format!("uplan-deliver-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let file = dir.join("plan.json");
        let report = Report {
            code: 1,
            text: "{}\n".into(),
            warnings: "careful\n".into(),
        };
        let target = io::output_target(&file, &[]).map_err(|p| p.codes());
        let out = target.and_then(|t| deliver(report, Some(&t)).map_err(|p| p.codes()));
        let expected = Output {
            code: 1,
            stdout: String::new(),
            stderr: "careful\n".into(),
        };
        assert_eq!(out, Ok(expected));
        assert_eq!(std::fs::read_to_string(&file).ok().as_deref(), Some("{}\n"));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn markdown_is_an_alias_of_md() {
        let out = uplan(&["plan", "/nonexistent/inv.yaml", "--format", "markdown"]);
        assert!(
            out.stderr.contains("uplan::cli::unreadable_file"),
            "{out:?}"
        );
    }
}
