//! Scenario files: parsing, validation and sampling.
//!
//! A scenario is a TOML file (see `docs/scenarios.md`) describing two parties, the
//! protocol and the ensemble settings; every numeric input may be a distribution.
//! [`Scenario::parse`] checks it completely (every error names `file:line:col`, the
//! field path, what was expected and what was found) and compiles it into a sampling
//! plan, so that [`Scenario::sample`] allocates nothing.
//!
//! Modules: `file` (serde types = the file format and the JSON schema), `fields` (the
//! one table of the numeric fields, from which checks, inputs, sweep paths, labels and
//! the docs' field tables are derived), `span`
//! (field paths ↔ line:column), `validate` (semantic checks and compilation), `dist`
//! (compiled distributions), `lhs` (Latin-hypercube permutations), `sample` (the
//! sampling plan), `error` ([`ScenarioError`]).

mod context;
mod correlation;
pub mod date;
mod dist;
mod error;
mod events;
mod fields;
mod file;
mod forecast;
pub mod genius;
pub mod input;
pub mod issues;
pub mod knobs;
mod labels;
mod lhs;
mod rng;
mod sample;
pub mod set;
mod span;
mod sweep;
mod validate;

use std::path::Path;
use std::sync::Arc;

use bargain_core::{Model, Negotiation, Side};
use rand_xoshiro::Xoshiro256PlusPlus;

pub use error::{Diagnostic, ScenarioError};
pub use events::{EventDraw, EventInfo};
pub use fields::{docs_blocks as field_docs_blocks, keys as field_keys};
pub use forecast::{Baseline, INFORMATION_WARNING, TREND_YEARS};
pub use labels::preset_name;
pub use rng::{input_rng, splitmix64, stream_key, trial_rng};
pub use set::Override;
pub use sweep::{MAX_SWEEP_PATHS, MAX_SWEEP_VALUES, SweepAxis, parse_values as parse_sweep_values};

use file::ScenarioFile;
use sample::Plan;
use span::Doc;

/// Largest scenario file accepted (1 MiB).
pub const MAX_FILE_BYTES: usize = 1 << 20;

/// How inputs are drawn across trials.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Sampler {
    /// Independent draws for every trial.
    #[default]
    MonteCarlo,
    /// Latin hypercube: each input's marginal is stratified into `trials` equal-probability strata.
    LatinHypercube,
}

impl Sampler {
    /// The name used in scenario files (`monte-carlo`, `latin-hypercube`).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Sampler::MonteCarlo => "monte-carlo",
            Sampler::LatinHypercube => "latin-hypercube",
        }
    }
}

/// The `[run]` table: ensemble settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunSpec {
    /// Number of trials (1..=10^12; default 100000).
    pub trials: u64,
    /// Master seed (default 0).
    pub seed: u64,
    /// Models to run, in file order, each once (default `[agents]`).
    pub models: Vec<Model>,
    /// How inputs are drawn (default Monte Carlo).
    pub sampler: Sampler,
}

/// The `[observed]` table: the real outcome, for comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct Observed {
    /// The agreed amount.
    pub amount: f64,
    /// The round of the agreement, if known.
    pub round: Option<u32>,
    /// The day the deal was struck or initialled (days from 1970-01-01), if known.
    pub date: Option<i64>,
    /// Where it is documented.
    pub source: Option<String>,
}

/// The dates of a `[calendar]` table, as day numbers (days from 1970-01-01; see
/// [`date`]). Rounds fall on `start + Calendar::day(round)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CalendarDates {
    /// The first round.
    pub start: i64,
    /// The last day the current agreement holds.
    pub expiry: i64,
    /// The last day of talks, if any.
    pub end: Option<i64>,
    /// The last day of the calendar: the later of the expiry and the last day any draw
    /// can strike a deal on (the end, or without one the last of `max_rounds` rounds at
    /// the largest `round_months`). At most [`MAX_CALENDAR_DAYS`] after `start`: per-day
    /// and per-month tables are sized by it.
    pub last: i64,
}

