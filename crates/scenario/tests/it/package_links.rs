//! `[context]`, expressions and `[[correlation]]` in package files (issue #23 items 3–4
//! for packages, issue #21 item 2): the one-issue machinery on a package's own paths —
//! the copula's rank correlation and exact marginals under both samplers, expressions
//! evaluated per trial, and located errors.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use bargain_scenario::SampleCtx;
use bargain_scenario::issues::PackageScenario;
use statrs::distribution::{ContinuousCDF, Uniform};

use super::links::{column, draws_of, first_line, ks, spearman};

/// A package with two uniform utility reservations, `extra` appended and `sampler`.
fn package(sampler: &str, extra: &str) -> String {
    format!(
        r#"[scenario]
name = "package-links"

[run]
trials = 100000
seed = 11
sampler = "{sampler}"

[protocol]
max_rounds = 10
first_mover = "us"

[issues.amount]
kind = "number"
lo = 0.9
hi = 1.6
step = 0.05

[issues.term]
kind = "integer"
lo = 1
hi = 5

[parties.us]
strategy = {{ kind = "hardliner" }}

[parties.us.utility]
weights = {{ amount = 0.7, term = 0.3 }}
amount = "increasing"
term = "decreasing"
reservation = {{ uniform = [0.2, 0.5] }}

[parties.kr]
strategy = {{ kind = "hardliner" }}

[parties.kr.utility]
weights = {{ amount = 0.6, term = 0.4 }}
amount = "decreasing"
term = "increasing"
reservation = {{ uniform = [0.1, 0.4] }}
{extra}"#
    )
}

const RANK: &str = r#"
[[correlation]]
between = ["parties.us.utility.reservation", "parties.kr.utility.reservation"]
rank = 0.6
"#;

/// Every trial's inputs of `s`, by input.
fn draws(s: &PackageScenario) -> (Vec<String>, Vec<Vec<f64>>) {
    draws_of(s.input_names(), s.run.trials, s.run.seed, |ctx, inputs| {
        let _ = s.draw_trial(ctx, inputs);
    })
}

#[test]
fn a_package_rank_correlation_of_0_6_keeps_both_uniform_marginals_under_both_samplers() {
    // KS at the 1% level: D > 1.628 / √n rejects.
    let critical = 1.628 / (100_000f64).sqrt();
    let (us_res, kr_res) = (
        "parties.us.utility.reservation",
        "parties.kr.utility.reservation",
    );
    for sampler in ["monte-carlo", "latin-hypercube"] {
        let s = PackageScenario::parse(&package(sampler, RANK), "p.toml").expect("valid");
        let (names, cols) = draws(&s);
        let (us, kr) = (column(&names, &cols, us_res), column(&names, &cols, kr_res));
        let rho = spearman(us, kr);
        assert!((rho - 0.6).abs() < 0.02, "{sampler}: Spearman {rho}");
        let (u_us, u_kr) = (
            Uniform::new(0.2, 0.5).expect("uniform"),
            Uniform::new(0.1, 0.4).expect("uniform"),
        );
        let (d_us, d_kr) = (ks(us, |x| u_us.cdf(x)), ks(kr, |x| u_kr.cdf(x)));
        assert!(d_us < critical, "{sampler}: KS(us) {d_us} ≥ {critical}");
        assert!(d_kr < critical, "{sampler}: KS(kr) {d_kr} ≥ {critical}");
        // The drawn value is the one the trial uses.
        let mut inputs = vec![0.0; names.len()];
        let ctx = SampleCtx {
            trial: 3,
            trials: s.run.trials,
            seed: s.run.seed,
        };
        let (t, _) = s.draw_trial(ctx, &mut inputs);
        let j = names.iter().position(|n| n == us_res).expect("us");
        assert_eq!(
            t.parties[0].preferences.reservation.to_bits(),
            inputs[j].to_bits()
        );
        // Without the correlation the same pair is independent.
        let plain = PackageScenario::parse(&package(sampler, ""), "p.toml").expect("valid");
        let (names, cols) = draws(&plain);
        let rho0 = spearman(column(&names, &cols, us_res), column(&names, &cols, kr_res));
        assert!(rho0.abs() < 0.02, "{sampler}: independent Spearman {rho0}");
    }
}

