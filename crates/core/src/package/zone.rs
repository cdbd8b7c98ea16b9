//! The package learner's estimated zone of agreement and its Nash point (issue #25):
//! where the learnt issue weights move the learner's goal. Equations: `docs/theory.md`,
//! "Learning agents", (L7)–(L8).
//!
//! The learner knows its own utility `u` and, from its [`WeightModel`], an estimate of
//! the opponent's, `û(o) = Σ_i ŵ_i·v_i(o)` (posterior-mean weights; since the utility
//! is linear in the weights this is also the posterior expectation of the opponent's
//! utility). Its [`Belief`](crate::strategy::learning::Belief) says where the opponent's
//! concession ends in the learner's own utility, `L̂`. Then:
//!
//! - **The opponent's estimated reservation** `r̂` is its estimated utility where its
//!   concession is estimated to end: of the learner's outcomes worth at least `L̂` to the
//!   learner, the one `û` ranks highest (the estimated Pareto frontier at `L̂`, Hindriks &
//!   Tykhonov's agent assuming the opponent concedes efficiently) — but never above `û`
//!   of the opponent's latest offer (it has already offered that much: a time-based
//!   opponent whose offers are inefficient for the learner puts `L̂` below the frontier,
//!   and the frontier alone would then overstate its reservation):
//!   `r̂ = min(max{û(o) : u(o) ≥ L̂}, û(o_latest))`.
//! - **The estimated Nash point** (Nash 1950) is the outcome maximising
//!   `(u(o) − umin)·(û(o) − r̂)` over the learner's outcomes with `u ≥ umin` and
//!   `û > r̂`; the learner's **goal** is its own utility there.
//!
//! With `L̂ < umin` (no zone estimated), or no outcome of positive product, there is no
//! estimate and the learner keeps the one-issue rule ([`concession_target`]). On one
//! issue (no weight model) the rule is that one-issue rule unchanged; with a weight model
//! on a linear frontier the two agree (the midpoint of `[umin, L̂]` is the Nash point of a
//! linear zone).
//!
//! Cost: one scan of the learner's rational outcomes ([`SortedOutcomes`], ascending) per
//! opponent offer — downward from the top, stopped as soon as
//! `(u − umin)·(max û − r̂)` cannot beat the best product found (`u` only falls) — plus
//! one scan of the outcomes worth at least `L̂` for the frontier. Every outcome of the
//! space may be the Nash point, so a bounded sample could miss it; the scan reads `k`
//! table entries per outcome and allocates nothing.
//!
//! [`concession_target`]: crate::strategy::learning::concession_target

use super::opponent::WeightModel;
use super::sorted::SortedOutcomes;

/// The learner's estimated zone of agreement (see the module docs): all in the
/// learner's and the estimated opponent utility.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ZoneEstimate {
    /// Where the opponent's concession is estimated to end, in the learner's utility
    /// (`L̂`).
    pub end: f64,
    /// The opponent's estimated reservation in its estimated utility (`r̂`).
    pub reservation: f64,
    /// The estimated Nash point (an outcome index).
    pub nash: u32,
    /// The learner's utility at the estimated Nash point: its goal.
    pub goal: f64,
    /// The estimated opponent utility at the estimated Nash point.
    pub opponent: f64,
}

