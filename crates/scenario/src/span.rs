//! Where things are in the file: the spanned TOML document, field paths and line:column.
//!
//! A field path is a dotted key path with array indices, e.g.
//! `parties.kr.reservation.normal[1]`. [`Doc::locate_path`] resolves it (or its
//! nearest existing ancestor, for keys that were left to their defaults) to a
//! position; [`Doc::path_at`] goes the other way, from the byte span of a serde
//! error to the deepest field path that contains it.

use std::borrow::Cow;
use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// A 1-based line and column (in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Pos {
    pub line: usize,
    pub column: usize,
}

/// Line/column lookup for a source text.
#[derive(Debug)]
pub(crate) struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines { text, starts }
    }

    /// Position of byte offset `at` (clamped to the text).
    pub(crate) fn pos(&self, at: usize) -> Pos {
        let mut at = at.min(self.text.len());
        while !self.text.is_char_boundary(at) {
            at -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= at).max(1);
        let start = self.starts[line - 1];
        let column = self.text[start..at].chars().count() + 1;
        Pos { line, column }
    }
}

/// One step of a field path.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Seg<'p> {
    Key(Cow<'p, str>),
    Index(usize),
}

/// Split a field path into keys and indices. Keys quoted by [`join`] (`"WTO panel"`) are
/// unquoted (`\"` and `\\` unescaped); malformed paths yield what parses, never a panic.
fn segments(path: &str) -> Vec<Seg<'_>> {
    let mut out = Vec::new();
    let mut rest = path;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('.') {
            rest = r;
        } else if let Some(r) = rest.strip_prefix('[') {
            let Some(end) = r.find(']') else { break };
            if let Ok(i) = r[..end].parse() {
                out.push(Seg::Index(i));
            }
            rest = &r[end + 1..];
        } else if let Some(r) = rest.strip_prefix('"') {
            let mut key = String::new();
            let mut chars = r.char_indices();
            let mut end = None;
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => {
                        if let Some((_, n)) = chars.next() {
                            key.push(n);
                        }
                    }
                    '"' => {
                        end = Some(i);
                        break;
                    }
                    c => key.push(c),
                }
            }
            let Some(end) = end else { break };
            out.push(Seg::Key(Cow::Owned(key)));
            rest = &r[end + 1..];
        } else {
            let end = rest.find(['.', '[']).unwrap_or(rest.len());
            out.push(Seg::Key(Cow::Borrowed(&rest[..end])));
            rest = &rest[end..];
        }
    }
    out
}

/// Append a key to a path (quoting keys that are not bare TOML keys).
pub(crate) fn join(path: &str, key: &str) -> String {
    let bare = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    let key = if bare {
        key.to_owned()
    } else {
        format!("{key:?}")
    };
    if path.is_empty() {
        key
    } else {
        format!("{path}.{key}")
    }
}

/// Append an array index to a path.
pub(crate) fn index(path: &str, i: usize) -> String {
    format!("{path}[{i}]")
}

/// The parsed, spanned document.
pub(crate) struct Doc<'a> {
    root: Option<Spanned<DeTable<'a>>>,
    lines: Lines<'a>,
}

impl<'a> Doc<'a> {
    pub(crate) fn new(text: &'a str, root: Option<Spanned<DeTable<'a>>>) -> Self {
        Doc {
            root,
            lines: Lines::new(text),
        }
    }

    pub(crate) fn pos(&self, at: usize) -> Pos {
        self.lines.pos(at)
    }

    /// Span of the value at `path`, or of its nearest existing ancestor (1:1 for the root).
    pub(crate) fn span_of(&self, path: &str) -> Range<usize> {
        let Some(root) = &self.root else {
            return 0..0;
        };
        let mut best = 0..0;
        let mut current: &DeValue<'a> = &DeValue::Table(DeTable::default());
        let mut table: Option<&DeTable<'a>> = Some(root.get_ref());
        for seg in segments(path) {
            let next = match (seg, table, current) {
                (Seg::Key(k), Some(t), _) => t.get(k.as_ref()),
                (Seg::Index(i), None, DeValue::Array(a)) => a.get(i),
                _ => None,
            };
            let Some(v) = next else { break };
            best = value_span(v);
            current = v.get_ref();
            table = v.get_ref().as_table();
        }
        best
    }

    /// Whether the root table has the key `key`.
    pub(crate) fn has_root_key(&self, key: &str) -> bool {
        self.root
            .as_ref()
            .is_some_and(|r| r.get_ref().get(key).is_some())
    }

