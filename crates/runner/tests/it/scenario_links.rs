//! `[context]` and expressions through the binary (issue #23 item 3): `trials.csv` holds
//! each context quantity as `context.NAME` and each expression's value under its own
//! path, checked against the formula on every row; `--set context.NAME=…` fixes it.

use super::common::{ok, write};

const LINKED: &str = r#"[scenario]
name = "linked"

[run]
trials = 3000
seed = 11
models = ["agents", "nash"]

[context]
fx = { normal = [1150, 25] }
troops = { choice = [28500, 24000] }

[protocol]
max_rounds = 12
first_mover = "us"

[parties.us]
side = "payee"
opening = "1.6 * fx / 1000"
reservation = "1.2 * fx / 1000 * troops / 28500"
strategy = { kind = "time-based", preset = "linear" }

[parties.kr]
side = "payer"
opening = 0.9
reservation = { uniform = [1.2, 1.5] }
strategy = { kind = "time-based", preset = "conceder" }
"#;

/// The header and rows of `dir/trials.csv`.
pub(crate) fn trials(dir: &std::path::Path) -> (Vec<String>, Vec<Vec<String>>) {
    let csv = std::fs::read_to_string(dir.join("trials.csv")).expect("trials.csv");
    let mut lines = csv.lines();
    let header = lines
        .next()
        .expect("header")
        .split(',')
        .map(str::to_owned)
        .collect();
    let rows = lines
        .map(|l| l.split(',').map(str::to_owned).collect())
        .collect();
    (header, rows)
}

pub(crate) fn cell(header: &[String], row: &[String], name: &str) -> f64 {
    let j = header.iter().position(|h| h == name).expect(name);
    row[j].parse().expect("number")
}

pub(crate) fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * b.abs().max(1.0)
}

#[test]
fn trials_csv_holds_context_quantities_and_each_expression_matches_its_formula() {
    let tmp = tempfile::tempdir().expect("tmp");
    let file = write(tmp.path(), "linked.toml", LINKED);
    let out = tmp.path().join("out");
    let p = |x: &std::path::Path| x.to_str().expect("utf-8").to_owned();
    ok(&[
        "run",
        &p(&file),
        "--quiet",
        "--trials-csv",
        "--out",
        &p(&out),
    ]);
    let (header, rows) = trials(&out);
    assert_eq!(rows.len(), 3000);
    for name in ["context.fx", "context.troops", "parties.us.opening"] {
        assert!(header.iter().any(|h| h == name), "{name} in {header:?}");
    }
    let mut troops_seen = [0u32; 2];
    for row in &rows {
        let fx = cell(&header, row, "context.fx");
        let troops = cell(&header, row, "context.troops");
        assert!(
            close(cell(&header, row, "parties.us.opening"), 1.6 * fx / 1000.0),
            "{row:?}"
        );
        assert!(
            close(
                cell(&header, row, "parties.us.reservation"),
                1.2 * fx / 1000.0 * troops / 28500.0
            ),
            "{row:?}"
        );
        troops_seen[usize::from(troops == 24000.0)] += 1;
    }
    assert!(troops_seen.iter().all(|&n| n > 1000), "{troops_seen:?}");

    // `--set context.fx=1200`: fx is a constant, its column goes and the expressions follow.
    let fixed = tmp.path().join("fixed");
    ok(&[
        "run",
        &p(&file),
        "--quiet",
        "--trials-csv",
        "--set",
        "context.fx=1200",
        "--out",
        &p(&fixed),
    ]);
    let (header, rows) = trials(&fixed);
    assert!(!header.iter().any(|h| h == "context.fx"), "{header:?}");
    for row in &rows {
        assert!(close(cell(&header, row, "parties.us.opening"), 1.92));
    }
}
