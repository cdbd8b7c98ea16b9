//! The package compiler's checks of one issue, and of one party's strategy, value functions and utility.

use bargain_core::package::aspiration::Aspiration;
use bargain_core::package::preferences::{LinearAdditive, Preferences, ValueFunction};
use bargain_core::package::space::Issue;
use bargain_core::package::tactics::Tactic;
use bargain_core::strategy::FaratinFamily;

use crate::dist::Dist;
use crate::error::did_you_mean;
use crate::fields::package::{self as pf, field as pkg};
use crate::fields::{self, At, FieldDef, Scope};
use crate::file::{FamilyKey, NumberSpec, PresetSpec, StrategyFile, StrategyKind};
use crate::span::{index, join};
use crate::validate::{ShapeFrom, fmt_num};

use super::compile::Compiler;
use super::file::{IssueFile, IssueKindKey, PackagePartyFile, ValueFnFile};
use super::{
    DEFAULT_NUMBER_INTERVALS, MAX_OUTCOMES, PackageParty, PkgInput, Target, WEIGHT_SUM_TOLERANCE,
};
use crate::validate::{forbidden_char, is_key};

/// The keys of `[parties.P.utility]` that are not issues (so no issue may use them): the
/// second segment of the utility fields of the table without a placeholder there
/// (`reservation`, `weights`).
fn reserved_keys() -> impl Iterator<Item = &'static str> {
    fields::of_scope(Scope::Utility)
        .filter_map(|d| d.key.split('.').nth(1))
        .filter(|k| *k != "ISSUE")
}

impl Compiler<'_, '_> {
    /// One issue; `None` (after reporting) when it is malformed.
    pub(super) fn issue(&mut self, key: &str, f: &IssueFile) -> Option<Issue> {
        let path = join("issues", key);
        let at = |k: &str| join(&path, k);
        let mut ok = true;
        if let Some(unit) = f.unit.as_deref() {
            self.c.reject_control_chars(vec![(at("unit"), unit, false)]);
        }
        if !is_key(key) {
            self.c.error(
                &path,
                format!(
                    "expected an issue key of lowercase letters, digits, `-` and `_`, found {key:?}"
                ),
            );
            ok = false;
        }
        if reserved_keys().any(|k| k == key) {
            self.c.error(
                &path,
                format!(
                    "expected an issue key other than `{key}` (it is a key of `utility` tables)"
                ),
            );
            ok = false;
        }
        let kind = match f.kind {
            IssueKindKey::Number => "number",
            IssueKindKey::Integer => "integer",
            IssueKindKey::Choice => "choice",
        };
        let (allowed, needed): (&[&str], &[&str]) = match f.kind {
            IssueKindKey::Number => (&["lo", "hi", "step"], &["lo", "hi"]),
            IssueKindKey::Integer => (&["lo", "hi"], &["lo", "hi"]),
            IssueKindKey::Choice => (&["values"], &["values"]),
        };
        for (k, present) in [
            ("lo", f.lo.is_some()),
            ("hi", f.hi.is_some()),
            ("step", f.step.is_some()),
            ("values", f.values.is_some()),
        ] {
            if present && !allowed.contains(&k) {
                self.c.error(
                    &at(k),
                    format!("expected only keys of kind `{kind}`, found `{k}`"),
                );
                ok = false;
            }
            if !present && needed.contains(&k) {
                self.c.error(
                    &path,
                    format!("expected `{k}` for kind `{kind}`, found none"),
                );
                ok = false;
            }
        }
        if !ok {
            return None;
        }
        match f.kind {
            IssueKindKey::Choice => {
                let values = f.values.as_deref().unwrap_or_default();
                if values.is_empty() {
                    self.c.error(
                        &at("values"),
                        "expected at least one value, found an empty list",
                    );
                    return None;
                }
                for (i, v) in values.iter().enumerate() {
                    let p = index(&at("values"), i);
                    if v.is_empty() {
                        self.c.error(&p, "expected a non-empty label, found \"\"");
                        ok = false;
                    } else if let Some(c) = forbidden_char(v) {
                        self.c
                            .error(&p, crate::validate::forbidden_char_message("a label", c));
                        ok = false;
                    } else if values[..i].contains(v) {
                        self.c
                            .error(&p, format!("expected distinct labels, found {v:?} twice"));
                        ok = false;
                    }
                }
                let labels: Vec<&str> = values.iter().map(String::as_str).collect();
                ok.then(|| Issue::choice(key, &labels))
            }
            IssueKindKey::Number | IssueKindKey::Integer => {
                let integer = f.kind == IssueKindKey::Integer;
                let (lo, hi) = (f.lo.unwrap_or(0.0), f.hi.unwrap_or(0.0));
                for (k, x) in [("lo", lo), ("hi", hi)] {
                    if !x.is_finite() || x.abs() > 1e15 {
                        self.c.error(
                            &at(k),
                            format!(
                                "expected a finite number of magnitude at most 1e15, found {}",
                                fmt_num(x)
                            ),
                        );
                        ok = false;
                    } else if integer && x.fract() != 0.0 {
                        self.c
                            .error(&at(k), format!("expected an integer, found {}", fmt_num(x)));
                        ok = false;
                    }
                }
                if ok && lo >= hi {
                    self.c.error(
                        &at("hi"),
                        format!("expected hi > lo = {}, found {}", fmt_num(lo), fmt_num(hi)),
                    );
                    ok = false;
                }
                if !ok {
                    return None;
                }
                if integer {
                    return Some(Issue::integer(key, lo as i64, hi as i64));
                }
                let step = match f.step {
                    Some(s) if !(s.is_finite() && s > 0.0) => {
                        self.c.error(
                            &at("step"),
                            format!("expected a step > 0, found {}", fmt_num(s)),
                        );
                        return None;
                    }
                    Some(s) if (hi - lo) / s > MAX_OUTCOMES as f64 => {
                        self.c.error(&at("step"), format!("expected at most {MAX_OUTCOMES} grid points, found a step of {} over [{}, {}]", fmt_num(s), fmt_num(lo), fmt_num(hi)));
                        return None;
                    }
                    Some(s) => s,
                    None => (hi - lo) / f64::from(DEFAULT_NUMBER_INTERVALS),
                };
                Some(Issue::number(key, lo, hi, Some(step)))
            }
        }
    }

