//! A protocol fuzzer for the real binary, on stable Rust: [`gen`] makes
//! seeded sequences of structured-but-wrong LSP traffic, [`run`] feeds one
//! to `factcheck-ls` on stdio and decides whether the server survived it.
//! This module drives them: a time-bounded run, shrinking a failing
//! sequence, saving it under `tests/fuzz-regressions/`, and replaying those.
#![allow(dead_code)]

pub mod gen;
pub mod run;

use gen::{Chunk, Gen, Rng};
use run::{Failure, Kind, Limits, Project};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub fn binary() -> PathBuf {
    std::env::var_os("FACTCHECK_FUZZ_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_factcheck-ls")))
}

pub fn regressions_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-regressions")
}

fn env_u64(name: &str) -> Option<u64> {
    let v = std::env::var(name).ok()?;
    let v = v.trim();
    let parsed = match v.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => v.parse(),
    };
    Some(parsed.unwrap_or_else(|_| panic!("{name}={v:?} is not a number")))
}

fn env_flag(name: &str) -> bool {
    std::env::var(name).is_ok_and(|v| !v.is_empty() && v != "0")
}

/// FNV-1a, for file names.
pub fn hash(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// How a run is set up, from the environment.
pub struct Config {
    pub seconds: u64,
    pub seed: u64,
    /// Run only this sequence of the seed.
    pub case: Option<u64>,
    /// Go on after a failure, and report every kind found at the end.
    pub keep_going: bool,
    pub shrink: bool,
    /// Where failing inputs are written.
    pub out: PathBuf,
    pub bin: PathBuf,
    pub limits: Limits,
    /// The largest document text generated, in bytes.
    pub max_text: usize,
}

pub const DEFAULT_SEED: u64 = 0x5EED_FAC7;

impl Config {
    pub fn from_env() -> Config {
        let answer = env_u64("FACTCHECK_FUZZ_TIMEOUT_SECS").unwrap_or(30);
        Config {
            seconds: env_u64("FACTCHECK_FUZZ_SECS").unwrap_or(20),
            seed: env_u64("FACTCHECK_FUZZ_SEED").unwrap_or(DEFAULT_SEED),
            case: env_u64("FACTCHECK_FUZZ_CASE"),
            keep_going: env_flag("FACTCHECK_FUZZ_KEEP_GOING"),
            shrink: std::env::var("FACTCHECK_FUZZ_SHRINK").map_or(true, |v| v != "0"),
            out: std::env::var_os("FACTCHECK_FUZZ_OUT")
                .map(PathBuf::from)
                .unwrap_or_else(regressions_dir),
            bin: binary(),
            // A debug build (plain `cargo test`) analyses far slower: keep
            // its documents small, so that slowness is not taken for a hang.
            max_text: env_u64("FACTCHECK_FUZZ_MAX_TEXT").map_or(
                if cfg!(debug_assertions) {
                    64 << 10
                } else {
                    1 << 20
                },
                |n| n as usize,
            ),
            limits: Limits {
                answer: Duration::from_secs(answer),
                exit: Duration::from_secs(10),
            },
        }
    }
}

/// The labels of a sequence, one per chunk, for the report.
fn labels(chunks: &[Chunk]) -> String {
    chunks
        .iter()
        .map(|c| {
            if c.bytes.len() > 300 {
                format!("{} ({} bytes)", c.label, c.bytes.len())
            } else {
                c.label.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(" | ")
}

/// Shows bytes the way a reader can take them in: escaped, and cut short.
pub fn show(bytes: &[u8], max: usize) -> String {
    let mut out = String::new();
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\r' => out.push_str("\\r"),
                '\n' => out.push_str("\\n"),
                c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
                c => out.push(c),
            }
        }
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
        if out.len() > max {
            let mut cut = max;
            while !out.is_char_boundary(cut) {
                cut -= 1;
            }
            let total = bytes.len();
            return format!("{}… ({total} bytes)", &out[..cut]);
        }
    }
    out
}

/// Removes chunks while the failure stays of the same kind (ddmin, by
/// halves down to single chunks), within `budget`.
pub fn shrink(
    chunks: &[Chunk],
    kind: Kind,
    budget: Duration,
    mut fails: impl FnMut(&[Chunk]) -> Option<Kind>,
) -> Vec<Chunk> {
    let deadline = Instant::now() + budget;
    let mut cur = chunks.to_vec();
    let mut size = cur.len().div_ceil(2).max(1);
    loop {
        let mut progressed = false;
        let mut i = 0;
        while i < cur.len() && Instant::now() < deadline {
            let end = (i + size).min(cur.len());
            let cand: Vec<Chunk> = cur[..i].iter().chain(&cur[end..]).cloned().collect();
            if gen::well_formed(&cand) && fails(&cand) == Some(kind) {
                cur = cand;
                progressed = true;
            } else {
                i += size;
            }
        }
        if Instant::now() >= deadline || (size == 1 && !progressed) {
            return cur;
        }
        if !progressed {
            size = size.div_ceil(2);
        }
    }
}

/// A failure found, after shrinking.
pub struct Found {
    pub seed: u64,
    pub case: u64,
    pub failure: Failure,
    pub chunks: Vec<Chunk>,
    pub file: Option<PathBuf>,
}

/// The total of a run.
#[derive(Default)]
pub struct Totals {
    pub sequences: u64,
    pub messages: u64,
    pub bytes: u64,
    pub received: u64,
    pub expected: u64,
    /// Runs whose output ended inside a frame after `exit`.
    pub truncated_at_exit: u64,
    pub seconds: f64,
    /// The sequence that took longest, and how long (seconds).
    pub slowest: (u64, f64),
    pub found: Vec<Found>,
}

fn save(dir: &Path, bytes: &[u8]) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let path = dir.join(format!("{}.bin", hash(bytes)));
    std::fs::write(&path, bytes)?;
    Ok(path)
}