/// Most years a `[calendar]` may span from its `start`: the expiry, the end and, without
/// an end, every round any draw can reach lie within them (checked by validation).
pub const MAX_CALENDAR_YEARS: u32 = 50;
/// [`MAX_CALENDAR_YEARS`] in days (50 mean Gregorian years, 50 × 365.2425, rounded down).
pub const MAX_CALENDAR_DAYS: u32 = 18_262;

/// Which trial is being sampled (the Latin-hypercube strata depend on it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SampleCtx {
    /// 0-based trial index, `< trials`.
    pub trial: u64,
    /// Total number of trials of the run.
    pub trials: u64,
    /// The run's master seed.
    pub seed: u64,
}

/// A checked scenario, compiled for sampling.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// Short id (`[a-z0-9-]+`).
    pub name: String,
    /// Human title (defaults to the name).
    pub title: String,
    /// Label for amounts, e.g. `trillion KRW` (may be empty).
    pub unit: String,
    /// Free text (may be empty).
    pub description: String,
    /// Sources of the numbers.
    pub sources: Vec<String>,
    /// Ensemble settings.
    pub run: RunSpec,
    /// The real outcome, if given.
    pub observed: Option<Observed>,
    /// The calendar's dates, if the scenario has a `[calendar]`.
    pub calendar: Option<CalendarDates>,
    /// The day the forecast is made (`[scenario] as_of`, days from 1970-01-01), if given.
    pub as_of: Option<i64>,
    /// The naive forecasts the backtest scores against (`[baseline]`), if given.
    pub baseline: Option<Baseline>,
    /// The `[sweep]` table (empty without one): used by `bargain sweep`, ignored by runs.
    pub sweep: Vec<SweepAxis>,
    plan: Plan,
    events: Arc<events::EventPlan>,
    source: Arc<Source>,
    party_keys: [String; 2],
    party_names: [String; 2],
    warnings: Vec<String>,
}

/// The text a scenario was parsed from, kept to build variants with fields overridden.
#[derive(Debug)]
struct Source {
    text: String,
    origin: String,
    number_paths: Vec<String>,
    /// The negotiator types a sweep may set to a preset name.
    choice_paths: Vec<String>,
}

/// The embedded SMA 2019 scenario.
const SMA_2019: &str = include_str!("../../../scenarios/sma-2019.toml");

impl Scenario {
    /// Read and parse a scenario file. Files that are empty, over 1 MiB or not UTF-8 are rejected.
    ///
    /// # Errors
    /// Any problem with the file, as a [`ScenarioError`] naming `file:line:col` and the field.
    pub fn from_path(path: &Path) -> Result<Scenario, ScenarioError> {
        let (text, origin) = read_path(path)?;
        Scenario::parse(&text, &origin)
    }

    /// Parse a scenario from `text` with `sets` applied first (see [`set`]): problems at an
    /// overridden field are reported at the override. Returns the scenario and the text it
    /// was parsed from (the file with the overrides in place).
    ///
    /// # Errors
    /// As [`Scenario::parse`], and an override that cannot be applied.
    pub fn parse_with(
        text: &str,
        origin: &str,
        sets: &[Override],
    ) -> Result<(Scenario, String), ScenarioError> {
        let edited = set::apply(text, origin, sets)?;
        let scenario = Scenario::parse(&edited, origin).map_err(|e| set::relocate(e, sets))?;
        Ok((scenario, edited))
    }

    /// Parse a scenario from `text`; `origin` (usually the file name) prefixes every message.
    ///
    /// # Errors
    /// TOML syntax, types, unknown keys and every semantic check, as a [`ScenarioError`].
    pub fn parse(text: &str, origin: &str) -> Result<Scenario, ScenarioError> {
        let doc = read_doc(text, origin)?;
        if doc.has_root_key("issues") {
            // A package scenario: report its own errors, else say it is not one-issue.
            issues::PackageScenario::parse_doc(text, &doc, origin)?;
            let pos = doc.locate_path("issues");
            return Err(ScenarioError::new(vec![Diagnostic {
                origin: origin.to_owned(),
                line: pos.line,
                column: pos.column,
                path: "issues".into(),
                message: "expected a one-issue scenario, found a valid package scenario (it has `[issues]`); package scenarios are taken by `run` (files, folders, shards, trials files), `merge`, `replay`, `explain`, `sweep`, `sensitivity`, `compare`, `backtest`, `validate` and every Python function, not yet by this command".into(),
            }]));
        }
        let file: ScenarioFile = deserialize(text, &doc, origin)?;
        let mut scenario = Scenario::compile(&file, &doc, text, origin)?;
        scenario.sweep = sweep::check(&file, &doc, origin).map_err(ScenarioError::new)?;
        Ok(scenario)
    }

