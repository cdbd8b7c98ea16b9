//! How package scenarios (`[issues]`) take the fields of the table: [`Package`] on every
//! entry says whether a package file takes the key, and where a drawn value goes in a
//! [`PackageTrial`]; the package-only numbers (`utility.reservation`, the weights, the
//! `u` of value functions) are entries of [`FIELDS`] of their own ([`Scope::Utility`]),
//! keyed by a path pattern below `parties.KEY` (`utility.weights.ISSUE`).

use bargain_core::package::preferences::ValueFunction;
use bargain_core::package::tactics::Tactic;

use super::{FIELDS, FieldDef, Scope};
use crate::file::StrategyKind;
use crate::issues::PackageTrial;

/// Where in a package trial a value goes: the party (0 the first mover, 1 the second),
/// and for the numbers of a utility the issue and the point or label.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct At {
    /// The party, 0 the first mover.
    pub party: usize,
    /// The issue (utility fields), in the outcome space's order.
    pub issue: usize,
    /// The point of `points` or the label of `table` (value-function fields).
    pub item: usize,
}

impl At {
    /// Party `party`'s field (or a field of no party: `At::party(0)`).
    pub(crate) fn party(party: usize) -> Self {
        At {
            party,
            ..At::default()
        }
    }
}

/// Writes a drawn value into a package trial (allocates nothing).
pub(crate) type PkgSet = fn(&mut PackageTrial, At, f64);

/// How package files take a field.
#[derive(Clone, Copy)]
pub(crate) enum Package {
    /// Not at all: a package file refuses the key (or has no such table).
    No,
    /// A number that may be a distribution (an input of the package scenario): its value
    /// goes into the trial by `set`. `doc`: its meaning on packages, when it differs from
    /// the entry's `doc` (empty: the same).
    Input {
        /// Where a drawn value goes.
        set: PkgSet,
        /// The meaning on packages (empty: the entry's `doc`).
        doc: &'static str,
    },
    /// A fixed number on packages (a distribution is an error). `doc` as for `Input`.
    Fixed {
        /// The meaning on packages (empty: the entry's `doc`).
        doc: &'static str,
    },
    /// A key that is not a number (`preset`, `family`), taken as in one-issue files.
    Text,
}

impl Package {
    /// Whether package files take the field.
    pub(crate) fn taken(self) -> bool {
        !matches!(self, Package::No)
    }
}

/// The key of a party's utility of no agreement.
pub(crate) const RESERVATION: &str = "utility.reservation";
/// The key pattern of a party's weight of an issue.
pub(crate) const WEIGHT: &str = "utility.weights.ISSUE";
/// The key pattern of the `u` of a point of a value function.
pub(crate) const POINT: &str = "utility.ISSUE.points[K][1]";
/// The key pattern of the `u` of a label of a `choice` issue's table.
pub(crate) const TABLE: &str = "utility.ISSUE.table.LABEL";

/// The entry of a package number of `scope` keyed `key` (`Scope::Party`, `discount`;
/// `Scope::Utility`, [`WEIGHT`]); `None` when package files do not take it. Strategy
/// fields: [`strategy_field`].
pub(crate) fn field(scope: Scope, key: &str) -> Option<&'static FieldDef> {
    FIELDS
        .iter()
        .find(|d| d.scope() == scope && d.key == key && d.package.taken())
}

/// The entry of strategy field `key` of `kind` on packages; `None` when packages do not
/// take it.
pub(crate) fn strategy_field(kind: StrategyKind, key: &str) -> Option<&'static FieldDef> {
    super::of_kind(kind).find(|d| d.key == key && d.package.taken())
}

/// What the placeholders of key pattern `pattern` stand for in `rest`, the part of a
/// path below `parties.KEY` (`ISSUE` any issue key, `LABEL` any label — the last segment,
/// quoted when it is not a bare key —, `K` any index); `None` when `rest` does not match.
fn holes(pattern: &str, rest: &str) -> Option<Vec<String>> {
    let pat: Vec<&str> = pattern.split('.').collect();
    let mut rest = rest;
    let mut out = Vec::new();
    for (n, p) in pat.iter().enumerate() {
        let seg = if n + 1 == pat.len() {
            std::mem::take(&mut rest)
        } else {
            let (seg, tail) = rest.split_once('.')?;
            rest = tail;
            seg
        };
        match *p {
            "ISSUE" | "LABEL" if !seg.is_empty() => out.push(seg.to_owned()),
            "points[K][1]" => {
                let k = seg.strip_prefix("points[")?.strip_suffix("][1]")?;
                k.parse::<usize>().ok()?;
                out.push(k.to_owned());
            }
            _ if *p == seg => {}
            _ => return None,
        }
    }
    Some(out)
}

/// The entry of the package field at `path` (`parties.us.utility.weights.term`,
/// `protocol.max_rounds`, `parties.kr.strategy.beta`) and what its placeholders stand
/// for (the issue, the point, the label), given the party's strategy kind; `None` for a
/// path package files do not have.
pub(crate) fn field_at(
    path: &str,
    kind_of: impl Fn(&str) -> Option<StrategyKind>,
) -> Option<(&'static FieldDef, Vec<String>)> {
    let taken = FIELDS.iter().filter(|d| d.package.taken());
    if let Some(rest) = path.strip_prefix("protocol.") {
        let d = taken
            .clone()
            .find(|d| d.scope() == Scope::Protocol && d.key == rest)?;
        return Some((d, Vec::new()));
    }
    if let Some(rest) = path.strip_prefix("calendar.") {
        let d = taken
            .clone()
            .find(|d| d.scope() == Scope::Calendar && d.key == rest)?;
        return Some((d, Vec::new()));
    }
    let rest = path.strip_prefix("parties.")?;
    let (party, rest) = rest.split_once('.')?;
    if let Some(key) = rest.strip_prefix("strategy.") {
        return Some((strategy_field(kind_of(party)?, key)?, Vec::new()));
    }
    taken
        .filter(|d| matches!(d.scope(), Scope::Party | Scope::Utility))
        .find_map(|d| {
            let holes = match d.scope() {
                Scope::Utility => holes(d.key, rest)?,
                _ if d.key == rest => Vec::new(),
                _ => return None,
            };
            Some((d, holes))
        })
}

