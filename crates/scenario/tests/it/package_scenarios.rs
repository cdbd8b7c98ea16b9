//! Package scenarios (`[issues]`): parsing, located validation errors, sampling.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use bargain_core::package::aspiration::Aspiration;
use bargain_core::package::preferences::{UtilityTable, ValueFunction};
use bargain_core::package::space::Value;
use bargain_core::package::tactics::Tactic;
use bargain_core::strategy::FaratinFamily;
use bargain_scenario::issues::{PackageModel, PackageScenario};
use bargain_scenario::{SampleCtx, Scenario};

const GOOD: &str = r#"[scenario]
name = "sma-package"

[run]
trials = 50
seed = 7
models = ["agents", "nash", "kalai-smorodinsky", "max-welfare"]

[protocol]
max_rounds = 20
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

[issues.escalation]
kind = "choice"
values = ["none", "cpi-cap-4", "defense-budget"]

[parties.kr]
strategy = { kind = "time-based", preset = "boulware" }

[parties.kr.utility]
weights = { amount = 0.5, term = 0.3, escalation = 0.2 }
amount = "decreasing"
term = { points = [[1, 0.0], [3, 0.8], [5, 1.0]] }
escalation = { table = { none = 1.0, cpi-cap-4 = 0.5, defense-budget = 0.0 } }
reservation = 0.3

[parties.us]
power = 1.5
strategy = { kind = "time-based", preset = "boulware" }

[parties.us.utility]
weights = { amount = { uniform = [0.5, 0.7] }, term = 0.25, escalation = 0.15 }
amount = "increasing"
term = { points = [[1, 1.0], [5, 0.0]] }
escalation = { table = { none = 0.2, cpi-cap-4 = { uniform = [0.5, 0.7] }, defense-budget = 1.0 } }
reservation = { uniform = [0.3, 0.4] }
"#;

#[test]
fn the_issue_example_parses_and_compiles() {
    let s = PackageScenario::parse(GOOD, "good.toml").unwrap();
    assert_eq!(s.party_keys, ["us".to_owned(), "kr".to_owned()]);
    assert_eq!(
        s.run.models,
        [
            PackageModel::Agents,
            PackageModel::Nash,
            PackageModel::KalaiSmorodinsky,
            PackageModel::MaxWelfare
        ]
    );
    let space = s.space();
    // Issues in file order (not alphabetical): amount 15 × term 5 × escalation 3.
    let keys: Vec<&str> = space.issues().iter().map(|i| i.key.as_str()).collect();
    assert_eq!(keys, ["amount", "term", "escalation"]);
    assert_eq!(space.len(), 15 * 5 * 3);
    assert_eq!(
        space.value(space.len() as u32 - 1, 2),
        Value::Label("defense-budget")
    );
    let c = s.central();
    assert_eq!(c.max_rounds, 20);
    let us = &c.parties[0];
    assert_eq!(us.power, 1.5);
    assert!((us.preferences.utility.weights[0] - 0.6).abs() < 1e-12);
    assert!((us.preferences.reservation - 0.35).abs() < 1e-12);
    assert_eq!(
        us.tactic,
        Tactic::TimeBased(Aspiration {
            exponent: 4.0,
            ..Aspiration::default()
        })
    );
    assert_eq!(
        c.parties[1].preferences.utility.values[2],
        ValueFunction::Table(vec![1.0, 0.5, 0.0])
    );
    assert_eq!(
        s.input_names(),
        [
            "parties.us.utility.reservation",
            "parties.us.utility.weights.amount",
            "parties.us.utility.escalation.table.cpi-cap-4",
        ]
    );
    // Tabulates in core: kr's best package is (0.9, 5, none).
    let t = UtilityTable::new(space, &c.parties[1].preferences).unwrap();
    let best = space.index_of(&[0, 4, 0]).unwrap();
    assert!((t.utility(space, best) - 1.0).abs() < 1e-12);
}

#[test]
fn trials_are_sampled_deterministically_with_normalised_weights() {
    let s = PackageScenario::parse(GOOD, "good.toml").unwrap();
    let ctx = |trial| SampleCtx {
        trial,
        trials: 50,
        seed: 7,
    };
    let mut inputs = [0.0; 3];
    let (a, _) = s.draw_trial(ctx(3), &mut inputs);
    let (b, _) = s.draw_trial(ctx(3), &mut [0.0; 3]);
    assert_eq!(a, b);
    let us = &a.parties[0].preferences;
    assert!((0.3..=0.4).contains(&us.reservation));
    assert_eq!(us.reservation, inputs[0]);
    let sum: f64 = us.utility.weights.iter().sum();
    assert!((sum - 1.0).abs() < 1e-12, "{sum}");
    // The drawn amount weight, then normalised.
    assert!((us.utility.weights[0] - inputs[1] / (inputs[1] + 0.4)).abs() < 1e-12);
    let ValueFunction::Table(t) = &us.utility.values[2] else {
        panic!()
    };
    assert_eq!(t[1], inputs[2]);
    // Sampled preferences are valid for core.
    UtilityTable::new(s.space(), us).unwrap();
    let (c, _) = s.draw_trial(ctx(4), &mut inputs);
    assert_ne!(a, c);
}

