//! The package compiler: its core (numbers, `[run]`, `[scenario]`), the whole file and `[observed]`.

use bargain_core::package::space::{IssueKind, OutcomeSpace};

use crate::error::{Diagnostic, ScenarioError, did_you_mean};
use crate::fields::package::{WEIGHT, field as pkg};
use crate::fields::{Absent, At, FieldDef, Package, Scope};
use crate::file::{MetaFile, NumberSpec, RunFile};
use crate::span::{Doc, join};
use crate::validate::{Checker, Param, fmt_num};

use super::file::{ObservedValueFile, PackageFile, PackageObservedFile};
use super::rules::Principal;
use super::{
    BREAKDOWN_STREAM, MAX_OUTCOMES, ObservedValue, PackageModel, PackageObserved, PackageParty,
    PackageRun, PackageScenario, PackageTrial, PkgInput, Target,
};

/// Checks a [`PackageFile`] and compiles it.
pub(super) struct Compiler<'d, 'a> {
    pub(super) c: Checker<'d, 'a>,
    pub(super) origin: &'d str,
    pub(super) inputs: Vec<PkgInput>,
}

impl<'d, 'a> Compiler<'d, 'a> {
    pub(super) fn new(doc: &'d Doc<'a>, origin: &'d str) -> Self {
        Self {
            c: Checker::new(doc, origin),
            origin,
            inputs: Vec::new(),
        }
    }

    /// The package number `def` (an entry of the field table; `None`, never expected, is
    /// reported) at `path`, checked against its domain: its central value, a distribution
    /// registered as an input whose draws go to `at` (a distribution of a field fixed on
    /// packages is an error).
    pub(super) fn num(
        &mut self,
        path: &str,
        spec: &NumberSpec,
        def: Option<&'static FieldDef>,
        at: At,
    ) -> Option<f64> {
        let Some(def) = def else {
            self.c.error(
                path,
                "expected a field of the field table (an internal error: the table has no entry for it)",
            );
            return None;
        };
        let d = def.domain;
        if matches!(def.package, Package::Fixed { .. }) && !matches!(spec, NumberSpec::Fixed(_)) {
            let key = path.rsplit('.').next().unwrap_or(path);
            let found = match spec {
                NumberSpec::Expr(_) => "an expression",
                _ => "a distribution",
            };
            self.c.error(
                path,
                format!("expected a number (`{key}` is fixed on packages), found {found}"),
            );
            return None;
        }
        let param = self.c.number(path, spec, d)?;
        let central = param.central();
        let central = if d.integer { central.round() } else { central };
        if let Param::Dist(dist) = param {
            self.inputs.push(PkgInput {
                name: path.to_owned(),
                stream: crate::stream_key(path),
                dist,
                target: Target::Field(def, at),
                integer: d.integer,
                presets: Vec::new(),
            });
        }
        Some(central)
    }

    /// Move the inputs the one-issue checker registered from its `from`-th on (the
    /// `[context]` quantities, `calendar.round_months`) to the package inputs, in order.
    pub(super) fn adopt_checker_inputs(&mut self, from: usize) {
        for input in self.c.inputs.drain(from..) {
            let target = match input.target {
                crate::sample::Target::Field(def, _) => Target::Field(def, At::default()),
                crate::sample::Target::Context(slot) => Target::Context(slot),
                _ => continue,
            };
            self.inputs.push(PkgInput {
                name: input.name,
                stream: input.stream,
                dist: input.dist,
                target,
                integer: input.integer,
                presets: Vec::new(),
            });
        }
    }

    /// As [`Compiler::num`], the field's default (its entry's [`Absent::Value`]) when it
    /// is left out.
    pub(super) fn opt(
        &mut self,
        path: &str,
        spec: Option<&NumberSpec>,
        def: Option<&'static FieldDef>,
        at: At,
    ) -> Option<f64> {
        match (spec, def.map(|d| d.absent)) {
            (None, Some(Absent::Value(x))) => Some(x),
            (None, _) => {
                self.c.error(
                    path,
                    "expected a value (the field table gives this field no default)",
                );
                None
            }
            (Some(s), _) => self.num(path, s, def, at),
        }
    }

