#!/usr/bin/env bash
# Build the fuzz targets with libFuzzer on the STABLE toolchain (no cargo-fuzz, no nightly):
# SanitizerCoverage is enabled through stable codegen flags; libfuzzer-sys compiles
# libFuzzer itself with the system C++ compiler.
set -euo pipefail
cd "$(dirname "$0")"
export RUSTFLAGS="-Cpasses=sancov-module \
 -Cllvm-args=-sanitizer-coverage-level=4 \
 -Cllvm-args=-sanitizer-coverage-inline-8bit-counters \
 -Cllvm-args=-sanitizer-coverage-pc-table \
 -Cllvm-args=-sanitizer-coverage-trace-compares \
 --cfg fuzzing"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}"
# An explicit --target keeps RUSTFLAGS away from build scripts and proc macros.
TARGET="$(rustc -vV | sed -n 's/^host: //p')"
cargo build --release --target "$TARGET" --bins
echo "built: $CARGO_TARGET_DIR/$TARGET/release/{scenario_parse,scenario_numbers}"
