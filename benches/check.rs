//! Criterion benches for the engine: one check of a 2,000-word draft against
//! the seed corpus (target: ≤ 2 ms, index build excluded), and index build
//! throughput in MB/s, and work per byte on inputs once quadratic.
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use factcheck_ls::engine::check::analyze;
use factcheck_ls::engine::corpus::Corpus;
use factcheck_ls::engine::source::Source;
use std::path::{Path, PathBuf};

#[path = "inputs/adversarial.rs"]
mod adversarial;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// About 2,000 words of draft: the demo drafts, repeated.
pub fn draft_2000_words() -> String {
    let parts: Vec<String> = ["shakeup.md", "clean.md", "precision.md"]
        .iter()
        .map(|f| std::fs::read_to_string(root().join("fixtures/drafts").join(f)).unwrap())
        .collect();
    // Whole paragraphs until 2,000 words.
    let mut out = String::new();
    let mut words = 0;
    'fill: loop {
        for p in &parts {
            for para in p.split("\n\n") {
                let n = para.split_whitespace().count();
                if words + n > 2000 {
                    break 'fill;
                }
                out.push_str(para);
                out.push_str("\n\n");
                words += n;
            }
        }
    }
    out
}

fn seed_files() -> Vec<(PathBuf, String)> {
    let mut v: Vec<(PathBuf, String)> = std::fs::read_dir(root().join("fixtures/corpus"))
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            let t = std::fs::read_to_string(&p).unwrap();
            (p, t)
        })
        .collect();
    v.sort();
    v
}

fn bench_check(c: &mut Criterion) {
    let mut corpus = Corpus::new();
    for (p, t) in seed_files() {
        corpus.upsert(&p, t);
    }
    let draft = draft_2000_words();
    let words = draft.split_whitespace().count();
    c.bench_with_input(
        BenchmarkId::new("check_draft", format!("{words}_words")),
        &draft,
        |b, d| b.iter(|| analyze(d, &corpus)),
    );
}

fn bench_index(c: &mut Criterion) {
    let files = seed_files();
    let bytes: usize = files.iter().map(|(_, t)| t.len()).sum();
    let mut g = c.benchmark_group("index_build");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("seed_corpus", |b| {
        b.iter(|| {
            let mut corpus = Corpus::new();
            for (p, t) in &files {
                corpus.insert(Source::parse(Path::new(p), t.clone()));
            }
            corpus
        })
    });
    g.finish();
}

/// A keystroke through the server's path, debounce excluded: apply an
/// incremental edit to the rope, take the text, run the engine, convert to
/// LSP diagnostics (UTF-16). Target: p50 ≤ 5 ms on a 2,000-word draft.
fn bench_keystroke(c: &mut Criterion) {
    use factcheck_ls::config::Settings;
    use factcheck_ls::protocol::diagnostic::to_diagnostics;
    use factcheck_ls::protocol::position::{range_of, Encoding};
    use factcheck_ls::server::document::Document;
    use tower_lsp_server::ls_types::TextDocumentContentChangeEvent;

    let mut corpus = Corpus::new();
    for (p, t) in seed_files() {
        corpus.upsert(&p, t);
    }
    let draft = draft_2000_words();
    let mut doc = Document::new(&draft, 1, "markdown");
    let at = draft.find("30 field offices").unwrap();
    let settings = Settings::default();
    let mut flip = false;
    c.bench_function("keystroke_to_diagnostics/2000_words", |b| {
        b.iter(|| {
            // Type over one digit: "30" ⇄ "31".
            flip = !flip;
            let range = range_of(&doc.rope, at + 1..at + 2, Encoding::Utf16);
            let change = TextDocumentContentChangeEvent {
                range: Some(range),
                range_length: None,
                text: if flip { "1" } else { "0" }.into(),
            };
            doc.apply(&change, Encoding::Utf16).unwrap();
            let text = doc.text();
            let analysis = analyze(&text, &corpus);
            to_diagnostics(
                &analysis.findings,
                &doc.rope,
                &corpus,
                &settings,
                Encoding::Utf16,
            )
        })
    });
}

/// Work per byte on inputs that were once quadratic: each parsed as a
/// source and checked as a draft, at two sizes. Bounded work shows as the
/// same MB/s at both.
fn bench_bounded_work(c: &mut Criterion) {
    let mut g = c.benchmark_group("bounded_work");
    g.sample_size(10);
    let empty = Corpus::new();
    for bytes in [100_000, 400_000] {
        for (name, text) in adversarial::inputs(bytes) {
            g.throughput(Throughput::Bytes(text.len() as u64));
            g.bench_with_input(BenchmarkId::new(name, bytes), &text, |b, t| {
                b.iter(|| {
                    let s = Source::parse(Path::new("/s/input.txt"), t.clone());
                    (s.figures.len(), analyze(t, &empty).findings.len())
                })
            });
        }
    }
    g.finish();
}

criterion_group!(
    benches,
    bench_check,
    bench_index,
    bench_keystroke,
    bench_bounded_work
);
criterion_main!(benches);
