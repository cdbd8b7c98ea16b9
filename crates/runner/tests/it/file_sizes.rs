//! The project's rule "no source file over 1000 lines", enforced: every `.rs` file under
//! `crates/` (outside any `target/`) has at most [`MAX_LINES`] lines. A failure names each
//! file and its length; split it by concern (as `crates/scenario/src/validate/`).

use std::path::{Path, PathBuf};

/// Most lines a source file may have.
const MAX_LINES: usize = 1000;

/// Every `.rs` file under `dir` (recursively, skipping `target` folders) with more than
/// `max` lines, as `(path, lines)`, sorted by path.
fn oversize(dir: &Path, max: usize) -> Vec<(PathBuf, usize)> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display()));
        for entry in entries {
            let path = entry.expect("directory entry").path();
            let ty = std::fs::symlink_metadata(&path)
                .expect("metadata")
                .file_type();
            if ty.is_dir() {
                if path.file_name().is_some_and(|n| n != "target") {
                    stack.push(path);
                }
            } else if ty.is_file() && path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path)
                    .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                let lines = text.lines().count();
                if lines > max {
                    found.push((path, lines));
                }
            }
        }
    }
    found.sort();
    found
}

#[test]
fn no_source_file_under_crates_exceeds_1000_lines() {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let crates = crates.canonicalize().expect("crates/");
    let found = oversize(&crates, MAX_LINES);
    let list: Vec<String> = found
        .iter()
        .map(|(p, n)| {
            let shown = p.strip_prefix(&crates).unwrap_or(p);
            format!("crates/{}: {n} lines", shown.display())
        })
        .collect();
    assert!(
        list.is_empty(),
        "source files over {MAX_LINES} lines (split them by concern):\n{}",
        list.join("\n")
    );
}

/// The scan finds a file one line over the limit, nested, and skips `target/`.
#[test]
fn the_scan_names_an_oversize_file_and_skips_target() {
    let dir = tempfile::tempdir().expect("temp dir");
    let nested = dir.path().join("a/src/deep");
    std::fs::create_dir_all(&nested).expect("mkdir");
    std::fs::create_dir_all(dir.path().join("a/target")).expect("mkdir");
    let long = "fn x() {}\n".repeat(MAX_LINES + 1);
    let exact = "fn x() {}\n".repeat(MAX_LINES);
    std::fs::write(nested.join("big.rs"), &long).expect("write");
    std::fs::write(nested.join("ok.rs"), &exact).expect("write");
    std::fs::write(nested.join("big.txt"), &long).expect("write");
    std::fs::write(dir.path().join("a/target/gen.rs"), &long).expect("write");
    let found = oversize(dir.path(), MAX_LINES);
    assert_eq!(found, vec![(nested.join("big.rs"), MAX_LINES + 1)]);
}
