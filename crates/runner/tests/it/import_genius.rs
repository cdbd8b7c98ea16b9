//! `bargain import genius`: GENIUS XML → package scenario. The scenario written from the
//! test domain parses, and its `nash`, `kalai-smorodinsky` and `max-welfare` agreements
//! (core's package solutions on the sampled domain) equal a brute-force enumeration from
//! the numbers of the XML files, written out here independently of the importer.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::path::{Path, PathBuf};

use bargain_core::package::preferences::UtilityTable;
use bargain_core::package::solutions::{ParetoFrontier, Solution};
use bargain_runner::scenario::SampleCtx;
use bargain_runner::scenario::issues::{PackageModel, PackageScenario};
use common::bargain;

fn data(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/genius")
        .join(name)
        .display()
        .to_string()
}

const QUOTA: [&str; 4] = ["low", "mid", "high", "max"];
const TARIFF: [&str; 3] = ["0%", "5%", "10%"];
const DISPUTE: [&str; 2] = ["WTO panel", "bilateral"];

/// One party as written in its XML profile: weights, raw evaluations, reservation.
struct Raw {
    w: [f64; 3],
    quota: [f64; 4],
    tariff: [f64; 3],
    dispute: [f64; 2],
    r: f64,
}

const EXPORTER: Raw = Raw {
    w: [0.4, 0.35, 0.25],
    quota: [1.0, 3.0, 6.0, 10.0],
    tariff: [8.0, 5.0, 2.0],
    dispute: [4.0, 1.0],
    r: 0.25,
};
const IMPORTER: Raw = Raw {
    w: [0.45, 0.3, 0.25],
    quota: [9.0, 7.0, 3.0, 1.0],
    tariff: [1.0, 4.0, 10.0],
    dispute: [2.0, 5.0],
    r: 0.3,
};

impl Raw {
    /// GENIUS's additive utility: weight × evaluation / the issue's largest evaluation.
    fn u(&self, q: usize, t: usize, d: usize) -> f64 {
        let max = |xs: &[f64]| xs.iter().copied().fold(0.0, f64::max);
        self.w[0] * self.quota[q] / max(&self.quota)
            + self.w[1] * self.tariff[t] / max(&self.tariff)
            + self.w[2] * self.dispute[d] / max(&self.dispute)
    }
}

