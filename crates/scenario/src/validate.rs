//! Semantic checks, and compilation of the checked file into a sampling [`Plan`].
//!
//! Every check reports a field path; [`Doc`] turns it into line:column. All errors
//! are collected (not just the first), then sorted into file order.

use std::collections::BTreeMap;

use bargain_core::{
    Calendar, FaratinFamily, Grid, Model, Negotiation, Party, Preset, Side, StrategySpec,
};

use super::fields::{self, Absent, FieldDef, Scope, Slot};

use super::dist::{Choice, Continuous, Dist, Shape};
use super::error::{Diagnostic, suggest};
use super::file::{
    CalendarFile, DistTable, FamilyKey, GridFile, NumberSpec, PartyFile, PresetChoice, PresetSpec,
    RunFile, SamplerKey, ScenarioFile, SideKey, StrategyFile,
};
use super::sample::{Input, Plan, Target};
use super::span::{Doc, index, join};
use super::{CalendarDates, Observed, RunSpec, SampleCtx, Sampler};

/// Trials when `run.trials` is absent.
pub(crate) const DEFAULT_TRIALS: u64 = 100_000;
/// Most trials a run may ask for.
pub(crate) const MAX_TRIALS: u64 = 1_000_000_000_000;
/// Most rounds a protocol may have.
pub(crate) const MAX_ROUNDS: u32 = 10_000;
/// Most grid steps.
pub(crate) const MAX_GRID_STEPS: f64 = 1e7;
/// Smallest beta shape parameter accepted.
const BETA_SHAPE_MIN: f64 = 1e-6;
/// Largest beta shape parameter accepted.
const BETA_SHAPE_MAX: f64 = 1e6;

/// The longest scenario name: it names a report folder, beside a staging folder
/// `.NAME.tmp-PID`, within the 255-byte limit of common file systems.
const MAX_NAME_LEN: usize = 100;
/// Trials sampled for the "empty zone of agreement in most trials" warning.
pub(crate) const WARNING_SAMPLE: u64 = 1000;
/// A `within` range keeping less mass than this is warned about.
const SLIVER: f64 = 0.01;
/// Largest magnitude of any number in a scenario, and of any value a distribution can
/// produce: far beyond any real amount, and small enough that differences, products and
/// squares of amounts stay finite.
pub(crate) const MAX_MAGNITUDE: f64 = 1e100;

/// Why a finite-looking number is refused: non-finite, or beyond [`MAX_MAGNITUDE`].
fn unrepresentable(x: f64) -> Option<String> {
    if !x.is_finite() {
        Some(format!("expected a finite number, found {}", fmt_num(x)))
    } else if x.abs() > MAX_MAGNITUDE {
        Some(format!(
            "expected a number of magnitude at most 1e100, found {}",
            fmt_num(x)
        ))
    } else {
        None
    }
}

/// The allowed values of a numeric field.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Domain {
    pub(crate) lo: f64,
    pub(crate) lo_open: bool,
    pub(crate) hi: f64,
    pub(crate) hi_open: bool,
    pub(crate) integer: bool,
    pub(crate) what: &'static str,
}

impl Domain {
    pub(crate) const AMOUNT: Domain = Domain {
        lo: f64::NEG_INFINITY,
        lo_open: true,
        hi: f64::INFINITY,
        hi_open: true,
        integer: false,
        what: "a finite amount",
    };
    pub(crate) const PROBABILITY: Domain = Domain {
        lo: 0.0,
        lo_open: false,
        hi: 1.0,
        hi_open: false,
        integer: false,
        what: "a probability in [0, 1]",
    };
    pub(crate) const DISCOUNT: Domain = Domain {
        lo: 0.0,
        lo_open: true,
        hi: 1.0,
        hi_open: false,
        integer: false,
        what: "a discount factor in (0, 1]",
    };
    pub(crate) const POSITIVE: Domain = Domain {
        lo: 0.0,
        lo_open: true,
        hi: f64::INFINITY,
        hi_open: true,
        integer: false,
        what: "a number > 0",
    };
    pub(crate) const MAX_ASPIRATION: Domain = Domain {
        what: "a maximum aspiration in (0, 1]",
        ..Domain::DISCOUNT
    };
    pub(crate) const EPS: Domain = Domain {
        lo: 0.0,
        lo_open: false,
        hi: 1.0,
        hi_open: true,
        integer: false,
        what: "a tolerance in [0, 1)",
    };
    pub(crate) const ROUNDS: Domain = Domain {
        lo: 1.0,
        lo_open: false,
        hi: MAX_ROUNDS as f64,
        hi_open: false,
        integer: true,
        what: "an integer number of rounds in 1..=10000",
    };

    pub(crate) fn contains(&self, x: f64) -> bool {
        let above = if self.lo_open {
            x > self.lo
        } else {
            x >= self.lo
        };
        let below = if self.hi_open {
            x < self.hi
        } else {
            x <= self.hi
        };
        above && below
    }

