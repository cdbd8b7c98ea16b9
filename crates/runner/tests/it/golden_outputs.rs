//! Behaviour lock: the JSON outputs of every shipped scenario (`summary.json` of `run`,
//! and `compare.json`, `sweep.json`, `sensitivity.json`, `backtest.json`) must stay
//! byte-identical to the committed files in `tests/golden/`, at 1, 2 and 8 threads.
//!
//! A refactor must leave them unchanged. A change that is *meant* to change results
//! (a new model feature, a recalibrated scenario) regenerates them with
//! `BARGAIN_BLESS=1 cargo test -p bargain-runner --test it golden_outputs` and says so in
//! its commit message; the diff of the golden files is then the reviewed effect.

use crate::common;

use std::path::{Path, PathBuf};

use common::ok;

const TRIALS: &str = "3000";
const SEED: &str = "7";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

fn shipped() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root().join("scenarios"))
        .expect("scenarios/")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        // Package scenarios (amount × term × …) have their own test (package_run.rs).
        .filter(|p| {
            !bargain_runner::scenario::issues::PackageScenario::is_package(
                &std::fs::read_to_string(p).unwrap_or_default(),
            )
        })
        .collect();
    v.sort();
    v
}

/// Compare `actual` with the golden file `name`, or write it under `BARGAIN_BLESS=1`.
fn check(name: &str, actual: &[u8]) {
    let path = golden_dir().join(name);
    if std::env::var_os("BARGAIN_BLESS").is_some() {
        std::fs::create_dir_all(golden_dir()).expect("golden dir");
        std::fs::write(&path, actual).expect("bless");
        return;
    }
    let expected = std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; regenerate with BARGAIN_BLESS=1 if the change is intended",
            path.display()
        )
    });
    assert!(
        expected == actual,
        "{name} differs from tests/golden/{name}; a refactor must not change results \
         (regenerate with BARGAIN_BLESS=1 only for an intended change)"
    );
}

fn stem(p: &Path) -> String {
    p.file_stem().expect("stem").to_string_lossy().into_owned()
}

#[test]
fn run_summaries_are_unchanged_at_1_2_and_8_threads() {
    let tmp = tempfile::tempdir().expect("tmp");
    for scenario in shipped() {
        let name = stem(&scenario);
        let mut first: Option<Vec<u8>> = None;
        for threads in ["1", "2", "8"] {
            let out = tmp.path().join(format!("{name}-{threads}"));
            ok(&[
                "run",
                scenario.to_str().expect("utf-8"),
                "--trials",
                TRIALS,
                "--seed",
                SEED,
                "--threads",
                threads,
                "--quiet",
                "--out",
                out.to_str().expect("utf-8"),
            ]);
            let bytes = std::fs::read(out.join("summary.json")).expect("summary.json");
            match &first {
                None => first = Some(bytes),
                Some(f) => assert!(*f == bytes, "{name}: {threads} threads differ from 1"),
            }
        }
        check(
            &format!("{name}.summary.json"),
            first.as_deref().expect("ran"),
        );
    }
}

/// The output with the checkout's absolute path replaced by `$ROOT`, so that the golden
/// files hold no machine path and the test passes in any clone.
fn without_root(bytes: &[u8]) -> Vec<u8> {
    let text = String::from_utf8(bytes.to_vec()).expect("utf-8 JSON");
    let root = root().to_str().expect("utf-8").to_owned();
    text.replace(&root, "$ROOT").into_bytes()
}

fn analysis(args: &[&str], out: &Path, file: &str, golden: &str) {
    for threads in ["1", "2", "8"] {
        let dir = out.join(threads);
        let mut all: Vec<&str> = args.to_vec();
        let d = dir.to_str().expect("utf-8").to_owned();
        all.extend(["--threads", threads, "--quiet", "--out", &d]);
        ok(&all);
        let bytes = std::fs::read(dir.join(file)).expect("analysis output");
        check(golden, &without_root(&bytes));
    }
}

#[test]
fn analysis_outputs_are_unchanged_at_1_2_and_8_threads() {
    let tmp = tempfile::tempdir().expect("tmp");
    let s = |n: &str| {
        root()
            .join("scenarios")
            .join(n)
            .to_str()
            .expect("utf-8")
            .to_owned()
    };
    let (a, b) = (s("sma-2019.toml"), s("sma-2014.toml"));
    analysis(
        &["compare", &a, &b, "--trials", TRIALS, "--seed", SEED],
        &tmp.path().join("compare"),
        "compare.json",
        "compare.json",
    );
    let rc = s("rubinstein-classic.toml");
    analysis(
        &[
            "sweep",
            &rc,
            "--sweep",
            "protocol.max_rounds=2,5,10",
            "--trials",
            TRIALS,
            "--seed",
            SEED,
        ],
        &tmp.path().join("sweep"),
        "sweep.json",
        "sweep.json",
    );
    analysis(
        &[
            "sensitivity",
            &a,
            "--samples",
            TRIALS,
            "--sobol",
            "--sobol-samples",
            "256",
            "--seed",
            SEED,
        ],
        &tmp.path().join("sensitivity"),
        "sensitivity.json",
        "sensitivity.json",
    );
    let scen = root().join("scenarios");
    analysis(
        &[
            "backtest",
            scen.to_str().expect("utf-8"),
            "--trials",
            TRIALS,
            "--seed",
            SEED,
        ],
        &tmp.path().join("backtest"),
        "backtest.json",
        "backtest.json",
    );
}
