//! Report folders: the one place that decides where a report may go and how it gets there.
//!
//! Every command that writes a report folder (`run`, `merge`, `compare`, `backtest`,
//! `sweep`, `sensitivity`) goes through [`Staging`]:
//!
//! 1. **Check** ([`check_destination`], before any work): `--out` must be a new folder, an
//!    empty folder, or a bargain report *of the same kind* whose marker file lists every
//!    entry in it, at every depth: a listed sub-folder is a sub-report (of a folder of runs
//!    or a backtest) with a marker of its own, checked the same way. Unlisted top-level
//!    sub-folders that are clean bargain reports of any kind (`reports/compare` beside the
//!    runs of `reports/`) are bargain's own and are kept. Anything else (a file at any depth
//!    bargain did not write, a file, `.`) is refused, naming the files, so a user's files
//!    are never deleted. Leftovers of crashed runs are cleaned up first: staging folders
//!    `.OUT.tmp-PID` of dead processes are removed, and a backup `.OUT.old-PID` of a dead
//!    process is restored when `OUT` is missing ([`recover_report`] does the same before a
//!    report folder is read).
//! 2. **Stage**: every file is written into `.OUT.tmp-PID` beside `OUT`.
//! 3. **Commit** ([`Staging::commit`]): the marker (kind and file list) is written; under
//!    an exclusive lock on the parent folder (so that runs into one `--out` commit in
//!    turn) the destination is checked again and the reports kept in it are hard-linked
//!    into the staging folder; every file and folder is fsynced; unless a signal arrived,
//!    `OUT` is renamed to `.OUT.old-PID`, the staging folder is renamed to `OUT`, the parent
//!    folder is fsynced and the backup removed. A crash at any point leaves the old report
//!    (restored by the next run) or the new one at `OUT`. I/O errors name the destination,
//!    never the staging folder.
//!
//! `BARGAIN_CRASH_AT=staged|backup|swapped` aborts the process at that step of the
//! commit, and `BARGAIN_PAUSE_AT` pauses there for two seconds: the tests use them to
//! prove the recovery, that a signal during the final write leaves the earlier report,
//! and that commits into one folder take turns.

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
    /// `calibrate`.
    Calibrate,
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
            Kind::Calibrate => "calibrate",
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
    #[error("{}: {}", path.display(), plain_io(source))]
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

