//! The package learner's estimated zone of agreement and its Nash point (issue #25):
//! where the learnt issue weights move the learner's goal. Equations: `docs/theory.md`,
//! "Learning agents", (L7)–(L9), and what it does to the deals there.
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
//! The learner concedes toward its goal with the one-issue time shape, reaching it one
//! round before its floor ([`concede_toward`]). With `L̂ < umin` (no zone estimated), or
//! no outcome of positive product, there is no estimate and the learner keeps the
//! one-issue rule ([`concession_target`]). On one issue (no weight model) the rule is
//! that one-issue rule unchanged; with a weight model on a linear frontier the two goals
//! agree (the midpoint of `[umin, L̂]` is the Nash point of a linear zone).
//!
//! Cost: two scans of the outcome space per opponent offer (one for `r̂`, one for the
//! Nash point), in index order ([`WeightModel::for_each_utility`]: mixed-radix counters,
//! a lookup, a product and an addition per outcome, no division), or, when a scenario
//! excludes outcomes, over the learner's allowed outcomes ([`SortedOutcomes`]). Exact up
//! to [`MAX_SCANNED`] outcomes (every outcome may be the Nash point, and the frontier
//! of a few thousand outcomes is a few dozen of them, so a sample would miss it); on
//! larger spaces an evenly spaced sample of [`MAX_SCANNED`] of the learner's rational
//! outcomes (by its utility), so the cost per offer stays bounded, and the goal — a
//! utility level — is approximate on a space dense enough to need it. Allocates
//! nothing.
//!
//! [`concession_target`]: crate::strategy::learning::concession_target

use super::opponent::WeightModel;
use super::sorted::SortedOutcomes;

/// The most outcomes scanned per estimate: beyond, every `⌈rational/MAX_SCANNED⌉`-th of
/// the learner's rational outcomes (by its utility, down from its best) is scanned.
pub const MAX_SCANNED: usize = 4096;

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
    // The learner's utility from which outcomes count for the frontier at L̂ (L̂ above
    // its best: its best) and from which they are rational.
    let at_end = utilities[sorted
        .first_at_least(end.min(sorted.max()))
        .min(n - 1)
        .max(first_rational)];
    let rational = utilities[first_rational];
    let own = sorted.utilities();
    // Every outcome allowed and at most MAX_SCANNED of them: scan the space in index
    // order (no division per outcome); else the learner's allowed outcomes in its sorted
    // order, every `step`-th position down from its best when there are more than
    // MAX_SCANNED rational ones.
    let indexed = own.len() == n && n <= MAX_SCANNED;
    let step = (n - first_rational).div_ceil(MAX_SCANNED).max(1);
    let positions = |lowest: usize| (lowest..n).rev().step_by(step);
    let latest_utility = model.utility(latest);
    let mut frontier = f64::NEG_INFINITY;
    if own[latest as usize] >= at_end {
        // The latest offer is among the outcomes scanned for the frontier, so r̂ is its
        // utility: no scan needed.
        frontier = latest_utility;
    } else if indexed {
        model.for_each_utility(|o, x| {
            if own[o as usize] >= at_end {
                frontier = frontier.max(x);
            }
        });
    } else {
        for p in positions(sorted.first_at_least(at_end)) {
            frontier = frontier.max(model.utility(order[p]));
        }
    }
    // r̂: the estimated frontier at L̂, never above the opponent's latest offer.
    let reservation = frontier.min(latest_utility);
    // The Nash point: the largest product, of equal products the higher own utility.
    let mut best: Option<(u32, f64, f64)> = None;
    let mut best_product = 0.0;
    let mut consider = |o: u32, u: f64, x: f64| {
        let product = (u - umin) * (x - reservation);
        let better = product > best_product
            || (product == best_product && best.is_some_and(|(_, bu, _)| u > bu));
        if product > 0.0 && better {
            best_product = product;
            best = Some((o, u, x));
        }
    };
    if indexed {
        model.for_each_utility(|o, x| {
            let u = own[o as usize];
            if u >= rational {
                consider(o, u, x);
            }
        });
    } else {
        for p in positions(first_rational) {
            let o = order[p];
            consider(o, own[o as usize], model.utility(o));
        }
    }
    let (nash, goal, opponent) = best?;
    Some(ZoneEstimate {
        end,
        reservation,
        nash,
        goal,
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
