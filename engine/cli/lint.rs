//! `uplan lint [DIR]`: compile and check a rulebook, then summarise it.

use std::fmt::Write;
use std::path::Path;

use uplan::diagnostics::{self, Problems};

use super::{Report, pipeline, plural};

/// Errors exit 2 (the rulebook is bad input); warnings go to stderr and exit 0, or 1
/// with `--deny warnings`.
pub fn lint(dir: Option<&Path>, deny: bool, stderr_colour: bool) -> Result<Report, Problems> {
    let rulebook = pipeline::rules(dir)?;
    let name = dir.map_or("embedded ACP rulebook".to_string(), |d| {
        format!("`{}`", d.display())
    });
    let warnings = uplan::lint::warnings(&rulebook);
    let mut text = String::new();
    let _ = writeln!(
        text,
        "{name}: {}, {}, {}, {}{}",
        plural(rulebook.sources.len(), "file"),
        plural(rulebook.rules.len(), "rule"),
        plural(rulebook.steps.len(), "step"),
        plural(rulebook.hops.len(), "hop"),
        if warnings.is_empty() {
            String::new()
        } else {
            format!(", {}", plural(warnings.0.len(), "warning"))
        }
    );
    Ok(Report {
        code: u8::from(deny && !warnings.is_empty()),
        text,
        warnings: if warnings.is_empty() {
            String::new()
        } else {
            diagnostics::render(&warnings, stderr_colour)
        },
    })
}
