//! Numbers and distributions: parameters, `within`, weights, each family's shape and `choice`.

use crate::dist::{Choice, Continuous, Dist, Shape};
use crate::file::{DistTable, NumberSpec};
use crate::span::{index, join};

use super::{
    BETA_SHAPE_MAX, BETA_SHAPE_MIN, Checker, Domain, MAX_MAGNITUDE, Param, SLIVER, fmt_num,
    fmt_range, unrepresentable,
};

impl Checker<'_, '_> {
    /// Check `xs` has the expected length and finite entries.
    pub(super) fn params(
        &mut self,
        path: &str,
        xs: &[f64],
        names: &str,
        n: usize,
    ) -> Option<Vec<f64>> {
        if xs.len() != n {
            self.error(
                path,
                format!("expected {n} numbers {names}, found {}", xs.len()),
            );
            return None;
        }
        let mut ok = true;
        for (i, x) in xs.iter().enumerate() {
            if let Some(message) = unrepresentable(*x) {
                self.error(&index(path, i), message);
                ok = false;
            }
        }
        ok.then(|| xs.to_vec())
    }

    /// Check a `within = [lo, hi]`.
    pub(super) fn within(&mut self, path: &str, w: &[f64]) -> Option<(f64, f64)> {
        let p = join(path, "within");
        if w.len() != 2 {
            self.error(
                &p,
                format!("expected 2 numbers [lo, hi], found {}", w.len()),
            );
            return None;
        }
        for (i, x) in w.iter().enumerate() {
            if x.is_nan() {
                self.error(&index(&p, i), "expected a number, found nan");
                return None;
            }
        }
        if w[0] >= w[1] {
            self.error(
                &index(&p, 1),
                format!(
                    "expected hi > lo = {}, found {}",
                    fmt_num(w[0]),
                    fmt_num(w[1])
                ),
            );
            return None;
        }
        Some((w[0], w[1]))
    }

    /// Weights for `n` options: default equal; non-negative, finite, not all zero.
    pub(crate) fn weights(
        &mut self,
        path: &str,
        weights: Option<&[f64]>,
        n: usize,
    ) -> Option<Vec<f64>> {
        let Some(w) = weights else {
            return Some(vec![1.0; n]);
        };
        let p = join(path, "weights");
        if w.len() != n {
            self.error(
                &p,
                format!("expected {n} weights (one per choice), found {}", w.len()),
            );
            return None;
        }
        let mut ok = true;
        for (i, x) in w.iter().enumerate() {
            if !x.is_finite() || *x < 0.0 {
                self.error(
                    &index(&p, i),
                    format!("expected a finite weight >= 0, found {}", fmt_num(*x)),
                );
                ok = false;
            } else if *x > MAX_MAGNITUDE {
                self.error(
                    &index(&p, i),
                    format!("expected a weight of at most 1e100, found {}", fmt_num(*x)),
                );
                ok = false;
            }
        }
        if ok && w.iter().all(|x| *x == 0.0) {
            self.error(&p, "expected at least one positive weight, found all zero");
            ok = false;
        }
        ok.then(|| w.to_vec())
    }

    /// Compile a numeric field.
    pub(crate) fn number(&mut self, path: &str, spec: &NumberSpec, d: Domain) -> Option<Param> {
        match spec {
            NumberSpec::Fixed(x) => {
                if let Some(message) = unrepresentable(*x) {
                    self.error(path, message);
                    None
                } else if d.integer && x.fract() != 0.0 {
                    self.error(path, format!("expected an integer, found {}", fmt_num(*x)));
                    None
                } else if !d.contains(*x) {
                    self.error(path, format!("expected {}, found {}", d.what, fmt_num(*x)));
                    None
                } else {
                    self.ranges.insert(path.to_owned(), (*x, *x));
                    Some(Param::Fixed(*x))
                }
            }
            NumberSpec::Dist(t) => self.dist(path, t, d).map(Param::Dist),
            NumberSpec::Expr(text) => self.expression(path, text, d).map(Param::Dist),
        }
    }

