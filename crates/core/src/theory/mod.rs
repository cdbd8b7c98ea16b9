//! Closed-form bargaining theory: the predictions the simulator is checked against.
//!
//! Each module holds one model, written from its formula (see the reference notes on
//! bargaining theory): the zone of agreement ([`zone`]), Rubinstein's infinite-horizon game
//! ([`rubinstein`]), Ståhl's finite horizon ([`stahl`]), outside options ([`outside`]),
//! breakdown risk ([`breakdown`]), the Nash and Kalai–Smorodinsky solutions ([`nash`]),
//! Putnam's two-level games and take-it-or-leave-it screening ([`two_level`]), and the
//! Chatterjee–Samuelson double auction ([`chatterjee`]). Everything is pure: plain `f64`s in,
//! plain values out, with no NaN for inputs in the documented ranges.

pub mod breakdown;
pub mod chatterjee;
pub mod nash;
pub mod outside;
pub mod rubinstein;
pub mod stahl;
pub mod two_level;
pub mod zone;

pub use breakdown::{brw_limit, brw_share};
pub use chatterjee::{
    CS_EXPECTED_GAINS, CS_FIRST_BEST_GAINS, CS_P_TRADE, cs_ask, cs_bid, cs_trade,
};
pub use nash::{kalai_smorodinsky, nash_linear, nash_on_frontier, nash_weight};
pub use outside::outside_option_shares;
pub use rubinstein::{
    discount_from_rate, rubinstein_fixed_costs, rubinstein_limit_rates, rubinstein_share,
    rubinstein_share_rates,
};
pub use stahl::{stahl_share, stahl_share_recursive, stahl_share_with_options};
pub use two_level::{TakeItOrLeaveIt, take_it_or_leave_it_uniform, win_set_deal};
pub use zone::Zone;
