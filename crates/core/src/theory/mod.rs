//! Closed-form bargaining theory behind the models.
//!
//! Each module holds the formula of one model, written from the theory (see the reference
//! notes on bargaining theory): the zone of agreement ([`zone`]), Rubinstein's
//! infinite-horizon game ([`rubinstein`]), Ståhl's finite horizon ([`stahl`]), outside
//! options ([`outside`]), breakdown risk ([`breakdown`]), the generalized Nash solution
//! ([`nash`]) and the war of attrition of reputational bargaining ([`attrition`]). Theory that no model uses — numerical solvers, recursions and variants the
//! models are checked against, two-level games, the Chatterjee–Samuelson double auction —
//! lives in [`reference`](mod@reference). Everything is pure: plain `f64`s in, plain values out, with no
//! NaN for inputs in the documented ranges.

pub mod attrition;
pub mod breakdown;
pub mod nash;
pub mod outside;
pub mod reference;
pub mod rubinstein;
pub mod stahl;
pub mod zone;

pub use attrition::{Attrition, AttritionDraw, concession_rate};
pub use breakdown::brw_share;
pub use nash::{nash_linear, nash_weight};
pub use outside::outside_option_shares;
pub use rubinstein::rubinstein_share;
pub use stahl::{stahl_share, stahl_share_with_options};
pub use zone::Zone;
