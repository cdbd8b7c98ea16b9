//! Package scenarios: agreements over several issues (`[issues.KEY]`) with linear-additive
//! utilities per party (`[parties.P.utility]`), checked with located errors and compiled
//! into a [`bargain_core::package`] outcome space plus per-trial preferences.
//!
//! A scenario is a package scenario when it has an `[issues]` table; one-issue scenarios
//! are untouched (see [`crate::Scenario`]). The format is documented in
//! `docs/scenarios.md` ("Package scenarios"). Issue ranges are constants (the outcome
//! space is the same in every trial); weights, reservations, the `y` of `points`, table
//! entries, `discount`, `power`, `max_rounds` and the strategy's numbers may be
//! distributions.

use std::fmt;
use std::path::Path;

use bargain_core::package::preferences::Preferences;
use bargain_core::package::space::{Exclusion, OutcomeSpace};
use bargain_core::package::tactics::Tactic;
use bargain_core::package::talks::Ratification;
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::dist::Dist;
use crate::error::ScenarioError;
use crate::fields::{At, FieldDef, Package, Scope};
use crate::file::StrategyKind;
use crate::span::Doc;
use crate::{CalendarDates, SampleCtx, Sampler};

mod compile;
mod events;
mod exclude;
mod file;
mod parts;
mod rules;
mod transfer;

use compile::Compiler;
use file::PackageFile;
pub use rules::amount_issue;

/// Tolerance on the sum of the central weights.
pub const WEIGHT_SUM_TOLERANCE: f64 = 1e-6;
/// Intervals of the grid of a `number` issue given without `step`.
pub const DEFAULT_NUMBER_INTERVALS: u32 = 100;
/// Most outcomes a package scenario may span.
pub const MAX_OUTCOMES: usize = 10_000_000;
/// The stream key path of the `agents` model's breakdown draws on packages (no input has
/// this path): one uniform per rejected offer, from a stream of its own, so that adding
/// `breakdown_risk` leaves every other draw of the trial unchanged.
pub const BREAKDOWN_STREAM: &str = "models.agents.breakdown";
/// The real value of one issue (`[observed]` of a package scenario).
#[derive(Debug, Clone, PartialEq)]
pub enum ObservedValue {
    /// A value of a `number` issue (inside its range, not necessarily on its grid).
    Number(f64),
    /// A value of an `integer` issue.
    Integer(i64),
    /// A label of a `choice` issue.
    Label(String),
}

impl fmt::Display for ObservedValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ObservedValue::Number(x) => write!(f, "{x}"),
            ObservedValue::Integer(x) => write!(f, "{x}"),
            ObservedValue::Label(s) => f.write_str(s),
        }
    }
}

/// The `[observed]` table of a package scenario: the real agreement, for backtesting.
#[derive(Debug, Clone, PartialEq)]
pub struct PackageObserved {
    /// One value per issue, in the outcome space's issue order.
    pub values: Vec<ObservedValue>,
    /// The day the deal was struck (days from 1970-01-01), if known.
    pub date: Option<i64>,
    /// Where it is documented.
    pub source: Option<String>,
}

/// A model that runs on packages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PackageModel {
    /// Alternating offers between the parties' negotiators (`strategy`: time-based,
    /// faratin, tit-for-tat or hardliner).
    Agents,
    /// Generalized Nash on the Pareto frontier (disagreement at the reservations).
    Nash,
    /// Kalai–Smorodinsky on the Pareto frontier.
    KalaiSmorodinsky,
    /// The rational outcome of largest utility sum.
    MaxWelfare,
    /// Rubinstein (1982) on the amount, the other issues at their efficient combination
    /// (`bargain_core::package::theory`; needs a transferable `amount` issue).
    Rubinstein,
    /// Ståhl (1972) on the amount, as [`PackageModel::Rubinstein`].
    Stahl,
    /// Binmore–Rubinstein–Wolinsky (1986) on the amount, as [`PackageModel::Rubinstein`]
    /// (`breakdown` is accepted as its former name, as on one issue).
    Brw,
}

impl PackageModel {
    /// Every package model, in report order.
    pub const ALL: [PackageModel; 7] = [
        PackageModel::Agents,
        PackageModel::Nash,
        PackageModel::KalaiSmorodinsky,
        PackageModel::MaxWelfare,
        PackageModel::Rubinstein,
        PackageModel::Stahl,
        PackageModel::Brw,
    ];

