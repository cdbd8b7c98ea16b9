//! Analyses across runs: comparing two runs, backtesting against observed outcomes.

pub mod backtest;
pub mod cdf;
pub mod compare;
pub mod error;
