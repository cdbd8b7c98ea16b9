//! The scenario's fields, defined once: one [`FieldDef`] per field a scenario's
//! `[protocol]`, `[calendar]`, `[parties.KEY]` or `strategy` table holds as a number (or
//! a preset, or a strategy option), in the canonical input order, then the numbers of a
//! package file's `[parties.KEY.utility]` ([`Scope::Utility`]).
//!
//! Everything else is derived from [`FIELDS`]: the keys each strategy kind allows and
//! the domain checks and input registration (`validate/`, and `issues/` for package
//! files: each entry's [`Package`] says whether and how they take it), where a drawn
//! value goes in the negotiation (`sample.rs`) or the package trial
//! (`fields/package.rs`), the paths a sweep may set and how (`sweep.rs`), the
//! plain-words labels (`labels.rs`, [`package::label`]) and the field tables of
//! `docs/scenarios.md` ([`docs_blocks`], checked by a test). Adding a field (a strategy
//! parameter, say) touches its serde type in `file.rs`, the core type that uses it, and
//! one entry here.

use bargain_core::strategy::learning;
use bargain_core::{
    Calendar, FaratinFamily, Grid, Negotiation, Party, Preset, Protocol, Side, StrategySpec,
};

use super::file::{CalendarFile, NumberSpec, PartyFile, ProtocolFile, StrategyFile, StrategyKind};
use super::span::join;
use super::validate::Domain;

mod docs;
pub(crate) mod package;

pub use docs::docs_blocks;
pub(crate) use package::{At, Package};

/// Reads a field of a serde type: `None` when the file leaves it out.
pub(crate) type Get<T> = fn(&T) -> Option<&NumberSpec>;
/// Writes a field of a serde type (`None` removes an optional field; a required field
/// ignores `None`).
pub(crate) type Put<T> = fn(&mut T, Option<NumberSpec>);

