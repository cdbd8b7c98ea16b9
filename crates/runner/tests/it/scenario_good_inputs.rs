//! Good scenario files: the embedded SMA 2019 scenario, input names, central values,
//! warnings and the JSON schema.
#![allow(clippy::unwrap_used)]

use bargain_core::{Model, Side, StrategySpec};
use bargain_runner::scenario::{Sampler, Scenario};

/// A small valid scenario with `extra` appended to `[parties.kr]`'s keys via replacement.
fn scenario(us_reservation: &str, kr_reservation: &str, extra_protocol: &str) -> String {
    format!(
        r#"
[scenario]
name = "t"

[protocol]
max_rounds = 10
first_mover = "us"
{extra_protocol}

[parties.us]
side = "payee"
opening = 1.4
reservation = {us_reservation}
strategy = {{ kind = "time-based", preset = "boulware" }}

[parties.kr]
side = "payer"
opening = 0.96
reservation = {kr_reservation}
strategy = {{ kind = "faratin", beta = 0.5 }}
"#
    )
}

#[test]
fn embedded_sma_2019_parses() {
    let s = Scenario::builtin_sma_2019();
    assert_eq!(s.name, "sma-2019");
    assert_eq!(s.unit, "trillion KRW");
    assert_eq!(s.run.trials, 100_000);
    // Every model, `attrition` with the file's sourced obstinacy priors.
    assert_eq!(s.run.models, Model::ALL.to_vec());
    assert_eq!(s.run.sampler, Sampler::MonteCarlo);
    assert!(!s.sources.is_empty());
    let obs = s.observed.as_ref().unwrap();
    assert_eq!(obs.amount, 1.0389);
    assert_eq!(obs.round, Some(10));
    assert!(obs.source.as_deref().unwrap().contains("mofa.go.kr"));
    assert_eq!(s.party_key(Side::Payee), "us");
    assert_eq!(s.party_key(Side::Payer), "kr");
    assert_eq!(s.party_name(Side::Payee), "United States");
    let c = s.central();
    // A calendar: the rounds are those up to its end at the central pace.
    let cal = c.calendar.expect("sma-2019 has a calendar");
    assert_eq!(c.protocol.max_rounds, cal.total_rounds(1));
    assert!(cal.expiry_rounds() < cal.total_rounds(1));
    assert_eq!(obs.date, Some(17_937)); // 2019-02-10
    assert_eq!(c.protocol.first_mover, Side::Payee);
    assert!(c.protocol.grid.is_some());
    // A dated forecast (docs/forecast-recipe.md): as_of at the first meeting, no
    // ratification limit (consent had never been refused).
    assert_eq!(s.as_of, Some(17_597)); // 2018-03-07
    assert!(c.payer.ratification.is_none());
    assert!(c.payee.ratification.is_none());
    // The central negotiation has a zone of agreement and no warnings.
    assert!(c.payer.reservation > c.payee.reservation);
    assert!(s.warnings().is_empty(), "{:?}", s.warnings());
    // The file on disk is the embedded one.
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/sma-2019.toml");
    let from_disk = Scenario::from_path(&path).unwrap();
    assert_eq!(from_disk.input_names(), s.input_names());
    assert_eq!(from_disk.central(), c);
}

