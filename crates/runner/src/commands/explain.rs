//! `bargain explain`: closed-form predictions at the scenario's central values, and its
//! zone of agreement.

use std::path::Path;

use super::Error;
use super::session::{builtin, load};

/// Print the explanation of the scenario at `path` (none: the built-in one).
///
/// # Errors
/// The scenario's errors.
pub fn run(path: Option<&Path>) -> Result<(), Error> {
    let loaded = match path {
        Some(p) => load(p)?,
        None => builtin(),
    };
    super::replay::write_stdout(&crate::table::explain(&loaded.scenario))
}
