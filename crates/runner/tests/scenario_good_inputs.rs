//! Good scenario files: the embedded SMA 2019 scenario, names, central values, schema.
#![allow(clippy::unwrap_used)]

use bargain_core::{Model, Side, StrategySpec};
use bargain_runner::scenario::{Sampler, Scenario};

#[test]
fn embedded_sma_2019_parses() {
    let s = Scenario::builtin_sma_2019();
    assert_eq!(s.name, "sma-2019");
    assert_eq!(s.unit, "trillion KRW");
    assert_eq!(s.run.trials, 100_000);
    assert_eq!(s.run.models, Model::ALL.to_vec());
    assert_eq!(s.run.sampler, Sampler::MonteCarlo);
    let obs = s.observed.as_ref().unwrap();
    assert_eq!(obs.amount, 1.0389);
    assert_eq!(obs.round, Some(10));
    assert_eq!(s.party_key(Side::Payee), "us");
    assert_eq!(s.party_key(Side::Payer), "kr");
    let c = s.central();
    assert_eq!(c.protocol.max_rounds, 10);
    assert_eq!(c.protocol.first_mover, Side::Payee);
    assert!(c.payer.ratification.is_some());
    assert!(c.payee.ratification.is_none());
    println!("{:#?}", s.input_names());
    println!("{c:#?}");
    for w in s.warnings() {
        println!("warning: {w}");
    }
    assert!(s.warnings().is_empty(), "{:?}", s.warnings());
}
