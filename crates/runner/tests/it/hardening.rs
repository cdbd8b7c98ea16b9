//! Regression tests of issue 9 ("no data loss, trustworthy merges, no hangs, tests that
//! pass on a fresh clone"), each through the binary where a user meets the problem.
//! The items are numbered as in README's "Reliability" section.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{bargain, ok, write};
use serde_json::Value;

/// A small uncertain scenario (every model, deals in several rounds).
fn scenario(name: &str) -> String {
    format!(
        r#"
[scenario]
name = "{name}"
title = "Scenario {name}"
unit = "trillion KRW"
[run]
trials = 3000
seed = 3
models = ["agents", "nash", "stahl"]
[protocol]
max_rounds = 8
first_mover = "us"
breakdown_risk = 0.02
[parties.us]
side = "payee"
opening = 1.4
reservation = {{ uniform = [0.95, 1.05] }}
discount = 0.9
strategy = {{ kind = "time-based", preset = "conceder" }}
[parties.kr]
side = "payer"
opening = 0.9
reservation = {{ uniform = [1.1, 1.2] }}
discount = 0.9
strategy = {{ kind = "time-based", preset = "linear" }}
"#
    )
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
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
                files.insert(
                    p.strip_prefix(dir).unwrap().to_path_buf(),
                    std::fs::read(&p).unwrap(),
                );
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

fn mkfifo(path: &Path) {
    let st = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(st.success(), "mkfifo");
}

/// Run with a deadline: a hang fails the test instead of blocking it.
fn run_deadline(args: &[&str], limit: Duration) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_bargain"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("bargain {args:?} hung for {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

// ---------------------------------------------------------------- 1. data loss

#[test]
fn item1_multi_scenario_out_never_takes_over_a_folder_of_user_files() {
    let tmp = tempfile::tempdir().unwrap();
    let a = write(tmp.path(), "a.toml", &scenario("a"));
    let b = write(tmp.path(), "b.toml", &scenario("b"));
    let home = tmp.path().join("home");
    std::fs::create_dir(&home).unwrap();
    std::fs::write(home.join("thesis.tex"), "years of work").unwrap();
    let before = snapshot(&home);
    let r = bargain(&["run", s(&a), s(&b), "--quiet", "--out", s(&home)]);
    assert_eq!(r.status.code(), Some(2), "{}", stderr(&r));
    let dir = tmp.path().join("scen");
    std::fs::create_dir(&dir).unwrap();
    write(&dir, "a.toml", &scenario("a"));
    let r = bargain(&["run", s(&dir), "--quiet", "--out", s(&home)]);
    assert_eq!(r.status.code(), Some(2), "{}", stderr(&r));
    // and a single run afterwards cannot delete it either
    let r = bargain(&["run", s(&a), "--quiet", "--out", s(&home)]);
    assert_eq!(r.status.code(), Some(2), "{}", stderr(&r));
    assert!(snapshot(&home) == before, "the user's folder was touched");
    assert_eq!(names(&home), vec!["thesis.tex"]);
}

#[test]
fn item1_out_only_replaces_a_report_of_the_same_kind() {
    let tmp = tempfile::tempdir().unwrap();
    let a = write(tmp.path(), "a.toml", &scenario("a"));
    let b = write(tmp.path(), "b.toml", &scenario("b"));
    let runs = tmp.path().join("runs");
    ok(&["run", s(&a), s(&b), "--quiet", "--out", s(&runs)]);
    let before = snapshot(&runs);
    // A folder of runs is not a single run's report, nor a compare report.
    let r = bargain(&["run", s(&a), "--quiet", "--out", s(&runs)]);
    assert_eq!(r.status.code(), Some(2), "{}", stderr(&r));
    assert!(stderr(&r).contains("`runs` report"), "{}", stderr(&r));
    let r = bargain(&[
        "compare",
        s(&runs.join("a")),
        s(&runs.join("b")),
        "--quiet",
        "--out",
        s(&runs),
    ]);
    assert_eq!(r.status.code(), Some(2), "{}", stderr(&r));
    // A file the user added to a report folder is never deleted.
    std::fs::write(runs.join("my-notes.md"), "notes").unwrap();
    let r = bargain(&["run", s(&a), s(&b), "--quiet", "--out", s(&runs)]);
    assert_eq!(r.status.code(), Some(2), "{}", stderr(&r));
    assert!(stderr(&r).contains("my-notes.md"));
    std::fs::remove_file(runs.join("my-notes.md")).unwrap();
    assert!(snapshot(&runs) == before);
    // The same kind is replaced.
    ok(&[
        "run",
        s(&a),
        s(&b),
        "--quiet",
        "--out",
        s(&runs),
        "--seed",
        "9",
    ]);
    assert_ne!(
        before[Path::new("a/summary.json")],
        std::fs::read(runs.join("a/summary.json")).unwrap()
    );
    // A plain folder of single runs' reports may become a folder of runs; another kind
    // of report in it is bargain's own too, and is kept as it was (issue 20, item 8).
    let plain = tmp.path().join("plain");
    ok(&["run", s(&a), "--quiet", "--out", s(&plain.join("a"))]);
    ok(&[
        "compare",
        s(&runs.join("a")),
        s(&runs.join("b")),
        "--quiet",
        "--out",
        s(&plain.join("cmp")),
    ]);
    let kept = snapshot(&plain.join("cmp"));
    ok(&["run", s(&a), s(&b), "--quiet", "--out", s(&plain)]);
    assert!(plain.join("index.html").is_file());
    assert!(
        snapshot(&plain.join("cmp")) == kept,
        "the comparison was not kept"
    );
}

// ------------------------------------------------------------ 2. merge checks

/// Two shards of one run, and the summary of the single run.
fn shards(tmp: &Path) -> (PathBuf, PathBuf, Vec<u8>) {
    let f = write(tmp, "m.toml", &scenario("m"));
    let one = tmp.join("s1");
    let two = tmp.join("s2");
    let whole = tmp.join("whole");
    ok(&["run", s(&f), "--quiet", "--shard", "1/2", "--out", s(&one)]);
    ok(&["run", s(&f), "--quiet", "--shard", "2/2", "--out", s(&two)]);
    ok(&["run", s(&f), "--quiet", "--out", s(&whole)]);
    (one, two, std::fs::read(whole.join("summary.json")).unwrap())
}

fn edit_partial(dir: &Path, f: impl Fn(&mut Value)) {
    let p = dir.join("partial.json");
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
    f(&mut v);
    std::fs::write(&p, serde_json::to_string_pretty(&v).unwrap()).unwrap();
}

fn model<'a>(v: &'a mut Value, name: &str) -> &'a mut Value {
    v["accumulated"]["models"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|m| m[0] == name)
        .map(|m| &mut m[1])
        .unwrap()
}

