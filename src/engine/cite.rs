//! Citation edits: where a footnote reference or Pandoc citation goes, and
//! the footnote definition it needs. Pure text planning; the server turns
//! the edits into a WorkspaceEdit.

use super::check::Analysis;
use super::corpus::SourceKey;
use super::source::Source;
use std::ops::Range;
use std::path::{Component, Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// `[^003]` and a definition at the end of the document.
    Footnote,
    /// `[@003]` before the sentence's final punctuation.
    Pandoc,
}

/// One text edit in byte offsets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub span: Range<usize>,
    pub text: String,
}

/// A footnote label for a source: its id, with spaces made dashes.
/// The citation label for a source id: its words joined by `-`.
pub fn label_for(id: &str) -> String {
    id.split_whitespace().collect::<Vec<_>>().join("-")
}

/// `Priscilla Alvarez, CNN, 2025-10-27. sources/003_c06f4ef91d2d64b1.txt`
pub fn definition_text(source: &Source, draft_dir: Option<&Path>) -> String {
    let who: Vec<&str> = [
        source.meta.author.as_deref(),
        source.meta.outlet.as_deref(),
        source.meta.date.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect();
    let path = match draft_dir {
        Some(d) => relative_path(d, &source.path),
        None => source.path.clone(),
    };
    let path = path.to_string_lossy().replace('\\', "/");
    if who.is_empty() {
        let title = source.meta.title.clone().unwrap_or_default();
        format!("{title}. {path}")
            .trim_start_matches(". ")
            .to_string()
    } else {
        format!("{}. {path}", who.join(", "))
    }
}

/// `to` relative to the folder `from` (both made absolute).
pub fn relative_path(from: &Path, to: &Path) -> PathBuf {
    let (Ok(from), Ok(to)) = (std::path::absolute(from), std::path::absolute(to)) else {
        return to.to_path_buf();
    };
    let f: Vec<Component> = from.components().collect();
    let t: Vec<Component> = to.components().collect();
    let common = f.iter().zip(&t).take_while(|(a, b)| a == b).count();
    if common == 0 {
        return to;
    }
    let mut out = PathBuf::new();
    for _ in common..f.len() {
        out.push("..");
    }
    for c in &t[common..] {
        out.push(c.as_os_str());
    }
    out
}

/// The citation style a draft asks for: Pandoc when the settings say so or
/// its front matter names a bibliography.
pub fn style_for(analysis: &Analysis, configured_pandoc: bool) -> Style {
    let bibliography = analysis
        .front_matter
        .iter()
        .any(|(k, _)| k == "bibliography" || k == "references");
    if configured_pandoc || bibliography {
        Style::Pandoc
    } else {
        Style::Footnote
    }
}

/// Is the sentence already citing this source?
fn already_cited(
    draft: &str,
    analysis: &Analysis,
    sentence: &Range<usize>,
    key: SourceKey,
    label: &str,
) -> bool {
    analysis.citations.iter().any(|c| {
        let tail = c.marker.span.start >= sentence.start && c.marker.span.start <= sentence.end + 2;
        let own = c.sentence.as_ref() == Some(sentence)
            || tail && draft[sentence.end..c.marker.span.start].trim().is_empty();
        own && (c.marker.label.eq_ignore_ascii_case(label) || c.cited.contains(&key))
    })
}

/// The label of an existing footnote definition for this source, if any.
fn existing_definition(analysis: &Analysis, source: &Source, label: &str) -> Option<String> {
    analysis
        .footnotes
        .iter()
        .find(|d| {
            d.label.eq_ignore_ascii_case(label)
                || d.text.contains(&source.file_name())
                || d.text.contains(&source.file_stem())
        })
        .map(|d| d.label.clone())
}

/// Plans the edits that cite `source` for the claim in `sentence`.
/// Returns `None` when the sentence already cites it.
pub fn cite(
    draft: &str,
    analysis: &Analysis,
    sentence: Range<usize>,
    key: SourceKey,
    source: &Source,
    style: Style,
    draft_dir: Option<&Path>,
) -> Option<Vec<Edit>> {
    let label = label_for(&source.id);
    if already_cited(draft, analysis, &sentence, key, &label) {
        return None;
    }
    let mut plan = Plan::default();
    plan.add(draft, analysis, sentence, key, source, style, draft_dir);
    Some(plan.finish(draft))
}

/// Accumulates citations for several claims into one set of edits.
#[derive(Debug, Default)]
pub struct Plan {
    markers: Vec<Edit>,
    definitions: Vec<(String, String)>,
    sentences: Vec<Range<usize>>,
}

impl Plan {
    /// Adds a citation of `source` after `sentence` (once per sentence).
    #[allow(clippy::too_many_arguments)]
    pub fn add(
        &mut self,
        draft: &str,
        analysis: &Analysis,
        sentence: Range<usize>,
        key: SourceKey,
        source: &Source,
        style: Style,
        draft_dir: Option<&Path>,
    ) -> bool {
        let label = label_for(&source.id);
        if self.sentences.contains(&sentence)
            || already_cited(draft, analysis, &sentence, key, &label)
        {
            return false;
        }
        self.sentences.push(sentence.clone());
        match style {
            Style::Footnote => {
                let label = existing_definition(analysis, source, &label).unwrap_or_else(|| {
                    if !self.definitions.iter().any(|(l, _)| *l == label) {
                        self.definitions
                            .push((label.clone(), definition_text(source, draft_dir)));
                    }
                    label
                });
                let at = sentence.end;
                self.markers.push(Edit {
                    span: at..at,
                    text: format!("[^{label}]"),
                });
            }
            Style::Pandoc => {
                // Before the sentence's final punctuation (and closing quotes).
                let s = &draft[sentence.clone()];
                let trimmed = s.trim_end_matches(['”', '"', '’', '\'', ')']);
                let at = if trimmed.ends_with(['.', '!', '?']) {
                    sentence.start + trimmed.len() - 1
                } else {
                    sentence.end
                };
                self.markers.push(Edit {
                    span: at..at,
                    text: format!(" [@{}]", source.id),
                });
            }
        }
        true
    }

    pub fn finish(mut self, draft: &str) -> Vec<Edit> {
        self.markers.sort_by_key(|e| e.span.start);
        if !self.definitions.is_empty() {
            // Insert right after the last text of the draft, not past its
            // last line: some clients (Neovim 0.11) add a stray empty line
            // for an edit at the very end. The draft's trailing newline stays.
            let trimmed = draft.trim_end_matches(['\n', '\r', ' ', '\t']);
            let at = trimmed.len();
            let last_line = trimmed.rsplit('\n').next().unwrap_or("");
            let after_footnote =
                last_line.trim_start().starts_with("[^") && last_line.contains("]:");
            let nl = if draft.contains("\r\n") { "\r\n" } else { "\n" };
            let mut text = String::new();
            if !trimmed.is_empty() {
                text.push_str(nl);
                if !after_footnote {
                    text.push_str(nl);
                }
            }
            let defs: Vec<String> = self
                .definitions
                .iter()
                .map(|(label, def)| format!("[^{label}]: {def}"))
                .collect();
            text.push_str(&defs.join(nl));
            if at == draft.len() && !trimmed.is_empty() {
                // No trailing newline in the draft: end the file with one.
                text.push_str(nl);
            }
            self.markers.push(Edit { span: at..at, text });
        }
        self.markers
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::check::analyze;
    use crate::engine::corpus::Corpus;

    fn corpus() -> Corpus {
        let mut c = Corpus::new();
        c.upsert(
            Path::new("/news/sources/003_c06.txt"),
            " date 2025-10-27 By Priscilla Alvarez, CNN\n\n(CNN) — ICE has 25 field offices.\n"
                .into(),
        );
        c
    }

    fn apply(draft: &str, edits: &[Edit]) -> String {
        let mut out = draft.to_string();
        for e in edits.iter().rev() {
            out.replace_range(e.span.clone(), &e.text);
        }
        out
    }

    #[test]
    fn footnote_reference_and_definition() {
        let c = corpus();
        let key = c.by_id("003").unwrap();
        let src = c.get(key).unwrap();
        let draft = "# Story\n\nICE has 25 field offices. More text.\n";
        let a = analyze(draft, &c);
        let sentence = a.sentence_at(draft.find("25").unwrap()).unwrap();
        let edits = cite(
            draft,
            &a,
            sentence,
            key,
            src,
            Style::Footnote,
            Some(Path::new("/news/drafts")),
        )
        .unwrap();
        assert_eq!(
            apply(draft, &edits),
            "# Story\n\nICE has 25 field offices.[^003] More text.\n\n[^003]: Priscilla Alvarez, CNN, 2025-10-27. ../sources/003_c06.txt\n"
        );
    }

    #[test]
    fn reuses_an_existing_definition_and_skips_cited_sentences() {
        let c = corpus();
        let key = c.by_id("003").unwrap();
        let src = c.get(key).unwrap();
        let draft = "ICE has 25 field offices. It has 25 field offices.[^cnn]\n\n[^cnn]: CNN story, 003_c06.txt\n";
        let a = analyze(draft, &c);
        let first = a.sentences[0].clone();
        let edits = cite(draft, &a, first, key, src, Style::Footnote, None).unwrap();
        assert_eq!(
            apply(draft, &edits),
            "ICE has 25 field offices.[^cnn] It has 25 field offices.[^cnn]\n\n[^cnn]: CNN story, 003_c06.txt\n"
        );
        let second = a.sentences[1].clone();
        assert_eq!(
            cite(draft, &a, second, key, src, Style::Footnote, None),
            None
        );
    }

    #[test]
    fn pandoc_citations_go_before_the_period() {
        let c = corpus();
        let key = c.by_id("003").unwrap();
        let src = c.get(key).unwrap();
        let draft = "---\nbibliography: refs.bib\n---\n\nICE has 25 field offices.\n";
        let a = analyze(draft, &c);
        assert_eq!(style_for(&a, false), Style::Pandoc);
        let sentence = a.sentence_at(draft.find("25").unwrap()).unwrap();
        let edits = cite(draft, &a, sentence, key, src, style_for(&a, false), None).unwrap();
        assert_eq!(
            apply(draft, &edits),
            "---\nbibliography: refs.bib\n---\n\nICE has 25 field offices [@003].\n"
        );
    }
}
