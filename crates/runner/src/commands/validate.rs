//! `bargain validate`: check scenario files and print their warnings.

use std::path::PathBuf;

use super::Error;
use super::session::expand;
use crate::scenario::issues::PackageScenario;
use crate::scenario::{Override, Scenario};

/// Check every scenario file of `paths` (files or folders), with `sets` applied to the
/// one-issue files; print `ok:` and the warnings of each good one. With `strict`, the
/// information-set warnings (a source dated after `as_of`, an undated source with
/// `as_of`) are errors.
///
/// # Errors
/// A usage error listing every bad file.
pub fn run(paths: &[PathBuf], sets: &[Override], strict: bool) -> Result<(), Error> {
    let files = expand(paths)?;
    let mut failed = Vec::new();
    for f in &files {
        let checked = if super::package_run::is_package_file(f) {
            PackageScenario::from_path(f).map(|s| s.warnings())
        } else if sets.is_empty() {
            Scenario::from_path(f).map(|s| s.warnings().to_vec())
        } else {
            match super::session::load_with(f, sets) {
                Ok(l) => Ok(l.scenario.warnings().to_vec()),
                Err(e) => {
                    failed.push(e.to_string());
                    continue;
                }
            }
        };
        let marker = format!(": {}: ", crate::scenario::INFORMATION_WARNING);
        let checked = checked.map_err(|e| e.to_string()).and_then(|warnings| {
            let (refused, kept): (Vec<String>, Vec<String>) = warnings
                .into_iter()
                .partition(|w| strict && w.contains(&marker));
            if refused.is_empty() {
                Ok(kept)
            } else {
                Err(format!(
                    "{}\n{}: refused under --strict (information-set warnings are errors)",
                    refused.join("\n"),
                    f.display()
                ))
            }
        });
        match checked {
            Ok(warnings) => {
                println!("ok: {}", f.display());
                // Each warning starts with its file:line:col.
                for w in warnings {
                    println!("warning: {w}");
                }
            }
            Err(e) => failed.push(e),
        }
    }
    if failed.is_empty() {
        Ok(())
    } else {
        Err(Error::Usage(failed.join("\n")))
    }
}