/// Where a field is written in the file, and how to read and replace it there.
#[derive(Clone, Copy)]
pub(crate) enum Slot {
    /// A number of `[protocol]`.
    Protocol(Get<ProtocolFile>, Put<ProtocolFile>),
    /// A number of `[calendar]`.
    Calendar(Get<CalendarFile>, Put<CalendarFile>),
    /// A number of `[parties.KEY]`.
    Party(Get<PartyFile>, Put<PartyFile>),
    /// A constant number of `[parties.KEY]` (never a distribution, never swept).
    PartyConstant(fn(&PartyFile) -> Option<f64>),
    /// A number of a party's `strategy`, for the kinds listed.
    Strategy(
        &'static [StrategyKind],
        Get<StrategyFile>,
        Put<StrategyFile>,
    ),
    /// `strategy.preset`: a preset name or a choice of names, for the kinds listed; it
    /// sets the kind's shape field (the entry with [`FieldDef::preset_shape`]).
    Preset(&'static [StrategyKind]),
    /// A strategy key that is not a number (`family`), for the kinds listed: whether the
    /// file has it.
    StrategyText(&'static [StrategyKind], fn(&StrategyFile) -> bool),
    /// A number of a package file's `[parties.KEY.utility]`, its key a path pattern below
    /// the party (`utility.weights.ISSUE`); one-issue files have none.
    Utility,
}

/// Where a value goes in the core negotiation.
#[derive(Clone, Copy)]
pub(crate) enum Set {
    /// Into the protocol.
    Protocol(fn(&mut Protocol, f64)),
    /// Into the calendar (if the negotiation has one); the index is the party's side
    /// (0 payee, 1 payer) for party fields that live in the calendar.
    Calendar(fn(&mut Calendar, usize, f64)),
    /// Into the party.
    Party(fn(&mut Party, f64)),
    /// Into the protocol, for party fields that live there; the index is the party's
    /// side (0 payee, 1 payer).
    PartyProtocol(fn(&mut Protocol, usize, f64)),
    /// Into the party's strategy (a kind's field; other kinds are left alone).
    Strategy(fn(&mut StrategySpec, f64)),
    /// Nowhere directly (`preset` sets its kind's shape field; `family` is not a number).
    Nothing,
}

impl Set {
    /// Write `x` into `n` (for party fields: the party on `side`). Allocates nothing.
    pub(crate) fn apply(self, n: &mut Negotiation, side: Side, x: f64) {
        fn party(n: &mut Negotiation, side: Side) -> &mut Party {
            match side {
                Side::Payee => &mut n.payee,
                Side::Payer => &mut n.payer,
            }
        }
        match self {
            Set::Protocol(f) => f(&mut n.protocol, x),
            Set::Calendar(f) => {
                if let Some(c) = n.calendar.as_mut() {
                    f(c, usize::from(side == Side::Payer), x);
                }
            }
            Set::Party(f) => f(party(n, side), x),
            Set::PartyProtocol(f) => f(&mut n.protocol, usize::from(side == Side::Payer), x),
            Set::Strategy(f) => f(&mut party(n, side).strategy, x),
            Set::Nothing => {}
        }
    }
}

/// What a field is when the file leaves it out.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Absent {
    /// The file must give it (the serde type requires it).
    Required,
    /// Required unless the `[calendar]` has an `end`, which then sets it (`max_rounds`).
    RequiredWithoutEnd,
    /// This value.
    Value(f64),
    /// Nothing (an `Option` of the core type stays `None`; a strategy's shape comes from
    /// its preset).
    Unset,
}

/// One field of the scenario file.
pub(crate) struct FieldDef {
    /// The key, relative to its table (`opening`, `exponent`).
    pub key: &'static str,
    /// Where it is written and how to read and replace it.
    pub slot: Slot,
    /// Its allowed values (numbers only).
    pub domain: Domain,
    /// Its value when left out.
    pub absent: Absent,
    /// Where its value goes in the negotiation.
    pub set: Set,
    /// Its name in plain words (`opening ask`), after the party's name or the table's.
    pub label: &'static str,
    /// What it means (the docs' "meaning" column).
    pub doc: &'static str,
    /// More constraints for the docs, after those of the domain (may be empty).
    pub note: &'static str,
    /// Why it needs a `[calendar]`, if it does (an error without one; swept only with one).
    pub needs_calendar: Option<&'static str>,
    /// For a strategy's shape (`exponent`, `beta`): the value a preset gives it. The
    /// shape and `preset` exclude each other.
    pub preset_shape: Option<fn(Preset) -> f64>,
    /// Whether and how package files (`[issues]`) take it.
    pub package: Package,
}

/// The table a field belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    /// `[protocol]`
    Protocol,
    /// `[calendar]`
    Calendar,
    /// `[parties.KEY]`
    Party,
    /// `parties.KEY.strategy`
    Strategy,
    /// `parties.KEY.utility` of a package file.
    Utility,
}

impl FieldDef {
    /// The table the field is in.
    pub(crate) fn scope(&self) -> Scope {
        match self.slot {
            Slot::Protocol(..) => Scope::Protocol,
            Slot::Calendar(..) => Scope::Calendar,
            Slot::Party(..) | Slot::PartyConstant(_) => Scope::Party,
            Slot::Strategy(..) | Slot::Preset(_) | Slot::StrategyText(..) => Scope::Strategy,
            Slot::Utility => Scope::Utility,
        }
    }

