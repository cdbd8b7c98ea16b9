//! Reports written from synthetic summaries: every file exists, PNGs are real images,
//! SVGs and HTML carry the expected text, the HTML is offline, edge cases don't panic.
//!
//! Set `BARGAIN_REPORT_LOOK_DIR` to keep the outputs in that folder for inspection.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use bargain_core::{Model, Outcome, OutcomeKind, Side, TracedOffer};
use bargain_runner::report::{
    DanceTrial, FIGURE_SIZE, HistogramScale, IndexEntry, PNG_SCALE, ReportData, write_html,
    write_index, write_plots,
};
use bargain_runner::summary::{
    AmountSummary, Histogram, ModelSummary, ObservedFit, QUANTILES, RoundSummary, ScenarioInfo,
    Summary, SurplusSummary,
};

const BINS: usize = 64;

/// Parameters of one synthetic model distribution.
struct Spec {
    name: &'static str,
    trials: u64,
    rate: f64,
    centre: f64,
    sd: f64,
    /// Deals per round: a bump around this round (1-based); closed forms: 1.
    round_peak: f64,
    rounds: usize,
}

fn gauss(x: f64, m: f64, sd: f64) -> f64 {
    (-0.5 * ((x - m) / sd).powi(2)).exp()
}

/// Counts proportional to `weights` summing exactly to `total`.
fn apportion(weights: &[f64], total: u64) -> Vec<u64> {
    let sum: f64 = weights.iter().sum();
    let mut counts: Vec<u64> = weights
        .iter()
        .map(|w| (w / sum * total as f64).floor() as u64)
        .collect();
    let mut missing = total - counts.iter().sum::<u64>();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|&a, &b| weights[b].total_cmp(&weights[a]));
    for &i in order.iter().cycle() {
        if missing == 0 {
            break;
        }
        counts[i] += 1;
        missing -= 1;
    }
    counts
}

fn model_summary(spec: &Spec, lo: f64, hi: f64, observed: Option<f64>) -> ModelSummary {
    let deals = (spec.trials as f64 * spec.rate).round() as u64;
    let w = (hi - lo) / BINS as f64;
    let weights: Vec<f64> = (0..BINS)
        .map(|i| gauss(lo + w * (i as f64 + 0.5), spec.centre, spec.sd))
        .collect();
    let counts = apportion(&weights, deals);
    let quantile = |p: f64| {
        let target = p * deals as f64;
        let mut acc = 0.0;
        for (i, &c) in counts.iter().enumerate() {
            if acc + c as f64 >= target && c > 0 {
                return lo + w * (i as f64 + (target - acc) / c as f64);
            }
            acc += c as f64;
        }
        hi
    };
    let quantiles: BTreeMap<String, f64> = QUANTILES
        .iter()
        .map(|&(k, p)| (k.to_string(), quantile(p)))
        .collect();
    let round_weights: Vec<f64> = (1..=spec.rounds)
        .map(|r| gauss(r as f64, spec.round_peak, 1.8))
        .collect();
    let round_counts = if spec.round_peak <= 1.0 {
        let mut v = vec![0; spec.rounds];
        v[0] = deals;
        v
    } else {
        apportion(&round_weights, deals)
    };
    let mean_round = round_counts
        .iter()
        .enumerate()
        .map(|(i, &c)| (i + 1) as f64 * c as f64)
        .sum::<f64>()
        / deals.max(1) as f64;
    let rest = spec.trials - deals;
    let mut outcomes = BTreeMap::new();
    if spec.name == "agents" {
        let deadline = rest / 2;
        let breakdown = rest / 3;
        outcomes.insert("deal".to_string(), deals);
        outcomes.insert("deadline".to_string(), deadline);
        outcomes.insert("breakdown".to_string(), breakdown);
        outcomes.insert("not_ratified".to_string(), rest - deadline - breakdown);
        outcomes.insert("no_zone".to_string(), 0);
    } else {
        outcomes.insert("deal".to_string(), deals);
        outcomes.insert("deadline".to_string(), 0);
        outcomes.insert("breakdown".to_string(), 0);
        outcomes.insert("not_ratified".to_string(), rest / 4);
        outcomes.insert("no_zone".to_string(), rest - rest / 4);
    }
    let (min, max) = (quantile(0.0), quantile(1.0));
    let amount = (deals > 0).then(|| AmountSummary {
        count: deals,
        mean: spec.centre,
        sd: spec.sd,
        min,
        max,
        quantiles: quantiles.clone(),
        quantile_error_bound: w / 16.0,
        histogram: Histogram {
            lo,
            hi,
            counts,
            below: 0,
            above: 0,
        },
    });
    let observed = match (observed, deals > 0) {
        (Some(x), true) => Some(ObservedFit {
            amount: x,
            percentile: 0.3,
            in_50: quantiles["p25"] <= x && x <= quantiles["p75"],
            in_90: quantiles["p05"] <= x && x <= quantiles["p95"],
        }),
        _ => None,
    };
    ModelSummary {
        trials: spec.trials,
        outcomes,
        agreement_rate: deals as f64 / spec.trials as f64,
        amount,
        round: RoundSummary {
            mean: (deals > 0).then_some(mean_round),
            counts: round_counts,
        },
        surplus: Some(SurplusSummary {
            payee: (deals > 0).then_some(spec.centre - 0.95),
            payer: (deals > 0).then_some(1.2 - spec.centre),
            payee_per_trial: (spec.centre - 0.95) * spec.rate,
            payer_per_trial: (1.2 - spec.centre) * spec.rate,
        }),
        observed,
        timing: None,
        issues: None,
        joint: None,
        utility: None,
        vetoes: None,
    }
}

