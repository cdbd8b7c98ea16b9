"""Events that `set`/`shift` a `[context]` quantity (issue #23): through Python as
through the CLI — run, replay (what the change moved) and explain equal the CLI's."""

import json

import bargain

from test_bargain import cli

FX = """
[scenario]
name = "fx-event"
[run]
trials = 200
seed = 23
models = ["agents", "rubinstein", "nash"]
[protocol]
first_mover = "us"
[context]
fx = { uniform = [1150, 1250] }
[calendar]
start = "2020-01-01"
expiry = "2020-06-30"
end = "2022-12-31"
round_months = 1
on_veto = "resume"
[parties.us]
side = "payee"
opening = 1.6
reservation = "1.2 * fx / 1000"
strategy = { kind = "time-based", preset = "linear" }
[parties.kr]
side = "payer"
opening = 0.8
reservation = { uniform = [1.15, 1.25] }
strategy = { kind = "time-based", preset = "conceder" }
[[events]]
date = "2021-01-20"
shift = { context.fx = -350 }
note = "the won strengthens"
"""


def test_a_context_change_through_python_equals_the_cli(tmp_path):
    f = tmp_path / "fx.toml"
    f.write_text(FX)
    cli("run", str(f), "--quiet", "--out", str(tmp_path / "r"))
    expected = json.loads((tmp_path / "r" / "summary.json").read_bytes())
    got = bargain.run(f)
    assert got == expected
    # No zone before the change; every model deals once the won strengthens.
    assert all(m["agreement_rate"] == 1.0 for m in got["models"].values())
    r = bargain.replay(f, 3)
    assert r == json.loads(cli("replay", str(f), "--trial", "3", "--json").stdout)
    e = r["events"][0]
    assert e["changes"] == ["context.fx += -350"]
    assert e["moves"][0]["input"] == "parties.us.reservation"
    assert 0.96 <= e["moves"][0]["value"] <= 1.08
    x = bargain.explain(f)
    assert x == json.loads(cli("explain", str(f), "--json").stdout)
    assert abs(x["events"][0]["moves"][0]["value"] - 1.02) < 1e-12
