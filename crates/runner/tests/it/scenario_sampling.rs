//! Sampling: distributions match their parameters, truncation holds, draws are
//! deterministic, inputs are reported, and Latin-hypercube marginals are stratified.
#![allow(clippy::unwrap_used)]

use bargain_core::{Negotiation, StrategySpec};
use bargain_runner::scenario::{SampleCtx, Scenario};
use statrs::distribution::{ContinuousCDF, Normal};

const DRAWS: u64 = 200_000;

/// A scenario whose Korean reservation is `dist`, sampled with `sampler`.
fn with_reservation(dist: &str, sampler: &str, trials: u64) -> Scenario {
    let text = format!(
        r#"
[scenario]
name = "dist"

[run]
trials = {trials}
sampler = "{sampler}"

[protocol]
max_rounds = 10
first_mover = "us"

[parties.us]
side = "payee"
opening = 3.0
reservation = -3.0
strategy = {{ kind = "hardliner" }}

[parties.kr]
side = "payer"
opening = -3.0
reservation = {dist}
strategy = {{ kind = "tit-for-tat" }}
"#
    );
    Scenario::parse(&text, "dist.toml").unwrap()
}

/// Draw the Korean reservation `n` times.
fn draws(s: &Scenario, n: u64, seed: u64) -> Vec<f64> {
    let mut inputs = vec![0.0; s.input_count()];
    (0..n)
        .map(|trial| {
            let ctx = SampleCtx {
                trial,
                trials: n,
                seed,
            };
            let neg = s.sample(ctx, &mut inputs);
            assert_eq!(inputs[0], neg.payer.reservation);
            neg.payer.reservation
        })
        .collect()
}

fn mean_sd(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let m = xs.iter().sum::<f64>() / n;
    let v = xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (n - 1.0);
    (m, v.sqrt())
}

/// Mean within 5 standard errors, sd within 1.5%.
fn check(dist: &str, mean: f64, sd: f64) -> Vec<f64> {
    let s = with_reservation(dist, "monte-carlo", DRAWS);
    let xs = draws(&s, DRAWS, 7);
    let (m, d) = mean_sd(&xs);
    let se = sd / (DRAWS as f64).sqrt();
    assert!((m - mean).abs() < 5.0 * se, "{dist}: mean {m} vs {mean}");
    assert!((d - sd).abs() < 0.015 * sd, "{dist}: sd {d} vs {sd}");
    xs
}

#[test]
fn uniform_matches() {
    let xs = check("{ uniform = [1.0, 2.0] }", 1.5, 1.0 / 12f64.sqrt());
    assert!(xs.iter().all(|x| (1.0..=2.0).contains(x)));
}

#[test]
fn normal_matches() {
    check("{ normal = [1.1, 0.05] }", 1.1, 0.05);
}

#[test]
fn lognormal_matches() {
    // mean exp(mu + s²/2), sd sqrt((exp(s²) − 1)·exp(2mu + s²)), mu = 0, s = 0.25
    check(
        "{ lognormal = [0.0, 0.25] }",
        1.031_743_407_499_102_8,
        0.262_019_072_109_201_17,
    );
}

#[test]
fn triangular_matches() {
    // mean (a + b + c)/3; var (a² + b² + c² − ab − ac − bc)/18
    let xs = check(
        "{ triangular = [1.0, 1.2, 1.6] }",
        3.8 / 3.0,
        (0.28f64 / 18.0).sqrt(),
    );
    assert!(xs.iter().all(|x| (1.0..=1.6).contains(x)));
}

#[test]
fn beta_is_scaled_to_within() {
    // beta(2, 5) on [1, 2]: mean 1 + 2/7, sd sqrt(10 / (49 · 8))
    let xs = check(
        "{ beta = [2, 5], within = [1, 2] }",
        1.0 + 2.0 / 7.0,
        (10.0f64 / 392.0).sqrt(),
    );
    assert!(xs.iter().all(|x| (1.0..=2.0).contains(x)));
}

