"""Run the peer scenario (peer.toml) in NegMAS 0.16: N negotiations with sampled
reservations and negotiator types, printing throughput and the agreed amounts as JSON.

Only installs and calls NegMAS (AGPL); no NegMAS code lives in this repository.
"""

import json
import random
import sys
import time

import negmas
from negmas import SAOMechanism, make_issue
from negmas.preferences import LinearAdditiveUtilityFunction
from negmas.preferences.value_fun import AffineFun
from negmas.sao import BoulwareTBNegotiator, ConcederTBNegotiator, LinearTBNegotiator

LO, HI = 900, 1900  # integer billions: 1001 points
TYPES = {"boulware": BoulwareTBNegotiator, "linear": LinearTBNegotiator, "conceder": ConcederTBNegotiator}


def ufun(issues, slope, bias, reserved_value):
    """u(v) = v*slope + bias, as in crates/core/tests/data/negmas-cases.json: a linear-additive
    utility over the one issue with an affine value function. (NegMAS's
    LinearUtilityFunction would drop the bias.)"""
    return LinearAdditiveUtilityFunction(
        values=[AffineFun(slope=slope, bias=bias)],
        weights=[1.0],
        issues=issues,
        reserved_value=reserved_value,
    )


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    rng = random.Random(16)
    issues = [make_issue(values=(LO, HI), name="amount")]
    w = HI - LO
    us_slope, us_bias = 1.0 / w, -LO / w
    kr_slope, kr_bias = -1.0 / w, HI / w
    amounts, deals = [], 0
    start = time.perf_counter()
    for _ in range(n):
        us_res = rng.uniform(0.96, 1.13) * 1000
        kr_res = rng.uniform(1.0, 1.2) * 1000
        us_type = rng.choices(list(TYPES), weights=[2, 1, 1])[0]
        kr_type = rng.choice(list(TYPES))
        m = SAOMechanism(issues=issues, n_steps=10)
        m.add(TYPES[us_type](name="US"), ufun=ufun(issues, us_slope, us_bias, us_res * us_slope + us_bias))
        m.add(TYPES[kr_type](name="KR"), ufun=ufun(issues, kr_slope, kr_bias, kr_res * kr_slope + kr_bias))
        state = m.run()
        if state.agreement is not None:
            deals += 1
            amounts.append(state.agreement[0] / 1000)
    elapsed = time.perf_counter() - start
    json.dump(
        {"negmas_version": negmas.__version__, "trials": n, "seconds": elapsed, "deals": deals, "amounts": amounts},
        sys.stdout,
    )


if __name__ == "__main__":
    main()
