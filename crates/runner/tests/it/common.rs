//! Helpers shared by the end-to-end tests of the `bargain` binary.

#![allow(dead_code)] // each test file uses a different subset

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

/// Run the `bargain` binary with `args`.
pub fn bargain(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bargain"))
        .args(args)
        .output()
        .expect("run bargain")
}

/// Run the `bargain` binary and require success.
pub fn ok(args: &[&str]) -> Output {
    let out = bargain(args);
    assert!(
        out.status.success(),
        "bargain {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Write `text` to `dir/name` and return the path.
pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write scenario");
    p
}

/// Read a JSON file.
pub fn json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("json")
}
