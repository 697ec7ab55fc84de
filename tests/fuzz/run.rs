//! The runner: the real binary on stdio, fed one input, then probed.
//!
//! Verdict for one input (the bytes of a sequence, as written):
//!
//! 1. The input is written from a writer thread; stdout is read (and must
//!    be well-formed frames of JSON) on a reader thread; stderr is drained
//!    into a short tail for the report.
//! 2. If the input ends with an `exit` frame, everything before it is
//!    written first, then a barrier request; once that is answered, the
//!    `exit` and another request. The server must then end, with status 0
//!    or 1, or (if it refused that `exit`) answer the request.
//! 3. Otherwise (or if it lives on), after [`RESYNC`] a valid `initialize`,
//!    `initialized` (if it was accepted) and `shutdown`, each with a fresh
//!    id, must be answered, then `exit` must end the process with status 0.
//! 4. Every well-formed request of the input (a correctly framed
//!    JSON-RPC 2.0 request with an id unique in the input; see [`scan`])
//!    must have been answered by then.
//!
//! Any other end is a failure: the process died or was killed by a signal,
//! a wait timed out (a hang), a request went unanswered, the output was not
//! JSON-RPC, or the exit status was wrong.

use super::gen::frame;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Written between the input and the probe: it ends any header line the
/// input left open; the server must then find the probe's header.
pub const RESYNC: &[u8] = b"\r\n\r\n";

const PROBE_INIT: &str = "fuzz-probe-initialize";
const PROBE_SHUTDOWN: &str = "fuzz-probe-shutdown";
const PROBE_BARRIER: &str = "fuzz-probe-barrier";
const PROBE_AFTER_EXIT: &str = "fuzz-probe-after-exit";

/// How long the server may take. Generous: these detect hangs, they are
/// not speed targets.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// For each answer awaited.
    pub answer: Duration,
    /// For the process to end after `exit`.
    pub exit: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            answer: Duration::from_secs(30),
            exit: Duration::from_secs(10),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// The process ended on its own before it was told to.
    Died,
    /// The process was killed by a signal (a crash: SIGSEGV, SIGBUS, abort).
    Signal,
    /// A probe was not answered in time, the process still running.
    Hang,
    /// A well-formed request of the input was never answered.
    Unanswered,
    /// The server wrote something that is not a JSON-RPC frame.
    BadOutput,
    /// The process ended after `exit`, but with the wrong status.
    ExitStatus,
    /// The process did not end after `shutdown` and `exit`.
    ExitHang,
    /// The binary could not be started.
    Spawn,
}

#[derive(Debug)]
pub struct Failure {
    pub kind: Kind,
    pub detail: String,
    /// What failures alike have in common (for grouping them).
    pub sig: String,
    /// The last lines the server logged.
    pub stderr: String,
}

/// What a passing run saw.
#[derive(Debug, Default)]
pub struct Stats {
    /// Messages the server wrote.
    pub received: usize,
    /// Requests of the input that had to be answered.
    pub expected: usize,
    /// Whether the input's own `exit` ended the server.
    pub exited_early: bool,
    /// The output ended inside a frame, after `exit` (a message cut short
    /// as the process ended; reported, not a failure).
    pub truncated_at_exit: bool,
}

// ------------------------------------------------------------------ project

/// A project folder with a small corpus, at `/tmp/fcfz-XXXXXXXX`: always
/// the same length, so that a saved input can be replayed in another
/// folder by rewriting the path in place (see [`rebase`]).
pub struct Project {
    pub root: PathBuf,
    /// Made here (and removed on drop), rather than given.
    owned: bool,
}

const ROOT_PREFIX: &[u8] = b"/tmp/fcfz-";
const ROOT_LEN: usize = 18;

