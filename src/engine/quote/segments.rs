//! A quote's words for matching: segments at ellipses, brackets and
//! sentence ends, and the forms its contractions may take.

use super::*;

/// The contractions table: each contraction with its expansions.
pub(super) fn contractions() -> &'static [(&'static str, Vec<&'static str>)] {
    static TABLE: std::sync::OnceLock<Vec<(&'static str, Vec<&'static str>)>> =
        std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        crate::engine::lexicon::data_lines(include_str!("contractions.tsv"))
            .filter_map(|l| l.split_once('\t'))
            .map(|(c, e)| (c, e.split('|').collect()))
            .collect()
    })
}

/// The words of a quote with every contraction written out ("we'll" →
/// "we will"), and with every pair that a contraction stands for drawn in
/// ("we will" → "we'll"): the forms another transcript of the same speech
/// may print. Only the forms that differ from `words` are given.
pub fn contraction_forms(words: &[String]) -> Vec<Vec<String>> {
    let table = contractions();
    let mut expanded = Vec::with_capacity(words.len() + 2);
    for w in words {
        match table.iter().find(|(c, _)| c == w) {
            Some((_, e)) => expanded.extend(e[0].split(' ').map(String::from)),
            None => expanded.push(w.clone()),
        }
    }
    let mut drawn = Vec::with_capacity(words.len());
    let mut i = 0;
    while i < words.len() {
        let pair = words.get(i + 1).map(|b| format!("{} {b}", words[i]));
        match pair.and_then(|p| table.iter().find(|(_, e)| e.contains(&p.as_str()))) {
            Some((c, _)) => {
                drawn.push(c.to_string());
                i += 2;
            }
            None => {
                drawn.push(words[i].clone());
                i += 1;
            }
        }
    }
    [expanded, drawn]
        .into_iter()
        .filter(|f| f.as_slice() != words)
        .collect()
}

/// Are `a` and `b` (words, normalised, separated by spaces) the same words
/// but for contractions ("we're not" and "we are not")?
pub fn same_but_contractions(a: &str, b: &str) -> bool {
    let expand = |s: &str| -> Vec<String> {
        let mut out = vec![String::new()];
        for w in s.split_whitespace() {
            let w = w.replace('’', "'");
            let forms: Vec<String> = match contractions().iter().find(|(c, _)| *c == w) {
                Some((_, e)) => e.iter().map(|x| x.to_string()).collect(),
                None => vec![w.clone()],
            };
            out = out
                .iter()
                .flat_map(|o| {
                    forms
                        .iter()
                        .map(move |f| format!("{o} {f}").trim().to_string())
                })
                .take(16)
                .collect();
        }
        out
    };
    let (ea, eb) = (expand(a), expand(b));
    ea.iter().any(|x| eb.contains(x))
}

/// One word of a quote, normalised for matching, with its span.
#[derive(Debug, Clone, PartialEq)]
pub struct QuoteWord {
    pub norm: String,
    pub span: Range<usize>,
}

/// A run of quote words that must appear contiguously in a source, and how
/// far it may sit from the previous segment.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    pub words: Vec<QuoteWord>,
    pub gap: Gap,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gap {
    /// Directly after the previous segment (or the first segment).
    None,
    /// After `...`: anywhere later in the same passage.
    Ellipsis,
    /// After an editorial `[insertion]`: a few source words may stand there.
    Bracket,
    /// After the end of a sentence inside the quote: the source may print
    /// an attribution there (`"A," he said. "B."`).
    Attribution,
}

/// Normalised words of a stretch of text, for quote matching: case, curly
/// quotes and thousands separators fold away; punctuation is dropped.
pub fn words(text: &str, range: Range<usize>) -> Vec<QuoteWord> {
    lex(text, range)
        .into_iter()
        .filter_map(|t| match t.kind {
            TokenKind::Word { .. } => Some(QuoteWord {
                norm: normalize_word(t.text(text)),
                span: t.start..t.end,
            }),
            TokenKind::Number(_) => Some(QuoteWord {
                norm: t.text(text).replace(',', ""),
                span: t.start..t.end,
            }),
            TokenKind::Punct(_) => None,
        })
        .collect()
}

/// The words of `range` as `words` gives them, interned, with their spans.
pub fn word_terms(text: &str, tokens: &[Token], each: impl FnMut(Term, Range<usize>)) {
    word_terms_of(text, tokens, &[], each)
}

