//! Reading input files safely: never blocking on a FIFO or a device, never reading more
//! than a size limit, and naming the path in every error.
//!
//! The file type is checked before opening (a FIFO, socket or device is refused), the
//! file is opened with `O_NONBLOCK` (so a FIFO swapped in after the check cannot block
//! either) and checked again on the open handle, and at most `limit + 1` bytes are read.

use std::fs;
use std::io::{self, Read};
use std::path::Path;

/// The largest `partial.json`, `summary.json` or `run.json` read (64 MiB).
pub const MAX_REPORT_BYTES: u64 = 64 << 20;

/// Why an input could not be read.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {message}")]
pub struct InputError {
    /// The path, as given.
    pub path: String,
    /// What went wrong (without the path).
    pub message: String,
    /// Whether the input itself is bad (missing, not a regular file, too large, not
    /// UTF-8: exit code 2) rather than a failed read (exit code 1).
    pub bad_input: bool,
}

impl InputError {
    fn bad(path: &Path, message: String) -> Self {
        Self {
            path: path.display().to_string(),
            message,
            bad_input: true,
        }
    }

    fn io(path: &Path, e: &io::Error) -> Self {
        Self {
            path: path.display().to_string(),
            message: format!("expected a readable file, found an error: {e}"),
            bad_input: false,
        }
    }
}

/// What kind of thing is at `path`, in words (for "expected a file, found …").
#[must_use]
pub fn describe(meta: &fs::Metadata) -> &'static str {
    let t = meta.file_type();
    if t.is_dir() {
        return "a folder";
    }
    if t.is_file() {
        return "a file";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_block_device() || t.is_char_device() {
            return "a device";
        }
    }
    "not a regular file"
}

fn open_nonblocking(path: &Path) -> io::Result<fs::File> {
    let mut o = fs::OpenOptions::new();
    o.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.custom_flags(libc::O_NONBLOCK);
    }
    o.open(path)
}

/// Read the regular file at `path` (at most `limit` bytes) without blocking.
///
/// # Errors
/// A missing path, a FIFO, device, socket or folder, or a file over `limit` (`bad_input`);
/// a failed read. The error names the path.
pub fn read_bytes(path: &Path, limit: u64) -> Result<Vec<u8>, InputError> {
    let meta = fs::metadata(path).map_err(|e| {
        if e.kind() == io::ErrorKind::NotFound {
            InputError::bad(
                path,
                format!("expected a readable file, found an error: {e}"),
            )
        } else {
            InputError::io(path, &e)
        }
    })?;
    let not_regular = |m: &fs::Metadata| format!("expected a regular file, found {}", describe(m));
    if !meta.is_file() {
        return Err(InputError::bad(path, not_regular(&meta)));
    }
    let file = open_nonblocking(path).map_err(|e| InputError::io(path, &e))?;
    let meta = file.metadata().map_err(|e| InputError::io(path, &e))?;
    if !meta.is_file() {
        return Err(InputError::bad(path, not_regular(&meta)));
    }
    let mut bytes = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| InputError::io(path, &e))?;
    if bytes.len() as u64 > limit {
        return Err(InputError::bad(
            path,
            format!("expected a file of at most {limit} bytes, found a larger one"),
        ));
    }
    Ok(bytes)
}

/// Read the UTF-8 text file at `path` (at most `limit` bytes) without blocking.
///
/// # Errors
/// As [`read_bytes`], and text that is not UTF-8.
pub fn read_text(path: &Path, limit: u64) -> Result<String, InputError> {
    let bytes = read_bytes(path, limit)?;
    String::from_utf8(bytes).map_err(|e| {
        InputError::bad(
            path,
            format!(
                "expected UTF-8 text, found an invalid byte at offset {}",
                e.utf8_error().valid_up_to()
            ),
        )
    })
}

/// The most worker threads `--threads` may ask for: 4 × the cores.
#[must_use]
pub fn max_threads() -> usize {
    4 * std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
}

/// Check a `--threads` value: at least 1; above [`max_threads`] it is capped, with a note
/// on stderr (results do not depend on the thread count). `None` gives 0 (all cores).
///
/// # Errors
/// A message for the user (exit code 2) for 0.
pub fn check_threads(threads: Option<usize>) -> Result<usize, String> {
    match threads {
        Some(0) => Err("--threads must be at least 1".into()),
        Some(t) if t > max_threads() => {
            eprintln!(
                "warning: --threads {t} capped at {} (4 x the cores of this machine); results do not depend on the thread count",
                max_threads()
            );
            Ok(max_threads())
        }
        Some(t) => Ok(t),
        None => Ok(0),
    }
}

/// `text` with every control character except newline written as `\u{..}`, so that
/// text from a file cannot send escape sequences to the terminal.
#[must_use]
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(|c| c.is_control() && c != '\n') {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() && c != '\n' {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}
