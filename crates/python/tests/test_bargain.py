"""Tests of the bargain Python package against the `bargain` binary.

The CLI binary comes from $BARGAIN_BIN, else target/{release,debug}/bargain under
$CARGO_TARGET_DIR or the repository's target/ (.ci/run sets BARGAIN_BIN).
"""

import json
import os
import re
import signal
import subprocess
import threading
import time
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import bargain

REPO = Path(__file__).resolve().parents[3]
SMA = REPO / "scenarios" / "sma-2019.toml"

SMALL = """
[scenario]
name = "small"
unit = "trillion KRW"
[run]
trials = 2000
seed = 11
models = ["agents", "nash", "breakdown"]
[protocol]
max_rounds = 8
first_mover = "kr"
breakdown_risk = { uniform = [0.0, 0.05] }
[parties.us]
side = "payee"
opening = 1.4
reservation = { uniform = [0.95, 1.05] }
strategy = { kind = "time-based", preset = { choice = ["boulware", "linear", "conceder"] } }
[parties.kr]
side = "payer"
opening = 0.9
reservation = { uniform = [1.1, 1.2] }
strategy = { kind = "tit-for-tat" }
"""


def cli_binary() -> Path:
    env = os.environ.get("BARGAIN_BIN")
    if env:
        return Path(env)
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    for profile in ("release", "debug"):
        p = target / profile / "bargain"
        if p.exists():
            return p
    pytest.skip("no bargain binary: build it (cargo build) or set BARGAIN_BIN")


def cli(*args: str) -> subprocess.CompletedProcess:
    out = subprocess.run(
        [str(cli_binary()), *args], cwd=REPO, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    return out


def read_trials_csv(path: Path) -> pd.DataFrame:
    # Parse every float exactly as written: pandas 3 does by default (and deprecates the
    # option); earlier versions need float_precision="round_trip".
    exact = {} if int(pd.__version__.split(".")[0]) >= 3 else {"float_precision": "round_trip"}
    return pd.read_csv(path, keep_default_na=False, na_values=[""], **exact)


# --- run ---------------------------------------------------------------------------------


def test_run_returns_the_cli_summary_json(tmp_path):
    cli("run", str(SMA), "--trials", "3000", "--seed", "4", "--quiet", "--out", str(tmp_path / "r"))
    expected_bytes = (tmp_path / "r" / "summary.json").read_bytes()
    got = bargain.run(str(SMA), trials=3000, seed=4)
    assert got == json.loads(expected_bytes)
    assert set(got["models"]) == {"agents", "rubinstein", "stahl", "nash", "kalai-smorodinsky", "brw", "attrition"}
    # The "done when" line of the issue: the agents' agreement rate equals the CLI's.
    assert got["models"]["agents"]["agreement_rate"] == json.loads(expected_bytes)["models"]["agents"]["agreement_rate"]


def test_run_is_the_same_at_any_thread_count_and_path_like():
    one = bargain.run(SMA, trials=5000, threads=1)
    two = bargain.run(str(SMA), trials=5000, threads=2)
    assert one == two
    assert one["trials"] == 5000


def test_run_accepts_toml_text_and_writes_a_report_only_with_out(tmp_path):
    before = set(os.listdir(tmp_path))
    s = bargain.run(SMALL)
    assert s["scenario"]["name"] == "small" and s["trials"] == 2000 and s["seed"] == 11
    assert set(os.listdir(tmp_path)) == before
    out = tmp_path / "report"
    s2 = bargain.run(SMALL, out=out)
    assert s2 == s
    assert json.loads((out / "summary.json").read_text()) == s
    for f in ("summary.csv", "run.json", "report.html", "scenario.toml"):
        assert (out / f).exists(), f
    summary_csv = pd.read_csv(out / "summary.csv")
    assert list(summary_csv["model"]) == sorted(s["models"])
    for _, row in summary_csv.iterrows():
        assert row["agreement_rate"] == s["models"][row["model"]]["agreement_rate"]


def test_run_rejects_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match="trials"):
        bargain.run(SMALL, trials=0)
    with pytest.raises(ValueError, match="threads"):
        bargain.run(SMALL, threads=0)
    with pytest.raises(OSError, match="no-such.toml"):
        bargain.run(str(tmp_path / "no-such.toml"))
    with pytest.raises(TypeError):
        bargain.run(42)


# --- errors --------------------------------------------------------------------------------


