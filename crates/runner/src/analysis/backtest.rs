//! `bargain backtest PATHS`: run every scenario that has an `[observed]` outcome and
//! measure how well each model's distribution of agreed amounts anticipated it.
//!
//! Per scenario and model: the observed amount's percentile in the model's deals (the
//! probability integral transform, PIT), whether it lies in the central 50% and 90%
//! intervals, the continuous ranked probability score (CRPS) and the Brier score of the
//! agreement probability. Across scenarios: the share of observed outcomes inside the
//! 50% and 90% intervals, mean scores, and the PIT values for the calibration plot.
//! See [`METHODS`] for the approximations; the terminal tables are in
//! [`super::backtest_table`].

use std::collections::BTreeMap;

use bargain_core::Model;
use bargain_core::package::space::{Issue, IssueKind};
use serde::{Deserialize, Serialize};

use crate::accumulate::counted::Counted;
pub use crate::analysis::backtest_table::table;
pub(crate) use crate::analysis::backtest_table::{months, num, pct, pct1};
use crate::analysis::forecast::{self, SampleScore};
pub use crate::analysis::forecast::{PointScore, Skill};
use crate::scenario::CalendarDates;
use crate::scenario::issues::ObservedValue;
use crate::summary::ModelSummary;

/// Format name of `backtest.json`.
pub const FORMAT: &str = "bargain-backtest";
/// Version of the `backtest.json` format. 2: exact sample scores (`crps`, `pit`, `ape`,
/// `log_score`, `in_80`), `baselines` per scenario and `skill` across scenarios. 3: the
/// lapse (issue #25): per model `timing.mean_lapse_months` and
/// `timing.observed_lapse_months`, and across scenarios `timing.lapse` and
/// `timing.lapse_spearman`.
pub const VERSION: u32 = 3;

/// How each score is computed, written into `backtest.json` and the HTML page.
pub const METHODS: [(&str, &str); 10] = [
    (
        "percentile",
        "The probability integral transform (PIT) of the observed amount in the model's deals: \
         the share of deals below it plus half the share equal to it, from every deal of the \
         run (the trials replayed through the same kernel). Trials without a deal are left \
         out: the PIT is of the distribution of agreed amounts given a deal. `pit` is the \
         same value.",
    ),
    (
        "intervals",
        "in_50 / in_80 / in_90: the observed amount lies in [p25, p75] / [p10, p90] / \
         [p05, p95] of the model's deals, quantile p being the deal at sorted position \
         round(p·(deals − 1)). A calibrated model has about 50%, 80% and 90% of observed \
         outcomes inside them.",
    ),
    (
        "crps",
        "Continuous ranked probability score of the model's deals, exactly from the sample: \
         E|X − y| − ½ E|X − X′| (Gneiting & Raftery 2007, eq. 20), computed in O(n log n) \
         over the sorted deals; in the unit of amounts, lower is better, and for a point \
         forecast it is the absolute error. No-deal mass is not in the distribution: every \
         observed negotiation ended in a deal, and the chance the model gave to that is \
         scored separately by `brier`.",
    ),
    (
        "ape",
        "Absolute error of the median deal as a fraction of the observed amount \
         (|median − observed| / observed).",
    ),
    (
        "log_score",
        "Natural log of a Gaussian kernel density of the deals at the observed amount; \
         bandwidth by Silverman's rule 0.9·min(sd, IQR/1.34)·n^(−1/5) (at least 0.1% of \
         the median), density floored at 1e-9 per unit of amounts. Higher is better.",
    ),
    (
        "brier",
        "Brier score of the model's agreement probability against the observed deal: \
         (1 − agreement rate)². 0 when the model always agrees.",
    ),
    (
        "lapse",
        "With a calendar and an observed date, per model: timing.mean_lapse_months, the \
         predicted mean lapse, is the mean over the model's deals of each deal's months of \
         lapse (days from the expiry to the deal ÷ 30.436875, the mean Gregorian month; 0 \
         for a deal on or before the expiry), computed exactly from the run's integer count \
         of deals by day (Σ lapse days × deals, divided once by the deals); null without \
         deals. timing.observed_lapse_months is the same for the observed date. Across \
         scenarios, timing.lapse lists (predicted, observed) per case where the model had \
         deals, and timing.lapse_spearman is Spearman's rank correlation between them: \
         Pearson's correlation of the ranks, ties given their average rank; null with fewer \
         than 3 cases or when either side does not vary. With a handful of cases it is no \
         evidence either way.",
    ),
    (
        "baselines",
        "Naive forecasts from the scenario's [baseline] (amounts in force by year): \
         `previous`, the last amount in force; `trend`, the last amount times the endpoint \
         compound annual growth over the latest five amounts (or as many as given), raised \
         to the power (forecast year − last year). Each is a point forecast: its CRPS is its \
         absolute error. Timing: `climatology`, Laplace's rule (deals before expiry + 1) / \
         (cases + 2) over the cases of the same backtest whose calendar expiry precedes this \
         case's start, with its Brier score against what happened.",
    ),
    (
        "skill",
        "skill[model][baseline] = 1 − mean score of the model / mean score of the baseline \
         over the cases both were scored on (CRPS for `previous` and `trend`, the Brier score \
         of a deal before the expiry for `climatology`); positive means the model beats the \
         baseline. The interval is a paired bootstrap over cases (2000 resamples, fixed \
         seed, 2.5% and 97.5% percentiles); with few cases it is rough, as its note says.",
    ),
    (
        "across",
        "Across scenarios each model's shares inside the intervals, mean CRPS and mean Brier \
         score are plain averages over the scenarios where the model had deals (mean CRPS \
         mixes scales if the scenarios' units differ). With few scenarios the shares are \
         coarse: read them with their count.",
    ),
];

