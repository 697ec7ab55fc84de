//! An in-process LSP client for protocol tests: the real server over a
//! duplex pipe, JSON-RPC framed by Content-Length. It answers the server's
//! own requests (registration, progress tokens) and keeps every message it
//! receives so tests can wait for one.
#![allow(dead_code)]

use serde_json::{json, Value};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt, ReadHalf, WriteHalf};
use tokio::sync::{mpsc, Mutex};

pub struct Lsp {
    writer: std::sync::Arc<Mutex<WriteHalf<tokio::io::DuplexStream>>>,
    rx: mpsc::UnboundedReceiver<Value>,
    pub seen: Vec<Value>,
    next_id: i64,
}

pub const WAIT: Duration = Duration::from_secs(20);

async fn write_msg(w: &Mutex<WriteHalf<tokio::io::DuplexStream>>, v: &Value) {
    let body = serde_json::to_vec(v).unwrap();
    write_raw(w, &body).await;
}

async fn write_raw(w: &Mutex<WriteHalf<tokio::io::DuplexStream>>, body: &[u8]) {
    let mut w = w.lock().await;
    w.write_all(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes())
        .await
        .unwrap();
    w.write_all(body).await.unwrap();
    w.flush().await.unwrap();
}

async fn read_loop(
    mut r: ReadHalf<tokio::io::DuplexStream>,
    tx: mpsc::UnboundedSender<Value>,
    w: std::sync::Arc<Mutex<WriteHalf<tokio::io::DuplexStream>>>,
    answer: bool,
) {
    let mut buf: Vec<u8> = Vec::new();
    let mut chunk = vec![0u8; 1 << 16];
    loop {
        // Parse every complete message in the buffer.
        while let Some(head_end) = buf.windows(4).position(|x| x == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
            let len: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("Content-Length: "))
                .and_then(|v| v.trim().parse().ok())
                .expect("Content-Length header");
            if buf.len() < head_end + 4 + len {
                break;
            }
            let body: Vec<u8> = buf[head_end + 4..head_end + 4 + len].to_vec();
            buf.drain(..head_end + 4 + len);
            let v: Value = serde_json::from_slice(&body).expect("JSON from the server");
            // Server-to-client requests get an answer at once.
            if answer && v.get("id").is_some() && v.get("method").is_some() {
                let result = if v["method"] == "workspace/configuration" {
                    json!([null])
                } else {
                    Value::Null
                };
                write_msg(
                    &w,
                    &json!({"jsonrpc": "2.0", "id": v["id"], "result": result}),
                )
                .await;
            }
            if tx.send(v).is_err() {
                return;
            }
        }
        match r.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
}

impl Lsp {
    /// Starts a server and sends `initialize` + `initialized`.
    pub async fn start(
        capabilities: Value,
        init_options: Value,
        folders: &[&std::path::Path],
    ) -> (Lsp, Value) {
        Self::start_with(capabilities, init_options, folders, true).await
    }

    /// `answer: false` leaves the server's own requests unanswered.
    pub async fn start_with(
        capabilities: Value,
        init_options: Value,
        folders: &[&std::path::Path],
        answer: bool,
    ) -> (Lsp, Value) {
        let (client_io, server_io) = tokio::io::duplex(1 << 22);
        let (sr, sw) = tokio::io::split(server_io);
        tokio::spawn(async move {
            factcheck_ls::server::serve(
                sr,
                sw,
                factcheck_ls::server::Options {
                    debug_methods: true,
                    exit_watchdog: false,
                },
            )
            .await;
        });
        Self::connect(client_io, capabilities, init_options, folders, answer).await
    }

    /// Talks to a server at the other end of `client_io`: sends
    /// `initialize` + `initialized`.
    pub async fn connect(
        client_io: tokio::io::DuplexStream,
        capabilities: Value,
        init_options: Value,
        folders: &[&std::path::Path],
        answer: bool,
    ) -> (Lsp, Value) {
        let (cr, cw) = tokio::io::split(client_io);
        let writer = std::sync::Arc::new(Mutex::new(cw));
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(read_loop(cr, tx, writer.clone(), answer));
        let mut lsp = Lsp {
            writer,
            rx,
            seen: Vec::new(),
            next_id: 1,
        };
        let folders: Vec<Value> = folders
            .iter()
            .map(|f| json!({"uri": file_uri(f), "name": f.file_name().unwrap().to_string_lossy()}))
            .collect();
        let init = lsp
            .request("initialize", json!({
                "processId": null,
                "rootUri": null,
                "capabilities": capabilities,
                "initializationOptions": init_options,
                "workspaceFolders": if folders.is_empty() { Value::Null } else { Value::Array(folders) },
            }))
            .await;
        lsp.notify("initialized", json!({})).await;
        (lsp, init)
    }

