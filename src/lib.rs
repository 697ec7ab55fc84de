//! factcheck-ls: checks the figures and quotes of a Markdown draft against a
//! folder of sources. See ARCHITECTURE.md for the layering.

// Lists of byte ranges with one element are normal here (one sentence, one
// quote piece); the lint is meant for `vec![0..n]` written by mistake.
#![allow(clippy::single_range_in_vec_init)]
// Citation planning takes the draft, its analysis, the sentence and the source.
#![allow(clippy::too_many_arguments)]
pub mod cache;
pub mod cli;
pub mod config;
pub mod engine;
pub mod load;
pub mod protocol;
pub mod server;
