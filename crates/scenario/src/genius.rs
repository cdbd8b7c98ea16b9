//! Import of GENIUS negotiation domains: a domain file and two preference profiles
//! (`utility_space` XML, discrete issues) become a package scenario's TOML text.
//!
//! - issues: every `<issue>` of the domain, in document order; only `type="discrete"`
//!   (or no type) with `<item value=…>` children; keys are the issue names slugified
//!   (lower-case ASCII letters, digits and `-`), made unique with `-2`, `-3`, …;
//! - parties `a` and `b`, from the two profiles in the order given (`a` moves first),
//!   each `strategy = { kind = "time-based", preset = "boulware" }`;
//! - weights: `<weight index=… value=…>`, matched to issues by `index` (if they do not sum
//!   to 1 they are divided by their sum, and a note says so);
//! - evaluations: each `<item value=… evaluation=…>` divided by the issue's largest
//!   evaluation, as GENIUS does (profile issues matched to domain issues by `index`, else
//!   by name); items the profile leaves out count 0;
//! - `<reservation value=…>` (default 0, with a note) and `<discount_factor value=…>`
//!   (a value in (0, 1) becomes the party's `discount`; 0 and 1 mean none in GENIUS).
//!
//! Every problem is a [`ScenarioError`] at `file:line:col` of the XML.

use std::fmt::Write as _;
use std::path::Path;

use roxmltree::{Document, Node};

use crate::error::{Diagnostic, ScenarioError};
use crate::issues::PackageScenario;

/// A converted GENIUS negotiation.
#[derive(Debug, Clone, PartialEq)]
pub struct GeniusImport {
    /// The package scenario, as TOML text (it parses with [`PackageScenario::parse`]).
    pub toml: String,
    /// Remarks for the user (defaults taken, weights normalised, discounts).
    pub notes: Vec<String>,
}

/// One XML file: its origin (for messages), text and parsed document.
struct Xml<'t> {
    origin: String,
    doc: Document<'t>,
}

impl Xml<'_> {
    fn error(&self, node: Node<'_, '_>, message: String) -> ScenarioError {
        let pos = self.doc.text_pos_at(node.range().start);
        diag(&self.origin, pos.row as usize, pos.col as usize, message)
    }
}

fn diag(origin: &str, line: usize, column: usize, message: String) -> ScenarioError {
    ScenarioError::new(vec![Diagnostic {
        origin: origin.to_owned(),
        line,
        column,
        path: String::new(),
        message,
    }])
}

fn parse_xml<'t>(text: &'t str, origin: &str) -> Result<Xml<'t>, ScenarioError> {
    match Document::parse(text) {
        Ok(doc) => Ok(Xml {
            origin: origin.to_owned(),
            doc,
        }),
        Err(e) => {
            let pos = e.pos();
            let msg = e.to_string();
            let msg = msg.strip_suffix(&format!(" at {pos}")).unwrap_or(&msg);
            Err(diag(
                origin,
                pos.row as usize,
                pos.col as usize,
                format!("invalid XML: {msg}"),
            ))
        }
    }
}

/// A discrete issue of the domain.
struct DomainIssue {
    name: String,
    index: Option<String>,
    labels: Vec<String>,
}

/// One profile's numbers, per domain issue.
struct Profile {
    name: String,
    weights: Vec<f64>,
    /// Normalised evaluations, one per label.
    values: Vec<Vec<f64>>,
    reservation: f64,
    discount: Option<f64>,
}

fn elements<'a, 'i>(n: Node<'a, 'i>, tag: &'a str) -> impl Iterator<Item = Node<'a, 'i>> + 'a {
    n.descendants()
        .filter(move |c| c.is_element() && c.tag_name().name() == tag)
}

fn attr<'a>(x: &Xml<'_>, n: Node<'a, '_>, name: &str) -> Result<&'a str, ScenarioError> {
    n.attribute(name).ok_or_else(|| {
        x.error(
            n,
            format!(
                "expected a `{name}` attribute on <{}>, found none",
                n.tag_name().name()
            ),
        )
    })
}

