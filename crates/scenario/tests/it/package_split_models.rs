//! `rubinstein`, `stahl` and `brw` (`breakdown`) on packages: accepted where the amount
//! is a transferable good, refused with located errors where it is not.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use bargain_scenario::issues::{PackageModel, PackageScenario};

const GOOD: &str = r#"[scenario]
name = "split-package"

[run]
trials = 10
seed = 3
models = ["nash", "rubinstein", "stahl", "breakdown"]

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

[parties.kr]
strategy = { kind = "time-based", preset = "boulware" }

[parties.kr.utility]
weights = { amount = 0.6, term = 0.4 }
amount = { points = [[0.9, 1.0], [1.6, { uniform = [0.0, 0.1] }]] }
term = { points = [[1, 0.0], [3, 0.8], [5, 1.0]] }
reservation = 0.3

[parties.us]
strategy = { kind = "time-based", preset = "boulware" }

[parties.us.utility]
weights = { amount = 0.7, term = 0.3 }
amount = "increasing"
term = { points = [[1, 1.0], [5, 0.0]] }
reservation = 0.3
"#;

#[test]
fn split_models_parse_on_a_transferable_amount() {
    let s = PackageScenario::parse(GOOD, "good.toml").unwrap();
    assert_eq!(
        s.run.models,
        [
            PackageModel::Nash,
            PackageModel::Rubinstein,
            PackageModel::Stahl,
            PackageModel::Brw
        ]
    );
    assert_eq!(PackageModel::Brw.as_str(), "brw");
    assert_eq!(
        PackageModel::from_name("breakdown"),
        Some(PackageModel::Brw)
    );
    // Without a split model, the same files need no transferable amount.
    let bent = GOOD
        .replace(
            "\"rubinstein\", \"stahl\", \"breakdown\"",
            "\"max-welfare\"",
        )
        .replace(
            "[[0.9, 1.0], [1.6, { uniform",
            "[[0.9, 1.0], [1.2, 0.2], [1.6, { uniform",
        );
    assert!(PackageScenario::parse(&bent, "bent.toml").is_ok());
}

fn bad(from: &str, to: &str, at: &str, what: &str) {
    assert!(GOOD.contains(from), "{from}");
    let text = GOOD.replace(from, to);
    let e = PackageScenario::parse(&text, "bad.toml")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains(&format!("bad.toml:{at}: ")) && e.contains(what),
        "expected `{at}` and `{what}` in:\n{e}"
    );
}

#[test]
fn split_models_are_refused_where_the_amount_is_not_transferable() {
    // No amount issue: at the first split model.
    bad(
        "amount",
        "money",
        "7:19: run.models[1]",
        "expected an `amount` issue (a `number` issue keyed `amount`, the good `rubinstein` splits between the parties) in a package that runs `rubinstein`, found none",
    );
    // A value of the amount that bends.
    bad(
        "[[0.9, 1.0], [1.6, { uniform = [0.0, 0.1] }]]",
        "[[0.9, 1.0], [1.2, 0.2], [1.6, 0.0]]",
        "29:10: parties.kr.utility.amount",
        "expected a value linear in the amount over [0.9, 1.6] (`increasing`, `decreasing`, or `points` on one line from 0.9 to 1.6: utility transferable in the amount, which `rubinstein` splits), found a value function that bends",
    );
    // Flat before its first point: bends at 1.0.
    bad(
        "[[0.9, 1.0], [1.6, { uniform = [0.0, 0.1] }]]",
        "[[1.0, 1.0], [1.6, 0.0]]",
        "29:10: parties.kr.utility.amount",
        "found a value function that bends",
    );
    // On one line centrally, but an uncertain middle point can bend it.
    bad(
        "[[0.9, 1.0], [1.6, { uniform = [0.0, 0.1] }]]",
        "[[0.9, 1.0], [1.25, { uniform = [0.4, 0.6] }], [1.6, 0.0]]",
        "29:10: parties.kr.utility.amount",
        "found points with uncertain values that can bend it",
    );
    // Both value more money.
    bad(
        "{ points = [[0.9, 1.0], [1.6, { uniform = [0.0, 0.1] }]] }",
        "\"increasing\"",
        "29:10: parties.kr.utility.amount",
        "expected the amount to be worth more to one party and less to the other (the transfer `rubinstein` splits), found both valuing it increasing",
    );
    // A party to which the amount is worth nothing.
    bad(
        "weights = { amount = 0.6, term = 0.4 }",
        "weights = { amount = 0.0, term = 1.0 }",
        "28:22: parties.kr.utility.weights.amount",
        "found `kr` indifferent to the amount",
    );
    // Models with no meaning on packages are still refused.
    bad(
        "\"stahl\", \"breakdown\"",
        "\"stahl\", \"attrition\"",
        "7:42: run.models[3]",
        "expected one of `agents`, `nash`, `kalai-smorodinsky`, `max-welfare`, `rubinstein`, `stahl`, `brw` for a package scenario, found `attrition` (it has no meaning on packages yet)",
    );
}
