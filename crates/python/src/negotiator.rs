//! `bargain.run(…, strategies={"kr": MyNegotiator})`: a negotiator written in Python in
//! one party's place (issue #22 item 5).
//!
//! [`PyNegotiator`] is a [`Strategy`] (and the engine's [`Negotiator`]) that calls the
//! Python object's `respond(state, offer) -> bool` and `propose(state) -> float` on each
//! of its party's moves; the run is the engine's `ensemble::custom::run` (the trial
//! kernel, the core's protocol, the ensemble's accumulators and summary) on the calling
//! thread, holding the GIL. A fresh negotiator is made for every trial by calling the
//! class (or factory) with no arguments.

use bargain_core::Side;
use bargain_core::strategy::{Action, MoveContext, Setup, Strategy};
use bargain_runner::ensemble::custom::{CustomError, Negotiator};
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// What a Python negotiator sees on each of its moves (`state` of `propose` and
/// `respond`). Read-only; a new one per move.
#[pyclass(frozen, module = "bargain", name = "NegotiationState")]
pub struct State {
    /// The trial (0-based), as in `trials_df` and `replay`.
    #[pyo3(get)]
    trial: u64,
    /// The round (0-based, NegMAS's `step`); both parties move once a round.
    #[pyo3(get)]
    round: u32,
    /// NegMAS's relative time `(round + 1) / (max_rounds + 1)`.
    #[pyo3(get)]
    relative_time: f64,
    /// The rounds the negotiators plan for (with a `[calendar]`, those up to the expiry).
    #[pyo3(get)]
    max_rounds: u32,
    /// The party's key in the scenario (e.g. `kr`).
    #[pyo3(get)]
    party: String,
    /// `"payee"` (receives the amount, prefers more) or `"payer"` (prefers less).
    #[pyo3(get)]
    side: &'static str,
    /// The party's effective reservation (the better of reservation and outside option).
    #[pyo3(get)]
    reservation: f64,
    /// The party's effective opening.
    #[pyo3(get)]
    opening: f64,
    /// `(low, high)`: the payer's and the payee's effective openings, the public range
    /// the built-in strategies normalize utilities over.
    #[pyo3(get)]
    frame: (f64, f64),
    /// The offer grid `(lo, hi, step)`, or `None`.
    #[pyo3(get)]
    grid: Option<(f64, f64, f64)>,
    /// The opponent's standing offer (`None` only on the very first move).
    #[pyo3(get)]
    standing: Option<f64>,
    /// This party's offers so far, oldest first.
    #[pyo3(get)]
    own_offers: Vec<f64>,
    /// The opponent's offers so far, oldest first.
    #[pyo3(get)]
    opponent_offers: Vec<f64>,
}

#[pymethods]
impl State {
    fn __repr__(&self) -> String {
        format!(
            "NegotiationState(trial={}, round={}, relative_time={}, party={:?}, side={:?}, \
             reservation={}, opening={}, standing={:?}, own_offers={:?}, opponent_offers={:?})",
            self.trial,
            self.round,
            self.relative_time,
            self.party,
            self.side,
            self.reservation,
            self.opening,
            self.standing,
            self.own_offers,
            self.opponent_offers
        )
    }
}

/// Where a Python negotiator failed.
pub struct Failure {
    /// The round (0-based), or `None` when making the negotiator failed.
    round: Option<u32>,
    /// `propose`, `respond`, or the factory call.
    during: &'static str,
    /// The exception (raised, or made for a bad return value).
    error: PyErr,
}

/// A Python negotiator class (or factory) in one party's place.
pub struct PyNegotiator<'py> {
    py: Python<'py>,
    factory: Bound<'py, PyAny>,
    party: String,
    side: Side,
    trial: u64,
    setup: Option<Setup>,
    current: Option<Bound<'py, PyAny>>,
    own: Vec<f64>,
    opponent: Vec<f64>,
    failed: Option<Failure>,
}

impl<'py> PyNegotiator<'py> {
    /// `factory` (called with no arguments each trial) for the party `party` on `side`.
    pub fn new(py: Python<'py>, factory: Bound<'py, PyAny>, party: String, side: Side) -> Self {
        Self {
            py,
            factory,
            party,
            side,
            trial: 0,
            setup: None,
            current: None,
            own: Vec::new(),
            opponent: Vec::new(),
            failed: None,
        }
    }

    fn state(&self, setup: &Setup, ctx: &MoveContext) -> State {
        let max_rounds = setup.public.max_rounds;
        State {
            trial: self.trial,
            round: ctx.round,
            relative_time: f64::from(ctx.round + 1) / f64::from(max_rounds + 1),
            max_rounds,
            party: self.party.clone(),
            side: self.side.as_str(),
            reservation: setup.reservation(),
            opening: setup.opening(),
            frame: (setup.public.frame.low, setup.public.frame.high),
            grid: setup.public.grid.map(|g| (g.lo, g.hi, g.step)),
            standing: ctx.standing,
            own_offers: self.own.clone(),
            opponent_offers: self.opponent.clone(),
        }
    }