    /// Check and compile a deserialized file (the sweep is left empty).
    fn compile(
        file: &ScenarioFile,
        doc: &Doc<'_>,
        text: &str,
        origin: &str,
    ) -> Result<Scenario, ScenarioError> {
        let compiled = validate::Checker::new(doc, origin)
            .compile(file)
            .map_err(|(errors, _)| ScenarioError::new(errors))?;
        let meta = file.scenario.clone();
        Ok(Scenario {
            title: meta.title.unwrap_or_else(|| meta.name.clone()),
            name: meta.name,
            unit: meta.unit.unwrap_or_default(),
            description: meta.description.unwrap_or_default(),
            sources: meta
                .sources
                .iter()
                .map(forecast::SourceFile::line)
                .collect(),
            run: compiled.run,
            observed: compiled.observed,
            calendar: compiled.calendar,
            as_of: compiled.as_of,
            baseline: compiled.baseline,
            sweep: Vec::new(),
            plan: compiled.plan,
            events: Arc::new(compiled.events),
            source: Arc::new(Source {
                text: text.to_owned(),
                origin: origin.to_owned(),
                number_paths: sweep::number_paths(file),
                choice_paths: sweep::choice_paths(file),
            }),
            party_keys: compiled.party_keys,
            party_names: compiled.party_names,
            warnings: compiled.warnings,
        })
    }

    /// The numeric field paths that [`Scenario::with_overrides`] and sweeps may set
    /// (`protocol.max_rounds`, `protocol.breakdown_risk`, each party's amounts, discount,
    /// power and the numeric fields of its strategy kind).
    #[must_use]
    pub fn number_paths(&self) -> &[String] {
        &self.source.number_paths
    }

    /// Check that `path` names a numeric field of this scenario.
    ///
    /// # Errors
    /// `unknown field path (did you mean …?)`.
    pub fn check_number_path(&self, path: &str) -> Result<(), String> {
        if self.source.number_paths.iter().any(|p| p == path) {
            Ok(())
        } else {
            Err(sweep::unknown_path_message(path, &self.source.number_paths))
        }
    }

    /// One `--sweep PATH=VALUES` axis: numbers (`1.2,1.4,2` or `from:to:steps`) for a
    /// numeric field, preset names (`boulware,conceder`) for a negotiator type
    /// (`parties.kr.strategy.preset`).
    ///
    /// # Errors
    /// An unknown path (with a did-you-mean hint) or values the field cannot take.
    pub fn sweep_axis(&self, path: &str, values: &str) -> Result<SweepAxis, String> {
        sweep::axis_from_text(
            &self.source.number_paths,
            &self.source.choice_paths,
            path,
            values,
        )
    }

    /// This scenario with each `(field path, value)` replaced by that constant: the same
    /// file, re-checked, so a value the field cannot take is reported as a scenario error
    /// at the field. Setting a strategy's `exponent` (or `beta`) drops its `preset`.
    /// The result keeps this scenario's sweep.
    ///
    /// # Errors
    /// An unknown path, or a variant that fails any check.
    pub fn with_overrides(&self, overrides: &[(&str, f64)]) -> Result<Scenario, ScenarioError> {
        let Source { text, origin, .. } = &*self.source;
        let fail = |path: &str, message: String| {
            ScenarioError::new(vec![Diagnostic {
                origin: origin.clone(),
                line: 1,
                column: 1,
                path: path.to_owned(),
                message,
            }])
        };
        let (root, _) = toml::de::DeTable::parse_recoverable(text);
        let doc = Doc::new(text, Some(root));
        let mut file: ScenarioFile =
            toml::from_str(text).map_err(|e| fail("", format!("invalid TOML: {}", e.message())))?;
        for (path, x) in overrides {
            if !sweep::set_number(&mut file, path, *x) {
                let mut paths = self.source.number_paths.clone();
                paths.extend(self.source.choice_paths.iter().cloned());
                return Err(fail(path, sweep::unknown_path_message(path, &paths)));
            }
        }
        // A fixed input is no longer uncertain: its correlations go from the variant's
        // file, and the base's copula comes back below over the base's input list (the
        // fixed input's held place yields its value; the others keep their draws).
        file.correlation.retain(|c| {
            !c.between
                .iter()
                .any(|p| overrides.iter().any(|(o, _)| o == p))
        });
        let mut variant = Scenario::compile(&file, &doc, text, origin)?;
        variant.sweep = self.sweep.clone();
        variant.hold_base_streams(self, overrides);
        variant
            .plan
            .links
            .copula
            .clone_from(&self.plan.links.copula);
        Ok(variant)
    }

