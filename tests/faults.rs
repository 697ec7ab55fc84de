//! The real binary against envelopes the protocol does not allow and
//! framing faults: after each one the server must still be alive, must
//! answer it with an error where it can, and must answer the next valid
//! request (it resynchronises on the next `Content-Length:` header).

use serde_json::Value;
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

/// A hang detector, not a speed target.
const WAIT: Duration = Duration::from_secs(30);

/// The binary under test; `FACTCHECK_TEST_BIN` runs these against another
/// build (to see a fault on an older one).
fn binary() -> String {
    std::env::var("FACTCHECK_TEST_BIN")
        .unwrap_or_else(|_| env!("CARGO_BIN_EXE_factcheck-ls").into())
}

fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

struct Server {
    child: Child,
    stdin: Arc<Mutex<ChildStdin>>,
    messages: mpsc::Receiver<Value>,
    /// Diagnostics published and not yet looked at, by document.
    published: std::collections::HashMap<String, std::collections::VecDeque<Vec<String>>>,
}

impl Server {
    fn start() -> Server {
        let dir = tempfile::tempdir().expect("temp dir");
        let s = Server::start_in(dir.path(), None);
        // The folder may go once the server has started.
        drop(dir);
        s
    }

    /// A server in `dir`, for the project folder `root` if one is given.
    fn start_in(dir: &Path, root: Option<&Path>) -> Server {
        let mut child = Command::new(binary())
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("server starts");
        let mut out = child.stdout.take().expect("stdout");
        let stdin = Arc::new(Mutex::new(child.stdin.take().expect("stdin")));
        let answers = stdin.clone();
        let (tx, messages) = mpsc::channel();
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let mut chunk = [0u8; 8192];
            while let Ok(n) = out.read(&mut chunk) {
                if n == 0 {
                    return;
                }
                buf.extend_from_slice(&chunk[..n]);
                while let Some(v) = take_message(&mut buf) {
                    // The server's own requests (registration, progress).
                    if v.get("id").is_some() && v.get("method").is_some() {
                        let answer =
                            serde_json::json!({"jsonrpc": "2.0", "id": v["id"], "result": null});
                        let mut w = answers.lock().unwrap();
                        let _ = w.write_all(&frame(answer.to_string().as_bytes()));
                        let _ = w.flush();
                    }
                    if tx.send(v).is_err() {
                        return;
                    }
                }
            }
        });
        let mut s = Server {
            child,
            stdin,
            messages,
            published: Default::default(),
        };
        let folders = match root {
            Some(r) => serde_json::json!([{"uri": uri_of(r), "name": "project"}]),
            None => Value::Null,
        };
        let init = serde_json::json!({"jsonrpc": "2.0", "id": 0, "method": "initialize",
            "params": {"capabilities": {}, "rootUri": null, "workspaceFolders": folders}});
        s.send(&frame(init.to_string().as_bytes()));
        s.response(0);
        s.notify("initialized", serde_json::json!({}));
        s
    }

    fn notify(&mut self, method: &str, params: Value) {
        let m = serde_json::json!({"jsonrpc": "2.0", "method": method, "params": params});
        self.send(&frame(m.to_string().as_bytes()));
    }

    /// Waits for diagnostics of `uri` whose messages satisfy `pred`, going
    /// through every publication for `uri` in order (those of other
    /// documents that arrive meanwhile are kept for their turn).
    fn diagnostics_where(&mut self, uri: &str, pred: impl Fn(&[String]) -> bool) -> Vec<String> {
        loop {
            let list = self.published.entry(uri.to_string()).or_default();
            while let Some(d) = list.pop_front() {
                if pred(&d) {
                    return d;
                }
            }
            let m = self
                .messages
                .recv_timeout(WAIT)
                .unwrap_or_else(|_| panic!("no diagnostics as wanted for {uri}"));
            if m["method"] == "textDocument/publishDiagnostics" {
                let messages = m["params"]["diagnostics"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|d| d["message"].as_str().map(String::from))
                    .collect();
                let at = m["params"]["uri"].as_str().unwrap_or_default().to_string();
                self.published.entry(at).or_default().push_back(messages);
            }
        }
    }

    fn alive(&mut self) -> bool {
        self.child.try_wait().expect("status").is_none()
    }

    fn send(&mut self, bytes: &[u8]) {
        let mut stdin = self.stdin.lock().unwrap();
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

fn uri_of(p: &Path) -> String {
    format!("file://{}", p.display())
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

// ---- the index under a running server

const MISMATCH: &str = "source says 25 field offices, not 30; see 001";

/// A project of many sources, its index built by `factcheck-ls index`.
fn indexed_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    std::fs::write(
        root.join("factcheck.toml"),
        "[corpus]\npaths = [\"sources\"]\n",
    )
    .unwrap();
    let sources = root.join("sources");
    std::fs::create_dir(&sources).unwrap();
    std::fs::write(
        sources.join("001_wire.txt"),
        "The Harrow agency has 25 field offices, officials said on Monday.\n\n\
         \"Every office stays open,\" said Mara Quill, the agency's director.\n",
    )
    .unwrap();
    let syllables = ["ka", "lor", "mi", "ven", "tu", "sa", "dro", "pel"];
    for i in 0..400usize {
        let name: String = (0..3).map(|k| syllables[(i >> (k * 3)) % 8]).collect();
        let text = format!(
            "The {name} office counted {} cases and {} inspectors, a spokesman said.\n\n\
             \"We will keep counting,\" said Dana {name}.\n",
            i + 3,
            i % 40 + 2
        );
        std::fs::write(sources.join(format!("{:03}_{name}.txt", i + 2)), text).unwrap();
    }
    let status = Command::new(binary())
        .args(["index"])
        .arg(root)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("index runs");
    assert!(status.success());
    dir
}

fn index_file(root: &Path) -> std::path::PathBuf {
    std::fs::read_dir(root.join(".factcheck"))
        .expect("an index folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|x| x == "bin"))
        .expect("an index file")
}

/// Opens a draft with no figure, damages the index with `damage`, then
/// types a wrong figure: the server must live and flag it.
fn damaged_under_a_server(damage: impl Fn(&Path)) {
    let dir = indexed_project();
    let root = dir.path();
    let mut s = Server::start_in(root, Some(root));
    let uri = uri_of(&root.join("draft.md"));
    s.notify(
        "textDocument/didOpen",
        serde_json::json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1,
            "text": "A note with no figure in it.\n"}}),
    );
    s.diagnostics_where(&uri, |_| true);
    damage(&index_file(root));
    s.notify(
        "textDocument/didChange",
        serde_json::json!({"textDocument": {"uri": uri, "version": 2},
            "contentChanges": [{"text": "The Harrow agency has 30 field offices. \
                “Every office stays open,” Quill said.\n"}]}),
    );
    let got = s.diagnostics_where(&uri, |m| !m.is_empty());
    assert_eq!(got, vec![MISMATCH.to_string()]);
    assert!(s.alive(), "server died");
}

