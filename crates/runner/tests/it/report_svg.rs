//! Every SVG of every shipped scenario's report (and the index) is well-formed XML, and
//! no two text labels overlap.
//!
//! Text boxes are estimated from the font size and the text (per-character advances of
//! DejaVu Sans, the bundled font, by class; a glyph spans from 0.72 em above the baseline
//! to 0.1 em below it), with the SVG's `text-anchor` and `dy` applied.
//! Rotated labels (axis titles) are left out.

use crate::common;
use common::ok;

use std::path::{Path, PathBuf};

/// An estimated label box: `(x0, y0, x1, y1)` and its text.
#[derive(Debug, Clone)]
struct Label {
    bx: (f64, f64, f64, f64),
    text: String,
}

/// Approximate advance of a character in DejaVu Sans, in em (digits are 0.636 em in
/// DejaVu Sans; narrow and wide letters by class).
fn advance(c: char) -> f64 {
    match c {
        'i' | 'l' | 'j' | '.' | ',' | ':' | ';' | '\'' | '!' | '|' => 0.28,
        ' ' | 'f' | 't' | 'r' | '(' | ')' | '[' | ']' | '-' => 0.36,
        '0'..='9' => 0.636,
        'm' | 'w' | '%' | 'M' | 'W' => 0.92,
        c if c.is_ascii_uppercase() => 0.7,
        _ => 0.6,
    }
}

fn em(value: &str, size: f64) -> f64 {
    let v = value.trim();
    if let Some(x) = v.strip_suffix("em") {
        x.parse::<f64>().unwrap_or(0.0) * size
    } else if let Some(x) = v.strip_suffix("ex") {
        x.parse::<f64>().unwrap_or(0.0) * size * 0.5
    } else {
        v.parse::<f64>().unwrap_or(0.0)
    }
}

fn labels(svg: &str, file: &Path) -> Vec<Label> {
    let doc = roxmltree::Document::parse(svg)
        .unwrap_or_else(|e| panic!("{}: not well-formed XML: {e}", file.display()));
    let mut out = Vec::new();
    for node in doc.descendants().filter(|n| n.has_tag_name("text")) {
        if node.attribute("transform").is_some() {
            continue;
        }
        let text: String = node
            .descendants()
            .filter(roxmltree::Node::is_text)
            .filter_map(|n| n.text())
            .collect::<String>()
            .trim()
            .to_string();
        if text.is_empty() {
            continue;
        }
        let num = |k: &str| node.attribute(k).and_then(|v| v.parse::<f64>().ok());
        let (Some(x), Some(y)) = (num("x"), num("y")) else {
            continue;
        };
        let size = num("font-size").unwrap_or(12.0);
        let w = size * text.chars().map(advance).sum::<f64>();
        let x0 = match node.attribute("text-anchor") {
            Some("middle") => x - w / 2.0,
            Some("end") => x - w,
            _ => x,
        };
        let baseline = y + node.attribute("dy").map_or(0.0, |d| em(d, size));
        out.push(Label {
            bx: (x0, baseline - 0.72 * size, x0 + w, baseline + 0.1 * size),
            text,
        });
    }
    out
}

fn overlaps(a: &Label, b: &Label) -> bool {
    let (ax0, ay0, ax1, ay1) = a.bx;
    let (bx0, by0, bx1, by1) = b.bx;
    // At least 1 px of overlap both ways.
    ax0.max(bx0) + 1.0 < ax1.min(bx1) && ay0.max(by0) + 1.0 < ay1.min(by1)
}

fn svgs(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("read_dir") {
        let p = e.expect("entry").path();
        if p.is_dir() {
            svgs(&p, out);
        } else if p.extension().is_some_and(|x| x == "svg") {
            out.push(p);
        }
    }
}

#[test]
fn every_shipped_svg_parses_and_no_labels_overlap() {
    let tmp = tempfile::tempdir().expect("tmp");
    let scenarios = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios");
    let out = tmp.path().join("reports");
    ok(&[
        "run",
        scenarios.to_str().expect("p"),
        "--trials",
        "3000",
        "-q",
        "--out",
        out.to_str().expect("p"),
    ]);
    let files = check(&out);
    assert!(files >= 8 * 3, "only {files} SVGs");
}