    /// A party's package negotiator: the keys of the one-issue kinds that the field table
    /// says packages take (`time-based`: `preset` or `exponent`, `max_aspiration`;
    /// `faratin`: `preset` or `beta`, `kappa`, `family`; `learning`: `exponent`, and
    /// `prior_width`, `hypotheses` fixed; `tit-for-tat`, `hardliner`: none), with their
    /// domains and defaults. A `preset` may be a `choice`.
    pub(super) fn strategy(&mut self, path: &str, s: &StrategyFile, i: usize) -> Option<Tactic> {
        let kind = s.kind;
        let allowed: Vec<&str> = fields::of_kind(kind)
            .filter(|d| d.package.taken())
            .map(|d| d.key)
            .collect();
        if !self.c.strategy_keys(path, s, &allowed, " on packages") {
            return None;
        }
        // The shape: a preset or its number (the one rule of one-issue files), else the
        // kind's other numbers in table order (`None` after an error).
        let mut shape = None;
        if let Some(def) = fields::of_kind(kind).find(|d| d.preset_shape.is_some()) {
            let to_shape = def.preset_shape?;
            shape = Some(match self.c.preset_or_shape(path, s, def, true)? {
                ShapeFrom::Preset(PresetSpec::Fixed(k)) => to_shape(k.to_core()),
                ShapeFrom::Preset(PresetSpec::Choice(ch)) => {
                    let p = join(path, "preset");
                    let (presets, dist) = self.c.preset_choice(&p, ch)?;
                    let presets: Vec<f64> = presets.into_iter().map(to_shape).collect();
                    let central = presets[dist.mode_index()];
                    self.inputs.push(PkgInput {
                        stream: crate::stream_key(&p),
                        name: p,
                        dist: Dist::Choice(dist),
                        target: Target::Preset(def, i),
                        integer: true,
                        presets,
                    });
                    central
                }
                ShapeFrom::Number(e) => {
                    self.num(&join(path, def.key), e, Some(def), At::party(i))?
                }
                ShapeFrom::Neither => return None,
            });
        }
        let numbers: Vec<&'static FieldDef> = fields::of_kind(kind)
            .filter(|d| d.package.taken() && d.is_number() && d.preset_shape.is_none())
            .collect();
        let mut values = Vec::with_capacity(numbers.len());
        let mut ok = true;
        for def in numbers {
            let x = self.opt(
                &join(path, def.key),
                def.strategy_spec(s),
                Some(def),
                At::party(i),
            );
            ok &= x.is_some();
            values.push((def.key, x.unwrap_or(f64::NAN)));
        }
        if !ok {
            return None;
        }
        let value = |key: &str| {
            values
                .iter()
                .find(|(k, _)| *k == key)
                .map_or(f64::NAN, |&(_, x)| x)
        };
        Some(match kind {
            StrategyKind::TimeBased => Tactic::TimeBased(Aspiration {
                exponent: shape?,
                max_aspiration: value("max_aspiration"),
                ..Aspiration::default()
            }),
            StrategyKind::Faratin => Tactic::Faratin {
                beta: shape?,
                kappa: value("kappa"),
                family: match s.family {
                    Some(FamilyKey::Exponential) => FaratinFamily::Exponential,
                    _ => FaratinFamily::Polynomial,
                },
            },
            StrategyKind::Learning => Tactic::Learning {
                prior_width: value("prior_width"),
                hypotheses: value("hypotheses") as u32,
                exponent: value("exponent"),
            },
            StrategyKind::TitForTat => Tactic::TitForTat,
            StrategyKind::Hardliner => Tactic::Hardliner,
        })
    }

