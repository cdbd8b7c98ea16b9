"""A negotiator of your own from Python (issue #22 item 5): `run(…, strategies=…)` runs
the engine's trials with a Python object in one party's place under the `agents` model."""

import math
import os
import signal
import threading
import time

import pytest

import bargain
from test_bargain import REPO, SMA

LINEAR = {"parties.kr.strategy.preset": "linear"}
NEAR = 1e-6  # NegMAS's inverse-utility tolerance, as in time_based.rs


class Linear:
    """NegMAS 0.16's linear time-based concession (`TimeBased` with exponent 1,
    max_aspiration 1, eps 1e-4), written from crates/core/src/strategy/time_based.rs,
    operation for operation, so its offers are the built-in's bit for bit."""

    calls = 0

    def _setup(self, s):
        low, high = s.frame
        width = high - low
        if not (width > 0 and math.isfinite(width)):
            raise AssertionError("a degenerate frame is not mirrored here")
        if s.side == "payee":
            self.slope, self.bias = 1.0 / width, -low / width
            own_top, other_top = high, low
            self.better = max
        else:
            self.slope, self.bias = -1.0 / width, high / width
            own_top, other_top = low, high
            self.better = min
        self.umax = self.u(own_top)
        self.umin = min(max(self.u(other_top), self.u(s.reservation)), self.umax)
        self.reservation = s.reservation
        self.side = s.side
        self.grid = s.grid

    def u(self, x):
        return x * self.slope + self.bias

    def threshold(self, s):
        if not hasattr(self, "slope"):
            self._setup(s)
        tau = (s.round + 1) / (s.max_rounds + 1)
        raw = (self.umax - self.umin) * (1.0 * (1.0 - tau)) + self.umin - 1e-4
        return min(max(raw, self.umin), self.umax)

    def respond(self, state, offer):
        Linear.calls += 1
        f = self.threshold(state)
        return self.u(offer) >= f

    def propose(self, state):
        Linear.calls += 1
        f = self.threshold(state)
        if self.grid is None:
            return self.better((f - self.bias) / self.slope, self.reservation)
        lo, hi, step = self.grid
        n = math.floor((hi - lo) / step + 1e-9)
        last = n if math.isfinite(n) and n >= 0 else 0
        point = lambda k: lo + float(k) * step  # noqa: E731
        u_at = lambda k: self.u(point(k))  # noqa: E731
        up = 1 if self.side == "payee" else -1
        inside = lambda k: 0 <= k <= last  # noqa: E731
        x = (f - self.bias) * (1.0 / self.slope)
        k = (x - lo) * (1.0 / step)
        k = 0 if math.isnan(k) else min(max(int(k), 0), last)
        while inside(k - up) and u_at(k - up) >= f:
            k -= up
        while u_at(k) < f:
            if not inside(k + up):
                return point(k)
            k += up
        if inside(k - up):
            uw = u_at(k - up)
            if uw >= f - NEAR and uw >= self.umin and f - uw < u_at(k) - f:
                k -= up
        return point(k)


# No grid, no calendar, Korea moving first: the payee's side of the mirror.
PLAIN = """
[scenario]
name = "plain"
[run]
trials = 3000
seed = 5
models = ["agents", "nash"]
[protocol]
max_rounds = 12
first_mover = "kr"
breakdown_risk = { uniform = [0.0, 0.05] }
[parties.us]
side = "payee"
opening = { uniform = [1.3, 1.5] }
reservation = { uniform = [0.95, 1.1] }
strategy = { kind = "time-based", preset = "linear" }
[parties.kr]
side = "payer"
opening = 0.9
reservation = { uniform = [1.0, 1.2] }
strategy = { kind = "time-based", preset = { choice = ["boulware", "conceder"] } }
"""


def test_a_python_linear_negotiator_reproduces_the_built_in_exactly():
    """1,000 trials of sma-2019 (a calendar, an end game, a grid, breakdown draws) with
    Korea's strategy set to linear: the Python mirror in Korea's place gives the very
    summary of the built-in strategy, every number compared exactly."""
    Linear.calls = 0
    built_in = bargain.run(SMA, trials=1000, set=LINEAR)
    mine = bargain.run(SMA, trials=1000, set=LINEAR, strategies={"kr": Linear})
    assert Linear.calls > 5000  # it was asked on every move of every trial
    a, b = built_in["models"]["agents"], mine["models"]["agents"]
    assert a["agreement_rate"] == b["agreement_rate"]
    assert a["amount"]["quantiles"] == b["amount"]["quantiles"]
    assert a["round"] == b["round"] and a["outcomes"] == b["outcomes"]
    assert mine == built_in
    # The negotiator decides: one that never concedes changes the agents' outcomes, and
    # no closed form's (they do not negotiate; their means move in the last digits only,
    # quantized on the run's histogram range, which the agents' deals help fix).
    class Stubborn:
        def respond(self, state, offer):
            return False

        def propose(self, state):
            return state.opening

    other = bargain.run(SMA, trials=1000, set=LINEAR, strategies={"kr": Stubborn})
    assert other["models"]["agents"]["outcomes"] != a["outcomes"]
    for model, m in built_in["models"].items():
        if model != "agents":
            o = other["models"][model]
            assert (o["outcomes"], o["amount"]["min"], o["amount"]["max"]) == (
                m["outcomes"], m["amount"]["min"], m["amount"]["max"]
            ), model
            assert o["amount"]["mean"] == pytest.approx(m["amount"]["mean"], rel=1e-12)


