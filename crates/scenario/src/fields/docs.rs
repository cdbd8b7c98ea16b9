//! The field tables of `docs/scenarios.md`, generated from [`FIELDS`]: one block per
//! table of one-issue files, and one of the numbers package files take.

use super::{Absent, FIELDS, FieldDef, Package, Scope, Slot, of_scope};
use crate::labels::preset_name;
use crate::sweep::SWEPT_PRESETS;
use crate::validate::{Domain, fmt_num};

/// The constraints of a domain in the docs' words: `finite`, `> 0`, `in (0, 1]`,
/// `integers in 1 ..= 10000`.
fn constraint(d: &Domain) -> String {
    let (lo, hi) = (fmt_num(d.lo), fmt_num(d.hi));
    match (d.lo.is_finite(), d.hi.is_finite()) {
        (false, false) => "finite".to_owned(),
        (true, false) => format!("{} {lo}", if d.lo_open { ">" } else { "≥" }),
        (false, true) => format!("{} {hi}", if d.hi_open { "<" } else { "≤" }),
        (true, true) if d.integer => format!("integers in {lo} ..= {hi}"),
        (true, true) => format!(
            "in {}{lo}, {hi}{}",
            if d.lo_open { "(" } else { "[" },
            if d.hi_open { ")" } else { "]" }
        ),
    }
}

/// One docs row of a field: type, default, constraints, meaning. `fixed`: the field is a
/// constant where the row is shown (a note on distributions, in parentheses, is left out).
fn row(def: &FieldDef, fixed: bool) -> [String; 4] {
    let ty = match def.slot {
        Slot::Preset(_) => "string or `choice`",
        Slot::StrategyText(..) => "string",
        Slot::PartyConstant(_) => "number",
        _ if def.domain.integer => "integer or distribution",
        _ => "number or distribution",
    };
    let default = match def.absent {
        Absent::Required => "required".to_owned(),
        Absent::RequiredWithoutEnd => {
            "required, except with a `[calendar]` that has an `end`".to_owned()
        }
        Absent::Value(x) => format!("`{}`", fmt_num(x)),
        Absent::Unset => "none".to_owned(),
    };
    let mut parts = Vec::new();
    if matches!(def.slot, Slot::Preset(_) | Slot::StrategyText(..)) {
        parts.push(def.note.to_owned());
    } else {
        let c = constraint(&def.domain);
        parts.push(if def.note.starts_with('(') && !fixed {
            format!("{c} {}", def.note)
        } else if def.note.is_empty() || def.note.starts_with('(') {
            c
        } else {
            format!("{c}; {}", def.note)
        });
    }
    if def.needs_calendar.is_some() {
        parts.push("needs a `[calendar]`".to_owned());
    }
    let mut meaning = def.doc.to_owned();
    if let Slot::Preset(kinds) = def.slot {
        // What each preset sets each kind's shape to.
        for shape in FIELDS
            .iter()
            .filter(|d| d.kinds().iter().any(|k| kinds.contains(k)))
        {
            let Some(value) = shape.preset_shape else {
                continue;
            };
            let values: Vec<String> = SWEPT_PRESETS
                .iter()
                .map(|k| {
                    let p = k.to_core();
                    format!("{} {}", preset_name(p), fmt_num(value(p)))
                })
                .collect();
            meaning.push_str(&format!("; `{}`: {}", shape.key, values.join(", ")));
        }
    }
    [ty.to_owned(), default, parts.join("; "), meaning]
}

/// The kinds that take a strategy field, as the docs list them: `` `time-based`, `faratin` ``.
fn kinds_text(def: &FieldDef) -> String {
    let k: Vec<String> = def
        .kinds()
        .iter()
        .map(|k| format!("`{}`", k.as_str()))
        .collect();
    k.join(", ")
}

/// The package block: one row per entry that package files take ([`Package::taken`]),
/// keyed by its path in a package file, its meaning on packages.
fn package_block() -> String {
    let mut md =
        "| key | type | default | constraints | meaning |\n|---|---|---|---|---|\n".to_owned();
    for def in FIELDS.iter().filter(|d| d.package.taken()) {
        let fixed = matches!(def.package, Package::Fixed { .. });
        let [mut ty, default, constraints, mut meaning] = row(def, fixed);
        let doc = match def.package {
            Package::Input { doc, .. } => doc,
            Package::Fixed { doc } => {
                ty = "number".to_owned();
                doc
            }
            Package::No | Package::Text => "",
        };
        if !doc.is_empty() {
            meaning = doc.to_owned();
        }
        let key = match def.scope() {
            Scope::Strategy => format!("`{}` ({})", def.path("KEY"), kinds_text(def)),
            _ => format!("`{}`", def.path("KEY")),
        };
        md.push_str(&format!(
            "| {key} | {ty} | {default} | {constraints} | {meaning} |\n"
        ));
    }
    md
}

/// The generated field tables of `docs/scenarios.md`: (block name, markdown), one block
/// per table of one-issue files (`protocol`, `calendar`, `party`, `strategy`), then
/// `package`, the numbers and strategy keys of package files, each a complete markdown
/// table. The docs hold each between `<!-- fields:NAME -->` and `<!-- /fields:NAME -->`.
#[must_use]
pub fn docs_blocks() -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    for (name, scope) in [
        ("protocol", Scope::Protocol),
        ("calendar", Scope::Calendar),
        ("party", Scope::Party),
        ("strategy", Scope::Strategy),
    ] {
        let strategy = scope == Scope::Strategy;
        let mut md = if strategy {
            "| key | kinds | type | default | constraints | meaning |\n|---|---|---|---|---|---|\n"
                .to_owned()
        } else {
            "| key | type | default | constraints | meaning |\n|---|---|---|---|---|\n".to_owned()
        };
        for def in of_scope(scope) {
            let [ty, default, constraints, meaning] = row(def, false);
            let kinds = if strategy {
                format!(" {} |", kinds_text(def))
            } else {
                String::new()
            };
            md.push_str(&format!(
                "| `{}` |{kinds} {ty} | {default} | {constraints} | {meaning} |\n",
                def.key
            ));
        }
        out.push((name, md));
    }
    out.push(("package", package_block()));
    out
}