    pub(super) fn run(&mut self, r: &RunFile) -> Option<PackageRun> {
        let names: Vec<&str> = PackageModel::ALL.iter().map(|m| m.as_str()).collect();
        let why_not = |name: &str| {
            if bargain_core::Model::from_name(name).is_some() {
                " (it has no meaning on packages yet)".to_owned()
            } else {
                String::new()
            }
        };
        let (trials, seed, models, sampler) = self.c.run_settings(
            r,
            &names,
            PackageModel::from_name,
            why_not,
            " for a package scenario",
        )?;
        Some(PackageRun {
            trials,
            seed,
            models,
            sampler,
        })
    }

    /// `[scenario]`: the name and the text fields, by the one-issue rules.
    pub(super) fn meta(&mut self, m: &MetaFile) {
        self.c.scenario_name(&m.name);
        self.c
            .reject_control_chars(crate::validate::meta_text_fields(m));
    }

    pub(super) fn compile(mut self, f: &PackageFile) -> Result<PackageScenario, ScenarioError> {
        self.meta(&f.scenario);
        let run = self.run(&f.run);
        // Context quantities first (the first inputs): expressions in any other number
        // may name them.
        self.c.context(&f.context);
        self.adopt_checker_inputs(0);
        let has_end = f.calendar.as_ref().is_some_and(|c| c.end.is_some());
        let rounds = pkg(Scope::Protocol, "max_rounds");
        let max_rounds = match (&f.protocol.max_rounds, has_end) {
            (Some(spec), false) => self.num("protocol.max_rounds", spec, rounds, At::default()),
            (Some(spec), true) => {
                // `calendar.end` wins: the rounds are those up to the end date.
                if let Some(d) = rounds {
                    let _ = self.c.number("protocol.max_rounds", spec, d.domain);
                }
                self.c.warn(
                    "protocol.max_rounds",
                    "ignored: `calendar.end` sets the number of rounds (the rounds up to the end date)",
                );
                Some(1.0)
            }
            (None, true) => Some(1.0),
            (None, false) => {
                self.c.error(
                    "protocol",
                    "expected `max_rounds` (it may be left out only when `[calendar]` has an `end`)",
                );
                None
            }
        };
        let breakdown_risk = self.opt(
            "protocol.breakdown_risk",
            f.protocol.breakdown_risk.as_ref(),
            pkg(Scope::Protocol, "breakdown_risk"),
            At::default(),
        );
        let calendar = f.calendar.as_ref().and_then(|c| self.calendar(c));

        // Issues in file order.
        let mut issue_keys: Vec<&String> = f.issues.keys().collect();
        issue_keys.sort_by_key(|k| self.c_doc_start(&join("issues", k)));
        let mut issues = Vec::new();
        let mut issues_ok = true;
        if issue_keys.is_empty() {
            self.c
                .error("issues", "expected at least one `[issues.KEY]`, found none");
            issues_ok = false;
        }
        for k in &issue_keys {
            match self.issue(k, &f.issues[*k]) {
                Some(i) => issues.push(i),
                None => issues_ok = false,
            }
        }
        let space = if issues_ok {
            match OutcomeSpace::new(issues.clone()) {
                Ok(s) if s.len() <= MAX_OUTCOMES => Some(s),
                Ok(s) => {
                    self.c.error(
                        "issues",
                        format!(
                            "expected at most {MAX_OUTCOMES} outcomes, found {}",
                            s.len()
                        ),
                    );
                    None
                }
                Err(e) => {
                    self.c.error(
                        "issues",
                        format!("expected issues spanning a discrete outcome space, found: {e}"),
                    );
                    None
                }
            }
        } else {
            None
        };

        // Parties: exactly two, the first mover first.
        let keys: Vec<&String> = f.parties.keys().collect();
        let first = &f.protocol.first_mover;
        let mut order: Vec<&String> = Vec::new();
        if keys.len() != 2 {
            self.c.error(
                "parties",
                format!("expected exactly two parties, found {}", keys.len()),
            );
        } else if !f.parties.contains_key(first) {
            let hint = did_you_mean(first, keys.iter().map(|k| k.as_str()));
            self.c.error(
                "protocol.first_mover",
                format!(
                    "expected a party key (`{}` or `{}`), found `{first}`{hint}",
                    keys[0], keys[1]
                ),
            );
        } else {
            order = if keys[0] == first {
                vec![keys[0], keys[1]]
            } else {
                vec![keys[1], keys[0]]
            };
        }
        self.c.party_keys(keys.iter().map(|k| k.as_str()));
        let mut parties = Vec::new();
        if let Some(space) = &space {
            for (i, k) in order.iter().enumerate() {
                parties.push(self.party(k, &f.parties[*k], i, space.issues()));
            }
        }
        let mut principals = [Principal::default(); 2];
        if let Some(space) = &space {
            for (i, k) in order.iter().enumerate() {
                let prefs = parties
                    .get(i)
                    .and_then(Option::as_ref)
                    .map(|p| &p.preferences);
                principals[i] =
                    self.principal(k, &f.parties[*k], i, space, prefs, f.calendar.is_some());
            }
            // `rubinstein`, `stahl`, `brw`: a transferable `amount` issue.
            let timed = !f.events.is_empty()
                || f.calendar.as_ref().and_then(|c| c.on_veto)
                    == Some(crate::events::OnVetoKey::Resume);
            self.transferable(&f.run, space, &order, &parties, timed);
            self.split_without_options(f, &order);
        }
        // Each party's floor-or-ceiling rule; `None` when its preferences (or the space)
        // did not compile, which an error has already named.
        let known = [0, 1].map(|i| {
            let prefs = parties.get(i).and_then(Option::as_ref);
            space
                .as_ref()
                .zip(prefs)
                .map(|(s, p)| super::events::limit_floor(s, &p.preferences))
        });
        let floor = known.map(Option::flatten);
        let dates_now = calendar.as_ref().map(|c| c.1);
        let events = self.package_events(f, &order, space.as_ref(), known, dates_now.as_ref());
        let exclusions = match &space {
            Some(space) => self.exclusions(&f.exclude, space),
            None => Vec::new(),
        };
        let observed = match (&f.observed, &space) {
            (Some(o), Some(space)) => self.observed(o, space),
            _ => None,
        };
        if let (Some(d), Some((_, dates))) = (observed.as_ref().and_then(|o| o.date), &calendar)
            && let Some(message) = crate::validate::calendar::observed_date_outside(d, dates)
        {
            self.c.warn("observed.date", message);
        }
        if let (Some(o), Some(space)) = (&observed, &space) {
            let ks: Vec<usize> = o
                .values
                .iter()
                .enumerate()
                .filter_map(|(j, v)| observed_index(space, j, v))
                .collect();
            if let Some(outcome) = space.index_of(&ks)
                && !space.is_allowed(outcome, &exclusions)
            {
                self.c.warn(
                    "observed",
                    "the observed deal is excluded by an `[[exclude]]` rule: no model can reach it",
                );
            }
        }
        self.c.forecast_checks(&f.scenario);
        let copula = self.c.correlations(&f.correlation, &self.inputs);
        let links = self.c.take_links(copula.flatten());
        let inputs = std::mem::take(&mut self.inputs);
        let origin = self.origin;
        let (errors, warnings) = self.c.finish();
        if !errors.is_empty() {
            return Err(ScenarioError::new(errors));
        }
        let (Some(run), Some(max_rounds), Some(breakdown_risk), Some(space), [Some(a), Some(b)]) = (
            run,
            max_rounds,
            breakdown_risk,
            space,
            <[Option<PackageParty>; 2]>::try_from(parties).unwrap_or([None, None]),
        ) else {
            // Unreachable: every `None` above was reported as an error.
            return Err(ScenarioError::new(vec![Diagnostic {
                origin: origin.to_owned(),
                line: 1,
                column: 1,
                path: String::new(),
                message: "expected a complete package scenario".into(),
            }]));
        };
        let random_weights = [0, 1].map(|i| {
            inputs.iter().any(
                |x| matches!(x.target, Target::Field(d, at) if d.key == WEIGHT && at.party == i),
            )
        });
        let meta = &f.scenario;
        let seed = run.seed;
        let (calendar, dates) = match calendar {
            Some((mut c, d)) => {
                c.lapse_cost = [principals[0].lapse, principals[1].lapse];
                c.end_game = [principals[0].end_game, principals[1].end_game];
                (Some(c), Some(d))
            }
            None => (None, None),
        };
        // With an end, the rounds are those up to it (`max_rounds` is ignored).
        let max_rounds = match calendar {
            Some(c) if c.end_day.is_some() => c.total_rounds(1),
            _ => max_rounds as u32,
        };
        // (An event that changes the breakdown risk needs the trial's own stream too.)
        let risk_is_input = inputs
            .iter()
            .any(|x| x.target.is(Scope::Protocol, "breakdown_risk"))
            || events.changes_breakdown_risk();
        Ok(PackageScenario {
            name: meta.name.clone(),
            title: meta.title.clone().unwrap_or_else(|| meta.name.clone()),
            unit: meta.unit.clone().unwrap_or_default(),
            description: meta.description.clone().unwrap_or_default(),
            sources: meta
                .sources
                .iter()
                .map(crate::forecast::SourceFile::line)
                .collect(),
            run,
            party_keys: [order[0].clone(), order[1].clone()],
            observed,
            calendar: dates,
            party_names: [0, 1].map(|i| {
                f.parties[order[i]]
                    .name
                    .clone()
                    .unwrap_or_else(|| order[i].clone())
            }),
            issue_units: issue_keys
                .iter()
                .map(|k| {
                    let unit = f.issues[*k].unit.clone();
                    match (unit, k.as_str()) {
                        (Some(u), _) => u,
                        (None, "amount") => meta.unit.clone().unwrap_or_default(),
                        (None, _) => String::new(),
                    }
                })
                .collect(),
            allowed: (!exclusions.is_empty()).then(|| space.allowed(&exclusions)),
            exclusions,
            space,
            central: PackageTrial {
                max_rounds,
                parties: [a, b],
                calendar,
                breakdown_risk,
                ratification: [principals[0].ratification, principals[1].ratification],
                outside_option: [principals[0].outside_option, principals[1].outside_option],
                breakdown_rng: crate::input_rng(seed, 0, crate::stream_key(BREAKDOWN_STREAM)),
                timeline: bargain_core::events::Timeline::new(events.on_veto),
            },
            inputs,
            links,
            random_weights,
            risk_is_input,
            events,
            limit_floor: floor.map(|x| x.unwrap_or(true)),
            warnings: warnings.iter().map(ToString::to_string).collect(),
        })
    }

