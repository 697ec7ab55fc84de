//! Text primitives shared by every extractor: word lexing, normalisation,
//! stemming, stop words and sentence splitting. Everything works on `&str`
//! with byte offsets into the original text.

use std::ops::Range;
use std::sync::OnceLock;

/// An interned word or stem: copied as a pointer, compared and hashed
/// without reading its letters. Terms live as long as the process; the
/// vocabulary of the sources bounds them.
pub type Term = ustr::Ustr;

/// One lexical token of prose.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub start: usize,
    pub end: usize,
    pub kind: TokenKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TokenKind {
    /// Letters, possibly with inner apostrophes or hyphens ("don't",
    /// "case-by-case"). `mixed` is true when digits are glued to letters
    /// ("RVM10", "3rd"), which marks names and ordinals.
    Word { mixed: bool },
    /// Digits with optional thousands separators and decimals ("3,000", "1.5").
    Number(f64),
    /// Any other single non-space character.
    Punct(char),
}

impl Token {
    pub fn text<'a>(&self, src: &'a str) -> &'a str {
        &src[self.start..self.end]
    }
    pub fn is_word(&self) -> bool {
        matches!(self.kind, TokenKind::Word { .. })
    }
    pub fn is_punct(&self, c: char) -> bool {
        self.kind == TokenKind::Punct(c)
    }
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '’'
}

/// Splits `text[range]` into tokens. Offsets are absolute in `text`.
pub fn lex(text: &str, range: Range<usize>) -> Vec<Token> {
    let s = &text[range.clone()];
    let base = range.start;
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let (off, c) = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if c.is_ascii_digit() {
            let (j, value) = lex_number(&chars, i);
            // Digits glued to letters ("RVM10", "3rd", "10am") form a word.
            if j < chars.len() && chars[j].1.is_alphabetic() {
                let mut k = j;
                while k < chars.len() && chars[k].1.is_alphanumeric() {
                    k += 1;
                }
                out.push(Token {
                    start: base + off,
                    end: base + end_of(&chars, k, s.len()),
                    kind: TokenKind::Word { mixed: true },
                });
                i = k;
                continue;
            }
            out.push(Token {
                start: base + off,
                end: base + end_of(&chars, j, s.len()),
                kind: TokenKind::Number(value),
            });
            i = j;
            continue;
        }
        if c.is_alphabetic() {
            let mut j = i;
            let mut mixed = false;
            loop {
                while j < chars.len() && chars[j].1.is_alphanumeric() {
                    mixed |= chars[j].1.is_ascii_digit();
                    j += 1;
                }
                // Inner apostrophe or hyphen followed by a letter continues the word.
                if j + 1 < chars.len()
                    && (is_apostrophe(chars[j].1) || chars[j].1 == '-')
                    && chars[j + 1].1.is_alphabetic()
                {
                    j += 1;
                    continue;
                }
                break;
            }
            out.push(Token {
                start: base + off,
                end: base + end_of(&chars, j, s.len()),
                kind: TokenKind::Word { mixed },
            });
            i = j;
            continue;
        }
        out.push(Token {
            start: base + off,
            end: base + off + c.len_utf8(),
            kind: TokenKind::Punct(c),
        });
        i += 1;
    }
    out
}

fn end_of(chars: &[(usize, char)], idx: usize, len: usize) -> usize {
    chars.get(idx).map(|c| c.0).unwrap_or(len)
}

