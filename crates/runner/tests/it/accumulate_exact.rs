//! The exact accumulator on valid inputs whose amounts are tiny and nearly equal: the
//! quantized sums must neither overflow (a panic in debug builds, a silent wrap in release
//! builds) nor lose exactness (issue #20 item 11).

use crate::common::{json, ok, write};

/// Found by `reliability_numerics`'s property test: amounts near 0.001 whose deals in the
/// pilot differ by a few ulps, so the amount range is ~1e-19 wide while surpluses are ~1e-4.
const TINY_AMOUNTS: &str = r#"
[scenario]
name = "prop"
unit = "u"
[run]
trials = 200
seed = 0
models = ["kalai-smorodinsky"]
[protocol]
max_rounds = 1
first_mover = "b"
breakdown_risk = 0
[parties.a]
side = "payee"
opening = 0.0012743599771757002
reservation = 0.0009730014700632119
discount = 0.5
power = 0.2
outside_option = 0.0010935448729082072
strategy = { kind = "time-based", preset = "boulware" }
[parties.b]
side = "payer"
opening = 0.0008542304152858702
reservation = { choice = [0.0010953172209758608, 0.0011555889223983586, 0.0012158606238208563], weights = [2.2955524689520193, 0.01, 1.0] }
discount = 0.5
power = 0.5
outside_option = { choice = [0.0009747738181308656, 0.0010350455195533633, 0.001095317220975861], weights = [0.0, 0.01, 1.0] }
strategy = { kind = "time-based", preset = "boulware" }
"#;

/// The minimal failing input runs to completion with finite summaries: the mean deal lies
/// within [min, max] and the surpluses are finite and non-negative on average.
#[test]
fn tiny_nearly_equal_amounts_give_exact_finite_summaries() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = write(dir.path(), "prop.toml", TINY_AMOUNTS);
    let out = dir.path().join("out");
    for threads in ["1", "3"] {
        ok(&[
            "run",
            file.to_str().expect("utf-8"),
            "--quiet",
            "--threads",
            threads,
            "--out",
            out.to_str().expect("utf-8"),
        ]);
        let s = json(&out.join("summary.json"));
        let m = &s["models"]["kalai-smorodinsky"];
        let amount = &m["amount"];
        let (mean, min, max) = (
            amount["mean"].as_f64().expect("mean"),
            amount["min"].as_f64().expect("min"),
            amount["max"].as_f64().expect("max"),
        );
        assert!(
            mean >= min && mean <= max,
            "mean {mean} outside [{min}, {max}]"
        );
        assert!(amount["sd"].as_f64().expect("sd").is_finite());
        let text = std::fs::read_to_string(out.join("summary.json")).expect("summary");
        assert!(!text.contains("NaN"), "{text}");
    }
    // Two shards carry the quantizers' floor in partial.json; merged, they give the
    // single run's summary byte for byte.
    let whole = std::fs::read(out.join("summary.json")).expect("summary");
    let shards: Vec<_> = ["1/2", "2/2"]
        .iter()
        .enumerate()
        .map(|(i, shard)| {
            let dir = dir.path().join(format!("shard{i}"));
            ok(&[
                "run",
                file.to_str().expect("utf-8"),
                "--quiet",
                "--shard",
                shard,
                "--out",
                dir.to_str().expect("utf-8"),
            ]);
            dir
        })
        .collect();
    let merged = dir.path().join("merged");
    ok(&[
        "merge",
        shards[0].to_str().expect("utf-8"),
        shards[1].to_str().expect("utf-8"),
        "--out",
        merged.to_str().expect("utf-8"),
    ]);
    assert!(std::fs::read(merged.join("summary.json")).expect("merged") == whole);
}
