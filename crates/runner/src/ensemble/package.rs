//! The package trial: one trial of a package scenario (`[issues]`) under each model. The
//! package kernel ([`super::kernel::package::Packages`]) runs it through the engine's one
//! [`super::run`] (its wave driver, chunking and row streaming) into the engine's one
//! container ([`PackageAccumulated`]: [`crate::accumulate::ModelAccumulator`]s with their
//! [`crate::accumulate::IssueTally`]), which holds only integers and merges exactly, so a
//! package run is the same at any thread count and under any sharding, like a one-issue
//! run.
//!
//! Models: `agents` (each party's negotiator, `bargain_core::package::tactics`: NegMAS's
//! `AspirationNegotiator` for `time-based`, or `faratin`, `tit-for-tat`, `hardliner`),
//! the closed forms `nash`, `kalai-smorodinsky`, `max-welfare` on the trial's Pareto
//! frontier, and `rubinstein`, `stahl`, `brw` splitting the amount issue at the efficient
//! combination of the others ([`split_end`]). Outcomes an `[[exclude]]` rule rules out are in neither the negotiators'
//! sorted outcomes nor the frontier, so no model offers, accepts or chooses them. With no
//! distributions, the profiles are sorted and the frontier computed once for all trials.
//! The cancel flag is checked before every trial and between the passes that prepare a
//! trial's outcome space.
//!
//! A trial with a calendar, a breakdown risk or a ratification limit
//! ([`PackageTrial::has_rules`]) runs under `bargain_core::package::talks` (lapse costs
//! in the amount issue's unit turned into utility by [`rules`]); others run NegMAS's
//! plain SAO loop, unchanged. The breakdown draws come from the trial's own stream
//! (`PackageTrial::breakdown_rng`), so no other draw moves.

use std::sync::atomic::{AtomicBool, Ordering};

use bargain_core::OutcomeKind;
use bargain_core::package::aspiration::{PackageDeal, PackageOffer, PowerCache, negotiate};
use bargain_core::package::opponent::OpponentView;
use bargain_core::package::preferences::{PreferencesError, UtilityTable};
use bargain_core::package::solutions::ParetoFrontier;
use bargain_core::package::sorted::SortedOutcomes;
use bargain_core::package::space::{IssueKind, OutcomeSpace};
use bargain_core::package::tactics::Tactic;
use bargain_core::package::talks::{
    EndGame, LapseMover, PackageEnd, Ratification, Rules, closed_form, negotiate_talks,
    utility_per_unit,
};
use bargain_core::package::theory::{SplitModel, SplitTrial, Transfer, split_closed_form};
use bargain_core::package::timed::{Principals, TimedEnd, closed_form_timed, negotiate_timed};

use super::{Accumulated, Interrupted, RunError};
use crate::accumulate::AmountRange;
use crate::accumulate::issues::TallyLayout;
use crate::scenario::issues::{PackageModel, PackageScenario, PackageTrial};

/// Utilities, sorted profiles and frontier of one trial's preferences.
pub struct Prepared {
    /// The first mover's utility of every outcome.
    pub ua: Vec<f64>,
    /// The second mover's utility of every outcome.
    pub ub: Vec<f64>,
    /// Each party's allowed outcomes sorted by its utility.
    pub sorted: [SortedOutcomes; 2],
    /// The Pareto frontier of the allowed outcomes.
    pub frontier: ParetoFrontier,
    /// With a ratification limit and a closed-form model: the Pareto frontier of the
    /// allowed outcomes within both limits.
    pub ratifiable: Option<ParetoFrontier>,
    /// With a timeline and a closed-form model: the allowed outcomes in the frontier's
    /// order ([`ParetoFrontier::order_where`]), from which [`end_timed`] refills a
    /// per-worker frontier within the limits in force when an event changes a limit
    /// (no sort, no allocation in the trial).
    pub order: Option<Vec<u32>>,
}

/// An error once `cancel` is set.
///
/// # Errors
/// [`RunError::Interrupted`] when the flag is set (its count of trials done is 0: the
/// engine's [`super::run`] replaces it with the trials it finished).
pub fn check(cancel: &AtomicBool) -> Result<(), RunError> {
    if cancel.load(Ordering::Relaxed) {
        Err(RunError::Interrupted(Interrupted { done: 0 }))
    } else {
        Ok(())
    }
}

