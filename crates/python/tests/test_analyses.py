"""Every analysis of the CLI from Python equals the CLI's JSON (issue #22 item 3):
sweep, compare, sensitivity, backtest and explain, on shipped scenarios, with and without
``set=``; tables (``to_frame``) hold the same numbers; progress and Ctrl-C."""

import json
import os
import signal
import threading
import time

import pytest

import bargain
from test_bargain import REPO, SMA, SMALL, cli

SMA_2014 = REPO / "scenarios" / "sma-2014.toml"
# The 2019 nowcast: the tests below edit and check its kr reservation, uniform [0.9999, 1.2].
NOWCAST = REPO / "scenarios" / "nowcast" / "sma-2019-nowcast.toml"


# --- sweep -------------------------------------------------------------------------------


def test_sweep_equals_the_cli_sweep_json(tmp_path):
    cli(
        "sweep", str(SMA),
        "--sweep", "parties.kr.reservation=1.05,1.15",
        "--sweep", "parties.us.strategy.preset=boulware,linear",
        "--trials", "1500", "--seed", "3", "--quiet", "--out", str(tmp_path / "s"),
    )
    expected = json.loads((tmp_path / "s" / "sweep.json").read_text())
    got = bargain.sweep(
        SMA,
        {"parties.kr.reservation": [1.05, 1.15], "parties.us.strategy.preset": ["boulware", "linear"]},
        trials=1500,
        seed=3,
    )
    assert got == expected
    assert isinstance(got, dict) and got.kind == "sweep"
    df = got.to_frame()
    assert len(df) == 4 * len(expected["models"])
    row = df[(df["parties.kr.reservation"] == 1.15) & (df["parties.us.strategy.preset"] == "linear") & (df["model"] == "agents")]
    point = [p for p in expected["points"] if p["at"] == [1.15, 1.0]][0]["models"]["agents"]
    assert row["agreement_rate"].item() == point["agreement_rate"]
    assert row["p50"].item() == point["p50"]


def test_sweep_takes_the_cli_text_set_and_reports_progress(tmp_path):
    cli(
        "sweep", str(SMA), "--sweep", "parties.us.reservation=1.0:1.1:3",
        "--set", "parties.kr.reservation=1.12", "--trials", "800", "--quiet",
        "--out", str(tmp_path / "s"),
    )
    expected = json.loads((tmp_path / "s" / "sweep.json").read_text())
    calls = []
    got = bargain.sweep(
        SMA,
        {"parties.us.reservation": "1.0:1.1:3"},
        trials=800,
        set={"parties.kr.reservation": 1.12},
        progress=lambda done, total: calls.append((done, total)),
    )
    assert got == expected
    assert calls and calls[-1] == (3, 3)
    assert all(t == 3 and 0 <= d <= 3 for d, t in calls)


def test_a_bad_sweep_is_the_cli_error():
    with pytest.raises(ValueError, match="nothing to sweep"):
        bargain.sweep(SMA, trials=10)
    with pytest.raises(ValueError, match="parties.kr.reservaton"):
        bargain.sweep(SMA, {"parties.kr.reservaton": [1.0]}, trials=10)


# --- compare -----------------------------------------------------------------------------


def test_compare_of_two_scenarios_equals_the_cli_and_is_paired(tmp_path):
    b = tmp_path / "b.toml"
    b.write_text(NOWCAST.read_text().replace("reservation = { uniform = [0.9999, 1.2] }", "reservation = 1.1"))
    cli("compare", str(NOWCAST), str(b), "--trials", "2000", "--quiet", "--out", str(tmp_path / "c"))
    expected = json.loads((tmp_path / "c" / "compare.json").read_text())
    got = bargain.compare(str(NOWCAST), str(b), trials=2000)
    assert got == expected
    assert got["common_random_numbers"] is True
    # A Scenario changed in code is the same comparison (its source is the file it came from).
    c = bargain.compare(str(NOWCAST), bargain.Scenario.from_file(NOWCAST).set("parties.kr.reservation", 1.1), trials=2000)
    assert c["models"] == expected["models"]
    df = got.to_frame()
    assert set(df["model"]) == set(expected["models"])
    agents = df[df["model"] == "agents"].iloc[0]
    assert agents["agreement_rate.estimate"] == expected["models"]["agents"]["agreement_rate"]["estimate"]


def test_compare_of_report_folders_equals_the_cli(tmp_path):
    bargain.run(SMA, trials=1000, out=tmp_path / "a")
    bargain.run(SMA, trials=1000, set={"parties.us.reservation": 1.05}, out=tmp_path / "b")
    cli("compare", str(tmp_path / "a"), str(tmp_path / "b"), "--quiet", "--out", str(tmp_path / "c"))
    expected = json.loads((tmp_path / "c" / "compare.json").read_text())
    got = bargain.compare(str(tmp_path / "a"), tmp_path / "b")
    assert got == expected
    assert got["common_random_numbers"] is False


# --- sensitivity -------------------------------------------------------------------------


