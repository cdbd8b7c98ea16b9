//! End-to-end tests of `bargain compare`.

use crate::common;
use common::{bargain, json, ok, write};

/// A scenario with uncertain reservations; `payer_hi` is the top of the payer's
/// reservation range.
fn scenario(name: &str, payer_hi: f64) -> String {
    format!(
        r#"
[scenario]
name = "{name}"
unit = "trillion KRW"
[run]
trials = 4000
seed = 7
models = ["agents", "nash", "rubinstein"]
[protocol]
max_rounds = 8
first_mover = "us"
breakdown_risk = {{ uniform = [0.0, 0.02] }}
[parties.us]
side = "payee"
opening = {{ triangular = [1.3, 1.4, 1.6] }}
reservation = {{ uniform = [0.95, 1.13] }}
discount = {{ uniform = [0.95, 0.99] }}
strategy = {{ kind = "time-based", preset = {{ choice = ["boulware", "linear", "conceder"] }} }}
[parties.kr]
side = "payer"
opening = {{ triangular = [0.96, 0.97, 0.9999] }}
reservation = {{ uniform = [1.0, {payer_hi}] }}
discount = {{ uniform = [0.95, 0.99] }}
strategy = {{ kind = "time-based", preset = {{ choice = ["boulware", "linear", "conceder"] }} }}
"#
    )
}

#[test]
fn a_report_compared_with_itself_gives_zeros() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let a = write(tmp.path(), "a.toml", &scenario("same", 1.2));
    let report = tmp.path().join("report");
    ok(&[
        "run",
        a.to_str().expect("utf8"),
        "--trials",
        "3000",
        "--out",
        report.to_str().expect("utf8"),
        "-q",
    ]);
    let out = tmp.path().join("cmp");
    let r = report.to_str().expect("utf8");
    let o = ok(&["compare", r, r, "--out", out.to_str().expect("utf8")]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("agreement rate"), "{stdout}");
    for f in ["compare.json", "compare.html", "compare.svg", "compare.png"] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    let c = json(&out.join("compare.json"));
    assert_eq!(c["format"], "bargain-compare");
    assert_eq!(c["common_random_numbers"], false);
    let models = c["models"].as_object().expect("models");
    assert_eq!(models.len(), 3);
    for (name, m) in models {
        for key in ["ks", "wasserstein"] {
            assert_eq!(m[key].as_f64(), Some(0.0), "{name} {key}");
        }
        for key in ["agreement_rate", "mean", "median"] {
            assert_eq!(m[key]["estimate"].as_f64(), Some(0.0), "{name} {key}");
        }
        assert_eq!(m["rounds"]["a"], m["rounds"]["b"]);
    }
}

#[test]
fn a_higher_payer_reservation_raises_the_mean_with_an_interval_above_zero() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let a = write(tmp.path(), "a.toml", &scenario("low", 1.2));
    let b = write(tmp.path(), "b.toml", &scenario("high", 1.4));
    let out = tmp.path().join("cmp");
    ok(&[
        "compare",
        a.to_str().expect("utf8"),
        b.to_str().expect("utf8"),
        "--trials",
        "3000",
        "--out",
        out.to_str().expect("utf8"),
        "-q",
    ]);
    let c = json(&out.join("compare.json"));
    assert_eq!(c["common_random_numbers"], true);
    assert_eq!(c["a"]["seed"], c["b"]["seed"]);
    assert_eq!(c["a"]["trials"].as_u64(), Some(3000));
    for name in ["agents", "nash", "rubinstein"] {
        let m = &c["models"][name]["mean"];
        let (est, lo) = (
            m["estimate"].as_f64().expect("estimate"),
            m["lo"].as_f64().expect("lo"),
        );
        assert!(est > 0.0 && lo > 0.0, "{name}: {m}");
        assert!(c["models"][name]["ks"].as_f64().expect("ks") > 0.0);
    }
    // The paired run reproduces the ordinary run of each scenario exactly.
    let run = tmp.path().join("run-b");
    ok(&[
        "run",
        b.to_str().expect("utf8"),
        "--trials",
        "3000",
        "--out",
        run.to_str().expect("utf8"),
        "-q",
    ]);
    assert_eq!(
        std::fs::read(run.join("summary.json")).expect("run summary"),
        std::fs::read(out.join("b.summary.json")).expect("compare summary")
    );
    // The same comparison from the two report folders (unpaired) agrees on direction.
    let run_a = tmp.path().join("run-a");
    ok(&[
        "run",
        a.to_str().expect("utf8"),
        "--trials",
        "3000",
        "--out",
        run_a.to_str().expect("utf8"),
        "-q",
    ]);
    let out2 = tmp.path().join("cmp2");
    ok(&[
        "compare",
        run_a.to_str().expect("utf8"),
        run.to_str().expect("utf8"),
        "--out",
        out2.to_str().expect("utf8"),
        "-q",
    ]);
    let c2 = json(&out2.join("compare.json"));
    assert_eq!(c2["common_random_numbers"], false);
    let m = &c2["models"]["nash"]["mean"];
    assert!(m["lo"].as_f64().expect("lo") > 0.0, "{m}");
}

