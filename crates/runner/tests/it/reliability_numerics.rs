//! Numerical robustness at the scenario level.
//!
//! A property test generates valid scenario files over the whole parameter space (every
//! distribution family on every numeric field, every strategy kind, optional grid,
//! ratification and outside options, both samplers, units from 1e-9 to 1e12), runs a
//! small ensemble through the library, and checks: no panic, no NaN or infinity in the
//! summary, and, replaying a few trials, every deal within both effective reservations.
//! Extreme but valid inputs then run through the `bargain` binary, which must write a
//! sensible report (plots included).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fmt::Write as _;
use std::process::Command;
use std::sync::atomic::AtomicBool;

use bargain_core::{Model, OutcomeKind};
use bargain_runner::ensemble::{self, Shard};
use bargain_runner::pipeline::{self, Loaded, Overrides};
use bargain_runner::scenario::Scenario;
use bargain_runner::summary::Summary;
use proptest::prelude::*;
use serde_json::Value;

/// A TOML float that reads back exactly.
fn num(x: f64) -> String {
    format!("{x:?}")
}

/// A number or distribution for an amount centred at `c` spreading at most `w` either side.
fn amount(c: f64, w: f64) -> BoxedStrategy<String> {
    let (lo, hi) = (c - w, c + w);
    prop_oneof![
        Just(num(c)),
        Just(format!("{{ uniform = [{}, {}] }}", num(lo), num(hi))),
        (0.05f64..1.0).prop_map(move |k| format!(
            "{{ normal = [{}, {}], within = [{}, {}] }}",
            num(c),
            num(w * k),
            num(lo),
            num(hi)
        )),
        (-0.9f64..0.9).prop_map(move |m| format!(
            "{{ triangular = [{}, {}, {}] }}",
            num(lo),
            num(c + m * w),
            num(hi)
        )),
        (0.3f64..8.0, 0.3f64..8.0).prop_map(move |(a, b)| format!(
            "{{ beta = [{}, {}], within = [{}, {}] }}",
            num(a),
            num(b),
            num(lo),
            num(hi)
        )),
        (0.0f64..3.0, 0.01f64..3.0).prop_map(move |(w1, w2)| format!(
            "{{ choice = [{}, {}, {}], weights = [{}, {}, 1.0] }}",
            num(lo),
            num(c),
            num(hi),
            num(w1),
            num(w2)
        )),
        (0.01f64..0.5).prop_map(move |s| if c > 0.0 && lo > 0.0 {
            format!(
                "{{ lognormal = [{}, {}], within = [{}, {}] }}",
                num(c.ln()),
                num(s),
                num(lo),
                num(hi)
            )
        } else {
            num(c)
        }),
    ]
    .boxed()
}

/// A number or distribution inside `[lo, hi]` (a bounded parameter such as a discount).
fn bounded(lo: f64, hi: f64) -> BoxedStrategy<String> {
    let mid = (lo + hi) / 2.0;
    prop_oneof![
        (lo..=hi).prop_map(num),
        Just(format!("{{ uniform = [{}, {}] }}", num(lo), num(hi))),
        (0.5f64..5.0, 0.5f64..5.0).prop_map(move |(a, b)| format!(
            "{{ beta = [{}, {}], within = [{}, {}] }}",
            num(a),
            num(b),
            num(lo),
            num(hi)
        )),
        Just(format!(
            "{{ triangular = [{}, {}, {}] }}",
            num(lo),
            num(mid),
            num(hi)
        )),
        Just(format!(
            "{{ normal = [{}, {}], within = [{}, {}] }}",
            num(mid),
            num((hi - lo) / 4.0),
            num(lo),
            num(hi)
        )),
        Just(format!("{{ choice = [{}, {}] }}", num(lo), num(hi))),
    ]
    .boxed()
}

fn strategy() -> BoxedStrategy<String> {
    let preset = prop_oneof![
        Just("\"boulware\"".to_owned()),
        Just("\"linear\"".to_owned()),
        Just("\"conceder\"".to_owned()),
        Just(
            "{ choice = [\"boulware\", \"linear\", \"conceder\"], weights = [1, 0, 2] }".to_owned()
        ),
    ];
    prop_oneof![
        preset
            .clone()
            .prop_map(|p| format!("{{ kind = \"time-based\", preset = {p} }}")),
        (bounded(0.1, 10.0), bounded(0.5, 1.0), bounded(0.0, 0.1)).prop_map(|(e, m, eps)| {
            format!(
                "{{ kind = \"time-based\", exponent = {e}, max_aspiration = {m}, eps = {eps} }}"
            )
        }),
        (preset, bounded(0.0, 1.0), any::<bool>()).prop_map(|(p, k, exp)| format!(
            "{{ kind = \"faratin\", preset = {p}, kappa = {k}, family = \"{}\" }}",
            if exp { "exponential" } else { "polynomial" }
        )),
        bounded(0.05, 20.0).prop_map(|b| format!("{{ kind = \"faratin\", beta = {b} }}")),
        Just("{ kind = \"tit-for-tat\" }".to_owned()),
        Just("{ kind = \"hardliner\" }".to_owned()),
    ]
    .boxed()
}

