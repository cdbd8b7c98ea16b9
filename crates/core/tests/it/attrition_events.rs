//! `attrition` under dated events (issue #23 item 1): hazards piecewise constant over the
//! expiry and each event (`theory::attrition::Pieces`), against a hand-computed case
//! with one event that doubles the payer's lapse cost mid-game (the rates per interval,
//! the end time, the atom, the delay distribution) at 1e-9, a Monte Carlo sample of its
//! delays (Kolmogorov–Smirnov at 1%), the two-piece game against `Attrition`, and the
//! ratification rules (`end`: not ratified; `resume`: no earlier than the first
//! ratifiable round).

use bargain_core::attrition::play;
use bargain_core::calendar::DAYS_PER_MONTH;
use bargain_core::events::attrition::play_in;
use bargain_core::events::{Change, Event, Key, OnVeto, Timeline};
use bargain_core::theory::Attrition;
use bargain_core::theory::attrition::Pieces;
use bargain_core::{Calendar, Model, Negotiation, OutcomeKind, Party, Preset, Protocol, Side};
use bargain_core::{StrategySpec, Workspace};
use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

const TOL: f64 = 1e-9;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= TOL
}

/// The payee opens at 1.4 (reservation 1.0), the payer at 0.96 (reservation 1.2): each
/// demand lies beyond the other's reservation, so waiting costs nothing before the
/// expiry (day 61) and the lapse costs (0.02, 0.05 a month) alone after it; one round a
/// month; z = (0.3, 0.3).
fn talks() -> Negotiation {
    let party = |side, opening, reservation, discount| Party {
        side,
        opening,
        reservation,
        discount,
        power: 1.0,
        ratification: None,
        outside_option: None,
        strategy: StrategySpec::time_based(Preset::Linear),
    };
    Negotiation {
        payee: party(Side::Payee, 1.4, 1.0, 0.9),
        payer: party(Side::Payer, 0.96, 1.2, 0.8),
        protocol: Protocol {
            max_rounds: 20,
            first_mover: Side::Payee,
            breakdown_risk: 0.0,
            grid: None,
            obstinacy: [0.3, 0.3],
        },
        calendar: Some(Calendar {
            round_months: 1.0,
            expiry_day: 61,
            end_day: Some(3000),
            lapse_cost: [0.02, 0.05],
            end_game: [None; 2],
            pace: bargain_core::calendar::Pace::FIXED,
        }),
    }
}

/// The payer's lapse cost doubles (0.05 → 0.10) on day 152, round 5 (⌊5 · 30.436875⌋).
fn doubling(on_veto: OnVeto) -> Timeline {
    let cal = talks().calendar.expect("calendar");
    let mut tl = Timeline::new(on_veto);
    let mut e = Event::new(152, Some(Side::Payer), 0);
    e.push(Change::Set(Key::LapseCost, Some(0.10)));
    assert!(tl.push(e, &cal));
    assert_eq!(tl.events()[0].round, 5);
    tl
}

fn game(n: &Negotiation, tl: &Timeline) -> Pieces {
    let cal = n.calendar.expect("calendar");
    play_in(n, &cal, tl, &mut Xoshiro256PlusPlus::seed_from_u64(0))
        .game
        .expect("conflicting demands")
}

