//! `bargain-runner`: scenario files, sampling, parallel ensembles, mergeable summaries,
//! reports and plots. The `bargain` binary is a thin layer over this library.

pub mod accumulate;
pub mod analysis;
pub mod cli;
pub mod csv_out;
pub mod ensemble;
pub mod merge;
pub mod output;
pub mod pipeline;
pub mod replay_json;
pub mod report;
pub mod scenario;
pub mod summary;
pub mod table;
pub mod trials_out;
