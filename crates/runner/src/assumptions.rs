//! The scenario's assumptions in words, for the report page: every uncertain input with
//! its distribution ("uniform 0.95–0.99") and every fixed input with its value, read
//! from the scenario file as written, and every `[[events]]` entry — for one-issue files
//! ([`assumptions`]) and package files ([`package_assumptions`]) alike.

use bargain_core::Side;

use crate::scenario::issues::PackageScenario;
use crate::scenario::{EventInfo, Scenario};

/// One input of the scenario, in words.
#[derive(Debug, Clone, PartialEq)]
pub struct Assumption {
    /// Human-readable name (`United States: reservation`).
    pub label: String,
    /// The field path (`parties.us.reservation`).
    pub path: String,
    /// The value or distribution in words (`uniform 0.9602–1.13`).
    pub value: String,
    /// Whether it is drawn anew in every trial.
    pub uncertain: bool,
}

/// The keys shown of a table, in order: its keys that are not numbers (dates, the
/// strategy's kind) and then those of the scenario's field table
/// (`bargain_scenario::field_keys`), so a new field shows up without an edit here.
fn shown(table: &str) -> Vec<&'static str> {
    let mut keys: Vec<&'static str> = match table {
        "calendar" => vec!["start", "expiry", "end", "on_veto"],
        "strategy" => vec!["kind"],
        _ => Vec::new(),
    };
    keys.extend(crate::scenario::field_keys(table));
    keys
}

/// The assumptions of `scenario`, read from its file text `text` (uncertain inputs
/// first, each group in file order). An unreadable text gives no rows.
#[must_use]
pub fn assumptions(scenario: &Scenario, text: &str) -> Vec<Assumption> {
    let Ok(doc) = text.parse::<toml::Table>() else {
        return Vec::new();
    };
    let mut rows = Vec::new();
    let mut add = |path: String, value: &toml::Value| {
        if let Some((words, uncertain)) = words(value) {
            rows.push(Assumption {
                label: label(scenario, &path),
                path,
                value: words,
                uncertain,
            });
        }
    };
    let table = |v: Option<&toml::Value>| v.and_then(toml::Value::as_table).cloned();
    if let Some(t) = table(doc.get("protocol")) {
        for key in shown("protocol") {
            if let Some(v) = t.get(key) {
                add(format!("protocol.{key}"), v);
            }
        }
    }
    if let Some(t) = table(doc.get("calendar")) {
        for key in shown("calendar") {
            if let Some(v) = t.get(key) {
                add(format!("calendar.{key}"), v);
            }
        }
    }
    if let Some(parties) = table(doc.get("parties")) {
        for (key, party) in &parties {
            let Some(party) = party.as_table() else {
                continue;
            };
            for field in shown("party") {
                if let Some(v) = party.get(field) {
                    add(format!("parties.{key}.{field}"), v);
                }
            }
            if let Some(strategy) = party.get("strategy").and_then(toml::Value::as_table) {
                for field in shown("strategy") {
                    if let Some(v) = strategy.get(field) {
                        add(format!("parties.{key}.strategy.{field}"), v);
                    }
                }
            }
        }
    }
    rows.extend(event_rows(scenario.events(), |side| {
        scenario.party_name(side)
    }));
    // Uncertain first; the sort is stable, so each group keeps file order.
    rows.sort_by_key(|r| !r.uncertain);
    rows
}

/// The tables of a package file that hold no inputs: what the scenario is, how to run
/// it, its issues, exclusions and events (listed apart) and the observed deal.
const PACKAGE_SKIPPED: [&str; 6] = ["scenario", "run", "issues", "exclude", "events", "observed"];

/// The assumptions of package scenario `s`, read from its file text `text`: every value
/// the field table knows (`parties.us.utility.reservation`,
/// `parties.kr.utility.weights.term`, `calendar.round_months`, …), the calendar's dates
/// and each party's value function of each issue, in key order, then its events;
/// uncertain rows first. An unreadable text gives no rows.
#[must_use]
pub fn package_assumptions(s: &PackageScenario, text: &str) -> Vec<Assumption> {
    let Ok(doc) = text.parse::<toml::Table>() else {
        return Vec::new();
    };
    let mut rows = Vec::new();
    for (key, v) in &doc {
        if !PACKAGE_SKIPPED.contains(&key.as_str()) {
            package_rows(s, key, v, &mut rows);
        }
    }
    rows.extend(event_rows(s.events(), |side| {
        s.party_names[usize::from(side == Side::Payer)].as_str()
    }));
    rows.sort_by_key(|r| !r.uncertain);
    rows
}

/// The rows of the value at `path` of a package file: a value the field table labels
/// (or a calendar date) is one row; other tables are walked.
fn package_rows(s: &PackageScenario, path: &str, v: &toml::Value, rows: &mut Vec<Assumption>) {
    let label = s.field_label(path);
    let date = path
        .strip_prefix("calendar.")
        .is_some_and(|k| shown("calendar").contains(&k));
    if (label != path || date)
        && let Some((value, uncertain)) = words(v)
    {
        rows.push(Assumption {
            label: if date {
                label_with(path, |p| p.to_owned())
            } else {
                label
            },
            path: path.to_owned(),
            value,
            uncertain,
        });
        return;
    }
    if let Some(row) = value_function(s, path, v) {
        rows.push(row);
        return;
    }
    if let toml::Value::Table(t) = v {
        for (key, inner) in t {
            package_rows(s, &format!("{path}.{key}"), inner, rows);
        }
    }
}

