//! One source document: its metadata, its prose structure, and the figures
//! and quotes it contains. Parsing is pure: the caller supplies the text.

use super::figure::{self, Figure};
use super::markdown;
use super::quote::{self, Quote};
use super::text::{self, LineBreaks, Term};
use regex::Regex;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Meta {
    pub title: Option<String>,
    pub outlet: Option<String>,
    pub author: Option<String>,
    pub date: Option<String>,
    pub url: Option<String>,
}

/// Serialisable for the on-disk index; the corpus assigns `id` and keeps
/// `words` as vocabulary ids, so neither is written.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Source {
    /// Assigned by the corpus (see `Corpus::assign_ids`).
    #[serde(skip)]
    pub id: String,
    /// `id:` from front matter, which wins over the file name.
    pub declared_id: Option<String>,
    pub path: PathBuf,
    pub meta: Meta,
    pub text: String,
    pub blocks: Vec<Range<usize>>,
    pub sentences: Vec<Range<usize>>,
    pub figures: Vec<Figure>,
    pub quotes: Vec<Quote>,
    /// Every word of the prose, normalised, in order. The corpus turns them
    /// into vocabulary ids when the source is inserted and drops this list.
    #[serde(skip)]
    pub words: Vec<Term>,
    /// The byte span of each word (kept for the life of the source).
    #[serde(with = "spans_as_steps")]
    pub word_spans: Vec<(u32, u32)>,
}

