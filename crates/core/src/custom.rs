//! The `agents` model with one party's negotiator supplied by the caller (a strategy
//! written outside this crate, e.g. in Python), through the very protocol the built-in
//! strategies play: [`negotiate`](crate::protocol::negotiate), or the calendar's
//! protocol with its end game and lapse moves. The other party keeps its own strategy.

use rand::Rng;

use crate::model::Negotiation;
use crate::outcome::Outcome;
use crate::party::Side;
use crate::protocol::{Protocol, frame_of, negotiate, negotiate_calendar, setup_for};
use crate::strategy::{Setup, Strategy};
use crate::trace::Trace;
use crate::workspace::Workspace;

impl Negotiation {
    /// What `side`'s strategy is built from under the `agents` model: the public view
    /// (the frame between the openings, the grid, the rounds it plans for — with a
    /// calendar, the rounds up to the expiry) and the party's own view. The built-in
    /// strategies of [`Negotiation::outcome_with`] are built from exactly this.
    #[must_use]
    pub fn agents_setup(&self, side: Side) -> Setup {
        let planning = match &self.calendar {
            None => self.protocol,
            Some(cal) => self.planning_protocol(cal).0,
        };
        setup_for(
            &planning,
            frame_of(&self.payee, &self.payer),
            self.party(side),
        )
    }

    /// The protocols of the calendar's talks: the planning rounds (up to the expiry) and
    /// every round (as the built-in agents play them).
    fn planning_protocol(&self, cal: &crate::Calendar) -> (Protocol, Protocol) {
        let total = cal.total_rounds(self.protocol.max_rounds);
        let horizon = cal.expiry_rounds().min(total);
        let planning = Protocol {
            max_rounds: horizon,
            ..self.protocol
        };
        let talks = Protocol {
            max_rounds: total,
            ..self.protocol
        };
        (planning, talks)
    }

    /// The outcome under the `agents` model with `side`'s negotiator replaced by
    /// `strategy` (which the caller builds from [`Negotiation::agents_setup`]); the other
    /// party's strategy is built from its spec as in [`Negotiation::outcome_with`]. The
    /// protocol, its breakdown draws from `rng`, a calendar's end game and lapse moves
    /// (after the expiry they move for every party but a hardliner, `strategy` included)
    /// and the ratification check are the built-in agents' own, so a `strategy` that
    /// decides as the party's built-in one gives a bit-identical outcome. Events
    /// (`Negotiation::outcome_in`) are not taken: the caller refuses them.
    pub fn agents_with<S, R>(
        &self,
        side: Side,
        strategy: &mut S,
        rng: &mut R,
        trace: Option<&mut Trace>,
        workspace: &mut Workspace,
    ) -> Outcome
    where
        S: Strategy + ?Sized,
        R: Rng + ?Sized,
    {
        let frame = frame_of(&self.payee, &self.payer);
        let (payee, payer) = (&self.payee, &self.payer);
        let memo = &mut workspace.memo;
        match &self.calendar {
            None => {
                let p = &self.protocol;
                let other = self.party(side.other());
                let mut built = other.strategy.build_with(setup_for(p, frame, other), memo);
                match side {
                    Side::Payee => negotiate(p, payee, payer, strategy, &mut built, rng, trace),
                    Side::Payer => negotiate(p, payee, payer, &mut built, strategy, rng, trace),
                }
            }
            Some(cal) => {
                let (planning, talks) = self.planning_protocol(cal);
                let horizon = planning.max_rounds;
                let other = self.party(side.other());
                let mut built = other
                    .strategy
                    .build_with(setup_for(&planning, frame, other), memo);
                let (t, c) = (&talks, cal);
                match side {
                    Side::Payee => negotiate_calendar(
                        t, payee, payer, strategy, &mut built, rng, trace, c, horizon,
                    ),
                    Side::Payer => negotiate_calendar(
                        t, payee, payer, &mut built, strategy, rng, trace, c, horizon,
                    ),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use rand::{RngExt, SeedableRng};
    use rand_xoshiro::Xoshiro256PlusPlus;

    use crate::protocol::tests::{random_calendar, random_grid, random_party};
    use crate::{Model, Negotiation, Outcome, Protocol, Side, Trace, Workspace};

    /// Either side's built-in strategy, built from `agents_setup` and handed in as a
    /// caller's strategy, gives the built-in agents' outcome, offers and draws bit for
    /// bit, with and without a calendar.
    #[test]
    fn a_supplied_strategy_that_decides_as_the_built_in_one_gives_the_same_talks() {
        let mut gen_rng = Xoshiro256PlusPlus::seed_from_u64(22);
        let mut ws = Workspace::new();
        for case in 0..20_000u64 {
            let n = Negotiation {
                payee: random_party(&mut gen_rng, Side::Payee),
                payer: random_party(&mut gen_rng, Side::Payer),
                protocol: Protocol {
                    max_rounds: gen_rng.random_range(1..40),
                    first_mover: if gen_rng.random::<bool>() {
                        Side::Payee
                    } else {
                        Side::Payer
                    },
                    breakdown_risk: [0.0, 0.02][gen_rng.random_range(0..2)],
                    grid: random_grid(&mut gen_rng),
                    obstinacy: [0.0; 2],
                },
                calendar: (case % 2 == 1).then(|| random_calendar(&mut gen_rng)),
            };
            let side = if case % 4 < 2 {
                Side::Payee
            } else {
                Side::Payer
            };
            let mut rng_a = Xoshiro256PlusPlus::seed_from_u64(case);
            let mut trace_a = Trace::new();
            let built_in = n.outcome_with(Model::Agents, &mut rng_a, Some(&mut trace_a), &mut ws);
            let mut own = n.party(side).strategy.build(n.agents_setup(side));
            let mut rng_b = Xoshiro256PlusPlus::seed_from_u64(case);
            let mut trace_b = Trace::new();
            let supplied = n.agents_with(side, &mut own, &mut rng_b, Some(&mut trace_b), &mut ws);
            let bits = |o: &Outcome| (o.kind, o.amount.map(f64::to_bits), o.round, o.accepted_by);
            assert_eq!(bits(&built_in), bits(&supplied), "case {case}");
            assert_eq!(trace_a.offers, trace_b.offers, "case {case}");
            assert_eq!(rng_a.random::<u64>(), rng_b.random::<u64>(), "case {case}");
        }
    }
}
