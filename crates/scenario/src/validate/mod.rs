//! Semantic checks, and compilation of the checked file into a sampling [`Plan`].
//!
//! Every check reports a field path; [`Doc`] turns it into line:column. All errors
//! are collected (not just the first), then sorted into file order.
use std::collections::BTreeMap;

use bargain_core::{Negotiation, Side};

use crate::fields::FieldDef;

use crate::dist::Dist;
use crate::error::Diagnostic;
use crate::sample::{Input, Plan};
use crate::span::Doc;
use crate::{CalendarDates, Observed, RunSpec};

pub(crate) mod calendar;
mod compile;
mod event_links;
pub(crate) mod events;
mod links;
mod numbers;
mod parties;

pub(crate) use compile::is_key;
pub(crate) use parties::ShapeFrom;

/// Trials when `run.trials` is absent.
pub(crate) const DEFAULT_TRIALS: u64 = 100_000;
/// Most trials a run may ask for.
pub(crate) const MAX_TRIALS: u64 = 1_000_000_000_000;
/// Most rounds a protocol may have.
pub(crate) const MAX_ROUNDS: u32 = 10_000;
/// Most grid steps.
pub(crate) const MAX_GRID_STEPS: f64 = 1e7;
/// Smallest beta shape parameter accepted.
const BETA_SHAPE_MIN: f64 = 1e-6;
/// Largest beta shape parameter accepted.
const BETA_SHAPE_MAX: f64 = 1e6;

/// The longest scenario name: it names a report folder, beside a staging folder
/// `.NAME.tmp-PID`, within the 255-byte limit of common file systems.
const MAX_NAME_LEN: usize = 100;
/// Trials sampled for the "empty zone of agreement in most trials" warning.
pub(crate) const WARNING_SAMPLE: u64 = 1000;
/// A `within` range keeping less mass than this is warned about.
const SLIVER: f64 = 0.01;
/// Largest magnitude of any number in a scenario, and of any value a distribution can
/// produce: far beyond any real amount, and small enough that differences, products and
/// squares of amounts stay finite.
pub(crate) const MAX_MAGNITUDE: f64 = 1e100;

/// Why a finite-looking number is refused: non-finite, or beyond [`MAX_MAGNITUDE`].
fn unrepresentable(x: f64) -> Option<String> {
    if !x.is_finite() {
        Some(format!("expected a finite number, found {}", fmt_num(x)))
    } else if x.abs() > MAX_MAGNITUDE {
        Some(format!(
            "expected a number of magnitude at most 1e100, found {}",
            fmt_num(x)
        ))
    } else {
        None
    }
}

/// The allowed values of a numeric field.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Domain {
    pub(crate) lo: f64,
    pub(crate) lo_open: bool,
    pub(crate) hi: f64,
    pub(crate) hi_open: bool,
    pub(crate) integer: bool,
    pub(crate) what: &'static str,
}

impl Domain {
    pub(crate) const AMOUNT: Domain = Domain {
        lo: f64::NEG_INFINITY,
        lo_open: true,
        hi: f64::INFINITY,
        hi_open: true,
        integer: false,
        what: "a finite amount",
    };
    pub(crate) const PROBABILITY: Domain = Domain {
        lo: 0.0,
        lo_open: false,
        hi: 1.0,
        hi_open: false,
        integer: false,
        what: "a probability in [0, 1]",
    };
    pub(crate) const DISCOUNT: Domain = Domain {
        lo: 0.0,
        lo_open: true,
        hi: 1.0,
        hi_open: false,
        integer: false,
        what: "a discount factor in (0, 1]",
    };
    pub(crate) const POSITIVE: Domain = Domain {
        lo: 0.0,
        lo_open: true,
        hi: f64::INFINITY,
        hi_open: true,
        integer: false,
        what: "a number > 0",
    };
    pub(crate) const MAX_ASPIRATION: Domain = Domain {
        what: "a maximum aspiration in (0, 1]",
        ..Domain::DISCOUNT
    };
    pub(crate) const EPS: Domain = Domain {
        lo: 0.0,
        lo_open: false,
        hi: 1.0,
        hi_open: true,
        integer: false,
        what: "a tolerance in [0, 1)",
    };
    pub(crate) const ROUNDS: Domain = Domain {
        lo: 1.0,
        lo_open: false,
        hi: MAX_ROUNDS as f64,
        hi_open: false,
        integer: true,
        what: "an integer number of rounds in 1..=10000",
    };