/// `backtest.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Backtest {
    /// Always [`FORMAT`].
    pub format: String,
    /// [`VERSION`].
    pub version: u32,
    /// The `--trials` override, if any.
    pub trials_override: Option<u64>,
    /// The `--seed` override, if any.
    pub seed_override: Option<u64>,
    /// How each score is computed.
    pub methods: BTreeMap<String, String>,
    /// Every scenario with an observed outcome, in file order.
    pub scenarios: Vec<ScenarioScore>,
    /// Scenario files without `[observed]`.
    pub skipped: Vec<String>,
    /// Per model, across scenarios.
    pub models: BTreeMap<String, Calibration>,
    /// Per model and baseline (`previous`, `trend`, `climatology`): the model's skill
    /// against the baseline across scenarios (empty when no scenario has baselines).
    #[serde(default)]
    pub skill: BTreeMap<String, BTreeMap<String, Skill>>,
    /// Package scenarios (`[issues]`) with an `[observed]` agreement, in file order:
    /// per model and issue the scores of [`PACKAGE_METHODS`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub packages: Vec<PackageScore>,
    /// How the package scores are computed (empty without package scenarios).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub package_methods: BTreeMap<String, String>,
}

/// How each package score is computed, written into `backtest.json` (`package_methods`).
pub const PACKAGE_METHODS: [(&str, &str); 3] = [
    (
        "probability",
        "choice and integer issues: the share of the model's deals whose value of the issue \
         is the observed one. Trials without a deal are left out (the probability is given a \
         deal); the deal rate is reported beside it.",
    ),
    (
        "log_score",
        "choice and integer issues: ln(max(probability, 1/(2·deals))), natural log. The floor \
         1/(2·deals) (half of one deal) keeps a value no deal took finite; higher (closer to \
         0) is better. null without deals.",
    ),
    (
        "percentile",
        "number issues: the PIT of the observed value, the share of deals below it plus half \
         the share equal to it; in_50 / in_90: it lies in [p25, p75] / [p05, p95] of the \
         deals, where quantile p is the value at sorted position round(p·(deals − 1)) (as \
         summary.json's statistics).",
    ),
];

/// One package scenario's scores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PackageScore {
    /// Scenario machine name.
    pub name: String,
    /// Title.
    pub title: String,
    /// The scenario file.
    pub file: String,
    /// The observed agreement: issue key → number or label.
    pub observed: BTreeMap<String, serde_json::Value>,
    /// Trials run.
    pub trials: u64,
    /// Seed.
    pub seed: u64,
    /// Per model.
    pub models: BTreeMap<String, PackageModelScore>,
}

/// One model's scores in one package scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PackageModelScore {
    /// Deals.
    pub deals: u64,
    /// Share of trials with a deal.
    pub deal_rate: f64,
    /// Per issue, in the scenario's issue order.
    pub issues: Vec<IssueScore>,
}

