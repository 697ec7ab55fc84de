//! `factcheck-ls check`: the engine over drafts on disk, for people and CI.

use crate::cache;
use crate::config::{Project, Settings};
use crate::engine::check::analyze;
use crate::engine::corpus::Corpus;
use crate::load;
use crate::protocol::diagnostic::to_diagnostics;
use crate::protocol::position::Encoding;
use ropey::Rope;
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use tower_lsp_server::ls_types::{Diagnostic, DiagnosticSeverity, NumberOrString};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
    Sarif,
}

/// The outcome of a check run, for the exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Clean,
    Errors,
}

/// A usage or configuration problem: exit status 2.
#[derive(Debug)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The largest draft checked; larger files are skipped with a message.
pub const MAX_DRAFT_BYTES: u64 = 8 * 1024 * 1024;

/// One checked draft.
pub struct Checked {
    pub path: PathBuf,
    pub text: String,
    pub diagnostics: Vec<Diagnostic>,
}

/// Collects the drafts named on the command line (folders recursively).
pub fn collect_drafts(paths: &[PathBuf]) -> Result<Vec<PathBuf>, UsageError> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found = Vec::new();
            collect_dir(p, &mut found);
            found.sort();
            out.extend(found);
        } else if p.is_file() {
            out.push(p.clone());
        } else {
            return Err(UsageError(format!(
                "no such file or folder: {}",
                p.display()
            )));
        }
    }
    Ok(out)
}

fn collect_dir(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if e.file_name().to_str().is_none_or(|n| n.starts_with('.')) {
            continue;
        }
        if p.is_dir() {
            collect_dir(&p, out);
        } else if p
            .extension()
            .and_then(|x| x.to_str())
            .is_some_and(|x| x.eq_ignore_ascii_case("md") || x.eq_ignore_ascii_case("markdown"))
        {
            out.push(p);
        }
    }
}

/// Checks drafts. `corpus_override` replaces every draft's configured
/// corpus. With `use_index`, the corpus is loaded through the on-disk index
/// in the project's `.factcheck/` folder (see `cache`).
pub fn check(
    paths: &[PathBuf],
    corpus_override: &[PathBuf],
    use_index: bool,
) -> Result<Vec<Checked>, UsageError> {
    let drafts = collect_drafts(paths)?;
    let mut corpora: HashMap<Vec<PathBuf>, (Corpus, Option<cache::IndexFile>)> = HashMap::new();
    let mut out = Vec::new();
    for draft in drafts {
        let project = Project::discover(&draft).map_err(|e| UsageError(e.to_string()))?;
        let dirs = if corpus_override.is_empty() {
            project.corpus_dirs()
        } else {
            corpus_override.to_vec()
        };
        if !corpora.contains_key(&dirs) {
            let index = use_index.then(|| cache::index_path(&project.root, &dirs));
            let loaded = cache::load_corpus(&dirs, index.as_deref(), |_, _| {})
                .map_err(|e| UsageError(e.to_string()))?;
            corpora.insert(dirs.clone(), (loaded.corpus, loaded.report.index));
        }
        let Some((corpus, index)) = corpora.get_mut(&dirs) else {
            continue;
        };
        let text = match read_draft(&draft) {
            Ok(t) => t,
            Err(reason) => {
                tracing::warn!("skipping draft {}: {reason}", draft.display());
                eprintln!("factcheck-ls: skipping {}: {reason}", draft.display());
                continue;
            }
        };
        let mut diagnostics = diagnose(&text, corpus, &project.settings);
        // A source whose saved form was damaged was read as empty: parse
        // it again and check once more.
        let damaged = corpus.take_damaged();
        if !damaged.is_empty() {
            cache::repair(corpus, &damaged, index.as_mut());
            diagnostics = diagnose(&text, corpus, &project.settings);
        }
        out.push(Checked {
            path: draft,
            text,
            diagnostics,
        });
    }
    Ok(out)
}

/// The diagnostics for one draft's text, as the server would publish them
/// (UTF-16 positions).
pub fn diagnose(text: &str, corpus: &Corpus, settings: &Settings) -> Vec<Diagnostic> {
    let analysis = analyze(text, corpus);
    to_diagnostics(
        &analysis.findings,
        &Rope::from_str(text),
        corpus,
        settings,
        Encoding::Utf16,
    )
}

fn read_draft(path: &Path) -> Result<String, String> {
    let len = std::fs::metadata(path).map_err(|e| e.to_string())?.len();
    if len > MAX_DRAFT_BYTES {
        return Err(format!(
            "too large ({len} bytes; the limit is {MAX_DRAFT_BYTES})"
        ));
    }
    load::text_of(std::fs::read(path).map_err(|e| e.to_string())?)
}

/// What `factcheck-ls index` did.
#[derive(Debug, serde::Serialize)]
pub struct IndexReport {
    pub index: Option<PathBuf>,
    pub sources: usize,
    /// Taken from the index without parsing.
    pub reused: usize,
    pub parsed: usize,
    pub skipped: usize,
    /// Why a saved index was not used, if one was there.
    pub rebuilt: Option<String>,
    pub seconds: f64,
    /// Resident memory of this process at the end (Linux only).
    pub resident_bytes: Option<u64>,
}