impl Project {
    pub fn new() -> Project {
        // An existing project, to look into a failure that depends on what
        // an earlier run left in it (its `.factcheck/` index).
        if let Some(root) = std::env::var_os("FACTCHECK_FUZZ_PROJECT") {
            let root = PathBuf::from(root);
            assert_eq!(
                root.as_os_str().len(),
                ROOT_LEN,
                "FACTCHECK_FUZZ_PROJECT must be /tmp/fcfz-XXXXXXXX"
            );
            return Project { root, owned: false };
        }
        let base = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64)
            ^ (u64::from(std::process::id()) << 20);
        let mut rng = super::gen::Rng::new(base);
        let root = loop {
            let root = PathBuf::from(format!("/tmp/fcfz-{:08x}", rng.next() as u32));
            match std::fs::create_dir(&root) {
                Ok(()) => break root,
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => panic!("cannot create {}: {e}", root.display()),
            }
        };
        assert_eq!(root.as_os_str().len(), ROOT_LEN);
        let corpus = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/corpus");
        for dir in ["sources", "drafts/sub"] {
            std::fs::create_dir_all(root.join(dir)).unwrap();
        }
        for (from, to) in [
            ("003_c06f4ef91d2d64b1.txt", "sources/003.txt"),
            ("001_f212ba1f0f660453.txt", "sources/001.txt"),
        ] {
            std::fs::copy(corpus.join(from), root.join(to)).unwrap();
        }
        let files = [
            ("factcheck.toml", "[corpus]\npaths = [\"sources\"]\n"),
            ("drafts/a.md", "ICE has 30 field offices.\n"),
            (
                "drafts/b.md",
                "# Draft\n\n“Miller came in there and eviscerated everyone,” said Kristi Noem.\n",
            ),
            (
                "drafts/sub/c.md",
                "The White House set a goal of 3,000 arrests per day.\n",
            ),
            ("notes.md", "Notes: 25 field offices.\n"),
        ];
        for (name, text) in files {
            std::fs::write(root.join(name), text).unwrap();
        }
        Project { root, owned: true }
    }

    pub fn root_str(&self) -> &str {
        self.root.to_str().unwrap()
    }
}

impl Drop for Project {
    fn drop(&mut self) {
        if self.owned {
            let _ = std::fs::remove_dir_all(&self.root);
        }
    }
}

/// Rewrites the project folder an input was made for (`/tmp/fcfz-…`) to
/// `root`, which has the same length, so frames keep their lengths.
pub fn rebase(input: &[u8], root: &str) -> Vec<u8> {
    assert_eq!(root.len(), ROOT_LEN);
    let mut out = input.to_vec();
    let hits: Vec<usize> = memchr::memmem::find_iter(input, ROOT_PREFIX).collect();
    for at in hits {
        let tag = &input[at + ROOT_PREFIX.len()..];
        if tag.len() >= 8 && tag[..8].iter().all(|b| b.is_ascii_hexdigit()) {
            out[at..at + ROOT_LEN].copy_from_slice(root.as_bytes());
        }
    }
    out
}

// --------------------------------------------------------------------- scan

/// What an input obliges the server to do.
#[derive(Debug, Default)]
pub struct Expect {
    /// Ids (as JSON text) and methods of the requests that must be answered.
    pub requests: Vec<(String, String)>,
    /// Where the input's final `exit` frame begins, if it ends with one.
    pub exit_at: Option<usize>,
}

/// Fails on the first object with a repeated key (which `Value` merges).
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
            if !seen.insert(k) {
                return Err(serde::de::Error::custom("duplicate key"));
            }
            a.next_value::<UniqueKeys>()?;
        }
        Ok(self)
    }
}

/// The id and method of a body that is beyond doubt a JSON-RPC 2.0
/// request the server must answer: an object, no repeated key,
/// `"jsonrpc": "2.0"`, a string method other than `exit`, an id that is a
/// string or an integer within 64 bits, params (if any) an object, an
/// array or null, and no `result` or `error`.
pub fn strict_request(body: &[u8]) -> Option<(Value, String)> {
    let v: Value = serde_json::from_slice(body).ok()?;
    let o = v.as_object()?;
    serde_json::from_slice::<UniqueKeys>(body).ok()?;
    if o.get("jsonrpc")?.as_str()? != "2.0" {
        return None;
    }
    let method = o.get("method")?.as_str()?;
    let id = o.get("id")?;
    if method == "exit" || !(id.is_string() || id.as_i64().is_some()) {
        return None;
    }
    // Also a response?
    if o.contains_key("result") || o.contains_key("error") {
        return None;
    }
    if o.get("params")
        .is_some_and(|p| !(p.is_object() || p.is_array() || p.is_null()))
    {
        return None;
    }
    Some((id.clone(), method.to_string()))
}

