//! The one error type of the commands. Each variant is one exit-code class; the binary's
//! `cli.rs` maps them to exit codes (the only place that does).

use crate::ensemble::RunError;
use crate::input::InputError;
use crate::output::OutputError;
use crate::scenario::ScenarioError;

/// Why a command failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad arguments or inputs: arguments, `partial.json`/`summary.json`, an `--out` that
    /// may not be replaced, an input that is not a regular file.
    #[error("{0}")]
    Usage(String),
    /// A bad scenario file.
    #[error("{0}")]
    Scenario(#[from] ScenarioError),
    /// Stopped by Ctrl-C or SIGTERM before the report was committed.
    #[error("interrupted: {0}; no report was written")]
    Interrupted(String),
    /// Anything else: I/O (the message names the path), rendering, …
    #[error("{0}")]
    Other(String),
}

impl Error {
    /// An I/O error with what was being done (`context: error`).
    pub(crate) fn io(context: impl std::fmt::Display) -> impl Fn(std::io::Error) -> Self {
        move |e| Error::Other(format!("{context}: {}", crate::output::plain_io(&e)))
    }

    /// A failed ensemble run of scenario `name`.
    pub(crate) fn run(name: &str, e: RunError) -> Self {
        match e {
            RunError::Interrupted(i) => Error::Interrupted(format!("{name}: {i}")),
            e @ RunError::Failed(_) => Error::Other(format!("{name}: {e}")),
            RunError::Io(e) => Error::Other(format!(
                "{name}: writing trials.csv: {}",
                crate::output::plain_io(&e)
            )),
        }
    }
}

impl From<OutputError> for Error {
    fn from(e: OutputError) -> Self {
        match e {
            OutputError::Refused(m) => Error::Usage(m),
            OutputError::Io { .. } => Error::Other(e.to_string()),
            OutputError::Interrupted => {
                Error::Interrupted("before the report was committed".into())
            }
        }
    }
}

impl From<InputError> for Error {
    fn from(e: InputError) -> Self {
        if e.bad_input {
            Error::Usage(e.to_string())
        } else {
            Error::Other(e.to_string())
        }
    }
}
