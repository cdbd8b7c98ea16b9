"""``bargain.experiments``: a table of experiments in the spirit of the EMA Workbench's
``perform_experiments``: uncertainties sampled, levers crossed, every variant an
ensemble, one DataFrame with a row per (variant, trial)."""

from __future__ import annotations

import itertools
import json
from typing import Any, Dict, List, Optional, Sequence, Union

from . import _native
from ._progress import progress_callback
from ._scenario import ScenarioLike, resolve, set_args as _sets

SAMPLERS = ("latin-hypercube", "monte-carlo")


def _unify(tables: List[Any]) -> Any:
    """One table from the variants' tables. A column that is empty in one variant (no
    deal dates, say) may have been read as another type there: cast it to the type the
    column has where it holds values."""
    import pyarrow as pa

    if not tables:
        raise ValueError("no variants")
    names = tables[0].column_names
    for t in tables[1:]:
        if t.column_names != names:
            raise ValueError(
                "the variants have different columns: a lever or uncertainty changed "
                "which inputs are distributions"
            )
    types = {}
    for name in names:
        for t in tables:
            col = t.column(name)
            if col.null_count < len(col):
                types[name] = col.type
                break
        else:
            types[name] = tables[0].column(name).type
    out = []
    for t in tables:
        cols = []
        for name in names:
            col = t.column(name)
            if col.type != types[name]:
                if col.null_count != len(col):
                    raise ValueError(f"column {name} has different types in two variants")
                col = pa.nulls(len(col), types[name])
            cols.append(col)
        out.append(pa.table(cols, names=names))
    return pa.concat_tables(out)


def experiments(
    scenario: ScenarioLike,
    *,
    uncertainties: Optional[Union[Dict[str, Any], Sequence[str]]] = None,
    levers: Optional[Dict[str, Sequence[Any]]] = None,
    n: int = 100,
    sampler: str = "latin-hypercube",
    trials: int = 100,
    seed: Optional[int] = None,
    threads: Optional[int] = None,
    set: Optional[Dict[str, Any]] = None,
    progress: Any = True,
):
    """Run a table of experiments and return one pandas DataFrame with a row per
    (variant, trial).

    - ``levers``: the fields a policy maker sets, path → list of values (numbers, preset
      names, dicts); every combination is a *policy* (crossed, the last lever fastest).
    - ``uncertainties``: the fields sampled once per experiment, ``n`` samples drawn with
      ``sampler`` (``"latin-hypercube"`` or ``"monte-carlo"``), each input from its own
      stream (the same samples for every policy):

      * ``None`` (default): every input that is a distribution in the file (after
        ``set``), except the levers, from the file's own distribution;
      * a dict path → distribution in the file's syntax (``{"uniform": [1.0, 1.2]}``,
        ``{"choice": ["boulware", "linear"]}``), or ``None`` for the file's own one;
      * a list of paths: those inputs, from the file's distributions;
      * ``{}`` or ``[]``: none (one sample, ``n`` is ignored).

    - Every (policy, sample) is a *variant*: the scenario with ``set``, the policy's
      lever values and the sample's uncertainty values fixed, run for ``trials`` trials
      with ``seed`` (the file's by default), exactly as ``bargain.trials(scenario,
      set={**set, **levers, **uncertainties}, trials=trials, seed=seed)``: inputs that are
      neither levers nor uncertainties are still drawn per trial, from their own streams,
      so variants are common random numbers of each other.

    Columns: ``variant`` (``policy * samples + sample``), ``policy``, ``sample``, one per
    lever and per uncertainty (named by path; preset names as strings), then the columns
    of :func:`bargain.trials` (``trial``, the inputs drawn per trial, each model's
    ``.kind``, ``.amount``, ``.round``, …). ``progress``: ``True`` shows a bar over
    variants (tqdm if installed), ``False`` none, or a callable ``(done, total)``.
    Ctrl-C raises ``KeyboardInterrupt``.
    """
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    if sampler not in SAMPLERS:
        raise ValueError(f"sampler must be one of {', '.join(SAMPLERS)}, not {sampler!r}")
    if not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be a positive integer, not {n!r}")
    arg, origin, sets = resolve(scenario)
    sets = sets + _sets(set)
    levers = dict(levers or {})
    for path, values in levers.items():
        if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
            raise TypeError(f"lever {path}: expected a list of values, found {values!r}")
        levers[path] = list(values)
        if not levers[path]:
            raise ValueError(f"lever {path}: no values")
    lever_sets = _sets({p: v[0] for p, v in levers.items()})

    # The uncertainties: paths, and the distributions that replace the file's.
    dist_sets: List[str] = []
    if uncertainties is None:
        inputs = json.loads(
            _native.replay(
                arg, 0, "agents", trials=1, seed=seed, sets=sets + lever_sets, origin=origin
            )
        )["inputs"]
        paths = [p for p in inputs if p not in levers]
    elif isinstance(uncertainties, dict):
        paths = list(uncertainties)
        dist_sets = _sets({p: d for p, d in uncertainties.items() if d is not None})
    elif isinstance(uncertainties, (list, tuple)):
        paths = list(uncertainties)
    else:
        raise TypeError(
            "uncertainties must be None, a dict path → distribution or a list of paths, "
            f"not {type(uncertainties).__name__}"
        )
    both = [p for p in paths if p in levers]
    if both:
        raise ValueError(f"{', '.join(both)}: both a lever and an uncertainty")

    if paths:
        sample_sets = sets + lever_sets + dist_sets + [f'run.sampler="{sampler}"']
        texts, values = _native.sample_inputs(
            arg, paths, n, seed=seed, sets=sample_sets, origin=origin
        )
    else:
        texts, values = [[]], [[]]

    policies = list(itertools.product(*levers.values())) if levers else [()]
    variants = []
    for policy in policies:
        fixed = _sets(dict(zip(levers, policy)))
        for row in texts:
            variants.append(fixed + [f"{p}={t}" for p, t in zip(paths, row)])

    cb, close = progress_callback(progress, "experiments", "variant")
    try:
        streams = _native.experiments(
            arg,
            variants,
            trials=trials,
            seed=seed,
            threads=threads,
            sets=sets,
            origin=origin,
            progress=cb,
        )
    finally:
        close()
    tables = [pa.ipc.open_stream(pa.py_buffer(b)).read_all() for b in streams]
    rows = np.array([t.num_rows for t in tables])
    body = _unify(tables).to_pandas()

    samples = len(texts)
    variant = np.arange(len(variants))
    front: Dict[str, Any] = {
        "variant": np.repeat(variant, rows),
        "policy": np.repeat(variant // samples, rows),
        "sample": np.repeat(variant % samples, rows),
    }
    for j, path in enumerate(levers):
        col = [policy[j] for policy in policies for _ in range(samples)]
        front[path] = np.repeat(np.array(col, dtype=object), rows)
    for j, path in enumerate(paths):
        col = []
        for _ in policies:
            for row_text, row_values in zip(texts, values):
                t = row_text[j]
                col.append(t.strip('"') if t.startswith('"') else row_values[j])
        front[path] = np.repeat(np.array(col, dtype=object), rows)
    head = pd.DataFrame(front)
    for path in list(levers) + paths:
        head[path] = pd.Series(list(head[path])).infer_objects()
    return pd.concat([head, body], axis=1)
