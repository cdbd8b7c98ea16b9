//! Scenario errors: `file:line:col: field.path: expected …, found …`.

use std::fmt;

/// One problem in a scenario file, at a position and a field path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file name (as given to [`super::Scenario::parse`]).
    pub origin: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column (in characters).
    pub column: usize,
    /// The field path, e.g. `parties.kr.reservation.normal[1]` (`(file)` for the whole file).
    pub path: String,
    /// What was expected and what was found.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.path.is_empty() {
            "(file)"
        } else {
            &self.path
        };
        // Text from the file may hold control characters: never print them raw.
        use crate::input::printable;
        write!(
            f,
            "{}:{}:{}: {}: {}",
            printable(&self.origin),
            self.line,
            self.column,
            printable(path),
            printable(&self.message)
        )
    }
}

/// Why a scenario file was rejected: one or more [`Diagnostic`]s, one a line.
///
/// Every scenario error is a usage error (the `bargain` binary exits with code 2).
#[derive(Debug, Clone, thiserror::Error)]
#[error("{}", render(.diagnostics))]
pub struct ScenarioError {
    diagnostics: Vec<Diagnostic>,
}

fn render(d: &[Diagnostic]) -> String {
    d.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

impl ScenarioError {
    pub(crate) fn new(diagnostics: Vec<Diagnostic>) -> Self {
        ScenarioError { diagnostics }
    }

    /// The individual problems, in file order.
    #[must_use]
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }
}

/// The closest of `candidates` to `found`, if it is close enough to suggest.
pub(crate) fn suggest<'c>(
    found: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<&'c str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(found, c), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// ` (did you mean `x`?)` for the candidate of `candidates` closest to `found` ([`suggest`]),
/// or nothing: the hint every "found `…`" message of validation ends with.
pub(crate) fn did_you_mean<'c>(
    found: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> String {
    suggest(found, candidates)
        .map(|s| format!(" (did you mean `{s}`?)"))
        .unwrap_or_default()
}

/// Backticked words of a serde message (`unknown field \`x\`, expected one of \`a\`, \`b\``).
fn backticked(msg: &str) -> Vec<&str> {
    msg.split('`').skip(1).step_by(2).collect()
}

/// Rewrite a serde/toml deserialization message into `expected …, found …` form, with
/// did-you-mean suggestions for unknown keys and values. Returns the message and, for
/// a missing key, the key (to append to the path).
pub(crate) fn rewrite_serde_message(msg: &str) -> (String, Option<String>) {
    let msg = msg.trim();
    let words = backticked(msg);
    if let Some(rest) = msg.strip_prefix("unknown field ") {
        let found = words.first().copied().unwrap_or(rest);
        let expected = &words[1.min(words.len())..];
        let hint = match suggest(found, expected.iter().copied()) {
            Some(s) => format!(" (did you mean `{s}`?)"),
            None if expected.is_empty() => " (this table takes no keys)".to_owned(),
            None => format!(" (expected one of {})", list(expected)),
        };
        return (format!("unknown key `{found}`{hint}"), None);
    }
    if let Some(rest) = msg.strip_prefix("unknown variant ") {
        let found = words.first().copied().unwrap_or(rest);
        let expected = &words[1.min(words.len())..];
        let hint = match suggest(found, expected.iter().copied()) {
            Some(s) => format!(" (did you mean `{s}`?)"),
            None => String::new(),
        };
        return (
            format!("expected one of {}, found `{found}`{hint}", list(expected)),
            None,
        );
    }
    if msg.starts_with("missing field ") {
        let key = words.first().copied().unwrap_or("?").to_owned();
        return (
            format!("expected the required key `{key}`, found none"),
            Some(key),
        );
    }
    for prefix in ["invalid type: ", "invalid value: ", "invalid length "] {
        if let Some(rest) = msg.strip_prefix(prefix)
            && let Some((found, expected)) = rest.split_once(", expected ")
        {
            let found = if prefix == "invalid length " {
                format!("length {found}")
            } else {
                found.to_owned()
            };
            return (format!("expected {}, found {found}", plain(expected)), None);
        }
    }
    (msg.to_owned(), None)
}

/// Serde's Rust-flavoured expectations in the file's terms.
fn plain(expected: &str) -> String {
    match expected {
        "u64" => "an integer >= 0".into(),
        "u32" => "an integer in 0..=4294967295".into(),
        "f64" => "a number".into(),
        "a sequence" => "an array".into(),
        "a string" => "a string".into(),
        e if e.starts_with("struct ") || e == "a map" => "a table".into(),
        e => e.into(),
    }
}

fn list(words: &[&str]) -> String {
    words
        .iter()
        .map(|w| format!("`{w}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_field_suggests() {
        let (m, _) = rewrite_serde_message(
            "unknown field `reservaton`, expected one of `name`, `side`, `opening`, `reservation`",
        );
        assert_eq!(m, "unknown key `reservaton` (did you mean `reservation`?)");
    }

    #[test]
    fn invalid_type_is_expected_found() {
        let (m, _) = rewrite_serde_message("invalid type: string \"x\", expected u64");
        assert_eq!(m, "expected an integer >= 0, found string \"x\"");
    }
}