    /// The strategy kinds that take the field (empty outside `strategy`).
    pub(crate) fn kinds(&self) -> &'static [StrategyKind] {
        match self.slot {
            Slot::Strategy(kinds, ..) | Slot::Preset(kinds) | Slot::StrategyText(kinds, _) => kinds,
            _ => &[],
        }
    }

    /// Whether it is a number that may be a distribution (an input) and be swept.
    pub(crate) fn is_number(&self) -> bool {
        matches!(
            self.slot,
            Slot::Protocol(..) | Slot::Calendar(..) | Slot::Party(..) | Slot::Strategy(..)
        )
    }

    /// The field's path: `protocol.max_rounds`, `parties.KEY.opening`,
    /// `parties.KEY.strategy.exponent` (`party` is ignored outside parties).
    pub(crate) fn path(&self, party: &str) -> String {
        match self.scope() {
            Scope::Protocol => join("protocol", self.key),
            Scope::Calendar => join("calendar", self.key),
            Scope::Party => join(&join("parties", party), self.key),
            Scope::Strategy => join(&join(&join("parties", party), "strategy"), self.key),
            Scope::Utility => format!("{}.{}", join("parties", party), self.key),
        }
    }

    /// The field's path below its party (`opening`, `strategy.exponent`).
    fn party_relative(&self) -> Option<String> {
        match self.scope() {
            Scope::Party => Some(self.key.to_owned()),
            Scope::Strategy => Some(join("strategy", self.key)),
            Scope::Protocol | Scope::Calendar | Scope::Utility => None,
        }
    }

    /// Whether party `p` writes this field (false for fields of other tables).
    pub(crate) fn in_party(&self, p: &PartyFile) -> bool {
        match self.slot {
            Slot::Party(get, _) => get(p).is_some(),
            Slot::PartyConstant(get) => get(p).is_some(),
            _ => self.in_strategy(&p.strategy),
        }
    }

    /// Whether strategy `s` writes this field (false for fields of other tables).
    pub(crate) fn in_strategy(&self, s: &StrategyFile) -> bool {
        match self.slot {
            Slot::Strategy(_, get, _) => get(s).is_some(),
            Slot::Preset(_) => s.preset.is_some(),
            Slot::StrategyText(_, has) => has(s),
            _ => false,
        }
    }

    /// The number spec of a strategy field in `s` (`None` for other fields).
    pub(crate) fn strategy_spec<'s>(&self, s: &'s StrategyFile) -> Option<&'s NumberSpec> {
        match self.slot {
            Slot::Strategy(_, get, _) => get(s),
            _ => None,
        }
    }
}

/// The fields of a strategy kind, in table order.
pub(crate) fn of_kind(kind: StrategyKind) -> impl Iterator<Item = &'static FieldDef> {
    FIELDS.iter().filter(move |d| d.kinds().contains(&kind))
}

/// The fields of a scope, in table order.
pub(crate) fn of_scope(scope: Scope) -> impl Iterator<Item = &'static FieldDef> {
    FIELDS.iter().filter(move |d| d.scope() == scope)
}

/// The label of a field path (`parties.kr.strategy.preset`), given the display name of
/// a party key: `Republic of Korea: negotiator type`; `None` for an unknown path.
pub(crate) fn label(path: &str, party_name: impl Fn(&str) -> Option<String>) -> Option<String> {
    if let Some(rest) = path.strip_prefix("protocol.") {
        let def = of_scope(Scope::Protocol).find(|d| d.key == rest)?;
        return Some(format!("protocol: {}", def.label));
    }
    if let Some(rest) = path.strip_prefix("calendar.") {
        let def = of_scope(Scope::Calendar).find(|d| d.key == rest)?;
        return Some(format!("calendar: {}", def.label));
    }
    let (key, field) = path.strip_prefix("parties.")?.split_once('.')?;
    let def = FIELDS
        .iter()
        .find(|d| d.party_relative().as_deref() == Some(field))?;
    Some(format!("{}: {}", party_name(key)?, def.label))
}

const TIME_BASED: &[StrategyKind] = &[StrategyKind::TimeBased];
const FARATIN: &[StrategyKind] = &[StrategyKind::Faratin];
const PRESET_KINDS: &[StrategyKind] = &[StrategyKind::TimeBased, StrategyKind::Faratin];
const LEARNING: &[StrategyKind] = &[StrategyKind::Learning];

