//! `--set PATH=VALUE` (issue #22): a field of the scenario file replaced before it is
//! checked, on every command; a run with an override equals a run of the file edited by
//! hand and the sweep point at that value; a bad override is reported at the override.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use crate::common::{bargain, json, ok, write};

fn sma_2019() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/sma-2019.toml")
}

#[test]
fn a_run_with_an_override_equals_the_file_edited_by_hand_and_the_sweep_point() {
    let dir = tempfile::tempdir().unwrap();
    let file = sma_2019();
    let text = std::fs::read_to_string(&file).unwrap();
    // The file's own Korean reservation line, replaced by a constant.
    let line = text
        .lines()
        .find(|l| l.starts_with("reservation") && text.find(l) > text.find("[parties.kr]"))
        .unwrap();
    let edited = write(
        dir.path(),
        "sma-2019.toml",
        &text.replacen(line, "reservation = 1.12", 1),
    );
    let by_hand = dir.path().join("by-hand");
    let with_set = dir.path().join("with-set");
    ok(&[
        "run",
        edited.to_str().unwrap(),
        "--trials",
        "3000",
        "-q",
        "--out",
        by_hand.to_str().unwrap(),
    ]);
    ok(&[
        "run",
        file.to_str().unwrap(),
        "--set",
        "parties.kr.reservation=1.12",
        "--trials",
        "3000",
        "-q",
        "--out",
        with_set.to_str().unwrap(),
    ]);
    let a = std::fs::read(by_hand.join("summary.json")).unwrap();
    let b = std::fs::read(with_set.join("summary.json")).unwrap();
    assert!(a == b, "the override differs from the file edited by hand");
    // The report keeps the text that ran.
    let ran = std::fs::read_to_string(with_set.join("scenario.toml")).unwrap();
    assert!(ran.contains("reservation = 1.12"), "{ran}");

    // The sweep point at the same value: the same agreement rates and mean amounts.
    let sweep = dir.path().join("sweep");
    ok(&[
        "sweep",
        file.to_str().unwrap(),
        "--sweep",
        "parties.kr.reservation=1.12,1.2",
        "--trials",
        "3000",
        "-q",
        "--out",
        sweep.to_str().unwrap(),
    ]);
    let s = json(&with_set.join("summary.json"));
    let v = json(&sweep.join("sweep.json"));
    let text = v.to_string();
    for (name, m) in s["models"].as_object().unwrap() {
        let rate = m["agreement_rate"].as_f64().unwrap();
        assert!(
            text.contains(&format!("{rate}")),
            "{name}: {rate} not in sweep.json"
        );
    }

    // A distribution as the override, on explain and replay too.
    let dist = "parties.kr.reservation={ uniform = [1.05, 1.15] }";
    ok(&["explain", file.to_str().unwrap(), "--set", dist]);
    let r = ok(&[
        "replay",
        file.to_str().unwrap(),
        "--trial",
        "3",
        "--json",
        "--set",
        dist,
    ]);
    let v: serde_json::Value = serde_json::from_slice(&r.stdout).unwrap();
    let x = v["inputs"]["parties.kr.reservation"]
        .as_f64()
        .unwrap_or_else(|| panic!("inputs: {}", v["inputs"]));
    assert!((1.05..=1.15).contains(&x), "{x}");
    ok(&["validate", file.to_str().unwrap(), "--set", dist]);
}

#[test]
fn a_bad_override_is_reported_at_the_override_and_nothing_runs() {
    let dir = tempfile::tempdir().unwrap();
    let file = sma_2019();
    let out_dir = dir.path().join("out");
    for (set, expect) in [
        (
            "parties.kr.discount=1.5",
            "--set parties.kr.discount=1.5:1:",
        ),
        (
            "parties.kr.reservation={ uniform = [1.2, 1.1] }",
            "--set parties.kr.reservation=",
        ),
        ("parties.kr.reservaton=1.1", "reservaton"),
        (
            "parties.kr.reservation={ uniform = [1, ",
            "expected a TOML value",
        ),
        ("no-equals-sign", "PATH=VALUE"),
    ] {
        let out = bargain(&[
            "run",
            file.to_str().unwrap(),
            "--set",
            set,
            "--trials",
            "100",
            "-q",
            "--out",
            out_dir.to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(2), "{set}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(expect), "{set}: {err}");
        assert!(!out_dir.exists(), "{set}: nothing is written");
    }
}
