#!/usr/bin/env bash
# Throughput and peak memory of the release binary on the SMA 2019 scenario.
#
#   benches/run.sh [TRIALS...]        default: 1000000 10000000
#   BIG=100000000 benches/run.sh      also run 10^8 trials (minutes) for the flat-memory check
#
# For each trial count and thread count (1, 2) it prints trials/s (from run.json) and the
# maximum resident set size (from `/usr/bin/time -v` if installed, else from the kernel's
# accounting of the finished child via python3, else "n/a"), for three scenarios:
#   sma-2019-agents             the shipped scenario, agents model only, with its calendar
#   sma-2019-agents-no-calendar the same without the calendar ([calendar], lapse_cost and
#                               end_game removed; max_rounds as before the calendar: 5, 6
#                               or 10, weights 2:1:2)
#   sma-2019                    the shipped scenario, all six models
# The two agents variants run one after the other (interleaved) on the same binary, and a
# line "calendar / no calendar" gives the ratio of their throughputs.
#
# Then the package section (issue #12): `bargain run` on the two package benchmark domains
# of benches/data/ (fixed profiles, NegMAS's default AspirationNegotiator on both sides,
# 100 steps) with 2 threads, printing negotiations/s over the whole process (parsing,
# preparing the profiles once, the report) and the marginal rate net of that fixed cost
# (the same run with --trials 1 subtracted). Trials: PACKAGE_600 (default 1000000) and
# PACKAGE_190K (default 100000); PACKAGE_ONLY=1 skips the one-issue figures. NegMAS on the
# same files: `benches/peers/run.sh package`. Not run in CI.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
cargo build --release -p bargain-runner --quiet
target="${CARGO_TARGET_DIR:-$root/target}"
bin="$target/release/bargain"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
# The shipped SMA 2019 scenario with only the agents model.
agents="$out/sma-2019-agents.toml"
sed -e 's/^name = "sma-2019"/name = "sma-2019-agents"/' \
    -e 's/^models = \[.*\]/models = ["agents"]/' "$root/scenarios/sma-2019.toml" > "$agents"
grep -q '^models = \["agents"\]' "$agents"
# The same without its calendar (the baseline of the calendar's cost).
nocal="$out/sma-2019-agents-no-calendar.toml"
awk '/^\[/ { cal = ($0 == "[calendar]") }
     cal || /^(lapse_cost|end_game) *=/ { next }
     { print }
     $0 == "[protocol]" { print "max_rounds = { choice = [5, 6, 10], weights = [2, 1, 2] }" }' \
    "$agents" | sed -e 's/^name = "sma-2019-agents"/name = "sma-2019-agents-no-calendar"/' > "$nocal"
if grep -q '^\[calendar\]' "$nocal"; then
    echo "benches/run.sh: the no-calendar variant still has a [calendar]" >&2
    exit 1
fi

trials=("$@")
[ ${#trials[@]} -eq 0 ] && trials=(1000000 10000000)
[ -n "${BIG:-}" ] && trials+=("$BIG")

# Run "$@" and print its max RSS in KiB (or n/a).
max_rss() {
    if [ -x /usr/bin/time ]; then
        /usr/bin/time -v "$@" 2> "$out/time.txt" > /dev/null
        awk -F': ' '/Maximum resident set size/ {print $2}' "$out/time.txt"
    elif command -v python3 > /dev/null; then
        python3 -c 'import resource, subprocess, sys
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' "$@"
    else
        "$@" > /dev/null
        echo n/a
    fi
}

[ -n "${PACKAGE_ONLY:-}" ] && trials=()
[ ${#trials[@]} -gt 0 ] && printf '%-28s %12s %8s %14s %12s\n' scenario trials threads trials/s maxRSS_KiB
# Run one scenario, print its row and leave its trials/s in $rate.
measure() {
    local scenario="$1" n="$2" threads="$3" name rss
    name="$(basename "$scenario" .toml)"
    rss="$(max_rss "$bin" run "$scenario" --trials "$n" --threads "$threads" \
        --out "$out/$name-$n-$threads" --quiet)"
    rate="$(sed -n 's/.*"trials_per_second": *\([0-9.]*\).*/\1/p' \
        "$out/$name-$n-$threads/run.json")"
    printf '%-28s %12s %8s %14.0f %12s\n' "$name" "$n" "$threads" "$rate" "$rss"
}
for n in "${trials[@]}"; do
    for threads in 1 2; do
        measure "$agents" "$n" "$threads"
        with="$rate"
        measure "$nocal" "$n" "$threads"
        awk -v a="$with" -v b="$rate" -v n="$n" -v t="$threads" \
            'BEGIN { printf "calendar / no calendar (%s trials, %s threads): %.0f%%\n", n, t, 100 * a / b }'
    done
done
for n in "${trials[@]}"; do
    for threads in 1 2; do
        measure "$root/scenarios/sma-2019.toml" "$n" "$threads"
    done
done

# Package scenarios: wall-clock seconds of one `bargain run` (summary and report).
package_seconds() {
    local file="$1" n="$2" threads="$3" start end
    start="$(date +%s.%N)"
    "$bin" run "$file" --trials "$n" --threads "$threads" --out "$out/pkg-$n-$threads" --quiet
    end="$(date +%s.%N)"
    rm -rf "$out/pkg-$n-$threads"
    awk -v a="$start" -v b="$end" 'BEGIN { printf "%.6f", b - a }'
}
[ ${#trials[@]} -gt 0 ] && echo
printf '%-28s %9s %12s %8s %14s %14s\n' package outcomes trials threads negotiations/s marginal/s
for spec in "package-600.toml:${PACKAGE_600:-1000000}" "package-190k.toml:${PACKAGE_190K:-100000}"; do
    file="$root/benches/data/${spec%%:*}"
    n="${spec##*:}"
    threads=2
    fixed="$(package_seconds "$file" 1 "$threads")"
    total="$(package_seconds "$file" "$n" "$threads")"
    "$bin" run "$file" --trials 1 --out "$out/pkg-size" --quiet --json > "$out/pkg-size.json"
    outcomes="$(sed -n 's/^ *"outcomes": *\([0-9]*\).*/\1/p' "$out/pkg-size.json" | head -1)"
    rm -rf "$out/pkg-size"
    awk -v name="$(basename "$file" .toml)" -v o="$outcomes" -v n="$n" -v t="$threads" \
        -v total="$total" -v fixed="$fixed" 'BEGIN {
            marginal = (total > fixed) ? (n - 1) / (total - fixed) : 0
            printf "%-28s %9s %12s %8s %14.0f %14.0f\n", name, o, n, t, n / total, marginal }'
done
echo "machine: $(nproc) cores, $(uname -sr); load: $(cut -d' ' -f1-3 /proc/loadavg)"
