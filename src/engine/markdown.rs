//! Which bytes of a Markdown draft are prose. pulldown-cmark decides; the
//! result is a *masked* copy of the text with the same byte length, in which
//! everything that is not a claim (code, HTML, link targets, front matter,
//! footnote definitions, markup characters) is blanked to spaces. Extractors
//! then work on the masked text and their offsets are valid in the draft.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use std::ops::Range;

/// A citation marker in the draft: `[^003]` or Pandoc `[@003]`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CitationMarker {
    pub span: Range<usize>,
    pub label: String,
    pub pandoc: bool,
}

/// A footnote definition `[^label]: text`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FootnoteDef {
    pub label: String,
    pub span: Range<usize>,
    pub text: String,
}

#[derive(Debug, Clone, Default)]
pub struct Prose {
    /// Same length as the input; non-prose bytes replaced by spaces
    /// (newlines are kept so line structure survives).
    pub masked: String,
    /// Block ranges (paragraphs, headings, list items, table cells).
    pub blocks: Vec<Range<usize>>,
    /// Blocks preceded by `<!-- factcheck: ignore -->`.
    pub ignored: Vec<Range<usize>>,
    pub citations: Vec<CitationMarker>,
    pub footnotes: Vec<FootnoteDef>,
    /// YAML front matter keys, if any.
    pub front_matter: Vec<(String, String)>,
}

/// The comment that silences the block after it.
pub const IGNORE_COMMENT: &str = "factcheck: ignore";

pub fn parse(text: &str) -> Prose {
    let mut keep = vec![false; text.len()];
    let mut blocks = Vec::new();
    let mut ignored = Vec::new();
    let mut citations = Vec::new();
    let mut footnotes = Vec::new();
    let mut front_matter = Vec::new();

    let opts = Options::ENABLE_FOOTNOTES
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
        | Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH;
    let mut footnote_depth = 0usize;
    let mut code_depth = 0usize;
    let mut metadata = false;
    let mut ignore_next = false;
    let mut open_blocks: Vec<usize> = Vec::new();
    let mut footnote_start: Option<(String, usize)> = None;

    for (event, range) in Parser::new_ext(text, opts).into_offset_iter() {
        match event {
            Event::Start(tag) => match tag {
                Tag::Paragraph | Tag::Heading { .. } | Tag::Item | Tag::TableCell => {
                    open_blocks.push(range.start);
                    if footnote_depth == 0 && ignore_next {
                        ignored.push(range.clone());
                        ignore_next = false;
                    }
                }
                Tag::FootnoteDefinition(label) => {
                    footnote_depth += 1;
                    footnote_start = Some((label.to_string(), range.start));
                }
                Tag::CodeBlock(_) => code_depth += 1,
                Tag::MetadataBlock(_) => metadata = true,
                _ => {}
            },
            Event::End(end) => match end {
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::TableCell => {
                    if let Some(start) = open_blocks.pop() {
                        if footnote_depth == 0 && code_depth == 0 {
                            blocks.push(start..range.end);
                        }
                    }
                }
                TagEnd::FootnoteDefinition => {
                    footnote_depth = footnote_depth.saturating_sub(1);
                    if let Some((label, start)) = footnote_start.take() {
                        let body = &text[start..range.end];
                        let body = body.split_once("]:").map(|(_, b)| b).unwrap_or(body);
                        footnotes.push(FootnoteDef {
                            label,
                            span: start..range.end,
                            text: crate::engine::text::squash(body),
                        });
                    }
                }
                TagEnd::CodeBlock => code_depth = code_depth.saturating_sub(1),
                TagEnd::MetadataBlock(_) => metadata = false,
                _ => {}
            },
            Event::Text(t) => {
                if metadata {
                    front_matter.extend(parse_front_matter_lines(&t));
                } else if footnote_depth == 0 && code_depth == 0 {
                    // Escaped characters produce text shorter than its range;
                    // keep the range either way, the masked copy is the source.
                    keep[range].fill(true);
                }
            }
            Event::SoftBreak | Event::HardBreak if footnote_depth == 0 && code_depth == 0 => {
                keep[range].fill(true);
            }
            Event::FootnoteReference(label) if footnote_depth == 0 => {
                citations.push(CitationMarker {
                    span: range,
                    label: label.to_string(),
                    pandoc: false,
                });
            }
            Event::Html(h) | Event::InlineHtml(h) if h.contains(IGNORE_COMMENT) => {
                ignore_next = true;
            }
            _ => {}
        }
    }

    // Emphasis and link markers inside kept ranges are already excluded, since
    // only Text events are kept. Build the masked copy.
    // Kept ranges start and end on characters, so every byte of a character
    // is kept or blanked with it, and a byte at a time gives valid UTF-8.
    let bytes = text
        .bytes()
        .zip(&keep)
        .map(|(b, &k)| {
            if k || b == b'\n' || b == b'\r' {
                b
            } else {
                b' '
            }
        })
        .collect();
    let mut masked = String::from_utf8(bytes).unwrap_or_else(|_| {
        // Not reached while the parser's ranges fall on characters; a
        // character at a time keeps the text valid even if one did not.
        let mut masked = String::with_capacity(text.len());
        for (i, ch) in text.char_indices() {
            if keep[i] || ch == '\n' || ch == '\r' {
                masked.push(ch);
            } else {
                masked.extend(std::iter::repeat_n(' ', ch.len_utf8()));
            }
        }
        masked
    });
    // Pandoc citations are plain text to pulldown-cmark: find and blank them.
    pandoc_citations(&mut masked, &mut citations);
    citations.sort_by_key(|c| c.span.start);
    let blocks = disjoint(blocks, &masked);
    Prose {
        masked,
        blocks,
        ignored,
        citations,
        footnotes,
        front_matter,
    }
}

