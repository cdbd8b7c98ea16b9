//! `[context]`, expressions and `[[correlation]]`: checked with located errors and
//! compiled into the plan's [`crate::sample::Links`].

use std::collections::BTreeMap;

use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::context::{Formula, FormulaError, MAX_CONTEXT, valid_name};
use crate::correlation::{Copula, CorrelationFile, MAX_CORRELATED, cholesky, pearson_of_spearman};
use crate::dist::Dist;
use crate::error::did_you_mean;
use crate::file::NumberSpec;
use crate::sample::{Drawn, Input, Links, Target};
use crate::span::{index, join};

use super::{Checker, Domain, Param, fmt_num};

/// Random points (besides the corners and the center) at which an expression is checked.
const PROBES: usize = 1000;
/// Up to this many uncertain names, an expression is checked at every corner of their
/// ranges (2^k points); beyond, at the two extreme corners and each name alone at its ends.
const MAX_CORNER_NAMES: usize = 10;

/// What the checker knows of `[context]` while it checks the other numbers.
#[derive(Debug, Default)]
pub(crate) struct LinkState {
    /// Whether the file declares context quantities (expressions need them).
    declared: bool,
    /// The names, in slot order (alphabetical).
    names: Vec<String>,
    /// Each quantity's central value (a constant's value), by slot.
    central: Vec<f64>,
    /// Each quantity's distribution when it is uncertain, by slot.
    uncertain: Vec<Option<Dist>>,
    /// The compiled expressions so far.
    formulas: Vec<Formula>,
}

impl LinkState {
    /// Whether the file declares a `[context]`.
    pub(crate) fn declared(&self) -> bool {
        self.declared
    }

    /// The context's names, in slot order.
    pub(crate) fn names(&self) -> &[String] {
        &self.names
    }

    /// The slot of the context quantity `name`.
    pub(crate) fn slot_of(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }

    /// The values quantity `slot` can take at the first meeting: its distribution's
    /// ends (`quantile(0)`, `quantile(1)`: finite, as the expressions' probes take them),
    /// or its constant.
    pub(crate) fn slot_range(&self, slot: usize) -> (f64, f64) {
        match self.uncertain.get(slot).and_then(Option::as_ref) {
            Some(d) => (d.quantile(0.0), d.quantile(1.0)),
            None => {
                let c = self.central.get(slot).copied().unwrap_or(0.0);
                (c, c)
            }
        }
    }

    /// The compiled expression `i`.
    pub(crate) fn formula(&self, i: usize) -> Option<&Formula> {
        self.formulas.get(i)
    }

    /// The compiled expression `i`, to change (its range).
    pub(crate) fn formula_mut(&mut self, i: usize) -> Option<&mut Formula> {
        self.formulas.get_mut(i)
    }

    /// The central values and the formulas, for the plan.
    pub(crate) fn into_parts(self) -> (Vec<f64>, Vec<Formula>) {
        (self.central, self.formulas)
    }
}

impl Checker<'_, '_> {
    /// `[context]`, the expressions compiled so far and `copula`, as a plan's links (the
    /// checker keeps none).
    pub(crate) fn take_links(&mut self, copula: Option<Copula>) -> Links {
        let (context, formulas) = std::mem::take(&mut self.links).into_parts();
        Links {
            context,
            formulas,
            copula,
        }
    }

    /// Check `[context]` (of either kind of file) and register its uncertain quantities
    /// as the first inputs (`context.NAME`, each with its own stream, targeting its
    /// slot), before any other number, so that expressions elsewhere can name them.
    pub(crate) fn context(&mut self, context: &BTreeMap<String, NumberSpec>) {
        if context.is_empty() {
            return;
        }
        self.links.declared = true;
        self.links.names = context.keys().cloned().collect();
        if context.len() > MAX_CONTEXT {
            self.error(
                "context",
                format!(
                    "expected at most {MAX_CONTEXT} context quantities, found {}",
                    context.len()
                ),
            );
        }
        for (slot, (name, spec)) in context.iter().enumerate() {
            let path = join("context", name);
            if !valid_name(name) {
                self.error(
                    &path,
                    format!(
                        "expected a context name of lowercase letters, digits and `_` that does not start with a digit and is not a function or constant of expressions (`e`, `exp`, `min`, …), found {name:?}"
                    ),
                );
            }
            let central = match spec {
                NumberSpec::Expr(text) => {
                    self.error(
                        &path,
                        format!(
                            "expected a number or a distribution (a context quantity is drawn, not computed), found the expression {text:?}"
                        ),
                    );
                    0.0
                }
                _ => match self.number(&path, spec, Domain::AMOUNT) {
                    Some(Param::Fixed(x)) => x,
                    Some(Param::Dist(dist)) => {
                        let c = dist.central();
                        self.links.uncertain.resize(slot, None);
                        self.links.uncertain.push(Some(dist.clone()));
                        self.inputs.push(Input {
                            name: path.clone(),
                            stream: crate::stream_key(&path),
                            dist,
                            target: Target::Context(slot),
                            integer: false,
                            presets: Vec::new(),
                        });
                        c
                    }
                    None => 0.0,
                },
            };
            self.links.central.push(central);
        }
        self.links.uncertain.resize(self.links.central.len(), None);
    }

