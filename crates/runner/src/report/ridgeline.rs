//! ridge