#[test]
fn item2_merge_rejects_every_edited_invariant_naming_file_and_field() {
    let tmp = tempfile::tempdir().unwrap();
    let (one, two, whole) = shards(tmp.path());
    let pristine = std::fs::read(one.join("partial.json")).unwrap();
    let out = tmp.path().join("merged");
    // Models matched by name: shuffling their order changes nothing.
    edit_partial(&one, |v| {
        v["accumulated"]["models"].as_array_mut().unwrap().reverse()
    });
    ok(&["merge", s(&one), s(&two), "--out", s(&out)]);
    assert_eq!(std::fs::read(out.join("summary.json")).unwrap(), whole);

    type Edit = Box<dyn Fn(&mut Value)>;
    let u = |x: &Value| x.as_u64().unwrap();
    let cases: Vec<(&str, Edit)> = vec![
        (
            "format",
            Box::new(|v| v["format"] = "something-else".into()),
        ),
        (
            "version",
            Box::new(|v| {
                v.as_object_mut().unwrap().remove("version");
            }),
        ),
        ("version", Box::new(|v| v["version"] = 2.into())),
        (
            "accumulated.models[agents].outcomes",
            Box::new(move |v| {
                let o = &mut model(v, "agents")["outcomes"][1];
                *o = (u(o) + 1000).into();
            }),
        ),
        (
            // a deal moved to "deadline": the histogram no longer matches
            "accumulated.models[nash].bins",
            Box::new(move |v| {
                let m = model(v, "nash");
                let d = u(&m["outcomes"][0]);
                m["outcomes"][0] = (d - 1).into();
                let n = u(&m["outcomes"][1]);
                m["outcomes"][1] = (n + 1).into();
            }),
        ),
        (
            "accumulated.models[stahl].trials",
            Box::new(move |v| {
                let m = model(v, "stahl");
                m["trials"] = (u(&m["trials"]) + 5).into();
            }),
        ),
        (
            "accumulated.models[agents].bins",
            Box::new(|v| {
                model(v, "agents")["bins"]
                    .as_array_mut()
                    .unwrap()
                    .truncate(100);
            }),
        ),
        (
            "accumulated.models[agents].round_sum",
            Box::new(move |v| {
                let m = model(v, "agents");
                m["round_sum"] = (u(&m["round_sum"]) + 100_000).into();
            }),
        ),
        (
            "accumulated.models[nash].min",
            Box::new(|v| model(v, "nash")["min"] = (-1e308).into()),
        ),
        (
            "accumulated.models[agents].outcomes",
            Box::new(|v| model(v, "agents")["outcomes"][2] = u64::MAX.into()),
        ),
        (
            "accumulated.models",
            Box::new(|v| {
                let ms = v["accumulated"]["models"].as_array_mut().unwrap();
                ms[0][0] = "rubinstein".into();
            }),
        ),
        (
            "accumulated.range",
            Box::new(|v| v["accumulated"]["range"]["hi"] = (-5.0).into()),
        ),
    ];
    for (field, edit) in cases {
        std::fs::write(one.join("partial.json"), &pristine).unwrap();
        edit_partial(&one, &edit);
        let r = bargain(&["merge", s(&one), s(&two), "--out", s(&out)]);
        let e = stderr(&r);
        assert_eq!(r.status.code(), Some(2), "{field}: {e}");
        assert!(
            e.contains(&format!("{}:", s(&one.join("partial.json")))),
            "{e}"
        );
        assert!(e.contains(field), "expected {field:?} in: {e}");
        // and the earlier merged report is untouched
        assert_eq!(std::fs::read(out.join("summary.json")).unwrap(), whole);
    }
}