#[test]
fn package_expressions_follow_their_context_in_every_trial() {
    let extra = r#"
[context]
fx = { normal = [1150, 25] }
troops = { choice = [28500, 24000] }
"#;
    let text = package("monte-carlo", extra)
        .replace(
            "reservation = { uniform = [0.2, 0.5] }",
            "reservation = \"0.3 * fx / 1150 * troops / 28500\"",
        )
        .replace(
            "weights = { amount = 0.7, term = 0.3 }",
            "weights = { amount = \"0.7 * fx / 1150\", term = 0.3 }",
        );
    let s = PackageScenario::parse(&text, "p.toml").expect("valid");
    let names = s.input_names();
    assert_eq!(&names[..2], ["context.fx", "context.troops"]);
    let at = |n: &str| names.iter().position(|x| x == n).expect(n);
    assert!(s.is_derived(at("parties.us.utility.reservation")));
    assert!(!s.is_derived(at("context.fx")));
    assert_eq!(s.field_label("context.fx"), "context: fx");
    let mut inputs = vec![0.0; names.len()];
    let mut seen = [false; 2];
    for trial in 0..2000 {
        let ctx = SampleCtx {
            trial,
            trials: 2000,
            seed: 3,
        };
        let (t, _) = s.draw_trial(ctx, &mut inputs);
        let (fx, troops) = (inputs[at("context.fx")], inputs[at("context.troops")]);
        let want = 0.3 * fx / 1150.0 * troops / 28500.0;
        let got = inputs[at("parties.us.utility.reservation")];
        assert!((got - want).abs() <= 1e-12 * want.abs(), "trial {trial}");
        assert_eq!(
            t.parties[0].preferences.reservation.to_bits(),
            got.to_bits()
        );
        let w = inputs[at("parties.us.utility.weights.amount")];
        assert!((w - 0.7 * fx / 1150.0).abs() <= 1e-12, "trial {trial}");
        // Drawn weights are normalised, as for a distribution.
        let ws = &t.parties[0].preferences.utility.weights;
        assert!((ws[0] - w / (w + 0.3)).abs() < 1e-12, "trial {trial}");
        seen[usize::from(troops == 24000.0)] = true;
    }
    assert!(seen[0] && seen[1], "both troop levels drawn");
    // A package without links draws as before: its inputs keep their draws when a
    // context quantity nobody reads is added.
    let a = PackageScenario::parse(&package("monte-carlo", ""), "a.toml").expect("valid");
    let b = PackageScenario::parse(
        &package("monte-carlo", "[context]\nfx = { normal = [1150, 25] }\n"),
        "b.toml",
    )
    .expect("valid");
    let (mut ia, mut ib) = (vec![0.0; 2], vec![0.0; 3]);
    for trial in 0..200 {
        let ctx = SampleCtx {
            trial,
            trials: 100_000,
            seed: 7,
        };
        let _ = a.draw_trial(ctx, &mut ia);
        let _ = b.draw_trial(ctx, &mut ib);
        assert_eq!(ia[0].to_bits(), ib[1].to_bits(), "trial {trial}");
        assert_eq!(ia[1].to_bits(), ib[2].to_bits(), "trial {trial}");
    }
}

/// The first error's `line:col: path: message` (after the origin).
fn first_error(text: &str) -> String {
    first_line(&PackageScenario::parse(text, "f.toml").expect_err("invalid"))
}

