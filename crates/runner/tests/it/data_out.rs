//! Data for analysts: `trials.parquet` equals `trials.csv` cell for cell, `summary.csv`
//! and `compare.csv` carry `summary.json`'s and `compare.json`'s numbers, and
//! `replay --json` agrees with the trial's row in `trials.csv`.

use crate::common;
use common::{json, ok};

use std::fs::File;

use arrow_array::{Array, Float64Array, Int64Array, StringArray};
use arrow_schema::DataType;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use serde_json::Value;

const SMA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scenarios/sma-2019.toml");
const SMA_2021: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scenarios/sma-2021.toml");

/// The cells of a CSV file (header included), split on commas.
fn csv_cells(path: &std::path::Path) -> Vec<Vec<String>> {
    std::fs::read_to_string(path)
        .expect("read csv")
        .lines()
        .map(|l| l.split(',').map(str::to_owned).collect())
        .collect()
}

#[test]
fn parquet_equals_csv() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("r");
    let out_s = out.to_str().expect("utf8");
    ok(&[
        "run",
        SMA,
        "--trials",
        "3000",
        "--seed",
        "5",
        "--quiet",
        "--trials-csv",
        "--trials-parquet",
        "--out",
        out_s,
    ]);
    let csv = csv_cells(&out.join("trials.csv"));
    let reader = ParquetRecordBatchReaderBuilder::try_new(
        File::open(out.join("trials.parquet")).expect("open parquet"),
    )
    .expect("parquet")
    .build()
    .expect("reader");
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut header: Vec<String> = Vec::new();
    for batch in reader {
        let batch = batch.expect("batch");
        let schema = batch.schema();
        header = schema.fields().iter().map(|f| f.name().clone()).collect();
        let start = rows.len();
        rows.resize(start + batch.num_rows(), Vec::new());
        for (c, col) in batch.columns().iter().enumerate() {
            let name = &header[c];
            let expected = if name == "trial" || name.ends_with(".round") {
                DataType::Int64
            } else if name.ends_with(".kind") || name.ends_with(".deal_date") {
                DataType::Utf8
            } else {
                DataType::Float64
            };
            assert_eq!(col.data_type(), &expected, "type of {name}");
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
    assert_eq!(csv[0], header, "columns");
    assert_eq!(csv.len() - 1, 3000);
    assert_eq!(&csv[1..], &rows[..], "every cell");
    // Deals have amounts, other outcomes of closed forms none: nulls are real.
    assert!(rows.iter().any(|r| r.iter().any(String::is_empty)));
}

#[test]
fn summary_csv_matches_summary_json() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("r");
    ok(&[
        "run",
        SMA,
        "--trials",
        "2000",
        "--quiet",
        "--out",
        out.to_str().expect("utf8"),
    ]);
    let s = json(&out.join("summary.json"));
    let csv = csv_cells(&out.join("summary.csv"));
    let col = |name: &str| {
        csv[0]
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("column {name}"))
    };
    let models = s["models"].as_object().expect("models");
    assert_eq!(csv.len() - 1, models.len(), "one row per model");
    for row in &csv[1..] {
        let m = &models[&row[0]];
        let f = |name: &str| row[col(name)].parse::<f64>().expect(name);
        assert_eq!(
            f("agreement_rate"),
            m["agreement_rate"].as_f64().expect("rate")
        );
        let trials = m["trials"].as_f64().expect("trials");
        let deals = m["outcomes"]["deal"].as_f64().expect("deal");
        assert_eq!(f("share_deal"), deals / trials);
        let shares: f64 = ["deal", "deadline", "breakdown", "not_ratified", "no_zone"]
            .iter()
            .map(|k| f(&format!("share_{k}")))
            .sum();
        assert!((shares - 1.0).abs() < 1e-12, "shares sum to 1: {shares}");
        match &m["amount"] {
            Value::Null => assert_eq!(row[col("amount_p50")], ""),
            a => {
                assert_eq!(
                    f("amount_p50"),
                    a["quantiles"]["p50"].as_f64().expect("p50")
                );
                assert_eq!(
                    f("amount_p05"),
                    a["quantiles"]["p05"].as_f64().expect("p05")
                );
                assert_eq!(f("amount_mean"), a["mean"].as_f64().expect("mean"));
                assert_eq!(f("round_mean"), m["round"]["mean"].as_f64().expect("round"));
            }
        }
    }
}