    /// `[observed]`: one value per issue (each checked against its issue), `date`,
    /// `source`; `None` after reporting any problem.
    pub(super) fn observed(
        &mut self,
        o: &PackageObservedFile,
        space: &OutcomeSpace,
    ) -> Option<PackageObserved> {
        let mut ok = true;
        let issues = space.issues();
        for key in o.values.keys() {
            if space.issue_position(key).is_none() {
                let hint = did_you_mean(key, issues.iter().map(|i| i.key.as_str()));
                self.c.error(
                    &join("observed", key),
                    format!("expected an issue key, `date` or `source`, found `{key}`{hint}"),
                );
                ok = false;
            }
        }
        let mut values = Vec::new();
        for issue in issues {
            let path = join("observed", &issue.key);
            let Some(v) = o.values.get(&issue.key) else {
                let why = if ["date", "source"].contains(&issue.key.as_str()) {
                    " (an issue keyed `date` or `source` cannot be observed: the key names the deal's date or source)"
                } else {
                    ""
                };
                self.c.error(
                    "observed",
                    format!(
                        "expected a value for every issue, found none for `{}`{why}",
                        issue.key
                    ),
                );
                ok = false;
                continue;
            };
            let value = match (&issue.kind, v) {
                (_, ObservedValueFile::Bad(what)) => {
                    self.c
                        .error(&path, format!("expected a number or a label, found {what}"));
                    None
                }
                (IssueKind::Number { lo, hi, .. }, ObservedValueFile::Number(x)) => {
                    if x.is_finite() && (*lo..=*hi).contains(x) {
                        Some(ObservedValue::Number(*x))
                    } else {
                        self.c.error(
                            &path,
                            format!(
                                "expected a number in [{}, {}] (the issue's range), found {}",
                                fmt_num(*lo),
                                fmt_num(*hi),
                                fmt_num(*x)
                            ),
                        );
                        None
                    }
                }
                (IssueKind::Integer { lo, hi }, ObservedValueFile::Number(x)) => {
                    if x.fract() == 0.0 && (*lo as f64..=*hi as f64).contains(x) {
                        Some(ObservedValue::Integer(*x as i64))
                    } else {
                        self.c.error(
                            &path,
                            format!(
                                "expected an integer in {lo}..={hi} (the issue's range), found {}",
                                fmt_num(*x)
                            ),
                        );
                        None
                    }
                }
                (IssueKind::Choice { labels }, ObservedValueFile::Label(l)) => {
                    if labels.contains(l) {
                        Some(ObservedValue::Label(l.clone()))
                    } else {
                        let hint = did_you_mean(l, labels.iter().map(String::as_str));
                        let list = labels
                            .iter()
                            .map(|l| format!("`{l}`"))
                            .collect::<Vec<_>>()
                            .join(", ");
                        self.c
                            .error(&path, format!("expected one of {list}, found `{l}`{hint}"));
                        None
                    }
                }
                (IssueKind::Choice { .. }, ObservedValueFile::Number(x)) => {
                    self.c.error(
                        &path,
                        format!(
                            "expected a label of the choice issue, found the number {}",
                            fmt_num(*x)
                        ),
                    );
                    None
                }
                (_, ObservedValueFile::Label(l)) => {
                    self.c
                        .error(&path, format!("expected a number, found the label {l:?}"));
                    None
                }
            };
            match value {
                Some(v) => values.push(v),
                None => ok = false,
            }
        }
        let date = match &o.date {
            None => None,
            Some(text) => match crate::date::parse_date(text) {
                Some(d) => Some(d),
                None => {
                    self.c.error("observed.date", crate::date::date_error(text));
                    ok = false;
                    None
                }
            },
        };
        if let Some(src) = o.source.as_deref() {
            self.c
                .reject_control_chars(vec![("observed.source".into(), src, true)]);
        }
        ok.then(|| PackageObserved {
            values,
            date,
            source: o.source.clone(),
        })
    }

    pub(super) fn c_doc_start(&self, path: &str) -> usize {
        self.c.doc_start(path)
    }
}

/// The value index of an observed value on issue `j` (a number to its nearest grid
/// point); `None` if it has none.
pub(super) fn observed_index(space: &OutcomeSpace, j: usize, v: &ObservedValue) -> Option<usize> {
    let issue = &space.issues()[j];
    match (v, &issue.kind) {
        (ObservedValue::Label(l), IssueKind::Choice { labels }) => {
            labels.iter().position(|x| x == l)
        }
        (ObservedValue::Number(x), _) => (0..space.size(j)).min_by(|&a, &b| {
            let d = |k: usize| issue.numeric(k).map_or(f64::INFINITY, |y| (y - x).abs());
            d(a).total_cmp(&d(b))
        }),
        (ObservedValue::Integer(x), _) => {
            (0..space.size(j)).find(|&k| issue.numeric(k) == Some(*x as f64))
        }
        _ => None,
    }
}
