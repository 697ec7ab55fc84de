//! Direct quotes and who said them. The same code reads drafts and sources,
//! so a source's attribution and a draft's attribution are found the same way.

use super::text::{self, is_stopword, lex, normalize_word, word_term, Term, Token, TokenKind};
use std::ops::Range;

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Quote {
    /// From the opening mark to the closing mark, inclusive. A quote that
    /// runs across paragraphs spans all of them.
    pub span: Range<usize>,
    /// The quoted text without marks, one piece per paragraph.
    pub pieces: Vec<Range<usize>>,
    pub speaker: Option<Speaker>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Speaker {
    /// "Tricia McLaughlin", or a description such as "one federal official".
    pub name: String,
    pub span: Range<usize>,
    /// False for unnamed speakers ("one federal official").
    pub named: bool,
}

impl Speaker {
    /// The surname, lower-cased: how two named speakers are compared.
    pub fn key(&self) -> String {
        normalize_word(self.name.split_whitespace().last().unwrap_or(""))
    }
    pub fn same_as(&self, other: &Speaker) -> bool {
        if self.named && other.named {
            self.key() == other.key()
        } else {
            !self.named && !other.named
        }
    }
}

fn opens(c: char) -> bool {
    matches!(c, '“' | '"' | '«')
}

/// Finds quotes in the given blocks of `text`.
pub fn extract(text: &str, blocks: &[Range<usize>], sentences: &[Range<usize>]) -> Vec<Quote> {
    extract_lexed(text, blocks, sentences, None)
}

/// As `extract`, with the tokens of every block when they were lexed
/// already (`lex` of each block, in order), as a source's are.
pub fn extract_lexed(
    text: &str,
    blocks: &[Range<usize>],
    sentences: &[Range<usize>],
    tokens: Option<&[Token]>,
) -> Vec<Quote> {
    let mut quotes: Vec<Quote> = Vec::new();
    // An unclosed quote at the end of a block, waiting for the next block to
    // open with a quote mark (news style for multi-paragraph quotes).
    let mut pending: Option<Quote> = None;
    for block in blocks {
        let found = scan_block(text, block.clone());
        let mut found = found.into_iter().peekable();
        if let Some(mut open) = pending.take() {
            let starts_with_quote = text[block.clone()]
                .trim_start()
                .chars()
                .next()
                .is_some_and(opens);
            if starts_with_quote {
                if let Some(next) = found.next() {
                    open.span.end = next.span.end;
                    open.pieces.extend(next.pieces);
                    if next.closed {
                        quotes.push(open);
                    } else {
                        pending = Some(open);
                    }
                }
            }
        }
        for q in found {
            if q.closed {
                quotes.push(Quote {
                    span: q.span,
                    pieces: q.pieces,
                    speaker: None,
                });
            } else {
                pending = Some(Quote {
                    span: q.span,
                    pieces: q.pieces,
                    speaker: None,
                });
            }
        }
    }
    let lexed = Lexed {
        text,
        blocks,
        tokens,
    };
    attribute(lexed, sentences, &mut quotes);
    quotes
}

struct Found {
    span: Range<usize>,
    pieces: Vec<Range<usize>>,
    closed: bool,
}

fn scan_block(text: &str, block: Range<usize>) -> Vec<Found> {
    let s = &text[block.clone()];
    // The characters before byte `k` and from byte `k`.
    let before = |k: usize| s[..k].chars().next_back();
    let at = |k: usize| s[k..].chars().next();
    let mut out = Vec::new();
    let marks = marks(s);
    let mut open: Option<(usize, usize)> = None; // byte, and the mark's length
                                                 // Some wire copy closes quotes with two single marks (’’) and opens
                                                 // them with two (‘‘): each pair is one double mark.
    let mut skip_to = 0;
    for &(off, c) in &marks {
        let doubled = matches!(c, '‘' | '’') && at(off + c.len_utf8()) == Some(c);
        if off < skip_to || !(matches!(c, '“' | '”' | '"' | '«' | '»') || doubled) {
            continue;
        }
        let len = if doubled {
            2 * c.len_utf8()
        } else {
            c.len_utf8()
        };
        skip_to = off + len;
        let prev = before(off);
        let next = at(off + len);
        let prev_space = prev.is_none_or(|p| p.is_whitespace() || "([{—–-:/".contains(p));
        let next_space = next.is_none_or(|n| n.is_whitespace() || ",.;:!?)]—–-".contains(n));
        match open {
            None => {
                let is_open =
                    matches!(c, '“' | '«' | '‘') || (c == '"' && prev_space && !next_space);
                if is_open {
                    open = Some((off, len));
                }
            }
            Some((start, open_len)) => {
                let is_close = matches!(c, '”' | '»' | '’') || (c == '"' && !prev_space);
                if is_close {
                    out.push(Found {
                        span: block.start + start..block.start + off + len,
                        pieces: vec![block.start + start + open_len..block.start + off],
                        closed: true,
                    });
                    open = None;
                }
            }
        }
    }
    if let Some((start, first)) = open {
        out.push(Found {
            span: block.start + start..block.end,
            pieces: vec![block.start + start + first..block.end],
            closed: false,
        });
    }
    // Single quotes, only where they clearly quote: an opening mark after a
    // space, a closing mark before a space or punctuation, and at least two
    // words inside (headline style: 'working as one team').
    let doubles: Vec<Range<usize>> = out.iter().map(|f| f.span.clone()).collect();
    let inside_double = |b: usize| doubles.iter().any(|r| r.contains(&(block.start + b)));
    let mut resume = 0; // the byte after the last single quote found
    for &(k, c) in &marks {
        if k < resume || c != '‘' && c != '\'' {
            continue;
        }
        let after = k + c.len_utf8();
        let prev_ok = before(k).is_none_or(|p| p.is_whitespace() || "([—–:".contains(p));
        if prev_ok && at(after).is_some_and(char::is_alphanumeric) && !inside_double(k) {
            // find the closing mark
            let mut j = after;
            let mut found = None;
            while let Some(cj) = at(j) {
                let nxt = at(j + cj.len_utf8());
                if (cj == '’' || cj == '\'')
                    && !before(j).is_some_and(char::is_whitespace)
                    && nxt.is_none_or(|n| n.is_whitespace() || ",.;:!?)]—".contains(n))
                {
                    found = Some((j, cj.len_utf8()));
                    break;
                }
                if cj == '\n' {
                    break;
                }
                j += cj.len_utf8();
            }
            if let Some((j, close)) = found {
                let inner = &s[after..j];
                if inner.split_whitespace().count() >= 2 {
                    out.push(Found {
                        span: block.start + k..block.start + j + close,
                        pieces: vec![block.start + after..block.start + j],
                        closed: true,
                    });
                    resume = j + close;
                }
            }
        }
    }
    out.sort_by_key(|f| f.span.start);
    out
}

/// The characters of `s` that may be quote marks (straight, curly and
/// guillemets; apostrophes too), with their byte offsets, in order. Found
/// by their first byte with a vectorised search, without decoding the rest
/// of the text.
fn marks(s: &str) -> Vec<(usize, char)> {
    let bytes = s.as_bytes();
    // '"', '\'', the lead byte of '‘' '“' '”' (E2), then of '«' '»' (C2).
    let mut at: Vec<usize> = memchr::memchr3_iter(b'"', b'\'', 0xE2, bytes).collect();
    let before = at.len();
    at.extend(memchr::memchr_iter(0xC2, bytes));
    if at.len() > before {
        at.sort_unstable();
    }
    at.into_iter()
        .filter_map(|i| s[i..].chars().next().map(|c| (i, c)))
        .collect()
}

const SPEECH_VERBS: &[&str] = &[
    "said",
    "says",
    "say",
    "told",
    "tells",
    "added",
    "adds",
    "wrote",
    "writes",
    "asked",
    "asks",
    "explained",
    "noted",
    "notes",
    "stated",
    "states",
    "tweeted",
    "posted",
    "testified",
    "recalled",
    "insisted",
    "argued",
    "argues",
    "warned",
    "warns",
    "declared",
    "continued",
    "replied",
    "shared",
    "acknowledged",
    "conceded",
    "remarked",
    "announced",
    "claimed",
    "claims",
    "stressed",
    "emphasized",
    "exclaimed",
    "admitted",
    "responded",
    "observed",
    "highlighted",
    "wrote",
    "testified",
    "texted",
    "emailed",
    "recounted",
    "cautioned",
    "predicted",
    "maintained",
    "countered",
    "pledged",
    "promised",
    "vowed",
    "complained",
    "conceded",
    "described",
    "urged",
    "told",
];

/// Is `w` (normalised) a verb of speech ("said", "told", "wrote")?
pub fn is_speech_verb(w: &str) -> bool {
    SPEECH_VERBS.contains(&w)
}

/// Words of time that stand between a speaker and the verb ("Ruiz on
/// Friday said", "Okafor later told reporters").
const TIME_WORDS: &[&str] = &[
    "morning",
    "afternoon",
    "evening",
    "night",
    "earlier",
    "week",
    "month",
];

/// A word of time, or a day (`text::DAY_WORDS`).
fn is_time_word(w: &str) -> bool {
    TIME_WORDS.contains(&w) || text::DAY_WORDS.contains(&w)
}

/// Words that open a time phrase before the verb: "on Friday", "last week".
const TIME_OPENERS: &[&str] = &["on", "last", "this", "late", "early", "that"];

/// Courtesy titles in transcript labels ("MS. OKAFOR:").
const HONORIFICS: &[&str] = &["mr", "ms", "mrs", "dr", "miss", "mx"];

/// The contractions table: each contraction with its expansions.
fn contractions() -> &'static [(&'static str, Vec<&'static str>)] {
    static TABLE: std::sync::OnceLock<Vec<(&'static str, Vec<&'static str>)>> =
        std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        include_str!("contractions.tsv")
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
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

/// Role words that sit between an organisation and a person in news style
/// ("White House spokeswoman Abigail Jackson").
const ROLE_WORDS: &[&str] = &[
    "spokeswoman",
    "spokesman",
    "spokesperson",
    "secretary",
    "director",
    "official",
    "officer",
    "chief",
    "president",
    "minister",
    "senator",
    "representative",
    "governor",
    "mayor",
    "commissioner",
    "chair",
    "chairman",
    "chairwoman",
    "leader",
    "member",
    "aide",
    "adviser",
    "advisor",
    "analyst",
    "professor",
    "lawyer",
    "attorney",
    "agent",
    "deputy",
    "councilman",
    "councilwoman",
    "councilmember",
    "superintendent",
    "executive",
    "manager",
    "head",
    "editor",
    "reporter",
    "correspondent",
    "founder",
    "ceo",
    "administrator",
    "coordinator",
    "organizer",
    "resident",
    "worker",
    "driver",
    "nurse",
    "teacher",
    "owner",
    "staffer",
    "judge",
];

const PRONOUNS: &[&str] = &["he", "she", "they", "i", "we"];

const DETERMINERS: &[&str] = &[
    "one", "a", "an", "another", "the", "two", "three", "several", "some", "many", "other",
    "senior", "former",
];

struct Toks<'a> {
    text: &'a str,
    toks: std::borrow::Cow<'a, [Token]>,
}

