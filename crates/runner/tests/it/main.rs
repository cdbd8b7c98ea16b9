//! The integration tests of `runner`, in one test binary (as rust-analyzer does: one
//! binary links once, where one per file made CI spend most of its time linking).
//! Each module is one former test file; `cargo test -p <crate> --test it MODULE` runs one.

mod accumulate_exact;
mod analysis_backtest;
mod analysis_compare;
mod analysis_sensitivity;
mod analysis_sweep;
mod calendar;
mod cli_run;
mod common;
mod data_out;
mod docs_figures;
mod engine_waves;
mod fuzz_corpus_replay;
mod fuzz_partial_replay;
mod golden_outputs;
mod hardening;
mod import_genius;
mod layering;
mod package_run;
mod package_signals;
mod reliability_bad_corpus;
mod reliability_determinism;
mod reliability_numerics;
mod reliability_outputs;
mod reliability_warnings;
mod report_outputs;
mod report_pairs;
mod report_svg;
mod scenario_bad_inputs;
mod scenario_good_inputs;
mod scenario_sampling;
mod scenarios_shipped;
