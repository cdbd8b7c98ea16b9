//! The scenario file as written: serde types that mirror the TOML keys one to one.
//!
//! These types only check *shapes* (which keys exist, which values are numbers, strings
//! or tables). Every semantic rule (ranges, cross-field checks) lives in `validate`,
//! which reports field paths resolved to line:column through the spanned document.
//! The JSON schema (`bargain schema`) is generated from these same types.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::{self, MapAccess, Visitor, value::MapAccessDeserializer};
use serde::{Deserialize, Deserializer};

/// A whole scenario file.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "bargain scenario",
    description = "A bargaining scenario: two parties, the protocol and the ensemble run settings."
)]
pub(crate) struct ScenarioFile {
    /// Identity and provenance of the scenario.
    pub scenario: MetaFile,
    /// Ensemble settings.
    #[serde(default)]
    pub run: RunFile,
    /// The rules of the talks.
    pub protocol: ProtocolFile,
    /// Dates of the talks and the expiry of the current agreement (optional).
    pub calendar: Option<CalendarFile>,
    /// Exactly two parties, keyed by a short id (e.g. `us`, `kr`): one payee, one payer.
    pub parties: BTreeMap<String, PartyFile>,
    /// The real outcome, if known.
    pub observed: Option<ObservedFile>,
    /// Naive forecasts the backtest scores the models against: the amounts in force by
    /// year before the forecast year (optional).
    pub baseline: Option<crate::forecast::BaselineFile>,
    /// Parameter sweep for `bargain sweep` (ignored by `bargain run`): at most two
    /// numeric field paths, each with a list of values or `{ from, to, steps }`.
    #[schemars(with = "Option<SweepSchema>")]
    pub sweep: Option<toml::Table>,
    /// Dated changes during the talks (`[[events]]`; see `crate::events`).
    #[serde(default)]
    pub events: Vec<crate::events::EventFile>,
    /// Named quantities drawn per trial like any input (`fx = { normal = [1150, 25] }`),
    /// which any other number may use in an expression (`"1.2 * fx / 1000"`).
    #[serde(default)]
    pub context: BTreeMap<String, NumberSpec>,
    /// Rank correlations between uncertain inputs (a Gaussian copula; every marginal kept).
    #[serde(default)]
    pub correlation: Vec<crate::correlation::CorrelationFile>,
}

/// Schema of `[sweep]`: field paths (dotted keys) to a list of numbers or `{ from, to, steps }`.
struct SweepSchema;

impl JsonSchema for SweepSchema {
    fn schema_name() -> Cow<'static, str> {
        "Sweep".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "Field paths (e.g. `parties.us.opening`, written as dotted keys or one quoted key) mapped to a list of numbers or `{ from, to, steps }`, or for a negotiator type (`parties.kr.strategy.preset`) a list of preset names; at most two paths.",
            "type": "object"
        })
    }
}

/// `[scenario]`
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct MetaFile {
    /// Short id, `[a-z0-9-]+`.
    pub name: String,
    /// Human title (default: the name).
    pub title: Option<String>,
    /// Label for amounts, e.g. `trillion KRW`.
    pub unit: Option<String>,
    /// Free text.
    pub description: Option<String>,
    /// Where the numbers come from: plain strings, or `{ key, date, what }` tables whose
    /// `date` (`YYYY-MM-DD`) says when the information was public.
    #[serde(default)]
    pub sources: Vec<crate::forecast::SourceFile>,
    /// The day the forecast is made (`YYYY-MM-DD`): what the scenario may know.
    pub as_of: Option<String>,
}

/// `[run]`
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RunFile {
    /// Number of trials, 1..=10^12 (default 100000).
    pub trials: Option<u64>,
    /// Master seed (default 0).
    pub seed: Option<u64>,
    /// Models to run (default `["agents"]`).
    #[schemars(with = "Option<Vec<ModelName>>")]
    pub models: Option<Vec<String>>,
    /// How inputs are drawn (default `monte-carlo`).
    pub sampler: Option<SamplerKey>,
}

/// Schema of a model name: the names of [`bargain_core::Model::ALL`], so a new model
/// reaches the schema without an edit here.
struct ModelName;

impl JsonSchema for ModelName {
    fn schema_name() -> Cow<'static, str> {
        "ModelName".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let names: Vec<&str> = bargain_core::Model::ALL
            .iter()
            .map(|m| m.as_str())
            .collect();
        json_schema!({
            "description": "A model name (as in `bargain_core::Model::as_str`).",
            "type": "string",
            "enum": names
        })
    }
}

/// `run.sampler`
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum SamplerKey {
    /// Independent draws.
    MonteCarlo,
    /// Latin hypercube: each input's marginal is stratified over the trials.
    LatinHypercube,
}

