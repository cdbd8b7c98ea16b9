//! Report folders: the one place that decides where a report may go and how it gets there.
//!
//! Every command that writes a report folder (`run`, `merge`, `compare`, `backtest`,
//! `sweep`, `sensitivity`) goes through [`Staging`]:
//!
//! 1. **Check** ([`check_destination`], before any work): `--out` must be a new folder, an
//!    empty folder, or a bargain report *of the same kind* whose marker file lists every
//!    entry in it. Anything else (a folder holding other files, a file, `.`) is refused,
//!    so a user's files are never deleted. Leftovers of crashed runs are cleaned up first:
//!    staging folders `.OUT.tmp-PID` of dead processes are removed, and a backup
//!    `.OUT.old-PID` of a dead process is restored when `OUT` is missing.
//! 2. **Stage**: every file is written into `.OUT.tmp-PID` beside `OUT`.
//! 3. **Commit** ([`Staging::commit`]): the marker (kind and file list) is written, every
//!    file and folder is fsynced; unless a signal arrived, `OUT` is renamed to
//!    `.OUT.old-PID`, the staging folder is renamed to `OUT`, the parent folder is fsynced
//!    and the backup removed. A crash at any point leaves the old report (restored by the
//!    next run) or the new one at `OUT`.
//!
//! `BARGAIN_CRASH_AT=staged|backup|swapped` aborts the process at that step of the
//! commit, and `BARGAIN_PAUSE_AT=staged` pauses there: the tests use them to prove the
//! recovery and that a signal during the final write leaves the earlier report.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use serde::{Deserialize, Serialize};

/// The marker file every report folder carries.
pub const MARKER: &str = ".bargain-report";

/// What kind of report a folder holds; `--out` only replaces a report of the same kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// One scenario's run (`run`, `merge`).
    Run,
    /// A folder of runs with `index.html` (`run` with several scenarios).
    Runs,
    /// `compare`.
    Compare,
    /// `backtest`.
    Backtest,
    /// `sweep`.
    Sweep,
    /// `sensitivity`.
    Sensitivity,
}

impl Kind {
    /// The kind's name in the marker file.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Run => "run",
            Kind::Runs => "runs",
            Kind::Compare => "compare",
            Kind::Backtest => "backtest",
            Kind::Sweep => "sweep",
            Kind::Sensitivity => "sensitivity",
        }
    }
}

/// The content of a marker file.
#[derive(Debug, Serialize, Deserialize)]
struct Marker {
    format: String,
    kind: String,
    /// Every entry of the report folder (besides the marker) that bargain wrote.
    files: Vec<String>,
}

const MARKER_FORMAT: &str = "bargain-report";

/// Why a report folder could not be written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// `--out` names a place a report may not go (exit code 2).
    #[error("{0}")]
    Refused(String),
    /// An I/O error, with the path it concerns (exit code 1).
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The error.
        source: io::Error,
    },
    /// A signal arrived before the commit: nothing was changed at `--out`.
    #[error("interrupted before the report was committed")]
    Interrupted,
}

fn io_at(path: &Path) -> impl Fn(io::Error) -> OutputError + '_ {
    move |source| OutputError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn file_name(dest: &Path) -> Result<String, OutputError> {
    dest.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| {
            OutputError::Refused(format!(
                "--out {}: not a folder a report can replace; name a new or empty folder such as reports/x",
                dest.display()
            ))
        })
}

