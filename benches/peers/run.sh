#!/usr/bin/env bash
# Peer benchmark (not in CI): the same mixed-negotiator scenario (peer.toml) in NegMAS 0.16
# and in bargain; checks that the distributions of agreed amounts agree and prints both
# throughputs and their ratio.
#
#   benches/peers/run.sh [NEGMAS_TRIALS]     default 2000 (NegMAS runs ~100-200/s)
#   benches/peers/run.sh multi               regenerate crates/core/tests/data/negmas-multi-issue.json
#                                            (multi-issue reference negotiations, ~10 s)
#   benches/peers/run.sh genius              regenerate crates/core/tests/data/negmas-genius-travel.json
#                                            (NegMAS on the GENIUS Travel domain, ~40 s)
#   benches/peers/run.sh package [N600] [N190K]
#                                            NegMAS's negotiations/s on the package benchmark
#                                            domains benches/data/package-{600,190k}.toml
#                                            (default 50 and 5 negotiations) and whether its
#                                            agreement and round are bargain's
#                                            (negmas_package_speed.py; under a minute)
#
# NegMAS (AGPL) is installed with pip into a virtual environment ($PEER_VENV, default
# ~/.cache/bargain-peers/venv) and called, never copied into this repository.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
n="${1:-2000}"
venv="${PEER_VENV:-$HOME/.cache/bargain-peers/venv}"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet "negmas>=0.16,<0.17" || "$venv/bin/pip" install --quiet negmas
fi
if [ "$n" = multi ]; then
    "$venv/bin/python" "$here/negmas_multi_issue.py" > "$root/crates/core/tests/data/negmas-multi-issue.json.tmp"
    mv "$root/crates/core/tests/data/negmas-multi-issue.json.tmp" "$root/crates/core/tests/data/negmas-multi-issue.json"
    exit 0
fi
if [ "$n" = genius ]; then
    "$venv/bin/python" "$here/negmas_genius.py" > "$root/crates/core/tests/data/negmas-genius-travel.json.tmp"
    mv "$root/crates/core/tests/data/negmas-genius-travel.json.tmp" "$root/crates/core/tests/data/negmas-genius-travel.json"
    exit 0
fi
(cd "$root" && cargo build --release -p bargain-runner --quiet)
bin="${CARGO_TARGET_DIR:-$root/target}/release/bargain"
if [ "$n" = package ]; then
    "$venv/bin/python" "$here/negmas_package_speed.py" \
        "$root/benches/data/package-600.toml:${2:-50}" \
        "$root/benches/data/package-190k.toml:${3:-5}" --bargain "$bin" | sed '$d'
    echo "machine: $(nproc) cores, $(uname -sr); load: $(cut -d' ' -f1-3 /proc/loadavg)"
    exit 0
fi
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

echo "NegMAS: $n negotiations..."
"$venv/bin/python" "$here/negmas_peer.py" "$n" > "$out/negmas.json"
echo "bargain: 200000 trials with trials.csv (distribution), 1000000 without (throughput)..."
"$bin" run "$here/peer.toml" --trials 200000 --out "$out/dist" --trials-csv --quiet
"$bin" run "$here/peer.toml" --out "$out/speed" --quiet
python3 "$here/compare.py" "$out/negmas.json" "$out/dist/trials.csv" "$out/speed/run.json"