    pub(super) fn dist(&mut self, path: &str, t: &DistTable, d: Domain) -> Option<Dist> {
        let families: Vec<(&str, &Vec<f64>)> = [
            ("uniform", &t.uniform),
            ("normal", &t.normal),
            ("lognormal", &t.lognormal),
            ("triangular", &t.triangular),
            ("beta", &t.beta),
            ("choice", &t.choice),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.as_ref().map(|v| (k, v)))
        .collect();
        let (family, xs) = match families.as_slice() {
            [] => {
                self.error(
                    path,
                    "expected one of `uniform`, `normal`, `lognormal`, `triangular`, `beta`, `choice`, found none",
                );
                return None;
            }
            [one] => *one,
            [first, second, ..] => {
                self.error(
                    &join(path, second.0),
                    format!(
                        "expected exactly one distribution, found both `{}` and `{}`",
                        first.0, second.0
                    ),
                );
                return None;
            }
        };
        if family != "choice" && t.weights.is_some() {
            self.error(
                &join(path, "weights"),
                format!("expected `weights` only with `choice`, found it with `{family}`"),
            );
            return None;
        }
        let within = match &t.within {
            Some(w) => Some(self.within(path, w)?),
            None => None,
        };
        let fpath = join(path, family);
        if family == "choice" {
            return self.choice(path, xs, t.weights.as_deref(), within, d);
        }
        let shape = self.shape(&fpath, family, xs, within)?;
        let is_beta = family == "beta";
        let (c, mass) = Continuous::new(shape, if is_beta { None } else { within });
        let wpath = join(path, "within");
        if mass.is_nan() || mass <= 1e-300 {
            let (w_lo, w_hi) = within.unwrap_or(c.range());
            self.error(
                &wpath,
                format!(
                    "expected a `within` range that leaves positive probability, found {} which keeps none of the {}'s mass",
                    fmt_range(w_lo, w_hi),
                    c.name()
                ),
            );
            return None;
        }
        let (q_lo, q_hi) = (c.quantile(0.0), c.quantile(1.0));
        if !(q_lo.abs() <= MAX_MAGNITUDE && q_hi.abs() <= MAX_MAGNITUDE) {
            let at = if t.within.is_some() { &wpath } else { &fpath };
            self.error(
                at,
                format!(
                    "expected a {} whose draws stay within [-1e100, 1e100], found one reaching {}; narrow its parameters or add `within = [lo, hi]`",
                    c.name(),
                    fmt_range(q_lo, q_hi)
                ),
            );
            return None;
        }
        if mass < SLIVER {
            self.warn(
                &wpath,
                format!(
                    "truncated to a sliver: `within` keeps {:.3}% of the {}'s mass",
                    mass * 100.0,
                    c.name()
                ),
            );
        }
        let (lo, hi) = c.range();
        let lo_attained = lo.is_finite() && !(family == "lognormal" && lo == 0.0);
        if !d.covers_range(lo, hi, lo_attained) {
            let at = if t.within.is_some() { &wpath } else { &fpath };
            self.error(
                at,
                format!(
                    "expected values that are {}, but this {} ranges over {}; add or narrow `within = [lo, hi]`",
                    d.what,
                    c.name(),
                    fmt_range(lo, hi)
                ),
            );
            return None;
        }
        self.ranges.insert(path.to_owned(), (lo, hi));
        Some(Dist::Continuous(c))
    }

    /// A distribution the sampling crates accept, or an error at `p` saying why not.
    pub(super) fn built<T, E: std::fmt::Display>(&mut self, p: &str, r: Result<T, E>) -> Option<T> {
        r.map_err(|e| {
            self.error(
                p,
                format!("expected parameters the sampler can represent, found: {e}"),
            );
        })
        .ok()
    }

