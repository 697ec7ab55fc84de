//! The real binary against envelopes the protocol does not allow and
//! framing faults: after each one the server must still be alive, must
//! answer it with an error where it can, and must answer the next valid
//! request (it resynchronises on the next `Content-Length:` header).

use serde_json::Value;
use std::io::{Read, Write};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// A hang detector, not a speed target.
const WAIT: Duration = Duration::from_secs(30);

fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

struct Server {
    child: Child,
    messages: mpsc::Receiver<Value>,
}

impl Server {
    fn start() -> Server {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut child = Command::new(env!("CARGO_BIN_EXE_factcheck-ls"))
            .current_dir(dir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("server starts");
        let mut out = child.stdout.take().expect("stdout");
        let (tx, messages) = mpsc::channel();
        std::thread::spawn(move || {
            let _keep = dir;
            let mut buf = Vec::new();
            let mut chunk = [0u8; 8192];
            while let Ok(n) = out.read(&mut chunk) {
                if n == 0 {
                    return;
                }
                buf.extend_from_slice(&chunk[..n]);
                while let Some(v) = take_message(&mut buf) {
                    if tx.send(v).is_err() {
                        return;
                    }
                }
            }
        });
        let mut s = Server { child, messages };
        s.send(&frame(
            br#"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"capabilities":{}}}"#,
        ));
        s.response(0);
        s
    }

    fn send(&mut self, bytes: &[u8]) {
        let stdin = self.child.stdin.as_mut().expect("stdin");
        stdin.write_all(bytes).expect("server reads its input");
        stdin.flush().expect("flush");
    }

    /// Messages up to the response with this id.
    fn response(&mut self, id: i64) -> Vec<Value> {
        let mut got = Vec::new();
        loop {
            let m = self
                .messages
                .recv_timeout(WAIT)
                .unwrap_or_else(|_| panic!("no response {id}; got {got:?}"));
            let done = m.get("id") == Some(&Value::from(id)) && m.get("method").is_none();
            got.push(m);
            if done {
                return got;
            }
        }
    }

    /// Sends `bad`, then a valid request; returns the errors answered
    /// before the valid request's response.
    fn survives(&mut self, bad: &[u8], probe_id: i64) -> Vec<(Value, i64)> {
        self.send(bad);
        let probe = format!(
            r#"{{"jsonrpc":"2.0","id":{probe_id},"method":"textDocument/hover","params":{{"textDocument":{{"uri":"file:///nope.md"}},"position":{{"line":0,"character":0}}}}}}"#
        );
        self.send(&frame(probe.as_bytes()));
        let got = self.response(probe_id);
        assert!(
            self.child.try_wait().expect("status").is_none(),
            "server exited"
        );
        got[..got.len() - 1]
            .iter()
            .filter_map(|m| Some((m["id"].clone(), m["error"]["code"].as_i64()?)))
            .collect()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn take_message(buf: &mut Vec<u8>) -> Option<Value> {
    let end = buf.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&buf[..end]).to_string();
    let len: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("Content-Length: "))?
        .trim()
        .parse()
        .ok()?;
    if buf.len() < end + 4 + len {
        return None;
    }
    let v = serde_json::from_slice(&buf[end + 4..end + 4 + len]).expect("server writes JSON");
    buf.drain(..end + 4 + len);
    Some(v)
}

#[test]
fn ids_the_protocol_does_not_allow_are_answered_and_the_server_goes_on() {
    let mut s = Server::start();
    for (i, id) in [
        "1.5",
        "1.0",
        "1e3",
        "99999999999999999999",
        "18446744073709551615",
    ]
    .iter()
    .enumerate()
    {
        let bad = format!(r#"{{"jsonrpc":"2.0","id":{id},"method":"shutdown"}}"#);
        assert_eq!(
            s.survives(&frame(bad.as_bytes()), 100 + i as i64),
            vec![(Value::Null, -32600)],
            "id {id}"
        );
    }
    let response = br#"{"jsonrpc":"2.0","id":2.5,"result":null}"#;
    assert_eq!(
        s.survives(&frame(response), 110),
        vec![(Value::Null, -32600)]
    );
}

#[test]
fn duplicate_keys_are_answered_and_the_server_goes_on() {
    let mut s = Server::start();
    let cases: [(&[u8], Value); 4] = [
        (
            br#"{"jsonrpc":"2.0","id":1,"id":2,"method":"shutdown"}"#,
            2.into(),
        ),
        (
            br#"{"jsonrpc":"2.0","id":3,"method":"textDocument/hover","params":{},"params":{}}"#,
            3.into(),
        ),
        (
            br#"{"jsonrpc":"2.0","id":4,"method":"a","method":"b"}"#,
            4.into(),
        ),
        (
            br#"{"jsonrpc":"2.0","jsonrpc":"2.0","id":5,"method":"a"}"#,
            5.into(),
        ),
    ];
    for (i, (bad, id)) in cases.iter().enumerate() {
        assert_eq!(
            s.survives(&frame(bad), 200 + i as i64),
            vec![(id.clone(), -32600)]
        );
    }
}

#[test]
fn an_unknown_dollar_request_is_answered() {
    let mut s = Server::start();
    let bad = br#"{"jsonrpc":"2.0","id":7,"method":"$/somethingNew","params":{}}"#;
    assert_eq!(s.survives(&frame(bad), 300), vec![(7.into(), -32601)]);
}

#[test]
fn framing_faults_are_resynchronised_on_the_next_header() {
    let mut s = Server::start();
    let body = br#"{"jsonrpc":"2.0","id":9,"method":"x"}"#;
    let with = |head: &str, body: &[u8]| {
        let mut v = head.as_bytes().to_vec();
        v.extend_from_slice(body);
        v
    };
    let mut huge_header = b"X-Junk: ".to_vec();
    huge_header.extend(std::iter::repeat_n(b'a', 10 * 1024 * 1024));
    let faults: Vec<Vec<u8>> = vec![
        with("Content-Length: 10\r\n\r\n", body),
        with("Content-Length: 60\r\n\r\n", body),
        with("Content-Length: -5\r\n\r\n", b"{}"),
        with("Content-Length: abc\r\n\r\n", b"{}"),
        with("Content-Length: 99999999999999999999999\r\n\r\n", b"{}"),
        with("Content-Type: text/plain\r\n\r\n", b"{}"),
        with("Content-Length: 2\n\n", b"{}"),
        huge_header,
    ];
    for (i, bad) in faults.iter().enumerate() {
        let errors = s.survives(bad, 400 + i as i64);
        assert!(
            !errors.is_empty() && errors.iter().all(|(_, c)| *c == -32700 || *c == -32600),
            "fault {i}: {errors:?}"
        );
    }
}
