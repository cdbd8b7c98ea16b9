//! `bargain explain`: closed-form predictions at the scenario's central values, and its
//! zone of agreement.

use std::path::Path;

use super::Error;
use super::session::{builtin_with, load_with};
use crate::scenario::Override;

/// Print the explanation of the scenario at `path` (none: the built-in one), with `sets`
/// applied: a text, or with `json` one JSON object ([`crate::explain_json`]).
///
/// # Errors
/// The scenario's errors.
pub fn run(path: Option<&Path>, sets: &[Override], json: bool) -> Result<(), Error> {
    if let Some(p) = path
        && super::package_run::is_package_file(p)
    {
        let (s, _) = super::package_run::load_package(p, sets)?;
        let text = if json {
            format!("{}\n", super::package_explain::explain_value(&s)?)
        } else {
            super::package_explain::explain_text(&s)?
        };
        return super::replay::write_stdout(&text);
    }
    let loaded = match path {
        Some(p) => load_with(p, sets)?,
        None => builtin_with(sets)?,
    };
    if json {
        let v = crate::explain_json::explain_json(&loaded.scenario);
        return super::replay::write_stdout(&format!("{v}\n"));
    }
    super::replay::write_stdout(&crate::table::explain(&loaded.scenario))
}
