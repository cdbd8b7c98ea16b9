"""The CLI's analyses from Python: ``sweep``, ``compare``, ``sensitivity``, ``backtest``
and ``explain``. Each calls the library function behind its ``bargain`` verb and returns
a :class:`Report`: the dict of the CLI's JSON file (``sweep.json``, ``compare.json``,
``sensitivity.json``, ``backtest.json``, ``explain --json``), equal to it, with
:meth:`Report.to_frame` for a pandas table of its main rows."""

from __future__ import annotations

import json
import os
import tempfile
from typing import Any, Dict, Iterable, Optional, Sequence, Union

from . import _native
from ._progress import progress_callback
from ._scenario import Scenario, ScenarioLike, resolve, set_args as _sets


class Report(dict):
    """The JSON of one analysis as a dict (``==`` the CLI's file), plus
    :meth:`to_frame`."""

    def __init__(self, kind: str, data: Dict[str, Any]) -> None:
        super().__init__(data)
        self.kind = kind

    def to_frame(self):
        """The report's main table as a pandas DataFrame:

        - ``sweep``: a row per (point, model): one column per swept field (preset names
          for a negotiator type), ``model``, ``trials``, ``deals``, ``agreement_rate``,
          ``mean``, ``p05`` … ``p95`` (for a package, then ``KEY.p50`` per number issue and
          ``KEY.mode``, ``KEY.share`` per choice issue);
        - ``compare``: a row per model present in both, nested fields joined with ``.``
          (``agreement_rate.estimate``, ``mean.lo``, ``a.median``, …);
        - ``sensitivity``: a row per (model, output, input) with the rank correlations
          (and Sobol indices when computed);
        - ``backtest``: a row per (scenario, model) with its scores;
        - ``explain``: a row per model with its outcome at central values.
        """
        import pandas as pd

        if self.kind == "sweep":
            rows = []
            for p in self["points"]:
                at = {}
                for axis, x in zip(self["axes"], p["at"]):
                    labels = axis.get("labels") or []
                    at[axis["path"]] = labels[axis["values"].index(x)] if labels else x
                for model, stats in p["models"].items():
                    # A package's issues: one column per statistic, `term.p50`,
                    # `escalation.mode`, `escalation.share`.
                    issues = stats.get("issues", {})
                    flat = {f"{k}.{s}": x for k, d in issues.items() for s, x in d.items()}
                    plain = {k: v for k, v in stats.items() if k != "issues"}
                    rows.append({**at, "model": model, **plain, **flat})
            return pd.DataFrame(rows)
        if self.kind == "compare":
            rows = [{"model": m, **v} for m, v in self["models"].items()]
            return pd.json_normalize(rows, sep=".")
        if self.kind == "sensitivity":
            rows = []
            for m in self["models"]:
                # A package's number issues are outputs like `amount` and `deal`.
                outputs = {**m, **m.get("issues", {})}
                for output, items in outputs.items():
                    if isinstance(items, list) and all(
                        isinstance(i, dict) and "input" in i for i in items
                    ):
                        rows.extend({"model": m["model"], "output": output, **i} for i in items)
            return pd.json_normalize(rows, sep=".")
        if self.kind == "backtest":
            rows = [
                {"scenario": s["name"], "observed": s["observed"], "model": m, **v}
                for s in self["scenarios"]
                for m, v in s["models"].items()
            ]
            return pd.json_normalize(rows, sep=".")
        if self.kind == "explain":
            return pd.DataFrame([{"model": m, **v} for m, v in self["models"].items()])
        raise ValueError(f"no table for a {self.kind} report")


def _is_report_folder(x: Any) -> bool:
    return isinstance(x, (str, os.PathLike)) and os.path.isdir(os.fspath(x))


def sweep(
    scenario: ScenarioLike,
    sweep: Optional[Dict[str, Union[Sequence[Any], str]]] = None,
    *,
    trials: Optional[int] = None,
    seed: Optional[int] = None,
    threads: Optional[int] = None,
    set: Optional[Dict[str, Any]] = None,
    progress: Any = True,
) -> Report:
    """``bargain sweep``: run the scenario once per value (or pair of values) of one or
    two fields, with common random numbers; return ``sweep.json`` as a :class:`Report`.

    ``sweep`` maps a field path to its values: a list of numbers, a list of preset names
    for a negotiator type (``{"parties.kr.strategy.preset": ["boulware", "linear"]}``),
    or the CLI's text (``"1.0:1.2:5"``, ``"1.0,1.1"``); without it the file's ``[sweep]``
    table. ``set`` overrides fields first, as in :func:`bargain.run`. ``progress``:
    ``True`` shows a bar (tqdm if installed), ``False`` none, or a callable
    ``(done, total)`` over variants.
    """
    arg, origin, sets = resolve(scenario)
    specs = []
    for path, values in (sweep or {}).items():
        if isinstance(values, str):
            text = values
        else:
            text = ",".join(v if isinstance(v, str) else repr(float(v)) for v in values)
        specs.append(f"{path}={text}")
    cb, close = progress_callback(progress, "sweep", "variant")
    try:
        text = _native.sweep(
            arg,
            sweeps=specs,
            trials=trials,
            seed=seed,
            threads=threads,
            sets=sets + _sets(set),
            origin=origin,
            progress=cb,
        )
    finally:
        close()
    return Report("sweep", json.loads(text))


