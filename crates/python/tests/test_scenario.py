"""Scenarios in code (issue #22 item 4): ``bargain.Scenario.from_file``, ``.from_dict``,
``.to_toml``, ``.set``, ``.validate``; every function takes a Scenario or a path."""

import pytest

import bargain
from test_bargain import REPO, SMA, SMALL

# The 2019 nowcast: its kr reservation is uniform [0.9999, 1.2].
NOWCAST = REPO / "scenarios" / "nowcast" / "sma-2019-nowcast.toml"


def test_from_file_runs_as_the_path_and_set_as_set():
    s = bargain.Scenario.from_file(SMA)
    assert s.origin == str(SMA)
    assert bargain.run(s, trials=1500) == bargain.run(SMA, trials=1500)
    s.set("parties.kr.reservation", 1.12).set("calendar.round_months", {"uniform": [1, 2]})
    want = bargain.run(
        SMA, trials=1500, set={"parties.kr.reservation": 1.12, "calendar.round_months": {"uniform": [1, 2]}}
    )
    assert bargain.run(s, trials=1500) == want
    # set= on top of the Scenario's own overrides; a later value of one path replaces it.
    assert bargain.run(s, trials=1500, set={"parties.kr.reservation": 1.15}) == bargain.run(
        SMA, trials=1500, set={"calendar.round_months": {"uniform": [1, 2]}, "parties.kr.reservation": 1.15}
    )
    s.set("parties.kr.reservation", 1.15)
    assert s.overrides["parties.kr.reservation"] == "1.15"


def test_to_toml_keeps_the_file_and_places_the_overrides():
    s = bargain.Scenario.from_file(SMA).set("parties.kr.reservation", 1.12)
    text = s.to_toml()
    original = SMA.read_text()
    assert "reservation = 1.12" in text
    assert "reservation = { uniform = [0.9999, 1.2] }" not in text
    # Comments and the other lines are kept as written.
    kept = [l for l in original.splitlines() if l.startswith("#")]
    assert kept and all(l in text for l in kept)
    assert len(text.splitlines()) == len(original.splitlines())
    # The text runs as the Scenario does.
    assert bargain.run(text, trials=800) == bargain.run(s, trials=800)
    # copy() is independent.
    c = s.copy().set("parties.us.opening", 1.5)
    assert "parties.us.opening" not in s.overrides and "parties.us.opening" in c.overrides


def test_from_dict_follows_the_toml_structure_and_round_trips():
    s = bargain.Scenario.from_file(NOWCAST)
    d = s.to_dict()
    assert d["parties"]["kr"]["reservation"] == {"uniform": [0.9999, 1.2]}
    assert d["run"]["models"][0] == "agents"
    again = bargain.Scenario.from_dict(d)
    assert again.to_dict() == d
    assert bargain.run(again, trials=1500) == bargain.run(NOWCAST, trials=1500)
    # Built from scratch, with the docs' field names.
    small = bargain.Scenario.from_dict(
        {
            "scenario": {"name": "small", "unit": "trillion KRW"},
            "run": {"trials": 2000, "seed": 11, "models": ["agents", "nash", "breakdown"]},
            "protocol": {"max_rounds": 8, "first_mover": "kr", "breakdown_risk": {"uniform": [0.0, 0.05]}},
            "parties": {
                "us": {
                    "side": "payee",
                    "opening": 1.4,
                    "reservation": {"uniform": [0.95, 1.05]},
                    "strategy": {"kind": "time-based", "preset": {"choice": ["boulware", "linear", "conceder"]}},
                },
                "kr": {
                    "side": "payer",
                    "opening": 0.9,
                    "reservation": {"uniform": [1.1, 1.2]},
                    "strategy": {"kind": "tit-for-tat"},
                },
            },
        }
    )
    assert bargain.run(small) == bargain.run(SMALL)
    assert small.validate() == []


def test_errors_point_at_the_override_or_the_dict_line():
    s = bargain.Scenario.from_file(SMA).set("parties.kr.discount", 1.5)
    with pytest.raises(bargain.ScenarioError) as e:
        s.validate()
    assert e.value.file == "--set parties.kr.discount=1.5"
    assert e.value.path == "parties.kr.discount"
    d = bargain.Scenario.from_file(SMA).to_dict()
    d["protocol"]["max_rounds"] = -3
    bad = bargain.Scenario.from_dict(d)
    with pytest.raises(bargain.ScenarioError) as e:
        bargain.run(bad, trials=10)
    assert e.value.file == "<dict>" and e.value.path == "protocol.max_rounds"
    assert bad.to_toml().splitlines()[e.value.line - 1].startswith("max_rounds = -3")
    with pytest.raises(OSError):
        bargain.Scenario.from_file(SMA.parent / "no-such.toml")
    with pytest.raises(TypeError):
        bargain.Scenario.from_dict({"run": {"trials": object()}})


def test_every_function_takes_a_scenario():
    s = bargain.Scenario.from_file(SMA).set("parties.kr.reservation", 1.1)
    p = {"parties.kr.reservation": 1.1}
    assert bargain.trials(s, trials=300).equals(bargain.trials(SMA, trials=300, set=p))
    assert bargain.replay(s, 5, trials=300) == bargain.replay(SMA, 5, trials=300, set=p)
    assert bargain.validate(s) == bargain.validate(SMA, set=p)
    assert bargain.explain(s) == bargain.explain(SMA, set=p)
    assert bargain.sweep(s, {"parties.us.reservation": [1.0, 1.1]}, trials=300) == bargain.sweep(
        SMA, {"parties.us.reservation": [1.0, 1.1]}, trials=300, set=p
    )
    assert bargain.sensitivity(s, samples=300) == bargain.sensitivity(SMA, samples=300, set=p)
    e1 = bargain.experiments(s, levers={"parties.us.reservation": [1.0, 1.1]}, n=3, trials=20)
    e2 = bargain.experiments(SMA, levers={"parties.us.reservation": [1.0, 1.1]}, n=3, trials=20, set=p)
    assert e1.equals(e2)
