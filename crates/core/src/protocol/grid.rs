//! The offer grid and its searches.

use crate::party::Side;

/// An offer grid: offers are the points `lo + k·step` for `k = 0..` up to `hi`.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Grid {
    /// The lowest point.
    pub lo: f64,
    /// The upper bound (the last point is the largest `lo + k·step <= hi`, with a 1e-9 relative tolerance).
    pub hi: f64,
    /// Distance between points (> 0).
    pub step: f64,
}

impl Grid {
    /// Number of points.
    #[must_use]
    pub fn len(&self) -> u64 {
        let n = (self.hi - self.lo) / self.step + 1e-9;
        if n.is_finite() && n >= 0.0 {
            // Truncation is the floor of a non-negative number (no call to `floor`).
            n as u64 + 1
        } else {
            1
        }
    }

    /// Whether the grid has no points (never: a grid has at least `lo`).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The `k`-th point.
    #[must_use]
    pub fn point(&self, k: u64) -> f64 {
        self.lo + k as f64 * self.step
    }

    /// Index of the smallest point `>= x`, if any.
    #[must_use]
    pub fn ceil_index(&self, x: f64) -> Option<u64> {
        SnapGrid::new(*self).ceil_index(x)
    }

    /// Index of the largest point `<= x`, if any.
    #[must_use]
    pub fn floor_index(&self, x: f64) -> Option<u64> {
        SnapGrid::new(*self).floor_index(x)
    }

    /// The worst point for `side` that is at least as good for it as `amount`
    /// (the payee rounds up, the payer down). If the grid has no such point, the
    /// best grid point for `side` is used when it still respects `reservation`;
    /// otherwise `amount` itself is returned (a grid that does not cover the
    /// reservations is rejected by scenario validation).
    #[must_use]
    pub fn snap_toward(&self, side: Side, amount: f64, reservation: f64) -> f64 {
        SnapGrid::new(*self).snap_toward(side, amount, reservation)
    }

    /// Whether `x` is (within 1e-9 of a step) a grid point inside the grid's range.
    #[must_use]
    pub fn contains(&self, x: f64) -> bool {
        let k = ((x - self.lo) / self.step).round();
        k >= 0.0
            && (k as u64) < self.len()
            && (self.point(k as u64) - x).abs() <= 1e-9 * self.step.max(x.abs())
    }
}

/// A [`Grid`] with its last index and the inverse of its step worked out once: the same
/// points and the same answers as the grid's own searches (each search starts near the
/// answer and walks to the exact one by comparing points), without a division per call.
/// For a strategy that snaps every offer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SnapGrid {
    grid: Grid,
    /// The last index (signed: `i64 → f64` is one instruction, `u64 → f64` several).
    last: i64,
    inv_step: f64,
}

impl SnapGrid {
    /// Work out `grid`'s last index and inverse step.
    #[must_use]
    pub fn new(grid: Grid) -> Self {
        Self {
            grid,
            last: i64::try_from(grid.len() - 1).unwrap_or(i64::MAX),
            inv_step: 1.0 / grid.step,
        }
    }

    /// The grid.
    #[must_use]
    pub fn grid(&self) -> Grid {
        self.grid
    }

    /// The `k`-th point, bit for bit [`Grid::point`].
    fn point(&self, k: i64) -> f64 {
        self.grid.lo + k as f64 * self.grid.step
    }

    /// An index near `x`, in `0..=last` (a start for the exact search; `as` truncates
    /// and saturates, NaN gives 0).
    fn near(&self, x: f64) -> i64 {
        (((x - self.grid.lo) * self.inv_step) as i64).clamp(0, self.last)
    }

    /// [`Grid::ceil_index`].
    #[must_use]
    pub fn ceil_index(&self, x: f64) -> Option<u64> {
        if x <= self.grid.lo {
            return Some(0);
        }
        if x.is_nan() {
            return None;
        }
        // The answer is almost always the point just above the truncated index: check
        // it and its neighbours straight away, and search only when they do not decide.
        let k = self.near(x);
        if k > 0 && self.point(k - 1) < x {
            if self.point(k) >= x {
                return u64::try_from(k).ok();
            }
            if k < self.last && self.point(k + 1) >= x {
                return u64::try_from(k + 1).ok();
            }
        }
        self.ceil_search(x, k)
    }

    /// [`Self::ceil_index`] by walking from `k`.
    #[cold]
    fn ceil_search(&self, x: f64, mut k: i64) -> Option<u64> {
        while k > 0 && self.point(k - 1) >= x {
            k -= 1;
        }
        while k <= self.last && self.point(k) < x {
            k += 1;
        }
        u64::try_from(k).ok().filter(|_| k <= self.last)
    }

    /// [`Grid::floor_index`].
    #[must_use]
    pub fn floor_index(&self, x: f64) -> Option<u64> {
        if x < self.grid.lo {
            return None;
        }
        // The answer is almost always the truncated index: check it and the point above.
        let k = self.near(x);
        if self.point(k) <= x && (k == self.last || self.point(k + 1) > x) {
            return u64::try_from(k).ok();
        }
        self.floor_search(x, k)
    }

    /// [`Self::floor_index`] by walking from `k`.
    #[cold]
    fn floor_search(&self, x: f64, mut k: i64) -> Option<u64> {
        while k < self.last && self.point(k + 1) <= x {
            k += 1;
        }
        while k > 0 && self.point(k) > x {
            k -= 1;
        }
        u64::try_from(k).ok().filter(|_| self.point(k) <= x)
    }

    /// [`Grid::snap_toward`].
    #[must_use]
    pub fn snap_toward(&self, side: Side, amount: f64, reservation: f64) -> f64 {
        let found = match side {
            Side::Payee => self.ceil_index(amount),
            Side::Payer => self.floor_index(amount),
        };
        match found {
            Some(k) => self.grid.point(k),
            None => {
                let p = match side {
                    Side::Payee => self.point(self.last),
                    Side::Payer => self.point(0),
                };
                if side.at_least_as_good(p, reservation) {
                    p
                } else {
                    amount
                }
            }
        }
    }
}