/// Finds `[@id]`, `[@a; @b]` and `[see @id, p. 3]` groups in the masked text,
/// records one marker per key and blanks the group.
fn pandoc_citations(masked: &mut String, out: &mut Vec<CitationMarker>) {
    let bytes = masked.as_bytes();
    let mut groups = Vec::new();
    let mut i = 0;
    // Each `[` is found with memchr: a byte at a time, this loop was a
    // fifth of reading a source's Markdown. The `]` or line break that
    // closes a `[` closes every `[` before it too, so it is looked for once
    // per run of them (a run of brackets without one was quadratic).
    // The last `@` before that close is found once too.
    let mut close: Option<(usize, Option<usize>)> = None;
    while let Some(open) = memchr::memchr(b'[', &bytes[i..]) {
        i += open;
        if close.is_none_or(|(c, _)| c < i) {
            close = memchr::memchr2(b']', b'\n', &bytes[i..]).map(|c| {
                let at = memchr::memrchr(b'@', &bytes[i..i + c]).map(|a| i + a);
                (i + c, at)
            });
        }
        let Some((end, at)) = close else {
            break;
        };
        if bytes[end] == b']' && at.is_some_and(|a| a > i) {
            groups.push(i..end + 1);
            i = end + 1;
            continue;
        }
        i += 1;
    }
    for g in groups {
        let inner = &masked[g.clone()];
        let mut found = false;
        for (at, _) in inner.match_indices('@') {
            let key: String = inner[at + 1..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ':'))
                .collect();
            let key = key.trim_end_matches(['.', ':']).to_string();
            if !key.is_empty() {
                found = true;
                out.push(CitationMarker {
                    span: g.clone(),
                    label: key,
                    pandoc: true,
                });
            }
        }
        if found {
            masked.replace_range(g.clone(), &" ".repeat(g.len()));
        }
    }
}

/// `key: value` lines of a YAML front matter block (flat keys only).
pub fn parse_front_matter_lines(block: &str) -> Vec<(String, String)> {
    block
        .lines()
        .filter_map(|line| {
            let (k, v) = line.split_once(':')?;
            let k = k.trim();
            if k.is_empty() || k.starts_with('#') || k.contains(' ') || line.starts_with(' ') {
                return None;
            }
            let v = v.trim().trim_matches(|c| c == '"' || c == '\'').to_string();
            Some((k.to_string(), v))
        })
        .collect()
}

/// Splits a leading `---` front matter block from a plain text or Markdown
/// source. Returns the key/value pairs and the byte offset where the body
/// starts.
pub fn split_front_matter(text: &str) -> (Vec<(String, String)>, usize) {
    let t = text.strip_prefix('\u{feff}').unwrap_or(text);
    let bom = text.len() - t.len();
    let first_line_end = t.find('\n').unwrap_or(t.len());
    if t[..first_line_end].trim_end() != "---" {
        return (Vec::new(), 0);
    }
    let mut pos = first_line_end + 1;
    while pos <= t.len() {
        let end = t[pos..].find('\n').map(|e| pos + e).unwrap_or(t.len());
        let line = t[pos..end].trim_end();
        if line == "---" || line == "..." {
            let pairs = parse_front_matter_lines(&t[first_line_end + 1..pos]);
            return (pairs, bom + (end + 1).min(t.len()));
        }
        if end == t.len() {
            break;
        }
        pos = end + 1;
    }
    (Vec::new(), 0)
}

