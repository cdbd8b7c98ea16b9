//! The commands: one module per `bargain` verb, each running a whole job from plain
//! options (no clap types) and returning [`Error`], plus [`session`], what they share
//! (expanding and loading scenarios, overrides, the worker pool, cancellation, progress).
//!
//! The binary's `cli.rs` parses arguments into these options, calls one `run` and maps
//! [`Error`] to an exit code. To add a verb: a module here with `run`, a variant in
//! `cli.rs`'s `Command` and one arm in its `dispatch`.

pub mod backtest;
pub mod calibrate;
pub mod compare;
mod error;
pub mod explain;
pub mod import;
pub mod merge;
pub mod new;
pub mod package_explain;
pub mod package_replay;
pub mod package_run;
pub mod replay;
pub mod run;
pub mod schema;
pub mod sensitivity;
pub mod session;
pub mod sweep;
pub mod validate;

pub use error::Error;