/// A valid scenario at `scale` (the unit), with the payee's and payer's reservation
/// centres and the half-width of every spread as fractions of the scale.
fn scenario_text() -> impl Strategy<Value = String> {
    let scale = prop_oneof![
        Just(1e-9),
        Just(1e-3),
        Just(1.0),
        Just(1e3),
        Just(1e6),
        Just(1e12)
    ];
    (scale, 0.8f64..1.2, 0.8f64..1.3, 0.01f64..0.1).prop_flat_map(|(s, re, rr, w)| {
        let w = w * s;
        let (re, rr) = (re * s, rr * s);
        let models = proptest::sample::subsequence(
            vec!["agents", "rubinstein", "stahl", "nash", "kalai-smorodinsky", "breakdown"],
            1..=6,
        );
        let run = (
            models,
            any::<bool>(),
            any::<u32>(),
            prop_oneof![
                (1u32..40).prop_map(|r| r.to_string()),
                Just("{ choice = [1, 5, 30] }".to_owned()),
                Just("{ uniform = [2, 25] }".to_owned()),
            ],
            prop_oneof![Just("0".to_owned()), bounded(0.0, 0.2), Just("1.0".to_owned())],
            any::<bool>(),
            prop::option::of(10u32..100_000),
        );
        let payee = (
            amount(re + 5.0 * w, w),
            amount(re, w),
            bounded(0.5, 1.0),
            bounded(0.2, 5.0),
            strategy(),
            prop::option::of(amount(re + 2.0 * w, w)),
        );
        let payer = (
            amount(rr - 5.0 * w, w),
            amount(rr, w),
            bounded(0.5, 1.0),
            strategy(),
            prop::option::of(amount(rr - 2.0 * w, w)),
            prop::option::of(amount(rr + 2.0 * w, w)),
            any::<bool>(),
        );
        (run, payee, payer).prop_map(move |(run, payee, payer)| {
            let (models, lhs, seed, max_rounds, risk, payee_first, grid) = run;
            let (e_open, e_res, e_disc, e_pow, e_strat, e_out) = payee;
            let (r_open, r_res, r_disc, r_strat, r_out, r_rat, power_default) = payer;
            let mut t = String::new();
            let models: Vec<String> = models.iter().map(|m| format!("\"{m}\"")).collect();
            writeln!(t, "[scenario]\nname = \"prop\"\nunit = \"u\"").unwrap();
            writeln!(
                t,
                "[run]\ntrials = 200\nseed = {seed}\nmodels = [{}]\nsampler = \"{}\"",
                models.join(", "),
                if lhs { "latin-hypercube" } else { "monte-carlo" }
            )
            .unwrap();
            writeln!(
                t,
                "[protocol]\nmax_rounds = {max_rounds}\nfirst_mover = \"{}\"\nbreakdown_risk = {risk}",
                if payee_first { "a" } else { "b" }
            )
            .unwrap();
            if let Some(k) = grid {
                // Covers every opening and reservation (all within re, rr ± 7w).
                let lo = re.min(rr) - 8.0 * w;
                let hi = re.max(rr) + 8.0 * w;
                writeln!(
                    t,
                    "grid = {{ lo = {}, hi = {}, step = {} }}",
                    num(lo),
                    num(hi),
                    num((hi - lo) / f64::from(k))
                )
                .unwrap();
            }
            writeln!(
                t,
                "[parties.a]\nside = \"payee\"\nopening = {e_open}\nreservation = {e_res}\ndiscount = {e_disc}\npower = {e_pow}\nstrategy = {e_strat}"
            )
            .unwrap();
            if let Some(o) = e_out {
                writeln!(t, "outside_option = {o}").unwrap();
            }
            writeln!(
                t,
                "[parties.b]\nside = \"payer\"\nopening = {r_open}\nreservation = {r_res}\ndiscount = {r_disc}\nstrategy = {r_strat}"
            )
            .unwrap();
            if !power_default {
                writeln!(t, "power = 0.5").unwrap();
            }
            if let Some(o) = r_out {
                writeln!(t, "outside_option = {o}").unwrap();
            }
            if let Some(r) = r_rat {
                writeln!(t, "ratification = {r}").unwrap();
            }
            t
        })
    })
}

