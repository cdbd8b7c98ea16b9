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
) -> Dict[str, Any]:
    """Run a scenario's ensemble and return its ``summary.json`` content as a dict.

    ``trials`` and ``seed`` override the scenario's ``[run]`` table; ``threads`` sets the
    worker threads (default: all cores; results do not depend on it). With ``out``, the
    report folder (summary.json, summary.csv, report.html, plots, …) is written there.
    """
    text = _native.run(
        _arg(scenario),
        trials=trials,
        seed=seed,
        threads=threads,
        out=None if out is None else os.fspath(out),
    )
    return json.loads(text)


def trials(
    scenario: Scenario,
    *,
    trials: Optional[int] = None,
    seed: Optional[int] = None,
    threads: Optional[int] = None,
):
    """Every trial's sampled inputs and each model's outcome, as a ``pyarrow.Table``.

    The columns are those of ``trials.csv`` (``trial``, the sampled inputs, then
    ``<model>.kind``, ``<model>.amount``, ``<model>.round`` per model), with the same
    values; amounts are null without an agreement.
    """
    import pyarrow as pa

    data = _native.trials(_arg(scenario), trials=trials, seed=seed, threads=threads)
    return pa.ipc.open_stream(pa.py_buffer(data)).read_all()


def trials_df(
    scenario: Scenario,
    *,
    trials: Optional[int] = None,
    seed: Optional[int] = None,
    threads: Optional[int] = None,
):
    """:func:`trials` as a pandas DataFrame (columns identical to ``trials.csv``)."""
    return globals()["trials"](
        scenario, trials=trials, seed=seed, threads=threads
    ).to_pandas()


def replay(
    scenario: Scenario,
    trial: int,
    model: str = "agents",
    *,
    trials: Optional[int] = None,
    seed: Optional[int] = None,
) -> Dict[str, Any]:
    """Replay one trial (0-based) under one model, exactly as the ensemble ran it.

    Returns the ``bargain replay --json`` object: ``outcome``, ``round`` (1-based, None
    without an agreement), ``agreement`` (``{"amount": x}`` or None), ``offers`` (each
    ``round``, ``by``, ``amount``, ``response``), ``inputs``, …
    """
    return json.loads(
        _native.replay(_arg(scenario), trial, model, trials=trials, seed=seed)
    )


def validate(scenario: Scenario) -> List[str]:
    """Check a scenario: raise :class:`ScenarioError` if it is rejected, else return its
    warnings (an empty list for a clean scenario)."""
    return list(_native.validate(_arg(scenario)))
