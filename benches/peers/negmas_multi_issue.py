"""Multi-issue reference negotiations from NegMAS 0.16 (not in CI).

Runs `SAOMechanism(n_steps=N)` between two `AspirationNegotiator`s with default
arguments, each with a `LinearAdditiveUtilityFunction` (table value functions computed
here from the specs below) and a reserved value, on discrete multi-issue domains written
for this file, and prints JSON: the domains, the profiles, and for every negotiation
every offer (who, outcome, both utilities) and the agreement with its step.

    python3 -m venv VENV && VENV/bin/pip install "negmas>=0.16,<0.17"
    VENV/bin/python benches/peers/negmas_multi_issue.py > crates/core/tests/data/negmas-multi-issue.json

(`benches/peers/run.sh multi` does exactly that.) Only installs and calls NegMAS (AGPL);
no NegMAS code lives in this repository. `crates/core/tests/it/negmas_multi_issue.rs`
replays every negotiation offer by offer; docs/negmas-multi-issue.md states the rules.

Exact ties: NegMAS offers, among outcomes of bitwise-equal utility, the first in the
order numpy's default (unstable, SIMD-dispatched) argsort gives them, which differs
between machines. Every offer whose proposer had such ties records the whole tie class
(`tie`, the offered outcome first).
"""

import itertools
import json
import math
import sys
import time

import negmas
import numpy
from negmas import SAOMechanism, make_issue
from negmas.preferences import LinearAdditiveUtilityFunction
from negmas.preferences.value_fun import TableFun
from negmas.sao import AspirationNegotiator

# ---- domains -------------------------------------------------------------------------

ESC3 = ["none", "cpi-cap-4"]
ESC4 = ["none", "cpi-cap-4", "cpi-cap-5", "defense-budget"]
ESC5 = ["none", "cpi-cap-3", "cpi-cap-4", "cpi-cap-5", "defense-budget"]

DOMAINS = {
    # 3 x 5 x 2 = 30 outcomes
    "tiny": [
        {"key": "amount", "kind": "number", "lo": 0.9, "hi": 1.6, "step": 0.35},
        {"key": "term", "kind": "integer", "lo": 1, "hi": 5},
        {"key": "escalation", "kind": "choice", "values": ESC3},
    ],
    # 15 x 10 x 4 = 600 outcomes
    "sma": [
        {"key": "amount", "kind": "number", "lo": 0.9, "hi": 1.6, "step": 0.05},
        {"key": "term", "kind": "integer", "lo": 1, "hi": 10},
        {"key": "escalation", "kind": "choice", "values": ESC4},
    ],
    # 10 x 7 x 3 x 3 = 630 outcomes
    "trade": [
        {"key": "quota", "kind": "integer", "lo": 0, "hi": 9},
        {"key": "tariff", "kind": "number", "lo": 0.0, "hi": 0.3, "step": 0.05},
        {"key": "origin", "kind": "choice", "values": ["domestic", "regional", "global"]},
        {"key": "inspection", "kind": "choice", "values": ["none", "random", "full"]},
    ],
    # 141 x 15 x 5 x 18 = 190,350 outcomes
    "large": [
        {"key": "amount", "kind": "number", "lo": 0.9, "hi": 1.6, "step": 0.005},
        {"key": "term", "kind": "integer", "lo": 1, "hi": 15},
        {"key": "escalation", "kind": "choice", "values": ESC5},
        {"key": "cap", "kind": "integer", "lo": 1, "hi": 18},
    ],
}

# ---- profiles (value functions as specs; weights in issue order) ---------------------