    /// Position of the value at `path` (or of its nearest existing ancestor).
    pub(crate) fn locate_path(&self, path: &str) -> Pos {
        self.pos(self.span_of(path).start)
    }

    /// The field path whose key or value most tightly contains the byte span `span`
    /// (empty for the root). Table values span only their `[header]`, so the whole
    /// tree is searched rather than descended by containment.
    pub(crate) fn path_at(&self, span: &Range<usize>) -> String {
        let Some(root) = &self.root else {
            return String::new();
        };
        let mut best: Option<(usize, String)> = None;
        visit(root.get_ref(), "", &mut |path, key, value| {
            for s in [key, Some(value)].into_iter().flatten() {
                if contains(&s, span) {
                    let width = s.end - s.start;
                    if best.as_ref().is_none_or(|(w, _)| width <= *w) {
                        best = Some((width, path.to_owned()));
                    }
                }
            }
        });
        best.map(|(_, p)| p).unwrap_or_default()
    }
}

/// Call `f(path, key span, value span)` for every value below `table`, parents first.
fn visit<F>(table: &DeTable<'_>, path: &str, f: &mut F)
where
    F: FnMut(&str, Option<Range<usize>>, Range<usize>),
{
    for (k, v) in table.iter() {
        let p = join(path, k.get_ref());
        f(&p, Some(k.span()), value_span(v));
        visit_value(v, &p, f);
    }
}

fn visit_value<F>(v: &Spanned<DeValue<'_>>, path: &str, f: &mut F)
where
    F: FnMut(&str, Option<Range<usize>>, Range<usize>),
{
    match v.get_ref() {
        DeValue::Table(t) => visit(t, path, f),
        DeValue::Array(a) => {
            for (i, item) in a.iter().enumerate() {
                let p = index(path, i);
                f(&p, None, value_span(item));
                visit_value(item, &p, f);
            }
        }
        _ => {}
    }
}

/// The span of a value; for standard tables (`[a.b]`) toml gives the header, which is what we want.
fn value_span(v: &Spanned<DeValue<'_>>) -> Range<usize> {
    v.span()
}

/// Whether `outer` contains `inner`. An empty `inner` (toml's span for "the root") must
/// lie strictly inside, so that `0..0` does not land on the first key.
fn contains(outer: &Range<usize>, inner: &Range<usize>) -> bool {
    outer.start <= inner.start
        && inner.end <= outer.end
        && outer.start < outer.end
        && (inner.start < inner.end || outer.start < inner.start)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn segments_parse_keys_and_indices() {
        assert_eq!(
            segments("parties.kr.reservation.normal[1]"),
            vec![
                Seg::Key("parties".into()),
                Seg::Key("kr".into()),
                Seg::Key("reservation".into()),
                Seg::Key("normal".into()),
                Seg::Index(1)
            ]
        );
        assert_eq!(
            segments(r#"a."WTO \"x\" .panel"[2].b"#),
            vec![
                Seg::Key("a".into()),
                Seg::Key(r#"WTO "x" .panel"#.into()),
                Seg::Index(2),
                Seg::Key("b".into())
            ]
        );
        // Malformed paths (user-chosen keys end up in paths) never panic.
        for p in [
            "a[0]]",
            "\"x[0]]\"",
            "a[",
            "\"open",
            "]]",
            "a[x].[",
            "..",
            "[1]",
        ] {
            let _ = segments(p);
        }
    }

    #[test]
    fn lines_and_columns_are_one_based() {
        let l = Lines::new("ab\ncdé\nf");
        assert_eq!(l.pos(0), Pos { line: 1, column: 1 });
        assert_eq!(l.pos(3), Pos { line: 2, column: 1 });
        assert_eq!(l.pos(8), Pos { line: 3, column: 1 });
        assert_eq!(l.pos(6), Pos { line: 2, column: 3 });
    }

    #[test]
    fn paths_round_trip_through_spans() {
        let text = "[parties.kr]\nreservation = { normal = [1.0, -0.1] }\n";
        let root = DeTable::parse(text).ok();
        let doc = Doc::new(text, root);
        let p = doc.locate_path("parties.kr.reservation.normal[1]");
        assert_eq!(
            p,
            Pos {
                line: 2,
                column: 32
            }
        );
        let span = doc.span_of("parties.kr.reservation.normal[1]");
        assert_eq!(doc.path_at(&span), "parties.kr.reservation.normal[1]");
    }
}