#[test]
fn an_index_truncated_to_nothing_under_a_server() {
    damaged_under_a_server(|p| {
        std::fs::OpenOptions::new()
            .write(true)
            .open(p)
            .unwrap()
            .set_len(0)
            .unwrap();
    });
}

#[test]
fn an_index_truncated_to_half_under_a_server() {
    damaged_under_a_server(|p| {
        let len = std::fs::metadata(p).unwrap().len();
        std::fs::OpenOptions::new()
            .write(true)
            .open(p)
            .unwrap()
            .set_len(len / 2)
            .unwrap();
    });
}

#[test]
fn an_index_zeroed_in_place_under_a_server() {
    damaged_under_a_server(|p| {
        let len = std::fs::metadata(p).unwrap().len() as usize;
        let mut f = std::fs::OpenOptions::new().write(true).open(p).unwrap();
        f.write_all(&vec![0u8; len]).unwrap();
    });
}

fn open_draft(s: &mut Server, uri: &str, text: &str) {
    s.notify(
        "textDocument/didOpen",
        serde_json::json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}),
    );
}

fn check_output(root: &Path, no_index: bool) -> String {
    let mut cmd = Command::new(binary());
    cmd.current_dir(root).arg("check");
    if no_index {
        cmd.arg("--no-index");
    }
    let out = cmd.arg("draft.md").output().expect("check runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn two_servers_on_one_project_agree_with_a_fresh_parse_after_each_change() {
    let dir = indexed_project();
    let root = dir.path();
    let draft = "The Harrow agency has 30 field offices.\n";
    std::fs::write(root.join("draft.md"), draft).unwrap();
    let uri = uri_of(&root.join("draft.md"));
    let mut servers = [
        Server::start_in(root, Some(root)),
        Server::start_in(root, Some(root)),
    ];
    for s in &mut servers {
        open_draft(s, &uri, draft);
        s.diagnostics_where(&uri, |m| m == [MISMATCH]);
    }
    let source = root.join("sources/001_wire.txt");
    for (n, figure) in ["27", "29", "26"].iter().enumerate() {
        let text = format!("The Harrow agency has {figure} field offices, officials said.\n");
        std::fs::write(&source, text).unwrap();
        // A new source too, and one gone, at each change.
        let extra = root.join(format!("sources/9{n}0_note.txt"));
        std::fs::write(
            &extra,
            format!("The Harrow agency opened {figure} kiosks.\n"),
        )
        .unwrap();
        let want = format!("source says {figure} field offices, not 30; see 001");
        for s in &mut servers {
            s.diagnostics_where(&uri, |m| m == [want.as_str()]);
        }
        let fresh = check_output(root, true);
        assert!(fresh.contains(&want), "{fresh}");
        assert_eq!(
            check_output(root, false),
            fresh,
            "the index disagrees after change {n}"
        );
    }
    for s in &mut servers {
        assert!(s.alive());
    }
}

// ---- verdicts do not depend on load order

#[test]
fn ties_between_equally_close_passages_go_to_the_lowest_source_id() {
    use factcheck_ls::engine::{check::analyze, corpus::Corpus};
    let text = "“The plan is sound and we will finish it by spring,” said Ines Park.\n";
    let names = ["003_c.md", "001_a.md", "002_b.md"];
    let orders = [[0, 1, 2], [2, 1, 0], [1, 0, 2], [0, 2, 1]];
    let drafts = [
        "“The plan is solid and we will finish it by spring,” Park said.\n",
        "“The plan is sound and we will finish it by spring,” Park said.\n",
    ];
    for draft in drafts {
        let mut seen = Vec::new();
        for order in orders {
            let mut c = Corpus::new();
            for i in order {
                c.upsert(Path::new(&format!("/src/{}", names[i])), text.to_string());
            }
            let a = analyze(draft, &c);
            let got: Vec<(String, Vec<String>)> = a
                .findings
                .iter()
                .map(|f| {
                    (
                        f.message.clone(),
                        f.evidence.iter().map(|e| e.id.clone()).collect(),
                    )
                })
                .collect();
            let quoted: Vec<String> = a.quotes[0].evidence.iter().map(|e| e.id.clone()).collect();
            seen.push((got, quoted));
        }
        assert!(seen.windows(2).all(|w| w[0] == w[1]), "{draft}: {seen:?}");
        assert_eq!(seen[0].1[0], "001", "{draft}");
    }
}

#[test]
fn a_damaged_saved_source_is_repaired_before_any_draft_is_answered() {
    let dir = indexed_project();
    let root = dir.path();
    // Change a byte of source 001's saved text: its checksum no longer holds.
    let index = index_file(root);
    let mut bytes = std::fs::read(&index).unwrap();
    let at = bytes
        .windows(6)
        .position(|w| w == b"Harrow")
        .expect("the saved text");
    bytes[at] = b'N';
    std::fs::write(&index, &bytes).unwrap();
    let mut s = Server::start_in(root, Some(root));
    let draft = "The Harrow agency has 30 field offices. “Every office stays open,” Quill said.\n";
    let uris: Vec<String> = (0..4)
        .map(|i| uri_of(&root.join(format!("d{i}.md"))))
        .collect();
    for uri in &uris {
        open_draft(&mut s, uri, draft);
    }
    // Every diagnostic published for each draft is a right one (those
    // that need the whole corpus may wait for it), until all are there.
    for uri in &uris {
        s.diagnostics_where(uri, |m| {
            assert!(m.iter().all(|d| d == MISMATCH), "{uri}: {m:?}");
            m == [MISMATCH]
        });
    }
}

// ---- work bounded by input size

#[path = "../benches/inputs/adversarial.rs"]
mod adversarial;

/// Each input once quadratic, at 400 KB (brackets: 1.6 MB), is read as a
/// source and checked as a draft; a hang detector, not a speed target
/// (`cargo bench --bench check -- bounded_work` measures MB/s).
#[test]
fn inputs_once_quadratic_finish() {
    use factcheck_ls::engine::{check::analyze, corpus::Corpus, source::Source};
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let empty = Corpus::new();
        for (name, text) in adversarial::inputs(400_000)
            .into_iter()
            .chain([("open_brackets", "[".repeat(1_600_000))])
        {
            let s = Source::parse(Path::new("/s/input.txt"), text.clone());
            let a = analyze(&text, &empty);
            tx.send((name, s.figures.len(), a.figures.len())).unwrap();
        }
    });
    let mut done = Vec::new();
    while done.len() < adversarial::inputs(10).len() + 1 {
        let got = rx
            .recv_timeout(Duration::from_secs(120))
            .unwrap_or_else(|_| panic!("hung after {done:?}"));
        assert_eq!(got.1, got.2, "{}: a source and a draft read alike", got.0);
        done.push(got.0);
    }
}