    /// The name used in scenario files.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            PackageModel::Agents => "agents",
            PackageModel::Nash => "nash",
            PackageModel::KalaiSmorodinsky => "kalai-smorodinsky",
            PackageModel::MaxWelfare => "max-welfare",
            PackageModel::Rubinstein => "rubinstein",
            PackageModel::Stahl => "stahl",
            PackageModel::Brw => "brw",
        }
    }

    /// Parse a model name (`breakdown`, `brw`'s former name, too).
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        if name == "breakdown" {
            return Some(PackageModel::Brw);
        }
        Self::ALL.into_iter().find(|m| m.as_str() == name)
    }

    /// The strategic closed form this model is, if it splits a transferable amount.
    #[must_use]
    pub fn split(self) -> Option<bargain_core::package::theory::SplitModel> {
        use bargain_core::package::theory::SplitModel;
        match self {
            PackageModel::Rubinstein => Some(SplitModel::Rubinstein),
            PackageModel::Stahl => Some(SplitModel::Stahl),
            PackageModel::Brw => Some(SplitModel::Brw),
            _ => None,
        }
    }
}

/// `[run]` of a package scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageRun {
    /// Number of trials.
    pub trials: u64,
    /// Master seed.
    pub seed: u64,
    /// Models, in file order (default `[agents]`).
    pub models: Vec<PackageModel>,
    /// How inputs are drawn.
    pub sampler: Sampler,
}

/// One party of a package trial.
#[derive(Debug, Clone, PartialEq)]
pub struct PackageParty {
    /// Utility (weights summing to 1), reservation and discount.
    pub preferences: Preferences,
    /// Bargaining power (> 0) for the generalized Nash solution.
    pub power: f64,
    /// The party's negotiator for the `agents` model (`strategy`).
    pub tactic: Tactic,
}

/// Everything one trial of a package scenario needs besides the outcome space.
#[derive(Debug, Clone, PartialEq)]
pub struct PackageTrial {
    /// Rounds (SAO steps, NegMAS's `n_steps`); with a calendar `end`, the rounds up to
    /// the end at the central `round_months` (the calendar decides: see
    /// `bargain_core::calendar::Calendar::total_rounds`).
    pub max_rounds: u32,
    /// The parties, the first mover first.
    pub parties: [PackageParty; 2],
    /// The calendar (`[calendar]`), if any, in days from its start. **`lapse_cost` holds
    /// each party's cost of a month of lapse in the unit of the amount issue, slot 0 the
    /// first mover and 1 the second** (the runner turns it into utility through each
    /// party's utility of the amount issue: `bargain_core::package::talks`).
    pub calendar: Option<bargain_core::Calendar>,
    /// Probability that the talks collapse after each rejected offer (`protocol.breakdown_risk`).
    pub breakdown_risk: f64,
    /// Each party's principal's limit on the amount issue (`parties.P.ratification`), the
    /// first mover first.
    pub ratification: [Option<Ratification>; 2],
    /// Each party's outside option (`parties.P.outside_option`), a utility, the first
    /// mover first: the better of it and `utility.reservation` is the reservation the
    /// models bargain from ([`PackageTrial::reservation`]).
    pub outside_option: [Option<f64>; 2],
    /// The `agents` model's breakdown draws: the stream keyed [`BREAKDOWN_STREAM`] of this
    /// trial, at its start (see [`PackageScenario::draw_trial`]).
    pub breakdown_rng: Xoshiro256PlusPlus,
    /// The trial's events and veto rule (`[[events]]`, `on_veto`), drawn by
    /// [`PackageScenario::draw_trial`]; empty in [`PackageScenario::central`]. Read only
    /// when [`PackageScenario::has_timeline`].
    pub timeline: bargain_core::events::Timeline,
}

impl PackageTrial {
    /// Party `i`'s (0 the first mover) effective reservation utility: the better of its
    /// `utility.reservation` and its outside option.
    #[must_use]
    pub fn reservation(&self, i: usize) -> f64 {
        let r = self.parties[i].preferences.reservation;
        self.outside_option[i].map_or(r, |w| r.max(w))
    }

    /// Whether the trial needs more than NegMAS's SAO loop: a calendar, a breakdown risk
    /// or a ratification limit.
    #[must_use]
    pub fn has_rules(&self) -> bool {
        self.calendar.is_some()
            || self.breakdown_risk > 0.0
            || self.ratification.iter().any(Option::is_some)
    }
}