    /// The value function of issue `j` for party `i`.
    pub(super) fn value_fn(
        &mut self,
        path: &str,
        f: &ValueFnFile,
        issue: &Issue,
        i: usize,
        j: usize,
    ) -> Option<ValueFunction> {
        let range = issue.range();
        match (f, range) {
            (ValueFnFile::Named(n), Some(_)) if n == "increasing" => {
                Some(ValueFunction::Increasing)
            }
            (ValueFnFile::Named(n), Some(_)) if n == "decreasing" => {
                Some(ValueFunction::Decreasing)
            }
            (ValueFnFile::Named(n), _) => {
                let what = if range.is_some() {
                    "`increasing`, `decreasing`, `{ points = [[x, u], …] }`"
                } else {
                    "`{ table = { label = u, … } }` (a `choice` issue)"
                };
                self.c.error(path, format!("expected {what}, found {n:?}"));
                None
            }
            (ValueFnFile::Bad(found), _) => {
                self.c.error(path, format!("expected a value function (`increasing`, `decreasing`, `{{ points = … }}` or `{{ table = … }}`), found {found}"));
                None
            }
            (ValueFnFile::Points(_), None) => {
                self.c.error(path, format!("expected `{{ table = {{ label = u, … }} }}` for the `choice` issue `{}`, found `points`", issue.key));
                None
            }
            (ValueFnFile::Table(_), Some(_)) => {
                self.c.error(path, format!("expected `increasing`, `decreasing` or `{{ points = … }}` for the numeric issue `{}`, found `table`", issue.key));
                None
            }
            (ValueFnFile::Points(pts), Some((lo, hi))) => {
                let p = join(path, "points");
                if pts.is_empty() {
                    self.c.error(
                        &p,
                        "expected at least one point [x, u], found an empty list",
                    );
                    return None;
                }
                let mut out = Vec::with_capacity(pts.len());
                let mut ok = true;
                for (k, pt) in pts.iter().enumerate() {
                    let pp = index(&p, k);
                    let [x, y] = pt.as_slice() else {
                        self.c.error(
                            &pp,
                            format!("expected a point [x, u], found {} numbers", pt.len()),
                        );
                        ok = false;
                        continue;
                    };
                    let NumberSpec::Fixed(x) = *x else {
                        self.c.error(
                            &index(&pp, 0),
                            "expected a number (the x of a point is fixed), found a distribution",
                        );
                        ok = false;
                        continue;
                    };
                    if !(x.is_finite() && x >= lo && x <= hi) {
                        self.c.error(
                            &index(&pp, 0),
                            format!(
                                "expected an x inside the range of `{}` [{}, {}], found {}",
                                issue.key,
                                fmt_num(lo),
                                fmt_num(hi),
                                fmt_num(x)
                            ),
                        );
                        ok = false;
                    } else if let Some(&(prev, _)) = out.last()
                        && x <= prev
                    {
                        self.c.error(
                            &index(&pp, 0),
                            format!(
                                "expected x > {} (the previous point's), found {}",
                                fmt_num(prev),
                                fmt_num(x)
                            ),
                        );
                        ok = false;
                    }
                    let at = At {
                        party: i,
                        issue: j,
                        item: k,
                    };
                    let Some(y) = self.num(&index(&pp, 1), y, pkg(Scope::Utility, pf::POINT), at)
                    else {
                        ok = false;
                        continue;
                    };
                    out.push((x, y));
                }
                ok.then_some(ValueFunction::Points(out))
            }
            (ValueFnFile::Table(t), None) => {
                let p = join(path, "table");
                let labels: Vec<String> = (0..issue.count().unwrap_or(0) as usize)
                    .map(|k| issue.value(k).to_string())
                    .collect();
                let mut ok = true;
                for label in t.keys() {
                    if !labels.contains(label) {
                        let hint = did_you_mean(label, labels.iter().map(String::as_str));
                        self.c.error(
                            &join(&p, label),
                            format!("expected a value of `{}`, found `{label}`{hint}", issue.key),
                        );
                        ok = false;
                    }
                }
                let mut out = Vec::with_capacity(labels.len());
                for (k, label) in labels.iter().enumerate() {
                    match t.get(label) {
                        None => {
                            self.c.error(&p, format!("expected an entry for every value of `{}`, found none for `{label}`", issue.key));
                            ok = false;
                        }
                        Some(spec) => {
                            let at = At {
                                party: i,
                                issue: j,
                                item: k,
                            };
                            match self.num(
                                &join(&p, label),
                                spec,
                                pkg(Scope::Utility, pf::TABLE),
                                at,
                            ) {
                                Some(y) => out.push(y),
                                None => ok = false,
                            }
                        }
                    }
                }
                ok.then_some(ValueFunction::Table(out))
            }
        }
    }