/// The estimated zone and its Nash point for a learner whose outcomes are `sorted`
/// (rational from position `first_rational`; its floor `umin`), which estimates that the
/// opponent's concession ends at `end` in its own utility, models the opponent's weights
/// with `model` and last saw the opponent offer `latest`. `None` when no zone is
/// estimated (`end < umin`, no rational outcome, or no outcome of positive Nash
/// product). Allocates nothing.
#[must_use]
pub fn estimated_zone(
    sorted: &SortedOutcomes,
    first_rational: usize,
    umin: f64,
    end: f64,
    model: &WeightModel<'_>,
    latest: u32,
) -> Option<ZoneEstimate> {
    let (utilities, order) = (sorted.sorted(), sorted.order());
    let n = utilities.len();
    // A NaN estimate counts as none.
    if first_rational >= n || end.is_nan() || end < umin {
        return None;
    }
    // r̂: the estimated frontier at L̂ (L̂ above the learner's best: at its best), never
    // above the opponent's latest offer.
    let from = sorted
        .first_at_least(end.min(sorted.max()))
        .min(n - 1)
        .max(first_rational);
    let mut frontier = f64::NEG_INFINITY;
    for &o in &order[from..] {
        frontier = frontier.max(model.utility(o));
    }
    let reservation = frontier.min(model.utility(latest));
    // The Nash point: downward from the learner's best, while the product's bound can
    // still beat the best found (a little slack for rounding in the bound).
    let reach = (model.max_utility() - reservation) * (1.0 + 1e-12) + 1e-15;
    let mut best: Option<(usize, f64, f64)> = None;
    let mut best_product = 0.0;
    for p in (first_rational..n).rev() {
        let gain = utilities[p] - umin;
        if gain * reach <= best_product {
            break;
        }
        let x = model.utility(order[p]);
        let product = gain * (x - reservation);
        if product > best_product {
            best_product = product;
            best = Some((p, x, product));
        }
    }
    let (p, opponent, _) = best?;
    Some(ZoneEstimate {
        end,
        reservation,
        nash: order[p],
        goal: utilities[p],
        opponent,
    })
}

/// The learner's target utility in its round `round` (0-based) of `rounds` toward the
/// goal `goal`, on a scale whose best is `top` and floor `floor`: the time shape of
/// [`concession_target`](crate::strategy::learning::concession_target),
/// `max(floor, goal + (top − goal)·(1 − φ^exponent))`, but with `φ = min(1, round/(rounds
/// − 2))`, so that it offers its goal in its last round but one (round `rounds − 2`) and
/// its floor in the last. (Reached only at `φ = 1`, the last round, a goal is never
/// offered: the floor comes first — and a goal that is the Nash point, which two
/// learners can both hold, then ends the talks at the first mover's floor.)
#[must_use]
pub fn concede_toward(
    top: f64,
    floor: f64,
    goal: f64,
    round: u32,
    rounds: u32,
    exponent: f64,
) -> f64 {
    if round + 1 >= rounds {
        return floor;
    }
    let goal = goal.min(top).max(floor);
    let phi = (f64::from(round) / f64::from(rounds.saturating_sub(2).max(1))).min(1.0);
    let t = goal + (top - goal) * (1.0 - phi.powf(exponent));
    t.max(floor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_target_reaches_the_goal_one_step_before_the_floor() {
        // The one-issue rule's shape, with the goal reached in round R − 2.
        let (rounds, goal) = (10, 0.4);
        for e in [0.5, 1.0, 3.0] {
            assert_eq!(concede_toward(1.0, 0.2, goal, 0, rounds, e), 1.0);
            for round in 1..rounds - 1 {
                let phi = f64::from(round) / 8.0;
                let want = goal + (1.0 - goal) * (1.0 - phi.powf(e));
                let t = concede_toward(1.0, 0.2, goal, round, rounds, e);
                assert!((t - want).abs() < 1e-15, "{round} {e}: {t} vs {want}");
            }
            assert_eq!(concede_toward(1.0, 0.2, goal, 8, rounds, e), goal);
            assert_eq!(concede_toward(1.0, 0.2, goal, 9, rounds, e), 0.2);
            // Never below the floor, whatever the goal.
            assert_eq!(concede_toward(1.0, 0.5, 0.3, 8, rounds, e), 0.5);
        }
        // Two rounds: the top, then the floor.
        assert_eq!(concede_toward(1.0, 0.2, goal, 0, 2, 1.0), 1.0);
        assert_eq!(concede_toward(1.0, 0.2, goal, 1, 2, 1.0), 0.2);
    }
}
