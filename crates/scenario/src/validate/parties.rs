//! Fields of the table, presets, strategies, parties and the offer grid.

use bargain_core::{FaratinFamily, Grid, Party, Preset, Side, StrategySpec};

use crate::fields::{self, Absent, FieldDef, Scope, Slot};

use crate::dist::{Choice, Dist};
use crate::file::{
    FamilyKey, GridFile, NumberSpec, PartyFile, PresetChoice, PresetSpec, StrategyFile,
};
use crate::sample::{Input, Target};
use crate::span::join;

use super::{Checker, MAX_GRID_STEPS, Param, fmt_num, fmt_range, unrepresentable};

/// Where a strategy's shape (`exponent`, `beta`) comes from: [`Checker::preset_or_shape`].
pub(crate) enum ShapeFrom<'s> {
    /// Its `preset`.
    Preset(&'s PresetSpec),
    /// Its own number.
    Number(&'s NumberSpec),
    /// Neither (a kind that needs neither, like `learning`, or an error reported).
    Neither,
}

impl Checker<'_, '_> {
    /// The preset-versus-shape rule of a strategy, one for one-issue and package files: a
    /// kind with a shape field `shape` (`exponent`, `beta`) takes its `preset` or its
    /// number, not both; when `required`, one of the two. `None` after reporting both
    /// (at the shape) or, when required, neither (at the strategy).
    pub(crate) fn preset_or_shape<'s>(
        &mut self,
        path: &str,
        s: &'s StrategyFile,
        shape: &'static FieldDef,
        required: bool,
    ) -> Option<ShapeFrom<'s>> {
        let key = shape.key;
        match (&s.preset, shape.strategy_spec(s)) {
            (Some(_), Some(_)) => {
                self.error(
                    &join(path, key),
                    format!("expected either `preset` or `{key}`, found both"),
                );
                None
            }
            (None, None) if required => {
                self.error(
                    path,
                    format!(
                        "expected `preset` or `{key}` for kind `{}`, found neither",
                        s.kind.as_str()
                    ),
                );
                None
            }
            (Some(p), None) => Some(ShapeFrom::Preset(p)),
            (None, Some(n)) => Some(ShapeFrom::Number(n)),
            (None, None) => Some(ShapeFrom::Neither),
        }
    }

    /// Check the field `def` at `path` (`spec` as written, if it is), register it as an
    /// input when it is a distribution and record its central value (rounded for an
    /// integer domain) or its default. `None` on an error; `Some(None)` when it is left
    /// out and has no default.
    pub(super) fn input(
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
    pub(super) fn preset(
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
    pub(super) fn strategy(
        &mut self,
        path: &str,
        s: &StrategyFile,
        side: Side,
    ) -> Option<StrategySpec> {
        let kind = s.kind;
        let allowed: Vec<&'static FieldDef> = fields::of_kind(kind).collect();
        let keys: Vec<&str> = allowed.iter().map(|d| d.key).collect();
        let ok = self.strategy_keys(path, s, &keys, "");
        if !ok {
            return None;
        }
        let takes_preset = allowed.iter().any(|d| matches!(d.slot, Slot::Preset(_)));
        if let Some(shape) = allowed.iter().copied().find(|d| d.preset_shape.is_some())
            && let ShapeFrom::Preset(p) = self.preset_or_shape(path, s, shape, takes_preset)?
        {
            let preset = self.preset(&join(path, "preset"), p, side, shape)?;
            if let Some(value) = shape.preset_shape {
                self.centrals.push((shape, side, value(preset)));
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
    pub(super) fn party(&mut self, key: &str, p: &PartyFile, side: Side) -> Option<Party> {
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

    pub(super) fn grid(&mut self, g: &GridFile, keys: &[&str]) -> Option<Grid> {
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
}
