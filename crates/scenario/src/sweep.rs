//! The `[sweep]` table and field overrides: which numeric fields a scenario has, how to
//! replace one by a constant, and the check of a sweep against the file.
//!
//! A sweep names at most two field paths (`parties.us.opening`, written as a dotted key
//! or a quoted key), each with a list of values or `{ from, to, steps }`; a negotiator
//! type (`parties.kr.strategy.preset`) is swept over preset names instead. A
//! *variant* is the scenario with each swept field replaced by one constant; it is
//! compiled by the same checker as the file itself, so a value that the field cannot
//! take is reported like any other scenario error.

use super::error::{Diagnostic, suggest};
use super::fields::{FIELDS, Scope, Slot};
use super::file::{NumberSpec, PresetKey, PresetSpec, ScenarioFile};
use super::span::{Doc, join};
use super::validate::Checker;

/// Most field paths in one sweep (a sweep is a line or a grid).
pub const MAX_SWEEP_PATHS: usize = 2;
/// Most values along one swept field.
pub const MAX_SWEEP_VALUES: usize = 101;

/// The presets a swept `strategy.preset` takes, in the order of their index in
/// [`SweepAxis::values`].
pub const SWEPT_PRESETS: [PresetKey; 3] =
    [PresetKey::Boulware, PresetKey::Linear, PresetKey::Conceder];

/// One swept field: its path and the values it takes, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepAxis {
    /// The field path, e.g. `parties.us.opening`.
    pub path: String,
    /// The values, in the order given (at least one, at most [`MAX_SWEEP_VALUES`]). For a
    /// negotiator type: indices into [`SWEPT_PRESETS`].
    pub values: Vec<f64>,
    /// For a negotiator type, each value's preset name (`boulware`, …); empty for a
    /// numeric field.
    pub labels: Vec<String>,
}

impl SweepAxis {
    /// Value `i` in words: its label, or the number.
    #[must_use]
    pub fn value_text(&self, i: usize) -> String {
        match (self.labels.get(i), self.values.get(i)) {
            (Some(l), _) => l.clone(),
            (None, Some(x)) => format!("{x}"),
            (None, None) => String::new(),
        }
    }
}

/// The field paths of negotiator types that a sweep may set to a preset name: the
/// `strategy.preset` of every party whose strategy kind takes a preset.
pub(crate) fn choice_paths(file: &ScenarioFile) -> Vec<String> {
    let mut out = Vec::new();
    for (key, party) in &file.parties {
        for def in FIELDS {
            if let Slot::Preset(kinds) = def.slot
                && kinds.contains(&party.strategy.kind)
            {
                out.push(def.path(key));
            }
        }
    }
    out
}

/// Every field path a sweep may set: the numeric ones, then the negotiator types.
pub(crate) fn sweep_paths(file: &ScenarioFile) -> Vec<String> {
    let mut out = number_paths(file);
    out.extend(choice_paths(file));
    out
}

/// Preset names (`boulware,linear` or a TOML list of strings) → indices into
/// [`SWEPT_PRESETS`] and their labels.
fn preset_values<'a>(
    names: impl IntoIterator<Item = &'a str>,
) -> Result<(Vec<f64>, Vec<String>), String> {
    let mut values = Vec::new();
    let mut labels = Vec::new();
    for name in names {
        let name = name.trim();
        let i = SWEPT_PRESETS
            .iter()
            .position(|k| super::labels::preset_name(k.to_core()) == name)
            .ok_or_else(|| {
                format!("expected a preset name (boulware, linear, conceder), found `{name}`")
            })?;
        values.push(i as f64);
        labels.push(name.to_owned());
    }
    let values = count_ok(values)?;
    Ok((values, labels))
}

/// The values of a `--sweep PATH=TEXT` option, given the scenario's numeric paths and
/// negotiator-type paths: numbers (`1.2,1.4` or `from:to:steps`), or preset names for a
/// negotiator type.
pub(crate) fn axis_from_text(
    numbers: &[String],
    choices: &[String],
    path: &str,
    text: &str,
) -> Result<SweepAxis, String> {
    if choices.iter().any(|p| p == path) {
        let (values, labels) = preset_values(text.split(','))?;
        return Ok(SweepAxis {
            path: path.to_owned(),
            values,
            labels,
        });
    }
    if !numbers.iter().any(|p| p == path) {
        let mut paths = numbers.to_vec();
        paths.extend(choices.iter().cloned());
        return Err(unknown_path_message(path, &paths));
    }
    Ok(SweepAxis {
        path: path.to_owned(),
        values: parse_values(text)?,
        labels: Vec::new(),
    })
}

