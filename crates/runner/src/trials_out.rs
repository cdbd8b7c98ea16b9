//! Per-trial output: `trials.csv`, `trials.parquet` and Arrow record batches.
//!
//! There is one description of a trial row: the CSV header
//! ([`crate::ensemble::csv_header`]) and the rows the ensemble streams in trial order.
//! The Arrow/Parquet side is built *from those rows* ([`ArrowRows`] is a `Write` sink
//! that parses them), so a column added to `trials.csv` appears in `trials.parquet` and
//! in Python's `bargain.trials` with no edit here, and the values are the CSV's exactly
//! (Rust prints `f64` in its shortest round-trip form).
//!
//! Column types: `trial` and `*.round` are `int64`, the sampled inputs and `*.amount`
//! are `float64`, `*.kind` is `utf8`; any other column takes the narrowest of `int64`,
//! `float64`, `utf8` that holds every value of the first row group. Empty cells are nulls.
//! Rows are converted a row group ([`ROW_GROUP`] trials) at a time: memory does not grow
//! with the number of trials.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;
use std::sync::Arc;

use arrow_array::{ArrayRef, Float64Array, Int64Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;

use crate::ensemble::{Plan, csv_header};
use crate::scenario::Scenario;

/// Trials per Arrow record batch and Parquet row group.
pub const ROW_GROUP: usize = 65_536;

/// Warn before writing a trials file larger than this many bytes (estimated).
pub const LARGE_FILE: u64 = 4_000_000_000;

/// Estimated bytes per cell of `trials.csv` (measured: 9.7 on sma-2019).
const CSV_CELL_BYTES: u64 = 10;
/// Estimated bytes per cell of `trials.parquet` (measured: 3.8 on sma-2019).
const PARQUET_CELL_BYTES: u64 = 4;

/// The type of one column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    /// 64-bit integers.
    Int64,
    /// 64-bit floats.
    Float64,
    /// Text.
    Utf8,
    /// Not fixed by its name: inferred from the first row group.
    Infer,
}

/// Column `c` of `rows` parsed as `T`, an empty cell as null; `bad` names a cell that does
/// not parse.
fn parse_column<T: std::str::FromStr>(
    rows: &[Vec<&str>],
    c: usize,
    bad: impl Fn(&str) -> io::Error,
) -> io::Result<Vec<Option<T>>> {
    rows.iter()
        .map(|r| match r[c] {
            "" => Ok(None),
            cell => cell.parse().map(Some).map_err(|_| bad(cell)),
        })
        .collect()
}

impl ColumnType {
    fn data_type(self) -> DataType {
        match self {
            ColumnType::Int64 => DataType::Int64,
            ColumnType::Float64 => DataType::Float64,
            ColumnType::Utf8 | ColumnType::Infer => DataType::Utf8,
        }
    }
}

/// Append the `trials.csv` cells of one trial's event draws (`values`, from
/// [`crate::trial::event_draws`], in the order of [`Scenario::event_draws`]) to `out`:
/// `events.<i>.date` as an ISO date (the calendar's start plus the drawn days),
/// `events.<i>.happens` as 1 or 0.
pub fn event_cells(scenario: &Scenario, values: &[f64], out: &mut String) {
    let start = scenario.calendar.map_or(0, |c| c.start);
    for (d, x) in scenario.event_draws().iter().zip(values) {
        out.push(',');
        match d {
            crate::scenario::EventDraw::Date(_) => {
                // Whole days (from `u32`), so the cast is exact.
                out.push_str(&crate::scenario::date::format_date(start + *x as i64));
            }
            crate::scenario::EventDraw::Happens(_) => {
                out.push_str(if *x > 0.5 { "1" } else { "0" });
            }
        }
    }
}

