//! `bargain explain --json` (and Python's `bargain.explain`): the explanation of
//! [`crate::table::explain`] as one JSON object, with full-precision numbers.
//!
//! ```json
//! {"scenario": "sma-2019", "title": "…", "unit": "trillion KRW",
//!  "central": {"us": {"side": "payee", "opening": 1.4, "reservation": 1.04, …}, "kr": {…}},
//!  "zone": {"floor": {"side": "payee", "kind": "reservation", "amount": 1.04},
//!           "ceiling": {…}, "empty": false, "surplus": 0.06},
//!  "protocol": {"max_rounds": 20, "first_mover": "us", "breakdown_risk": 0.0034},
//!  "calendar": {"start": "2018-03-07", "expiry": "2018-12-31", "end": "2021-01-20",
//!               "expiry_rounds": 12, "round_months": 1.05, "lapse_cost": [0.0175, 0.015]},
//!  "models": {"agents": {"outcome": "deal", "amount": 1.07, "round": 9,
//!                        "deal_date": "2018-11-20", "lapse_months": 0.0, "why": null}, …},
//!  "inputs": ["protocol.breakdown_risk", …]}
//! ```
//!
//! Every number is the one the text shows before rounding: the scenario at its central
//! values (medians, the most likely option of a choice), each model's outcome there
//! (the agents with the generator of trial 0 of seed 0, as the text uses), and `why`,
//! the sentence the text prints for an outcome that is not a deal (`null` for a deal).
//! `calendar` is `null` without a `[calendar]` table; `deal_date`/`lapse_months` are
//! `null` without a deal or a calendar.
//!
//! A scenario with `[[events]]` or `on_veto = "resume"` adds `events` (each event at
//! central values: those that happen in at least half of the trials take effect on the
//! middle day of their dates, with the medians of drawn values; the models use them, as
//! the ensemble does) and per model `vetoes`.

use bargain_core::{Model, Party, Trace};
use serde_json::{Map, Value, json};

use crate::scenario::Scenario;
use crate::scenario::date::format_date;
use crate::why::{self, Limit, Names};

fn party(scenario: &Scenario, p: &Party) -> Value {
    json!({
        "name": scenario.party_name(p.side),
        "side": p.side.as_str(),
        "opening": p.opening,
        "reservation": p.reservation,
        "ratification": p.ratification,
        "outside_option": p.outside_option,
        "discount": p.discount,
        "power": p.power,
        "negotiator": why::strategy_name(&p.strategy),
    })
}

fn limit(l: &Limit) -> Value {
    json!({
        "side": l.side.as_str(),
        "kind": l.kind,
        "amount": l.amount,
    })
}

/// The `explain --json` object of `scenario` (see the module documentation).
#[must_use]
pub fn explain_json(scenario: &Scenario) -> Value {
    let (n, timeline) = scenario.central_timeline();
    let names = Names {
        payee: scenario.party_name(bargain_core::Side::Payee),
        payer: scenario.party_name(bargain_core::Side::Payer),
    };
    let mut central = Map::new();
    for p in [&n.payee, &n.payer] {
        central.insert(scenario.party_key(p.side).to_owned(), party(scenario, p));
    }
    let z = why::zone(&n);
    let dates = scenario.calendar.as_ref().zip(n.calendar.as_ref());
    let calendar = dates.map(|(d, cal)| {
        json!({
            "start": format_date(d.start),
            "expiry": format_date(d.expiry),
            "end": d.end.map(format_date),
            "expiry_rounds": cal.expiry_rounds(),
            "round_months": cal.round_months,
            "lapse_cost": cal.lapse_cost,
        })
    });
    // The same generator as the text (`table::explain`): one for all models, in order.
    let mut rng = crate::ensemble::trial_rng(0, 0);
    let mut ws = bargain_core::Workspace::new();
    let events = crate::events_report::EventsView::central(scenario, &n, &timeline).events_json();
    let mut models = Map::new();
    for m in Model::ALL {
        let mut trace = Trace::new();
        let timed = n.outcome_in(&timeline, m, &mut rng, Some(&mut trace), &mut ws);
        let o = timed.outcome;
        let (date, lapse) = match dates {
            Some((d, cal)) if o.is_deal() => {
                let r = o.round.saturating_sub(1);
                (
                    Some(format_date(d.start + i64::from(cal.day(r)))),
                    Some(cal.lapse_months(r)),
                )
            }
            _ => (None, None),
        };
        let why = (!o.is_deal()).then(|| why::why(&n, m, &o, &trace, names).text);
        let mut v = json!({
            "outcome": o.kind.as_str(),
            "amount": o.amount,
            "round": o.round,
            "deal_date": date,
            "lapse_months": lapse,
            "why": why,
        });
        if let (Some(_), Some(obj)) = (&events, v.as_object_mut()) {
            obj.insert("vetoes".into(), json!(timed.vetoes));
        }
        models.insert(m.as_str().to_owned(), v);
    }
    let mut v = json!({
        "scenario": scenario.name,
        "title": scenario.title,
        "unit": scenario.unit,
        "central": central,
        "zone": {
            "floor": limit(&z.floor),
            "ceiling": limit(&z.ceiling),
            "empty": z.is_empty(),
            "surplus": z.ceiling.amount - z.floor.amount,
        },
        "protocol": {
            "max_rounds": n.protocol.max_rounds,
            "first_mover": n.protocol.first_mover.as_str(),
            "breakdown_risk": n.protocol.breakdown_risk,
        },
        "calendar": calendar,
        "models": models,
        "inputs": scenario.input_names(),
    });
    if let (Some(events), Some(obj)) = (events, v.as_object_mut()) {
        obj.insert("events".into(), events);
    }
    v
}