#[test]
fn item2_compare_rejects_an_unknown_summary_version() {
    let tmp = tempfile::tempdir().unwrap();
    let f = write(tmp.path(), "c.toml", &scenario("c"));
    let a = tmp.path().join("a");
    ok(&["run", s(&f), "--quiet", "--out", s(&a)]);
    let b = tmp.path().join("b");
    ok(&["run", s(&f), "--quiet", "--out", s(&b), "--seed", "4"]);
    let p = b.join("summary.json");
    let text = std::fs::read_to_string(&p)
        .unwrap()
        .replace("\"version\": 2", "\"version\": 99");
    std::fs::write(&p, text).unwrap();
    let r = bargain(&[
        "compare",
        s(&a),
        s(&b),
        "--quiet",
        "--out",
        s(&tmp.path().join("c")),
    ]);
    assert_eq!(r.status.code(), Some(2), "{}", stderr(&r));
    assert!(
        stderr(&r).contains("summary.json: version"),
        "{}",
        stderr(&r)
    );
}

// ------------------------------------------------------------------ 3. hangs

#[test]
fn item3_a_fifo_among_scenarios_is_refused_without_hanging() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("scen");
    std::fs::create_dir(&dir).unwrap();
    write(&dir, "a.toml", &scenario("a"));
    mkfifo(&dir.join("x.toml"));
    let out = tmp.path().join("out");
    let r = run_deadline(
        &["run", s(&dir), "--quiet", "--out", s(&out)],
        Duration::from_secs(60),
    );
    assert_eq!(r.status.code(), Some(2), "{}", stderr(&r));
    assert!(
        stderr(&r).contains("x.toml") && stderr(&r).contains("FIFO"),
        "{}",
        stderr(&r)
    );
    // A FIFO given by name is reported as a FIFO, not as a missing file.
    let r = run_deadline(
        &["run", s(&dir.join("x.toml")), "--quiet", "--out", s(&out)],
        Duration::from_secs(60),
    );
    assert_eq!(r.status.code(), Some(2), "{}", stderr(&r));
    assert!(stderr(&r).contains("FIFO") && !stderr(&r).contains("no such file"));
    let r = run_deadline(&["validate", s(&dir)], Duration::from_secs(60));
    assert_eq!(r.status.code(), Some(2), "{}", stderr(&r));
}