#[test]
fn compare_csv_matches_compare_json() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("c");
    ok(&[
        "compare",
        SMA,
        SMA_2021,
        "--trials",
        "1500",
        "--quiet",
        "--out",
        out.to_str().expect("utf8"),
    ]);
    let c = json(&out.join("compare.json"));
    let csv = csv_cells(&out.join("compare.csv"));
    let col = |name: &str| csv[0].iter().position(|h| h == name).expect(name);
    let models = c["models"].as_object().expect("models");
    assert!(!models.is_empty());
    assert_eq!(csv.len() - 1, models.len());
    for row in &csv[1..] {
        let m = &models[&row[0]];
        let f = |name: &str| row[col(name)].parse::<f64>().expect(name);
        assert_eq!(
            f("a_agreement_rate"),
            m["a"]["agreement_rate"].as_f64().expect("a")
        );
        assert_eq!(
            f("b_agreement_rate"),
            m["b"]["agreement_rate"].as_f64().expect("b")
        );
        assert_eq!(
            f("agreement_rate_diff"),
            m["agreement_rate"]["estimate"].as_f64().expect("diff")
        );
    }
}

#[test]
fn replay_json_agrees_with_trials_csv() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("r");
    ok(&[
        "run",
        SMA,
        "--trials",
        "300",
        "--quiet",
        "--trials-csv",
        "--out",
        out.to_str().expect("utf8"),
    ]);
    let csv = csv_cells(&out.join("trials.csv"));
    let col = |name: &str| csv[0].iter().position(|h| h == name).expect(name);
    let (mut deals, mut others) = (0, 0);
    // The first 25 trials that end in a deal and the first 15 that do not.
    let kind = col("agents.kind");
    let is_deal = |t: &usize| csv[t + 1][kind] == "deal";
    let chosen: Vec<usize> = (0..300)
        .filter(is_deal)
        .take(25)
        .chain((0..300).filter(|t| !is_deal(t)).take(15))
        .collect();
    for trial in chosen {
        let row = &csv[trial + 1];
        let o = ok(&[
            "replay",
            SMA,
            "--trial",
            &trial.to_string(),
            "--trials",
            "300",
            "--json",
        ]);
        let v: Value = serde_json::from_slice(&o.stdout).expect("one JSON object");
        assert_eq!(v["outcome"], row[col("agents.kind")].as_str());
        let offers = v["offers"].as_array().expect("offers");
        assert!(!offers.is_empty());
        for (i, offer) in offers.iter().enumerate() {
            assert!(["us", "kr"].contains(&offer["by"].as_str().expect("by")));
            assert!(offer["amount"].as_f64().is_some());
            let round = offer["round"].as_u64().expect("round");
            assert!(round >= 1);
            let response = offer["response"].as_str().expect("response");
            if i + 1 < offers.len() {
                assert_eq!(response, "counter");
            }
        }
        if v["outcome"] == "deal" {
            deals += 1;
            let amount = v["agreement"]["amount"].as_f64().expect("amount");
            assert_eq!(amount.to_string(), row[col("agents.amount")]);
            assert_eq!(
                v["round"].as_u64().expect("round").to_string(),
                row[col("agents.round")]
            );
            assert_eq!(offers.last().expect("last")["response"], "accept");
        } else {
            others += 1;
            if v["outcome"] != "not_ratified" {
                assert!(v["round"].is_null() && v["agreement"].is_null());
            }
        }
    }
    assert!(deals > 0 && others > 0, "{deals} deals, {others} others");
}
