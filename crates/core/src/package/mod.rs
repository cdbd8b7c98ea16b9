//! Multi-issue agreements ("packages"): an agreement is one value per issue.
//!
//! - [`space`]: issues (`number` with an optional step grid, `integer`, `choice`) and the
//!   discrete outcome space they span;
//! - [`preferences`]: linear-additive utility, reservation and discount per party;
//! - [`sorted`]: a profile's outcomes sorted by utility once, shared by negotiations;
//! - [`aspiration`]: NegMAS 0.16's `AspirationNegotiator` and the SAO loop on packages;
//! - [`solutions`]: Pareto frontier, generalized Nash, Kalai–Smorodinsky, max welfare.
//!
//! Not yet wired into [`crate::model`] or the scenario format (issue #12 continues).

pub mod aspiration;
pub mod preferences;
pub mod solutions;
pub mod sorted;
pub mod space;
