"""Progress for long calls: a tqdm bar when tqdm is installed (``tqdm.auto``: a widget in
notebooks, a text bar in terminals), else a one-line counter on a terminal's stderr,
else nothing."""

from __future__ import annotations

import sys
from typing import Any, Callable, Optional, Tuple


def progress_callback(
    progress: Any, desc: str, unit: str
) -> Tuple[Optional[Callable[[int, int], None]], Callable[[], None]]:
    """``(callback(done, total), close())`` for the ``progress=`` argument: ``True`` (a
    bar where one can be shown), ``False``/``None`` (none) or a callable taking
    ``(done, total)``."""
    if callable(progress):
        return progress, lambda: None
    if not progress:
        return None, lambda: None
    try:
        from tqdm.auto import tqdm  # type: ignore[import-not-found]
    except ImportError:
        tqdm = None
    if tqdm is not None:
        state: dict = {}

        def bar_update(done: int, total: int) -> None:
            bar = state.get("bar")
            if bar is None:
                bar = state["bar"] = tqdm(total=total or None, desc=desc, unit=unit)
            bar.update(done - bar.n)

        def bar_close() -> None:
            if "bar" in state:
                state["bar"].close()

        return bar_update, bar_close
    stream = sys.stderr
    if stream is None or not stream.isatty():
        return None, lambda: None
    shown = {"any": False}

    def line_update(done: int, total: int) -> None:
        shown["any"] = True
        stream.write(f"\r{desc}: {done}/{total} {unit}s")
        stream.flush()

    def line_close() -> None:
        if shown["any"]:
            stream.write("\n")
            stream.flush()

    return line_update, line_close
