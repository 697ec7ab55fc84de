//! Runs one check many times, for a profiler. `cargo run --release --example profile_check`
use factcheck_ls::engine::check::analyze;
use factcheck_ls::load::load_corpus;
use std::path::PathBuf;

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let (corpus, _) = load_corpus(&[root.join("fixtures/corpus")]).unwrap();
    let mut draft = String::new();
    for f in ["shakeup.md", "clean.md", "precision.md"] {
        draft.push_str(&std::fs::read_to_string(root.join("fixtures/drafts").join(f)).unwrap());
    }
    let draft = draft.repeat(2);
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(200);
    let t = std::time::Instant::now();
    let mut findings = 0;
    for _ in 0..n {
        findings += analyze(&draft, &corpus).findings.len();
    }
    println!(
        "{} words, {:?} per check, {findings}",
        draft.split_whitespace().count(),
        t.elapsed() / n as u32
    );
}
