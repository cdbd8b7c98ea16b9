//! Regression tests of issue 20 ("Hardening, round two"), the report-folder and merge
//! items: a user's file is never deleted at any depth of a report set, `merge` never
//! writes over its own inputs nor trusts deal days past the calendar, `compare` never
//! trusts a tampered `summary.json`, and the default `reports/` flow, concurrent runs,
//! I/O errors and crashed commits behave. Each through the binary, where a user meets it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{bargain, ok, write};
use serde_json::Value;

/// A small uncertain scenario (three models, deals in several rounds).
fn scenario(name: &str) -> String {
    format!(
        r#"
[scenario]
name = "{name}"
title = "Scenario {name}"
unit = "trillion KRW"
[run]
trials = 2000
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

/// The shipped SMA 2019 scenario (a calendar with an end, and `[observed]`), at few trials.
fn sma(dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/sma-2019.toml"),
    )
    .unwrap();
    write(
        dir,
        "sma-2019.toml",
        &text.replace("trials = 100000", "trials = 2000"),
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

/// `bargain ARGS` run in the folder `cwd`.
fn bargain_in(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bargain"))
        .current_dir(cwd)
        .args(args)
        .output()
        .unwrap()
}

fn ok_in(cwd: &Path, args: &[&str]) -> Output {
    let o = bargain_in(cwd, args);
    assert!(o.status.success(), "bargain {args:?}: {}", stderr(&o));
    o
}

/// `run` refuses with exit 2 naming `foreign`, and nothing under `dir` changed.
fn refused_keeping(o: &Output, dir: &Path, before: &BTreeMap<PathBuf, Vec<u8>>, foreign: &str) {
    assert_eq!(o.status.code(), Some(2), "{}", stderr(o));
    assert!(
        stderr(o).contains(foreign),
        "the message does not name {foreign}: {}",
        stderr(o)
    );
    assert!(snapshot(dir) == *before, "the report folder was changed");
    let parent = dir.parent().unwrap();
    assert!(
        !names(parent).iter().any(|n| n.contains(".tmp-")),
        "staging left behind"
    );
}

// ----------------------------------------- 1. a user's file inside a report set

#[test]
fn item1_a_users_file_inside_a_sub_report_is_never_deleted() {
    let tmp = tempfile::tempdir().unwrap();
    let a = write(tmp.path(), "a.toml", &scenario("a"));
    let b = write(tmp.path(), "b.toml", &scenario("b"));
    let set = tmp.path().join("set");
    let run = |extra: &[&str]| {
        let mut args = vec!["run", s(&a), s(&b), "--quiet", "--out", s(&set)];
        args.extend(extra);
        bargain(&args)
    };
    assert!(run(&[]).status.success());
    // A draft two levels down, a note beside the sub-report's files, a file deeper still.
    std::fs::create_dir(set.join("b/my-analysis")).unwrap();
    std::fs::write(set.join("b/my-analysis/draft.md"), "my draft").unwrap();
    let before = snapshot(&set);
    refused_keeping(&run(&[]), &set, &before, "b/my-analysis/draft.md");
    std::fs::remove_dir_all(set.join("b/my-analysis")).unwrap();
    std::fs::write(set.join("a/notes.md"), "notes").unwrap();
    let before = snapshot(&set);
    refused_keeping(&run(&["--seed", "5"]), &set, &before, "a/notes.md");
    std::fs::remove_file(set.join("a/notes.md")).unwrap();
    std::fs::create_dir_all(set.join("a/x/y")).unwrap();
    std::fs::write(set.join("a/x/y/deep.txt"), "deep").unwrap();
    let before = snapshot(&set);
    refused_keeping(&run(&[]), &set, &before, "a/x/y/deep.txt");
    // An empty folder of the user's is named too, and a sub-report that lost its marker
    // is no longer bargain's.
    std::fs::remove_dir_all(set.join("a/x")).unwrap();
    std::fs::create_dir(set.join("a/empty")).unwrap();
    refused_keeping(&run(&[]), &set, &snapshot(&set), "a/empty/");
    std::fs::remove_dir(set.join("a/empty")).unwrap();
    std::fs::remove_file(set.join("b/.bargain-report")).unwrap();
    refused_keeping(&run(&[]), &set, &snapshot(&set), "b/amounts.png");
}

#[test]
fn item1_the_default_reports_flow_keeps_notes_in_a_sub_report() {
    let tmp = tempfile::tempdir().unwrap();
    let scen = tmp.path().join("scenarios");
    std::fs::create_dir(&scen).unwrap();
    write(&scen, "a.toml", &scenario("a"));
    write(&scen, "b.toml", &scenario("b"));
    ok_in(tmp.path(), &["run", "scenarios", "--quiet"]);
    let reports = tmp.path().join("reports");
    std::fs::write(reports.join("a/notes.md"), "my notes").unwrap();
    let before = snapshot(&reports);
    let o = bargain_in(tmp.path(), &["run", "scenarios", "--quiet"]);
    refused_keeping(&o, &reports, &before, "a/notes.md");
}

#[test]
fn item1_backtest_out_keeps_a_users_file_in_a_scenario_report() {
    let tmp = tempfile::tempdir().unwrap();
    let scen = tmp.path().join("scen");
    std::fs::create_dir(&scen).unwrap();
    sma(&scen);
    let out = tmp.path().join("bt");
    ok(&["backtest", s(&scen), "--quiet", "--out", s(&out)]);
    std::fs::create_dir(out.join("sma-2019/mine")).unwrap();
    std::fs::write(out.join("sma-2019/mine/draft.md"), "draft").unwrap();
    let before = snapshot(&out);
    let o = bargain(&["backtest", s(&scen), "--quiet", "--out", s(&out)]);
    refused_keeping(&o, &out, &before, "sma-2019/mine/draft.md");
    // Without the user's file the backtest is replaced as before.
    std::fs::remove_dir_all(out.join("sma-2019/mine")).unwrap();
    ok(&["backtest", s(&scen), "--quiet", "--out", s(&out)]);
}

// -------------------------------------------- 5. merge --out naming an input

/// Two shards of `file` at `dir/s1`, `dir/s2`.
fn shards(dir: &Path, file: &Path) -> (PathBuf, PathBuf) {
    let (one, two) = (dir.join("s1"), dir.join("s2"));
    ok(&[
        "run",
        s(file),
        "--quiet",
        "--shard",
        "1/2",
        "--out",
        s(&one),
    ]);
    ok(&[
        "run",
        s(file),
        "--quiet",
        "--shard",
        "2/2",
        "--out",
        s(&two),
    ]);
    (one, two)
}

#[test]
fn item5_merge_refuses_an_out_that_is_one_of_its_inputs() {
    let tmp = tempfile::tempdir().unwrap();
    let f = write(tmp.path(), "m.toml", &scenario("m"));
    let (one, two) = shards(tmp.path(), &f);
    let before = (snapshot(&one), snapshot(&two));
    let spelled_otherwise = tmp.path().join("s2/../s1");
    for (out, why) in [
        (one.clone(), "is one of the partial reports"),
        (spelled_otherwise, "is one of the partial reports"),
        (one.join("merged"), "lies inside a partial report"),
    ] {
        let o = bargain(&["merge", s(&one), s(&two), "--out", s(&out)]);
        assert_eq!(
            o.status.code(),
            Some(2),
            "{}: {}",
            out.display(),
            stderr(&o)
        );
        assert!(stderr(&o).contains(why), "{}", stderr(&o));
        assert!(stderr(&o).contains("s1"), "{}", stderr(&o));
        assert!(
            (snapshot(&one), snapshot(&two)) == before,
            "a shard changed"
        );
    }
    // Shards kept in a folder that is itself a report: that folder is refused too.
    let holder = tmp.path().join("holder");
    ok(&["run", s(&f), "--quiet", "--out", s(&holder)]);
    let inner = holder.join("s1");
    ok(&[
        "run",
        s(&f),
        "--quiet",
        "--shard",
        "1/2",
        "--out",
        s(&inner),
    ]);
    let o = bargain(&["merge", s(&inner), s(&two), "--out", s(&holder)]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("holds a partial report"),
        "{}",
        stderr(&o)
    );
    assert!(inner.join("partial.json").is_file());
    // Elsewhere the merge works.
    ok(&["merge", s(&one), s(&two), "--out", s(&tmp.path().join("m"))]);
}

// ---------------------------------------------- 7. deal days past the calendar

#[test]
fn item7_merge_refuses_deal_days_past_the_calendar_naming_the_shard() {
    let tmp = tempfile::tempdir().unwrap();
    let f = sma(tmp.path());
    let (one, two) = shards(tmp.path(), &f);
    // Move one deal of the first model to a day ten years past the calendar's end.
    let p = two.join("partial.json");
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
    let days = v["accumulated"]["models"][0][1]["deal_days"]
        .as_array_mut()
        .unwrap();
    let i = days.iter().position(|d| d.as_u64().unwrap() > 0).unwrap();
    days[i] = Value::from(days[i].as_u64().unwrap() - 1);
    days.resize(5000, Value::from(0));
    days.push(Value::from(1));
    std::fs::write(&p, serde_json::to_string(&v).unwrap()).unwrap();
    let out = tmp.path().join("merged");
    let o = bargain(&["merge", s(&one), s(&two), "--out", s(&out)]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(e.contains(s(&p)), "the shard is not named: {e}");
    assert!(e.contains("deal_days") && e.contains("day 5000"), "{e}");
    assert!(!out.exists());
}

#[test]
fn item7_deal_days_without_an_end_are_bounded_by_the_last_round() {
    let tmp = tempfile::tempdir().unwrap();
    let text = scenario("c").replace(
        "[parties.us]",
        "[calendar]\nstart = \"2018-03-07\"\nexpiry = \"2018-12-31\"\nround_months = { uniform = [0.5, 1.0] }\n[parties.us]",
    );
    let f = write(tmp.path(), "c.toml", &text);
    let (one, two) = shards(tmp.path(), &f);
    // Untouched shards merge (the bound holds for every genuine deal) ...
    ok(&[
        "merge",
        s(&one),
        s(&two),
        "--out",
        s(&tmp.path().join("ok")),
    ]);
    // ... and 8 rounds of at most a month end before day 8 · 31.
    let p = one.join("partial.json");
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
    let days = v["accumulated"]["models"][0][1]["deal_days"]
        .as_array_mut()
        .unwrap();
    let i = days.iter().position(|d| d.as_u64().unwrap() > 0).unwrap();
    days[i] = Value::from(days[i].as_u64().unwrap() - 1);
    days.resize(400, Value::from(0));
    days.push(Value::from(1));
    std::fs::write(&p, serde_json::to_string(&v).unwrap()).unwrap();
    let o = bargain(&[
        "merge",
        s(&one),
        s(&two),
        "--out",
        s(&tmp.path().join("bad")),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains(s(&p)) && stderr(&o).contains("deal_days"));
}

// ------------------------------------------------------ 8. the output low items

#[test]
fn item8_the_default_reports_flow_accepts_bargains_own_reports_and_keeps_them() {
    let tmp = tempfile::tempdir().unwrap();
    let scen = tmp.path().join("scenarios");
    std::fs::create_dir(&scen).unwrap();
    write(&scen, "a.toml", &scenario("a"));
    write(&scen, "b.toml", &scenario("b"));
    let reports = tmp.path().join("reports");
    let cwd = tmp.path();
    ok_in(cwd, &["run", "scenarios", "--quiet"]);
    ok_in(cwd, &["compare", "reports/a", "reports/b", "--quiet"]);
    ok_in(
        cwd,
        &[
            "sweep",
            "scenarios/a.toml",
            "--sweep",
            "parties.us.opening=1.3,1.5",
            "--quiet",
        ],
    );
    let compare = snapshot(&reports.join("compare"));
    let sweep = snapshot(&reports.join("a-sweep"));
    let old_a = std::fs::read(reports.join("a/summary.json")).unwrap();
    ok_in(cwd, &["run", "scenarios", "--quiet", "--seed", "9"]);
    assert_ne!(
        old_a,
        std::fs::read(reports.join("a/summary.json")).unwrap()
    );
    assert!(
        snapshot(&reports.join("compare")) == compare,
        "compare lost"
    );
    assert!(snapshot(&reports.join("a-sweep")) == sweep, "sweep lost");
    // Again, now that they sit in a folder of runs.
    ok_in(cwd, &["run", "scenarios", "--quiet"]);
    assert!(snapshot(&reports.join("compare")) == compare);
    // A plain reports/ of single runs and a comparison becomes a folder of runs too.
    std::fs::remove_dir_all(&reports).unwrap();
    ok_in(cwd, &["run", "scenarios/a.toml", "--quiet"]);
    ok_in(cwd, &["run", "scenarios/b.toml", "--quiet"]);
    ok_in(cwd, &["compare", "reports/a", "reports/b", "--quiet"]);
    let compare = snapshot(&reports.join("compare"));
    ok_in(cwd, &["run", "scenarios", "--quiet"]);
    assert!(snapshot(&reports.join("compare")) == compare);
    assert!(reports.join("index.html").is_file());
    // A user's file is still never deleted, at the top or inside a kept report.
    std::fs::write(reports.join("compare/mine.md"), "mine").unwrap();
    let before = snapshot(&reports);
    let o = bargain_in(cwd, &["run", "scenarios", "--quiet"]);
    refused_keeping(&o, &reports, &before, "compare/mine.md");
    std::fs::remove_file(reports.join("compare/mine.md")).unwrap();
    std::fs::write(reports.join("notes.md"), "notes").unwrap();
    let before = snapshot(&reports);
    let o = bargain_in(cwd, &["run", "scenarios", "--quiet"]);
    refused_keeping(&o, &reports, &before, "notes.md");
}

#[test]
fn item8_a_kept_report_of_another_kind_is_never_replaced_by_a_sub_report() {
    let tmp = tempfile::tempdir().unwrap();
    let a = write(tmp.path(), "a.toml", &scenario("a"));
    let b = write(tmp.path(), "b.toml", &scenario("b"));
    let set = tmp.path().join("set");
    ok(&["run", s(&a), s(&b), "--quiet", "--out", s(&set)]);
    std::fs::remove_dir_all(set.join("b")).unwrap();
    ok(&[
        "compare",
        s(&set.join("a")),
        s(&set.join("a")),
        "--quiet",
        "--out",
        s(&set.join("b")),
    ]);
    let before = snapshot(&set);
    let o = bargain(&["run", s(&a), s(&b), "--quiet", "--out", s(&set)]);
    refused_keeping(&o, &set, &before, "b/ (a `compare` report)");
}

#[test]
fn item8_a_run_committing_while_another_commits_into_the_same_out_waits_its_turn() {
    let tmp = tempfile::tempdir().unwrap();
    let f = write(tmp.path(), "c.toml", &scenario("c"));
    let out = tmp.path().join("rep");
    ok(&["run", s(&f), "--quiet", "--out", s(&out)]);
    // A pauses just after moving the earlier report aside; B commits meanwhile.
    let mut a = Command::new(env!("CARGO_BIN_EXE_bargain"))
        .args(["run", s(&f), "--quiet", "--seed", "4", "--out", s(&out)])
        .env("BARGAIN_PAUSE_AT", "backup")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let aside = tmp.path().join(format!(".rep.old-{}", a.id()));
    let start = std::time::Instant::now();
    while !aside.exists() {
        assert!(a.try_wait().unwrap().is_none(), "A exited early");
        assert!(start.elapsed().as_secs() < 60, "A never reached its commit");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let b = bargain(&["run", s(&f), "--quiet", "--seed", "5", "--out", s(&out)]);
    let a = a.wait_with_output().unwrap();
    assert!(a.status.success(), "A: {}", stderr(&a));
    assert!(b.status.success(), "B: {}", stderr(&b));
    // B came last: its report is in place, whole, and nothing is left beside it.
    let fresh = tmp.path().join("fresh");
    ok(&["run", s(&f), "--quiet", "--seed", "5", "--out", s(&fresh)]);
    assert_eq!(
        std::fs::read(out.join("summary.json")).unwrap(),
        std::fs::read(fresh.join("summary.json")).unwrap()
    );
    assert_eq!(names(tmp.path()), vec!["c.toml", "fresh", "rep"]);
}

#[test]
fn item8_a_report_hidden_by_a_crashed_commit_is_recovered_when_read() {
    let tmp = tempfile::tempdir().unwrap();
    let a = write(tmp.path(), "a.toml", &scenario("a"));
    let b = write(tmp.path(), "b.toml", &scenario("b"));
    let rep = tmp.path().join("rep");
    let other = tmp.path().join("other");
    ok(&["run", s(&a), "--quiet", "--out", s(&rep)]);
    ok(&["run", s(&b), "--quiet", "--out", s(&other)]);
    let before = snapshot(&rep);
    let crash = |args: &[&str]| {
        let o = Command::new(env!("CARGO_BIN_EXE_bargain"))
            .args(args)
            .env("BARGAIN_CRASH_AT", "backup")
            .output()
            .unwrap();
        assert_eq!(o.status.code(), None, "did not crash: {}", stderr(&o));
    };
    crash(&["run", s(&a), "--quiet", "--seed", "2", "--out", s(&rep)]);
    assert!(!rep.exists());
    let o = ok(&[
        "compare",
        s(&rep),
        s(&other),
        "--quiet",
        "--out",
        s(&tmp.path().join("cmp")),
    ]);
    assert!(stderr(&o).contains("restored"), "{}", stderr(&o));
    assert!(snapshot(&rep) == before, "not the earlier report");
    // The same for merge's inputs.
    let (one, two) = shards(tmp.path(), &a);
    let shard = snapshot(&one);
    crash(&[
        "run",
        s(&a),
        "--quiet",
        "--shard",
        "1/2",
        "--seed",
        "8",
        "--out",
        s(&one),
    ]);
    assert!(!one.exists());
    ok(&["merge", s(&one), s(&two), "--out", s(&tmp.path().join("m"))]);
    assert!(snapshot(&one) == shard);
}

#[test]
fn item8_compare_refuses_a_tampered_summary_naming_file_and_field() {
    let tmp = tempfile::tempdir().unwrap();
    let a = write(tmp.path(), "a.toml", &scenario("a"));
    let b = write(tmp.path(), "b.toml", &scenario("b"));
    let (ra, rb) = (tmp.path().join("ra"), tmp.path().join("rb"));
    ok(&["run", s(&a), "--quiet", "--out", s(&ra)]);
    ok(&["run", s(&b), "--quiet", "--out", s(&rb)]);
    let path = rb.join("summary.json");
    let good = std::fs::read_to_string(&path).unwrap();
    type Edit = fn(&mut Value);
    let edits: [(Edit, &str); 5] = [
        (
            |v| v["models"]["agents"]["agreement_rate"] = 7.5.into(),
            "agreement_rate",
        ),
        (
            |v| v["models"]["nash"]["outcomes"]["deal"] = 9999.into(),
            "outcomes",
        ),
        (|v| v["models"]["stahl"]["trials"] = 7.into(), "trials"),
        (
            |v| v["models"]["agents"]["amount"]["mean"] = 75.0.into(),
            "amount",
        ),
        (
            |v| v["models"]["agents"]["round"]["counts"][0] = 123_456.into(),
            "round.counts",
        ),
    ];
    for (edit, field) in edits {
        let mut v: Value = serde_json::from_str(&good).unwrap();
        edit(&mut v);
        std::fs::write(&path, serde_json::to_string_pretty(&v).unwrap()).unwrap();
        let out = tmp.path().join("cmp");
        let o = bargain(&["compare", s(&ra), s(&rb), "--out", s(&out)]);
        assert_eq!(o.status.code(), Some(2), "{field}: {}", stderr(&o));
        let e = stderr(&o);
        assert!(e.contains(s(&path)) && e.contains(field), "{field}: {e}");
        assert!(!String::from_utf8_lossy(&o.stdout).contains('%'));
        assert!(!out.exists());
    }
    std::fs::write(&path, good).unwrap();
    ok(&[
        "compare",
        s(&ra),
        s(&rb),
        "--quiet",
        "--out",
        s(&tmp.path().join("cmp")),
    ]);
}

#[test]
fn item8_merge_takes_quiet() {
    let tmp = tempfile::tempdir().unwrap();
    let f = write(tmp.path(), "m.toml", &scenario("m"));
    let (one, two) = shards(tmp.path(), &f);
    for q in ["-q", "--quiet"] {
        let out = tmp.path().join(format!("m{q}"));
        let o = ok(&["merge", s(&one), s(&two), q, "--out", s(&out)]);
        assert!(
            o.stdout.is_empty(),
            "{}",
            String::from_utf8_lossy(&o.stdout)
        );
        assert!(out.join("summary.json").is_file());
    }
    let o = ok(&[
        "merge",
        s(&one),
        s(&two),
        "--out",
        s(&tmp.path().join("loud")),
    ]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("report:"));
}

#[test]
fn item8_io_errors_name_the_destination_in_plain_words() {
    let tmp = tempfile::tempdir().unwrap();
    let a = write(tmp.path(), "a.toml", &scenario("a"));
    let b = write(tmp.path(), "b.toml", &scenario("b"));
    let one = tmp.path().join("one");
    let set = tmp.path().join("set");
    for (args, out) in [
        (vec!["run", s(&a), "-q", "--out", s(&one)], &one),
        (vec!["run", s(&a), s(&b), "-q", "--out", s(&set)], &set),
    ] {
        // Files larger than 50 KB cannot be written (EFBIG, the signal ignored): a plot fails.
        let o = Command::new("sh")
            .arg("-c")
            .arg("trap '' XFSZ; ulimit -f 100; exec \"$0\" \"$@\"")
            .arg(env!("CARGO_BIN_EXE_bargain"))
            .args(&args)
            .output()
            .unwrap();
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{e}");
        assert!(e.contains("File too large"), "{e}");
        assert!(e.contains(s(out)), "the destination is not named: {e}");
        for debug in [".tmp-", "Custom {", "IoError(", "kind:", "Os {"] {
            assert!(!e.contains(debug), "`{debug}` in: {e}");
        }
        assert!(!out.exists());
        assert!(!names(tmp.path()).iter().any(|n| n.starts_with('.')));
    }
}