#[test]
fn item3_merge_refuses_fifos_and_devices() {
    let tmp = tempfile::tempdir().unwrap();
    let (one, two, _) = shards(tmp.path());
    std::fs::remove_file(one.join("partial.json")).unwrap();
    mkfifo(&one.join("partial.json"));
    let out = tmp.path().join("o");
    let r = run_deadline(
        &["merge", s(&one), s(&two), "--out", s(&out)],
        Duration::from_secs(60),
    );
    assert_eq!(r.status.code(), Some(2), "{}", stderr(&r));
    assert!(stderr(&r).contains("FIFO"), "{}", stderr(&r));
    std::fs::remove_file(one.join("partial.json")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", one.join("partial.json")).unwrap();
    let r = run_deadline(
        &["merge", s(&one), s(&two), "--out", s(&out)],
        Duration::from_secs(60),
    );
    assert_eq!(r.status.code(), Some(2), "{}", stderr(&r));
    assert!(stderr(&r).contains("device"), "{}", stderr(&r));
}

#[test]
fn item3_threads_are_capped_with_a_message() {
    let tmp = tempfile::tempdir().unwrap();
    let f = write(tmp.path(), "t.toml", &scenario("t"));
    let out = tmp.path().join("out");
    let r = run_deadline(
        &[
            "run",
            s(&f),
            "--quiet",
            "--threads",
            "20000",
            "--trials",
            "2000",
            "--out",
            s(&out),
        ],
        Duration::from_secs(120),
    );
    assert!(r.status.success(), "{}", stderr(&r));
    assert!(
        stderr(&r).contains("--threads 20000 capped at"),
        "{}",
        stderr(&r)
    );
    let run: Value = serde_json::from_slice(&std::fs::read(out.join("run.json")).unwrap()).unwrap();
    let cores = std::thread::available_parallelism().unwrap().get() as u64;
    assert!(run["threads"].as_u64().unwrap() <= 4 * cores);
}

// ------------------------------------------------- 4. interrupting the commit

/// Start a run of `files` into `out`, wait for `ready(staging)`, send SIGINT, and check
/// exit code 130 and the earlier report byte-identical.
fn interrupt_keeps_earlier(files: &[&str], out: &Path, env: &[(&str, &str)], marker: bool) {
    let before = snapshot(out);
    let mut args = vec!["run"];
    args.extend(files);
    args.extend(["--quiet", "--out", s(out)]);
    if !marker {
        args.extend(["--trials", "1000000000000"]);
    }
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_bargain"));
    cmd.args(&args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let child = cmd.spawn().unwrap();
    // Killed if an assertion below fails, so that no run is left behind.
    struct Guard(std::process::Child);
    impl Drop for Guard {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let mut guard = Guard(child);
    let child = &mut guard.0;
    let name = out.file_name().unwrap().to_string_lossy().into_owned();
    let staging = out.with_file_name(format!(".{name}.tmp-{}", child.id()));
    let ready = || {
        if marker {
            staging.join(".bargain-report").is_file()
        } else {
            staging.is_dir()
        }
    };
    let start = Instant::now();
    while !ready() {
        assert!(start.elapsed() < Duration::from_secs(60), "never staged");
        assert!(child.try_wait().unwrap().is_none(), "bargain exited early");
        std::thread::sleep(Duration::from_millis(5));
    }
    std::thread::sleep(Duration::from_millis(200));
    let st = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(st.success());
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        assert!(start.elapsed() < Duration::from_secs(60), "did not stop");
        std::thread::sleep(Duration::from_millis(20));
    }
    let status = child.wait().unwrap();
    let mut err = String::new();
    if let Some(mut e) = child.stderr.take() {
        std::io::Read::read_to_string(&mut e, &mut err).unwrap();
    }
    assert_eq!(status.code(), Some(130), "{err}");
    assert!(snapshot(out) == before, "the earlier report changed");
    assert!(!staging.exists(), "staging left behind");
}

#[test]
fn item4_an_interrupted_multi_scenario_run_keeps_the_earlier_report_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let a = write(tmp.path(), "a.toml", &scenario("a"));
    let b = write(tmp.path(), "b.toml", &scenario("b"));
    let out = tmp.path().join("runs");
    ok(&["run", s(&a), s(&b), "--quiet", "--out", s(&out)]);
    // b is quick, a never ends: interrupted, neither sub-report nor the index changes.
    let slow = write(
        tmp.path(),
        "a.toml",
        &scenario("a").replace("trials = 3000", "trials = 1000000000000"),
    );
    interrupt_keeps_earlier(&[s(&slow), s(&b)], &out, &[], false);
}

#[test]
fn item4_a_signal_during_the_final_write_is_honoured() {
    let tmp = tempfile::tempdir().unwrap();
    let a = write(tmp.path(), "a.toml", &scenario("a"));
    let out = tmp.path().join("rep");
    ok(&["run", s(&a), "--quiet", "--out", s(&out)]);
    interrupt_keeps_earlier(
        &[s(&a)],
        &out,
        &[
            ("BARGAIN_PAUSE_AT", "staged"),
            ("BARGAIN_CRASH_AT", "never"),
        ],
        true,
    );
}

// -------------------------------------------------- 5. crashes and leftovers

fn crash(f: &Path, out: &Path, step: &str, seed: &str) {
    let o = Command::new(env!("CARGO_BIN_EXE_bargain"))
        .args(["run", s(f), "--quiet", "--seed", seed, "--out", s(out)])
        .env("BARGAIN_CRASH_AT", step)
        .output()
        .unwrap();
    assert!(!o.status.success(), "{step}: did not crash");
    assert_eq!(o.status.code(), None, "{step}: expected death by a signal");
}

#[test]
fn item5_a_crash_at_any_step_of_the_commit_leaves_the_old_or_the_new_report() {
    let tmp = tempfile::tempdir().unwrap();
    let f = write(tmp.path(), "c.toml", &scenario("c"));
    let out = tmp.path().join("rep");
    ok(&["run", s(&f), "--quiet", "--seed", "1", "--out", s(&out)]);
    let old = snapshot(&out);
    let new_dir = tmp.path().join("new");
    ok(&["run", s(&f), "--quiet", "--seed", "2", "--out", s(&new_dir)]);
    let new = snapshot(&new_dir);
    let summary = |m: &BTreeMap<PathBuf, Vec<u8>>| m[Path::new("summary.json")].clone();

    // Crash before the swap: the old report stays; the staging folder goes on the next run.
    crash(&f, &out, "staged", "2");
    assert!(snapshot(&out) == old);
    assert!(names(tmp.path()).iter().any(|n| n.starts_with(".rep.tmp-")));
    // Crash after moving the old report aside: the next start restores it (and here
    // crashes again before its own swap, so what is at OUT is what recovery left).
    crash(&f, &out, "backup", "2");
    assert!(!out.exists());
    crash(&f, &out, "staged", "2");
    assert!(snapshot(&out) == old, "the old report was not restored");
    // Crash after the swap: the new report is in place; the backup goes on the next run.
    crash(&f, &out, "swapped", "2");
    assert_eq!(summary(&snapshot(&out)), summary(&new));
    assert!(names(tmp.path()).iter().any(|n| n.starts_with(".rep.old-")));
    ok(&["run", s(&f), "--quiet", "--seed", "2", "--out", s(&out)]);
    assert_eq!(summary(&snapshot(&out)), summary(&new));
    assert_eq!(names(tmp.path()), vec!["c.toml", "new", "rep"], "leftovers");
}

#[test]
fn item5_stale_staging_of_dead_processes_is_removed() {
    let tmp = tempfile::tempdir().unwrap();
    let f = write(tmp.path(), "c.toml", &scenario("c"));
    // The pid of a process that has exited.
    let mut child = Command::new("true").spawn().unwrap();
    let dead = child.id();
    child.wait().unwrap();
    let stale = tmp.path().join(format!(".rep.tmp-{dead}"));
    std::fs::create_dir(&stale).unwrap();
    std::fs::write(stale.join("big.bin"), vec![0u8; 1 << 20]).unwrap();
    // One of a live process (this test) is left alone.
    let live = tmp.path().join(format!(".rep.tmp-{}", std::process::id()));
    std::fs::create_dir(&live).unwrap();
    ok(&["run", s(&f), "--quiet", "--out", s(&tmp.path().join("rep"))]);
    assert!(!stale.exists(), "stale staging folder kept");
    assert!(live.exists(), "a live process's staging folder was removed");
}

// -------------------------------------------------------------- 6. index links

#[test]
fn item6_every_link_of_the_index_resolves() {
    let tmp = tempfile::tempdir().unwrap();
    let a = write(tmp.path(), "a.toml", &scenario("a"));
    let b = write(tmp.path(), "b.toml", &scenario("b"));
    let out = tmp.path().join("reports");
    ok(&["run", s(&a), s(&b), "--quiet", "--out", s(&out)]);
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    let mut hrefs: Vec<String> = html
        .split("href=\"")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap().to_owned())
        .filter(|h| !h.starts_with('#') && !h.starts_with("data:") && !h.contains("://"))
        .collect();
    assert!(hrefs.len() >= 2, "{hrefs:?}");
    let index: Value =
        serde_json::from_slice(&std::fs::read(out.join("index.json")).unwrap()).unwrap();
    let rows = index
        .as_array()
        .or_else(|| index["rows"].as_array())
        .or_else(|| index["scenarios"].as_array())
        .expect("rows of index.json");
    for row in rows {
        for key in ["report", "link"] {
            if let Some(l) = row[key].as_str() {
                hrefs.push(l.to_owned());
            }
        }
    }
    for h in &hrefs {
        assert!(out.join(h).exists(), "broken link {h}");
    }
}