/// The row of a party's value function of an issue written as a shape
/// (`amount = "increasing"`) or as points (`term = { points = [[1, 1.0], [6, 0.0]] }`);
/// `None` for any other path (a `table` of labels is walked: its entries are fields).
fn value_function(s: &PackageScenario, path: &str, v: &toml::Value) -> Option<Assumption> {
    let rest = path.strip_prefix("parties.")?;
    let (key, issue) = rest.split_once(".utility.")?;
    let party = s.party_keys.iter().position(|k| k == key)?;
    s.space().issues().iter().find(|i| i.key == issue)?;
    let value = match v {
        toml::Value::String(shape) => shape.clone(),
        toml::Value::Table(t) => {
            let points: Vec<String> = t
                .get("points")?
                .as_array()?
                .iter()
                .map(|p| {
                    let xy = nums(Some(p))?;
                    Some(format!("({})", xy.join(", ")))
                })
                .collect::<Option<_>>()?;
            format!("through the points {}", points.join(", "))
        }
        _ => return None,
    };
    Some(Assumption {
        label: format!("{}: value of {issue}", s.party_names[party]),
        path: path.to_owned(),
        value,
        uncertain: false,
    })
}

/// One row per `[[events]]` entry: its date, party (named by `party_name`) and changes
/// in words; uncertain when it may not happen, its date is a range or a value is drawn.
fn event_rows<'a>(events: &[EventInfo], party_name: impl Fn(Side) -> &'a str) -> Vec<Assumption> {
    events
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let who = e
                .party
                .map(|side| format!("{}: ", party_name(side)))
                .unwrap_or_default();
            let chance = if e.probability < 1.0 {
                format!(" (in {}% of trials)", 100.0 * e.probability)
            } else {
                String::new()
            };
            Assumption {
                label: format!("event: {}", e.note),
                path: format!("events[{i}]"),
                value: format!("from {}: {who}{}{chance}", e.date, e.changes.join(", ")),
                uncertain: e.probability < 1.0
                    || e.days.0 != e.days.1
                    || e.changes.iter().any(|c| c.contains(" draw")),
            }
        })
        .collect()
}

/// The label of a path: the scenario's field label, or a plain name for fields it does
/// not name.
fn label(scenario: &Scenario, path: &str) -> String {
    label_with(path, |p| scenario.field_label(p))
}

/// The label of a path from `field_label` (a scenario's field labels: the path itself
/// for a field it does not name), or a plain name for the calendar's dates and the
/// party fields `field_label` does not name.
fn label_with(path: &str, field_label: impl Fn(&str) -> String) -> String {
    let known = field_label(path);
    if known != path {
        return known;
    }
    let extra = [
        ("lapse_cost", "cost of a month of lapse"),
        ("end_game", "end-game acceptance from (share of the time)"),
        ("strategy.kind", "strategy"),
        ("strategy.family", "strategy family"),
    ];
    if let Some(rest) = path.strip_prefix("calendar.") {
        let name = match rest {
            "round_months" => "months between rounds",
            "start" => "first round",
            "expiry" => "current agreement expires",
            "end" => "last day of talks",
            "on_veto" => "after a principal's veto",
            other => other,
        };
        return format!("calendar: {name}");
    }
    if let Some(rest) = path.strip_prefix("parties.")
        && let Some((key, field)) = rest.split_once('.')
        && let Some((_, name)) = extra.iter().find(|(f, _)| *f == field)
    {
        // The party's display name, from a field the scenario does label.
        let party = field_label(&format!("parties.{key}.reservation"));
        let party = party.strip_suffix(": reservation").unwrap_or(key);
        return format!("{party}: {name}");
    }
    path.to_string()
}

/// A number as written, without float noise (`0.9602`, `2`).
fn num(v: &toml::Value) -> Option<String> {
    match v {
        toml::Value::Integer(i) => Some(i.to_string()),
        toml::Value::Float(x) => Some(format!("{x}")),
        toml::Value::String(s) => Some(s.clone()),
        _ => None,
    }
}

fn nums(v: Option<&toml::Value>) -> Option<Vec<String>> {
    v?.as_array()?.iter().map(num).collect()
}