/// Where a sampled value of a package scenario goes: a number of the field table (its
/// entry's [`Package::Input`] writes it).
#[derive(Clone, Copy)]
enum Target {
    /// A field of the table, at this party (and issue, point or label).
    Field(&'static FieldDef, At),
    /// `strategy.preset` of party `.1`: the value indexes the input's preset list, whose
    /// value goes to this shape field (`exponent`, `beta`).
    Preset(&'static FieldDef, usize),
    /// A `[context]` quantity: its value goes to this slot of the trial's context values
    /// (which expressions read), not into the trial.
    Context(usize),
}

impl Target {
    /// Whether the value goes to the field of `scope` keyed `key`.
    fn is(self, scope: Scope, key: &str) -> bool {
        matches!(self, Target::Field(d, _) if d.scope() == scope && d.key == key)
    }
}

impl fmt::Debug for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Field(def, at) => write!(f, "Field({}, {at:?})", def.key),
            Target::Preset(def, party) => write!(f, "Preset({}, {party})", def.key),
            Target::Context(slot) => write!(f, "Context({slot})"),
        }
    }
}

/// A package input that is a distribution.
#[derive(Debug, Clone)]
struct PkgInput {
    name: String,
    /// The key of the input's own random stream ([`crate::stream_key`] of `name`).
    stream: u64,
    dist: Dist,
    target: Target,
    integer: bool,
    presets: Vec<f64>,
}

crate::sample::impl_drawn!(PkgInput, Target::Context, PkgInput::event_key_of);

impl PkgInput {
    /// See [`crate::sample::Drawn::event_key`]: a party's `utility.reservation`
    /// (`reservation`), `outside_option`, `ratification`, `lapse_cost`, `discount`
    /// (which package events refuse); the protocol's `breakdown_risk`. On packages an
    /// event's side names the party's slot (payee the first mover).
    fn event_key_of(&self) -> Option<(bargain_core::events::Key, Option<bargain_core::Side>)> {
        use bargain_core::events::Key;
        let Target::Field(def, at) = self.target else {
            return None;
        };
        let side = if at.party == 0 {
            bargain_core::Side::Payee
        } else {
            bargain_core::Side::Payer
        };
        match def.scope() {
            Scope::Utility if def.key == crate::fields::package::RESERVATION => {
                Some((Key::Reservation, Some(side)))
            }
            Scope::Party => Key::from_name(def.key)
                .filter(|k| k.is_party())
                .map(|k| (k, Some(side))),
            Scope::Protocol => Key::from_name(def.key)
                .filter(|k| !k.is_party())
                .map(|k| (k, None)),
            _ => None,
        }
    }
}

/// A checked package scenario, compiled for sampling.
#[derive(Debug, Clone)]
pub struct PackageScenario {
    /// Short id.
    pub name: String,
    /// Human title (defaults to the name).
    pub title: String,
    /// Unit of the amount issue (`[scenario] unit`; empty when not given).
    pub unit: String,
    /// Free text.
    pub description: String,
    /// Sources of the numbers.
    pub sources: Vec<String>,
    /// Ensemble settings.
    pub run: PackageRun,
    /// Party keys, the first mover first.
    pub party_keys: [String; 2],
    /// Display names, the first mover first.
    pub party_names: [String; 2],
    /// The real agreement (`[observed]`), if given.
    pub observed: Option<PackageObserved>,
    /// The calendar's dates (`[calendar]`), if any.
    pub calendar: Option<CalendarDates>,
    space: OutcomeSpace,
    /// Each issue's unit (`issues.KEY.unit`; the amount issue defaults to [`Self::unit`]),
    /// empty when none, in the outcome space's issue order.
    pub issue_units: Vec<String>,
    /// `[[exclude]]` rules, compiled.
    exclusions: Vec<Exclusion>,
    /// One flag per outcome, `false` where a rule excludes it; `None` without rules.
    allowed: Option<Vec<bool>>,
    central: PackageTrial,
    inputs: Vec<PkgInput>,
    /// `[context]`, expressions and `[[correlation]]` (empty without them).
    links: crate::sample::Links,
    /// Per party: whether a weight is a distribution (draws are then normalised).
    random_weights: [bool; 2],
    /// Whether `protocol.breakdown_risk` is a distribution (or an event changes it).
    risk_is_input: bool,
    /// `[[events]]` and `on_veto`, compiled.
    events: crate::events::EventPlan,
    /// Per party (the first mover first): whether a ratification limit an event sets is
    /// a floor (the party values the amount rising) or a ceiling.
    limit_floor: [bool; 2],
    warnings: Vec<String>,
}

