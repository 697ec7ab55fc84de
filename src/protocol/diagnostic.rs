//! Engine findings → LSP diagnostics. The CLI's JSON output and the server's
//! `publishDiagnostics` both come from here, so they are the same.

use super::position::{range_in_text, range_of, Encoding};
use crate::config::Settings;
use crate::engine::corpus::{Corpus, SourceKey};
use crate::engine::verdict::{Finding, Severity, Stance};
use ropey::Rope;
use std::path::Path;
use tower_lsp_server::ls_types::{
    Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, Uri,
};

pub const SOURCE_NAME: &str = "factcheck";

/// A file URI for a path, made absolute first.
pub fn file_uri(path: &Path) -> Option<Uri> {
    let abs = std::path::absolute(path).ok()?;
    Uri::from_file_path(abs)
}

fn lsp_severity(s: Severity) -> DiagnosticSeverity {
    match s {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Information => DiagnosticSeverity::INFORMATION,
        Severity::Hint => DiagnosticSeverity::HINT,
    }
}

/// The location of a byte span in a source file, in the session's encoding
/// (the client reads the file with it). Found by one pass over the source's
/// text: building a rope of each source a check cites cost 3 ms a keystroke
/// at 44 findings.
pub fn source_location(
    corpus: &Corpus,
    source: SourceKey,
    span: std::ops::Range<usize>,
    enc: Encoding,
) -> Option<Location> {
    let s = corpus.get(source)?;
    Some(Location {
        uri: file_uri(&s.path)?,
        range: range_in_text(&s.text, span, enc),
    })
}

fn related_message(stance: Stance, id: &str, said: &str) -> String {
    match stance {
        Stance::Supports => format!("{id} says {said}"),
        Stance::Contradicts => format!("{id} says {said}"),
        Stance::MorePrecise => format!("{id} says {said}"),
        Stance::Differs => format!("{id}: “{said}”"),
        Stance::Cited => format!("cited: {id} ({said})"),
    }
}

/// Converts findings to diagnostics, applying the settings' severities
/// (codes set to "off" are dropped).
pub fn to_diagnostics(
    findings: &[Finding],
    draft: &Rope,
    corpus: &Corpus,
    settings: &Settings,
    enc: Encoding,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for f in findings {
        let Some(severity) = settings.severity_of(f) else {
            continue;
        };
        let related: Vec<DiagnosticRelatedInformation> = f
            .evidence
            .iter()
            .filter_map(|e| {
                let span = if e.stance == Stance::Cited {
                    0..0
                } else {
                    e.passage.clone()
                };
                Some(DiagnosticRelatedInformation {
                    location: source_location(corpus, e.source, span, enc)?,
                    message: related_message(e.stance, &e.id, &e.said),
                })
            })
            .collect();
        let fixes: Vec<serde_json::Value> = f
            .fix
            .iter()
            .map(|x| {
                serde_json::json!({
                    "title": x.title,
                    "range": range_of(draft, x.span.clone(), enc),
                    "newText": x.replacement,
                })
            })
            .collect();
        let sources: Vec<&str> = f.evidence.iter().map(|e| e.id.as_str()).collect();
        let mut data = serde_json::json!({ "sources": sources, "fixes": fixes });
        if !f.diff.is_empty() {
            data["diff"] = serde_json::to_value(&f.diff).unwrap_or_default();
        }
        out.push(Diagnostic {
            range: range_of(draft, f.span.clone(), enc),
            severity: Some(lsp_severity(severity)),
            code: Some(NumberOrString::String(f.code.as_str().to_string())),
            code_description: None,
            source: Some(SOURCE_NAME.to_string()),
            message: f.message.clone(),
            related_information: (!related.is_empty()).then_some(related),
            tags: None,
            data: Some(data),
        });
    }
    out
}
