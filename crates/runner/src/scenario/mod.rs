//! Scenario files: parsing, validation and sampling.
