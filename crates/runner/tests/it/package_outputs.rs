//! Package runs write `trials.csv` and `trials.parquet` like one-issue runs (issue #21
//! item 5): a column `<model>.<issue>` per model and issue, labels as text, empty cells
//! without a deal; the Parquet file equals the CSV cell for cell, and the rows add up to
//! the summary's counts.

use std::collections::BTreeMap;
use std::fs::File;

use arrow_array::{Array, Float64Array, Int64Array, StringArray};
use arrow_schema::DataType;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use crate::common::{json, ok};

const PACKAGE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../scenarios/sma-2019-package.toml"
);

#[test]
fn package_trials_parquet_equals_csv_and_adds_up_to_the_summary() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("r");
    let out_s = out.to_str().expect("utf8");
    ok(&[
        "run",
        PACKAGE,
        "--trials",
        "600",
        "--seed",
        "9",
        "--quiet",
        "--trials-csv",
        "--trials-parquet",
        "--out",
        out_s,
    ]);
    let text = std::fs::read_to_string(out.join("trials.csv")).expect("csv");
    let csv: Vec<Vec<String>> = text
        .lines()
        .map(|l| l.split(',').map(str::to_owned).collect())
        .collect();
    let header = &csv[0];
    for m in ["agents", "nash", "kalai-smorodinsky", "max-welfare"] {
        // The file has a `[calendar]`: each deal's date, as in one-issue runs.
        for c in [
            "kind",
            "round",
            "amount",
            "term",
            "escalation",
            "deal_date",
            "lapse_months",
        ] {
            assert!(
                header.contains(&format!("{m}.{c}")),
                "{m}.{c} in {header:?}"
            );
        }
    }
    let reader = ParquetRecordBatchReaderBuilder::try_new(
        File::open(out.join("trials.parquet")).expect("open parquet"),
    )
    .expect("parquet")
    .build()
    .expect("reader");
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    for batch in reader {
        let batch = batch.expect("batch");
        names = batch
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect();
        let start = rows.len();
        rows.resize(start + batch.num_rows(), Vec::new());
        for (c, col) in batch.columns().iter().enumerate() {
            let name = &names[c];
            let model_column = ["agents.", "nash.", "kalai-smorodinsky.", "max-welfare."]
                .iter()
                .any(|m| name.starts_with(m));
            if name == "trial" {
                assert_eq!(col.data_type(), &DataType::Int64, "{name}");
            } else if !model_column {
                assert_eq!(col.data_type(), &DataType::Float64, "{name}");
            } else if name.ends_with(".escalation")
                || name.ends_with(".kind")
                || name.ends_with(".deal_date")
            {
                assert_eq!(col.data_type(), &DataType::Utf8, "{name}");
            } else if name.ends_with(".lapse_months") {
                assert_eq!(col.data_type(), &DataType::Float64, "{name}");
            }
            if model_column && (name.ends_with(".term") || name.ends_with(".round")) {
                assert_eq!(col.data_type(), &DataType::Int64, "{name}");
            }
            for (r, row) in rows[start..].iter_mut().enumerate() {
                let cell = if col.is_null(r) {
                    String::new()
                } else if let Some(a) = col.as_any().downcast_ref::<Int64Array>() {
                    a.value(r).to_string()
                } else if let Some(a) = col.as_any().downcast_ref::<Float64Array>() {
                    a.value(r).to_string()
                } else if let Some(a) = col.as_any().downcast_ref::<StringArray>() {
                    a.value(r).to_owned()
                } else {
                    panic!("unexpected column type {:?}", col.data_type())
                };
                row.push(cell);
            }
        }
    }
    assert_eq!(&names, header, "columns");
    assert_eq!(csv.len() - 1, 600);
    assert_eq!(&csv[1..], &rows[..], "every cell");
    // The rows add up to the summary: deals, and deals per term and escalation.
    let summary = json(&out.join("summary.json"));
    assert_eq!(summary["kind"], "package");
    for m in ["agents", "nash", "kalai-smorodinsky", "max-welfare"] {
        let col = |c: &str| {
            header
                .iter()
                .position(|h| *h == format!("{m}.{c}"))
                .expect("column")
        };
        let (kind, term, esc) = (col("kind"), col("term"), col("escalation"));
        let deals: Vec<&Vec<String>> = csv[1..].iter().filter(|r| r[kind] == "deal").collect();
        let s = &summary["models"][m];
        assert_eq!(
            s["outcomes"]["deal"].as_u64(),
            Some(deals.len() as u64),
            "{m}"
        );
        let mut by_term: BTreeMap<String, u64> = BTreeMap::new();
        let mut by_esc: BTreeMap<String, u64> = BTreeMap::new();
        for r in &deals {
            *by_term.entry(r[term].clone()).or_default() += 1;
            *by_esc.entry(r[esc].clone()).or_default() += 1;
            // No one-year deal with an escalator (the file's [[exclude]]).
            assert!(!(r[term] == "1" && r[esc] != "none"), "{m}: {r:?}");
        }
        for (label, n) in s["issues"]["escalation"]["counts"]
            .as_object()
            .expect("counts")
        {
            assert_eq!(
                by_esc.get(label).copied().unwrap_or(0),
                n.as_u64().expect("n"),
                "{m} {label}"
            );
        }
        for (value, n) in s["issues"]["term"]["counts"].as_object().expect("counts") {
            assert_eq!(
                by_term.get(value).copied().unwrap_or(0),
                n.as_u64().expect("n"),
                "{m} {value}"
            );
        }
        // Without a deal every issue cell is empty.
        for r in csv[1..].iter().filter(|r| r[kind] != "deal") {
            assert!(r[term].is_empty() && r[esc].is_empty(), "{m}: {r:?}");
        }
    }
}

