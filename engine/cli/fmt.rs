//! `uplan fmt [--check] [DIR|FILE…]`: rule files in the canonical layout.
//!
//! Every file is read and formatted before any is written, so a syntax error in one
//! file leaves all of them as they were; a changed file is replaced atomically.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use uplan::diagnostics::Problems;
use uplan::fmt;
use uplan::rulebooks;
use uplan::source::Sources;

use super::{FmtArgs, Report, io, plural};

/// Exit 0 when every file is formatted (or was rewritten), 1 with `--check` when one
/// is not; bad input exits 2.
pub fn run(args: &FmtArgs) -> Result<Report, Problems> {
    let paths = files(&args.paths)?;
    let mut problems = Problems::default();
    let mut changed: Vec<(PathBuf, String, String)> = Vec::new();
    for path in &paths {
        match format_one(path) {
            Ok(Some((old, new))) => changed.push((path.clone(), old, new)),
            Ok(None) => {}
            Err(p) => problems.0.extend(p.0),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    if args.check {
        return Ok(check_report(&changed, paths.len()));
    }
    for (path, _, new) in &changed {
        let target = io::output_target(path, &[])?;
        io::write_atomically(&target, new)?;
    }
    let mut text = String::new();
    for (path, _, _) in &changed {
        let _ = writeln!(text, "formatted {}", path.display());
    }
    let _ = writeln!(
        text,
        "{}",
        summary(changed.len(), paths.len(), "reformatted")
    );
    Ok(Report {
        code: 0,
        text,
        warnings: String::new(),
    })
}

/// The rule files named: a directory stands for its `*.uplan` files; no path is the
/// working directory.
fn files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Problems> {
    if paths.is_empty() {
        return rulebooks::rule_files(Path::new("."));
    }
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            out.extend(rulebooks::rule_files(p)?);
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

/// `(old, new)` when the file is not in the canonical layout.
fn format_one(path: &Path) -> Result<Option<(String, String)>, Problems> {
    let text = io::read_file(path, "rule file")?;
    let mut sources = Sources::default();
    let file = sources.add(path.display().to_string(), text.as_str());
    let formatted = fmt::format(&sources, file)?;
    Ok((formatted != text).then_some((text, formatted)))
}

fn check_report(changed: &[(PathBuf, String, String)], total: usize) -> Report {
    let mut text = String::new();
    for (path, old, new) in changed {
        let _ = writeln!(text, "would reformat {}", path.display());
        first_difference(&mut text, old, new);
    }
    let _ = writeln!(text, "{}", summary(changed.len(), total, "to reformat"));
    Report {
        code: u8::from(!changed.is_empty()),
        text,
        warnings: String::new(),
    }
}

/// `2 of 13 files reformatted`, or `13 files already formatted`.
fn summary(changed: usize, total: usize, what: &str) -> String {
    if changed == 0 {
        format!("{} already formatted", plural(total, "file"))
    } else {
        format!("{changed} of {} {what}", plural(total, "file"))
    }
}

/// The first line that differs, as a reviewer needs to see what `fmt` would do.
fn first_difference(out: &mut String, old: &str, new: &str) {
    let (a, b): (Vec<&str>, Vec<&str>) = (old.lines().collect(), new.lines().collect());
    let at = a
        .iter()
        .zip(&b)
        .position(|(x, y)| x != y)
        .unwrap_or(a.len().min(b.len()));
    let show = |l: Option<&&str>| {
        l.map_or("(end of file)".to_string(), |l| {
            uplan::sanitize::one_line(l).into_owned()
        })
    };
    let _ = writeln!(out, "  line {}:", at + 1);
    let _ = writeln!(out, "  - {}", show(a.get(at)));
    let _ = writeln!(out, "  + {}", show(b.get(at)));
}
