//! The field tables of `docs/scenarios.md` are generated from the scenario's one field
//! table (`crates/scenario/src/fields.rs`): each sits between `<!-- fields:NAME -->` and
//! `<!-- /fields:NAME -->` and must equal the generator's output.
//! `BARGAIN_BLESS=1 cargo test -p bargain-scenario --test it field_table` rewrites them.

use std::path::PathBuf;

fn docs_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/scenarios.md")
}

/// `text` with every generated block replaced by the generator's output.
fn regenerated(text: &str) -> Result<String, String> {
    let mut out = text.to_owned();
    for (name, md) in bargain_scenario::field_docs_blocks() {
        let open = format!("<!-- fields:{name} -->\n");
        let close = format!("<!-- /fields:{name} -->");
        if out.matches(&open).count() != 1 || out.matches(&close).count() != 1 {
            return Err(format!(
                "docs/scenarios.md must hold `{}` and `{close}` once each",
                open.trim_end()
            ));
        }
        let start = out.find(&open).map(|i| i + open.len()).unwrap_or_default();
        let end = out[start..]
            .find(&close)
            .map(|i| i + start)
            .ok_or_else(|| format!("`{close}` must follow `{}`", open.trim_end()))?;
        // Blank lines around the table, so that no renderer reads a marker as a row.
        out.replace_range(start..end, &format!("\n{md}\n"));
    }
    Ok(out)
}

#[test]
fn the_docs_field_tables_are_the_generated_ones() {
    let path = docs_path();
    let text = std::fs::read_to_string(&path).expect("docs/scenarios.md is readable");
    let want = regenerated(&text).unwrap_or_else(|e| panic!("{e}"));
    if std::env::var_os("BARGAIN_BLESS").is_some() {
        std::fs::write(&path, &want).expect("docs/scenarios.md is writable");
        return;
    }
    assert!(
        text == want,
        "docs/scenarios.md's field tables differ from crates/scenario/src/fields.rs; \
         regenerate with BARGAIN_BLESS=1 cargo test -p bargain-scenario --test it field_table"
    );
}

#[test]
fn every_block_is_a_table_with_a_row_per_field() {
    let blocks = bargain_scenario::field_docs_blocks();
    let names: Vec<&str> = blocks.iter().map(|(n, _)| *n).collect();
    assert_eq!(
        names,
        ["protocol", "calendar", "party", "strategy", "package"]
    );
    for (name, md) in &blocks {
        let rows: Vec<&str> = md.lines().collect();
        assert!(
            rows.len() > 2,
            "{name}: a header, a rule and at least one row"
        );
        let columns = rows[0].matches('|').count();
        for row in &rows {
            assert!(
                row.starts_with("| ") || row.starts_with("|-"),
                "{name}: {row}"
            );
            // Every row has as many cells as the header (no `|` inside a cell).
            assert_eq!(row.matches('|').count(), columns, "{name}: {row}");
        }
    }
    let all: String = blocks.iter().map(|(_, md)| md.as_str()).collect();
    for key in [
        "`max_rounds`",
        "`round_months`",
        "`opening`",
        "`lapse_cost`",
        "`kappa`",
        "`parties.KEY.discount`",
        "`parties.KEY.utility.weights.ISSUE`",
        "`parties.KEY.utility.reservation`",
    ] {
        assert!(all.contains(key), "{key} is documented");
    }
}

#[test]
fn the_field_keys_are_listed_per_table_in_table_order() {
    assert_eq!(
        bargain_scenario::field_keys("protocol"),
        ["max_rounds", "breakdown_risk"]
    );
    assert_eq!(bargain_scenario::field_keys("calendar"), ["round_months"]);
    let party = bargain_scenario::field_keys("party");
    assert_eq!(party.first(), Some(&"opening"));
    assert!(party.contains(&"lapse_cost") && party.contains(&"end_game"));
    let strategy = bargain_scenario::field_keys("strategy");
    assert_eq!(strategy.first(), Some(&"preset"));
    assert!(strategy.contains(&"kappa") && strategy.contains(&"family"));
    assert!(bargain_scenario::field_keys("observed").is_empty());
}
