//! Hover, go-to-source, code actions, completion and document links, built
//! from an analysis. Positions go through `protocol::position` only.

use crate::engine::check::{Analysis, Claim, FigureVerdict, QuoteVerdict};
use crate::engine::cite::{self, Style};
use crate::engine::corpus::Corpus;
use crate::engine::source::Source;
use crate::engine::verdict::{DiffOp, Evidence, Finding, Stance};
use crate::protocol::diagnostic::{file_uri, source_location};
use crate::protocol::position::{range_of, Encoding};
use ropey::Rope;
use std::ops::Range;
use std::path::Path;
use tower_lsp_server::ls_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CompletionItem, CompletionItemKind,
    CompletionTextEdit, Diagnostic, DocumentChanges, DocumentLink, Hover, HoverContents, Location,
    MarkupContent, MarkupKind, OneOf, OptionalVersionedTextDocumentIdentifier, TextDocumentEdit,
    TextEdit, Uri, WorkspaceEdit,
};

/// What a feature needs about one checked draft.
pub struct Ctx<'a> {
    pub text: &'a str,
    pub rope: &'a Rope,
    pub analysis: &'a Analysis,
    pub corpus: &'a Corpus,
    pub enc: Encoding,
    pub uri: &'a Uri,
    pub version: i32,
    pub draft_dir: Option<&'a Path>,
    pub pandoc: bool,
}

fn source_line(s: &Source) -> String {
    let mut parts = vec![format!("**{}**", s.id)];
    if let Some(t) = &s.meta.title {
        parts.push(format!("*{}*", t.replace('*', "\\*")));
    }
    for v in [&s.meta.outlet, &s.meta.author, &s.meta.date]
        .into_iter()
        .flatten()
    {
        parts.push(v.clone());
    }
    parts.join(" · ")
}

/// The source sentence as a Markdown quote, with the matching words bold.
fn passage_markdown(corpus: &Corpus, ev: &Evidence) -> String {
    let Some(s) = corpus.get(ev.source) else {
        return String::new();
    };
    let sent = ev.sentence.clone();
    let p = ev.passage.clone();
    if sent.start > p.start || p.end > sent.end || sent.end > s.text.len() {
        return format!("> {}", crate::engine::text::squash(&s.text[p]));
    }
    let esc = |t: &str| crate::engine::text::squash(t).replace('*', "\\*");
    let (before, after) = (&s.text[sent.start..p.start], &s.text[p.end..sent.end]);
    let gap_before = if before.ends_with(char::is_whitespace) {
        " "
    } else {
        ""
    };
    let gap_after = if after.starts_with(char::is_whitespace) {
        " "
    } else {
        ""
    };
    format!(
        "> {}{gap_before}**{}**{gap_after}{}",
        esc(before),
        esc(&s.text[p.clone()]),
        esc(after)
    )
}

