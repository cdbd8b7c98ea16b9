//! The report's table of the agents' outcomes by negotiator-type pair.

use std::fmt::{self, Write};

use bargain_core::OutcomeKind;

use super::html::escape;
use super::mc_error::rate_with_se;
use super::style::pct;
use crate::pairs::PairTable;

/// Write the section into `out`.
///
/// # Errors
/// Never in practice (writing to a `String`).
pub(crate) fn write(out: &mut String, p: &PairTable) -> Result<(), fmt::Error> {
    writeln!(out, "<h2>Agents by negotiator-type pair</h2>")?;
    write!(
        out,
        "<div class=\"scroll\"><table><thead><tr><th>payee</th><th>payer</th><th>trials</th><th>deal rate ± se</th>"
    )?;
    for k in OutcomeKind::ALL.iter().skip(1) {
        write!(out, "<th>{}</th>", k.as_str().replace('_', " "))?;
    }
    writeln!(out, "</tr></thead><tbody>")?;
    for r in &p.rows {
        write!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td>",
            escape(&r.payee),
            escape(&r.payer),
            r.trials,
            rate_with_se(r.agreement_rate(), r.trials)
        )?;
        for k in OutcomeKind::ALL.iter().skip(1) {
            let n = r.outcomes[k.index()];
            write!(out, "<td>{}</td>", pct(n as f64 / r.trials.max(1) as f64))?;
        }
        writeln!(out, "</tr>")?;
    }
    writeln!(out, "</tbody></table></div>")?;
    writeln!(
        out,
        "<p class=\"note\">Trials 0..{} of the run, replayed exactly as the ensemble ran them, \
         grouped by the negotiator types drawn for the two parties.</p>",
        p.sampled
    )
}