fn summary(name: &str, title: &str, unit: &str, models: BTreeMap<String, ModelSummary>) -> Summary {
    Summary {
        format: "bargain-summary".to_string(),
        version: 2,
        kind: "one-issue".to_string(),
        scenario: ScenarioInfo {
            name: name.to_string(),
            title: title.to_string(),
            unit: unit.to_string(),
        },
        trials: models.values().map(|m| m.trials).max().unwrap_or(0),
        seed: 20190310,
        sampler: "latin-hypercube".to_string(),
        package: None,
        models,
    }
}

const SMA_MODELS: [(&str, f64, f64, f64, f64); 6] = [
    // name, agreement rate, centre, sd, round peak
    ("agents", 0.78, 1.06, 0.06, 7.0),
    ("rubinstein", 0.93, 1.15, 0.04, 1.0),
    ("stahl", 0.93, 1.12, 0.05, 1.0),
    ("nash", 0.93, 1.08, 0.035, 1.0),
    ("kalai-smorodinsky", 0.93, 1.09, 0.035, 1.0),
    ("breakdown", 0.9, 1.13, 0.045, 1.0),
];

/// An SMA-like run: six models, amounts around 0.95–1.3 trillion won.
fn sma_summary() -> Summary {
    let models = SMA_MODELS
        .iter()
        .map(|&(name, rate, centre, sd, peak)| {
            let spec = Spec {
                name,
                trials: 20_000,
                rate,
                centre,
                sd,
                round_peak: peak,
                rounds: 12,
            };
            (
                name.to_string(),
                model_summary(&spec, 0.8, 1.5, Some(1.0389)),
            )
        })
        .collect();
    summary(
        "sma-2019",
        "SMA 2019: Korea–US defense cost-sharing <11th SMA> & \"deal\"",
        "trillion KRW",
        models,
    )
}