def test_sensitivity_equals_the_cli(tmp_path):
    cli(
        "sensitivity", str(SMA), "--samples", "1500", "--sobol", "--sobol-samples", "64",
        "--set", "parties.us.opening=1.5", "--quiet", "--out", str(tmp_path / "s"),
    )
    expected = json.loads((tmp_path / "s" / "sensitivity.json").read_text())
    got = bargain.sensitivity(SMA, samples=1500, sobol=True, sobol_samples=64, set={"parties.us.opening": 1.5})
    assert got == expected
    df = got.to_frame()
    agents = [m for m in expected["models"] if m["model"] == "agents"][0]
    top = max(agents["amount"], key=lambda r: abs(r["prcc"]))
    row = df[(df["model"] == "agents") & (df["output"] == "amount") & (df["input"] == top["input"])]
    assert row["prcc"].item() == top["prcc"]
    with pytest.raises(ValueError, match="--samples"):
        bargain.sensitivity(SMA, samples=0)


# --- backtest ----------------------------------------------------------------------------


def test_backtest_equals_the_cli_and_writes_out_only_when_asked(tmp_path):
    files = [str(SMA), str(SMA_2014)]
    cli("backtest", *files, "--trials", "1000", "--quiet", "--out", str(tmp_path / "b"))
    expected = json.loads((tmp_path / "b" / "backtest.json").read_text())
    got = bargain.backtest(files, trials=1000)
    assert got == expected
    df = got.to_frame()
    assert len(df) == sum(len(s["models"]) for s in expected["scenarios"])
    s0 = expected["scenarios"][0]
    row = df[(df["scenario"] == s0["name"]) & (df["model"] == "agents")]
    assert row["crps"].item() == s0["models"]["agents"]["crps"]
    out = tmp_path / "mine"
    again = bargain.backtest(bargain.Scenario.from_file(SMA), trials=500, out=out)
    assert json.loads((out / "backtest.json").read_text()) == again
    with pytest.raises(ValueError, match="observed"):
        bargain.backtest(bargain.Scenario.from_toml(SMALL), trials=100)


# --- explain -----------------------------------------------------------------------------


def test_explain_equals_the_cli_json_and_its_central_values():
    expected = json.loads(cli("explain", str(NOWCAST), "--json").stdout)
    got = bargain.explain(NOWCAST)
    assert got == expected
    # Central values are medians: kr's reservation is uniform [0.9999, 1.2].
    assert got["central"]["kr"]["reservation"] == pytest.approx((0.9999 + 1.2) / 2, abs=1e-12)
    assert got["zone"]["empty"] == (got["zone"]["floor"]["amount"] > got["zone"]["ceiling"]["amount"])
    assert set(got["models"]) >= {"agents", "rubinstein", "stahl", "nash", "kalai-smorodinsky", "brw"}
    text = cli("explain", str(NOWCAST)).stdout
    for name, m in got["models"].items():
        if m["amount"] is not None and m["outcome"] == "deal":
            assert f"{m['amount']:.4f}" in text, name
    with_set = bargain.explain(NOWCAST, set={"parties.kr.reservation": 0.95})
    cli_set = json.loads(cli("explain", str(NOWCAST), "--json", "--set", "parties.kr.reservation=0.95").stdout)
    assert with_set == cli_set
    assert with_set["zone"]["empty"] is True
    assert with_set["zone"]["ceiling"]["amount"] == 0.95
    assert list(with_set.to_frame()["model"]) == list(with_set["models"])
    # Outcomes that are not deals say why, as the text does.
    two_level = REPO / "scenarios" / "two-level-schelling.toml"
    e = bargain.explain(two_level)
    assert e == json.loads(cli("explain", str(two_level), "--json").stdout)
    text = cli("explain", str(two_level)).stdout
    not_deals = [m for m in e["models"].values() if m["outcome"] != "deal"]
    assert not_deals
    for m in e["models"].values():
        assert (m["why"] is None) == (m["outcome"] == "deal")
        if m["why"]:
            assert f"why: {m['why']}" in text


# --- Ctrl-C ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda: bargain.sweep(NOWCAST, {"parties.kr.reservation": [1.0, 1.1]}, trials=10**11, progress=False),
        # Many variants of 20,000 trials each: stopped between variants.
        lambda: bargain.experiments(
            NOWCAST,
            levers={"parties.kr.reservation": [1.0 + i * 1e-5 for i in range(3000)]},
            uncertainties={},
            trials=20_000,
            progress=False,
        ),
        lambda: bargain.compare(str(NOWCAST), str(NOWCAST), trials=10**11),
    ],
    ids=["sweep", "experiments", "compare"],
)
def test_ctrl_c_interrupts_an_analysis_promptly(call):
    sent = []

    def interrupt():
        sent.append(time.monotonic())
        os.kill(os.getpid(), signal.SIGINT)

    timer = threading.Timer(0.5, interrupt)
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        call()
    latency = time.monotonic() - sent[0]
    assert latency < 2.0, f"KeyboardInterrupt {latency:.2f} s after SIGINT"
