//! End-to-end tests of `bargain sweep`: what theory guarantees along a sweep, the
//! `[sweep]` table's errors, and the files written.
//!
//! Why these properties must hold (with common random numbers, every variant's trial
//! `i` draws the same inputs, so each statement holds trial by trial, hence for counts
//! and quantiles):
//! - Nash, Rubinstein and Ståhl amounts are functions of the zone of agreement (the two
//!   reservations) and of discounts/powers, never of openings; Kalai–Smorodinsky uses an
//!   opening only when it lies inside the zone. A sweep of an opening outside the zone
//!   leaves all four unchanged.
//! - The Nash amount with equal powers is the midpoint of the zone: it rises strictly
//!   with the payee's reservation.
//! - Against a hardliner payee demanding `o`, a Faratin payer (its offers follow its own
//!   clock from its opening to its reservation, whatever the other side does) accepts `o`
//!   at the first move where its next offer would be at least `o`, and the hardliner
//!   accepts only offers of at least `o`, which that payer makes only after it would have
//!   accepted `o`. So every deal is at `o` (the median rises with `o`), and a higher `o`
//!   can only delay the deal, so with the same breakdown draws the set of trials with a
//!   deal shrinks (the agreement rate is non-increasing). (A NegMAS time-based payer is
//!   no use here: it concedes between the two openings and never quite reaches the
//!   other's opening before the deadline, so it never meets a hardliner.)
//! - Nothing is asserted for two conceding agents: a higher opening raises every offer of
//!   that side but also moves the round of the deal, and the deal can then fall on the
//!   other side's earlier, lower offer; the median is not guaranteed to be monotone.

use crate::common;
use common::{bargain, ok, write};

use std::path::Path;

use serde_json::Value;

fn sweep_json(dir: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("sweep.json")).expect("sweep.json"))
        .expect("json")
}

/// `(value, stats)` of one model along a one-field sweep.
fn series<'a>(v: &'a Value, model: &str) -> Vec<(f64, &'a Value)> {
    v["points"]
        .as_array()
        .expect("points")
        .iter()
        .map(|p| (p["at"][0].as_f64().expect("at"), &p["models"][model]))
        .collect()
}

const BASE: &str = r#"
[scenario]
name = "toy"
unit = "trillion KRW"
[run]
trials = 2000
seed = 5
models = ["nash", "rubinstein", "stahl", "kalai-smorodinsky", "agents"]
[protocol]
max_rounds = 8
first_mover = "us"
breakdown_risk = { uniform = [0.0, 0.05] }
[parties.us]
side = "payee"
opening = { uniform = [1.5, 1.7] }
reservation = { uniform = [0.9, 1.1] }
discount = { uniform = [0.9, 0.99] }
strategy = { kind = "time-based", preset = { choice = ["boulware", "linear", "conceder"] } }
[parties.kr]
side = "payer"
opening = { uniform = [0.8, 0.9] }
reservation = { uniform = [1.2, 1.4] }
discount = { uniform = [0.9, 0.99] }
strategy = { kind = "time-based", preset = { choice = ["boulware", "linear", "conceder"] } }
"#;

#[test]
fn closed_forms_ignore_openings_outside_the_zone() {
    let tmp = tempfile::tempdir().expect("tmp");
    let file = write(tmp.path(), "toy.toml", BASE);
    let out = tmp.path().join("out");
    ok(&[
        "sweep",
        file.to_str().expect("utf8"),
        "--sweep",
        "parties.us.opening=1.5:3.0:4",
        "--out",
        out.to_str().expect("utf8"),
        "-q",
    ]);
    let v = sweep_json(&out);
    assert_eq!(v["format"], "bargain-sweep");
    assert_eq!(v["axes"][0]["values"].as_array().map(Vec::len), Some(4));
    for model in ["nash", "rubinstein", "stahl", "kalai-smorodinsky"] {
        let s = series(&v, model);
        let (_, first) = s[0];
        for (x, m) in &s[1..] {
            assert_eq!(m["deals"], first["deals"], "{model} at {x}");
            let (a, b) = (
                m["mean"].as_f64().expect("mean"),
                first["mean"].as_f64().expect("mean"),
            );
            assert!(
                (a - b).abs() < 1e-9,
                "{model} mean moved at opening {x}: {a} vs {b}"
            );
        }
    }
    // The agents do respond to the US opening: their distribution changes.
    let agents = series(&v, "agents");
    assert!(
        agents.iter().any(|(_, m)| m["mean"] != agents[0].1["mean"]),
        "the agents' outcome should depend on the US opening"
    );
}

