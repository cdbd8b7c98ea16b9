"""Package scenarios (`[issues]`) from Python (issue #21): `run`, `trials`, `trials_df` and
`replay` go through the engine's package kernel and equal the CLI's outputs."""

import json
import pandas as pd
import pyarrow.parquet as pq
import pytest

import bargain

from test_bargain import REPO, cli, read_trials_csv

PACKAGE = REPO / "scenarios" / "sma-2019-package.toml"


def test_package_run_equals_the_cli_summary(tmp_path):
    cli("run", str(PACKAGE), "--trials", "800", "--seed", "3", "--quiet", "--out", str(tmp_path / "r"))
    expected = json.loads((tmp_path / "r" / "summary.json").read_bytes())
    got = bargain.run(PACKAGE, trials=800, seed=3, threads=2)
    assert got == expected
    assert got["kind"] == "package" and got["version"] == 2
    assert set(got["models"]) == {"agents", "nash", "kalai-smorodinsky", "max-welfare"}
    # With out=, the same report as the CLI's: its summary.json byte for byte.
    bargain.run(PACKAGE, trials=800, seed=3, out=tmp_path / "py")
    assert (tmp_path / "py" / "summary.json").read_bytes() == (tmp_path / "r" / "summary.json").read_bytes()
    assert (tmp_path / "py" / "report.html").is_file()


def test_package_trials_equal_trials_csv_and_parquet(tmp_path):
    out = tmp_path / "r"
    cli("run", str(PACKAGE), "--trials", "500", "--seed", "8", "--quiet", "--trials-csv", "--trials-parquet", "--out", str(out))
    csv = read_trials_csv(out / "trials.csv")
    table = bargain.trials(PACKAGE, trials=500, seed=8)
    assert table.column_names == list(csv.columns)
    assert "agents.term" in table.column_names and "nash.escalation" in table.column_names
    assert table.equals(pq.read_table(out / "trials.parquet"))
    df = bargain.trials_df(PACKAGE, trials=500, seed=8)
    pd.testing.assert_frame_equal(df, csv, check_dtype=False, check_exact=True)


def test_package_run_with_set_changes_only_that_input(tmp_path):
    base = bargain.run(PACKAGE, trials=300, seed=5)
    moved = bargain.run(PACKAGE, trials=300, seed=5, set={"parties.kr.utility.reservation": 0.35})
    assert base != moved
    cli_json = json.loads(
        cli("run", str(PACKAGE), "--trials", "300", "--seed", "5", "--quiet", "--json",
            "--out", str(tmp_path / "set"),
            "--set", "parties.kr.utility.reservation=0.35").stdout
    )
    assert moved == cli_json


def test_package_replay_equals_the_cli_replay():
    for trial in (0, 7):
        got = bargain.replay(PACKAGE, trial, trials=100)
        expected = json.loads(
            cli("replay", str(PACKAGE), "--trial", str(trial), "--trials", "100", "--json").stdout
        )
        assert got == expected


def test_package_validate_returns_warnings_and_raises_located_errors():
    assert bargain.validate(PACKAGE) == []
    fixed = {"amount": 0.5, "term": 0.2, "escalation": 0.2}
    with pytest.raises(bargain.ScenarioError, match=r":\d+:\d+: parties.kr.utility.weights: expected weights summing to 1"):
        bargain.validate(PACKAGE, set={"parties.kr.utility.weights": fixed})


def test_package_events_in_replay_and_explain():
    """A package with an event and vetoes that resume the talks: replay lists the event
    and marks each vetoed offer; explain runs on the timeline at central values."""
    hindsight = REPO / "scenarios" / "sma-2021-package.toml"
    r = bargain.replay(hindsight, 0, trials=100)
    assert r == json.loads(cli("replay", str(hindsight), "--trial", "0", "--trials", "100", "--json").stdout)
    assert [e["note"] for e in r["events"]] == ["change of US administration"]
    assert sum(o["response"] == "veto" for o in r["offers"]) == r["vetoes"]
    e = bargain.explain(hindsight)
    assert e == json.loads(cli("explain", str(hindsight), "--json").stdout)
    assert e["events"][0]["happened"] is True
    assert all("vetoes" in m for m in e["models"].values())