// ----------------------------------------------------------- 7. control chars

#[test]
fn item7_control_characters_in_scenario_text_are_rejected_with_a_location() {
    let tmp = tempfile::tempdir().unwrap();
    let text = scenario("ctl").replace(
        "title = \"Scenario ctl\"",
        "title = \"Evil \\u001b[2J title\"",
    );
    let f = write(tmp.path(), "ctl.toml", &text);
    for args in [
        vec!["validate", s(&f)],
        vec!["run", s(&f), "--quiet", "--out", s(&tmp.path().join("o"))],
    ] {
        let r = bargain(&args);
        let e = stderr(&r);
        assert_eq!(r.status.code(), Some(2), "{e}");
        assert!(
            e.contains("ctl.toml:4:") && e.contains("scenario.title"),
            "{e}"
        );
        assert!(e.contains("U+001B") && !e.contains('\u{1b}'), "{e}");
    }
    let text =
        scenario("ctl").replace("side = \"payee\"", "side = \"payee\"\nname = \"U\\u0007S\"");
    let f = write(tmp.path(), "ctl2.toml", &text);
    let r = bargain(&["validate", s(&f)]);
    assert_eq!(r.status.code(), Some(2));
    assert!(stderr(&r).contains("parties.us.name"), "{}", stderr(&r));
    // An escape sequence in a key reaches the terminal escaped, not raw.
    let text = scenario("ctl").replace(
        "side = \"payee\"",
        "side = \"payee\"\n\"\\u001b[31mred\" = 1",
    );
    let f = write(tmp.path(), "ctl3.toml", &text);
    let r = bargain(&["validate", s(&f)]);
    assert_eq!(r.status.code(), Some(2));
    assert!(
        stderr(&r).contains("red") && !stderr(&r).contains('\u{1b}'),
        "{}",
        stderr(&r)
    );
}

