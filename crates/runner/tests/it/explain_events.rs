//! `bargain explain` on scenarios with `[[events]]`: the models run on the timeline at
//! central values (each event that happens in at least half of the trials, on the middle
//! day of its dates), as the ensemble's trials do, and the events are listed — for
//! one-issue and package files.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use serde_json::Value;

use crate::common::{ok, write};
use crate::events::floor_scenario;

fn explain_json(file: &Path) -> Value {
    let out = ok(&["explain", file.to_str().expect("utf8"), "--json"]);
    serde_json::from_slice(&out.stdout).expect("json")
}

#[test]
fn explain_applies_an_event_that_removes_the_floor() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = write(dir.path(), "floor.toml", &floor_scenario(1.0, 10));
    let v = explain_json(&file);
    let e = &v["events"][0];
    assert_eq!(e["happened"], true, "{v}");
    assert!(
        e["took_effect"].as_str().expect("date") >= "2021-01-20",
        "{e}"
    );
    let round = e["round"].as_u64().expect("round");
    for m in ["rubinstein", "stahl", "nash", "kalai-smorodinsky", "brw"] {
        let r = &v["models"][m];
        assert_eq!(r["outcome"], "deal", "{m}: {r}");
        // The first round on or after the event, as in every trial of the run.
        assert_eq!(r["round"].as_u64(), Some(round), "{m}: {r}");
        assert!(
            r["deal_date"].as_str().expect("date") >= "2021-01-20",
            "{m}"
        );
        assert_eq!(r["vetoes"], 0, "{m}");
    }
    let agents = &v["models"]["agents"];
    assert_eq!(agents["outcome"], "deal", "{agents}");
    assert!(
        agents["round"].as_u64().expect("round") >= round,
        "{agents}"
    );
    let text = ok(&["explain", file.to_str().expect("utf8")]);
    let text = String::from_utf8(text.stdout).expect("utf8");
    assert!(
        text.contains(&format!("took effect in round {round} (")),
        "{text}"
    );

    // An event in fewer than half of the trials is not applied at the central values:
    // the floor blocks every closed form.
    let rare = write(dir.path(), "rare.toml", &floor_scenario(0.4, 10));
    let v = explain_json(&rare);
    assert_eq!(v["events"][0]["happened"], false, "{v}");
    for m in ["rubinstein", "stahl", "nash", "kalai-smorodinsky", "brw"] {
        assert_ne!(v["models"][m]["outcome"], "deal", "{m}: {v}");
    }
    let text = ok(&["explain", rare.to_str().expect("utf8")]);
    let text = String::from_utf8(text.stdout).expect("utf8");
    assert!(
        text.contains("did not happen at the central values"),
        "{text}"
    );
}

#[test]
fn package_explain_lists_the_events_and_counts_vetoes() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/sma-2021-package.toml");
    let v = explain_json(&file);
    let e = &v["events"][0];
    assert_eq!(e["happened"], true, "{v}");
    assert_eq!(e["party"], "us");
    assert!(
        e["took_effect"].as_str().expect("date") >= "2021-01-20",
        "{e}"
    );
    for (m, r) in v["models"].as_object().expect("models") {
        assert!(r["vetoes"].is_u64(), "{m}: {r}");
    }
    let text = ok(&["explain", file.to_str().expect("utf8")]);
    let text = String::from_utf8(text.stdout).expect("utf8");
    assert!(text.contains("change of US administration"), "{text}");
}
