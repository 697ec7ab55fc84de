//! A guard in front of tower-lsp-server's transport. Its decoder ends the
//! input stream on the first undecodable message (tokio-util's FramedRead
//! stops after an error), which would stop the server. Here every frame is
//! checked first: a malformed one is answered with a JSON-RPC error and
//! dropped, and only well-formed messages reach the server.

use serde_json::{json, Value};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, DuplexStream};
use tokio::sync::mpsc;

/// Frames larger than this are refused (and skipped).
pub const MAX_FRAME_BYTES: usize = 64 * 1024 * 1024;

fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

fn error_frame(id: Value, code: i64, message: &str) -> Vec<u8> {
    let v = json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}});
    frame(&serde_json::to_vec(&v).unwrap_or_default())
}

/// Why a message body is not a JSON-RPC message, with the id to answer.
fn check_message(body: &[u8]) -> Result<(), (Value, i64, String)> {
    let v: Value = serde_json::from_slice(body)
        .map_err(|e| (Value::Null, -32700, format!("parse error: {e}")))?;
    let Some(obj) = v.as_object() else {
        return Err((
            Value::Null,
            -32600,
            "invalid request: not a JSON object".into(),
        ));
    };
    let id = obj.get("id").cloned();
    let id_ok = id
        .as_ref()
        .is_none_or(|i| i.is_number() || i.is_string() || i.is_null());
    let answer_id = id.clone().filter(|_| id_ok).unwrap_or(Value::Null);
    if obj.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
        return Err((
            answer_id,
            -32600,
            "invalid request: \"jsonrpc\" must be \"2.0\"".into(),
        ));
    }
    if !id_ok {
        return Err((Value::Null, -32600, "invalid request: bad id".into()));
    }
    match obj.get("method") {
        Some(Value::String(_)) => {
            if obj
                .get("params")
                .is_some_and(|p| !(p.is_object() || p.is_array() || p.is_null()))
            {
                return Err((
                    answer_id,
                    -32600,
                    "invalid request: params must be an object or array".into(),
                ));
            }
            Ok(())
        }
        Some(_) => Err((
            answer_id,
            -32600,
            "invalid request: method must be a string".into(),
        )),
        None if id.is_some() && (obj.contains_key("result") || obj.contains_key("error")) => Ok(()),
        None => Err((answer_id, -32600, "invalid request: no method".into())),
    }
}

/// Reads `Content-Length` frames from `input`; calls `on_frame` with each
/// body, or `on_bad` with a reason when a header cannot be read (the bytes
/// up to the end of that header are dropped).
async fn read_frames<R: AsyncRead + Unpin>(
    mut input: R,
    mut on_frame: impl FnMut(Vec<u8>) -> bool,
    mut on_bad: impl FnMut(String),
) {
    let mut buf: Vec<u8> = Vec::new();
    let mut chunk = vec![0u8; 64 * 1024];
    let mut skip_body = 0usize;
    loop {
        loop {
            if skip_body > 0 {
                let n = skip_body.min(buf.len());
                buf.drain(..n);
                skip_body -= n;
                if skip_body > 0 {
                    break;
                }
            }
            let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else {
                if buf.len() > 64 * 1024 {
                    on_bad("header too long".into());
                    buf.clear();
                }
                break;
            };
            let head = String::from_utf8_lossy(&buf[..end]).to_string();
            let len = head.lines().find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.trim()
                    .eq_ignore_ascii_case("content-length")
                    .then(|| v.trim().parse::<usize>())
            });
            match len {
                Some(Ok(len)) if len <= MAX_FRAME_BYTES => {
                    if buf.len() < end + 4 + len {
                        break;
                    }
                    let body = buf[end + 4..end + 4 + len].to_vec();
                    buf.drain(..end + 4 + len);
                    if !on_frame(body) {
                        return;
                    }
                }
                Some(Ok(len)) => {
                    on_bad(format!(
                        "message of {len} bytes is over the {MAX_FRAME_BYTES} byte limit"
                    ));
                    buf.drain(..end + 4);
                    skip_body = len;
                }
                _ => {
                    on_bad(format!("bad header: {head:?}"));
                    buf.drain(..end + 4);
                }
            }
        }
        match input.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
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
                    Ok(()) => {
                        let _ = fwd_tx.send(frame(&body));
                    }
                    Err((id, code, why)) => {
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

    #[test]
    fn classifies_messages() {
        assert!(check_message(br#"{"jsonrpc":"2.0","id":1,"method":"x","params":{}}"#).is_ok());
        assert!(check_message(br#"{"jsonrpc":"2.0","method":"x"}"#).is_ok());
        assert!(check_message(br#"{"jsonrpc":"2.0","id":1,"result":null}"#).is_ok());
        assert_eq!(check_message(b"{not json").unwrap_err().1, -32700);
        assert_eq!(check_message(b"[1]").unwrap_err().1, -32600);
        assert_eq!(
            check_message(br#"{"jsonrpc":"2.0","id":7,"method":5}"#).unwrap_err(),
            (
                json!(7),
                -32600,
                "invalid request: method must be a string".into()
            )
        );
        assert_eq!(
            check_message(br#"{"jsonrpc":"1.0","id":"a","method":"x"}"#)
                .unwrap_err()
                .0,
            json!("a")
        );
        assert_eq!(
            check_message(br#"{"jsonrpc":"2.0","id":{},"method":"x"}"#)
                .unwrap_err()
                .0,
            Value::Null
        );
    }
}
