//! Package runs honour signals within a second, even while preparing the trials of a large
//! outcome space, and run in chunks small enough to use every thread with few trials while
//! staying bit-identical at any thread count (issue #20 item 3).

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{ok, write};

/// A package scenario of `amount_points × terms × 10` outcomes whose weights are
/// uncertain, so that every trial prepares (scores, sorts, and finds the frontier of) the
/// whole space.
fn big(amount_points: u32, terms: u32, trials: u64) -> String {
    let step = 1.0 / f64::from(amount_points);
    format!(
        r#"
[scenario]
name = "big"
unit = "u"
[run]
trials = {trials}
seed = 1
models = ["agents", "nash", "kalai-smorodinsky", "max-welfare"]
[protocol]
max_rounds = {{ uniform = [10, 20] }}
first_mover = "a"
[issues.amount]
kind = "number"
lo = 0.0
hi = {hi}
step = {step}
[issues.term]
kind = "integer"
lo = 1
hi = {terms}
[issues.esc]
kind = "choice"
values = ["x", "y", "z", "w", "v", "u", "t", "s", "r", "q"]
[parties.a]
strategy = {{ kind = "time-based", preset = "boulware" }}
[parties.a.utility]
weights = {{ amount = {{ uniform = [0.6, 0.8] }}, term = 0.2, esc = 0.1 }}
amount = "increasing"
term = "decreasing"
esc = {{ table = {{ x = 0.0, y = 0.1, z = 0.2, w = 0.3, v = 0.4, u = 0.5, t = 0.6, s = 0.7, r = 0.8, q = 1.0 }} }}
reservation = 0.2
[parties.b]
strategy = {{ kind = "time-based", preset = "conceder" }}
[parties.b.utility]
weights = {{ amount = 0.6, term = {{ uniform = [0.2, 0.4] }}, esc = 0.1 }}
amount = "decreasing"
term = "increasing"
esc = {{ table = {{ x = 1.0, y = 0.1, z = 0.2, w = 0.3, v = 0.4, u = 0.5, t = 0.6, s = 0.7, r = 0.8, q = 0.0 }} }}
reservation = 0.2
"#,
        hi = 1.0 - step,
    )
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// SIGINT, SIGTERM or SIGHUP about a second into a package run on a large outcome space
/// (each trial sorts the whole space, a few thousand trials): exit 130 within
/// about two seconds, and no report folder.
#[test]
fn a_signal_stops_a_large_package_run_within_seconds() {
    let tmp = tempfile::tempdir().expect("tempdir");
    // 10^6 outcomes: in this unoptimized build one sort of them takes seconds, longer
    // than the signal may wait (as one of the 10^7 outcomes validation allows does in a
    // release build on a busy machine).
    let file = write(tmp.path(), "big.toml", &big(1000, 100, 4000));
    for signal in ["-INT", "-TERM", "-HUP"] {
        let out = tmp.path().join(format!("out{signal}"));
        let mut child = Command::new(env!("CARGO_BIN_EXE_bargain"))
            .args(["run", s(&file), "--quiet", "--out", s(&out)])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn bargain");
        std::thread::sleep(Duration::from_millis(1000));
        assert!(
            child.try_wait().expect("try_wait").is_none(),
            "{signal}: the run ended before the signal"
        );
        let sent = Instant::now();
        let kill = Command::new("kill")
            .args([signal, &child.id().to_string()])
            .status()
            .expect("kill");
        assert!(kill.success());
        let status = loop {
            if let Some(st) = child.try_wait().expect("try_wait") {
                break st;
            }
            if sent.elapsed() > Duration::from_secs(20) {
                let _ = child.kill();
                let _ = child.wait();
                panic!("{signal}: bargain did not stop within 20 s");
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        let stopped_after = sent.elapsed();
        let stderr = child
            .wait_with_output()
            .map(|o| String::from_utf8_lossy(&o.stderr).into_owned())
            .unwrap_or_default();
        assert_eq!(status.code(), Some(130), "{signal}: {stderr}");
        assert!(!out.exists(), "{signal}: a report was written");
        let leftovers: Vec<_> = std::fs::read_dir(tmp.path())
            .expect("read tmp")
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n != "big.toml")
            .collect();
        assert!(leftovers.is_empty(), "{signal}: left behind {leftovers:?}");
        eprintln!("{signal}: stopped {stopped_after:?} after the signal");
        assert!(
            stopped_after < Duration::from_millis(2500),
            "{signal}: stopped {stopped_after:?} after the signal"
        );
    }
}

/// Few trials (chunks of fewer than 4096 trials, many per thread) give the same
/// `summary.json`, byte for byte, at 1, 2 and 8 threads; so do runs whose trials are not a
/// multiple of the chunk size.
#[test]
fn few_trial_package_runs_are_identical_at_any_thread_count() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let file = write(tmp.path(), "small.toml", &big(5, 5, 1));
    for trials in ["1", "300", "5000"] {
        let mut first: Option<Vec<u8>> = None;
        for threads in ["1", "2", "8"] {
            let out = tmp.path().join(format!("r{trials}-{threads}"));
            ok(&[
                "run",
                s(&file),
                "--quiet",
                "--trials",
                trials,
                "--threads",
                threads,
                "--out",
                s(&out),
            ]);
            let bytes = std::fs::read(out.join("summary.json")).expect("summary.json");
            match &first {
                None => first = Some(bytes),
                Some(f) => assert!(
                    *f == bytes,
                    "{trials} trials: summary.json differs at {threads} threads"
                ),
            }
        }
    }
}
