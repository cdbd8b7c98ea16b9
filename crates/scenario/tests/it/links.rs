//! `[context]`, expressions and `[[correlation]]` (issue #23 items 3 and 4): the copula's
//! rank correlation and marginals under both samplers, expressions evaluated per trial,
//! and the located errors.

use bargain_scenario::{SampleCtx, Scenario};
use statrs::distribution::{ContinuousCDF, Uniform};

/// A one-issue scenario with two uniform reservations, `extra` appended and `sampler`.
fn scenario(sampler: &str, extra: &str) -> String {
    format!(
        r#"[scenario]
name = "links"

[run]
trials = 100000
seed = 7
sampler = "{sampler}"

[protocol]
max_rounds = 10
first_mover = "us"

[parties.us]
side = "payee"
opening = 2.0
reservation = {{ uniform = [1.0, 1.5] }}
strategy = {{ kind = "hardliner" }}

[parties.kr]
side = "payer"
opening = 0.5
reservation = {{ uniform = [0.8, 1.4] }}
strategy = {{ kind = "hardliner" }}
{extra}"#
    )
}

const RANK: &str = r#"
[[correlation]]
between = ["parties.us.reservation", "parties.kr.reservation"]
rank = 0.6
"#;

/// Average ranks (1-based; ties share their mean rank).
fn ranks(xs: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..xs.len()).collect();
    order.sort_by(|&a, &b| xs[a].total_cmp(&xs[b]));
    let mut r = vec![0.0; xs.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && xs[order[j + 1]] == xs[order[i]] {
            j += 1;
        }
        for &k in &order[i..=j] {
            r[k] = (i + j) as f64 / 2.0 + 1.0;
        }
        i = j + 1;
    }
    r
}

/// Spearman's rank correlation: Pearson's on the ranks.
pub(crate) fn spearman(a: &[f64], b: &[f64]) -> f64 {
    let (ra, rb) = (ranks(a), ranks(b));
    let n = ra.len() as f64;
    let (ma, mb) = (ra.iter().sum::<f64>() / n, rb.iter().sum::<f64>() / n);
    let (mut sab, mut saa, mut sbb) = (0.0, 0.0, 0.0);
    for (x, y) in ra.iter().zip(&rb) {
        sab += (x - ma) * (y - mb);
        saa += (x - ma) * (x - ma);
        sbb += (y - mb) * (y - mb);
    }
    sab / (saa * sbb).sqrt()
}

/// The Kolmogorov–Smirnov statistic of `xs` against the CDF `cdf`.
pub(crate) fn ks(xs: &[f64], cdf: impl Fn(f64) -> f64) -> f64 {
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len() as f64;
    v.iter()
        .enumerate()
        .map(|(i, &x)| {
            let f = cdf(x);
            (f - i as f64 / n).abs().max(((i + 1) as f64 / n - f).abs())
        })
        .fold(0.0, f64::max)
}

/// Every trial's inputs, by input name: `sample(ctx, inputs)` draws trial `ctx` of a
/// scenario of either kind whose inputs are `names`.
pub(crate) fn draws_of(
    names: Vec<String>,
    trials: u64,
    seed: u64,
    mut sample: impl FnMut(SampleCtx, &mut [f64]),
) -> (Vec<String>, Vec<Vec<f64>>) {
    let mut cols = vec![Vec::with_capacity(trials as usize); names.len()];
    let mut inputs = vec![0.0; names.len()];
    for trial in 0..trials {
        sample(
            SampleCtx {
                trial,
                trials,
                seed,
            },
            &mut inputs,
        );
        for (c, x) in cols.iter_mut().zip(&inputs) {
            c.push(*x);
        }
    }
    (names, cols)
}

/// Every trial's inputs of `s`, by input name.
fn draws(s: &Scenario) -> (Vec<String>, Vec<Vec<f64>>) {
    draws_of(s.input_names(), s.run.trials, s.run.seed, |ctx, inputs| {
        s.sample(ctx, inputs);
    })
}

pub(crate) fn column<'a>(names: &[String], cols: &'a [Vec<f64>], name: &str) -> &'a [f64] {
    let j = names.iter().position(|n| n == name).expect(name);
    &cols[j]
}

