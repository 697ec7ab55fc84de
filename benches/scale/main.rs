//! Newsroom-scale benchmarks: `cargo bench --bench scale -- [--sizes 1000,10000] [--write]`.
//! Generates deterministic corpora under target/scale/, then measures the
//! cold index build and the reopening of the saved index (each in a fresh
//! `factcheck-ls index` process, with its resident memory), check latency,
//! quote lookups against `rg -F`, and keystroke→publishDiagnostics through
//! the real binary over stdio.
//! `--write` appends the results to BENCHMARKS.md; `--no-lsp` skips the
//! measurements through the server binary; `--lookups` measures only check
//! latency and quote lookups, against the saved index. `--equivalence` instead checks
//! that the fixture drafts' verdicts against the seed corpus do not change
//! when the generated sources are added beside it.

mod gen;

use factcheck_ls::cache;
use factcheck_ls::engine::check::analyze;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

const SEED: u64 = 20261123;

/// Cold builds per size; the row reports the median one.
const COLD_RUNS: usize = 3;

fn rss_kb(pid: Option<u32>) -> u64 {
    let path = match pid {
        Some(p) => format!("/proc/{p}/status"),
        None => "/proc/self/status".to_string(),
    };
    std::fs::read_to_string(path)
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn pct(mut v: Vec<f64>, p: f64) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    if v.is_empty() {
        return f64::NAN;
    }
    v[((v.len() - 1) as f64 * p).round() as usize]
}

struct Lsp {
    child: Child,
    stdin: ChildStdin,
    rx: Receiver<Value>,
}

impl Lsp {
    fn start(root: &Path) -> Lsp {
        let mut child = Command::new(env!("CARGO_BIN_EXE_factcheck-ls"))
            .env("FACTCHECK_DEBOUNCE_MS", "0")
            .env("FACTCHECK_LOG", "error")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the factcheck-ls binary");
        let stdin = child.stdin.take().unwrap();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let (tx, rx) = channel();
        std::thread::spawn(move || loop {
            let mut len = 0usize;
            loop {
                let mut line = String::new();
                if out.read_line(&mut line).unwrap_or(0) == 0 {
                    return;
                }
                if line == "\r\n" {
                    break;
                }
                if let Some(v) = line.strip_prefix("Content-Length: ") {
                    len = v.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; len];
            if out.read_exact(&mut body).is_err() {
                return;
            }
            if let Ok(v) = serde_json::from_slice::<Value>(&body) {
                if tx.send(v).is_err() {
                    return;
                }
            }
        });
        let mut lsp = Lsp { child, stdin, rx };
        let folder = factcheck_ls::protocol::diagnostic::file_uri(root).unwrap();
        lsp.send(
            &json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "capabilities": {"window": {"workDoneProgress": true}},
            "workspaceFolders": [{"uri": folder.as_str(), "name": "bench"}]}}),
        );
        lsp.wait(Duration::from_secs(60), |m| m["id"] == 1);
        lsp.send(&json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
        lsp
    }

    fn send(&mut self, v: &Value) {
        let body = serde_json::to_string(v).unwrap();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{}", body.len(), body).unwrap();
        self.stdin.flush().unwrap();
    }

    /// Waits for a matching message; answers the server's requests.
    fn wait(&mut self, limit: Duration, pred: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + limit;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let m = self
                .rx
                .recv_timeout(left)
                .expect("the server answered in time");
            if m.get("id").is_some() && m.get("method").is_some() {
                let id = m["id"].clone();
                self.send(&json!({"jsonrpc": "2.0", "id": id, "result": null}));
            }
            if pred(&m) {
                return m;
            }
        }
    }
}

