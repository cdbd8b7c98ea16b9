//! The `learning` strategy through the binary (issue #25): it runs on
//! `scenarios/sma-2019.toml` by `--set` and on the package scenario with one party
//! learning, and `replay` (text and `--json`) shows its estimate after each offer.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::common::{json, ok, write};

fn shipped(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../scenarios")
        .join(name)
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

const KR_LEARNS: &str = "parties.kr.strategy={ kind = \"learning\" }";

#[test]
fn learning_runs_on_sma_2019_and_differs_from_the_file_s_agents() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = shipped("sma-2019.toml");
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    let common = ["--trials", "3000", "--quiet"];
    ok(&[&["run", s(&file), "--out", s(&a)], &common[..]].concat());
    ok(&[
        &["run", s(&file), "--out", s(&b), "--set", KR_LEARNS],
        &common[..],
    ]
    .concat());
    let (plain, learning) = (json(&a.join("summary.json")), json(&b.join("summary.json")));
    let rate = |v: &Value| {
        v["models"]["agents"]["agreement_rate"]
            .as_f64()
            .expect("a number")
    };
    assert!(rate(&learning) > 0.5, "{}", rate(&learning));
    assert_ne!(
        plain["models"]["agents"]["amount"], learning["models"]["agents"]["amount"],
        "the override reached the negotiators"
    );
}

/// The `replay --json` object of `file` (with `sets`) at `trial`.
fn replay_json(file: &Path, trial: &str, sets: &[&str]) -> Value {
    let mut args = vec!["replay", s(file), "--trial", trial, "--json"];
    for set in sets {
        args.extend(["--set", set]);
    }
    serde_json::from_slice(&ok(&args).stdout).expect("json")
}

#[test]
fn replay_shows_the_learner_s_estimate_after_each_offer() {
    let file = shipped("sma-2019.toml");
    let mut with_estimates = 0;
    for trial in ["0", "3", "11"] {
        let v = replay_json(&file, trial, &[KR_LEARNS]);
        let offers = v["offers"].as_array().expect("an array");
        let mut seen = 0;
        for o in offers {
            match o.get("estimate") {
                Some(e) => {
                    // Only the US's offers, estimated by Korea, one more offer each time.
                    assert_eq!(o["by"], "us", "{o}");
                    assert_eq!(e["by"], "kr", "{o}");
                    seen += 1;
                    assert_eq!(e["observed"], seen, "{o}");
                    assert!(
                        e["reservation"].as_f64().expect("a number").is_finite(),
                        "{o}"
                    );
                    assert!(e["sd"].as_f64().expect("a number") >= 0.0, "{o}");
                }
                None => assert_eq!(o["by"], "kr", "a US offer without an estimate: {o}"),
            }
        }
        assert!(seen > 0);
        with_estimates += 1;
        // The text shows the same estimates.
        let text = ok(&["replay", s(&file), "--trial", trial, "--set", KR_LEARNS]).stdout;
        let text = String::from_utf8(text).expect("utf-8");
        let lines = text
            .lines()
            .filter(|l| l.contains("Republic of Korea estimates United States's reservation at"))
            .count();
        assert_eq!(lines, seen, "{text}");
    }
    assert_eq!(with_estimates, 3);
    // Without a learner, no estimate anywhere.
    let v = replay_json(&file, "3", &[]);
    assert!(
        v["offers"]
            .as_array()
            .expect("present")
            .iter()
            .all(|o| o.get("estimate").is_none())
    );
}

#[test]
fn learning_runs_on_the_package_scenario_and_its_replay_shows_the_estimate() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = std::fs::read_to_string(shipped("sma-2019-package.toml")).expect("present");
    // Korea's negotiator learns (the first `strategy = ` line of `[parties.kr]`).
    let table = text.find("\n[parties.kr]\n").expect("Korea's table");
    let kr = "\nstrategy = ";
    let at = table + text[table..].find(kr).expect("Korea's strategy line") + kr.len();
    let end = at + text[at..].find('\n').expect("present");
    let text = format!(
        "{}{{ kind = \"learning\", hypotheses = 48 }}{}",
        &text[..at],
        &text[end..]
    );
    let file = write(dir.path(), "pkg-learning.toml", &text);
    let out = dir.path().join("out");
    ok(&[
        "run",
        s(&file),
        "--trials",
        "400",
        "--quiet",
        "--out",
        s(&out),
    ]);
    let summary = json(&out.join("summary.json"));
    assert!(
        summary["models"]["agents"]["agreement_rate"]
            .as_f64()
            .expect("present")
            > 0.3
    );

    let v = replay_json(&file, "2", &[]);
    let offers = v["offers"].as_array().expect("an array");
    let estimates: Vec<&Value> = offers.iter().filter_map(|o| o.get("estimate")).collect();
    assert!(!estimates.is_empty());
    for (k, e) in estimates.iter().enumerate() {
        assert_eq!(e["by"], "kr");
        assert_eq!(e["observed"], k + 1);
        let u = e["utility"].as_f64().expect("a number");
        assert!((-0.01..=1.01).contains(&u), "{e}");
        // Three issues: the learner models the US's weights (a distribution over the
        // issues) and concedes toward a goal within its own utility range.
        let w = e["weights"].as_object().expect("the estimated weights");
        let keys: Vec<&str> = w.keys().map(String::as_str).collect();
        assert_eq!(keys.len(), 3, "{e}");
        for key in ["amount", "term", "escalation"] {
            assert!(keys.contains(&key), "{e}");
        }
        let sum: f64 = w.values().map(|x| x.as_f64().expect("a number")).sum();
        assert!((sum - 1.0).abs() < 1e-9, "{e}");
        let g = e["goal"].as_f64().expect("a goal");
        assert!((-0.01..=1.01).contains(&g), "{e}");
    }
    for o in offers {
        assert_eq!(o.get("estimate").is_some(), o["by"] == "us", "{o}");
    }
    // `--set` on the shipped file does the same (package replays apply overrides).
    let set = replay_json(
        &shipped("sma-2019-package.toml"),
        "2",
        &["parties.kr.strategy={ kind = \"learning\", hypotheses = 48 }"],
    );
    assert_eq!(set["offers"], v["offers"]);
    let text = String::from_utf8(ok(&["replay", s(&file), "--trial", "2"]).stdout).expect("utf-8");
    assert!(
        text.contains("kr estimates us's concession ends at utility"),
        "{text}"
    );
    assert!(
        text.contains("its goal: utility") && text.contains("us's weights as it estimates them: "),
        "{text}"
    );
}
