//! `bargain-runner`: scenario files, sampling, parallel ensembles, mergeable summaries,
//! reports and plots. The `bargain` binary (`main.rs`, `cli.rs`) parses arguments and
//! calls [`commands`].

pub mod accumulate;
pub mod analysis;
pub mod assumptions;
pub mod commands;
pub mod csv_out;
pub mod ensemble;
pub mod events_report;
pub mod explain_json;
pub mod merge;
pub mod merge_check;
pub mod output;
pub mod pairs;
pub mod pipeline;
pub mod replay_json;
pub mod report;
pub mod starter;
pub mod summary;
pub mod table;
pub mod timing;
pub mod trial;
pub mod trials_out;
pub mod why;

/// The scenario layer (its own crate, `bargain-scenario`), re-exported under the name
/// the runner's modules use.
pub use bargain_scenario as scenario;
/// Reading input files safely (in `bargain-scenario`, the lowest layer that reads files).
pub use bargain_scenario::input;
