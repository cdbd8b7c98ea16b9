//! Fuzz target: `bargain merge` must never panic on any `partial.json`, and whatever it
//! accepts must be a summary that agrees with itself.
//!
//! The input is one or more `partial.json` texts separated by a line `--` (decoded
//! lossily as UTF-8); each is merged as a shard (folder `shardI`) of the fixed scenario
//! `partial_merge/scenario.toml` with the fixed `partial_merge/run.json`. A rejection
//! must name its folder or file; an accepted merge must give,
//! for every model, outcome counts that sum to the trials, an agreement rate in [0, 1],
//! and, with deals, `min <= mean <= max` and ordered quantiles.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = bargain_runner::merge::check_merge_input(data) {
        panic!("{e}");
    }
});