#[test]
fn nash_amount_rises_with_the_payee_reservation() {
    let tmp = tempfile::tempdir().expect("tmp");
    let text = format!("{BASE}\n[sweep]\nparties.us.reservation = [0.9, 0.95, 1.0, 1.05, 1.1]\n");
    let file = write(tmp.path(), "toy.toml", &text);
    let out = tmp.path().join("out");
    ok(&[
        "sweep",
        file.to_str().expect("utf8"),
        "--out",
        out.to_str().expect("utf8"),
        "-q",
    ]);
    let v = sweep_json(&out);
    let s = series(&v, "nash");
    assert_eq!(s.len(), 5);
    for w in s.windows(2) {
        let (a, b) = (
            w[0].1["p50"].as_f64().expect("p50"),
            w[1].1["p50"].as_f64().expect("p50"),
        );
        // Midpoint of the zone: +0.025 per step of 0.05, far above one histogram bin.
        assert!(
            b > a + 0.02,
            "nash median {a} -> {b} from {} to {}",
            w[0].0,
            w[1].0
        );
        assert_eq!(w[1].1["agreement_rate"], 1.0);
    }
    for name in [
        "sweep.json",
        "sweep.csv",
        "sweep.html",
        "sweep.svg",
        "sweep.png",
        "scenario.toml",
    ] {
        assert!(out.join(name).is_file(), "{name} missing");
    }
    let png = image::open(out.join("sweep.png")).expect("decode sweep.png");
    assert!(png.width() >= 2000);
    let svg = std::fs::read_to_string(out.join("sweep.svg")).expect("svg");
    assert!(svg.contains("agreed amount (") && svg.contains("agreement"));
    assert!(
        svg.contains("parties.us.reservation ("),
        "x axis title with its unit"
    );
    let csv = std::fs::read_to_string(out.join("sweep.csv")).expect("csv");
    assert!(csv.starts_with("parties.us.reservation,model,trials,deals,agreement_rate"));
    assert_eq!(csv.lines().count(), 1 + 5 * 5);
}

const HARDLINER: &str = r#"
[scenario]
name = "hard"
[run]
trials = 2000
seed = 9
models = ["agents"]
[protocol]
max_rounds = 10
first_mover = "us"
breakdown_risk = 0.02
[parties.us]
side = "payee"
opening = 1.3
reservation = 1.0
strategy = { kind = "hardliner" }
[parties.kr]
side = "payer"
opening = 0.9
reservation = { uniform = [1.1, 1.6] }
strategy = { kind = "faratin", preset = { choice = ["boulware", "linear", "conceder"] } }
"#;

#[test]
fn against_a_hardliner_the_deal_is_its_demand_and_rarer_as_it_rises() {
    let tmp = tempfile::tempdir().expect("tmp");
    let file = write(tmp.path(), "hard.toml", HARDLINER);
    let out = tmp.path().join("out");
    ok(&[
        "sweep",
        file.to_str().expect("utf8"),
        "--sweep",
        "parties.us.opening=1.1:1.5:5",
        "--out",
        out.to_str().expect("utf8"),
        "-q",
    ]);
    let v = sweep_json(&out);
    let s = series(&v, "agents");
    let mut last_deals = u64::MAX;
    let mut last_median = f64::NEG_INFINITY;
    for (o, m) in s {
        let deals = m["deals"].as_u64().expect("deals");
        assert!(
            deals > 0 && deals <= last_deals,
            "deals {deals} after {last_deals} at {o}"
        );
        let median = m["p50"].as_f64().expect("p50");
        assert!((median - o).abs() < 0.005, "median {median} vs demand {o}");
        assert!(median >= last_median - 1e-9);
        last_deals = deals;
        last_median = median;
    }
    assert!(
        last_deals < s_first_deals(&v),
        "a higher demand should lose some deals"
    );
}

fn s_first_deals(v: &Value) -> u64 {
    v["points"][0]["models"]["agents"]["deals"]
        .as_u64()
        .expect("deals")
}

