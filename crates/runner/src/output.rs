//! Atomic outputs: a report folder appears complete or not at all.
//!
//! Files are written into a hidden temporary sibling of the destination, which is
//! renamed into place only when everything is written. An earlier report in the
//! destination is moved aside first and removed after the swap, so a failed or
//! interrupted run leaves it untouched. A destination that exists, is not empty and
//! does not carry the report marker is refused: `--out` never clobbers other files.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// The marker file every report folder carries.
pub const MARKER: &str = ".bargain-report";

/// A report folder being written.
#[derive(Debug)]
pub struct Staging {
    dest: PathBuf,
    tmp: PathBuf,
    committed: bool,
}

fn sibling(dest: &Path, tag: &str) -> PathBuf {
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "report".into());
    dest.with_file_name(format!(".{name}.{tag}-{}", std::process::id()))
}

/// Whether `dir` may be replaced by a report: it does not exist, is empty, or is a report folder.
#[must_use]
pub fn replaceable(dir: &Path) -> bool {
    match fs::read_dir(dir) {
        Err(_) => !dir.exists(),
        Ok(mut entries) => entries.next().is_none() || dir.join(MARKER).is_file(),
    }
}

impl Staging {
    /// Start writing a report destined for `dest`.
    ///
    /// # Errors
    /// If `dest` exists and does not look like a report folder, or the temporary folder
    /// cannot be created.
    pub fn new(dest: &Path) -> io::Result<Self> {
        if !replaceable(dest) {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                format!(
                    "{} exists and is not a bargain report folder (no {MARKER}); refusing to overwrite it: choose another --out",
                    dest.display()
                ),
            ));
        }
        if let Some(parent) = dest.parent().filter(|p| !p.as_os_str().is_empty()) {
            fs::create_dir_all(parent)?;
        }
        let tmp = sibling(dest, "tmp");
        if tmp.exists() {
            fs::remove_dir_all(&tmp)?;
        }
        fs::create_dir_all(&tmp)?;
        fs::write(tmp.join(MARKER), b"bargain report folder\n")?;
        Ok(Self {
            dest: dest.to_path_buf(),
            tmp,
            committed: false,
        })
    }

    /// The folder to write into.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.tmp
    }

    /// The final destination.
    #[must_use]
    pub fn dest(&self) -> &Path {
        &self.dest
    }

    /// Move the finished report into place, replacing any earlier report.
    ///
    /// # Errors
    /// If a rename fails (the earlier report is restored when possible).
    pub fn commit(mut self) -> io::Result<()> {
        let old = sibling(&self.dest, "old");
        let had_old = self.dest.exists();
        if had_old {
            if old.exists() {
                fs::remove_dir_all(&old)?;
            }
            fs::rename(&self.dest, &old)?;
        }
        if let Err(e) = fs::rename(&self.tmp, &self.dest) {
            if had_old {
                let _ = fs::rename(&old, &self.dest);
            }
            return Err(e);
        }
        self.committed = true;
        if had_old {
            fs::remove_dir_all(&old)?;
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.tmp);
        }
    }
}

/// Write `bytes` to `path` atomically (temporary file in the same folder, then rename).
///
/// # Errors
/// Any I/O error.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let tmp = sibling(path, "part");
    fs::write(&tmp, bytes)?;
    fs::rename(&tmp, path).inspect_err(|_| {
        let _ = fs::remove_file(&tmp);
    })
}
