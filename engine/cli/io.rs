//! Files and terminals: reading inputs, writing `-o FILE` atomically and safely,
//! deciding colour.

use std::fs::{self, File, Metadata};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use uplan::diagnostics::{Problem, Problems};
use uplan::input::{self, ReadError};

use super::codes;

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

/// The process's stdout and stderr as files of their own, taken when the program
/// starts. Rust's `std::io::stdout()` treats a closed stdout (`uplan … >&-`) as a sink
/// that accepts everything, so a run would "succeed" with its plan lost; a duplicate
/// of the descriptor fails instead. It is taken before anything is opened, because a
/// closed descriptor 1 is handed to the next file the process opens.
pub struct Streams {
    stdout: std::io::Result<File>,
    stderr: std::io::Result<File>,
}

impl Streams {
    pub fn take() -> Streams {
        Streams {
            stdout: duplicate(&std::io::stdout()),
            stderr: duplicate(&std::io::stderr()),
        }
    }

    /// Writes a run's stdout and stderr and returns its exit code: the run's own, or 2
    /// when the output could not be written (with a `uplan::cli::write_failed`
    /// diagnostic on stderr when stderr still works).
    pub fn emit(mut self, out: &super::Output, stderr_colour: bool) -> u8 {
        let mut code = out.code;
        let mut stderr = out.stderr.clone();
        match write_all(&mut self.stdout, &out.stdout) {
            Ok(()) => {}
            // The reader closed the pipe (`uplan plan … | head`): it has read what it
            // wanted, and what it read is a true prefix of the plan. That is not a
            // failure of uplan's, so no diagnostic and the run's own verdict (ready or
            // blocked) stays the exit code, as scripts reading `PIPESTATUS` expect.
            // A reader that stopped because it failed reports its own error.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
            Err(e) => {
                code = 2;
                let problem = Problem::new(
                    codes::WRITE_FAILED,
                    format!("cannot write the output to stdout: {e}"),
                )
                .help("send stdout to a file or a pipe that accepts it (`>/dev/null` to discard it), or write a file with `-o FILE`");
                stderr.push_str(&uplan::diagnostics::render(&problem.into(), stderr_colour));
            }
        }
        if write_all(&mut self.stderr, &stderr).is_err() {
            // Nowhere left to say so: the exit code is the only report.
            code = 2;
        }
        code
    }
}

fn write_all(stream: &mut std::io::Result<File>, text: &str) -> std::io::Result<()> {
    if text.is_empty() {
        return Ok(());
    }
    match stream {
        Ok(file) => file.write_all(text.as_bytes()),
        Err(e) => Err(std::io::Error::new(e.kind(), e.to_string())),
    }
}

#[cfg(unix)]
fn duplicate(stream: &impl std::os::fd::AsFd) -> std::io::Result<File> {
    let file = File::from(stream.as_fd().try_clone_to_owned()?);
    if closed_at_start(&file) {
        return Err(std::io::Error::other("it was closed when uplan started"));
    }
    Ok(file)
}

/// Whether a standard descriptor was closed when the process started. Rust's runtime
/// then opens `/dev/null` on it, read-write, before `main`; a shell's `>/dev/null`
/// opens it write-only, so a discarded stdout still counts as a working one.
#[cfg(unix)]
fn closed_at_start(file: &File) -> bool {
    use std::os::fd::AsRawFd;
    use std::os::unix::fs::{FileTypeExt, MetadataExt};
    let (Ok(meta), Ok(null)) = (file.metadata(), fs::metadata("/dev/null")) else {
        return false;
    };
    if !meta.file_type().is_char_device() || meta.rdev() != null.rdev() {
        return false;
    }
    // SAFETY: F_GETFL only reads the flags of a descriptor this process owns.
    let flags = unsafe { libc::fcntl(file.as_raw_fd(), libc::F_GETFL) };
    flags >= 0 && flags & libc::O_ACCMODE == libc::O_RDWR
}

#[cfg(windows)]
fn duplicate(stream: &impl std::os::windows::io::AsHandle) -> std::io::Result<File> {
    stream.as_handle().try_clone_to_owned().map(File::from)
}

/// What diagnostics call standard input, read for the path `-`.
pub const STDIN_NAME: &str = "<stdin>";

/// Whether `path` is `-`, standard input.
pub fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// The name diagnostics and the plan give an input: its path, or `<stdin>` for `-`.
pub fn input_name(path: &Path) -> String {
    if is_stdin(path) {
        STDIN_NAME.to_string()
    } else {
        path.display().to_string()
    }
}

/// [`read_file`], or standard input for `-` (bounded like a file).
pub fn read_input(path: &Path, what: &str) -> Result<String, Problems> {
    if !is_stdin(path) {
        return input::read_text(path).map_err(|e| read_problem(&e, path, what, true));
    }
    input::read_stream(std::io::stdin().lock())
        .map_err(|e| read_problem(&e, Path::new(STDIN_NAME), what, true))
}