impl Prepared {
    /// Prepare trial `t` of scenario `s`.
    ///
    /// # Errors
    /// Preferences core rejects (not expected after validation).
    pub fn new(s: &PackageScenario, t: &PackageTrial) -> Result<Self, PreferencesError> {
        Self::steps(s, t, || Ok(()))
    }

    /// [`Prepared::new`], checking `cancel` between its steps (each a pass over the
    /// outcome space: about a second at most even at the largest space validation accepts).
    ///
    /// # Errors
    /// [`RunError::Interrupted`] once `cancel` is set; rejected preferences.
    pub fn cancellable(
        s: &PackageScenario,
        t: &PackageTrial,
        cancel: &AtomicBool,
    ) -> Result<Self, RunError> {
        Self::steps(s, t, || check(cancel))
    }

    /// The preparation, calling `between` before and after each pass over the space.
    fn steps<E: From<PreferencesError>>(
        s: &PackageScenario,
        t: &PackageTrial,
        mut between: impl FnMut() -> Result<(), E>,
    ) -> Result<Self, E> {
        let (space, allowed) = (s.space(), s.allowed());
        between()?;
        let ua = UtilityTable::new(space, &t.parties[0].preferences)?.all(space);
        between()?;
        let ub = UtilityTable::new(space, &t.parties[1].preferences)?.all(space);
        between()?;
        let sa = SortedOutcomes::from_utilities_where(ua.clone(), u64::from, allowed);
        between()?;
        let sb = SortedOutcomes::from_utilities_where(ub.clone(), u64::from, allowed);
        between()?;
        let closed = s.run.models.iter().any(|&m| m != PackageModel::Agents);
        // With a timeline the closed forms keep the frontier's order of the allowed
        // outcomes; the frontiers are then filled from it (the same frontiers, one sort).
        let order =
            (closed && s.has_timeline()).then(|| ParetoFrontier::order_where(&ua, &ub, allowed));
        let frontier = match &order {
            Some(order) => {
                let mut f = ParetoFrontier::default();
                f.refill(order, &ua, &ub, |_| true);
                f
            }
            None => ParetoFrontier::new_where(&ua, &ub, allowed),
        };
        between()?;
        let ratifiable = if closed && t.ratification.iter().any(Option::is_some) {
            let f = match &order {
                Some(order) => {
                    let mut f = ParetoFrontier::default();
                    f.refill(order, &ua, &ub, |o| ratified(s, t, o));
                    f
                }
                None => {
                    let within: Vec<bool> = (0..ua.len() as u32)
                        .map(|o| allowed.is_none_or(|a| a[o as usize]) && ratified(s, t, o))
                        .collect();
                    ParetoFrontier::new_where(&ua, &ub, Some(&within))
                }
            };
            between()?;
            Some(f)
        } else {
            None
        };
        Ok(Self {
            ua,
            ub,
            sorted: [sa, sb],
            frontier,
            ratifiable,
            order,
        })
    }
}

/// One model's result in one trial: the agreed outcome and its 1-based round (closed
/// forms agree in round 1 without a calendar); `None` without a deal.
pub type Deal = Option<(u32, u32)>;

/// The value of the amount issue of outcome `o`, if the package has one.
fn amount_of(space: &OutcomeSpace, o: u32) -> Option<f64> {
    let j = amount_issue(space)?;
    space.issues()[j].numeric(space.value_index(o, j))
}

/// Whether both principals of trial `t` ratify outcome `o` (its amount within each
/// ratification limit; always without limits).
#[must_use]
pub fn ratified(s: &PackageScenario, t: &PackageTrial, o: u32) -> bool {
    t.ratification
        .iter()
        .all(|r| match (r, amount_of(s.space(), o)) {
            (Some(r), Some(x)) => r.ratifies(x),
            _ => true,
        })
}

/// The rules of trial `t` for `bargain_core::package::talks`: its rounds, breakdown
/// risk and calendar, each party's lapse cost turned from the amount issue's unit into
/// utility per month by its utility of the amount issue (`utility_per_unit`).
#[must_use]
pub fn rules(s: &PackageScenario, t: &PackageTrial) -> Rules {
    let space = s.space();
    let calendar = t.calendar.map(|mut c| {
        for (i, p) in t.parties.iter().enumerate() {
            let per =
                amount_issue(space).map_or(0.0, |j| utility_per_unit(&p.preferences, space, j));
            c.lapse_cost[i] *= per;
        }
        c
    });
    Rules {
        max_rounds: t.max_rounds,
        calendar,
        breakdown_risk: t.breakdown_risk,
    }
}

