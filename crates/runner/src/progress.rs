//! A spinner with elapsed time for the analyses that do not report per-item progress
//! (`sensitivity`, `compare`, `backtest`): on stderr, only when it is a terminal and the
//! user did not ask for quiet; it clears itself when dropped.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A ticking spinner showing `message` and the elapsed time, or a hidden bar when
/// `quiet` or stderr is not a terminal.
#[must_use]
pub fn spinner(quiet: bool, message: String) -> Spinner {
    if quiet || !std::io::stderr().is_terminal() {
        return Spinner(ProgressBar::hidden());
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg}  {elapsed}") {
        bar.set_style(style);
    }
    bar.set_message(message);
    bar.enable_steady_tick(Duration::from_millis(120));
    Spinner(bar)
}

/// The spinner; cleared from the terminal when dropped.
#[derive(Debug)]
pub struct Spinner(ProgressBar);

impl Drop for Spinner {
    fn drop(&mut self) {
        self.0.finish_and_clear();
    }
}