/// Edits a figure 200 times; returns each didChange→publishDiagnostics time.
fn edit_latencies(
    lsp: &mut Lsp,
    uri: &str,
    draft: &str,
    edits: usize,
    first_version: i64,
) -> Vec<f64> {
    let line = draft
        .lines()
        .position(|l| l.chars().any(|c| c.is_ascii_digit()) && !l.starts_with('#'))
        .unwrap();
    let col = draft
        .lines()
        .nth(line)
        .unwrap()
        .find(|c: char| c.is_ascii_digit())
        .unwrap();
    let col16 = draft.lines().nth(line).unwrap()[..col]
        .encode_utf16()
        .count();
    let mut out = Vec::new();
    for k in 0..edits {
        let version = first_version + k as i64;
        let digit = if k % 2 == 0 { "7" } else { "8" };
        let t = Instant::now();
        lsp.send(&json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [{"range": {"start": {"line": line, "character": col16}, "end": {"line": line, "character": col16 + 1}}, "text": digit}]}}));
        lsp.wait(Duration::from_secs(60), |m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["version"] == version
        });
        out.push(t.elapsed().as_secs_f64() * 1e3);
    }
    out
}

struct Row {
    size: usize,
    mb: f64,
    build_s: f64,
    mbps: f64,
    rss_mb: f64,
    rss_ratio: f64,
    reopen_s: f64,
    reopen_rss_mb: f64,
    server_rss_mb: f64,
    check_p50: f64,
    check_p99: f64,
    key_p50: f64,
    key_p99: f64,
    busy_p50: f64,
    busy_p99: f64,
    rg_ms: f64,
    ours_ms: f64,
}

/// Check latency (p50, p99) of a 2,000-word draft and the time of one quote
/// lookup, ours and `rg -F`'s, against the saved index of `dir`.
fn lookups(size: usize, dir: &Path, sources: &Path) -> (f64, f64, f64, f64) {
    let index_path = cache::index_path(dir, &[sources.to_path_buf()]);
    let corpus = cache::load_corpus(&[sources.to_path_buf()], Some(&index_path), |_, _| {})
        .unwrap()
        .corpus;
    assert_eq!(corpus.len(), size);

    // Check latency of a 2,000-word draft.
    let v = gen::Vocab::new(SEED);
    let draft = gen::draft(&v, SEED, size);
    let mut times = Vec::new();
    let runs = if size >= 10_000 { 10 } else { 60 };
    for _ in 0..runs {
        let t = Instant::now();
        let a = analyze(&draft.text, &corpus);
        times.push(t.elapsed().as_secs_f64() * 1e3);
        std::hint::black_box(a);
    }
    let check_p50 = pct(times.clone(), 0.5);
    let check_p99 = pct(times, 0.99);
    eprintln!(
        "[{size}] check p50 {check_p50:.2} ms, p99 {check_p99:.2} ms (the first check, which decodes the sources it reads)"
    );

    // Quote lookups: ours against rg -F over the same files.
    let quote_draft: String = draft
        .quotes
        .iter()
        .map(|q| format!("“{q}” said someone.\n\n"))
        .collect();
    let t = Instant::now();
    for _ in 0..20 {
        std::hint::black_box(analyze(&quote_draft, &corpus));
    }
    let ours_ms = t.elapsed().as_secs_f64() * 1e3 / 20.0 / draft.quotes.len() as f64;
    let rg = ripgrep();
    let rg_ms = if rg {
        let t = Instant::now();
        for q in &draft.quotes {
            let _ = Command::new("rg")
                .args(["-F", "-c", "--no-messages", q.as_str()])
                .arg(sources)
                .output();
        }
        t.elapsed().as_secs_f64() * 1e3 / draft.quotes.len() as f64
    } else {
        f64::NAN
    };
    eprintln!("[{size}] quote lookup: ours {ours_ms:.3} ms, rg -F {rg_ms:.1} ms");
    (check_p50, check_p99, rg_ms, ours_ms)
}

/// Waits until the kernel has written every dirty page out.
fn sync_disks() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: sync only asks the kernel to write dirty pages out.
    unsafe {
        libc::sync();
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    let _ = Command::new("sync").status();
}