/// The type of the column named `name`, given the names of the sampled inputs.
#[must_use]
pub fn column_type(name: &str, inputs: &[String]) -> ColumnType {
    let event = name.starts_with("events.");
    if event && name.ends_with(".happens") {
        ColumnType::Int64
    } else if event && name.ends_with(".date") {
        // An event's drawn date, ISO text as in trials.csv.
        ColumnType::Utf8
    } else if name == "trial" || name.ends_with(".round") {
        ColumnType::Int64
    } else if name.ends_with(".amount")
        || name.ends_with(".lapse_months")
        || inputs.iter().any(|i| i == name)
    {
        ColumnType::Float64
    } else if name.ends_with(".kind") || name.ends_with(".deal_date") {
        // Deal dates stay ISO text (`YYYY-MM-DD`), exactly as in trials.csv.
        ColumnType::Utf8
    } else {
        ColumnType::Infer
    }
}

/// The cells of one `trials.csv` row: split at commas, except inside a cell quoted as in
/// RFC 4180 (`"a, b"`, with `""` for a quote), which is unquoted. Only the labels of
/// package issues are ever quoted ([`csv_cell`]).
fn split_row(line: &str) -> Vec<std::borrow::Cow<'_, str>> {
    if !line.contains('"') {
        return line.split(',').map(std::borrow::Cow::Borrowed).collect();
    }
    let mut out = Vec::new();
    let mut cell = String::new();
    let (mut quoted, mut chars) = (false, line.chars().peekable());
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cell.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => out.push(std::borrow::Cow::Owned(std::mem::take(&mut cell))),
            _ => cell.push(c),
        }
    }
    out.push(std::borrow::Cow::Owned(cell));
    out
}