/// A trial of alternating offers converging from the asks towards `deal`.
fn dance_trial(trial: u64, rounds: u32, deal: f64, payee_res: f64, payer_res: f64) -> DanceTrial {
    let mut offers = Vec::new();
    for r in 0..rounds {
        let t = f64::from(r) / f64::from(rounds.max(2) - 1);
        let payee = 1.4 - (1.4 - deal) * t.powf(0.7);
        let payer = 0.96 + (deal - 0.96) * t.powf(1.3);
        offers.push(TracedOffer {
            round: r,
            by: Side::Payee,
            amount: payee,
        });
        if r + 1 < rounds {
            offers.push(TracedOffer {
                round: r,
                by: Side::Payer,
                amount: payer,
            });
        }
    }
    let outcome = Outcome {
        kind: OutcomeKind::Deal,
        amount: Some(deal),
        round: rounds,
        accepted_by: Some(Side::Payer),
    };
    DanceTrial {
        trial,
        rounds: bargain_runner::replay_json::answer_rounds(&offers, &outcome),
        offers,
        outcome,
        payee_reservation: payee_res,
        payer_reservation: payer_res,
        reservations: vec![(payee_res, payer_res); rounds as usize],
        events: Vec::new(),
    }
}

fn sma_data<'a>(summary: &'a Summary, sources: &'a [String]) -> ReportData<'a> {
    ReportData {
        summary,
        description: "The 11th Special Measures Agreement: the US asked for about 1.4 trillion \
                      won a year, Korea paid 0.96; the deal came at 1.0389 after 10 rounds.",
        sources,
        observed: Some((1.0389, Some(10))),
        closed_forms: vec![
            (Model::Rubinstein, Some(1.148)),
            (Model::Stahl, Some(1.121)),
            (Model::Nash, Some(1.079)),
            (Model::KalaiSmorodinsky, Some(1.088)),
            (Model::Brw, Some(1.13)),
        ],
        zone: (0.95, 1.2),
        dance: vec![
            dance_trial(17, 10, 1.04, 0.98, 1.15),
            dance_trial(4711, 8, 1.09, 1.0, 1.18),
            dance_trial(90210, 12, 1.01, 0.97, 1.12),
        ],
        warnings: vec!["payer opening 0.96 is below <its> reservation & fine".to_string()],
        pairs: None,
        histogram_scale: HistogramScale::default(),
        assumptions: Vec::new(),
    }
}

fn out_dir(tag: &str) -> (Option<tempfile::TempDir>, PathBuf) {
    match std::env::var_os("BARGAIN_REPORT_LOOK_DIR") {
        Some(base) => {
            let dir = Path::new(&base).join(tag);
            std::fs::create_dir_all(&dir).expect("create look dir");
            (None, dir)
        }
        None => {
            let tmp = tempfile::tempdir().expect("tempdir");
            let dir = tmp.path().to_path_buf();
            (Some(tmp), dir)
        }
    }
}

/// Decode a PNG and check its size and that it is a real picture.
fn check_png(path: &Path, size: (u32, u32)) {
    check_png_ink(path, size, 1);
}