/// Where a quote's speaker is looked for: the text, its blocks, and the
/// tokens of every block when they were lexed already (a source's are).
#[derive(Clone, Copy)]
struct Lexed<'a> {
    text: &'a str,
    blocks: &'a [Range<usize>],
    tokens: Option<&'a [Token]>,
}

impl<'a> Lexed<'a> {
    /// The tokens of `r`, as `lex(text, r)` gives them: taken from the
    /// block's tokens when `r` lies in one block and no token crosses its
    /// ends; lexed afresh otherwise.
    fn toks(&self, r: Range<usize>) -> Toks<'a> {
        let text = self.text;
        let slice = self.tokens.and_then(|all| {
            let b = self
                .blocks
                .get(self.blocks.partition_point(|b| b.end <= r.start))?;
            if !(b.start <= r.start && r.end <= b.end) {
                return None;
            }
            let from = all.partition_point(|t| t.start < r.start);
            let to = from + all[from..].partition_point(|t| t.start < r.end);
            let clean_start = from == 0 || all[from - 1].end <= r.start;
            let clean_end = to == from || all[to - 1].end <= r.end;
            (clean_start && clean_end).then(|| &all[from..to])
        });
        Toks {
            text,
            toks: match slice {
                Some(t) => std::borrow::Cow::Borrowed(t),
                None => std::borrow::Cow::Owned(lex(text, r)),
            },
        }
    }
}