/// Word spans saved as steps: each start from the end before it, each end
/// from its start. Most are a space and a short word, a byte each as
/// varints where the offsets took two: the spans take half the bytes, and
/// an encoded source an eighth fewer. Wrapping, so any list comes back as
/// it was.
mod spans_as_steps {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(spans: &[(u32, u32)], to: S) -> Result<S::Ok, S::Error> {
        let mut end = 0u32;
        to.collect_seq(spans.iter().map(|&(a, b)| {
            let step = (a.wrapping_sub(end), b.wrapping_sub(a));
            end = b;
            step
        }))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(from: D) -> Result<Vec<(u32, u32)>, D::Error> {
        let mut spans = Vec::<(u32, u32)>::deserialize(from)?;
        let mut end = 0u32;
        for span in &mut spans {
            let a = end.wrapping_add(span.0);
            end = a.wrapping_add(span.1);
            *span = (a, end);
        }
        Ok(spans)
    }
}

impl Meta {
    /// "CNN, 2025-10-27" — outlet and date, for labels.
    pub fn short_label(&self) -> String {
        [self.outlet.as_deref(), self.date.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl Source {
    /// Parses a source file's text. `.md` files are read as Markdown; other
    /// files as plain text with one paragraph per line.
    pub fn parse(path: &Path, text: String) -> Source {
        let is_md = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown"));
        let (front, body_start) = markdown::split_front_matter(&text);
        let (prose, blocks, breaks) = if is_md {
            let p = markdown::parse(&text);
            (p.masked, p.blocks, LineBreaks::Soft)
        } else {
            let mut masked = text.clone();
            masked.replace_range(..body_start, &" ".repeat(body_start));
            let blocks = text_blocks(&masked, body_start);
            (masked, blocks, LineBreaks::Paragraph)
        };
        let sentences = text::sentences(&prose, &blocks, breaks);
        // Lexed once, for the figures and the word lists.
        let mut tokens = Vec::with_capacity(prose.len() / 5);
        for r in &blocks {
            text::lex_into(&prose, r.clone(), &mut tokens);
        }
        // Each word is looked up once, for the word list and the figures.
        let mut buf = String::new();
        let entries: Vec<Option<text::WordEntry>> = tokens
            .iter()
            .map(|t| {
                t.is_word()
                    .then(|| text::word_entry(t.text(&prose), &mut buf))
            })
            .collect();
        let figures = figure::extract_lexed(&prose, &sentences, &tokens, &entries);
        let quotes = quote::extract_lexed(&prose, &blocks, &sentences, Some(&tokens));
        // News prose averages about six bytes a word.
        let mut words = Vec::with_capacity(prose.len() / 6);
        let mut word_spans = Vec::with_capacity(prose.len() / 6);
        quote::word_terms_of(&prose, &tokens, &entries, |w, span| {
            words.push(w);
            word_spans.push((span.start as u32, span.end as u32));
        });
        let get = |k: &str| {
            front
                .iter()
                .find(|(key, _)| key.eq_ignore_ascii_case(k))
                .map(|(_, v)| v.clone())
                .filter(|v| !v.is_empty())
        };
        let mut meta = Meta {
            title: get("title"),
            outlet: get("outlet").or_else(|| get("publisher")),
            author: get("author"),
            date: get("date"),
            url: get("url"),
        };
        infer_meta(&text[body_start..], &mut meta);
        Source {
            id: String::new(),
            declared_id: get("id"),
            path: path.to_path_buf(),
            meta,
            text,
            blocks,
            sentences,
            figures,
            quotes,
            words,
            word_spans,
        }
    }

    /// Frees what `Corpus::insert_encoded` does not read, for a source the
    /// corpus keeps only in its encoded form: the text, the spans and the
    /// quotes. The head, the words and the figures' lookup fields stay.
    pub fn shed_parsed_form(&mut self) {
        self.text = String::new();
        self.blocks = Vec::new();
        self.sentences = Vec::new();
        self.quotes = Vec::new();
        self.word_spans = Vec::new();
        for f in &mut self.figures {
            f.text = String::new();
            f.noun = String::new();
            f.modifiers = Vec::new();
            f.proper = Vec::new();
        }
    }

    /// The byte span of word `i`; empty past the last word (as in a source
    /// whose saved form was damaged and is read as empty meanwhile, while
    /// the corpus still lists its words).
    pub fn word_span(&self, i: usize) -> Range<usize> {
        self.word_spans
            .get(i)
            .map_or(0..0, |&(a, b)| a as usize..b as usize)
    }

    /// Why this source's spans do not fit its text, if they do not (for a
    /// source read back from an index file, with `words` word ids).
    pub fn inconsistency(&self, words: usize) -> Option<&'static str> {
        let fits = |r: &Range<usize>| {
            r.start <= r.end
                && r.end <= self.text.len()
                && self.text.is_char_boundary(r.start)
                && self.text.is_char_boundary(r.end)
        };
        let spans = self.blocks.iter().chain(&self.sentences).cloned();
        let figures = self
            .figures
            .iter()
            .flat_map(|f| [f.span.clone(), f.noun_span.clone(), f.sentence.clone()]);
        let quotes = self.quotes.iter().flat_map(|q| {
            q.pieces
                .iter()
                .cloned()
                .chain([q.span.clone()])
                .chain(q.speaker.iter().map(|s| s.span.clone()))
        });
        let words_fit = self
            .word_spans
            .iter()
            .all(|&(a, b)| fits(&(a as usize..b as usize)));
        if self.word_spans.len() != words {
            Some("word count differs from its word spans")
        } else if !words_fit || !spans.chain(figures).chain(quotes).all(|r| fits(&r)) {
            Some("a span outside its text")
        } else {
            None
        }
    }

    /// The block (paragraph) word `i` belongs to.
    pub fn word_block(&self, i: usize) -> usize {
        let start = self.word_spans.get(i).map_or(usize::MAX, |w| w.0 as usize);
        self.blocks
            .partition_point(|b| b.end <= start)
            .min(self.blocks.len().saturating_sub(1))
    }

    pub fn word_count(&self) -> usize {
        self.word_spans.len()
    }

    /// The id the file name gives: the name up to its first `_`.
    pub fn default_id(&self) -> String {
        default_id(&self.path)
    }

    pub fn file_stem(&self) -> String {
        file_stem(&self.path)
    }

    pub fn file_name(&self) -> String {
        file_name(&self.path)
    }

    /// "CNN, 2025-10-27" — outlet and date, for labels.
    pub fn short_label(&self) -> String {
        self.meta.short_label()
    }

    /// The sentence containing byte `pos`.
    pub fn sentence_at(&self, pos: usize) -> Range<usize> {
        self.sentences
            .iter()
            .find(|s| s.start <= pos && pos < s.end.max(s.start + 1))
            .cloned()
            .unwrap_or(pos..pos)
    }
}

/// The id a file name gives: the name up to its first `_`.
pub fn default_id(path: &Path) -> String {
    id_of_stem(&file_stem(path)).to_string()
}

/// The id a file stem gives: the stem up to its first `_`.
pub fn id_of_stem(stem: &str) -> &str {
    stem.split('_').next().unwrap_or(stem)
}

pub fn file_stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

pub fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Paragraph blocks of a plain-text source: split at blank lines, and at
/// single newlines after terminal punctuation or before a capital.
fn text_blocks(text: &str, start: usize) -> Vec<Range<usize>> {
    let mut blocks = Vec::new();
    let mut block_start = start;
    let bytes = text.as_bytes();
    let mut i = start;
    while i < text.len() {
        if bytes[i] == b'\n' {
            let prev = text[block_start..i].trim_end().chars().last();
            let next = text[i + 1..]
                .trim_start_matches([' ', '\t', '\r'])
                .chars()
                .next();
            let blank = next.is_none_or(|c| c == '\n');
            let ends = blank
                || prev.is_some_and(|p| matches!(p, '.' | '!' | '?' | ':' | '"' | '”' | ')'))
                || next.is_some_and(|n| !n.is_lowercase());
            if ends {
                if !text[block_start..i].trim().is_empty() {
                    blocks.push(block_start..i);
                }
                block_start = i + 1;
            }
        }
        i += 1;
    }
    if !text[block_start..].trim().is_empty() {
        blocks.push(block_start..text.len());
    }
    blocks
}

/// Reads a byline, dateline and title from the top of a source without
/// front matter: "date 2025-10-27 By Priscilla Alvarez, CNN", "WASHINGTON (AP) —".
fn infer_meta(body: &str, meta: &mut Meta) {
    // Front matter gave everything this would look for: the patterns are
    // not even compiled (a fixed 80 million instructions, 5% of indexing a
    // thousand sources).
    if meta.date.is_some() && meta.author.is_some() && meta.outlet.is_some() && meta.title.is_some()
    {
        return;
    }
    static DATE: OnceLock<Regex> = OnceLock::new();
    static BYLINE: OnceLock<Regex> = OnceLock::new();
    static DATELINE: OnceLock<Regex> = OnceLock::new();
    let date = DATE.get_or_init(|| {
        Regex::new(r"\b(\d{4}-\d{2}-\d{2}|(?:January|February|March|April|May|June|July|August|September|October|November|December) \d{1,2}, \d{4})\b").unwrap()
    });
    let byline = BYLINE.get_or_init(|| {
        Regex::new(r"\b[Bb]y ((?:[A-Z][\w.'’-]+ ?){1,4})(?:,\s*([A-Z][\w&.'’ -]{0,40}?))?\s*$")
            .unwrap()
    });
    let dateline = DATELINE.get_or_init(|| {
        Regex::new(r"^[A-Z][A-Z .,'’-]*\(([A-Z][A-Za-z&. ]{0,24})\)\s*[—–-]|^\(([A-Z][A-Za-z&. ]{0,24})\)\s*[—–-]").unwrap()
    });
    let lines: Vec<&str> = body
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .take(4)
        .collect();
    let mut title_line = None;
    for line in &lines {
        let mut meta_line = false;
        if meta.date.is_none() {
            if let Some(m) = date.captures(line) {
                meta.date = Some(m[1].to_string());
                meta_line |= line.len() < 80;
            }
        }
        // A byline is a short line; searching a long paragraph for one is
        // most of the cost of this function.
        if let Some(m) = (line.len() < 100).then(|| byline.captures(line)).flatten() {
            meta_line = true;
            if meta.author.is_none() {
                meta.author = Some(m[1].trim().to_string());
            }
            if meta.outlet.is_none() {
                meta.outlet = m.get(2).map(|o| o.as_str().trim().to_string());
            }
        }
        if meta.outlet.is_none() {
            if let Some(m) = dateline.captures(line) {
                meta.outlet = m.get(1).or(m.get(2)).map(|o| o.as_str().trim().to_string());
            }
        }
        if !meta_line && title_line.is_none() {
            title_line = Some(*line);
        }
    }
    if meta.title.is_none() {
        meta.title = title_line.map(|l| {
            let l = l.trim_start_matches('#').trim();
            if l.chars().count() > 90 {
                let cut: String = l.chars().take(88).collect();
                format!("{}…", cut.trim_end())
            } else {
                l.to_string()
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
    struct Spans(#[serde(with = "spans_as_steps")] Vec<(u32, u32)>);

    proptest::proptest! {
        #[test]
        fn word_spans_come_back_from_their_steps(
            spans in proptest::collection::vec((0u32.., 0u32..), 0..40)
        ) {
            // Any pairs, out of order and near u32::MAX included.
            let bytes = postcard::to_allocvec(&Spans(spans.clone())).unwrap();
            let back: Spans = postcard::from_bytes(&bytes).unwrap();
            proptest::prop_assert_eq!(back.0, spans);
        }
    }

    #[test]
    fn word_spans_are_saved_as_steps() {
        let text = "Twelve offices closed in 2025, the agency said.";
        let s = Source::parse(Path::new("a.txt"), text.into());
        let words: Vec<&str> = (0..s.word_count()).map(|i| &text[s.word_span(i)]).collect();
        assert_eq!(
            words,
            ["Twelve", "offices", "closed", "in", "2025", "the", "agency", "said"]
        );
        // A byte a step here: the first start, then a gap and a length for
        // each word, after the list's length.
        let bytes = postcard::to_allocvec(&Spans(s.word_spans.clone())).unwrap();
        assert_eq!(bytes.len(), 1 + 2 * s.word_spans.len());
        assert_eq!(&bytes[..5], &[8, 0, 6, 1, 7]);
        let back: Source = postcard::from_bytes(&postcard::to_allocvec(&s).unwrap()).unwrap();
        assert_eq!(back.word_spans, s.word_spans);
    }

    #[test]
    fn infers_metadata_from_bylines_and_datelines() {
        let s = Source::parse(
            Path::new("003_c06.txt"),
            " date 2025-10-27 By Priscilla Alvarez, CNN\n\n(CNN) — The plan.\n".into(),
        );
        assert_eq!(s.meta.date.as_deref(), Some("2025-10-27"));
        assert_eq!(s.meta.author.as_deref(), Some("Priscilla Alvarez"));
        assert_eq!(s.meta.outlet.as_deref(), Some("CNN"));
        assert_eq!(s.meta.title.as_deref(), Some("(CNN) — The plan."));
        assert_eq!(s.default_id(), "003");
        let s = Source::parse(
            Path::new("x.txt"),
            "WASHINGTON (AP) — The agency has 25 offices.\n".into(),
        );
        assert_eq!(s.meta.outlet.as_deref(), Some("AP"));
        assert_eq!(s.figures.len(), 1);
    }

    #[test]
    fn front_matter_fields_win_and_the_body_fills_the_rest() {
        let body = "By Jane Roe, Valley Post\n\nThe fare rises to $2.75.\n";
        // Title, outlet and author of a source with this front matter.
        let fields = |front: &str| {
            let m = Source::parse(Path::new("a.md"), format!("---\n{front}---\n\n{body}")).meta;
            [m.title, m.outlet, m.author].map(|f| f.unwrap_or_default())
        };
        let all = "title: T\noutlet: Gazette\nauthor: Ann Poe\ndate: 2026-03-04\n";
        assert_eq!(fields(all), ["T", "Gazette", "Ann Poe"]);
        let some = "title: T\ndate: 2026-03-04\n";
        assert_eq!(fields(some), ["T", "Valley Post", "Jane Roe"]);
    }

    #[test]
    fn reads_front_matter() {
        let s = Source::parse(
            Path::new("a_b.md"),
            "---\nid: fares\ntitle: Fares rise\noutlet: Gazette\ndate: 2026-03-04\n---\n\nThe fare rises to $2.75 for 38,000 daily riders.\n".into(),
        );
        assert_eq!(s.declared_id.as_deref(), Some("fares"));
        assert_eq!(s.meta.title.as_deref(), Some("Fares rise"));
        assert_eq!(s.meta.outlet.as_deref(), Some("Gazette"));
        assert_eq!(s.figures.len(), 2);
        assert!(!s.words.iter().any(|w| w == "gazette"));
    }
}