/// Decode a PNG, check its size, that it has anti-aliased text (more than 3 colours) and
/// that more than `percent` % of its pixels are not white.
fn check_png_ink(path: &Path, size: (u32, u32), percent: usize) {
    let bytes = std::fs::read(path).expect("read png");
    assert!(
        bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a]),
        "{} is not a PNG",
        path.display()
    );
    let img = image::load_from_memory(&bytes)
        .expect("decode png")
        .to_rgb8();
    assert_eq!(
        img.dimensions(),
        (size.0 * PNG_SCALE, size.1 * PNG_SCALE),
        "{}",
        path.display()
    );
    let mut colours = std::collections::HashSet::new();
    let mut non_white = 0usize;
    for p in img.pixels() {
        if colours.len() < 64 {
            colours.insert(p.0);
        }
        if p.0 != [255, 255, 255] {
            non_white += 1;
        }
    }
    let total = (img.width() * img.height()) as usize;
    assert!(colours.len() > 3, "{}: too few colours", path.display());
    assert!(
        non_white * 100 > total * percent,
        "{}: almost blank",
        path.display()
    );
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn sma_plots_and_report() {
    let summary = sma_summary();
    let sources = vec![
        "https://www.mofa.go.kr/ — 11th SMA text".to_string(),
        "CRS report R41481 <U.S.-South Korea Relations>".to_string(),
    ];
    let data = sma_data(&summary, &sources);
    let (_keep, dir) = out_dir("sma");
    write_plots(&dir, &data).expect("plots");
    write_html(&dir, &data).expect("html");

    for stem in ["amounts", "rounds", "dance"] {
        check_png(&dir.join(format!("{stem}.png")), FIGURE_SIZE);
        let svg = read(&dir.join(format!("{stem}.svg")));
        assert!(svg.contains("<svg"), "{stem}.svg");
    }
    let amounts = read(&dir.join("amounts.svg"));
    for (name, ..) in SMA_MODELS {
        assert!(amounts.contains(name), "amounts.svg lacks {name}");
        assert!(
            read(&dir.join("rounds.svg")).contains(name),
            "rounds.svg lacks {name}"
        );
    }
    assert!(amounts.contains("trillion KRW"));
    assert!(amounts.contains("observed"));
    assert!(read(&dir.join("dance.svg")).contains("trillion KRW"));

    let html = read(&dir.join("report.html"));
    for needle in [
        "<table",
        "Outcomes",
        "Quantiles",
        "Surplus",
        "Observed",
        "p01",
        "p99",
        "kalai-smorodinsky",
        "not_ratified",
        "1.0389",
        "latin-hypercube",
        "20190310",
        "&lt;11th SMA&gt; &amp; &quot;deal&quot;",
        "&lt;its&gt;",
        "<svg",
    ] {
        assert!(html.contains(needle), "report.html lacks {needle:?}");
    }
    assert!(!html.contains("<11th SMA>"), "unescaped title");
    // The observed round (10) against the models' rounds.
    assert!(html.contains("deals at or before round 10"));
    assert!(html.contains("median round of deals"));
    assert_offline(&html);
}

fn assert_offline(html: &str) {
    let lower = html.to_lowercase();
    for bad in [
        "src=\"http",
        "href=\"http",
        "url(http",
        "<script src",
        "src='http",
        "href='http",
        "@import",
    ] {
        assert!(!lower.contains(bad), "page references the network: {bad}");
    }
}

/// A second scenario in another unit, with a model that never agrees.
fn other_summary() -> Summary {
    let specs = [
        ("agents", 0.55, 2.4, 0.3, 5.0),
        ("nash", 0.0, 2.2, 0.2, 1.0),
        ("rubinstein", 0.8, 2.6, 0.15, 1.0),
    ];
    let models = specs
        .iter()
        .map(|&(name, rate, centre, sd, peak)| {
            let spec = Spec {
                name,
                trials: 5_000,
                rate,
                centre,
                sd,
                round_peak: peak,
                rounds: 8,
            };
            (name.to_string(), model_summary(&spec, 1.0, 4.0, None))
        })
        .collect();
    summary(
        "japan-hns",
        "Japan host-nation support",
        "billion USD",
        models,
    )
}

