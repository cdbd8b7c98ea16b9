//! `bargain new NAME`: a commented starter scenario that validates and runs as written.

use std::path::{Path, PathBuf};

/// The template; `NAME` is replaced by the scenario's name.
const TEMPLATE: &str = include_str!("template.toml");

/// Why a starter could not be written.
#[derive(Debug, thiserror::Error)]
pub enum NewError {
    /// The name is not a scenario name.
    #[error(
        "`{0}` is not a scenario name: use lower-case letters, digits and `-` (e.g. `my-talks`)"
    )]
    BadName(String),
    /// The file exists (it is never overwritten).
    #[error("{0} already exists; choose another name or remove it yourself")]
    Exists(PathBuf),
    /// Writing failed (the error names the path).
    #[error(transparent)]
    Output(crate::output::OutputError),
}

/// The starter scenario text for `name`.
#[must_use]
pub fn text(name: &str) -> String {
    TEMPLATE.replace("NAME", name)
}

/// Whether `name` is a valid scenario name (`[a-z0-9-]+`).
#[must_use]
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Write `<dir>/<name>.toml` atomically; never overwrites. Returns the path.
///
/// # Errors
/// A bad name, an existing file, or an I/O error.
pub fn write(dir: &Path, name: &str) -> Result<PathBuf, NewError> {
    if !valid_name(name) {
        return Err(NewError::BadName(name.to_string()));
    }
    let path = dir.join(format!("{name}.toml"));
    if path.exists() {
        return Err(NewError::Exists(path));
    }
    crate::output::write_new_file(&path, text(name).as_bytes()).map_err(|e| match e {
        crate::output::OutputError::Io { source, .. }
            if source.kind() == std::io::ErrorKind::AlreadyExists =>
        {
            NewError::Exists(path.clone())
        }
        e => NewError::Output(e),
    })?;
    Ok(path)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;

    #[test]
    fn the_starter_parses_without_warnings() {
        let s = Scenario::parse(&text("my-talks"), "my-talks.toml").unwrap();
        assert_eq!(s.name, "my-talks");
        assert!(s.warnings().is_empty(), "{:?}", s.warnings());
        assert!(s.input_count() >= 5);
    }

    #[test]
    fn names_are_checked() {
        assert!(valid_name("sma-2026"));
        assert!(!valid_name("My Talks"));
        assert!(!valid_name("../x"));
        assert!(!valid_name(""));
    }
}