impl Toks<'_> {
    fn word(&self, i: usize) -> Option<std::borrow::Cow<'_, str>> {
        match self.toks.get(i)?.kind {
            TokenKind::Word { .. } => {
                let w = self.toks[i].text(self.text);
                // Most words are already lower-case ASCII: no copy for them.
                Some(if w.bytes().all(|b| b.is_ascii_lowercase() || b == b'-') {
                    std::borrow::Cow::Borrowed(w)
                } else {
                    std::borrow::Cow::Owned(normalize_word(w))
                })
            }
            _ => None,
        }
    }
    fn cap(&self, i: usize) -> bool {
        self.toks[i].is_word()
            && self.toks[i]
                .text(self.text)
                .chars()
                .next()
                .is_some_and(char::is_uppercase)
    }
}

/// Runs of capitalised words in `toks[from..to]`, skipping stop words at the
/// start of a run ("The", "But").
fn cap_runs(t: &Toks, from: usize, to: usize) -> Vec<Range<usize>> {
    let mut runs = Vec::new();
    let mut k = from;
    while k < to {
        if t.cap(k) && !is_stopword(&t.word(k).unwrap_or_default()) {
            let start = k;
            while k < to && (t.cap(k) || is_particle(t, k)) {
                k += 1;
            }
            let mut end = k;
            while end > start && !t.cap(end - 1) {
                end -= 1;
            }
            runs.push(start..end);
        } else {
            k += 1;
        }
    }
    runs
}

