#!/usr/bin/env bash
# Run the scenario_parse fuzz target. Usage: ./run.sh [SECONDS] [extra libFuzzer flags...]
# New inputs go to corpus/scenario_parse; the shipped scenarios and the bad-input corpus
# of the tests are read as extra seeds. Crashes go to artifacts/.
set -euo pipefail
cd "$(dirname "$0")"
SECONDS_TO_RUN="${1:-1800}"
shift || true
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}"
./build.sh
TARGET="$(rustc -vV | sed -n 's/^host: //p')"
mkdir -p corpus/scenario_parse artifacts
exec "$CARGO_TARGET_DIR/$TARGET/release/scenario_parse" \
  -dict=scenario.dict -max_len=16384 -timeout=10 -rss_limit_mb=2048 \
  -max_total_time="$SECONDS_TO_RUN" -print_final_stats=1 \
  -artifact_prefix=artifacts/ "$@" corpus/scenario_parse ../scenarios ../crates/runner/tests/bad
