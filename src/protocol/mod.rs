//! The glue between the engine's byte offsets and LSP's shapes. Shared by
//! the server and the CLI's JSON/SARIF output.
pub mod diagnostic;
pub mod position;