fn parent(dest: &Path) -> PathBuf {
    match dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn sibling(dest: &Path, name: &str, tag: &str, pid: u32) -> PathBuf {
    parent(dest).join(format!(".{name}.{tag}-{pid}"))
}

/// Whether process `pid` is alive. Read from `/proc`; where there is no `/proc`, every
/// process counts as alive, so nothing is removed.
fn alive(pid: u32) -> bool {
    let proc = Path::new("/proc");
    !proc.join("self").exists() || proc.join(pid.to_string()).exists()
}

/// Leftovers `.NAME.tmp-PID` / `.NAME.old-PID` of dead processes beside `dest`.
fn leftovers(dest: &Path, name: &str) -> Vec<(PathBuf, &'static str)> {
    let Ok(entries) = fs::read_dir(parent(dest)) else {
        return Vec::new();
    };
    let me = std::process::id();
    let mut found = Vec::new();
    for e in entries.flatten() {
        let n = e.file_name().to_string_lossy().into_owned();
        for tag in ["tmp", "old"] {
            let prefix = format!(".{name}.{tag}-");
            if let Some(pid) = n.strip_prefix(&prefix).and_then(|p| p.parse::<u32>().ok())
                && pid != me
                && !alive(pid)
            {
                found.push((e.path(), tag));
            }
        }
    }
    found.sort();
    found
}

/// Recover from a crashed commit and remove stale staging folders of dead processes.
fn recover(dest: &Path, name: &str) -> Result<(), OutputError> {
    for (path, tag) in leftovers(dest, name) {
        if tag == "old" && fs::symlink_metadata(dest).is_err() {
            // The crash came between moving the old report aside and moving the new one in.
            fs::rename(&path, dest).map_err(io_at(dest))?;
            eprintln!(
                "note: restored the earlier report at {} after an interrupted commit",
                dest.display()
            );
        } else {
            fs::remove_dir_all(&path).map_err(io_at(&path))?;
        }
    }
    Ok(())
}

fn read_marker(dir: &Path) -> Option<Marker> {
    let text = fs::read_to_string(dir.join(MARKER)).ok()?;
    serde_json::from_str::<Marker>(&text)
        .ok()
        .filter(|m| m.format == MARKER_FORMAT)
}

/// Whether `dir` is a bargain report of `kind` holding nothing but what bargain wrote.
fn is_clean_report(dir: &Path, kind: Kind) -> bool {
    read_marker(dir)
        .is_some_and(|m| m.kind == kind.as_str() && foreign_entries(dir, &m.files).is_empty())
}

fn foreign_entries(dir: &Path, files: &[String]) -> Vec<String> {
    let Ok(entries) = fs::read_dir(dir) else {
        return vec!["(unreadable)".into()];
    };
    let mut foreign: Vec<String> = entries
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != MARKER && !files.iter().any(|f| f == n))
        .collect();
    foreign.sort();
    foreign
}

/// Check, before any work, that a report of `kind` may be written to `dest`; clean up
/// leftovers of crashed runs first.
///
/// # Errors
/// [`OutputError::Refused`] when `dest` is not a new or empty folder or a report of the same
/// kind holding only its own files; [`OutputError::Io`] when it cannot be inspected.
pub fn check_destination(dest: &Path, kind: Kind) -> Result<(), OutputError> {
    let name = file_name(dest)?;
    recover(dest, &name)?;
    let meta = match fs::symlink_metadata(dest) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(io_at(dest)(e)),
        Ok(m) => m,
    };
    let refuse = |why: String| {
        Err(OutputError::Refused(format!(
            "--out {}: {why}; refusing to overwrite it: choose another --out",
            dest.display()
        )))
    };
    if !meta.is_dir() {
        return refuse("exists as a file, so it is not a bargain report folder".into());
    }
    let mut entries = fs::read_dir(dest).map_err(io_at(dest))?;
    if entries.next().is_none() {
        return Ok(());
    }
    let Some(marker) = read_marker(dest) else {
        // A plain folder holding only single runs' reports (such as `reports/` after
        // `bargain run`) may become a folder of runs.
        if kind == Kind::Runs {
            let all_runs = fs::read_dir(dest)
                .map_err(io_at(dest))?
                .flatten()
                .all(|e| is_clean_report(&e.path(), Kind::Run));
            if all_runs {
                return Ok(());
            }
        }
        let hint = if dest.join(MARKER).is_file() {
            " (a report of an older bargain: remove it yourself to reuse the name)"
        } else {
            ""
        };
        return refuse(format!(
            "exists, is not empty and is not a bargain report folder (no valid {MARKER}){hint}"
        ));
    };
    if marker.kind != kind.as_str() {
        return refuse(format!(
            "holds a `{}` report, not a `{}` report",
            marker.kind,
            kind.as_str()
        ));
    }
    let foreign = foreign_entries(dest, &marker.files);
    if !foreign.is_empty() {
        let shown: Vec<&str> = foreign.iter().take(5).map(String::as_str).collect();
        return refuse(format!(
            "holds files bargain did not write ({}{})",
            shown.join(", "),
            if foreign.len() > 5 { ", …" } else { "" }
        ));
    }
    Ok(())
}

/// Write the marker of a report of `kind` into `dir`, listing the entries now in it.
///
/// # Errors
/// Any I/O error, with its path.
pub fn mark(dir: &Path, kind: Kind) -> Result<(), OutputError> {
    let mut files = foreign_entries(dir, &[]);
    files.retain(|f| f != "(unreadable)");
    let marker = Marker {
        format: MARKER_FORMAT.into(),
        kind: kind.as_str().into(),
        files,
    };
    let path = dir.join(MARKER);
    let mut bytes = serde_json::to_vec_pretty(&marker).map_err(|e| OutputError::Io {
        path: path.clone(),
        source: io::Error::other(e),
    })?;
    bytes.push(b'\n');
    fs::write(&path, bytes).map_err(io_at(&path))
}

