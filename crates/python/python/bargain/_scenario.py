"""``bargain.Scenario``: a scenario in code (read, build from a dict, override, write)."""

from __future__ import annotations

import datetime as _dt
import json
import math
import os
import re
from typing import Any, Dict, List, Optional, Tuple, Union

from . import _native

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
# A dict written inline (`{ uniform = [1, 2] }`) when its text is at most this long and
# holds no list of tables; else as a `[section]`. Both read back as the same TOML.
_INLINE_WIDTH = 100


def _key(k: Any) -> str:
    k = str(k)
    return k if _BARE_KEY.fullmatch(k) else json.dumps(k, ensure_ascii=False)


def toml_value(value: Any) -> str:
    """A Python value as one TOML value: numbers, strings, booleans, dates, lists and
    dicts (as inline tables)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)  # the shortest text that reads back as the same float
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        return "{ " + ", ".join(f"{_key(k)} = {toml_value(v)}" for k, v in value.items()) + " }"
    # numpy scalars and the like: their Python value.
    item = getattr(value, "item", None)
    if callable(item):
        return toml_value(item())
    raise TypeError(f"cannot write {type(value).__name__} as a scenario value")


def _is_table_list(v: Any) -> bool:
    return isinstance(v, (list, tuple)) and bool(v) and all(isinstance(x, dict) for x in v)


def _inline(v: Any) -> bool:
    """Whether the dict `v` is written inline."""
    def nested_tables(x: Any) -> bool:
        if _is_table_list(x):
            return True
        if isinstance(x, dict):
            return any(nested_tables(y) for y in x.values())
        return False

    return not nested_tables(v) and len(toml_value(v)) <= _INLINE_WIDTH


def dumps(data: Dict[str, Any]) -> str:
    """A dict in the structure of a scenario file as TOML text: small dicts (distributions,
    strategies) inline, others as ``[sections]``, lists of dicts as ``[[arrays]]``."""
    out: List[str] = []

    def split(d: Dict[str, Any], top: bool):
        """``(key-values, sub-tables)`` of a table. Top-level tables, and the tables of
        a table that holds only tables (``parties``), are always ``[sections]``, as in
        the docs' examples; other small dicts are inline."""
        all_sections = top or all(isinstance(x, dict) for x in d.values())
        values, sections = [], []
        for k, v in d.items():
            if (isinstance(v, dict) and (all_sections or not _inline(v))) or _is_table_list(v):
                sections.append((k, v))
            else:
                values.append((k, v))
        return values, sections

    def table(d: Dict[str, Any], path: List[str]) -> None:
        values, sections = split(d, not path)
        for k, v in values:
            out.append(f"{_key(k)} = {toml_value(v)}")
        for k, v in sections:
            sub = path + [_key(k)]
            if isinstance(v, dict):
                if split(v, False)[0] or not v:
                    out.append("")
                    out.append(f"[{'.'.join(sub)}]")
                table(v, sub)
            else:
                for item in v:
                    out.append("")
                    out.append(f"[[{'.'.join(sub)}]]")
                    table(item, sub)

    if not isinstance(data, dict):
        raise TypeError(f"a scenario dict must be a dict, not {type(data).__name__}")
    table(data, [])
    return "\n".join(out).lstrip("\n") + "\n"


