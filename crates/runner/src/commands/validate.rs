//! `bargain validate`: check scenario files and print their warnings.

use std::path::PathBuf;

use super::Error;
use super::session::expand;
use crate::scenario::Scenario;

/// Check every scenario file of `paths` (files or folders); print `ok:` and the warnings
/// of each good one.
///
/// # Errors
/// A usage error listing every bad file.
pub fn run(paths: &[PathBuf]) -> Result<(), Error> {
    let files = expand(paths)?;
    let mut failed = Vec::new();
    for f in &files {
        match Scenario::from_path(f) {
            Ok(s) => {
                println!("ok: {}", f.display());
                // Each warning starts with its file:line:col.
                for w in s.warnings() {
                    println!("warning: {w}");
                }
            }
            Err(e) => failed.push(e.to_string()),
        }
    }
    if failed.is_empty() {
        Ok(())
    } else {
        Err(Error::Usage(failed.join("\n")))
    }
}