/// As `word_terms`, with each word token's `text::word_entry` given (one
/// per token), so that no word is looked up again; a word without one is
/// looked up.
pub fn word_terms_of(
    text: &str,
    tokens: &[Token],
    entries: &[Option<text::WordEntry>],
    mut each: impl FnMut(Term, Range<usize>),
) {
    let mut buf = String::new();
    for (i, t) in tokens.iter().enumerate() {
        let term = match (&t.kind, entries.get(i).copied().flatten()) {
            (TokenKind::Word { .. }, Some(e)) => e.term,
            (TokenKind::Word { .. }, None) => word_term(t.text(text), &mut buf),
            (TokenKind::Number(_), _) => number_term(t.text(text), &mut buf),
            (TokenKind::Punct(_), _) => continue,
        };
        each(term, t.start..t.end);
    }
}

/// A number as the word lists hold it: its digits, without commas.
fn number_term(n: &str, buf: &mut String) -> Term {
    buf.clear();
    buf.extend(n.chars().filter(|&c| c != ','));
    text::intern(buf)
}

/// Splits a draft quote into segments at ellipses and editorial brackets.
pub fn segments(text: &str, quote: &Quote) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::new();
    let mut gap = Gap::None;
    for piece in &quote.pieces {
        let s = &text[piece.clone()];
        let mut cursor = 0;
        let bytes = s.as_bytes();
        let mut i = 0;
        let flush = |from: usize, to: usize, gap: Gap, out: &mut Vec<Segment>| {
            let w = merge_bracketed(text, words(text, piece.start + from..piece.start + to));
            if !w.is_empty() {
                out.push(Segment { words: w, gap });
            }
        };
        while i < s.len() {
            if s[i..].starts_with("...") || s[i..].starts_with('…') || s[i..].starts_with(". . .")
            {
                let len = if s[i..].starts_with("...") {
                    3
                } else if s[i..].starts_with('…') {
                    '…'.len_utf8()
                } else {
                    5
                };
                flush(cursor, i, gap, &mut out);
                gap = if out.is_empty() {
                    Gap::None
                } else {
                    Gap::Ellipsis
                };
                i += len;
                while i < s.len() && bytes[i] == b'.' {
                    i += 1;
                }
                cursor = i;
                continue;
            }
            if bytes[i] == b'[' {
                if let Some(close) = s[i..].find(']') {
                    let close = i + close;
                    let attached_before =
                        i > 0 && s[..i].chars().last().is_some_and(char::is_alphanumeric);
                    let attached_after = s[close + 1..]
                        .chars()
                        .next()
                        .is_some_and(char::is_alphanumeric);
                    if attached_before || attached_after {
                        // "[t]hey": a letter changed for grammar; skip the
                        // brackets, keep the word (compared loosely).
                        i = close + 1;
                        continue;
                    }
                    flush(cursor, i, gap, &mut out);
                    // Words the editor bracketed stand for a few source words.
                    gap = Gap::Bracket;
                    i = close + 1;
                    cursor = i;
                    continue;
                }
            }
            i += s[i..].chars().next().map_or(1, char::len_utf8);
        }
        flush(cursor, s.len(), gap, &mut out);
        gap = Gap::None;
    }
    out
}

/// The segments again, each also cut where a sentence ends inside it:
/// where a source may have split the quote with its attribution.
pub fn sentence_segments(text: &str, segs: &[Segment]) -> Vec<Segment> {
    let mut out = Vec::new();
    for seg in segs {
        let mut gap = seg.gap;
        let mut current: Vec<QuoteWord> = Vec::new();
        for w in &seg.words {
            if let Some(prev) = current.last() {
                let between = &text[prev.span.end..w.span.start];
                if between.contains(['.', '?', '!']) {
                    out.push(Segment {
                        words: std::mem::take(&mut current),
                        gap,
                    });
                    gap = Gap::Attribution;
                }
            }
            current.push(w.clone());
        }
        if !current.is_empty() {
            out.push(Segment {
                words: current,
                gap,
            });
        }
    }
    out
}

/// Joins words split by an editorial letter in brackets: "[t]hey" → "they".
fn merge_bracketed(text: &str, words: Vec<QuoteWord>) -> Vec<QuoteWord> {
    let mut out: Vec<QuoteWord> = Vec::with_capacity(words.len());
    for w in words {
        if let Some(prev) = out.last_mut() {
            let between = &text[prev.span.end..w.span.start];
            if !between.is_empty() && between.chars().all(|c| c == '[' || c == ']') {
                prev.norm.push_str(&w.norm);
                prev.span.end = w.span.end;
                continue;
            }
        }
        out.push(w);
    }
    out
}
