//! Shared test helpers: the seed corpus, and findings rendered as
//! `line:col-line:col severity[code] message` (0-based, UTF-16, as LSP).
#![allow(dead_code)]

pub mod binary;
pub mod lsp;

use factcheck_ls::config::Settings;
use factcheck_ls::engine::check::{analyze, Analysis};
use factcheck_ls::engine::corpus::Corpus;
use factcheck_ls::load;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn seed_corpus() -> &'static Corpus {
    static C: OnceLock<Corpus> = OnceLock::new();
    C.get_or_init(|| {
        load::load_corpus(&[root().join("fixtures/corpus")])
            .unwrap()
            .0
    })
}

pub fn transit_corpus() -> &'static Corpus {
    static C: OnceLock<Corpus> = OnceLock::new();
    C.get_or_init(|| {
        load::load_corpus(&[root().join("fixtures/transit/sources")])
            .unwrap()
            .0
    })
}

/// Findings of a draft against the seed corpus, one line each.
pub fn findings(draft: &str) -> Vec<String> {
    render(draft, seed_corpus())
}

pub fn render(draft: &str, corpus: &Corpus) -> Vec<String> {
    factcheck_ls::cli::diagnose(draft, corpus, &Settings::default())
        .iter()
        .map(|d| {
            let code = match &d.code {
                Some(tower_lsp_server::ls_types::NumberOrString::String(s)) => s.clone(),
                _ => String::new(),
            };
            let sev = match d.severity.map(|s| format!("{s:?}")) {
                Some(s) => s,
                None => "?".into(),
            };
            format!(
                "{}:{}-{}:{} {}[{}] {}",
                d.range.start.line,
                d.range.start.character,
                d.range.end.line,
                d.range.end.character,
                sev_word(&sev),
                code,
                d.message
            )
        })
        .collect()
}

fn sev_word(debug: &str) -> &'static str {
    match debug {
        "DiagnosticSeverity(1)" | "Error" | "ERROR" => "error",
        "DiagnosticSeverity(2)" | "Warning" | "WARNING" => "warning",
        "DiagnosticSeverity(3)" | "Information" | "INFORMATION" => "info",
        _ => "hint",
    }
}

pub fn analysis(draft: &str) -> Analysis {
    analyze(draft, seed_corpus())
}

/// The draft text a byte span covers.
pub fn text_of<'a>(draft: &'a str, span: &std::ops::Range<usize>) -> &'a str {
    &draft[span.clone()]
}

pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}
