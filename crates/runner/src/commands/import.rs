//! `bargain import genius DOMAIN.xml PROFILE_A.xml PROFILE_B.xml [--out FILE] [--rounds N]`:
//! a GENIUS domain and two profiles become a package scenario (the conversion is
//! `bargain_scenario::genius`; this module only handles the command line and the file).

use std::path::PathBuf;

use crate::commands::Error;
use crate::output::{OutputError, write_new_file};
use crate::scenario::genius;

/// `bargain import genius`: the files to convert and where the scenario goes.
#[derive(Debug, Clone)]
pub struct GeniusImport {
    /// The domain file (`<utility_space>` with `<issue type="discrete">`).
    pub domain: PathBuf,
    /// The profile of party `a` (moves first).
    pub profile_a: PathBuf,
    /// The profile of party `b`.
    pub profile_b: PathBuf,
    /// Write the scenario to this new file (never replaced) instead of stdout.
    pub out: Option<PathBuf>,
    /// `protocol.max_rounds` of the scenario.
    pub rounds: u32,
}

/// Run `bargain import …`: notes go to stderr, the scenario to `--out` (atomically,
/// refusing an existing file) or stdout. Bad XML is a scenario error (exit code 2).
///
/// # Errors
/// Located XML errors, an existing `--out`, I/O errors.
pub fn genius(cmd: GeniusImport) -> Result<(), Error> {
    let GeniusImport {
        domain,
        profile_a,
        profile_b,
        out,
        rounds,
    } = cmd;
    let imported = genius::import(&domain, &profile_a, &profile_b, rounds)?;
    for note in &imported.notes {
        eprintln!("note: {}", crate::input::printable(note));
    }
    let Some(path) = out else {
        print!("{}", imported.toml);
        return Ok(());
    };
    let exists = || {
        Error::Usage(format!(
            "--out {}: the file exists; it is never replaced (name a new file)",
            path.display()
        ))
    };
    if path.exists() {
        return Err(exists());
    }
    match write_new_file(&path, imported.toml.as_bytes()) {
        Err(OutputError::Io { source, .. })
            if source.kind() == std::io::ErrorKind::AlreadyExists =>
        {
            Err(exists())
        }
        Err(e) => Err(e.into()),
        Ok(()) => {
            eprintln!("wrote {}", path.display());
            Ok(())
        }
    }
}