fn diff_markdown(diff: &[DiffOp]) -> String {
    diff.iter()
        .map(|op| match op {
            DiffOp::Equal(t) => t.clone(),
            DiffOp::Delete(t) => format!("~~{t}~~"),
            DiffOp::Insert(t) => format!("**{t}**"),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn others(corpus: &Corpus, evidence: &[Evidence], skip: usize) -> Vec<String> {
    evidence
        .iter()
        .skip(skip)
        .map(|e| {
            let label = corpus
                .get(e.source)
                .map(|s| s.short_label())
                .unwrap_or_default();
            let verb = match e.stance {
                Stance::Supports => "agrees",
                Stance::Cited => "is cited",
                Stance::Contradicts | Stance::MorePrecise | Stance::Differs => "says",
            };
            let label = if label.is_empty() {
                String::new()
            } else {
                format!(" ({label})")
            };
            format!("- **{}**{label} {verb}: {}", e.id, e.said)
        })
        .collect()
}

fn finding_for<'a>(a: &'a Analysis, span: &Range<usize>) -> Option<&'a Finding> {
    a.findings.iter().find(|f| f.span == *span)
}

/// Hover over a figure, quote or citation marker.
pub fn hover(c: &Ctx, offset: usize) -> Option<Hover> {
    let claim = c.analysis.claim_at(offset)?;
    let (span, verdict_line, evidence, diff): (Range<usize>, String, Vec<Evidence>, Vec<DiffOp>) =
        match claim {
            Claim::Figure(f) => {
                let line = match finding_for(c.analysis, &f.figure.span) {
                    Some(fd) => format!("**{}**: {}", fd.code.as_str(), fd.message),
                    None => match f.verdict {
                        FigureVerdict::Supported => {
                            format!("**Supported**: {}", f.figure.described())
                        }
                        _ => format!("**{:?}**: {}", f.verdict, f.figure.described()),
                    },
                };
                let mut ev = f.evidence.clone();
                ev.extend(f.disagreements.iter().cloned());
                (f.figure.span.clone(), line, ev, Vec::new())
            }
            Claim::Quote(q) => {
                let line = match finding_for(c.analysis, &q.quote.span) {
                    Some(fd) => format!("**{}**: {}", fd.code.as_str(), fd.message),
                    None => match &q.verdict {
                        QuoteVerdict::Verbatim => "**Verbatim** in the source".to_string(),
                        QuoteVerdict::TooShort => "Too short to check".to_string(),
                        v => format!("{v:?}"),
                    },
                };
                (
                    q.quote.span.clone(),
                    line,
                    q.evidence.clone(),
                    q.diff.clone(),
                )
            }
            Claim::Citation(ct) => {
                let names: Vec<String> = ct
                    .cited
                    .iter()
                    .filter_map(|k| c.corpus.get(*k))
                    .map(source_line)
                    .collect();
                let line = match finding_for(c.analysis, &ct.marker.span) {
                    Some(fd) => format!("**{}**: {}", fd.code.as_str(), fd.message),
                    None if names.is_empty() => format!(
                        "Cites `{}`, which is not a source in the corpus",
                        ct.marker.label
                    ),
                    None => "Citation".to_string(),
                };
                let mut md = vec![line];
                md.extend(names.into_iter().map(|n| format!("Cites {n}")));
                return Some(Hover {
                    contents: HoverContents::Markup(MarkupContent {
                        kind: MarkupKind::Markdown,
                        value: md.join("\n\n"),
                    }),
                    range: Some(range_of(c.rope, ct.marker.span.clone(), c.enc)),
                });
            }
        };
    let mut md = vec![verdict_line];
    if let Some(best) = evidence.first() {
        if let Some(s) = c.corpus.get(best.source) {
            md.push(source_line(s));
        }
        md.push(passage_markdown(c.corpus, best));
    }
    if !diff.is_empty() {
        md.push(format!("Draft against source: {}", diff_markdown(&diff)));
    }
    let rest = others(c.corpus, &evidence, 1);
    if !rest.is_empty() {
        md.push(rest.join("\n"));
    }
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: md.join("\n\n"),
        }),
        range: Some(range_of(c.rope, span, c.enc)),
    })
}

/// Go to source: the passages behind the claim at `offset`.
pub fn definition(c: &Ctx, offset: usize) -> Vec<Location> {
    let evidence: Vec<Evidence> = match c.analysis.claim_at(offset) {
        Some(Claim::Figure(f)) => f.evidence.iter().chain(&f.disagreements).cloned().collect(),
        Some(Claim::Quote(q)) => q.evidence.clone(),
        Some(Claim::Citation(ct)) => {
            // The passage in the cited source behind the sentence's claims,
            // else the top of the cited file.
            let mut out = Vec::new();
            for k in &ct.cited {
                let passage = ct.sentence.as_ref().and_then(|s| {
                    c.analysis
                        .supported_claims()
                        .into_iter()
                        .filter(|(span, _)| s.start <= span.start && span.start < s.end)
                        .flat_map(|(_, ev)| ev.iter())
                        .find(|e| e.source == *k)
                        .map(|e| e.passage.clone())
                });
                if let Some(loc) = source_location(c.corpus, *k, passage.unwrap_or(0..0), c.enc) {
                    out.push(loc);
                }
            }
            return out;
        }
        None => return Vec::new(),
    };
    evidence
        .iter()
        .filter_map(|e| source_location(c.corpus, e.source, e.passage.clone(), c.enc))
        .collect()
}