// ------------------------------------------------------------- 8. I/O errors

#[test]
fn item8_unusable_out_is_refused_before_the_run() {
    let tmp = tempfile::tempdir().unwrap();
    let f = write(tmp.path(), "c.toml", &scenario("c"));
    // These would run forever if the destination were checked only after the run.
    let forever = ["--trials", "1000000000000", "--quiet"];
    let r = run_deadline(
        &[&["run", s(&f), "--out", "."][..], &forever[..]].concat(),
        Duration::from_secs(60),
    );
    assert_eq!(r.status.code(), Some(2), "{}", stderr(&r));
    assert!(stderr(&r).contains("--out ."), "{}", stderr(&r));
    // An --out below a file: an I/O error that names the path, exit 1.
    let file = write(tmp.path(), "plain.txt", "x");
    let below = file.join("sub");
    let r = run_deadline(
        &[&["run", s(&f), "--out", s(&below)][..], &forever[..]].concat(),
        Duration::from_secs(60),
    );
    assert_eq!(r.status.code(), Some(1), "{}", stderr(&r));
    assert!(stderr(&r).contains(s(&below)), "{}", stderr(&r));
}

#[test]
fn item8_validate_rejects_names_run_cannot_write() {
    let tmp = tempfile::tempdir().unwrap();
    let long = "n".repeat(300);
    let f = write(tmp.path(), "long.toml", &scenario(&long));
    let r = bargain(&["validate", s(&f)]);
    assert_eq!(r.status.code(), Some(2), "{}", stderr(&r));
    assert!(stderr(&r).contains("scenario.name"), "{}", stderr(&r));
}