    /// Keep the base scenario's input list in a variant: every input of `base` that the
    /// variant no longer draws (a field fixed by `overrides`, or a preset dropped because
    /// its exponent was fixed) goes back at its place as a held input, which yields the
    /// fixed value (or is not applied), so the variant's inputs (names, columns) are the
    /// base's. Every input draws from its own stream keyed by its path, so trial `t` of
    /// the variant draws every other input exactly as trial `t` of `base` does, and a
    /// variant that fixes a field at the value the base already has reproduces `base` bit
    /// for bit.
    fn hold_base_streams(&mut self, base: &Scenario, overrides: &[(&str, f64)]) {
        let mut inputs = Vec::with_capacity(base.plan.inputs.len());
        let mut own = std::mem::take(&mut self.plan.inputs).into_iter().peekable();
        for b in &base.plan.inputs {
            if own.peek().is_some_and(|v| v.name == b.name) {
                if let Some(v) = own.next() {
                    inputs.push(v);
                }
                continue;
            }
            let mut fixed = overrides
                .iter()
                .find(|(p, _)| *p == b.name)
                .map(|&(_, x)| x);
            let mut held = b.clone();
            if !b.presets.is_empty()
                && let Some(x) = fixed
            {
                // A swept negotiator type: `x` indexes `SWEPT_PRESETS`, not the base's
                // choice list; the held input yields index 0 of its one preset.
                held.presets = sweep::SWEPT_PRESETS
                    .get(x as usize)
                    .map(|k| vec![k.to_core()])
                    .unwrap_or_default();
                fixed = Some(0.0);
            }
            held.dist = dist::Dist::Held(Box::new(b.dist.clone()), fixed);
            if fixed.is_none() {
                // Not applied: the variant no longer has this field (a preset dropped
                // for a fixed exponent, an exponent dropped for a fixed preset).
                held.target = sample::Target::Unapplied;
            }
            inputs.push(held);
        }
        // Inputs only the variant has (none today: overrides only fix fields) keep their order.
        inputs.extend(own);
        self.plan.inputs = inputs;
    }

    /// The negotiation at the quantiles `u` of the inputs (one value in `[0, 1]` per
    /// input, in [`Scenario::input_names`] order): input `j` is its distribution's inverse
    /// CDF at `u[j]` (rounded for `max_rounds`; for a `choice`, the option whose
    /// cumulative weight first exceeds `u[j]`). The values are written to `inputs` as in
    /// [`Scenario::sample`]. Used by variance-based sensitivity analysis. Allocates nothing.
    pub fn at_quantiles(&self, u: &[f64], inputs: &mut [f64]) -> Negotiation {
        self.plan.at_quantiles(u, inputs)
    }

    /// The negotiation with every input at its value of largest magnitude where that is
    /// finite (a choice's largest option, a bounded range's end), the others central:
    /// with [`Scenario::at_quantiles`] at 0 and 1, it bounds what a trial can hold (the
    /// quantizers of the exact accumulators are sized from it).
    pub fn at_largest(&self, inputs: &mut [f64]) -> Negotiation {
        self.plan.at_largest(inputs)
    }

    /// The SMA 2019 scenario (`scenarios/sma-2019.toml`), embedded in the binary.
    ///
    /// # Panics
    /// Never in a released build: the embedded file is checked by the test suite.
    #[must_use]
    pub fn builtin_sma_2019() -> Scenario {
        match Scenario::parse(SMA_2019, "scenarios/sma-2019.toml") {
            Ok(s) => s,
            Err(e) => panic!("the embedded scenario is invalid:\n{e}"),
        }
    }

