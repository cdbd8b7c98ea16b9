"""NegMAS 0.16 throughput on bargain's package benchmark domains (not in CI).

Reads package scenario files with FIXED profiles (benches/data/package-600.toml and
package-190k.toml: no distribution anywhere, both parties `time-based` Boulware) and
runs each N times as `SAOMechanism(issues, n_steps=max_rounds)` between two
`AspirationNegotiator()`s with default arguments (the first mover added first), each
with a `LinearAdditiveUtilityFunction` whose value functions are tables computed here
exactly as bargain-core's `ValueFunction::value` computes them (so utilities are
bitwise bargain's, as in negmas_multi_issue.py). The utility functions are built once
per file (fixed profiles); every negotiation builds its mechanism and negotiators and
runs, which is what one trial costs in NegMAS (the rate counting only `m.run()`, as
negmas_multi_issue.py times it, is printed too).

    VENV/bin/python benches/peers/negmas_package_speed.py FILE[:N] ... [--bargain BIN]

prints, per file, the outcome count, N, the seconds and negotiations/s, and NegMAS's
agreement (issue values) and 1-based round. With `--bargain BIN` it also runs
`BIN replay FILE --trial 0 --model agents --json` and reports whether bargain's
agreement, round and every offer are NegMAS's (they may differ only where NegMAS breaks an exact
utility tie: it takes the first outcome in numpy's unstable argsort order, which is not
reproducible across machines; bargain takes the lowest outcome index). The last line
of stdout is the whole result as JSON. `benches/peers/run.sh package` runs it on both
domains.

Only installs and calls NegMAS (AGPL); no NegMAS code lives in this repository.
"""

import itertools
import json
import math
import subprocess
import sys
import time
import tomllib

import negmas
from negmas import SAOMechanism, make_issue
from negmas.preferences import LinearAdditiveUtilityFunction
from negmas.preferences.value_fun import TableFun
from negmas.sao import AspirationNegotiator


def fail(msg):
    print(f"negmas_package_speed.py: {msg}", file=sys.stderr)
    sys.exit(2)


def constant(x, what):
    """A fixed number (these benchmarks have no distributions)."""
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        fail(f"{what}: expected a fixed number, found {x!r}")
    return x


def issue_values(spec):
    """The issue's values in bargain's order (`lo + k·step`, `lo..=hi`, the labels)."""
    if spec["kind"] == "number":
        lo, hi, step = float(spec["lo"]), float(spec["hi"]), float(spec["step"])
        n = math.floor((hi - lo) / step + 1e-9) + 1
        return [lo + k * step for k in range(n)]
    if spec["kind"] == "integer":
        return list(range(spec["lo"], spec["hi"] + 1))
    return list(spec["values"])


def value_of(fun, spec, x):
    """bargain-core's `ValueFunction::at` / table lookup, operation for operation."""
    lo, hi = float(spec.get("lo", 0)), float(spec.get("hi", 0))
    if fun == "increasing":
        return (float(x) - lo) / (hi - lo)
    if fun == "decreasing":
        return (hi - float(x)) / (hi - lo)
    if "table" in fun:
        return float(constant(fun["table"][x], f"table entry {x}"))
    pts = [(float(a), float(constant(b, "point"))) for a, b in fun["points"]]
    x = float(x)
    if x <= pts[0][0]:
        return pts[0][1]
    for (x0, y0), (x1, y1) in zip(pts, pts[1:]):
        if x <= x1:
            return y0 + (y1 - y0) * ((x - x0) / (x1 - x0))
    return pts[-1][1]


class Domain:
    """A package scenario file with fixed profiles, as NegMAS objects."""

    def __init__(self, path):
        with open(path, "rb") as f:
            doc = tomllib.load(f)
        self.path = path
        self.name = doc["scenario"]["name"]
        self.specs = list(doc["issues"].items())  # file order, as bargain enumerates them
        self.n_steps = int(constant(doc["protocol"]["max_rounds"], "protocol.max_rounds"))
        first = doc["protocol"]["first_mover"]
        keys = list(doc["parties"])
        if len(keys) != 2 or first not in keys:
            fail(f"{path}: expected two parties and a first mover among them")
        self.order = [first] + [k for k in keys if k != first]
        self.values = [issue_values(s) for _, s in self.specs]
        self.outcomes = math.prod(len(v) for v in self.values)
        self.issues = []
        for (key, spec), values in zip(self.specs, self.values):
            if spec["kind"] == "integer":
                self.issues.append(make_issue(values=(spec["lo"], spec["hi"]), name=key))
            else:
                self.issues.append(make_issue(values=values, name=key))
        self.run_seconds = 0.0  # inside `m.run()` only, summed over negotiations
        self.ufuns = []
        for p in self.order:
            party = doc["parties"][p]
            strategy = party.get("strategy", {})
            if strategy != {"kind": "time-based", "preset": "boulware"}:
                fail(f"{path}: parties.{p}.strategy: expected time-based boulware (NegMAS's default AspirationNegotiator)")
            u = party["utility"]
            weights = [float(constant(u["weights"][k], f"parties.{p}.utility.weights.{k}")) for k, _ in self.specs]
            funs = [
                TableFun({x: value_of(u[k], s, x) for x in values})
                for (k, s), values in zip(self.specs, self.values)
            ]
            reserved = float(constant(u.get("reservation", 0.0), f"parties.{p}.utility.reservation"))
            self.ufuns.append(
                LinearAdditiveUtilityFunction(values=funs, weights=weights, issues=self.issues, reserved_value=reserved)
            )

    def value_like(self, key, x):
        """bargain's printed value `x` of issue `key` as this domain's own value."""
        values = self.values[[k for k, _ in self.specs].index(key)]
        if isinstance(x, str):
            return x
        return min(values, key=lambda v: abs(float(v) - float(x)))

    def negotiate(self):
        m = SAOMechanism(issues=self.issues, n_steps=self.n_steps)
        m.add(AspirationNegotiator(name="first"), ufun=self.ufuns[0])
        m.add(AspirationNegotiator(name="second"), ufun=self.ufuns[1])
        t0 = time.perf_counter()
        state = m.run()
        self.run_seconds += time.perf_counter() - t0
        self.trace = [(0 if who.startswith("first") else 1, offer) for _, who, offer in m.extended_trace]
        self.offers = [{k: v for (k, _), v in zip(self.specs, offer)} for _, offer in self.trace]
        if state.agreement is None:
            return None
        agreement = {k: v for (k, _), v in zip(self.specs, state.agreement)}
        # `state.step` was incremented after the accepting step: it is the 1-based round.
        return {"agreement": agreement, "round": state.step, "utilities": [float(u(state.agreement)) for u in self.ufuns]}