/// Every `f64` of a summary is finite; `null`s only where a model has no deal.
fn assert_sane(summary: &Summary) {
    for (name, m) in &summary.models {
        assert!(m.agreement_rate.is_finite() && (0.0..=1.0).contains(&m.agreement_rate));
        let deals = m.outcomes.get("deal").copied().unwrap_or(0);
        assert_eq!(m.amount.is_some(), deals > 0, "{name}");
        assert_eq!(m.round.mean.is_some(), deals > 0, "{name}");
        if let Some(a) = &m.amount {
            for x in [a.mean, a.sd, a.min, a.max, a.quantile_error_bound] {
                assert!(x.is_finite(), "{name}: {a:?}");
            }
            assert!(a.quantiles.values().all(|q| q.is_finite()), "{name}: {a:?}");
            assert!(a.histogram.lo.is_finite() && a.histogram.hi.is_finite());
            assert!(a.min <= a.max && a.sd >= 0.0, "{name}: {a:?}");
        }
        let sp = m.surplus.as_ref().expect("one-issue surplus");
        for x in [m.round.mean, sp.payee, sp.payer].into_iter().flatten() {
            assert!(x.is_finite(), "{name}");
        }
        assert!(sp.payee_per_trial.is_finite() && sp.payer_per_trial.is_finite());
    }
}

