//! Ståhl's (1972) finite-horizon game by plain backward induction: the reference the
//! closed form [`stahl_share`] (the `stahl` model) is checked against.

#[cfg(doc)]
use crate::theory::stahl_share;

/// Player 1's subgame-perfect share with horizon `T = horizon`, by backward induction.
///
/// `s_T = 1` and `s_t = 1 − δ_resp(t)·s_(t+1)`, where the responder of round `t` is player 2
/// in odd rounds and player 1 in even ones; the answer is `s_1`. Same conventions as
/// [`stahl_share`] (clamped factors, horizon 0 treated as 1). Takes `O(T)` steps.
#[must_use]
pub fn stahl_share_recursive(horizon: u32, d1: f64, d2: f64) -> f64 {
    let (d1, d2) = (d1.clamp(0.0, 1.0), d2.clamp(0.0, 1.0));
    let t = horizon.max(1);
    let mut s = 1.0;
    for round in (1..t).rev() {
        let responder = if round % 2 == 1 { d2 } else { d1 };
        s = 1.0 - responder * s;
    }
    s
}
