//! Where rulebooks come from: the ACP rulebook embedded in the binary, or a directory.

use std::path::Path;

use crate::diagnostics::{Problem, Problems};
use crate::model::Rulebook;

include!(concat!(env!("OUT_DIR"), "/embedded_rules.rs"));

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

/// Reads every `*.uplan` file of a directory (sorted by name, so the result does not
/// depend on the file system's order).
pub fn read_dir_files(dir: &Path) -> Result<Vec<(String, String)>, Problems> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        Problem::new(
            "uplan::rules::unreadable_dir",
            format!("cannot read rule directory `{}`: {e}", dir.display()),
        )
        .help("pass a directory holding `*.uplan` files, e.g. `--rules rules/acp`")
    })?;
    let mut paths: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "uplan"))
        .collect();
    paths.sort();
    if paths.is_empty() {
        return Err(Problem::new(
            "uplan::rules::empty_dir",
            format!("no `*.uplan` rule files in `{}`", dir.display()),
        )
        .help("a rulebook is a directory of `*.uplan` files")
        .into());
    }
    let mut files = Vec::new();
    for path in paths {
        let text = std::fs::read_to_string(&path).map_err(|e| {
            Problem::new(
                "uplan::rules::unreadable_file",
                format!("cannot read rule file `{}`: {e}", path.display()),
            )
            .help("rule files must be readable UTF-8 text")
        })?;
        files.push((path.display().to_string(), text));
    }
    Ok(files)
}

pub fn load_dir(dir: &Path) -> Result<Rulebook, Problems> {
    crate::compile(&read_dir_files(dir)?)
}
