//! factcheck-ls: checks the figures and quotes of a Markdown draft against a
//! folder of sources. See ARCHITECTURE.md for the layering.

// Lists of byte ranges with one element are normal here (one sentence, one
// quote piece); the lint is meant for `vec![0..n]` written by mistake.
#![allow(clippy::single_range_in_vec_init)]
pub mod cli;
pub mod config;
pub mod engine;
pub mod load;
pub mod protocol;
