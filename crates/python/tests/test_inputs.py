"""The Python package reads inputs and builds pools through the CLI's own code
(issue #20 item 4): a FIFO is refused at once, a huge thread count is capped, and the
trials limit and its message are the CLI's.

Each call that used to hang runs in a child interpreter with a timeout, so a regression
fails the test instead of hanging the suite.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from test_bargain import SMALL, cli_binary

REPO = Path(__file__).resolve().parents[3]


def child(code: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """Run `code` in a fresh interpreter (the one running the tests)."""
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_as_the_scenario_is_a_clear_error_at_once(tmp_path):
    fifo = tmp_path / "scenario.toml"
    os.mkfifo(fifo)
    for call in ("run", "validate", "trials"):
        out = child(
            "import bargain\n"
            "try:\n"
            f"    bargain.{call}({str(fifo)!r})\n"
            "except OSError as e:\n"
            "    print('OSError:', e)\n",
            timeout=20,
        )
        assert out.returncode == 0, out.stderr
        assert "OSError:" in out.stdout, out.stdout
        assert "FIFO" in out.stdout and str(fifo) in out.stdout, out.stdout


def test_a_huge_thread_count_is_capped_as_the_cli_caps_it(tmp_path):
    out = child(
        "import bargain\n"
        f"s = bargain.run({SMALL!r}, trials=300, threads=10**6)\n"
        "print(s['trials'])\n",
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["300"]
    assert "capped" in out.stderr, out.stderr
    # The CLI's warning, word for word.
    scenario = tmp_path / "small.toml"
    scenario.write_text(SMALL)
    cli = subprocess.run(
        [str(cli_binary()), "run", str(scenario), "--trials", "300", "--quiet",
         "--threads", "1000000", "--out", str(tmp_path / "r")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert cli.returncode == 0, cli.stderr
    warning = [l for l in cli.stderr.splitlines() if "capped" in l]
    assert len(warning) == 1, cli.stderr
    assert warning[0] in out.stderr.splitlines()


def test_trials_above_the_cli_limit_give_the_cli_error(tmp_path):
    import bargain

    scenario = tmp_path / "small.toml"
    scenario.write_text(SMALL)
    over = str(10**12 + 1)
    cli = subprocess.run(
        [str(cli_binary()), "run", str(scenario), "--trials", over, "--quiet",
         "--out", str(tmp_path / "r")],
        capture_output=True,
        text=True,
    )
    assert cli.returncode == 2, cli.stderr
    # The CLI prints `error: MESSAGE`; Python raises MESSAGE itself, word for word.
    lines = cli.stderr.splitlines()
    for call in (bargain.run, bargain.trials):
        with pytest.raises(ValueError) as err:
            call(SMALL, trials=10**12 + 1)
        assert f"error: {err.value}" in lines, (str(err.value), cli.stderr)
    with pytest.raises(ValueError) as err:
        bargain.replay(SMALL, 0, trials=10**12 + 1)
    assert f"error: {err.value}" in lines, (str(err.value), cli.stderr)