fn is_particle(t: &Toks, k: usize) -> bool {
    matches!(
        t.word(k).as_deref(),
        Some("de" | "van" | "von" | "da" | "del" | "la" | "bin" | "al")
    ) && k + 1 < t.toks.len()
        && t.cap(k + 1)
}

fn speaker_from_run(t: &Toks, run: Range<usize>) -> Speaker {
    // Drop a leading organisation and role: keep the words after the last
    // role word of the run ("Homeland Security Secretary Kristi Noem" → "Kristi Noem").
    let mut start = run.start;
    for k in run.clone() {
        if ROLE_WORDS.contains(&&*t.word(k).unwrap_or_default()) && k + 1 < run.end {
            start = k + 1;
        }
    }
    let span = t.toks[start].start..t.toks[run.end - 1].end;
    Speaker {
        name: crate::engine::text::squash(&t.text[span.clone()]),
        span,
        named: true,
    }
}

/// The speaker named in the words after a speech verb: "said Homeland
/// Security spokesperson Tricia McLaughlin in a statement", "said one
/// federal official familiar with the meeting".
fn speaker_after(t: &Toks, from: usize, to: usize) -> Option<Speaker> {
    let mut end = from;
    while end < to {
        match &t.toks[end].kind {
            // "said Dr. Nadia Quarles": a courtesy title's dot goes on.
            TokenKind::Punct('.')
                if end > from && t.word(end - 1).is_some_and(|w| HONORIFICS.contains(&&*w)) => {}
            TokenKind::Punct(',' | '.' | ';' | ':' | '—' | '“' | '"' | '(') => break,
            TokenKind::Word { .. } => {
                let w = t.word(end).unwrap_or_default();
                if matches!(
                    &*w,
                    "in" | "at"
                        | "on"
                        | "during"
                        | "after"
                        | "before"
                        | "while"
                        | "when"
                        | "who"
                        | "which"
                        | "that"
                        | "familiar"
                        | "with"
                        | "to"
                        | "about"
                        | "of"
                        | "and"
                ) && end > from
                {
                    break;
                }
            }
            _ => {}
        }
        end += 1;
    }
    if end == from {
        return None;
    }
    if let Some(run) = cap_runs(t, from, end).pop() {
        return Some(speaker_from_run(t, run));
    }
    let first = t.word(from)?;
    if PRONOUNS.contains(&&*first) {
        return Some(pronoun(t, from));
    }
    if DETERMINERS.contains(&&*first)
        || ROLE_WORDS
            .iter()
            .any(|r| (from..end).any(|k| t.word(k).as_deref() == Some(r)))
    {
        let span = t.toks[from].start..t.toks[end - 1].end;
        return Some(Speaker {
            name: crate::engine::text::squash(&t.text[span.clone()]),
            span,
            named: false,
        });
    }
    None
}

fn pronoun(t: &Toks, k: usize) -> Speaker {
    Speaker {
        name: t.toks[k].text(t.text).to_string(),
        span: t.toks[k].start..t.toks[k].end,
        named: false,
    }
}

