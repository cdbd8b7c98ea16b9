//! The bad-input corpus: every `tests/bad/NAME.toml` must be rejected with a message
//! containing the one-line fragment in `tests/bad/NAME.expected` (which includes
//! `line:col` and the field path).
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use bargain_runner::scenario::Scenario;

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

#[test]
fn corpus_is_large_enough() {
    assert!(corpus().len() >= 40, "{} bad files", corpus().len());
}

#[test]
fn every_bad_file_is_rejected_with_its_expected_message() {
    let mut failures = Vec::new();
    for toml in corpus() {
        let name = toml.file_stem().unwrap().to_string_lossy().into_owned();
        let expected_path = toml.with_extension("expected");
        let expected = std::fs::read_to_string(&expected_path)
            .map(|s| s.trim_end_matches(['\n', '\r']).to_owned())
            .unwrap_or_default();
        match Scenario::from_path(&toml) {
            Ok(_) => failures.push(format!("{name}: accepted")),
            Err(e) => {
                let msg = e.to_string();
                if expected.is_empty() || !msg.contains(&expected) {
                    failures.push(format!(
                        "{name}:\n  expected: {expected:?}\n  got:      {msg}"
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn files_over_one_mebibyte_are_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.toml");
    let mut text = String::from("[scenario]\nname = \"huge\"\n");
    while text.len() <= 1 << 20 {
        text.push_str("# padding padding padding padding padding padding padding padding\n");
    }
    std::fs::write(&path, &text).unwrap();
    let e = Scenario::from_path(&path).unwrap_err().to_string();
    assert!(
        e.contains("huge.toml:1:1: (file): expected a file of at most 1048576 bytes"),
        "{e}"
    );
    let e = Scenario::parse(&text, "huge.toml").unwrap_err().to_string();
    assert!(
        e.contains("huge.toml:1:1: (file): expected at most 1048576 bytes"),
        "{e}"
    );
}

#[test]
fn missing_files_are_reported() {
    let e = Scenario::from_path(Path::new("/nonexistent/x.toml")).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("/nonexistent/x.toml:1:1: (file): expected a readable file"),
        "{e}"
    );
}

#[test]
fn all_semantic_errors_are_reported_in_file_order() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad/normal-sd-negative.toml"),
    )
    .unwrap()
    .replace("max_rounds = 10", "max_rounds = 0")
    .replace("opening = 1.4", "opening = inf");
    let e = Scenario::parse(&text, "multi.toml").unwrap_err();
    let lines: Vec<String> = e.to_string().lines().map(str::to_owned).collect();
    assert_eq!(e.diagnostics().len(), 3, "{lines:#?}");
    assert!(
        lines[0].starts_with("multi.toml:9:14: protocol.max_rounds: "),
        "{lines:#?}"
    );
    assert!(
        lines[1].starts_with("multi.toml:14:11: parties.us.opening: "),
        "{lines:#?}"
    );
    assert!(
        lines[2].starts_with("multi.toml:21:32: parties.kr.reservation.normal[1]: "),
        "{lines:#?}"
    );
}
