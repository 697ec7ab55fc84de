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

/// The character at byte `i` of `s` (a char boundary), if any.
#[inline]
fn char_at(s: &str, i: usize) -> Option<char> {
    let b = *s.as_bytes().get(i)?;
    if b < 0x80 {
        Some(b as char)
    } else {
        s[i..].chars().next()
    }
}

const LETTER: u8 = 1;
const DIGIT: u8 = 2;
// `alnum_run` or-s the classes it reads: they must be separate bits.
const _: () = assert!(LETTER & DIGIT == 0);

/// `LETTER` or `DIGIT` for each ASCII letter and digit, 0 for every other
/// byte: one load, where the run of letters below tested three ranges and
/// then the digits again for each byte.
static ASCII_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = if c.is_ascii_digit() {
            DIGIT
        } else if c.is_ascii_alphabetic() {
            LETTER
        } else {
            0
        };
        b += 1;
    }
    t
};

/// Is `c` in the General Punctuation block (curly quotes, dashes,
/// ellipsis), where no character is a letter or a digit? News prose is
/// full of them, and the standard tests look each one up in a table.
fn is_general_punctuation(c: char) -> bool {
    ('\u{2000}'..='\u{206F}').contains(&c)
}

/// `char::is_alphabetic`, without the table for typographic punctuation.
pub(crate) fn is_alphabetic(c: char) -> bool {
    !is_general_punctuation(c) && c.is_alphabetic()
}

/// `char::is_alphanumeric`, without the table for typographic punctuation.
fn is_alphanumeric(c: char) -> bool {
    !is_general_punctuation(c) && c.is_alphanumeric()
}

/// The end of the run of letters and digits from byte `j` of `s`, and
/// whether it holds an ASCII digit. ASCII, most of news prose, is read a
/// byte at a time.
#[inline]
fn alnum_run(s: &str, mut j: usize) -> (usize, bool) {
    let bytes = s.as_bytes();
    // The classes seen, or-ed: DIGIT is set if any byte was a digit.
    let mut classes = 0;
    while let Some(&b) = bytes.get(j) {
        let class = ASCII_CLASS[b as usize];
        if class != 0 {
            classes |= class;
            j += 1;
        } else if b >= 0x80 {
            match char_at(s, j).filter(|&c| is_alphanumeric(c)) {
                Some(c) => j += c.len_utf8(),
                None => break,
            }
        } else {
            break;
        }
    }
    (j, classes & DIGIT != 0)
}

/// Splits `text[range]` into tokens. Offsets are absolute in `text`.
pub fn lex(text: &str, range: Range<usize>) -> Vec<Token> {
    // News prose averages about six bytes a token.
    let mut out = Vec::with_capacity(range.len() / 5 + 1);
    lex_into(text, range, &mut out);
    out
}

/// As `lex`, appending to `out`.
pub fn lex_into(text: &str, range: Range<usize>, out: &mut Vec<Token>) {
    let s = &text[range.clone()];
    let base = range.start;
    let bytes = s.as_bytes();
    let mut i = 0;
    while let Some(c) = char_at(s, i) {
        if c.is_whitespace() {
            i += c.len_utf8();
            continue;
        }
        if c.is_ascii_digit() {
            let (j, value) = lex_number(bytes, i);
            // Digits glued to letters ("RVM10", "3rd", "10am") form a word.
            if char_at(s, j).is_some_and(is_alphabetic) {
                let (k, _) = alnum_run(s, j);
                out.push(Token {
                    start: base + i,
                    end: base + k,
                    kind: TokenKind::Word { mixed: true },
                });
                i = k;
                continue;
            }
            out.push(Token {
                start: base + i,
                end: base + j,
                kind: TokenKind::Number(value),
            });
            i = j;
            continue;
        }
        if is_alphabetic(c) {
            let mut j = i;
            let mut mixed = false;
            loop {
                let (end, digit) = alnum_run(s, j);
                mixed |= digit;
                j = end;
                // Inner apostrophe or hyphen followed by a letter continues the word.
                if let Some(joint) = char_at(s, j).filter(|&c| is_apostrophe(c) || c == '-') {
                    let after = j + joint.len_utf8();
                    if char_at(s, after).is_some_and(is_alphabetic) {
                        j = after;
                        continue;
                    }
                }
                break;
            }
            out.push(Token {
                start: base + i,
                end: base + j,
                kind: TokenKind::Word { mixed },
            });
            i = j;
            continue;
        }
        out.push(Token {
            start: base + i,
            end: base + i + c.len_utf8(),
            kind: TokenKind::Punct(c),
        });
        i += c.len_utf8();
    }
}