/// One issue's score: `probability` and `log_score` for `choice` and `integer` issues,
/// `percentile`, `in_50`, `in_90` for `number` issues (`null` without deals).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IssueScore {
    /// The issue key.
    pub issue: String,
    /// `number`, `integer` or `choice`.
    pub kind: String,
    /// Share of deals with the observed value (choice, integer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probability: Option<f64>,
    /// ln(max(probability, 1/(2·deals))) (choice, integer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_score: Option<f64>,
    /// PIT of the observed value (number).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percentile: Option<f64>,
    /// Inside [p25, p75] of the deals (number).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_50: Option<bool>,
    /// Inside [p05, p95] of the deals (number).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_90: Option<bool>,
}

/// Score one issue from the model's deals per value index (`counts`, ascending values of
/// `issue`) against the observed value; see [`PACKAGE_METHODS`]. A value that does not
/// belong to the issue (not expected after validation) gets probability 0.
#[must_use]
pub fn score_issue(issue: &Issue, counts: &[u64], observed: &ObservedValue) -> IssueScore {
    let n: u64 = counts.iter().sum();
    let mut sc = IssueScore {
        issue: issue.key.clone(),
        kind: match issue.kind {
            IssueKind::Number { .. } => "number",
            IssueKind::Integer { .. } => "integer",
            IssueKind::Choice { .. } => "choice",
        }
        .into(),
        probability: None,
        log_score: None,
        percentile: None,
        in_50: None,
        in_90: None,
    };
    if n == 0 {
        return sc;
    }
    let nf = n as f64;
    let hit = match (&issue.kind, observed) {
        (IssueKind::Number { .. }, ObservedValue::Number(x)) => {
            let value = |k: usize| issue.numeric(k).unwrap_or(f64::NAN);
            let Some(c) = Counted::new(counts, value) else {
                return sc;
            };
            sc.percentile = Some(c.percentile(*x));
            let q = |p: f64| c.quantile(p);
            sc.in_50 = Some(q(0.25) <= *x && *x <= q(0.75));
            sc.in_90 = Some(q(0.05) <= *x && *x <= q(0.95));
            return sc;
        }
        (IssueKind::Integer { lo, .. }, ObservedValue::Integer(v)) => {
            usize::try_from(v - lo).ok().and_then(|k| counts.get(k))
        }
        (IssueKind::Choice { labels }, ObservedValue::Label(l)) => labels
            .iter()
            .position(|x| x == l)
            .and_then(|k| counts.get(k)),
        _ => None,
    };
    let p = hit.copied().unwrap_or(0) as f64 / nf;
    sc.probability = Some(p);
    sc.log_score = Some(p.max(0.5 / nf).ln());
    sc
}

/// An observed value as JSON: a number, an integer or a label.
#[must_use]
pub fn observed_json(v: &ObservedValue) -> serde_json::Value {
    match v {
        ObservedValue::Number(x) => serde_json::json!(x),
        ObservedValue::Integer(x) => serde_json::json!(x),
        ObservedValue::Label(l) => serde_json::json!(l),
    }
}

/// One scenario's scores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScenarioScore {
    /// Scenario machine name (also its report folder in the backtest folder).
    pub name: String,
    /// Title.
    pub title: String,
    /// The scenario file.
    pub file: String,
    /// Unit of amounts.
    pub unit: String,
    /// Observed amount.
    pub observed: f64,
    /// Observed round, if recorded.
    pub observed_round: Option<u32>,
    /// Trials run.
    pub trials: u64,
    /// Seed.
    pub seed: u64,
    /// The day the forecast is made (`[scenario] as_of`), if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<String>,
    /// The calendar's first round and expiry (`YYYY-MM-DD`), if the scenario has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calendar: Option<[String; 2]>,
    /// The observed date of the deal, if recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_date: Option<String>,
    /// Naive forecasts scored against the same outcome.
    #[serde(default, skip_serializing_if = "Baselines::is_empty")]
    pub baselines: Baselines,
    /// Per model.
    pub models: BTreeMap<String, ModelScore>,
}

/// The naive forecasts of one scenario (see `METHODS["baselines"]`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Baselines {
    /// The last amount in force.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous: Option<PointScore>,
    /// The compound-growth extrapolation of the latest amounts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trend: Option<PointScore>,
    /// The base rate of deals before the expiry among earlier cases.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub climatology: Option<Climatology>,
}

impl Baselines {
    /// No baseline at all.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.previous.is_none() && self.trend.is_none() && self.climatology.is_none()
    }
}