#[test]
fn an_event_that_doubles_a_lapse_cost_by_hand() {
    let n = talks();
    let g = game(&n, &doubling(OnVeto::End));
    let gap = 1.4 - 0.96;
    let e = 61.0 / DAYS_PER_MONTH;
    // Three intervals: nothing before the expiry; λ_payee = c_payer/Δ, λ_payer =
    // c_payee/Δ after it; the payer's doubled cost doubles the payee's hazard from 5.
    let pieces: Vec<(f64, [f64; 2])> = g.pieces().collect();
    assert_eq!(pieces.len(), 3);
    assert_eq!(pieces[0], (0.0, [0.0, 0.0]));
    assert!(close(pieces[1].0, e));
    assert!(close(pieces[1].1[0], 0.05 / gap) && close(pieces[1].1[1], 0.02 / gap));
    assert!(close(pieces[2].0, 5.0));
    assert!(close(pieces[2].1[0], 0.10 / gap) && close(pieces[2].1[1], 0.02 / gap));
    // T_i = Λ_i⁻¹(−ln 0.3): the payee's by 5 + (l − Λ_payee(5)) / (0.10/Δ), the payer's
    // by 5 + (l − Λ_payer(5)) / (0.02/Δ).
    let l = -(0.3f64.ln());
    let lp5 = 0.05 / gap * (5.0 - e);
    let lq5 = 0.02 / gap * (5.0 - e);
    let t_payee = 5.0 + (l - lp5) / (0.10 / gap);
    let t_payer = 5.0 + (l - lq5) / (0.02 / gap);
    assert!(close(g.reach_one(0), t_payee) && close(g.reach_one(1), t_payer));
    assert!(t_payee < t_payer);
    assert!(close(g.end, t_payee));
    // The payer is the weaker side: its atom brings its reputation to one at T_0.
    let lq_end = 0.02 / gap * (t_payee - e);
    assert!(close(g.atom[1], 1.0 - 0.3 * lq_end.exp()));
    assert_eq!(g.atom[0], 0.0);
    // The delay distribution: 1 − S_payee S_payer, piece by piece.
    let s = |t: f64| {
        let (lp, lq) = if t <= e {
            (0.0, 0.0)
        } else if t <= 5.0 {
            (0.05 / gap * (t - e), 0.02 / gap * (t - e))
        } else {
            (lp5 + 0.10 / gap * (t - 5.0), 0.02 / gap * (t - e))
        };
        (-lp).exp() * (1.0 - g.atom[1]) * (-lq).exp()
    };
    for t in [0.0, 1.0, e, 3.0, 5.0, 6.5, 8.0] {
        assert!(close(g.delay_cdf(t), 1.0 - s(t)), "t = {t}");
    }
    assert!(close(g.delay_cdf(t_payee + 1.0), 1.0 - 0.09));
    // Without the event the payee's hazard stays 0.05/Δ: a later end.
    let g0 = game(&n, &Timeline::new(OnVeto::Resume));
    assert_eq!(g0.pieces().count(), 2);
    assert!(close(g0.end, e + l / (0.05 / gap)));
    assert!(g0.end > g.end);
}

#[test]
fn two_pieces_are_the_two_phase_game() {
    let a = Attrition::new([0.3, 0.3], [0.1, 0.2], [0.5, 0.6], 2.0, 1);
    let mut p = Pieces::new([0.3, 0.3], [0.1, 0.2]);
    assert!(p.push(2.0, [0.5, 0.6]));
    let p = p.solve(1);
    assert_eq!((p.end, p.atom), (a.end, a.atom));
    for k in 0..50 {
        let t = f64::from(k) * 0.2;
        assert_eq!(p.delay_cdf(t), a.delay_cdf(t));
        let u = f64::from(k) / 50.0;
        assert_eq!(p.play([u, 1.0 - u], 1), a.play([u, 1.0 - u], 1));
    }
}

#[test]
fn the_concession_round_follows_the_pieces() {
    let n = talks();
    let tl = doubling(OnVeto::End);
    let cal = n.calendar.expect("calendar");
    for seed in 0..300 {
        let p = play_in(&n, &cal, &tl, &mut Xoshiro256PlusPlus::seed_from_u64(seed));
        let d = p.draw.expect("a war");
        match d.conceder {
            Some(i) => {
                let round = d.time.ceil() as u32 + 1;
                assert_eq!(p.outcome.round, round, "seed {seed}");
                let want = if i == 0 { 0.96 } else { 1.4 };
                assert_eq!(p.outcome.amount, Some(want));
                assert_eq!(p.outcome.kind, OutcomeKind::Deal);
            }
            None => assert_eq!(p.outcome.kind, OutcomeKind::Deadline),
        }
    }
}

