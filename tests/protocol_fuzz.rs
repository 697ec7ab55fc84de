//! A protocol fuzzer for the real `factcheck-ls` binary (stable Rust; no
//! cargo-fuzz). It writes seeded sequences of structured-but-wrong LSP
//! traffic on the server's stdin (real methods with mutated params, odd
//! ids and envelopes, responses nobody asked for, framing faults), then a
//! valid probe, and requires that the server is still alive, answers the
//! probe and every well-formed request, and ends with status 0 on
//! `shutdown` + `exit`: no crash, no hang. See tests/fuzz/ for the rules.
//!
//! A failing input is shrunk, written to `tests/fuzz-regressions/<hash>.bin`
//! and the test fails, printing the seed and the sequence number;
//! `fuzz_regressions` replays every file there on each run.
//!
//! Run it for an hour:
//!
//! ```text
//! FACTCHECK_FUZZ_SECS=3600 cargo test --release --test protocol_fuzz -- --nocapture
//! ```
//!
//! Settings (environment):
//! - `FACTCHECK_FUZZ_SECS`: how long to run (default 20);
//! - `FACTCHECK_FUZZ_SEED`: the seed (decimal or 0x-hex; default 0x5EEDFAC7);
//! - `FACTCHECK_FUZZ_CASE`: run only this sequence of the seed (to reproduce);
//! - `FACTCHECK_FUZZ_KEEP_GOING=1`: go on after failures, and group them at
//!   the end (the first three of each kind are shrunk and saved);
//! - `FACTCHECK_FUZZ_SHRINK=0`: save failing inputs as found;
//! - `FACTCHECK_FUZZ_OUT`: where to save them (default tests/fuzz-regressions);
//! - `FACTCHECK_FUZZ_TIMEOUT_SECS`: how long an answer may take (default 30);
//! - `FACTCHECK_FUZZ_MAX_TEXT`: the largest document text, in bytes (default
//!   1 MiB; 64 KiB in a debug build);
//! - `FACTCHECK_FUZZ_BIN`: another binary to test;
//! - `FACTCHECK_FUZZ_REPLAY`: a file or folder for `fuzz_regressions` to
//!   replay instead of tests/fuzz-regressions;
//! - `FACTCHECK_FUZZ_TRACE=1`: print what the server writes;
//!   `FACTCHECK_FUZZ_VERBOSE=1`: print each sequence and its time.
mod fuzz;

#[test]
fn protocol_fuzz() {
    let cfg = fuzz::Config::from_env();
    let totals = fuzz::fuzz(&cfg);
    fuzz::summary(&cfg, &totals);
    if let Some(first) = totals.found.first() {
        panic!(
            "the server failed on {} of {} sequences; first: seed {:#x} sequence {} ({:?}: {}){}",
            totals.found.len(),
            totals.sequences,
            first.seed,
            first.case,
            first.failure.kind,
            first.failure.detail,
            first
                .file
                .as_ref()
                .map(|p| format!("; input saved to {}", p.display()))
                .unwrap_or_default()
        );
    }
    assert!(totals.sequences > 0, "no sequence was run");
}

/// Every saved failing input must now pass.
#[test]
fn fuzz_regressions() {
    let dir = std::env::var_os("FACTCHECK_FUZZ_REPLAY")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(fuzz::regressions_dir);
    let mut files: Vec<_> = if dir.is_file() {
        vec![dir.clone()]
    } else {
        std::fs::read_dir(&dir)
            .map(|d| {
                d.filter_map(Result::ok)
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|x| x == "bin"))
                    .collect()
            })
            .unwrap_or_default()
    };
    files.sort();
    let bin = fuzz::binary();
    let limits = fuzz::Config::from_env().limits;
    let mut failed = Vec::new();
    for f in &files {
        let input = std::fs::read(f).unwrap();
        match fuzz::replay(&bin, &input, &limits) {
            Ok(()) => eprintln!("fuzz regression {}: ok", f.display()),
            Err(why) => {
                eprintln!("fuzz regression {} FAILED: {why}", f.display());
                failed.push(f.display().to_string());
            }
        }
    }
    eprintln!("{} fuzz regression inputs replayed", files.len());
    assert!(failed.is_empty(), "fuzz regressions failed: {failed:?}");
}

/// The generator is deterministic, and keeps the framing rules it
/// promises; the scanner finds the requests it frames cleanly.
#[test]
fn generator_is_deterministic_and_keeps_its_rules() {
    use fuzz::gen::{self, Gen, Rng};
    let root = "/tmp/fcfz-00000000";
    let mut requests = 0;
    for case in 0..300 {
        let a = Gen::new(Rng::for_case(7, case), root).sequence();
        let b = Gen::new(Rng::for_case(7, case), root).sequence();
        assert_eq!(gen::concat(&a), gen::concat(&b), "case {case}");
        assert!(gen::well_formed(&a), "case {case}");
        for c in &a {
            if c.label.starts_with("framing:") && !c.label.contains("endless") {
                // Junk: no header name but in the header itself.
                let at = memchr::memmem::find(&c.bytes, b"\n\n")
                    .map(|i| i + 2)
                    .or_else(|| memchr::memmem::find(&c.bytes, b"\r\n\r\n").map(|i| i + 4))
                    .unwrap_or(0);
                assert!(
                    !gen::mentions_header(&c.bytes[at..]),
                    "case {case}: {}",
                    c.label
                );
            }
        }
        requests += fuzz::run::scan(&gen::concat(&a)).requests.len();
    }
    assert!(requests > 300, "only {requests} requests found");
    let rebased = fuzz::run::rebase(b"file:///tmp/fcfz-0123abcd/x.md", "/tmp/fcfz-ffffffff");
    assert_eq!(rebased, b"file:///tmp/fcfz-ffffffff/x.md");
    let framed = gen::frame(br#"{"jsonrpc":"2.0","id":"a","method":"$/x"}"#);
    let mut input = framed.clone();
    input.extend(gen::frame(br#"{"jsonrpc":"2.0","method":"exit"}"#));
    let e = fuzz::run::scan(&input);
    assert_eq!(e.requests, vec![("\"a\"".to_string(), "$/x".to_string())]);
    assert_eq!(e.exit_at, Some(framed.len()));
}