/// Every numeric field path of the file that a sweep or an override may set, in the
/// canonical input order (see `Scenario::input_names`): the numbers of [`FIELDS`] that
/// this file can have (calendar fields only with a `[calendar]`, strategy fields of the
/// party's kind).
pub(crate) fn number_paths(file: &ScenarioFile) -> Vec<String> {
    let calendar = file.calendar.is_some();
    let numbers = || {
        FIELDS
            .iter()
            .filter(move |d| d.is_number() && (calendar || d.needs_calendar.is_none()))
    };
    let mut out: Vec<String> = numbers()
        .filter(|d| d.scope() == Scope::Protocol || (calendar && d.scope() == Scope::Calendar))
        .map(|d| d.path(""))
        .collect();
    for (key, party) in &file.parties {
        for def in numbers() {
            let of_party = match def.scope() {
                Scope::Party => true,
                Scope::Strategy => def.kinds().contains(&party.strategy.kind),
                Scope::Protocol | Scope::Calendar | Scope::Utility => false,
            };
            if of_party {
                out.push(def.path(key));
            }
        }
    }
    // `[context]` quantities: `context.NAME`.
    out.extend(file.context.keys().map(|name| join("context", name)));
    out
}

/// Replace the field at `path` by the constant `x`. Setting a strategy's shape
/// (`exponent`, `beta`) drops its `preset` (the two are exclusive); setting its `preset`
/// (to [`SWEPT_PRESETS`]`[x]`) drops every shape. Returns `false` for a path that
/// [`sweep_paths`] does not list.
pub(crate) fn set_number(file: &mut ScenarioFile, path: &str, x: f64) -> bool {
    if !sweep_paths(file).iter().any(|p| p == path) {
        return false;
    }
    let fixed = Some(NumberSpec::Fixed(x));
    if let Some(name) = path.strip_prefix("context.")
        && let Some(spec) = file.context.get_mut(name)
    {
        *spec = NumberSpec::Fixed(x);
        return true;
    }
    if let Some(def) = FIELDS.iter().find(|d| d.path("") == path) {
        match def.slot {
            Slot::Protocol(_, put) => put(&mut file.protocol, fixed),
            Slot::Calendar(_, put) => match file.calendar.as_mut() {
                Some(c) => put(c, fixed),
                None => return false,
            },
            _ => return false,
        }
        return true;
    }
    for (key, p) in &mut file.parties {
        let Some(def) = FIELDS.iter().find(|d| d.path(key) == path) else {
            continue;
        };
        match def.slot {
            Slot::Party(_, put) => put(p, fixed),
            Slot::Strategy(_, _, put) => {
                if def.preset_shape.is_some() {
                    p.strategy.preset = None;
                }
                put(&mut p.strategy, fixed);
            }
            Slot::Preset(_) => {
                let Some(&preset) = SWEPT_PRESETS.get(x as usize) else {
                    return false;
                };
                p.strategy.preset = Some(PresetSpec::Fixed(preset));
                for shape in FIELDS.iter().filter(|d| d.preset_shape.is_some()) {
                    if let Slot::Strategy(_, _, put) = shape.slot {
                        put(&mut p.strategy, None);
                    }
                }
            }
            _ => return false,
        }
        return true;
    }
    false
}

/// Why a field path cannot be swept, with a did-you-mean hint from `paths`.
pub(crate) fn unknown_path_message(path: &str, paths: &[String]) -> String {
    match suggest(path, paths.iter().map(String::as_str)) {
        Some(s) => format!("unknown field path (did you mean {s}?)"),
        None => format!(
            "unknown field path (fields this scenario can sweep: {})",
            paths.join(", ")
        ),
    }
}