/// Laplace's rule over the earlier cases of the backtest: P(deal before the expiry).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Climatology {
    /// `(deals before expiry + 1) / (cases + 2)`.
    pub p: f64,
    /// Earlier cases (their expiry precedes this case's start).
    pub cases: u64,
    /// Of those, deals struck on or before their expiry.
    pub deals_before_expiry: u64,
    /// Brier score of `p` against what happened in this case.
    pub brier: f64,
}

/// One model's scores in one scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelScore {
    /// Share of trials with a deal.
    pub agreement_rate: f64,
    /// Deals.
    pub deals: u64,
    /// Median agreed amount.
    pub median: Option<f64>,
    /// PIT: share of deals at or below the observed amount (`null` without deals).
    pub percentile: Option<f64>,
    /// Inside the central 50% interval.
    pub in_50: Option<bool>,
    /// Inside the central 90% interval.
    pub in_90: Option<bool>,
    /// CRPS of the observed amount under the distribution of deals.
    pub crps: Option<f64>,
    /// PIT of the observed amount (the same as `percentile`).
    #[serde(default)]
    pub pit: Option<f64>,
    /// Absolute error of the median as a fraction of the observed amount.
    #[serde(default)]
    pub ape: Option<f64>,
    /// Inside the central 80% interval.
    #[serde(default)]
    pub in_80: Option<bool>,
    /// Log score of the observed amount (kernel density).
    #[serde(default)]
    pub log_score: Option<f64>,
    /// Brier score of the agreement probability.
    pub brier: f64,
    /// With a calendar and an observed date: the timing scores.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub timing: Option<TimingScore>,
}

/// One model's timing scores in one scenario (a calendar and `[observed] date`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimingScore {
    /// The model's probability of a deal on or before the expiry.
    pub before_expiry: f64,
    /// Whether the observed deal came on or before the expiry.
    pub observed_before_expiry: bool,
    /// Brier score of `before_expiry` against what happened.
    pub brier_before_expiry: f64,
    /// PIT of the observed date: share of deals struck on or before it (`null` without deals).
    pub date_percentile: Option<f64>,
    /// The observed date inside `[p25, p75]` of the deal dates.
    pub date_in_50: Option<bool>,
    /// The observed date inside `[p05, p95]` of the deal dates.
    pub date_in_90: Option<bool>,
    /// The predicted mean lapse: the mean months of lapse over the model's deals, 0 for a
    /// deal on or before the expiry (`null` without deals; see `METHODS["lapse"]`).
    #[serde(default)]
    pub mean_lapse_months: Option<f64>,
    /// The observed lapse: months from the expiry to the observed date, 0 on or before it.
    #[serde(default)]
    pub observed_lapse_months: f64,
}

/// The timing scores of one model (a calendar and an observed date), if any: from its
/// summary and its accumulator's integer count of deals by day (`deal_days`, for the
/// exact mean lapse).
pub fn timing_score(
    m: &ModelSummary,
    deal_days: &[u64],
    observed_date: Option<i64>,
    dates: Option<&CalendarDates>,
) -> Option<TimingScore> {
    let t = m.timing.as_ref()?;
    let (date, dates) = (observed_date?, dates?);
    let expiry = dates.expiry;
    let hit = date <= expiry;
    let fit = t.observed.as_ref();
    Some(TimingScore {
        before_expiry: t.before_expiry,
        observed_before_expiry: hit,
        brier_before_expiry: (t.before_expiry - f64::from(u8::from(hit))).powi(2),
        date_percentile: fit.map(|f| f.percentile),
        date_in_50: fit.map(|f| f.in_50),
        date_in_90: fit.map(|f| f.in_90),
        mean_lapse_months: forecast::mean_lapse_months(deal_days, expiry - dates.start),
        observed_lapse_months: forecast::lapse_months_of_days(date - expiry),
    })
}

/// One model's calibration across scenarios.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Calibration {
    /// Scenarios where the model had deals (scored).
    pub scenarios: u64,
    /// Scenarios where the model had no deal at all.
    pub no_deals: u64,
    /// Observed outcomes inside the 50% interval.
    pub in_50: u64,
    /// Observed outcomes inside the 90% interval.
    pub in_90: u64,
    /// Share inside the 50% interval (`null` when nothing was scored).
    pub share_in_50: Option<f64>,
    /// Share inside the 90% interval.
    pub share_in_90: Option<f64>,
    /// Mean CRPS.
    pub mean_crps: Option<f64>,
    /// Mean Brier score (over all scenarios, with or without deals).
    pub mean_brier: Option<f64>,
    /// PIT values, sorted.
    pub pit: Vec<f64>,
    /// Timing across the scenarios with a calendar and an observed date.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub timing: Option<TimingCalibration>,
}