#[test]
fn no_sentence_is_longer_than_the_bound() {
    use factcheck_ls::engine::text::{sentences, LineBreaks, MAX_SENTENCE_BYTES};
    for (name, text) in adversarial::inputs(50_000) {
        let block = 0..text.len();
        let all = sentences(&text, std::slice::from_ref(&block), LineBreaks::Soft);
        assert!(all.iter().all(|r| r.len() <= MAX_SENTENCE_BYTES), "{name}");
        // Nothing but spaces is lost between the pieces.
        let visible = |t: &str| t.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        let kept: String = all.iter().map(|r| visible(&text[r.clone()])).collect();
        assert!(kept == visible(&text), "{name}");
    }
}

// ---- only the latest version is checked

#[test]
fn a_check_stops_between_figures_once_its_version_is_stale() {
    use factcheck_ls::engine::{check::analyze_until, corpus::Corpus};
    use std::cell::Cell;
    let draft: String = (0..100)
        .map(|i| format!("The office has {i} desks. "))
        .collect();
    let corpus = Corpus::new();
    let asked = Cell::new(0);
    let whole = analyze_until(&draft, &corpus, &|| {
        asked.set(asked.get() + 1);
        false
    })
    .expect("not stopped");
    assert_eq!(whole.figures.len(), 100);
    // Asked before every 16 figures: 0, 16, ..., 96.
    assert_eq!(asked.get(), 7);
    // Stale after the second question: nothing comes back.
    let asked = Cell::new(0);
    let stopped = analyze_until(&draft, &corpus, &|| {
        asked.set(asked.get() + 1);
        asked.get() > 1
    });
    assert!(stopped.is_none());
    assert_eq!(asked.get(), 2);
}