/// `--shard 1/3..3/3` + `merge` of a package run is byte-identical to one run: the
/// summary files, and the shards' `trials.csv` rows concatenate to the whole run's; a
/// missing shard is refused with the folder named.
#[test]
fn package_shards_merge_byte_identically() {
    shards_merge_byte_identically(PACKAGE, "1500");
}

/// `--shard 1/3..3/3` + `merge` of `file` with `trials` trials against one run (see
/// [`package_shards_merge_byte_identically`]; also run on a package with a calendar).
pub(crate) fn shards_merge_byte_identically(file: &str, trials: &str) {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = |n: &str| dir.path().join(n).to_str().expect("utf8").to_owned();
    let run = |out: &str, shard: Option<&str>| {
        let mut args = vec!["run", file, "--trials", trials, "--seed", "4", "--quiet"];
        args.extend(["--trials-csv", "--out", out]);
        if let Some(s) = shard {
            args.extend(["--shard", s]);
        }
        ok(&args);
    };
    run(&p("whole"), None);
    for i in 1..=3 {
        run(&p(&format!("s{i}")), Some(&format!("{i}/3")));
        assert!(dir.path().join(format!("s{i}/partial.json")).is_file());
    }
    ok(&[
        "merge",
        &p("s2"),
        &p("s3"),
        &p("s1"),
        "--out",
        &p("m"),
        "--quiet",
    ]);
    for f in ["summary.json", "summary.csv", "scenario.toml"] {
        let a = std::fs::read(dir.path().join("whole").join(f)).expect("whole");
        let b = std::fs::read(dir.path().join("m").join(f)).expect("merged");
        assert!(a == b, "{f} differs after the merge");
    }
    assert!(dir.path().join("m/report.html").is_file());
    let mut rows = String::new();
    for i in 1..=3 {
        let t = std::fs::read_to_string(dir.path().join(format!("s{i}/trials.csv"))).expect("rows");
        let body = if i == 1 {
            t.as_str()
        } else {
            t.split_once('\n').expect("header").1
        };
        rows.push_str(body);
    }
    let whole = std::fs::read_to_string(dir.path().join("whole/trials.csv")).expect("rows");
    assert!(
        rows == whole,
        "the shards' rows differ from the whole run's"
    );
    let out = crate::common::bargain(&["merge", &p("s1"), &p("s3"), "--out", &p("m2"), "--quiet"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("s3"));
    assert!(!dir.path().join("m2").exists());
}

/// `bargain explain` takes packages: on a package without distributions (every trial is
/// the central one) each model's agreement and utilities are those `replay` gives for a
/// trial; the text names every model and the outcome space.
#[test]
fn explain_takes_packages() {
    let file = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../benches/data/package-600.toml"
    );
    let models = "run.models=[\"agents\", \"nash\", \"kalai-smorodinsky\", \"max-welfare\"]";
    let out = ok(&["explain", file, "--set", models, "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["kind"], "package");
    assert_eq!(v["outcomes"], 600);
    for m in ["agents", "nash", "kalai-smorodinsky", "max-welfare"] {
        let r = ok(&[
            "replay", file, "--set", models, "--trial", "3", "--model", m, "--json",
        ]);
        let r: serde_json::Value = serde_json::from_slice(&r.stdout).expect("json");
        let e = &v["models"][m];
        assert_eq!(e["outcome"], r["outcome"], "{m}");
        assert_eq!(e["utility"], r["utility"], "{m}");
        for (k, x) in r["agreement"].as_object().expect("agreement") {
            match x.as_f64() {
                Some(x) => assert!(
                    (e["agreement"][k].as_f64().expect("num") - x).abs() < 1e-9,
                    "{m} {k}"
                ),
                None => assert_eq!(&e["agreement"][k], x, "{m} {k}"),
            }
        }
    }
    let text = String::from_utf8(ok(&["explain", file, "--set", models]).stdout).expect("utf8");
    assert!(text.contains("600 outcomes"), "{text}");
    for m in ["agents", "nash", "kalai-smorodinsky", "max-welfare"] {
        assert!(
            text.lines().any(|l| l.trim_start().starts_with(m)),
            "{m} in {text}"
        );
    }
}
