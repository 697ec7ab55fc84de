//! A guard in front of tower-lsp-server's transport. Its decoder ends the
//! input stream on the first undecodable message (tokio-util's FramedRead
//! stops after an error), and its envelope refuses ids that are not i64 and
//! repeated keys by ending the session. Here every frame is checked first:
//! a message the protocol does not allow is answered with a JSON-RPC error
//! (-32700, -32600, or -32601 for an unknown `$/` request) and dropped;
//! input that cannot be framed is reported and skipped up to the next
//! `Content-Length:` header (`Framer`). Only well-formed messages reach
//! the server.

use serde_json::{json, Value};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, DuplexStream};
use tokio::sync::mpsc;

/// Frames larger than this are refused (and skipped).
pub const MAX_FRAME_BYTES: usize = 64 * 1024 * 1024;
/// A header longer than this is refused, and the input resynchronised.
pub const MAX_HEADER_BYTES: usize = 8 * 1024;

fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

fn error_frame(id: Value, code: i64, message: &str) -> Vec<u8> {
    let v = json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}});
    frame(&serde_json::to_vec(&v).unwrap_or_default())
}

/// A message rejected by the guard: the id to answer, the JSON-RPC code,
/// and why.
type Rejection = (Value, i64, String);

fn invalid(id: &Value, why: &str) -> Rejection {
    (id.clone(), -32600, format!("invalid request: {why}"))
}

/// What the guard does with a message body.
#[derive(Debug, PartialEq)]
enum Verdict {
    /// Pass it to the server.
    Forward,
    /// Answer it here with this error, and drop it.
    Reject(Rejection),
}

/// Walks a JSON value and fails on the first object with a repeated key,
/// which `serde_json::Value` would silently merge (and tower-lsp-server's
/// envelope refuses by ending the session).
struct UniqueKeys;

impl<'de> serde::Deserialize<'de> for UniqueKeys {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(UniqueKeys)
    }
}

