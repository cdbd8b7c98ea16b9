"""Compare NegMAS's and bargain's agreed amounts (two-sample Kolmogorov-Smirnov) and
throughputs. Usage: compare.py NEGMAS.json TRIALS.csv RUN.json"""

import csv
import json
import math
import sys


def ks(a, b):
    a, b = sorted(a), sorted(b)
    i = j = 0
    d = 0.0
    while i < len(a) and j < len(b):
        x = min(a[i], b[j])
        while i < len(a) and a[i] <= x:
            i += 1
        while j < len(b) and b[j] <= x:
            j += 1
        d = max(d, abs(i / len(a) - j / len(b)))
    return d


def main():
    peer = json.load(open(sys.argv[1]))
    ours, trials = [], 0
    with open(sys.argv[2]) as f:
        for row in csv.DictReader(f):
            trials += 1
            if row["agents.kind"] == "deal":
                ours.append(float(row["agents.amount"]))
    run = json.load(open(sys.argv[3]))
    n, m = len(peer["amounts"]), len(ours)
    d = ks(peer["amounts"], ours)
    crit = 1.63 * math.sqrt((n + m) / (n * m))  # 1% level
    rate_p = peer["deals"] / peer["trials"]
    rate_o = m / trials
    se = math.sqrt(rate_p * (1 - rate_p) / peer["trials"] + rate_o * (1 - rate_o) / trials)
    print(f"NegMAS {peer['negmas_version']}: {peer['trials']} trials, agreement {rate_p:.4f}, "
          f"mean deal {sum(peer['amounts']) / max(n, 1):.4f}")
    print(f"bargain: {trials} trials, agreement {rate_o:.4f}, mean deal {sum(ours) / max(m, 1):.4f}")
    print(f"KS distance {d:.4f} (1% critical {crit:.4f}): {'agree' if d < crit else 'DIFFER'}; "
          f"agreement-rate gap {abs(rate_p - rate_o):.4f} ({abs(rate_p - rate_o) / se if se else 0:.1f} s.e.)")
    tp = peer["trials"] / peer["seconds"]
    to = run["trials_per_second"]
    print(f"throughput: NegMAS {tp:,.0f} trials/s (1 process), bargain {to:,.0f} trials/s "
          f"({run['threads']} threads); ratio {to / tp:,.0f}x")
    sys.exit(0 if d < crit else 1)


if __name__ == "__main__":
    main()
