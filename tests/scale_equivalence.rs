//! Verdicts must not change when the corpus grows with sources that say
//! nothing about the draft's claims: the seed corpus alone against the seed
//! corpus plus generated sources on invented subjects.
mod common;

#[path = "../benches/scale/gen.rs"]
mod gen;

use common::{read, render, root, seed_corpus};
use factcheck_ls::engine::corpus::Corpus;
use std::path::Path;

#[test]
fn extra_unrelated_sources_do_not_change_verdicts() {
    let mut big = Corpus::new();
    for (_, s) in seed_corpus().sources() {
        big.upsert(&s.path, s.text.clone());
    }
    let v = gen::Vocab::new(7);
    // Enough sources that common words' candidate lists pass the length at
    // which they are no longer read whole.
    for i in 0..2500 {
        let g = gen::source(&v, 7, i);
        big.upsert(Path::new(&format!("/generated/{}", g.file)), g.text);
    }
    assert_eq!(big.len(), 2505);
    assert!(
        big.figures_with_local("goal").len() > 2000,
        "{}",
        big.figures_with_local("goal").len()
    );
    for draft in ["shakeup.md", "clean.md", "precision.md"] {
        let text = read(&root().join("fixtures/drafts").join(draft));
        assert_eq!(render(&text, seed_corpus()), render(&text, &big), "{draft}");
    }
}

#[test]
fn generated_corpora_are_deterministic_and_varied() {
    let v = gen::Vocab::new(7);
    let a = gen::source(&v, 7, 42);
    let b = gen::source(&gen::Vocab::new(7), 7, 42);
    assert_eq!(a.text, b.text);
    let words = a.text.split_whitespace().count();
    assert!((600..800).contains(&words), "{words}");
    assert!(a.text.starts_with("---\nid: g000042\ntitle: "));
    let c = gen::source(&v, 7, 43);
    assert_ne!(a.text, c.text);
}