    /// An expression at `path` (a field with domain `d`): parsed, its names checked
    /// against `[context]`, and checked at the corners of its names' ranges, at their
    /// central values and at random points of them; the range it takes there is the
    /// field's. Returns the input's distribution ([`Dist::Derived`]).
    pub(super) fn expression(&mut self, path: &str, text: &str, d: Domain) -> Option<Dist> {
        if !self.links.declared {
            self.error(
                path,
                format!(
                    "expected a number or a distribution such as `{{ normal = [mean, sd] }}`, found the text {text:?} (an expression needs a `[context]` table that declares its names)"
                ),
            );
            return None;
        }
        if d.integer || path == "calendar.round_months" {
            self.error(
                path,
                format!(
                    "expected a number or a distribution, found the expression {text:?}: the number of rounds and their pace bound the calendar, so they may not be expressions"
                ),
            );
            return None;
        }
        let mut formula = match Formula::parse(text, &self.links.names) {
            Ok(f) => f,
            Err(e) => {
                let message = match e {
                    FormulaError::Syntax(why) => format!(
                        "expected an expression such as \"1.2 * fx / 1000\", found {text:?} ({why})"
                    ),
                    FormulaError::UnknownName(name) => {
                        let hint = did_you_mean(&name, self.links.names.iter().map(String::as_str));
                        let list = self
                            .links
                            .names
                            .iter()
                            .map(|n| format!("`{n}`"))
                            .collect::<Vec<_>>()
                            .join(", ");
                        format!(
                            "expected an expression over the context quantities ({list}), found the unknown name `{name}`{hint}"
                        )
                    }
                    FormulaError::TooLong(n) => format!(
                        "expected an expression of at most {} numbers and names (it is evaluated per trial without allocating), found {n}",
                        crate::context::MAX_OPERANDS
                    ),
                };
                self.error(path, message);
                return None;
            }
        };
        let (lo, hi, central) = self.probe(path, &formula, d)?;
        formula.lo = lo;
        formula.hi = hi;
        self.ranges.insert(path.to_owned(), (lo, hi));
        let index = self.links.formulas.len();
        self.links.formulas.push(formula);
        Some(Dist::Derived {
            formula: index,
            lo,
            hi,
            central,
        })
    }

    /// The expression's values at its probe points, each checked against `d`: its range
    /// and its central value, or `None` after an error naming the point.
    fn probe(&mut self, path: &str, f: &Formula, d: Domain) -> Option<(f64, f64, f64)> {
        let names = &self.links.names;
        let varying: Vec<(usize, &Dist)> = f
            .slots()
            .iter()
            .filter_map(|&s| Some((s, self.links.uncertain.get(s)?.as_ref()?)))
            .collect();
        let center = self.links.central.clone();
        let mut points: Vec<Vec<f64>> = vec![center.clone()];
        let at = |pick: &dyn Fn(usize) -> f64| {
            let mut v = center.clone();
            for (i, (s, dist)) in varying.iter().enumerate() {
                v[*s] = dist.quantile(pick(i));
            }
            v
        };
        let k = varying.len();
        if k <= MAX_CORNER_NAMES {
            for corner in 0..(1usize << k) {
                points.push(at(&|i| if corner >> i & 1 == 1 { 1.0 } else { 0.0 }));
            }
        } else {
            points.push(at(&|_| 0.0));
            points.push(at(&|_| 1.0));
            for &(s, dist) in &varying {
                for end in [0.0, 1.0] {
                    let mut v = center.clone();
                    v[s] = dist.quantile(end);
                    points.push(v);
                }
            }
        }
        if k > 0 {
            let mut rng = Xoshiro256PlusPlus::seed_from_u64(0x0063_6f6e_7465_7874);
            for _ in 0..PROBES {
                let u: Vec<f64> = (0..k).map(|_| rng.random::<f64>()).collect();
                points.push(at(&|i| u[i]));
            }
        }
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for v in &points {
            let x = f.raw(v);
            if !x.is_finite() || !d.contains(x) || x.abs() > super::MAX_MAGNITUDE {
                let point = f
                    .slots()
                    .iter()
                    .map(|&s| format!("{} = {}", names[s], fmt_num(v[s])))
                    .collect::<Vec<_>>()
                    .join(", ");
                let at = if point.is_empty() {
                    String::new()
                } else {
                    format!(" at {point}")
                };
                self.error(
                    path,
                    format!(
                        "expected values that are {}, but this expression gives {}{at}",
                        d.what,
                        fmt_num(x)
                    ),
                );
                return None;
            }
            lo = lo.min(x);
            hi = hi.max(x);
        }
        Some((lo, hi, f.raw(&center)))
    }

