//! A tower layer around the LSP service: a panic in any handler becomes a
//! JSON-RPC error response (or, for a notification, a logged error) and the
//! server lives on. It also notes whether `shutdown` was requested, for the
//! exit code.

use futures::FutureExt;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use tower::Service;
use tower_lsp_server::jsonrpc::{Error, Request, Response};

pub struct CatchPanic<S> {
    pub inner: S,
    pub shutdown_seen: Arc<AtomicBool>,
    /// End the process soon after `exit` even if handlers are stuck (for
    /// the stdio binary; never in-process).
    pub exit_watchdog: bool,
}

impl<S> Service<Request> for CatchPanic<S>
where
    S: Service<Request, Response = Option<Response>>,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
{
    type Response = Option<Response>;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Option<Response>, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request) -> Self::Future {
        let id = req.id().cloned();
        let method = req.method().to_string();
        if method == "shutdown" {
            self.shutdown_seen.store(true, Ordering::SeqCst);
        }
        if method == "exit" && self.exit_watchdog {
            // The serve loop may wait on stuck notification handlers; make
            // sure the process ends soon after `exit` either way.
            let code = if self.shutdown_seen.load(Ordering::SeqCst) {
                0
            } else {
                1
            };
            std::thread::spawn(move || {
                std::thread::sleep(std::time::Duration::from_secs(2));
                std::process::exit(code);
            });
        }
        let fut = self.inner.call(req);
        Box::pin(async move {
            match AssertUnwindSafe(fut).catch_unwind().await {
                Ok(r) => r,
                Err(payload) => {
                    let msg = payload
                        .downcast_ref::<&str>()
                        .map(|s| s.to_string())
                        .or_else(|| payload.downcast_ref::<String>().cloned())
                        .unwrap_or_else(|| "unknown panic".to_string());
                    tracing::error!("handler for {method} panicked: {msg}");
                    Ok(id.map(|id| {
                        let mut e = Error::internal_error();
                        e.message = format!("internal error in {method}: {msg}").into();
                        Response::from_error(id, e)
                    }))
                }
            }
        })
    }
}
