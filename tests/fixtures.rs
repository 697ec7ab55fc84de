//! The drafts in fixtures/ and what the engine says about them, pinned as
//! snapshots: every span, code and message.
mod common;

use common::{read, render, root, seed_corpus, transit_corpus};

fn snapshot_of(corpus: &factcheck_ls::engine::corpus::Corpus, rel: &str) -> String {
    let text = read(&root().join(rel));
    render(&text, corpus).join("\n")
}

#[test]
fn demo_draft_shakeup() {
    insta::assert_snapshot!(snapshot_of(seed_corpus(), "fixtures/drafts/shakeup.md"));
}

#[test]
fn clean_draft_has_no_errors_or_warnings() {
    insta::assert_snapshot!(snapshot_of(seed_corpus(), "fixtures/drafts/clean.md"));
}

#[test]
fn precision_draft() {
    insta::assert_snapshot!(snapshot_of(seed_corpus(), "fixtures/drafts/precision.md"));
}

#[test]
fn transit_fares_draft() {
    insta::assert_snapshot!(snapshot_of(
        transit_corpus(),
        "fixtures/transit/drafts/fares.md"
    ));
}

#[test]
fn transit_clean_draft_is_silent() {
    assert_eq!(
        snapshot_of(transit_corpus(), "fixtures/transit/drafts/clean.md"),
        ""
    );
}

/// Every source, read as a draft, raises no error or warning: verbatim
/// sentences and quotes are never flagged.
#[test]
fn sources_checked_against_themselves_raise_no_errors_or_warnings() {
    for (corpus, dir) in [
        (seed_corpus(), "fixtures/corpus"),
        (transit_corpus(), "fixtures/transit/sources"),
    ] {
        for entry in std::fs::read_dir(root().join(dir)).unwrap() {
            let path = entry.unwrap().path();
            let text = read(&path);
            let bad: Vec<String> = render(&text, corpus)
                .into_iter()
                .filter(|l| l.contains(" error[") || l.contains(" warning["))
                .collect();
            assert!(bad.is_empty(), "{}: {bad:#?}", path.display());
        }
    }
}