#[test]
fn index_of_two_scenarios_in_two_units() {
    let sma = sma_summary();
    let other = other_summary();
    let entries = vec![
        IndexEntry {
            summary: &sma,
            link: "sma-2019".to_string(),
        },
        IndexEntry {
            summary: &other,
            link: "japan-hns".to_string(),
        },
    ];
    let (_keep, dir) = out_dir("index");
    write_index(&dir, &entries).expect("index");
    let json: serde_json::Value =
        serde_json::from_str(&read(&dir.join("index.json"))).expect("index.json parses");
    let rows = json["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 9);
    assert_eq!(rows[0]["name"], "sma-2019");
    assert_eq!(rows[0]["model"], "agents");
    assert_eq!(rows[0]["unit"], "trillion KRW");
    assert_eq!(rows[0]["link"], "sma-2019");
    for key in [
        "title",
        "trials",
        "agreement_rate",
        "p05",
        "p25",
        "p50",
        "p75",
        "p95",
        "mean",
    ] {
        assert!(rows[0].get(key).is_some(), "index.json lacks {key}");
    }
    let nash = rows
        .iter()
        .find(|r| r["name"] == "japan-hns" && r["model"] == "nash")
        .expect("nash row");
    assert!(nash["p50"].is_null());
    // Stable: writing again gives the same bytes.
    let first = read(&dir.join("index.json"));
    write_index(&dir, &entries).expect("index again");
    assert_eq!(first, read(&dir.join("index.json")));

    let png = dir.join("distributions.png");
    let bytes = std::fs::read(&png).expect("png");
    let img = image::load_from_memory(&bytes).expect("decode").to_rgb8();
    assert_eq!(img.width(), FIGURE_SIZE.0 * PNG_SCALE);
    check_png(&png, (img.width() / PNG_SCALE, img.height() / PNG_SCALE));
    let svg = read(&dir.join("distributions.svg"));
    for needle in [
        "<svg",
        "trillion KRW",
        "billion USD",
        "sma-2019 · agents",
        "no deals",
    ] {
        assert!(svg.contains(needle), "distributions.svg lacks {needle:?}");
    }
    let html = read(&dir.join("index.html"));
    for needle in [
        "href=\"sma-2019/report.html\"",
        "href=\"japan-hns/report.html\"",
        "<table",
        "<svg",
        "kalai-smorodinsky",
    ] {
        assert!(html.contains(needle), "index.html lacks {needle:?}");
    }
    assert_offline(&html);
}

/// Write everything for `data` and check that every file is there.
fn write_all(tag: &str, data: &ReportData<'_>) -> (Option<tempfile::TempDir>, PathBuf) {
    let (keep, dir) = out_dir(tag);
    write_plots(&dir, data).expect("plots");
    write_html(&dir, data).expect("html");
    for stem in ["amounts", "rounds", "dance"] {
        // Edge cases may legitimately be little more than a message.
        check_png_ink(&dir.join(format!("{stem}.png")), FIGURE_SIZE, 0);
        assert!(read(&dir.join(format!("{stem}.svg"))).contains("<svg"));
    }
    let html = read(&dir.join("report.html"));
    assert!(
        !html.contains("NaN") && !html.contains("inf"),
        "non-finite number in report"
    );
    assert_offline(&html);
    // The caller keeps the temporary folder alive while it checks more.
    (keep, dir)
}

fn empty_data(summary: &Summary) -> ReportData<'_> {
    ReportData {
        summary,
        description: "",
        sources: &[],
        observed: None,
        closed_forms: Vec::new(),
        zone: (1.0, 0.9),
        dance: Vec::new(),
        warnings: Vec::new(),
        pairs: None,
        histogram_scale: HistogramScale::default(),
        assumptions: Vec::new(),
    }
}

#[test]
fn no_deals_at_all() {
    let models = ["agents", "nash"]
        .iter()
        .map(|&name| {
            let spec = Spec {
                name,
                trials: 100,
                rate: 0.0,
                centre: 1.0,
                sd: 0.1,
                round_peak: 3.0,
                rounds: 5,
            };
            (name.to_string(), model_summary(&spec, 0.5, 1.5, Some(1.0)))
        })
        .collect();
    let s = summary("none", "Nobody agrees", "units", models);
    let mut data = empty_data(&s);
    data.observed = Some((1.0, None));
    data.closed_forms = vec![(Model::Nash, None)];
    let (_keep, dir) = write_all("no-deals", &data);
    assert!(read(&dir.join("amounts.svg")).contains("no deals"));
    assert!(read(&dir.join("rounds.svg")).contains("no deals"));
    assert!(read(&dir.join("dance.svg")).contains("no negotiation traces"));
    assert!(read(&dir.join("report.html")).contains("no agreement"));
}