/// The message of an I/O error in plain words. Libraries that wrap an I/O error print it
/// as Rust debug text (the plots: `backend error: Drawing backend error:
/// ImageError(IoError(Custom { kind: Other, error: "File too large (os error 27)" }))`);
/// such a message is reduced to the innermost quoted message.
#[must_use]
pub fn plain_io(e: &io::Error) -> String {
    let text = e.to_string();
    let quoted = ["message: \"", "error: \""].iter().find_map(|key| {
        let start = text.rfind(key)? + key.len();
        let len = text[start..].find('"')?;
        Some(text[start..start + len].to_owned())
    });
    quoted.filter(|q| !q.is_empty()).unwrap_or(text)
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

/// Before reading the report folder `dir` (`compare`, `merge`): if it is missing because a
/// commit crashed between its two renames, restore it from the backup `.NAME.old-PID` of
/// the dead process (what the next run into `dir` would do).
///
/// # Errors
/// An I/O error while restoring it.
pub fn recover_report(dir: &Path) -> Result<(), OutputError> {
    let Some(name) = dir.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return Ok(());
    };
    if fs::symlink_metadata(dir).is_err() {
        let _lock = lock_dir(&parent(dir));
        if fs::symlink_metadata(dir).is_err() {
            recover(dir, &name)?;
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

/// Whether `dir` is a bargain report of any kind holding nothing but what bargain wrote.
fn is_own_report(dir: &Path) -> bool {
    read_marker(dir).is_some_and(|m| clean_under(dir, &m))
}

fn clean_under(dir: &Path, m: &Marker) -> bool {
    let mut found = Vec::new();
    foreign_under(dir, &m.files, "", &mut found);
    found.is_empty()
}

/// Whether `path` is a folder (not a link to one).
fn is_real_dir(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.is_dir())
}

/// The entries of `dir` (names, sorted), or `None` when it cannot be read.
fn entry_names(dir: &Path) -> Option<Vec<String>> {
    let entries = fs::read_dir(dir).ok()?;
    let mut names: Vec<String> = entries
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    Some(names)
}

/// What bargain did not write under `dir`, a report folder listing `files`, at every depth:
/// paths relative to the report (`prefix` is `dir`'s own). A listed sub-folder is a
/// sub-report with a marker of its own, checked the same way; an unlisted sub-folder that
/// is itself a clean bargain report counts as bargain's only at the top (`prefix` empty),
/// where [`Staging::commit`] carries it over into the new report.
fn foreign_under(dir: &Path, files: &[String], prefix: &str, found: &mut Vec<String>) {
    let Some(names) = entry_names(dir) else {
        found.push(format!("{prefix}(unreadable)"));
        return;
    };
    for n in names {
        if n == MARKER {
            continue;
        }
        let path = dir.join(&n);
        let rel = format!("{prefix}{n}");
        let listed = files.contains(&n);
        if !is_real_dir(&path) {
            if !listed {
                found.push(rel);
            }
            continue;
        }
        let sub = format!("{rel}/");
        match (listed, read_marker(&path)) {
            // A sub-report (of a folder of runs or a backtest) is a single run's report.
            (true, Some(m)) if m.kind == Kind::Run.as_str() => {
                foreign_under(&path, &m.files, &sub, found);
            }
            // Another command's report: kept at the top (if clean), never replaced below.
            (false, Some(m)) if prefix.is_empty() => foreign_under(&path, &m.files, &sub, found),
            (_, Some(m)) => found.push(format!("{sub} (a `{}` report)", m.kind)),
            // A folder bargain listed but that is no longer a report, or one it did not
            // write: everything in it is the user's.
            (true, None) => everything_under(&path, &sub, found, false),
            (false, None) => everything_under(&path, &sub, found, true),
        }
    }
}

/// Every file under `dir` (and `dir` itself when `name_empty` and it holds nothing).
fn everything_under(dir: &Path, prefix: &str, found: &mut Vec<String>, name_empty: bool) {
    let Some(names) = entry_names(dir) else {
        found.push(format!("{prefix}(unreadable)"));
        return;
    };
    if names.is_empty() && name_empty {
        found.push(prefix.to_owned());
    }
    for n in names {
        let path = dir.join(&n);
        if is_real_dir(&path) {
            everything_under(&path, &format!("{prefix}{n}/"), found, true);
        } else {
            found.push(format!("{prefix}{n}"));
        }
    }
}

/// The top-level entries of `dir` bargain wrote (as listed in its marker).
fn foreign_entries(dir: &Path, files: &[String]) -> Vec<String> {
    let Some(names) = entry_names(dir) else {
        return vec!["(unreadable)".into()];
    };
    names
        .into_iter()
        .filter(|n| n != MARKER && !files.iter().any(|f| f == n))
        .collect()
}

/// The reports bargain wrote into `dest` with other commands (unlisted top-level
/// sub-folders that are clean reports of any kind): kept when `dest` is replaced.
fn kept_reports(dest: &Path, files: &[String]) -> Vec<String> {
    foreign_entries(dest, files)
        .into_iter()
        .filter(|n| is_real_dir(&dest.join(n)) && is_own_report(&dest.join(n)))
        .collect()
}

/// "holds files bargain did not write (…)", naming the first five.
fn not_written(foreign: &[String]) -> String {
    let shown: Vec<&str> = foreign.iter().take(5).map(String::as_str).collect();
    format!(
        "holds files bargain did not write ({}{})",
        shown.join(", "),
        if foreign.len() > 5 { ", …" } else { "" }
    )
}

fn refused(dest: &Path, why: &str) -> OutputError {
    OutputError::Refused(format!(
        "--out {}: {why}; refusing to overwrite it: choose another --out",
        dest.display()
    ))
}

/// Check, before any work, that a report of `kind` may be written to `dest`; clean up
/// leftovers of crashed runs first.
///
/// # Errors
/// [`OutputError::Refused`] when `dest` is not a new or empty folder or a report of the same
/// kind holding only its own files; [`OutputError::Io`] when it cannot be inspected.
pub fn check_destination(dest: &Path, kind: Kind) -> Result<(), OutputError> {
    inspect(dest, kind).map(|_| ())
}

/// [`check_destination`], returning the reports of other commands inside `dest` that a
/// commit carries over.
fn inspect(dest: &Path, kind: Kind) -> Result<Vec<String>, OutputError> {
    let name = file_name(dest)?;
    recover(dest, &name)?;
    let meta = match fs::symlink_metadata(dest) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io_at(dest)(e)),
        Ok(m) => m,
    };
    if !meta.is_dir() {
        return Err(refused(
            dest,
            "exists as a file, so it is not a bargain report folder",
        ));
    }
    let mut entries = fs::read_dir(dest).map_err(io_at(dest))?;
    if entries.next().is_none() {
        return Ok(Vec::new());
    }
    let Some(marker) = read_marker(dest) else {
        // A plain folder holding only bargain's reports (such as `reports/` after
        // `bargain run` and `bargain compare`) may become a folder of runs; the reports
        // of other commands in it are kept.
        if kind == Kind::Runs {
            let names = foreign_entries(dest, &[]);
            let mut foreign = Vec::new();
            let mut all_reports = true;
            for n in &names {
                let path = dest.join(n);
                match read_marker(&path) {
                    Some(m) if is_real_dir(&path) => {
                        foreign_under(&path, &m.files, &format!("{n}/"), &mut foreign);
                    }
                    _ => all_reports = false,
                }
            }
            if all_reports && foreign.is_empty() {
                return Ok(names);
            }
            if all_reports {
                return Err(refused(dest, &not_written(&foreign)));
            }
        }
        let hint = if dest.join(MARKER).is_file() {
            " (a report of an older bargain: remove it yourself to reuse the name)"
        } else {
            ""
        };
        return Err(refused(
            dest,
            &format!(
                "exists, is not empty and is not a bargain report folder (no valid {MARKER}){hint}"
            ),
        ));
    };
    if marker.kind != kind.as_str() {
        return Err(refused(
            dest,
            &format!(
                "holds a `{}` report, not a `{}` report",
                marker.kind,
                kind.as_str()
            ),
        ));
    }
    let mut foreign = Vec::new();
    foreign_under(dest, &marker.files, "", &mut foreign);
    if !foreign.is_empty() {
        return Err(refused(dest, &not_written(&foreign)));
    }
    Ok(kept_reports(dest, &marker.files))
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
            fs::remove_dir_all(&tmp).map_err(io_at(dest))?;
        }
        fs::create_dir_all(&tmp).map_err(io_at(dest))?;
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
        mark(&self.tmp, self.kind).map_err(|e| self.plain(e))?;
        let parent = parent(&self.dest);
        // One commit at a time into a folder: two runs into one `--out` replace each
        // other in turn instead of failing half-way (the lock goes with the process).
        let _lock = lock_dir(&parent);
        // The destination may have changed since the check: check again, and carry over
        // the reports other commands wrote into it (hard links: nothing is copied, and
        // the originals stay until the swap).
        let kept = inspect(&self.dest, self.kind)?;
        for n in &kept {
            let new = self.tmp.join(n);
            if fs::symlink_metadata(&new).is_ok() {
                let old_kind = read_marker(&self.dest.join(n)).map(|m| m.kind);
                let new_kind = read_marker(&new).map(|m| m.kind);
                if old_kind != new_kind || new_kind.is_none() {
                    return Err(refused(
                        &self.dest,
                        &format!(
                            "holds a `{}` report at {n}, which this report would replace",
                            old_kind.unwrap_or_default()
                        ),
                    ));
                }
                continue;
            }
            link_tree(&self.dest.join(n), &new).map_err(|e| self.plain(e))?;
        }
        sync_tree(&self.tmp).map_err(|e| self.plain(e))?;
        crash_point("staged");
        if cancel.is_some_and(|c| c.load(Ordering::SeqCst)) {
            return Err(OutputError::Interrupted);
        }
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
            if e.kind() == io::ErrorKind::DirectoryNotEmpty {
                // Only where folders cannot be locked: another process committed meanwhile.
                return Err(OutputError::Io {
                    path: self.dest.clone(),
                    source: io::Error::other(
                        "another bargain wrote a report here at the same moment; this run's report was not kept: run it again",
                    ),
                });
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

    /// An error about a file of the staging folder, told as one of the destination.
    fn plain(&self, e: OutputError) -> OutputError {
        match e {
            OutputError::Io { path, source } => OutputError::Io {
                path: path
                    .strip_prefix(&self.tmp)
                    .map_or(path.clone(), |rel| self.dest.join(rel)),
                source,
            },
            other => other,
        }
    }
}

