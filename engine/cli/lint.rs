//! `uplan lint [DIR]`: compile and check a rulebook, then summarise it.

use std::fmt::Write;
use std::path::Path;

use uplan::diagnostics::{self, Problem, Problems};
use uplan::model::Version;

use super::{Report, codes, pipeline, plural};

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

/// `uplan lint --hop 4.2->4.3`: the declarations that can apply on that hop.
pub fn hop(dir: Option<&Path>, hop: &str) -> Result<Report, Problems> {
    let rulebook = pipeline::rules(dir)?;
    let bad = |why: &str| -> Problems {
        let hops: Vec<String> = uplan::lint::hops::all(&rulebook)
            .map(|h| uplan::lint::hops::label(&rulebook, h))
            .collect();
        Problem::new(codes::USAGE, format!("`--hop {hop}`: {why}"))
            .help(format!("the rulebook's hops are {}", hops.join(", ")))
            .into()
    };
    let parse = |s: &str| Version::parse(s.trim()).ok();
    let Some((from, to)) = hop
        .split_once("->")
        .and_then(|(a, b)| Some((parse(a)?, parse(b)?)))
    else {
        return Err(bad("write the hop as FROM->TO, e.g. 4.2->4.3"));
    };
    let Some(h) = uplan::lint::view::find(&rulebook, &from, &to) else {
        return Err(bad("the rulebook declares no such hop"));
    };
    Ok(Report {
        code: 0,
        text: uplan::lint::view::hop_view(&rulebook, h),
        warnings: String::new(),
    })
}