#[test]
fn one_model_single_valued() {
    // Every deal at exactly 2.0: a degenerate histogram (lo == hi), NaN spread.
    let mut quantiles = BTreeMap::new();
    for (k, _) in QUANTILES {
        quantiles.insert(k.to_string(), 2.0);
    }
    let m = ModelSummary {
        trials: 10,
        outcomes: [("deal".to_string(), 10)].into_iter().collect(),
        agreement_rate: 1.0,
        amount: Some(AmountSummary {
            count: 10,
            mean: 2.0,
            sd: f64::NAN,
            min: 2.0,
            max: 2.0,
            quantiles,
            quantile_error_bound: 0.0,
            histogram: Histogram {
                lo: 2.0,
                hi: 2.0,
                counts: vec![0; BINS],
                below: 0,
                above: 0,
            },
        }),
        round: RoundSummary {
            mean: Some(1.0),
            counts: vec![10],
        },
        surplus: Some(SurplusSummary {
            payee: Some(0.0),
            payer: Some(0.0),
            payee_per_trial: 0.0,
            payer_per_trial: 0.0,
        }),
        observed: None,
        timing: None,
        issues: None,
        joint: None,
        utility: None,
        vetoes: None,
    };
    let s = summary(
        "point",
        "A single point",
        "units",
        [("nash".to_string(), m)].into_iter().collect(),
    );
    let mut data = empty_data(&s);
    data.closed_forms = vec![(Model::Nash, Some(2.0))];
    data.zone = (2.0, 2.0);
    data.dance = vec![DanceTrial {
        trial: 0,
        rounds: vec![1],
        offers: vec![TracedOffer {
            round: 0,
            by: Side::Payee,
            amount: 2.0,
        }],
        outcome: Outcome {
            kind: OutcomeKind::Deal,
            amount: Some(2.0),
            round: 1,
            accepted_by: Some(Side::Payer),
        },
        payee_reservation: 2.0,
        payer_reservation: 2.0,
        reservations: vec![(2.0, 2.0)],
        events: Vec::new(),
    }];
    let (_keep, dir) = write_all("single", &data);
    assert!(read(&dir.join("amounts.svg")).contains("nash"));

    let entries = [IndexEntry {
        summary: &s,
        link: "point".to_string(),
    }];
    write_index(&dir, &entries).expect("index of a point");
}

#[test]
fn no_models_and_empty_index() {
    let s = summary("empty", "Nothing ran", "units", BTreeMap::new());
    write_all("empty", &empty_data(&s));
    let (_keep, dir) = out_dir("empty-index");
    write_index(&dir, &[]).expect("empty index");
    assert!(read(&dir.join("index.json")).contains("\"rows\": []"));
    assert!(read(&dir.join("distributions.svg")).contains("no scenarios"));
}

/// Heights (max y − min y, in SVG pixels) of the long polylines of an SVG (the model
/// outlines of the amounts histogram), in drawing order.
fn outline_heights(svg: &str) -> Vec<f64> {
    let doc = roxmltree::Document::parse(svg).expect("amounts.svg parses");
    doc.descendants()
        .filter(|n| n.has_tag_name("polyline"))
        .filter_map(|n| n.attribute("points"))
        .map(|pts| {
            pts.split_whitespace()
                .filter_map(|p| p.split_once(','))
                .filter_map(|(_, y)| y.parse::<f64>().ok())
                .collect::<Vec<f64>>()
        })
        .filter(|ys| ys.len() > 2 * BINS)
        .map(|ys| {
            let (lo, hi) = ys
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &y| {
                    (a.min(y), b.max(y))
                });
            hi - lo
        })
        .collect()
}

#[test]
fn histograms_scale_by_all_trials_by_default() {
    // The same shape under two models: one agrees in 5.6% of trials, one always.
    let models = [("agents", 0.056), ("nash", 1.0)]
        .iter()
        .map(|&(name, rate)| {
            let spec = Spec {
                name,
                trials: 10_000,
                rate,
                centre: 1.0,
                sd: 0.08,
                round_peak: 1.0,
                rounds: 3,
            };
            (name.to_string(), model_summary(&spec, 0.6, 1.4, None))
        })
        .collect();
    let s = summary("rare", "A rare deal beside a sure one", "units", models);
    let mut data = empty_data(&s);
    assert_eq!(data.histogram_scale, HistogramScale::AllTrials);
    let (_keep, dir) = write_all("scale-all", &data);
    let svg = read(&dir.join("amounts.svg"));
    assert!(svg.contains("share of all trials"), "y axis title");
    let h = outline_heights(&svg);
    assert_eq!(h.len(), 2, "one outline per model: {h:?}");
    let ratio = h[0] / h[1];
    assert!(
        (ratio - 0.056).abs() < 0.01,
        "agents (5.6% deals) drawn at {ratio:.3} of nash (100%)"
    );

    data.histogram_scale = HistogramScale::OwnDeals;
    let (_keep2, dir) = write_all("scale-deals", &data);
    let svg = read(&dir.join("amounts.svg"));
    assert!(
        svg.contains("share of the model&apos;s deals")
            || svg.contains("share of the model's deals")
    );
    let h = outline_heights(&svg);
    assert_eq!(h.len(), 2, "{h:?}");
    assert!(
        (h[0] / h[1] - 1.0).abs() < 0.05,
        "same shape, same height: {h:?}"
    );
}

