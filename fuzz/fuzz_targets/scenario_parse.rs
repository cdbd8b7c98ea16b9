//! Fuzz target: scenario parsing and validation must never panic.
//!
//! Any byte string is offered to `Scenario::parse` (as text when it is UTF-8, as the
//! lossy decoding otherwise). A rejection must carry at least one diagnostic, each with
//! a 1-based line and column and a non-empty message (a silent, empty error was found
//! this way). A scenario that parses is then sampled for a few trials (first, second and
//! last), and its central negotiation is built, so the compiled sampling plan is
//! exercised on whatever the validator accepted; every sampled amount must be finite.

#![no_main]

use bargain_scenario::{SampleCtx, Scenario};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let scenario = match Scenario::parse(&text, "fuzz.toml") {
        Ok(s) => s,
        Err(e) => {
            assert!(!e.diagnostics().is_empty(), "an error without diagnostics");
            for d in e.diagnostics() {
                assert!(d.line >= 1 && d.column >= 1, "bad position: {d:?}");
                assert!(!d.message.trim().is_empty(), "empty message: {d:?}");
            }
            return;
        }
    };
    let _ = scenario.warnings();
    let _ = scenario.central();
    let trials = scenario.run.trials;
    let mut inputs = vec![0.0; scenario.input_count()];
    for trial in [0, 1, trials.saturating_sub(1)] {
        if trial >= trials {
            continue;
        }
        let ctx = SampleCtx {
            trial,
            trials,
            seed: scenario.run.seed,
        };
        let n = scenario.sample(ctx, &mut inputs);
        for x in [
            n.payee.opening,
            n.payee.reservation,
            n.payer.opening,
            n.payer.reservation,
        ] {
            assert!(x.is_finite(), "a non-finite sampled amount: {n:?}");
        }
    }
});
