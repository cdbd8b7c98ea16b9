//! The serde types of package scenario files, as written (the JSON schema follows them).

use std::collections::BTreeMap;
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::{self, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

use crate::file::{CalendarFile, MetaFile, NumberSpec, RunFile, StrategyFile};
use crate::validate::fmt_num;

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
    /// Ensemble settings (models: `agents`, `nash`, `kalai-smorodinsky`, `max-welfare`,
    /// and on a transferable `amount` issue `rubinstein`, `stahl`, `brw`).
    #[serde(default)]
    pub run: RunFile,
    /// The rules of the talks.
    pub protocol: PackageProtocolFile,
    /// Dates of the talks and the expiry of the current agreement (optional), as in
    /// one-issue files (with `on_veto`).
    pub calendar: Option<CalendarFile>,
    /// Dated changes of the parties' principal numbers (`reservation`, `ratification`,
    /// `lapse_cost`) or of `breakdown_risk` during the talks (`[[events]]`, needs a
    /// `[calendar]`), as in one-issue files.
    #[serde(default)]
    pub events: Vec<crate::events::EventFile>,
    /// The issues, keyed by a short id (e.g. `amount`, `term`); an agreement is one value
    /// per issue.
    pub issues: BTreeMap<String, IssueFile>,
    /// Exactly two parties, keyed by a short id; the first in `protocol.first_mover`.
    pub parties: BTreeMap<String, PackagePartyFile>,
    /// The real agreement, if known: one value per issue key.
    pub observed: Option<PackageObservedFile>,
    /// Combinations of issue values that are not valid contracts (`[[exclude]]`): each
    /// rule maps issue keys to a value or a list of values; keys combine with AND, a
    /// list means any one of its values. Excluded outcomes are never offered, accepted
    /// or chosen.
    #[serde(default)]
    pub exclude: Vec<super::exclude::ExcludeFile>,
    /// Named quantities drawn per trial like any input (`fx = { normal = [1150, 25] }`),
    /// which any other number may use in an expression (`"1.2 * fx / 1000"`), as in
    /// one-issue files.
    #[serde(default)]
    pub context: BTreeMap<String, NumberSpec>,
    /// Rank correlations between uncertain inputs, by the file's own paths
    /// (`parties.us.utility.reservation`; a Gaussian copula, every marginal kept), as in
    /// one-issue files.
    #[serde(default)]
    pub correlation: Vec<crate::correlation::CorrelationFile>,
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

/// `[protocol]` of a package scenario.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct PackageProtocolFile {
    /// At most this many rounds (NegMAS's `n_steps`), 1..=10000 (integer-valued);
    /// optional when `[calendar]` has an `end` (the rounds up to the end).
    pub max_rounds: Option<NumberSpec>,
    /// The key of the party that moves first.
    pub first_mover: String,
    /// Probability in [0, 1] that talks collapse after each rejected offer (default 0).
    pub breakdown_risk: Option<NumberSpec>,
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
    /// The unit of the issue's values (`"years"`), shown on report axes and tables; the
    /// issue keyed `amount` defaults to `[scenario] unit`.
    pub unit: Option<String>,
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
    /// Its principal's limit on the amount issue (a floor for a party that prefers more,
    /// a ceiling for one that prefers less): deals beyond it end `not_ratified`.
    pub ratification: Option<NumberSpec>,
    /// Cost of a month of lapse after the calendar's expiry, in the unit of the amount
    /// issue (≥ 0; needs a `[calendar]` and an amount issue).
    pub lapse_cost: Option<NumberSpec>,
    /// What walking away is worth to the party, a utility on the scale of
    /// `utility.reservation`: the better of the two is its effective reservation.
    pub outside_option: Option<NumberSpec>,
    /// End-game acceptance from this relative time of the rounds up to the expiry (in
    /// (0, 1]; needs a `[calendar]`): accept a standing package that is the best the
    /// other side has offered so far and worth the reservation.
    pub end_game: Option<f64>,
    /// How its negotiators concede (in its own utility).
    pub strategy: StrategyFile,
    /// Its linear-additive utility over the issues.
    pub utility: UtilityFile,
}

/// `[parties.KEY.utility]`: weights, reservation, and one value function per issue key.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub(crate) struct UtilityFile {
    /// Issue key → weight (≥ 0; fixed weights sum to 1, drawn ones are divided by their
    /// sum).
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
