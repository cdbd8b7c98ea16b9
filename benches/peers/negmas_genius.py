"""NegMAS 0.16 reference negotiations on a public GENIUS domain (not in CI).

ANAC 2010 Travel (7 issues, 188,160 outcomes; the XML files are committed under
`crates/runner/tests/data/genius/travel/`): party `a` is `travel_chox.xml`, party `b`
`travel_fanny.xml`. Each profile is read the GENIUS way, as `bargain import genius`
reads it: each `<item evaluation=…>` divided by its issue's largest evaluation, the
weights as written (divided by their sum if that is not 1), the reservation as written.

Every negotiation is run on two scales of the same profiles:

- `genius`: those tables handed to NegMAS as `TableFun`s, unchanged (the utilities of
  a Travel profile then span about [0.097, 1]);
- `normalized`: the same ufuns after NegMAS's `Scenario.normalize()` (default
  `common_range=True`: one affine map for both ufuns, the lowest utility of either onto
  0 and the highest onto 1; reservations with it). On Travel that is [0, 1] for chox
  and [0.000077, 1] for fanny. The tables recorded are the ones NegMAS holds after
  normalising (its own arithmetic; they are not recomputed here).

`AspirationNegotiator(aspiration_type=…)` (other arguments default) under
`SAOMechanism(n_steps=N)`. Its tolerance (0.001) is absolute on the ufun's own scale,
so the two scales give different offers and agreements (docs/negmas-multi-issue.md).

    python3 -m venv VENV && VENV/bin/pip install "negmas>=0.16,<0.17"
    VENV/bin/python benches/peers/negmas_genius.py > crates/core/tests/data/negmas-genius-travel.json

(`benches/peers/run.sh genius` does exactly that.) Only installs and calls NegMAS
(AGPL); no NegMAS code lives in this repository. `crates/core/tests/it/negmas_genius.rs`
replays every negotiation offer by offer; `crates/runner/tests/it/genius_travel.rs`
checks that `bargain import genius` reads the same tables.

Exact ties are recorded as in `negmas_multi_issue.py`: every offer whose proposer had
other rational outcomes of bitwise-equal utility records the class (`tie`, the offered
outcome first).
"""

import itertools
import json
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import negmas
import numpy
from negmas import SAOMechanism, make_issue, make_os
from negmas.inout import Scenario
from negmas.preferences import LinearAdditiveUtilityFunction
from negmas.preferences.value_fun import TableFun
from negmas.sao import AspirationNegotiator

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "crates" / "runner" / "tests" / "data" / "genius" / "travel"
DOMAIN = "travel_domain.xml"
PROFILES = {"a": "travel_chox.xml", "b": "travel_fanny.xml"}

# (aspiration of the first mover, of the second, n_steps, first mover)
PLAN = [
    ("conceder", "linear", 80, "a"),
    ("linear", "conceder", 80, "b"),
    ("boulware", "boulware", 80, "a"),
    ("linear", "linear", 30, "a"),
]
EXPONENTS = {"boulware": 4.0, "linear": 1.0, "conceder": 0.25}


def read_domain(path):
    """The discrete issues in document order: (name, index, labels)."""
    root = ET.parse(path).getroot()
    out = []
    for issue in root.iter("issue"):
        labels = [item.get("value") for item in issue.iter("item")]
        out.append((issue.get("name"), issue.get("index"), labels))
    return out


def read_profile(path, domain):
    """Weights, tables (evaluation / issue's largest, by domain label) and reservation."""
    root = ET.parse(path).getroot()
    weight_by_index = {w.get("index"): float(w.get("value")) for w in root.iter("weight")}
    issues = {i.get("index"): i for i in root.iter("issue")}
    weights, tables = [], []
    for name, index, labels in domain:
        issue = issues[index]
        assert issue.get("name") == name, (issue.get("name"), name)
        evals = {item.get("value"): float(item.get("evaluation")) for item in issue.iter("item")}
        top = max(evals.values())
        tables.append([evals.get(label, 0.0) / top for label in labels])
        weights.append(weight_by_index[index])
    total = sum(weights)
    if abs(total - 1.0) > 1e-6:
        weights = [w / total for w in weights]
    res = root.find("reservation")
    reservation = float(res.get("value")) if res is not None else 0.0
    return {"weights": weights, "tables": tables, "reservation": reservation}


def ufun(profile, domain, issues):
    vals = [TableFun(dict(zip(labels, t))) for (_, _, labels), t in zip(domain, profile["tables"])]
    return LinearAdditiveUtilityFunction(
        values=vals, weights=profile["weights"], issues=issues, reserved_value=profile["reservation"]
    )


