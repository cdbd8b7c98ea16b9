//! Every NegMAS 0.16 multi-issue reference negotiation in `tests/data/negmas-multi-issue.json`
//! (made by `benches/peers/negmas_multi_issue.py`) is replayed offer by offer by the
//! package `AspirationNegotiator`: every offer (step, proposer, outcome, both
//! utilities bit for bit), the agreement and its step.
//!
//! Among outcomes of exactly equal utility NegMAS offers the first in the order numpy's
//! unstable argsort leaves them (machine-dependent); the data records each such tie class
//! with NegMAS's choice first, and the replay ranks that choice first. Negotiations
//! where no offer met a tie are also replayed with the default tie rank (by index).

use bargain_core::package::aspiration::{
    Aspiration, AspirationNegotiator, PackageOffer, negotiate,
};
use bargain_core::package::preferences::{LinearAdditive, Preferences, ValueFunction};
use bargain_core::package::sorted::SortedOutcomes;
use bargain_core::package::space::{Issue, OutcomeSpace};
use serde_json::Value;
use std::collections::{HashMap, HashSet};

fn data() -> Value {
    let text = include_str!("../data/negmas-multi-issue.json");
    serde_json::from_str(text).expect("valid JSON")
}

fn f(v: &Value) -> f64 {
    v.as_f64().expect("number")
}

fn space_of(issues: &Value) -> OutcomeSpace {
    let issues = issues
        .as_array()
        .expect("issues")
        .iter()
        .map(|i| {
            let key = i["key"].as_str().expect("key");
            match i["kind"].as_str().expect("kind") {
                "number" => Issue::number(key, f(&i["lo"]), f(&i["hi"]), Some(f(&i["step"]))),
                "integer" => Issue::integer(
                    key,
                    i["lo"].as_i64().expect("lo"),
                    i["hi"].as_i64().expect("hi"),
                ),
                "choice" => {
                    let labels: Vec<&str> = i["values"]
                        .as_array()
                        .expect("values")
                        .iter()
                        .map(|v| v.as_str().expect("label"))
                        .collect();
                    Issue::choice(key, &labels)
                }
                other => panic!("unknown issue kind {other}"),
            }
        })
        .collect();
    OutcomeSpace::new(issues).expect("a discrete space")
}

fn value_function(spec: &Value, issue: &Issue) -> ValueFunction {
    match spec {
        Value::String(s) if s == "increasing" => ValueFunction::Increasing,
        Value::String(s) if s == "decreasing" => ValueFunction::Decreasing,
        Value::Object(o) if o.contains_key("points") => ValueFunction::Points(
            o["points"]
                .as_array()
                .expect("points")
                .iter()
                .map(|p| (f(&p[0]), f(&p[1])))
                .collect(),
        ),
        Value::Object(o) if o.contains_key("table") => {
            let bargain_core::package::space::IssueKind::Choice { labels } = &issue.kind else {
                panic!("table on a non-choice issue");
            };
            ValueFunction::Table(labels.iter().map(|l| f(&o["table"][l])).collect())
        }
        other => panic!("unknown value function {other}"),
    }
}

fn preferences(profile: &Value, space: &OutcomeSpace, reservation: f64) -> Preferences {
    let weights = profile["weights"]
        .as_array()
        .expect("weights")
        .iter()
        .map(f)
        .collect();
    let values = profile["value_functions"]
        .as_array()
        .expect("value_functions")
        .iter()
        .zip(space.issues())
        .map(|(v, i)| value_function(v, i))
        .collect();
    Preferences {
        utility: LinearAdditive { weights, values },
        reservation,
        discount: 1.0,
    }
}

struct Party {
    prefs: Preferences,
    /// NegMAS's choices among ties when this party proposed.
    tie_firsts: HashSet<u32>,
}

