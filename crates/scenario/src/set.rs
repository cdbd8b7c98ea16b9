//! `--set PATH=VALUE` (and Python's `set=`): a field of a scenario file replaced, or added,
//! before the file is checked, so that every command runs a variant without editing the
//! file (issue #22).
//!
//! `PATH` is the file's own dotted key path (`parties.kr.reservation`,
//! `calendar.round_months`, `parties.kr.strategy.preset`); `VALUE` is a TOML value: a
//! number, a quoted string or an inline table such as `{ uniform = [1, 2] }`; a bare word
//! is taken as a string (`parties.kr.strategy.preset=linear`). The rest of the file keeps
//! its text, comments and layout (`toml_edit`). The edited file is then checked as a whole
//! like any file: a problem at an overridden field is reported at the override
//! (`--set PATH=VALUE:1:COL`), anything else at its line in the file. Because every input
//! draws from a stream keyed by its path, an override changes the draws of no other input.

use std::str::FromStr;

use toml_edit::{DocumentMut, Item, Value};

use crate::error::{Diagnostic, ScenarioError};

/// One override: a dotted field path and the TOML text of its new value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Override {
    /// The field path, e.g. `parties.kr.reservation`.
    pub path: String,
    /// The value as TOML, e.g. `1.2` or `{ uniform = [1, 2] }`.
    pub value: String,
}

impl Override {
    /// Where a problem with this override is reported: `--set PATH=VALUE`.
    #[must_use]
    pub fn origin(&self) -> String {
        format!("--set {}={}", self.path, self.value)
    }

    fn diag(&self, message: String) -> Diagnostic {
        Diagnostic {
            origin: self.origin(),
            line: 1,
            column: "--set ".len() + self.path.chars().count() + 2,
            path: self.path.clone(),
            message,
        }
    }
}

impl FromStr for Override {
    type Err = String;

    /// `PATH=VALUE`, split at the first `=`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (path, value) = s.split_once('=').ok_or_else(|| {
            format!("expected PATH=VALUE (e.g. parties.kr.reservation=1.2), found {s:?}")
        })?;
        let path = path.trim();
        if path.is_empty()
            || path.split('.').any(|seg| {
                seg.is_empty()
                    || !seg
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            })
        {
            return Err(format!(
                "expected a dotted field path before `=` (e.g. parties.kr.reservation), found {path:?}"
            ));
        }
        Ok(Override {
            path: path.to_owned(),
            value: value.trim().to_owned(),
        })
    }
}

/// Parse `text` as one TOML value; a bare word (no quotes, not a number, boolean or
/// table) is taken as a string.
fn parse_value(text: &str) -> Option<Value> {
    let doc = format!("v = {text}").parse::<DocumentMut>().ok();
    if let Some(v) = doc
        .as_ref()
        .and_then(|d| d.get("v"))
        .and_then(Item::as_value)
    {
        return Some(v.clone());
    }
    let bare = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    bare.then(|| Value::from(text))
}

/// The file `text` with every override applied in order. Errors (the file is not TOML, a
/// value that is not TOML, a path through a value that is not a table) name the
/// override.
///
/// # Errors
/// A [`ScenarioError`] with one diagnostic per override that cannot be applied.
pub fn apply(text: &str, origin: &str, sets: &[Override]) -> Result<String, ScenarioError> {
    if sets.is_empty() {
        return Ok(text.to_owned());
    }
    let mut doc: DocumentMut = text.parse().map_err(|e: toml_edit::TomlError| {
        ScenarioError::new(vec![Diagnostic {
            origin: origin.to_owned(),
            line: 1,
            column: 1,
            path: String::new(),
            message: format!("not a TOML file: {}", e.message()),
        }])
    })?;
    let mut errors = Vec::new();
    for set in sets {
        let Some(value) = parse_value(&set.value) else {
            errors.push(set.diag(format!(
                "expected a TOML value (a number, a quoted string or an inline table such as {{ uniform = [1, 2] }}), found {:?}",
                set.value
            )));
            continue;
        };
        if let Err(message) = set_path(doc.as_item_mut(), &set.path, value) {
            errors.push(set.diag(message));
        }
    }
    if errors.is_empty() {
        Ok(doc.to_string())
    } else {
        Err(ScenarioError::new(errors))
    }
}