def held(u, domain):
    """The profile as NegMAS holds it: weights, tables by label, reserved value."""
    tables = [[float(f.mapping[label]) for label in labels] for f, (_, _, labels) in zip(u.values, domain)]
    return {"weights": [float(w) for w in u.weights], "tables": tables, "reservation": float(u.reserved_value)}


def main():
    domain = read_domain(FOLDER / DOMAIN)
    issues = [make_issue(values=labels, name=name) for name, _, labels in domain]
    outcomes = list(itertools.product(*[labels for _, _, labels in domain]))
    index_of = {o: i for i, o in enumerate(outcomes)}
    genius = {p: read_profile(FOLDER / f, domain) for p, f in PROFILES.items()}

    scales = {}
    plain = {p: ufun(genius[p], domain, issues) for p in PROFILES}
    scales["genius"] = plain
    scenario = Scenario(outcome_space=make_os(issues), ufuns=(ufun(genius["a"], domain, issues), ufun(genius["b"], domain, issues)))
    scenario.normalize()
    scales["normalized"] = dict(zip(PROFILES, scenario.ufuns))

    out = {
        "negmas_version": negmas.__version__,
        "numpy_version": numpy.__version__,
        "negotiator": "AspirationNegotiator(aspiration_type=...) with other arguments default",
        "mechanism": "SAOMechanism(issues, n_steps)",
        "generated_by": "benches/peers/negmas_genius.py",
        "domain": {
            "files": [DOMAIN, PROFILES["a"], PROFILES["b"]],
            "issues": [{"name": n, "values": labels} for n, _, labels in domain],
            "outcomes": len(outcomes),
        },
        "profiles": {},
        "negotiations": [],
    }
    utils = {}
    for scale, ufuns in scales.items():
        for p, u in ufuns.items():
            out["profiles"][f"{scale}-{p}"] = {"scale": scale, "party": p, "file": PROFILES[p], **held(u, domain)}
            utils[(scale, p)] = numpy.asarray([float(u(o)) for o in outcomes])
    started = time.perf_counter()
    k = 0
    for scale, ufuns in scales.items():
        for asp_first, asp_second, n, first in PLAN:
            order = [first, "b" if first == "a" else "a"]
            m = SAOMechanism(issues=issues, n_steps=n)
            m.add(AspirationNegotiator(name="first", aspiration_type=asp_first), ufun=ufuns[order[0]])
            m.add(AspirationNegotiator(name="second", aspiration_type=asp_second), ufun=ufuns[order[1]])
            t0 = time.perf_counter()
            state = m.run()
            seconds = time.perf_counter() - t0
            us = [utils[(scale, p)] for p in order]
            reserved = [float(ufuns[p].reserved_value) for p in order]
            offers = []
            for step, who, offer in m.extended_trace:
                by = 0 if who.startswith("first") else 1
                i = index_of[tuple(offer)]
                rec = {"step": step, "by": by, "outcome": i, "utilities": [float(us[0][i]), float(us[1][i])]}
                own = us[by]
                tie = [int(j) for j in numpy.nonzero((own == own[i]) & (own >= reserved[by]))[0]]
                if len(tie) > 1:
                    tie.remove(i)
                    rec["tie"] = [i] + tie
                offers.append(rec)
            agreement = None
            if state.agreement is not None:
                i = index_of[tuple(state.agreement)]
                agreement = {"outcome": i, "step": state.step - 1, "utilities": [float(us[0][i]), float(us[1][i])]}
            out["negotiations"].append(
                {
                    "id": k,
                    "scale": scale,
                    "n_steps": n,
                    "parties": [
                        {"profile": f"{scale}-{order[0]}", "aspiration": asp_first, "exponent": EXPONENTS[asp_first]},
                        {"profile": f"{scale}-{order[1]}", "aspiration": asp_second, "exponent": EXPONENTS[asp_second]},
                    ],
                    "offers": offers,
                    "agreement": agreement,
                    "final_step": state.step,
                    "timedout": bool(state.timedout),
                    "seconds": round(seconds, 4),
                }
            )
            print(f"{k}: {scale} {order} {asp_first}/{asp_second} n={n}: agreement={agreement} {seconds:.2f}s", file=sys.stderr)
            k += 1
    out["total_seconds"] = round(time.perf_counter() - started, 2)
    json.dump(out, sys.stdout, indent=None, separators=(",", ":"))
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