/// Replays one negotiation; `Err` describes the first difference.
fn replay(
    neg: &Value,
    space: &OutcomeSpace,
    parties: &[Party; 2],
    negmas_ties: bool,
) -> Result<(), String> {
    let sorted: Vec<SortedOutcomes> = parties
        .iter()
        .map(|p| {
            if negmas_ties {
                SortedOutcomes::with_tie_rank(space, &p.prefs, |o| {
                    if p.tie_firsts.contains(&o) {
                        0
                    } else {
                        1 + u64::from(o)
                    }
                })
            } else {
                SortedOutcomes::new(space, &p.prefs)
            }
            .expect("valid preferences")
        })
        .collect();
    let n_steps = u32::try_from(neg["n_steps"].as_u64().expect("n_steps")).expect("u32");
    let a = AspirationNegotiator::new(
        &sorted[0],
        parties[0].prefs.reservation,
        n_steps,
        Aspiration::default(),
    );
    let b = AspirationNegotiator::new(
        &sorted[1],
        parties[1].prefs.reservation,
        n_steps,
        Aspiration::default(),
    );
    let mut trace = Vec::new();
    let deal = negotiate(a, b, Some(&mut trace));
    let expected = neg["offers"].as_array().expect("offers");
    for (k, (got, want)) in trace.iter().zip(expected).enumerate() {
        let want_offer = PackageOffer {
            step: u32::try_from(want["step"].as_u64().expect("step")).expect("u32"),
            by: u8::try_from(want["by"].as_u64().expect("by")).expect("u8"),
            outcome: u32::try_from(want["outcome"].as_u64().expect("outcome")).expect("u32"),
        };
        if *got != want_offer {
            return Err(format!("offer {k}: got {got:?}, NegMAS {want_offer:?}"));
        }
        for (side, s) in sorted.iter().enumerate() {
            let (ours, theirs) = (s.utility(got.outcome), f(&want["utilities"][side]));
            if ours.to_bits() != theirs.to_bits() {
                return Err(format!(
                    "offer {k}: utility of party {side} {ours} != NegMAS {theirs}"
                ));
            }
        }
    }
    if trace.len() != expected.len() {
        return Err(format!(
            "{} offers, NegMAS made {}",
            trace.len(),
            expected.len()
        ));
    }
    let want = &neg["agreement"];
    match (deal, want.is_null()) {
        (None, true) => Ok(()),
        (Some(d), false) => {
            let w = (want["outcome"].as_u64(), want["step"].as_u64());
            if (Some(u64::from(d.outcome)), Some(u64::from(d.step))) == w {
                Ok(())
            } else {
                Err(format!("agreement {d:?}, NegMAS {w:?}"))
            }
        }
        (d, _) => Err(format!("agreement {d:?}, NegMAS {want}")),
    }
}

#[test]
fn every_negmas_multi_issue_negotiation_is_replayed_offer_by_offer() {
    let all = data();
    assert!(
        all["negmas_version"]
            .as_str()
            .expect("version")
            .starts_with("0.16")
    );
    let mut spaces = HashMap::new();
    for (name, d) in all["domains"].as_object().expect("domains") {
        let space = space_of(&d["issues"]);
        assert_eq!(
            space.len() as u64,
            d["outcomes"].as_u64().expect("outcomes"),
            "{name}"
        );
        spaces.insert(name.clone(), space);
    }
    // Our value functions give NegMAS's tables bit for bit.
    let profiles = all["profiles"].as_object().expect("profiles");
    for (name, p) in profiles {
        let space = &spaces[p["domain"].as_str().expect("domain")];
        let prefs = preferences(p, space, 0.0);
        prefs.validate(space).expect("valid");
        for (j, table) in p["tables"].as_array().expect("tables").iter().enumerate() {
            for (k, y) in table.as_array().expect("table").iter().enumerate() {
                assert_eq!(
                    prefs.value(space, j, k).to_bits(),
                    f(y).to_bits(),
                    "{name} issue {j} value {k}"
                );
            }
        }
    }
    let negotiations = all["negotiations"].as_array().expect("negotiations");
    assert!(negotiations.len() >= 70);
    let (mut deals, mut tie_free, mut with_ties) = (0, 0, 0);
    let mut sizes = HashSet::new();
    for neg in negotiations {
        let id = &neg["id"];
        let space = &spaces[neg["domain"].as_str().expect("domain")];
        sizes.insert(space.len());
        let make = |side: usize| {
            let p = &neg["parties"][side];
            let prefs = preferences(
                &profiles[p["profile"].as_str().expect("profile")],
                space,
                f(&p["reservation"]),
            );
            let tie_firsts = neg["offers"]
                .as_array()
                .expect("offers")
                .iter()
                .filter(|o| o["by"].as_u64() == Some(side as u64))
                .filter_map(|o| o["tie"][0].as_u64())
                .map(|o| u32::try_from(o).expect("u32"))
                .collect();
            Party { prefs, tie_firsts }
        };
        let parties = [make(0), make(1)];
        if let Err(e) = replay(neg, space, &parties, true) {
            panic!("negotiation {id}: {e}");
        }
        let has_ties = neg["offers"]
            .as_array()
            .expect("offers")
            .iter()
            .any(|o| !o["tie"].is_null());
        if has_ties {
            with_ties += 1;
        } else {
            tie_free += 1;
            if let Err(e) = replay(neg, space, &parties, false) {
                panic!("negotiation {id} (no ties) with the default tie rank: {e}");
            }
        }
        deals += usize::from(!neg["agreement"].is_null());
    }
    // The data exercise deals and no deals, ties and no ties, small and large spaces.
    assert!(
        deals >= 20 && deals + 20 <= negotiations.len(),
        "{deals} deals"
    );
    assert!(
        with_ties >= 20 && tie_free >= 5,
        "{with_ties} with ties, {tie_free} without"
    );
    assert!(sizes.contains(&30) && sizes.contains(&600) && sizes.contains(&190_350));
}
