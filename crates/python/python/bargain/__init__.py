"""bargain from Python: run scenario ensembles, get trials as Arrow/pandas, replay trials.

Every function takes ``scenario`` as a path (``str`` or ``os.PathLike``) or as TOML text,
and runs the same code as the ``bargain`` command line, so the numbers are the CLI's for
the same scenario, trials and seed at any thread count. Ensembles run with the GIL
released; Ctrl-C raises ``KeyboardInterrupt`` within a wave (well under a second).
"""

from __future__ import annotations

import json
import os
from typing import Any, Dict, List, Optional, Tuple, Union

__all__ = [
    "ScenarioError",
    "run",
    "trials",
    "trials_df",
    "replay",
    "validate",
]

Scenario = Union[str, "os.PathLike[str]"]


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


from . import _native  # noqa: E402  (ScenarioError must exist before the extension raises it)

__version__ = _native.__version__


def _toml(value: Any) -> str:
    """A Python value as TOML text: numbers, strings, lists and dicts (inline tables)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)  # the shortest text that reads back as the same float
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {type(value).__name__} as a scenario value")


def _sets(overrides: Optional[Dict[str, Any]]) -> List[str]:
    """``set={"parties.kr.reservation": 1.2, ...}`` as the CLI's ``--set PATH=VALUE``."""
    if not overrides:
        return []
    return [f"{path}={_toml(value)}" for path, value in overrides.items()]


def _arg(scenario: Scenario) -> str:
    if isinstance(scenario, os.PathLike):
        return os.fspath(scenario)
    if isinstance(scenario, str):
        return scenario
    raise TypeError(f"scenario must be a path or TOML text, not {type(scenario).__name__}")


def run(
    scenario: Scenario,
    *,
    trials: Optional[int] = None,
    seed: Optional[int] = None,
    threads: Optional[int] = None,
    out: Optional[Scenario] = None,
    set: Optional[Dict[str, Any]] = None,
) -> Dict[str, Any]:
    """Run a scenario's ensemble and return its ``summary.json`` content as a dict.

    ``trials`` and ``seed`` override the scenario's ``[run]`` table; ``threads`` sets the
    worker threads (default: all cores; results do not depend on it). With ``out``, the
    report folder (summary.json, summary.csv, report.html, plots, …) is written there.
    ``set`` replaces fields of the file before it is checked, as ``--set`` does: keys are
    the file's dotted paths, values numbers, strings or dicts for distributions
    (``{"parties.kr.reservation": {"uniform": [1.0, 1.2]}}``). Every other input keeps its
    draws in every trial, so runs that differ by ``set`` are paired trial by trial.
    """
    text = _native.run(
        _arg(scenario),
        trials=trials,
        seed=seed,
        threads=threads,
        out=None if out is None else os.fspath(out),
        sets=_sets(set),
    )
    return json.loads(text)


def trials(
    scenario: Scenario,
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

    data = _native.trials(
        _arg(scenario), trials=trials, seed=seed, threads=threads, sets=_sets(set)
    )
    return pa.ipc.open_stream(pa.py_buffer(data)).read_all()


def trials_df(
    scenario: Scenario,
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
    scenario: Scenario,
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
    return json.loads(
        _native.replay(
            _arg(scenario), trial, model, trials=trials, seed=seed, sets=_sets(set)
        )
    )


def validate(scenario: Scenario, *, set: Optional[Dict[str, Any]] = None) -> List[str]:
    """Check a scenario (with ``set`` applied, as in :func:`run`): raise
    :class:`ScenarioError` if it is rejected, else return its warnings (an empty list for
    a clean scenario)."""
    return list(_native.validate(_arg(scenario), sets=_sets(set)))
