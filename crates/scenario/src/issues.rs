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

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use bargain_core::package::aspiration::Aspiration;
use bargain_core::package::preferences::{LinearAdditive, Preferences, ValueFunction};
use bargain_core::package::space::{Issue, IssueKind, OutcomeSpace};
use bargain_core::package::tactics::Tactic;
use bargain_core::strategy::{FaratinFamily, Preset};
use rand_xoshiro::Xoshiro256PlusPlus;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::{self, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

use crate::dist::Dist;
use crate::error::{Diagnostic, ScenarioError, suggest};
use crate::fields;
use crate::file::{
    FamilyKey, MetaFile, NumberSpec, PresetSpec, RunFile, StrategyFile, StrategyKind,
};
use crate::span::{Doc, index, join};
use crate::validate::{Checker, Domain, Param, fmt_num};
use crate::{SampleCtx, Sampler};

/// Tolerance on the sum of the central weights.
pub const WEIGHT_SUM_TOLERANCE: f64 = 1e-6;
/// Intervals of the grid of a `number` issue given without `step`.
pub const DEFAULT_NUMBER_INTERVALS: u32 = 100;
/// Most outcomes a package scenario may span.
pub const MAX_OUTCOMES: usize = 10_000_000;
/// Strategy keys of one-issue files that packages do not take: `eps` (the time-based
/// tolerance stays NegMAS's 0.001).
const NOT_ON_PACKAGES: [&str; 1] = ["eps"];
/// Keys of `[parties.P.utility]` that are not issues (so no issue may use them).
const RESERVED_KEYS: [&str; 2] = ["weights", "reservation"];

/// A package scenario file, as written. The JSON schema (`bargain schema --package`) is
/// generated from these types.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "bargain package scenario",
    description = "A bargaining scenario over several issues (a package): the issues, two parties with linear-additive utilities, the protocol and the ensemble run settings."
)]
pub(crate) struct PackageFile {
    /// Identity and provenance of the scenario.
    pub scenario: MetaFile,
    /// Ensemble settings (models: `agents`, `nash`, `kalai-smorodinsky`, `max-welfare`).
    #[serde(default)]
    pub run: RunFile,
    /// The rules of the talks.
    pub protocol: PackageProtocolFile,
    /// The issues, keyed by a short id (e.g. `amount`, `term`); an agreement is one value
    /// per issue.
    pub issues: BTreeMap<String, IssueFile>,
    /// Exactly two parties, keyed by a short id; the first in `protocol.first_mover`.
    pub parties: BTreeMap<String, PackagePartyFile>,
    /// The real agreement, if known: one value per issue key.
    pub observed: Option<PackageObservedFile>,
}

/// `[observed]` of a package scenario: `date`, `source`, and one value per issue key.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub(crate) struct PackageObservedFile {
    /// The day the deal was struck or initialled (YYYY-MM-DD).
    pub date: Option<String>,
    /// Where the outcome is documented.
    pub source: Option<String>,
    /// Each issue's real value: a number, or the label of a `choice` value.
    #[serde(flatten)]
    pub values: BTreeMap<String, ObservedValueFile>,
}

/// One observed issue value as written: a number or a label.
#[derive(Debug, Clone)]
pub(crate) enum ObservedValueFile {
    Number(f64),
    Label(String),
    /// Anything else: what was found (reported at the field by validation).
    Bad(String),
}

impl JsonSchema for ObservedValueFile {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ObservedValue".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "An issue's real value: a number, or the label of a `choice` value.",
            "type": ["number", "string"]
        })
    }
}