/// `factcheck-ls index`: builds or refreshes the on-disk index of the
/// project holding `path` (a folder or a draft), as the server would.
pub fn index(path: &Path, corpus_override: &[PathBuf]) -> Result<IndexReport, UsageError> {
    if !path.exists() {
        return Err(UsageError(format!(
            "no such file or folder: {}",
            path.display()
        )));
    }
    let project = Project::discover(path).map_err(|e| UsageError(e.to_string()))?;
    let dirs = if corpus_override.is_empty() {
        project.corpus_dirs()
    } else {
        corpus_override.to_vec()
    };
    let file = cache::index_path(&project.root, &dirs);
    let clock = std::time::Instant::now();
    let loaded =
        cache::load_corpus(&dirs, Some(&file), |_, _| {}).map_err(|e| UsageError(e.to_string()))?;
    let seconds = clock.elapsed().as_secs_f64();
    Ok(IndexReport {
        index: loaded.report.index.map(|f| f.path),
        sources: loaded.corpus.len(),
        reused: loaded.report.reused,
        parsed: loaded.report.parsed,
        skipped: loaded.report.skipped.len(),
        rebuilt: loaded.report.rebuilt,
        seconds,
        resident_bytes: resident_bytes(),
    })
}

/// This process's resident memory, from /proc (Linux).
fn resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: u64 = status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some(kb * 1024)
}

pub fn outcome(results: &[Checked]) -> Outcome {
    let errors = results
        .iter()
        .flat_map(|c| &c.diagnostics)
        .any(|d| d.severity == Some(DiagnosticSeverity::ERROR));
    if errors {
        Outcome::Errors
    } else {
        Outcome::Clean
    }
}

fn severity_word(s: Option<DiagnosticSeverity>) -> &'static str {
    match s {
        Some(DiagnosticSeverity::ERROR) => "error",
        Some(DiagnosticSeverity::WARNING) => "warning",
        Some(DiagnosticSeverity::INFORMATION) => "info",
        _ => "hint",
    }
}

fn code_of(d: &Diagnostic) -> &str {
    match &d.code {
        Some(NumberOrString::String(s)) => s,
        _ => "",
    }
}

/// `file:line:col: severity[code] message`, 1-based line and column, the
/// column counted in characters.
pub fn write_text(results: &[Checked], w: &mut dyn Write) -> std::io::Result<()> {
    for c in results {
        let rope = Rope::from_str(&c.text);
        for d in &c.diagnostics {
            let start = crate::protocol::position::offset_at(&rope, d.range.start, Encoding::Utf16)
                .unwrap_or(0);
            let p = crate::protocol::position::position_at(&rope, start, Encoding::Utf32);
            writeln!(
                w,
                "{}:{}:{}: {}[{}] {}",
                c.path.display(),
                p.line + 1,
                p.character + 1,
                severity_word(d.severity),
                code_of(d),
                d.message
            )?;
        }
    }
    Ok(())
}

pub fn write_json(results: &[Checked], w: &mut dyn Write) -> std::io::Result<()> {
    let v: Vec<serde_json::Value> = results
        .iter()
        .map(|c| serde_json::json!({ "path": c.path.display().to_string(), "diagnostics": c.diagnostics }))
        .collect();
    serde_json::to_writer_pretty(&mut *w, &v)?;
    writeln!(w)
}

/// SARIF 2.1.0, as GitHub code scanning reads it.
pub fn write_sarif(results: &[Checked], w: &mut dyn Write) -> std::io::Result<()> {
    use crate::engine::verdict::{Code, Severity};
    let level = |s: Severity| match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Information | Severity::Hint => "note",
    };
    let rules: Vec<serde_json::Value> = Code::ALL
        .iter()
        .map(|c| {
            serde_json::json!({
                "id": c.as_str(),
                "name": c.as_str(),
                "shortDescription": { "text": c.description() },
                "defaultConfiguration": { "level": level(c.default_severity()) },
            })
        })
        .collect();
    let region = |r: &tower_lsp_server::ls_types::Range| {
        serde_json::json!({
            "startLine": r.start.line + 1, "startColumn": r.start.character + 1,
            "endLine": r.end.line + 1, "endColumn": r.end.character + 1,
        })
    };
    let cwd = std::env::current_dir().unwrap_or_default();
    let rel = |p: &Path| -> String {
        let abs = std::path::absolute(p).unwrap_or(p.to_path_buf());
        abs.strip_prefix(&cwd)
            .map(Path::to_path_buf)
            .unwrap_or(abs)
            .to_string_lossy()
            .replace('\\', "/")
    };
    let mut res = Vec::new();
    for c in results {
        for d in &c.diagnostics {
            let code = code_of(d);
            let sev = match d.severity {
                Some(DiagnosticSeverity::ERROR) => Severity::Error,
                Some(DiagnosticSeverity::WARNING) => Severity::Warning,
                Some(DiagnosticSeverity::INFORMATION) => Severity::Information,
                _ => Severity::Hint,
            };
            let related: Vec<serde_json::Value> = d
                .related_information
                .iter()
                .flatten()
                .enumerate()
                .map(|(i, r)| {
                    let path = r.location.uri.to_file_path().map(|p| rel(&p)).unwrap_or_else(|| r.location.uri.as_str().to_string());
                    serde_json::json!({
                        "id": i,
                        "message": { "text": r.message },
                        "physicalLocation": { "artifactLocation": { "uri": path }, "region": region(&r.location.range) },
                    })
                })
                .collect();
            res.push(serde_json::json!({
                "ruleId": code,
                "ruleIndex": Code::ALL.iter().position(|c| c.as_str() == code).unwrap_or(0),
                "level": level(sev),
                "message": { "text": d.message },
                "locations": [{ "physicalLocation": {
                    "artifactLocation": { "uri": rel(&c.path) },
                    "region": region(&d.range),
                }}],
                "relatedLocations": related,
            }));
        }
    }
    let doc = serde_json::json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "factcheck-ls",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "columnKind": "utf16CodeUnits",
            "results": res,
        }],
    });
    serde_json::to_writer_pretty(&mut *w, &doc)?;
    writeln!(w)
}