fn number(x: &Xml<'_>, n: Node<'_, '_>, name: &str) -> Result<f64, ScenarioError> {
    let s = attr(x, n, name)?;
    match s.trim().parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(x.error(
            n,
            format!("expected a finite number in `{name}`, found {s:?}"),
        )),
    }
}

fn bad_text(s: &str) -> bool {
    s.chars().any(crate::validate::is_forbidden_char)
}

fn domain_issues(x: &Xml<'_>) -> Result<Vec<DomainIssue>, ScenarioError> {
    let root = x.doc.root_element();
    let mut out = Vec::new();
    for issue in elements(root, "issue") {
        let name = attr(x, issue, "name")?.to_owned();
        for t in ["type", "etype", "vtype"] {
            if let Some(v) = issue.attribute(t)
                && v != "discrete"
            {
                return Err(x.error(
                    issue,
                    format!("expected a discrete issue (only those are imported), found {t}={v:?} for `{name}`"),
                ));
            }
        }
        let mut labels: Vec<String> = Vec::new();
        for item in elements(issue, "item") {
            let v = attr(x, item, "value")?;
            if v.is_empty() || bad_text(v) {
                return Err(x.error(
                    item,
                    format!("expected a non-empty value without control characters, found {v:?}"),
                ));
            }
            if labels.iter().any(|l| l == v) {
                return Err(x.error(
                    item,
                    format!("expected distinct values in issue `{name}`, found {v:?} twice"),
                ));
            }
            labels.push(v.to_owned());
        }
        if labels.is_empty() {
            return Err(x.error(
                issue,
                format!("expected <item value=…> elements in issue `{name}`, found none"),
            ));
        }
        out.push(DomainIssue {
            name,
            index: issue.attribute("index").map(str::to_owned),
            labels,
        });
    }
    if out.is_empty() {
        return Err(x.error(
            root,
            "expected <issue> elements in the domain, found none".into(),
        ));
    }
    Ok(out)
}

