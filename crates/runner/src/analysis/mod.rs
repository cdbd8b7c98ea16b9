//! Analyses over many runs of a scenario: parameter sweeps and sensitivity analysis.

pub mod rank;
pub mod sensitivity;
pub mod sobol;
pub mod sweep;