// ---------------------------------------------------------- 9. fresh clone

#[test]
fn item9_nothing_reads_outside_the_repository() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut offenders = Vec::new();
    let mut stack: Vec<PathBuf> = ["crates", "scenarios", "benches", "fuzz/fuzz_targets", ".ci"]
        .iter()
        .map(|d| root.join(d))
        .collect();
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries {
            let p = e.unwrap().path();
            if p.is_dir() {
                if !p.ends_with("target") {
                    stack.push(p);
                }
            } else if let Ok(text) = std::fs::read_to_string(&p)
                && (text.contains(concat!("..", "/shared"))
                    || text.contains("shared/reference/sma-history"))
                && !p.ends_with("hardening.rs")
            {
                offenders.push(p.display().to_string());
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "read outside the repository: {offenders:?}"
    );
    // Every source key a scenario cites is in data/sma-history.md.
    let sources = std::fs::read_to_string(root.join("data/sma-history.md")).unwrap();
    let files = ["scenarios", "scenarios/nowcast"]
        .into_iter()
        .flat_map(|d| {
            std::fs::read_dir(root.join(d))
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.is_file())
        });
    for p in files {
        let text = std::fs::read_to_string(&p).unwrap();
        for (i, _) in text.match_indices('S') {
            let digits: String = text[i + 1..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            let before = text[..i].chars().last().unwrap_or(' ');
            if digits.is_empty() || before.is_ascii_alphanumeric() {
                continue;
            }
            assert!(
                sources.contains(&format!("* S{digits} ")),
                "{}: S{digits} is not in data/sma-history.md",
                p.display()
            );
        }
    }
}

// ---------------------------------------------------------------- 10. smaller

#[test]
fn item10_json_with_several_scenarios_is_one_document() {
    let tmp = tempfile::tempdir().unwrap();
    let a = write(tmp.path(), "a.toml", &scenario("a"));
    let b = write(tmp.path(), "b.toml", &scenario("b"));
    let out = tmp.path().join("r");
    let r = ok(&["run", s(&a), s(&b), "--json", "--out", s(&out)]);
    let v: Value = serde_json::from_slice(&r.stdout).expect("one JSON document");
    let arr = v.as_array().expect("an array");
    assert_eq!(arr.len(), 2);
    assert_eq!(arr[0]["scenario"]["name"], "a");
    // One scenario: one summary object, as before.
    let r = ok(&["run", s(&a), "--json", "--out", s(&tmp.path().join("one"))]);
    let v: Value = serde_json::from_slice(&r.stdout).unwrap();
    assert_eq!(v["format"], "bargain-summary");
}

#[test]
fn item10_quiet_keeps_warnings_and_validate_names_the_file_once() {
    let tmp = tempfile::tempdir().unwrap();
    let text = scenario("w").replace("opening = 1.4", "opening = 0.9");
    let f = write(tmp.path(), "w.toml", &text);
    let r = ok(&["run", s(&f), "-q", "--out", s(&tmp.path().join("o"))]);
    assert!(stderr(&r).contains("warning:"), "{}", stderr(&r));
    let r = ok(&["validate", s(&f)]);
    let stdout = String::from_utf8_lossy(&r.stdout);
    let line = stdout
        .lines()
        .find(|l| l.starts_with("warning:"))
        .expect("a warning");
    assert_eq!(line.matches("w.toml").count(), 1, "{line}");
}
