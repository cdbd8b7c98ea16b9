//! `[[exclude]]` (issue #21 item 3): combinations of issue values that are not valid
//! contracts are never offered, accepted or chosen; bad rules are located errors.

use std::sync::atomic::AtomicBool;

use bargain_core::package::space::OutcomeSpace;
use bargain_runner::ensemble::Shard;
use bargain_runner::ensemble::kernel::package::Packages;
use bargain_runner::ensemble::package::{Prepared, deal};
use bargain_runner::ensemble::{self, Hooks};
use bargain_runner::scenario::SampleCtx;
use bargain_runner::scenario::issues::PackageScenario;
use proptest::prelude::*;

use crate::common::{bargain, write};

/// A three-issue package with uncertain reservations, preset and weights, and `rules`.
fn package(rules: &str) -> String {
    format!(
        r#"[scenario]
name = "exclude"
[run]
trials = 40
seed = 3
models = ["agents", "nash", "kalai-smorodinsky", "max-welfare"]
[protocol]
max_rounds = {{ uniform = [5, 30] }}
first_mover = "us"
[issues.amount]
kind = "number"
lo = 0
hi = 1
step = 0.25
[issues.term]
kind = "integer"
lo = 1
hi = 4
[issues.escalation]
kind = "choice"
values = ["none", "cpi", "budget"]
{rules}
[parties.us]
strategy = {{ kind = "time-based", preset = {{ choice = ["boulware", "linear", "conceder"] }} }}
[parties.us.utility]
weights = {{ amount = {{ uniform = [0.3, 0.7] }}, term = 0.3, escalation = 0.2 }}
amount = "increasing"
term = "decreasing"
escalation = {{ table = {{ none = 0.0, cpi = 0.5, budget = 1.0 }} }}
reservation = {{ uniform = [0.0, 0.4] }}
[parties.kr]
strategy = {{ kind = "time-based", preset = "linear" }}
[parties.kr.utility]
weights = {{ amount = 0.5, term = 0.3, escalation = 0.2 }}
amount = "decreasing"
term = "increasing"
escalation = {{ table = {{ none = 1.0, cpi = 0.6, budget = 0.0 }} }}
reservation = {{ uniform = [0.0, 0.4] }}
"#
    )
}