/// `text` as one `trials.csv` cell: quoted (RFC 4180) when it holds a comma, a quote or a
/// line break, as itself otherwise.
#[must_use]
pub fn csv_cell(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains([',', '"', '\n', '\r']) {
        std::borrow::Cow::Owned(format!("\"{}\"", text.replace('"', "\"\"")))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// The narrowest type that holds every non-empty cell.
fn infer<'a>(cells: impl Iterator<Item = &'a str>) -> ColumnType {
    let mut t = ColumnType::Int64;
    for c in cells.filter(|c| !c.is_empty()) {
        if t == ColumnType::Int64 && c.parse::<i64>().is_err() {
            t = ColumnType::Float64;
        }
        if t == ColumnType::Float64 && c.parse::<f64>().is_err() {
            return ColumnType::Utf8;
        }
    }
    t
}

/// Where finished record batches go.
pub trait BatchSink {
    /// Take one record batch (all of the same schema).
    ///
    /// # Errors
    /// Any I/O or encoding error.
    fn batch(&mut self, batch: RecordBatch) -> io::Result<()>;
}

/// Keeps every batch in memory (Python's `bargain.trials`).
impl BatchSink for Vec<RecordBatch> {
    fn batch(&mut self, batch: RecordBatch) -> io::Result<()> {
        self.push(batch);
        Ok(())
    }
}

/// A `trials.parquet` being written (created at the first batch, when the schema is known).
pub struct ParquetSink {
    file: Option<File>,
    writer: Option<ArrowWriter<File>>,
}

impl ParquetSink {
    /// Write into `file`.
    #[must_use]
    pub fn new(file: File) -> Self {
        Self {
            file: Some(file),
            writer: None,
        }
    }

    /// Write the footer.
    ///
    /// # Errors
    /// Any I/O or encoding error.
    pub fn close(self) -> io::Result<()> {
        if let Some(w) = self.writer {
            w.close().map_err(io::Error::other)?;
        }
        Ok(())
    }
}

impl BatchSink for ParquetSink {
    fn batch(&mut self, batch: RecordBatch) -> io::Result<()> {
        if self.writer.is_none() {
            let props = WriterProperties::builder()
                .set_compression(Compression::ZSTD(ZstdLevel::default()))
                .set_max_row_group_row_count(Some(ROW_GROUP))
                .build();
            let file = self
                .file
                .take()
                .ok_or_else(|| io::Error::other("trials.parquet: writer already closed"))?;
            self.writer = Some(
                ArrowWriter::try_new(file, batch.schema(), Some(props))
                    .map_err(io::Error::other)?,
            );
        }
        match self.writer.as_mut() {
            Some(w) => w.write(&batch).map_err(io::Error::other),
            None => Ok(()),
        }
    }
}

/// A `Write` sink that parses `trials.csv` rows (without the header) into typed Arrow
/// record batches of [`ROW_GROUP`] rows and hands them to `S`.
pub struct ArrowRows<S: BatchSink> {
    names: Vec<String>,
    types: Vec<ColumnType>,
    schema: Option<SchemaRef>,
    /// Bytes of an incomplete line.
    pending: Vec<u8>,
    /// Complete lines not yet converted.
    lines: Vec<String>,
    sink: S,
}

impl<S: BatchSink> ArrowRows<S> {
    /// A sink for rows under `header` (the `trials.csv` header line).
    #[must_use]
    pub fn new(header: &str, inputs: &[String], sink: S) -> Self {
        let names: Vec<String> = header.trim_end().split(',').map(str::to_owned).collect();
        let types = names.iter().map(|n| column_type(n, inputs)).collect();
        Self {
            names,
            types,
            schema: None,
            pending: Vec::new(),
            lines: Vec::with_capacity(ROW_GROUP),
            sink,
        }
    }

    /// A sink for the rows of `scenario` run under `plan`.
    #[must_use]
    pub fn for_run(scenario: &Scenario, plan: &Plan, sink: S) -> Self {
        Self::new(
            &csv_header(scenario, &plan.models),
            &scenario.input_names(),
            sink,
        )
    }

    /// Convert the buffered lines into one record batch.
    fn flush_batch(&mut self) -> io::Result<()> {
        if self.lines.is_empty() {
            return Ok(());
        }
        let cells: Vec<Vec<std::borrow::Cow<'_, str>>> =
            self.lines.iter().map(|l| split_row(l)).collect();
        let rows: Vec<Vec<&str>> = cells
            .iter()
            .map(|r| r.iter().map(AsRef::as_ref).collect())
            .collect();
        for (i, r) in rows.iter().enumerate() {
            if r.len() != self.names.len() {
                return Err(io::Error::other(format!(
                    "trials row {i} of the batch has {} cells, the header {}",
                    r.len(),
                    self.names.len()
                )));
            }
        }
        if self.schema.is_none() {
            for (c, t) in self.types.iter_mut().enumerate() {
                if *t == ColumnType::Infer {
                    *t = infer(rows.iter().map(|r| r[c]));
                }
            }
            let fields: Vec<Field> = self
                .names
                .iter()
                .zip(&self.types)
                .map(|(n, t)| Field::new(n, t.data_type(), true))
                .collect();
            self.schema = Some(Arc::new(Schema::new(fields)));
        }
        let mut columns: Vec<ArrayRef> = Vec::with_capacity(self.names.len());
        for (c, t) in self.types.iter().enumerate() {
            let bad = |cell: &str| {
                io::Error::other(format!(
                    "trials column {}: `{cell}` is not {:?}",
                    self.names[c], t
                ))
            };
            let array: ArrayRef = match t {
                ColumnType::Int64 => Arc::new(Int64Array::from(parse_column(&rows, c, bad)?)),
                ColumnType::Float64 => Arc::new(Float64Array::from(parse_column(&rows, c, bad)?)),
                ColumnType::Utf8 | ColumnType::Infer => Arc::new(StringArray::from(
                    rows.iter()
                        .map(|r| Some(r[c]).filter(|cell| !cell.is_empty()))
                        .collect::<Vec<_>>(),
                )),
            };
            columns.push(array);
        }
        drop(rows);
        drop(cells);
        self.lines.clear();
        let schema = self
            .schema
            .clone()
            .ok_or_else(|| io::Error::other("no schema"))?;
        let batch = RecordBatch::try_new(schema, columns).map_err(io::Error::other)?;
        self.sink.batch(batch)
    }

    /// Convert the last rows and return the sink.
    ///
    /// # Errors
    /// Any I/O or conversion error; an incomplete last line.
    pub fn finish(mut self) -> io::Result<S> {
        if !self.pending.is_empty() {
            return Err(io::Error::other("trials rows end with an incomplete line"));
        }
        self.flush_batch()?;
        Ok(self.sink)
    }
}

impl<S: BatchSink> Write for ArrowRows<S> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut rest = buf;
        while let Some(nl) = rest.iter().position(|&b| b == b'\n') {
            self.pending.extend_from_slice(&rest[..nl]);
            let line =
                String::from_utf8(std::mem::take(&mut self.pending)).map_err(io::Error::other)?;
            self.lines.push(line);
            if self.lines.len() >= ROW_GROUP {
                self.flush_batch()?;
            }
            rest = &rest[nl + 1..];
        }
        self.pending.extend_from_slice(rest);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The trials files of one run: `trials.csv` and/or `trials.parquet`, fed the same rows.
pub struct TrialsFiles {
    csv: Option<BufWriter<File>>,
    parquet: Option<ArrowRows<ParquetSink>>,
}

impl TrialsFiles {
    /// Create the requested files in `dir` (`None` if neither is requested).
    ///
    /// # Errors
    /// If a file cannot be created.
    pub fn create(
        dir: &Path,
        scenario: &Scenario,
        plan: &Plan,
        csv: bool,
        parquet: bool,
    ) -> io::Result<Option<Self>> {
        let header = csv_header(scenario, &plan.models);
        Self::with_header(dir, &header, &scenario.input_names(), csv, parquet)
    }

    /// Create the requested files in `dir` for rows under `header` (the `trials.csv`
    /// header line, ending in a newline) whose sampled inputs are the columns `inputs`:
    /// one-issue runs ([`TrialsFiles::create`]) and package runs alike.
    ///
    /// # Errors
    /// If a file cannot be created.
    pub fn with_header(
        dir: &Path,
        header: &str,
        inputs: &[String],
        csv: bool,
        parquet: bool,
    ) -> io::Result<Option<Self>> {
        if !csv && !parquet {
            return Ok(None);
        }
        let csv = if csv {
            let mut w = BufWriter::new(File::create(dir.join("trials.csv"))?);
            w.write_all(header.as_bytes())?;
            Some(w)
        } else {
            None
        };
        let parquet = if parquet {
            let f = File::create(dir.join("trials.parquet"))?;
            Some(ArrowRows::new(header, inputs, ParquetSink::new(f)))
        } else {
            None
        };
        Ok(Some(Self { csv, parquet }))
    }

    /// Flush the CSV and write the Parquet footer.
    ///
    /// # Errors
    /// Any I/O or encoding error.
    pub fn finish(self) -> io::Result<()> {
        if let Some(mut w) = self.csv {
            w.flush()?;
        }
        if let Some(p) = self.parquet {
            p.finish()?.close()?;
        }
        Ok(())
    }
}

impl Write for TrialsFiles {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if let Some(w) = self.csv.as_mut() {
            w.write_all(buf)?;
        }
        if let Some(p) = self.parquet.as_mut() {
            p.write_all(buf)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if let Some(w) = self.csv.as_mut() {
            w.flush()?;
        }
        Ok(())
    }
}

/// Warnings for trials files estimated larger than [`LARGE_FILE`]: one line per file,
/// with its estimated size (trials × columns × bytes per cell).
#[must_use]
pub fn size_warnings(scenario: &Scenario, plan: &Plan, csv: bool, parquet: bool) -> Vec<String> {
    let (start, end) = plan.shard.bounds(plan.trials);
    let columns = csv_header(scenario, &plan.models).split(',').count() as u64;
    let cells = (end - start).saturating_mul(columns);
    [
        (csv, "trials.csv", CSV_CELL_BYTES),
        (parquet, "trials.parquet", PARQUET_CELL_BYTES),
    ]
    .into_iter()
    .filter(|(on, _, _)| *on)
    .filter_map(|(_, file, per_cell)| {
        let bytes = cells.saturating_mul(per_cell);
        (bytes > LARGE_FILE).then(|| {
            format!(
                "{}: {file} will be about {:.1} GB ({} trials x {columns} columns); make sure the disk has room",
                scenario.name,
                bytes as f64 / 1e9,
                end - start
            )
        })
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::{Array, Float64Array, Int64Array, StringArray};

    #[test]
    fn rows_become_typed_batches_of_a_row_group_each() {
        // `deal_date` and `lapse_months` stand for columns another part of the program
        // may add: their types are inferred, with no edit of this module.
        let header = "trial,parties.us.reservation,agents.kind,agents.amount,agents.round,deal_date,lapse_months\n";
        let inputs = vec!["parties.us.reservation".to_owned()];
        let mut sink = ArrowRows::new(header, &inputs, Vec::new());
        let n = ROW_GROUP + 10;
        for t in 0..n {
            let deal = t.is_multiple_of(3);
            let line = if deal {
                format!(
                    "{t},1.25,deal,{},{},2019-03-0{},{}\n",
                    1.0 + t as f64 * 1e-7,
                    t % 9 + 1,
                    t % 9,
                    t % 7
                )
            } else {
                format!("{t},{},deadline,,10,,\n", t as f64 / 3.0)
            };
            // Split writes mid-line, as a buffered writer may.
            let (a, b) = line.as_bytes().split_at(line.len() / 2);
            sink.write_all(a).expect("write");
            sink.write_all(b).expect("write");
        }
        let batches = sink.finish().expect("finish");
        assert_eq!(batches.len(), 2);
        assert_eq!(batches[0].num_rows(), ROW_GROUP);
        assert_eq!(batches[1].num_rows(), 10);
        let schema = batches[0].schema();
        let types: Vec<&DataType> = schema.fields().iter().map(|f| f.data_type()).collect();
        assert_eq!(
            types,
            [
                &DataType::Int64,
                &DataType::Float64,
                &DataType::Utf8,
                &DataType::Float64,
                &DataType::Int64,
                &DataType::Utf8,
                &DataType::Int64
            ]
        );
        let b = &batches[1];
        let trial = b
            .column(0)
            .as_any()
            .downcast_ref::<Int64Array>()
            .expect("i64");
        assert_eq!(trial.value(0), ROW_GROUP as i64);
        let amount = b
            .column(3)
            .as_any()
            .downcast_ref::<Float64Array>()
            .expect("f64");
        let date = b
            .column(5)
            .as_any()
            .downcast_ref::<StringArray>()
            .expect("utf8");
        for r in 0..b.num_rows() {
            let t = ROW_GROUP + r;
            assert_eq!(amount.is_null(r), !t.is_multiple_of(3));
            assert_eq!(date.is_null(r), !t.is_multiple_of(3));
            if t.is_multiple_of(3) {
                assert_eq!(amount.value(r), 1.0 + t as f64 * 1e-7);
            }
        }
    }

    #[test]
    fn large_trials_files_are_announced_with_their_size() {
        let scenario = Scenario::builtin_sma_2019();
        let plan = |trials| {
            crate::pipeline::plan(
                &scenario,
                &crate::pipeline::Overrides {
                    trials: Some(trials),
                    seed: None,
                },
                crate::ensemble::Shard::WHOLE,
            )
        };
        assert!(size_warnings(&scenario, &plan(1_000_000), true, true).is_empty());
        let w = size_warnings(&scenario, &plan(1_000_000_000), true, false);
        assert_eq!(w.len(), 1);
        assert!(
            w[0].contains("trials.csv will be about") && w[0].contains(" GB "),
            "{w:?}"
        );
        assert_eq!(
            size_warnings(&scenario, &plan(1_000_000_000), true, true).len(),
            2
        );
    }

    #[test]
    fn a_ragged_row_is_an_error() {
        let mut sink = ArrowRows::new("trial,x\n", &[], Vec::new());
        sink.write_all(b"0,1\n1\n").expect("buffered");
        assert!(sink.finish().is_err());
    }
}
