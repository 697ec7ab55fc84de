//! The real `factcheck-ls` binary as a language server over stdio, for
//! tests of what a user's editor sees: its stdin and stdout are bridged to
//! an `Lsp` client, and its log (stderr) is kept.
#![allow(dead_code)]

use super::lsp::Lsp;
use serde_json::Value;
use std::io::{BufRead, Read, Write};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The server process; killed when dropped.
pub struct ServerProcess {
    child: Child,
    log: Arc<Mutex<String>>,
}

impl ServerProcess {
    /// What the server logged so far.
    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the binary with `env` set and sends `initialize` + `initialized`.
pub async fn start(
    capabilities: Value,
    init_options: Value,
    folders: &[&std::path::Path],
    env: &[(&str, &str)],
) -> (Lsp, Value, ServerProcess) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_factcheck-ls"))
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (client_io, server_io) = tokio::io::duplex(1 << 22);
    let (from_client, to_client) = tokio::io::split(server_io);
    bridge_stdin(from_client, child.stdin.take().unwrap());
    bridge_stdout(child.stdout.take().unwrap(), to_client);
    let log = keep_log(child.stderr.take().unwrap());
    let (lsp, init) = Lsp::connect(client_io, capabilities, init_options, folders, true).await;
    (lsp, init, ServerProcess { child, log })
}

/// Client → server: what the client writes goes to the child's stdin.
fn bridge_stdin(
    mut from_client: tokio::io::ReadHalf<tokio::io::DuplexStream>,
    mut stdin: std::process::ChildStdin,
) {
    std::thread::spawn(move || {
        let mut buf = vec![0u8; 1 << 16];
        loop {
            let n = match futures::executor::block_on(from_client.read(&mut buf)) {
                Ok(0) | Err(_) => return,
                Ok(n) => n,
            };
            if stdin
                .write_all(&buf[..n])
                .and_then(|()| stdin.flush())
                .is_err()
            {
                return;
            }
        }
    });
}

/// Server → client: the child's stdout goes to the client; its end ends
/// the stream.
fn bridge_stdout(
    mut stdout: std::process::ChildStdout,
    mut to_client: tokio::io::WriteHalf<tokio::io::DuplexStream>,
) {
    std::thread::spawn(move || {
        let mut buf = vec![0u8; 1 << 16];
        while let Ok(n @ 1..) = stdout.read(&mut buf) {
            if futures::executor::block_on(to_client.write_all(&buf[..n])).is_err() {
                return;
            }
        }
        let _ = futures::executor::block_on(to_client.shutdown());
    });
}

fn keep_log(stderr: std::process::ChildStderr) -> Arc<Mutex<String>> {
    let log = Arc::new(Mutex::new(String::new()));
    let kept = log.clone();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            let mut kept = kept.lock().unwrap();
            kept.push_str(&line);
            kept.push('\n');
        }
    });
    log
}