impl<'de> Deserialize<'de> for ObservedValueFile {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ObservedValueFile;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number or a label")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<ObservedValueFile, E> {
                Ok(ObservedValueFile::Label(v.to_owned()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<ObservedValueFile, E> {
                Ok(ObservedValueFile::Bad(format!("the boolean {v}")))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<ObservedValueFile, E> {
                Ok(ObservedValueFile::Number(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<ObservedValueFile, E> {
                Ok(ObservedValueFile::Number(v as f64))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<ObservedValueFile, E> {
                Ok(ObservedValueFile::Number(v))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<ObservedValueFile, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(ObservedValueFile::Bad("an array".into()))
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<ObservedValueFile, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(ObservedValueFile::Bad("a table".into()))
            }
        }
        d.deserialize_any(V)
    }
}

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

/// `[protocol]` of a package scenario.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct PackageProtocolFile {
    /// At most this many rounds (NegMAS's `n_steps`), 1..=10000 (integer-valued).
    pub max_rounds: NumberSpec,
    /// The key of the party that moves first.
    pub first_mover: String,
}

/// `issues.KEY.kind`
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum IssueKindKey {
    /// A number in `[lo, hi]` on a grid of `step` (default: 100 intervals).
    Number,
    /// An integer in `lo..=hi`.
    Integer,
    /// One of the labels `values`.
    Choice,
}

/// `[issues.KEY]`
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct IssueFile {
    /// `number`, `integer` or `choice`.
    pub kind: IssueKindKey,
    /// `number`, `integer`: the lowest value.
    pub lo: Option<f64>,
    /// `number`, `integer`: the highest value.
    pub hi: Option<f64>,
    /// `number`: distance between grid points (> 0).
    pub step: Option<f64>,
    /// `choice`: the labels, in order.
    pub values: Option<Vec<String>>,
}

/// `[parties.KEY]` of a package scenario.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct PackagePartyFile {
    /// Display name (default: the key).
    pub name: Option<String>,
    /// Per-offer discount factor in (0, 1] (default 1).
    pub discount: Option<NumberSpec>,
    /// Bargaining power > 0 (default 1; the weight in the generalized Nash solution).
    pub power: Option<NumberSpec>,
    /// How its negotiators concede (in its own utility).
    pub strategy: StrategyFile,
    /// Its linear-additive utility over the issues.
    pub utility: UtilityFile,
}

/// `[parties.KEY.utility]`: weights, reservation, and one value function per issue key.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub(crate) struct UtilityFile {
    /// Issue key → weight (≥ 0; the central weights sum to 1).
    pub weights: Option<BTreeMap<String, NumberSpec>>,
    /// The utility of no agreement, in [0, 1] (default 0).
    pub reservation: Option<NumberSpec>,
    /// Issue key → value function: `"increasing"`, `"decreasing"`, `{ points = [[x, y], …] }`
    /// or, for a `choice` issue, `{ table = { label = y, … } }`.
    #[serde(flatten)]
    pub functions: BTreeMap<String, ValueFnFile>,
}

/// A value function as written: `"increasing"`, `{ points = … }`, `{ table = … }`.
#[derive(Debug, Clone)]
pub(crate) enum ValueFnFile {
    Named(String),
    Points(Vec<Vec<NumberSpec>>),
    Table(BTreeMap<String, NumberSpec>),
    /// Anything else: what was found (reported at the field by validation).
    Bad(String),
}

impl JsonSchema for ValueFnFile {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ValueFunction".into()
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        let number = g.subschema_for::<NumberSpec>();
        json_schema!({
            "description": "A value function over one issue's range, values in [0, 1]: `increasing` or `decreasing` (linear), `{ points = [[x, y], …] }` (piecewise linear; y may be a distribution), or `{ table = { label = y, … } }` for a `choice` issue.",
            "anyOf": [
                { "type": "string", "enum": ["increasing", "decreasing"] },
                {
                    "type": "object",
                    "properties": { "points": { "type": "array", "items": { "type": "array", "items": number.clone() } } },
                    "required": ["points"],
                    "additionalProperties": false
                },
                {
                    "type": "object",
                    "properties": { "table": { "type": "object", "additionalProperties": number } },
                    "required": ["table"],
                    "additionalProperties": false
                }
            ]
        })
    }
}

impl<'de> Deserialize<'de> for ValueFnFile {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ValueFnFile;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a value function")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<ValueFnFile, E> {
                Ok(ValueFnFile::Named(v.to_owned()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<ValueFnFile, E> {
                Ok(ValueFnFile::Bad(format!("the boolean {v}")))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<ValueFnFile, E> {
                Ok(ValueFnFile::Bad(format!("the number {v}")))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<ValueFnFile, E> {
                Ok(ValueFnFile::Bad(format!("the number {v}")))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<ValueFnFile, E> {
                Ok(ValueFnFile::Bad(format!("the number {}", fmt_num(v))))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<ValueFnFile, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(ValueFnFile::Bad("an array".into()))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ValueFnFile, A::Error> {
                let mut out: Option<ValueFnFile> = None;
                while let Some(key) = map.next_key::<String>()? {
                    let this = match key.as_str() {
                        "points" => ValueFnFile::Points(map.next_value()?),
                        "table" => ValueFnFile::Table(map.next_value()?),
                        other => {
                            map.next_value::<IgnoredAny>()?;
                            ValueFnFile::Bad(format!(
                                "a table with the key `{other}` (expected `points` or `table`)"
                            ))
                        }
                    };
                    out = Some(match out {
                        None => this,
                        Some(ValueFnFile::Bad(b)) => ValueFnFile::Bad(b),
                        Some(_) => ValueFnFile::Bad("a table with more than one key".into()),
                    });
                }
                Ok(out.unwrap_or_else(|| ValueFnFile::Bad("an empty table".into())))
            }
        }
        d.deserialize_any(V)
    }
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
}

impl PackageModel {
    /// Every package model, in report order.
    pub const ALL: [PackageModel; 4] = [
        PackageModel::Agents,
        PackageModel::Nash,
        PackageModel::KalaiSmorodinsky,
        PackageModel::MaxWelfare,
    ];

    /// The name used in scenario files.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            PackageModel::Agents => "agents",
            PackageModel::Nash => "nash",
            PackageModel::KalaiSmorodinsky => "kalai-smorodinsky",
            PackageModel::MaxWelfare => "max-welfare",
        }
    }

    /// Parse a model name.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == name)
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
    /// Rounds (SAO steps, NegMAS's `n_steps`).
    pub max_rounds: u32,
    /// The parties, the first mover first.
    pub parties: [PackageParty; 2],
}

/// Where a sampled value of a package scenario goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    MaxRounds,
    Discount(usize),
    Power(usize),
    /// Index into the input's preset list (an exponent or a β).
    Preset(usize),
    /// A time-based exponent or a Faratin β.
    Shape(usize),
    MaxAspiration(usize),
    Kappa(usize),
    Reservation(usize),
    Weight(usize, usize),
    /// Party, issue, point.
    PointY(usize, usize, usize),
    /// Party, issue, label.
    TableY(usize, usize, usize),
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

/// A checked package scenario, compiled for sampling.
#[derive(Debug, Clone)]
pub struct PackageScenario {
    /// Short id.
    pub name: String,
    /// Human title (defaults to the name).
    pub title: String,
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
    space: OutcomeSpace,
    central: PackageTrial,
    inputs: Vec<PkgInput>,
    /// Per party: whether a weight is a distribution (draws are then normalised).
    random_weights: [bool; 2],
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

    /// The trial at central values (every distribution at its median / mode).
    #[must_use]
    pub fn central(&self) -> PackageTrial {
        self.central.clone()
    }

    /// Field paths of the inputs that are distributions, in sampling order.
    #[must_use]
    pub fn input_names(&self) -> Vec<String> {
        self.inputs.iter().map(|i| i.name.clone()).collect()
    }

    /// Semantic warnings, as `file:line:col: path: message` lines.
    #[must_use]
    pub fn warnings(&self) -> Vec<String> {
        self.warnings.clone()
    }

    /// Draw trial `ctx.trial`: every input once, in [`PackageScenario::input_names`]
    /// order, each from its own stream keyed by its field path (value `j` written to
    /// `inputs[j]` when there is a slot). Weights that are distributions are divided by
    /// their drawn sum. The trial's generator [`crate::trial_rng`], untouched by the
    /// inputs, is returned for the models' own draws.
    pub fn draw_trial(
        &self,
        ctx: SampleCtx,
        inputs: &mut [f64],
    ) -> (PackageTrial, Xoshiro256PlusPlus) {
        let rng = crate::trial_rng(ctx.seed, ctx.trial);
        let mut t = self.central.clone();
        for (j, input) in self.inputs.iter().enumerate() {
            let x = crate::sample::draw(
                &input.dist,
                input.integer,
                self.run.sampler,
                ctx,
                input.stream,
            );
            if let Some(slot) = inputs.get_mut(j) {
                *slot = x;
            }
            apply(&mut t, input, x);
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

fn apply(t: &mut PackageTrial, input: &PkgInput, x: f64) {
    match input.target {
        Target::MaxRounds => t.max_rounds = x as u32,
        Target::Discount(i) => t.parties[i].preferences.discount = x,
        Target::Power(i) => t.parties[i].power = x,
        Target::Preset(i) => {
            if let Some(&v) = input.presets.get(x as usize) {
                set_shape(&mut t.parties[i].tactic, v);
            }
        }
        Target::Shape(i) => set_shape(&mut t.parties[i].tactic, x),
        Target::MaxAspiration(i) => {
            if let Tactic::TimeBased(a) = &mut t.parties[i].tactic {
                a.max_aspiration = x;
            }
        }
        Target::Kappa(i) => {
            if let Tactic::Faratin { kappa, .. } = &mut t.parties[i].tactic {
                *kappa = x;
            }
        }
        Target::Reservation(i) => t.parties[i].preferences.reservation = x,
        Target::Weight(i, j) => t.parties[i].preferences.utility.weights[j] = x,
        Target::PointY(i, j, k) => {
            if let ValueFunction::Points(p) = &mut t.parties[i].preferences.utility.values[j] {
                p[k].1 = x;
            }
        }
        Target::TableY(i, j, k) => {
            if let ValueFunction::Table(v) = &mut t.parties[i].preferences.utility.values[j] {
                v[k] = x;
            }
        }
    }
}

/// Set the shape of a tactic: a time-based exponent or a Faratin β.
fn set_shape(tactic: &mut Tactic, x: f64) {
    match tactic {
        Tactic::TimeBased(a) => a.exponent = x,
        Tactic::Faratin { beta, .. } => *beta = x,
        Tactic::TitForTat | Tactic::Hardliner => {}
    }
}

const WEIGHT: Domain = Domain {
    what: "a weight in [0, 1]",
    ..Domain::PROBABILITY
};
const VALUE: Domain = Domain {
    what: "a value in [0, 1]",
    ..Domain::PROBABILITY
};
const UTILITY: Domain = Domain {
    what: "a finite utility",
    ..Domain::AMOUNT
};

/// Checks a [`PackageFile`] and compiles it.
struct Compiler<'d, 'a> {
    c: Checker<'d, 'a>,
    origin: &'d str,
    inputs: Vec<PkgInput>,
}

fn key_ok(k: &str) -> bool {
    !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

fn bad_text(s: &str) -> Option<char> {
    s.chars()
        .find(|&c| c.is_control() || c == '\u{fffe}' || c == '\u{ffff}')
}

impl<'d, 'a> Compiler<'d, 'a> {
    fn new(doc: &'d Doc<'a>, origin: &'d str) -> Self {
        Self {
            c: Checker::new(doc, origin),
            origin,
            inputs: Vec::new(),
        }
    }

    /// A numeric field: its central value, registering a distribution as an input.
    fn num(&mut self, path: &str, spec: &NumberSpec, d: Domain, target: Target) -> Option<f64> {
        let param = self.c.number(path, spec, d)?;
        let central = param.central();
        let central = if d.integer { central.round() } else { central };
        if let Param::Dist(dist) = param {
            self.inputs.push(PkgInput {
                name: path.to_owned(),
                stream: crate::stream_key(path),
                dist,
                target,
                integer: d.integer,
                presets: Vec::new(),
            });
        }
        Some(central)
    }

    fn opt(
        &mut self,
        path: &str,
        spec: Option<&NumberSpec>,
        d: Domain,
        target: Target,
        default: f64,
    ) -> Option<f64> {
        match spec {
            None => Some(default),
            Some(s) => self.num(path, s, d, target),
        }
    }

    fn run(&mut self, r: &RunFile) -> Option<PackageRun> {
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

    fn meta(&mut self, m: &MetaFile) {
        let name = &m.name;
        if name.is_empty()
            || name.len() > 100
            || !name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            self.c.error(
                "scenario.name",
                format!("expected a name of at most 100 lowercase letters, digits and `-` ([a-z0-9-]+), found {name:?}"),
            );
        }
        self.c
            .reject_control_chars(super::validate::meta_text_fields(m));
    }

    /// One issue; `None` (after reporting) when it is malformed.
    fn issue(&mut self, key: &str, f: &IssueFile) -> Option<Issue> {
        let path = join("issues", key);
        let at = |k: &str| join(&path, k);
        let mut ok = true;
        if !key_ok(key) {
            self.c.error(
                &path,
                format!(
                    "expected an issue key of lowercase letters, digits, `-` and `_`, found {key:?}"
                ),
            );
            ok = false;
        }
        if RESERVED_KEYS.contains(&key) {
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
                    } else if let Some(c) = bad_text(v) {
                        self.c.error(
                            &p,
                            format!(
                                "expected a label without control characters, found U+{:04X}",
                                u32::from(c)
                            ),
                        );
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

    /// A party's package negotiator: the keys of the one-issue kinds (`time-based`:
    /// `preset` or `exponent`, `max_aspiration`; `faratin`: `preset` or `beta`, `kappa`,
    /// `family`; `tit-for-tat`, `hardliner`: none). A `preset` may be a `choice`.
    fn strategy(&mut self, path: &str, s: &StrategyFile, i: usize) -> Option<Tactic> {
        let kind = s.kind;
        // The kind's keys from the scenario field table, less those packages do not use.
        let allowed: Vec<&str> = fields::of_kind(kind)
            .map(|d| d.key)
            .filter(|k| !NOT_ON_PACKAGES.contains(k))
            .collect();
        let ok = self.c.strategy_keys(path, s, &allowed, " on packages");
        if !ok {
            return None;
        }
        let (shape_key, shape_spec, to_shape): (_, _, fn(Preset) -> f64) = match kind {
            StrategyKind::TimeBased => ("exponent", &s.exponent, Preset::time_based_exponent),
            StrategyKind::Faratin => ("beta", &s.beta, Preset::faratin_beta),
            StrategyKind::TitForTat => return Some(Tactic::TitForTat),
            StrategyKind::Hardliner => return Some(Tactic::Hardliner),
        };
        let shape = match (&s.preset, shape_spec) {
            (Some(_), Some(_)) => {
                self.c.error(
                    &join(path, shape_key),
                    format!("expected either `preset` or `{shape_key}`, found both"),
                );
                return None;
            }
            (None, None) => {
                self.c.error(
                    path,
                    format!(
                        "expected `preset` or `{shape_key}` for kind `{}`, found neither",
                        kind.as_str()
                    ),
                );
                return None;
            }
            (Some(PresetSpec::Fixed(k)), None) => to_shape(k.to_core()),
            (Some(PresetSpec::Choice(ch)), None) => {
                let p = join(path, "preset");
                let (presets, dist) = self.c.preset_choice(&p, ch)?;
                let presets: Vec<f64> = presets.into_iter().map(to_shape).collect();
                let central = presets[dist.mode_index()];
                self.inputs.push(PkgInput {
                    stream: crate::stream_key(&p),
                    name: p,
                    dist: Dist::Choice(dist),
                    target: Target::Preset(i),
                    integer: true,
                    presets,
                });
                central
            }
            (None, Some(e)) => self.num(
                &join(path, shape_key),
                e,
                Domain::POSITIVE,
                Target::Shape(i),
            )?,
        };
        if kind == StrategyKind::Faratin {
            let kappa = self.opt(
                &join(path, "kappa"),
                s.kappa.as_ref(),
                Domain::PROBABILITY,
                Target::Kappa(i),
                0.0,
            )?;
            let family = match s.family {
                Some(FamilyKey::Exponential) => FaratinFamily::Exponential,
                _ => FaratinFamily::Polynomial,
            };
            return Some(Tactic::Faratin {
                beta: shape,
                kappa,
                family,
            });
        }
        let mut a = Aspiration {
            exponent: shape,
            ..Aspiration::default()
        };
        if let Some(m) = &s.max_aspiration {
            a.max_aspiration = self.num(
                &join(path, "max_aspiration"),
                m,
                Domain::MAX_ASPIRATION,
                Target::MaxAspiration(i),
            )?;
        }
        Some(Tactic::TimeBased(a))
    }

    /// The value function of issue `j` for party `i`.
    fn value_fn(
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
                    let Some(y) = self.num(&index(&pp, 1), y, VALUE, Target::PointY(i, j, k))
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
                        let hint = suggest(label, labels.iter().map(String::as_str))
                            .map(|s| format!(" (did you mean `{s}`?)"))
                            .unwrap_or_default();
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
                            match self.num(&join(&p, label), spec, VALUE, Target::TableY(i, j, k)) {
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

    fn party(
        &mut self,
        key: &str,
        f: &PackagePartyFile,
        i: usize,
        issues: &[Issue],
    ) -> Option<PackageParty> {
        let path = join("parties", key);
        let at = |k: &str| join(&path, k);
        if let Some(n) = &f.name
            && let Some(c) = bad_text(n)
        {
            self.c.error(
                &at("name"),
                format!(
                    "expected text without control characters, found U+{:04X}",
                    u32::from(c)
                ),
            );
        }
        let discount = self.opt(
            &at("discount"),
            f.discount.as_ref(),
            Domain::DISCOUNT,
            Target::Discount(i),
            1.0,
        );
        let power = self.opt(
            &at("power"),
            f.power.as_ref(),
            Domain {
                what: "a bargaining power > 0",
                ..Domain::POSITIVE
            },
            Target::Power(i),
            1.0,
        );
        let tactic = self.strategy(&at("strategy"), &f.strategy, i);
        let u = &f.utility;
        let up = at("utility");
        let reservation = self.opt(
            &join(&up, "reservation"),
            u.reservation.as_ref(),
            UTILITY,
            Target::Reservation(i),
            0.0,
        );
        let keys: Vec<&str> = issues.iter().map(|x| x.key.as_str()).collect();
        let unknown = |this: &mut Self, p: &str, k: &str| {
            let hint = suggest(k, keys.iter().copied())
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
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
                            match self.num(
                                &join(&wp, &issue.key),
                                spec,
                                WEIGHT,
                                Target::Weight(i, j),
                            ) {
                                Some(w) => weights[j] = w,
                                None => ok = false,
                            }
                        }
                    }
                }
                if ok {
                    let sum: f64 = weights.iter().sum();
                    if (sum - 1.0).abs() > WEIGHT_SUM_TOLERANCE {
                        self.c.error(&wp, format!("expected weights summing to 1 (central values, tolerance 1e-6), found a sum of {}", fmt_num((sum * 1e9).round() / 1e9)));
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

    fn compile(mut self, f: &PackageFile) -> Result<PackageScenario, ScenarioError> {
        self.meta(&f.scenario);
        let run = self.run(&f.run);
        let max_rounds = self.num(
            "protocol.max_rounds",
            &f.protocol.max_rounds,
            Domain::ROUNDS,
            Target::MaxRounds,
        );

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
            let hint = suggest(first, keys.iter().map(|k| k.as_str()))
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
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
        for k in &keys {
            if !key_ok(k) {
                self.c.error(&join("parties", k), format!("expected a party key of lowercase letters, digits, `-` and `_`, found {k:?}"));
            }
        }
        let mut parties = Vec::new();
        if let Some(space) = &space {
            for (i, k) in order.iter().enumerate() {
                parties.push(self.party(k, &f.parties[*k], i, space.issues()));
            }
        }
        let observed = match (&f.observed, &space) {
            (Some(o), Some(space)) => self.observed(o, space),
            _ => None,
        };
        let inputs = std::mem::take(&mut self.inputs);
        let origin = self.origin;
        let (errors, warnings) = self.c.finish();
        if !errors.is_empty() {
            return Err(ScenarioError::new(errors));
        }
        let (Some(run), Some(max_rounds), Some(space), [Some(a), Some(b)]) = (
            run,
            max_rounds,
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
            inputs
                .iter()
                .any(|x| matches!(x.target, Target::Weight(p, _) if p == i))
        });
        let meta = &f.scenario;
        Ok(PackageScenario {
            name: meta.name.clone(),
            title: meta.title.clone().unwrap_or_else(|| meta.name.clone()),
            description: meta.description.clone().unwrap_or_default(),
            sources: meta.sources.clone(),
            run,
            party_keys: [order[0].clone(), order[1].clone()],
            observed,
            party_names: [0, 1].map(|i| {
                f.parties[order[i]]
                    .name
                    .clone()
                    .unwrap_or_else(|| order[i].clone())
            }),
            space,
            central: PackageTrial {
                max_rounds: max_rounds as u32,
                parties: [a, b],
            },
            inputs,
            random_weights,
            warnings: warnings.iter().map(ToString::to_string).collect(),
        })
    }

    /// `[observed]`: one value per issue (each checked against its issue), `date`,
    /// `source`; `None` after reporting any problem.
    fn observed(
        &mut self,
        o: &PackageObservedFile,
        space: &OutcomeSpace,
    ) -> Option<PackageObserved> {
        let mut ok = true;
        let issues = space.issues();
        for key in o.values.keys() {
            if space.issue_position(key).is_none() {
                let hint = suggest(key, issues.iter().map(|i| i.key.as_str()))
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
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
                        let hint = suggest(l, labels.iter().map(String::as_str))
                            .map(|s| format!(" (did you mean `{s}`?)"))
                            .unwrap_or_default();
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
                    self.c.error(
                        "observed.date",
                        format!("expected a date of the form YYYY-MM-DD, found {text:?}"),
                    );
                    ok = false;
                    None
                }
            },
        };
        if let Some(c) = o.source.as_deref().and_then(bad_text) {
            self.c.error(
                "observed.source",
                format!(
                    "expected text without control characters, found U+{:04X}",
                    u32::from(c)
                ),
            );
            ok = false;
        }
        ok.then(|| PackageObserved {
            values,
            date,
            source: o.source.clone(),
        })
    }

    fn c_doc_start(&self, path: &str) -> usize {
        self.c.doc_start(path)
    }
}
