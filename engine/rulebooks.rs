//! Where rulebooks come from: the ACP rulebook embedded in the binary, or a directory.

use std::path::{Path, PathBuf};

use crate::diagnostics::{Problem, Problems};
use crate::input::{self, MAX_INPUT_BYTES, ReadError};
use crate::model::Rulebook;

include!(concat!(env!("OUT_DIR"), "/embedded_rules.rs"));

/// `--rules DIR` is not a readable directory: `--rules no/such/dir`, `--rules inv.yaml`.
pub const UNREADABLE_DIR: &str = "uplan::rules::unreadable_dir";

/// The rule directory holds no `*.uplan` file (dotfiles such as `.x.uplan` do not
/// count): `--rules examples`.
pub const EMPTY_DIR: &str = "uplan::rules::empty_dir";

/// A rule file cannot be read, or is not UTF-8: a `*.uplan` file without read
/// permission.
pub const UNREADABLE_FILE: &str = "uplan::rules::unreadable_file";

/// A `*.uplan` entry of the rule directory is not a regular file: a FIFO made with
/// `mkfifo rules/x.uplan`, a directory `rules/old.uplan/`, a symlink to `/dev/zero`.
/// Checked before anything is opened, so nothing blocks.
pub const NOT_A_FILE: &str = "uplan::rules::not_a_file";

/// A rule file, or the rule directory's files together, exceed 64 MiB
/// ([`MAX_INPUT_BYTES`]): `truncate -s 100M rules/big.uplan`.
pub const TOO_LARGE: &str = "uplan::rules::too_large";

/// The embedded ACP rulebook's files, as (name, text), sorted by name.
pub fn embedded_acp_files() -> Vec<(String, String)> {
    EMBEDDED_ACP
        .iter()
        .map(|(name, text)| (format!("rules/acp/{name}"), text.to_string()))
        .collect()
}

pub fn embedded_acp() -> Result<Rulebook, Problems> {
    crate::compile(&embedded_acp_files())
}

/// The rule files of a directory: every `*.uplan` entry whose name does not start
/// with a dot (editor backups, lock files and hidden files are not rules), sorted by
/// name so the result does not depend on the file system's order.
pub fn rule_files(dir: &Path) -> Result<Vec<PathBuf>, Problems> {
    let unreadable = |e: std::io::Error| {
        Problem::new(
            UNREADABLE_DIR,
            format!("cannot read rule directory `{}`: {e}", dir.display()),
        )
        .help("pass a directory holding `*.uplan` files, e.g. `--rules rules/acp`")
    };
    let mut paths = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(unreadable)? {
        let path = entry.map_err(unreadable)?.path();
        if is_rule_file_name(&path) {
            paths.push(path);
        }
    }
    paths.sort();
    if paths.is_empty() {
        return Err(Problem::new(
            EMPTY_DIR,
            format!("no `*.uplan` rule files in `{}`", dir.display()),
        )
        .help("a rulebook is a directory of `*.uplan` files (names starting with `.` are skipped)")
        .into());
    }
    Ok(paths)
}

fn is_rule_file_name(path: &Path) -> bool {
    let Some(name) = path.file_name().map(|n| n.as_encoded_bytes()) else {
        return false;
    };
    !name.starts_with(b".") && name.ends_with(b".uplan")
}

/// Reads every rule file of a directory ([`rule_files`]): regular files only, each and
/// all together at most [`MAX_INPUT_BYTES`].
pub fn read_dir_files(dir: &Path) -> Result<Vec<(String, String)>, Problems> {
    let mut files = Vec::new();
    let mut total = 0u64;
    for path in rule_files(dir)? {
        let text = input::read_text(&path).map_err(|e| read_problem(&path, &e))?;
        total += text.len() as u64;
        if total > MAX_INPUT_BYTES {
            return Err(Problem::new(
                TOO_LARGE,
                format!(
                    "the rule files of `{}` are more than {MAX_INPUT_BYTES} bytes (64 MiB) together",
                    dir.display()
                ),
            )
            .help("a rulebook is at most 64 MiB of rule files; is this the right directory?")
            .into());
        }
        files.push((path.display().to_string(), text));
    }
    Ok(files)
}

fn read_problem(path: &Path, e: &ReadError) -> Problem {
    let (code, help) = match e {
        ReadError::NotAFile(_) => (
            NOT_A_FILE,
            "every `*.uplan` entry of a rule directory must be a regular file; rename or remove this one",
        ),
        ReadError::TooLarge(_) => (TOO_LARGE, "a rule file is at most 64 MiB"),
        ReadError::NotUtf8(_) | ReadError::Io(_) => {
            (UNREADABLE_FILE, "rule files must be readable UTF-8 text")
        }
    };
    Problem::new(
        code,
        format!("cannot read rule file `{}`: {e}", path.display()),
    )
    .help(help)
}

pub fn load_dir(dir: &Path) -> Result<Rulebook, Problems> {
    crate::compile(&read_dir_files(dir)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_file_names() {
        for (name, is_rule) in [
            ("a.uplan", true),
            ("schema.uplan", true),
            (".x.uplan", false),
            (".uplan", false),
            ("a.uplan.bak", false),
            ("a.yaml", false),
        ] {
            assert_eq!(is_rule_file_name(Path::new(name)), is_rule, "{name}");
        }
    }
}