/// Reads `\d{1,3}(,\d{3})+(\.\d+)?` or `\d+(\.\d+)?` starting at `i`.
fn lex_number(chars: &[(usize, char)], i: usize) -> (usize, f64) {
    let digit = |k: usize| k < chars.len() && chars[k].1.is_ascii_digit();
    let mut j = i;
    let mut digits = String::new();
    while digit(j) {
        digits.push(chars[j].1);
        j += 1;
    }
    // Thousands groups: only when the leading group has 1-3 digits.
    if digits.len() <= 3 {
        while j + 3 < chars.len() + 1
            && j < chars.len()
            && chars[j].1 == ','
            && digit(j + 1)
            && digit(j + 2)
            && digit(j + 3)
            && !digit(j + 4)
        {
            digits.extend(chars[j + 1..j + 4].iter().map(|c| c.1));
            j += 4;
        }
    }
    if j + 1 < chars.len() && chars[j].1 == '.' && digit(j + 1) {
        digits.push('.');
        j += 1;
        while digit(j) {
            digits.push(chars[j].1);
            j += 1;
        }
    }
    (j, digits.parse().unwrap_or(0.0))
}

/// Interns a word as `normalize_word` writes it, without an allocation for
/// words already seen.
pub fn word_term(w: &str, buf: &mut String) -> Term {
    buf.clear();
    if w.is_ascii() {
        buf.extend(w.bytes().map(|b| b.to_ascii_lowercase() as char));
    } else {
        buf.extend(
            w.chars()
                .map(|c| if c == '’' || c == '‘' { '\'' } else { c })
                .flat_map(char::to_lowercase),
        );
    }
    Term::from(buf.as_str())
}

/// Lower-cases a word and folds typographic apostrophes.
pub fn normalize_word(w: &str) -> String {
    if w.is_ascii() {
        return w.to_ascii_lowercase();
    }
    w.chars()
        .map(|c| if c == '’' || c == '‘' { '\'' } else { c })
        .flat_map(char::to_lowercase)
        .collect()
}

/// Stems of the words seen, shared by every thread: the server's blocking
/// threads would otherwise each start with a cold cache. Bounded: cleared
/// past 500,000 words.
static STEMS: OnceLock<std::sync::RwLock<rustc_hash::FxHashMap<Box<str>, Term>>> = OnceLock::new();

/// Empties the stem cache, as after a bulk build whose words drafts will
/// mostly not use.
pub fn forget_stems() {
    if let Some(Ok(mut c)) = STEMS.get().map(|c| c.write()) {
        *c = Default::default();
    }
}

/// Porter2 stem of a word (normalised first); possessive `'s` is dropped.
/// Stems are cached for all threads: news prose repeats its words.
pub fn stem(word: &str) -> Term {
    static STEMMER: OnceLock<rust_stemmers::Stemmer> = OnceLock::new();
    let cache = STEMS.get_or_init(Default::default);
    if let Some(s) = cache.read().ok().and_then(|c| c.get(word).copied()) {
        return s;
    }
    let stemmer =
        STEMMER.get_or_init(|| rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::English));
    let w = normalize_word(word);
    let w = w
        .strip_suffix("'s")
        .or_else(|| w.strip_suffix('\''))
        .unwrap_or(&w);
    let stemmed = Term::from(stemmer.stem(w).as_ref());
    if let Ok(mut c) = cache.write() {
        if c.len() > 500_000 {
            c.clear();
        }
        c.insert(word.into(), stemmed);
    }
    stemmed
}

/// English function words that carry no topic: they never count as shared
/// context between two sentences.
pub fn is_stopword(w: &str) -> bool {
    const STOP: &[&str] = &[
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "even",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "it's",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "said",
        "says",
        "say",
        "told",
        "according",
        "reportedly",
        "per",
        "since",
        "already",
        "still",
        "yet",
        "many",
        "much",
        "may",
        "might",
        "must",
        "shall",
        "within",
        "without",
        "across",
        "among",
        "around",
        "nearly",
        "almost",
        "roughly",
        "approximately",
        "least",
        "including",
        "like",
        "via",
        "upon",
        "onto",
        "toward",
        "towards",
        "whether",
        "though",
        "although",
        "however",
        "another",
        "every",
        "new",
        "one",
        "ones",
    ];
    static SET: OnceLock<std::collections::HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| STOP.iter().copied().collect())
        .contains(w)
}