#[test]
fn missing_inputs_are_usage_errors() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let nowhere = tmp.path().join("nowhere");
    let n = nowhere.to_str().expect("utf8");
    let out = bargain(&["compare", n, n]);
    assert_eq!(out.status.code(), Some(2));
    // A folder without summary.json is not a report.
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).expect("mkdir");
    let e = empty.to_str().expect("utf8");
    let out = bargain(&["compare", e, e, "--out", n]);
    assert_eq!(out.status.code(), Some(2));
}

/// Each input draws from the stream of its field path, so a variant that fixes one input
/// (a distribution replaced by a constant) still pairs every other input with the base,
/// trial by trial: the paired interval of the mean difference is much narrower than the
/// unpaired one (issue #22). Different samplers are not paired, and `compare` says so.
#[test]
fn fixing_one_input_keeps_the_comparison_paired() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let base = scenario("base", 1.2);
    let a = write(tmp.path(), "a.toml", &base);
    let fixed = base.replace("name = \"base\"", "name = \"fixed\"").replace(
        "opening = { triangular = [1.3, 1.4, 1.6] }",
        "opening = 1.45",
    );
    assert_ne!(fixed, base.replace("name = \"base\"", "name = \"fixed\""));
    let b = write(tmp.path(), "b.toml", &fixed);
    let out = tmp.path().join("cmp");
    let run = |b: &std::path::Path, out: &std::path::Path| {
        let o = ok(&[
            "compare",
            a.to_str().expect("utf8"),
            b.to_str().expect("utf8"),
            "--trials",
            "3000",
            "--out",
            out.to_str().expect("utf8"),
        ]);
        (json(&out.join("compare.json")), o)
    };
    let (c, _) = run(&b, &out);
    assert_eq!(c["common_random_numbers"], true);
    let nash = &c["models"]["nash"];
    let half =
        |d: &serde_json::Value| d["hi"].as_f64().expect("hi") - d["lo"].as_f64().expect("lo");
    let paired = half(&nash["paired_amount"]["difference"]);
    // The unpaired interval of the same difference, from the two summaries.
    let ra = tmp.path().join("ra");
    let rb = tmp.path().join("rb");
    for (f, r) in [(&a, &ra), (&b, &rb)] {
        ok(&[
            "run",
            f.to_str().expect("utf8"),
            "--trials",
            "3000",
            "-q",
            "--out",
            r.to_str().expect("utf8"),
        ]);
    }
    let out2 = tmp.path().join("cmp-reports");
    ok(&[
        "compare",
        ra.to_str().expect("utf8"),
        rb.to_str().expect("utf8"),
        "-q",
        "--out",
        out2.to_str().expect("utf8"),
    ]);
    let unpaired = half(&json(&out2.join("compare.json"))["models"]["nash"]["mean"]);
    assert!(
        paired < 0.5 * unpaired,
        "paired width {paired} vs unpaired {unpaired}: the inputs are not common"
    );

    // A Latin-hypercube variant is not paired with a Monte Carlo base.
    let lhs = write(
        tmp.path(),
        "lhs.toml",
        &base
            .replace("name = \"base\"", "name = \"lhs\"")
            .replace("seed = 7", "seed = 7\nsampler = \"latin-hypercube\""),
    );
    let (c, o) = run(&lhs, &tmp.path().join("cmp-lhs"));
    assert_eq!(c["common_random_numbers"], false);
    let text = String::from_utf8_lossy(&o.stdout).to_string() + &String::from_utf8_lossy(&o.stderr);
    assert!(text.contains("different samplers"), "{text}");
    assert!(text.contains("independent samples"), "{text}");
}
