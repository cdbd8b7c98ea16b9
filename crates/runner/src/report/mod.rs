//! Reports: plots (SVG and PNG), the self-contained HTML page, and the index of a
//! multi-scenario run. Reporting only reads summaries and traces; it computes no
//! statistics of its own.

use bargain_core::{Model, Outcome, TracedOffer};

use crate::summary::{ModelSummary, Summary};

mod amounts;
mod analysis_html;
mod assumptions;
mod calibration_plot;
mod compare_plot;
mod dance;
mod figure;
mod html;
mod index;
pub mod mc_error;
mod pairs_html;
mod plots;
mod ridgeline;
mod rounds;
mod style;
mod sweep_plot;
mod timing_plot;
mod tornado_plot;

pub use analysis_html::{write_sensitivity, write_sweep};
pub use assumptions::{Assumption, assumptions};
pub use calibration_plot::{calibration_svg, write_calibration_plot};
pub use compare_plot::{compare_svg, write_compare_plot};
pub use html::write_html;
pub(crate) use html::{escape, head, inline_svg, model_cell};
pub use index::{INDEX_FORMAT, INDEX_VERSION, write_index};
pub use plots::write_plots;
pub use tornado_plot::order as tornado_order;

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

/// Everything a scenario report shows.
#[derive(Debug, Clone)]
pub struct ReportData<'a> {
    /// The run's summary (the same content as `summary.json`).
    pub summary: &'a Summary,
    /// Longer description of the scenario.
    pub description: &'a str,
    /// Sources cited by the scenario.
    pub sources: &'a [String],
    /// The observed real outcome, if the scenario has one: (amount, round).
    pub observed: Option<(f64, Option<u32>)>,
    /// Each closed-form model's prediction at the scenario's central values
    /// (`None`: no agreement under that model).
    pub closed_forms: Vec<(Model, Option<f64>)>,
    /// The zone of agreement `[payee's floor, payer's ceiling]` at the central values,
    /// after outside options and ratification limits (`why::zone`).
    pub zone: (f64, f64),
    /// A few sample trials of the `agents` model, offer by offer (the negotiation dance).
    pub dance: Vec<DanceTrial>,
    /// Semantic warnings about the scenario.
    pub warnings: Vec<String>,
    /// The agents' outcomes by negotiator-type pair (when the pair varies).
    pub pairs: Option<crate::pairs::PairTable>,
    /// How the amounts histogram is scaled.
    pub histogram_scale: HistogramScale,
    /// The scenario's inputs in words (see [`assumptions()`]); empty: no table.
    pub assumptions: Vec<Assumption>,
}

/// How the bars of the amounts histogram are scaled.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum HistogramScale {
    /// Each bar is a share of all the model's trials: a model with few deals draws a
    /// small histogram beside a model with many (the default: heights compare across
    /// models).
    #[default]
    AllTrials,
    /// Each model's bars sum to 100% of its own deals: shapes compare, rates do not.
    OwnDeals,
}

/// One sampled negotiation, offer by offer.
#[derive(Debug, Clone)]
pub struct DanceTrial {
    /// The trial index.
    pub trial: u64,
    /// Every offer made.
    pub offers: Vec<TracedOffer>,
    /// How it ended.
    pub outcome: Outcome,
    /// The payee's sampled reservation.
    pub payee_reservation: f64,
    /// The payer's sampled reservation.
    pub payer_reservation: f64,
}

/// One scenario's row group in the index report of a multi-scenario run.
#[derive(Debug, Clone)]
pub struct IndexEntry<'a> {
    /// The scenario's summary.
    pub summary: &'a Summary,
    /// Its report folder, relative to the index folder (for links).
    pub link: String,
}