/// `[protocol]`
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ProtocolFile {
    /// At most this many rounds, 1..=10000 (integer-valued).
    pub max_rounds: Option<NumberSpec>,
    /// The key of the party that moves first.
    pub first_mover: String,
    /// Probability in [0, 1] that talks collapse after each rejected offer (default 0).
    pub breakdown_risk: Option<NumberSpec>,
    /// Offer grid (optional).
    pub grid: Option<GridFile>,
}

/// `protocol.grid`
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct GridFile {
    /// Lowest point.
    pub lo: f64,
    /// Upper bound.
    pub hi: f64,
    /// Distance between points (> 0).
    pub step: f64,
}

/// `[parties.KEY]`
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct PartyFile {
    /// Display name (default: the key).
    pub name: Option<String>,
    /// `payee` (prefers more) or `payer` (prefers less).
    pub side: SideKey,
    /// The best amount it asks for.
    pub opening: NumberSpec,
    /// The worst amount it will sign.
    pub reservation: NumberSpec,
    /// Per-offer discount factor in (0, 1] (default 1).
    pub discount: Option<NumberSpec>,
    /// Bargaining power > 0 (default 1).
    pub power: Option<NumberSpec>,
    /// The worst amount its legislature ratifies (optional).
    pub ratification: Option<NumberSpec>,
    /// Amount-equivalent of walking away (optional).
    pub outside_option: Option<NumberSpec>,
    /// Cost of a month of lapse after the calendar's expiry (≥ 0; needs a `[calendar]`).
    pub lapse_cost: Option<NumberSpec>,
    /// End-game acceptance from this relative time of the horizon (in (0, 1]; needs a `[calendar]`).
    pub end_game: Option<f64>,
    /// Probability in [0, 1] that the party is an obstinate type (the `attrition` model; default 0).
    pub obstinacy: Option<NumberSpec>,
    /// How its negotiators concede.
    pub strategy: StrategyFile,
}

/// `[calendar]`: dates of the talks, the expiry of the current agreement and the time
/// between rounds.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CalendarFile {
    /// The first round (YYYY-MM-DD).
    pub start: String,
    /// The last day the current agreement holds (YYYY-MM-DD).
    pub expiry: String,
    /// The last day talks may be held (YYYY-MM-DD), if any.
    pub end: Option<String>,
    /// Calendar months between rounds (> 0).
    pub round_months: NumberSpec,
    /// What a deal outside a ratification limit does (`end`, the default, or `resume`).
    pub on_veto: Option<crate::events::OnVetoKey>,
}

/// `parties.KEY.side`
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum SideKey {
    /// Receives the amount.
    Payee,
    /// Pays the amount.
    Payer,
}

/// `parties.KEY.strategy`
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct StrategyFile {
    /// Strategy family.
    pub kind: StrategyKind,
    /// Named concession speed (time-based or faratin); may be a `choice`.
    pub preset: Option<PresetSpec>,
    /// time-based: aspiration exponent > 0; learning: exponent of its concession (default 1).
    pub exponent: Option<NumberSpec>,
    /// time-based: maximum aspiration in (0, 1] (default 1).
    pub max_aspiration: Option<NumberSpec>,
    /// time-based: threshold tolerance in [0, 1) (default 1e-4).
    pub eps: Option<NumberSpec>,
    /// faratin: concession shape β > 0.
    pub beta: Option<NumberSpec>,
    /// faratin: initial concession κ in [0, 1] (default 0).
    pub kappa: Option<NumberSpec>,
    /// faratin: `polynomial` (default) or `exponential`.
    pub family: Option<FamilyKey>,
    /// learning: width of the prior over the opponent's reservation (default 1).
    pub prior_width: Option<NumberSpec>,
    /// learning: number of reservation hypotheses, 2..=64 (default 32).
    pub hypotheses: Option<NumberSpec>,
}

/// `strategy.kind`
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum StrategyKind {
    /// NegMAS time-based concession.
    TimeBased,
    /// Faratin–Sierra–Jennings time-dependent tactics.
    Faratin,
    /// Relative tit-for-tat.
    TitForTat,
    /// Never concedes.
    Hardliner,
    /// Bayesian opponent modelling with a concession toward the estimated zone.
    Learning,
}

impl StrategyKind {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            StrategyKind::TimeBased => "time-based",
            StrategyKind::Faratin => "faratin",
            StrategyKind::TitForTat => "tit-for-tat",
            StrategyKind::Hardliner => "hardliner",
            StrategyKind::Learning => "learning",
        }
    }
}

