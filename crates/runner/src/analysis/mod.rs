//! Statistics over runs (no plots, no command line): comparing two runs, backtesting
//! against observed outcomes, Monte Carlo errors, parameter sweeps and sensitivity analysis.

pub mod backtest;
pub mod backtest_table;
pub mod calibrate;
pub mod cdf;
pub mod compare;
pub mod forecast;
pub mod forecast_diagrams;
pub mod mc_error;
pub mod package_compare;
pub mod package_sensitivity;
pub mod package_sweep;
pub mod rank;
pub mod sensitivity;
pub mod sobol;
pub mod sweep;
