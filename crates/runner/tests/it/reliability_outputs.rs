//! Safe outputs of `bargain run`: SIGINT and SIGTERM stop a long run promptly with exit
//! code 130, say how many trials were done, and leave no report and no temporary folder
//! behind, while an earlier report in the same `--out` stays byte-for-byte untouched;
//! a report folder is replaced atomically; `--out` never overwrites anything that is not
//! a report folder.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::time::{Duration, Instant};

/// Small but real: a few models on uncertain inputs.
const SCENARIO: &str = r#"
[scenario]
name = "signals"
[run]
trials = 3000
seed = 7
models = ["agents", "nash", "rubinstein"]
[protocol]
max_rounds = 10
first_mover = "us"
breakdown_risk = { uniform = [0.0, 0.01] }
[parties.us]
side = "payee"
opening = { triangular = [1.3, 1.4, 1.8] }
reservation = { uniform = [0.96, 1.13] }
discount = { uniform = [0.95, 0.99] }
strategy = { kind = "time-based", preset = { choice = ["boulware", "linear", "conceder"] } }
[parties.kr]
side = "payer"
opening = { triangular = [0.9, 0.97, 1.0] }
reservation = { uniform = [1.0, 1.2] }
discount = { uniform = [0.95, 0.99] }
strategy = { kind = "time-based", preset = "linear" }
"#;

fn run(scenario: &Path, out: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bargain"))
        .arg("run")
        .arg(scenario)
        .arg("--quiet")
        .arg("--out")
        .arg(out)
        .args(extra)
        .output()
        .unwrap()
}

/// Every file under `dir` (relative path → bytes), hidden ones included.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().to_path_buf();
                files.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    files
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn wait_with_deadline(child: &mut Child, limit: Duration) -> Option<ExitStatus> {
    let start = Instant::now();
    while start.elapsed() < limit {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    None
}

/// Start a huge run into `root/report`, wait until it is computing (its staging folder
/// exists), send `signal`, and check everything that must hold afterwards.
fn interrupt(signal: &str, with_earlier_report: bool) {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = tmp.path().join("signals.toml");
    std::fs::write(&scenario, SCENARIO).unwrap();
    let root = tmp.path().join("out");
    std::fs::create_dir(&root).unwrap();
    let dest = root.join("report");
    let before = if with_earlier_report {
        let r = run(&scenario, &dest, &[]);
        assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
        Some(snapshot(&dest))
    } else {
        None
    };

    let mut child = Command::new(env!("CARGO_BIN_EXE_bargain"))
        .arg("run")
        .arg(&scenario)
        .args([
            "--quiet",
            "--threads",
            "2",
            "--trials",
            "1000000000000",
            "--out",
        ])
        .arg(&dest)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let staging = root.join(format!(".report.tmp-{}", child.id()));
    let start = Instant::now();
    while !staging.is_dir() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the staging folder {} never appeared",
            staging.display()
        );
        assert!(child.try_wait().unwrap().is_none(), "bargain exited early");
        std::thread::sleep(Duration::from_millis(10));
    }
    // Let it compute a little (the handler is installed before the staging folder).
    std::thread::sleep(Duration::from_millis(300));
    let sent = Instant::now();
    let kill = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let status = wait_with_deadline(&mut child, Duration::from_secs(60));
    let Some(status) = status else {
        let _ = child.kill();
        panic!("bargain did not stop within 60 s of {signal}");
    };
    let stopped_after = sent.elapsed();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(status.code(), Some(130), "{signal}: {stderr}");
    assert!(
        stderr.contains("interrupted after ") && stderr.contains(" of 1000000000000 trials"),
        "{signal}: {stderr}"
    );
    assert!(
        stderr.contains("no report was written"),
        "{signal}: {stderr}"
    );
    // Some trials were done (a wave is 65,536 trials) and far from all of them.
    let done: u64 = stderr
        .split("interrupted after ")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert!(done < 1_000_000_000_000, "{stderr}");
    assert_eq!(done % 1024, 0, "whole chunks only: {done}");
    // Nothing left but the earlier report, untouched.
    match before {
        Some(before) => {
            assert_eq!(names(&root), vec!["report".to_string()]);
            assert!(snapshot(&dest) == before, "the earlier report changed");
        }
        None => assert!(names(&root).is_empty(), "{:?}", names(&root)),
    }
    // Promptly: one wave (65,536 trials) in a debug build, with generous slack for a
    // loaded machine. Printed so that the measured latency is visible in test logs.
    eprintln!("{signal}: stopped {stopped_after:?} after the signal, {done} trials done");
    assert!(
        stopped_after < Duration::from_secs(30),
        "{signal}: took {stopped_after:?} to stop"
    );
}

