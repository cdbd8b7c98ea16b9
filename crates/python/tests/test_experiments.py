"""``bargain.experiments`` (issue #22 item 3): uncertainties sampled (Latin hypercube),
levers crossed, a row per (variant, trial), every variant reproducing ``bargain.run`` /
``bargain.trials`` of the scenario with its values set."""

import numpy as np
import pandas as pd
import pytest

import bargain
from test_bargain import SMA

LEVERS = {
    "parties.kr.strategy.preset": ["boulware", "linear", "conceder"],
    "parties.us.reservation": [1.0, 1.05, 1.1],
}
UNCERTAINTIES = {
    "parties.kr.reservation": {"uniform": [1.0, 1.2]},
    "calendar.round_months": None,  # the file's own: uniform [0.7, 1.4]
}


@pytest.fixture(scope="module")
def table():
    return bargain.experiments(
        SMA, uncertainties=UNCERTAINTIES, levers=LEVERS, n=200, trials=100, sampler="latin-hypercube", progress=False
    )


def test_the_table_has_a_row_per_variant_and_trial(table):
    assert len(table) == 3 * 3 * 200 * 100
    inputs = list(bargain.trials_df(SMA, trials=1).columns)
    for col in ["variant", "policy", "sample", *LEVERS, *UNCERTAINTIES]:
        assert col in table.columns, col
    # Every input that is neither a lever nor an uncertainty is drawn per trial, and
    # every model's outcome is there.
    for col in inputs:
        if col not in LEVERS and col not in UNCERTAINTIES:
            assert col in table.columns, col
    assert table["variant"].nunique() == 1800
    assert (table.groupby("variant").size() == 100).all()
    assert (table.groupby("variant")["trial"].agg(list).map(lambda t: t == list(range(100)))).all()
    # Levers crossed: each policy is one combination, the last lever fastest.
    policies = table.drop_duplicates("policy")[["policy", *LEVERS]].reset_index(drop=True)
    assert list(policies["parties.kr.strategy.preset"]) == [p for p in LEVERS["parties.kr.strategy.preset"] for _ in range(3)]
    assert list(policies["parties.us.reservation"]) == LEVERS["parties.us.reservation"] * 3


def test_uncertainties_are_a_latin_hypercube_shared_by_every_policy(table):
    samples = table.drop_duplicates("variant")
    first = samples[samples["policy"] == 0].sort_values("sample")
    x = first["parties.kr.reservation"].to_numpy()
    # One sample in each of the 200 equal-probability strata of uniform [1.0, 1.2].
    strata = np.floor((x - 1.0) / 0.2 * 200).astype(int)
    assert sorted(strata) == list(range(200))
    months = first["calendar.round_months"].to_numpy()
    assert sorted(np.floor((months - 0.7) / 0.7 * 200).astype(int)) == list(range(200))
    for p in range(1, 9):
        other = samples[samples["policy"] == p].sort_values("sample")
        assert (other["parties.kr.reservation"].to_numpy() == x).all()


def test_rows_reproduce_bargain_trials_and_run_of_their_variant(table):
    for variant in (0, 457, 1799):
        rows = table[table["variant"] == variant].reset_index(drop=True)
        first = rows.iloc[0]
        values = {p: first[p] for p in [*LEVERS, *UNCERTAINTIES]}
        values = {p: (v.item() if hasattr(v, "item") else v) for p, v in values.items()}
        expected = bargain.trials_df(SMA, trials=100, set=values)
        got = rows[list(expected.columns)]
        pd.testing.assert_frame_equal(got, expected, check_dtype=False, check_exact=True)
        summary = bargain.run(SMA, trials=100, set=values)
        for model, m in summary["models"].items():
            deals = (rows[f"{model}.kind"] == "deal").sum()
            assert deals == m["outcomes"].get("deal", 0), (variant, model)
            assert deals / 100 == m["agreement_rate"]


def test_levers_change_outcomes_and_inputs_stay_paired(table):
    by = table.groupby("parties.us.reservation")["agents.amount"].mean()
    assert by[1.1] > by[1.0]
    # Inputs drawn per trial are the same draws in every variant (common random numbers).
    a = table[table["variant"] == 0]["parties.us.opening"].to_numpy()
    b = table[table["variant"] == 1234]["parties.us.opening"].to_numpy()
    assert (a == b).all()


def test_default_uncertainties_are_the_files_distributions():
    df = bargain.experiments(SMA, levers={"parties.kr.strategy.preset": ["linear"]}, n=5, trials=2, progress=False)
    inputs = [c for c in bargain.trials_df(SMA, trials=1).columns if c.startswith(("parties.", "calendar.", "protocol."))]
    for col in inputs:
        if col != "parties.kr.strategy.preset":
            assert col in df.columns
    assert len(df) == 5 * 2
    # The presets sampled as uncertainties are names, as the levers are.
    assert set(df["parties.us.strategy.preset"]) <= {"boulware", "linear", "conceder"}
    # Monte Carlo sampling works too and differs from the Latin hypercube.
    mc = bargain.experiments(SMA, uncertainties=["parties.kr.reservation"], n=5, trials=2, sampler="monte-carlo", progress=False)
    lhs = bargain.experiments(SMA, uncertainties=["parties.kr.reservation"], n=5, trials=2, progress=False)
    assert not mc["parties.kr.reservation"].equals(lhs["parties.kr.reservation"])


def test_bad_arguments_are_clear_errors():
    with pytest.raises(ValueError, match="sampler"):
        bargain.experiments(SMA, n=2, sampler="sobol")
    with pytest.raises(ValueError, match="both a lever and an uncertainty"):
        bargain.experiments(SMA, levers={"parties.kr.reservation": [1.0]}, uncertainties=["parties.kr.reservation"], n=2)
    with pytest.raises(ValueError, match="not a distribution"):
        bargain.experiments(SMA, uncertainties=["parties.kr.power"], n=2)
    with pytest.raises(bargain.ScenarioError) as e:
        bargain.experiments(SMA, levers={"parties.kr.discount": [0.9, 1.5]}, uncertainties={}, n=2)
    assert "parties.kr.discount=1.5" in str(e.value)


def test_progress_counts_variants_to_the_total():
    calls = []
    df = bargain.experiments(
        SMA,
        levers={"parties.us.reservation": [1.0, 1.1]},
        uncertainties=["parties.kr.reservation"],
        n=4,
        trials=10,
        progress=lambda done, total: calls.append((done, total)),
    )
    assert len(df) == 2 * 4 * 10
    assert calls[-1] == (8, 8)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    # No uncertainties: one sample per policy, n is not used.
    none = bargain.experiments(SMA, levers={"parties.us.reservation": [1.0, 1.1]}, uncertainties={}, n=50, trials=10, progress=False)
    assert sorted(none["variant"].unique()) == [0, 1] and (none["sample"] == 0).all()