#[test]
fn a_rank_correlation_of_0_6_keeps_both_uniform_marginals_under_both_samplers() {
    // KS at the 1% level: D > 1.628 / √n rejects.
    let critical = 1.628 / (100_000f64).sqrt();
    for sampler in ["monte-carlo", "latin-hypercube"] {
        let s = Scenario::parse(&scenario(sampler, RANK), "links.toml").expect("valid");
        let (names, cols) = draws(&s);
        let us = column(&names, &cols, "parties.us.reservation");
        let kr = column(&names, &cols, "parties.kr.reservation");
        let rho = spearman(us, kr);
        assert!((rho - 0.6).abs() < 0.02, "{sampler}: Spearman {rho}");
        let (u_us, u_kr) = (
            Uniform::new(1.0, 1.5).expect("uniform"),
            Uniform::new(0.8, 1.4).expect("uniform"),
        );
        let (d_us, d_kr) = (ks(us, |x| u_us.cdf(x)), ks(kr, |x| u_kr.cdf(x)));
        assert!(d_us < critical, "{sampler}: KS(us) {d_us} ≥ {critical}");
        assert!(d_kr < critical, "{sampler}: KS(kr) {d_kr} ≥ {critical}");
        // Without the correlation the same pair is independent.
        let plain = Scenario::parse(&scenario(sampler, ""), "links.toml").expect("valid");
        let (names, cols) = draws(&plain);
        let rho0 = spearman(
            column(&names, &cols, "parties.us.reservation"),
            column(&names, &cols, "parties.kr.reservation"),
        );
        assert!(rho0.abs() < 0.02, "{sampler}: independent Spearman {rho0}");
    }
}

#[test]
fn inputs_outside_any_correlation_keep_their_draws() {
    let extra = "[context]\nfx = { normal = [1150, 25] }\n";
    let with = format!("{RANK}{extra}");
    let a = Scenario::parse(&scenario("monte-carlo", extra), "a.toml").expect("valid");
    let b = Scenario::parse(&scenario("monte-carlo", &with), "b.toml").expect("valid");
    let mut ia = vec![0.0; a.input_count()];
    let mut ib = vec![0.0; b.input_count()];
    for trial in 0..200 {
        let ctx = SampleCtx {
            trial,
            trials: 100_000,
            seed: 7,
        };
        a.sample(ctx, &mut ia);
        b.sample(ctx, &mut ib);
        assert_eq!(a.input_names()[0], "context.fx");
        assert_eq!(ia[0].to_bits(), ib[0].to_bits(), "trial {trial}");
    }
}

#[test]
fn expressions_follow_their_context_in_every_trial() {
    let extra = r#"
[context]
fx = { normal = [1150, 25] }
troops = { choice = [28500, 24000] }
"#;
    let text = scenario("monte-carlo", extra).replace(
        "reservation = { uniform = [1.0, 1.5] }",
        "reservation = \"1.2 * fx / 1000 * troops / 28500\"",
    );
    let s = Scenario::parse(&text, "links.toml").expect("valid");
    let names = s.input_names();
    assert_eq!(
        names,
        [
            "context.fx",
            "context.troops",
            "parties.kr.reservation",
            "parties.us.reservation"
        ]
    );
    let mut inputs = vec![0.0; names.len()];
    let mut seen = [false; 2];
    for trial in 0..2000 {
        let ctx = SampleCtx {
            trial,
            trials: 2000,
            seed: 3,
        };
        let n = s.sample(ctx, &mut inputs);
        let (fx, troops) = (inputs[0], inputs[1]);
        let want = 1.2 * fx / 1000.0 * troops / 28500.0;
        assert!(
            (inputs[3] - want).abs() <= 1e-12 * want.abs(),
            "trial {trial}"
        );
        assert_eq!(n.payee.reservation.to_bits(), inputs[3].to_bits());
        seen[usize::from(troops == 24000.0)] = true;
    }
    assert!(seen[0] && seen[1], "both troop levels drawn");
}

/// The first error's `line:col: path: message` (after the origin).
fn first_error(text: &str) -> String {
    first_line(&Scenario::parse(text, "f.toml").expect_err("invalid"))
}

/// The first line of a scenario error of a file named `f.toml`, after the origin.
pub(crate) fn first_line(e: &bargain_scenario::ScenarioError) -> String {
    let line = e.to_string().lines().next().unwrap_or_default().to_owned();
    line.strip_prefix("f.toml:").unwrap_or(&line).to_owned()
}

