"""docs/python.md runs (issue #22 item 6): its ```python blocks are executed in order, in
one namespace, from a scratch folder that sees the repository's scenarios/, and the plots
they save are PNG files."""

import re

import pytest

from test_bargain import REPO


def blocks():
    text = (REPO / "docs" / "python.md").read_text()
    return re.findall(r"```python\n(.*?)```", text, re.S)


def test_the_walk_through_has_blocks():
    assert len(blocks()) >= 8


def test_the_walk_through_runs(tmp_path, monkeypatch, capsys):
    (tmp_path / "scenarios").symlink_to(REPO / "scenarios")
    monkeypatch.chdir(tmp_path)
    namespace = {"__name__": "__docs__"}
    for i, code in enumerate(blocks()):
        try:
            exec(compile(code, f"docs/python.md block {i + 1}", "exec"), namespace)
        except Exception as e:  # pragma: no cover - the message names the block
            pytest.fail(f"docs/python.md block {i + 1} failed: {e!r}\n{code}")
    for png in ("sweep.png", "experiments.png"):
        data = (tmp_path / png).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5_000, png
    out = capsys.readouterr().out
    assert "paired: True" in out
    assert "(3000, " in out  # 3 policies x 20 samples x 50 trials
    assert "Korea concedes in a line: agreement" in out  # your own negotiator ran
    assert "kr 3 2 - the negotiator of `kr` (Republic of Korea) failed in trial 3, round 2" in out