#[test]
fn two_field_sweep_draws_heat_maps() {
    let tmp = tempfile::tempdir().expect("tmp");
    let text = format!(
        "{BASE}\n[sweep]\nparties.us.opening = {{ from = 1.5, to = 2.0, steps = 3 }}\n\"parties.kr.reservation\" = [1.2, 1.3]\n"
    );
    let file = write(tmp.path(), "toy.toml", &text);
    let out = tmp.path().join("out");
    ok(&[
        "sweep",
        file.to_str().expect("utf8"),
        "--trials",
        "500",
        "--out",
        out.to_str().expect("utf8"),
        "-q",
    ]);
    let v = sweep_json(&out);
    assert_eq!(v["points"].as_array().map(Vec::len), Some(6));
    assert_eq!(v["trials"], 500);
    for stem in ["sweep-median", "sweep-agreement"] {
        let png = image::open(out.join(format!("{stem}.png"))).expect("decode heat map");
        assert!(png.width() >= 2000);
        let svg = std::fs::read_to_string(out.join(format!("{stem}.svg"))).expect("heat map svg");
        assert!(svg.contains("parties.us.opening (") && svg.contains("parties.kr.reservation ("));
    }
    let html = std::fs::read_to_string(out.join("sweep.html")).expect("html");
    assert!(html.contains("<svg") && html.contains("parties.kr.reservation"));
}

