//! Criterion benches for the engine: one check of a 2,000-word draft against
//! the seed corpus (target: ≤ 2 ms, index build excluded), and index build
//! throughput in MB/s.
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use factcheck_ls::engine::check::analyze;
use factcheck_ls::engine::corpus::Corpus;
use factcheck_ls::engine::source::Source;
use std::path::{Path, PathBuf};

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

criterion_group!(benches, bench_check, bench_index);
criterion_main!(benches);
