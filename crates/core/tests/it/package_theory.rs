//! Rubinstein, Ståhl and BRW on packages (`bargain_core::package::theory`): a package
//! whose other issues are irrelevant splits the amount exactly as the one-issue closed
//! forms do (with and without a calendar); a two-issue package by hand; the chosen
//! package is undominated, allowed and of the largest money surplus; refusals where the
//! theory does not extend.

use bargain_core::package::preferences::{
    LinearAdditive, Preferences, UtilityTable, ValueFunction,
};
use bargain_core::package::solutions::ParetoFrontier;
use bargain_core::package::space::{Exclusion, Issue, OutcomeSpace};
use bargain_core::package::talks::{Rules, utility_per_unit};
use bargain_core::package::theory::{
    NotTransferable, SplitModel, SplitTrial, Transfer, split_closed_form,
};
use bargain_core::{
    Calendar, Model, Negotiation, OutcomeKind, Party, Protocol, Side, StrategySpec,
};
use proptest::prelude::*;
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

const MODELS: [(SplitModel, Model); 3] = [
    (SplitModel::Rubinstein, Model::Rubinstein),
    (SplitModel::Stahl, Model::Stahl),
    (SplitModel::Brw, Model::Brw),
];

fn prefs(
    weights: Vec<f64>,
    values: Vec<ValueFunction>,
    reservation: f64,
    discount: f64,
) -> Preferences {
    Preferences {
        utility: LinearAdditive { weights, values },
        reservation,
        discount,
    }
}

fn utilities(space: &OutcomeSpace, p: &Preferences) -> Vec<f64> {
    UtilityTable::new(space, p).expect("valid").all(space)
}

fn party(side: Side, reservation: f64, discount: f64) -> Party {
    Party {
        side,
        opening: reservation,
        reservation,
        discount,
        power: 1.0,
        ratification: None,
        outside_option: None,
        strategy: StrategySpec::Hardliner,
    }
}

