//! A run's report folder: `summary.json`, `summary.csv`, `run.json`, `scenario.toml`,
//! `partial.json` for a shard, the plots and the page, written into a staging folder and
//! committed atomically (`crate::output`).

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use crate::output::Staging;
use crate::pipeline::{
    Finished, HistogramScale, Loaded, PARTIAL_FORMAT, PARTIAL_VERSION, Partial, report_data,
    to_json,
};

/// Write every file of a report folder into `dir` (a staging folder); the amounts
/// histogram is scaled as `scale` says.
///
/// # Errors
/// Any I/O error.
pub fn write_report_files(
    dir: &Path,
    loaded: &Loaded,
    finished: &Finished,
    scale: HistogramScale,
) -> std::io::Result<()> {
    std::fs::write(dir.join("summary.json"), to_json(&finished.summary)?)?;
    std::fs::write(
        dir.join("summary.csv"),
        crate::csv_out::summary_csv(&finished.summary),
    )?;
    std::fs::write(dir.join("run.json"), to_json(&finished.info)?)?;
    std::fs::write(dir.join("scenario.toml"), &loaded.text)?;
    if finished.plan.shard.count > 1 {
        let partial = Partial {
            format: PARTIAL_FORMAT.into(),
            version: PARTIAL_VERSION,
            trials: finished.plan.trials,
            seed: finished.plan.seed,
            shard: [finished.plan.shard.index, finished.plan.shard.count],
            accumulated: finished.accumulated.clone(),
        };
        std::fs::write(dir.join("partial.json"), to_json(&partial)?)?;
    }
    let mut data = report_data(loaded, finished);
    data.histogram_scale = scale;
    super::write_plots(dir, &data)?;
    super::write_html(dir, &data)?;
    Ok(())
}

/// Write a finished run into `staging` and move it into place atomically. Files already
/// in the staging folder (such as a streamed `trials.csv`) become part of the report.
///
/// # Errors
/// Any I/O error, with its path; nothing changes at `dest` on failure or when `cancel` is
/// set before the commit (an earlier report stays).
pub fn write_report(
    staging: Staging,
    loaded: &Loaded,
    finished: &Finished,
    cancel: Option<&AtomicBool>,
) -> Result<PathBuf, crate::output::OutputError> {
    write_report_files(staging.path(), loaded, finished, HistogramScale::default()).map_err(
        |source| crate::output::OutputError::Io {
            path: staging.dest().to_path_buf(),
            source,
        },
    )?;
    staging.commit(cancel)
}