    /// The text of the embedded SMA 2019 scenario (for `bargain init` or similar).
    #[must_use]
    pub fn builtin_sma_2019_text() -> &'static str {
        SMA_2019
    }

    /// JSON schema of the scenario file format, generated from the serde types.
    #[must_use]
    pub fn json_schema() -> serde_json::Value {
        schemars::schema_for!(ScenarioFile).to_value()
    }

    /// Field paths of the inputs that are distributions, in sampling order: the
    /// columns of `trials.csv` and the inputs of the sensitivity analysis.
    ///
    /// The order is fixed, that of the field table (`fields.rs`), not the file's:
    /// `protocol.max_rounds`, `protocol.breakdown_risk`, `calendar.round_months`, then
    /// each party by key in alphabetical order with `opening`, `reservation`, `discount`,
    /// `power`, `ratification`, `outside_option`, `lapse_cost`, then its `strategy.*`
    /// fields (`preset` first).
    #[must_use]
    pub fn input_names(&self) -> Vec<String> {
        self.plan.inputs.iter().map(|i| i.name.clone()).collect()
    }

    /// Whether the inputs at field paths `a` and `b` are both under a declared
    /// `[[correlation]]` (of any pair): `bargain calibrate`'s `rank` knob leaves such a
    /// scenario as written.
    #[must_use]
    pub fn correlates(&self, a: &str, b: &str) -> bool {
        let Some(c) = &self.plan.links.copula else {
            return false;
        };
        let in_copula = |p: &str| {
            self.plan
                .inputs
                .iter()
                .position(|i| i.name == p)
                .is_some_and(|j| c.slot(j).is_some())
        };
        in_copula(a) && in_copula(b)
    }

    /// Whether input `j` (in [`Scenario::input_names`] order) is the value of an
    /// expression over `[context]` (computed from the context quantities, not drawn): a
    /// column of `trials.csv`, but not an input of the sensitivity analysis.
    #[must_use]
    pub fn is_derived(&self, j: usize) -> bool {
        self.plan
            .inputs
            .get(j)
            .is_some_and(|i| matches!(i.dist, dist::Dist::Derived { .. }))
    }

    /// Number of inputs (the length of [`Scenario::input_names`]).
    #[must_use]
    pub fn input_count(&self) -> usize {
        self.plan.inputs.len()
    }

    /// Draw one negotiation.
    ///
    /// Every distribution is drawn once, in [`Scenario::input_names`] order, each from its
    /// own stream [`input_rng`]`(seed, trial, `[`stream_key`]`(path))`: an input's value
    /// depends on the seed, the trial and its field path only, so adding, removing or
    /// fixing another input never changes it. The value drawn for input `j` is written
    /// to `inputs[j]` (for a `choice` of preset names: the index of the preset chosen;
    /// for `max_rounds`: the rounded value). `inputs` should have
    /// [`Scenario::input_count`] slots; extra slots are left untouched, missing ones
    /// skipped. Allocates nothing.
    pub fn sample(&self, ctx: SampleCtx, inputs: &mut [f64]) -> Negotiation {
        self.plan.sample(self.run.sampler, ctx, inputs)
    }

    /// Draw trial `ctx.trial` as every command does: [`Scenario::sample`], and the trial's
    /// own generator [`trial_rng`]`(ctx.seed, ctx.trial)`, untouched by the inputs, which
    /// the models' draws (breakdown) continue from. Allocates nothing.
    pub fn draw_trial(
        &self,
        ctx: SampleCtx,
        inputs: &mut [f64],
    ) -> (Negotiation, Xoshiro256PlusPlus) {
        self.plan.draw_trial(self.run.sampler, ctx, inputs)
    }

    /// Whether trials negotiate under a timeline (`[[events]]`, or `on_veto = "resume"`):
    /// then [`Scenario::draw_timeline`] gives each trial's and the models run with
    /// `Negotiation::outcome_in`.
    #[must_use]
    pub fn has_timeline(&self) -> bool {
        self.events.active()
    }

    /// Draw trial `ctx`'s events for its sampled negotiation `n` into `out` (cleared
    /// first; its veto rule set): each event's draws come from its own streams, so the
    /// other inputs keep theirs. An event that changes `round_months` changes `n`'s
    /// calendar (its pace), on which the events' rounds are then set. An event that
    /// changes a `[context]` quantity starts from the trial's context values in `inputs`
    /// (the trial's input values as [`Scenario::sample`] or [`Scenario::at_quantiles`]
    /// wrote them; drawn again when `inputs` is shorter than [`Scenario::input_count`])
    /// and sets every input whose expression reads it, from its date on. Allocates
    /// nothing.
    pub fn draw_timeline(
        &self,
        ctx: SampleCtx,
        inputs: &[f64],
        n: &mut Negotiation,
        out: &mut bargain_core::events::Timeline,
    ) {
        let sampler = self.run.sampler;
        let context = self.events.needs_context().then(|| {
            let links = &self.plan.links;
            (
                links,
                links.trial_context(&self.plan.inputs, inputs, sampler, ctx),
            )
        });
        self.events
            .draw(sampler, ctx, n, out, context.as_ref().map(|(l, v)| (*l, v)));
    }

    /// The columns of the events' own draws (`events.<i>.date` for an event whose date is
    /// a range, `events.<i>.happens` for one with a probability below 1), in file order;
    /// empty for a scenario whose events draw nothing.
    #[must_use]
    pub fn event_draws(&self) -> Vec<EventDraw> {
        self.events.draw_columns()
    }

    /// Trial `ctx`'s values of [`Scenario::event_draws`] into `out` (same length): a date
    /// as days from the calendar's start, whether it happens as 1 or 0 (the very draws of
    /// [`Scenario::draw_timeline`]; a date is given even when the event does not happen).
    pub fn event_draw_values(&self, ctx: SampleCtx, out: &mut [f64]) {
        self.events.draw_values(self.run.sampler, ctx, out);
    }

    /// The scenario's events as the reports show them, in file order.
    #[must_use]
    pub fn events(&self) -> &[EventInfo] {
        &self.events.info
    }

    /// The veto rule (`[calendar] on_veto`).
    #[must_use]
    pub fn on_veto(&self) -> bargain_core::events::OnVeto {
        self.events.on_veto
    }

    /// The negotiation at central values: every distribution replaced by its median
    /// (a `choice` by its most likely option, the first on ties).
    #[must_use]
    pub fn central(&self) -> Negotiation {
        self.plan.central.clone()
    }

    /// The negotiation at central values ([`Scenario::central`]) with its timeline at
    /// central values: each event that happens in at least half of the trials, on the
    /// middle day of its date range, with the median of each drawn value (and the
    /// calendar's changes of pace). What `bargain explain` shows.
    #[must_use]
    pub fn central_timeline(&self) -> (Negotiation, bargain_core::events::Timeline) {
        let mut n = self.central();
        let mut timeline = bargain_core::events::Timeline::default();
        let context = self.plan.links.context_values();
        let links = Some((&self.plan.links, &context)).filter(|_| self.events.needs_context());
        if let Some(paced) = self
            .events
            .central_on(n.calendar.as_ref(), &mut timeline, links)
        {
            n.calendar = Some(paced);
        }
        (n, timeline)
    }

    /// Semantic warnings that do not stop a run, as `file:line:col: path: message` lines.
    #[must_use]
    pub fn warnings(&self) -> Vec<String> {
        self.warnings.clone()
    }

    /// The key of the party on `side` in the file (e.g. `us`).
    #[must_use]
    pub fn party_key(&self, side: Side) -> &str {
        &self.party_keys[usize::from(side == Side::Payer)]
    }

    /// The display name of the party on `side` (its `name`, or its key).
    #[must_use]
    pub fn party_name(&self, side: Side) -> &str {
        &self.party_names[usize::from(side == Side::Payer)]
    }
}