impl<'de> serde::de::Visitor<'de> for UniqueKeys {
    type Value = UniqueKeys;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("JSON")
    }
    fn visit_bool<E>(self, _: bool) -> Result<Self, E> {
        Ok(self)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self, E> {
        Ok(self)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self, E> {
        Ok(self)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self, E> {
        Ok(self)
    }
    fn visit_str<E>(self, _: &str) -> Result<Self, E> {
        Ok(self)
    }
    fn visit_unit<E>(self) -> Result<Self, E> {
        Ok(self)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut a: A) -> Result<Self, A::Error> {
        while a.next_element::<UniqueKeys>()?.is_some() {}
        Ok(self)
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut a: A) -> Result<Self, A::Error> {
        let mut seen = std::collections::HashSet::new();
        while let Some(k) = a.next_key::<String>()? {
            if !seen.insert(k.clone()) {
                return Err(serde::de::Error::custom(format!("duplicate key {k:?}")));
            }
            a.next_value::<UniqueKeys>()?;
        }
        Ok(self)
    }
}

/// An id the protocol allows: a string, or an integer that fits an i64
/// (`1.0`, `1e3` and `2^64` are numbers, but not ids).
fn valid_id(id: &Value) -> bool {
    id.is_string() || id.as_i64().is_some()
}

/// Whether a message body may reach the server, or why not.
fn check_message(body: &[u8]) -> Verdict {
    match classify(body) {
        Ok(()) => Verdict::Forward,
        Err(r) => Verdict::Reject(r),
    }
}

fn classify(body: &[u8]) -> Result<(), Rejection> {
    let parse = |e: serde_json::Error| (Value::Null, -32700, format!("parse error: {e}"));
    let v: Value = serde_json::from_slice(body).map_err(parse)?;
    let Some(obj) = v.as_object() else {
        return Err(invalid(&Value::Null, "not a JSON object"));
    };
    let id = obj.get("id");
    let answer_id = id.filter(|i| valid_id(i)).cloned().unwrap_or(Value::Null);
    serde_json::from_slice::<UniqueKeys>(body).map_err(|e| invalid(&answer_id, &e.to_string()))?;
    if obj.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
        return Err(invalid(&answer_id, "\"jsonrpc\" must be \"2.0\""));
    }
    if id.is_some_and(|i| !(i.is_null() || valid_id(i))) {
        return Err(invalid(
            &Value::Null,
            "an id must be a string or an integer within 64 bits",
        ));
    }
    match obj.get("method") {
        Some(Value::String(m)) => check_call(obj, m, id, &answer_id),
        Some(_) => Err(invalid(&answer_id, "method must be a string")),
        None if id.is_some_and(valid_id) && check_response(obj) => Ok(()),
        None => Err(invalid(&answer_id, "neither a call nor a response")),
    }
}

fn check_call(
    obj: &serde_json::Map<String, Value>,
    method: &str,
    id: Option<&Value>,
    answer_id: &Value,
) -> Result<(), Rejection> {
    if obj
        .get("params")
        .is_some_and(|p| !(p.is_object() || p.is_array() || p.is_null()))
    {
        return Err(invalid(answer_id, "params must be an object or array"));
    }
    // "$/" requests are the protocol's optional ones; a server that does
    // not know one must still answer it.
    if method.starts_with("$/") && id.is_some() {
        return Err((
            answer_id.clone(),
            -32601,
            format!("method not found: {method}"),
        ));
    }
    Ok(())
}

/// A response carries a result or an error object with a code and a message.
fn check_response(obj: &serde_json::Map<String, Value>) -> bool {
    match obj.get("error") {
        Some(e) => {
            e.get("code").is_some_and(|c| c.as_i64().is_some())
                && e.get("message").is_some_and(Value::is_string)
        }
        None => obj.contains_key("result"),
    }
}

/// What the framer found in the input.
#[derive(Debug, PartialEq)]
pub enum Event {
    /// A message body, as framed by its `Content-Length`.
    Frame(Vec<u8>),
    /// Input that could not be framed and was dropped, and why.
    Bad(String),
}

/// Splits a byte stream into `Content-Length` frames, and resynchronises
/// on the next header after anything it cannot frame: junk between frames,
/// a bad or missing length, a header that never ends, an LF-only header,
/// or a length that does not match its body (the body's JSON ends and the
/// next header follows it).
#[derive(Default)]
pub struct Framer {
    buf: Vec<u8>,
    /// Set while dropping junk, so that a run of it is reported once.
    in_junk: bool,
    /// How much of the body being received was searched for a header.
    scanned: usize,
}

/// Does `hay` hold `needle` at `at`, ignoring ASCII case?
fn starts_at(hay: &[u8], at: usize, needle: &[u8]) -> bool {
    hay.len() >= at + needle.len() && hay[at..at + needle.len()].eq_ignore_ascii_case(needle)
}

/// The first header name ("Content-Length", "Content-Type") at or after `from`.
fn header_start(buf: &[u8], from: usize) -> Option<usize> {
    let from = from.min(buf.len());
    memchr::memchr2_iter(b'c', b'C', &buf[from..])
        .map(|i| from + i)
        .find(|&i| starts_at(buf, i, b"content-length") || starts_at(buf, i, b"content-type"))
}

/// Where the header ends and its body begins: `\r\n\r\n`, or `\n\n`.
fn header_end(buf: &[u8]) -> Option<(usize, usize)> {
    let crlf = memchr::memmem::find(buf, b"\r\n\r\n").map(|i| (i, i + 4));
    let lf = memchr::memmem::find(buf, b"\n\n").map(|i| (i, i + 2));
    match (crlf, lf) {
        (Some(a), Some(b)) => Some(if a.0 <= b.0 { a } else { b }),
        (a, b) => a.or(b),
    }
}

/// The value of the `Content-Length` line of a header block.
fn content_length(head: &[u8]) -> Result<usize, String> {
    let head = String::from_utf8_lossy(head);
    let value = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case("content-length")
                .then(|| v.trim().to_string())
        })
        .ok_or_else(|| format!("a header without Content-Length: {:?}", shorten(&head)))?;
    match value.parse::<usize>() {
        Ok(n) if n <= MAX_FRAME_BYTES => Ok(n),
        Ok(n) => Err(format!(
            "a message of {n} bytes is over the {MAX_FRAME_BYTES} byte limit"
        )),
        Err(_) => Err(format!("a bad Content-Length: {:?}", shorten(&value))),
    }
}

fn shorten(s: &str) -> String {
    s.chars().take(80).collect()
}

/// Where the first JSON value of `body` ends, if the next header follows
/// it: the frame's length was wrong.
fn misframed(body: &[u8]) -> Option<usize> {
    let mut values =
        serde_json::Deserializer::from_slice(body).into_iter::<serde::de::IgnoredAny>();
    values.next()?.ok()?;
    let end = values.byte_offset();
    let rest = &body[end..];
    let gap = rest.iter().take_while(|b| b.is_ascii_whitespace()).count();
    header_start(&rest[gap..], 0)
        .is_some_and(|p| p == 0)
        .then_some(end)
}

