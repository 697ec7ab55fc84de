//! The language server: thin glue over the engine. See ARCHITECTURE.md.
pub mod backend;
pub mod document;
pub mod features;
pub mod panic;
pub mod transport;
pub mod workspace;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use tower_lsp_server::{LspService, Server};

/// Options for building the service.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Adds `factcheck/debugPanic`, a request that panics (for tests).
    pub debug_methods: bool,
    /// Ends the process two seconds after `exit`, whatever is still running.
    pub exit_watchdog: bool,
}

/// Serves LSP over the given streams until the client exits. Returns
/// whether `shutdown` was requested first.
pub async fn serve<I, O>(input: I, output: O, options: Options) -> bool
where
    I: tokio::io::AsyncRead + Unpin + Send + 'static,
    O: tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let (input, output) = transport::guard(input, output);
    let (service, socket) =
        LspService::build(|client| backend::Backend::new(client, options.debug_methods))
            .custom_method("factcheck/debugPanic", backend::Backend::debug_panic)
            .finish();
    let shutdown_seen = Arc::new(AtomicBool::new(false));
    let wrapped = panic::CatchPanic {
        inner: service,
        shutdown_seen: shutdown_seen.clone(),
        exit_watchdog: options.exit_watchdog,
    };
    Server::new(input, output, socket).serve(wrapped).await;
    shutdown_seen.load(Ordering::SeqCst)
}

/// Serves on stdin/stdout. The exit code follows LSP: 0 after
/// `shutdown` then `exit`, 1 otherwise.
pub fn run_stdio() -> std::process::ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("factcheck-ls: cannot start the async runtime: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    let clean = runtime.block_on(serve(
        tokio::io::stdin(),
        tokio::io::stdout(),
        Options {
            debug_methods: false,
            exit_watchdog: true,
        },
    ));
    // stdin's reader thread cannot be cancelled; leave without waiting for it.
    std::process::exit(if clean { 0 } else { 1 });
}