    /// Input `path`'s index among `inputs` if it is an uncertain input that may be
    /// correlated, else why not.
    fn correlatable<I: Drawn>(&self, inputs: &[I], path: &str) -> Result<usize, String> {
        if let Some(j) = inputs.iter().position(|i| i.name() == path) {
            if matches!(inputs[j].dist(), Dist::Derived { .. }) {
                return Err(format!(
                    "expected an uncertain input (a distribution), found `{path}`, an expression: its value follows its context quantities, so correlate those"
                ));
            }
            return Ok(j);
        }
        if self.ranges.contains_key(path) {
            return Err(format!(
                "expected an uncertain input (a distribution), found `{path}`, which is a constant"
            ));
        }
        let names: Vec<&str> = inputs
            .iter()
            .filter(|i| !matches!(i.dist(), Dist::Derived { .. }))
            .map(Drawn::name)
            .collect();
        let hint = did_you_mean(path, names.iter().copied());
        Err(format!(
            "expected the field path of an uncertain input, found `{path}`, which is not one{hint}"
        ))
    }

    /// Check `[[correlation]]` entries `list` (of either kind of file) against the
    /// file's `inputs` (all of them, in their final order: the copula's indices are
    /// theirs) and compile the copula. `Some(None)` without correlations; `None` after
    /// an error.
    pub(crate) fn correlations<I: Drawn>(
        &mut self,
        list: &[CorrelationFile],
        inputs: &[I],
    ) -> Option<Option<Copula>> {
        if list.is_empty() {
            return Some(None);
        }
        let mut ok = true;
        let mut pairs: Vec<(usize, usize, f64, usize)> = Vec::new();
        for (i, c) in list.iter().enumerate() {
            let p = index("correlation", i);
            let between = join(&p, "between");
            if c.between.len() != 2 {
                self.error(
                    &between,
                    format!(
                        "expected two input paths, found {} (a correlation is between two inputs)",
                        c.between.len()
                    ),
                );
                ok = false;
                continue;
            }
            let mut ends = [0usize; 2];
            let mut good = true;
            for (k, path) in c.between.iter().enumerate() {
                match self.correlatable(inputs, path) {
                    Ok(j) => ends[k] = j,
                    Err(message) => {
                        self.error(&index(&between, k), message);
                        good = false;
                    }
                }
            }
            if !c.rank.is_finite() || c.rank.abs() >= 1.0 {
                self.error(
                    &join(&p, "rank"),
                    format!(
                        "expected a Spearman rank correlation in (-1, 1), found {}",
                        fmt_num(c.rank)
                    ),
                );
                good = false;
            }
            if !good {
                ok = false;
                continue;
            }
            if ends[0] == ends[1] {
                self.error(
                    &index(&between, 1),
                    format!(
                        "expected two different inputs, found `{}` twice",
                        c.between[0]
                    ),
                );
                ok = false;
                continue;
            }
            let (a, b) = (ends[0].min(ends[1]), ends[0].max(ends[1]));
            if let Some(&(.., first)) = pairs.iter().find(|q| q.0 == a && q.1 == b) {
                self.error(
                    &between,
                    format!(
                        "expected each pair once, found `{}` and `{}` already correlated by correlation[{first}]",
                        c.between[0], c.between[1]
                    ),
                );
                ok = false;
                continue;
            }
            pairs.push((a, b, c.rank, i));
        }
        if !ok {
            return None;
        }
        let mut members: Vec<usize> = pairs.iter().flat_map(|q| [q.0, q.1]).collect();
        members.sort_unstable();
        members.dedup();
        let m = members.len();
        if m > MAX_CORRELATED {
            self.error(
                "correlation",
                format!("expected at most {MAX_CORRELATED} correlated inputs, found {m}"),
            );
            return None;
        }
        let slot = |j: usize| members.iter().position(|&x| x == j).unwrap_or(0);
        let mut matrix = vec![0.0; m * m];
        for s in 0..m {
            matrix[s * m + s] = 1.0;
        }
        let mut factor = None;
        for &(a, b, rank, i) in &pairs {
            let (sa, sb) = (slot(a), slot(b));
            let r = pearson_of_spearman(rank);
            matrix[sa * m + sb] = r;
            matrix[sb * m + sa] = r;
            factor = cholesky(&matrix, m);
            if factor.is_none() {
                self.error(
                    &join(&index("correlation", i), "rank"),
                    format!(
                        "expected rank correlations that can hold together, found that with this one ({}) the correlation matrix of the inputs (Pearson ρ = 2 sin(π ρ_S / 6) for each pair, 0 for pairs not listed) is not positive definite",
                        fmt_num(rank)
                    ),
                );
                return None;
            }
        }
        let with_streams: Vec<(usize, u64)> =
            members.iter().map(|&j| (j, inputs[j].stream())).collect();
        let copula = Copula::new(&with_streams, inputs.len(), factor?);
        Some(copula)
    }
}
