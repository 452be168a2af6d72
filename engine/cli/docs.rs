//! `uplan completions SHELL` and `uplan man`: generated from the command-line
//! definition itself (clap_complete, clap_mangen), so they never disagree with it.

use clap::CommandFactory;
use uplan::diagnostics::{Problem, Problems};

use super::{Cli, CompletionsArgs, Report, codes};

pub fn completions(args: &CompletionsArgs) -> Result<Report, Problems> {
    let mut buf = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "uplan", &mut buf);
    report(buf)
}

/// The manual page of `uplan` (roff), its subcommands listed with their help.
pub fn man() -> Result<Report, Problems> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut buf)
        .map_err(|e| {
            Problem::new(
                codes::WRITE_FAILED,
                format!("cannot render the manual page: {e}"),
            )
        })?;
    report(buf)
}

fn report(buf: Vec<u8>) -> Result<Report, Problems> {
    // Both generators write ASCII from the command definition; a lossy conversion
    // cannot lose anything real.
    Ok(Report {
        code: 0,
        text: String::from_utf8_lossy(&buf).into_owned(),
        warnings: String::new(),
    })
}
