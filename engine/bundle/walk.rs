//! The file-system side of reading a bundle: which directories are clusters, which
//! files are read, and how (regular files only, never through a symlink, bounded).

use std::fs;
use std::path::Path;

use super::{FILES, META_FILE, Raw, RawCluster, VIOLET_FILE, codes, is_dns_label};
use crate::diagnostics::{Problem, Problems};
use crate::input;

/// At most this many entries in the bundle's root are looked at: a bundle names one
/// platform's clusters, never a home directory.
const MAX_ENTRIES: usize = 10_000;

/// Reads the bundle at `dir` into texts; every fault of the walk, or the texts.
pub fn read(dir: &Path) -> Result<Raw, Problems> {
    let shown = dir.display().to_string();
    let entries = list(dir, &shown)?;
    let mut raw = Raw::default();
    let mut errors = Vec::new();
    for name in entries {
        let path = dir.join(&name);
        let shown_path = format!("{}/{name}", shown.trim_end_matches('/'));
        let Ok(meta) = fs::symlink_metadata(&path) else {
            continue;
        };
        if meta.file_type().is_symlink() {
            errors.push(symlink(&shown_path));
        } else if meta.is_dir() {
            cluster(&mut raw, &mut errors, &path, &name, &shown_path);
        } else if name == META_FILE {
            raw.meta = file(&mut raw, &mut errors, &path, &shown_path);
        } else if name == VIOLET_FILE {
            raw.violet = true;
        }
    }
    if raw.clusters.is_empty() && errors.is_empty() {
        errors.push(
            Problem::new(codes::NOT_A_BUNDLE, format!("`{shown}` holds no cluster directory"))
                .help("a bundle holds one directory per cluster, named after it, each with a nodes.json; `uplan inventory collect` writes the script that makes one"),
        );
    }
    if errors.is_empty() {
        Ok(raw)
    } else {
        Err(Problems(errors))
    }
}

/// The entry names of the bundle directory, sorted (so the run does not depend on the
/// file system's order); names that are not UTF-8 are cluster-name faults.
fn list(dir: &Path, shown: &str) -> Result<Vec<String>, Problems> {
    let not_a_bundle = |why: String| -> Problems {
        Problem::new(
            codes::NOT_A_BUNDLE,
            format!("cannot read the bundle `{shown}`: {why}"),
        )
        .help("pass the directory the collect script wrote (BUNDLE/<cluster>/nodes.json …)")
        .into()
    };
    let meta = fs::metadata(dir).map_err(|e| not_a_bundle(e.to_string()))?;
    if !meta.is_dir() {
        return Err(not_a_bundle("it is not a directory".into()));
    }
    let mut names = Vec::new();
    let mut errors = Vec::new();
    for entry in fs::read_dir(dir).map_err(|e| not_a_bundle(e.to_string()))? {
        let entry = entry.map_err(|e| not_a_bundle(e.to_string()))?;
        match entry.file_name().into_string() {
            Ok(name) if name.starts_with('.') => {}
            Ok(name) => names.push(name),
            Err(os) => errors.push(bad_name(&format!("{shown}/{}", os.to_string_lossy()))),
        }
        if names.len() > MAX_ENTRIES {
            return Err(not_a_bundle(format!(
                "it has more than {MAX_ENTRIES} entries"
            )));
        }
    }
    if !errors.is_empty() {
        return Err(Problems(errors));
    }
    names.sort();
    Ok(names)
}

/// A cluster directory: its name checked, its known files read.
fn cluster(raw: &mut Raw, errors: &mut Vec<Problem>, path: &Path, name: &str, shown: &str) {
    if !is_dns_label(name) {
        errors.push(bad_name(shown));
        return;
    }
    let mut files = Vec::new();
    for known in FILES {
        let file_path = path.join(known);
        let shown_file = format!("{shown}/{known}");
        match fs::symlink_metadata(&file_path) {
            Err(_) => {}
            Ok(m) if m.file_type().is_symlink() => errors.push(symlink(&shown_file)),
            Ok(_) => {
                if let Some(id) = file(raw, errors, &file_path, &shown_file) {
                    files.push((known, id));
                }
            }
        }
    }
    raw.clusters.push(RawCluster {
        name: name.to_string(),
        dir: shown.to_string(),
        files,
    });
}

/// One file's text registered in the sources, or a fault.
fn file(raw: &mut Raw, errors: &mut Vec<Problem>, path: &Path, shown: &str) -> Option<u32> {
    match input::read_text(path) {
        Ok(text) => Some(raw.sources.add(shown.to_string(), text)),
        Err(e) => {
            errors.push(
                Problem::new(codes::UNREADABLE, format!("cannot read `{shown}`: {e}")).help(
                    "bundle files are regular UTF-8 files of at most 64 MiB, as kubectl wrote them",
                ),
            );
            None
        }
    }
}

fn symlink(shown: &str) -> Problem {
    Problem::new(codes::SYMLINK, format!("`{shown}` is a symlink"))
        .help("a bundle is a plain directory tree; copy the file itself into the bundle (a link could point anywhere on this machine)")
}

fn bad_name(shown: &str) -> Problem {
    Problem::new(
        codes::BAD_CLUSTER_NAME,
        format!(
            "bundle directory `{}` is not a cluster name",
            crate::sanitize::one_line(shown)
        ),
    )
    .help("each directory is named after its cluster in ACP: lowercase letters, digits and `-`, at most 63 characters (a DNS-1123 label); rename it")
}