/// The frames of `input` written exactly as `Content-Length: N\r\n\r\n`
/// and N bytes: (where the frame begins, its body).
fn clean_frames(input: &[u8]) -> Vec<(usize, &[u8])> {
    let mut out = Vec::new();
    for at in memchr::memmem::find_iter(input, b"Content-Length: ") {
        let digits_at = at + b"Content-Length: ".len();
        let digits = input[digits_at..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        if digits == 0 || digits > 9 || (digits > 1 && input[digits_at] == b'0') {
            continue;
        }
        let after = digits_at + digits;
        if !input[after..].starts_with(b"\r\n\r\n") {
            continue;
        }
        let n: usize = std::str::from_utf8(&input[digits_at..after])
            .unwrap()
            .parse()
            .unwrap();
        let body_at = after + 4;
        if body_at + n <= input.len() {
            out.push((at, &input[body_at..body_at + n]));
        }
    }
    out
}

/// What `input` obliges the server to answer, and whether it ends with
/// an `exit` frame.
pub fn scan(input: &[u8]) -> Expect {
    let frames = clean_frames(input);
    let mut requests: Vec<(String, String)> = frames
        .iter()
        .filter_map(|(_, body)| strict_request(body))
        .map(|(id, m)| (id.to_string(), m))
        .collect();
    let mut count: HashMap<String, usize> = HashMap::new();
    for (id, _) in &requests {
        *count.entry(id.clone()).or_default() += 1;
    }
    requests.retain(|(id, _)| count[id] == 1);
    let exit_at = frames.last().and_then(|(at, body)| {
        let ends = body.as_ptr() as usize + body.len() == input.as_ptr() as usize + input.len();
        let v: Value = serde_json::from_slice(body).ok()?;
        (ends && v.get("method").and_then(Value::as_str) == Some("exit")).then_some(*at)
    });
    Expect { requests, exit_at }
}

// ------------------------------------------------------------------- server

enum Event {
    Message(Value),
    Bad(String),
    /// Output ended inside a frame: this many bytes of it.
    Truncated(usize),
    Closed,
}

struct Server {
    child: Child,
    input: Option<mpsc::Sender<Vec<u8>>>,
    events: mpsc::Receiver<Event>,
    answers: HashMap<String, Value>,
    received: usize,
    closed: bool,
    bad: Option<String>,
    /// Bytes of a frame cut short when the output ended.
    truncated: Option<usize>,
    stderr: Arc<Mutex<Vec<u8>>>,
    threads: Vec<JoinHandle<()>>,
}

const STDERR_TAIL: usize = 6 * 1024;

fn writer(mut stdin: ChildStdin, rx: mpsc::Receiver<Vec<u8>>) {
    for bytes in rx {
        // The server may be gone; the verdict comes from the reader.
        if stdin
            .write_all(&bytes)
            .and_then(|()| stdin.flush())
            .is_err()
        {
            return;
        }
    }
}

fn reader(mut stdout: impl Read, tx: mpsc::Sender<Event>) {
    let mut buf: Vec<u8> = Vec::new();
    let mut chunk = vec![0u8; 1 << 16];
    loop {
        while let Some(end) = memchr::memmem::find(&buf, b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_string();
            let len = head.split("\r\n").find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.eq_ignore_ascii_case("content-length")
                    .then(|| v.trim().parse::<usize>().ok())
                    .flatten()
            });
            let Some(len) = len else {
                let _ = tx.send(Event::Bad(format!("a header without a length: {head:?}")));
                let _ = tx.send(Event::Closed);
                return;
            };
            if buf.len() < end + 4 + len {
                break;
            }
            let body = buf[end + 4..end + 4 + len].to_vec();
            buf.drain(..end + 4 + len);
            let event = match serde_json::from_slice::<Value>(&body) {
                Ok(v) if v.get("jsonrpc") == Some(&json!("2.0")) => Event::Message(v),
                Ok(v) => Event::Bad(format!("not JSON-RPC 2.0: {v}")),
                Err(e) => Event::Bad(format!(
                    "not JSON ({e}): {:?}",
                    String::from_utf8_lossy(&body[..body.len().min(200)])
                )),
            };
            if tx.send(event).is_err() {
                return;
            }
        }
        if buf.len() > 64 * 1024 && memchr::memmem::find(&buf, b"\r\n\r\n").is_none() {
            let _ = tx.send(Event::Bad("a header that does not end".into()));
        }
        match stdout.read(&mut chunk) {
            Ok(0) | Err(_) => {
                if !buf.is_empty() {
                    let _ = tx.send(Event::Truncated(buf.len()));
                }
                let _ = tx.send(Event::Closed);
                return;
            }
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
}

fn drain_stderr(mut stderr: impl Read, tail: Arc<Mutex<Vec<u8>>>) {
    let mut chunk = vec![0u8; 1 << 14];
    while let Ok(n) = stderr.read(&mut chunk) {
        if n == 0 {
            return;
        }
        let mut t = tail.lock().unwrap();
        t.extend_from_slice(&chunk[..n]);
        if t.len() > 2 * STDERR_TAIL {
            let cut = t.len() - STDERR_TAIL;
            t.drain(..cut);
        }
    }
}

/// Why a wait ended without its answer.
enum Stop {
    TimedOut(Vec<String>),
    Gone,
}

impl Server {
    fn spawn(bin: &Path, root: &Path) -> std::io::Result<Server> {
        let mut child = Command::new(bin)
            .current_dir(root)
            .env("FACTCHECK_LOG", "warn")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        let (in_tx, in_rx) = mpsc::channel();
        let (ev_tx, ev_rx) = mpsc::channel();
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let err = child.stderr.take().unwrap();
        let tail = stderr.clone();
        let threads = vec![
            std::thread::spawn(move || writer(stdin, in_rx)),
            std::thread::spawn(move || reader(stdout, ev_tx)),
            std::thread::spawn(move || drain_stderr(err, tail)),
        ];
        Ok(Server {
            child,
            input: Some(in_tx),
            events: ev_rx,
            answers: HashMap::new(),
            received: 0,
            closed: false,
            bad: None,
            truncated: None,
            stderr,
            threads,
        })
    }

    fn send(&self, bytes: Vec<u8>) {
        if let Some(tx) = &self.input {
            let _ = tx.send(bytes);
        }
    }

    fn handle(&mut self, event: Event) {
        if std::env::var_os("FACTCHECK_FUZZ_TRACE").is_some() {
            match &event {
                Event::Message(v) => {
                    let text = v.to_string();
                    let cut = text.char_indices().nth(300).map_or(text.len(), |(i, _)| i);
                    eprintln!("server: {}", &text[..cut]);
                }
                Event::Bad(why) => eprintln!("server (bad output): {why}"),
                Event::Truncated(n) => eprintln!("server: output ends inside a frame ({n} bytes)"),
                Event::Closed => eprintln!("server: stdout closed"),
            }
        }
        match event {
            Event::Message(v) => {
                self.received += 1;
                if v.get("method").is_none() {
                    if let Some(id) = v.get("id") {
                        self.answers.insert(id.to_string(), v);
                    }
                }
            }
            Event::Bad(why) => {
                self.bad.get_or_insert(why);
            }
            Event::Truncated(n) => self.truncated = Some(n),
            Event::Closed => self.closed = true,
        }
    }

    /// Waits until every id in `ids` (JSON text) is answered.
    fn wait_answers(&mut self, ids: &[String], limit: Duration) -> Result<(), Stop> {
        let deadline = Instant::now() + limit;
        loop {
            while let Ok(e) = self.events.try_recv() {
                self.handle(e);
            }
            let missing: Vec<String> = ids
                .iter()
                .filter(|id| !self.answers.contains_key(*id))
                .cloned()
                .collect();
            if missing.is_empty() {
                return Ok(());
            }
            if self.closed {
                return Err(Stop::Gone);
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(Stop::TimedOut(missing));
            }
            match self.events.recv_timeout(left) {
                Ok(e) => self.handle(e),
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => self.closed = true,
            }
        }
    }

    /// The exit status, if the process ends within `limit`.
    fn wait_exit(&mut self, limit: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + limit;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    fn stderr_tail(&self) -> String {
        let t = self.stderr.lock().unwrap();
        let from = t.len().saturating_sub(STDERR_TAIL);
        String::from_utf8_lossy(&t[from..]).to_string()
    }

    fn fail(&mut self, kind: Kind, detail: String) -> Failure {
        // Let the stderr thread catch up with a process that has ended.
        if self.child.try_wait().ok().flatten().is_some() {
            std::thread::sleep(Duration::from_millis(50));
        }
        Failure {
            kind,
            sig: format!("{kind:?}: {detail}"),
            detail,
            stderr: self.stderr_tail(),
        }
    }

    /// The failure for a process found gone while waiting for `what`.
    fn gone(&mut self, what: &str) -> Failure {
        match self.wait_exit(Duration::from_secs(5)) {
            Some(status) => {
                let (kind, how) = describe(status);
                self.fail(kind, format!("{how} while waiting for {what}"))
            }
            None => self.fail(
                Kind::Died,
                format!("closed its stdout (still running) while waiting for {what}"),
            ),
        }
    }

    /// Waits for answers to `wanted` (ids as JSON text, and what each
    /// is); a timeout is a failure of `kind`.
    fn expect(
        &mut self,
        wanted: &[(String, String)],
        limit: Duration,
        kind: Kind,
    ) -> Result<(), Failure> {
        let ids: Vec<String> = wanted.iter().map(|(id, _)| id.clone()).collect();
        let what = |ids: &[String]| -> Vec<String> {
            wanted
                .iter()
                .filter(|(id, _)| ids.contains(id))
                .map(|(id, m)| format!("{m} (id {})", shorten(id, 40)))
                .collect()
        };
        match self.wait_answers(&ids, limit) {
            Ok(()) => self.check_output(),
            Err(Stop::Gone) => {
                let waiting = what(&ids);
                Err(self.gone(&waiting.join(", ")))
            }
            Err(Stop::TimedOut(missing)) => {
                let listed = what(&missing);
                let mut groups: Vec<String> = wanted
                    .iter()
                    .filter(|(id, _)| missing.contains(id))
                    .map(|(_, m)| {
                        if m.starts_with("$/") {
                            "$/…".to_string()
                        } else {
                            m.clone()
                        }
                    })
                    .collect();
                groups.sort();
                groups.dedup();
                let more = if listed.len() > 6 {
                    format!(" and {} more", listed.len() - 6)
                } else {
                    String::new()
                };
                let mut f = self.fail(
                    kind,
                    format!(
                        "no answer within {limit:?} to {}{more}",
                        listed[..listed.len().min(6)].join(", ")
                    ),
                );
                f.sig = format!("{kind:?}: {}", groups.join(", "));
                Err(f)
            }
        }
    }

    /// Reads what is left of the output of a process that has ended.
    fn drain(&mut self) {
        while !self.closed {
            match self.events.recv_timeout(Duration::from_secs(2)) {
                Ok(e) => self.handle(e),
                Err(_) => return,
            }
        }
    }

    fn check_output(&mut self) -> Result<(), Failure> {
        match self.bad.clone() {
            Some(why) => Err(self.fail(Kind::BadOutput, why)),
            None => Ok(()),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.input = None;
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

/// A status as a failure kind (if it is one) and words.
fn describe(status: ExitStatus) -> (Kind, String) {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(sig) = status.signal() {
            let core = if status.core_dumped() {
                " (core dumped)"
            } else {
                ""
            };
            return (Kind::Signal, format!("was killed by signal {sig}{core}"));
        }
    }
    (
        Kind::Died,
        format!("exited with status {:?}", status.code()),
    )
}

fn request(id: &str, method: &str, params: Value) -> Vec<u8> {
    let v = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
    frame(v.to_string().as_bytes())
}

fn shorten(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

fn key(id: &str) -> String {
    Value::from(id).to_string()
}

/// Runs the binary on one input; see the module comment for the verdict.
pub fn run(bin: &Path, project: &Project, input: &[u8], limits: &Limits) -> Result<Stats, Failure> {
    let expect = scan(input);
    let wanted = &expect.requests;
    let probe_of = |id: &str, what: &str| vec![(key(id), what.to_string())];
    let mut srv = Server::spawn(bin, &project.root).map_err(|e| Failure {
        kind: Kind::Spawn,
        detail: format!("cannot start {}: {e}", bin.display()),
        sig: "Spawn".into(),
        stderr: String::new(),
    })?;
    let mut stats = Stats {
        expected: wanted.len(),
        ..Stats::default()
    };
    let (body, tail) = match expect.exit_at {
        Some(at) => (&input[..at], Some(&input[at..])),
        None => (input, None),
    };
    srv.send(body.to_vec());
    if let Some(tail) = tail {
        let mut barrier = RESYNC.to_vec();
        barrier.extend(request(PROBE_BARRIER, "fuzz/barrier", json!({})));
        srv.send(barrier);
        srv.expect(
            &probe_of(PROBE_BARRIER, "a request before the input's `exit`"),
            limits.answer,
            Kind::Hang,
        )?;
        srv.expect(wanted, limits.answer, Kind::Unanswered)?;
        // Then a request: unanswered if the server is ending, answered
        // if the `exit` was refused (a malformed one).
        let mut tail = tail.to_vec();
        tail.extend_from_slice(RESYNC);
        tail.extend(request(PROBE_AFTER_EXIT, "fuzz/barrier", json!({})));
        srv.send(tail);
        match srv.wait_answers(&[key(PROBE_AFTER_EXIT)], limits.answer) {
            Ok(()) => {}
            Err(Stop::Gone) => {
                let Some(status) = srv.wait_exit(limits.exit) else {
                    return Err(srv.gone("the end after the input's `exit`"));
                };
                let (kind, how) = describe(status);
                if kind == Kind::Signal || !matches!(status.code(), Some(0 | 1)) {
                    return Err(srv.fail(kind, format!("{how} after the input's `exit`")));
                }
                srv.drain();
                srv.check_output()?;
                stats.exited_early = true;
                stats.received = srv.received;
                stats.truncated_at_exit = srv.truncated.is_some();
                return Ok(stats);
            }
            Err(Stop::TimedOut(_)) => {
                return Err(srv.fail(
                    Kind::Hang,
                    format!(
                        "neither ended nor answered a request within {:?} after the input's `exit`",
                        limits.answer
                    ),
                ));
            }
        }
        // Not taken as `exit` (a malformed one): the probe follows.
    }
    let root_uri = format!("file://{}", project.root_str());
    let mut probe = RESYNC.to_vec();
    probe.extend(request(
        PROBE_INIT,
        "initialize",
        json!({"processId": null, "rootUri": root_uri, "capabilities": {},
               "workspaceFolders": [{"uri": root_uri, "name": "project"}]}),
    ));
    srv.send(probe);
    srv.expect(
        &probe_of(PROBE_INIT, "the probe `initialize`"),
        limits.answer,
        Kind::Hang,
    )?;
    if srv.answers[&key(PROBE_INIT)].get("result").is_some() {
        srv.send(frame(
            br#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#,
        ));
    }
    srv.send(request(PROBE_SHUTDOWN, "shutdown", Value::Null));
    srv.expect(
        &probe_of(PROBE_SHUTDOWN, "the probe `shutdown`"),
        limits.answer,
        Kind::Hang,
    )?;
    srv.expect(wanted, limits.answer, Kind::Unanswered)?;
    srv.send(frame(br#"{"jsonrpc":"2.0","method":"exit"}"#));
    match srv.wait_exit(limits.exit) {
        None => Err(srv.fail(
            Kind::ExitHang,
            format!(
                "still running {:?} after `shutdown` and `exit`",
                limits.exit
            ),
        )),
        Some(status) => {
            let (kind, how) = describe(status);
            if kind == Kind::Signal {
                return Err(srv.fail(kind, format!("{how} after `shutdown` and `exit`")));
            }
            if status.code() != Some(0) {
                return Err(srv.fail(
                    Kind::ExitStatus,
                    format!("{how} after `shutdown` and `exit` (0 expected)"),
                ));
            }
            srv.drain();
            srv.check_output()?;
            stats.received = srv.received;
            stats.truncated_at_exit = srv.truncated.is_some();
            Ok(stats)
        }
    }
}