fn report(found: &Found) {
    let f = &found.failure;
    eprintln!(
        "\n=== protocol fuzz FAILURE ({:?}): seed {:#x} sequence {}\n{}\nsequence ({} chunks): {}",
        f.kind,
        found.seed,
        found.case,
        f.detail,
        found.chunks.len(),
        labels(&found.chunks)
    );
    eprintln!("input: {}", show(&gen::concat(&found.chunks), 1500));
    if let Some(p) = &found.file {
        eprintln!("saved to {}", p.display());
    }
    eprintln!(
        "replay: FACTCHECK_FUZZ_SEED={:#x} FACTCHECK_FUZZ_CASE={} cargo test --release --test protocol_fuzz -- --nocapture",
        found.seed, found.case
    );
    eprintln!("server stderr (tail):\n{}", f.stderr);
}

/// Runs sequences for `cfg.seconds` (or the one `cfg.case`).
pub fn fuzz(cfg: &Config) -> Totals {
    let start = Instant::now();
    let deadline = start + Duration::from_secs(cfg.seconds);
    let mut totals = Totals::default();
    let mut last_progress = Instant::now();
    // Failures shrunk so far by kind and stage (keep-going mode).
    let mut shrunk_by_sig: BTreeMap<String, usize> = BTreeMap::new();
    let cases: Box<dyn Iterator<Item = u64>> = match cfg.case {
        Some(c) => Box::new(std::iter::once(c)),
        None => Box::new(0..),
    };
    for case in cases {
        if cfg.case.is_none() && Instant::now() >= deadline {
            break;
        }
        // A new project for each sequence: what one run leaves in it (the
        // saved index) must not change the next, or a saved input would
        // not fail again alone.
        let project = Project::new();
        let chunks = Gen::new(Rng::for_case(cfg.seed, case), project.root_str())
            .max_text(cfg.max_text)
            .sequence();
        let bytes = gen::concat(&chunks);
        totals.sequences += 1;
        totals.messages += chunks.len() as u64;
        totals.bytes += bytes.len() as u64;
        let began = Instant::now();
        let result = run::run(&cfg.bin, &project, &bytes, &cfg.limits);
        let took = began.elapsed().as_secs_f64();
        if took > totals.slowest.1 {
            totals.slowest = (case, took);
        }
        if std::env::var_os("FACTCHECK_FUZZ_VERBOSE").is_some() {
            eprintln!(
                "sequence {case}: {took:.2} s, {} chunks, {} bytes: {}",
                chunks.len(),
                bytes.len(),
                labels(&chunks)
            );
        }
        match result {
            Ok(stats) => {
                totals.truncated_at_exit += u64::from(stats.truncated_at_exit);
                totals.received += stats.received as u64;
                totals.expected += stats.expected as u64;
            }
            Err(failure) => {
                let sig = failure.sig.clone();
                let seen = shrunk_by_sig.entry(sig).or_default();
                *seen += 1;
                let mut found = Found {
                    seed: cfg.seed,
                    case,
                    failure,
                    chunks,
                    file: None,
                };
                if cfg.shrink && *seen <= 3 {
                    shrink_found(cfg, &mut found);
                }
                if !cfg.keep_going || *seen <= 3 {
                    let input = gen::concat(&found.chunks);
                    match save(&cfg.out, &input) {
                        Ok(p) => found.file = Some(p),
                        Err(e) => eprintln!("cannot save the input in {}: {e}", cfg.out.display()),
                    }
                    report(&found);
                }
                totals.found.push(found);
                if !cfg.keep_going {
                    break;
                }
            }
        }
        if last_progress.elapsed() >= Duration::from_secs(15) {
            last_progress = Instant::now();
            let secs = start.elapsed().as_secs_f64();
            eprintln!(
                "protocol fuzz: {:.0} s, {} sequences, {} messages ({:.0}/s), {} failures",
                secs,
                totals.sequences,
                totals.messages,
                totals.messages as f64 / secs,
                totals.found.len()
            );
        }
    }
    totals.seconds = start.elapsed().as_secs_f64();
    totals
}

