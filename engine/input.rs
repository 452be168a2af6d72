//! Reading input files (inventories, plan JSON, rule files) safely: regular files
//! only, and never more than [`MAX_INPUT_BYTES`].
//!
//! A FIFO blocks the reader forever and `/dev/zero` never ends, so the kind of file is
//! checked before it is opened, and the read itself is bounded. Each caller turns a
//! [`ReadError`] into a diagnostic with its own stage's code.

use std::fmt;
use std::fs::{self, File, Metadata};
use std::io::{self, Read};
use std::path::Path;

/// The largest input file uplan reads: 64 MiB. The biggest real inventory (a fleet of
/// thousands of clusters) is a few MiB and the whole ACP rulebook under 200 KiB, so
/// this leaves two orders of magnitude of room while keeping a run's memory bounded.
pub const MAX_INPUT_BYTES: u64 = 64 * 1024 * 1024;

/// Why an input file could not be read.
#[derive(Debug)]
pub enum ReadError {
    /// Not a regular file: `"a directory"`, `"a FIFO"`, `"a character device"`…
    NotAFile(&'static str),
    /// Larger than [`MAX_INPUT_BYTES`] (the size when the file system states it).
    TooLarge(Option<u64>),
    /// Not UTF-8: the byte offset of the first invalid sequence.
    NotUtf8(usize),
    /// Anything the operating system refused (missing file, permission…).
    Io(io::Error),
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::NotAFile(kind) => write!(f, "it is {kind}, not a regular file"),
            ReadError::TooLarge(Some(size)) => write!(
                f,
                "it is {} bytes, more than the limit of {MAX_INPUT_BYTES} bytes (64 MiB)",
                size
            ),
            ReadError::TooLarge(None) => {
                write!(
                    f,
                    "it is more than the limit of {MAX_INPUT_BYTES} bytes (64 MiB)"
                )
            }
            ReadError::NotUtf8(at) => {
                write!(f, "it is not UTF-8 text (invalid byte at offset {at})")
            }
            ReadError::Io(e) => write!(f, "{e}"),
        }
    }
}

/// What a file is, for people: `"a directory"`; `None` for a regular file.
pub fn kind_of(meta: &Metadata) -> Option<&'static str> {
    let ty = meta.file_type();
    if ty.is_file() {
        return None;
    }
    if ty.is_dir() {
        return Some("a directory");
    }
    Some(special_kind(&ty))
}

#[cfg(unix)]
fn special_kind(ty: &fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if ty.is_fifo() {
        "a FIFO"
    } else if ty.is_char_device() {
        "a character device"
    } else if ty.is_block_device() {
        "a block device"
    } else if ty.is_socket() {
        "a socket"
    } else {
        "not a file"
    }
}

#[cfg(not(unix))]
fn special_kind(_: &fs::FileType) -> &'static str {
    "a special file"
}

/// Reads a regular UTF-8 file of at most [`MAX_INPUT_BYTES`], following symlinks.
pub fn read_text(path: &Path) -> Result<String, ReadError> {
    // stat first: opening a FIFO would block until a writer shows up.
    let meta = fs::metadata(path).map_err(ReadError::Io)?;
    if let Some(kind) = kind_of(&meta) {
        return Err(ReadError::NotAFile(kind));
    }
    if meta.len() > MAX_INPUT_BYTES {
        return Err(ReadError::TooLarge(Some(meta.len())));
    }
    let file = open_nonblocking(path).map_err(ReadError::Io)?;
    // The path may have been swapped between the stat and the open: check the handle.
    let opened = file.metadata().map_err(ReadError::Io)?;
    if let Some(kind) = kind_of(&opened) {
        return Err(ReadError::NotAFile(kind));
    }
    // A file can grow after the stat, and some (in /proc) claim size 0: bound the read.
    let bytes = read_at_most(file, MAX_INPUT_BYTES)?;
    String::from_utf8(bytes).map_err(|e| ReadError::NotUtf8(e.utf8_error().valid_up_to()))
}

/// Reads UTF-8 text of at most [`MAX_INPUT_BYTES`] from a stream (stdin, for `-`):
/// the same bound as a file, so an endless pipe is a diagnostic, not a full memory.
pub fn read_stream(reader: impl Read) -> Result<String, ReadError> {
    let bytes = read_at_most(reader, MAX_INPUT_BYTES)?;
    String::from_utf8(bytes).map_err(|e| ReadError::NotUtf8(e.utf8_error().valid_up_to()))
}

/// All of `reader` if it holds at most `limit` bytes; reads at most one byte more.
fn read_at_most(reader: impl Read, limit: u64) -> Result<Vec<u8>, ReadError> {
    let mut bytes = Vec::new();
    reader
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge(None));
    }
    Ok(bytes)
}

/// Opens for reading; on Unix with `O_NONBLOCK`, so that a FIFO swapped in after the
/// stat cannot block the open (a regular file ignores the flag).
fn open_nonblocking(path: &Path) -> io::Result<File> {
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    options.open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_directory_is_not_a_file() {
        let got = read_text(Path::new(env!("CARGO_MANIFEST_DIR")));
        assert!(
            matches!(got, Err(ReadError::NotAFile("a directory"))),
            "{got:?}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn dev_zero_is_refused_before_reading() {
        let got = read_text(Path::new("/dev/zero"));
        assert!(
            matches!(got, Err(ReadError::NotAFile("a character device"))),
            "{got:?}"
        );
    }

    #[test]
    fn a_regular_file_is_read() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml");
        let got = read_text(&path).map(|t| t.contains("[package]"));
        assert!(matches!(got, Ok(true)), "{got:?}");
    }

    #[test]
    fn the_limit_is_inclusive_and_the_read_stops_after_it() {
        let ok = read_at_most(&b"0123456789"[..], 10).map(|b| b.len());
        assert!(matches!(ok, Ok(10)), "{ok:?}");
        let over = read_at_most(&b"0123456789!"[..], 10);
        assert!(matches!(over, Err(ReadError::TooLarge(None))), "{over:?}");
        // An endless reader ends: only limit + 1 bytes are ever read.
        let endless = read_at_most(std::io::repeat(0), 1 << 20);
        assert!(
            matches!(endless, Err(ReadError::TooLarge(None))),
            "{endless:?}"
        );
    }

    #[test]
    fn messages_say_what_is_wrong() {
        assert_eq!(
            ReadError::NotUtf8(3).to_string(),
            "it is not UTF-8 text (invalid byte at offset 3)"
        );
        assert!(
            ReadError::TooLarge(Some(1 << 30))
                .to_string()
                .contains("1073741824 bytes")
        );
    }
}