fn run(size: usize, base: &Path, lsp_phase: bool) -> Row {
    let dir = base.join(format!("corpus-{size}"));
    std::fs::create_dir_all(&dir).unwrap();
    let t = Instant::now();
    let (sources, bytes) = gen::write_corpus(&dir, size, SEED);
    eprintln!(
        "[{size}] corpus ready: {:.1} MB ({:.1}s)",
        bytes as f64 / 1e6,
        t.elapsed().as_secs_f64()
    );

    // Cold index build, then reopening the saved index: each in a fresh
    // process, as a server start would be.
    let index = |what: &str, dir: &Path| -> Value {
        let out = Command::new(env!("CARGO_BIN_EXE_factcheck-ls"))
            .args(["index", "--json"])
            .arg(dir)
            .env("FACTCHECK_LOG", "error")
            .output()
            .expect("the factcheck-ls binary");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        eprintln!("[{size}] {what}: {v}");
        v
    };
    // The same process with an empty corpus: what is not the index.
    let empty = base.join("empty");
    std::fs::create_dir_all(empty.join("sources")).unwrap();
    let baseline = index("empty corpus", &empty);
    // The cold build runs COLD_RUNS times and the row reports the median
    // run: from one run to the next, at the same code and minute, a build
    // of 10,000 sources took 1.1 to 1.5 s. Each starts with no index and
    // nothing left to write: the kernel would otherwise still be writing
    // out the last index (up to 2 GB) on the same two cores.
    let mut colds: Vec<Value> = (0..COLD_RUNS)
        .map(|run| {
            let _ = std::fs::remove_dir_all(dir.join(cache::FOLDER));
            sync_disks();
            let cold = index(&format!("cold build {}/{COLD_RUNS}", run + 1), &dir);
            assert_eq!(cold["parsed"], size);
            cold
        })
        .collect();
    let seconds = |v: &Value| v["seconds"].as_f64().expect("the build's seconds");
    colds.sort_by(|a, b| seconds(a).total_cmp(&seconds(b)));
    let cold = colds[COLD_RUNS / 2].clone();
    eprintln!(
        "[{size}] cold build: median {:.2} s of {:?}",
        seconds(&cold),
        colds.iter().map(seconds).collect::<Vec<_>>()
    );
    // The reopen is measured twice: right after the cold build, as in the
    // rows before 33, while the kernel may still be writing the index out
    // (2.1 GB at 100,000 sources) on the same two cores; then after a sync,
    // which the row reports. Both read the index from the page cache.
    let during = index("reopen during the build's write-back", &dir);
    assert_eq!(during["reused"], size);
    sync_disks();
    let warm = index("reopen", &dir);
    assert_eq!(warm["reused"], size);
    let mib = |v: &Value| {
        (v["resident_bytes"].as_f64().unwrap_or(f64::NAN)
            - baseline["resident_bytes"].as_f64().unwrap_or(f64::NAN))
            / 1048576.0
    };
    let (build_s, rss) = (cold["seconds"].as_f64().unwrap(), mib(&cold));
    let (reopen_s, reopen_rss) = (warm["seconds"].as_f64().unwrap(), mib(&warm));
    let (check_p50, check_p99, rg_ms, ours_ms) = lookups(size, &dir, &sources);
    let draft = gen::draft(&gen::Vocab::new(SEED), SEED, size);
    let mb = bytes as f64 / 1e6;
    let mut row = Row {
        size,
        mb,
        build_s,
        mbps: mb / build_s,
        rss_mb: rss,
        rss_ratio: rss * 1.048_576 / mb,
        reopen_s,
        reopen_rss_mb: reopen_rss,
        server_rss_mb: f64::NAN,
        check_p50,
        check_p99,
        key_p50: f64::NAN,
        key_p99: f64::NAN,
        busy_p50: f64::NAN,
        busy_p99: f64::NAN,
        rg_ms,
        ours_ms,
    };
    if !lsp_phase {
        return row;
    }

    // Keystroke→publishDiagnostics through the real binary over stdio.
    let mut lsp = Lsp::start(&dir);
    lsp.wait(Duration::from_secs(3600), |m| {
        m["method"] == "$/progress" && m["params"]["value"]["kind"] == "end"
    });
    let server_rss_mb = rss_kb(Some(lsp.child.id())) as f64 / 1024.0;
    let uri = factcheck_ls::protocol::diagnostic::file_uri(&dir.join("draft.md"))
        .unwrap()
        .as_str()
        .to_string();
    lsp.send(&json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": draft.text}}}));
    lsp.wait(Duration::from_secs(60), |m| {
        m["method"] == "textDocument/publishDiagnostics" && m["params"]["version"] == 1
    });
    let key = edit_latencies(&mut lsp, &uri, &draft.text, 200, 2);
    eprintln!(
        "[{size}] keystroke p50 {:.2} ms p99 {:.2} ms",
        pct(key.clone(), 0.5),
        pct(key.clone(), 0.99)
    );

    // The same while 1,000 changed sources are re-indexed in the background.
    let mut files: Vec<PathBuf> = Vec::new();
    for sub in std::fs::read_dir(&sources).unwrap().flatten() {
        for f in std::fs::read_dir(sub.path()).unwrap().flatten() {
            files.push(f.path());
            if files.len() >= 1000 {
                break;
            }
        }
        if files.len() >= 1000 {
            break;
        }
    }
    let originals: Vec<String> = files
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap())
        .collect();
    for (f, t) in files.iter().zip(&originals) {
        std::fs::write(f, t.replacen("the ", "each ", 3)).unwrap();
    }
    let busy = edit_latencies(&mut lsp, &uri, &draft.text, 200, 202);
    eprintln!(
        "[{size}] keystroke during re-index p50 {:.2} ms p99 {:.2} ms",
        pct(busy.clone(), 0.5),
        pct(busy.clone(), 0.99)
    );
    for (f, t) in files.iter().zip(&originals) {
        std::fs::write(f, t).unwrap();
    }
    lsp.send(&json!({"jsonrpc": "2.0", "id": 99, "method": "shutdown", "params": null}));
    let _ = lsp.wait(Duration::from_secs(30), |m| m["id"] == 99);
    lsp.send(&json!({"jsonrpc": "2.0", "method": "exit", "params": null}));
    let _ = lsp.child.wait();
    row.server_rss_mb = server_rss_mb;
    (row.key_p50, row.key_p99) = (pct(key.clone(), 0.5), pct(key, 0.99));
    (row.busy_p50, row.busy_p99) = (pct(busy.clone(), 0.5), pct(busy, 0.99));
    row
}