#[test]
fn choice_follows_its_weights() {
    let s = with_reservation(
        "{ choice = [1.0, 1.1, 1.2], weights = [1, 2, 1] }",
        "monte-carlo",
        DRAWS,
    );
    let xs = draws(&s, DRAWS, 3);
    for (v, p) in [(1.0, 0.25), (1.1, 0.5), (1.2, 0.25)] {
        let f = xs.iter().filter(|x| **x == v).count() as f64 / DRAWS as f64;
        let se = (p * (1.0 - p) / DRAWS as f64).sqrt();
        assert!((f - p).abs() < 5.0 * se, "{v}: {f} vs {p}");
    }
    assert_eq!(
        xs.iter().filter(|x| ![1.0, 1.1, 1.2].contains(*x)).count(),
        0
    );
}

#[test]
fn truncated_normal_respects_within_and_matches() {
    // Truncated normal moments (mu 1.1, sd 0.1 on [1.0, 1.15]), computed in closed form.
    let xs = check(
        "{ normal = [1.1, 0.1], within = [1.0, 1.15] }",
        1.079_336_878_193_846_6,
        0.041_566_002_825_204_75,
    );
    assert!(xs.iter().all(|x| (1.0..=1.15).contains(x)));
}

#[test]
fn far_tail_truncation_uses_the_exact_fallback() {
    // Rejection almost never succeeds (mass 3e-5): the inverse-CDF fallback must take over.
    let s = with_reservation(
        "{ normal = [0, 1], within = [4, 5] }",
        "monte-carlo",
        20_000,
    );
    assert!(s.warnings().iter().any(|w| w.contains("sliver")));
    let xs = draws(&s, 20_000, 11);
    assert!(xs.iter().all(|x| (4.0..=5.0).contains(x)));
    let (m, _) = mean_sd(&xs);
    assert!((m - 4.216_830_780_601_018).abs() < 0.01, "{m}");
}

#[test]
fn sampling_is_deterministic_per_seed() {
    let s = Scenario::builtin_sma_2019();
    let run = |seed: u64| -> (Vec<Negotiation>, Vec<Vec<f64>>) {
        let mut all = Vec::new();
        let mut ins = Vec::new();
        for trial in 0..100 {
            let mut inputs = vec![0.0; s.input_count()];
            all.push(s.sample(
                SampleCtx {
                    trial,
                    trials: 100,
                    seed,
                },
                &mut inputs,
            ));
            ins.push(inputs);
        }
        (all, ins)
    };
    assert_eq!(run(5), run(5));
    assert_ne!(run(5).1, run(6).1);
}

#[test]
fn sma_inputs_are_reported_and_within_their_ranges() {
    let s = Scenario::builtin_sma_2019();
    let names = s.input_names();
    let col = |n: &str| names.iter().position(|x| x == n).unwrap();
    let mut inputs = vec![f64::NAN; names.len()];
    let mut seen_presets = [0usize; 3];
    for trial in 0..20_000 {
        let n = s.sample(
            SampleCtx {
                trial,
                trials: 20_000,
                seed: 1,
            },
            &mut inputs,
        );
        assert!(inputs.iter().all(|x| x.is_finite()));
        assert_eq!(inputs[col("parties.us.opening")], n.payee.opening);
        assert_eq!(inputs[col("parties.kr.reservation")], n.payer.reservation);
        // The dated forecast has no ratification limit (docs/forecast-recipe.md).
        assert!(!names.iter().any(|x| x == "parties.kr.ratification"));
        assert_eq!(n.payer.ratification, None);
        assert_eq!(
            inputs[col("protocol.breakdown_risk")],
            n.protocol.breakdown_risk
        );
        assert!((1.0562..=1.2195).contains(&n.payee.opening));
        assert!((0.9602..=1.0).contains(&n.payee.reservation));
        assert!((1.0..=1.0236).contains(&n.payer.reservation));
        assert!((0.0..=1.0).contains(&n.protocol.breakdown_risk));
        let preset = inputs[col("parties.us.strategy.preset")] as usize;
        seen_presets[preset] += 1;
        let StrategySpec::TimeBased { exponent, .. } = n.payee.strategy else {
            panic!("{:?}", n.payee.strategy)
        };
        assert_eq!(exponent, [4.0, 1.0, 0.25][preset]);
    }
    // equal weights
    let f = seen_presets[0] as f64 / 20_000.0;
    assert!((f - 1.0 / 3.0).abs() < 0.02, "{seen_presets:?}");
}