/// Content-word stems of `text[range]`: stems of words that are not stop
/// words, in order, without duplicates.
pub fn content_stems(text: &str, range: Range<usize>) -> Vec<Term> {
    let mut out: Vec<Term> = Vec::new();
    for t in lex(text, range) {
        if let TokenKind::Word { mixed: false } = t.kind {
            let w = normalize_word(t.text(text));
            if w.chars().count() < 2 || is_stopword(&w) {
                continue;
            }
            let s = stem(&w);
            if !out.contains(&s) {
                out.push(s);
            }
        }
    }
    out
}

const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "st", "jr", "sr", "gov", "sen", "rep", "gen", "lt", "col", "sgt",
    "capt", "cmdr", "adm", "prof", "inc", "corp", "co", "ltd", "no", "vs", "etc", "jan", "feb",
    "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mt", "ft", "ave",
    "blvd", "dept", "est", "approx", "fig", "vol", "rev", "hon", "pres", "supt",
];

fn is_closer(c: char) -> bool {
    matches!(c, '"' | '”' | '’' | '\'' | ')' | ']' | '»')
}

fn starts_sentence(c: char) -> bool {
    c.is_uppercase()
        || c.is_ascii_digit()
        || matches!(
            c,
            '"' | '“' | '‘' | '\'' | '(' | '[' | '—' | '–' | '•' | '*' | '-' | '$'
        )
}

/// How line breaks inside a block are treated when splitting sentences.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineBreaks {
    /// Markdown: a single newline is a soft break inside a paragraph.
    Soft,
    /// Plain-text sources: a newline ends a sentence, unless the line does not
    /// end in terminal punctuation and the next one starts in lower case
    /// (a hard-wrapped sentence).
    Paragraph,
}

/// Splits each block into sentence ranges (trimmed of surrounding space).
pub fn sentences(text: &str, blocks: &[Range<usize>], breaks: LineBreaks) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    for block in blocks {
        split_block(text, block.clone(), breaks, &mut out);
    }
    out
}

fn push_trimmed(text: &str, r: Range<usize>, out: &mut Vec<Range<usize>>) {
    let s = &text[r.clone()];
    let lead = s.len() - s.trim_start().len();
    let trail = s.len() - s.trim_end().len();
    if lead + trail < s.len() {
        out.push(r.start + lead..r.end - trail);
    }
}

fn split_block(text: &str, block: Range<usize>, breaks: LineBreaks, out: &mut Vec<Range<usize>>) {
    let s = &text[block.clone()];
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let mut start = 0usize;
    let mut i = 0;
    let next_non_space = |from: usize| -> Option<(usize, char)> {
        chars[from..]
            .iter()
            .copied()
            .find(|(_, c)| !c.is_whitespace() || *c == '\n')
    };
    while i < chars.len() {
        let (off, c) = chars[i];
        if c == '\n' {
            // A blank line always ends a sentence.
            let blank = chars[i + 1..]
                .iter()
                .take_while(|(_, c)| *c != '\n')
                .all(|(_, c)| c.is_whitespace())
                && chars[i + 1..].iter().any(|(_, c)| *c == '\n');
            let ends = match breaks {
                LineBreaks::Soft => blank,
                LineBreaks::Paragraph => {
                    let prev = s[start..off].trim_end().chars().last();
                    let next = s[off..].trim_start().chars().next();
                    blank
                        || prev
                            .is_some_and(|p| matches!(p, '.' | '!' | '?' | ':' | '"' | '”' | ')'))
                        || next.is_some_and(|n| !n.is_lowercase())
                }
            };
            if ends {
                push_trimmed(text, block.start + start..block.start + off, out);
                start = off + 1;
            }
            i += 1;
            continue;
        }
        if matches!(c, '.' | '!' | '?') {
            // Swallow runs of terminal punctuation and closing quotes.
            let mut j = i + 1;
            while j < chars.len()
                && (matches!(chars[j].1, '.' | '!' | '?') || is_closer(chars[j].1))
            {
                j += 1;
            }
            let followed_by_space = j >= chars.len() || chars[j].1.is_whitespace();
            if !followed_by_space {
                i = j;
                continue;
            }
            let next = next_non_space(j);
            let next_starts = match next {
                None => true,
                Some((_, '\n')) => true,
                Some((_, n)) => starts_sentence(n),
            };
            if c == '.' && j == i + 1 && is_abbreviation(s, off) {
                i = j;
                continue;
            }
            if next_starts {
                let end = end_of(&chars, j, s.len());
                push_trimmed(text, block.start + start..block.start + end, out);
                start = end;
            }
            i = j;
            continue;
        }
        i += 1;
    }
    push_trimmed(text, block.start + start..block.end, out);
}