/// The values of a `--sweep` or `[sweep]` entry written as text: `1.2,1.4,2` or
/// `from:to:steps`.
///
/// # Errors
/// A message naming what was expected.
pub fn parse_values(text: &str) -> Result<Vec<f64>, String> {
    let text = text.trim();
    let number = |s: &str| -> Result<f64, String> {
        s.trim()
            .parse::<f64>()
            .ok()
            .filter(|x| x.is_finite())
            .ok_or_else(|| format!("expected a finite number, found `{}`", s.trim()))
    };
    let parts: Vec<&str> = text.split(':').collect();
    match parts.as_slice() {
        [from, to, steps] => {
            let steps: usize = steps.trim().parse().map_err(|_| {
                format!("expected a whole number of steps, found `{}`", steps.trim())
            })?;
            range(number(from)?, number(to)?, steps)
        }
        [_] => {
            let values = text.split(',').map(number).collect::<Result<Vec<_>, _>>()?;
            count_ok(values)
        }
        _ => Err(format!(
            "expected values `a,b,c` or a range `from:to:steps`, found `{text}`"
        )),
    }
}

/// `steps` evenly spaced values from `from` to `to` (both included).
fn range(from: f64, to: f64, steps: usize) -> Result<Vec<f64>, String> {
    if !(1..=MAX_SWEEP_VALUES).contains(&steps) {
        return Err(format!(
            "expected steps in 1..={MAX_SWEEP_VALUES}, found {steps}"
        ));
    }
    if steps == 1 {
        return Ok(vec![from]);
    }
    let last = (steps - 1) as f64;
    Ok((0..steps)
        .map(|i| {
            if i == steps - 1 {
                to
            } else {
                from + (to - from) * i as f64 / last
            }
        })
        .collect())
}

fn count_ok(values: Vec<f64>) -> Result<Vec<f64>, String> {
    if values.is_empty() || values.len() > MAX_SWEEP_VALUES {
        return Err(format!(
            "expected 1 to {MAX_SWEEP_VALUES} values, found {}",
            values.len()
        ));
    }
    Ok(values)
}

/// A TOML number as `f64` (integers too).
fn as_number(v: &toml::Value) -> Option<f64> {
    match v {
        toml::Value::Float(x) if x.is_finite() => Some(*x),
        toml::Value::Integer(i) => Some(*i as f64),
        _ => None,
    }
}

/// Whether a table is a `{ from, to, steps }` range rather than a level of dotted keys.
fn is_range(t: &toml::Table) -> bool {
    !t.is_empty() && t.keys().any(|k| k == "from" || k == "to" || k == "steps")
}