/// The `agents` model in one trial: each party's negotiator (its `strategy`, built on its
/// sorted outcomes and reservation) in the SAO loop; every offer into `trace` if given.
/// `cache` holds the aspiration curves' powers across the trials of one worker (the same
/// negotiation, bit for bit, without a `powf` per step). The deal only (see
/// [`agents_end`] for how talks without one ended).
pub fn agents(
    s: &PackageScenario,
    t: &PackageTrial,
    p: &Prepared,
    cache: &mut PowerCache,
    trace: Option<&mut Vec<PackageOffer>>,
) -> Option<PackageDeal> {
    let end = agents_end(s, t, p, cache, trace);
    match (end.kind, end.outcome) {
        (OutcomeKind::Deal, Some(outcome)) => Some(PackageDeal {
            outcome,
            step: end.round - 1,
        }),
        _ => None,
    }
}

/// The `agents` model in one trial, and how it ended: without rules
/// ([`PackageTrial::has_rules`]) NegMAS's SAO loop; with them the talks of
/// `bargain_core::package::talks` (negotiators planning to the expiry, lapse moves
/// after it, breakdown draws from the trial's own stream, ratification).
pub fn agents_end(
    s: &PackageScenario,
    t: &PackageTrial,
    p: &Prepared,
    cache: &mut PowerCache,
    trace: Option<&mut Vec<PackageOffer>>,
) -> PackageEnd {
    if s.has_timeline() {
        return agents_timed(s, t, p, cache, trace).end;
    }
    let [a, b] = &t.parties;
    if !t.has_rules() {
        a.tactic.prepare(cache, t.max_rounds);
        b.tactic.prepare(cache, t.max_rounds);
        let (first, second) = (
            a.tactic.build_against(
                &p.sorted[0],
                t.reservation(0),
                t.max_rounds,
                cache,
                opponent(s, t, 0),
            ),
            b.tactic.build_against(
                &p.sorted[1],
                t.reservation(1),
                t.max_rounds,
                cache,
                opponent(s, t, 1),
            ),
        );
        return match negotiate(first, second, trace) {
            Some(d) => PackageEnd {
                kind: OutcomeKind::Deal,
                outcome: Some(d.outcome),
                round: d.step + 1,
            },
            None => PackageEnd {
                kind: OutcomeKind::Deadline,
                outcome: None,
                round: t.max_rounds,
            },
        };
    }
    let r = rules(s, t);
    let (horizon, _) = r.rounds();
    a.tactic.prepare(cache, horizon);
    b.tactic.prepare(cache, horizon);
    let first = a.tactic.build_against(
        &p.sorted[0],
        t.reservation(0),
        horizon,
        cache,
        opponent(s, t, 0),
    );
    let second = b.tactic.build_against(
        &p.sorted[1],
        t.reservation(1),
        horizon,
        cache,
        opponent(s, t, 1),
    );
    // After the expiry each party concedes toward its moving reservation; a hardliner
    // stays one.
    let lapse = [0, 1].map(|i| {
        let party = &t.parties[i];
        let per = r.calendar.map_or(0.0, |c| c.lapse_cost[i]);
        (party.tactic != Tactic::Hardliner)
            .then(|| LapseMover::new(&p.sorted[i], t.reservation(i), per))
    });
    // The end game (`end_game`, needs a calendar) in the planning rounds.
    let end_game = [0, 1].map(|i| {
        let after = t.calendar.and_then(|c| c.end_game[i])?;
        Some(EndGame::new(&p.sorted[i], t.reservation(i), after, horizon))
    });
    let mut rng = t.breakdown_rng.clone();
    negotiate_talks(
        first,
        second,
        lapse,
        end_game,
        &r,
        |o| ratified(s, t, o),
        &mut rng,
        trace,
    )
}

