//! Files and terminals: reading inputs, writing `-o FILE` atomically, deciding colour.

use std::fs;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use uplan::diagnostics::{Problem, Problems};

/// Whether each output stream gets colour.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Terminal {
    pub stdout_colour: bool,
    pub stderr_colour: bool,
}

impl Terminal {
    /// Colour on a stream when it is a terminal and `NO_COLOR` is unset or empty
    /// (<https://no-color.org>).
    pub fn detect() -> Terminal {
        let allowed = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        Terminal {
            stdout_colour: allowed && std::io::stdout().is_terminal(),
            stderr_colour: allowed && std::io::stderr().is_terminal(),
        }
    }

    /// No colour anywhere (tests, pipes).
    #[cfg(test)]
    pub fn plain() -> Terminal {
        Terminal::default()
    }
}

/// Reads a UTF-8 input file; `what` names it in the message (`inventory`, `plan`).
pub fn read_file(path: &Path, what: &str) -> Result<String, Problems> {
    fs::read_to_string(path).map_err(|e| {
        Problem::new(
            "uplan::cli::unreadable_file",
            format!("cannot read {what} `{}`: {e}", path.display()),
        )
        .help(format!(
            "check the path and that the {what} is a readable UTF-8 text file"
        ))
        .into()
    })
}

/// Writes `text` to `path` through a temporary file in the same directory and a
/// rename, so readers see the old file or the new one, never half of either.
pub fn write_atomically(path: &Path, text: &str) -> Result<(), Problems> {
    let tmp =
        temp_path(path).ok_or_else(|| Problems::from(unwritable(path, "it names no file")))?;
    let written = fs::write(&tmp, text).and_then(|()| fs::rename(&tmp, path));
    written.map_err(|e| {
        let _ = fs::remove_file(&tmp);
        unwritable(path, &e.to_string()).into()
    })
}

/// `dir/.name.uplan-PID.tmp` next to `path`.
fn temp_path(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?.to_string_lossy();
    let tmp = format!(".{name}.uplan-{}.tmp", std::process::id());
    Some(path.with_file_name(tmp))
}

fn unwritable(path: &Path, reason: &str) -> Problem {
    Problem::new(
        "uplan::cli::unwritable_file",
        format!("cannot write `{}`: {reason}", path.display()),
    )
    .help("pass `-o` a file in an existing, writable directory")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("uplan-io-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let _ = fs::create_dir_all(&dir);
        dir
    }

    #[test]
    fn writes_and_replaces_without_leaving_temp_files() {
        let dir = scratch("replace");
        let file = dir.join("plan.md");
        assert!(write_atomically(&file, "one").is_ok());
        assert!(write_atomically(&file, "two").is_ok());
        assert_eq!(fs::read_to_string(&file).ok().as_deref(), Some("two"));
        let entries = fs::read_dir(&dir).map(|d| d.count()).unwrap_or(0);
        assert_eq!(entries, 1);
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_missing_directory_is_a_diagnostic() {
        let file = scratch("missing").join("no/such/dir/plan.md");
        let err = write_atomically(&file, "x").err().map(|p| p.codes());
        assert_eq!(err, Some(vec!["uplan::cli::unwritable_file"]));
    }

    #[test]
    fn unreadable_file_has_code_and_help() {
        let err = read_file(Path::new("/nonexistent/inv.yaml"), "inventory").err();
        let first = err.as_ref().and_then(|p| p.0.first());
        let got = first.map(|p| (p.code, p.help.is_some()));
        assert_eq!(got, Some(("uplan::cli::unreadable_file", true)));
    }
}