def compare(
    a: ScenarioLike,
    b: ScenarioLike,
    *,
    trials: Optional[int] = None,
    seed: Optional[int] = None,
    threads: Optional[int] = None,
    set: Optional[Dict[str, Any]] = None,
) -> Report:
    """``bargain compare A B``: two scenarios run with common random numbers (paired
    intervals when both use one sampler), two report folders (``run(out=…)``), or one
    of each; return ``compare.json`` as a :class:`Report`. ``trials``/``seed`` override
    the first scenario's (or the folder's); ``set`` applies to both scenarios."""
    sides = []
    for x in (a, b):
        if _is_report_folder(x):
            sides.append((os.fspath(x), None, True))
        elif isinstance(x, Scenario):
            # Its own overrides apply to it alone: pass its text with them in place.
            sides.append((x.to_toml(), x.origin, False))
        else:
            arg, origin, _ = resolve(x)
            sides.append((arg, origin, False))
    text = _native.compare(
        sides[0][0],
        sides[1][0],
        a_report=sides[0][2],
        b_report=sides[1][2],
        a_origin=sides[0][1],
        b_origin=sides[1][1],
        trials=trials,
        seed=seed,
        threads=threads,
        sets=_sets(set),
    )
    return Report("compare", json.loads(text))


def sensitivity(
    scenario: ScenarioLike,
    *,
    samples: Optional[int] = None,
    sobol: bool = False,
    sobol_samples: Optional[int] = None,
    seed: Optional[int] = None,
    threads: Optional[int] = None,
    set: Optional[Dict[str, Any]] = None,
) -> Report:
    """``bargain sensitivity``: rank the uncertain inputs by how much they move each
    model's deal (Spearman and partial rank correlations over trials ``0..samples``;
    Sobol indices over a design of ``sobol_samples`` rows with ``sobol=True``); return
    ``sensitivity.json`` as a :class:`Report`. Defaults are the CLI's."""
    arg, origin, sets = resolve(scenario)
    kwargs: Dict[str, Any] = {}
    if samples is not None:
        kwargs["samples"] = samples
    if sobol_samples is not None:
        kwargs["sobol_samples"] = sobol_samples
    text = _native.sensitivity(
        arg,
        sobol=sobol,
        seed=seed,
        threads=threads,
        sets=sets + _sets(set),
        origin=origin,
        **kwargs,
    )
    return Report("sensitivity", json.loads(text))


def backtest(
    scenarios: Union[ScenarioLike, Iterable[ScenarioLike]],
    *,
    out: Optional[Union[str, "os.PathLike[str]"]] = None,
    trials: Optional[int] = None,
    seed: Optional[int] = None,
    threads: Optional[int] = None,
    set: Optional[Dict[str, Any]] = None,
    learning: bool = True,
) -> Report:
    """``bargain backtest``: run every scenario with an ``[observed]`` outcome among
    ``scenarios`` (files, folders, :class:`Scenario` objects, or a list of them) and
    score each model's forecasts; return ``backtest.json`` as a :class:`Report`. With
    ``out``, the report folder (each scenario's report, ``backtest.html``, the
    calibration plot) is written there, as the CLI writes it; else into a temporary
    folder that is removed. A ``Scenario`` not read from an unchanged file is written to
    that temporary folder as ``<origin name>.toml`` first (its ``file`` field names
    that copy). Beside each scenario's models, the row ``agents-learning`` is its
    ``agents`` model with both parties' negotiators ``{ kind = "learning" }``;
    ``learning=False`` leaves it out (the CLI's ``--no-learning``)."""
    if isinstance(scenarios, (str, os.PathLike, Scenario)):
        scenarios = [scenarios]
    with tempfile.TemporaryDirectory(prefix="bargain-backtest-") as tmp:
        paths = []
        for i, s in enumerate(scenarios):
            if isinstance(s, Scenario):
                if not s.overrides and os.path.isfile(s.origin):
                    paths.append(s.origin)
                    continue
                stem = os.path.splitext(os.path.basename(s.origin))[0].strip("<>") or "scenario"
                path = os.path.join(tmp, "in", f"{i}-{stem}.toml")
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "w", encoding="utf-8") as f:
                    f.write(s.to_toml())
                paths.append(path)
            elif isinstance(s, (str, os.PathLike)):
                paths.append(os.fspath(s))
            else:
                raise TypeError(
                    f"scenarios must be paths or bargain.Scenario objects, not {type(s).__name__}"
                )
        dest = os.fspath(out) if out is not None else os.path.join(tmp, "backtest")
        text = _native.backtest(
            paths,
            dest,
            trials=trials,
            seed=seed,
            threads=threads,
            sets=_sets(set),
            learning=learning,
        )
    return Report("backtest", json.loads(text))


def explain(scenario: ScenarioLike, *, set: Optional[Dict[str, Any]] = None) -> Report:
    """``bargain explain --json``: the scenario at its central values (medians, the most
    likely option of a choice), its zone of agreement after every limit, and each
    model's outcome there (``why`` says why one is not a deal); for a package scenario,
    the outcome space, each party's central preferences and each model's agreement issue
    by issue; with ``[[events]]``, the events at central values and each model's
    ``vetoes``. A :class:`Report`."""
    arg, origin, sets = resolve(scenario)
    return Report(
        "explain",
        json.loads(_native.explain(arg, sets=sets + _sets(set), origin=origin)),
    )