/// Read a scenario file as text: files that are empty, over 1 MiB or not UTF-8 are
/// rejected with a located error. Returns the text and its origin (the path as shown).
fn read_path(path: &Path) -> Result<(String, String), ScenarioError> {
    let origin = path.display().to_string();
    let file_error = |line, column, message: String| {
        ScenarioError::new(vec![Diagnostic {
            origin: origin.clone(),
            line,
            column,
            path: String::new(),
            message,
        }])
    };
    let bytes = crate::input::read_bytes(path, MAX_FILE_BYTES as u64)
        .map_err(|e| file_error(1, 1, e.message))?;
    match String::from_utf8(bytes) {
        Ok(text) => Ok((text, origin)),
        Err(e) => {
            let bytes = e.as_bytes();
            let upto = e.utf8_error().valid_up_to();
            let valid = &bytes[..upto];
            let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
            let line_start = valid.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
            let column = String::from_utf8_lossy(&valid[line_start..])
                .chars()
                .count()
                + 1;
            Err(file_error(
                line,
                column,
                format!(
                    "expected UTF-8 text, found an invalid byte 0x{:02x}",
                    bytes[upto]
                ),
            ))
        }
    }
}

/// The checks every scenario text goes through first: size, emptiness and TOML syntax.
fn read_doc<'t>(text: &'t str, origin: &str) -> Result<Doc<'t>, ScenarioError> {
    let fail = |line, column, path: String, message: String| {
        ScenarioError::new(vec![Diagnostic {
            origin: origin.to_owned(),
            line,
            column,
            path,
            message,
        }])
    };
    if text.len() > MAX_FILE_BYTES {
        return Err(fail(
            1,
            1,
            String::new(),
            format!(
                "expected at most {MAX_FILE_BYTES} bytes, found {} bytes",
                text.len()
            ),
        ));
    }
    if text.trim().is_empty() {
        return Err(fail(
            1,
            1,
            String::new(),
            "expected a scenario (at least `[scenario]`, `[protocol]` and two `[parties.*]`), found an empty file".into(),
        ));
    }
    let (root, syntax) = toml::de::DeTable::parse_recoverable(text);
    let doc = Doc::new(text, Some(root));
    if let Some(e) = syntax.first() {
        let span = e.span().unwrap_or(0..0);
        let pos = doc.pos(span.start);
        return Err(fail(
            pos.line,
            pos.column,
            doc.path_at(&span),
            format!("invalid TOML: {}", e.message().trim()),
        ));
    }
    Ok(doc)
}

