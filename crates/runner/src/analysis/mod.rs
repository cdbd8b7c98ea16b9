//! Analyses across runs: comparing two runs, backtesting against observed outcomes,
//! parameter sweeps and sensitivity analysis.

pub mod backtest;
pub mod cdf;
pub mod compare;
pub mod rank;
pub mod sensitivity;
pub mod sobol;
pub mod sweep;