    pub(super) fn party(
        &mut self,
        key: &str,
        f: &PackagePartyFile,
        i: usize,
        issues: &[Issue],
    ) -> Option<PackageParty> {
        let path = join("parties", key);
        let at = |k: &str| join(&path, k);
        if let Some(n) = &f.name {
            self.c.reject_control_chars(vec![(at("name"), n, false)]);
        }
        let discount = self.opt(
            &at("discount"),
            f.discount.as_ref(),
            pkg(Scope::Party, "discount"),
            At::party(i),
        );
        let power = self.opt(
            &at("power"),
            f.power.as_ref(),
            pkg(Scope::Party, "power"),
            At::party(i),
        );
        let tactic = self.strategy(&at("strategy"), &f.strategy, i);
        let u = &f.utility;
        let up = at("utility");
        let reservation = self.opt(
            &join(&up, "reservation"),
            u.reservation.as_ref(),
            pkg(Scope::Utility, pf::RESERVATION),
            At::party(i),
        );
        // A utility is a weighted mean of values in [0, 1]: no outcome is worth more than 1.
        let rp = join(&up, "reservation");
        if let Some((_, hi)) = self.c.range(&rp)
            && hi > 1.0
        {
            self.c.warn(
                &rp,
                format!(
                    "above 1, the best utility an outcome can give (reaching {}): `{key}` accepts no agreement where it is",
                    fmt_num(hi)
                ),
            );
        }
        let keys: Vec<&str> = issues.iter().map(|x| x.key.as_str()).collect();
        let unknown = |this: &mut Self, p: &str, k: &str| {
            let hint = did_you_mean(k, keys.iter().copied());
            let list = keys
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ");
            this.c.error(
                p,
                format!("expected an issue key ({list}), found `{k}`{hint}"),
            );
        };
        // Weights.
        let wp = join(&up, "weights");
        let mut weights = vec![0.0; issues.len()];
        let mut ok = true;
        match &u.weights {
            None => {
                self.c
                    .error(&up, "expected `weights = { issue = w, … }`, found none");
                ok = false;
            }
            Some(ws) => {
                for k in ws.keys() {
                    if !keys.contains(&k.as_str()) {
                        unknown(self, &join(&wp, k), k);
                        ok = false;
                    }
                }
                for (j, issue) in issues.iter().enumerate() {
                    match ws.get(&issue.key) {
                        None => {
                            self.c.error(
                                &wp,
                                format!(
                                    "expected a weight for every issue, found none for `{}`",
                                    issue.key
                                ),
                            );
                            ok = false;
                        }
                        Some(spec) => {
                            let at = At {
                                party: i,
                                issue: j,
                                item: 0,
                            };
                            match self.num(
                                &join(&wp, &issue.key),
                                spec,
                                pkg(Scope::Utility, pf::WEIGHT),
                                at,
                            ) {
                                Some(w) => weights[j] = w,
                                None => ok = false,
                            }
                        }
                    }
                }
                if ok {
                    let sum: f64 = weights.iter().sum();
                    // Drawn weights are divided by their sum in every trial, so weights
                    // of which one is drawn need not sum to 1 (a sweep or `--set` of one
                    // of them fixes it): the central trial divides them the same way.
                    let drawn = issues.iter().any(|x| {
                        self.c
                            .range(&join(&wp, &x.key))
                            .is_some_and(|(lo, hi)| hi > lo)
                    });
                    if (sum - 1.0).abs() > WEIGHT_SUM_TOLERANCE && drawn && sum > 0.0 {
                        weights.iter_mut().for_each(|w| *w /= sum);
                        let each = issues
                            .iter()
                            .zip(&weights)
                            .map(|(x, w)| format!("{} {}", x.key, fmt_num((w * 1e4).round() / 1e4)))
                            .collect::<Vec<_>>()
                            .join(", ");
                        self.c.warn(&wp, format!("the central weights sum to {}, not 1: each trial divides the drawn weights by their sum (at the central values: {each})", fmt_num((sum * 1e9).round() / 1e9)));
                    } else if (sum - 1.0).abs() > WEIGHT_SUM_TOLERANCE {
                        self.c.error(&wp, format!("expected weights summing to 1 (central values, tolerance 1e-6), found a sum of {}", fmt_num((sum * 1e9).round() / 1e9)));
                        ok = false;
                    }
                    // Drawn weights are divided by their sum: every draw must leave it > 0.
                    let least: Vec<(f64, &str)> = issues
                        .iter()
                        .filter_map(|x| {
                            let r = self.c.range(&join(&wp, &x.key))?;
                            Some((r.0, x.key.as_str()))
                        })
                        .collect();
                    if ok && least.len() == issues.len() && least.iter().all(|(lo, _)| *lo <= 0.0) {
                        let each = least
                            .iter()
                            .map(|(_, k)| format!("`{k}`"))
                            .collect::<Vec<_>>()
                            .join(", ");
                        self.c.error(
                            &wp,
                            format!("expected weights whose every draw sums to more than 0 (draws are divided by their sum), found weights that can all be 0 together ({each}); keep one weight above 0, e.g. `within = [0.01, 1]` or a fixed weight"),
                        );
                        ok = false;
                    }
                }
            }
        }
        // Value functions.
        for k in u.functions.keys() {
            if !keys.contains(&k.as_str()) {
                unknown(self, &join(&up, k), k);
                ok = false;
            }
        }
        let mut values = Vec::with_capacity(issues.len());
        for (j, issue) in issues.iter().enumerate() {
            match u.functions.get(&issue.key) {
                None => {
                    self.c.error(
                        &up,
                        format!(
                            "expected a value function for every issue, found none for `{}`",
                            issue.key
                        ),
                    );
                    ok = false;
                }
                Some(f) => match self.value_fn(&join(&up, &issue.key), f, issue, i, j) {
                    Some(v) => values.push(v),
                    None => ok = false,
                },
            }
        }
        if !ok {
            return None;
        }
        Some(PackageParty {
            preferences: Preferences {
                utility: LinearAdditive { weights, values },
                reservation: reservation?,
                discount: discount?,
            },
            power: power?,
            tactic: tactic?,
        })
    }
}