/// The speaker before a speech verb at `verb`: "Noem told officials",
/// "she reportedly told", "one official said", "Claire X, a former official, said".
fn speaker_before(t: &Toks, from: usize, verb: usize) -> Option<Speaker> {
    let mut k = verb;
    // Skip adverbs ("reportedly", "also", "later") and time phrases
    // ("on Friday", "last week").
    let mut skipped_time = false;
    while k > from
        && t.word(k - 1).is_some_and(|w| {
            let time = is_time_word(&w);
            let opener = skipped_time && TIME_OPENERS.contains(&&*w);
            skipped_time = time;
            time || opener
                || w.ends_with("ly")
                || matches!(
                    &*w,
                    "also" | "later" | "then" | "once" | "has" | "had" | "have"
                )
        })
    {
        k -= 1;
    }
    if k == from {
        return None;
    }
    let Some(w) = t.word(k - 1) else {
        // Punctuation before the verb: an appositive ("X, a former official, said").
        return subject_of(t, from, verb);
    };
    if PRONOUNS.contains(&&*w) {
        return Some(pronoun(t, k - 1));
    }
    if t.cap(k - 1) && !DETERMINERS.contains(&&*w) && !is_stopword(&w) {
        let mut start = k - 1;
        while start > from && (t.cap(start - 1) || is_particle(t, start - 1)) {
            start -= 1;
        }
        return Some(speaker_from_run(t, start..k));
    }
    // An appositive: "Claire Trickler-McNulty, a former senior official, said".
    subject_of(t, from, verb).or_else(|| {
        // "one official said"
        let mut start = k - 1;
        while start > from
            && t.word(start - 1)
                .is_some_and(|w| !is_stopword(&w) || DETERMINERS.contains(&&*w))
        {
            start -= 1;
        }
        let first = t.word(start)?;
        DETERMINERS.contains(&&*first).then(|| {
            let span = t.toks[start].start..t.toks[k - 1].end;
            Speaker {
                name: crate::engine::text::squash(&t.text[span.clone()]),
                span,
                named: false,
            }
        })
    })
}

/// The person a sentence is about: the first run of capitalised words that is
/// not followed by a role word ("White House spokeswoman Abigail Jackson
/// declined" → Abigail Jackson).
fn subject_of(t: &Toks, from: usize, to: usize) -> Option<Speaker> {
    for run in cap_runs(t, from, to) {
        let next = t.word(run.end).unwrap_or_default();
        if ROLE_WORDS.contains(&&*next) {
            continue;
        }
        if run.len() >= 2 || t.toks.get(run.end).is_some_and(|x| x.is_punct(',')) {
            return Some(speaker_from_run(t, run));
        }
    }
    None
}

fn find_verb(t: &Toks, from: usize, to: usize) -> Option<usize> {
    (from..to).find(|&k| t.word(k).is_some_and(|w| SPEECH_VERBS.contains(&&*w)))
}

/// "according to X"
fn according_to(t: &Toks, from: usize, to: usize) -> Option<Speaker> {
    let k = (from..to.saturating_sub(1)).find(|&k| {
        t.word(k).as_deref() == Some("according") && t.word(k + 1).as_deref() == Some("to")
    })?;
    speaker_after(t, k + 2, to)
}

