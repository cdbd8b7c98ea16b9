//! The zone of agreement between a payee and a payer, and the map from surplus shares
//! to amounts.

/// The zone of possible agreement `[r_payee, r_payer]` on the amount.
///
/// The payee accepts any amount at or above its reservation `r_payee`; the payer accepts any
/// amount at or below its reservation `r_payer`. When the reservations do not overlap there is
/// no zone: that is a distinct answer ([`Zone::Empty`]), never a NaN.
///
/// ```
/// use bargain_core::theory::zone::Zone;
///
/// // The US accepts 1.0 or more, Korea pays at most 1.2: a surplus of 0.2 to share.
/// let zone = Zone::new(1.0, 1.2);
/// assert!(zone.is_open());
/// assert!((zone.surplus().unwrap() - 0.2).abs() < 1e-12);
/// // Reservations that miss each other give no zone, and no surplus, never a NaN.
/// let none = Zone::new(1.3, 1.0);
/// assert!(!none.is_open());
/// assert_eq!(none.surplus(), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Zone {
    /// The reservations do not overlap: the payee wants more than the payer can bear.
    Empty {
        /// By how much they miss: `r_payee − r_payer` (> 0).
        gap: f64,
    },
    /// The reservations overlap on `[lo, hi]` (possibly a single point, `lo == hi`).
    Open {
        /// The payee's reservation: the lowest amount the payee accepts.
        lo: f64,
        /// The payer's reservation: the highest amount the payer accepts.
        hi: f64,
    },
}

impl Zone {
    /// The zone of agreement `[r_payee, r_payer]`.
    ///
    /// Empty when `r_payee > r_payer` (with `gap = r_payee − r_payer`); a zero-width zone
    /// (`r_payee == r_payer`) is open. Reservations that cannot be compared (a NaN) give an
    /// empty zone, whose gap is then NaN.
    #[must_use]
    pub fn new(r_payee: f64, r_payer: f64) -> Zone {
        if r_payee <= r_payer {
            Zone::Open {
                lo: r_payee,
                hi: r_payer,
            }
        } else {
            Zone::Empty {
                gap: r_payee - r_payer,
            }
        }
    }

    /// Whether the zone is open (an agreement is possible).
    #[must_use]
    pub fn is_open(&self) -> bool {
        matches!(self, Zone::Open { .. })
    }

    /// The surplus `S = hi − lo` to be shared, or `None` for an empty zone.
    #[must_use]
    pub fn surplus(&self) -> Option<f64> {
        match *self {
            Zone::Open { lo, hi } => Some(hi - lo),
            Zone::Empty { .. } => None,
        }
    }

    /// Whether `amount` lies in the zone (`false` for an empty zone).
    #[must_use]
    pub fn contains(&self, amount: f64) -> bool {
        match *self {
            Zone::Open { lo, hi } => lo <= amount && amount <= hi,
            Zone::Empty { .. } => false,
        }
    }

    /// The amount `lo + x·S` that gives the payee a share `x` of the surplus, or `None` for an
    /// empty zone. The share is not clamped: `x` outside `[0, 1]` leaves the zone.
    #[must_use]
    pub fn amount_from_payee_share(&self, x: f64) -> Option<f64> {
        match *self {
            Zone::Open { lo, hi } => Some(lo + x * (hi - lo)),
            Zone::Empty { .. } => None,
        }
    }

    /// The amount `hi − y·S` that gives the payer a share `y` of the surplus, or `None` for an
    /// empty zone. The share is not clamped: `y` outside `[0, 1]` leaves the zone.
    #[must_use]
    pub fn amount_from_payer_share(&self, y: f64) -> Option<f64> {
        match *self {
            Zone::Open { lo, hi } => Some(hi - y * (hi - lo)),
            Zone::Empty { .. } => None,
        }
    }
}
