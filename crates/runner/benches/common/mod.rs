//! Shared inputs of the benchmarks: the SMA 2019 scenario and a fixed negotiation.

#![allow(dead_code)] // each bench target uses a different part

use bargain_core::{Grid, Negotiation, Party, Preset, Protocol, Side, StrategySpec};
use bargain_runner::scenario::Scenario;

/// The shipped SMA 2019 scenario file.
const SMA: &str = include_str!("../../../../scenarios/sma-2019.toml");

/// The models line of the shipped file, replaced to run a subset of the models.
const SMA_MODELS: &str = "models = [\"agents\", \"rubinstein\", \"stahl\", \"nash\", \"kalai-smorodinsky\", \"brw\", \"attrition\"]";

/// The shipped SMA 2019 scenario running only `models` (a TOML array).
fn sma_with_models(models: &str) -> Scenario {
    assert!(
        SMA.contains(SMA_MODELS),
        "scenarios/sma-2019.toml changed its models line"
    );
    let text = SMA.replace(SMA_MODELS, &format!("models = {models}"));
    Scenario::parse(&text, "scenarios/sma-2019.toml").expect("valid bench scenario")
}

/// The SMA 2019 scenario running only the `agents` model (with its calendar, as shipped).
pub fn sma_agents() -> Scenario {
    sma_with_models("[\"agents\"]")
}

/// The SMA 2019 scenario running only the `agents` model **without its calendar**: the
/// `[calendar]` table and the parties' `lapse_cost` and `end_game` keys removed, and the
/// number of rounds the scenario had before it gained a calendar (5, 6 or 10 rounds,
/// weights 2:1:2). The baseline against which the calendar's cost is measured.
pub fn sma_agents_no_calendar() -> Scenario {
    assert!(
        SMA.contains(SMA_MODELS),
        "scenarios/sma-2019.toml changed its models line"
    );
    let mut text = String::new();
    let mut in_calendar = false;
    for line in SMA.replace(SMA_MODELS, "models = [\"agents\"]").lines() {
        if line.starts_with('[') {
            in_calendar = line.trim() == "[calendar]";
        }
        if in_calendar || line.starts_with("lapse_cost") || line.starts_with("end_game") {
            continue;
        }
        text.push_str(line);
        text.push('\n');
        if line.trim() == "[protocol]" {
            text.push_str("max_rounds = { choice = [5, 6, 10], weights = [2, 1, 2] }\n");
        }
    }
    let scenario = Scenario::parse(&text, "scenarios/sma-2019.toml").expect("valid bench scenario");
    assert!(
        scenario.calendar.is_none(),
        "the no-calendar bench scenario still has a calendar"
    );
    scenario
}

/// The strategy line of both parties in the shipped file.
const SMA_STRATEGY: &str = "strategy = { kind = \"time-based\", preset = { choice = [\"boulware\", \"linear\", \"conceder\"] } }";

/// The SMA 2019 scenario running only the `agents` model (with its calendar) with both
/// parties' negotiators `learning` at its defaults (issue #25).
pub fn sma_learning() -> Scenario {
    assert_eq!(
        SMA.matches(SMA_STRATEGY).count(),
        2,
        "scenarios/sma-2019.toml changed its strategy lines"
    );
    let text = SMA
        .replace(SMA_MODELS, "models = [\"agents\"]")
        .replace(SMA_STRATEGY, "strategy = { kind = \"learning\" }");
    Scenario::parse(&text, "scenarios/sma-2019.toml").expect("valid bench scenario")
}

/// The SMA 2019 scenario running only the `attrition` model (with its calendar and the
/// file's obstinacy priors).
pub fn sma_attrition() -> Scenario {
    sma_with_models("[\"attrition\"]")
}

/// The shipped SMA 2019 scenario with all seven models.
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
            obstinacy: [0.0; 2],
        },
    }
}