#[test]
fn bad_package_expressions_and_correlations_are_located() {
    let ctx = "[context]\nfx = { normal = [1150, 25] }\n";
    let res = |e: &str| {
        package("monte-carlo", ctx).replace(
            "reservation = { uniform = [0.2, 0.5] }",
            &format!("reservation = \"{e}\""),
        )
    };
    let e = first_error(&res("0.3 * fx / 1150 + fxx"));
    assert!(
        e.starts_with("31:15: parties.us.utility.reservation:") && e.contains("unknown name `fxx`"),
        "{e}"
    );
    let e = first_error(&res("0.3 * (fx / 1150"));
    assert!(
        e.starts_with("31:15: parties.us.utility.reservation: expected an expression"),
        "{e}"
    );
    let e = first_error(&package("monte-carlo", "").replace(
        "reservation = { uniform = [0.2, 0.5] }",
        "reservation = \"0.3\"",
    ));
    assert!(e.contains("needs a `[context]` table"), "{e}");
    // A discount reaching outside (0, 1] at the corners of fx's range.
    let e = first_error(
        &package("monte-carlo", ctx)
            .replace("[parties.us]\n", "[parties.us]\ndiscount = \"fx / 1150\"\n"),
    );
    assert!(
        e.contains("parties.us.discount: expected values that are a discount factor in (0, 1], but this expression gives"),
        "{e}"
    );
    // `max_rounds` cannot be an expression.
    let e = first_error(
        &package("monte-carlo", ctx).replace("max_rounds = 10", "max_rounds = \"fx / 100\""),
    );
    assert!(
        e.contains("protocol.max_rounds") && e.contains("may not be expressions"),
        "{e}"
    );

    let corr = |between: &str, rank: &str| {
        package(
            "monte-carlo",
            &format!("[[correlation]]\nbetween = {between}\nrank = {rank}\n"),
        )
    };
    let e = first_error(&corr(
        r#"["parties.us.utility.reservation", "parties.kr.utility.resrvation"]"#,
        "0.5",
    ));
    assert!(
        e.starts_with("42:46: correlation[0].between[1]")
            && e.contains("did you mean `parties.kr.utility.reservation`"),
        "{e}"
    );
    let e = first_error(&corr(
        r#"["parties.us.utility.reservation", "parties.kr.utility.weights.term"]"#,
        "0.5",
    ));
    assert!(e.contains("which is a constant"), "{e}");
    let e = first_error(&corr(
        r#"["parties.us.utility.reservation", "parties.kr.utility.reservation"]"#,
        "-1.0",
    ));
    assert!(
        e.starts_with("43:8: correlation[0].rank: expected a Spearman rank correlation in (-1, 1)"),
        "{e}"
    );
    let three = package(
        "monte-carlo",
        "[context]\nfx = { uniform = [0, 1] }\n\
         [[correlation]]\nbetween = [\"parties.us.utility.reservation\", \"parties.kr.utility.reservation\"]\nrank = -0.5\n\
         [[correlation]]\nbetween = [\"context.fx\", \"parties.kr.utility.reservation\"]\nrank = -0.5\n\
         [[correlation]]\nbetween = [\"context.fx\", \"parties.us.utility.reservation\"]\nrank = -0.5\n",
    );
    let e = first_error(&three);
    assert!(
        e.contains("correlation[2].rank") && e.contains("not positive definite"),
        "{e}"
    );
}

/// Every kind of package number may be an expression: the principal's numbers, the
/// calendar's lapse cost, discount, power, a strategy's `kappa` and the `u` of a point;
/// each trial's value is the formula's at its context and is the one the trial uses.
#[test]
fn every_kind_of_package_number_may_be_an_expression() {
    let extra = r#"
[context]
fx = { uniform = [1100, 1200] }

[calendar]
start = "2018-03-01"
expiry = "2018-12-31"
end = "2019-12-31"
round_months = 1
"#;
    let text = package("monte-carlo", extra)
        .replace("max_rounds = 10\n", "")
        .replace(
            "[parties.us]\nstrategy = { kind = \"hardliner\" }",
            "[parties.us]\nlapse_cost = \"0.02 * fx / 1150\"\nratification = \"fx / 1150\"\n\
             discount = \"0.9 + fx / 115000\"\npower = \"fx / 1000\"\n\
             strategy = { kind = \"faratin\", beta = 1, kappa = \"fx / 11500\" }",
        )
        .replace(
            "amount = \"decreasing\"",
            "amount = { points = [[0.9, 1], [1.6, \"fx / 115000\"]] }",
        );
    let s = PackageScenario::parse(&text, "p.toml").expect("valid");
    let names = s.input_names();
    let at = |n: &str| names.iter().position(|x| x == n).expect(n);
    let mut inputs = vec![0.0; names.len()];
    for trial in 0..200 {
        let ctx = SampleCtx {
            trial,
            trials: 200,
            seed: 5,
        };
        let (t, _) = s.draw_trial(ctx, &mut inputs);
        let fx = inputs[at("context.fx")];
        let check = |path: &str, want: f64, used: f64| {
            let got = inputs[at(path)];
            assert!((got - want).abs() <= 1e-12, "{path}: {got} vs {want}");
            assert_eq!(got.to_bits(), used.to_bits(), "{path}: the trial's value");
        };
        let us = &t.parties[0];
        let calendar = t.calendar.expect("calendar");
        check(
            "parties.us.lapse_cost",
            0.02 * fx / 1150.0,
            calendar.lapse_cost[0],
        );
        let limit = t.ratification[0].expect("limit").limit;
        check("parties.us.ratification", fx / 1150.0, limit);
        check(
            "parties.us.discount",
            0.9 + fx / 115_000.0,
            us.preferences.discount,
        );
        check("parties.us.power", fx / 1000.0, us.power);
        let bargain_core::package::tactics::Tactic::Faratin { kappa, .. } = us.tactic else {
            panic!("faratin");
        };
        check("parties.us.strategy.kappa", fx / 11_500.0, kappa);
        let y = inputs[at("parties.kr.utility.amount.points[1][1]")];
        assert!((y - fx / 115_000.0).abs() <= 1e-12, "point");
    }
}