impl PackageScenario {
    /// Read and parse a package scenario file.
    ///
    /// # Errors
    /// Any problem with the file, located as for one-issue scenarios.
    pub fn from_path(path: &Path) -> Result<Self, ScenarioError> {
        let (text, origin) = crate::read_path(path)?;
        Self::parse(&text, &origin)
    }

    /// Parse a package scenario from `text` (`origin` prefixes every message).
    ///
    /// # Errors
    /// TOML syntax, types, unknown keys and every semantic check, located.
    pub fn parse(text: &str, origin: &str) -> Result<Self, ScenarioError> {
        let doc = crate::read_doc(text, origin)?;
        Self::parse_doc(text, &doc, origin)
    }

    /// Parse `text` with `--set` overrides applied first (as
    /// [`crate::Scenario::parse_with`]): problems at an overridden field are reported at
    /// the override. Returns the scenario and the edited text.
    ///
    /// # Errors
    /// As [`PackageScenario::parse`], and overrides that cannot be applied.
    pub fn parse_with(
        text: &str,
        origin: &str,
        sets: &[crate::set::Override],
    ) -> Result<(Self, String), ScenarioError> {
        let edited = crate::set::apply(text, origin, sets)?;
        let s = Self::parse(&edited, origin).map_err(|e| crate::set::relocate(e, sets))?;
        Ok((s, edited))
    }

    pub(crate) fn parse_doc(
        text: &str,
        doc: &Doc<'_>,
        origin: &str,
    ) -> Result<Self, ScenarioError> {
        let file: PackageFile = crate::deserialize(text, doc, origin)?;
        Compiler::new(doc, origin).compile(&file)
    }

    /// The JSON Schema of package scenario files (`bargain schema --package`), generated
    /// from the same types the parser reads.
    #[must_use]
    pub fn json_schema() -> serde_json::Value {
        let mut schema = schemars::schema_for!(PackageFile).to_value();
        // `[run]` is shared with one-issue files; its model names are the package models.
        let names: Vec<&str> = PackageModel::ALL.iter().map(|m| m.as_str()).collect();
        if let Some(models) = schema.pointer_mut("/$defs/ModelName") {
            models["enum"] = serde_json::json!(names);
            models["description"] = "A package model name.".into();
        }
        schema
    }

    /// Whether `text` is a package scenario (its root has an `issues` key); `false` for
    /// text that is not TOML.
    #[must_use]
    pub fn is_package(text: &str) -> bool {
        let (root, _) = toml::de::DeTable::parse_recoverable(text);
        root.get_ref().get("issues").is_some()
    }

    /// The outcome space (the same in every trial).
    #[must_use]
    pub fn space(&self) -> &OutcomeSpace {
        &self.space
    }

    /// The `[[exclude]]` rules (empty without any).
    #[must_use]
    pub fn exclusions(&self) -> &[Exclusion] {
        &self.exclusions
    }

    /// One flag per outcome of [`PackageScenario::space`], `false` for a contract that
    /// an `[[exclude]]` rule rules out; `None` when the file has no rule (every outcome
    /// is allowed).
    #[must_use]
    pub fn allowed(&self) -> Option<&[bool]> {
        self.allowed.as_deref()
    }

    /// The value index of the observed deal (`[observed]`) on issue `j`, a number taken to
    /// its nearest grid point; `None` without `[observed]`.
    #[must_use]
    pub fn observed_index(&self, j: usize) -> Option<usize> {
        let v = self.observed.as_ref()?.values.get(j)?;
        compile::observed_index(&self.space, j, v)
    }