/// A value in words and whether it is uncertain (`None`: not an input).
fn words(v: &toml::Value) -> Option<(String, bool)> {
    let toml::Value::Table(t) = v else {
        return num(v).map(|s| (s, false));
    };
    let within = nums(t.get("within")).filter(|w| w.len() == 2);
    let text = if let Some(p) = nums(t.get("uniform")).filter(|p| p.len() == 2) {
        format!("uniform {}–{}", p[0], p[1])
    } else if let Some(p) = nums(t.get("triangular")).filter(|p| p.len() == 3) {
        format!("triangular {}–{}, mode {}", p[0], p[2], p[1])
    } else if let Some(p) = nums(t.get("normal")).filter(|p| p.len() == 2) {
        format!("normal, mean {}, sd {}", p[0], p[1])
    } else if let Some(p) = nums(t.get("lognormal")).filter(|p| p.len() == 2) {
        format!("lognormal, log-mean {}, log-sd {}", p[0], p[1])
    } else if let Some(p) = nums(t.get("beta")).filter(|p| p.len() == 2) {
        let (lo, hi) = within
            .as_ref()
            .map_or(("0".to_string(), "1".to_string()), |w| {
                (w[0].clone(), w[1].clone())
            });
        return Some((format!("beta({}, {}) on {lo}–{hi}", p[0], p[1]), true));
    } else if let Some(options) = nums(t.get("choice")) {
        let mut text = format!("one of {}", options.join(", "));
        if let Some(w) = nums(t.get("weights")) {
            text.push_str(&format!(" (weights {})", w.join(", ")));
        } else {
            text.push_str(" (equally likely)");
        }
        text
    } else {
        return None;
    };
    let text = match within {
        Some(w) => format!("{text}, truncated to {}–{}", w[0], w[1]),
        None => text,
    };
    Some((text, true))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sma_2019_inputs_in_words() {
        let s = Scenario::builtin_sma_2019();
        let rows = assumptions(&s, Scenario::builtin_sma_2019_text());
        let find = |path: &str| {
            rows.iter()
                .find(|r| r.path == path)
                .unwrap_or_else(|| panic!("no row for {path}: {rows:?}"))
        };
        let r = find("parties.us.reservation");
        assert_eq!(r.value, "uniform 0.9602–1");
        assert_eq!(r.label, "United States: reservation");
        assert!(r.uncertain);
        let r = find("parties.us.opening");
        assert_eq!(r.value, "triangular 1.0562–1.2195, mode 1.1234");
        let r = find("protocol.breakdown_risk");
        assert_eq!(r.value, "beta(1, 199) on 0–1");
        let r = find("parties.us.strategy.preset");
        // Equal weights in the dated forecast (docs/forecast-recipe.md).
        assert!(
            r.value.starts_with("one of boulware, linear, conceder")
                && !r.value.contains("2, 1, 1"),
            "{}",
            r.value
        );
        let r = find("parties.kr.power");
        assert_eq!(r.value, "1");
        assert!(!r.uncertain);
        let r = find("parties.kr.lapse_cost");
        assert_eq!(r.label, "Republic of Korea: cost of a month of lapse");
        // Every uncertain input of the scenario has a row, and uncertain rows come first.
        let uncertain = rows.iter().filter(|r| r.uncertain).count();
        assert_eq!(uncertain, s.input_count(), "{rows:?}");
        assert!(rows[..uncertain].iter().all(|r| r.uncertain));
    }

    /// Every input of a shipped package file has an uncertain row labelled by the field
    /// table, the value functions and the event have rows, and fixed rows come last.
    #[test]
    fn sma_2021_package_inputs_value_functions_and_event_in_words() {
        let text = include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../scenarios/sma-2021-package.toml"
        ));
        let s = PackageScenario::parse(text, "sma-2021-package.toml").expect("valid");
        let rows = package_assumptions(&s, text);
        let find = |path: &str| {
            rows.iter()
                .find(|r| r.path == path)
                .unwrap_or_else(|| panic!("no row for {path}: {rows:?}"))
        };
        for (name, label) in s.input_names().iter().zip(s.input_labels()) {
            let r = find(name);
            assert!(r.uncertain, "{r:?}");
            assert_eq!(r.label, label);
        }
        let uncertain = rows.iter().filter(|r| r.uncertain).count();
        assert_eq!(uncertain, s.input_names().len(), "{rows:?}");
        assert!(rows[uncertain..].iter().all(|r| !r.uncertain));
        let r = find("parties.us.ratification");
        assert_eq!(
            r.value,
            "one of 1.0389, 1.222, 1.318, 1.414, 1.51 (weights 4, 1, 1, 1, 1)"
        );
        assert_eq!(find("parties.kr.utility.amount").value, "decreasing");
        let r = find("parties.us.utility.term");
        assert_eq!(r.label, "United States: value of term");
        assert_eq!(r.value, "through the points (1, 1), (3, 0.4), (6, 0)");
        assert_eq!(find("calendar.expiry").value, "2019-12-31");
        let r = find("events[0]");
        assert_eq!(
            r.value,
            "from 2021-01-20: United States: ratification = none"
        );
        assert!(rows.iter().all(|r| !r.path.starts_with("issues.")));
    }

    #[test]
    fn truncation_and_normal() {
        let v: toml::Value = "x = { normal = [1, 0.5], within = [0, 2] }"
            .parse::<toml::Table>()
            .map(|t| t["x"].clone())
            .expect("toml");
        assert_eq!(
            words(&v),
            Some(("normal, mean 1, sd 0.5, truncated to 0–2".to_string(), true))
        );
    }
}
