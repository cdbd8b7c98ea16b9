//! `bargain schema`: the JSON Schema of scenario files.

use super::Error;
use crate::scenario::Scenario;
use crate::scenario::issues::PackageScenario;

/// Print the JSON Schema of one-issue scenario files, or of package scenario files when
/// `package` is set.
///
/// # Errors
/// Failing to serialize the schema.
pub fn run(package: bool) -> Result<(), Error> {
    let schema = if package {
        PackageScenario::json_schema()
    } else {
        Scenario::json_schema()
    };
    let text = serde_json::to_string_pretty(&schema).map_err(|e| Error::Other(e.to_string()))?;
    println!("{text}");
    Ok(())
}