# --- analyses on packages (issue #21 item 5) ----------------------------------------------


def test_package_sweep_equals_the_cli_sweep_json(tmp_path):
    cli(
        "sweep", str(PACKAGE),
        "--sweep", "parties.us.utility.reservation=0.1,0.5",
        "--sweep", "parties.kr.strategy.preset=boulware,conceder",
        "--trials", "200", "--seed", "3", "--quiet", "--out", str(tmp_path / "s"),
    )
    expected = json.loads((tmp_path / "s" / "sweep.json").read_text())
    got = bargain.sweep(
        PACKAGE,
        {"parties.us.utility.reservation": [0.1, 0.5], "parties.kr.strategy.preset": ["boulware", "conceder"]},
        trials=200,
        seed=3,
    )
    assert got == expected
    assert [i["key"] for i in got["issues"]] == ["amount", "term", "escalation"]
    agents = got["points"][0]["models"]["agents"]["issues"]
    assert "p50" in agents["term"] and "mode" in agents["escalation"] and 0 < agents["escalation"]["share"] <= 1
    df = got.to_frame()
    row = df[(df["parties.us.utility.reservation"] == 0.1) & (df["parties.kr.strategy.preset"] == "boulware") & (df["model"] == "agents")]
    assert row["term.p50"].item() == agents["term"]["p50"]
    assert row["escalation.mode"].item() == agents["escalation"]["mode"]


def test_package_sensitivity_equals_the_cli(tmp_path):
    cli("sensitivity", str(PACKAGE), "--samples", "200", "--seed", "4", "--quiet", "--out", str(tmp_path / "sa"))
    expected = json.loads((tmp_path / "sa" / "sensitivity.json").read_text())
    got = bargain.sensitivity(PACKAGE, samples=200, seed=4)
    assert got == expected
    assert all("term" in m["issues"] for m in got["models"])
    df = got.to_frame()
    assert set(df["output"]) == {"amount", "deal", "term"}
    with pytest.raises(ValueError, match="Sobol"):
        bargain.sensitivity(PACKAGE, samples=200, sobol=True)


def test_package_compare_equals_the_cli_and_is_paired(tmp_path):
    b = tmp_path / "b.toml"
    b.write_text(PACKAGE.read_text().replace("reservation = { uniform = [0.2, 0.4] }", "reservation = 0.45", 1))
    cli("compare", str(PACKAGE), str(b), "--trials", "200", "--seed", "5", "--quiet", "--out", str(tmp_path / "c"))
    expected = json.loads((tmp_path / "c" / "compare.json").read_text())
    got = bargain.compare(PACKAGE, b, trials=200, seed=5)
    assert got == expected
    assert got["common_random_numbers"] is True
    assert set(got["models"]["nash"]["issues"]) == {"amount", "term", "escalation"}


def test_package_experiments_rows_reproduce_bargain_trials_of_their_variant():
    levers = {"parties.us.utility.reservation": [0.1, 0.3]}
    uncertainties = ["parties.kr.strategy.preset", "parties.kr.utility.reservation"]
    table = bargain.experiments(PACKAGE, levers=levers, uncertainties=uncertainties, trials=30, n=3, progress=False)
    assert len(table) == 2 * 3 * 30
    assert "agents.term" in table.columns and "nash.escalation" in table.columns
    assert set(table["parties.kr.strategy.preset"]) <= {"boulware", "linear", "conceder"}
    for variant in (0, 5):
        rows = table[table["variant"] == variant].reset_index(drop=True)
        first = rows.iloc[0]
        values = {p: first[p] for p in [*levers, *uncertainties]}
        values = {p: (v.item() if hasattr(v, "item") else v) for p, v in values.items()}
        expected = bargain.trials_df(PACKAGE, trials=30, set=values)
        got = rows[list(expected.columns)]
        pd.testing.assert_frame_equal(got, expected, check_dtype=False, check_exact=True)
