//! `bargain-core`: the bargaining model.
//!
//! Two parties (a payee who prefers more, a payer who prefers less) negotiate an amount
//! under the alternating-offers protocol ([`protocol`]) with concession strategies
//! ([`strategy`]), or a closed-form model from bargaining theory ([`theory`]) predicts
//! the outcome. [`Negotiation::outcome_with`] (with a per-worker [`Workspace`]) is the
//! one entry point for every model; [`Negotiation::outcome`] is the same with a fresh
//! workspace. Theory no model uses lives in [`theory::reference`].
//!
//! Architecture invariant: this crate is pure and deterministic. It does no I/O, spawns
//! no threads and knows nothing of files, plots or the command line: it takes plain Rust
//! values and an RNG and returns outcomes.

pub mod attrition;
pub mod calendar;
mod closed_form;
mod custom;
pub mod events;
pub mod model;
pub mod outcome;
pub mod package;
pub mod party;
pub mod protocol;
pub mod strategy;
pub mod theory;
pub mod trace;
mod workspace;

pub use calendar::Calendar;
pub use model::{Model, Negotiation};
pub use outcome::{Outcome, OutcomeKind};
pub use party::{Party, Side};
pub use protocol::{Grid, Protocol};
pub use strategy::{FaratinFamily, Preset, StrategySpec};
pub use trace::{Trace, TracedOffer};
pub use workspace::Workspace;
