//! The pure engine: no I/O, no LSP types. Text in, findings out.
pub mod check;
pub mod cite;
pub mod corpus;
pub mod figure;
pub mod lexicon;
pub mod markdown;
pub mod quote;
pub mod source;
pub mod text;
pub mod verdict;