/// Every field, in the canonical input order: protocol, calendar, then per party its
/// own fields and its strategy's (`Scenario::input_names` follows this order).
pub(crate) static FIELDS: &[FieldDef] = &[
    FieldDef {
        key: "max_rounds",
        slot: Slot::Protocol(|p| p.max_rounds.as_ref(), |p, s| p.max_rounds = s),
        domain: Domain::ROUNDS,
        absent: Absent::RequiredWithoutEnd,
        set: Set::Protocol(|p, x| p.max_rounds = x as u32),
        label: "number of rounds",
        doc: "at most this many rounds; each party moves once a round. With a calendar and an `end`, **`end` wins**: the rounds are those up to the end date and `max_rounds` is ignored (with a warning); with a calendar and no `end`, `max_rounds` counts every round, before and after the expiry",
        note: "(a distribution's draws are rounded, and its whole range must lie inside)",
        needs_calendar: None,
        preset_shape: None,
        package: Package::Input {
            set: package::max_rounds,
            doc: "",
        },
    },
    FieldDef {
        key: "breakdown_risk",
        slot: Slot::Protocol(|p| p.breakdown_risk.as_ref(), |p, s| p.breakdown_risk = s),
        domain: Domain::PROBABILITY,
        absent: Absent::Value(0.0),
        set: Set::Protocol(|p, x| p.breakdown_risk = x),
        label: "breakdown risk",
        doc: "chance that the talks collapse after each rejected offer",
        note: "",
        needs_calendar: None,
        preset_shape: None,
        package: Package::Input {
            set: package::breakdown_risk,
            doc: "chance that the talks collapse after each rejected offer: one uniform draw per rejection from the trial's own stream (`models.agents.breakdown`), so adding it changes no other draw",
        },
    },
    FieldDef {
        key: "round_months",
        slot: Slot::Calendar(
            |c| Some(&c.round_months),
            |c, s| {
                if let Some(s) = s {
                    c.round_months = s;
                }
            },
        ),
        domain: Domain {
            what: "a number of months between rounds > 0",
            ..Domain::POSITIVE
        },
        absent: Absent::Required,
        set: Set::Calendar(|c, _, x| c.round_months = x),
        label: "months between rounds",
        doc: "calendar months between rounds",
        note: "at most 10,000 rounds up to `end` at its smallest value (an unbounded-below distribution needs `within`); without `end`, the last of `max_rounds` rounds at its largest value within 50 years of `start` (an unbounded-above distribution needs `within` or an `end`)",
        needs_calendar: None,
        preset_shape: None,
        package: Package::Input {
            set: package::round_months,
            doc: "",
        },
    },
    FieldDef {
        key: "opening",
        slot: Slot::Party(
            |p| Some(&p.opening),
            |p, s| {
                if let Some(s) = s {
                    p.opening = s;
                }
            },
        ),
        domain: Domain::AMOUNT,
        absent: Absent::Required,
        set: Set::Party(|p, x| p.opening = x),
        label: "opening ask",
        doc: "the best amount it asks for",
        note: "",
        needs_calendar: None,
        preset_shape: None,
        package: Package::No,
    },
    FieldDef {
        key: "reservation",
        slot: Slot::Party(
            |p| Some(&p.reservation),
            |p, s| {
                if let Some(s) = s {
                    p.reservation = s;
                }
            },
        ),
        domain: Domain::AMOUNT,
        absent: Absent::Required,
        set: Set::Party(|p, x| p.reservation = x),
        label: "reservation",
        doc: "the worst amount it will sign",
        note: "",
        needs_calendar: None,
        preset_shape: None,
        package: Package::No,
    },
    FieldDef {
        key: "discount",
        slot: Slot::Party(|p| p.discount.as_ref(), |p, s| p.discount = s),
        domain: Domain::DISCOUNT,
        absent: Absent::Value(1.0),
        set: Set::Party(|p, x| p.discount = x),
        label: "patience (discount)",
        doc: "per-offer discount factor (patience)",
        note: "",
        needs_calendar: None,
        preset_shape: None,
        package: Package::Input {
            set: package::discount,
            doc: "per-offer discount factor (patience); time-based negotiators ignore it, as in NegMAS",
        },
    },
    FieldDef {
        key: "power",
        slot: Slot::Party(|p| p.power.as_ref(), |p, s| p.power = s),
        domain: Domain {
            what: "a bargaining power > 0",
            ..Domain::POSITIVE
        },
        absent: Absent::Value(1.0),
        set: Set::Party(|p, x| p.power = x),
        label: "bargaining power",
        doc: "bargaining power (weight in the generalized Nash solution)",
        note: "",
        needs_calendar: None,
        preset_shape: None,
        package: Package::Input {
            set: package::power,
            doc: "",
        },
    },
    FieldDef {
        key: "ratification",
        slot: Slot::Party(|p| p.ratification.as_ref(), |p, s| p.ratification = s),
        domain: Domain::AMOUNT,
        absent: Absent::Unset,
        set: Set::Party(|p, x| p.ratification = Some(x)),
        label: "ratification limit",
        doc: "the worst amount its legislature ratifies; deals beyond it end \"not ratified\"",
        note: "",
        needs_calendar: None,
        preset_shape: None,
        package: Package::Input {
            set: package::ratification,
            doc: "its principal's limit on the amount issue: a **floor** for a party whose value of the amount rises over the issue's range (it prefers more), a **ceiling** for one whose value falls (read from the central value function; a party valuing both ends of the amount alike is an error at the key); a deal beyond either party's limit ends \"not ratified\"; needs an amount issue (the `number` issue keyed `amount`)",
        },
    },
    FieldDef {
        key: "outside_option",
        slot: Slot::Party(|p| p.outside_option.as_ref(), |p, s| p.outside_option = s),
        domain: Domain::AMOUNT,
        absent: Absent::Unset,
        set: Set::Party(|p, x| p.outside_option = Some(x)),
        label: "outside option",
        doc: "amount-equivalent of walking away; the better of this and `reservation` is the effective reservation",
        note: "",
        needs_calendar: None,
        preset_shape: None,
        package: Package::Input {
            set: package::outside_option,
            doc: "what walking away is worth to the party, **a utility** on the scale of `utility.reservation` (not an amount: a level of the amount has no utility until the other issues are fixed); the better of the two is the effective reservation every model bargains from: negotiators neither offer nor accept a package worth less, and the closed forms' zone is the packages both prefer to their outside options; not with `rubinstein`, `stahl` or `brw`",
        },
    },
    FieldDef {
        key: "lapse_cost",
        slot: Slot::Party(|p| p.lapse_cost.as_ref(), |p, s| p.lapse_cost = s),
        domain: Domain {
            lo: 0.0,
            lo_open: false,
            hi: f64::INFINITY,
            hi_open: true,
            integer: false,
            what: "a lapse cost per month ≥ 0",
        },
        absent: Absent::Value(0.0),
        set: Set::Calendar(|c, i, x| c.lapse_cost[i] = x),
        label: "cost of a month of lapse",
        doc: "what a month of lapse (no agreement in force after `calendar.expiry`) costs the party, in the unit of the amount: the payer's effective reservation rises by it each month, the payee's falls",
        note: "",
        needs_calendar: Some("a lapse cost needs an expiry date"),
        preset_shape: None,
        package: Package::Input {
            set: package::lapse_cost,
            doc: "cost of a month of lapse after the expiry, **in the unit of the amount issue** (the `number` issue keyed `amount`; a package without one refuses the key). It costs the party utility through its utility of the amount: a unit of amount is worth `w · Δv / (hi − lo)` to it (its weight on `amount` times the mean slope of its value function over the issue's range, `Δv` the absolute difference of its values at the ends of the range; exact for `\"increasing\"` and `\"decreasing\"`), so after `L` months of lapse its reservation utility is `reservation − lapse_cost · w · Δv / (hi − lo) · L`",
        },
    },
    FieldDef {
        key: "end_game",
        slot: Slot::PartyConstant(|p| p.end_game),
        domain: Domain {
            lo: 0.0,
            lo_open: true,
            hi: 1.0,
            hi_open: false,
            integer: false,
            what: "a relative time in (0, 1]",
        },
        absent: Absent::Unset,
        set: Set::Calendar(|c, i, x| c.end_game[i] = Some(x)),
        label: "end-game acceptance from",
        doc: "end-game acceptance (`AC_combi`): from this relative time of the rounds up to the expiry, accept an offer that is the best the other side has made so far and clears the current effective reservation",
        note: "",
        needs_calendar: Some("the end game runs against its expiry"),
        preset_shape: None,
        package: Package::Fixed {
            doc: "end-game acceptance (`AC_combi`): from this relative time of the rounds up to the expiry, accept a standing package that is the best (in the party's utility) the other side has offered so far and worth its reservation",
        },
    },
    FieldDef {
        key: "obstinacy",
        slot: Slot::Party(|p| p.obstinacy.as_ref(), |p, s| p.obstinacy = s),
        domain: Domain {
            what: "an obstinacy (a probability) in [0, 1]",
            ..Domain::PROBABILITY
        },
        absent: Absent::Value(0.0),
        set: Set::PartyProtocol(|p, i, x| p.obstinacy[i] = x),
        label: "obstinacy",
        doc: "probability that the party is an obstinate type that never moves from its `opening` (the `attrition` model's prior; other models ignore it)",
        note: "",
        needs_calendar: None,
        preset_shape: None,
        package: Package::No,
    },
    FieldDef {
        key: "preset",
        slot: Slot::Preset(PRESET_KINDS),
        domain: Domain::AMOUNT,
        absent: Absent::Unset,
        set: Set::Nothing,
        label: "negotiator type",
        doc: "named concession speed; a `choice` gives a mix of negotiator types",
        note: "`\"boulware\"`, `\"linear\"` or `\"conceder\"`, or `{ choice = [names], weights = [..] }`; either `preset` or the kind's shape (`exponent`, `beta`)",
        needs_calendar: None,
        preset_shape: None,
        package: Package::Text,
    },
    FieldDef {
        key: "exponent",
        slot: Slot::Strategy(TIME_BASED, |s| s.exponent.as_ref(), |s, v| s.exponent = v),
        domain: Domain::POSITIVE,
        absent: Absent::Unset,
        set: Set::Strategy(|s, x| {
            if let StrategySpec::TimeBased { exponent, .. } = s {
                *exponent = x;
            }
        }),
        label: "concession exponent",
        doc: "aspiration exponent (NegMAS time-based concession)",
        note: "either `preset` or `exponent`",
        needs_calendar: None,
        preset_shape: Some(Preset::time_based_exponent),
        package: Package::Input {
            set: package::shape,
            doc: "",
        },
    },
    FieldDef {
        key: "max_aspiration",
        slot: Slot::Strategy(
            TIME_BASED,
            |s| s.max_aspiration.as_ref(),
            |s, v| s.max_aspiration = v,
        ),
        domain: Domain::MAX_ASPIRATION,
        absent: Absent::Value(1.0),
        set: Set::Strategy(|s, x| {
            if let StrategySpec::TimeBased { max_aspiration, .. } = s {
                *max_aspiration = x;
            }
        }),
        label: "maximum aspiration",
        doc: "maximum aspiration: where the concession curve starts (NegMAS `max_aspiration`)",
        note: "",
        needs_calendar: None,
        preset_shape: None,
        package: Package::Input {
            set: package::max_aspiration,
            doc: "",
        },
    },
    FieldDef {
        key: "eps",
        slot: Slot::Strategy(TIME_BASED, |s| s.eps.as_ref(), |s, v| s.eps = v),
        domain: Domain::EPS,
        absent: Absent::Value(1e-4),
        set: Set::Strategy(|s, x| {
            if let StrategySpec::TimeBased { eps, .. } = s {
                *eps = x;
            }
        }),
        label: "acceptance tolerance",
        doc: "threshold tolerance of acceptance (NegMAS `eps`)",
        note: "",
        needs_calendar: None,
        preset_shape: None,
        package: Package::No,
    },
    FieldDef {
        key: "beta",
        slot: Slot::Strategy(FARATIN, |s| s.beta.as_ref(), |s, v| s.beta = v),
        domain: Domain::POSITIVE,
        absent: Absent::Unset,
        set: Set::Strategy(|s, x| {
            if let StrategySpec::Faratin { beta, .. } = s {
                *beta = x;
            }
        }),
        label: "concession shape β",
        doc: "concession shape β (Faratin–Sierra–Jennings time-dependent tactics)",
        note: "either `preset` or `beta`",
        needs_calendar: None,
        preset_shape: Some(Preset::faratin_beta),
        package: Package::Input {
            set: package::shape,
            doc: "",
        },
    },
    FieldDef {
        key: "kappa",
        slot: Slot::Strategy(FARATIN, |s| s.kappa.as_ref(), |s, v| s.kappa = v),
        domain: Domain::PROBABILITY,
        absent: Absent::Value(0.0),
        set: Set::Strategy(|s, x| {
            if let StrategySpec::Faratin { kappa, .. } = s {
                *kappa = x;
            }
        }),
        label: "initial concession κ",
        doc: "initial concession κ",
        note: "",
        needs_calendar: None,
        preset_shape: None,
        package: Package::Input {
            set: package::kappa,
            doc: "",
        },
    },
    FieldDef {
        key: "family",
        slot: Slot::StrategyText(FARATIN, |s| s.family.is_some()),
        domain: Domain::AMOUNT,
        absent: Absent::Unset,
        set: Set::Nothing,
        label: "strategy family",
        doc: "the form of the concession curve α(t)",
        note: "`\"polynomial\"` (the default) or `\"exponential\"`",
        needs_calendar: None,
        preset_shape: None,
        package: Package::Text,
    },
    FieldDef {
        key: "prior_width",
        slot: Slot::Strategy(
            LEARNING,
            |s| s.prior_width.as_ref(),
            |s, v| s.prior_width = v,
        ),
        domain: Domain {
            lo: 0.0,
            lo_open: true,
            hi: 4.0,
            hi_open: false,
            integer: false,
            what: "a prior width in (0, 4]",
        },
        absent: Absent::Value(learning::DEFAULT_PRIOR_WIDTH),
        set: Set::Strategy(|s, x| {
            if let StrategySpec::Learning { prior_width, .. } = s {
                *prior_width = x;
            }
        }),
        label: "prior width",
        doc: "learning: the opponent's reservation hypotheses spread evenly from its first offer toward the own opening, over this share of the gap between them (1: the whole gap; above 1: beyond the own opening)",
        note: "",
        needs_calendar: None,
        preset_shape: None,
        package: Package::Fixed { doc: "" },
    },
    FieldDef {
        key: "hypotheses",
        slot: Slot::Strategy(LEARNING, |s| s.hypotheses.as_ref(), |s, v| s.hypotheses = v),
        domain: Domain {
            lo: learning::MIN_HYPOTHESES as f64,
            lo_open: false,
            hi: learning::MAX_HYPOTHESES as f64,
            hi_open: false,
            integer: true,
            what: "a number of hypotheses in 2..=64",
        },
        absent: Absent::Value(learning::DEFAULT_HYPOTHESES as f64),
        set: Set::Strategy(|s, x| {
            if let StrategySpec::Learning { hypotheses, .. } = s {
                *hypotheses = x as u32;
            }
        }),
        label: "reservation hypotheses",
        doc: "learning: how many values of the opponent's reservation the learner weighs (under the assumed concession exponent that fits its offers best, of fourteen from 0.25 to 6)",
        note: "(a distribution's draws are rounded, and its whole range must lie inside)",
        needs_calendar: None,
        preset_shape: None,
        package: Package::Fixed { doc: "" },
    },
    FieldDef {
        key: "exponent",
        slot: Slot::Strategy(LEARNING, |s| s.exponent.as_ref(), |s, v| s.exponent = v),
        domain: Domain::POSITIVE,
        absent: Absent::Value(learning::DEFAULT_EXPONENT),
        set: Set::Strategy(|s, x| {
            if let StrategySpec::Learning { exponent, .. } = s {
                *exponent = x;
            }
        }),
        label: "concession exponent",
        doc: "learning: exponent of the own concession from the opening toward the estimated Nash point (1 linear, above 1 boulware, below 1 conceder)",
        note: "",
        needs_calendar: None,
        preset_shape: None,
        package: Package::Input {
            set: package::shape,
            doc: "",
        },
    },
    FieldDef {
        key: package::RESERVATION,
        slot: Slot::Utility,
        domain: Domain {
            what: "a finite utility",
            ..Domain::AMOUNT
        },
        absent: Absent::Value(0.0),
        set: Set::Nothing,
        label: "reservation utility",
        doc: "the utility of no agreement",
        note: "above 1 (the best utility an outcome can give) is a warning",
        needs_calendar: None,
        preset_shape: None,
        package: Package::Input {
            set: package::reservation,
            doc: "",
        },
    },
    FieldDef {
        key: package::WEIGHT,
        slot: Slot::Utility,
        domain: Domain {
            what: "a weight in [0, 1]",
            ..Domain::PROBABILITY
        },
        absent: Absent::Required,
        set: Set::Nothing,
        label: "weight of ISSUE",
        doc: "the weight of issue `ISSUE` in the party's utility; `weights` has one per issue and no other keys",
        note: "fixed weights sum to 1 (tolerance 1e-6); when one is drawn, the weights are divided by their sum in each trial (and at the central values, with a warning when that sum is not 1), so they may not all reach 0 together",
        needs_calendar: None,
        preset_shape: None,
        package: Package::Input {
            set: package::weight,
            doc: "",
        },
    },
    FieldDef {
        key: package::POINT,
        slot: Slot::Utility,
        domain: Domain {
            what: "a value in [0, 1]",
            ..Domain::PROBABILITY
        },
        absent: Absent::Required,
        set: Set::Nothing,
        label: "value of ISSUE at point POINT",
        doc: "the `u` of point `K` of a piecewise-linear value function `{ points = [[x, u], …] }` (its `x` is a fixed number)",
        note: "",
        needs_calendar: None,
        preset_shape: None,
        package: Package::Input {
            set: package::point,
            doc: "",
        },
    },
    FieldDef {
        key: package::TABLE,
        slot: Slot::Utility,
        domain: Domain {
            what: "a value in [0, 1]",
            ..Domain::PROBABILITY
        },
        absent: Absent::Required,
        set: Set::Nothing,
        label: "value of ISSUE for LABEL",
        doc: "the `u` of label `LABEL` of a `choice` issue's value function `{ table = { label = u, … } }` (one entry per label)",
        note: "",
        needs_calendar: None,
        preset_shape: None,
        package: Package::Input {
            set: package::table,
            doc: "",
        },
    },
];

