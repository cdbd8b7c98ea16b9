//! `[context]` and expressions: named quantities drawn per trial like any input
//! (`fx = { normal = [1150, 25] }`), and numbers written as expressions over them
//! (`reservation = "1.2 * fx / 1000"`).
//!
//! Expressions are parsed by [`exmex`] (a maintained, dependency-light evaluator: one
//! `regex` for its tokenizer) once, when the scenario is checked. `exmex` takes the
//! values of an expression's names as a slice in the alphabetical order of the names,
//! so each compiled [`Formula`] keeps, per name, the slot of the context quantity it
//! reads: a trial fills a fixed array of context values and evaluates every formula
//! from it, without allocating (`exmex` keeps up to 32 operands on the stack, hence
//! [`MAX_OPERANDS`]).
//!
//! Dated events that `set`/`shift` a context quantity (`crate::events`): a quantity is a
//! slot ([`crate::sample::Target::Context`]) of the trial's context values; an event
//! changes that slot from its date on and re-evaluates the formulas reading it
//! ([`Formula::slots`]) into sets of the inputs they are (`validate/event_links.rs`
//! widens such a formula's range to what the events can bring).

use exmex::{Express, FlatEx};

/// Most quantities a `[context]` table may declare (a trial keeps their values in a
/// fixed array on the stack).
pub(crate) const MAX_CONTEXT: usize = 32;

/// Most numbers and names one expression may hold: `exmex` evaluates expressions of up
/// to 32 operands on the stack, so evaluation never allocates.
pub(crate) const MAX_OPERANDS: usize = 32;

/// A compiled expression: what it reads and the range validation found for it.
#[derive(Debug, Clone)]
pub(crate) struct Formula {
    expr: FlatEx<f64>,
    /// The context slot of each of the expression's names, in `exmex`'s order (the
    /// alphabetical order of the names).
    slots: Vec<usize>,
    /// The smallest and largest values validation found (every trial's value is kept
    /// within them: see [`Formula::eval`]).
    pub lo: f64,
    /// See [`Formula::lo`].
    pub hi: f64,
}

/// Why an expression cannot be compiled: a syntax error, or a name that is not a
/// context quantity (with the declared names, for a hint).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum FormulaError {
    /// `exmex` refused the text (its message).
    Syntax(String),
    /// A name that `[context]` does not declare.
    UnknownName(String),
    /// More operands than [`MAX_OPERANDS`] (the count found).
    TooLong(usize),
}

/// Upper bound on the operands of `text`: the maximal runs of letters, digits, `_` and
/// `.` (numbers, names and function names; a function name only makes it larger).
fn operand_bound(text: &str) -> usize {
    let mut count = 0;
    let mut inside = false;
    for c in text.chars() {
        let part = c.is_alphanumeric() || c == '_' || c == '.';
        if part && !inside {
            count += 1;
        }
        inside = part;
    }
    count
}

impl Formula {
    /// Parse `text`, whose names must be among `names` (the context's names, slot =
    /// position). The range is left at `(-inf, inf)` until validation probes it.
    pub(crate) fn parse(text: &str, names: &[String]) -> Result<Formula, FormulaError> {
        let operands = operand_bound(text);
        if operands > MAX_OPERANDS {
            return Err(FormulaError::TooLong(operands));
        }
        let expr = FlatEx::<f64>::parse(text)
            .map_err(|e| FormulaError::Syntax(e.msg().trim().to_owned()))?;
        let mut slots = Vec::with_capacity(expr.var_names().len());
        for name in expr.var_names() {
            match names.iter().position(|n| n == name) {
                Some(slot) => slots.push(slot),
                None => return Err(FormulaError::UnknownName(name.clone())),
            }
        }
        Ok(Formula {
            expr,
            slots,
            lo: f64::NEG_INFINITY,
            hi: f64::INFINITY,
        })
    }

    /// The context slots the expression reads (each once).
    pub(crate) fn slots(&self) -> &[usize] {
        &self.slots
    }

    /// The value at the context values `context` (by slot), without the range: NaN if
    /// `exmex` fails (it cannot, the slice has the expression's length).
    pub(crate) fn raw(&self, context: &[f64]) -> f64 {
        let mut vars = [0.0; MAX_CONTEXT];
        for (v, &s) in vars.iter_mut().zip(&self.slots) {
            *v = context.get(s).copied().unwrap_or(f64::NAN);
        }
        let n = self.slots.len().min(MAX_CONTEXT);
        self.expr.eval(&vars[..n]).unwrap_or(f64::NAN)
    }

    /// The value at the context values `context`, kept within `[lo, hi]` (a NaN, which
    /// validation rules out where it looks, becomes `lo`). Allocates nothing.
    pub(crate) fn eval(&self, context: &[f64]) -> f64 {
        let x = self.raw(context);
        if x.is_nan() {
            self.lo
        } else {
            x.clamp(self.lo, self.hi)
        }
    }
}

/// Whether `name` may name a context quantity: lowercase letters, digits and `_`, not
/// starting with a digit, and not a function or constant of the expressions (`exp`,
/// `e`, `min`, …: then it would not parse as a name).
pub(crate) fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    (first.is_ascii_lowercase() || first == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && FlatEx::<f64>::parse(name).is_ok_and(|e| e.var_names() == [name.to_owned()])
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn evaluates_by_slot_whatever_the_alphabetical_order() {
        let names = vec!["zeta".to_owned(), "alpha".to_owned()];
        let f = Formula::parse("2 * zeta - alpha / 4", &names).unwrap();
        assert_eq!(f.slots(), &[1, 0]);
        assert_eq!(f.eval(&[10.0, 8.0]), 18.0);
    }

    #[test]
    fn unknown_names_and_syntax_errors_are_reported() {
        let names = vec!["fx".to_owned()];
        assert_eq!(
            Formula::parse("1.2 * fz", &names).unwrap_err(),
            FormulaError::UnknownName("fz".into())
        );
        assert!(matches!(
            Formula::parse("1.2 * (fx", &names),
            Err(FormulaError::Syntax(_))
        ));
        let long = vec!["fx"; 40].join(" + ");
        assert_eq!(
            Formula::parse(&long, &names).unwrap_err(),
            FormulaError::TooLong(40)
        );
    }

    #[test]
    fn names_of_functions_and_constants_are_refused() {
        assert!(valid_name("fx") && valid_name("troops_2020"));
        for bad in ["e", "exp", "min", "PI", "Fx", "2x", "", "a-b"] {
            assert!(!valid_name(bad), "{bad}");
        }
    }
}