def same_value(a, b):
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    return abs(float(a) - float(b)) <= 1e-9


def bargain_replay(bargain, path):
    out = subprocess.run(
        [bargain, "replay", path, "--trial", "0", "--model", "agents", "--json"],
        check=True,
        capture_output=True,
        text=True,
    )
    r = json.loads(out.stdout)
    offers = [o["agreement"] for o in r["offers"]]
    if r.get("outcome") != "deal":
        return None, offers
    return {"agreement": r["agreement"], "round": r["round"], "utilities": list(r["utility"].values())}, offers


def same_package(a, b):
    return a.keys() == b.keys() and all(same_value(a[k], b[k]) for k in a)


def main():
    args = sys.argv[1:]
    bargain = None
    if "--bargain" in args:
        i = args.index("--bargain")
        if i + 1 >= len(args):
            fail("--bargain needs the path of the bargain binary")
        bargain = args[i + 1]
        del args[i : i + 2]
    if not args:
        fail("usage: negmas_package_speed.py FILE[:N] ... [--bargain BIN]")
    results = []
    for arg in args:
        path, _, n = arg.partition(":")
        n = int(n) if n else 5
        if n < 1:
            fail(f"{arg}: N must be at least 1")
        t0 = time.perf_counter()
        d = Domain(path)
        setup = time.perf_counter() - t0
        deals = []
        t0 = time.perf_counter()
        for _ in range(n):
            deals.append(d.negotiate())
        seconds = time.perf_counter() - t0
        rate = n / seconds
        first = deals[0]
        same_every_time = all(x == first for x in deals)
        res = {
            "file": path,
            "scenario": d.name,
            "outcomes": d.outcomes,
            "n_steps": d.n_steps,
            "negotiations": n,
            "seconds": round(seconds, 4),
            "negotiations_per_second": rate,
            "run_seconds": round(d.run_seconds, 4),
            "setup_seconds": round(setup, 4),
            "negmas": first,
            "negmas_same_every_time": same_every_time,
        }
        line = (
            f"{d.name}: {d.outcomes} outcomes, {n} NegMAS negotiations in {seconds:.2f} s = {rate:.2f}/s"
            f" ({n / d.run_seconds:.2f}/s counting only m.run(); utility functions built once in {setup:.2f} s); agreement "
            f"{first and first['agreement']} in round {first and first['round']}"
        )
        if bargain:
            ours, our_offers = bargain_replay(bargain, path)
            res["bargain"] = ours
            if first is None or ours is None:
                parity = first is None and ours is None
            else:
                parity = first["round"] == ours["round"] and same_package(first["agreement"], ours["agreement"])
            # The last negotiation's offers (every negotiation of a file is the same one).
            same_offers = sum(1 for a, b in zip(d.offers, our_offers) if same_package(a, b))
            # An offer that differs is an exact tie when the proposer's utilities of both
            # packages are bitwise equal.
            ties = 0
            for (by, offer), a, b in zip(d.trace, d.offers, our_offers):
                if not same_package(a, b):
                    ours_as_tuple = tuple(d.value_like(k, b[k]) for k, _ in d.specs)
                    ties += int(float(d.ufuns[by](offer)) == float(d.ufuns[by](ours_as_tuple)))
            res["parity"] = parity
            res["offers"] = {
                "negmas": len(d.offers),
                "bargain": len(our_offers),
                "identical": same_offers,
                "different_but_tied": ties,
            }
            line += (
                f"; bargain: {ours and ours['agreement']} in round {ours and ours['round']} -> {'same' if parity else 'DIFFERENT'}"
                f"; offers: {same_offers} of {len(d.offers)} (bargain {len(our_offers)}) identical,"
                f" {ties} others exact utility ties for the proposer"
            )
        print(line, flush=True)
        results.append(res)
    json.dump({"negmas_version": negmas.__version__, "results": results}, sys.stdout, separators=(",", ":"))
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