fn profile(
    x: &Xml<'_>,
    issues: &[DomainIssue],
    name: String,
    notes: &mut Vec<String>,
) -> Result<Profile, ScenarioError> {
    let root = x.doc.root_element();
    let mut weights = Vec::with_capacity(issues.len());
    let mut values = Vec::with_capacity(issues.len());
    let weight_nodes: Vec<Node<'_, '_>> = elements(root, "weight").collect();
    let issue_nodes: Vec<Node<'_, '_>> = elements(root, "issue").collect();
    for d in issues {
        let by_index =
            |n: &Node<'_, '_>| d.index.is_some() && n.attribute("index") == d.index.as_deref();
        let Some(p) = issue_nodes.iter().find(|n| by_index(n)).or_else(|| {
            issue_nodes
                .iter()
                .find(|n| n.attribute("name") == Some(d.name.as_str()))
        }) else {
            return Err(x.error(
                root,
                format!("expected the issue `{}` of the domain, found none", d.name),
            ));
        };
        if let Some(n) = p.attribute("name")
            && n != d.name
        {
            return Err(x.error(
                *p,
                format!(
                    "expected the domain's issue `{}` at index {:?}, found `{n}` (the profile does not match the domain)",
                    d.name,
                    d.index.as_deref().unwrap_or("?")
                ),
            ));
        }
        let Some(w) = weight_nodes.iter().find(|n| by_index(n)) else {
            return Err(x.error(
                *p,
                format!(
                    "expected a <weight index={:?} value=…> for issue `{}`, found none",
                    d.index.as_deref().unwrap_or("?"),
                    d.name
                ),
            ));
        };
        let wv = number(x, *w, "value")?;
        if wv < 0.0 {
            return Err(x.error(*w, format!("expected a weight >= 0, found {wv}")));
        }
        weights.push(wv);
        let mut evals = vec![0.0; d.labels.len()];
        for item in elements(*p, "item") {
            let v = attr(x, item, "value")?;
            let Some(k) = d.labels.iter().position(|l| l == v) else {
                return Err(x.error(
                    item,
                    format!("expected a value of issue `{}`, found {v:?}", d.name),
                ));
            };
            let e = number(x, item, "evaluation")?;
            if e < 0.0 {
                return Err(x.error(item, format!("expected an evaluation >= 0, found {e}")));
            }
            evals[k] = e;
        }
        let max = evals.iter().copied().fold(0.0, f64::max);
        if max <= 0.0 {
            return Err(x.error(
                *p,
                format!(
                    "expected a positive evaluation in issue `{}`, found none",
                    d.name
                ),
            ));
        }
        values.push(evals.iter().map(|e| e / max).collect());
    }
    // An issue of the profile that is none of the domain's would be dropped silently.
    if let Some(n) = issue_nodes.iter().find(|n| {
        !issues.iter().any(|d| {
            (d.index.is_some() && n.attribute("index") == d.index.as_deref())
                || n.attribute("name") == Some(d.name.as_str())
        })
    }) {
        return Err(x.error(
            *n,
            format!(
                "expected only issues of the domain, found `{}` (the profile does not match the domain)",
                n.attribute("name").unwrap_or("?")
            ),
        ));
    }
    let sum: f64 = weights.iter().sum();
    if sum <= 0.0 {
        return Err(x.error(root, "expected a positive weight, found none".into()));
    }
    if (sum - 1.0).abs() > 1e-6 {
        notes.push(format!(
            "{}: weights sum to {sum}; divided by their sum",
            x.origin
        ));
        weights.iter_mut().for_each(|w| *w /= sum);
    }
    let reservation = match elements(root, "reservation").next() {
        Some(n) => number(x, n, "value")?,
        None => {
            notes.push(format!("{}: no <reservation>; reservation 0", x.origin));
            0.0
        }
    };
    let discount = match elements(root, "discount_factor").next() {
        None => None,
        Some(n) => {
            let v = number(x, n, "value")?;
            if !(0.0..=1.0).contains(&v) {
                return Err(x.error(
                    n,
                    format!("expected a discount factor in [0, 1], found {v}"),
                ));
            }
            (v > 0.0 && v < 1.0).then(|| {
                notes.push(format!(
                    "{}: discount factor {v} imported as `discount` (time-based negotiators ignore it, as in NegMAS)",
                    x.origin
                ));
                v
            })
        }
    };
    Ok(Profile {
        name,
        weights,
        values,
        reservation,
        discount,
    })
}

/// `[a-z0-9-]+` from `s` (other characters become `-`, runs collapse), or `fallback`.
fn slug(s: &str, fallback: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_matches('-');
    if out.is_empty() {
        fallback.to_owned()
    } else {
        out.chars()
            .take(60)
            .collect::<String>()
            .trim_matches('-')
            .to_owned()
    }
}

/// Unique issue keys from the issue names.
fn issue_keys(issues: &[DomainIssue]) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    for d in issues {
        let mut base = slug(&d.name, "issue");
        if base == "weights" || base == "reservation" {
            base.push_str("-issue");
        }
        let mut key = base.clone();
        let mut n = 2;
        while keys.contains(&key) {
            key = format!("{base}-{n}");
            n += 1;
        }
        keys.push(key);
    }
    keys
}

/// A TOML basic string.
fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// An `f64` as TOML reads it back exactly.
fn num(x: f64) -> String {
    format!("{x:?}")
}

fn file_name(origin: &str) -> String {
    let s = Path::new(origin)
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    s.chars().filter(|c| !c.is_control()).collect()
}

fn stem(origin: &str) -> String {
    let s = Path::new(origin)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    s.chars().filter(|c| !c.is_control()).collect()
}

