//! Terms of the report pages with their short definitions (the tooltips), in step with
//! `docs/glossary.md`: a report folder is offline, so a term carries its definition as a
//! `title` and the page footer names the glossary file.

use super::html::escape;

/// `(term, short definition)`; each term is a heading of `docs/glossary.md`.
pub const TERMS: [(&str, &str); 11] = [
    (
        "payee",
        "the side that receives the amount and prefers more",
    ),
    ("payer", "the side that pays the amount and prefers less"),
    (
        "reservation",
        "the worst amount a side would still accept (payee's floor, payer's ceiling)",
    ),
    (
        "zone of agreement",
        "the amounts both sides prefer to no deal: [payee's floor, payer's ceiling]",
    ),
    (
        "lapse",
        "time after the current agreement expired without a new one; each month moves the reservations",
    ),
    (
        "PIT",
        "probability integral transform: the share of the model's outcomes at or below the observed one",
    ),
    (
        "CRPS",
        "continuous ranked probability score: the integrated squared gap between the model's CDF and the observed value's step (lower is better)",
    ),
    (
        "KS",
        "Kolmogorov–Smirnov distance: the largest vertical gap between the two CDFs (0–1)",
    ),
    (
        "W₁",
        "Wasserstein-1 distance: the area between the two CDFs, in the unit of the amount",
    ),
    (
        "PRCC",
        "partial rank correlation: an input's rank correlation with the output after removing the other inputs' linear effect",
    ),
    (
        "Sobol",
        "variance-based indices: the share of the output's variance due to the input alone (first order) or with its interactions (total)",
    ),
];

/// Spearman's ρ (its own entry: the symbol is shown, the name is the glossary heading).
pub const SPEARMAN: &str =
    "Spearman's rank correlation of the input with the output over the sampled trials";

/// `text` marked as the glossary term `term`: a dotted `<abbr>` with its definition as
/// the tooltip (plain escaped text for an unknown term).
#[must_use]
pub fn term(term: &str, text: &str) -> String {
    let def = if term == "Spearman" {
        Some(SPEARMAN)
    } else {
        TERMS.iter().find(|(t, _)| *t == term).map(|(_, d)| *d)
    };
    match def {
        Some(d) => format!(
            "<abbr class=\"term\" title=\"{}\">{}</abbr>",
            escape(&format!("{d} (docs/glossary.md)")),
            escape(text)
        ),
        None => escape(text),
    }
}

/// The footer note that names the glossary.
pub const NOTE: &str = "<p class=\"note\">Terms with a dotted underline show their definition on hover; all are defined in <code>docs/glossary.md</code> of the bargain repository.</p>";