/// Runs `model` on `space` with `prefs` (slot 0 first) under `rules`, no exclusions.
fn run(
    model: SplitModel,
    space: &OutcomeSpace,
    prefs: [&Preferences; 2],
    rules: &Rules,
    limits: Option<(f64, f64)>,
) -> (
    bargain_core::package::talks::PackageEnd,
    Option<bargain_core::package::theory::Split>,
) {
    let (ua, ub) = (utilities(space, prefs[0]), utilities(space, prefs[1]));
    let frontier = ParetoFrontier::new(&ua, &ub);
    let j = space.issue_position("amount").expect("amount");
    let ratifiable = limits.map(|(floor, ceiling)| {
        let within: Vec<bool> = (0..space.len() as u32)
            .map(|o| {
                let x = space.issues()[j]
                    .numeric(space.value_index(o, j))
                    .expect("number");
                floor <= x && x <= ceiling
            })
            .collect();
        ParetoFrontier::new_where(&ua, &ub, Some(&within))
    });
    let transfer = Transfer::new(space, j, prefs).expect("transferable");
    let trial = SplitTrial {
        prefs,
        frontier: &frontier,
        ratifiable: ratifiable.as_ref(),
        limits: limits.unwrap_or((f64::NEG_INFINITY, f64::INFINITY)),
        rules,
    };
    split_closed_form(model, space, &transfer, &trial)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// An amount issue and a second issue that does not matter (weight 0 for one party, a
    /// constant value for the other): the amount before snapping is the one-issue closed
    /// form's on the same reservations (converted to amounts), discounts, risk and rounds,
    /// at 1e-12; and, under a calendar with lapse costs, in the same round.
    #[test]
    fn irrelevant_issues_give_the_one_issue_amount(
        lo in -5.0f64..5.0,
        width in 0.5f64..20.0,
        n in 20u32..200,
        r_payee in 0.05f64..0.45,
        r_payer in 0.05f64..0.45,
        d in (0.5f64..1.0, 0.5f64..1.0),
        risk in 0.0f64..1.0,
        rounds in 1u32..40,
        payee_first: bool,
        weight_other in 0.0f64..0.6,
        constant in 0.0f64..1.0,
        calendar in prop::option::of((0.5f64..2.0, 1u32..400, 0.0f64..0.05, 0.0f64..0.05)),
        gap in 0.0f64..0.3,
    ) {
        let hi = lo + width;
        let step = width / f64::from(n);
        let space = OutcomeSpace::new(vec![
            Issue::integer("term", 1, 3),
            Issue::number("amount", lo, hi, Some(step)),
        ]).expect("space");
        // With a calendar the reservations may miss each other by `gap` (of the range).
        let (r_payee, r_payer) = if calendar.is_some() { (r_payee + gap / 2.0, r_payer + gap / 2.0) } else { (r_payee, r_payer) };
        // The payee ignores the term; the payer values every term alike.
        let wa = 1.0 - weight_other;
        let payee = |reservation| prefs(vec![0.0, 1.0], vec![ValueFunction::Decreasing, ValueFunction::Increasing], reservation, d.0);
        let payer = |reservation| prefs(
            vec![weight_other, wa],
            vec![ValueFunction::Points(vec![(1.0, constant), (3.0, constant)]), ValueFunction::Decreasing],
            reservation,
            d.1,
        );
        // Payee: (x − lo)/w ≥ r; payer: w_t·c + w_a·(hi − x)/width ≥ ρ, ρ = w_t·c + w_a·r.
        let (pa, pb) = (payee(r_payee), payer(weight_other * constant + wa * r_payer));
        let x_payee = lo + r_payee * width;
        let x_payer = hi - r_payer * width;
        let cal = calendar.map(|(months, expiry, c0, c1)| Calendar {
            pace: bargain_core::calendar::Pace::FIXED,
            round_months: months,
            expiry_day: expiry,
            end_day: None,
            lapse_cost: [c0 * width, c1 * width],
            end_game: [None; 2],
        });
        let first = if payee_first { Side::Payee } else { Side::Payer };
        let n1 = Negotiation {
            payee: party(Side::Payee, x_payee, d.0),
            payer: party(Side::Payer, x_payer, d.1),
            protocol: Protocol { max_rounds: rounds, first_mover: first, breakdown_risk: risk, grid: None, obstinacy: [0.0; 2] },
            calendar: cal,
        };
        let slots: [&Preferences; 2] = if payee_first { [&pa, &pb] } else { [&pb, &pa] };
        // Lapse costs in the package's rules: utility per month, slot order.
        let rules = Rules {
            max_rounds: rounds,
            calendar: cal.map(|mut c| {
                let per = [0, 1].map(|i| utility_per_unit(slots[i], &space, 1));
                let money = if payee_first { c.lapse_cost } else { [c.lapse_cost[1], c.lapse_cost[0]] };
                c.lapse_cost = [money[0] * per[0], money[1] * per[1]];
                c
            }),
            breakdown_risk: risk,
        };
        for (m, one) in MODELS {
            let o = n1.outcome(one, &mut Xoshiro256PlusPlus::seed_from_u64(0), None);
            let (end, split) = run(m, &space, slots, &rules, None);
            match (o.kind, o.amount, split) {
                (OutcomeKind::Deal, Some(x), Some(s)) => {
                    // A zone that has just opened may hold no grid amount yet: the package
                    // strikes in the first round whose zone holds one.
                    prop_assert!(end.round >= o.round);
                    prop_assume!(end.round == o.round);
                    // The zone must lie inside the issue's range for the two to agree.
                    prop_assume!(s.zone.0 > lo && s.zone.1 < hi);
                    let tol = 1e-12 * x.abs().max(width);
                    prop_assert!((s.exact - x).abs() <= tol, "{m:?}: package {} vs one issue {x}", s.exact);
                    prop_assert_eq!(end.kind, OutcomeKind::Deal);
                    prop_assert_eq!(end.round, o.round, "{:?}", m);
                    // Snapped to a grid amount within a step of the exact split.
                    prop_assert!((s.amount - s.exact).abs() < step * (1.0 + 1e-9));
                }
                (OutcomeKind::NoZone, None, None) => prop_assert_eq!(end.kind, OutcomeKind::NoZone),
                // The same, when no round before the end has a grid amount in its zone.
                (OutcomeKind::Deal, Some(_), None) if cal.is_some() => {
                    prop_assert_eq!(end.kind, OutcomeKind::NoZone);
                }
                other => prop_assert!(false, "{m:?}: one issue {:?}, package {:?} ({other:?})", o, end),
            }
        }
    }
}