/// For Latin-hypercube sampling with `n` trials, every input's values fall one per stratum.
fn assert_stratified(dist: &str, n: u64, seed: u64, cdf: impl Fn(f64) -> f64) {
    let s = with_reservation(dist, "latin-hypercube", n);
    let xs = draws(&s, n, seed);
    let mut hits = vec![0u32; n as usize];
    for x in &xs {
        let k = ((cdf(*x) * n as f64).floor() as usize).min(n as usize - 1);
        hits[k] += 1;
    }
    assert!(
        hits.iter().all(|h| *h == 1),
        "{dist} n={n} seed={seed}: {hits:?}"
    );
}

#[test]
fn latin_hypercube_marginals_are_stratified() {
    for n in [1, 2, 5, 10, 37, 100] {
        for seed in [0, 1, 99] {
            assert_stratified("{ uniform = [0, 1] }", n, seed, |x| x);
            let normal = Normal::new(1.1, 0.05).unwrap();
            assert_stratified("{ normal = [1.1, 0.05] }", n, seed, |x| normal.cdf(x));
            // Truncated to [1.0, 1.12]: strata are of the truncated distribution.
            let (lo, hi) = (normal.cdf(1.0), normal.cdf(1.12));
            assert_stratified(
                "{ normal = [1.1, 0.05], within = [1.0, 1.12] }",
                n,
                seed,
                |x| (normal.cdf(x) - lo) / (hi - lo),
            );
        }
    }
}

#[test]
fn latin_hypercube_choice_hits_exact_proportions() {
    let n = 400;
    let s = with_reservation(
        "{ choice = [1.0, 1.1, 1.2, 1.3], weights = [1, 1, 1, 1] }",
        "latin-hypercube",
        n,
    );
    let xs = draws(&s, n, 4);
    for v in [1.0, 1.1, 1.2, 1.3] {
        assert_eq!(xs.iter().filter(|x| **x == v).count(), 100, "{v}");
    }
}

#[test]
fn latin_hypercube_dimensions_use_different_permutations() {
    let text = Scenario::builtin_sma_2019_text().replace("monte-carlo", "latin-hypercube");
    let s = Scenario::parse(&text, "lhs.toml").unwrap();
    let names = s.input_names();
    let a = names
        .iter()
        .position(|x| x == "parties.us.reservation")
        .unwrap();
    let b = names
        .iter()
        .position(|x| x == "parties.kr.reservation")
        .unwrap();
    let n = 50;
    let mut ua = Vec::new();
    let mut ub = Vec::new();
    let mut inputs = vec![0.0; names.len()];
    for trial in 0..n {
        s.sample(
            SampleCtx {
                trial,
                trials: n,
                seed: 2019,
            },
            &mut inputs,
        );
        // Both are uniform: recover the stratum.
        ua.push(((inputs[a] - 0.9602) / (1.0 - 0.9602) * n as f64).floor() as u64);
        ub.push(((inputs[b] - 1.0) / (1.0236 - 1.0) * n as f64).floor() as u64);
    }
    let mut sa = ua.clone();
    sa.sort_unstable();
    assert_eq!(sa, (0..n).collect::<Vec<_>>());
    assert_ne!(ua, ub, "dimensions must not share one permutation");
}

