#!/usr/bin/env bash
# Throughput and peak memory of the release binary on the SMA 2019 scenario.
#
#   benches/run.sh [TRIALS...]        default: 1000000 10000000
#   BIG=100000000 benches/run.sh      also run 10^8 trials (minutes) for the flat-memory check
#
# For each trial count and thread count (1, 2) it prints trials/s (from run.json) and the
# maximum resident set size (from `/usr/bin/time -v` if installed, else from the kernel's
# accounting of the finished child via python3, else "n/a"). Not run in CI.
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

printf '%-26s %12s %8s %14s %12s\n' scenario trials threads trials/s maxRSS_KiB
for scenario in "$agents" "$root/scenarios/sma-2019.toml"; do
    name="$(basename "$scenario" .toml)"
    for n in "${trials[@]}"; do
        for threads in 1 2; do
            rss="$(max_rss "$bin" run "$scenario" --trials "$n" --threads "$threads" \
                --out "$out/$name-$n-$threads" --quiet)"
            rate="$(sed -n 's/.*"trials_per_second": *\([0-9.]*\).*/\1/p' \
                "$out/$name-$n-$threads/run.json")"
            printf '%-26s %12s %8s %14.0f %12s\n' "$name" "$n" "$threads" "$rate" "$rss"
        done
    done
done
echo "machine: $(nproc) cores, $(uname -sr); load: $(cut -d' ' -f1-3 /proc/loadavg)"