    /// This scenario with every lapse cost multiplied by `factor` (`bargain calibrate`'s
    /// `lapse_scale`, as [`crate::Scenario::with_lapse_scale`] does on one-issue files):
    /// drawn ones scaled around zero (the same draws, so common random numbers hold),
    /// constant ones in place. Returns the variant and whether it has lapse costs at all
    /// (a `[calendar]`).
    #[must_use]
    pub fn with_lapse_scale(&self, factor: f64) -> (Self, bool) {
        let mut v = self.clone();
        for input in &mut v.inputs {
            if input.target.is(Scope::Party, "lapse_cost") {
                input.dist = Dist::Affine {
                    inner: Box::new(input.dist.clone()),
                    centre: 0.0,
                    factor,
                    lo: 0.0,
                    hi: f64::INFINITY,
                };
            }
        }
        let Some(c) = v.central.calendar.as_mut() else {
            return (v, false);
        };
        for cost in &mut c.lapse_cost {
            *cost *= factor;
        }
        (v, true)
    }

    /// Whether trials negotiate under a timeline (`[[events]]`, or `on_veto =
    /// "resume"`): then each trial's [`PackageTrial::timeline`] holds its events (on
    /// packages an event's `Side::Payee` is the first mover, `Side::Payer` the second),
    /// and the runner negotiates with `bargain_core::package::timed`.
    #[must_use]
    pub fn has_timeline(&self) -> bool {
        self.events.active()
    }

    /// The veto rule (`[calendar] on_veto`).
    #[must_use]
    pub fn on_veto(&self) -> bargain_core::events::OnVeto {
        self.events.on_veto
    }

    /// The scenario's events as the reports show them, in file order.
    #[must_use]
    pub fn events(&self) -> &[crate::events::EventInfo] {
        &self.events.info
    }

    /// Per party (the first mover first): whether a ratification limit set by an event
    /// is a floor (`true`) or a ceiling.
    #[must_use]
    pub fn limit_floor(&self) -> [bool; 2] {
        self.limit_floor
    }

    /// The trial at central values (every distribution at its median / mode).
    #[must_use]
    pub fn central(&self) -> PackageTrial {
        self.central.clone()
    }

    /// The one trial every trial is, when nothing is drawn per trial (no uncertain
    /// input, no events or veto rule, no breakdown risk and so no breakdown stream): then
    /// [`PackageScenario::draw_trial`] returns a copy of it in every trial, which a run
    /// can borrow instead (the copy clones the parties' preferences).
    #[must_use]
    pub fn fixed_trial(&self) -> Option<&PackageTrial> {
        let fixed = self.inputs.is_empty()
            && !self.events.active()
            && self.central.breakdown_risk == 0.0
            && !self.risk_is_input;
        fixed.then_some(&self.central)
    }

    /// The trial at central values with its timeline at central values (each event that
    /// happens in at least half of the trials, on the middle day of its date range, with
    /// the median of each drawn value): what `bargain explain` shows.
    #[must_use]
    pub fn central_timeline(&self) -> PackageTrial {
        let mut t = self.central();
        if self.events.active() {
            let context = self.links.context_values();
            let links = Some((&self.links, &context)).filter(|_| self.events.needs_context());
            self.events
                .central_on(t.calendar.as_ref(), &mut t.timeline, links);
        }
        t
    }

    /// Field paths of the inputs that are distributions, in sampling order.
    #[must_use]
    pub fn input_names(&self) -> Vec<String> {
        self.inputs.iter().map(|i| i.name.clone()).collect()
    }

    /// The label of a field path of this file in words, from its entry of the field
    /// table: `United States: weight of term` for `parties.us.utility.weights.term`,
    /// `protocol: number of rounds`; the path itself when package files have no such
    /// field.
    #[must_use]
    pub fn field_label(&self, path: &str) -> String {
        let party = |key: &str| self.party_keys.iter().position(|k| k == key);
        let name = |key: &str| party(key).map(|i| self.party_names[i].clone());
        let kind = |key: &str| {
            party(key).map(|i| match self.central.parties[i].tactic {
                Tactic::TimeBased(_) => StrategyKind::TimeBased,
                Tactic::Faratin { .. } => StrategyKind::Faratin,
                Tactic::TitForTat => StrategyKind::TitForTat,
                Tactic::Hardliner => StrategyKind::Hardliner,
                Tactic::Learning { .. } => StrategyKind::Learning,
            })
        };
        crate::labels::context_label(path)
            .or_else(|| crate::fields::package::label(path, name, kind))
            .unwrap_or_else(|| path.to_owned())
    }

    /// Whether input `j` (in [`PackageScenario::input_names`] order) is the value of an
    /// expression over `[context]` (computed from the context quantities, not drawn): a
    /// column of `trials.csv`, but not an input of the sensitivity analysis.
    #[must_use]
    pub fn is_derived(&self, j: usize) -> bool {
        self.inputs
            .get(j)
            .is_some_and(|i| matches!(i.dist, Dist::Derived { .. }))
    }