/// Reads `\d{1,3}(,\d{3})+(\.\d+)?` or `\d+(\.\d+)?` starting at byte `i`
/// of `s`: the end and the value.
pub(crate) fn lex_number(s: &[u8], i: usize) -> (usize, f64) {
    let digit = |k: usize| s.get(k).is_some_and(u8::is_ascii_digit);
    let mut j = i;
    while digit(j) {
        j += 1;
    }
    // Thousands groups: only when the leading group has 1-3 digits.
    if j - i <= 3 {
        while s.get(j) == Some(&b',')
            && digit(j + 1)
            && digit(j + 2)
            && digit(j + 3)
            && !digit(j + 4)
        {
            j += 4;
        }
    }
    if s.get(j) == Some(&b'.') && digit(j + 1) {
        j += 1;
        while digit(j) {
            j += 1;
        }
    }
    (j, number_value(&s[i..j]))
}

/// The value of digits with optional thousands commas and a decimal part.
fn number_value(digits: &[u8]) -> f64 {
    let mut buf = [0u8; 40];
    let mut n = 0;
    for &b in digits.iter().filter(|&&b| b != b',') {
        if n == buf.len() {
            // Longer than any exact f64: let the standard parser round it.
            let all: String = digits
                .iter()
                .filter(|&&b| b != b',')
                .map(|&b| b as char)
                .collect();
            return all.parse().unwrap_or(0.0);
        }
        buf[n] = b;
        n += 1;
    }
    std::str::from_utf8(&buf[..n])
        .ok()
        .and_then(|d| d.parse().ok())
        .unwrap_or(0.0)
}

/// A word as written, interned as `word_term` gives it, with its stem if
/// it is a content word (what a figure's context holds).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WordEntry {
    pub term: Term,
    pub content: Option<Term>,
}

/// `word_term` and the content stem of the word `w` as written, from one
/// lookup in this thread's table of words as written: a source's word list
/// and its figures' contexts read every word of a figure's sentence, and
/// these two lookups, after the word was normalised, were a tenth of
/// parsing a source.
pub fn word_entry(w: &str, buf: &mut String) -> WordEntry {
    thread_local! {
        static AS_WRITTEN: std::cell::RefCell<ShortTable<WordEntry>> = Default::default();
    }
    let make = || {
        buf.clear();
        push_normalized(w, buf);
        WordEntry {
            term: intern(buf),
            content: content_stem(buf),
        }
    };
    AS_WRITTEN.with_borrow_mut(|seen| seen.get_or(w, make))
}

/// The stem of a normalised word if it is a content word: two letters or
/// more, and not a stop word.
fn content_stem(w: &str) -> Option<Term> {
    (w.chars().nth(1).is_some() && !is_stopword(w)).then(|| stem(w))
}

/// Interns a word as `normalize_word` writes it, without an allocation for
/// words already seen.
pub fn word_term(w: &str, buf: &mut String) -> Term {
    buf.clear();
    push_normalized(w, buf);
    intern(buf)
}