/// Reads a UTF-8 input file; `what` names it in the message (`inventory`, `plan`).
/// Only regular files of at most 64 MiB: a FIFO, a directory or `/dev/zero` is a
/// diagnostic before anything is opened.
pub fn read_file(path: &Path, what: &str) -> Result<String, Problems> {
    input::read_text(path).map_err(|e| read_problem(&e, path, what, false))
}

fn read_problem(e: &ReadError, path: &Path, what: &str, stdin_ok: bool) -> Problems {
    {
        let (code, help) = match e {
            // Only inputs read through `read_input` may come from standard input.
            ReadError::NotAFile(_) if stdin_ok => (
                codes::NOT_A_FILE,
                format!("pass the {what} as a regular file, or pipe it in as `-` (standard input)"),
            ),
            ReadError::NotAFile(_) => (
                codes::NOT_A_FILE,
                format!(
                    "pass the {what} as a regular file; to read it from a pipe, save it to a file first"
                ),
            ),
            ReadError::TooLarge(_) => (
                codes::TOO_LARGE,
                format!("uplan reads input files of at most 64 MiB; is this really the {what}?"),
            ),
            ReadError::NotUtf8(_) | ReadError::Io(_) => (
                codes::UNREADABLE_FILE,
                format!("check the path and that the {what} is a readable UTF-8 text file"),
            ),
        };
        Problem::new(
            code,
            format!("cannot read {what} `{}`: {e}", path.display()),
        )
        .help(help)
        .into()
    }
}

/// Where `-o FILE` writes, checked before the run starts so that a mistake costs
/// nothing: the regular file `FILE` names (after following symlinks), or a new one.
#[derive(Debug)]
pub struct Target {
    /// As the user wrote it, for messages.
    shown: PathBuf,
    /// The file that gets replaced: `shown` with its symlinks followed.
    real: PathBuf,
}

/// Checks `-o path` against the run's `inputs` (role, path): it must be a regular file
/// or not exist yet, and must not be one of the inputs (same device and inode, so a
/// symlink or a hard link to the inventory is caught too).
pub fn output_target(path: &Path, inputs: &[(&str, PathBuf)]) -> Result<Target, Problems> {
    let real = resolve(path)?;
    if let Ok(meta) = fs::metadata(&real) {
        check_kind(path, &meta)?;
        for (role, input) in inputs {
            if fs::metadata(input).is_ok_and(|m| same_file(&m, &meta)) {
                return Err(Problem::new(
                    codes::OUTPUT_IS_INPUT,
                    format!(
                        "`-o {}` is the {role} `{}`",
                        path.display(),
                        input.display()
                    ),
                )
                .help("write the output to another file: uplan never overwrites its own inputs")
                .into());
            }
        }
    } else {
        let parent = parent_of(&real);
        if !fs::metadata(parent).is_ok_and(|m| m.is_dir()) {
            return Err(unwritable(path, "its directory does not exist").into());
        }
    }
    Ok(Target {
        shown: path.to_path_buf(),
        real,
    })
}