fn edit(c: &Ctx, edits: Vec<cite::Edit>) -> WorkspaceEdit {
    let text_edits = edits
        .into_iter()
        .map(|e| {
            OneOf::Left(TextEdit {
                range: range_of(c.rope, e.span, c.enc),
                new_text: e.text,
            })
        })
        .collect();
    WorkspaceEdit {
        changes: None,
        document_changes: Some(DocumentChanges::Edits(vec![TextDocumentEdit {
            text_document: OptionalVersionedTextDocumentIdentifier {
                uri: c.uri.clone(),
                version: Some(c.version),
            },
            edits: text_edits,
        }])),
        change_annotations: None,
    }
}

fn action(
    title: String,
    kind: CodeActionKind,
    ws: WorkspaceEdit,
    diagnostics: Option<Vec<Diagnostic>>,
    preferred: bool,
) -> CodeActionOrCommand {
    CodeActionOrCommand::CodeAction(CodeAction {
        title,
        kind: Some(kind),
        diagnostics,
        edit: Some(ws),
        command: None,
        is_preferred: preferred.then_some(true),
        disabled: None,
        data: None,
    })
}

fn style(c: &Ctx) -> Style {
    cite::style_for(c.analysis, c.pandoc)
}

fn cite_title(s: &Source) -> String {
    let label = s.short_label();
    if label.is_empty() {
        format!("Cite {}", s.id)
    } else {
        format!("Cite {} ({label})", s.id)
    }
}

/// Quick fixes and source actions for the byte range `range`.
/// `diagnostic_for` maps a finding to the diagnostic the client was shown.
pub fn code_actions(
    c: &Ctx,
    range: Range<usize>,
    diagnostic_for: &dyn Fn(&Finding) -> Option<Diagnostic>,
    only_source: bool,
) -> Vec<CodeActionOrCommand> {
    let touches = |span: &Range<usize>| span.start <= range.end && range.start <= span.end;
    let mut out = Vec::new();
    if !only_source {
        // Fixes from findings: the source's figure, exact words, speaker.
        for f in c.analysis.findings.iter().filter(|f| touches(&f.span)) {
            if let Some(fix) = &f.fix {
                let ws = edit(
                    c,
                    vec![cite::Edit {
                        span: fix.span.clone(),
                        text: fix.replacement.clone(),
                    }],
                );
                out.push(action(
                    fix.title.clone(),
                    CodeActionKind::QUICKFIX,
                    ws,
                    diagnostic_for(f).map(|d| vec![d]),
                    true,
                ));
            }
        }
        // Cite a source, for each supported claim in range.
        for (span, evidence) in c
            .analysis
            .supported_claims()
            .into_iter()
            .filter(|(s, _)| touches(s))
        {
            let Some(sentence) = c.analysis.sentence_at(span.start) else {
                continue;
            };
            for e in evidence {
                let Some(src) = c.corpus.get(e.source) else {
                    continue;
                };
                if let Some(edits) = cite::cite(
                    c.text,
                    c.analysis,
                    sentence.clone(),
                    e.source,
                    src,
                    style(c),
                    c.draft_dir,
                ) {
                    out.push(action(
                        cite_title(src),
                        CodeActionKind::QUICKFIX,
                        edit(c, edits),
                        None,
                        false,
                    ));
                }
            }
        }
        // Ignore this claim: once per block with a finding.
        let mut blocks: Vec<Range<usize>> = Vec::new();
        for f in c.analysis.findings.iter().filter(|f| touches(&f.span)) {
            let Some(block) = c.analysis.block_at(f.span.start) else {
                continue;
            };
            if blocks.contains(&block) {
                continue;
            }
            blocks.push(block.clone());
            let line_start = c.text[..block.start]
                .rfind(['\n', '\r'])
                .map_or(0, |i| i + 1);
            let nl = if c.text.contains("\r\n") {
                "\r\n"
            } else {
                "\n"
            };
            let ws = edit(
                c,
                vec![cite::Edit {
                    span: line_start..line_start,
                    text: format!("<!-- {} -->{nl}", crate::engine::markdown::IGNORE_COMMENT),
                }],
            );
            out.push(action(
                "Ignore this claim".to_string(),
                CodeActionKind::QUICKFIX,
                ws,
                diagnostic_for(f).map(|d| vec![d]),
                false,
            ));
        }
    }
    // Cite all supported claims.
    let mut plan = cite::Plan::default();
    let mut any = false;
    for (span, evidence) in c.analysis.supported_claims() {
        let (Some(sentence), Some(best)) = (c.analysis.sentence_at(span.start), evidence.first())
        else {
            continue;
        };
        if let Some(src) = c.corpus.get(best.source) {
            any |= plan.add(
                c.text,
                c.analysis,
                sentence,
                best.source,
                src,
                style(c),
                c.draft_dir,
            );
        }
    }
    if any {
        out.push(action(
            "Cite all supported claims".to_string(),
            CodeActionKind::SOURCE,
            edit(c, plan.finish(c.text)),
            None,
            false,
        ));
    }
    out
}