/// The seed corpus alone, and the seed corpus beside `size` generated
/// sources on other subjects, must give the fixture drafts the same
/// diagnostics (messages and ranges). Through the saved index, as a server
/// would load them.
fn equivalence(size: usize, base: &Path) {
    use factcheck_ls::cli::diagnose;
    use factcheck_ls::config::Settings;
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let seed = root.join("fixtures/corpus");
    let dir = base.join(format!("corpus-{size}"));
    let (generated, _) = gen::write_corpus(&dir, size, SEED);
    let project = base.join(format!("equivalence-{size}"));
    std::fs::create_dir_all(&project).unwrap();
    let load = |dirs: &[PathBuf]| {
        let index = cache::index_path(&project, dirs);
        let t = Instant::now();
        let c = cache::load_corpus(dirs, Some(&index), |_, _| {})
            .unwrap()
            .corpus;
        eprintln!(
            "[{size}] loaded {} sources in {:.1}s",
            c.len(),
            t.elapsed().as_secs_f64()
        );
        c
    };
    let alone = load(std::slice::from_ref(&seed));
    let beside = load(&[seed.clone(), generated]);
    assert_eq!(beside.len(), size + alone.len());
    let mut same = true;
    for d in ["shakeup.md", "clean.md", "precision.md"] {
        let text = std::fs::read_to_string(root.join("fixtures/drafts").join(d)).unwrap();
        let show = |c: &factcheck_ls::engine::corpus::Corpus| {
            diagnose(&text, c, &Settings::default())
                .into_iter()
                .map(|x| format!("{:?} {}", x.range, x.message))
                .collect::<Vec<_>>()
        };
        let (a, b) = (show(&alone), show(&beside));
        println!(
            "[{size}] {d}: {} diagnostics with 5 sources, {} with {} — {}",
            a.len(),
            b.len(),
            beside.len(),
            if a == b { "the same" } else { "DIFFERENT" }
        );
        same &= a == b;
    }
    assert!(same, "verdicts changed with {size} unrelated sources");
}

