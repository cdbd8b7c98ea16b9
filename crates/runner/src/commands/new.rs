//! `bargain new NAME`: write the commented starter scenario `NAME.toml`.

use std::path::Path;

use super::Error;
use crate::starter::{NewError, write};

/// Write `NAME.toml` into `dir`.
///
/// # Errors
/// A usage error for a bad name or a file that exists; I/O errors.
pub fn run(dir: &Path, name: &str) -> Result<(), Error> {
    let path = write(dir, name).map_err(|e| match e {
        NewError::Output(e) => Error::from(e),
        _ => Error::Usage(e.to_string()),
    })?;
    println!(
        "wrote {}; next: bargain validate {0}, bargain run {0}",
        path.display()
    );
    Ok(())
}