#[test]
fn sweep_errors_name_the_line_and_suggest_the_field() {
    let tmp = tempfile::tempdir().expect("tmp");
    let text = format!("{BASE}\n[sweep]\nparties.us.openng = [1.2, 1.4]\n");
    let file = write(tmp.path(), "toy.toml", &text);
    let out = bargain(&["sweep", file.to_str().expect("utf8")]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    let line = text
        .lines()
        .position(|l| l.starts_with("parties.us.openng"))
        .expect("line")
        + 1;
    assert!(
        err.contains(&format!(":{line}:"))
            && err.contains(
                "sweep.parties.us.openng: unknown field path (did you mean parties.us.opening?)"
            ),
        "{err}"
    );
    // `bargain validate` reports it too.
    assert_eq!(
        bargain(&["validate", file.to_str().expect("utf8")])
            .status
            .code(),
        Some(2)
    );

    // A value the field cannot take.
    let text = format!("{BASE}\n[sweep]\nparties.us.discount = [0.9, 1.5]\n");
    let file = write(tmp.path(), "toy2.toml", &text);
    let out = bargain(&["sweep", file.to_str().expect("utf8")]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("sweep.parties.us.discount: the value 1.5 makes the scenario invalid"),
        "{err}"
    );

    // Command-line sweeps: bad path, bad values, none at all.
    let file = write(tmp.path(), "toy3.toml", BASE);
    let f = file.to_str().expect("utf8");
    let out = bargain(&["sweep", f, "--sweep", "parties.us.reservaton=1,2"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean parties.us.reservation?"));
    let out = bargain(&["sweep", f, "--sweep", "parties.us.reservation=1:2"]);
    assert_eq!(out.status.code(), Some(2));
    let out = bargain(&["sweep", f]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing to sweep"));
}

#[test]
fn run_ignores_the_sweep_table() {
    let tmp = tempfile::tempdir().expect("tmp");
    let text = format!("{BASE}\n[sweep]\nparties.us.reservation = [0.9, 1.0]\n");
    let file = write(tmp.path(), "toy.toml", &text);
    let out = tmp.path().join("run");
    ok(&[
        "run",
        file.to_str().expect("utf8"),
        "--trials",
        "200",
        "--out",
        out.to_str().expect("utf8"),
        "-q",
    ]);
    assert!(out.join("summary.json").is_file());
}

fn sma_2019() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/sma-2019.toml")
}

/// A variant that fixes an uncertain field still consumes that field's draws, so trial
/// `t` of the variant draws every other input exactly as trial `t` of the base run does
/// (common random numbers in the strict sense), under both samplers.
#[test]
fn variants_share_the_base_runs_random_streams() {
    use bargain_runner::scenario::{SampleCtx, Scenario};
    let text = std::fs::read_to_string(sma_2019()).expect("read");
    for sampler in ["monte-carlo", "latin-hypercube"] {
        let text = text.replace(
            "sampler = \"monte-carlo\"",
            &format!("sampler = \"{sampler}\""),
        );
        let base = Scenario::parse(&text, "sma-2019.toml").expect("parse");
        let names = base.input_names();
        for (path, value) in [
            ("parties.kr.reservation", 1.05),
            ("protocol.breakdown_risk", 0.01),
            ("calendar.round_months", 1.0),
        ] {
            let variant = base.with_overrides(&[(path, value)]).expect("variant");
            assert_eq!(
                variant.input_names(),
                names,
                "{path}: inputs keep their places"
            );
            let swept = names.iter().position(|n| n == path).expect("input");
            for t in [0_u64, 1, 17, 999] {
                let ctx = SampleCtx {
                    trial: t,
                    trials: 1000,
                    seed: 5,
                };
                let (mut a, mut b) = (vec![0.0; names.len()], vec![0.0; names.len()]);
                let _ = base.sample(ctx, &mut a);
                let _ = variant.sample(ctx, &mut b);
                for j in 0..names.len() {
                    if j == swept {
                        assert_eq!(b[j], value, "{path}");
                    } else {
                        assert_eq!(
                            a[j].to_bits(),
                            b[j].to_bits(),
                            "{sampler} {path} trial {t}: {} moved",
                            names[j]
                        );
                    }
                }
            }
        }
    }
}

/// A sweep point at the base scenario's own value reproduces `bargain run` exactly.
#[test]
fn the_base_point_of_a_sweep_equals_run() {
    let tmp = tempfile::tempdir().expect("tmp");
    let f = sma_2019();
    let f = f.to_str().expect("p");
    let run_out = tmp.path().join("run");
    ok(&[
        "run",
        f,
        "--trials",
        "3000",
        "-q",
        "--out",
        run_out.to_str().expect("p"),
    ]);
    let sweep_out = tmp.path().join("sweep");
    ok(&[
        "sweep",
        f,
        "--sweep",
        "parties.us.power=0.5,1.0",
        "--trials",
        "3000",
        "-q",
        "--out",
        sweep_out.to_str().expect("p"),
    ]);
    let summary: Value = serde_json::from_str(
        &std::fs::read_to_string(run_out.join("summary.json")).expect("summary"),
    )
    .expect("json");
    let v = sweep_json(&sweep_out);
    let base = v["points"]
        .as_array()
        .expect("points")
        .iter()
        .find(|p| p["at"][0] == 1.0)
        .expect("the base point");
    for (name, m) in base["models"].as_object().expect("models") {
        let s = &summary["models"][name];
        assert_eq!(m["deals"], s["outcomes"]["deal"], "{name}");
        assert_eq!(m["agreement_rate"], s["agreement_rate"], "{name}");
    }
}

/// Sweeping a negotiator type (`strategy.preset`, by preset name) keeps the base run's
/// streams: every other input of trial `t` is drawn exactly as in the base run, the
/// swept party negotiates with the named preset, and the drawn value reads as its name.
#[test]
fn a_negotiator_type_sweep_sets_the_preset_on_the_base_streams() {
    use bargain_core::{Preset, StrategySpec};
    use bargain_runner::scenario::{SampleCtx, Scenario};
    let text = std::fs::read_to_string(sma_2019()).expect("read");
    let base = Scenario::parse(&text, "sma-2019.toml").expect("parse");
    let path = "parties.kr.strategy.preset";
    let axis = base.sweep_axis(path, "conceder, boulware").expect("axis");
    assert_eq!(axis.labels, ["conceder", "boulware"]);
    let names = base.input_names();
    let swept = names.iter().position(|n| n == path).expect("input");
    for (&value, preset) in axis.values.iter().zip([Preset::Conceder, Preset::Boulware]) {
        let variant = base.with_overrides(&[(path, value)]).expect("variant");
        assert_eq!(variant.input_names(), names);
        for t in [0_u64, 3, 17, 999] {
            let ctx = SampleCtx {
                trial: t,
                trials: 1000,
                seed: 5,
            };
            let (mut a, mut b) = (vec![0.0; names.len()], vec![0.0; names.len()]);
            let _ = base.sample(ctx, &mut a);
            let n = variant.sample(ctx, &mut b);
            match n.payer.strategy {
                StrategySpec::TimeBased { exponent, .. } => {
                    assert_eq!(exponent, preset.time_based_exponent(), "trial {t}");
                }
                ref other => panic!("kr is time-based, found {other:?}"),
            }
            assert_eq!(
                variant.input_value(swept, b[swept]),
                axis.labels[usize::from(value != 2.0)]
            );
            for j in (0..names.len()).filter(|&j| j != swept) {
                assert_eq!(
                    a[j].to_bits(),
                    b[j].to_bits(),
                    "trial {t}: {} moved",
                    names[j]
                );
            }
        }
    }
    let err = base
        .sweep_axis(path, "boulware,stubborn")
        .expect_err("bad name");
    assert!(
        err.contains("expected a preset name") && err.contains("stubborn"),
        "{err}"
    );
    let err = base
        .sweep_axis("parties.kr.strategy.presets", "boulware")
        .expect_err("bad path");
    assert!(
        err.contains("did you mean parties.kr.strategy.preset"),
        "{err}"
    );
}

/// A negotiator-type sweep end to end, from `[sweep]` with preset names: a point at the
/// file's own fixed preset equals `bargain run`, the JSON carries the names, the CSV and
/// the terminal print them; a bad name in `--sweep` is a usage error.
#[test]
fn negotiator_types_sweep_from_the_file_and_the_command_line() {
    let tmp = tempfile::tempdir().expect("tmp");
    // The nowcast: its US types are weighted, so only Korea's choice matches below.
    let nowcast = sma_2019().with_file_name("nowcast/sma-2019-nowcast.toml");
    let text = std::fs::read_to_string(nowcast).expect("read").replace(
        r#"preset = { choice = ["boulware", "linear", "conceder"] }"#,
        r#"preset = "boulware""#,
    );
    // Korea's (the payer's) negotiator type is fixed; the US keeps its choice.
    assert_eq!(text.matches(r#"preset = "boulware""#).count(), 1);
    let fixed = write(tmp.path(), "fixed.toml", &text);
    let swept = write(
        tmp.path(),
        "swept.toml",
        &format!("{text}\n[sweep]\n\"parties.kr.strategy.preset\" = [\"linear\", \"boulware\"]\n"),
    );
    let p = |x: &Path| x.to_str().expect("p").to_owned();
    let run_out = tmp.path().join("run");
    ok(&[
        "run",
        &p(&fixed),
        "--trials",
        "2000",
        "-q",
        "--out",
        &p(&run_out),
    ]);
    let sweep_out = tmp.path().join("sweep");
    let out = ok(&[
        "sweep",
        &p(&swept),
        "--trials",
        "2000",
        "--out",
        &p(&sweep_out),
    ]);
    let terminal = String::from_utf8_lossy(&out.stdout);
    assert!(
        terminal.contains("linear") && terminal.contains("boulware"),
        "{terminal}"
    );
    let v = sweep_json(&sweep_out);
    assert_eq!(
        v["axes"][0]["labels"],
        serde_json::json!(["linear", "boulware"])
    );
    let summary: Value = serde_json::from_str(
        &std::fs::read_to_string(run_out.join("summary.json")).expect("summary"),
    )
    .expect("json");
    let at_base = &v["points"][1];
    for m in ["agents", "nash"] {
        let (s, b) = (&summary["models"][m], &at_base["models"][m]);
        assert_eq!(s["agreement_rate"], b["agreement_rate"], "{m}");
        assert_eq!(s["amount"]["quantiles"]["p50"], b["p50"], "{m}");
    }
    assert_ne!(
        v["points"][0]["models"]["agents"]["agreement_rate"],
        at_base["models"]["agents"]["agreement_rate"],
        "the negotiator type matters to the agents"
    );
    // The fan chart's x ticks are the preset names.
    let svg = std::fs::read_to_string(sweep_out.join("sweep.svg")).expect("svg");
    assert!(
        svg.contains("\nlinear\n") && svg.contains("\nboulware\n"),
        "named ticks"
    );
    let csv = std::fs::read_to_string(sweep_out.join("sweep.csv")).expect("csv");
    assert!(
        csv.lines().nth(1).is_some_and(|l| l.starts_with("linear,")),
        "{csv}"
    );
    let bad = bargain(&[
        "sweep",
        &p(&fixed),
        "--sweep",
        "parties.kr.strategy.preset=boulware,stubborn",
        "--trials",
        "100",
        "-q",
        "--out",
        &p(&tmp.path().join("bad")),
    ]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("stubborn"));
    assert!(!tmp.path().join("bad").exists());
    let bad_file = write(
        tmp.path(),
        "bad.toml",
        &format!("{text}\n[sweep]\n\"parties.kr.strategy.preset\" = [\"linear\", 2]\n"),
    );
    let written = std::fs::read_to_string(&bad_file).expect("read");
    let line = 1 + written
        .lines()
        .position(|l| l.contains("[\"linear\", 2]"))
        .expect("the line");
    let v = bargain(&["validate", &p(&bad_file)]);
    assert_eq!(v.status.code(), Some(2));
    let err = String::from_utf8_lossy(&v.stderr);
    assert!(
        err.contains(&format!("bad.toml:{line}:"))
            && err.contains("sweep.parties.kr.strategy.preset")
            && err.contains("expected a preset name at [1]"),
        "{err}"
    );
}