/// No NaN/inf in a `summary.json` (serde_json writes them as `null`): `null`s only at
/// the `Option`s of models without a deal.
fn assert_sane_json(v: &Value) {
    for (name, m) in v["models"].as_object().unwrap() {
        let deals = m["outcomes"]["deal"].as_u64().unwrap_or(0);
        let mut stack = vec![(String::new(), m)];
        while let Some((path, x)) = stack.pop() {
            match x {
                Value::Null => assert!(
                    deals == 0
                        && ["/amount", "/round/mean", "/surplus/payee", "/surplus/payer"]
                            .contains(&path.as_str()),
                    "{name}{path} is null with {deals} deals"
                ),
                Value::Object(o) => {
                    stack.extend(o.iter().map(|(k, x)| (format!("{path}/{k}"), x)));
                }
                Value::Array(a) => stack.extend(a.iter().map(|x| (path.clone(), x))),
                _ => {}
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn valid_scenarios_give_finite_summaries_and_rational_deals(text in scenario_text()) {
        let scenario = match Scenario::parse(&text, "prop.toml") {
            Ok(s) => s,
            Err(e) => panic!("generated an invalid scenario:\n{e}\n{text}"),
        };
        let loaded = Loaded { scenario, origin: "prop.toml".into(), text: text.clone() };
        let plan = pipeline::plan(&loaded.scenario, &Overrides::default(), Shard::WHOLE);
        let cancel = AtomicBool::new(false);
        let finished = pipeline::execute(&loaded, plan.clone(), &|_| {}, &cancel, None).unwrap();
        assert_sane(&finished.summary);
        let json: Value = serde_json::from_slice(&pipeline::to_json(&finished.summary).unwrap()).unwrap();
        assert_sane_json(&json);
        for trial in [0, 1, 57, 199] {
            for &model in &plan.models {
                let r = ensemble::replay(&loaded.scenario, &plan, trial, model);
                let n = &r.negotiation;
                if r.outcome.kind == OutcomeKind::Deal {
                    let a = r.outcome.amount.unwrap();
                    let (lo, hi) = (n.payee.effective_reservation(), n.payer.effective_reservation());
                    let tol = 1e-9 * (lo.abs() + hi.abs());
                    prop_assert!(a.is_finite());
                    prop_assert!(
                        a >= lo - tol && a <= hi + tol,
                        "{model:?} trial {trial}: deal {a} outside [{lo}, {hi}]\n{text}"
                    );
                }
            }
        }
    }
}

/// Run the binary on `text` and check the report: exit 0, sane summary, plots written.
fn run_extreme(text: &str) -> Value {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("x.toml");
    std::fs::write(&file, text).unwrap();
    let out = tmp.path().join("out");
    let r = Command::new(env!("CARGO_BIN_EXE_bargain"))
        .arg("run")
        .arg(&file)
        .args(["--quiet", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let summary: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_sane_json(&summary);
    let mut pngs = 0;
    for e in std::fs::read_dir(&out).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "png" || x == "svg") {
            assert!(
                std::fs::metadata(&p).unwrap().len() > 1000,
                "{}",
                p.display()
            );
            pngs += 1;
        }
    }
    assert!(pngs >= 3, "plots written: {pngs}");
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        !html.contains("NaN") && !html.contains("inf "),
        "report.html shows NaN/inf"
    );
    summary
}

fn extreme(unit_scale: f64, protocol: &str, us: &str, kr: &str) -> String {
    let s = |x: f64| num(x * unit_scale);
    format!(
        r#"[scenario]
name = "extreme"
unit = "u"
[run]
trials = 400
seed = 3
models = ["agents", "rubinstein", "stahl", "nash", "kalai-smorodinsky", "breakdown", "attrition"]
[protocol]
first_mover = "us"
{protocol}
[parties.us]
side = "payee"
opening = {}
reservation = {{ uniform = [{}, {}] }}
strategy = {{ kind = "time-based", preset = "boulware" }}
{us}
[parties.kr]
side = "payer"
opening = {}
reservation = {{ uniform = [{}, {}] }}
strategy = {{ kind = "faratin", preset = "linear" }}
{kr}
"#,
        s(1.4),
        s(0.95),
        s(1.05),
        s(0.9),
        s(1.1),
        s(1.2)
    )
}

fn deals(summary: &Value, model: &str) -> u64 {
    summary["models"][model]["outcomes"]["deal"]
        .as_u64()
        .unwrap_or(0)
}

#[test]
fn discount_one_for_both_parties() {
    let s = run_extreme(&extreme(
        1.0,
        "max_rounds = 10",
        "discount = 1",
        "discount = 1.0",
    ));
    assert!(
        deals(&s, "nash") == 400 && deals(&s, "rubinstein") == 400,
        "{s}"
    );
}

#[test]
fn breakdown_risk_one_ends_every_agents_talk_after_the_first_rejection() {
    let s = run_extreme(&extreme(1.0, "max_rounds = 10\nbreakdown_risk = 1", "", ""));
    let breakdowns = s["models"]["agents"]["outcomes"]["breakdown"]
        .as_u64()
        .unwrap_or(0);
    assert_eq!(breakdowns + deals(&s, "agents"), 400, "{s}");
}

#[test]
fn ten_thousand_rounds() {
    let s = run_extreme(&extreme(1.0, "max_rounds = 10000", "", ""));
    assert!(deals(&s, "agents") > 0, "{s}");
}

#[test]
fn a_zone_of_agreement_of_width_1e_12() {
    let text = r#"[scenario]
name = "sliver"
[run]
trials = 300
models = ["agents", "rubinstein", "stahl", "nash", "kalai-smorodinsky", "breakdown"]
[protocol]
max_rounds = 20
first_mover = "us"
[parties.us]
side = "payee"
opening = 1.4
reservation = 1.0
strategy = { kind = "time-based", preset = "linear" }
[parties.kr]
side = "payer"
opening = 0.9
reservation = 1.000000000001
strategy = { kind = "time-based", preset = "conceder" }
"#;
    let s = run_extreme(text);
    for model in ["nash", "kalai-smorodinsky", "rubinstein"] {
        let a = &s["models"][model]["amount"];
        let (lo, hi) = (a["min"].as_f64().unwrap(), a["max"].as_f64().unwrap());
        assert!(
            (1.0..=1.000000000001).contains(&lo) && (1.0..=1.000000000001).contains(&hi),
            "{model}: [{lo}, {hi}]"
        );
    }
}

#[test]
fn huge_units() {
    let s = run_extreme(&extreme(
        1e12,
        "max_rounds = 10\ngrid = { lo = 0, hi = 3e12, step = 1e6 }",
        "",
        "",
    ));
    let mean = s["models"]["nash"]["amount"]["mean"].as_f64().unwrap();
    assert!((0.95e12..=1.2e12).contains(&mean), "{mean}");
}

#[test]
fn tiny_units() {
    let s = run_extreme(&extreme(
        1e-9,
        "max_rounds = 10\ngrid = { lo = 0, hi = 3e-9, step = 1e-15 }",
        "",
        "",
    ));
    let mean = s["models"]["nash"]["amount"]["mean"].as_f64().unwrap();
    assert!((0.95e-9..=1.2e-9).contains(&mean), "{mean}");
}

#[test]
fn models_listed_in_the_summary_are_those_of_the_run() {
    // Guards the helpers above: every model key is present.
    let s = run_extreme(&extreme(1.0, "max_rounds = 5", "", ""));
    for m in Model::ALL {
        assert!(s["models"].get(m.as_str()).is_some(), "{}: {s}", m.as_str());
    }
}