/// fsync every file and folder under `dir`, then `dir` itself.
fn sync_tree(dir: &Path) -> Result<(), OutputError> {
    for e in fs::read_dir(dir).map_err(io_at(dir))? {
        let e = e.map_err(io_at(dir))?;
        let path = e.path();
        let t = e.file_type().map_err(io_at(&path))?;
        if t.is_dir() {
            sync_tree(&path)?;
        } else if t.is_file() {
            fs::File::open(&path)
                .and_then(|f| f.sync_all())
                .map_err(io_at(&path))?;
        }
    }
    sync_dir(dir)
}

fn sync_dir(dir: &Path) -> Result<(), OutputError> {
    #[cfg(unix)]
    {
        fs::File::open(dir)
            .and_then(|f| f.sync_all())
            .map_err(io_at(dir))
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

/// Write `bytes` to a new file `path` atomically, never replacing an existing file: the
/// bytes go to a hidden sibling, are fsynced, and are linked into place (which fails if
/// `path` exists); the sibling is removed either way.
///
/// # Errors
/// `path` exists (`AlreadyExists`) or another I/O error, each naming the path.
pub fn write_new_file(path: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    use std::io::Write;
    let name = file_name(path)?;
    let tmp = sibling(path, &name, "part", std::process::id());
    let written = fs::File::create(&tmp)
        .and_then(|mut f| f.write_all(bytes).and_then(|()| f.sync_all()))
        .map_err(io_at(&tmp))
        .and_then(|()| fs::hard_link(&tmp, path).map_err(io_at(path)));
    let _ = fs::remove_file(&tmp);
    written?;
    sync_dir(&parent(path))
}

/// The test hooks: abort the process at `step` of the commit when `BARGAIN_CRASH_AT`
/// says so; pause there for two seconds when `BARGAIN_PAUSE_AT` does (so that a test can
/// send a signal during the final write).
fn crash_point(step: &str) {
    if std::env::var("BARGAIN_PAUSE_AT").is_ok_and(|s| s == step) {
        std::thread::sleep(std::time::Duration::from_secs(2));
    }
    if std::env::var("BARGAIN_CRASH_AT").is_ok_and(|s| s == step) {
        eprintln!("BARGAIN_CRASH_AT={step}: aborting");
        std::process::abort();
    }
}

/// A report folder being written.
#[derive(Debug)]
pub struct Staging {
    dest: PathBuf,
    tmp: PathBuf,
    old: PathBuf,
    kind: Kind,
    committed: bool,
}

impl Staging {
    /// Check `dest` (see [`check_destination`]) and start writing a report of `kind` there.
    ///
    /// # Errors
    /// If `dest` may not receive the report or the staging folder cannot be created.
    pub fn new(dest: &Path, kind: Kind) -> Result<Self, OutputError> {
        check_destination(dest, kind)?;
        let name = file_name(dest)?;
        let parent = parent(dest);
        fs::create_dir_all(&parent).map_err(io_at(&parent))?;
        let pid = std::process::id();
        let tmp = sibling(dest, &name, "tmp", pid);
        if tmp.exists() {
            fs::remove_dir_all(&tmp).map_err(io_at(&tmp))?;
        }
        fs::create_dir_all(&tmp).map_err(io_at(&tmp))?;
        Ok(Self {
            dest: dest.to_path_buf(),
            old: sibling(dest, &name, "old", pid),
            tmp,
            kind,
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

    /// Move the finished report into place, replacing any earlier report, unless `cancel`
    /// is set (a signal arrived): then nothing at `dest` changes. Returns the destination.
    ///
    /// # Errors
    /// [`OutputError::Interrupted`] after a signal; an I/O error with its path (the
    /// earlier report is restored when possible).
    pub fn commit(mut self, cancel: Option<&AtomicBool>) -> Result<PathBuf, OutputError> {
        mark(&self.tmp, self.kind)?;
        sync_tree(&self.tmp)?;
        crash_point("staged");
        if cancel.is_some_and(|c| c.load(Ordering::SeqCst)) {
            return Err(OutputError::Interrupted);
        }
        // The destination may have appeared since the check: check again.
        check_destination(&self.dest, self.kind)?;
        let parent = parent(&self.dest);
        let had_old = fs::symlink_metadata(&self.dest).is_ok();
        if had_old {
            if self.old.exists() {
                fs::remove_dir_all(&self.old).map_err(io_at(&self.old))?;
            }
            fs::rename(&self.dest, &self.old).map_err(io_at(&self.dest))?;
            sync_dir(&parent)?;
            crash_point("backup");
        }
        if let Err(e) = fs::rename(&self.tmp, &self.dest) {
            if had_old {
                let _ = fs::rename(&self.old, &self.dest);
            }
            return Err(io_at(&self.dest)(e));
        }
        self.committed = true;
        sync_dir(&parent)?;
        crash_point("swapped");
        if had_old {
            fs::remove_dir_all(&self.old).map_err(io_at(&self.old))?;
        }
        Ok(self.dest.clone())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.tmp);
        }
    }
}