    pub async fn notify(&mut self, method: &str, params: Value) {
        write_msg(
            &self.writer,
            &json!({"jsonrpc": "2.0", "method": method, "params": params}),
        )
        .await;
    }

    pub async fn raw(&mut self, body: &[u8]) {
        write_raw(&self.writer, body).await;
    }

    /// Sends a request and waits for its response (the whole response).
    pub async fn request_full(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        write_msg(
            &self.writer,
            &json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}),
        )
        .await;
        self.wait(|m| m.get("id") == Some(&json!(id)) && m.get("method").is_none())
            .await
    }

    /// Sends a request and returns its `result`, failing on an error.
    pub async fn request(&mut self, method: &str, params: Value) -> Value {
        let r = self.request_full(method, params).await;
        assert!(r.get("error").is_none(), "{method} failed: {r}");
        r["result"].clone()
    }

    /// Waits for a message matching `pred` (messages seen before count too;
    /// a matching message is consumed).
    pub async fn wait(&mut self, pred: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.seen.iter().position(&pred) {
            return self.seen.remove(i);
        }
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match tokio::time::timeout(left, self.rx.recv()).await {
                Ok(Some(v)) => {
                    if pred(&v) {
                        return v;
                    }
                    self.seen.push(v);
                }
                Ok(None) => panic!("server closed the connection"),
                Err(_) => panic!("timed out waiting for a message; seen: {:#?}", self.seen),
            }
        }
    }

    /// Waits for diagnostics of `uri` at `version` (any, if None).
    pub async fn diagnostics(&mut self, uri: &str, version: Option<i64>) -> Value {
        let uri = uri.to_string();
        self.wait(move |m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri.as_str()
                && version.is_none_or(|v| m["params"]["version"] == v)
        })
        .await["params"]
            .clone()
    }

    /// Waits for diagnostics of `uri` whose messages satisfy `pred`.
    pub async fn diagnostics_where(
        &mut self,
        uri: &str,
        pred: impl Fn(&[String]) -> bool,
    ) -> Value {
        let uri = uri.to_string();
        self.wait(move |m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri.as_str()
                && pred(&messages(&m["params"]))
        })
        .await["params"]
            .clone()
    }

    /// Drops the messages kept so far, so that a wait sees only new ones.
    pub fn forget_seen(&mut self) {
        self.seen.clear();
    }

    pub async fn open(&mut self, uri: &str, text: &str) {
        self.notify("textDocument/didOpen", json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}})).await;
    }

    pub async fn shutdown(&mut self) {
        self.request("shutdown", Value::Null).await;
        self.notify("exit", Value::Null).await;
    }
}

pub fn messages(diag_params: &Value) -> Vec<String> {
    diag_params["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["message"].as_str().unwrap().to_string())
        .collect()
}

pub fn file_uri(p: &std::path::Path) -> String {
    factcheck_ls::protocol::diagnostic::file_uri(p)
        .unwrap()
        .as_str()
        .to_string()
}

/// Applies a WorkspaceEdit's edits for one document to `text` (positions in
/// UTF-16, the default encoding).
pub fn apply_edit(text: &str, edit: &Value) -> String {
    let changes = &edit["documentChanges"][0]["edits"];
    let rope = ropey::Rope::from_str(text);
    let spans: Vec<(usize, usize, String)> = changes
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let pos = |p: &Value| {
                let p: tower_lsp_server::ls_types::Position =
                    serde_json::from_value(p.clone()).unwrap();
                factcheck_ls::protocol::position::offset_at(
                    &rope,
                    p,
                    factcheck_ls::protocol::position::Encoding::Utf16,
                )
                .unwrap()
            };
            (
                pos(&e["range"]["start"]),
                pos(&e["range"]["end"]),
                e["newText"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    // Edits at one position apply in array order: apply from the end, and
    // among equal positions the later edit first.
    let mut spans: Vec<(usize, (usize, usize, String))> = spans.into_iter().enumerate().collect();
    spans.sort_by_key(|(i, s)| std::cmp::Reverse((s.0, *i)));
    let spans: Vec<(usize, usize, String)> = spans.into_iter().map(|(_, s)| s).collect();
    let mut out = text.to_string();
    for (s, e, t) in spans {
        out.replace_range(s..e, &t);
    }
    out
}