/// The values of one `[sweep]` entry.
fn entry_values(v: &toml::Value) -> Result<Vec<f64>, String> {
    match v {
        toml::Value::Array(items) => {
            let values = items
                .iter()
                .enumerate()
                .map(|(i, x)| {
                    as_number(x).ok_or_else(|| {
                        format!("expected a finite number at [{i}], found {}", x.type_str())
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            count_ok(values)
        }
        toml::Value::Table(t) if is_range(t) => {
            if let Some(k) = t
                .keys()
                .find(|k| !matches!(k.as_str(), "from" | "to" | "steps"))
            {
                return Err(format!(
                    "unknown key `{k}` in a range (expected `from`, `to`, `steps`)"
                ));
            }
            let get = |k: &str| {
                t.get(k)
                    .ok_or_else(|| format!("expected the key `{k}` of `{{ from, to, steps }}`"))
            };
            let from = as_number(get("from")?).ok_or("expected `from` to be a finite number")?;
            let to = as_number(get("to")?).ok_or("expected `to` to be a finite number")?;
            let steps = match get("steps")? {
                toml::Value::Integer(n) if *n >= 1 => *n as usize,
                other => {
                    return Err(format!(
                        "expected `steps` to be a whole number >= 1, found {other}"
                    ));
                }
            };
            range(from, to, steps)
        }
        other => Err(format!(
            "expected a list of numbers or `{{ from, to, steps }}`, found {}",
            other.type_str()
        )),
    }
}

/// The values of a `[sweep]` entry for a negotiator type: a list of preset names.
fn preset_entry(v: &toml::Value) -> Result<(Vec<f64>, Vec<String>), String> {
    let toml::Value::Array(items) = v else {
        return Err(format!(
            "expected a list of preset names (boulware, linear, conceder), found {}",
            v.type_str()
        ));
    };
    let names = items
        .iter()
        .enumerate()
        .map(|(i, x)| {
            x.as_str()
                .ok_or_else(|| format!("expected a preset name at [{i}], found {}", x.type_str()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    preset_values(names)
}

/// Value `x` of an axis in words (its label when it has one).
fn fmt_value(x: f64, values: &[f64], labels: &[String]) -> String {
    values
        .iter()
        .position(|&v| v == x)
        .and_then(|i| labels.get(i))
        .cloned()
        .unwrap_or_else(|| format!("{x}"))
}

/// The leaves of the sweep table: (field path, value). Dotted keys nest tables; a table
/// with `from`/`to`/`steps` keys is a range leaf.
fn flatten(table: &toml::Table, prefix: &str, out: &mut Vec<(String, toml::Value)>) {
    for (k, v) in table {
        let path = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            toml::Value::Table(t) if !is_range(t) && !t.is_empty() => flatten(t, &path, out),
            _ => out.push((path, v.clone())),
        }
    }
}

/// Check the `[sweep]` table of `file`: paths, values, and that every value makes a
/// valid scenario on its own (combinations of two axes are checked when they run).
pub(crate) fn check(
    file: &ScenarioFile,
    doc: &Doc<'_>,
    origin: &str,
) -> Result<Vec<SweepAxis>, Vec<Diagnostic>> {
    let Some(table) = &file.sweep else {
        return Ok(Vec::new());
    };
    let diag = |path: &str, message: String| {
        // The entry is written as dotted keys or as one quoted key: locate whichever
        // resolves deeper (the other stops at the `[sweep]` header).
        let dotted = doc.span_of(&format!("sweep.{path}")).start;
        let quoted = doc.span_of(&join("sweep", path)).start;
        let pos = doc.pos(dotted.max(quoted));
        Diagnostic {
            origin: origin.to_owned(),
            line: pos.line,
            column: pos.column,
            path: format!("sweep.{path}"),
            message,
        }
    };
    let mut entries = Vec::new();
    flatten(table, "", &mut entries);
    let mut errors = Vec::new();
    if entries.is_empty() {
        let pos = doc.locate_path("sweep");
        errors.push(Diagnostic {
            origin: origin.to_owned(),
            line: pos.line,
            column: pos.column,
            path: "sweep".into(),
            message: "expected one or two field paths with values, found none".into(),
        });
    }
    if entries.len() > MAX_SWEEP_PATHS {
        errors.push(diag(
            &entries[MAX_SWEEP_PATHS].0,
            format!(
                "expected at most {MAX_SWEEP_PATHS} swept field paths, found {}",
                entries.len()
            ),
        ));
    }
    let paths = sweep_paths(file);
    let choices = choice_paths(file);
    let mut axes: Vec<SweepAxis> = Vec::new();
    for (path, value) in &entries {
        if !paths.contains(path) {
            errors.push(diag(path, unknown_path_message(path, &paths)));
            continue;
        }
        if axes.iter().any(|a| &a.path == path) {
            errors.push(diag(
                path,
                "expected each field path once, found it twice".into(),
            ));
            continue;
        }
        let parsed = if choices.contains(path) {
            preset_entry(value)
        } else {
            entry_values(value).map(|v| (v, Vec::new()))
        };
        match parsed {
            Ok((values, labels)) => {
                for x in &values {
                    let mut variant = file.clone();
                    set_number(&mut variant, path, *x);
                    if let Err((problems, _)) = Checker::new(doc, origin).compile(&variant) {
                        let why = problems
                            .iter()
                            .find(|d| d.path.starts_with(path.as_str()))
                            .or(problems.first())
                            .map_or_else(String::new, |d| format!("{}: {}", d.path, d.message));
                        errors.push(diag(
                            path,
                            format!(
                                "the value {} makes the scenario invalid: {why}",
                                fmt_value(*x, &values, &labels)
                            ),
                        ));
                        break;
                    }
                }
                axes.push(SweepAxis {
                    path: path.clone(),
                    values,
                    labels,
                });
            }
            Err(message) => errors.push(diag(path, message)),
        }
    }
    if errors.is_empty() {
        Ok(axes)
    } else {
        errors.sort_by_key(|d| (d.line, d.column));
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_from_lists_and_ranges() {
        assert_eq!(parse_values("1.2, 1.4,2"), Ok(vec![1.2, 1.4, 2.0]));
        assert_eq!(parse_values("1:2:3"), Ok(vec![1.0, 1.5, 2.0]));
        assert_eq!(parse_values("5:5:1"), Ok(vec![5.0]));
        assert!(parse_values("1:2").is_err());
        assert!(parse_values("1:2:0").is_err());
        assert!(parse_values("a,b").is_err());
        assert!(parse_values("1:2:1000").is_err());
    }
}
