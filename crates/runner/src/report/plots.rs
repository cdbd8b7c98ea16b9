//! The scenario plots: `amounts`, `rounds` and `dance`, each as SVG and PNG.

use std::io;
use std::path::Path;

use super::ReportData;
use super::amounts::Amounts;
use super::dance::Dance;
use super::figure::{svg_string, write_figure};
use super::rounds::Rounds;

/// Write the plots of one scenario into `dir` (which must exist):
///
/// - `amounts.svg`/`.png`: the distribution of agreed amounts per model (scaled by
///   [`super::HistogramScale`]: shares of all trials, or of each model's own deals), the
///   observed amount, each closed-form
///   model's point at central values and the zone of agreement;
/// - `rounds.svg`/`.png`: deals per round per model, and the share of each outcome kind;
/// - `dance.svg`/`.png`: the offers of the sample trials of the `agents` model.
///
/// PNGs are [`super::PNG_SCALE`] times the SVG size ([`super::FIGURE_SIZE`]).
///
/// # Errors
///
/// Any I/O or rendering error.
pub fn write_plots(dir: &Path, data: &ReportData<'_>) -> io::Result<()> {
    write_figure(dir, "amounts", &Amounts { data })?;
    write_figure(dir, "rounds", &Rounds { data })?;
    write_figure(dir, "dance", &Dance { data })?;
    if let Some(timing) = super::timing_plot::Timing::of_run(data) {
        write_figure(dir, "timing", &timing)?;
    }
    Ok(())
}

/// The three plots as SVG documents, for inlining: `(amounts, rounds, dance)`.
pub(crate) fn svgs(data: &ReportData<'_>) -> io::Result<[String; 3]> {
    Ok([
        svg_string(&Amounts { data })?,
        svg_string(&Rounds { data })?,
        svg_string(&Dance { data })?,
    ])
}