/// The label of a package field path in words (`United States: weight of term`),
/// given the display name of a party key and its strategy kind; `None` for a path
/// package files do not have.
pub(crate) fn label(
    path: &str,
    party_name: impl Fn(&str) -> Option<String>,
    kind_of: impl Fn(&str) -> Option<StrategyKind>,
) -> Option<String> {
    let (def, holes) = field_at(path, kind_of)?;
    let mut text = def.label.to_owned();
    let named: Vec<&str> = ["ISSUE", "POINT", "LABEL"]
        .into_iter()
        .filter(|h| def.label.contains(h))
        .collect();
    for (hole, value) in named.into_iter().zip(&holes) {
        text = text.replacen(hole, value, 1);
    }
    let owner = match def.scope() {
        Scope::Protocol => "protocol".to_owned(),
        Scope::Calendar => "calendar".to_owned(),
        _ => {
            let key = path.strip_prefix("parties.")?.split_once('.')?.0;
            party_name(key)?
        }
    };
    Some(format!("{owner}: {text}"))
}

// Where each package number goes in a trial (the `set` of its entry's `Package::Input`).

/// `protocol.max_rounds`.
pub(crate) fn max_rounds(t: &mut PackageTrial, _: At, x: f64) {
    t.max_rounds = x as u32;
}

/// `protocol.breakdown_risk`.
pub(crate) fn breakdown_risk(t: &mut PackageTrial, _: At, x: f64) {
    t.breakdown_risk = x;
}

/// `calendar.round_months`.
pub(crate) fn round_months(t: &mut PackageTrial, _: At, x: f64) {
    if let Some(c) = t.calendar.as_mut() {
        c.round_months = x;
    }
}

/// `parties.KEY.discount`.
pub(crate) fn discount(t: &mut PackageTrial, at: At, x: f64) {
    t.parties[at.party].preferences.discount = x;
}

/// `parties.KEY.power`.
pub(crate) fn power(t: &mut PackageTrial, at: At, x: f64) {
    t.parties[at.party].power = x;
}

/// `parties.KEY.ratification`: the limit of the party's principal.
pub(crate) fn ratification(t: &mut PackageTrial, at: At, x: f64) {
    if let Some(r) = t.ratification[at.party].as_mut() {
        r.limit = x;
    }
}

/// `parties.KEY.lapse_cost` (in the unit of the amount issue).
pub(crate) fn lapse_cost(t: &mut PackageTrial, at: At, x: f64) {
    if let Some(c) = t.calendar.as_mut() {
        c.lapse_cost[at.party] = x;
    }
}

/// `parties.KEY.outside_option` (a utility on packages).
pub(crate) fn outside_option(t: &mut PackageTrial, at: At, x: f64) {
    t.outside_option[at.party] = Some(x);
}

/// A strategy's shape: the time-based or learning exponent, the Faratin β (what a
/// preset sets).
pub(crate) fn shape(t: &mut PackageTrial, at: At, x: f64) {
    match &mut t.parties[at.party].tactic {
        Tactic::TimeBased(a) => a.exponent = x,
        Tactic::Faratin { beta, .. } => *beta = x,
        Tactic::Learning { exponent, .. } => *exponent = x,
        Tactic::TitForTat | Tactic::Hardliner => {}
    }
}

/// `strategy.max_aspiration` (time-based).
pub(crate) fn max_aspiration(t: &mut PackageTrial, at: At, x: f64) {
    if let Tactic::TimeBased(a) = &mut t.parties[at.party].tactic {
        a.max_aspiration = x;
    }
}

/// `strategy.kappa` (faratin).
pub(crate) fn kappa(t: &mut PackageTrial, at: At, x: f64) {
    if let Tactic::Faratin { kappa, .. } = &mut t.parties[at.party].tactic {
        *kappa = x;
    }
}

/// `utility.reservation`.
pub(crate) fn reservation(t: &mut PackageTrial, at: At, x: f64) {
    t.parties[at.party].preferences.reservation = x;
}

/// `utility.weights.ISSUE`.
pub(crate) fn weight(t: &mut PackageTrial, at: At, x: f64) {
    t.parties[at.party].preferences.utility.weights[at.issue] = x;
}

/// The `u` of point `at.item` of a `points` value function.
pub(crate) fn point(t: &mut PackageTrial, at: At, x: f64) {
    if let ValueFunction::Points(p) = &mut t.parties[at.party].preferences.utility.values[at.issue]
    {
        p[at.item].1 = x;
    }
}

/// The `u` of label `at.item` of a `table` value function.
pub(crate) fn table(t: &mut PackageTrial, at: At, x: f64) {
    if let ValueFunction::Table(v) = &mut t.parties[at.party].preferences.utility.values[at.issue] {
        v[at.item] = x;
    }
}
