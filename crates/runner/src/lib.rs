//! `bargain-runner`: scenario files, sampling, parallel ensembles, mergeable summaries,
//! reports and plots. The `bargain` binary is a thin layer over this library.

pub mod accumulate;
pub mod report;
pub mod scenario;
pub mod summary;