def test_a_bad_scenario_raises_scenario_error_with_its_position(tmp_path):
    bad = SMALL.replace("reservation = { uniform = [0.95, 1.05] }", "reservaton = 1.0")
    path = tmp_path / "bad.toml"
    path.write_text(bad)
    line = bad.splitlines().index("reservaton = 1.0") + 1
    for fn in (bargain.run, bargain.validate, bargain.trials, lambda s: bargain.replay(s, 0)):
        with pytest.raises(bargain.ScenarioError) as e:
            fn(str(path))
        err = e.value
        assert isinstance(err, ValueError)
        assert err.file == str(path)
        assert err.path == "parties.us.reservaton"
        assert err.line == line and err.column == 1
        assert "unknown key" in err.message and "reservation" in err.message
        assert str(err).startswith(f"{path}:{line}:1: parties.us.reservaton:")
        assert err.diagnostics[0] == (err.file, err.line, err.column, err.path, err.message)


def test_a_bad_value_in_toml_text_names_the_field():
    bad = SMALL.replace("max_rounds = 8", "max_rounds = -3")
    with pytest.raises(bargain.ScenarioError) as e:
        bargain.validate(bad)
    assert e.value.file == "<string>"
    assert e.value.path == "protocol.max_rounds"
    assert e.value.line == bad.splitlines().index("max_rounds = -3") + 1


# --- validate ------------------------------------------------------------------------------


def test_validate_returns_warnings():
    assert bargain.validate(SMALL) == []
    assert bargain.validate(SMA) == []
    warned = SMALL.replace("opening = 1.4", "opening = 0.9").replace(
        "reservation = { uniform = [0.95, 1.05] }", "reservation = 1.0"
    )
    w = bargain.validate(warned)
    assert any("parties.us.opening" in x and "worse for `us`" in x for x in w), w


# --- trials --------------------------------------------------------------------------------


def test_trials_equal_trials_csv_and_parquet(tmp_path):
    out = tmp_path / "r"
    cli("run", str(SMA), "--trials", "3000", "--seed", "9", "--quiet", "--trials-csv", "--trials-parquet", "--out", str(out))
    csv = read_trials_csv(out / "trials.csv")
    table = bargain.trials(SMA, trials=3000, seed=9, threads=2)
    assert isinstance(table, pa.Table)
    assert table.num_rows == 3000
    assert table.column_names == list(csv.columns)
    assert table.schema.field("trial").type == pa.int64()
    assert table.schema.field("agents.amount").type == pa.float64()
    assert table.schema.field("agents.kind").type == pa.string()
    df = bargain.trials_df(SMA, trials=3000, seed=9)
    assert isinstance(df, pd.DataFrame)
    pd.testing.assert_frame_equal(df, csv, check_dtype=False, check_exact=True)
    # trials.parquet read with pyarrow equals trials.csv, and bargain.trials exactly.
    parquet = pq.read_table(out / "trials.parquet")
    assert parquet.equals(table)
    pd.testing.assert_frame_equal(parquet.to_pandas(), csv, check_dtype=False, check_exact=True)
    # No agreement: a null amount.
    kinds = df["agents.kind"]
    assert df.loc[kinds != "deal", "agents.amount"].isna().all() or (kinds == "not_ratified").any()
    assert df.loc[kinds == "deal", "agents.amount"].notna().all()


def test_trials_are_the_same_at_any_thread_count():
    assert bargain.trials(SMALL, threads=1).equals(bargain.trials(SMALL, threads=2))


# --- replay --------------------------------------------------------------------------------


def test_replay_is_the_cli_replay_json_and_matches_the_trial_row():
    df = bargain.trials_df(SMA, trials=200)
    for trial in range(0, 200, 23):
        got = bargain.replay(SMA, trial, trials=200)
        cli_json = json.loads(cli("replay", str(SMA), "--trial", str(trial), "--trials", "200", "--json").stdout)
        assert got == cli_json
        row = df.iloc[trial]
        assert got["outcome"] == row["agents.kind"]
        if got["outcome"] == "deal":
            assert got["agreement"] == {"amount": row["agents.amount"]}
            assert got["round"] == row["agents.round"]
            assert got["offers"][-1]["response"] == "accept"
        elif got["outcome"] != "not_ratified":
            assert got["agreement"] is None and got["round"] is None
        for o in got["offers"]:
            assert set(o) == {"round", "by", "amount", "response"}
            assert o["by"] in ("us", "kr")
    nash = bargain.replay(SMA, 3, model="nash", trials=200)
    assert nash["model"] == "nash" and nash["offers"] == []
    assert nash["outcome"] == df.iloc[3]["nash.kind"]