/// Interns `s`. Short strings are first looked up in this thread's own
/// table: the shared table takes a lock and follows a pointer for each
/// probe, and parsing interns every word of every source.
pub fn intern(s: &str) -> Term {
    thread_local! {
        static SEEN: std::cell::RefCell<ShortTable> = Default::default();
    }
    SEEN.with_borrow_mut(|seen| seen.get_or(s, || Term::from(s)))
}

/// A thread's own map from short strings (15 bytes or fewer, compared as
/// one integer, without a pointer to follow) to terms. Bounded: it starts
/// again past `KEEP` entries of about 32 bytes each.
struct ShortTable<V = Term>(rustc_hash::FxHashMap<u128, V>);

impl<V> Default for ShortTable<V> {
    fn default() -> Self {
        ShortTable(Default::default())
    }
}

impl<V: Copy> ShortTable<V> {
    const KEEP: usize = 1 << 16;

    fn get_or(&mut self, s: &str, make: impl FnOnce() -> V) -> V {
        let bytes = s.as_bytes();
        if bytes.len() > 15 {
            return make();
        }
        let key = short_key(bytes);
        if let Some(&t) = self.0.get(&key) {
            return t;
        }
        if self.0.len() >= Self::KEEP {
            self.0.clear();
        }
        let t = make();
        self.0.insert(key, t);
        t
    }
}

/// Up to 15 bytes as one integer: the bytes in order, little-endian, then
/// zeros, with the length in the last byte (which keeps "a" apart from
/// "a\0"). Read with at most two loads, not a copy of unknown length.
fn short_key(bytes: &[u8]) -> u128 {
    let n = bytes.len();
    debug_assert!(n <= 15);
    let word = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap_or_default());
    let half = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap_or_default());
    let low = if n >= 8 {
        // Two loads that overlap: the second's first bytes are dropped.
        let (a, b) = (word(0) as u128, word(n - 8) as u128);
        a | (b >> (8 * (16 - n))) << 64
    } else if n >= 4 {
        let (a, b) = (half(0) as u128, half(n - 4) as u128);
        a | (b >> (8 * (8 - n))) << 32
    } else {
        bytes
            .iter()
            .enumerate()
            .fold(0u128, |k, (i, &b)| k | (b as u128) << (8 * i))
    };
    low | (n as u128) << 120
}

/// Lower-cases a word and folds typographic apostrophes.
pub fn normalize_word(w: &str) -> String {
    if w.is_ascii() {
        return w.to_ascii_lowercase();
    }
    let mut out = String::with_capacity(w.len());
    push_normalized(w, &mut out);
    out
}