/// Hold an exclusive lock on folder `dir` until the returned handle is dropped; `None`
/// where folders cannot be locked (then commits are not serialized).
fn lock_dir(dir: &Path) -> Option<fs::File> {
    let f = fs::File::open(dir).ok()?;
    f.lock().ok()?;
    Some(f)
}

/// Recreate the tree `from` at `to` with hard links to its files (copies where a link
/// cannot be made).
fn link_tree(from: &Path, to: &Path) -> Result<(), OutputError> {
    fs::create_dir(to).map_err(io_at(to))?;
    for e in fs::read_dir(from).map_err(io_at(from))? {
        let e = e.map_err(io_at(from))?;
        let (src, dst) = (e.path(), to.join(e.file_name()));
        let t = e.file_type().map_err(io_at(&src))?;
        if t.is_dir() {
            link_tree(&src, &dst)?;
        } else if t.is_symlink() {
            #[cfg(unix)]
            {
                let target = fs::read_link(&src).map_err(io_at(&src))?;
                std::os::unix::fs::symlink(target, &dst).map_err(io_at(&dst))?;
            }
        } else if fs::hard_link(&src, &dst).is_err() {
            fs::copy(&src, &dst).map_err(io_at(&dst))?;
        }
    }
    Ok(())
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.tmp);
        }
    }
}