/// Is the period at byte `dot` (relative to `s`) the end of an abbreviation?
fn is_abbreviation(s: &str, dot: usize) -> bool {
    let before = &s[..dot];
    let word: String = before
        .chars()
        .rev()
        .take_while(|c| c.is_alphabetic() || *c == '.')
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    if word.is_empty() {
        return false;
    }
    // Initialisms such as "U.S", "D.C", "a.m" and single initials ("J").
    if word.contains('.') || word.chars().count() == 1 {
        return true;
    }
    ABBREVIATIONS.contains(&word.to_lowercase().as_str())
}

/// Collapses runs of whitespace to single spaces.
pub fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(s: &str) -> Vec<String> {
        lex(s, 0..s.len())
            .iter()
            .map(|t| match &t.kind {
                TokenKind::Word { mixed } => {
                    format!("W({}{})", t.text(s), if *mixed { "*" } else { "" })
                }
                TokenKind::Number(v) => format!("N({v})"),
                TokenKind::Punct(c) => format!("P({c})"),
            })
            .collect()
    }

    #[test]
    fn lexes_numbers_words_and_names() {
        assert_eq!(
            kinds("3,000 arrests, 1.5m, RVM10 and don’t 7-Eleven 50,000-100,000"),
            vec![
                "N(3000)",
                "W(arrests)",
                "P(,)",
                "W(1.5m*)",
                "P(,)",
                "W(RVM10*)",
                "W(and)",
                "W(don’t)",
                "N(7)",
                "P(-)",
                "W(Eleven)",
                "N(50000)",
                "P(-)",
                "N(100000)"
            ]
        );
        assert_eq!(kinds("1,50 x"), vec!["N(1)", "P(,)", "N(50)", "W(x)"]);
        assert_eq!(kinds("3rd 2025."), vec!["W(3rd*)", "N(2025)", "P(.)"]);
    }

    #[test]
    fn stems_fold_possessives_and_plurals() {
        assert_eq!(stem("offices"), stem("office"));
        assert_eq!(stem("ICE’s"), "ice");
        assert_eq!(stem("Arrests"), stem("arrest"));
    }

    #[test]
    fn splits_sentences_around_abbreviations_and_quotes() {
        let s =
            "He went to the U.S. Capitol. “We won,” she said. Then Dr. Smith left! 1.5 is fine.";
        let got: Vec<&str> = sentences(s, &[0..s.len()], LineBreaks::Soft)
            .into_iter()
            .map(|r| &s[r])
            .collect();
        assert_eq!(
            got,
            vec![
                "He went to the U.S. Capitol.",
                "“We won,” she said.",
                "Then Dr. Smith left!",
                "1.5 is fine."
            ]
        );
    }

    #[test]
    fn paragraph_mode_breaks_lines_but_keeps_wrapped_sentences() {
        let s = "Headline Here\nThe agency said it\nwould act. Next one.\nLast";
        let got: Vec<&str> = sentences(s, &[0..s.len()], LineBreaks::Paragraph)
            .into_iter()
            .map(|r| &s[r])
            .collect();
        assert_eq!(
            got,
            vec![
                "Headline Here",
                "The agency said it\nwould act.",
                "Next one.",
                "Last"
            ]
        );
    }
}