#[test]
fn scenario_parse_recognises_a_package_and_says_so() {
    let e = Scenario::parse(GOOD, "good.toml").unwrap_err().to_string();
    assert!(
        e.starts_with("good.toml:13:2: issues: expected a one-issue scenario"),
        "{e}"
    );
    // A bad package gets the package's own located errors.
    let bad = GOOD.replace("lo = 1\n", "lo = 6\n");
    let e = Scenario::parse(&bad, "bad.toml").unwrap_err().to_string();
    assert!(
        e.contains("bad.toml:22:6: issues.term.hi: expected hi > lo = 6, found 5"),
        "{e}"
    );
}

/// Replace `from` by `to` in the good file; the error must name `line:col path` and `what`.
fn bad(from: &str, to: &str, at: &str, what: &str) {
    assert!(GOOD.contains(from), "{from}");
    let text = GOOD.replacen(from, to, 1);
    let e = PackageScenario::parse(&text, "bad.toml")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains(&format!("bad.toml:{at}: ")) && e.contains(what),
        "expected `{at}` and `{what}` in:\n{e}"
    );
}

#[test]
fn bad_files_name_line_column_and_field() {
    bad(
        "weights = { amount = 0.5, term = 0.3,",
        "weights = { amount = 0.5, tern = 0.3,",
        "32:34: parties.kr.utility.weights.tern",
        "expected an issue key (`amount`, `term`, `escalation`), found `tern` (did you mean `term`?)",
    );
    bad(
        "amount = 0.5, term = 0.3",
        "amount = 0.5, term = 0.2",
        "32:11: parties.kr.utility.weights",
        "expected weights summing to 1 (central values, tolerance 1e-6), found a sum of 0.9",
    );
    bad(
        "none = 1.0, cpi-cap-4 = 0.5",
        "none = 1.0, cpi-cap-5 = 0.5",
        "35:50: parties.kr.utility.escalation.table.cpi-cap-5",
        "expected a value of `escalation`, found `cpi-cap-5` (did you mean `cpi-cap-4`?)",
    );
    bad(
        "[[1, 0.0], [3, 0.8], [5, 1.0]]",
        "[[1, 0.0], [3, 0.8], [6, 1.0]]",
        "34:41: parties.kr.utility.term.points[2][0]",
        "expected an x inside the range of `term` [1, 5], found 6",
    );
    bad(
        "lo = 0.9\n",
        "lo = 1.7\n",
        "16:6: issues.amount.hi",
        "expected hi > lo = 1.7, found 1.6",
    );
    bad(
        "step = 0.05",
        "step = -0.05",
        "17:8: issues.amount.step",
        "expected a step > 0, found -0.05",
    );
    bad(
        "amount = \"decreasing\"",
        "amount = \"decreasingly\"",
        "33:10: parties.kr.utility.amount",
        "expected `increasing`, `decreasing`, `{ points = [[x, u], …] }`, found \"decreasingly\"",
    );
    bad(
        "escalation = { table = { none = 1.0",
        "escalation = { points = [[1, 1.0]] }\nx = { table = { none = 1.0",
        "35:14: parties.kr.utility.escalation",
        "expected `{ table = { label = u, … } }` for the `choice` issue `escalation`, found `points`",
    );
    bad(
        "reservation = 0.3",
        "reservation = { normal = [0.3] }",
        "36:26: parties.kr.utility.reservation.normal",
        "expected 2 numbers [mean, sd], found 1",
    );
    bad(
        "none = 1.0, cpi-cap-4 = 0.5",
        "none = 1.5, cpi-cap-4 = 0.5",
        "35:33: parties.kr.utility.escalation.table.none",
        "expected a value in [0, 1], found 1.5",
    );
    bad(
        "\"nash\", \"kalai",
        "\"attrition\", \"kalai",
        "7:21: run.models[1]",
        "expected one of `agents`, `nash`, `kalai-smorodinsky`, `max-welfare`, `rubinstein`, `stahl`, `brw` for a package scenario, found `attrition` (it has no meaning on packages yet)",
    );
    bad(
        "values = [\"none\", \"cpi-cap-4\",",
        "values = [\"none\", \"none\",",
        "26:19: issues.escalation.values[1]",
        "expected distinct labels, found \"none\" twice",
    );
    bad(
        "kind = \"time-based\", preset = \"boulware\" }",
        "kind = \"tit-for-tat\", preset = \"boulware\" }",
        "29:45: parties.kr.strategy.preset",
        "expected only keys of kind `tit-for-tat` on packages (it takes no other keys), found `preset`",
    );
    bad(
        "kind = \"time-based\", preset = \"boulware\" }",
        "kind = \"faratin\", preset = \"boulware\", eps = 0.1 }",
        "29:59: parties.kr.strategy.eps",
        "expected only keys of kind `faratin` on packages (it takes `preset`, `beta`, `kappa`, `family`), found `eps`",
    );
    bad(
        "kind = \"time-based\", preset = \"boulware\" }",
        "kind = \"faratin\", preset = \"boulware\", beta = 2 }",
        "29:60: parties.kr.strategy.beta",
        "expected either `preset` or `beta`, found both",
    );
    bad(
        "kind = \"time-based\", preset = \"boulware\" }",
        "kind = \"faratin\", beta = 2, kappa = 1.5 }",
        "29:50: parties.kr.strategy.kappa",
        "expected a probability in [0, 1], found 1.5",
    );
    bad(
        "kind = \"time-based\", preset = \"boulware\" }",
        "kind = \"faratin\" }",
        "29:12: parties.kr.strategy",
        "expected `preset` or `beta` for kind `faratin`, found neither",
    );
    bad(
        "[issues.term]\nkind = \"integer\"",
        "[issues.weights]\nkind = \"integer\"",
        "19:1: issues.weights",
        "expected an issue key other than `weights`",
    );
    bad(
        "term = { points = [[1, 0.0], [3, 0.8], [5, 1.0]] }\n",
        "",
        "31:1: parties.kr.utility",
        "expected a value function for every issue, found none for `term`",
    );
}