    /// The negotiator's move: `respond` to a standing offer, else (or on a refusal)
    /// `propose`, snapped to the grid toward the party's side.
    fn ask(
        &self,
        me: &Bound<'py, PyAny>,
        setup: &Setup,
        ctx: &MoveContext,
    ) -> Result<Action, Failure> {
        let fail = |during, error| Failure {
            round: Some(ctx.round),
            during,
            error,
        };
        let state = Bound::new(self.py, self.state(setup, ctx)).map_err(|e| fail("propose", e))?;
        if let Some(offer) = ctx.standing {
            let answer = me
                .call_method1("respond", (&state, offer))
                .map_err(|e| fail("respond", e))?;
            let accept = answer.extract::<bool>().map_err(|_| {
                fail(
                    "respond",
                    bad_value(&answer, "respond() must return a bool"),
                )
            })?;
            if accept {
                return Ok(Action::Accept);
            }
        }
        let answer = me
            .call_method1("propose", (&state,))
            .map_err(|e| fail("propose", e))?;
        let amount = answer
            .extract::<f64>()
            .ok()
            .filter(|x| !answer.is_instance_of::<pyo3::types::PyBool>() && x.is_finite())
            .ok_or_else(|| {
                let what = "propose() must return a finite number (an amount)";
                fail("propose", bad_value(&answer, what))
            })?;
        Ok(Action::Offer(match setup.public.grid {
            Some(g) => g.snap_toward(self.side, amount, setup.reservation()),
            None => amount,
        }))
    }
}

/// An exception for a bad return value: `what`, then what was returned.
fn bad_value(value: &Bound<'_, PyAny>, what: &str) -> PyErr {
    let repr = value
        .repr()
        .map_or_else(|_| "?".to_owned(), |r| r.to_string());
    let kind = value
        .get_type()
        .name()
        .map_or_else(|_| "?".to_owned(), |n| n.to_string());
    PyErr::new::<pyo3::exceptions::PyTypeError, _>(format!("{what}, got {repr} ({kind})"))
}

impl Strategy for PyNegotiator<'_> {
    fn decide(&mut self, ctx: &MoveContext) -> Action {
        // Between two moves of this party the opponent moved once: its standing offer.
        if let Some(s) = ctx.standing {
            self.opponent.push(s);
        }
        let (Some(setup), Some(me), None) = (self.setup, self.current.clone(), &self.failed) else {
            // Failed: end the talks as soon as possible (the trial is discarded).
            return match ctx.standing {
                Some(_) => Action::Accept,
                None => Action::Offer(self.setup.map_or(0.0, |s| s.opening())),
            };
        };
        match self.ask(&me, &setup, ctx) {
            Ok(action) => {
                if let Action::Offer(x) = action {
                    self.own.push(x);
                }
                action
            }
            Err(f) => {
                self.failed = Some(f);
                match ctx.standing {
                    Some(_) => Action::Accept,
                    None => Action::Offer(setup.opening()),
                }
            }
        }
    }
}

impl Negotiator for PyNegotiator<'_> {
    type Error = Failure;

    fn start(&mut self, trial: u64, setup: &Setup) -> Result<(), Failure> {
        let fail = |error| Failure {
            round: None,
            during: "making the negotiator",
            error,
        };
        // Ctrl-C between trials (during a Python call it is raised there).
        self.py.check_signals().map_err(fail)?;
        self.trial = trial;
        self.setup = Some(*setup);
        self.own.clear();
        self.opponent.clear();
        self.failed = None;
        self.current = Some(self.factory.call0().map_err(fail)?);
        Ok(())
    }

    fn finish(&mut self) -> Result<(), Failure> {
        self.current = None;
        self.failed.take().map_or(Ok(()), Err)
    }
}

/// The Python exception for a failed run: an interruption (`KeyboardInterrupt`, or any
/// `BaseException` that is not an `Exception`) as raised; an error inside the negotiator
/// as `bargain.NegotiatorError` naming the party, the trial and the round, with the
/// original exception as its `__cause__`.
pub fn error_to_py(py: Python<'_>, e: CustomError<Failure>, party: &str, name: &str) -> PyErr {
    let (trial, f) = match e {
        CustomError::Negotiator { trial, error } => (trial, error),
        CustomError::Interrupted(i) => {
            return pyo3::exceptions::PyKeyboardInterrupt::new_err(i.to_string());
        }
        CustomError::Unsupported(m) => return pyo3::exceptions::PyValueError::new_err(m),
    };
    if !f.error.is_instance_of::<PyException>(py) {
        return f.error;
    }
    let at = match f.round {
        Some(r) => format!("trial {trial}, round {r} (state.round), in {}()", f.during),
        None => format!("trial {trial}, {}", f.during),
    };
    let message = format!(
        "the negotiator of `{party}` ({name}) failed in {at}: {}",
        f.error
            .value(py)
            .repr()
            .map_or_else(|_| "?".to_owned(), |r| r.to_string())
    );
    let build = || -> PyResult<PyErr> {
        let class = py.import("bargain")?.getattr("NegotiatorError")?;
        let kwargs = PyDict::new(py);
        kwargs.set_item("party", party)?;
        kwargs.set_item("trial", trial)?;
        kwargs.set_item("round", f.round)?;
        kwargs.set_item("method", f.during)?;
        let value = class.call((message,), Some(&kwargs))?;
        let err = PyErr::from_value(value);
        err.set_cause(py, Some(f.error.clone_ref(py)));
        Ok(err)
    };
    build().unwrap_or_else(|err| err)
}