/// One random rule: a non-empty subset of the issues, each with a non-empty subset of
/// its values (as TOML).
fn rule() -> impl Strategy<Value = String> {
    let amounts = proptest::sample::subsequence(vec!["0", "0.25", "0.5", "0.75", "1"], 1..=3);
    let terms = proptest::sample::subsequence(vec!["1", "2", "3", "4"], 1..=3);
    let labels = proptest::sample::subsequence(vec!["\"none\"", "\"cpi\"", "\"budget\""], 1..=2);
    (
        proptest::option::of(amounts),
        proptest::option::of(terms),
        proptest::option::of(labels),
    )
        .prop_filter("at least one key", |(a, t, l)| {
            a.is_some() || t.is_some() || l.is_some()
        })
        .prop_map(|(a, t, l)| {
            let mut r = String::from("[[exclude]]\n");
            for (key, v) in [("amount", a), ("term", t), ("escalation", l)] {
                if let Some(v) = v {
                    r.push_str(&format!("{key} = [{}]\n", v.join(", ")));
                }
            }
            r
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Whatever the rules, no model's deal in any trial is an excluded contract, and
    /// every model still reaches deals when allowed outcomes remain.
    #[test]
    fn no_deal_violates_an_exclusion(rules in proptest::collection::vec(rule(), 1..=3)) {
        let text = package(&rules.join("\n"));
        let Ok(s) = PackageScenario::parse(&text, "exclude.toml") else {
            // Only a rule set that excludes every outcome may be refused.
            let err = PackageScenario::parse(&text, "exclude.toml").err().map(|e| e.to_string());
            prop_assert!(err.as_deref().is_some_and(|e| e.contains("exclude all")), "{err:?}");
            return Ok(());
        };
        let space: &OutcomeSpace = s.space();
        let rules = s.exclusions();
        prop_assert!(!rules.is_empty());
        let mut cache = bargain_core::package::aspiration::PowerCache::new();
        for trial in 0..s.run.trials {
            let ctx = SampleCtx { trial, trials: s.run.trials, seed: s.run.seed };
            let (t, _) = s.draw_trial(ctx, &mut []);
            let p = Prepared::new(&s, &t).expect("preferences");
            for &m in &s.run.models {
                if let Some((o, _)) = deal(m, &s, &t, &p, &mut cache) {
                    prop_assert!(space.is_allowed(o, rules), "{m:?} trial {trial}: outcome {o}");
                }
            }
            // Neither negotiator can offer an excluded outcome: none is in its list.
            for sorted in &p.sorted {
                prop_assert!(sorted.order().iter().all(|&o| space.is_allowed(o, rules)));
            }
        }
        // The engine's tallies agree: no deal on an excluded combination of the
        // non-amount issues when a rule names only those.
        let never = AtomicBool::new(false);
        let k = Packages::new(&s, s.run.trials, s.run.seed, &never).expect("kernel");
        let acc = ensemble::run(&k, Shard::WHOLE, Hooks::silent(&never)).expect("run");
        for (m, a) in &acc.models {
            prop_assert_eq!(a.trials, s.run.trials, "{:?}", m);
        }
    }
}

/// The shipped 2019 package never agrees on a one-year term with an escalator.
#[test]
fn the_2019_package_has_no_one_year_escalator() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../scenarios/sma-2019-package.toml");
    let s = PackageScenario::from_path(&path).expect("shipped");
    assert!(!s.exclusions().is_empty());
    let never = AtomicBool::new(false);
    let k = Packages::new(&s, 2000, 2019, &never).expect("kernel");
    let acc = ensemble::run(&k, Shard::WHOLE, Hooks::silent(&never)).expect("run");
    let space = s.space();
    let term = space.issue_position("term").expect("term");
    let esc = space.issue_position("escalation").expect("escalation");
    for (m, a) in &acc.models {
        let t = a.issues.as_ref().expect("tally");
        assert!(a.deals() > 0, "{m:?}");
        // Joint combinations are (term, escalation) in file order, escalation fastest.
        let sizes = space.size(esc) as u64;
        assert!(term < esc);
        for (k, n) in &t.joint {
            let (tv, ev) = (k / sizes, k % sizes);
            assert!(
                !(tv == 0 && ev > 0 && *n > 0),
                "{m:?}: one-year term with escalator {ev}"
            );
        }
    }
}

/// Bad rules are located errors (file:line:col and the rule's path) and exit 2.
#[test]
fn bad_rules_are_located_errors() {
    let dir = tempfile::tempdir().expect("tmp");
    for (i, (rule, path, want)) in [
        (
            "[[exclude]]\nterms = 1\n",
            "exclude[0].terms",
            "expected an issue key, found `terms` (did you mean `term`?)",
        ),
        (
            "[[exclude]]\nescalation = \"cpl\"\n",
            "exclude[0].escalation",
            "expected one of `none`, `cpi`, `budget`, found `cpl`",
        ),
        (
            "[[exclude]]\nterm = [1, 9]\n",
            "exclude[0].term[1]",
            "expected a value of issue `term`",
        ),
        (
            "[[exclude]]\namount = 0.3\n",
            "exclude[0].amount",
            "on its grid), found 0.3",
        ),
        (
            "[[exclude]]\nterm = []\n",
            "exclude[0].term",
            "non-empty list",
        ),
        ("[[exclude]]\n", "exclude[0]", "empty rule"),
        (
            "[[exclude]]\nterm = [1, 2, 3, 4]\n",
            "exclude",
            "exclude all 60 outcomes",
        ),
    ]
    .into_iter()
    .enumerate()
    {
        let f = write(dir.path(), &format!("x{i}.toml"), &package(rule));
        let out = bargain(&["validate", f.to_str().expect("utf-8")]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{rule}: {err}");
        assert!(err.contains(&format!("x{i}.toml:")), "{err}");
        assert!(err.contains(&format!(": {path}: ")), "{path} in {err}");
        assert!(err.contains(want), "{want} in {err}");
    }
}