    /// Input `j`'s drawn value `x` in words, as [`crate::Scenario::input_value`] gives a
    /// one-issue input's: the preset's name for a negotiator type, an integer for an
    /// integer input, otherwise at most 6 decimals without trailing zeros.
    #[must_use]
    pub fn input_value(&self, j: usize, x: f64) -> String {
        let Some(input) = self.inputs.get(j) else {
            return format!("{x}");
        };
        if let (Target::Preset(def, _), Some(&shape)) =
            (input.target, input.presets.get(x as usize))
        {
            // The preset whose shape the choice holds.
            let name = def.preset_shape.and_then(|to_shape| {
                [
                    bargain_core::Preset::Boulware,
                    bargain_core::Preset::Linear,
                    bargain_core::Preset::Conceder,
                ]
                .into_iter()
                .find(|&p| to_shape(p) == shape)
            });
            return name.map_or_else(
                || format!("{x}"),
                |p| crate::labels::preset_name(p).to_string(),
            );
        }
        if input.integer {
            return format!("{x:.0}");
        }
        let s = format!("{x:.6}");
        let s = s.trim_end_matches('0');
        s.strip_suffix('.').unwrap_or(s).to_string()
    }

    /// The labels of the inputs, in [`PackageScenario::input_names`] order.
    #[must_use]
    pub fn input_labels(&self) -> Vec<String> {
        self.inputs
            .iter()
            .map(|i| self.field_label(&i.name))
            .collect()
    }

    /// Semantic warnings, as `file:line:col: path: message` lines.
    #[must_use]
    pub fn warnings(&self) -> Vec<String> {
        self.warnings.clone()
    }

    /// Draw trial `ctx.trial`: every input once, in [`PackageScenario::input_names`]
    /// order, each from its own stream keyed by its field path (value `j` written to
    /// `inputs[j]` when there is a slot), through the one-issue draw
    /// (`crate::sample::Links::draw_each`: context quantities, expressions and the
    /// copula of correlated inputs as in one-issue files). Weights that are distributions are divided by
    /// their drawn sum. The trial's generator [`crate::trial_rng`], untouched by the
    /// inputs, is returned for the models' own draws.
    pub fn draw_trial(
        &self,
        ctx: SampleCtx,
        inputs: &mut [f64],
    ) -> (PackageTrial, Xoshiro256PlusPlus) {
        let rng = crate::trial_rng(ctx.seed, ctx.trial);
        let mut t = self.central.clone();
        if self.central.breakdown_risk > 0.0 || self.risk_is_input {
            t.breakdown_rng =
                crate::input_rng(ctx.seed, ctx.trial, crate::stream_key(BREAKDOWN_STREAM));
        }
        self.links
            .draw_each(&self.inputs, self.run.sampler, ctx, |j, input, x| {
                if let Some(slot) = inputs.get_mut(j) {
                    *slot = x;
                }
                apply(&mut t, input, x);
            });
        if self.events.active() {
            let sampler = self.run.sampler;
            let context = self.events.needs_context().then(|| {
                let values = self.links.trial_context(&self.inputs, inputs, sampler, ctx);
                (&self.links, values)
            });
            self.events.draw_on(
                sampler,
                ctx,
                t.calendar.as_ref(),
                &mut t.timeline,
                context.as_ref().map(|(l, v)| (*l, v)),
            );
        }
        for (p, random) in t.parties.iter_mut().zip(self.random_weights) {
            let w = &mut p.preferences.utility.weights;
            let sum: f64 = w.iter().sum();
            if random && sum > 0.0 && sum != 1.0 {
                w.iter_mut().for_each(|x| *x /= sum);
            }
        }
        (t, rng)
    }
}

/// Write input `input`'s drawn value `x` where its entry of the field table says.
fn apply(t: &mut PackageTrial, input: &PkgInput, x: f64) {
    let (def, at, x) = match input.target {
        Target::Field(def, at) => (def, at, x),
        Target::Preset(shape, party) => match input.presets.get(x as usize) {
            Some(&v) => (shape, At::party(party), v),
            None => return,
        },
        Target::Context(_) => return,
    };
    if let Package::Input { set, .. } = def.package {
        set(t, at, x);
    }
}

#[cfg(test)]
mod tests;