/// Set the value at the dotted `path` below `root`, through tables and inline tables;
/// missing tables on the way are created (an unknown key is then reported by the check
/// of the whole file).
fn set_path(root: &mut Item, path: &str, value: Value) -> Result<(), String> {
    let segs: Vec<&str> = path.split('.').collect();
    let (last, parents) = segs.split_last().ok_or("an empty path")?;
    let mut item = root;
    let mut walked = String::new();
    for seg in parents {
        if !walked.is_empty() {
            walked.push('.');
        }
        walked.push_str(seg);
        let next = match item {
            Item::Table(t) => t.entry(seg).or_insert_with(toml_edit::table),
            Item::Value(Value::InlineTable(t)) => {
                let v = t
                    .entry(*seg)
                    .or_insert_with(|| Value::InlineTable(toml_edit::InlineTable::new()));
                // Inline tables hold values; wrap to walk on.
                return set_inline(v, &segs[walked.split('.').count()..], value, &walked);
            }
            _ => return Err(format!("`{walked}` is not inside a table of the file")),
        };
        item = next;
    }
    match item {
        Item::Table(t) => {
            match t.get_mut(last) {
                Some(Item::Value(old)) => {
                    let decor = old.decor().clone();
                    *old = value;
                    *old.decor_mut() = decor;
                }
                _ => {
                    t.insert(last, Item::Value(value));
                }
            }
            Ok(())
        }
        Item::Value(Value::InlineTable(t)) => {
            t.insert(*last, value);
            Ok(())
        }
        _ => Err(format!(
            "`{}` is not a table: {last} cannot be set inside it",
            segs[..segs.len() - 1].join(".")
        )),
    }
}

/// The rest of a path (`rest`, the value's key last) inside an inline table value `v`.
fn set_inline(v: &mut Value, rest: &[&str], value: Value, walked: &str) -> Result<(), String> {
    let Some((last, parents)) = rest.split_last() else {
        return Err(format!("`{walked}` names a table, not a field"));
    };
    let mut cur = v;
    for seg in parents {
        let Value::InlineTable(t) = cur else {
            return Err(format!("`{walked}.{seg}` is not inside a table"));
        };
        cur = t
            .entry(*seg)
            .or_insert_with(|| Value::InlineTable(toml_edit::InlineTable::new()));
    }
    match cur {
        Value::InlineTable(t) => {
            t.insert(*last, value);
            Ok(())
        }
        _ => Err(format!(
            "`{walked}` is not a table: {last} cannot be set inside it"
        )),
    }
}

/// Report diagnostics at overridden fields at the override: a diagnostic whose path is an
/// override's path or lies below it gets that override as its origin.
pub(crate) fn relocate(error: ScenarioError, sets: &[Override]) -> ScenarioError {
    if sets.is_empty() {
        return error;
    }
    let diagnostics = error
        .diagnostics()
        .iter()
        .map(|d| {
            let at = sets.iter().rev().find(|s| {
                d.path == s.path
                    || d.path.starts_with(&format!("{}.", s.path))
                    || d.path.starts_with(&format!("{}[", s.path))
            });
            match at {
                Some(s) => Diagnostic {
                    path: d.path.clone(),
                    message: d.message.clone(),
                    ..s.diag(String::new())
                },
                None => d.clone(),
            }
        })
        .collect();
    ScenarioError::new(diagnostics)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(s: &str) -> Override {
        s.parse().unwrap_or_else(|e| panic!("{e}"))
    }

    const TEXT: &str = "[parties.kr]\n# the payer\nreservation = 1.1 # a comment\nstrategy = { kind = \"time-based\", preset = \"boulware\" }\n";

    #[test]
    fn overrides_keep_the_rest_of_the_file() {
        let out = apply(
            TEXT,
            "f.toml",
            &[
                set("parties.kr.reservation={ uniform = [1, 2] }"),
                set("parties.kr.strategy.preset=linear"),
            ],
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert!(out.contains("# the payer"), "{out}");
        assert!(
            out.contains("reservation = { uniform = [1, 2] } # a comment"),
            "{out}"
        );
        assert!(out.contains("preset = \"linear\""), "{out}");
    }

    #[test]
    fn bad_overrides_name_the_override() {
        assert!("reservation".parse::<Override>().is_err());
        assert!("a..b=1".parse::<Override>().is_err());
        let e = apply(
            TEXT,
            "f.toml",
            &[set("parties.kr.reservation={ uniform = [1, 2]")],
        )
        .err()
        .unwrap_or_else(|| panic!("accepted"));
        let text = e.to_string();
        assert!(
            text.starts_with("--set parties.kr.reservation={ uniform = [1, 2]:1:30:"),
            "{text}"
        );
        let e = apply(TEXT, "f.toml", &[set("parties.kr.reservation.lo=1")])
            .err()
            .unwrap_or_else(|| panic!("accepted"));
        assert!(e.to_string().contains("not a table"), "{e}");
    }
}