def test_replay_rejects_a_bad_model_or_trial():
    with pytest.raises(ValueError, match="unknown model `haggler`"):
        bargain.replay(SMA, 0, model="haggler")
    with pytest.raises(ValueError, match="out of range"):
        bargain.replay(SMALL, 2000)


# --- interrupt and the GIL -----------------------------------------------------------------


def test_ctrl_c_interrupts_a_long_run_promptly():
    sent = []

    def interrupt():
        sent.append(time.monotonic())
        os.kill(os.getpid(), signal.SIGINT)

    timer = threading.Timer(1.0, interrupt)
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        bargain.run(SMA, trials=10**11)
    latency = time.monotonic() - sent[0]
    assert latency < 2.0, f"KeyboardInterrupt {latency:.2f} s after SIGINT"
    # The package still works afterwards.
    assert bargain.run(SMALL, trials=1000)["trials"] == 1000


def test_the_gil_is_released_while_an_ensemble_runs():
    done = threading.Event()
    result = {}

    def work():
        result["s"] = bargain.run(SMA, trials=1_000_000, threads=1)
        done.set()

    t = threading.Thread(target=work)
    t.start()
    ticks = 0
    started = time.monotonic()
    while not done.is_set():
        ticks += 1  # pure Python: runs only while the ensemble does not hold the GIL
        time.sleep(0.001)
    t.join()
    elapsed = time.monotonic() - started
    assert result["s"]["trials"] == 1_000_000
    # With the GIL held for the whole run this loop could not tick until the run ended.
    assert elapsed < 0.05 or ticks > 0.3 * elapsed / 0.002, (ticks, elapsed)


# --- the README example --------------------------------------------------------------------


def test_the_readme_example_runs_and_saves_a_plot(tmp_path, monkeypatch):
    readme = (REPO / "README.md").read_text()
    section = readme.split("## From Python", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    (tmp_path / "scenarios").symlink_to(REPO / "scenarios")
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "README.md", "exec"), {"__name__": "__readme__"})
    png = tmp_path / "kr-reservation.png"
    assert png.exists() and png.stat().st_size > 10_000
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# --- set= (the CLI's --set) --------------------------------------------------------------


def test_run_with_set_equals_the_cli_with_set_and_the_sweep_point(tmp_path):
    args = ("--trials", "3000", "--quiet")
    cli("run", str(SMA), "--set", "parties.kr.reservation=1.12", *args, "--out", str(tmp_path / "r"))
    expected = json.loads((tmp_path / "r" / "summary.json").read_text())
    got = bargain.run(SMA, trials=3000, set={"parties.kr.reservation": 1.12})
    assert got == expected
    # The sweep point at the same value: the same agreement rates and medians.
    cli("sweep", str(SMA), "--sweep", "parties.kr.reservation=1.12,1.2", *args, "--out", str(tmp_path / "s"))
    sweep = json.loads((tmp_path / "s" / "sweep.json").read_text())
    point = sweep["points"][0]["models"]
    for name, m in got["models"].items():
        assert point[name]["agreement_rate"] == m["agreement_rate"], name
        if m["amount"]["count"]:
            assert point[name]["p50"] == m["amount"]["quantiles"]["p50"], name


def test_set_takes_distributions_and_keeps_every_other_input_of_every_trial():
    dist = {"parties.kr.reservation": {"uniform": [1.05, 1.15]}}
    base = bargain.trials_df(SMA, trials=500)
    varied = bargain.trials_df(SMA, trials=500, set=dist)
    assert varied["parties.kr.reservation"].between(1.05, 1.15).all()
    for col in base.columns:
        if col.startswith("parties.") and col != "parties.kr.reservation":
            assert (base[col] == varied[col]).all(), col
    assert bargain.validate(SMA, set=dist) == bargain.validate(SMA)
    r = bargain.replay(SMA, 3, trials=500, set=dist)
    assert 1.05 <= r["inputs"]["parties.kr.reservation"] <= 1.15


def test_a_bad_set_is_a_scenario_error_at_the_override():
    with pytest.raises(bargain.ScenarioError) as e:
        bargain.run(SMA, trials=100, set={"parties.kr.discount": 1.5})
    assert "--set parties.kr.discount=1.5:1:" in str(e.value)
    with pytest.raises(ValueError):
        bargain.run(SMA, trials=100, set={"": 1})