/// The blocks without overlaps, in order. A list item holds its own
/// paragraphs (loose lists) and any list nested in it, and each of those
/// is a block too: every block keeps only its text outside the blocks
/// inside it, and pieces with nothing but blanks (a list marker, masked)
/// are dropped. Otherwise such text is read twice: its figures and quotes
/// found, and flagged, twice.
fn disjoint(mut blocks: Vec<Range<usize>>, masked: &str) -> Vec<Range<usize>> {
    // Outer blocks before the blocks they hold.
    blocks.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
    let mut out = Vec::with_capacity(blocks.len());
    for (i, b) in blocks.iter().enumerate() {
        let mut from = b.start;
        // The blocks inside this one follow it, up to its end.
        for inner in blocks[i + 1..].iter().take_while(|x| x.start < b.end) {
            if inner.start > from {
                out.push(from..inner.start);
            }
            from = from.max(inner.end);
        }
        if from < b.end {
            out.push(from..b.end);
        }
    }
    out.retain(|r| masked.get(r.clone()).is_some_and(|t| !t.trim().is_empty()));
    out.sort_by_key(|r| r.start);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_items_and_their_paragraphs_are_one_block_each() {
        // A loose list (items hold paragraphs), then a tight one with a
        // nested list.
        let md = "- Smith said 30.\n\n- Jones agreed.\n\nText.\n\n1. Tight 5 buses.\n   - nested 7 trains.\n";
        let p = parse(md);
        // (List markers are masked.)
        let texts: Vec<&str> = p
            .blocks
            .iter()
            .map(|b| p.masked[b.clone()].trim())
            .collect();
        assert_eq!(
            texts,
            [
                "Smith said 30.",
                "Jones agreed.",
                "Text.",
                "Tight 5 buses.",
                "nested 7 trains."
            ]
        );
        assert!(p.blocks.windows(2).all(|w| w[0].end <= w[1].start));
    }

    #[test]
    fn masks_code_html_links_and_footnote_definitions() {
        let md = "---\ntitle: x 5\n---\n# Head 3\n\nICE has `25` offices, [see](http://x/30) and <!-- 40 -->.[^003]\n\n```\n99 beds\n```\n\n[^003]: CNN 2025 story 003\n";
        let p = parse(md);
        assert_eq!(p.masked.len(), md.len());
        assert!(!p.masked.contains("25"));
        assert!(!p.masked.contains("30"));
        assert!(!p.masked.contains("40"));
        assert!(!p.masked.contains("99"));
        assert!(!p.masked.contains("title"));
        assert!(!p.masked.contains("CNN"));
        assert!(p.masked.contains("Head 3"));
        assert!(p.masked.contains("ICE has"));
        assert!(p.masked.contains("see"));
        assert_eq!(p.citations.len(), 1);
        assert_eq!(p.citations[0].label, "003");
        assert_eq!(&md[p.citations[0].span.clone()], "[^003]");
        assert_eq!(p.footnotes[0].label, "003");
        assert_eq!(p.footnotes[0].text, "CNN 2025 story 003");
        assert_eq!(
            p.front_matter,
            vec![("title".to_string(), "x 5".to_string())]
        );
    }

    #[test]
    fn masks_wide_characters_byte_for_byte() {
        let md = "Zoë said **“tôi”** `código` 東京\r\n— fin.\n";
        let p = parse(md);
        assert_eq!(p.masked.len(), md.len());
        // Markers and code are blanked one space per byte; text, line
        // breaks and carriage returns stay where they were.
        assert_eq!(p.masked, "Zoë said   “tôi”             東京\r\n— fin.\n");
    }

    #[test]
    fn finds_pandoc_citations_and_ignore_comments() {
        let md = "A claim [@003; @004].\n\n<!-- factcheck: ignore -->\nIgnored 30 here.\n\nKept.\n";
        let p = parse(md);
        let labels: Vec<_> = p.citations.iter().map(|c| c.label.as_str()).collect();
        assert_eq!(labels, vec!["003", "004"]);
        assert!(!p.masked.contains("@003"));
        assert_eq!(p.ignored.len(), 1);
        assert_eq!(&md[p.ignored[0].clone()].trim_end(), &"Ignored 30 here.");
    }

    #[test]
    fn splits_front_matter() {
        let (kv, body) = split_front_matter("---\nid: abc\ntitle: \"T\"\n---\nBody");
        assert_eq!(
            kv,
            vec![("id".into(), "abc".into()), ("title".into(), "T".into())]
        );
        assert_eq!(body, "---\nid: abc\ntitle: \"T\"\n---\n".len());
        assert_eq!(split_front_matter("no front matter").1, 0);
    }
}
