//! Figures quoted in docs/ are recomputed at the quoted trial count; the test fails when a
//! quoted figure no longer matches what the command prints.

mod common;
use common::ok;

use std::path::Path;

use serde_json::Value;

/// docs/analysis.md, Sweeps: the agents' median and agreement rate at the two ends of a
/// sweep of the US opening on sma-2019 (100,000 trials, the scenario's seed).
#[test]
fn the_sweep_figures_quoted_in_analysis_md_hold() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let doc = std::fs::read_to_string(root.join("docs/analysis.md")).expect("analysis.md");
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("sweep");
    ok(&[
        "sweep",
        root.join("scenarios/sma-2019.toml").to_str().expect("p"),
        "--sweep",
        "parties.us.opening=1.2,2.5",
        "--trials",
        "100000",
        "-q",
        "--out",
        out.to_str().expect("p"),
    ]);
    let v: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("sweep.json")).expect("json"))
            .expect("parse");
    let agents = |i: usize| &v["points"][i]["models"]["agents"];
    let rate = |i: usize| 100.0 * agents(i)["agreement_rate"].as_f64().expect("rate");
    let median = |i: usize| agents(i)["p50"].as_f64().expect("p50");
    let quoted = format!(
        "US opening ({:.2} at 1.2 to {:.2} at 2.5) while the agreement rate falls ({:.1}% to {:.1}%)",
        median(0),
        median(1),
        rate(0),
        rate(1)
    );
    assert!(
        doc.contains(&quoted),
        "docs/analysis.md no longer matches the sweep; it should read:\n{quoted}"
    );
}
