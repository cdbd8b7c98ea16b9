//! Multi-issue agreements ("packages"): an agreement is one value per issue.
//!
//! - [`space`]: issues (`number` with an optional step grid, `integer`, `choice`) and the
//!   discrete outcome space they span;
//! - [`preferences`]: linear-additive utility, reservation and discount per party;
//! - [`sorted`]: a profile's outcomes sorted by utility once, shared by negotiations;
//! - [`aspiration`]: NegMAS 0.16's `AspirationNegotiator` and the SAO loop on packages;
//! - [`tactics`]: the `faratin`, `tit-for-tat` and `hardliner` negotiators in utility
//!   space, and [`tactics::Tactic`], the choice among all four;
//! - [`opponent`]: the package learner's Bayesian model of its opponent's issue weights
//!   (Hindriks & Tykhonov 2008);
//! - [`solutions`]: Pareto frontier, generalized Nash, Kalai–Smorodinsky, max welfare;
//! - [`theory`]: Rubinstein, Ståhl and BRW on packages whose amount is a transferable
//!   good (the efficient combination of the other issues, the amount split as on one
//!   issue);
//! - [`talks`]: the one-issue rules on packages — calendar and lapse costs, breakdown
//!   risk, ratification limits on the amount issue — for the agents and the closed forms;
//! - [`timed`]: those talks with dated events and vetoes that restart them (issue #23);
//! - [`zone`]: the package learner's estimated zone of agreement and its Nash point,
//!   moved by the learnt weights (issue #25).
//!
//! Package scenarios (`bargain_scenario::issues`) choose each party's [`tactics::Tactic`];
//! not wired into [`crate::model`] (one-issue models).

pub mod aspiration;
pub mod opponent;
pub mod preferences;
pub mod solutions;
pub mod sorted;
pub mod space;
pub mod tactics;
pub mod talks;
pub mod theory;
pub mod timed;
pub mod zone;
