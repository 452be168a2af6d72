//! The `uplan` command line: argument parsing (clap derive) and one function per
//! command. [`run`] is the whole program minus the process: arguments in; exit code,
//! stdout and stderr out (only `-o FILE` touches the file system for writing).

mod check;
mod codes;
mod io;
mod lint;
mod pipeline;
mod schema;
mod validate;

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use uplan::diagnostics::{self, Problem, Problems};

pub use io::{Streams, Terminal};

/// uplan turns a platform inventory into an ordered, validated upgrade plan, driven by
/// rule files (default: the embedded ACP rulebook).
///
/// Exit codes: 0 ready / nothing blocks / valid, 1 blocked / invalid, 2 bad input.
#[derive(Parser, Debug)]
#[command(name = "uplan", version, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Plan the upgrade: ordered steps with commands, or what blocks it
    Plan(PlanArgs),
    /// Only the findings: what would block the upgrade, pointing at the inventory
    Check(CheckArgs),
    /// Compile and check a rulebook (default: the embedded ACP rulebook)
    Lint(LintArgs),
    /// Replay a (possibly hand-edited) plan JSON against an inventory
    Validate(ValidateArgs),
    /// Print the JSON Schema of the inventory (from the rulebook), a plan or a check report
    Schema(SchemaArgs),
}

/// What every evaluating command reads.
#[derive(Args, Debug)]
struct Input {
    /// The inventory (YAML)
    inventory: PathBuf,
    /// Target platform version, e.g. 4.3 (default: the inventory's `target`)
    #[arg(long, value_name = "VERSION")]
    to: Option<String>,
    /// A directory of `*.uplan` rule files (default: the embedded ACP rulebook)
    #[arg(long, value_name = "DIR")]
    rules: Option<PathBuf>,
}

#[derive(Args, Debug)]
struct PlanArgs {
    #[command(flatten)]
    input: Input,
    /// Output format: text for people, md for a runbook, json (uplan.plan/v1), dot (Graphviz)
    #[arg(long, value_enum, default_value_t = PlanFormat::Text)]
    format: PlanFormat,
    /// Write to FILE (atomically, and only when the run succeeds) instead of stdout
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Args, Debug)]
struct CheckArgs {
    #[command(flatten)]
    input: Input,
    /// Output format: text (diagnostics pointing at the inventory) or json (uplan.check/v1)
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    format: CheckFormat,
    /// Write to FILE (atomically, and only when the run succeeds) instead of stdout
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Args, Debug)]
struct LintArgs {
    /// A directory of `*.uplan` rule files (default: the embedded ACP rulebook)
    dir: Option<PathBuf>,
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
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum CheckFormat {
    Text,
    Json,
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
    let output = match &cli.command {
        Command::Plan(a) => a.output.as_deref(),
        Command::Check(a) => a.output.as_deref(),
        Command::Schema(a) => a.output.as_deref(),
        _ => None,
    };
    // `-o` is checked before the run: a wrong path should not cost a whole evaluation.
    let target = match output.map(|p| io::output_target(p, &inputs(&cli.command))) {
        Some(Err(problems)) => return failure(&problems, terminal),
        Some(Ok(target)) => Some(target),
        None => None,
    };
    // Colour is for people looking at a terminal, never for a file.
    let colour = terminal.stdout_colour && target.is_none();
    let result = match cli.command {
        Command::Plan(a) => pipeline::plan(&a.input, a.format, colour),
        Command::Check(a) => pipeline::check(&a.input, a.format, colour),
        Command::Lint(a) => lint::lint(a.dir.as_deref(), terminal.stderr_colour),
        Command::Validate(a) => validate::validate(&a),
        Command::Schema(a) => schema::schema(a.kind, a.rules.as_deref()),
    };
    let delivered = result.and_then(|report| deliver(report, target.as_ref()));
    delivered.unwrap_or_else(|problems| failure(&problems, terminal))
}

/// Exit 2 with the diagnostics on stderr.
fn failure(problems: &Problems, terminal: Terminal) -> Output {
    Output {
        code: 2,
        stdout: String::new(),
        stderr: diagnostics::render(problems, terminal.stderr_colour),
    }
}

/// The files an evaluating command reads, with what each is: `-o` must name none.
fn inputs(command: &Command) -> Vec<(&'static str, PathBuf)> {
    let input = match command {
        Command::Plan(a) => &a.input,
        Command::Check(a) => &a.input,
        Command::Schema(a) => return rule_files(a.rules.as_deref()),
        Command::Lint(_) | Command::Validate(_) => return Vec::new(),
    };
    let mut files = vec![("inventory", input.inventory.clone())];
    files.extend(rule_files(input.rules.as_deref()));
    files
}

/// The rule files of `--rules DIR`, which `-o` must not name either.
fn rule_files(dir: Option<&std::path::Path>) -> Vec<(&'static str, PathBuf)> {
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
    failure(&usage_problem(e, args).into(), terminal)
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
            "usage: uplan <COMMAND>, where COMMAND is plan, check, lint, validate or schema; `uplan --help` explains each",
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