impl Framer {
    pub fn push(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// The next event, or `None` until more input arrives.
    pub fn next_event(&mut self) -> Option<Event> {
        if let Some(junk) = self.drop_junk() {
            return Some(junk);
        }
        if self.buf.is_empty() {
            return None;
        }
        let head = &self.buf[..self.buf.len().min(MAX_HEADER_BYTES + 4)];
        let Some((end, body_at)) = header_end(head) else {
            if self.buf.len() <= MAX_HEADER_BYTES {
                return None;
            }
            // Drop the header's first byte: the junk rule finds the next.
            self.buf.drain(..1);
            return Some(Event::Bad(format!(
                "a header longer than {MAX_HEADER_BYTES} bytes"
            )));
        };
        match content_length(&self.buf[..end]) {
            Ok(len) => self.take_body(body_at, len),
            Err(why) => {
                self.buf.drain(..body_at);
                self.scanned = 0;
                Some(Event::Bad(why))
            }
        }
    }

    /// Drops anything before the next header; reports a run of it once.
    fn drop_junk(&mut self) -> Option<Event> {
        let keep_from = match header_start(&self.buf, 0) {
            Some(0) => {
                self.in_junk = false;
                return None;
            }
            Some(p) => p,
            // Keep a tail that may be the start of a header.
            None => self.buf.len().saturating_sub(b"content-length".len()),
        };
        let dropped: Vec<u8> = self.buf.drain(..keep_from).collect();
        let visible = dropped.iter().any(|b| !b.is_ascii_whitespace());
        if visible && !self.in_junk {
            self.in_junk = true;
            let text = String::from_utf8_lossy(&dropped);
            return Some(Event::Bad(format!(
                "input that is not a message: {:?}",
                shorten(&text)
            )));
        }
        None
    }

    /// The body of a header that ends at `body_at` and declares `len` bytes.
    fn take_body(&mut self, body_at: usize, len: usize) -> Option<Event> {
        let have = &self.buf[body_at..self.buf.len().min(body_at + len)];
        // A length longer than its body: the body's JSON ends, and the next
        // header follows, before the length is reached. Each stretch of the
        // body is searched once, and parsed only after a closing bracket.
        let mut from = self.scanned.saturating_sub(16);
        let mut mention = None;
        while let Some(p) = header_start(have, from) {
            let before = have[..p].trim_ascii_end();
            if before.ends_with(b"}") || before.ends_with(b"]") {
                mention = Some(p);
                break;
            }
            from = p + 1;
        }
        self.scanned = have.len();
        if let Some(json_end) = mention.and_then(|_| misframed(have)) {
            self.buf.drain(..body_at + json_end);
            self.scanned = 0;
            return Some(Event::Bad(format!(
                "Content-Length {len} does not match its body of {json_end} bytes"
            )));
        }
        if self.buf.len() < body_at + len {
            return None;
        }
        let body = self.buf[body_at..body_at + len].to_vec();
        self.buf.drain(..body_at + len);
        self.scanned = 0;
        Some(Event::Frame(body))
    }
}

/// Reads `Content-Length` frames from `input`; calls `on_frame` with each
/// body, or `on_bad` with a reason for input that could not be framed.
async fn read_frames<R: AsyncRead + Unpin>(
    mut input: R,
    mut on_frame: impl FnMut(Vec<u8>) -> bool,
    mut on_bad: impl FnMut(String),
) {
    let mut framer = Framer::default();
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        while let Some(event) = framer.next_event() {
            match event {
                Event::Frame(body) => {
                    if !on_frame(body) {
                        return;
                    }
                }
                Event::Bad(why) => on_bad(why),
            }
        }
        match input.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => framer.push(&chunk[..n]),
        }
    }
}

