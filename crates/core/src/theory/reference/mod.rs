//! Reference implementations: theory that is not a model.
//!
//! No [`Model`](crate::Model) calls anything here. These are the textbook results the
//! models are checked against in the tests (numerical solvers on a general frontier, the
//! backward induction behind Ståhl's closed form, limits and variants of Rubinstein's and
//! the Binmore–Rubinstein–Wolinsky games), and results kept for the worked examples of
//! the bargaining-theory notes (Putnam's two-level games, the Chatterjee–Samuelson double
//! auction). Like the rest of [`theory`](super), everything is pure.

pub mod breakdown;
pub mod chatterjee;
pub mod frontier;
pub mod rubinstein;
pub mod stahl;
pub mod two_level;

pub use breakdown::brw_limit;
pub use chatterjee::{
    CS_EXPECTED_GAINS, CS_FIRST_BEST_GAINS, CS_P_TRADE, cs_ask, cs_bid, cs_trade,
};
pub use frontier::{kalai_smorodinsky, nash_on_frontier};
pub use rubinstein::{
    discount_from_rate, rubinstein_fixed_costs, rubinstein_limit_rates, rubinstein_share_rates,
};
pub use stahl::stahl_share_recursive;
pub use two_level::{TakeItOrLeaveIt, take_it_or_leave_it_uniform, win_set_deal};