fn attribute(lexed: Lexed, sentences: &[Range<usize>], quotes: &mut [Quote]) {
    let (text, blocks) = (lexed.text, lexed.blocks);
    let sentence_of = |pos: usize| sentences.iter().position(|s| s.contains(&pos));
    let block_of = |pos: usize| blocks.iter().position(|b| b.contains(&pos));
    let mut last: Option<(usize, Speaker)> = None; // (block, speaker)
    let mut last_named: Option<Speaker> = None;
    let mut speakers: Vec<Speaker> = Vec::new();
    for qi in 0..quotes.len() {
        let q = quotes[qi].clone();
        let Some(si) = sentence_of(q.span.start) else {
            continue;
        };
        let end_si = sentence_of(q.span.end.saturating_sub(1)).unwrap_or(si);
        let sent = sentences[si].start..sentences[end_si].end.max(q.span.end);
        let t = lexed.toks(sent.clone());
        let q_first = t
            .toks
            .iter()
            .position(|x| x.start >= q.span.start)
            .unwrap_or(0);
        let q_last = t
            .toks
            .iter()
            .position(|x| x.start >= q.span.end)
            .unwrap_or(t.toks.len());
        // Other quotes in the same sentence bound the search.
        let prev_end = quotes[..qi]
            .iter()
            .rev()
            .find(|o| o.span.end > sent.start)
            .map(|o| o.span.end);
        let next_start = quotes[qi + 1..]
            .iter()
            .find(|o| o.span.start < sent.end)
            .map(|o| o.span.start);
        let lo = prev_end.map_or(0, |e| t.toks.iter().position(|x| x.start >= e).unwrap_or(0));
        let hi = next_start.map_or(t.toks.len(), |s| {
            t.toks
                .iter()
                .position(|x| x.start >= s)
                .unwrap_or(t.toks.len())
        });

        let mut speaker = None;
        // After the quote: ", said X" / ", X said".
        if let Some(v) = find_verb(&t, q_last, hi.min(q_last + 12)) {
            speaker = speaker_before(&t, q_last, v).or_else(|| speaker_after(&t, v + 1, hi));
        }
        if speaker.is_none() {
            speaker = according_to(&t, q_last, hi);
        }
        // Before the quote: "Noem told officials: “...”", "X said, “...”".
        if speaker.is_none() && q_first > lo {
            if let Some(v) = (lo..q_first)
                .rev()
                .find(|&k| t.word(k).is_some_and(|w| SPEECH_VERBS.contains(&&*w)))
            {
                speaker = speaker_before(&t, lo, v).or_else(|| speaker_after(&t, v + 1, q_first));
            } else {
                speaker = according_to(&t, lo, q_first);
            }
        }
        // A preceding sentence ending in "said:".
        if speaker.is_none() && si > 0 {
            let prev = sentences[si - 1].clone();
            if text[prev.clone()].trim_end().ends_with(':') && q_first == lo {
                let pt = lexed.toks(prev);
                if let Some(v) = (0..pt.toks.len())
                    .rev()
                    .find(|&k| pt.word(k).is_some_and(|w| SPEECH_VERBS.contains(&&*w)))
                {
                    speaker = speaker_before(&pt, 0, v).or_else(|| subject_of(&pt, 0, v));
                } else {
                    speaker = transcript_label(&pt);
                }
            }
        }
        // Transcript style: "NAME NAME: words" at the start of the block.
        if speaker.is_none() {
            if let Some(b) = block_of(q.span.start) {
                speaker = transcript_speaker(text, blocks[b].clone());
            }
        }
        // A later sentence of the same paragraph continues the last speaker.
        if speaker.is_none() {
            if let (Some((b, s)), Some(qb)) = (&last, block_of(q.span.start)) {
                if *b == qb {
                    speaker = Some(s.clone());
                }
            }
        }
        // Pronouns: the last named person before the quote.
        if let Some(s) = &speaker {
            if !s.named && PRONOUNS.contains(&normalize_word(&s.name).as_str()) {
                // The last name before the quote, if it is a person who
                // speaks in this text; else the last named speaker ("She"
                // after "Election Day" is still Voss).
                let before = last_named_before(lexed, sentences, si, q.span.start);
                // A name of a day or a time ("Election Day") is no person.
                let known = |b: &Speaker| {
                    speakers.iter().any(|k: &Speaker| k.same_as(b))
                        || !b.name.split_whitespace().any(|w| {
                            let w = normalize_word(w);
                            is_time_word(&w) || w == "day"
                        })
                };
                let same_block = match (&last, block_of(q.span.start)) {
                    (Some((b, l)), Some(qb)) if *b == qb && l.named => Some(l.clone()),
                    _ => None,
                };
                let resolved = match (before, same_block) {
                    (Some(b), Some(l)) if !known(&b) => Some(l),
                    (b, _) => b.or_else(|| last_named.clone()),
                };
                speaker = resolved.map(|r| Speaker {
                    span: s.span.clone(),
                    ..r
                });
            }
        }
        // "the chief executive said": the person the text names with that
        // title.
        if let Some(s) = speaker.as_ref().filter(|s| !s.named) {
            if let Some(named) = titled_person(lexed, sentences, s) {
                speaker = Some(Speaker {
                    span: s.span.clone(),
                    ..named
                });
            }
        }
        if let Some(s) = &speaker {
            if s.named {
                last_named = Some(s.clone());
                speakers.push(s.clone());
            }
            if let Some(b) = block_of(q.span.start) {
                last = Some((b, s.clone()));
            }
        }
        quotes[qi].speaker = speaker;
    }
}

/// The role words of a definite title reference ("the chief executive",
/// "the company's spokeswoman", "the CEO"); none for an indefinite one ("a
/// city official", "one official"), which names nobody.
fn title_roles(name: &str) -> Vec<String> {
    let words: Vec<String> = name.split_whitespace().map(normalize_word).collect();
    let definite = words
        .first()
        .is_some_and(|w| w == "the" || w.ends_with("'s") || w == "its" || w == "their");
    if !definite {
        return Vec::new();
    }
    words
        .into_iter()
        .filter(|w| ROLE_WORDS.contains(&w.as_str()))
        .collect()
}

