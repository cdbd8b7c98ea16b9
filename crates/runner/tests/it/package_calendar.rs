//! Package files with the one-issue rules (issue #21 item 2), through the binary: a
//! `[calendar]` with lapse costs gives every model the summary's `timing` block (deal
//! dates from the package run), ratification limits end deals `not_ratified`, the
//! breakdown risk ends talks `breakdown`; shards merge byte-identically.

use crate::common::{json, ok, write};

/// Reservations that often leave no zone until the lapse costs open one after the
/// expiry (2020-06-30): the utilities of a deal sum to at most 1, the reservations to
/// 0.6–1.6, and each month of lapse takes 0.04 utility off each (0.5 amount units ×
/// 0.8 / 10).
const LAPSE: &str = r#"[scenario]
name = "lapse-package"
unit = "units"

[run]
trials = 400
seed = 3
models = ["agents", "nash", "kalai-smorodinsky", "max-welfare"]

[protocol]
first_mover = "a"
breakdown_risk = 0.002

[calendar]
start = "2020-01-01"
expiry = "2020-06-30"
end = "2021-12-31"
round_months = 1

[issues.amount]
kind = "number"
lo = 0
hi = 10
step = 0.5

[issues.term]
kind = "integer"
lo = 1
hi = 3

[parties.a]
lapse_cost = 0.5
strategy = { kind = "time-based", preset = "linear" }

[parties.a.utility]
weights = { amount = 0.8, term = 0.2 }
amount = "increasing"
term = "increasing"
reservation = { uniform = [0.3, 0.8] }

[parties.b]
lapse_cost = 0.5
ratification = { uniform = [5, 9] }
strategy = { kind = "time-based", preset = "linear" }

[parties.b.utility]
weights = { amount = 0.8, term = 0.2 }
amount = "decreasing"
term = "decreasing"
reservation = { uniform = [0.3, 0.8] }

[observed]
amount = 6
term = 2
date = "2020-09-15"
"#;

#[test]
fn a_package_with_a_calendar_has_the_timing_block() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = write(dir.path(), "lapse.toml", LAPSE);
    let out = dir.path().join("r");
    ok(&[
        "run",
        file.to_str().expect("utf8"),
        "--quiet",
        "--trials-csv",
        "--out",
        out.to_str().expect("utf8"),
    ]);
    let s = json(&out.join("summary.json"));
    let mut not_ratified = 0;
    for m in ["agents", "nash", "kalai-smorodinsky", "max-welfare"] {
        let model = &s["models"][m];
        let t = &model["timing"];
        assert_eq!(t["start"], "2020-01-01", "{m}");
        assert_eq!(t["expiry"], "2020-06-30", "{m}");
        assert_eq!(t["end"], "2021-12-31", "{m}");
        let before = t["before_expiry"].as_f64().expect("before_expiry");
        let lapse = t["lapse_rate"].as_f64().expect("lapse_rate");
        assert!(0.0 < before && before < 1.0, "{m}: before_expiry {before}");
        assert!(lapse > 0.0, "{m}: lapse_rate {lapse}");
        let rate = model["agreement_rate"].as_f64().expect("rate");
        assert!(
            (before + lapse - rate).abs() < 1e-12,
            "{m}: {before} + {lapse} vs {rate}"
        );
        assert!(t["lapse_months"]["mean"].as_f64().expect("lapse months") > 0.0);
        assert_eq!(t["observed"]["date"], "2020-09-15");
        assert!(!t["by_month"].as_array().expect("months").is_empty());
        not_ratified += model["outcomes"]["not_ratified"].as_u64().expect("count");
    }
    // Korea's ceiling (5 to 9 units) binds in some trials: a deal above it is refused.
    assert!(not_ratified > 0, "no deal refused by a principal");
    assert!(
        s["models"]["agents"]["outcomes"]["breakdown"]
            .as_u64()
            .expect("count")
            > 0
    );
    // The rows agree with the summary: deals after the expiry are in later rounds.
    let rows = std::fs::read_to_string(out.join("trials.csv")).expect("rows");
    let header: Vec<&str> = rows.lines().next().expect("header").split(',').collect();
    let kind = header
        .iter()
        .position(|c| *c == "agents.kind")
        .expect("agents.kind");
    let counted = |k: &str| {
        rows.lines()
            .skip(1)
            .filter(|l| l.split(',').nth(kind) == Some(k))
            .count() as u64
    };
    let outcomes = &s["models"]["agents"]["outcomes"];
    for k in ["deal", "not_ratified", "breakdown", "deadline"] {
        assert_eq!(counted(k), outcomes[k].as_u64().expect("count"), "{k}");
    }
    // Each deal's date (the one-issue columns): those on or before the expiry are the
    // summary's `before_expiry` share.
    for m in ["agents", "nash"] {
        let date = header
            .iter()
            .position(|c| *c == format!("{m}.deal_date"))
            .expect("deal_date");
        assert_eq!(header[date + 1], format!("{m}.lapse_months"));
        let before = rows
            .lines()
            .skip(1)
            .filter_map(|l| {
                l.split(',')
                    .nth(date)
                    .filter(|d| !d.is_empty())
                    .map(str::to_owned)
            })
            .filter(|d| d.as_str() <= "2020-06-30")
            .count() as f64;
        let want = s["models"][m]["timing"]["before_expiry"]
            .as_f64()
            .expect("share");
        assert_eq!(before / 400.0, want, "{m}");
    }
}

#[test]
fn package_calendar_shards_merge_byte_identically() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = write(dir.path(), "lapse.toml", LAPSE);
    crate::package_outputs::shards_merge_byte_identically(file.to_str().expect("utf8"), "300");
}

/// A package file without the new keys runs as before: no `timing` block.
#[test]
fn a_package_without_a_calendar_has_no_timing_block() {
    let dir = tempfile::tempdir().expect("tempdir");
    let plain = LAPSE
        .replace("[calendar]\nstart = \"2020-01-01\"\nexpiry = \"2020-06-30\"\nend = \"2021-12-31\"\nround_months = 1\n", "")
        .replace("lapse_cost = 0.5\n", "")
        .replace("breakdown_risk = 0.002", "max_rounds = 12")
        .replace("date = \"2020-09-15\"\n", "");
    let file = write(dir.path(), "plain.toml", &plain);
    let out = dir.path().join("r");
    ok(&[
        "run",
        file.to_str().expect("utf8"),
        "--trials",
        "50",
        "--quiet",
        "--out",
        out.to_str().expect("utf8"),
    ]);
    let s = json(&out.join("summary.json"));
    assert!(s["models"]["agents"].get("timing").is_none());
}
