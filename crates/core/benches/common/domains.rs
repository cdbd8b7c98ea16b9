//! The `sma` (600 outcomes) and `large` (190,350 outcomes) reference domains and profiles
//! of `crates/core/tests/data/negmas-multi-issue.json`, for the bench and the example.

use bargain_core::package::preferences::{LinearAdditive, Preferences, ValueFunction};
use bargain_core::package::space::{Issue, OutcomeSpace};

fn prefs(weights: &[f64], values: Vec<ValueFunction>) -> Preferences {
    Preferences {
        utility: LinearAdditive {
            weights: weights.to_vec(),
            values,
        },
        reservation: 0.0,
        discount: 1.0,
    }
}

/// The `sma` domain (600 outcomes) and its `sma-us` / `sma-kr` profiles.
pub fn sma() -> (OutcomeSpace, Preferences, Preferences) {
    let space = OutcomeSpace::new(vec![
        Issue::number("amount", 0.9, 1.6, Some(0.05)),
        Issue::integer("term", 1, 10),
        Issue::choice(
            "escalation",
            &["none", "cpi-cap-4", "cpi-cap-5", "defense-budget"],
        ),
    ])
    .expect("space");
    let us = prefs(
        &[0.6, 0.25, 0.15],
        vec![
            ValueFunction::Increasing,
            ValueFunction::Points(vec![(1.0, 1.0), (5.0, 0.0), (10.0, 0.0)]),
            ValueFunction::Table(vec![0.2, 0.6, 0.7, 1.0]),
        ],
    );
    let kr = prefs(
        &[0.5, 0.3, 0.2],
        vec![
            ValueFunction::Decreasing,
            ValueFunction::Points(vec![(1.0, 0.0), (3.0, 0.7), (10.0, 1.0)]),
            ValueFunction::Table(vec![1.0, 0.5, 0.4, 0.0]),
        ],
    );
    (space, us, kr)
}

/// The `large` domain (190,350 outcomes) and its `large-us` / `large-kr` profiles.
pub fn large() -> (OutcomeSpace, Preferences, Preferences) {
    let space = OutcomeSpace::new(vec![
        Issue::number("amount", 0.9, 1.6, Some(0.005)),
        Issue::integer("term", 1, 15),
        Issue::choice(
            "escalation",
            &[
                "none",
                "cpi-cap-3",
                "cpi-cap-4",
                "cpi-cap-5",
                "defense-budget",
            ],
        ),
        Issue::integer("cap", 1, 18),
    ])
    .expect("space");
    let us = prefs(
        &[0.55, 0.2, 0.15, 0.1],
        vec![
            ValueFunction::Increasing,
            ValueFunction::Points(vec![(1.0, 1.0), (5.0, 0.3), (15.0, 0.0)]),
            ValueFunction::Table(vec![0.0, 0.3, 0.5, 0.6, 1.0]),
            ValueFunction::Increasing,
        ],
    );
    let kr = prefs(
        &[0.45, 0.25, 0.2, 0.1],
        vec![
            ValueFunction::Decreasing,
            ValueFunction::Points(vec![(1.0, 0.0), (5.0, 0.8), (15.0, 1.0)]),
            ValueFunction::Table(vec![1.0, 0.8, 0.6, 0.4, 0.0]),
            ValueFunction::Decreasing,
        ],
    );
    (space, us, kr)
}
