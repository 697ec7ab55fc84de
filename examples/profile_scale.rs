//! Times one check of a generated 2,000-word draft against a generated
//! corpus (`cargo run --release --example profile_scale -- 1000`), for a profiler.
#[path = "../benches/scale/gen.rs"]
mod gen;

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1000);
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join(format!("target/scale/corpus-{n}"));
    let (sources, _) = gen::write_corpus(&dir, n, 20261123);
    let (corpus, _) = factcheck_ls::load::load_corpus(&[sources]).unwrap();
    let v = gen::Vocab::new(20261123);
    let draft = gen::draft(&v, 20261123, n);
    let t = std::time::Instant::now();
    for _ in 0..10 {
        std::hint::black_box(factcheck_ls::engine::check::analyze(&draft.text, &corpus));
    }
    println!("{n} sources: {:?} per check", t.elapsed() / 10);
}
