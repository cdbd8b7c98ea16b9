//! Reports: plots (SVG and PNG), the self-contained HTML page, and the index of a
//! multi-scenario run. Reporting only reads summaries and traces; it computes no
//! statistics of its own.

use bargain_core::{Model, Outcome, TracedOffer};

use crate::summary::Summary;

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
    /// The zone of agreement `[payee reservation, payer reservation]` at the central values.
    pub zone: (f64, f64),
    /// A few sample trials of the `agents` model, offer by offer (the negotiation dance).
    pub dance: Vec<DanceTrial>,
    /// Semantic warnings about the scenario.
    pub warnings: Vec<String>,
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