/// What party `i`'s negotiator may read of its opponent in trial `t` (a learner learns
/// the opponent's issue weights from it).
fn opponent<'a>(s: &'a PackageScenario, t: &'a PackageTrial, i: usize) -> OpponentView<'a> {
    OpponentView {
        space: s.space(),
        preferences: &t.parties[1 - i].preferences,
    }
}

/// The principal numbers of trial `t` that its events change (`bargain_core::package::timed`).
#[must_use]
pub fn principals(s: &PackageScenario, t: &PackageTrial) -> Principals {
    let space = s.space();
    let per = |i: usize| {
        amount_issue(space).map_or(0.0, |j| {
            utility_per_unit(&t.parties[i].preferences, space, j)
        })
    };
    Principals {
        reservation: [0, 1].map(|i| t.parties[i].preferences.reservation),
        outside_option: t.outside_option,
        ratification: t.ratification,
        floor: s.limit_floor(),
        per_unit: [per(0), per(1)],
    }
}

/// The `agents` model of a scenario with a timeline (`[[events]]`, `on_veto`): the talks
/// of `bargain_core::package::timed` on trial `t`'s timeline, with its vetoes.
pub fn agents_timed(
    s: &PackageScenario,
    t: &PackageTrial,
    p: &Prepared,
    cache: &mut PowerCache,
    trace: Option<&mut Vec<PackageOffer>>,
) -> TimedEnd {
    let r = rules(s, t);
    let (horizon, _) = r.rounds();
    let tactics = [t.parties[0].tactic, t.parties[1].tactic];
    for tactic in &tactics {
        tactic.prepare(cache, horizon);
    }
    let cache: &PowerCache = cache;
    let mut rng = t.breakdown_rng.clone();
    negotiate_timed(
        |i, reservation| {
            tactics[i].build_against(&p.sorted[i], reservation, horizon, cache, opponent(s, t, i))
        },
        [&p.sorted[0], &p.sorted[1]],
        tactics.map(|x| x == Tactic::Hardliner),
        &principals(s, t),
        &r,
        &t.timeline,
        |o| amount_of(s.space(), o),
        &mut rng,
        trace,
    )
}

/// How model `m` ended in trial `t`, with the vetoes it met (only the agents of a
/// scenario with `on_veto = "resume"` meet any).
pub fn end_timed(
    m: PackageModel,
    s: &PackageScenario,
    t: &PackageTrial,
    p: &Prepared,
    cache: &mut PowerCache,
) -> TimedEnd {
    if !s.has_timeline() {
        return TimedEnd {
            end: end(m, s, t, p, cache),
            vetoes: 0,
        };
    }
    if m == PackageModel::Agents {
        return agents_timed(s, t, p, cache, None);
    }
    let [a, b] = &t.parties;
    let (pa, pb) = (a.power, b.power);
    let space = s.space();
    let allowed = s.allowed();
    let order = p.order.as_deref();
    // The frontier within the limits in force, refilled from the frontier's order of
    // the allowed outcomes (`Prepared::order`) into this worker's buffer.
    let rebuild = |limits: &[Option<Ratification>; 2], out: &mut ParetoFrontier| {
        let within = |o: u32| {
            limits.iter().all(|r| match (r, amount_of(space, o)) {
                (Some(r), Some(x)) => r.ratifies(x),
                _ => true,
            })
        };
        match order {
            Some(order) => out.refill(order, &p.ua, &p.ub, within),
            // A `Prepared` made without a timeline in view: sort once here.
            None => {
                let order = ParetoFrontier::order_where(&p.ua, &p.ub, allowed);
                out.refill(&order, &p.ua, &p.ub, within);
            }
        }
    };
    let end = FRONTIER.with_borrow_mut(|scratch| {
        closed_form_timed(
            &p.frontier,
            p.ratifiable.as_ref(),
            &principals(s, t),
            &rules(s, t),
            &t.timeline,
            scratch,
            rebuild,
            |f: &ParetoFrontier, x, y| match m {
                PackageModel::Nash => f.nash(x, y, pa, pb),
                PackageModel::KalaiSmorodinsky => f.kalai_smorodinsky(x, y),
                _ => f.max_welfare(x, y),
            },
        )
    });
    TimedEnd { end, vetoes: 0 }
}