/// `strategy.family`
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum FamilyKey {
    /// Polynomial α(t).
    Polynomial,
    /// Exponential α(t).
    Exponential,
}

/// A preset name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum PresetKey {
    /// Concedes late.
    Boulware,
    /// Constant pace.
    Linear,
    /// Concedes early.
    Conceder,
}

impl PresetKey {
    pub(crate) fn to_core(self) -> bargain_core::Preset {
        match self {
            PresetKey::Boulware => bargain_core::Preset::Boulware,
            PresetKey::Linear => bargain_core::Preset::Linear,
            PresetKey::Conceder => bargain_core::Preset::Conceder,
        }
    }
}

/// `[observed]`
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ObservedFile {
    /// The agreed amount.
    pub amount: f64,
    /// The round of the agreement (1-based).
    pub round: Option<u32>,
    /// The day the deal was struck or initialled (YYYY-MM-DD).
    pub date: Option<String>,
    /// Where the outcome is documented.
    pub source: Option<String>,
}

/// A numeric input: a constant or a distribution table.
#[derive(Debug, Clone)]
pub(crate) enum NumberSpec {
    /// A constant.
    Fixed(f64),
    /// A distribution.
    Dist(DistTable),
    /// An expression over the `[context]` quantities, as written (`"1.2 * fx / 1000"`).
    Expr(String),
}

/// A distribution: exactly one of the family keys, plus `weights` (choice) and `within`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct DistTable {
    /// `[lo, hi]`
    pub uniform: Option<Vec<f64>>,
    /// `[mean, sd]`
    pub normal: Option<Vec<f64>>,
    /// `[mu, sigma]` of the underlying normal.
    pub lognormal: Option<Vec<f64>>,
    /// `[lo, mode, hi]`
    pub triangular: Option<Vec<f64>>,
    /// `[a, b]` shapes, on `within` (default [0, 1]).
    pub beta: Option<Vec<f64>>,
    /// Discrete options.
    pub choice: Option<Vec<f64>>,
    /// Relative weights of the `choice` options (default equal).
    pub weights: Option<Vec<f64>>,
    /// `[lo, hi]`: truncation (for `beta`: the support it is scaled to).
    pub within: Option<Vec<f64>>,
}

impl<'de> Deserialize<'de> for NumberSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = NumberSpec;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number or a distribution such as `{ normal = [mean, sd] }`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<NumberSpec, E> {
                Ok(NumberSpec::Expr(v.to_owned()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<NumberSpec, E> {
                Ok(NumberSpec::Fixed(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<NumberSpec, E> {
                Ok(NumberSpec::Fixed(v as f64))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<NumberSpec, E> {
                Ok(NumberSpec::Fixed(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<NumberSpec, A::Error> {
                DistTable::deserialize(MapAccessDeserializer::new(map)).map(NumberSpec::Dist)
            }
        }
        d.deserialize_any(V)
    }
}

impl JsonSchema for NumberSpec {
    fn schema_name() -> Cow<'static, str> {
        "NumberOrDistribution".into()
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A constant, a distribution table with exactly one of uniform, normal, lognormal, triangular, beta, choice, or an expression over the `[context]` quantities written as a string (`\"1.2 * fx / 1000\"`).",
            "anyOf": [{ "type": "number" }, g.subschema_for::<DistTable>(), { "type": "string" }]
        })
    }
}

/// A preset: a name or `{ choice = [names], weights = [..] }`.
#[derive(Debug, Clone)]
pub(crate) enum PresetSpec {
    /// One preset.
    Fixed(PresetKey),
    /// A random preset.
    Choice(PresetChoice),
}

/// `{ choice = ["boulware", ..], weights = [..] }`
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct PresetChoice {
    /// The options.
    pub choice: Vec<PresetKey>,
    /// Relative weights (default equal).
    pub weights: Option<Vec<f64>>,
}

impl<'de> Deserialize<'de> for PresetSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = PresetSpec;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "a preset name or `{ choice = [\"boulware\", \"linear\", \"conceder\"] }`",
                )
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<PresetSpec, E> {
                PresetKey::deserialize(de::value::StrDeserializer::<E>::new(v))
                    .map(PresetSpec::Fixed)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<PresetSpec, A::Error> {
                PresetChoice::deserialize(MapAccessDeserializer::new(map)).map(PresetSpec::Choice)
            }
        }
        d.deserialize_any(V)
    }
}

impl JsonSchema for PresetSpec {
    fn schema_name() -> Cow<'static, str> {
        "PresetOrChoice".into()
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "anyOf": [g.subschema_for::<PresetKey>(), g.subschema_for::<PresetChoice>()]
        })
    }
}
