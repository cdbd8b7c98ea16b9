//! Each event's own draws as outputs and inputs (issue #23): `events.<i>.date` (a date
//! drawn from a range) and `events.<i>.happens` (a probability below 1) are columns of
//! `trials.csv` and `trials.parquet` and inputs of `bargain sensitivity`; scenarios whose
//! events draw nothing have no such column.

use crate::common;

use std::fs::File;

use arrow_array::{Array, Int64Array, StringArray};
use arrow_schema::DataType;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use bargain_runner::scenario::date::parse_date;
use common::{json, ok, write};

/// Fixed inputs and no ratifiable deal until the payee's floor (1.4, above anything the
/// payer bears) is removed, on a date drawn between 2020-09-01 and 2021-06-30, in half of
/// the trials; rounds a month apart, lapse costs 0, `on_veto = "resume"`. So a closed form
/// deals exactly when the event happens, in the first round on or after its date.
fn drawn(event: &str) -> String {
    format!(
        r#"
[scenario]
name = "drawn-event"
[run]
trials = 2000
seed = 9
models = ["agents", "nash"]
[protocol]
first_mover = "us"
[calendar]
start = "2020-01-01"
expiry = "2020-06-30"
end = "2022-12-31"
round_months = 1
on_veto = "resume"
[parties.us]
side = "payee"
opening = 1.5
reservation = {{ uniform = [0.95, 1.05] }}
ratification = 1.4
strategy = {{ kind = "time-based", preset = "linear" }}
[parties.kr]
side = "payer"
opening = 0.8
reservation = {{ uniform = [1.15, 1.25] }}
strategy = {{ kind = "time-based", preset = "linear" }}
[[events]]
{event}
party = "us"
set = {{ ratification = "none" }}
note = "floor removed"
"#
    )
}

const DRAWN: &str = "date = { uniform = [\"2020-09-01\", \"2021-06-30\"] }\nprobability = 0.5";

#[test]
fn event_draws_are_columns_that_explain_the_outcome() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = write(dir.path(), "drawn.toml", &drawn(DRAWN));
    let out = dir.path().join("out");
    ok(&[
        "run",
        file.to_str().expect("utf-8"),
        "--quiet",
        "--trials-csv",
        "--trials-parquet",
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    let csv = std::fs::read_to_string(out.join("trials.csv")).expect("csv");
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .unwrap_or_else(|| panic!("no column {name}: {header:?}"))
    };
    let (date, happens) = (col("events.0.date"), col("events.0.happens"));
    // After the inputs, before the models' cells.
    assert!(date > col("parties.kr.reservation") && happens < col("agents.kind"));
    let (lo, hi) = (
        parse_date("2020-09-01").expect("date"),
        parse_date("2021-06-30").expect("date"),
    );
    let (mut n, mut happened, mut dates) = (0u32, 0u32, std::collections::BTreeSet::new());
    for line in lines {
        let cells: Vec<&str> = line.split(',').collect();
        let day = parse_date(cells[date]).expect("an ISO date");
        assert!((lo..=hi).contains(&day), "{}", cells[date]);
        dates.insert(day);
        n += 1;
        let kind = cells[col("nash.kind")];
        match cells[happens] {
            "1" => {
                happened += 1;
                // The closed form deals in the first round on or after the drawn date
                // (rounds a month apart: within 31 days of it).
                assert_eq!(kind, "deal", "{line}");
                let deal = parse_date(cells[col("nash.deal_date")]).expect("deal date");
                assert!((day..=day + 31).contains(&deal), "{line}");
            }
            "0" => assert_ne!(kind, "deal", "{line}"),
            other => panic!("happens = {other}"),
        }
    }
    let se = (0.25 / f64::from(n)).sqrt();
    let share = f64::from(happened) / f64::from(n);
    assert!((share - 0.5).abs() <= 3.0 * se, "{share}");
    assert!(dates.len() > 200, "the dates vary: {}", dates.len());
    // Parquet: the date as text, whether it happens as an integer, equal to the CSV.
    let reader = ParquetRecordBatchReaderBuilder::try_new(
        File::open(out.join("trials.parquet")).expect("open parquet"),
    )
    .expect("parquet")
    .build()
    .expect("reader");
    let (mut p_dates, mut p_happens) = (Vec::new(), Vec::new());
    for batch in reader {
        let batch = batch.expect("batch");
        let schema = batch.schema();
        let d = schema.index_of("events.0.date").expect("date column");
        let h = schema.index_of("events.0.happens").expect("happens column");
        assert_eq!(batch.column(d).data_type(), &DataType::Utf8);
        assert_eq!(batch.column(h).data_type(), &DataType::Int64);
        let d = batch
            .column(d)
            .as_any()
            .downcast_ref::<StringArray>()
            .expect("utf8");
        let h = batch
            .column(h)
            .as_any()
            .downcast_ref::<Int64Array>()
            .expect("int64");
        for r in 0..batch.num_rows() {
            p_dates.push(d.value(r).to_owned());
            p_happens.push(h.value(r).to_string());
        }
    }
    let c_rows: Vec<Vec<&str>> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    assert_eq!(p_dates.len(), c_rows.len());
    for (i, r) in c_rows.iter().enumerate() {
        assert_eq!(p_dates[i], r[date]);
        assert_eq!(p_happens[i], r[happens]);
    }
}

#[test]
fn sensitivity_takes_the_event_draws_as_inputs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = write(dir.path(), "drawn.toml", &drawn(DRAWN));
    let out = dir.path().join("sens");
    ok(&[
        "sensitivity",
        file.to_str().expect("utf-8"),
        "--samples",
        "1000",
        "--quiet",
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    let v = json(&out.join("sensitivity.json"));
    let inputs: Vec<&str> = v["inputs"]
        .as_array()
        .expect("inputs")
        .iter()
        .filter_map(|x| x.as_str())
        .collect();
    assert!(
        inputs.ends_with(&["events.0.date", "events.0.happens"]),
        "{inputs:?}"
    );
    let nash = v["models"]
        .as_array()
        .expect("models")
        .iter()
        .find(|m| m["model"] == "nash")
        .expect("nash");
    let effect = |output: &str, input: &str| {
        nash[output]
            .as_array()
            .expect("effects")
            .iter()
            .find(|e| e["input"] == input)
            .and_then(|e| e["spearman"].as_f64())
            .expect("spearman")
    };
    // The closed form deals exactly when the event happens (the outcomes follow the
    // timeline), and its date does not decide whether.
    assert!(effect("deal", "events.0.happens") > 0.99);
    assert!(effect("deal", "events.0.date").abs() < 0.15);
    // The terminal table names the event by its note.
    let o = ok(&[
        "sensitivity",
        file.to_str().expect("utf-8"),
        "--samples",
        "300",
        "--out",
        dir.path().join("sens2").to_str().expect("utf-8"),
    ]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("floor removed"), "{text}");
}

#[test]
fn events_that_draw_nothing_add_no_column() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fixed = drawn("date = \"2021-01-20\"");
    let file = write(dir.path(), "fixed.toml", &fixed);
    let out = dir.path().join("out");
    ok(&[
        "run",
        file.to_str().expect("utf-8"),
        "--quiet",
        "--trials",
        "50",
        "--trials-csv",
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    let csv = std::fs::read_to_string(out.join("trials.csv")).expect("csv");
    assert!(
        !csv.lines().next().expect("header").contains("events."),
        "{csv}"
    );
}