def test_the_payee_side_and_talks_without_grid_or_calendar():
    text = PLAIN
    assert bargain.run(text, strategies={"us": Linear}) == bargain.run(text)


def test_the_state_a_negotiator_sees():
    seen = []

    class Recorder:
        def respond(self, state, offer):
            assert offer == state.standing == state.opponent_offers[-1]
            return False

        def propose(self, state):
            seen.append(state)
            return state.opening

    bargain.run(SMA, trials=3, set=LINEAR, strategies={"kr": Recorder})
    first = [s for s in seen if s.trial == 0]
    assert [s.round for s in first[:3]] == [0, 1, 2]
    for s in seen:
        assert (s.party, s.side) == ("kr", "payer")
        assert s.relative_time == (s.round + 1) / (s.max_rounds + 1)
        assert s.reservation > s.opening and s.grid == (0.5, 2.5, 0.0001)
        low, high = s.frame
        assert low == s.opening and high > low
        # The US opens (first mover): Korea has seen one more offer than it made.
        assert len(s.opponent_offers) == len(s.own_offers) + 1 == s.round + 1
        # Its offers, the opening, moved to the grid point below it (the payer rounds down).
        assert all(0 <= s.opening - x < 0.0001 for x in s.own_offers)
    assert "NegotiationState(trial=0, round=0" in repr(first[0])


def test_an_exception_inside_names_the_trial_the_round_and_the_party():
    class Fails:
        def respond(self, state, offer):
            return False

        def propose(self, state):
            if state.trial == 7 and state.round == 2:
                raise ValueError("my bug")
            return state.opening

    with pytest.raises(bargain.NegotiatorError) as e:
        bargain.run(SMA, trials=100, set=LINEAR, strategies={"kr": Fails})
    err = e.value
    assert (err.party, err.trial, err.round, err.method) == ("kr", 7, 2, "propose")
    assert "trial 7, round 2" in str(err) and "`kr` (Republic of Korea)" in str(err)
    assert "my bug" in str(err)
    assert isinstance(err.__cause__, ValueError)
    assert isinstance(err, RuntimeError)


@pytest.mark.parametrize(
    "bad, says",
    [
        (lambda s: "1.1", "propose() must return a finite number"),
        (lambda s: float("nan"), "propose() must return a finite number (an amount), got nan (float)"),
        (lambda s: None, "got None (NoneType)"),
        (lambda s: True, "got True (bool)"),
    ],
)
def test_a_bad_offer_stops_the_run(bad, says):
    class Bad:
        def respond(self, state, offer):
            return False

        def propose(self, state):
            return bad(state)

    with pytest.raises(bargain.NegotiatorError, match="trial 0, round 0") as e:
        bargain.run(SMA, trials=10, strategies={"kr": Bad})
    assert says in str(e.value)


def test_a_bad_answer_and_a_failing_factory_stop_the_run():
    class Bad:
        def respond(self, state, offer):
            return 1

        def propose(self, state):
            return state.opening

    with pytest.raises(bargain.NegotiatorError, match="respond\\(\\) must return a bool") as e:
        bargain.run(SMA, trials=10, strategies={"kr": Bad})
    assert (e.value.trial, e.value.round, e.value.method) == (0, 0, "respond")

    def factory():
        raise RuntimeError("cannot start")

    with pytest.raises(bargain.NegotiatorError, match="trial 0, making the negotiator") as e:
        bargain.run(SMA, trials=10, strategies={"kr": factory})
    assert e.value.round is None


def test_ctrl_c_raises_keyboard_interrupt():
    class Slow:
        def respond(self, state, offer):
            return False

        def propose(self, state):
            return state.opening

    timer = threading.Timer(0.5, lambda: os.kill(os.getpid(), signal.SIGINT))
    started = time.monotonic()
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            bargain.run(SMA, trials=10_000_000, strategies={"kr": Slow})
    finally:
        timer.cancel()
    assert time.monotonic() - started < 10


def test_what_is_refused():
    class N:
        def respond(self, state, offer):
            return False

        def propose(self, state):
            return state.opening

    with pytest.raises(ValueError, match="no party `jp`.*us, kr"):
        bargain.run(SMA, trials=10, strategies={"jp": N})
    with pytest.raises(ValueError, match="one party at a time"):
        bargain.run(SMA, trials=10, strategies={"kr": N, "us": N})
    with pytest.raises(ValueError, match="out= is not available"):
        bargain.run(SMA, trials=10, strategies={"kr": N}, out="somewhere")
    with pytest.raises(ValueError, match="package scenarios"):
        bargain.run(REPO / "scenarios" / "sma-2019-package.toml", strategies={"kr": N})
    with pytest.raises(ValueError, match="events or vetoes"):
        bargain.run(SMA, trials=10, set={"calendar.on_veto": "resume"}, strategies={"kr": N})
    with pytest.raises(ValueError, match="`agents` model only"):
        bargain.run(PLAIN.replace('"agents", ', ""), strategies={"kr": N})
    with pytest.raises(TypeError, match="must be a class"):
        bargain.run(SMA, trials=10, strategies={"kr": 3})