/// The one person the text names with every role word of `speaker`, a
/// definite title reference: "Chief Executive Dana Ruiz", "Dana Ruiz, the
/// company's chief executive,". `None` if none does, or several.
fn titled_person(lexed: Lexed, sentences: &[Range<usize>], speaker: &Speaker) -> Option<Speaker> {
    let roles = title_roles(&speaker.name);
    if roles.is_empty() {
        return None;
    }
    let mut found: Option<Speaker> = None;
    for r in sentences {
        let t = lexed.toks(r.clone());
        for run in cap_runs(&t, 0, t.toks.len()) {
            // Role words before the name (inside the run or just before it)
            // and in an appositive after it.
            let before = run.start.saturating_sub(3)..run.end;
            let mut after = run.end..run.end;
            if t.toks.get(run.end).is_some_and(|x| x.is_punct(',')) {
                let stop = (run.end + 1..t.toks.len().min(run.end + 10))
                    .find(|&k| matches!(t.toks[k].kind, TokenKind::Punct(',' | '.' | ';')))
                    .unwrap_or(t.toks.len().min(run.end + 10));
                after = run.end + 1..stop;
            }
            let has = |role: &String| {
                before
                    .clone()
                    .chain(after.clone())
                    .any(|k| t.word(k).as_deref() == Some(role.as_str()))
            };
            if !roles.iter().all(has) {
                continue;
            }
            let person = speaker_from_run(&t, run);
            let words = || person.name.split_whitespace().map(normalize_word);
            if words().count() < 2 || words().any(|w| ROLE_WORDS.contains(&w.as_str())) {
                continue;
            }
            match &found {
                Some(f) if !f.same_as(&person) => return None,
                Some(_) => {}
                None => found = Some(person),
            }
        }
    }
    found
}

/// The speaker of a transcript turn ("NAME: words") that opens `block`.
pub fn transcript_speaker(text: &str, block: Range<usize>) -> Option<Speaker> {
    let end = block.end.min(block.start + 200);
    let end = (end..=block.end)
        .find(|&e| text.is_char_boundary(e))
        .unwrap_or(block.end);
    transcript_label(&Toks {
        text,
        toks: std::borrow::Cow::Owned(lex(text, block.start..end)),
    })
}

/// "COUNCILWOMAN DANA OKAFOR:" or "Dana Okafor:" opening a block.
fn transcript_label(t: &Toks) -> Option<Speaker> {
    let colon = t.toks.iter().take(8).position(|x| x.is_punct(':'))?;
    // "MS. OKAFOR:": a courtesy title and its dot open the label.
    let title = t.word(0).is_some_and(|w| HONORIFICS.contains(&&*w))
        && t.toks.get(1).is_some_and(|x| x.is_punct('.'));
    let from = if title { 2 } else { 0 };
    if colon <= from || !(from..colon).all(|k| t.cap(k)) {
        return None;
    }
    let run = from..colon;
    // "THE COURT:", "THE WITNESS:" name a role in the room, not a person.
    if t.word(from).as_deref() == Some("the") {
        return None;
    }
    let all_caps = t.text[t.toks[0].start..t.toks[colon - 1].end]
        .chars()
        .all(|c| !c.is_lowercase());
    let mut s = speaker_from_run(t, run);
    if all_caps {
        // Title case for display, and drop a leading role.
        let words: Vec<String> = s
            .name
            .split_whitespace()
            .map(|w| {
                let mut c = w.chars();
                c.next()
                    .map(|f| f.to_uppercase().collect::<String>() + &c.as_str().to_lowercase())
                    .unwrap_or_default()
            })
            .collect();
        let start = words
            .iter()
            .rposition(|w| ROLE_WORDS.contains(&w.to_lowercase().as_str()))
            .map_or(0, |p| p + 1);
        s.name = words[start.min(words.len().saturating_sub(1))..].join(" ");
    }
    Some(s)
}