/// Convert texts already read: `(text, origin)` of the domain and of the profiles of
/// parties `a` (first mover) and `b`; `rounds` becomes `protocol.max_rounds`.
///
/// # Errors
/// Bad XML, a non-discrete issue, a missing weight, item or attribute: located.
pub fn import_texts(
    domain: (&str, &str),
    a: (&str, &str),
    b: (&str, &str),
    rounds: u32,
) -> Result<GeniusImport, ScenarioError> {
    let dx = parse_xml(domain.0, domain.1)?;
    let ax = parse_xml(a.0, a.1)?;
    let bx = parse_xml(b.0, b.1)?;
    let issues = domain_issues(&dx)?;
    let mut notes = Vec::new();
    let pa = profile(&ax, &issues, stem(a.1), &mut notes)?;
    let pb = profile(&bx, &issues, stem(b.1), &mut notes)?;
    let keys = issue_keys(&issues);

    let mut t = String::new();
    let name = slug(&stem(domain.1), "genius");
    let sources: Vec<String> = [domain.1, a.1, b.1]
        .iter()
        .map(|o| quote(&file_name(o)))
        .collect();
    let _ = writeln!(t, "# Imported from GENIUS by `bargain import genius`.");
    let _ = writeln!(t, "[scenario]\nname = {}", quote(&name));
    let _ = writeln!(
        t,
        "title = {}",
        quote(&format!("GENIUS domain {}", file_name(domain.1)))
    );
    let _ = writeln!(t, "sources = [{}]\n", sources.join(", "));
    let _ = writeln!(
        t,
        "[run]\n# Every input is fixed: one trial says it all.\ntrials = 1"
    );
    let _ = writeln!(
        t,
        "models = [\"agents\", \"nash\", \"kalai-smorodinsky\", \"max-welfare\"]\n"
    );
    let _ = writeln!(
        t,
        "[protocol]\nmax_rounds = {rounds}\nfirst_mover = \"a\"\n"
    );
    for (d, key) in issues.iter().zip(&keys) {
        let labels: Vec<String> = d.labels.iter().map(|l| quote(l)).collect();
        let _ = writeln!(t, "# GENIUS issue {}", quote(&d.name));
        let _ = writeln!(
            t,
            "[issues.{key}]\nkind = \"choice\"\nvalues = [{}]\n",
            labels.join(", ")
        );
    }
    for (pkey, p) in [("a", &pa), ("b", &pb)] {
        let _ = writeln!(t, "[parties.{pkey}]\nname = {}", quote(&p.name));
        if let Some(d) = p.discount {
            let _ = writeln!(t, "discount = {}", num(d));
        }
        let _ = writeln!(
            t,
            "strategy = {{ kind = \"time-based\", preset = \"boulware\" }}\n"
        );
        let _ = writeln!(t, "[parties.{pkey}.utility]");
        let weights: Vec<String> = keys
            .iter()
            .zip(&p.weights)
            .map(|(k, w)| format!("{k} = {}", num(*w)))
            .collect();
        let _ = writeln!(t, "weights = {{ {} }}", weights.join(", "));
        for ((d, key), vals) in issues.iter().zip(&keys).zip(&p.values) {
            let entries: Vec<String> = d
                .labels
                .iter()
                .zip(vals)
                .map(|(l, v)| format!("{} = {}", quote(l), num(*v)))
                .collect();
            let _ = writeln!(t, "{key} = {{ table = {{ {} }} }}", entries.join(", "));
        }
        let _ = writeln!(t, "reservation = {}\n", num(p.reservation));
    }
    // The output must be a valid package scenario; anything else is a bug here.
    let origin = format!("{name}.toml (generated)");
    PackageScenario::parse(&t, &origin)?;
    Ok(GeniusImport { toml: t, notes })
}

/// Read and convert the GENIUS files `domain`, `a` and `b` (see [`import_texts`]).
///
/// # Errors
/// Unreadable files (not UTF-8, over 1 MiB, not regular files) and everything
/// [`import_texts`] rejects, located.
pub fn import(
    domain: &Path,
    a: &Path,
    b: &Path,
    rounds: u32,
) -> Result<GeniusImport, ScenarioError> {
    let (dt, d_origin) = crate::read_path(domain)?;
    let (at, a_origin) = crate::read_path(a)?;
    let (bt, b_origin) = crate::read_path(b)?;
    import_texts((&dt, &d_origin), (&at, &a_origin), (&bt, &b_origin), rounds)
}
