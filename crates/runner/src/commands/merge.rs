//! `bargain merge`: the partial reports of `run --shard` → the report a single run writes.

use std::path::{Path, PathBuf};

use super::Error;
use crate::merge::MergeError;
use crate::output::{Kind, Staging};

/// Merge the partial report folders `dirs` into `out`.
///
/// # Errors
/// A usage error for an `--out` that may not be replaced or partial reports that do not
/// belong together; scenario and I/O errors.
pub fn run(dirs: &[PathBuf], out: &Path) -> Result<(), Error> {
    // Check --out before reading the partial reports.
    let staging = Staging::new(out, Kind::Run)?;
    let merged = crate::merge::merge(dirs).map_err(|e| match e {
        MergeError::Usage(m) => Error::Usage(m),
        MergeError::Scenario(e) => Error::Scenario(e),
        MergeError::Io(m) => Error::Other(m),
    })?;
    let dest = crate::report::write_report(staging, &merged.0, &merged.1, None)?;
    print!("{}", crate::table::summary_table(&merged.1.summary));
    println!("report: {}", dest.display());
    Ok(())
}
