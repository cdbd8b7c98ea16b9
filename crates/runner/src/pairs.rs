//! Outcomes of the `agents` model by negotiator-type pair (payee's strategy × payer's),
//! over a bounded prefix of the run's trials, replayed exactly as the ensemble ran them.

use bargain_core::{Model, OutcomeKind};

use crate::ensemble::{self, Plan};
use crate::scenario::Scenario;

/// Most trials replayed for the table (bounds the report's cost).
pub const PAIR_TRIALS: u64 = 20_000;

/// One strategy pair's outcomes.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PairRow {
    /// The payee's strategy in words (`time-based boulware`).
    pub payee: String,
    /// The payer's strategy in words.
    pub payer: String,
    /// Trials with this pair.
    pub trials: u64,
    /// Counts per outcome kind, in [`OutcomeKind::ALL`] order.
    pub outcomes: [u64; 5],
}

impl PairRow {
    /// Share of this pair's trials that ended in a deal.
    #[must_use]
    pub fn agreement_rate(&self) -> f64 {
        self.outcomes[OutcomeKind::Deal.index()] as f64 / self.trials.max(1) as f64
    }
}

/// The table: rows sorted by trials (most first), then by names.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PairTable {
    /// Trials `0..sampled` of the run were replayed.
    pub sampled: u64,
    /// One row per pair that occurred.
    pub rows: Vec<PairRow>,
}

/// The table for the `agents` model over trials `0..min(plan.trials, max_trials)`, or
/// `None` when the run has no agents or the pair never varies (one row).
#[must_use]
pub fn by_strategy_pair(scenario: &Scenario, plan: &Plan, max_trials: u64) -> Option<PairTable> {
    if !plan.models.contains(&Model::Agents) {
        return None;
    }
    let sampled = plan.trials.min(max_trials);
    let mut rows: Vec<PairRow> = Vec::new();
    for t in 0..sampled {
        let r = ensemble::replay(scenario, plan, t, Model::Agents);
        let payee = crate::why::strategy_name(&r.negotiation.payee.strategy);
        let payer = crate::why::strategy_name(&r.negotiation.payer.strategy);
        let k = r.outcome.kind.index();
        match rows
            .iter_mut()
            .find(|row| row.payee == payee && row.payer == payer)
        {
            Some(row) => {
                row.trials += 1;
                row.outcomes[k] += 1;
            }
            None => {
                let mut outcomes = [0; 5];
                outcomes[k] = 1;
                rows.push(PairRow {
                    payee,
                    payer,
                    trials: 1,
                    outcomes,
                });
            }
        }
    }
    if rows.len() < 2 {
        return None;
    }
    rows.sort_by(|a, b| {
        b.trials
            .cmp(&a.trials)
            .then_with(|| a.payee.cmp(&b.payee))
            .then_with(|| a.payer.cmp(&b.payer))
    });
    Some(PairTable { sampled, rows })
}
