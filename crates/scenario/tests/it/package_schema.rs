//! `PackageScenario::json_schema` (`bargain schema --package`) describes the package
//! format: every key a shipped package scenario uses is a property of the schema, the
//! issue kinds are listed, and only the required keys are required.

use std::path::Path;

use bargain_scenario::issues::PackageScenario;
use serde_json::Value;

fn schema() -> Value {
    PackageScenario::json_schema()
}

/// The definition a `$ref` (or an `anyOf` with one `$ref` and a null, as schemars writes
/// `Option<T>`) points to.
fn resolve<'a>(schema: &'a Value, s: &'a Value) -> &'a Value {
    let r = s["$ref"].as_str().or_else(|| {
        s["anyOf"]
            .as_array()
            .and_then(|a| a.iter().find_map(|x| x["$ref"].as_str()))
    });
    match r.and_then(|r| r.strip_prefix("#/$defs/")) {
        Some(name) => &schema["$defs"][name],
        None => s,
    }
}

fn keys(v: &toml::Value) -> Vec<String> {
    v.as_table()
        .map(|t| t.keys().cloned().collect())
        .unwrap_or_default()
}

#[test]
fn every_key_of_the_shipped_package_scenario_is_in_the_schema() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/sma-2019-package.toml");
    let text = std::fs::read_to_string(path).expect("read the package scenario");
    let file: toml::Value = toml::from_str(&text).expect("TOML");
    let schema = schema();
    let root = &schema["properties"];
    for key in keys(&file) {
        assert!(root.get(&key).is_some(), "root key `{key}` missing");
    }
    let def = |name: &str| resolve(&schema, &root[name]);
    for key in keys(&file["protocol"]) {
        assert!(
            def("protocol")["properties"].get(&key).is_some(),
            "protocol.{key}"
        );
    }
    let issue = resolve(&schema, &def("issues")["additionalProperties"]);
    for (name, i) in file["issues"].as_table().expect("issues") {
        for key in keys(i) {
            assert!(
                issue["properties"].get(&key).is_some(),
                "issues.{name}.{key}"
            );
        }
    }
    let party = resolve(&schema, &def("parties")["additionalProperties"]);
    let utility = resolve(&schema, &party["properties"]["utility"]);
    let issue_keys = keys(&file["issues"]);
    for (name, p) in file["parties"].as_table().expect("parties") {
        for key in keys(p) {
            assert!(
                party["properties"].get(&key).is_some(),
                "parties.{name}.{key}"
            );
        }
        for key in keys(&p["utility"]) {
            // Issue keys are the flattened value functions (any other key is allowed).
            let known = utility["properties"].get(&key).is_some()
                || (issue_keys.contains(&key) && utility["additionalProperties"].is_object());
            assert!(known, "parties.{name}.utility.{key}");
        }
    }
}

#[test]
fn the_schema_lists_the_issue_kinds_and_the_required_keys() {
    let schema = schema();
    let kinds: Vec<&str> = schema["$defs"]["IssueKindKey"]["oneOf"]
        .as_array()
        .expect("IssueKindKey")
        .iter()
        .filter_map(|v| v["const"].as_str().or_else(|| v["enum"][0].as_str()))
        .collect();
    assert_eq!(kinds, ["number", "integer", "choice"]);
    let required: Vec<&str> = schema["required"]
        .as_array()
        .expect("required")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(required, ["scenario", "protocol", "issues", "parties"]);
    let text = schema.to_string();
    for word in ["increasing", "decreasing", "points", "table", "max-welfare"] {
        assert!(text.contains(word), "{word}");
    }
}

#[test]
fn the_package_schema_lists_the_package_models() {
    let schema = schema();
    let listed: Vec<&str> = schema["$defs"]["ModelName"]["enum"]
        .as_array()
        .expect("ModelName")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let all: Vec<&str> = bargain_scenario::issues::PackageModel::ALL
        .iter()
        .map(|m| m.as_str())
        .collect();
    assert_eq!(listed, all);
}
