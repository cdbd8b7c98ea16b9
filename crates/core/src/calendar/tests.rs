//! Changes of the rounds' pace ([`Pace`]): days by hand, the count of rounds against a
//! brute-force count, and the fixed pace unchanged.

use proptest::prelude::*;

use super::*;

fn calendar(round_months: f64, expiry_day: u32, end_day: Option<u32>) -> Calendar {
    Calendar {
        round_months,
        expiry_day,
        end_day,
        lapse_cost: [0.0; 2],
        end_game: [None; 2],
        pace: Pace::FIXED,
    }
}

/// By hand: 2 months a round (⌊r · 60.87375⌋ = 0, 60, 121, 182, …); from the first round
/// on or after day 74 (round 2, day 121) a month a round: 121 + ⌊k · 30.436875⌋.
#[test]
fn a_halved_pace_by_hand() {
    let mut cal = calendar(2.0, 181, Some(365));
    assert_eq!(cal.total_rounds(100), 7);
    assert!(cal.change_pace(74, 1.0));
    let days: Vec<u32> = (0..12).map(|r| cal.day(r)).collect();
    assert_eq!(
        days,
        [0, 60, 121, 151, 181, 212, 242, 273, 303, 334, 364, 394]
    );
    assert_eq!(cal.pace.changes().len(), 1);
    assert_eq!(
        (cal.pace.changes()[0].round, cal.pace.changes()[0].day),
        (2, 121)
    );
    assert_eq!(cal.total_rounds(100), 11);
    assert_eq!(cal.expiry_rounds(), 5);
    assert_eq!(cal.rounds_until(241), 6);
    assert_eq!(cal.rounds_until(242), 7);
    assert_eq!((cal.months_at(1), cal.months_at(2)), (2.0, 1.0));
    // Lapse months follow the days.
    assert_eq!(cal.lapse_months(6), 61.0 / DAYS_PER_MONTH);
    // As known before the change: the fixed pace.
    assert_eq!(cal.through(1), calendar(2.0, 181, Some(365)));
    assert_eq!(cal.through(2), cal);
    // A second change at the same round replaces the first; a later one adds a segment.
    let mut again = cal;
    assert!(again.change_pace(100, 3.0));
    assert_eq!(again.pace.changes().len(), 1);
    assert_eq!(again.day(3), 121 + 91);
    assert!(cal.change_pace(200, 0.5));
    // Round 5 (day 212) is the first on or after day 200; then ⌊k · 15.2184375⌋ apart.
    assert_eq!((cal.day(5), cal.day(6), cal.day(7)), (212, 227, 242));
}

#[test]
fn the_list_of_changes_is_bounded() {
    let mut cal = calendar(1.0, 100, Some(2000));
    for i in 0..MAX_PACE_CHANGES as u32 {
        assert!(cal.change_pace(100 * (i + 1), 1.0 + f64::from(i)));
    }
    assert!(!cal.change_pace(1900, 0.5));
    assert_eq!(cal.pace.changes().len(), MAX_PACE_CHANGES);
}

proptest! {
    /// Days never fall as rounds rise, and `rounds_until` counts the rounds on or before
    /// a day exactly (as a brute-force count), with up to four changes of pace.
    #[test]
    fn rounds_until_counts_the_rounds(
        months in 0.05f64..6.0,
        changes in proptest::collection::vec((0u32..3000, 0.05f64..6.0), 0..=MAX_PACE_CHANGES),
        last in 0u32..4000,
    ) {
        let mut cal = calendar(months, 365, Some(4000));
        let mut changes = changes;
        changes.sort_by_key(|c| c.0);
        for (day, m) in changes {
            prop_assert!(cal.change_pace(day, m));
        }
        let mut count = 0;
        let mut prev = 0;
        for r in 0..=MAX_CALENDAR_ROUNDS {
            let d = cal.day(r);
            prop_assert!(d >= prev);
            prev = d;
            if d <= last {
                count += 1;
            } else {
                break;
            }
        }
        prop_assert_eq!(cal.rounds_until(last), count.max(1));
    }

    /// Without a change the calendar computes `⌊r · round_months · 30.436875⌋` exactly,
    /// as before paces existed.
    #[test]
    fn a_fixed_pace_is_the_formula(months in 0.01f64..12.0, r in 0u32..20_000) {
        let cal = calendar(months, 365, None);
        let x = f64::from(r) * months * DAYS_PER_MONTH;
        prop_assert_eq!(cal.day(r), x.floor() as u32);
    }
}
