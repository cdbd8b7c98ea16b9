//! `bargain schema`: the JSON Schema of scenario files.

use super::Error;
use crate::scenario::Scenario;

/// Print the JSON Schema of scenario files.
///
/// # Errors
/// Failing to serialize the schema.
pub fn run() -> Result<(), Error> {
    let schema = Scenario::json_schema();
    let text = serde_json::to_string_pretty(&schema).map_err(|e| Error::Other(e.to_string()))?;
    println!("{text}");
    Ok(())
}
