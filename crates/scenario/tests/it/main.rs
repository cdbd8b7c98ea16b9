//! The integration tests of `scenario`, in one test binary (as rust-analyzer does: one
//! binary links once, where one per file made CI spend most of its time linking).
//! Each module is one former test file; `cargo test -p <crate> --test it MODULE` runs one.

mod extension_points;
mod field_table;
mod links;
mod package_events;
mod package_links;
mod package_rules;
mod package_scenarios;
mod package_schema;
mod package_split_models;
