//! The `uplan` binary: everything but the process lives in [`cli::run`].

mod cli;

use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let out = cli::run(std::env::args_os(), cli::Terminal::detect());
    // A closed pipe (`uplan plan … | head`) is not an error worth a panic.
    let _ = std::io::stdout().write_all(out.stdout.as_bytes());
    let _ = std::io::stderr().write_all(out.stderr.as_bytes());
    ExitCode::from(out.code)
}
