//! Shared inputs of the benchmarks: the SMA 2019 scenario and a fixed negotiation.

#![allow(dead_code)] // each bench target uses a different part

use bargain_core::{Grid, Negotiation, Party, Preset, Protocol, Side, StrategySpec};
use bargain_runner::scenario::Scenario;

/// The shipped SMA 2019 scenario file.
const SMA: &str = include_str!("../../../../scenarios/sma-2019.toml");

/// The models line of the shipped file, replaced to run a subset of the models.
const SMA_MODELS: &str = "models = [\"agents\", \"rubinstein\", \"stahl\", \"nash\", \"kalai-smorodinsky\", \"breakdown\"]";

/// The shipped SMA 2019 scenario running only `models` (a TOML array).
fn sma_with_models(models: &str) -> Scenario {
    assert!(
        SMA.contains(SMA_MODELS),
        "scenarios/sma-2019.toml changed its models line"
    );
    let text = SMA.replace(SMA_MODELS, &format!("models = {models}"));
    Scenario::parse(&text, "scenarios/sma-2019.toml").expect("valid bench scenario")
}

/// The SMA 2019 scenario running only the `agents` model.
pub fn sma_agents() -> Scenario {
    sma_with_models("[\"agents\"]")
}

/// The shipped SMA 2019 scenario with all six models.
pub fn sma_all() -> Scenario {
    Scenario::builtin_sma_2019()
}

/// The SMA 2019 scenario running only the five closed forms.
pub fn sma_closed_forms() -> Scenario {
    sma_with_models("[\"rubinstein\", \"stahl\", \"nash\", \"kalai-smorodinsky\", \"breakdown\"]")
}

/// A central SMA-like negotiation: both parties with time-based `preset`, ten rounds,
/// the scenario's 0.0001 grid and its mean breakdown risk.
pub fn negotiation(preset: Preset) -> Negotiation {
    let party = |side, opening, reservation| Party {
        side,
        opening,
        reservation,
        discount: 0.97,
        power: 1.0,
        ratification: (side == Side::Payer).then_some(1.4),
        outside_option: None,
        strategy: StrategySpec::time_based(preset),
    };
    Negotiation {
        calendar: None,
        payee: party(Side::Payee, 1.4, 1.05),
        payer: party(Side::Payer, 0.97, 1.1),
        protocol: Protocol {
            max_rounds: 10,
            first_mover: Side::Payee,
            breakdown_risk: 0.005,
            grid: Some(Grid {
                lo: 0.5,
                hi: 2.5,
                step: 0.0001,
            }),
        },
    }
}
