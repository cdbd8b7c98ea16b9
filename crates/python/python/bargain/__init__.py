"""bargain from Python: run scenario ensembles, get trials as Arrow/pandas, replay trials,
run every analysis of the CLI and tables of experiments.

Every function takes ``scenario`` as a :class:`Scenario`, a path (``str`` or
``os.PathLike``) or TOML text, and runs the same code as the ``bargain`` command line, so
the numbers are the CLI's for the same scenario, trials and seed at any thread count.
Ensembles run with the GIL released; Ctrl-C raises ``KeyboardInterrupt`` within a wave
(well under a second). See docs/python.md for a walk-through.
"""

from __future__ import annotations

import json
import os
from typing import Any, Dict, List, Optional, Tuple, Union

__all__ = [
    "Scenario",
    "ScenarioError",
    "NegotiatorError",
    "NegotiationState",
    "Report",
    "run",
    "trials",
    "trials_df",
    "replay",
    "validate",
    "sweep",
    "compare",
    "sensitivity",
    "backtest",
    "explain",
    "experiments",
]


class ScenarioError(ValueError):
    """A scenario was rejected.

    ``file``, ``line`` (1-based), ``column`` (1-based), ``path`` (the field, e.g.
    ``parties.us.reservation``) and ``message`` describe its first problem;
    ``diagnostics`` holds every problem as ``(file, line, column, path, message)``;
    ``str(error)`` lists them all, one a line, as the CLI prints them.
    """

    def __init__(
        self,
        text: str,
        file: str,
        line: int,
        column: int,
        path: str,
        message: str,
        diagnostics: Optional[List[Tuple[str, int, int, str, str]]] = None,
    ) -> None:
        super().__init__(text)
        self.file = file
        self.line = line
        self.column = column
        self.path = path
        self.message = message
        self.diagnostics = list(diagnostics or [])


class NegotiatorError(RuntimeError):
    """A negotiator of your own (``run(…, strategies=…)``) failed: it raised, or returned
    something that is not an amount (``propose``) or a bool (``respond``).

    ``party`` (its key), ``trial`` (0-based), ``round`` (0-based, as ``state.round``;
    ``None`` when making the negotiator failed) and ``method`` say where; the original
    exception is ``__cause__``. The run stopped there.
    """

    def __init__(
        self,
        message: str,
        *,
        party: Optional[str] = None,
        trial: Optional[int] = None,
        round: Optional[int] = None,
        method: Optional[str] = None,
    ) -> None:
        super().__init__(message)
        self.party = party
        self.trial = trial
        self.round = round
        self.method = method


from . import _native  # noqa: E402  (ScenarioError must exist before the extension raises it)

__version__ = _native.__version__
NegotiationState = _native.NegotiationState


from ._scenario import Scenario, ScenarioLike, resolve as _resolve, set_args as _sets  # noqa: E402


def _native_args(scenario: Any, set: Optional[Dict[str, Any]]) -> Tuple[str, Optional[str], List[str]]:
    """The scenario's path or text, origin, and its overrides followed by ``set``'s."""
    arg, origin, sets = _resolve(scenario)
    return arg, origin, sets + _sets(set)