/// Appends `normalize_word(w)` to `buf`.
pub fn push_normalized(w: &str, buf: &mut String) {
    if w.is_ascii() {
        let start = buf.len();
        buf.push_str(w);
        buf[start..].make_ascii_lowercase();
    } else {
        buf.extend(
            w.chars()
                .map(|c| if c == '’' || c == '‘' { '\'' } else { c })
                .flat_map(char::to_lowercase),
        );
    }
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

/// Porter2 stem of a word (normalised first, an irregular verb form read
/// as its base); possessive `'s` is dropped.
/// Stems are cached for all threads: news prose repeats its words.
pub fn stem(word: &str) -> Term {
    // Each thread first asks its own table: the shared one's lock is a
    // cache line that parsing threads would otherwise pass back and forth.
    thread_local! {
        static STEMMED: std::cell::RefCell<ShortTable> = Default::default();
    }
    STEMMED.with_borrow_mut(|seen| seen.get_or(word, || shared_stem(word)))
}

fn shared_stem(word: &str) -> Term {
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
    // "drank" and "drunk" are "drink": the stemmer knows no irregular verb.
    let w = super::lexicon::verb_base(w).unwrap_or(w);
    let stemmed = Term::from(stemmer.stem(w).as_ref());
    if let Ok(mut c) = cache.write() {
        if c.len() > 500_000 {
            c.clear();
        }
        c.insert(word.into(), stemmed);
    }
    stemmed
}

const STOP_WORDS: &[&str] = &[
    "a",
    "about",
    "above",
    // Prepositions of place: "40,000 dead fish along 3 miles of the creek".
    "along",
    "amid",
    "behind",
    "beneath",
    "beside",
    "besides",
    "beyond",
    "despite",
    "inside",
    "near",
    "outside",
    "throughout",
    "underneath",
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

/// The days a news sentence names relative to its own: "on Friday",
/// "yesterday". A figure's noun stops at one; a speaker is not one.
pub const DAY_WORDS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "yesterday",
    "today",
    "tonight",
];

/// English function words that carry no topic: they never count as shared
/// context between two sentences.
pub fn is_stopword(w: &str) -> bool {
    // Hashing a string and comparing its bytes cost three times as much,
    // for a question asked of most words near every figure.
    static SET: OnceLock<ShortKeys> = OnceLock::new();
    SET.get_or_init(|| ShortKeys::of(STOP_WORDS.iter().copied()))
        .contains(w.as_bytes())
}

/// A set of words of 15 bytes or fewer, kept as `short_key` keys (as
/// `ShortTable` keys words): a lookup hashes one integer and compares
/// another, without reading the word's bytes again.
pub(super) struct ShortKeys(rustc_hash::FxHashSet<u128>);

impl ShortKeys {
    /// The set of `words`; a longer one would never be found, so none may
    /// be given (checked: a set is built once).
    pub(super) fn of<'a>(words: impl IntoIterator<Item = &'a str>) -> ShortKeys {
        ShortKeys(
            words
                .into_iter()
                .inspect(|w| assert!(w.len() <= 15, "{w}"))
                .map(|w| short_key(w.as_bytes()))
                .collect(),
        )
    }

    pub(super) fn contains(&self, bytes: &[u8]) -> bool {
        bytes.len() <= 15 && self.0.contains(&short_key(bytes))
    }
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

/// A sentence longer than this is cut at spaces into pieces no longer. No
/// prose sentence comes near it; a table of numbers or a run of quote
/// marks with no full stop does, and the readers of a sentence (figures,
/// speakers) look across all of it, so the cut bounds their work per byte.
pub const MAX_SENTENCE_BYTES: usize = 2_000;

/// `r` without the spaces at its ends, if anything is left.
fn trimmed(text: &str, r: Range<usize>) -> Option<Range<usize>> {
    let s = &text[r.clone()];
    let lead = s.len() - s.trim_start().len();
    let trail = s.len() - s.trim_end().len();
    (lead + trail < s.len()).then(|| r.start + lead..r.end - trail)
}

fn push_trimmed(text: &str, r: Range<usize>, out: &mut Vec<Range<usize>>) {
    if let Some(r) = trimmed(text, r) {
        push_bounded(text, r, out);
    }
}

/// Pushes `r`, cut into pieces of at most `MAX_SENTENCE_BYTES`, each ended
/// at the last space before the limit (or at a character boundary, in a
/// piece with no space).
fn push_bounded(text: &str, r: Range<usize>, out: &mut Vec<Range<usize>>) {
    let mut start = r.start;
    while r.end - start > MAX_SENTENCE_BYTES {
        let mut limit = start + MAX_SENTENCE_BYTES;
        while !text.is_char_boundary(limit) {
            limit -= 1;
        }
        let cut = text[start..limit]
            .rfind(char::is_whitespace)
            .filter(|&k| k > 0)
            .map_or(limit, |k| start + k);
        out.extend(trimmed(text, start..cut));
        start = cut;
    }
    out.extend(trimmed(text, start..r.end));
}

fn split_block(text: &str, block: Range<usize>, breaks: LineBreaks, out: &mut Vec<Range<usize>>) {
    let s = &text[block.clone()];
    let mut start = 0usize;
    let mut i = 0;
    // The first character from byte `from` that is not a space, or is a newline.
    let next_non_space = |from: usize| s[from..].chars().find(|c| !c.is_whitespace() || *c == '\n');
    // Only line breaks and terminal punctuation end a sentence. All are
    // ASCII, and no byte of a longer UTF-8 character is ASCII, so the next
    // one is found with memchr (the next line break and the next mark,
    // each looked for again once passed) instead of a character at a time.
    let bytes = s.as_bytes();
    let find = |from: usize, line: bool| {
        let rest = bytes.get(from..)?;
        let k = if line {
            memchr::memchr(b'\n', rest)
        } else {
            memchr::memchr3(b'.', b'!', b'?', rest)
        };
        k.map(|k| from + k)
    };
    let (mut line, mut mark) = (find(0, true), find(0, false));
    loop {
        if line.is_some_and(|at| at < i) {
            line = find(i, true);
        }
        if mark.is_some_and(|at| at < i) {
            mark = find(i, false);
        }
        i = match (line, mark) {
            (Some(a), Some(b)) => a.min(b),
            (Some(a), None) | (None, Some(a)) => a,
            (None, None) => break,
        };
        let c = bytes[i] as char;
        if c == '\n' {
            // A blank line always ends a sentence.
            let blank = s[i + 1..]
                .chars()
                .find(|c| *c == '\n' || !c.is_whitespace())
                == Some('\n');
            let ends = match breaks {
                LineBreaks::Soft => blank,
                LineBreaks::Paragraph => {
                    let prev = s[start..i].trim_end().chars().last();
                    let next = s[i..].trim_start().chars().next();
                    blank
                        || prev
                            .is_some_and(|p| matches!(p, '.' | '!' | '?' | ':' | '"' | '”' | ')'))
                        || next.is_some_and(|n| !n.is_lowercase())
                }
            };
            if ends {
                push_trimmed(text, block.start + start..block.start + i, out);
                start = i + 1;
            }
            i += 1;
            continue;
        }
        // A '.', '!' or '?': swallow runs of terminal punctuation and
        // closing quotes.
        let mut j = i + 1;
        while let Some(n) = char_at(s, j).filter(|&n| matches!(n, '.' | '!' | '?') || is_closer(n))
        {
            j += n.len_utf8();
        }
        if !char_at(s, j).is_none_or(char::is_whitespace) {
            i = j;
            continue;
        }
        let next_starts = match next_non_space(j) {
            None | Some('\n') => true,
            Some(n) => starts_sentence(n),
        };
        if c == '.' && j == i + 1 && is_abbreviation(s, i) {
            i = j;
            continue;
        }
        if next_starts {
            push_trimmed(text, block.start + start..block.start + j, out);
            start = j;
        }
        i = j;
    }
    push_trimmed(text, block.start + start..block.end, out);
}

/// Is the period at byte `dot` (relative to `s`) the end of an abbreviation?
fn is_abbreviation(s: &str, dot: usize) -> bool {
    let before = &s[..dot];
    let word_start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphabetic() || *c == '.')
        .last()
        .map_or(dot, |(k, _)| k);
    let word = &before[word_start..];
    if word.is_empty() {
        return false;
    }
    // Initialisms such as "U.S", "D.C", "a.m" and single initials ("J").
    if word.contains('.') || word.chars().count() == 1 {
        return true;
    }
    // The list is ASCII, and no other letter lower-cases into it.
    ABBREVIATIONS.iter().any(|a| a.eq_ignore_ascii_case(word))
}

