//! The integration tests of `runner`, in one test binary (as rust-analyzer does: one
//! binary links once, where one per file made CI spend most of its time linking).
//! Each module is one former test file; `cargo test -p <crate> --test it MODULE` runs one.

mod accumulate_exact;
mod analysis_backtest;
mod analysis_compare;
mod analysis_forecast;
mod analysis_sensitivity;
mod analysis_sweep;
mod attrition_model;
mod calendar;
mod calendar_bounds;
mod cli_run;
mod common;
mod data_out;
mod docs_figures;
mod engine_waves;
mod file_sizes;
mod fuzz_corpus_replay;
mod fuzz_partial_replay;
mod genius_travel;
mod golden_outputs;
mod hardening;
mod hardening_reports;
mod import_genius;
mod layering;
mod misleading_outputs;
mod overrides;
mod package_run;
mod package_signals;
mod package_supports;
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
mod scenario_text_dates;
mod scenarios_shipped;