/// Is `rg` there? If not, installs Debian's ripgrep (the baseline).
fn ripgrep() -> bool {
    let present = || Command::new("rg").arg("--version").output().is_ok();
    if present() {
        return true;
    }
    eprintln!("ripgrep missing: apt-get install -y ripgrep");
    let _ = Command::new("apt-get")
        .args(["install", "-y", "-q", "ripgrep"])
        .env("DEBIAN_FRONTEND", "noninteractive")
        .status();
    present()
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|s| s.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    format!("{cores} cores, {cpu}")
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let sizes: Vec<usize> = args
        .iter()
        .position(|a| a == "--sizes")
        .and_then(|i| args.get(i + 1))
        .map(|s| s.split(',').filter_map(|x| x.parse().ok()).collect())
        .unwrap_or_else(|| vec![1000, 10000, 100000]);
    if args.iter().any(|a| a == "--bench")
        && !args.iter().any(|a| a == "--sizes")
        && std::env::var("FACTCHECK_SCALE").is_err()
    {
        // Plain `cargo bench` runs every bench; keep this long one opt-in.
        eprintln!("scale bench: run `cargo bench --bench scale -- --sizes 1000,10000,100000 [--write]` (or set FACTCHECK_SCALE=1)");
        return;
    }
    let base = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/scale");
    if args.iter().any(|a| a == "--equivalence") {
        for s in &sizes {
            equivalence(*s, &base);
        }
        return;
    }
    if args.iter().any(|a| a == "--lookups") {
        // Only the lookups, against the saved index (built if missing).
        for s in &sizes {
            let dir = base.join(format!("corpus-{s}"));
            let (sources, _) = gen::write_corpus(&dir, *s, SEED);
            lookups(*s, &dir, &sources);
        }
        return;
    }
    let mut rows = Vec::new();
    for s in sizes {
        rows.push(run(s, &base, !args.iter().any(|a| a == "--no-lsp")));
    }
    let date = Command::new("date")
        .arg("-u")
        .arg("+%Y-%m-%d")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    let mut table = String::new();
    for r in &rows {
        table.push_str(&format!(
            "| {date} | {} | {} | {:.0} MB | {:.1} s ({:.1} MB/s) | {:.0} ms | {:.0} MB ({:.1}×) | {:.0} MB ({:.1}×) | {:.0} MB | {:.2} / {:.2} ms | {:.2} / {:.2} ms | {:.2} / {:.2} ms | {:.3} ms vs {:.1} ms ({:.0}×) |\n",
            machine(),
            r.size,
            r.mb,
            r.build_s,
            r.mbps,
            r.reopen_s * 1e3,
            r.rss_mb,
            r.rss_ratio,
            r.reopen_rss_mb,
            r.reopen_rss_mb * 1.048_576 / r.mb,
            r.server_rss_mb,
            r.check_p50,
            r.check_p99,
            r.key_p50,
            r.key_p99,
            r.busy_p50,
            r.busy_p99,
            r.ours_ms,
            r.rg_ms,
            r.rg_ms / r.ours_ms
        ));
    }
    let table = table
        .replace("NaN MB", "not measured")
        .replace("NaN / NaN ms", "not measured (--no-lsp)");
    print!("{table}");
    if args.iter().any(|a| a == "--write") {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("BENCHMARKS.md");
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .expect("BENCHMARKS.md exists");
        f.write_all(table.as_bytes()).unwrap();
    }
}
