//! Parses every file of a generated corpus on one thread, for a profiler
//! (`cargo run --release --example profile_parse -- 1000`).
#[path = "../benches/scale/gen.rs"]
mod gen;

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1000);
    let rounds: usize = std::env::args()
        .nth(2)
        .and_then(|a| a.parse().ok())
        .unwrap_or(3);
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join(format!("target/scale/corpus-{n}"));
    let (sources, _) = gen::write_corpus(&dir, n, 20261123);
    // The files a corpus load reads, in its order.
    let read = |dir: std::path::PathBuf| {
        factcheck_ls::load::list_sources(&[dir])
            .unwrap()
            .into_iter()
            .filter_map(|p| Some((p.clone(), std::fs::read_to_string(&p).ok()?)))
            .collect::<Vec<_>>()
    };
    let files = read(sources);
    // `--dump FILE` writes every parsed source, to compare parser changes.
    if let Some(out) = std::env::args().skip_while(|a| a != "--dump").nth(1) {
        let mut dump = String::new();
        let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        for (p, text) in files.iter().cloned().chain(read(fixtures)) {
            let s = factcheck_ls::engine::source::Source::parse(&p, text);
            dump.push_str(&format!("{s:#?}\n"));
        }
        std::fs::write(out, dump).unwrap();
        return;
    }
    let bytes: usize = files.iter().map(|f| f.1.len()).sum();
    let t = std::time::Instant::now();
    for _ in 0..rounds {
        for (p, text) in &files {
            std::hint::black_box(factcheck_ls::engine::source::Source::parse(p, text.clone()));
        }
    }
    let secs = t.elapsed().as_secs_f64();
    use factcheck_ls::engine::{figure, markdown, quote, text};
    let mut spent = [0f64; 5];
    for (_, t) in &files {
        let c = std::time::Instant::now();
        let p = markdown::parse(t);
        spent[0] += c.elapsed().as_secs_f64();
        let c = std::time::Instant::now();
        let ss = text::sentences(&p.masked, &p.blocks, text::LineBreaks::Soft);
        spent[1] += c.elapsed().as_secs_f64();
        let c = std::time::Instant::now();
        std::hint::black_box(figure::extract(&p.masked, &ss));
        spent[2] += c.elapsed().as_secs_f64();
        let c = std::time::Instant::now();
        std::hint::black_box(quote::extract(&p.masked, &p.blocks, &ss));
        spent[3] += c.elapsed().as_secs_f64();
        let c = std::time::Instant::now();
        let mut n = 0;
        for r in &p.blocks {
            let tokens = text::lex(&p.masked, r.clone());
            quote::word_terms(&p.masked, &tokens, |_, _| n += 1);
        }
        std::hint::black_box(n);
        spent[4] += c.elapsed().as_secs_f64();
    }
    let total: f64 = spent.iter().sum();
    for (name, s) in ["markdown", "sentences", "figures", "quotes", "words"]
        .iter()
        .zip(spent)
    {
        println!("{name:>10}: {:5.1}% {:.0} ms", s / total * 100.0, s * 1e3);
    }
    println!(
        "{} files, {:.1} MB: {:.2} MB/s on one thread",
        files.len(),
        bytes as f64 / 1e6,
        (bytes * rounds) as f64 / 1e6 / secs
    );
}