/// Amount 0..=10 (step 1) × a three-label `term`; the payee (weights 0.6 amount, 0.4
/// term) values the labels 0, 0.5, 1; the payer (0.5, 0.5) values them 1, 0.8, 0.
fn two_issue(payee_first: bool) -> (OutcomeSpace, Preferences, Preferences) {
    let space = OutcomeSpace::new(vec![
        Issue::number("amount", 0.0, 10.0, Some(1.0)),
        Issue::choice("term", &["a", "b", "c"]),
    ])
    .expect("space");
    let payee = prefs(
        vec![0.6, 0.4],
        vec![
            ValueFunction::Increasing,
            ValueFunction::Table(vec![0.0, 0.5, 1.0]),
        ],
        0.5,
        0.9,
    );
    let payer = prefs(
        vec![0.5, 0.5],
        vec![
            ValueFunction::Decreasing,
            ValueFunction::Table(vec![1.0, 0.8, 0.0]),
        ],
        0.4,
        0.8,
    );
    if payee_first {
        (space, payee, payer)
    } else {
        (space, payer, payee)
    }
}

/// By hand: a unit of amount is worth 0.06 to the payee and 0.05 to the payer; in amount
/// units the labels are worth (0, 3.33, 6.67) + (10, 8, 0) = (10, 11.33, 6.67): `b` is
/// efficient. Reservation amounts given `b`: payee (0.5 − 0.2)/0.06 = 5, payer
/// (0.4 − 0.4 − 0.5)/(−0.05) = 10. Rubinstein, payee first: 5 + 5·0.2/0.28 = 8.5714…
/// → 9; payer first: 10 − 5·0.1/0.28 = 8.2143 → 8. Ståhl over 3 offers (2 rounds):
/// 5 + 5·(0.2 + 0.72) = 9.6 → 10. BRW at p = 0.5: 5 + 5/1.5 = 8.333 → 8.
#[test]
fn a_two_issue_package_by_hand() {
    let cases = [
        (true, SplitModel::Rubinstein, 5.0 + 5.0 * 0.2 / 0.28, 9.0),
        (false, SplitModel::Rubinstein, 10.0 - 5.0 * 0.1 / 0.28, 8.0),
        (true, SplitModel::Stahl, 5.0 + 5.0 * 0.92, 10.0),
        (true, SplitModel::Brw, 5.0 + 5.0 / 1.5, 8.0),
    ];
    for (payee_first, m, exact, snapped) in cases {
        let (space, a, b) = two_issue(payee_first);
        let rules = Rules {
            max_rounds: 2,
            calendar: None,
            breakdown_risk: 0.5,
        };
        let (end, split) = run(m, &space, [&a, &b], &rules, None);
        let s = split.expect("a split");
        assert_eq!((end.kind, end.round), (OutcomeKind::Deal, 1), "{m:?}");
        assert!(
            (s.zone.0 - 5.0).abs() < 1e-9 && (s.zone.1 - 10.0).abs() < 1e-9,
            "{s:?}"
        );
        assert!(
            (s.exact - exact).abs() < 1e-9,
            "{m:?}: {} vs {exact}",
            s.exact
        );
        assert_eq!(s.amount, snapped, "{m:?}");
        assert_eq!(space.value_index(s.outcome, 1), 1, "term b");
        assert_eq!(end.outcome, Some(s.outcome));
    }
}