/// The Kolmogorov–Smirnov distance between delays (infinite: no deal) and `cdf`.
fn ks_distance(mut times: Vec<f64>, cdf: impl Fn(f64) -> f64) -> f64 {
    times.sort_by(f64::total_cmp);
    let n = times.len() as f64;
    let mut d = 0.0f64;
    let mut i = 0;
    while i < times.len() && times[i].is_finite() {
        let v = times[i];
        let mut j = i;
        while j < times.len() && times[j] == v {
            j += 1;
        }
        let below = if v > 0.0 { cdf(v) } else { 0.0 };
        d = d.max((i as f64 / n - below).abs());
        d = d.max((j as f64 / n - cdf(v)).abs());
        i = j;
    }
    d
}

#[test]
fn monte_carlo_delays_with_an_event_match_the_closed_form() {
    // 10^6 plays of the three-piece game; 1% critical value 1.628/√n.
    let g = game(&talks(), &doubling(OnVeto::End));
    let n = 1_000_000;
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(2026);
    let times: Vec<f64> = (0..n)
        .map(|_| g.play([rng.random(), rng.random()], 1).time)
        .collect();
    let d = ks_distance(times, |t| g.delay_cdf(t));
    assert!(d < 1.628 / f64::from(n).sqrt(), "KS distance {d}");
}

#[test]
fn without_events_the_timed_model_is_the_plain_one() {
    let n = talks();
    let cal = n.calendar.expect("calendar");
    let resume = Timeline::new(OnVeto::Resume);
    let end = Timeline::new(OnVeto::End);
    for seed in 0..300 {
        let rng = || Xoshiro256PlusPlus::seed_from_u64(seed);
        let plain = play(&n, &mut rng()).outcome;
        assert_eq!(play_in(&n, &cal, &resume, &mut rng()).outcome, plain);
        let timed = n.outcome_in(
            &end,
            Model::Attrition,
            &mut rng(),
            None,
            &mut Workspace::new(),
        );
        assert_eq!(timed.outcome, plain);
    }
}

#[test]
fn a_limit_in_force_ends_or_delays_the_deal() {
    // The payer's principal ratifies no amount above 1.3 until an event on day 243
    // (round 8) removes the ceiling: the payee's demand 1.4 is not ratifiable before.
    let mut n = talks();
    n.payer.ratification = Some(1.3);
    let cal = n.calendar.expect("calendar");
    let timeline = |on_veto| {
        let mut tl = Timeline::new(on_veto);
        let mut e = Event::new(243, Some(Side::Payer), 0);
        e.push(Change::Set(Key::Ratification, None));
        assert!(tl.push(e, &cal));
        assert_eq!(tl.events()[0].round, 8);
        tl
    };
    let (end, resume) = (timeline(OnVeto::End), timeline(OnVeto::Resume));
    let (mut refused, mut moved) = (0, 0);
    for seed in 0..400 {
        let rng = || Xoshiro256PlusPlus::seed_from_u64(seed);
        let a = play_in(&n, &cal, &end, &mut rng()).outcome;
        let b = play_in(&n, &cal, &resume, &mut rng()).outcome;
        match (a.kind, a.amount) {
            (OutcomeKind::NotRatified, Some(x)) => {
                refused += 1;
                assert!(x == 1.4 && a.round < 9, "seed {seed}: {a:?}");
                // Resumed: the same deal in the first round without the ceiling.
                assert_eq!(
                    (b.kind, b.amount, b.round),
                    (OutcomeKind::Deal, Some(1.4), 9)
                );
                moved += 1;
            }
            _ => assert_eq!(a, b, "seed {seed}"),
        }
    }
    assert!(refused > 20 && moved == refused, "{refused}");
}