#[test]
fn dance_shows_each_trials_own_reservations() {
    let summary = sma_summary();
    let data = sma_data(&summary, &[]);
    let (_keep, dir) = write_all("dance-reservations", &data);
    let svg = read(&dir.join("dance.svg"));
    for t in &data.dance {
        let line = format!(
            "at the start: payee {}, payer {}",
            trim(t.payee_reservation),
            trim(t.payer_reservation)
        );
        assert!(
            svg.contains(&line),
            "dance.svg lacks {line:?} (trial {})",
            t.trial
        );
    }
    assert!(svg.contains("effective reservations by round"));
}

/// A number as the plots print it at 3 significant digits (the test values have ≤ 3).
fn trim(x: f64) -> String {
    let s = format!("{x:.3}");
    let s = s.trim_end_matches('0');
    s.strip_suffix('.').unwrap_or(s).to_string()
}

#[test]
fn ridgeline_shows_rates_and_the_observed_amount() {
    let sma = sma_summary();
    let other = other_summary();
    let entries = vec![
        IndexEntry {
            summary: &sma,
            link: "sma-2019".to_string(),
        },
        IndexEntry {
            summary: &other,
            link: "japan-hns".to_string(),
        },
    ];
    let (_keep, dir) = out_dir("ridgeline");
    write_index(&dir, &entries).expect("index");
    let svg = read(&dir.join("distributions.svg"));
    let doc = roxmltree::Document::parse(&svg).expect("distributions.svg parses");
    let texts: Vec<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| {
            n.descendants()
                .filter(roxmltree::Node::is_text)
                .filter_map(|t| t.text())
                .collect::<String>()
                .trim()
                .to_string()
        })
        .collect();
    // Every row's agreement rate is written (78% for agents, 93% for nash of sma-2019).
    for (_, rate, ..) in SMA_MODELS {
        let label = format!("{:.1}%", rate * 100.0);
        assert!(texts.iter().any(|t| t == &label), "no rate label {label}");
    }
    assert!(texts.iter().any(|t| t == "agree"), "rate column heading");
    // The observed amount of sma-2019: one red line per row of that scenario (6 models).
    let observed_lines = doc
        .descendants()
        .filter(|n| n.has_tag_name("polyline") || n.has_tag_name("path"))
        .filter(|n| {
            n.attribute("stroke")
                .is_some_and(|c| c.eq_ignore_ascii_case("#C81E2D"))
        })
        .count();
    assert_eq!(observed_lines, SMA_MODELS.len(), "observed lines");
}

#[test]
fn report_lists_the_scenarios_assumptions() {
    let summary = sma_summary();
    let mut data = sma_data(&summary, &[]);
    let scenario = bargain_runner::scenario::Scenario::builtin_sma_2019();
    data.assumptions = bargain_runner::report::assumptions(
        &scenario,
        bargain_runner::scenario::Scenario::builtin_sma_2019_text(),
    );
    let (_keep, dir) = write_all("assumptions", &data);
    let html = read(&dir.join("report.html"));
    assert!(html.contains("<h2>Assumptions</h2>"));
    assert!(html.contains("United States: reservation"));
    assert!(html.contains("uniform 0.9602–1"));
    assert!(html.contains("uncertain (drawn per trial)") && html.contains(">fixed<"));
}