/// Runs `chunks` in a new project (their paths rewritten to it).
fn run_fresh(cfg: &Config, chunks: &[Chunk], limits: &Limits) -> Result<run::Stats, Failure> {
    let project = Project::new();
    let input = run::rebase(&gen::concat(chunks), project.root_str());
    run::run(&cfg.bin, &project, &input, limits)
}

fn shrink_found(cfg: &Config, found: &mut Found) {
    let kind = found.failure.kind;
    // Hangs are tried with a shorter wait; the result is checked again
    // with the full one.
    let mut limits = cfg.limits;
    if matches!(kind, Kind::Hang | Kind::Unanswered | Kind::ExitHang) {
        limits.answer = limits.answer.min(Duration::from_secs(8));
    }
    let before = found.chunks.len();
    let small = shrink(&found.chunks, kind, Duration::from_secs(150), |cand| {
        run_fresh(cfg, cand, &limits).err().map(|f| f.kind)
    });
    if small.len() < before {
        if let Err(f) = run_fresh(cfg, &small, &cfg.limits) {
            if f.kind == kind {
                eprintln!("shrunk from {before} chunks to {}", small.len());
                found.chunks = small;
                found.failure = f;
            }
        }
    }
}

/// Prints the totals, and the failures grouped by what is left of them.
pub fn summary(cfg: &Config, totals: &Totals) {
    eprintln!(
        "protocol fuzz: seed {:#x}: {} sequences, {} messages ({} bytes) in {:.1} s: {:.0} messages/s, {:.1} sequences/s; {} server messages received, {} requests checked for an answer; slowest: sequence {} ({:.1} s); {} failures",
        cfg.seed,
        totals.sequences,
        totals.messages,
        totals.bytes,
        totals.seconds,
        totals.messages as f64 / totals.seconds.max(1e-9),
        totals.sequences as f64 / totals.seconds.max(1e-9),
        totals.received,
        totals.expected,
        totals.slowest.0,
        totals.slowest.1,
        totals.found.len()
    );
    if totals.truncated_at_exit > 0 {
        eprintln!(
            "note: in {} runs the server's output ended inside a frame after `exit` (a message cut short as the process ended)",
            totals.truncated_at_exit
        );
    }
    if totals.found.len() > 1 {
        let mut groups: BTreeMap<String, Vec<&Found>> = BTreeMap::new();
        for f in &totals.found {
            let sig = f.failure.sig.clone();
            groups.entry(sig).or_default().push(f);
        }
        eprintln!("failures by kind:");
        for (sig, fs) in groups {
            eprintln!("  {} × {sig}", fs.len());
            for f in fs.iter().filter(|f| f.file.is_some()) {
                eprintln!(
                    "      case {} ({} chunks): {}",
                    f.case,
                    f.chunks.len(),
                    labels(&f.chunks)
                );
            }
        }
    }
}

/// Replays one saved input in a new project; `Err` describes the failure.
pub fn replay(bin: &Path, input: &[u8], limits: &Limits) -> Result<(), String> {
    let project = Project::new();
    let input = run::rebase(input, project.root_str());
    run::run(bin, &project, &input, limits)
        .map(|_| ())
        .map_err(|f| {
            format!(
                "{:?}: {}\ninput: {}\nserver stderr (tail):\n{}",
                f.kind,
                f.detail,
                show(&input, 1500),
                f.stderr
            )
        })
}
