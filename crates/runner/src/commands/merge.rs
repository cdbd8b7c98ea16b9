//! `bargain merge`: the partial reports of `run --shard` → the report a single run writes.

use std::path::{Path, PathBuf};

use super::Error;
use crate::merge::MergeError;
use crate::output::{Kind, Staging};

/// Merge the partial report folders `dirs` into `out`; print the table and where the
/// report is unless `quiet`.
///
/// # Errors
/// A usage error for an `--out` that may not be replaced (one of the inputs, a folder
/// holding one, or a folder inside one) or partial reports that do not belong together;
/// scenario and I/O errors.
pub fn run(dirs: &[PathBuf], out: &Path, quiet: bool) -> Result<(), Error> {
    for d in dirs {
        crate::output::recover_report(d)?;
    }
    refuse_overlap(dirs, out)?;
    // Check --out before reading the partial reports.
    let staging = Staging::new(out, Kind::Run)?;
    if dirs
        .first()
        .is_some_and(|d| crate::merge::is_package_partial(d))
    {
        let merged = crate::merge::merge_package(dirs).map_err(|e| match e {
            MergeError::Usage(m) => Error::Usage(m),
            MergeError::Scenario(e) => Error::Scenario(e),
            MergeError::Io(m) => Error::Other(m),
        })?;
        let summary = super::package_run::write_merged(staging.path(), &merged)?;
        let dest = staging.commit(None)?;
        if !quiet {
            print!("{}", crate::table::summary_table(&summary));
            println!("report: {}", dest.display());
        }
        return Ok(());
    }
    let merged = crate::merge::merge(dirs).map_err(|e| match e {
        MergeError::Usage(m) => Error::Usage(m),
        MergeError::Scenario(e) => Error::Scenario(e),
        MergeError::Io(m) => Error::Other(m),
    })?;
    let dest = crate::report::write_report(staging, &merged.0, &merged.1, None)?;
    if !quiet {
        print!("{}", crate::table::summary_table(&merged.1.summary));
        println!("report: {}", dest.display());
    }
    Ok(())
}

/// `path` made absolute with every link resolved, also when it (or its last parts) does
/// not exist yet: the longest existing ancestor is canonicalized and the rest appended.
fn resolved(path: &Path) -> PathBuf {
    let mut rest = Vec::new();
    let mut p = path.to_path_buf();
    loop {
        if let Ok(c) = p.canonicalize() {
            return rest.iter().rev().fold(c, |acc, n| acc.join(n));
        }
        match (p.file_name().map(ToOwned::to_owned), p.parent()) {
            (Some(n), Some(parent)) => {
                rest.push(n);
                p = if parent.as_os_str().is_empty() {
                    PathBuf::from(".")
                } else {
                    parent.to_path_buf()
                };
            }
            // Nothing of it exists (or it ends in `..`): compare it as written.
            _ => return path.to_path_buf(),
        }
    }
}

/// Refuse an `--out` that is one of the partial reports, holds one, or lies inside one:
/// writing the merged report there would replace a shard's `partial.json`.
fn refuse_overlap(dirs: &[PathBuf], out: &Path) -> Result<(), Error> {
    let o = resolved(out);
    for d in dirs {
        let i = resolved(d);
        let why = if o == i {
            "is one of the partial reports being merged"
        } else if i.starts_with(&o) {
            "holds a partial report being merged"
        } else if o.starts_with(&i) {
            "lies inside a partial report being merged"
        } else {
            continue;
        };
        return Err(Error::Usage(format!(
            "--out {}: {why} ({}); writing there would destroy its partial.json: choose another --out",
            out.display(),
            d.display()
        )));
    }
    Ok(())
}