class Scenario:
    """A scenario in code: its TOML text, where it came from, and overrides.

    Build one with :meth:`from_file`, :meth:`from_dict` or :meth:`from_toml`; change
    fields with :meth:`set` (the CLI's ``--set``: the file's dotted paths, a number, a
    string or a dict for a distribution); check it with :meth:`validate`; write it with
    :meth:`to_toml`. Every function of the package takes a ``Scenario`` wherever it takes
    a path. Overrides keep the file's text, comments and layout, and problems at an
    overridden field are reported at the override (``--set PATH=VALUE:1:COL``); problems
    elsewhere at their line in the file (``file:line:col``).
    """

    def __init__(self, text: str, origin: str = "<string>") -> None:
        if not isinstance(text, str):
            raise TypeError(f"text must be TOML text, not {type(text).__name__}")
        self._text = text
        self._origin = str(origin)
        self._sets: Dict[str, str] = {}

    @classmethod
    def from_file(cls, path: Union[str, "os.PathLike[str]"]) -> "Scenario":
        """Read a scenario file (a regular file of at most 1 MiB, UTF-8; errors name it).
        It is not checked until used or :meth:`validate` is called."""
        p = os.fspath(path)
        return cls(_native.read_scenario(p), p)

    @classmethod
    def from_toml(cls, text: str, origin: str = "<string>") -> "Scenario":
        """A scenario from TOML text; ``origin`` names it in messages."""
        return cls(text, origin)

    @classmethod
    def from_dict(cls, data: Dict[str, Any], origin: str = "<dict>") -> "Scenario":
        """A scenario from a dict with the structure of a scenario file, table for table
        (``{"scenario": {"name": …}, "parties": {"us": {"reservation": {"uniform": [1,
        1.1]}, …}}, …}``): the field tables of the docs apply as written."""
        return cls(dumps(data), origin)

    @property
    def origin(self) -> str:
        """The file it was read from (or ``<string>``, ``<dict>``)."""
        return self._origin

    @property
    def overrides(self) -> Dict[str, str]:
        """The overrides set so far: path → TOML text of the value."""
        return dict(self._sets)

    def set(self, path: str, value: Any) -> "Scenario":
        """Set the field at the dotted ``path`` (e.g. ``parties.kr.reservation``) to
        ``value`` (a number, a string, or a dict for a distribution such as
        ``{"uniform": [1.0, 1.2]}``), in place; returns the scenario, so calls chain.
        Setting a path again replaces the earlier value. Checked when the scenario is
        used or by :meth:`validate`."""
        if not isinstance(path, str) or not path:
            raise ValueError("path must be a dotted field path such as parties.kr.reservation")
        self._sets.pop(path, None)
        self._sets[path] = toml_value(value)
        return self

    def copy(self) -> "Scenario":
        """An independent copy (its own overrides)."""
        c = Scenario(self._text, self._origin)
        c._sets = dict(self._sets)
        return c

    def _set_list(self) -> List[str]:
        return [f"{p}={v}" for p, v in self._sets.items()]

    def to_toml(self) -> str:
        """The scenario as TOML text, with the overrides in place (the rest of the text,
        comments included, as it was)."""
        return _native.apply_sets(self._text, self._origin, self._set_list())

    def to_dict(self) -> Dict[str, Any]:
        """The scenario as a dict in the structure of the file (needs Python 3.11's
        ``tomllib`` or the ``tomli`` package)."""
        try:
            import tomllib  # type: ignore[import-not-found]
        except ImportError:  # Python < 3.11
            import tomli as tomllib  # type: ignore[import-not-found,no-redef]
        return tomllib.loads(self.to_toml())

    def validate(self, *, set: Optional[Dict[str, Any]] = None) -> List[str]:
        """Check the scenario (with ``set`` applied too): raise :class:`ScenarioError`
        if it is rejected, else return its warnings."""
        from . import validate

        return validate(self, set=set)

    def __repr__(self) -> str:
        extra = f", {len(self._sets)} overrides" if self._sets else ""
        return f"<bargain.Scenario from {self._origin}{extra}>"


ScenarioLike = Union[str, "os.PathLike[str]", Scenario]


def set_args(overrides: Optional[Dict[str, Any]]) -> List[str]:
    """``set={"parties.kr.reservation": 1.2, ...}`` as the CLI's ``--set PATH=VALUE``."""
    if not overrides:
        return []
    return [f"{path}={toml_value(value)}" for path, value in overrides.items()]


def resolve(scenario: Any) -> Tuple[str, Optional[str], List[str]]:
    """``(path or text, origin or None, overrides)`` for the native functions."""
    if isinstance(scenario, Scenario):
        return scenario._text, scenario._origin, scenario._set_list()
    if isinstance(scenario, os.PathLike):
        return os.fspath(scenario), None, []
    if isinstance(scenario, str):
        return scenario, None, []
    raise TypeError(
        f"scenario must be a bargain.Scenario, a path or TOML text, not {type(scenario).__name__}"
    )