#[test]
fn input_names_follow_the_canonical_order() {
    let text = r#"
[scenario]
name = "order"

[protocol]
max_rounds = { choice = [8, 10] }
first_mover = "kr"
breakdown_risk = { beta = [1, 99] }

[parties.us]
side = "payee"
opening = { uniform = [1.3, 1.5] }
reservation = 1.0
discount = { uniform = [0.9, 0.99] }
strategy = { kind = "faratin", beta = { lognormal = [0, 0.5] }, kappa = { uniform = [0, 0.1] } }

[parties.kr]
side = "payer"
opening = 0.96
reservation = { normal = [1.1, 0.05] }
power = { triangular = [0.5, 1, 2] }
ratification = { uniform = [1.2, 1.5] }
outside_option = { uniform = [1.15, 1.3] }
strategy = { kind = "time-based", preset = { choice = ["boulware", "conceder"] }, max_aspiration = { uniform = [0.9, 1] }, eps = { uniform = [0, 0.001] } }
"#;
    let s = Scenario::parse(text, "order.toml").unwrap();
    let names = s.input_names();
    assert_eq!(
        names,
        [
            "protocol.max_rounds",
            "protocol.breakdown_risk",
            "parties.kr.reservation",
            "parties.kr.power",
            "parties.kr.ratification",
            "parties.kr.outside_option",
            "parties.kr.strategy.preset",
            "parties.kr.strategy.max_aspiration",
            "parties.kr.strategy.eps",
            "parties.us.opening",
            "parties.us.discount",
            "parties.us.strategy.beta",
            "parties.us.strategy.kappa",
        ]
    );
    assert_eq!(s.input_count(), names.len());
    // Stable: parsing again gives the same order.
    assert_eq!(
        Scenario::parse(text, "order.toml").unwrap().input_names(),
        names
    );
    let c = s.central();
    assert_eq!(c.protocol.first_mover, Side::Payer);
    assert_eq!(c.protocol.max_rounds, 8, "first of equally likely options");
    assert_eq!(c.payer.reservation, 1.1);
    assert!((c.payee.opening - 1.4).abs() < 1e-12);
    // Median of triangular(0.5, 1, 2): F(mode) = 1/3, so hi - sqrt((hi - lo)(hi - mode) / 2).
    assert!(
        (c.payer.power - (2.0 - 0.75f64.sqrt())).abs() < 1e-9,
        "{}",
        c.payer.power
    );
    assert_eq!(
        c.payer.strategy,
        StrategySpec::TimeBased {
            exponent: 4.0,
            max_aspiration: 0.95,
            eps: 0.0005
        }
    );
    match c.payee.strategy {
        StrategySpec::Faratin { beta, .. } => {
            assert!((beta - 1.0).abs() < 1e-9, "median of lognormal(0, s) is 1")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn defaults_are_applied() {
    let s = Scenario::parse(&scenario("1.0", "1.1", ""), "t.toml").unwrap();
    assert_eq!(s.title, "t");
    assert_eq!(s.unit, "");
    assert_eq!(s.run.trials, 100_000);
    assert_eq!(s.run.seed, 0);
    assert_eq!(s.run.models, vec![Model::Agents]);
    assert_eq!(s.run.sampler, Sampler::MonteCarlo);
    assert!(s.observed.is_none());
    assert!(s.input_names().is_empty());
    let c = s.central();
    assert_eq!(c.protocol.breakdown_risk, 0.0);
    assert_eq!(c.protocol.grid, None);
    assert_eq!(c.payee.discount, 1.0);
    assert_eq!(c.payee.power, 1.0);
    assert_eq!(
        c.payee.strategy,
        StrategySpec::time_based(bargain_core::Preset::Boulware)
    );
    assert_eq!(
        c.payer.strategy,
        StrategySpec::Faratin {
            beta: 0.5,
            kappa: 0.0,
            family: bargain_core::FaratinFamily::Polynomial
        }
    );
}

#[test]
fn warnings_flag_openings_inside_reservations_empty_zones_and_slivers() {
    // Korea would pay 1.5 > the US opening 1.4; the US accepts 0.9 < Korea's opening.
    let s = Scenario::parse(&scenario("0.9", "1.5", ""), "w.toml").unwrap();
    let w = s.warnings().join("\n");
    assert!(w.contains("w.toml:12:11: parties.us.opening: "), "{w}");
    assert!(w.contains("inside `kr`'s reservation"), "{w}");
    assert!(w.contains("parties.kr.opening"), "{w}");

    let s = Scenario::parse(&scenario("1.2", "1.1", ""), "w.toml").unwrap();
    let w = s.warnings().join("\n");
    assert!(w.contains("empty zone of agreement"), "{w}");

    let s = Scenario::parse(
        &scenario("1.0", "{ normal = [1.1, 0.01], within = [1.14, 1.2] }", ""),
        "w.toml",
    )
    .unwrap();
    let w = s.warnings().join("\n");
    assert!(
        w.contains("parties.kr.reservation.within: truncated to a sliver"),
        "{w}"
    );

    let s = Scenario::parse(
        &scenario("1.3", "1.1", "").replace("opening = 1.4", "opening = 1.2"),
        "w.toml",
    )
    .unwrap();
    let w = s.warnings().join("\n");
    assert!(w.contains("worse for `us` than its reservation"), "{w}");
}

#[test]
fn json_schema_describes_the_file() {
    let schema = Scenario::json_schema();
    assert!(schema.is_object());
    let props = schema["properties"].as_object().unwrap();
    for key in [
        "scenario",
        "run",
        "protocol",
        "parties",
        "observed",
        "context",
        "correlation",
    ] {
        assert!(props.contains_key(key), "{key}");
    }
    // `[[correlation]]` entries, and numbers that may be expressions (strings).
    let corr = &schema["$defs"]["CorrelationFile"]["properties"];
    assert!(corr["between"].is_object() && corr["rank"].is_object());
    let number = schema["$defs"]["NumberOrDistribution"].to_string();
    assert!(number.contains("\"string\""), "{number}");
    let text = schema.to_string();
    assert!(text.contains("latin-hypercube"));
    assert!(text.contains("kalai-smorodinsky"));
    assert!(text.contains("triangular"));
}

#[test]
fn the_documented_example_parses_with_the_documented_inputs() {
    let doc = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/scenarios.md"),
    )
    .unwrap();
    let start = doc.find("## Example").unwrap();
    let block = &doc[start..];
    let toml = &block[block.find("```toml\n").unwrap() + 8..];
    let toml = &toml[..toml.find("```").unwrap()];
    let s = Scenario::parse(toml, "docs/scenarios.md").unwrap();
    assert!(s.warnings().is_empty(), "{:?}", s.warnings());
    assert_eq!(s.run.sampler, Sampler::LatinHypercube);
    let listed: Vec<String> = block[block.find("in this order:").unwrap()..]
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect();
    assert_eq!(s.input_names(), listed);
}

#[test]
fn schema_marks_only_required_keys_as_required() {
    let schema = Scenario::json_schema();
    let defs = schema["$defs"].as_object().unwrap();
    let required = |def: &str| -> Vec<String> {
        defs[def]["required"]
            .as_array()
            .map(|a| a.iter().map(|v| v.as_str().unwrap().to_owned()).collect())
            .unwrap_or_default()
    };
    assert_eq!(required("RunFile"), Vec::<String>::new());
    assert_eq!(
        required("PartyFile"),
        ["side", "opening", "reservation", "strategy"]
    );
    // `max_rounds` may be left out when `[calendar]` has an `end` (checked semantically).
    assert_eq!(required("ProtocolFile"), ["first_mover"]);
    assert_eq!(
        required("CalendarFile"),
        ["start", "expiry", "round_months"]
    );
    let root: Vec<&str> = schema["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(root, ["scenario", "protocol", "parties"]);
}