#[test]
fn one_issue_scenarios_are_unchanged() {
    let text = Scenario::builtin_sma_2019_text();
    assert!(!PackageScenario::is_package(text));
    assert!(PackageScenario::is_package(GOOD));
    Scenario::parse(text, "sma.toml").unwrap();
    // A one-issue scenario is not a package scenario: the package parser says what is missing.
    let e = PackageScenario::parse(text, "sma.toml")
        .unwrap_err()
        .to_string();
    assert!(e.contains("sma.toml:"), "{e}");
}

#[test]
fn keys_with_brackets_and_quotes_are_located_without_panicking() {
    // Field paths quote such keys; locating them once panicked on `]` after an index.
    let one_issue =
        Scenario::builtin_sma_2019_text().replace("[parties.us]", "[parties.\"u[0]]\"]");
    let e = Scenario::parse(&one_issue, "s.toml")
        .unwrap_err()
        .to_string();
    assert!(e.contains("parties.\"u[0]]\": expected a party key"), "{e}");
    let text = GOOD.replace("cpi-cap-4 = 0.5", "\"x[0]]\" = 0.5");
    let e = PackageScenario::parse(&text, "p.toml")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("p.toml:35:48: parties.kr.utility.escalation.table.\"x[0]]\": expected a value of `escalation`, found `x[0]]`"),
        "{e}"
    );
}

/// `GOOD` with an `[observed]` table made of `body`.
fn with_observed(body: &str) -> String {
    format!("{GOOD}\n[observed]\n{body}")
}

#[test]
fn observed_values_parse_one_per_issue_in_issue_order() {
    use bargain_scenario::issues::ObservedValue;
    let text = with_observed(
        "escalation = \"none\"\namount = 1.0389\nterm = 1\ndate = \"2019-02-10\"\nsource = \"S31\"\n",
    );
    let s = PackageScenario::parse(&text, "good.toml").unwrap();
    let o = s.observed.unwrap();
    assert_eq!(
        o.values,
        [
            ObservedValue::Number(1.0389),
            ObservedValue::Integer(1),
            ObservedValue::Label("none".into()),
        ]
    );
    assert_eq!(o.date, bargain_scenario::date::parse_date("2019-02-10"));
    assert_eq!(o.source.as_deref(), Some("S31"));
    // Without the table there is nothing observed.
    assert!(
        PackageScenario::parse(GOOD, "good.toml")
            .unwrap()
            .observed
            .is_none()
    );
}

