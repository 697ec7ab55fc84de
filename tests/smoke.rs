//! The built binary over stdio, as an editor starts it.
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn send(stdin: &mut impl Write, v: &Value) {
    let body = serde_json::to_string(v).unwrap();
    write!(stdin, "Content-Length: {}\r\n\r\n{}", body.len(), body).unwrap();
    stdin.flush().unwrap();
}

fn recv(out: &mut impl BufRead) -> Value {
    let mut len = 0;
    loop {
        let mut line = String::new();
        out.read_line(&mut line).unwrap();
        if line == "\r\n" {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length: ") {
            len = v.trim().parse().unwrap();
        }
    }
    let mut body = vec![0; len];
    out.read_exact(&mut body).unwrap();
    serde_json::from_slice(&body).unwrap()
}

#[test]
fn the_binary_serves_lsp_on_stdio() {
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut child = Command::new(env!("CARGO_BIN_EXE_factcheck-ls"))
        .arg("--stdio")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let folder = factcheck_ls::protocol::diagnostic::file_uri(&root.join("fixtures")).unwrap();
    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}, "workspaceFolders": [{"uri": folder.as_str(), "name": "fixtures"}]}}),
    );
    let init = recv(&mut out);
    assert_eq!(init["result"]["serverInfo"]["name"], "factcheck-ls");
    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
    );
    let uri = factcheck_ls::protocol::diagnostic::file_uri(&root.join("fixtures/drafts/smoke.md"))
        .unwrap();
    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": uri.as_str(), "languageId": "markdown", "version": 1, "text": "ICE has 30 field offices.\n"}}}),
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        assert!(Instant::now() < deadline, "no diagnostics in time");
        let m = recv(&mut out);
        if m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["diagnostics"][0]["message"]
                == "source says 25 field offices, not 30; see 003"
        {
            break;
        }
    }
    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": null}),
    );
    loop {
        let m = recv(&mut out);
        if m["id"] == 2 {
            break;
        }
    }
    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "method": "exit", "params": null}),
    );
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
}