/// Ratification limits on the amount: a ceiling of 9 cuts the zone of `b` to [5, 9]
/// (Rubinstein: 5 + 4·0.714 = 7.857 → 8); a ceiling of 4 leaves only `c` rational
/// (reservation amounts 1.667 and 2: 1.667 + 0.333·0.714 = 1.905 → 2); a ceiling of 1
/// leaves nothing: `not_ratified` at the unlimited split (9).
#[test]
fn ratification_limits_cut_the_zone_or_the_deal() {
    let (space, a, b) = two_issue(true);
    let rules = Rules::plain(2);
    let share = 0.2 / 0.28;
    let cases = [
        (9.0, OutcomeKind::Deal, 5.0 + 4.0 * share, 8.0, 1),
        (4.0, OutcomeKind::Deal, 5.0 / 3.0 + share / 3.0, 2.0, 2),
        (1.0, OutcomeKind::NotRatified, 5.0 + 5.0 * share, 9.0, 1),
    ];
    for (ceiling, kind, exact, snapped, term) in cases {
        let (end, split) = run(
            SplitModel::Rubinstein,
            &space,
            [&a, &b],
            &rules,
            Some((f64::NEG_INFINITY, ceiling)),
        );
        let s = split.expect("a split");
        assert_eq!(end.kind, kind, "ceiling {ceiling}");
        assert!(
            (s.exact - exact).abs() < 1e-9,
            "ceiling {ceiling}: {} vs {exact}",
            s.exact
        );
        assert_eq!((s.amount, space.value_index(s.outcome, 1)), (snapped, term));
    }
}

/// Where the theory does not extend: a bent value of the amount, values of the amount
/// that rise (or fall) for both, an issue that is not numeric.
#[test]
fn transfers_are_refused_where_utility_is_not_transferable() {
    let (space, a, b) = two_issue(true);
    let mut bent = b.clone();
    bent.utility.values[0] = ValueFunction::Points(vec![(0.0, 1.0), (5.0, 0.2), (10.0, 0.0)]);
    assert_eq!(
        Transfer::new(&space, 0, [&a, &bent]),
        Err(NotTransferable::NotLinear(1))
    );
    // Flat beyond its last point: bends at 8 unless flat.
    bent.utility.values[0] = ValueFunction::Points(vec![(0.0, 1.0), (8.0, 0.0)]);
    assert_eq!(
        Transfer::new(&space, 0, [&a, &bent]),
        Err(NotTransferable::NotLinear(1))
    );
    // A line given by three points is a line.
    let mut line = b.clone();
    line.utility.values[0] = ValueFunction::Points(vec![(0.0, 1.0), (2.5, 0.75), (10.0, 0.0)]);
    let t = Transfer::new(&space, 0, [&a, &line]).expect("a line");
    assert_eq!(t.payee, 0);
    let mut same = b.clone();
    same.utility.values[0] = ValueFunction::Increasing;
    assert_eq!(
        Transfer::new(&space, 0, [&a, &same]),
        Err(NotTransferable::NotOpposed)
    );
    let mut zero = b.clone();
    zero.utility.weights = vec![0.0, 1.0];
    assert_eq!(
        Transfer::new(&space, 0, [&a, &zero]),
        Err(NotTransferable::NotOpposed)
    );
    assert_eq!(
        Transfer::new(&space, 1, [&a, &b]),
        Err(NotTransferable::NoAmount)
    );
}