/// Collapses runs of whitespace to single spaces.
pub fn squash(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_general_punctuation_is_a_letter_or_a_digit() {
        let block: Vec<char> = ('\u{2000}'..='\u{206F}').collect();
        assert_eq!(block.len(), 112);
        for c in block {
            assert!(!c.is_alphabetic() && !c.is_alphanumeric(), "{c:?}");
        }
        for c in ['a', 'é', 'ß', '日', 'Ω', '\u{1FFF}', '\u{2070}', '\u{2071}'] {
            assert_eq!(is_alphabetic(c), c.is_alphabetic(), "{c:?}");
            assert_eq!(is_alphanumeric(c), c.is_alphanumeric(), "{c:?}");
        }
        assert!(is_alphabetic('\u{2071}'));
    }

    #[test]
    fn short_keys_are_the_bytes_and_the_length() {
        for n in 0..=15 {
            let text: Vec<u8> = (1..=n as u8).map(|b| b.wrapping_mul(37)).collect();
            let mut expected = [0u8; 16];
            expected[..n].copy_from_slice(&text);
            expected[15] = n as u8;
            assert_eq!(
                short_key(&text),
                u128::from_le_bytes(expected),
                "length {n}"
            );
        }
        assert_ne!(short_key(b"a"), short_key(b"a\0"));
    }

    #[test]
    fn the_byte_classes_are_the_ascii_letters_and_digits() {
        for b in 0..=255u8 {
            let expected = match b {
                b'0'..=b'9' => DIGIT,
                b'a'..=b'z' | b'A'..=b'Z' => LETTER,
                _ => 0,
            };
            assert_eq!(ASCII_CLASS[b as usize], expected, "{b}");
        }
        assert_eq!(alnum_run("ab3é9-x", 0), ("ab3é9".len(), true));
        assert_eq!(alnum_run("abc def", 0), (3, false));
        assert_eq!(alnum_run("9ab", 0), (3, true));
        assert_eq!(alnum_run("éa1", 0), ("éa1".len(), true));
        assert_eq!(alnum_run("éa’s", 0), ("éa".len(), false));
        assert_eq!(alnum_run("x 42", 2), (4, true));
    }

    #[test]
    fn stop_words_are_found_by_their_short_keys() {
        for w in STOP_WORDS {
            assert!(w.len() <= 15 && is_stopword(w), "{w}");
        }
        for w in [
            "",
            "officials",
            "the ",
            "The",
            "hav",
            "havee",
            "abcdefghijklmnopq",
        ] {
            assert!(!is_stopword(w), "{w}");
        }
    }

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
    fn lexes_wide_characters_at_their_byte_offsets() {
        let s = "Zoë’s café—3½ 東京 1,2345 10,000,00 x\u{2003}y";
        assert_eq!(
            kinds(s),
            vec![
                "W(Zoë’s)",
                "W(café)",
                "P(—)",
                "N(3)",
                "P(½)",
                "W(東京)",
                "N(1)",
                "P(,)",
                "N(2345)",
                "N(10000)",
                "P(,)",
                "N(0)",
                "W(x)",
                "W(y)"
            ]
        );
        // "ë", "é" and "½" are two bytes, "’" and "—" three.
        let spans = |from: usize| -> Vec<(usize, usize)> {
            let toks = lex(s, from..s.len());
            toks.iter().map(|t| (t.start, t.end)).take(4).collect()
        };
        assert_eq!(spans(0), vec![(0, 8), (9, 14), (14, 17), (17, 18)]);
        assert_eq!(spans(9), vec![(9, 14), (14, 17), (17, 18), (18, 20)]);
    }

    #[test]
    fn interns_through_the_thread_table_as_the_shared_one_does() {
        for w in [
            "offices",
            "a",
            "a\0",
            "fifteen-letters",
            "sixteen-letters!",
            "東京",
        ] {
            assert_eq!(intern(w), Term::from(w), "{w:?}");
            assert_eq!(intern(w), Term::from(w), "{w:?} again");
        }
        assert_ne!(intern("a"), intern("a\0"));
        let mut table = ShortTable::default();
        for i in 0..=ShortTable::<Term>::KEEP {
            let w = format!("w{i}");
            assert_eq!(table.get_or(&w, || Term::from(w.as_str())), w.as_str());
        }
        // Full, it started again with the last word.
        assert_eq!(table.0.len(), 1);
        assert_eq!(stem("Offices"), shared_stem("Offices"));
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
