#!/usr/bin/env bash
# Shrink corpus/scenario_parse to a small set with the same coverage (greedy set cover),
# folding in the seed folders. Run after ./run.sh, then commit the corpus.
set -euo pipefail
cd "$(dirname "$0")"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}"
./build.sh
TARGET="$(rustc -vV | sed -n 's/^host: //p')"
rm -rf corpus/min && mkdir -p corpus/min
"$CARGO_TARGET_DIR/$TARGET/release/scenario_parse" -set_cover_merge=1 -max_len=16384 \
  -timeout=10 -rss_limit_mb=2048 \
  corpus/min corpus/scenario_parse ../scenarios ../crates/runner/tests/bad
rm -rf corpus/scenario_parse && mv corpus/min corpus/scenario_parse
echo "corpus: $(ls corpus/scenario_parse | wc -l) files, $(du -sh corpus/scenario_parse | cut -f1)"
