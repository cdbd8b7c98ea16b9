//! `[run]`, text fields, the whole file compiled, and the warnings at central and sampled values.

use bargain_core::{Model, Negotiation, Party, Side};

use crate::fields::{self, Absent, Scope, Slot};

use crate::error::{Diagnostic, did_you_mean, suggest};
use crate::file::{RunFile, SamplerKey, ScenarioFile, SideKey};
use crate::sample::Plan;
use crate::span::{index, join};
use crate::{Observed, RunSpec, SampleCtx, Sampler};

use super::{
    Checker, Compiled, DEFAULT_TRIALS, MAX_NAME_LEN, MAX_ROUNDS, MAX_TRIALS, WARNING_SAMPLE,
    fmt_num, forbidden_char_message, is_forbidden_char, meta_text_fields, widens,
};

/// Whether `k` is a key of lowercase letters, digits, `-` and `_` (party and issue keys).
pub(crate) fn is_key(k: &str) -> bool {
    !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

impl Checker<'_, '_> {
    pub(super) fn run(&mut self, f: &ScenarioFile) -> Option<RunSpec> {
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

    /// `[scenario] name`, the one rule of one-issue and package files: lowercase letters,
    /// digits and `-`, at most [`MAX_NAME_LEN`] characters (it names the report folder).
    pub(crate) fn scenario_name(&mut self, name: &str) {
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
    }

    /// Party keys usable in field paths ([`is_key`]), the one rule of one-issue and
    /// package files; each other key is an error at `parties.KEY`.
    pub(crate) fn party_keys<'k>(&mut self, keys: impl IntoIterator<Item = &'k str>) {
        for k in keys {
            if !is_key(k) {
                self.error(
                    &join("parties", k),
                    format!("expected a party key of lowercase letters, digits, `-` and `_`, found {k:?}"),
                );
            }
        }
    }

    /// Reject control characters (and the XML-invalid U+FFFE, U+FFFF) in text that
    /// reaches the terminal, SVG and XML: none in one-line fields, only tab and newline in
    /// `description` and `sources`.
    pub(super) fn text_fields(&mut self, f: &ScenarioFile) {
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
    /// (or U+FFFE, U+FFFF, or a bidirectional control); tab and newline are allowed where the text may span lines.
    pub(crate) fn reject_control_chars(&mut self, fields: Vec<(String, &str, bool)>) {
        for (path, text, multi_line) in fields {
            let bad = text
                .chars()
                .find(|&c| is_forbidden_char(c) && !(multi_line && (c == '\n' || c == '\t')));
            if let Some(c) = bad {
                self.error(&path, forbidden_char_message("text", c));
            }
        }
    }

    /// Check and compile the whole file.
    pub(crate) fn compile(
        mut self,
        f: &ScenarioFile,
    ) -> Result<Compiled, (Vec<Diagnostic>, Vec<Diagnostic>)> {
        self.scenario_name(&f.scenario.name);
        self.text_fields(f);
        let as_of = self.forecast_checks(&f.scenario);
        let baseline = f.baseline.as_ref().and_then(|b| {
            crate::forecast::check_baseline(b, self.doc, self.origin, &mut self.errors)
        });
        let run = self.run(f);
        // Context quantities first: expressions in any other number may name them.
        self.context(&f.context);

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
        self.party_keys(keys.iter().copied());
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
            let hint = did_you_mean(first, keys.iter().copied());
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
                Some(text) => match crate::date::parse_date(text) {
                    Some(d) => Some(d),
                    None => {
                        self.error("observed.date", crate::date::date_error(text));
                        return None;
                    }
                },
            };
            if let (Some(d), Some(Some((_, dates)))) = (date, &calendar)
                && let Some(message) = super::calendar::observed_date_outside(d, dates)
            {
                self.warn("observed.date", message);
            }
            Some(Observed {
                amount: o.amount,
                round: o.round,
                date,
                source: o.source.clone(),
            })
        });

        let events = self.events(
            f,
            calendar.as_ref().and_then(|c| c.as_ref()).map(|(_, d)| d),
        );
        let inputs = std::mem::take(&mut self.inputs);
        let copula = self.correlations(&f.correlation, &inputs);
        self.inputs = inputs;
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
        let links = self.take_links(copula.flatten());
        let plan = Plan {
            central,
            inputs: std::mem::take(&mut self.inputs),
            links,
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
            as_of,
            baseline,
            events,
        })
    }

    /// Warnings about the sampled trials: the first [`WARNING_SAMPLE`] trials of the run
    /// (with the file's seed, trial count and sampler), drawn exactly as the ensemble
    /// draws them, so the warning is deterministic. Skipped when nothing is uncertain
    /// (the central warnings already cover that case).
    pub(super) fn sampled_warnings(&mut self, plan: &Plan, run: &RunSpec, keys: &[String; 2]) {
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
    pub(super) fn central_warnings(&mut self, n: &Negotiation, keys: &[String; 2]) {
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
