//! Reports: plots (SVG and PNG), the self-contained HTML page, and the index of a
//! multi-scenario run. Reporting only reads summaries and traces; it computes no
//! statistics of its own.

use bargain_core::Model;

use crate::summary::{ModelSummary, Summary};

mod amounts;
mod analysis_html;
mod backtest_html;
mod calibrate_html;
mod calibration_plot;
mod compare_html;
mod compare_plot;
mod dance;
mod figure;
mod folder;
mod forecast_plot;
pub mod glossary;
mod html;
mod index;
/// Monte Carlo standard errors (computed in `analysis`, formatted for tables and pages).
pub use crate::analysis::mc_error;
mod package_html;
mod package_plots;
mod package_sweep_grid;
mod package_sweep_plot;
mod package_timing;
mod pairs_html;
mod plots;
mod ridgeline;
mod rounds;
mod style;
mod sweep_plot;
mod timing_plot;
mod tornado_plot;

pub use crate::assumptions::{Assumption, assumptions};
pub use crate::pipeline::HistogramScale;
/// What a scenario report shows, computed by the engine (`pipeline::report_data`).
pub use crate::pipeline::{DanceTrial, ReportData};
pub use analysis_html::{write_sensitivity, write_sweep};
pub use backtest_html::backtest_html;
pub use calibrate_html::calibrate_html;
pub use calibration_plot::{calibration_svg, write_calibration_plot};
pub use compare_html::compare_html;
pub use compare_plot::{compare_svg, write_compare_plot};
pub use folder::{write_report, write_report_files};
pub use forecast_plot::{forecast_svg, write_forecast_plot};
pub use html::write_html;
pub use index::{INDEX_FORMAT, INDEX_VERSION, write_index};
pub use package_html::write_package_html;
pub use package_plots::{
    DanceTrace, HeatMap, IssueAxis, PackageDance, PackageReport, UtilityView, write_package_plots,
};
pub use plots::write_plots;

/// Size of every scenario plot in design pixels: the SVG size, and the PNG size divided
/// by [`PNG_SCALE`]. Text is at least 14 px at this size.
pub const FIGURE_SIZE: (u32, u32) = (1000, 600);

/// The PNGs are rendered this many times larger than [`FIGURE_SIZE`], for sharp slides.
pub const PNG_SCALE: u32 = 2;

/// The models of a summary in report order ([`Model::ALL`], then unknown names).
pub(crate) fn ordered_models(summary: &Summary) -> Vec<(&str, &ModelSummary)> {
    let mut models: Vec<(&str, &ModelSummary)> = summary
        .models
        .iter()
        .map(|(k, v)| (k.as_str(), v))
        .collect();
    models.sort_by_key(|(name, _)| {
        Model::from_name(name)
            .and_then(|m| Model::ALL.iter().position(|&x| x == m))
            .unwrap_or(Model::ALL.len())
    });
    models
}

/// One scenario's row group in the index report of a multi-scenario run.
#[derive(Debug, Clone)]
pub struct IndexEntry<'a> {
    /// The scenario's summary.
    pub summary: &'a Summary,
    /// Its report folder, relative to the index folder (for links).
    pub link: String,
}
