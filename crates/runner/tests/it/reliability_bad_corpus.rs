//! The bad-input corpus through the `bargain` binary: every `tests/bad/NAME.toml` run as
//! `bargain run FILE --out TMP/x` must exit with code 2, print the fragment of
//! `tests/bad/NAME.expected` on stderr, print nothing on stdout, and write nothing at all
//! (the temporary folder stays empty: no report, no staging folder, no marker).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

fn corpus() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
}

/// Every entry under `dir`, recursively (hidden ones included).
fn everything_under(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p.clone());
            }
            found.push(p);
        }
    }
    found
}

#[test]
fn every_bad_file_exits_2_with_its_message_and_writes_nothing() {
    let files = corpus();
    assert!(files.len() >= 76, "{} bad files", files.len());
    let mut failures = Vec::new();
    for toml in files {
        let name = toml.file_stem().unwrap().to_string_lossy().into_owned();
        let expected = std::fs::read_to_string(toml.with_extension("expected"))
            .map(|s| s.trim_end_matches(['\n', '\r']).to_owned())
            .unwrap_or_default();
        let tmp = tempfile::tempdir().unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_bargain"))
            .arg("run")
            .arg(&toml)
            .arg("--out")
            .arg(tmp.path().join("x"))
            .output()
            .expect("run bargain");
        let stderr = String::from_utf8_lossy(&out.stderr);
        let mut problems = Vec::new();
        if out.status.code() != Some(2) {
            problems.push(format!("exit code {:?}, expected 2", out.status.code()));
        }
        if expected.is_empty() || !stderr.contains(&expected) {
            problems.push(format!("stderr lacks {expected:?}"));
        }
        if !stderr.starts_with("error: ") {
            problems.push("stderr does not start with `error: `".into());
        }
        if !out.stdout.is_empty() {
            problems.push(format!(
                "stdout is not empty: {:?}",
                String::from_utf8_lossy(&out.stdout)
            ));
        }
        let written = everything_under(tmp.path());
        if !written.is_empty() {
            problems.push(format!("wrote {written:?}"));
        }
        if !problems.is_empty() {
            failures.push(format!(
                "{name}: {}\n  stderr: {stderr}",
                problems.join("; ")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_file_over_one_mebibyte_exits_2_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("huge.toml");
    let mut text = String::from("[scenario]\nname = \"huge\"\n");
    while text.len() <= 1 << 20 {
        text.push_str("# padding padding padding padding padding padding padding padding\n");
    }
    std::fs::write(&path, &text).unwrap();
    let out_dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_bargain"))
        .arg("run")
        .arg(&path)
        .arg("--out")
        .arg(out_dir.path().join("x"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("huge.toml:1:1: (file): expected a file of at most 1048576 bytes"),
        "{stderr}"
    );
    assert!(everything_under(out_dir.path()).is_empty());
}