fn table(next: &mut impl FnMut() -> f64, n: usize) -> Vec<f64> {
    (0..n).map(|_| next()).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Random packages (amount × an integer issue × a choice issue, random tables and
    /// weights, random exclusions): the chosen package is allowed, rational for both,
    /// undominated among the allowed outcomes (beyond 1e-12), and its combination of the
    /// other issues has the largest money surplus among the combinations with a rational
    /// allowed outcome.
    #[test]
    fn the_chosen_package_is_efficient_and_allowed(
        seed in any::<u64>(),
        sizes in (2usize..12, 1i64..4, 1usize..4),
        ra in 0.0f64..0.6,
        rb in 0.0f64..0.6,
        d in (0.3f64..1.0, 0.3f64..1.0),
        risk in 0.0f64..1.0,
        model in 0usize..3,
        payee_first: bool,
        n_rules in 0usize..4,
    ) {
        let mut x = seed | 1;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 11) as f64 / (1u64 << 53) as f64
        };
        let (na, nt, nc) = sizes;
        let labels = ["p", "q", "r"];
        let space = OutcomeSpace::new(vec![
            Issue::integer("term", 1, nt),
            Issue::number("amount", 0.0, na as f64, Some(1.0)),
            Issue::choice("esc", &labels[..nc]),
        ]).expect("space");
        let mut profile = |up: bool, r: f64, disc: f64| {
            let (w0, w1, w2) = (next(), 0.2 + next(), next());
            let s = w0 + w1 + w2;
            prefs(
                vec![w0 / s, w1 / s, 1.0 - w0 / s - w1 / s],
                vec![
                    ValueFunction::Points(vec![(1.0, next()), (nt.max(2) as f64, next())]),
                    if up { ValueFunction::Increasing } else { ValueFunction::Decreasing },
                    ValueFunction::Table(table(&mut next, nc)),
                ],
                r,
                disc,
            )
        };
        let pa = profile(payee_first, ra, d.0);
        let pb = profile(!payee_first, rb, d.1);
        let rules: Vec<Exclusion> = (0..n_rules)
            .map(|_| Exclusion { terms: vec![
                (0, vec![(next() * nt as f64) as usize]),
                (1, vec![(next() * (na + 1) as f64) as usize]),
            ] })
            .collect();
        let allowed = space.allowed(&rules);
        let (ua, ub) = (utilities(&space, &pa), utilities(&space, &pb));
        let frontier = ParetoFrontier::new_where(&ua, &ub, Some(&allowed));
        let transfer = Transfer::new(&space, 1, [&pa, &pb]).expect("transferable");
        let m = [SplitModel::Rubinstein, SplitModel::Stahl, SplitModel::Brw][model];
        let r = Rules { max_rounds: 5, calendar: None, breakdown_risk: risk };
        let trial = SplitTrial { prefs: [&pa, &pb], frontier: &frontier, ratifiable: None, limits: (f64::NEG_INFINITY, f64::INFINITY), rules: &r };
        let (end, split) = split_closed_form(m, &space, &transfer, &trial);
        let rational: Vec<u32> = (0..space.len() as u32)
            .filter(|&o| allowed[o as usize] && ua[o as usize] >= ra && ub[o as usize] >= rb)
            .collect();
        let Some(s) = split else {
            prop_assert!(rational.is_empty(), "no split with rational outcomes {rational:?}");
            prop_assert_eq!(end.kind, OutcomeKind::NoZone);
            return Ok(());
        };
        let o = s.outcome as usize;
        prop_assert_eq!(end.outcome, Some(s.outcome));
        prop_assert!(allowed[o], "excluded outcome chosen");
        prop_assert!(ua[o] >= ra && ub[o] >= rb, "not rational");
        for p in 0..space.len() {
            if !allowed[p] { continue; }
            let dominates = ua[p] >= ua[o] - 1e-12 && ub[p] >= ub[o] - 1e-12
                && (ua[p] > ua[o] + 1e-12 || ub[p] > ub[o] + 1e-12);
            prop_assert!(!dominates, "outcome {p} dominates {o}");
        }
        // The money surplus of a combination, from the utilities: u_a/k_a + u_b/k_b.
        let k = [0, 1].map(|i| transfer.lines[i].per_unit().abs());
        let money = |p: usize| ua[p] / k[0] + ub[p] / k[1];
        let best = rational.iter().map(|&p| money(p as usize)).fold(f64::NEG_INFINITY, f64::max);
        prop_assert!(money(o) >= best - 1e-9 * best.abs().max(1.0), "surplus {} < {best}", money(o));
        prop_assert!(s.exact >= s.zone.0 - 1e-9 && s.exact <= s.zone.1 + 1e-9, "{s:?}");
    }
}