/// Completion of source ids after `[^` or `[@`.
pub fn completion(c: &Ctx, offset: usize) -> Vec<CompletionItem> {
    let line_start = c.text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let before = &c.text[line_start..offset];
    let Some(open) = before
        .rfind("[^")
        .or_else(|| before.rfind("[@"))
        .or_else(|| before.rfind("@").filter(|&i| before[..i].contains("[@")))
    else {
        return Vec::new();
    };
    let typed = &before[open..];
    let prefix_len = if typed.starts_with("[^") || typed.starts_with("[@") {
        2
    } else {
        1
    };
    let partial = &typed[prefix_len..];
    if !partial
        .chars()
        .all(|ch| ch.is_alphanumeric() || "_-.:".contains(ch))
    {
        return Vec::new();
    }
    let footnote = typed.starts_with("[^");
    let replace = offset - partial.len()..offset;
    let closes = c.text[offset..].starts_with(']');
    let mut items: Vec<CompletionItem> = c
        .corpus
        .heads()
        .map(|(_, s)| {
            let label = cite::label_for(&s.id);
            let new_text = if footnote && !closes {
                format!("{label}]")
            } else {
                label.clone()
            };
            CompletionItem {
                label: label.clone(),
                kind: Some(CompletionItemKind::REFERENCE),
                detail: Some(
                    [s.meta.title.clone(), s.meta.outlet.clone()]
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>()
                        .join(" — "),
                ),
                documentation: Some(tower_lsp_server::ls_types::Documentation::String(
                    s.meta.short_label(),
                )),
                filter_text: Some(label.clone()),
                sort_text: Some(label.clone()),
                text_edit: Some(CompletionTextEdit::Edit(TextEdit {
                    range: range_of(c.rope, replace.clone(), c.enc),
                    new_text,
                })),
                ..Default::default()
            }
        })
        .collect();
    items.sort_by(|a, b| a.label.cmp(&b.label));
    items
}

/// Links from citation markers and footnote definitions to source files.
pub fn links(c: &Ctx) -> Vec<DocumentLink> {
    let mut out = Vec::new();
    for ct in &c.analysis.citations {
        if let Some(target) = ct
            .cited
            .first()
            .and_then(|k| c.corpus.get(*k))
            .and_then(|s| file_uri(&s.path))
        {
            out.push(DocumentLink {
                range: range_of(c.rope, ct.marker.span.clone(), c.enc),
                target: Some(target),
                tooltip: Some("Open the cited source".to_string()),
                data: None,
            });
        }
    }
    for def in &c.analysis.footnotes {
        let body = &c.text[def.span.clone()];
        for (_, s) in c.corpus.heads() {
            let name = s.file_name();
            if name.is_empty() {
                continue;
            }
            // Link the path as written (it may carry folders before the name).
            if let Some(at) = body.find(&name) {
                let start = body[..at].rfind(char::is_whitespace).map_or(0, |i| i + 1);
                let span = def.span.start + start..def.span.start + at + name.len();
                if let Some(target) = file_uri(&s.path) {
                    out.push(DocumentLink {
                        range: range_of(c.rope, span, c.enc),
                        target: Some(target),
                        tooltip: Some(format!("Open source {}", s.id)),
                        data: None,
                    });
                }
            }
        }
    }
    out
}
