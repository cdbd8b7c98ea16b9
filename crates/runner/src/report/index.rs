//! index
use std::path::Path;
/// x
pub fn write_index(_dir: &Path, _e: &[super::IndexEntry<'_>]) -> std::io::Result<()> {
    Ok(())
}