def run(
    scenario: ScenarioLike,
    *,
    trials: Optional[int] = None,
    seed: Optional[int] = None,
    threads: Optional[int] = None,
    out: Optional[Union[str, "os.PathLike[str]"]] = None,
    set: Optional[Dict[str, Any]] = None,
    strategies: Optional[Dict[str, Any]] = None,
) -> Dict[str, Any]:
    """Run a scenario's ensemble and return its ``summary.json`` content as a dict.

    ``trials`` and ``seed`` override the scenario's ``[run]`` table; ``threads`` sets the
    worker threads (default: all cores; results do not depend on it). With ``out``, the
    report folder (summary.json, summary.csv, report.html, plots, …) is written there.
    ``set`` replaces fields of the file before it is checked, as ``--set`` does: keys are
    the file's dotted paths, values numbers, strings or dicts for distributions
    (``{"parties.kr.reservation": {"uniform": [1.0, 1.2]}}``). Every other input keeps its
    draws in every trial, so runs that differ by ``set`` are paired trial by trial.

    ``strategies={"kr": MyNegotiator}`` puts a negotiator of your own in a party's place
    under the ``agents`` model (closed forms do not negotiate and ignore it): a class (or
    any callable) called with no arguments once per trial, whose instance has
    ``propose(state) -> float`` and ``respond(state, offer) -> bool``; ``state`` is a
    :class:`NegotiationState`. The trials run through the same protocol, draws and
    summary as the built-in strategies, on the calling thread holding the GIL
    (``threads`` is ignored; far slower than the built-in strategies: see
    docs/python.md). One party at a time; not with ``out``, package scenarios or
    scenarios with events. An error inside it raises :class:`NegotiatorError`.
    """
    arg, origin, sets = _native_args(scenario, set)
    if strategies:
        if len(strategies) != 1:
            raise ValueError(
                f"strategies: one party at a time, got {sorted(strategies)}"
            )
        if out is not None:
            raise ValueError(
                "out= is not available with strategies=: the report replays trials "
                "with the built-in strategies"
            )
        ((party, factory),) = strategies.items()
        text = _native.run_negotiator(
            arg, party, factory, trials=trials, seed=seed, sets=sets, origin=origin
        )
        return json.loads(text)
    text = _native.run(
        arg,
        trials=trials,
        seed=seed,
        threads=threads,
        out=None if out is None else os.fspath(out),
        sets=sets,
        origin=origin,
    )
    return json.loads(text)


def trials(
    scenario: ScenarioLike,
    *,
    trials: Optional[int] = None,
    seed: Optional[int] = None,
    threads: Optional[int] = None,
    set: Optional[Dict[str, Any]] = None,
):
    """Every trial's sampled inputs and each model's outcome, as a ``pyarrow.Table``.

    The columns are those of ``trials.csv`` (``trial``, the sampled inputs, then
    ``<model>.kind``, ``<model>.amount``, ``<model>.round`` per model), with the same
    values; amounts are null without an agreement.
    """
    import pyarrow as pa

    arg, origin, sets = _native_args(scenario, set)
    data = _native.trials(
        arg, trials=trials, seed=seed, threads=threads, sets=sets, origin=origin
    )
    return pa.ipc.open_stream(pa.py_buffer(data)).read_all()


def trials_df(
    scenario: ScenarioLike,
    *,
    trials: Optional[int] = None,
    seed: Optional[int] = None,
    threads: Optional[int] = None,
    set: Optional[Dict[str, Any]] = None,
):
    """:func:`trials` as a pandas DataFrame (columns identical to ``trials.csv``)."""
    return globals()["trials"](
        scenario, trials=trials, seed=seed, threads=threads, set=set
    ).to_pandas()


def replay(
    scenario: ScenarioLike,
    trial: int,
    model: str = "agents",
    *,
    trials: Optional[int] = None,
    seed: Optional[int] = None,
    set: Optional[Dict[str, Any]] = None,
) -> Dict[str, Any]:
    """Replay one trial (0-based) under one model, exactly as the ensemble ran it.

    Returns the ``bargain replay --json`` object: ``outcome``, ``round`` (1-based, None
    without an agreement), ``agreement`` (``{"amount": x}`` or None), ``offers`` (each
    ``round``, ``by``, ``amount``, ``response``), ``inputs``, …
    """
    arg, origin, sets = _native_args(scenario, set)
    return json.loads(
        _native.replay(
            arg, trial, model, trials=trials, seed=seed, sets=sets, origin=origin
        )
    )


def validate(scenario: ScenarioLike, *, set: Optional[Dict[str, Any]] = None) -> List[str]:
    """Check a scenario (with ``set`` applied, as in :func:`run`): raise
    :class:`ScenarioError` if it is rejected, else return its warnings (an empty list for
    a clean scenario)."""
    arg, origin, sets = _native_args(scenario, set)
    return list(_native.validate(arg, sets=sets, origin=origin))


from ._analyses import Report, backtest, compare, explain, sensitivity, sweep  # noqa: E402
from ._experiments import experiments  # noqa: E402