    pub(crate) fn contains(&self, x: f64) -> bool {
        let above = if self.lo_open {
            x > self.lo
        } else {
            x >= self.lo
        };
        let below = if self.hi_open {
            x < self.hi
        } else {
            x <= self.hi
        };
        above && below
    }

    /// Whether a continuous distribution over `[lo, hi]` stays inside. Infinite ends
    /// are never attained, nor is the lognormal's 0 (`lo_attained = false`).
    fn covers_range(&self, lo: f64, hi: f64, lo_attained: bool) -> bool {
        let lo_ok = if lo_attained && lo.is_finite() {
            lo > self.lo || (lo == self.lo && !self.lo_open)
        } else {
            lo >= self.lo
        };
        let hi_ok = if hi.is_finite() {
            hi < self.hi || (hi == self.hi && !self.hi_open)
        } else {
            hi <= self.hi
        };
        lo_ok && hi_ok
    }
}

/// A compiled numeric input.
#[derive(Debug, Clone)]
pub(crate) enum Param {
    Fixed(f64),
    Dist(Dist),
}

impl Param {
    pub(crate) fn central(&self) -> f64 {
        match self {
            Param::Fixed(x) => *x,
            Param::Dist(d) => d.central(),
        }
    }
}

/// Collects diagnostics and warnings against the spanned document.
pub(crate) struct Checker<'d, 'a> {
    pub(super) doc: &'d Doc<'a>,
    pub(super) origin: &'d str,
    pub(super) errors: Vec<Diagnostic>,
    pub(super) warnings: Vec<Diagnostic>,
    pub(super) inputs: Vec<Input>,
    pub(super) ranges: BTreeMap<String, (f64, f64)>,
    /// The central value of every field checked so far (its default when left out), for
    /// the party on the side: written into the central negotiation by `compile`.
    pub(super) centrals: Vec<(&'static FieldDef, Side, f64)>,
    /// `[context]` and the expressions compiled so far.
    pub(super) links: links::LinkState,
}

/// Everything the checked file compiles to.
pub(crate) struct Compiled {
    pub run: RunSpec,
    pub observed: Option<Observed>,
    pub calendar: Option<CalendarDates>,
    pub plan: Plan,
    pub party_keys: [String; 2],
    pub party_names: [String; 2],
    pub warnings: Vec<String>,
    pub as_of: Option<i64>,
    pub baseline: Option<crate::forecast::Baseline>,
    /// `[[events]]` and `on_veto`.
    pub events: crate::events::EventPlan,
}

/// Whether a calendar's lapse costs widen the zone of agreement over time (then an
/// empty zone at the start does not mean no deal).
fn widens(n: &Negotiation) -> bool {
    n.calendar
        .is_some_and(|c| c.lapse_cost[0] + c.lapse_cost[1] > 0.0)
}

/// A number as TOML spells it (`nan`, `inf`, `-inf`, else Rust's shortest form).
pub(crate) fn fmt_num(x: f64) -> String {
    if x.is_nan() {
        "nan".into()
    } else if x.is_infinite() {
        if x > 0.0 { "inf".into() } else { "-inf".into() }
    } else if x.abs() >= 1e16 || (x != 0.0 && x.abs() < 1e-6) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

fn fmt_range(lo: f64, hi: f64) -> String {
    let l = if lo.is_finite() {
        fmt_num(lo)
    } else {
        "-inf".into()
    };
    let h = if hi.is_finite() {
        fmt_num(hi)
    } else {
        "inf".into()
    };
    if lo.is_finite() && hi.is_finite() {
        format!("[{l}, {h}]")
    } else {
        format!("({l}, {h})")
    }
}

/// Whether `c` is a bidirectional control character (U+061C, U+200E, U+200F,
/// U+202A–U+202E, U+2066–U+2069): a right-to-left override can make a label read as
/// something else on screen, in SVG and in HTML, so text may not hold one.
pub(crate) fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Whether `c` may not appear in text of a scenario (labels, names, titles): a control
/// character, the XML-invalid U+FFFE and U+FFFF, or a bidirectional control.
pub(crate) fn is_forbidden_char(c: char) -> bool {
    c.is_control() || c == '\u{fffe}' || c == '\u{ffff}' || is_bidi_control(c)
}

/// The first character of `s` that text may not hold ([`is_forbidden_char`]), if any.
pub(crate) fn forbidden_char(s: &str) -> Option<char> {
    s.chars().find(|&c| is_forbidden_char(c))
}

/// The error for a forbidden character `c` in `what` ("text", "a label").
pub(crate) fn forbidden_char_message(what: &str, c: char) -> String {
    let kind = if is_bidi_control(c) {
        "bidirectional control characters (they reorder what is displayed)"
    } else {
        "control characters"
    };
    format!(
        "expected {what} without {kind}, found U+{:04X}",
        u32::from(c)
    )
}

/// The text fields of `[scenario]` other than its name: (path, text, may span lines).
pub(crate) fn meta_text_fields(m: &crate::file::MetaFile) -> Vec<(String, &str, bool)> {
    let mut fields: Vec<(String, &str, bool)> = Vec::new();
    if let Some(t) = &m.title {
        fields.push(("scenario.title".into(), t, false));
    }
    if let Some(u) = &m.unit {
        fields.push(("scenario.unit".into(), u, false));
    }
    if let Some(d) = &m.description {
        fields.push(("scenario.description".into(), d, true));
    }
    for (i, src) in m.sources.iter().enumerate() {
        match src {
            crate::forecast::SourceFile::Text(t) => {
                fields.push((format!("scenario.sources[{i}]"), t, true));
            }
            crate::forecast::SourceFile::Dated(d) => {
                fields.push((format!("scenario.sources[{i}].key"), &d.key, false));
                fields.push((format!("scenario.sources[{i}].what"), &d.what, true));
            }
        }
    }
    fields
}

impl Checker<'_, '_> {
    /// `[scenario] as_of` and the dates of the sources (see [`crate::forecast`]): errors
    /// and information-set warnings into this checker; returns the forecast's day. One-issue
    /// and package files alike.
    pub(crate) fn forecast_checks(&mut self, meta: &crate::file::MetaFile) -> Option<i64> {
        let as_of = crate::forecast::check_as_of(
            meta.as_of.as_deref(),
            self.doc,
            self.origin,
            &mut self.errors,
        );
        crate::forecast::check_sources(
            &meta.sources,
            as_of,
            self.doc,
            self.origin,
            &mut self.errors,
            &mut self.warnings,
        );
        as_of
    }
}

impl<'d, 'a> Checker<'d, 'a> {
    pub(crate) fn new(doc: &'d Doc<'a>, origin: &'d str) -> Self {
        Checker {
            doc,
            origin,
            errors: Vec::new(),
            warnings: Vec::new(),
            inputs: Vec::new(),
            ranges: BTreeMap::new(),
            centrals: Vec::new(),
            links: links::LinkState::default(),
        }
    }

    fn diag(&self, path: &str, message: String) -> Diagnostic {
        let pos = self.doc.locate_path(path);
        Diagnostic {
            origin: self.origin.to_owned(),
            line: pos.line,
            column: pos.column,
            path: path.to_owned(),
            message,
        }
    }

    pub(crate) fn error(&mut self, path: &str, message: impl Into<String>) {
        let d = self.diag(path, message.into());
        self.errors.push(d);
    }

    pub(crate) fn warn(&mut self, path: &str, message: impl Into<String>) {
        let d = self.diag(path, message.into());
        self.warnings.push(d);
    }

    /// The range `[lo, hi]` of the values the number at `path` can take (a fixed value:
    /// `lo = hi`; a distribution: its support after `within`), once checked without error.
    pub(crate) fn range(&self, path: &str) -> Option<(f64, f64)> {
        self.ranges.get(path).copied()
    }

    /// Byte offset where the value at `path` starts (for ordering keys as in the file).
    pub(crate) fn doc_start(&self, path: &str) -> usize {
        self.doc.span_of(path).start
    }

    /// The errors (in file order) and warnings collected so far.
    pub(crate) fn finish(mut self) -> (Vec<Diagnostic>, Vec<Diagnostic>) {
        self.errors.sort_by_key(|d| (d.line, d.column));
        self.warnings.sort_by_key(|d| (d.line, d.column));
        (self.errors, self.warnings)
    }
}