/// Every SVG under `out` parses and has no overlapping labels; returns how many there are.
fn check(out: &Path) -> usize {
    let mut files = Vec::new();
    svgs(out, &mut files);
    files.sort();
    let mut problems = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).expect("svg");
        let ls = labels(&text, f);
        for (i, a) in ls.iter().enumerate() {
            for b in &ls[i + 1..] {
                if overlaps(a, b) {
                    problems.push(format!(
                        "{}: `{}` overlaps `{}`",
                        f.strip_prefix(out).unwrap_or(f).display(),
                        a.text,
                        b.text
                    ));
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} overlaps:\n{}",
        problems.len(),
        problems.join("\n")
    );
    files.len()
}

/// The package reports (the shipped SMA package and an imported GENIUS domain): every
/// plot is written as SVG and PNG, every SVG parses with no overlapping labels, and
/// `report.html` names every model and issue of `summary.json`.
#[test]
fn package_reports_parse_and_name_every_model_and_issue() {
    let tmp = tempfile::tempdir().expect("tmp");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let genius = root.join("tests/data/genius");
    let trade = tmp.path().join("trade.toml");
    let g = |f: &str| genius.join(f).to_str().expect("p").to_string();
    ok(&[
        "import",
        "genius",
        &g("trade_domain.xml"),
        &g("trade_exporter.xml"),
        &g("trade_importer.xml"),
        "--out",
        trade.to_str().expect("p"),
    ]);
    let sma = root.join("../../scenarios/sma-2019-package.toml");
    for (k, file) in [sma, trade].iter().enumerate() {
        let out = tmp.path().join(format!("rep{k}"));
        ok(&[
            "run",
            file.to_str().expect("p"),
            "--trials",
            "2000",
            "-q",
            "--out",
            out.to_str().expect("p"),
        ]);
        // The SMA package has a calendar (a timing plot); the imported domain has none.
        let timing = k == 0;
        let stems = ["issues", "heatmap", "utility", "dance", "timing"];
        for stem in &stems[..if timing { 5 } else { 4 }] {
            for ext in ["svg", "png"] {
                let f = out.join(format!("{stem}.{ext}"));
                assert!(f.is_file(), "{} missing", f.display());
            }
        }
        assert_eq!(out.join("timing.svg").is_file(), timing);
        assert_eq!(check(&out), if timing { 5 } else { 4 }, "{}", out.display());
        let html = std::fs::read_to_string(out.join("report.html")).expect("html");
        let summary: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).expect("s"))
                .expect("json");
        let models = summary["models"].as_object().expect("models");
        assert_eq!(models.len(), 4);
        let issues = summary["package"]["issues"].as_array().expect("issues");
        assert_eq!(issues.len(), 3);
        for name in models.keys() {
            assert!(html.contains(name.as_str()), "{name} not in report.html");
        }
        for issue in issues {
            let key = issue["key"].as_str().expect("key");
            assert!(
                html.contains(&format!("<h3>{key}</h3>")) || html.contains(&format!("<h3>{key} (")),
                "{key} not in report.html"
            );
        }
        assert!(!html.contains("<script") && !html.contains("src=\""));
    }
}

/// The checker finds an overlap when there is one, and none for labels side by side.
#[test]
fn the_overlap_check_can_fail() {
    let svg = r#"<svg xmlns="http://www.w3.org/2000/svg">
<text x="10" y="20" font-size="14">kalai-smorodinsky</text>
<text x="100" y="22" font-size="14">62.9%</text>
<text x="400" y="20" font-size="14" text-anchor="end">right</text>
<text x="410" y="20" font-size="14">left</text>
</svg>"#;
    let ls = labels(svg, Path::new("synthetic.svg"));
    assert_eq!(ls.len(), 4);
    assert!(overlaps(&ls[0], &ls[1]), "{ls:?}");
    assert!(!overlaps(&ls[2], &ls[3]), "{ls:?}");
    assert!(roxmltree::Document::parse("<svg><text>unclosed</svg>").is_err());
}