/// The scenario text with the field at `path` (dotted, as in `input_names`) replaced by
/// `value`, as an analyst fixing one input in the file would write it.
fn fix_in_file(text: &str, path: &str, value: toml::Value) -> String {
    let mut doc: toml::Table = text.parse().unwrap();
    let mut keys: Vec<&str> = path.split('.').collect();
    let last = keys.pop().unwrap();
    let mut table = &mut doc;
    for k in keys {
        table = table
            .get_mut(k)
            .and_then(toml::Value::as_table_mut)
            .unwrap();
    }
    table.insert(last.to_owned(), value);
    toml::to_string(&doc).unwrap()
}

/// Each input draws from its own stream keyed by its field path: fixing any one input of
/// `scenarios/sma-2019.toml` in the file (a distribution replaced by a constant) leaves
/// every other input of 1,000 trials bit-identical, under both samplers (issue #22).
#[test]
fn fixing_one_input_leaves_every_other_input_bit_identical() {
    let file =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/sma-2019.toml");
    let original = std::fs::read_to_string(file).unwrap();
    const TRIALS: u64 = 1000;
    for sampler in ["monte-carlo", "latin-hypercube"] {
        let text = original.replace(
            "sampler = \"monte-carlo\"",
            &format!("sampler = \"{sampler}\""),
        );
        let base = Scenario::parse(&text, "sma-2019.toml").unwrap();
        let names = base.input_names();
        assert!(names.len() >= 5, "sma-2019 has several uncertain inputs");
        let draws = |s: &Scenario| -> Vec<Vec<f64>> {
            (0..TRIALS)
                .map(|trial| {
                    let mut inputs = vec![0.0; s.input_count()];
                    let ctx = SampleCtx {
                        trial,
                        trials: TRIALS,
                        seed: 2019,
                    };
                    s.sample(ctx, &mut inputs);
                    inputs
                })
                .collect()
        };
        let base_draws = draws(&base);
        let doc: toml::Table = text.parse().unwrap();
        for (j, path) in names.iter().enumerate() {
            // The constant: the value drawn at trial 0 (a preset: the name it indexes).
            let x = base_draws[0][j];
            let value = if path.ends_with("preset") {
                let mut v = &toml::Value::Table(doc.clone());
                for k in path.split('.') {
                    v = &v[k];
                }
                v["choice"][x as usize].clone()
            } else if path.ends_with("max_rounds") {
                toml::Value::Integer(x as i64)
            } else {
                toml::Value::Float(x)
            };
            let fixed = Scenario::parse(&fix_in_file(&text, path, value), "fixed.toml")
                .unwrap_or_else(|e| panic!("{path}: {e}"));
            let fixed_names = fixed.input_names();
            assert!(!fixed_names.contains(path), "{path} is no longer an input");
            let fixed_draws = draws(&fixed);
            for (k, name) in fixed_names.iter().enumerate() {
                let b = names.iter().position(|n| n == name).unwrap();
                for t in 0..TRIALS as usize {
                    assert_eq!(
                        fixed_draws[t][k].to_bits(),
                        base_draws[t][b].to_bits(),
                        "{sampler}: fixing {path} moved {name} in trial {t}"
                    );
                }
            }
        }
    }
}

/// The bound of what a trial can hold (which sizes the exact accumulators' quantizers)
/// sees every option of a choice, even a rare one in the middle of the list that no
/// pilot trial draws.
#[test]
fn at_largest_sees_a_rare_middle_option_of_a_choice() {
    let s = with_reservation(
        "{ choice = [1.0, 9.0, 1.1], weights = [1.0, 1e-12, 1.0] }",
        "monte-carlo",
        10,
    );
    let mut inputs = vec![0.0; s.input_count()];
    assert_eq!(s.at_largest(&mut inputs).payer.reservation, 9.0);
    let low = s.at_quantiles(&vec![0.0; s.input_count()], &mut inputs);
    let high = s.at_quantiles(&vec![1.0; s.input_count()], &mut inputs);
    assert!(low.payer.reservation < 9.0 && high.payer.reservation < 9.0);
}