    pub(super) fn shape(
        &mut self,
        p: &str,
        family: &str,
        xs: &[f64],
        within: Option<(f64, f64)>,
    ) -> Option<Shape> {
        let bad = |what: &str, x: f64| format!("expected {what}, found {}", fmt_num(x));
        let shape = match family {
            "uniform" => {
                let v = self.params(p, xs, "[lo, hi]", 2)?;
                if v[1] <= v[0] {
                    self.error(
                        &index(p, 1),
                        bad(&format!("hi > lo = {}", fmt_num(v[0])), v[1]),
                    );
                    return None;
                }
                Shape::Uniform(
                    self.built(p, rand_distr::Uniform::new(v[0], v[1]))?,
                    self.built(p, statrs::distribution::Uniform::new(v[0], v[1]))?,
                )
            }
            "normal" => {
                let v = self.params(p, xs, "[mean, sd]", 2)?;
                if v[1] <= 0.0 {
                    self.error(&index(p, 1), bad("a standard deviation > 0", v[1]));
                    return None;
                }
                Shape::Normal(
                    self.built(p, rand_distr::Normal::new(v[0], v[1]))?,
                    self.built(p, statrs::distribution::Normal::new(v[0], v[1]))?,
                )
            }
            "lognormal" => {
                let v = self.params(p, xs, "[mu, sigma]", 2)?;
                if v[1] <= 0.0 {
                    self.error(&index(p, 1), bad("a sigma > 0", v[1]));
                    return None;
                }
                Shape::LogNormal(
                    self.built(p, rand_distr::LogNormal::new(v[0], v[1]))?,
                    self.built(p, statrs::distribution::LogNormal::new(v[0], v[1]))?,
                )
            }
            "triangular" => {
                let v = self.params(p, xs, "[lo, mode, hi]", 3)?;
                if v[2] <= v[0] {
                    self.error(
                        &index(p, 2),
                        bad(&format!("hi > lo = {}", fmt_num(v[0])), v[2]),
                    );
                    return None;
                }
                if v[1] < v[0] || v[1] > v[2] {
                    self.error(
                        &index(p, 1),
                        bad(
                            &format!(
                                "a mode inside [lo, hi] = [{}, {}]",
                                fmt_num(v[0]),
                                fmt_num(v[2])
                            ),
                            v[1],
                        ),
                    );
                    return None;
                }
                Shape::Triangular(
                    self.built(p, rand_distr::Triangular::new(v[0], v[2], v[1]))?,
                    self.built(p, statrs::distribution::Triangular::new(v[0], v[2], v[1]))?,
                )
            }
            _ => {
                let v = self.params(p, xs, "[a, b]", 2)?;
                if let Some(i) = v.iter().position(|x| *x <= 0.0) {
                    self.error(&index(p, i), bad("a shape parameter > 0", v[i]));
                    return None;
                }
                // Beyond these, statrs' inverse regularized incomplete beta may not
                // terminate (found by fuzzing: a subnormal shape hung the parser).
                if let Some(i) = v
                    .iter()
                    .position(|x| !(BETA_SHAPE_MIN..=BETA_SHAPE_MAX).contains(x))
                {
                    self.error(&index(p, i), bad("a shape parameter in [1e-6, 1e6]", v[i]));
                    return None;
                }
                let (lo, hi) = within.unwrap_or((0.0, 1.0));
                if !lo.is_finite() || !hi.is_finite() {
                    let wp = p.strip_suffix(".beta").unwrap_or(p);
                    self.error(
                        &join(wp, "within"),
                        format!(
                            "expected finite bounds for the beta's support, found {}",
                            fmt_range(lo, hi)
                        ),
                    );
                    return None;
                }
                Shape::Beta {
                    mc: self.built(p, rand_distr::Beta::new(v[0], v[1]))?,
                    q: self.built(p, statrs::distribution::Beta::new(v[0], v[1]))?,
                    lo,
                    width: hi - lo,
                }
            }
        };
        Some(shape)
    }

    pub(super) fn choice(
        &mut self,
        path: &str,
        xs: &[f64],
        weights: Option<&[f64]>,
        within: Option<(f64, f64)>,
        d: Domain,
    ) -> Option<Dist> {
        let p = join(path, "choice");
        if xs.is_empty() {
            self.error(&p, "expected at least one option, found an empty list");
            return None;
        }
        let mut w = self.weights(path, weights, xs.len())?;
        let mut ok = true;
        for (i, x) in xs.iter().enumerate() {
            if let Some(message) = unrepresentable(*x) {
                self.error(&index(&p, i), message);
                ok = false;
            } else if d.integer && x.fract() != 0.0 {
                self.error(
                    &index(&p, i),
                    format!("expected an integer, found {}", fmt_num(*x)),
                );
                ok = false;
            } else if !d.contains(*x) {
                self.error(
                    &index(&p, i),
                    format!("expected {}, found {}", d.what, fmt_num(*x)),
                );
                ok = false;
            }
        }
        if !ok {
            return None;
        }
        if let Some((lo, hi)) = within {
            for (x, wi) in xs.iter().zip(w.iter_mut()) {
                if *x < lo || *x > hi {
                    *wi = 0.0;
                }
            }
            if w.iter().all(|x| *x == 0.0) {
                self.error(
                    &join(path, "within"),
                    format!(
                        "expected a `within` range that leaves positive probability, found {} which excludes every option",
                        fmt_range(lo, hi)
                    ),
                );
                return None;
            }
        }
        let live = xs
            .iter()
            .zip(&w)
            .filter(|(_, w)| **w > 0.0)
            .map(|(x, _)| *x);
        let (lo, hi) = live.fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), x| {
            (l.min(x), h.max(x))
        });
        self.ranges.insert(path.to_owned(), (lo, hi));
        let choice = Choice::new(xs.to_vec(), &w);
        if choice.is_none() {
            self.error(
                &join(path, "weights"),
                "expected weights the sampler can represent, found weights it rejects",
            );
        }
        choice.map(Dist::Choice)
    }
}