#[test]
fn sigint_stops_a_run_and_keeps_the_earlier_report() {
    interrupt("-INT", true);
}

#[test]
fn sigterm_stops_a_run_and_keeps_the_earlier_report() {
    interrupt("-TERM", true);
}

#[test]
fn an_interrupted_first_run_leaves_nothing() {
    interrupt("-INT", false);
}

#[test]
fn a_report_is_replaced_whole_and_matches_a_fresh_run() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = tmp.path().join("signals.toml");
    std::fs::write(&scenario, SCENARIO).unwrap();
    let dest = tmp.path().join("report");
    let fresh = tmp.path().join("fresh");
    assert!(run(&scenario, &dest, &["--seed", "1"]).status.success());
    assert!(run(&scenario, &dest, &["--seed", "2"]).status.success());
    assert!(run(&scenario, &fresh, &["--seed", "2"]).status.success());
    let (a, b) = (snapshot(&dest), snapshot(&fresh));
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "same files"
    );
    assert_eq!(a[Path::new("summary.json")], b[Path::new("summary.json")]);
    // No temporary or old siblings are left next to it.
    assert_eq!(
        names(tmp.path()),
        vec!["fresh", "report", "signals.toml"],
        "leftovers"
    );
}

#[test]
fn out_refuses_what_is_not_a_report_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = tmp.path().join("signals.toml");
    std::fs::write(&scenario, SCENARIO).unwrap();

    // A regular file.
    let file = tmp.path().join("notes.txt");
    std::fs::write(&file, "keep me").unwrap();
    // A folder with only a hidden file.
    let hidden = tmp.path().join("hidden");
    std::fs::create_dir(&hidden).unwrap();
    std::fs::write(hidden.join(".config"), "keep me").unwrap();
    // A folder whose "marker" is a folder, not the marker file.
    let fake = tmp.path().join("fake");
    std::fs::create_dir_all(fake.join(".bargain-report")).unwrap();
    std::fs::write(fake.join("data.csv"), "keep me").unwrap();
    // A folder of user files beside one that is a report.
    let nested = tmp.path().join("nested");
    std::fs::create_dir(&nested).unwrap();
    std::fs::write(nested.join("paper.tex"), "keep me").unwrap();

    let before = snapshot(tmp.path());
    for dest in [&file, &hidden, &fake, &nested] {
        let r = run(&scenario, dest, &[]);
        let stderr = String::from_utf8_lossy(&r.stderr);
        assert_eq!(r.status.code(), Some(2), "{}: {stderr}", dest.display());
        assert!(
            stderr.contains("is not a bargain report folder"),
            "{}: {stderr}",
            dest.display()
        );
    }
    assert!(snapshot(tmp.path()) == before, "something was touched");
    assert_eq!(
        names(tmp.path()),
        vec!["fake", "hidden", "nested", "notes.txt", "signals.toml"]
    );

    // An empty folder is fine, and becomes a report folder.
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    assert!(run(&scenario, &empty, &[]).status.success());
    assert!(empty.join(".bargain-report").is_file());
    assert!(empty.join("summary.json").is_file());
    // A missing parent is created.
    let deep = tmp.path().join("a/b/c");
    assert!(run(&scenario, &deep, &[]).status.success());
    assert!(deep.join("summary.json").is_file());
}