#[test]
fn bad_context_expressions_and_correlations_are_located() {
    let ctx = "[context]\nfx = { normal = [1150, 25] }\n";
    let expr = |e: &str| {
        scenario("monte-carlo", ctx).replace("opening = 2.0", &format!("opening = \"{e}\""))
    };
    let e = first_error(&expr("2 * fx / 1000 + fxx"));
    assert!(
        e.starts_with("15:11: parties.us.opening:") && e.contains("unknown name `fxx`"),
        "{e}"
    );
    let e = first_error(&expr("2 * (fx / 1000"));
    assert!(
        e.starts_with("15:11: parties.us.opening: expected an expression"),
        "{e}"
    );
    let e =
        first_error(&scenario("monte-carlo", "").replace("opening = 2.0", "opening = \"2 * 3\""));
    assert!(e.contains("needs a `[context]` table"), "{e}");
    // A discount reaching outside (0, 1] at the corners of fx's range.
    let e = first_error(
        &scenario("monte-carlo", ctx)
            .replace("opening = 2.0", "opening = 2.0\ndiscount = \"fx / 1150\""),
    );
    assert!(e.contains("parties.us.discount: expected values that are a discount factor in (0, 1], but this expression gives"), "{e}");

    let corr = |between: &str, rank: &str| {
        scenario(
            "monte-carlo",
            &format!("[[correlation]]\nbetween = {between}\nrank = {rank}\n"),
        )
    };
    let us_kr = r#"["parties.us.reservation", "parties.kr.reservation"]"#;
    let e = first_error(&corr(
        r#"["parties.us.reservation", "parties.kr.resrvation"]"#,
        "0.5",
    ));
    assert!(
        e.starts_with("25:38: correlation[0].between[1]")
            && e.contains("did you mean `parties.kr.reservation`"),
        "{e}"
    );
    let e = first_error(&corr(
        r#"["parties.us.reservation", "parties.kr.opening"]"#,
        "0.5",
    ));
    assert!(e.contains("which is a constant"), "{e}");
    let e = first_error(&corr(us_kr, "1.0"));
    assert!(
        e.starts_with(
            "26:8: correlation[0].rank: expected a Spearman rank correlation in (-1, 1), found 1"
        ),
        "{e}"
    );
    let e = first_error(&corr(
        r#"["parties.us.reservation", "parties.us.reservation"]"#,
        "0.5",
    ));
    assert!(e.contains("expected two different inputs"), "{e}");
    let twice = scenario(
        "monte-carlo",
        &format!(
            "{RANK}\n[[correlation]]\nbetween = [\"parties.kr.reservation\", \"parties.us.reservation\"]\nrank = 0.1\n"
        ),
    );
    let e = first_error(&twice);
    assert!(
        e.contains("correlation[1].between: expected each pair once"),
        "{e}"
    );
    // Three inputs pairwise at -0.5 cannot hold together (two can): located at the pair that breaks it.
    let three = scenario(
        "monte-carlo",
        "[context]\nfx = { uniform = [0, 1] }\n\
         [[correlation]]\nbetween = [\"parties.us.reservation\", \"parties.kr.reservation\"]\nrank = -0.5\n\
         [[correlation]]\nbetween = [\"context.fx\", \"parties.kr.reservation\"]\nrank = -0.5\n\
         [[correlation]]\nbetween = [\"context.fx\", \"parties.us.reservation\"]\nrank = -0.5\n",
    );
    let e = first_error(&three);
    assert!(
        e.contains("correlation[2].rank") && e.contains("not positive definite"),
        "{e}"
    );
}

#[test]
fn context_quantities_are_sweep_paths_and_sweep_variants_keep_the_other_draws() {
    let extra = format!("{RANK}\n[context]\nfx = {{ normal = [1150, 25] }}\n");
    let text =
        scenario("monte-carlo", &extra).replace("opening = 2.0", "opening = \"2 * fx / 1150\"");
    let s = Scenario::parse(&text, "links.toml").expect("valid");
    assert!(s.number_paths().iter().any(|p| p == "context.fx"));
    assert!(s.sweep_axis("context.fx", "1100,1200").is_ok());
    // Fixing fx: the expression follows; fixing a correlated input: the other keeps its draws.
    let fx = s
        .with_overrides(&[("context.fx", 1200.0)])
        .expect("variant");
    let us = s
        .with_overrides(&[("parties.us.reservation", 1.25)])
        .expect("variant without the correlated input");
    assert_eq!(fx.input_names(), s.input_names());
    assert_eq!(us.input_names(), s.input_names());
    let names = s.input_names();
    let at = |n: &str| names.iter().position(|x| x == n).expect(n);
    let (mut a, mut b, mut c) = (
        vec![0.0; names.len()],
        vec![0.0; names.len()],
        vec![0.0; names.len()],
    );
    for trial in 0..300 {
        let ctx = SampleCtx {
            trial,
            trials: 100_000,
            seed: 7,
        };
        s.sample(ctx, &mut a);
        let nb = fx.sample(ctx, &mut b);
        let nc = us.sample(ctx, &mut c);
        assert_eq!(b[at("context.fx")], 1200.0);
        assert!((nb.payee.opening - 2.0 * 1200.0 / 1150.0).abs() < 1e-12);
        assert!((a[at("parties.us.opening")] - 2.0 * a[at("context.fx")] / 1150.0).abs() < 1e-12);
        assert_eq!(nc.payee.reservation, 1.25);
        for n in ["parties.kr.reservation", "context.fx"] {
            assert_eq!(a[at(n)].to_bits(), c[at(n)].to_bits(), "{n}, trial {trial}");
        }
        assert_eq!(
            a[at("parties.kr.reservation")].to_bits(),
            b[at("parties.kr.reservation")].to_bits()
        );
    }
}
