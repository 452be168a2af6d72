//! The `uplan` binary: everything but the process lives in [`cli::run`].

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    // First, before any file is opened (see `Streams`).
    let streams = cli::Streams::take();
    let terminal = cli::Terminal::detect();
    let out = cli::run(std::env::args_os(), terminal);
    ExitCode::from(streams.emit(&out, terminal.stderr_colour))
}