PROFILES = {
    "tiny-us": ("tiny", [0.5, 0.25, 0.25], ["increasing", "decreasing", {"table": {"none": 0.0, "cpi-cap-4": 1.0}}]),
    "tiny-kr": ("tiny", [0.5, 0.25, 0.25], ["decreasing", "increasing", {"table": {"none": 1.0, "cpi-cap-4": 0.0}}]),
    "tiny-us2": (
        "tiny",
        [0.6, 0.25, 0.15],
        [{"points": [[0.9, 0.0], [1.2, 0.8], [1.6, 1.0]]}, {"points": [[1, 1.0], [3, 0.5], [5, 0.0]]}, {"table": {"none": 0.5, "cpi-cap-4": 0.5}}],
    ),
    "tiny-kr2": ("tiny", [0.7, 0.2, 0.1], ["decreasing", {"points": [[1, 0.0], [5, 1.0]]}, {"table": {"none": 1.0, "cpi-cap-4": 0.2}}]),
    "sma-us": (
        "sma",
        [0.6, 0.25, 0.15],
        ["increasing", {"points": [[1, 1.0], [5, 0.0], [10, 0.0]]}, {"table": {"none": 0.2, "cpi-cap-4": 0.6, "cpi-cap-5": 0.7, "defense-budget": 1.0}}],
    ),
    "sma-kr": (
        "sma",
        [0.5, 0.3, 0.2],
        ["decreasing", {"points": [[1, 0.0], [3, 0.7], [10, 1.0]]}, {"table": {"none": 1.0, "cpi-cap-4": 0.5, "cpi-cap-5": 0.4, "defense-budget": 0.0}}],
    ),
    "sma-us-dyadic": (
        "sma",
        [0.5, 0.25, 0.25],
        ["increasing", "decreasing", {"table": {"none": 0.0, "cpi-cap-4": 0.5, "cpi-cap-5": 0.5, "defense-budget": 1.0}}],
    ),
    "sma-kr-dyadic": (
        "sma",
        [0.5, 0.25, 0.25],
        ["decreasing", "increasing", {"table": {"none": 1.0, "cpi-cap-4": 0.5, "cpi-cap-5": 0.5, "defense-budget": 0.0}}],
    ),
    "trade-a": (
        "trade",
        [0.4, 0.3, 0.2, 0.1],
        ["increasing", "decreasing", {"table": {"domestic": 1.0, "regional": 0.6, "global": 0.0}}, {"table": {"none": 1.0, "random": 0.7, "full": 0.0}}],
    ),
    "trade-b": (
        "trade",
        [0.25, 0.25, 0.25, 0.25],
        ["decreasing", {"points": [[0.0, 0.0], [0.1, 0.75], [0.3, 1.0]]}, {"table": {"domestic": 0.0, "regional": 0.5, "global": 1.0}}, {"table": {"none": 0.0, "random": 0.5, "full": 1.0}}],
    ),
    "large-us": (
        "large",
        [0.55, 0.2, 0.15, 0.1],
        ["increasing", {"points": [[1, 1.0], [5, 0.3], [15, 0.0]]}, {"table": {"none": 0.0, "cpi-cap-3": 0.3, "cpi-cap-4": 0.5, "cpi-cap-5": 0.6, "defense-budget": 1.0}}, "increasing"],
    ),
    "large-kr": (
        "large",
        [0.45, 0.25, 0.2, 0.1],
        ["decreasing", {"points": [[1, 0.0], [5, 0.8], [15, 1.0]]}, {"table": {"none": 1.0, "cpi-cap-3": 0.8, "cpi-cap-4": 0.6, "cpi-cap-5": 0.4, "defense-budget": 0.0}}, "decreasing"],
    ),
}

# ---- negotiations: (domain, profile of the first mover, of the second, reservations, n_steps)


def negotiation_plan():
    plan = []
    for a, b in [("tiny-us", "tiny-kr"), ("tiny-us2", "tiny-kr2")]:
        for ra, rb in [(0.0, 0.0), (0.3, 0.4), (0.5, 0.45), (0.7, 0.75)]:
            for n in (10, 30):
                plan.append((a, b, ra, rb, n))
                plan.append((b, a, rb, ra, n))
    plan.append(("tiny-us", "tiny-kr", 1.2, 0.2, 10))  # no outcome is rational for the first mover
    for a, b in [("sma-us", "sma-kr"), ("sma-us-dyadic", "sma-kr-dyadic")]:
        for ra, rb in [(0.0, 0.0), (0.35, 0.3), (0.5, 0.55), (0.75, 0.7)]:
            for n in (10, 100):
                plan.append((a, b, ra, rb, n))
                plan.append((b, a, rb, ra, n))
    for ra, rb in [(0.0, 0.1), (0.4, 0.35), (0.65, 0.7)]:
        plan.append(("trade-a", "trade-b", ra, rb, 20))
        plan.append(("trade-b", "trade-a", rb, ra, 20))
    plan.append(("large-us", "large-kr", 0.0, 0.0, 10))
    plan.append(("large-kr", "large-us", 0.45, 0.4, 100))
    plan.append(("large-us", "large-kr", 0.55, 0.5, 20))
    plan.append(("large-kr", "large-us", 0.8, 0.8, 10))
    return plan


# ---- helpers -------------------------------------------------------------------------


def issue_values(spec):
    if spec["kind"] == "number":
        lo, hi, step = spec["lo"], spec["hi"], spec["step"]
        n = math.floor((hi - lo) / step + 1e-9) + 1
        return [lo + k * step for k in range(n)]
    if spec["kind"] == "integer":
        return list(range(spec["lo"], spec["hi"] + 1))
    return list(spec["values"])


