//! The error type of the analysis commands (mapped to exit codes in `cli.rs` only).

use crate::ensemble::RunError;
use crate::scenario::ScenarioError;

/// Why an analysis failed.
#[derive(Debug, thiserror::Error)]
pub enum AnalysisError {
    /// Bad arguments or inputs (exit code 2).
    #[error("{0}")]
    Usage(String),
    /// A bad scenario file (exit code 2).
    #[error("{0}")]
    Scenario(#[from] ScenarioError),
    /// Stopped by Ctrl-C or SIGTERM (exit code 130).
    #[error("interrupted: {0}; no report was written")]
    Interrupted(String),
    /// Anything else: I/O, rendering (exit code 1).
    #[error("{0}")]
    Other(String),
}

impl AnalysisError {
    /// An I/O error with what was being done.
    pub(crate) fn io(context: impl std::fmt::Display) -> impl Fn(std::io::Error) -> Self {
        move |e| AnalysisError::Other(format!("{context}: {e}"))
    }

    /// A failed ensemble run of scenario `name`.
    pub(crate) fn run(name: &str, e: RunError) -> Self {
        match e {
            RunError::Interrupted(i) => AnalysisError::Interrupted(format!("{name}: {i}")),
            RunError::Io(e) => AnalysisError::Other(format!("{name}: {e}")),
        }
    }
}

impl From<crate::output::OutputError> for AnalysisError {
    fn from(e: crate::output::OutputError) -> Self {
        use crate::output::OutputError as E;
        match e {
            E::Refused(m) => AnalysisError::Usage(m),
            E::Io { .. } => AnalysisError::Other(e.to_string()),
            E::Interrupted => AnalysisError::Interrupted("before the report was committed".into()),
        }
    }
}

impl From<crate::input::InputError> for AnalysisError {
    fn from(e: crate::input::InputError) -> Self {
        if e.bad_input {
            AnalysisError::Usage(e.to_string())
        } else {
            AnalysisError::Other(e.to_string())
        }
    }
}

/// Start a rayon pool with `threads` workers (default: all cores).
pub(crate) fn pool(threads: Option<usize>) -> Result<rayon::ThreadPool, AnalysisError> {
    let threads = crate::input::check_threads(threads).map_err(AnalysisError::Usage)?;
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| AnalysisError::Other(format!("starting worker threads: {e}")))
}

/// A flag set by Ctrl-C or SIGTERM (the first handler installed in the process wins).
pub(crate) fn cancel_flag() -> std::sync::Arc<std::sync::atomic::AtomicBool> {
    use std::sync::atomic::{AtomicBool, Ordering};
    let flag = std::sync::Arc::new(AtomicBool::new(false));
    let f = flag.clone();
    let _ = ctrlc::set_handler(move || f.store(true, Ordering::SeqCst));
    flag
}

/// Check a `--trials` override.
pub(crate) fn check_trials(trials: Option<u64>) -> Result<(), AnalysisError> {
    if trials == Some(0) || trials.is_some_and(|t| t > 1_000_000_000_000) {
        return Err(AnalysisError::Usage("--trials must be in 1..=10^12".into()));
    }
    Ok(())
}