thread_local! {
    /// Each worker thread's buffer for the frontier within the ratification limits in
    /// force ([`end_timed`]): reused across its trials, so a trial whose event changes a
    /// limit allocates nothing once it has grown. Results never depend on it. (A buffer
    /// of the wave driver's per-worker scratch would do as well; this one leaves the
    /// kernel's `run` as it is.)
    static FRONTIER: std::cell::RefCell<ParetoFrontier> =
        std::cell::RefCell::new(ParetoFrontier::default());
}

/// How model `m` ended in trial `t`: a deal (or a deal not ratified) with its outcome
/// and 1-based round, or its failure (with a timeline, as [`end_timed`]).
pub fn end(
    m: PackageModel,
    s: &PackageScenario,
    t: &PackageTrial,
    p: &Prepared,
    cache: &mut PowerCache,
) -> PackageEnd {
    if s.has_timeline() {
        return end_timed(m, s, t, p, cache).end;
    }
    let [a, b] = &t.parties;
    let (ra, rb) = (t.reservation(0), t.reservation(1));
    if m == PackageModel::Agents {
        return agents_end(s, t, p, cache, None);
    }
    if let Some(model) = m.split() {
        return split_end(model, s, t, p);
    }
    if !t.has_rules() {
        let sol = match m {
            PackageModel::Nash => p.frontier.nash(ra, rb, a.power, b.power),
            PackageModel::KalaiSmorodinsky => p.frontier.kalai_smorodinsky(ra, rb),
            _ => p.frontier.max_welfare(ra, rb),
        };
        return PackageEnd {
            kind: if sol.is_some() {
                OutcomeKind::Deal
            } else {
                OutcomeKind::NoZone
            },
            outcome: sol.map(|x| x.outcome),
            round: 1,
        };
    }
    let r = rules(s, t);
    let (pa, pb) = (a.power, b.power);
    closed_form(
        &p.frontier,
        p.ratifiable.as_ref(),
        [ra, rb],
        &r,
        |f: &ParetoFrontier, x, y| match m {
            PackageModel::Nash => f.nash(x, y, pa, pb),
            PackageModel::KalaiSmorodinsky => f.kalai_smorodinsky(x, y),
            _ => f.max_welfare(x, y),
        },
    )
}

/// A strategic closed form (`rubinstein`, `stahl`, `brw`) in trial `t`: the amount issue
/// split as a transferable good (`bargain_core::package::theory`) under the trial's rules
/// and ratification limits. A trial whose draw leaves the amount not transferable (a
/// weight drawn 0, a slope flipped) ends `no_zone`, as validation cannot rule it out.
pub fn split_end(
    model: SplitModel,
    s: &PackageScenario,
    t: &PackageTrial,
    p: &Prepared,
) -> PackageEnd {
    let space = s.space();
    let [a, b] = &t.parties;
    let prefs = [&a.preferences, &b.preferences];
    let r = rules(s, t);
    let transfer = amount_issue(space).and_then(|j| Transfer::new(space, j, prefs).ok());
    let Some(transfer) = transfer else {
        return PackageEnd {
            kind: OutcomeKind::NoZone,
            outcome: None,
            round: if r.calendar.is_some() {
                r.rounds().1
            } else {
                1
            },
        };
    };
    let limits =
        t.ratification
            .iter()
            .flatten()
            .fold((f64::NEG_INFINITY, f64::INFINITY), |(lo, hi), l| {
                if l.floor {
                    (lo.max(l.limit), hi)
                } else {
                    (lo, hi.min(l.limit))
                }
            });
    let trial = SplitTrial {
        prefs,
        frontier: &p.frontier,
        ratifiable: p.ratifiable.as_ref(),
        limits,
        rules: &r,
    };
    split_closed_form(model, space, &transfer, &trial).0
}

/// The outcome of model `m` in trial `t`: the deal and its round, `None` without one.
pub fn deal(
    m: PackageModel,
    s: &PackageScenario,
    t: &PackageTrial,
    p: &Prepared,
    cache: &mut PowerCache,
) -> Deal {
    let e = end(m, s, t, p, cache);
    match (e.kind, e.outcome) {
        (OutcomeKind::Deal, Some(o)) => Some((o, e.round)),
        _ => None,
    }
}