    /// Whether a continuous distribution over `[lo, hi]` stays inside. Infinite ends
    /// are never attained, nor is the lognormal's 0 (`lo_attained = false`).
    fn covers_range(&self, lo: f64, hi: f64, lo_attained: bool) -> bool {
        let lo_ok = if lo_attained && lo.is_finite() {
            lo > self.lo || (lo == self.lo && !self.lo_open)
        } else {
            lo >= self.lo
        };
        let hi_ok = if hi.is_finite() {
            hi < self.hi || (hi == self.hi && !self.hi_open)
        } else {
            hi <= self.hi
        };
        lo_ok && hi_ok
    }
}

/// A compiled numeric input.
#[derive(Debug, Clone)]
pub(crate) enum Param {
    Fixed(f64),
    Dist(Dist),
}

impl Param {
    pub(crate) fn central(&self) -> f64 {
        match self {
            Param::Fixed(x) => *x,
            Param::Dist(d) => d.central(),
        }
    }
}

/// Collects diagnostics and warnings against the spanned document.
pub(crate) struct Checker<'d, 'a> {
    doc: &'d Doc<'a>,
    origin: &'d str,
    errors: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
    inputs: Vec<Input>,
    ranges: BTreeMap<String, (f64, f64)>,
    /// The central value of every field checked so far (its default when left out), for
    /// the party on the side: written into the central negotiation by `compile`.
    centrals: Vec<(&'static FieldDef, Side, f64)>,
}

/// Everything the checked file compiles to.
pub(crate) struct Compiled {
    pub run: RunSpec,
    pub observed: Option<Observed>,
    pub calendar: Option<CalendarDates>,
    pub plan: Plan,
    pub party_keys: [String; 2],
    pub party_names: [String; 2],
    pub warnings: Vec<String>,
}

/// Whether a calendar's lapse costs widen the zone of agreement over time (then an
/// empty zone at the start does not mean no deal).
fn widens(n: &Negotiation) -> bool {
    n.calendar
        .is_some_and(|c| c.lapse_cost[0] + c.lapse_cost[1] > 0.0)
}

/// A number as TOML spells it (`nan`, `inf`, `-inf`, else Rust's shortest form).
pub(crate) fn fmt_num(x: f64) -> String {
    if x.is_nan() {
        "nan".into()
    } else if x.is_infinite() {
        if x > 0.0 { "inf".into() } else { "-inf".into() }
    } else if x.abs() >= 1e16 || (x != 0.0 && x.abs() < 1e-6) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

fn fmt_range(lo: f64, hi: f64) -> String {
    let l = if lo.is_finite() {
        fmt_num(lo)
    } else {
        "-inf".into()
    };
    let h = if hi.is_finite() {
        fmt_num(hi)
    } else {
        "inf".into()
    };
    if lo.is_finite() && hi.is_finite() {
        format!("[{l}, {h}]")
    } else {
        format!("({l}, {h})")
    }
}

/// The text fields of `[scenario]` other than its name: (path, text, may span lines).
pub(crate) fn meta_text_fields(m: &super::file::MetaFile) -> Vec<(String, &str, bool)> {
    let mut fields: Vec<(String, &str, bool)> = Vec::new();
    if let Some(t) = &m.title {
        fields.push(("scenario.title".into(), t, false));
    }
    if let Some(u) = &m.unit {
        fields.push(("scenario.unit".into(), u, false));
    }
    if let Some(d) = &m.description {
        fields.push(("scenario.description".into(), d, true));
    }
    for (i, src) in m.sources.iter().enumerate() {
        fields.push((format!("scenario.sources[{i}]"), src, true));
    }
    fields
}

impl<'d, 'a> Checker<'d, 'a> {
    pub(crate) fn new(doc: &'d Doc<'a>, origin: &'d str) -> Self {
        Checker {
            doc,
            origin,
            errors: Vec::new(),
            warnings: Vec::new(),
            inputs: Vec::new(),
            ranges: BTreeMap::new(),
            centrals: Vec::new(),
        }
    }

    fn diag(&self, path: &str, message: String) -> Diagnostic {
        let pos = self.doc.locate_path(path);
        Diagnostic {
            origin: self.origin.to_owned(),
            line: pos.line,
            column: pos.column,
            path: path.to_owned(),
            message,
        }
    }

    pub(crate) fn error(&mut self, path: &str, message: impl Into<String>) {
        let d = self.diag(path, message.into());
        self.errors.push(d);
    }

    pub(crate) fn warn(&mut self, path: &str, message: impl Into<String>) {
        let d = self.diag(path, message.into());
        self.warnings.push(d);
    }

    /// Check `xs` has the expected length and finite entries.
    fn params(&mut self, path: &str, xs: &[f64], names: &str, n: usize) -> Option<Vec<f64>> {
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
    fn within(&mut self, path: &str, w: &[f64]) -> Option<(f64, f64)> {
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
        }
    }

    fn dist(&mut self, path: &str, t: &DistTable, d: Domain) -> Option<Dist> {
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
    fn built<T, E: std::fmt::Display>(&mut self, p: &str, r: Result<T, E>) -> Option<T> {
        r.map_err(|e| {
            self.error(
                p,
                format!("expected parameters the sampler can represent, found: {e}"),
            );
        })
        .ok()
    }

    fn shape(
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

    fn choice(
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

    /// Check the field `def` at `path` (`spec` as written, if it is), register it as an
    /// input when it is a distribution and record its central value (rounded for an
    /// integer domain) or its default. `None` on an error; `Some(None)` when it is left
    /// out and has no default.
    fn input(
        &mut self,
        def: &'static FieldDef,
        path: &str,
        spec: Option<&NumberSpec>,
        side: Side,
    ) -> Option<Option<f64>> {
        let d = def.domain;
        let x = match (spec, def.absent) {
            (None, Absent::Value(v)) => v,
            (None, _) => return Some(None),
            (Some(s), _) => {
                let param = self.number(path, s, d)?;
                let central = param.central();
                let central = if d.integer { central.round() } else { central };
                if let Param::Dist(dist) = param {
                    self.inputs.push(Input {
                        name: path.to_owned(),
                        stream: crate::stream_key(path),
                        dist,
                        target: Target::Field(def, side),
                        integer: d.integer,
                        presets: Vec::new(),
                    });
                }
                central
            }
        };
        self.centrals.push((def, side, x));
        Some(Some(x))
    }

    /// A preset (constant or choice), registered as an input when it is a choice.
    /// `shape` is the field the preset sets (`exponent`, `beta`).
    fn preset(
        &mut self,
        path: &str,
        spec: &PresetSpec,
        side: Side,
        shape: &'static FieldDef,
    ) -> Option<Preset> {
        match spec {
            PresetSpec::Fixed(k) => Some(k.to_core()),
            PresetSpec::Choice(c) => {
                let (presets, dist) = self.preset_choice(path, c)?;
                let central = presets[dist.mode_index()];
                self.inputs.push(Input {
                    name: path.to_owned(),
                    stream: crate::stream_key(path),
                    dist: Dist::Choice(dist),
                    target: Target::Preset(shape, side),
                    integer: true,
                    presets,
                });
                Some(central)
            }
        }
    }

    /// A choice of presets (`{ choice = [..], weights = [..] }` at `path`) checked: the
    /// presets and the distribution of their indices that an input draws. One check for
    /// one-issue and package strategies.
    pub(crate) fn preset_choice(
        &mut self,
        path: &str,
        c: &PresetChoice,
    ) -> Option<(Vec<Preset>, Choice)> {
        if c.choice.is_empty() {
            self.error(
                &join(path, "choice"),
                "expected at least one preset, found an empty list",
            );
            return None;
        }
        let w = self.weights(path, c.weights.as_deref(), c.choice.len())?;
        let presets: Vec<Preset> = c.choice.iter().map(|k| k.to_core()).collect();
        let values = (0..presets.len()).map(|i| i as f64).collect();
        let Some(dist) = Choice::new(values, &w) else {
            self.error(
                &join(path, "weights"),
                "expected weights the sampler can represent, found weights it rejects",
            );
            return None;
        };
        Some((presets, dist))
    }

    /// Whether strategy `s` writes only keys of `allowed` (its kind's keys); each other
    /// key is an error at its path, naming the kind's keys (`context` follows the kind's
    /// name: `" on packages"`). One check for one-issue and package strategies.
    pub(crate) fn strategy_keys(
        &mut self,
        path: &str,
        s: &StrategyFile,
        allowed: &[&str],
        context: &str,
    ) -> bool {
        let mut ok = true;
        for def in fields::of_scope(Scope::Strategy) {
            let key = def.key;
            if def.in_strategy(s) && !allowed.contains(&key) {
                let takes = if allowed.is_empty() {
                    "takes no other keys".to_owned()
                } else {
                    format!(
                        "takes {}",
                        allowed
                            .iter()
                            .map(|k| format!("`{k}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                };
                self.error(
                    &join(path, key),
                    format!(
                        "expected only keys of kind `{}`{context} (it {takes}), found `{key}`",
                        s.kind.as_str()
                    ),
                );
                ok = false;
            }
        }
        ok
    }

    /// A party's strategy: the keys its kind takes (from the field table), the preset or
    /// the kind's shape (exclusive), then the kind's other numbers. Returns the kind with
    /// placeholder numbers: the central values are in `self.centrals`.
    fn strategy(&mut self, path: &str, s: &StrategyFile, side: Side) -> Option<StrategySpec> {
        let kind = s.kind;
        let allowed: Vec<&'static FieldDef> = fields::of_kind(kind).collect();
        let keys: Vec<&str> = allowed.iter().map(|d| d.key).collect();
        let ok = self.strategy_keys(path, s, &keys, "");
        if !ok {
            return None;
        }
        let takes_preset = allowed.iter().any(|d| matches!(d.slot, Slot::Preset(_)));
        if let Some(shape) = allowed.iter().copied().find(|d| d.preset_shape.is_some()) {
            let shape_key = shape.key;
            match (&s.preset, shape.strategy_spec(s)) {
                (Some(_), Some(_)) => {
                    self.error(
                        &join(path, shape_key),
                        format!("expected either `preset` or `{shape_key}`, found both"),
                    );
                    return None;
                }
                (None, None) if takes_preset => {
                    self.error(
                        path,
                        format!(
                            "expected `preset` or `{shape_key}` for kind `{}`, found neither",
                            kind.as_str()
                        ),
                    );
                    return None;
                }
                (Some(p), None) => {
                    let preset = self.preset(&join(path, "preset"), p, side, shape)?;
                    if let Some(value) = shape.preset_shape {
                        self.centrals.push((shape, side, value(preset)));
                    }
                }
                _ => {}
            }
        }
        // The kind's numbers, in table order; the first error ends the strategy.
        for def in allowed.iter().copied().filter(|d| d.is_number()) {
            self.input(def, &join(path, def.key), def.strategy_spec(s), side)?;
        }
        let family = match s.family {
            Some(FamilyKey::Exponential) => FaratinFamily::Exponential,
            _ => FaratinFamily::Polynomial,
        };
        // Placeholders: every number is set from `self.centrals` by `compile`.
        Some(fields::strategy_skeleton(kind, family))
    }

    /// A party: every field of the table's party scope, then its strategy. Returns the
    /// party with placeholder numbers: the central values are in `self.centrals`.
    fn party(&mut self, key: &str, p: &PartyFile, side: Side) -> Option<Party> {
        // Evaluate every field (to report every error), then combine.
        let mut ok = true;
        for def in fields::of_scope(Scope::Party) {
            let path = def.path(key);
            match def.slot {
                Slot::Party(get, _) => ok &= self.input(def, &path, get(p), side).is_some(),
                Slot::PartyConstant(get) => {
                    if let Some(t) = get(p) {
                        if def.domain.contains(t) {
                            self.centrals.push((def, side, t));
                        } else {
                            let what = def.domain.what;
                            self.error(&path, format!("expected {what}, found {}", fmt_num(t)));
                        }
                    }
                }
                _ => {}
            }
        }
        let strategy = self.strategy(&join(&join("parties", key), "strategy"), &p.strategy, side);
        if !ok {
            return None;
        }
        // Placeholders: every number is set from `self.centrals` by `compile`.
        Some(fields::party_skeleton(side, strategy?))
    }

    fn grid(&mut self, g: &GridFile, keys: &[&str]) -> Option<Grid> {
        let p = "protocol.grid";
        let mut ok = true;
        for (k, x) in [("lo", g.lo), ("hi", g.hi), ("step", g.step)] {
            if let Some(message) = unrepresentable(x) {
                self.error(&join(p, k), message);
                ok = false;
            }
        }
        if !ok {
            return None;
        }
        if g.hi <= g.lo {
            self.error(
                &join(p, "hi"),
                format!(
                    "expected hi > lo = {}, found {}",
                    fmt_num(g.lo),
                    fmt_num(g.hi)
                ),
            );
            return None;
        }
        if g.step <= 0.0 {
            self.error(
                &join(p, "step"),
                format!("expected a step > 0, found {}", fmt_num(g.step)),
            );
            return None;
        }
        let steps = (g.hi - g.lo) / g.step;
        if steps < 1.0 {
            self.error(
                &join(p, "step"),
                format!(
                    "expected a step <= hi - lo = {} (at least one step between lo and hi), found {}",
                    fmt_num(g.hi - g.lo),
                    fmt_num(g.step)
                ),
            );
            return None;
        }
        if steps > MAX_GRID_STEPS {
            self.error(
                &join(p, "step"),
                format!(
                    "expected at most 10000000 grid steps ((hi - lo) / step), found {steps:.0}"
                ),
            );
            return None;
        }
        let tol = 1e-9 * g.step;
        for key in keys {
            for field in ["opening", "reservation"] {
                let fp = join(&join("parties", key), field);
                let Some(&(lo, hi)) = self.ranges.get(&fp) else {
                    continue;
                };
                let what = if lo == hi {
                    format!("which is {}", fmt_num(lo))
                } else {
                    format!("which ranges over {}", fmt_range(lo, hi))
                };
                let hint = if lo.is_finite() && hi.is_finite() {
                    ""
                } else {
                    "; bound it with `within = [lo, hi]`"
                };
                if lo < g.lo - tol {
                    self.error(
                        &join(p, "lo"),
                        format!(
                            "expected a grid covering {fp} ({what}), found lo = {}{hint}",
                            fmt_num(g.lo)
                        ),
                    );
                    ok = false;
                }
                if hi > g.hi + tol {
                    self.error(
                        &join(p, "hi"),
                        format!(
                            "expected a grid covering {fp} ({what}), found hi = {}{hint}",
                            fmt_num(g.hi)
                        ),
                    );
                    ok = false;
                }
            }
        }
        ok.then_some(Grid {
            lo: g.lo,
            hi: g.hi,
            step: g.step,
        })
    }

    fn run(&mut self, f: &ScenarioFile) -> Option<RunSpec> {
        let names: Vec<&str> = Model::ALL.iter().map(|m| m.as_str()).collect();
        let (trials, seed, models, sampler) =
            self.run_settings(&f.run, &names, Model::from_name, |_| String::new(), "")?;
        Some(RunSpec {
            trials,
            seed,
            models,
            sampler,
        })
    }

    /// `[run]` checked: the trial count, the seed, the sampler and the models, each named
    /// once among `names` (`parse` gives the model of a name; `why_not` explains an
    /// unknown name that has no close match; `context` follows the list of names in the
    /// error). One checker for one-issue and package scenarios.
    pub(crate) fn run_settings<M: PartialEq>(
        &mut self,
        r: &RunFile,
        names: &[&str],
        parse: impl Fn(&str) -> Option<M>,
        why_not: impl Fn(&str) -> String,
        context: &str,
    ) -> Option<(u64, u64, Vec<M>, Sampler)> {
        let trials = r.trials.unwrap_or(DEFAULT_TRIALS);
        let mut ok = true;
        if !(1..=MAX_TRIALS).contains(&trials) {
            self.error(
                "run.trials",
                format!("expected trials in 1..=1000000000000, found {trials}"),
            );
            ok = false;
        }
        let given = r.models.clone().unwrap_or_else(|| vec!["agents".into()]);
        if given.is_empty() {
            self.error(
                "run.models",
                "expected at least one model, found an empty list",
            );
            ok = false;
        }
        let mut models = Vec::new();
        for (i, name) in given.iter().enumerate() {
            let p = index("run.models", i);
            match parse(name) {
                Some(m) if models.contains(&m) => {
                    self.error(
                        &p,
                        format!("expected each model once, found `{name}` twice"),
                    );
                    ok = false;
                }
                Some(m) => models.push(m),
                None => {
                    let hint = suggest(name, names.iter().copied())
                        .map_or_else(|| why_not(name), |s| format!(" (did you mean `{s}`?)"));
                    let list = names
                        .iter()
                        .map(|m| format!("`{m}`"))
                        .collect::<Vec<_>>()
                        .join(", ");
                    self.error(
                        &p,
                        format!("expected one of {list}{context}, found `{name}`{hint}"),
                    );
                    ok = false;
                }
            }
        }
        let sampler = match r.sampler {
            Some(SamplerKey::LatinHypercube) => Sampler::LatinHypercube,
            _ => Sampler::MonteCarlo,
        };
        ok.then(|| (trials, r.seed.unwrap_or(0), models, sampler))
    }

    /// Reject control characters (and the XML-invalid U+FFFE, U+FFFF) in text that
    /// reaches the terminal, SVG and XML: none in one-line fields, only tab and newline in
    /// `description` and `sources`.
    fn text_fields(&mut self, f: &ScenarioFile) {
        let m = &f.scenario;
        let mut fields: Vec<(String, &str, bool)> = vec![("scenario.name".into(), &m.name, false)];
        fields.extend(meta_text_fields(m));
        for (key, p) in &f.parties {
            if let Some(n) = &p.name {
                fields.push((format!("parties.{key}.name"), n, false));
            }
        }
        if let Some(src) = f.observed.as_ref().and_then(|o| o.source.as_ref()) {
            fields.push(("observed.source".into(), src, true));
        }
        self.reject_control_chars(fields);
    }

    /// Report each `(path, text, may span lines)` whose text holds a control character
    /// (or U+FFFE, U+FFFF); tab and newline are allowed where the text may span lines.
    pub(crate) fn reject_control_chars(&mut self, fields: Vec<(String, &str, bool)>) {
        for (path, text, multi_line) in fields {
            let bad = text.chars().find(|&c| {
                (c.is_control() || c == '\u{fffe}' || c == '\u{ffff}')
                    && !(multi_line && (c == '\n' || c == '\t'))
            });
            if let Some(c) = bad {
                self.error(
                    &path,
                    format!(
                        "expected text without control characters, found U+{:04X}",
                        u32::from(c)
                    ),
                );
            }
        }
    }

    /// Check and compile the whole file.
    /// The `[calendar]` table: dates, the time between rounds (an input) and the bound
    /// on the number of rounds. The lapse costs and end games are filled in by `compile`.
    fn calendar(&mut self, c: &CalendarFile) -> Option<(Calendar, CalendarDates)> {
        let mut date = |key: &str, text: &str| {
            let d = super::date::parse_date(text);
            if d.is_none() {
                self.error(
                    &join("calendar", key),
                    format!("expected a date of the form YYYY-MM-DD, found {text:?}"),
                );
            }
            d
        };
        let start = date("start", &c.start);
        let expiry = date("expiry", &c.expiry);
        let end = c.end.as_deref().map(|e| date("end", e));
        // The calendar's numbers (from the field table); `round_months` bounds the rounds.
        let mut numbers_ok = true;
        let mut round_months = 1.0;
        for def in fields::of_scope(Scope::Calendar) {
            let Slot::Calendar(get, _) = def.slot else {
                continue;
            };
            match self.input(def, &def.path(""), get(c), Side::Payee) {
                None => numbers_ok = false,
                Some(Some(x)) if def.key == "round_months" => round_months = x,
                Some(_) => {}
            }
        }
        let (start, expiry) = (start?, expiry?);
        if !numbers_ok {
            return None;
        }
        let end = match end {
            Some(e) => Some(e?),
            None => None,
        };
        if expiry <= start {
            self.error(
                "calendar.expiry",
                format!(
                    "expected an expiry after the start ({}), found {}",
                    c.start, c.expiry
                ),
            );
            return None;
        }
        if let Some(e) = end
            && e <= start
        {
            self.error(
                "calendar.end",
                format!(
                    "expected an end after the start ({}), found {}",
                    c.start,
                    c.end.as_deref().unwrap_or_default()
                ),
            );
            return None;
        }
        let span = |d: i64| u32::try_from(d - start).ok();
        let (Some(expiry_day), end_day) = (span(expiry), end.map(span)) else {
            self.error(
                "calendar.expiry",
                "expected an expiry within 10 million days of the start",
            );
            return None;
        };
        let end_day = match end_day {
            Some(Some(d)) => Some(d),
            Some(None) => {
                self.error(
                    "calendar.end",
                    "expected an end within 10 million days of the start",
                );
                return None;
            }
            None => None,
        };
        if let Some(d) = end_day {
            // The most rounds any draw allows: at the smallest time between rounds.
            let least = self
                .ranges
                .get("calendar.round_months")
                .map_or(round_months, |r| r.0);
            let rounds = (f64::from(d) + 1.0) / (least * bargain_core::calendar::DAYS_PER_MONTH);
            if rounds.is_nan() || rounds > f64::from(bargain_core::calendar::MAX_CALENDAR_ROUNDS) {
                self.error(
                    "calendar.round_months",
                    format!(
                        "expected at most {} rounds between the start and the end, found up to {} (at {} months a round); bound `round_months` away from 0 (e.g. `within`) or move the end",
                        bargain_core::calendar::MAX_CALENDAR_ROUNDS,
                        if rounds.is_finite() { format!("{}", rounds.ceil()) } else { "infinitely many".into() },
                        fmt_num(least)
                    ),
                );
                return None;
            }
        }
        Some((
            // `round_months` and the parties' calendar fields are set by `compile`.
            fields::calendar_skeleton(expiry_day, end_day),
            CalendarDates { start, expiry, end },
        ))
    }

    /// Byte offset where the value at `path` starts (for ordering keys as in the file).
    pub(crate) fn doc_start(&self, path: &str) -> usize {
        self.doc.span_of(path).start
    }

    /// The errors (in file order) and warnings collected so far.
    pub(crate) fn finish(mut self) -> (Vec<Diagnostic>, Vec<Diagnostic>) {
        self.errors.sort_by_key(|d| (d.line, d.column));
        self.warnings.sort_by_key(|d| (d.line, d.column));
        (self.errors, self.warnings)
    }

    pub(crate) fn compile(
        mut self,
        f: &ScenarioFile,
    ) -> Result<Compiled, (Vec<Diagnostic>, Vec<Diagnostic>)> {
        let name = &f.scenario.name;
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            self.error(
                "scenario.name",
                format!("expected a name of lowercase letters, digits and `-` ([a-z0-9-]+), found {name:?}"),
            );
        }
        if name.len() > MAX_NAME_LEN {
            self.error(
                "scenario.name",
                format!(
                    "expected a name of at most {MAX_NAME_LEN} characters (it names the report folder), found {}",
                    name.len()
                ),
            );
        }
        self.text_fields(f);
        let run = self.run(f);

        // Parties: exactly two, keys usable in paths, one payee and one payer.
        let keys: Vec<&str> = f.parties.keys().map(String::as_str).collect();
        let mut sides_ok = keys.len() == 2;
        if keys.len() != 2 {
            let list = keys
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ");
            self.error(
                "parties",
                format!(
                    "expected exactly two parties (one payee, one payer), found {}{}",
                    keys.len(),
                    if list.is_empty() {
                        String::new()
                    } else {
                        format!(" ({list})")
                    }
                ),
            );
        }
        for k in &keys {
            if k.is_empty()
                || !k
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
            {
                self.error(
                    &join("parties", k),
                    format!("expected a party key of lowercase letters, digits, `-` and `_`, found {k:?}"),
                );
            }
        }
        if keys.len() == 2 {
            let (a, b) = (&f.parties[keys[0]], &f.parties[keys[1]]);
            if a.side == b.side {
                let which = if a.side == SideKey::Payee {
                    "payees"
                } else {
                    "payers"
                };
                self.error(
                    &join(&join("parties", keys[1]), "side"),
                    format!(
                        "expected one payee and one payer, found two {which} (`{}` and `{}`)",
                        keys[0], keys[1]
                    ),
                );
                sides_ok = false;
            }
        }
        let side_of = |k: &str| match f.parties.get(k).map(|p| p.side) {
            Some(SideKey::Payer) => Side::Payer,
            _ => Side::Payee,
        };

        // Protocol (inputs first in the canonical order).
        let has_end = f.calendar.as_ref().is_some_and(|c| c.end.is_some());
        let mut protocol_ok = true;
        for def in fields::of_scope(Scope::Protocol) {
            let Slot::Protocol(get, _) = def.slot else {
                continue;
            };
            let path = def.path("");
            let spec = get(&f.protocol);
            if def.absent == Absent::RequiredWithoutEnd {
                match (spec, has_end) {
                    (Some(spec), true) => {
                        // `calendar.end` wins: the rounds are those up to the end date.
                        let _ = self.number(&path, spec, def.domain);
                        self.warn(
                            &path,
                            "ignored: `calendar.end` sets the number of rounds (the rounds up to the end date)",
                        );
                        continue;
                    }
                    (None, true) => continue,
                    (None, false) => {
                        self.error(
                            "protocol",
                            format!(
                                "expected `{}` (it may be left out only when `[calendar]` has an `end`)",
                                def.key
                            ),
                        );
                        protocol_ok = false;
                        continue;
                    }
                    (Some(_), false) => {}
                }
            }
            protocol_ok &= self.input(def, &path, spec, Side::Payee).is_some();
        }
        let calendar = f.calendar.as_ref().map(|c| self.calendar(c));
        let first = &f.protocol.first_mover;
        let first_mover = if f.parties.contains_key(first) {
            Some(side_of(first))
        } else {
            let list = keys
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(" or ");
            let hint = suggest(first, keys.iter().copied())
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            self.error(
                "protocol.first_mover",
                format!("expected a party key ({list}), found `{first}`{hint}"),
            );
            None
        };

        let mut parties: Vec<(String, Option<Party>)> = Vec::new();
        for (key, p) in &f.parties {
            let side = side_of(key);
            let party = self.party(key, p, side);
            parties.push((key.clone(), party));
        }
        let grid = match &f.protocol.grid {
            Some(g) => self.grid(g, &keys).map(Some),
            None => Some(None),
        };

        let observed = f.observed.as_ref().and_then(|o| {
            if !o.amount.is_finite() {
                self.error(
                    "observed.amount",
                    format!("expected a finite amount, found {}", fmt_num(o.amount)),
                );
                return None;
            }
            let most = self
                .ranges
                .get("protocol.max_rounds")
                .map_or(MAX_ROUNDS, |r| r.1 as u32);
            if let Some(r) = o.round
                && !(1..=most).contains(&r)
            {
                self.error(
                    "observed.round",
                    format!("expected a round in 1..={most} (protocol.max_rounds), found {r}"),
                );
                return None;
            }
            let date = match &o.date {
                None => None,
                Some(text) => match super::date::parse_date(text) {
                    Some(d) => Some(d),
                    None => {
                        self.error(
                            "observed.date",
                            format!("expected a date of the form YYYY-MM-DD, found {text:?}"),
                        );
                        return None;
                    }
                },
            };
            Some(Observed {
                amount: o.amount,
                round: o.round,
                date,
                source: o.source.clone(),
            })
        });

        if f.calendar.is_none() {
            for (key, p) in &f.parties {
                for def in fields::of_scope(Scope::Party) {
                    if let Some(why) = def.needs_calendar
                        && def.in_party(p)
                    {
                        self.error(&def.path(key), format!("expected a `[calendar]` ({why})"));
                    }
                }
            }
        }
        let mut warnings = std::mem::take(&mut self.warnings);
        if !self.errors.is_empty() || !sides_ok {
            self.errors.sort_by_key(|d| (d.line, d.column));
            return Err((self.errors, warnings));
        }
        let (Some(run), true, Some(first_mover), Some(grid)) =
            (run, protocol_ok, first_mover, grid)
        else {
            return Err((self.errors, warnings));
        };
        let mut payee = None;
        let mut payer = None;
        let mut party_keys = [String::new(), String::new()];
        let mut party_names = [String::new(), String::new()];
        for (key, party) in parties {
            let Some(party) = party else {
                return Err((self.errors, warnings));
            };
            let i = usize::from(party.side == Side::Payer);
            party_names[i] = f.parties[&key].name.clone().unwrap_or_else(|| key.clone());
            party_keys[i] = key;
            match party.side {
                Side::Payee => payee = Some(party),
                Side::Payer => payer = Some(party),
            }
        }
        let (Some(payee), Some(payer)) = (payee, payer) else {
            return Err((self.errors, warnings));
        };
        let (calendar, dates) = match calendar {
            Some(Some((c, d))) => (Some(c), Some(d)),
            Some(None) => return Err((self.errors, warnings)),
            None => (None, None),
        };
        // The skeleton, then every field's central value from the table's setters.
        let mut central = Negotiation {
            calendar,
            payee,
            payer,
            protocol: fields::protocol_skeleton(first_mover, grid),
        };
        for &(def, side, x) in &self.centrals {
            def.set.apply(&mut central, side, x);
        }
        if let Some(c) = central.calendar
            && c.end_day.is_some()
        {
            // `calendar.end` wins over `max_rounds`.
            central.protocol.max_rounds = c.total_rounds(1);
        }
        self.central_warnings(&central, &party_keys);
        let plan = Plan {
            central,
            inputs: std::mem::take(&mut self.inputs),
        };
        self.sampled_warnings(&plan, &run, &party_keys);
        warnings.append(&mut self.warnings);
        warnings.sort_by_key(|d| (d.line, d.column));
        Ok(Compiled {
            run,
            observed,
            calendar: dates,
            plan,
            party_keys,
            party_names,
            warnings: warnings.iter().map(ToString::to_string).collect(),
        })
    }

    /// Warnings about the sampled trials: the first [`WARNING_SAMPLE`] trials of the run
    /// (with the file's seed, trial count and sampler), drawn exactly as the ensemble
    /// draws them, so the warning is deterministic. Skipped when nothing is uncertain
    /// (the central warnings already cover that case).
    fn sampled_warnings(&mut self, plan: &Plan, run: &RunSpec, keys: &[String; 2]) {
        if plan.inputs.is_empty() || widens(&plan.central) {
            return;
        }
        let n = run.trials.min(WARNING_SAMPLE);
        let mut inputs = vec![0.0; plan.inputs.len()];
        let mut empty = 0u64;
        for trial in 0..n {
            let ctx = SampleCtx {
                trial,
                trials: run.trials,
                seed: run.seed,
            };
            let (t, _) = plan.draw_trial(run.sampler, ctx, &mut inputs);
            if t.payer.effective_reservation() < t.payee.effective_reservation() {
                empty += 1;
            }
        }
        if 2 * empty > n {
            self.warn(
                "parties",
                format!(
                    "empty zone of agreement in most trials: in {empty} of the first {n} sampled trials `{}` needs more than `{}` pays at most, so those trials cannot end in a deal",
                    keys[0], keys[1]
                ),
            );
        }
    }

    /// Warnings about the negotiation at its central values.
    fn central_warnings(&mut self, n: &Negotiation, keys: &[String; 2]) {
        let key = |s: Side| &keys[usize::from(s == Side::Payer)];
        for side in [Side::Payee, Side::Payer] {
            let me = n.party(side);
            let other = n.party(side.other());
            let k = key(side);
            let ok = key(side.other());
            if !side.at_least_as_good(me.opening, me.reservation) {
                self.warn(
                    &format!("parties.{k}.opening"),
                    format!(
                        "at central values the opening ({}) is worse for `{k}` than its reservation ({})",
                        fmt_num(me.opening),
                        fmt_num(me.reservation)
                    ),
                );
            }
            // The other side would already accept this opening.
            if other
                .side
                .at_least_as_good(me.opening, other.effective_reservation())
            {
                self.warn(
                    &format!("parties.{k}.opening"),
                    format!(
                        "at central values the opening ({}) is inside `{ok}`'s reservation ({}): `{ok}` would accept it at once",
                        fmt_num(me.opening),
                        fmt_num(other.effective_reservation())
                    ),
                );
            }
        }
        let need = n.payee.effective_reservation();
        let pays = n.payer.effective_reservation();
        if pays < need && !widens(n) {
            self.warn(
                "parties",
                format!(
                    "empty zone of agreement at central values: `{}` needs at least {} but `{}` pays at most {}",
                    key(Side::Payee),
                    fmt_num(need),
                    key(Side::Payer),
                    fmt_num(pays)
                ),
            );
        }
    }
}