/// The file a path names once symlinks are followed; a symlink to nothing is refused
/// (following it would create a file wherever the link points).
fn resolve(path: &Path) -> Result<PathBuf, Problems> {
    if path.file_name().is_none() {
        return Err(not_a_file(path, "it names no file").into());
    }
    match fs::symlink_metadata(path) {
        Ok(link) if link.file_type().is_symlink() => fs::canonicalize(path)
            .map_err(|_| not_a_file(path, "it is a symlink to a missing file").into()),
        Ok(_) => Ok(path.to_path_buf()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(path.to_path_buf()),
        Err(e) => Err(unwritable(path, &e.to_string()).into()),
    }
}

fn check_kind(path: &Path, meta: &Metadata) -> Result<(), Problem> {
    match input::kind_of(meta) {
        Some(kind) => Err(not_a_file(
            path,
            &format!("it is {kind}, not a regular file"),
        )),
        None => Ok(()),
    }
}

#[cfg(unix)]
fn same_file(a: &Metadata, b: &Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

#[cfg(not(unix))]
fn same_file(_: &Metadata, _: &Metadata) -> bool {
    false
}

/// The directory a file lives in (`.` for a bare name).
fn parent_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Writes `text` to the target through a temporary file in the same directory and a
/// rename, so readers see the old file or the new one, never half of either. An
/// existing file keeps its permission bits (and, where allowed, its owner).
pub fn write_atomically(target: &Target, text: &str) -> Result<(), Problems> {
    let existing = match fs::metadata(&target.real) {
        Ok(meta) => {
            check_kind(&target.shown, &meta)?;
            Some(meta)
        }
        Err(_) => None,
    };
    let dir = parent_of(&target.real);
    let (tmp, file) = create_temp(dir).map_err(|e| unwritable(&target.shown, &e.to_string()))?;
    let written = fill(file, existing.as_ref(), text).and_then(|()| fs::rename(&tmp, &target.real));
    if let Err(e) = written {
        let _ = fs::remove_file(&tmp);
        return Err(unwritable(&target.shown, &e.to_string()).into());
    }
    // Make the rename itself durable; a file system that cannot sync a directory
    // still has the new file, so a failure here is not worth failing the run.
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// A new file `.uplan-PID-N.tmp` in `dir`: short, so that a target with a name of the
/// longest length the file system allows still works, and created exclusively, so it
/// never follows or truncates something already there.
fn create_temp(dir: &Path) -> std::io::Result<(PathBuf, File)> {
    let mut last = None;
    for n in 0..100 {
        let path = dir.join(format!(".uplan-{}-{n}.tmp", std::process::id()));
        match fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(file) => return Ok((path, file)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("no free temporary name")))
}

/// Gives the temporary file the old file's mode before any byte is written (a private
/// file stays private), then writes and syncs it.
fn fill(mut file: File, existing: Option<&Metadata>, text: &str) -> std::io::Result<()> {
    if let Some(old) = existing {
        keep_mode(&file, old)?;
    }
    file.write_all(text.as_bytes())?;
    file.sync_all()
}

#[cfg(unix)]
fn keep_mode(file: &File, old: &Metadata) -> std::io::Result<()> {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    // Owner first: changing the owner may clear the mode's set-id bits. Only root may
    // give a file away; anyone else keeps the file as theirs, so a refusal is fine.
    let _ = std::os::unix::fs::fchown(file, Some(old.uid()), Some(old.gid()));
    // The permission bits only: a plan never needs set-uid, set-gid or sticky bits.
    file.set_permissions(fs::Permissions::from_mode(old.mode() & 0o777))
}

#[cfg(not(unix))]
fn keep_mode(file: &File, old: &Metadata) -> std::io::Result<()> {
    file.set_permissions(old.permissions())
}

fn unwritable(path: &Path, reason: &str) -> Problem {
    Problem::new(
        codes::UNWRITABLE_FILE,
        format!("cannot write `{}`: {reason}", path.display()),
    )
    .help("pass `-o` a file in an existing, writable directory")
}

fn not_a_file(path: &Path, reason: &str) -> Problem {
    Problem::new(
        codes::OUTPUT_NOT_A_FILE,
        format!("cannot write `{}`: {reason}", path.display()),
    )
    .help("`-o` writes a regular file (or creates one); to send the output elsewhere, leave out `-o` and redirect stdout")
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

    fn write(path: &Path, text: &str) -> Result<(), Vec<&'static str>> {
        let target = output_target(path, &[]).map_err(|p| p.codes())?;
        write_atomically(&target, text).map_err(|p| p.codes())
    }

    #[test]
    fn writes_and_replaces_without_leaving_temp_files() {
        let dir = scratch("replace");
        let file = dir.join("plan.md");
        assert_eq!(write(&file, "one"), Ok(()));
        assert_eq!(write(&file, "two"), Ok(()));
        assert_eq!(fs::read_to_string(&file).ok().as_deref(), Some("two"));
        let entries = fs::read_dir(&dir).map(|d| d.count()).unwrap_or(0);
        assert_eq!(entries, 1);
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_missing_directory_is_a_diagnostic() {
        let file = scratch("missing").join("no/such/dir/plan.md");
        assert_eq!(write(&file, "x"), Err(vec![codes::UNWRITABLE_FILE]));
    }

    #[test]
    fn a_path_without_a_file_name_is_refused() {
        assert_eq!(
            write(Path::new("/"), "x"),
            Err(vec![codes::OUTPUT_NOT_A_FILE])
        );
    }

    #[test]
    fn the_temporary_name_is_short() {
        let dir = scratch("short");
        let (tmp, _file) = create_temp(&dir).unwrap_or_else(|e| panic!("{e}"));
        let len = tmp.file_name().map_or(0, |n| n.len());
        assert!(len < 40, "{}", tmp.display());
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn unreadable_file_has_code_and_help() {
        let err = read_file(Path::new("/nonexistent/inv.yaml"), "inventory").err();
        let first = err.as_ref().and_then(|p| p.0.first());
        let got = first.map(|p| (p.code, p.help.is_some()));
        assert_eq!(got, Some((codes::UNREADABLE_FILE, true)));
    }

    #[test]
    fn a_directory_input_is_not_a_file() {
        let err = read_file(Path::new("."), "inventory")
            .err()
            .map(|p| p.codes());
        assert_eq!(err, Some(vec![codes::NOT_A_FILE]));
    }
}
