//! The integration tests of `core`, in one test binary (as rust-analyzer does: one
//! binary links once, where one per file made CI spend most of its time linking).
//! Each module is one former test file; `cargo test -p <crate> --test it MODULE` runs one.

mod attrition_events;
mod common;
mod faratin_examples;
mod learning_agents;
mod learning_weights;
mod learning_zone;
mod model_properties;
mod negmas_genius;
mod negmas_multi_issue;
mod negmas_reference;
mod package_properties;
mod package_tactics;
mod package_talks;
mod package_theory;
mod package_timed;
mod theory_attrition;
mod theory_chatterjee;
mod theory_nash;
mod theory_outside_breakdown;
mod theory_properties;
mod theory_rubinstein;
mod theory_stahl;
mod theory_two_level;