#[test]
fn bad_observed_values_are_located() {
    let base = "amount = 1.0\nterm = 2\nescalation = \"none\"\n";
    let line0 = GOOD.lines().count() + 3; // the first line after `[observed]`
    let cases: [(&str, &str, &str); 7] = [
        (
            "amount = 1.0",
            "amount = 1.7",
            "observed.amount: expected a number in [0.9, 1.6] (the issue's range), found 1.7",
        ),
        (
            "term = 2",
            "term = 2.5",
            "observed.term: expected an integer in 1..=5 (the issue's range), found 2.5",
        ),
        (
            "term = 2",
            "term = 6",
            "observed.term: expected an integer in 1..=5 (the issue's range), found 6",
        ),
        (
            "escalation = \"none\"",
            "escalation = \"cpi\"",
            "observed.escalation: expected one of `none`, `cpi-cap-4`, `defense-budget`, found `cpi`",
        ),
        (
            "escalation = \"none\"",
            "escalation = 2",
            "observed.escalation: expected a label of the choice issue, found the number 2",
        ),
        (
            "amount = 1.0",
            "amount = 1.0\nterms = 2",
            "observed.terms: expected an issue key, `date` or `source`, found `terms` (did you mean `term`?)",
        ),
        (
            "amount = 1.0",
            "amount = \"one\"",
            "observed.amount: expected a number, found the label \"one\"",
        ),
    ];
    for (from, to, want) in cases {
        let body = base.replace(from, to);
        let e = PackageScenario::parse(&with_observed(&body), "p.toml")
            .unwrap_err()
            .to_string();
        let field = want.split(':').next().unwrap().rsplit('.').next().unwrap();
        let line = line0 + body.lines().position(|l| l.starts_with(field)).unwrap();
        assert!(e.contains(want), "{e}\nwanted: {want}");
        assert!(
            e.starts_with(&format!("p.toml:{line}:")),
            "{e}\nwanted line {line}"
        );
    }
    // A missing issue value and a bad date.
    let e = PackageScenario::parse(&with_observed("amount = 1.0\nterm = 2\n"), "p.toml")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("observed: expected a value for every issue, found none for `escalation`"),
        "{e}"
    );
    let e = PackageScenario::parse(
        &with_observed(&format!("{base}date = \"2019-2-10\"\n")),
        "p.toml",
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains(&format!("p.toml:{}:", line0 + 3)), "{e}");
    assert!(
        e.contains("observed.date: expected a date of the form YYYY-MM-DD"),
        "{e}"
    );
}

/// Every one-issue strategy kind works on packages, with the one-issue keys; a Faratin
/// preset `choice` draws β per trial.
#[test]
fn every_strategy_kind_works_on_packages() {
    // Both parties' lines (kr's first in the file, then us's).
    let line = "strategy = { kind = \"time-based\", preset = \"boulware\" }";
    assert_eq!(GOOD.matches(line).count(), 2);
    let with = |a: &str, b: &str| {
        let text = GOOD.replacen(line, b, 1).replacen(line, a, 1);
        PackageScenario::parse(&text, "kinds.toml").unwrap()
    };
    let s = with(
        "strategy = { kind = \"faratin\", beta = 0.5, kappa = 0.1, family = \"exponential\" }",
        "strategy = { kind = \"hardliner\" }",
    );
    let c = s.central();
    assert_eq!(
        c.parties[0].tactic,
        Tactic::Faratin {
            beta: 0.5,
            kappa: 0.1,
            family: FaratinFamily::Exponential
        }
    );
    assert_eq!(c.parties[1].tactic, Tactic::Hardliner);
    let s = with(
        "strategy = { kind = \"tit-for-tat\" }",
        "strategy = { kind = \"faratin\", preset = { choice = [\"boulware\", \"conceder\"] }, kappa = { uniform = [0, 0.2] } }",
    );
    assert_eq!(s.central().parties[0].tactic, Tactic::TitForTat);
    let names = s.input_names();
    assert!(
        names.contains(&"parties.kr.strategy.preset".to_string()),
        "{names:?}"
    );
    assert!(
        names.contains(&"parties.kr.strategy.kappa".to_string()),
        "{names:?}"
    );
    let mut betas = std::collections::BTreeSet::new();
    for trial in 0..40 {
        let (t, _) = s.draw_trial(
            SampleCtx {
                trial,
                trials: 40,
                seed: 3,
            },
            &mut [],
        );
        let Tactic::Faratin {
            beta,
            kappa,
            family,
        } = t.parties[1].tactic
        else {
            panic!("not faratin: {:?}", t.parties[1].tactic)
        };
        assert!((0.0..=0.2).contains(&kappa), "{kappa}");
        assert_eq!(family, FaratinFamily::Polynomial);
        betas.insert(beta.to_bits());
    }
    // Boulware β 0.2 and conceder β 2, both drawn.
    let want: std::collections::BTreeSet<u64> = [0.2f64, 2.0].iter().map(|b| b.to_bits()).collect();
    assert_eq!(betas, want);
}