/// One model's timing calibration across scenarios.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimingCalibration {
    /// Scenarios with timing scores.
    pub scenarios: u64,
    /// Mean Brier score of `before_expiry`.
    pub mean_brier_before_expiry: f64,
    /// Observed dates inside the 50% interval of deal dates (of those with deals).
    pub date_in_50: u64,
    /// Observed dates inside the 90% interval.
    pub date_in_90: u64,
    /// Date PIT values, sorted.
    pub date_pit: Vec<f64>,
    /// Predicted against observed lapse, one entry per scenario where the model had deals
    /// (in backtest order).
    #[serde(default)]
    pub lapse: Vec<LapseCase>,
    /// Spearman's rank correlation between the predicted mean lapse and the observed lapse
    /// over `lapse` (ties averaged; `null` with fewer than 3 cases or when either side does
    /// not vary).
    #[serde(default)]
    pub lapse_spearman: Option<f64>,
}

/// One scenario's predicted mean lapse beside the observed lapse, in months.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LapseCase {
    /// Scenario machine name.
    pub scenario: String,
    /// The model's mean months of lapse over its deals (0 for a deal before the expiry).
    pub predicted: f64,
    /// Months from the expiry to the observed deal (0 on or before the expiry).
    pub observed: f64,
}

/// Score one model against the observed amount: from its sample of deals (`deals`, any
/// order; see [`forecast::score_sample`]) and its summary (agreement rate).
#[must_use]
pub fn score(m: &ModelSummary, deals: &mut [f64], observed: f64) -> ModelScore {
    let sc: Option<SampleScore> = forecast::score_sample(deals, observed);
    ModelScore {
        agreement_rate: m.agreement_rate,
        deals: deals.len() as u64,
        median: sc.map(|s| s.median),
        percentile: sc.map(|s| s.pit),
        in_50: sc.map(|s| s.in_50),
        in_90: sc.map(|s| s.in_90),
        crps: sc.map(|s| s.crps),
        pit: sc.map(|s| s.pit),
        ape: sc.map(|s| s.ape),
        in_80: sc.map(|s| s.in_80),
        log_score: sc.map(|s| s.log_score),
        brier: (1.0 - m.agreement_rate).powi(2),
        timing: None,
    }
}

/// Fill each scenario's `climatology` (Laplace's rule over the cases of the set whose
/// expiry precedes its start) and return the skill of every model against every baseline.
pub fn baselines_and_skill(
    scenarios: &mut [ScenarioScore],
) -> BTreeMap<String, BTreeMap<String, Skill>> {
    // (start, expiry, observed date) of the cases with a calendar and an observed date.
    let day = |s: &str| crate::scenario::date::parse_date(s);
    let cases: Vec<Option<(i64, i64, i64)>> = scenarios
        .iter()
        .map(|sc| {
            let [start, expiry] = sc.calendar.as_ref()?;
            Some((day(start)?, day(expiry)?, day(sc.observed_date.as_ref()?)?))
        })
        .collect();
    for (i, sc) in scenarios.iter_mut().enumerate() {
        let Some((start, expiry, date)) = cases[i] else {
            continue;
        };
        let earlier: Vec<bool> = cases
            .iter()
            .flatten()
            .filter(|(_, e, _)| *e < start)
            .map(|(_, e, d)| d <= e)
            .collect();
        let hits = earlier.iter().filter(|&&h| h).count();
        let p = forecast::laplace(hits, earlier.len());
        let hit = f64::from(u8::from(date <= expiry));
        sc.baselines.climatology = Some(Climatology {
            p,
            cases: earlier.len() as u64,
            deals_before_expiry: hits as u64,
            brier: (p - hit).powi(2),
        });
    }
    let mut skill: BTreeMap<String, BTreeMap<String, Skill>> = BTreeMap::new();
    let names: Vec<String> = ordered(
        scenarios
            .iter()
            .flat_map(|s| s.models.keys().cloned())
            .collect::<std::collections::BTreeSet<_>>(),
    );
    for name in names {
        let mut per: BTreeMap<String, Skill> = BTreeMap::new();
        for base in ["previous", "trend", "climatology"] {
            let pairs: Vec<(f64, f64)> = scenarios
                .iter()
                .filter_map(|sc| {
                    let m = sc.models.get(&name)?;
                    match base {
                        "previous" => Some((m.crps?, sc.baselines.previous?.crps)),
                        "trend" => Some((m.crps?, sc.baselines.trend?.crps)),
                        _ => Some((
                            m.timing.as_ref()?.brier_before_expiry,
                            sc.baselines.climatology?.brier,
                        )),
                    }
                })
                .collect();
            if let Some(s) = forecast::skill(&pairs) {
                per.insert(base.to_owned(), s);
            }
        }
        if !per.is_empty() {
            skill.insert(name, per);
        }
    }
    skill
}