#[test]
fn typing_into_a_long_draft_publishes_the_last_version() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(
        root.join("factcheck.toml"),
        "[corpus]\npaths = [\"sources\"]\n",
    )
    .unwrap();
    std::fs::create_dir(root.join("sources")).unwrap();
    std::fs::write(root.join("sources/001_a.txt"), "“q1 r1 s1 t1,” she said.\n").unwrap();
    let mut s = Server::start_in(root, Some(root));
    let uri = uri_of(&root.join("long.md"));
    let text = adversarial::inputs(150_000).remove(6).1;
    let last_line = text.lines().count() as u32;
    open_draft(&mut s, &uri, &text);
    let mut version = 1;
    for i in 0..15 {
        version += 1;
        let change = serde_json::json!({"textDocument": {"uri": uri, "version": version},
            "contentChanges": [{"range": {"start": {"line": last_line, "character": 0},
                "end": {"line": last_line, "character": 0}}, "text": format!("“w{i} x{i}” ")}]});
        s.notify("textDocument/didChange", change);
        std::thread::sleep(Duration::from_millis(200));
    }
    // Diagnostics come for the last version (older ones may come first,
    // never after it).
    loop {
        let m = s
            .messages
            .recv_timeout(WAIT)
            .expect("diagnostics of the last version");
        if m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri {
            if m["params"]["version"] == version {
                break;
            }
            assert!(m["params"]["version"].as_i64() < Some(version as i64));
        }
    }
    assert!(s.alive());
}