/// Every package as labels with both utilities.
fn enumerate() -> Vec<([&'static str; 3], f64, f64)> {
    let mut out = Vec::new();
    for (q, ql) in QUOTA.iter().enumerate() {
        for (t, tl) in TARIFF.iter().enumerate() {
            for (d, dl) in DISPUTE.iter().enumerate() {
                out.push(([*ql, *tl, *dl], EXPORTER.u(q, t, d), IMPORTER.u(q, t, d)));
            }
        }
    }
    out
}

/// The rational package maximizing `score` (lexicographic), which must be unique.
fn brute(score: impl Fn(f64, f64) -> (f64, f64)) -> [&'static str; 3] {
    let mut scored: Vec<_> = enumerate()
        .into_iter()
        .filter(|(_, a, b)| *a >= EXPORTER.r && *b >= IMPORTER.r)
        .map(|(l, a, b)| (score(a, b), l))
        .collect();
    scored.sort_by(|x, y| y.0.0.total_cmp(&x.0.0).then(y.0.1.total_cmp(&x.0.1)));
    assert!(scored.len() >= 2);
    let (best, second) = (scored[0].0, scored[1].0);
    assert!(
        best.0 > second.0 + 1e-9 || (best.0 == second.0 && best.1 > second.1 + 1e-9),
        "the test domain must have a unique optimum"
    );
    scored[0].1
}

fn labels(s: &PackageScenario, sol: Option<Solution>) -> [String; 3] {
    let o = sol.expect("an agreement").outcome;
    [0, 1, 2].map(|j| s.space().value(o, j).to_string())
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "bargain-import-genius-{}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn imported_scenario_has_the_brute_force_solutions() {
    let dir = tmp("ok");
    let out = dir.join("trade.toml");
    let (d, a, b) = (
        data("trade_domain.xml"),
        data("trade_exporter.xml"),
        data("trade_importer.xml"),
    );
    let o = out.display().to_string();
    let run = bargain(&[
        "import", "genius", &d, &a, &b, "--out", &o, "--rounds", "50",
    ]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    assert!(
        stderr.contains("discount factor 0.9 imported as `discount`"),
        "{stderr}"
    );
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.contains("\nmax_rounds = 50\n"), "{text}");
    assert_eq!(
        text.matches("strategy = { kind = \"time-based\", preset = \"boulware\" }\n")
            .count(),
        2
    );

    let s = PackageScenario::from_path(&out).unwrap();
    assert_eq!(s.party_keys, ["a".to_owned(), "b".to_owned()]);
    let keys: Vec<&str> = s.space().issues().iter().map(|i| i.key.as_str()).collect();
    assert_eq!(keys, ["quota", "tariff-rate", "dispute-resolution"]);
    assert_eq!(s.space().len(), 24);
    // Every package model but those that split an `amount` issue (GENIUS has none).
    assert_eq!(
        s.run.models,
        [
            PackageModel::Agents,
            PackageModel::Nash,
            PackageModel::KalaiSmorodinsky,
            PackageModel::MaxWelfare
        ]
    );
    let (t, _) = s.draw_trial(
        SampleCtx {
            trial: 0,
            trials: 1,
            seed: 0,
        },
        &mut [],
    );
    assert_eq!(t, s.central());
    assert_eq!(t.max_rounds, 50);
    let [pa, pb] = &t.parties;
    assert_eq!(pa.preferences.discount, 0.9);
    assert_eq!(pb.preferences.discount, 1.0);
    assert_eq!(
        (pa.preferences.reservation, pb.preferences.reservation),
        (0.25, 0.3)
    );

    let ua = UtilityTable::new(s.space(), &pa.preferences)
        .unwrap()
        .all(s.space());
    let ub = UtilityTable::new(s.space(), &pb.preferences)
        .unwrap()
        .all(s.space());
    // The imported utilities are GENIUS's, package by package.
    for (o, (l, a, b)) in enumerate().into_iter().enumerate() {
        let got = [0, 1, 2].map(|j| s.space().value(o as u32, j).to_string());
        assert_eq!(got, l.map(str::to_owned));
        assert!((ua[o] - a).abs() < 1e-12 && (ub[o] - b).abs() < 1e-12);
    }
    let f = ParetoFrontier::new(&ua, &ub);
    let (ra, rb) = (EXPORTER.r, IMPORTER.r);
    let nash = brute(|a, b| ((a - ra) * (b - rb), 0.0));
    let ia = enumerate()
        .iter()
        .filter(|x| x.1 >= ra && x.2 >= rb)
        .map(|x| x.1)
        .fold(0.0, f64::max);
    let ib = enumerate()
        .iter()
        .filter(|x| x.1 >= ra && x.2 >= rb)
        .map(|x| x.2)
        .fold(0.0, f64::max);
    let ks = brute(|a, b| {
        let (x, y) = ((a - ra) / (ia - ra), (b - rb) / (ib - rb));
        (x.min(y), x + y)
    });
    let welfare = brute(|a, b| (a + b, 0.0));
    assert_eq!(
        labels(&s, f.nash(ra, rb, pa.power, pb.power)),
        nash.map(str::to_owned)
    );
    assert_eq!(
        labels(&s, f.kalai_smorodinsky(ra, rb)),
        ks.map(str::to_owned)
    );
    assert_eq!(
        labels(&s, f.max_welfare(ra, rb)),
        welfare.map(str::to_owned)
    );
    // The domain separates the three solutions (none is a shared corner).
    assert_eq!(nash, ["low", "0%", "WTO panel"]);
    assert_eq!(ks, ["mid", "0%", "bilateral"]);
    assert_eq!(welfare, ["low", "10%", "WTO panel"]);

    // Never replaced: the same --out again is refused (exit 2), the file unchanged.
    let again = bargain(&["import", "genius", &d, &a, &b, "--out", &o]);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists"));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), text);
    // Without --out the scenario goes to stdout (default 100 rounds).
    let stdout = bargain(&["import", "genius", &d, &a, &b]);
    assert!(stdout.status.success());
    let printed = String::from_utf8(stdout.stdout).unwrap();
    assert_eq!(printed, text.replace("max_rounds = 50", "max_rounds = 100"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// `bargain import genius` with `profile_b` replaced by `text`: exit code and stderr;
/// `--out` must not be created.
fn import_bad_b(name: &str, text: &str) -> (Option<i32>, String) {
    let dir = tmp(name);
    let bad = common::write(&dir, name, text);
    let out = dir.join("out.toml");
    let run = bargain(&[
        "import",
        "genius",
        &data("trade_domain.xml"),
        &data("trade_exporter.xml"),
        &bad.display().to_string(),
        "--out",
        &out.display().to_string(),
    ]);
    assert!(!out.exists(), "nothing is written on error");
    let _ = std::fs::remove_dir_all(&dir);
    (
        run.status.code(),
        String::from_utf8_lossy(&run.stderr).into_owned(),
    )
}

#[test]
fn bad_xml_is_a_located_error_with_exit_code_2() {
    let good = std::fs::read_to_string(data("trade_importer.xml")).unwrap();
    // Line 6: an attribute value without quotes.
    let broken = good.replace(
        "value=\"low\" evaluation=\"9\"",
        "value=\"low\" evaluation=9",
    );
    let (code, err) = import_bad_b("broken.xml", &broken);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("broken.xml:6:"), "{err}");
    assert!(err.contains("invalid XML"), "{err}");

    // Well-formed, but a weight is missing: located at the profile's issue.
    let no_weight = good.replace("\t<weight index=\"2\" value=\"0.3\"/>\n", "");
    let (code, err) = import_bad_b("no-weight.xml", &no_weight);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("no-weight.xml:11:2: (file): expected a <weight index=\"2\" value=…> for issue `Tariff rate`, found none"),
        "{err}"
    );

    // An evaluation that is not a number.
    let nan = good.replace("evaluation=\"7\"", "evaluation=\"seven\"");
    let (code, err) = import_bad_b("nan.xml", &nan);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains(
            "nan.xml:7:3: (file): expected a finite number in `evaluation`, found \"seven\""
        ),
        "{err}"
    );
}

#[test]
fn non_discrete_issues_are_refused_where_they_are() {
    let dir = tmp("integer");
    let domain = std::fs::read_to_string(data("trade_domain.xml"))
        .unwrap()
        .replace(
            "etype=\"discrete\" type=\"discrete\" vtype=\"discrete\" name=\"Tariff rate\"",
            "etype=\"integer\" type=\"integer\" vtype=\"integer\" name=\"Tariff rate\" lowerbound=\"0\" upperbound=\"10\"",
        );
    let d = common::write(&dir, "int_domain.xml", &domain);
    let run = bargain(&[
        "import",
        "genius",
        &d.display().to_string(),
        &data("trade_exporter.xml"),
        &data("trade_importer.xml"),
    ]);
    let err = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{err}");
    assert!(
        err.contains("int_domain.xml:12:2: (file): expected a discrete issue"),
        "{err}"
    );
    assert!(run.stdout.is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}