/// How a model fails without rules: the agents run out of rounds (`deadline`), a
/// closed form finds no rational outcome (`no_zone`).
#[must_use]
pub fn failure(m: PackageModel) -> OutcomeKind {
    match m {
        PackageModel::Agents => OutcomeKind::Deadline,
        _ => OutcomeKind::NoZone,
    }
}

/// The amount issue of a package: the `number` issue keyed `amount`, if there is one. Its
/// values are what the summary's `amount` block, the histogram and `compare` describe.
#[must_use]
pub fn amount_issue(space: &OutcomeSpace) -> Option<usize> {
    crate::scenario::issues::amount_issue(space)
}

/// The heat map's issues: the amount issue across and the first `integer` issue up, else
/// the first two issues; `None` with one issue.
#[must_use]
pub fn heat_pair(space: &OutcomeSpace) -> Option<(usize, usize)> {
    let issues = space.issues();
    let integer = issues
        .iter()
        .position(|i| matches!(i.kind, IssueKind::Integer { .. }));
    match (amount_issue(space), integer) {
        (Some(a), Some(b)) => Some((a, b)),
        _ if issues.len() >= 2 => Some((0, 1)),
        _ => None,
    }
}

/// The tally layout of a package scenario's space.
#[must_use]
pub fn layout(space: &OutcomeSpace) -> TallyLayout {
    TallyLayout {
        amount: amount_issue(space),
        heat: heat_pair(space),
    }
}

/// The histogram range of the amount issue: its range widened by half a grid step on
/// each side, so that each of the summary's equal bins (at least one step wide when the
/// issue has at least as many values as there are bins) holds a grid point; centred on
/// the issue's midpoint. The unit interval when there is no amount issue.
#[must_use]
pub fn amount_range(space: &OutcomeSpace, trials: u64) -> AmountRange {
    let Some(j) = amount_issue(space) else {
        return AmountRange {
            lo: 0.0,
            hi: 1.0,
            center: 0.5,
            floor: 0.0,
        };
    };
    let (lo, hi) = space.issues()[j].range().unwrap_or((0.0, 1.0));
    let n = space.size(j);
    let half = if n > 1 {
        0.5 * (hi - lo) / (n - 1) as f64
    } else {
        (lo.abs() * 1e-3).max(1e-9)
    };
    AmountRange {
        lo: lo - half,
        hi: hi + half,
        center: 0.5 * (lo + hi),
        floor: 0.0,
    }
    .with_bound(lo.abs().max(hi.abs()), trials)
}

/// Run every model of `s` on trial `t` and record how each ended in `acc`: its outcome
/// and vetoes, the amount issue, the issue tally and the deal day. The one recording of
/// a package trial, shared by the package kernel and the paired compare; `each` sees each model's
/// end in `[run] models` order. `lay` is `layout(s.space())`.
pub(crate) fn record_trial(
    s: &PackageScenario,
    lay: &TallyLayout,
    t: &PackageTrial,
    p: &Prepared,
    cache: &mut PowerCache,
    acc: &mut PackageAccumulated,
    mut each: impl FnMut(PackageModel, &PackageEnd),
) {
    let space = s.space();
    let PackageAccumulated { range, models } = acc;
    for (m, a) in models.iter_mut() {
        let TimedEnd { end: e, vetoes } = end_timed(*m, s, t, p, cache);
        a.add_vetoes(vetoes);
        let value = |o: u32| {
            lay.amount
                .and_then(|j| space.issues()[j].numeric(space.value_index(o, j)))
        };
        let d = match (e.kind, e.outcome) {
            (OutcomeKind::Deal, Some(o)) => Some(o),
            _ => None,
        };
        a.add_package(range, d.map(|o| (value(o), e.round)), e.kind);
        if let (Some(o), Some(tally)) = (d, a.issues.as_mut()) {
            tally.add(space, lay, o, [p.ua[o as usize], p.ub[o as usize]]);
        }
        if let (Some(_), Some(cal)) = (d, &t.calendar) {
            a.add_deal_day(cal.day(e.round.saturating_sub(1)));
        }
        each(*m, &e);
    }
}

/// The accumulated outcomes of a package run (or of one shard of it): the engine's one
/// container keyed by the package models, each [`crate::accumulate::ModelAccumulator`] with its
/// [`crate::accumulate::IssueTally`] (made by [`super::kernel::package::Packages`]).
pub type PackageAccumulated = Accumulated<PackageModel>;