/// Aggregate per-scenario scores into each model's calibration.
#[must_use]
pub fn calibrate(scenarios: &[ScenarioScore]) -> BTreeMap<String, Calibration> {
    let mut out: BTreeMap<String, Calibration> = BTreeMap::new();
    let mut sums: BTreeMap<String, (f64, f64, u64)> = BTreeMap::new();
    for sc in scenarios {
        for (name, s) in &sc.models {
            let c = out.entry(name.clone()).or_insert(Calibration {
                scenarios: 0,
                no_deals: 0,
                in_50: 0,
                in_90: 0,
                share_in_50: None,
                share_in_90: None,
                mean_crps: None,
                mean_brier: None,
                pit: Vec::new(),
                timing: None,
            });
            if let Some(t) = &s.timing {
                let tc = c.timing.get_or_insert(TimingCalibration {
                    scenarios: 0,
                    mean_brier_before_expiry: 0.0,
                    date_in_50: 0,
                    date_in_90: 0,
                    date_pit: Vec::new(),
                    lapse: Vec::new(),
                    lapse_spearman: None,
                });
                if let Some(predicted) = t.mean_lapse_months {
                    tc.lapse.push(LapseCase {
                        scenario: sc.name.clone(),
                        predicted,
                        observed: t.observed_lapse_months,
                    });
                }
                // The sum for now; divided below.
                tc.scenarios += 1;
                tc.mean_brier_before_expiry += t.brier_before_expiry;
                tc.date_in_50 += u64::from(t.date_in_50 == Some(true));
                tc.date_in_90 += u64::from(t.date_in_90 == Some(true));
                tc.date_pit.extend(t.date_percentile);
            }
            let sum = sums.entry(name.clone()).or_insert((0.0, 0.0, 0));
            sum.1 += s.brier;
            sum.2 += 1;
            match (s.percentile, s.in_50, s.in_90) {
                (Some(p), Some(i50), Some(i90)) => {
                    c.scenarios += 1;
                    c.in_50 += u64::from(i50);
                    c.in_90 += u64::from(i90);
                    c.pit.push(p);
                    sum.0 += s.crps.unwrap_or(f64::NAN);
                }
                _ => c.no_deals += 1,
            }
        }
    }
    for (name, c) in &mut out {
        let (crps, brier, n) = sums.get(name).copied().unwrap_or((0.0, 0.0, 0));
        let k = c.scenarios as f64;
        if c.scenarios > 0 {
            c.share_in_50 = Some(c.in_50 as f64 / k);
            c.share_in_90 = Some(c.in_90 as f64 / k);
            c.mean_crps = Some(crps / k).filter(|x| x.is_finite());
        }
        if n > 0 {
            c.mean_brier = Some(brier / n as f64);
        }
        c.pit.sort_by(f64::total_cmp);
        if let Some(t) = c.timing.as_mut() {
            t.mean_brier_before_expiry /= t.scenarios.max(1) as f64;
            t.date_pit.sort_by(f64::total_cmp);
            let (p, o): (Vec<f64>, Vec<f64>) =
                t.lapse.iter().map(|c| (c.predicted, c.observed)).unzip();
            t.lapse_spearman = crate::analysis::rank::spearman(&p, &o);
        }
    }
    out
}

/// Model names in report order.
pub(crate) fn ordered(names: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut v: Vec<String> = names.into_iter().collect();
    v.sort_by_key(|n| {
        Model::from_name(n)
            .and_then(|m| Model::ALL.iter().position(|&x| x == m))
            .unwrap_or(Model::ALL.len())
    });
    v
}