def value_of(fun, spec, x):
    """The value function as bargain-core's `ValueFunction::value` evaluates it."""
    if fun == "increasing":
        return (float(x) - spec["lo"]) / (spec["hi"] - spec["lo"])
    if fun == "decreasing":
        return (spec["hi"] - float(x)) / (spec["hi"] - spec["lo"])
    if "table" in fun:
        return float(fun["table"][x])
    pts = fun["points"]
    x = float(x)
    if x <= pts[0][0]:
        return float(pts[0][1])
    for (x0, y0), (x1, y1) in zip(pts, pts[1:]):
        if x <= x1:
            return y0 + (y1 - y0) * ((x - x0) / (x1 - x0))
    return float(pts[-1][1])


def make_issues(domain):
    out = []
    for spec in DOMAINS[domain]:
        values = issue_values(spec)
        if spec["kind"] == "integer":
            out.append(make_issue(values=(spec["lo"], spec["hi"]), name=spec["key"]))
        else:
            out.append(make_issue(values=values, name=spec["key"]))
    return out


def tables(profile):
    domain, _, funs = PROFILES[profile]
    return [[value_of(f, s, x) for x in issue_values(s)] for f, s in zip(funs, DOMAINS[domain])]


def ufun(profile, issues, reserved):
    domain, weights, _ = PROFILES[profile]
    vals = [TableFun(dict(zip(issue_values(s), t))) for s, t in zip(DOMAINS[domain], tables(profile))]
    return LinearAdditiveUtilityFunction(values=vals, weights=weights, issues=issues, reserved_value=reserved)


def main():
    out = {
        "negmas_version": negmas.__version__,
        "numpy_version": numpy.__version__,
        "negotiator": "AspirationNegotiator() with default arguments on both sides",
        "mechanism": "SAOMechanism(issues, n_steps)",
        "generated_by": "benches/peers/negmas_multi_issue.py",
        "domains": {},
        "profiles": {},
        "negotiations": [],
    }
    index_of = {}
    for name, specs in DOMAINS.items():
        values = [issue_values(s) for s in specs]
        outcomes = list(itertools.product(*values))
        index_of[name] = {o: i for i, o in enumerate(outcomes)}
        out["domains"][name] = {"issues": specs, "outcomes": len(outcomes)}
    for name, (domain, weights, funs) in PROFILES.items():
        out["profiles"][name] = {"domain": domain, "weights": weights, "value_functions": funs, "tables": tables(name)}

    started = time.perf_counter()
    for k, (pa, pb, ra, rb, n) in enumerate(negotiation_plan()):
        domain = PROFILES[pa][0]
        issues = make_issues(domain)
        ua, ub = ufun(pa, issues, ra), ufun(pb, issues, rb)
        m = SAOMechanism(issues=issues, n_steps=n)
        m.add(AspirationNegotiator(name="a"), ufun=ua)
        m.add(AspirationNegotiator(name="b"), ufun=ub)
        t0 = time.perf_counter()
        state = m.run()
        seconds = time.perf_counter() - t0
        idx = index_of[domain]
        outcomes = list(idx)
        # Utilities of every outcome per side (for the tie classes of offers).
        utils = [[float(u(o)) for o in outcomes] for u in (ua, ub)]
        offers = []
        for step, who, offer in m.extended_trace:
            by = 0 if who.startswith("a") else 1
            i = idx[tuple(offer)]
            rec = {"step": step, "by": by, "outcome": i, "utilities": [float(ua(offer)), float(ub(offer))]}
            u_own = utils[by][i]
            reserved = ra if by == 0 else rb
            tie = [j for j, u in enumerate(utils[by]) if u == u_own and u >= reserved]
            if len(tie) > 1:
                tie.remove(i)
                rec["tie"] = [i] + tie
            offers.append(rec)
        agreement = None
        if state.agreement is not None:
            i = idx[tuple(state.agreement)]
            # `state.step` was incremented after the accepting step.
            agreement = {"outcome": i, "step": state.step - 1, "utilities": [float(ua(state.agreement)), float(ub(state.agreement))]}
        out["negotiations"].append(
            {
                "id": k,
                "domain": domain,
                "n_steps": n,
                "parties": [{"name": "a", "profile": pa, "reservation": ra}, {"name": "b", "profile": pb, "reservation": rb}],
                "offers": offers,
                "agreement": agreement,
                "final_step": state.step,
                "timedout": bool(state.timedout),
                "seconds": round(seconds, 4),
            }
        )
        print(f"{k}: {domain} {pa}/{pb} r=({ra},{rb}) n={n}: agreement={agreement and agreement['outcome']} step={state.step} {seconds:.2f}s", file=sys.stderr)
    out["total_seconds"] = round(time.perf_counter() - started, 2)
    json.dump(out, sys.stdout, indent=None, separators=(",", ":"))
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