fn last_named_before(
    lexed: Lexed,
    sentences: &[Range<usize>],
    si: usize,
    before: usize,
) -> Option<Speaker> {
    for k in (si.saturating_sub(3)..=si).rev() {
        let r = sentences[k].start..sentences[k].end.min(before);
        if r.start >= r.end {
            continue;
        }
        let t = lexed.toks(r);
        let runs = cap_runs(&t, 0, t.toks.len());
        if let Some(run) = runs
            .into_iter()
            .rev()
            .find(|r| r.len() >= 2 && !ROLE_WORDS.contains(&&*t.word(r.end).unwrap_or_default()))
        {
            return Some(speaker_from_run(&t, run));
        }
    }
    None
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::text::{sentences, LineBreaks};

    fn quotes(s: &str) -> Vec<Quote> {
        let blocks: Vec<Range<usize>> = {
            let mut b = Vec::new();
            let mut start = 0;
            for (i, _) in s.match_indices('\n') {
                if i > start {
                    b.push(start..i);
                }
                start = i + 1;
            }
            if start < s.len() {
                b.push(start..s.len());
            }
            b
        };
        let sents = sentences(s, &blocks, LineBreaks::Paragraph);
        extract(s, &blocks, &sents)
    }

    fn speaker(q: &Quote) -> Option<(&str, bool)> {
        q.speaker.as_ref().map(|s| (s.name.as_str(), s.named))
    }

    #[test]
    fn two_single_marks_are_one_double_mark() {
        let s = "Moges said ‘‘clear similarities’’ were noted, and ‘‘We will study it,’’ she said.";
        let q = quotes(s);
        assert_eq!(q.len(), 2);
        assert_eq!(&s[q[0].pieces[0].clone()], "clear similarities");
        assert_eq!(&s[q[0].span.clone()], "‘‘clear similarities’’");
        assert_eq!(&s[q[1].pieces[0].clone()], "We will study it,");
        // One closing pair after a curly opening mark closes it.
        let s = "“The list is dynamic,’’ Honea said.";
        assert_eq!(&s[quotes(s)[0].pieces[0].clone()], "The list is dynamic,");
    }

    #[test]
    fn finds_speakers_after_and_before() {
        let s = "“We have no changes,” said Homeland Security spokesperson Tricia McLaughlin in a statement.";
        let q = quotes(s);
        assert_eq!(q.len(), 1);
        assert_eq!(&s[q[0].pieces[0].clone()], "We have no changes,");
        assert_eq!(speaker(&q[0]), Some(("Tricia McLaughlin", true)));

        let s = "“Miller came in there,” said one federal official familiar with the meeting. “He had nothing positive to say.”";
        let q = quotes(s);
        assert_eq!(q.len(), 2);
        assert_eq!(speaker(&q[0]), Some(("one federal official", false)));
        assert_eq!(speaker(&q[1]), Some(("one federal official", false)));

        let s = "Homeland Security Secretary Kristi Noem also addressed the group. “You guys are doing an OK job,” she reportedly told ICE officials.";
        let q = quotes(s);
        assert_eq!(speaker(&q[0]), Some(("Kristi Noem", true)));

        let s = "Noem told officials: \"You are not doing enough.\"";
        assert_eq!(speaker(&quotes(s)[0]), Some(("Noem", true)));
    }

    #[test]
    fn finds_speakers_on_a_preceding_said_line() {
        let s = "White House spokeswoman Abigail Jackson declined to comment, but in a statement said:\n“The results speak for themselves.”";
        assert_eq!(speaker(&quotes(s)[0]), Some(("Abigail Jackson", true)));
        let s = "Claire Trickler-McNulty, a former senior official under the administration, said:\n“They’re under constant threat.”";
        assert_eq!(
            speaker(&quotes(s)[0]),
            Some(("Claire Trickler-McNulty", true))
        );
        let s = "TRANSIT DIRECTOR MILES BRENNAN: We will \"fix the buses\" soon.";
        assert_eq!(speaker(&quotes(s)[0]), Some(("Miles Brennan", true)));
    }

    #[test]
    fn finds_every_kind_of_mark_in_order() {
        let s = "Café owners said «prices rose», and “rents too”; \"taxes\" and ‘fees went up’ — it's 'not fair at all' here.";
        let spans: Vec<&str> = quotes(s).iter().map(|q| &s[q.span.clone()]).collect();
        assert_eq!(
            spans,
            vec![
                "«prices rose»",
                "“rents too”",
                "\"taxes\"",
                "‘fees went up’",
                "'not fair at all'"
            ]
        );
    }

    #[test]
    fn joins_multi_paragraph_quotes_and_reads_single_quotes() {
        let s = "“First part of it.\n“Second part,” she said.\nThey are 'working as one team' now. Don’t split officers’ words.";
        let q = quotes(s);
        assert_eq!(q.len(), 2);
        assert_eq!(q[0].pieces.len(), 2);
        assert_eq!(&s[q[1].span.clone()], "'working as one team'");
    }

    #[test]
    fn splits_segments_at_ellipses_and_brackets() {
        let s = "“Everybody in leadership is afraid … there’s no morale” and “[The agents] are under constant threat” and “[t]hey’re fine”";
        let q = quotes(s);
        let seg = segments(s, &q[0]);
        assert_eq!(seg.len(), 2);
        assert_eq!(seg[1].gap, Gap::Ellipsis);
        assert_eq!(seg[1].words[0].norm, "there's");
        let seg = segments(s, &q[1]);
        assert_eq!(seg.len(), 1);
        assert_eq!(seg[0].gap, Gap::Bracket);
        assert_eq!(seg[0].words[0].norm, "are");
        let seg = segments(s, &q[2]);
        assert_eq!(seg[0].words[0].norm, "they're");
    }
}