/// Deserialize `text` into the file type `T`; a serde error becomes a located diagnostic
/// (a missing key points at the table that lacks it).
/// The TOML date or date-time literal (`2019-01-01`, `2019-01-01T10:00:00Z`) that starts
/// at `span` in `text`, if one does.
fn toml_date_literal<'t>(text: &'t str, span: &std::ops::Range<usize>) -> Option<&'t str> {
    let rest = text.get(span.start..)?;
    let raw = rest
        .split(|c: char| c.is_whitespace() || c == ',' || c == '}' || c == ']' || c == '#')
        .next()?;
    let b = raw.as_bytes();
    let date = b.len() >= 10
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5..7].iter().all(u8::is_ascii_digit)
        && b[7] == b'-'
        && b[8..10].iter().all(u8::is_ascii_digit);
    date.then_some(raw)
}

fn deserialize<T: serde::de::DeserializeOwned>(
    text: &str,
    doc: &Doc<'_>,
    origin: &str,
) -> Result<T, ScenarioError> {
    toml::from_str(text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        let (mut message, missing) = error::rewrite_serde_message(e.message());
        if let Some(raw) = toml_date_literal(text, &span)
            && let Some(head) = message.strip_suffix("found map")
        {
            // TOML reads an unquoted `2019-01-01` as a date-time value (a map to serde).
            message = format!(
                "{head}found the unquoted TOML date {raw}; dates are text here: write \"{raw}\""
            );
        }
        let mut path = doc.path_at(&span);
        let mut pos = doc.pos(span.start);
        if let Some(key) = missing {
            // Point at the table that lacks the key (its header), or 1:1 for the root.
            if path.is_empty() {
                pos = doc.pos(0);
            }
            path = span::join(&path, &key);
        }
        ScenarioError::new(vec![Diagnostic {
            origin: origin.to_owned(),
            line: pos.line,
            column: pos.column,
            path,
            message,
        }])
    })
}