/// Puts the guard between the client's streams and the server. Returns the
/// streams the server should read and write.
pub fn guard<I, O>(input: I, output: O) -> (DuplexStream, DuplexStream)
where
    I: AsyncRead + Unpin + Send + 'static,
    O: AsyncWrite + Unpin + Send + 'static,
{
    let (server_in, mut to_server) = tokio::io::duplex(1 << 20);
    let (from_server, server_out) = tokio::io::duplex(1 << 20);
    let (out_tx, mut out_rx) = mpsc::unbounded_channel::<Vec<u8>>();

    // One writer to the client, whole frames at a time.
    tokio::spawn(async move {
        let mut output = output;
        while let Some(f) = out_rx.recv().await {
            if output.write_all(&f).await.is_err() || output.flush().await.is_err() {
                return;
            }
        }
    });

    // Server → client.
    let tx = out_tx.clone();
    tokio::spawn(read_frames(
        from_server,
        move |body| tx.send(frame(&body)).is_ok(),
        |why| tracing::error!("server wrote a bad frame: {why}"),
    ));

    // Client → server, checked.
    tokio::spawn(async move {
        let (fwd_tx, mut fwd_rx) = mpsc::unbounded_channel::<Vec<u8>>();
        let reject = out_tx.clone();
        let reader = read_frames(
            input,
            move |body| {
                match check_message(&body) {
                    Verdict::Forward => {
                        let _ = fwd_tx.send(frame(&body));
                    }
                    Verdict::Reject((id, code, why)) => {
                        tracing::warn!("rejecting a malformed message: {why}");
                        let _ = reject.send(error_frame(id, code, &why));
                    }
                }
                true
            },
            move |why| {
                tracing::warn!("skipping unreadable input: {why}");
                let _ = out_tx.send(error_frame(
                    Value::Null,
                    -32700,
                    &format!("parse error: {why}"),
                ));
            },
        );
        let writer = async move {
            while let Some(f) = fwd_rx.recv().await {
                if to_server.write_all(&f).await.is_err() {
                    return;
                }
            }
            let _ = to_server.shutdown().await;
        };
        tokio::join!(reader, writer);
    });
    (server_in, server_out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rejected(body: &[u8]) -> Rejection {
        match check_message(body) {
            Verdict::Reject(r) => r,
            Verdict::Forward => panic!("forwarded {}", String::from_utf8_lossy(body)),
        }
    }

    #[test]
    fn forwards_calls_and_responses() {
        for ok in [
            &br#"{"jsonrpc":"2.0","id":1,"method":"x","params":{}}"#[..],
            br#"{"jsonrpc":"2.0","method":"x"}"#,
            br#"{"jsonrpc":"2.0","id":-5,"method":"x"}"#,
            br#"{"jsonrpc":"2.0","id":"a","method":"x"}"#,
            br#"{"jsonrpc":"2.0","id":1,"result":null}"#,
            br#"{"jsonrpc":"2.0","id":1,"error":{"code":-1,"message":"no"}}"#,
            br#"{"jsonrpc":"2.0","method":"$/setTrace","params":{}}"#,
        ] {
            assert_eq!(
                check_message(ok),
                Verdict::Forward,
                "{}",
                String::from_utf8_lossy(ok)
            );
        }
    }

    #[test]
    fn rejects_envelopes_the_protocol_does_not_allow() {
        let bad_id = "invalid request: an id must be a string or an integer within 64 bits";
        for id in [
            "1.5",
            "1.0",
            "1e3",
            "18446744073709551615",
            "99999999999999999999",
            "{}",
            "true",
        ] {
            let body = format!(r#"{{"jsonrpc":"2.0","id":{id},"method":"shutdown"}}"#);
            assert_eq!(
                rejected(body.as_bytes()),
                (Value::Null, -32600, bad_id.into()),
                "{id}"
            );
        }
        assert_eq!(
            rejected(br#"{"jsonrpc":"2.0","id":1,"id":2,"method":"shutdown"}"#),
            (
                json!(2),
                -32600,
                "invalid request: duplicate key \"id\" at line 1 column 28".into()
            )
        );
        assert_eq!(
            rejected(br#"{"jsonrpc":"2.0","id":3,"method":"x","params":{},"params":{}}"#).2,
            "invalid request: duplicate key \"params\" at line 1 column 57"
        );
        assert_eq!(
            rejected(br#"{"jsonrpc":"2.0","id":3,"method":"x","params":{"a":1,"a":2}}"#).0,
            json!(3)
        );
        assert_eq!(
            rejected(br#"{"jsonrpc":"2.0","id":9.5,"result":null}"#).2,
            bad_id
        );
        assert_eq!(
            rejected(br#"{"jsonrpc":"2.0","id":4,"error":5}"#).2,
            "invalid request: neither a call nor a response"
        );
        assert_eq!(
            rejected(br#"{"jsonrpc":"2.0","id":5,"method":"$/unknown"}"#),
            (json!(5), -32601, "method not found: $/unknown".into())
        );
        assert_eq!(rejected(b"{not json").1, -32700);
        assert_eq!(rejected(b"[1]").1, -32600);
        assert_eq!(
            rejected(br#"{"jsonrpc":"2.0","id":7,"method":5}"#),
            (
                json!(7),
                -32600,
                "invalid request: method must be a string".into()
            )
        );
        assert_eq!(
            rejected(br#"{"jsonrpc":"1.0","id":"a","method":"x"}"#).0,
            json!("a")
        );
    }

    fn events(input: &[u8]) -> Vec<Event> {
        let mut f = Framer::default();
        let mut out = Vec::new();
        // Byte by byte: a frame split anywhere reads the same.
        for b in input {
            f.push(&[*b]);
            while let Some(e) = f.next_event() {
                out.push(e);
            }
        }
        out
    }

    const PROBE: &[u8] = br#"{"jsonrpc":"2.0","id":777,"method":"shutdown"}"#;

    fn then_probe(bad: &[u8]) -> Vec<Event> {
        let mut input = bad.to_vec();
        input.extend_from_slice(&frame(PROBE));
        events(&input)
    }

    fn probe() -> Event {
        Event::Frame(PROBE.to_vec())
    }

    fn bad(why: &str) -> Event {
        Event::Bad(why.to_string())
    }

    #[test]
    fn frames_whole_and_split_messages() {
        let mut two = frame(b"{}");
        two.extend_from_slice(b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\ncontent-length: 2\r\n\r\n[]");
        assert_eq!(
            events(&two),
            vec![Event::Frame(b"{}".to_vec()), Event::Frame(b"[]".to_vec())]
        );
        assert_eq!(
            then_probe(b"Content-Length: 2\n\n{}"),
            vec![Event::Frame(b"{}".to_vec()), probe()]
        );
    }

    #[test]
    fn resynchronises_after_a_bad_header() {
        assert_eq!(
            then_probe(b"Content-Length: -5\r\n\r\n{}"),
            vec![
                bad("a bad Content-Length: \"-5\""),
                bad("input that is not a message: \"{\""),
                probe()
            ]
        );
        assert_eq!(
            then_probe(b"Content-Length: abc\r\n\r\n"),
            vec![bad("a bad Content-Length: \"abc\""), probe()]
        );
        assert_eq!(
            then_probe(b"Content-Length: 99999999999999999999999\r\n\r\n"),
            vec![
                bad("a bad Content-Length: \"99999999999999999999999\""),
                probe()
            ]
        );
        assert_eq!(
            then_probe(b"Content-Length: 67108865\r\n\r\n"),
            vec![
                bad("a message of 67108865 bytes is over the 67108864 byte limit"),
                probe()
            ]
        );
        assert_eq!(
            then_probe(b"Content-Type: x\r\n\r\n"),
            vec![
                bad("a header without Content-Length: \"Content-Type: x\""),
                probe()
            ]
        );
        assert_eq!(
            then_probe(b"hello\r\n"),
            vec![bad("input that is not a message: \"h\""), probe()]
        );
    }

    #[test]
    fn resynchronises_after_a_wrong_length() {
        let body = br#"{"jsonrpc":"2.0","id":5,"method":"x"}"#;
        let mut short = b"Content-Length: 10\r\n\r\n".to_vec();
        short.extend_from_slice(body);
        let got = then_probe(&short);
        assert_eq!(got[0], Event::Frame(body[..10].to_vec()));
        assert_eq!(got.last(), Some(&probe()));
        let mut long = b"Content-Length: 60\r\n\r\n".to_vec();
        long.extend_from_slice(body);
        assert_eq!(
            then_probe(&long),
            vec![
                bad("Content-Length 60 does not match its body of 37 bytes"),
                probe()
            ]
        );
    }

    #[test]
    fn a_header_without_an_end_is_dropped() {
        let mut huge = b"Content-Length: 5\r\nX-Junk: ".to_vec();
        huge.extend(std::iter::repeat_n(b'a', 20_000));
        let got = then_probe(&huge);
        assert_eq!(got[0], bad("a header longer than 8192 bytes"));
        assert_eq!(got.last(), Some(&probe()));
        assert_eq!(got.len(), 3, "{got:?}");
    }

    #[test]
    fn a_body_that_mentions_a_header_is_read_whole() {
        let body =
            br#"{"jsonrpc":"2.0","method":"x","params":{"text":"Content-Length: 3\r\n\r\n"}}"#;
        assert_eq!(
            then_probe(&frame(body)),
            vec![Event::Frame(body.to_vec()), probe()]
        );
    }
}