/// The keys of the field table in one of the scenario's tables, in table order:
/// `"protocol"`, `"calendar"`, `"party"` (a party's own fields) or `"strategy"`; empty for
/// another name. For readers of the file as written (a report's list of assumptions).
#[must_use]
pub fn keys(table: &str) -> Vec<&'static str> {
    let scope = match table {
        "protocol" => Scope::Protocol,
        "calendar" => Scope::Calendar,
        "party" => Scope::Party,
        "strategy" => Scope::Strategy,
        _ => return Vec::new(),
    };
    of_scope(scope).map(|d| d.key).collect()
}

// The core types with placeholder numbers (0, `None`), before every field's central
// value is written by its setter: a new number of a core type gets its placeholder here.

/// A protocol with placeholder numbers.
pub(crate) fn protocol_skeleton(first_mover: Side, grid: Option<Grid>) -> Protocol {
    Protocol {
        max_rounds: 1,
        first_mover,
        breakdown_risk: 0.0,
        grid,
        obstinacy: [0.0; 2],
    }
}

/// A calendar with placeholder numbers.
pub(crate) fn calendar_skeleton(expiry_day: u32, end_day: Option<u32>) -> Calendar {
    Calendar {
        round_months: 1.0,
        expiry_day,
        end_day,
        lapse_cost: [0.0; 2],
        end_game: [None; 2],
        pace: bargain_core::calendar::Pace::FIXED,
    }
}

/// A party with placeholder numbers.
pub(crate) fn party_skeleton(side: Side, strategy: StrategySpec) -> Party {
    Party {
        side,
        opening: 0.0,
        reservation: 0.0,
        discount: 0.0,
        power: 0.0,
        ratification: None,
        outside_option: None,
        strategy,
    }
}

/// A strategy of `kind` with placeholder numbers (`family` only for faratin).
pub(crate) fn strategy_skeleton(kind: StrategyKind, family: FaratinFamily) -> StrategySpec {
    match kind {
        StrategyKind::TimeBased => StrategySpec::TimeBased {
            exponent: 0.0,
            max_aspiration: 0.0,
            eps: 0.0,
        },
        StrategyKind::Faratin => StrategySpec::Faratin {
            beta: 0.0,
            kappa: 0.0,
            family,
        },
        StrategyKind::TitForTat => StrategySpec::TitForTat,
        StrategyKind::Hardliner => StrategySpec::Hardliner,
        StrategyKind::Learning => StrategySpec::learning(),
    }
}

#[cfg(test)]
mod tests;
