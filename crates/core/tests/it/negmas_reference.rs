//! Every NegMAS 0.16 reference negotiation in `tests/data/negmas-cases.json` (a copy of the
//! project's NegMAS reference file, kept beside this test so a fresh clone runs it) is
//! reproduced exactly by the `time-based` strategy on the alternating-offers protocol:
//! the deal, its round, and every offer.

use bargain_core::protocol::run_agents;
use bargain_core::{Grid, OutcomeKind, Party, Protocol, Side, StrategySpec, Trace};
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;
use serde_json::Value;

fn cases() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/negmas-cases.json");
    let text = std::fs::read_to_string(path).expect("reference file tests/data/negmas-cases.json");
    serde_json::from_str(&text).expect("valid JSON")
}

fn side_of(name: &str) -> Side {
    match name {
        "US" => Side::Payee,
        "KR" => Side::Payer,
        other => panic!("unknown party {other}"),
    }
}

fn party(side: Side, input: &Value, derived: &Value, lo: f64, hi: f64) -> Party {
    let reservation = input["reservation_trn"].as_f64().expect("reservation") * 1000.0;
    Party {
        side,
        opening: if side == Side::Payee { hi } else { lo },
        reservation: reservation.round(),
        discount: 1.0,
        power: 1.0,
        ratification: None,
        outside_option: None,
        strategy: StrategySpec::TimeBased {
            exponent: derived["exponent"].as_f64().expect("exponent"),
            max_aspiration: derived["max_aspiration"].as_f64().expect("max_aspiration"),
            eps: derived["eps"].as_f64().expect("eps"),
        },
    }
}

#[test]
fn every_negmas_case_is_reproduced_exactly() {
    let all = cases();
    let list = all["cases"].as_array().expect("cases");
    assert!(list.len() >= 6, "expected the reference cases");
    for case in list {
        let name = case["name"].as_str().expect("name");
        let input = &case["input"];
        let grid = &input["grid"];
        assert_eq!(grid["kind"], "int_billion", "{name}: grid kind");
        let lo = grid["lo"].as_f64().expect("lo");
        let hi = grid["hi"].as_f64().expect("hi");
        let step = grid["step"].as_f64().expect("step");
        let payee = party(Side::Payee, &input["US"], &case["derived"]["US"], lo, hi);
        let payer = party(Side::Payer, &input["KR"], &case["derived"]["KR"], lo, hi);
        let protocol = Protocol {
            max_rounds: u32::try_from(input["n_steps"].as_u64().expect("n_steps")).expect("u32"),
            first_mover: side_of(input["first"].as_str().expect("first")),
            breakdown_risk: 0.0,
            grid: Some(Grid { lo, hi, step }),
            obstinacy: [0.0; 2],
        };
        let mut trace = Trace::new();
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(0);
        let outcome = run_agents(&protocol, &payee, &payer, &mut rng, Some(&mut trace));

        let expected = &case["expected"];
        let offers: Vec<(u64, Side, f64)> = expected["offers"]
            .as_array()
            .expect("offers")
            .iter()
            .map(|o| {
                (
                    o[0].as_u64().expect("step"),
                    side_of(o[1].as_str().expect("proposer")),
                    o[2].as_f64().expect("value"),
                )
            })
            .collect();
        let got: Vec<(u64, Side, f64)> = trace
            .offers
            .iter()
            .map(|o| (u64::from(o.round), o.by, o.amount))
            .collect();
        assert_eq!(got, offers, "{name}: offers");

        if expected["timedout"].as_bool().expect("timedout") {
            assert_eq!(outcome.kind, OutcomeKind::Deadline, "{name}");
            assert_eq!(outcome.amount, None, "{name}");
        } else {
            assert_eq!(outcome.kind, OutcomeKind::Deal, "{name}");
            assert_eq!(
                outcome.amount,
                expected["agreement_value"].as_f64(),
                "{name}: agreement"
            );
            assert_eq!(
                u64::from(outcome.round),
                expected["agreement_round_1based"].as_u64().expect("round"),
                "{name}: round"
            );
            // The accepted offer is the last one, made by the other side.
            let last = offers.last().expect("an offer");
            assert_eq!(
                outcome.accepted_by,
                Some(last.1.other()),
                "{name}: acceptor"
            );
        }
    }
}
