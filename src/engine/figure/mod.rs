//! Figures: numbers in prose, read the way writers write them, with the
//! interval they claim, their unit, the thing they count and the words around
//! them. Works on a sentence of (masked) text with byte offsets.

use super::lexicon;
use super::text::{self, lex, stem, Term, Token, TokenKind};
use std::ops::Range;

mod number;
mod unit;

use number::{read_core, scale_word, small_number, vague_plural};
pub use unit::Unit;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Period {
    Hour,
    Day,
    Week,
    Month,
    Year,
}

impl Period {
    fn from_word(w: &str) -> Option<Period> {
        Some(match w {
            "hour" | "hourly" => Period::Hour,
            "day" | "daily" | "night" | "nightly" => Period::Day,
            "week" | "weekly" => Period::Week,
            "month" | "monthly" => Period::Month,
            "year" | "yearly" | "annually" | "annual" => Period::Year,
            _ => return None,
        })
    }
}

/// The word that made a figure approximate or bounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Qualifier {
    Exact,
    About,
    Nearly,
    MoreThan,
    AtLeast,
    LessThan,
    UpTo,
    /// `20+`
    Plus,
    /// `50,000-100,000`, `from 50,000 to 100,000`
    Range,
    /// `hundreds`, `dozens`, `thousands`
    Vague,
}

/// What the figure is: a count that happened, a goal, a capacity, or a plan.
/// Figures in different frames are never compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Frame {
    Actual,
    Target,
    Capacity,
    Plan,
}

/// "a dozen **of the 25** directors": the dozen is a part, the 25 the whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Plain,
    Part,
    Whole,
}

/// Which end of a change a figure is: "from $2.25 to $2.75".
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    None,
    From,
    To,
}

/// The direction of a change a figure measures ("down 18%", "rose 5%").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Up,
    Down,
}

/// A numeric interval with open or closed ends.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Interval {
    pub lo: f64,
    pub hi: f64,
    pub lo_open: bool,
    pub hi_open: bool,
}

impl Interval {
    pub fn point(v: f64) -> Self {
        Interval {
            lo: v,
            hi: v,
            lo_open: false,
            hi_open: false,
        }
    }
    pub fn is_point(&self) -> bool {
        self.lo == self.hi && !self.lo_open && !self.hi_open
    }
    pub fn contains(&self, v: f64) -> bool {
        let lo_ok = if self.lo_open {
            v > self.lo
        } else {
            v >= self.lo - 1e-9
        };
        let hi_ok = if self.hi_open {
            v < self.hi
        } else {
            v <= self.hi + 1e-9
        };
        lo_ok && hi_ok
    }
    pub fn overlaps(&self, o: &Interval) -> bool {
        let lo_ok = if self.hi_open || o.lo_open {
            self.hi > o.lo
        } else {
            self.hi >= o.lo
        };
        let hi_ok = if o.hi_open || self.lo_open {
            o.hi > self.lo
        } else {
            o.hi >= self.lo
        };
        lo_ok && hi_ok
    }
    pub fn width(&self) -> f64 {
        self.hi - self.lo
    }
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Figure {
    /// Qualifier, number, scale word and unit: "more than $1.5 million".
    pub span: Range<usize>,
    /// The span's text with whitespace squashed.
    pub text: String,
    /// The number as written (the lower end for a range).
    pub value: f64,
    /// The upper end of a range.
    pub upper: Option<f64>,
    pub qualifier: Qualifier,
    /// The realistic band of values the figure claims.
    pub band: Interval,
    /// The size of the last significant digit as written (25 → 1, 1,500 → 100).
    pub step: f64,
    pub unit: Unit,
    pub per: Option<Period>,
    /// The counted noun phrase as written ("field offices", "arrests per day").
    pub noun: String,
    pub noun_span: Range<usize>,
    /// The noun came before the number ("The death toll rose to 6").
    #[serde(default)]
    pub noun_first: bool,
    /// Lemma of the head noun ("office"). This, `local` and `context` are
    /// not written with a source's encoded form: the corpus keeps them as
    /// the figure's lookup keys and puts them back when it decodes one.
    #[serde(skip)]
    pub head: Option<Term>,
    /// Stems of the other words of the noun phrase.
    pub modifiers: Vec<Term>,
    /// Stems of capitalised modifiers ("Border Patrol"): they name the thing.
    pub proper: Vec<Term>,
    /// Stems of the name the figure belongs to, when its clause gives one:
    /// the name right before its verb ("Bramwell has eight cases"), or
    /// after "in", "at" or "for" ("14 died in Ostrey County").
    #[serde(default)]
    pub subject: Vec<Term>,
    pub frame: Frame,
    pub role: Role,
    pub side: Side,
    pub direction: Option<Direction>,
    /// The content word right before the figure ("reassign" in "reassign
    /// around six"), stemmed.
    pub governor: Option<Term>,
    /// What happened to the thing counted, when a verb says it: the verb
    /// after the noun phrase ("release" in "six of them were released",
    /// "inspect" in "60 ferries were inspected") or a verb in the past
    /// before the figure ("inspected 60 ferries"), stemmed. Verbs of
    /// change and of being ("rose", "stood") name no event.
    #[serde(default)]
    pub event: Option<Term>,
    /// Content stems of the words near the figure, in its clause.
    #[serde(skip)]
    pub local: Vec<Term>,
    /// Content stems of its sentence.
    #[serde(skip)]
    pub context: Vec<Term>,
    pub sentence: Range<usize>,
}

impl Figure {
    /// "25 field offices", "more than 1,500 Border Patrol agents".
    pub fn described(&self) -> String {
        if self.noun.is_empty() {
            self.text.clone()
        } else if self.noun_first {
            format!("{} of {}", self.noun, self.text)
        } else {
            format!("{} {}", self.text, self.noun)
        }
    }
}

// ---------------------------------------------------------------------------
// Word tables. General English only: nothing here knows any topic.

const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
];

fn is_month(w: &str) -> bool {
    MONTHS.contains(&w.trim_end_matches('.'))
}

/// A month or a day ("on Wednesday seeking $2.5 million"): a time, never
/// whose figure it is.
fn is_time_name(w: &str) -> bool {
    is_month(w) || text::DAY_WORDS.contains(&w)
}

/// Qualifier phrases, longest first within each entry's list.
const QUALIFIERS: &[(&[&str], Qualifier)] = &[
    (&["no", "fewer", "than"], Qualifier::AtLeast),
    (&["no", "less", "than"], Qualifier::AtLeast),
    (&["no", "more", "than"], Qualifier::UpTo),
    (&["in", "excess", "of"], Qualifier::MoreThan),
    (&["a", "minimum", "of"], Qualifier::AtLeast),
    (&["a", "maximum", "of"], Qualifier::UpTo),
    (&["as", "many", "as"], Qualifier::UpTo),
    (&["as", "much", "as"], Qualifier::UpTo),
    (&["just", "shy", "of"], Qualifier::Nearly),
    (&["more", "than"], Qualifier::MoreThan),
    (&["greater", "than"], Qualifier::MoreThan),
    (&["upwards", "of"], Qualifier::MoreThan),
    (&["just", "over"], Qualifier::MoreThan),
    (&["well", "over"], Qualifier::MoreThan),
    (&["just", "above"], Qualifier::MoreThan),
    (&["at", "least"], Qualifier::AtLeast),
    (&["at", "most"], Qualifier::UpTo),
    (&["up", "to"], Qualifier::UpTo),
    (&["fewer", "than"], Qualifier::LessThan),
    (&["less", "than"], Qualifier::LessThan),
    (&["just", "under"], Qualifier::Nearly),
    (&["close", "to"], Qualifier::Nearly),
    (&["an", "estimated"], Qualifier::About),
    (&["over"], Qualifier::MoreThan),
    (&["above"], Qualifier::MoreThan),
    (&["nearly"], Qualifier::Nearly),
    (&["almost"], Qualifier::Nearly),
    (&["about"], Qualifier::About),
    (&["around"], Qualifier::About),
    (&["roughly"], Qualifier::About),
    (&["approximately"], Qualifier::About),
    (&["some"], Qualifier::About),
    (&["estimated"], Qualifier::About),
    (&["under"], Qualifier::LessThan),
    (&["below"], Qualifier::LessThan),
];

const TARGET_WORDS: &[&str] = &[
    "goal",
    "goals",
    "target",
    "targets",
    "quota",
    "quotas",
    "benchmark",
    "aim",
    "aims",
    "objective",
    "pledge",
    "pledged",
    "promise",
    "promised",
    "vow",
    "vowed",
    "ambition",
];
const CAPACITY_WORDS: &[&str] = &["capacity", "capacities", "accommodate", "room"];
/// Plans and expectations. Modal verbs ("would", "will") are not enough: a
/// sentence about a plan still states current facts ("would overhaul its 42
/// routes").
const PLAN_WORDS: &[&str] = &[
    "plan",
    "plans",
    "planned",
    "planning",
    "proposal",
    "proposed",
    "proposes",
    "expected",
    "expects",
    "projected",
    "projection",
    "projects",
    "forecast",
    "forecasts",
    "intend",
    "intends",
    "scheduled",
];

/// Verbs of change: "raise the fare from $2.25 to $2.75" is a change, not a range.
const CHANGE_STEMS: &[&str] = &[
    "rise", "rose", "risen", "rais", "increas", "grow", "grew", "grown", "climb", "jump", "doubl",
    "tripl", "boost", "expand", "go", "goe", "went", "gone", "fall", "fell", "fallen", "drop",
    "declin", "decreas", "cut", "reduc", "shrink", "shrank", "slash", "lower", "move", "chang",
    "up", "down", "hike", "soar", "plung", "swell", "swollen",
];
const UP_STEMS: &[&str] = &[
    "rise", "rose", "risen", "rais", "increas", "grow", "grew", "grown", "climb", "jump", "doubl",
    "tripl", "boost", "up", "higher", "gain", "hike", "soar", "swell", "swollen",
];
const DOWN_STEMS: &[&str] = &[
    "fall", "fell", "fallen", "drop", "declin", "decreas", "down", "lower", "cut", "reduc",
    "shrink", "shrank", "slash", "lost", "lose", "plung",
];

/// Is `stem` the stem of a verb or word of change ("rose", "climb", "cut")?
pub fn is_change_stem(stem: &str) -> bool {
    CHANGE_STEMS.contains(&stem) || LINKING_VERBS.contains(&stem)
}

/// Words of time that end a noun phrase after a figure ("4,800 last
/// Thursday", "12 this year"), with `text::DAY_WORDS`.
const TIME_NOUNS: &[&str] = &["last", "next", "this", "ago"];

/// Spans of time that name when, not what ("the second quarter of $930
/// million"), beyond the periods of a rate.
const SPANS_OF_TIME: &[&str] = &["quarter", "decade", "century", "season", "semester"];

/// Words that may sit inside a noun phrase though they are stop words
/// elsewhere ("a dozen other routes", "six new electric buses").
const NP_FILLERS: &[&str] = &[
    "other",
    "new",
    "more",
    "additional",
    "total",
    "same",
    "extra",
];

/// Words that are plural without ending in -s.
const IRREGULAR_PLURALS: &[&str] = &[
    "people",
    "men",
    "women",
    "children",
    "police",
    "personnel",
    "staff",
    "data",
    "feet",
    "teeth",
    "mice",
    "geese",
    "cattle",
    "media",
    "alumni",
    "criteria",
    "crises",
    "troops",
];

/// "About 14,300 remain without power": is token `j`, right after a
/// number, the verb of a noun left out? A lower-case word that is no noun
/// and no plural, before a function word. (Before punctuation it may be a
/// noun WordNet does not know.)
fn bare_verb(s: &Sentence, j: usize) -> bool {
    let Some(w) = s.word(j) else {
        return false;
    };
    !s.capitalised(j)
        && !s.stopword(j)
        && !looks_plural(w)
        && small_number(w).is_none()
        && !lexicon::is_noun(lexicon::lemma(w))
        && s.word(j + 1).is_some()
        && s.stopword(j + 1)
}

fn looks_plural(w: &str) -> bool {
    IRREGULAR_PLURALS.contains(&w)
        || (w.len() > 2
            && w.ends_with('s')
            && !w.ends_with("ss")
            && !w.ends_with("us")
            && !w.ends_with("is")
            && !w.ends_with("'s"))
}

// ---------------------------------------------------------------------------

/// Token indices of a few words near a figure.
type Indices = smallvec::SmallVec<[usize; 8]>;

struct Core {
    /// Token index range covered (qualifier excluded): from a sign or
    /// currency before the number to its unit.
    first: usize,
    /// The number's own (first) token.
    num: usize,
    last: usize,
    value: f64,
    upper: Option<f64>,
    unit: Unit,
    qualifier: Qualifier,
    band: Option<Interval>,
    step: f64,
    per: Option<Period>,
    /// `20+`
    plus: bool,
}

struct Sentence<'a> {
    text: &'a str,
    toks: std::borrow::Cow<'a, [Token]>,
    /// Each token's normalised word ("" for numbers and punctuation).
    words: Words,
    /// Each token's content stem (`text::WordEntry::content`): `None` for
    /// stop words, one-letter words, numbers and punctuation.
    stems: Vec<Option<Term>>,
    range: Range<usize>,
}

/// Normalised words in one buffer, indexed by token.
struct Words {
    buf: String,
    spans: Vec<(u32, u32)>,
}

impl std::ops::Index<usize> for Words {
    type Output = str;
    fn index(&self, i: usize) -> &str {
        let (a, b) = self.spans[i];
        &self.buf[a as usize..b as usize]
    }
}

impl Sentence<'_> {
    fn word(&self, i: usize) -> Option<&str> {
        match self.toks.get(i)?.kind {
            TokenKind::Word { mixed: false } => Some(&self.words[i]),
            _ => None,
        }
    }
    fn adjacent(&self, a: usize, b: usize) -> bool {
        b < self.toks.len() && self.toks[a].end == self.toks[b].start
    }
    fn raw(&self, i: usize) -> &str {
        self.toks[i].text(self.text)
    }
    fn capitalised(&self, i: usize) -> bool {
        self.raw(i).chars().next().is_some_and(char::is_uppercase)
    }
    /// `stem(&self.words[i])`, from the token's word entry when it has a
    /// content stem: the same term, without a second table lookup.
    fn stem(&self, i: usize) -> Term {
        match self.stems.get(i) {
            Some(Some(st)) => *st,
            _ => stem(&self.words[i]),
        }
    }
    /// `text::is_stopword(&self.words[i])`: a word with a content stem is
    /// not one, and is not looked up.
    fn stopword(&self, i: usize) -> bool {
        !matches!(self.stems.get(i), Some(Some(_))) && text::is_stopword(&self.words[i])
    }
}

/// Extracts the figures of each sentence.
pub fn extract(text: &str, sentences: &[Range<usize>]) -> Vec<Figure> {
    let mut out = Vec::new();
    for (i, r) in sentences.iter().enumerate() {
        let from = out.len();
        extract_sentence(text, r.clone(), None, &mut out);
        subjects_from_before(text, sentences, i, &mut out[from..]);
    }
    out
}

/// Pronouns that may open a sentence as the subject of its clause.
const SUBJECT_PRONOUNS: &[&str] = &["it", "they"];

/// "Port Selwyn Regional Airport returned to its full schedule. It
/// canceled 585 flights": a sentence that opens with a pronoun as its
/// subject tells the figures of its first clause for the name that opens
/// the sentence before.
fn subjects_from_before(text: &str, sentences: &[Range<usize>], i: usize, figures: &mut [Figure]) {
    let opening = |r: &Range<usize>| {
        let mut end = r.end.min(r.start + 160);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        lex(text, r.start..end)
    };
    let Some(prev) = i.checked_sub(1).map(|p| &sentences[p]) else {
        return;
    };
    let here = &sentences[i];
    let toks = opening(here);
    let pronoun = toks
        .first()
        .filter(|t| t.is_word())
        .map(|t| t.text(text).to_lowercase());
    if !pronoun.is_some_and(|p| SUBJECT_PRONOUNS.contains(&p.as_str())) {
        return;
    }
    // The first clause: up to the first comma, semicolon or colon.
    let clause_end = toks
        .iter()
        .find(|t| matches!(t.kind, TokenKind::Punct(',' | ';' | ':')))
        .map_or(here.end, |t| t.start);
    let mut name = None;
    for f in figures
        .iter_mut()
        .filter(|f| f.subject.is_empty() && f.span.start < clause_end)
    {
        let name = name.get_or_insert_with(|| opening_name(text, &opening(prev)));
        f.subject = name.clone();
    }
}

/// The name that opens a sentence ("Port Selwyn Regional Airport
/// returned…", "The Calder Transit Authority said…"): its capitalised
/// words before the first lower-case one, without the article. Empty when
/// the sentence opens with a plain word ("Officials", "Three", "Monday").
fn opening_name(text: &str, toks: &[Token]) -> Vec<Term> {
    let mut words = toks.iter().map_while(|t| t.is_word().then(|| t.text(text)));
    let mut out = Vec::new();
    let mut first = words.next();
    if first.is_some_and(|w| w.eq_ignore_ascii_case("the")) {
        first = words.next();
    }
    for w in first.into_iter().chain(words) {
        if !w.starts_with(char::is_uppercase) || out.len() == 4 {
            break;
        }
        out.push(stem(&text::normalize_word(w)));
    }
    let plain =
        |w: &str| text::is_stopword(w) || w.ends_with('s') || number::is_number_word_start(w);
    if out.iter().any(|t| is_time_name(t))
        || out.len() == 1 && first.is_some_and(|w| plain(&w.to_lowercase()))
    {
        return Vec::new();
    }
    out
}

/// As `extract`, for sentences whose tokens are all in `tokens` (in order,
/// as `lex` gives them for the blocks holding the sentences): a source's
/// text is lexed once for its words and its figures.
/// `entries` are the tokens' `text::word_entry` (`None` for numbers and
/// punctuation), one per token; a word without one is looked up.
pub fn extract_lexed(
    text: &str,
    sentences: &[Range<usize>],
    tokens: &[Token],
    entries: &[Option<text::WordEntry>],
) -> Vec<Figure> {
    let mut out = Vec::new();
    for (i, r) in sentences.iter().enumerate() {
        let first_figure = out.len();
        let from = tokens.partition_point(|t| t.start < r.start);
        let to = from + tokens[from..].partition_point(|t| t.start < r.end);
        // Entries that do not match the tokens are looked up again.
        let e = entries
            .get(from..to)
            .filter(|_| entries.len() == tokens.len());
        let lexed = (&tokens[from..to], e.unwrap_or_default());
        extract_sentence(text, r.clone(), Some(lexed), &mut out);
        subjects_from_before(text, sentences, i, &mut out[first_figure..]);
    }
    out
}

/// Does `s` hold an ASCII digit or a number word? Words are the runs
/// between characters that are neither alphabetic nor `-`; ASCII, most of
/// news prose, is read a byte at a time.
fn may_hold_number(s: &str) -> bool {
    let bytes = s.as_bytes();
    // A chunk at a time, without an early exit inside one: the compiler
    // compares 32 bytes at once.
    if bytes
        .chunks(32)
        .any(|c| c.iter().fold(false, |any, b| any | b.is_ascii_digit()))
    {
        return true;
    }
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let (part_of_word, len) = if b < 0x80 {
            (b.is_ascii_alphabetic() || b == b'-', 1)
        } else {
            let c = s[i..].chars().next().unwrap_or_default();
            (text::is_alphabetic(c), c.len_utf8())
        };
        if !part_of_word {
            if is_number_word(&s[start..i]) {
                return true;
            }
            start = i + len;
        }
        i += len;
    }
    is_number_word(&s[start..])
}

/// Is `w`, in any case, a word that can start a figure ("seventy-seven",
/// "Dozens", "half"), or the scale word of one that starts with "a" ("a
/// hundred")? Asked of every word of every sentence, so the words are kept
/// as `text::ShortKeys`: every one is ASCII, of 3 to 13 bytes (letters and
/// hyphens: "seventy-seven").
fn is_number_word(w: &str) -> bool {
    static WORDS: std::sync::OnceLock<(LengthsByInitial, text::ShortKeys)> =
        std::sync::OnceLock::new();
    if !(3..=13).contains(&w.len()) || !w.is_ascii() {
        return false;
    }
    let (lengths, set) = WORDS.get_or_init(|| {
        let scale = number::SCALE_WORDS.iter().map(|(w, _)| *w);
        let fractions = number::FRACTIONS
            .iter()
            .flat_map(|(one, many, _)| [*one, *many]);
        number_words_and(
            scale
                .chain(fractions)
                .chain(["dozen", "couple", "tens", "minus"]),
        )
    });
    // Most words are turned away by their first letter and length ("the"
    // and "from" are not).
    if !lengths.may_hold(w.as_bytes()) {
        return false;
    }
    // Copied a byte at a time: `copy_from_slice` of a length not known
    // here is a call to memcpy.
    let mut buf = [0u8; 16];
    for (to, from) in buf.iter_mut().zip(w.bytes()) {
        *to = from.to_ascii_lowercase();
    }
    set.contains(&buf[..w.len()])
}

/// Can the normalised word `w` start a figure's core: a vague plural,
/// "tens", "half", "a", "an", "dozen" or a small number ("seventy-seven")?
/// `read_core` turns every other word away; asked of every word of a
/// sentence that may hold a figure.
fn starts_core(w: &str) -> bool {
    static WORDS: std::sync::OnceLock<(LengthsByInitial, text::ShortKeys)> =
        std::sync::OnceLock::new();
    let (lengths, set) =
        WORDS.get_or_init(|| number_words_and(number::CORE_STARTERS.iter().copied()));
    lengths.may_hold(w.as_bytes()) && set.contains(w.as_bytes())
}

/// The small numbers ("zero" to "ninety-nine") and the vague plurals, with
/// `more`, as a set and the lengths by initial of its words.
fn number_words_and<'a>(
    more: impl Iterator<Item = &'a str>,
) -> (LengthsByInitial, text::ShortKeys) {
    let compounds = number::TENS
        .iter()
        .flat_map(|t| number::UNITS[1..10].iter().map(move |u| format!("{t}-{u}")));
    let words: Vec<String> = number::UNITS
        .iter()
        .chain(number::TENS)
        .copied()
        .chain(number::VAGUE_PLURALS.iter().map(|(w, _)| *w))
        .chain(more)
        .map(String::from)
        .chain(compounds)
        .chain(number::hyphenated_fractions())
        .collect();
    let words = || words.iter().map(String::as_str);
    (LengthsByInitial::of(words()), text::ShortKeys::of(words()))
}

/// For each ASCII letter, the lengths (below 16) of the words of a set that
/// start with it, in either case: a word whose pair is not there is not in
/// the set.
struct LengthsByInitial([u16; 26]);

impl LengthsByInitial {
    fn of<'a>(words: impl IntoIterator<Item = &'a str>) -> LengthsByInitial {
        let mut lengths = [0u16; 26];
        for w in words {
            let first = w.as_bytes()[0].to_ascii_lowercase();
            assert!(first.is_ascii_lowercase() && w.len() < 16, "{w}");
            lengths[usize::from(first - b'a')] |= 1 << w.len();
        }
        LengthsByInitial(lengths)
    }

    fn may_hold(&self, w: &[u8]) -> bool {
        let Some(first) = w.first().map(u8::to_ascii_lowercase) else {
            return false;
        };
        first.is_ascii_lowercase()
            && w.len() < 16
            && self.0[usize::from(first - b'a')] & (1 << w.len()) != 0
    }
}

fn extract_sentence(
    text: &str,
    range: Range<usize>,
    lexed: Option<(&[Token], &[Option<text::WordEntry>])>,
    out: &mut Vec<Figure>,
) {
    // Most sentences have no figure: look for a digit or a number word
    // before doing any work.
    if !may_hold_number(&text[range.clone()]) {
        return;
    }
    let (toks, entries) = match lexed {
        Some((t, e)) => (std::borrow::Cow::Borrowed(t), e),
        None => (std::borrow::Cow::Owned(lex(text, range.clone())), &[][..]),
    };
    let mut words = Words {
        buf: String::with_capacity(range.len()),
        spans: Vec::with_capacity(toks.len()),
    };
    let mut context = Vec::with_capacity(toks.len());
    let mut stems = Vec::with_capacity(toks.len());
    let mut buf = String::new();
    for (i, t) in toks.iter().enumerate() {
        let a = words.buf.len();
        let mut content = None;
        if t.is_word() {
            // Given with the tokens, or looked up here.
            let e = entries
                .get(i)
                .copied()
                .flatten()
                .unwrap_or_else(|| text::word_entry(t.text(text), &mut buf));
            // The term's own text, written again from the sentence (in
            // cache), not copied from the interned string (a cache miss
            // per word: a third of this function's time).
            text::push_normalized(t.text(text), &mut words.buf);
            if t.kind == (TokenKind::Word { mixed: false }) {
                if let Some(c) = e.content.filter(|c| !context.contains(c)) {
                    context.push(c);
                }
            }
            content = e.content;
        }
        let b = words.buf.len();
        words.spans.push((a as u32, b as u32));
        stems.push(content);
    }
    let s = Sentence {
        text,
        toks,
        words,
        stems,
        range,
    };
    let first_figure = out.len();
    let mut i = 0;
    while i < s.toks.len() {
        // Most tokens cannot start a figure: turned away without a call.
        let may_start = match s.toks[i].kind {
            TokenKind::Word { mixed: false } => starts_core(&s.words[i]),
            TokenKind::Punct(_) => false,
            TokenKind::Word { mixed: true } | TokenKind::Number(_) => true,
        };
        if !may_start {
            debug_assert!(read_core(&s, i).is_none());
            i += 1;
            continue;
        }
        match read_figure(&s, i, &context) {
            Some((fig, next)) => {
                out.push(fig);
                i = next;
            }
            None => i += 1,
        }
    }
    // "gained 0.4 percent to 13,176", "fell by a quarter to 90": the size
    // of a change, then its result.
    for k in first_figure..out.len().saturating_sub(1) {
        let (a, b) = (&out[k], &out[k + 1]);
        let between = text.get(a.span.end..b.span.start).map(str::trim);
        if a.direction.is_some()
            && a.side == Side::None
            && b.side == Side::None
            && between == Some("to")
        {
            out[k + 1].side = Side::To;
            out[k + 1].direction = out[k].direction;
        }
    }
    // "from $2.25 to $2.75": the second figure is the new value; "$2.50, up
    // from $2.25": the first is. The old value counts what the new one counts.
    for k in first_figure..out.len() {
        if out[k].side != Side::From {
            continue;
        }
        let (from_start, from_end) = (out[k].span.start, out[k].span.end);
        if let Some(next) = out.get(k + 1) {
            if text
                .get(from_end..next.span.start)
                .is_some_and(|b| b.trim() == "to")
            {
                out[k + 1].side = Side::To;
                let dir = out[k].direction.or(out[k + 1].direction);
                out[k].direction = dir;
                out[k + 1].direction = dir;
            }
        }
        if k > first_figure
            && out[k - 1].side == Side::None
            && out[k - 1].unit.compatible(&out[k].unit)
        {
            let between = &text[out[k - 1].span.end.min(from_start)..from_start];
            let words: Vec<&str> = between.split_whitespace().collect();
            if words.last() == Some(&"from") && words.len() <= 8 {
                out[k - 1].side = Side::To;
                // "$2.50, up from $2.25": both ends move the same way.
                let dir = match words.iter().rev().nth(1) {
                    Some(&"up") => Some(Direction::Up),
                    Some(&"down") => Some(Direction::Down),
                    _ => None,
                };
                if dir.is_some() {
                    out[k - 1].direction = dir;
                    out[k].direction = dir;
                }
            }
        }
        let partner = if out.get(k + 1).is_some_and(|n| n.side == Side::To) {
            Some(k + 1)
        } else if k > first_figure && out[k - 1].side == Side::To {
            Some(k - 1)
        } else {
            None
        };
        if let Some(p) = partner {
            if out[k].head.is_none() {
                let to = out[p].clone();
                let from = &mut out[k];
                from.head = to.head;
                from.modifiers = to.modifiers;
                from.proper = to.proper;
                from.noun = to.noun;
                from.noun_span = to.noun_span;
                from.noun_first = to.noun_first;
                from.per = from.per.or(to.per);
            }
        }
    }
    // "40 arrests … six of them were released": six counts what the
    // figure before it counts, as a part, in another event.
    for k in first_figure.max(1)..out.len() {
        let after = text.get(out[k].span.end..).unwrap_or("").trim_start();
        let pronoun = ["of them", "of those", "of these", "of whom", "of which"]
            .iter()
            .any(|p| after.starts_with(p));
        if pronoun && out[k].head.is_none() {
            let whole = out[k - 1].clone();
            let part = &mut out[k];
            part.head = whole.head;
            part.modifiers = whole.modifiers;
            part.proper = whole.proper;
            part.noun = whole.noun;
            part.noun_first = whole.noun_first;
            part.role = Role::Part;
        }
    }
    // "About 200 workers crowded in, and a couple of dozen more stood
    // outside": "more" and a word that is no noun name the same thing as
    // the figure before.
    // So does a figure whose next word is a verb ("of the 412,300
    // customers who lost power. About 14,300 remain").
    for k in first_figure.max(1)..out.len() {
        let next = s.toks.partition_point(|t| t.end <= out[k].span.end);
        let elided = out[k].noun.split_whitespace().next() == Some("more")
            && out[k].head.is_none_or(|h| !lexicon::is_noun(h))
            || out[k].noun.is_empty() && out[k].value > 1.0 && bare_verb(&s, next);
        if elided && out[k - 1].head.is_some() && out[k - 1].unit.compatible(&out[k].unit) {
            let before = out[k - 1].clone();
            let more = &mut out[k];
            more.head = before.head;
            more.modifiers = before.modifiers;
            more.noun = before.noun;
        }
    }
    // "short of the 3,000-per-day goal" is not a whole: only a figure after
    // a part ("a dozen of the 25") is.
    for k in first_figure..out.len() {
        if out[k].role == Role::Whole && (k == first_figure || out[k - 1].role != Role::Part) {
            out[k].role = Role::Plain;
        }
    }
    // A part ("a dozen of the 25 directors") counts what its whole counts.
    for k in first_figure..out.len() {
        if out[k].role == Role::Part {
            if let Some(whole) = out[k + 1..].iter().find(|f| f.role == Role::Whole).cloned() {
                let part = &mut out[k];
                part.head = whole.head;
                part.modifiers = whole.modifiers.clone();
                part.proper = whole.proper.clone();
                part.noun = whole.noun.clone();
                part.noun_span = whole.noun_span.clone();
                part.noun_first = whole.noun_first;
                part.per = part.per.or(whole.per);
                // "611 of its 23,900 ballots were rejected": the verb after
                // the whole tells what happened to the part.
                if part.event.is_none() {
                    part.event = whole.event;
                    if let Some(w) = out[k + 1..].iter_mut().find(|f| f.role == Role::Whole) {
                        w.event = None;
                    }
                }
            }
        }
    }
}

fn read_figure(s: &Sentence, i: usize, context: &[Term]) -> Option<(Figure, usize)> {
    let core = read_core(s, i)?;
    if excluded(s, &core) {
        return None;
    }
    let mut core = core;
    let mut end_tok = core.last;

    // Ranges: "50,000-100,000", "50,000 to 100,000", "between 5 and 10".
    let mut qualifier = core.qualifier;
    let (qual_start, prefix_qual) = read_qualifier(s, core.first);
    if let Some(q) = prefix_qual {
        qualifier = q;
    }
    let mut side = Side::None;
    // "raise the fare from $2.25 to $2.75", "up from $2.25": a change.
    if qual_start > 0 && s.word(qual_start - 1) == Some("from") {
        let before_from = qual_start - 1;
        let changed = (before_from.saturating_sub(8)..before_from)
            .any(|k| s.word(k).is_some() && CHANGE_STEMS.contains(&s.stem(k).as_str()));
        let then_to = s.word(core.last + 1) == Some("to");
        if changed || !then_to {
            side = Side::From;
        }
    } else if qual_start >= 2
        && s.word(qual_start - 1) == Some("to")
        && s.word(qual_start - 2).is_some()
        && CHANGE_STEMS.contains(&s.stem(qual_start - 2).as_str())
    {
        side = Side::To;
    }
    if core.upper.is_none() && side == Side::None {
        let j = core.last + 1;
        let joiner = s.toks.get(j).map(|t| &t.kind);
        let is_joiner = match joiner {
            Some(TokenKind::Punct('-')) | Some(TokenKind::Punct('–')) => true,
            Some(TokenKind::Word { .. }) => {
                s.word(j) == Some("to")
                    || (s.word(j) == Some("and")
                        && qual_start > 0
                        && s.word(qual_start - 1) == Some("between"))
            }
            _ => false,
        };
        // "gained 0.4 percent to 13,176" is a change and its result, not a
        // range; "rose 5 to 10 percent" is a range of the change.
        let changed = (qual_start.saturating_sub(5)..qual_start)
            .any(|k| s.word(k).is_some() && CHANGE_STEMS.contains(&s.stem(k).as_str()));
        let by = qual_start > 0 && s.word(qual_start - 1) == Some("by");
        let bare = matches!(core.unit, Unit::Count);
        let joins = is_joiner && !by && (bare || !changed);
        if let Some(second) = joins.then(|| core_after(s, j + 1)).flatten() {
            let units_fit = core.unit.compatible(&second.unit)
                || matches!(core.unit, Unit::Count)
                || matches!(
                    (&core.unit, &second.unit),
                    (Unit::Money(_) | Unit::Measure(_), Unit::Count)
                );
            // "5 to 10 million": the scale of the second applies to the
            // first, unless the range would then run backwards ("$200 to
            // $4 million").
            let scale = 10f64.powi((second.value.abs().log10().floor() as i32 / 3) * 3);
            let scaled = second.value >= 1e3
                && core.value < 1e3
                && core.value * scale <= second.value
                && second.value / core.value > 100.0;
            let low = if scaled {
                core.value * scale
            } else {
                core.value
            };
            if second.upper.is_none() && units_fit && second.value > low && !excluded(s, &second) {
                // "$2.25 to $2.75": the second unit decides when the first is bare.
                if matches!(core.unit, Unit::Count) {
                    core.unit = second.unit.clone();
                }
                core.value = low;
                core.upper = Some(second.value);
                core.per = core.per.or(second.per);
                core.step = core.step.min(second.step);
                end_tok = second.last;
                qualifier = Qualifier::Range;
            }
        }
    }
    if core.plus {
        qualifier = Qualifier::Plus;
    }
    // "between 9,000 and 12,000": the range's first word is its own.
    let between = qualifier == Qualifier::Range
        && qual_start > 0
        && s.word(qual_start - 1) == Some("between");
    let start_tok = qual_start - usize::from(between);
    let span = s.toks[start_tok].start..s.toks[end_tok].end;
    let figure_text = text::squash(&s.text[span.clone()]);

    // Role and the counted noun phrase.
    let mut j = end_tok + 1;
    let mut role = Role::Plain;
    if s.word(j) == Some("of") {
        let mut k = j + 1;
        if matches!(
            s.word(k),
            Some("the" | "its" | "their" | "his" | "her" | "our" | "those" | "these" | "all")
        ) {
            k += 1;
        }
        if matches!(s.toks.get(k).map(|t| &t.kind), Some(TokenKind::Number(_)))
            || s.word(k).is_some_and(|w| small_number(w).is_some())
            || s.word(k) == Some("a")
        {
            role = Role::Part;
        } else if qualifier == Qualifier::Vague
            || core.value == 50.0 && figure_text.ends_with("half")
            || matches!(core.unit, Unit::Percent | Unit::Measure(_))
        {
            // "half of the offices", "112 miles of wire", "10kg of cocaine"
            j = k;
        }
    } else if figure_text
        .get(figure_text.len().saturating_sub(4)..)
        .is_some_and(|end| end.eq_ignore_ascii_case("half"))
        && matches!(s.word(j), Some("the" | "its" | "their" | "all"))
    {
        j += 1;
    }
    let figure_before = |k: usize| {
        matches!(s.toks[k].kind, TokenKind::Number(_))
            || s.word(k).is_some_and(|w| {
                small_number(w).is_some()
                    || scale_word(w).is_some()
                    || vague_plural(w).is_some()
                    || matches!(w, "dozen" | "half")
            })
    };
    if start_tok >= 3
        && matches!(s.word(start_tok - 1), Some("the" | "its" | "their" | "all"))
        && s.word(start_tok - 2) == Some("of")
        && figure_before(start_tok - 3)
    {
        role = Role::Whole;
    }

    let mut per = core.per;
    // "3,000-per-day goal"; "a 300-seat theatre": a number in a compound
    // before a noun gives the noun's size, not a count of anything.
    let mut sized = false;
    if s.toks.get(j).is_some_and(|t| t.is_punct('-')) && s.adjacent(end_tok, j) {
        if let Some(w) = s.word(j + 1) {
            let p = w.strip_prefix("per-").or_else(|| w.strip_prefix("a-"));
            if let Some(p) = p.and_then(Period::from_word) {
                per = Some(p);
                j += 2;
            } else if s.adjacent(j, j + 1)
                && matches!(core.unit, Unit::Count)
                && s.word(j + 2).is_some()
            {
                sized = true;
            }
        }
    }
    let np_start = j;
    let mut head: Option<usize> = None;
    // Token indices, on the stack: a figure has at most 5 + 6 + 8.
    let mut np_words: Indices = Indices::new();
    while np_words.len() < 5 {
        let Some(w) = s.word(j) else { break };
        if let Some(p) = Period::from_word(w) {
            if matches!(
                w,
                "daily" | "weekly" | "monthly" | "yearly" | "hourly" | "nightly"
            ) || (w == "annual" && matches!(core.unit, Unit::Count))
            {
                per = Some(p);
                j += 1;
                continue;
            }
        }
        // "up from 4,800 last Thursday": a time is not what is counted.
        if is_month(w) || TIME_NOUNS.contains(&w) || text::DAY_WORDS.contains(&w) {
            break;
        }
        // "3,050 damaged, 402 destroyed": a participle right after the
        // number is what happened to an unnamed noun, not the noun.
        if np_words.is_empty() && w.len() > 4 && w.ends_with("ed") && !w.ends_with("eed") {
            break;
        }
        if np_words.is_empty() && core.value > 1.0 && bare_verb(s, j) {
            break;
        }
        let filler = NP_FILLERS.contains(&w);
        if (s.stopword(j) && !filler) || small_number(w).is_some() || w.len() < 2 && w != "a" {
            break;
        }
        if !np_words.is_empty() && (w.ends_with("ing") || w.ends_with("ed")) && w.len() > 5 {
            break;
        }
        np_words.push(j);
        j += 1;
        let singular = core.value == 1.0 && core.upper.is_none();
        // "police officers", "staff members": a plural without -s before a
        // plural noun modifies it.
        let modifies = IRREGULAR_PLURALS.contains(&w)
            && s.word(j)
                .is_some_and(|n| looks_plural(n) && lexicon::is_noun(lexicon::lemma(n)));
        if looks_plural(w) && !singular && !modifies {
            head = Some(j - 1);
            break;
        }
    }
    // "$3.1 million in overtime": money names its thing after a preposition.
    if np_words.is_empty()
        && matches!(core.unit, Unit::Money(_))
        && matches!(s.word(j), Some("in" | "for" | "on"))
    {
        let mut k = j + 1;
        if matches!(s.word(k), Some("the" | "its" | "their" | "a" | "an")) {
            k += 1;
        }
        while np_words.len() < 3 {
            match s.word(k) {
                Some(w) if !s.stopword(k) && !s.capitalised(k) && small_number(w).is_none() => {
                    np_words.push(k);
                    k += 1;
                }
                _ => break,
            }
        }
        if !np_words.is_empty() {
            head = np_words.last().copied();
        }
    }
    // Fillers are not the thing counted.
    while np_words
        .last()
        .is_some_and(|&k| NP_FILLERS.contains(&&s.words[k]))
    {
        np_words.pop();
    }
    if head.is_none_or(|h| !np_words.contains(&h)) {
        head = np_words.last().copied();
    }
    // "The death toll rose to 6", "Evictions have topped 12,000": the
    // noun before the number, when none follows it.
    let mut noun_first = np_start;
    if head.is_none() && np_words.is_empty() {
        if let Some((h, words)) = noun_before(s, qual_start) {
            head = Some(h);
            noun_first = words.first().copied().unwrap_or(h);
            np_words = words;
            np_words.push(h);
        }
    }
    let mut np_end_tok = head.unwrap_or(j.saturating_sub(1));
    // Trailing rate: "per day", "a day", "each year", also right after the
    // number ("$21.40 an hour").
    {
        let k = if head.is_some() {
            np_end_tok + 1
        } else {
            np_start
        };
        if matches!(s.word(k), Some("per" | "a" | "an" | "each" | "every")) {
            if let Some(p) = s.word(k + 1).and_then(Period::from_word) {
                if !matches!(s.word(k + 1), Some("daily" | "annual" | "weekly")) {
                    per = Some(p);
                    np_end_tok = k + 1;
                }
            }
        }
    }
    let before_figure = noun_first < qual_start;
    let (noun, noun_span) = if before_figure {
        let r = s.toks[noun_first].start..s.toks[np_end_tok].end;
        (text::squash(&s.text[r.clone()]), r)
    } else if np_start <= np_end_tok && np_end_tok < s.toks.len() && head.is_some()
        || per.is_some() && np_end_tok >= np_start && np_end_tok < s.toks.len()
    {
        let r = s.toks[np_start.min(np_end_tok)].start..s.toks[np_end_tok].end;
        let noun = text::squash(&s.text[r.clone()]);
        (noun.trim_start_matches('-').to_string(), r)
    } else {
        (String::new(), span.end..span.end)
    };
    // "the 3,000-per-day goal": a goal is what the figure is, not what it
    // counts. The thing counted is left open and the frame says "goal".
    let np_for_frame = np_words.clone();
    if head.is_some_and(|h| {
        let w = &s.words[h];
        TARGET_WORDS.contains(&w) || CAPACITY_WORDS.contains(&w) || PLAN_WORDS.contains(&w)
    }) {
        head = None;
        np_words.clear();
    }
    let head_lemma = head.map(|h| crate::engine::lexicon::lemma(s.raw(h)));
    let mut modifiers = Vec::new();
    let mut proper = Vec::new();
    for &k in &np_words {
        if Some(k) == head || NP_FILLERS.contains(&&s.words[k]) {
            continue;
        }
        // "Daily arrests rose": a sentence's first capital names nothing.
        if np_words.first() == Some(&k) && Period::from_word(&s.words[k]).is_some() {
            per = per.or(Period::from_word(&s.words[k]));
            continue;
        }
        let st = s.stem(k);
        let possessive = s.words[k].ends_with("'s");
        if s.capitalised(k) && (k > 0 || possessive) {
            proper.push(st);
        }
        modifiers.push(st);
    }

    // The words near the figure: up to six before it (stopping at a semicolon
    // or the sentence start) and up to eight after its noun phrase (stopping
    // at clause punctuation).
    let mut before = Indices::new();
    let mut k = start_tok;
    while k > 0 && before.len() < 6 {
        k -= 1;
        match &s.toks[k].kind {
            TokenKind::Punct(';') => break,
            TokenKind::Word { .. } => before.push(k),
            _ => {}
        }
    }
    let mut after = Indices::new();
    let mut k = np_end_tok.max(end_tok) + 1;
    while k < s.toks.len() && after.len() < 8 {
        match &s.toks[k].kind {
            TokenKind::Punct(',' | ';' | '—' | ':' | '(' | '.') => break,
            TokenKind::Word { .. } => after.push(k),
            _ => {}
        }
        k += 1;
    }
    // The words before a whole ("a dozen of the 25 directors") belong to
    // its part.
    if role == Role::Whole {
        before.clear();
    }
    let frame = if sized {
        Frame::Capacity
    } else {
        frame_of(before.iter().chain(&after).chain(&np_for_frame), s)
    };
    let subject = match &core.unit {
        Unit::Measure(code) if code == "age" => named_before_comma(s, core.first),
        _ => None,
    }
    .unwrap_or_else(|| subject_of(s, qual_start, &after));
    // Local words are lower-case content words: names recur across a whole
    // corpus on one subject and say nothing about which figure is which.
    let mut local: Vec<Term> = Vec::new();
    let frame_noun = np_for_frame.iter().filter(|k| !np_words.contains(k));
    for &k in before.iter().chain(after.iter()).chain(frame_noun) {
        let w = &s.words[k];
        let initial = k == 0;
        if w.len() > 1
            && !s.stopword(k)
            && small_number(w).is_none()
            && (initial || !s.capitalised(k))
        {
            let st = s.stem(k);
            if !local.contains(&st) {
                local.push(st);
            }
        }
    }

    // The governing word: the first content word before the figure, within
    // four words and the same clause; and the direction of a change.
    let mut governor = None;
    let mut governing_verb = None;
    let mut direction = None;
    let mut k = start_tok;
    let mut seen = 0;
    while k > 0 && seen < 6 {
        k -= 1;
        if !s.toks[k].is_word() {
            if matches!(
                s.toks[k].kind,
                TokenKind::Punct('$' | '€' | '£' | '\'' | '’')
            ) {
                continue;
            }
            break;
        }
        seen += 1;
        let w = &s.words[k];
        let st = s.stem(k);
        if direction.is_none() {
            if UP_STEMS.contains(&st.as_str()) {
                direction = Some(Direction::Up);
            } else if DOWN_STEMS.contains(&st.as_str()) {
                direction = Some(Direction::Down);
            }
        }
        // Words that only say "how many" ("a total of 25") govern nothing.
        let neutral = NP_FILLERS.contains(&w)
            || matches!(
                w,
                "total"
                    | "number"
                    | "count"
                    | "figure"
                    | "sum"
                    | "tally"
                    | "estimate"
                    | "estimated"
                    | "amount"
                    | "record"
            );
        if governor.is_none()
            && seen <= 4
            && !s.stopword(k)
            && !neutral
            && small_number(w).is_none()
            && !s.capitalised(k)
        {
            governor = Some(st);
            // "inspected 60 ferries": a verb in the past names the event.
            if w.ends_with("ed") && !is_change_stem(st.as_str()) {
                governing_verb = Some(st);
            }
        }
    }
    // "had 12,700 employees", "employs 300": a count of what there is,
    // not of what was done to it; marked as governed by "have".
    let stock = start_tok
        .checked_sub(1)
        .and_then(|k| s.word(k))
        .is_some_and(|w| STOCK_WORDS.contains(&w));
    if governor.is_none() && stock {
        governor = Some(stock_mark());
    }
    let after_np = if before_figure {
        end_tok
    } else {
        np_end_tok.max(end_tok)
    };
    let event = predicate_after(s, after_np + 1)
        .filter(|t| !is_change_stem(t.as_str()))
        .or(governing_verb);
    let band = core
        .band
        .unwrap_or_else(|| band_for(qualifier, core.value, core.upper));
    let fig = Figure {
        span,
        text: figure_text,
        value: core.value,
        upper: core.upper,
        qualifier,
        band,
        step: core.step,
        unit: core.unit,
        per,
        noun,
        noun_span,
        noun_first: before_figure,
        head: head_lemma,
        modifiers,
        proper,
        subject,
        frame,
        role,
        side,
        direction,
        governor,
        event,
        local,
        context: context.to_vec(),
        sentence: s.range.clone(),
    };
    Some((fig, end_tok + 1))
}

/// The frame the words at these token indices (before and after the figure,
/// then its noun phrase) give it.
/// Verbs that link a noun to the figure after it without saying what
/// happened: "The toll stood at 9", "Evictions have topped 12,000".
const LINKING_VERBS: &[&str] = &[
    "is",
    "was",
    "are",
    "were",
    "be",
    "been",
    "has",
    "have",
    "had",
    "now",
    "stood",
    "stands",
    "stand",
    "reached",
    "reaches",
    "topped",
    "tops",
    "hit",
    "hits",
    "totaled",
    "totalled",
    "totals",
    "numbered",
    "numbers",
    "exceeded",
    "exceeds",
    "passed",
    "surpassed",
    "remained",
    "remains",
    "came",
    "comes",
    "amounted",
    "amounts",
    "neared",
    "nears",
    "approached",
    "still",
    "also",
    "already",
];

/// Words that say only "how many": no thing counted.
const COUNT_WORDS: &[&str] = &[
    "total", "number", "count", "figure", "sum", "tally", "estimate", "amount", "record", "level",
];

/// The noun before a figure that has none after it: "The death toll rose
/// to 6", "Turnout was 61 percent", "Ostrey's toll rose to four". Its
/// head's token and the tokens of its modifiers, in order.
fn noun_before(s: &Sentence, start: usize) -> Option<(usize, Indices)> {
    let mut k = start;
    // "a net loss of $431 million", "a margin of 38 votes", "turnout of 61%"
    if k >= 2 && s.word(k - 1) == Some("of") && s.word(k - 2).is_some() {
        let h = k - 2;
        let w = &s.words[h];
        let named = h > 0 && s.capitalised(h);
        // "in the second quarter of $930 million": a time counts nothing.
        let time = Period::from_word(w).is_some() || SPANS_OF_TIME.contains(&w) || is_time_name(w);
        if !(s.stopword(h) || COUNT_WORDS.contains(&w) || named || time) {
            return Some((h, modifiers_before(s, h)));
        }
        return None;
    }
    if k > 0 && matches!(s.word(k - 1), Some("to" | "at")) {
        k -= 1;
    }
    let mut verbs = 0;
    while k > 0 && verbs < 3 {
        let Some(w) = s.word(k - 1) else { break };
        let adverb = w.ends_with("ly") && w.len() > 4 && Period::from_word(w).is_none();
        if adverb || LINKING_VERBS.contains(&w) || CHANGE_STEMS.contains(&s.stem(k - 1).as_str()) {
            k -= 1;
            verbs += 1;
        } else {
            break;
        }
    }
    let h = k.checked_sub(1)?;
    let w = s.word(h)?;
    if verbs == 0 || s.stopword(h) || COUNT_WORDS.contains(&w) || (h > 0 && s.capitalised(h)) {
        return None;
    }
    Some((h, modifiers_before(s, h)))
}

/// Up to two content words before a noun at token `h` ("death" in "the
/// death toll", "Ostrey's" in "Ostrey's toll").
fn modifiers_before(s: &Sentence, h: usize) -> Indices {
    let mut words = Indices::new();
    let mut m = h;
    while m > 0 && words.len() < 2 {
        let Some(w) = s.word(m - 1) else { break };
        if s.stopword(m - 1) || COUNT_WORDS.contains(&w) || small_number(w).is_some() {
            break;
        }
        m -= 1;
        words.insert(0, m);
    }
    words
}

/// The name a figure belongs to (see `Figure::subject`): after "in", "at"
/// or "for" among the words after it (`after`), else the capitalised run
/// right before the verb before it. Stems, lower case.
fn subject_of(s: &Sentence, start: usize, after: &[usize]) -> Vec<Term> {
    let run_from = |k: usize| -> Vec<Term> {
        let mut k = k;
        if s.word(k) == Some("the") {
            k += 1;
        }
        let mut out = Vec::new();
        while k < s.toks.len() && s.capitalised(k) && s.word(k).is_some() && out.len() < 4 {
            out.push(s.stem(k));
            k += 1;
        }
        out
    };
    for w in after.windows(2) {
        if matches!(s.word(w[0]), Some("in" | "at" | "for")) {
            let names = run_from(w[1]);
            if !names.is_empty() && !names.iter().any(|t| is_time_name(t)) {
                return names;
            }
        }
    }
    // Back over "to"/"at", linking verbs and one verb of the clause.
    let mut k = start;
    if k > 0 && matches!(s.word(k - 1), Some("to" | "at" | "by" | "of")) {
        k -= 1;
    }
    let mut verbs = 0;
    while k > 0 && verbs < 3 {
        match s.word(k - 1) {
            Some(w)
                if !s.capitalised(k - 1)
                    && (verbs == 0 || LINKING_VERBS.contains(&w) || AUXILIARIES.contains(&w)) =>
            {
                k -= 1;
                verbs += 1;
            }
            _ => break,
        }
    }
    // "Harlow Port said it will cut 3,200 jobs": the name before the
    // pronoun and its verb of speech.
    if k >= 2
        && matches!(s.word(k - 1), Some("it" | "they"))
        && s.word(k - 2)
            .is_some_and(crate::engine::quote::is_speech_verb)
    {
        k -= 2;
    }
    let mut end = k;
    let mut out = Vec::new();
    while end > 0 && s.capitalised(end - 1) && s.word(end - 1).is_some() && out.len() < 4 {
        end -= 1;
        // "The Calder Transit Authority": the article names nothing.
        if !s.stopword(end) {
            out.insert(0, s.stem(end));
        }
    }
    // A single capitalised word opening the sentence is only a name when
    // it is not a plural noun or a function word ("Officials", "The").
    let opens = end == 0 && out.len() == 1;
    let plain = opens
        && (s.stopword(0)
            || s.words[0].ends_with('s')
            || number::is_number_word_start(&s.words[0]));
    if verbs == 0 || plain || out.iter().any(|t| is_time_name(t)) {
        return Vec::new();
    }
    out
}

/// "Joanne Perrin, 54,": the capitalised name right before the comma
/// before token `first`, whose age the figure is. Stems, lower case.
fn named_before_comma(s: &Sentence, first: usize) -> Option<Vec<Term>> {
    let comma = first.checked_sub(1).filter(|&c| s.toks[c].is_punct(','))?;
    let mut k = comma;
    let mut out = Vec::new();
    while k > 0 && s.capitalised(k - 1) && s.word(k - 1).is_some() && out.len() < 4 {
        k -= 1;
        out.insert(0, s.stem(k));
    }
    (!out.is_empty() && !out.iter().any(|t| is_time_name(t))).then_some(out)
}

/// Verbs of having: a figure right after one counts what there is ("had
/// 12,700 employees"), a stock, not an event ("laid off 4,500"); see
/// `stock_mark`.
pub const STOCK_WORDS: &[&str] = &[
    "have",
    "has",
    "had",
    "having",
    "employ",
    "employs",
    "employed",
    "employing",
];

/// The governor every figure after a verb of having is marked with.
pub fn stock_mark() -> Term {
    static HAVE: std::sync::OnceLock<Term> = std::sync::OnceLock::new();
    *HAVE.get_or_init(|| stem(STOCK_WORDS[0]))
}

/// Auxiliaries and adverbs between a noun phrase and its verb.
const AUXILIARIES: &[&str] = &[
    "were",
    "was",
    "are",
    "is",
    "have",
    "has",
    "had",
    "been",
    "be",
    "will",
    "would",
    "could",
    "may",
    "might",
    "also",
    "later",
    "then",
    "now",
    "all",
    "each",
    "being",
    "had",
    "still",
    "not",
    "never",
    "since",
    "eventually",
    "initially",
];

/// The verb after a figure's noun phrase, from token `k`: "were released",
/// "spent", "have been inspected". Its stem, if a lower-case content word
/// comes within three tokens past any auxiliaries.
fn predicate_after(s: &Sentence, mut k: usize) -> Option<Term> {
    // "six of them were released": the partitive's pronoun first.
    if s.word(k) == Some("of")
        && matches!(
            s.word(k + 1),
            Some("them" | "those" | "these" | "whom" | "which")
        )
    {
        k += 2;
    }
    let mut seen = 0;
    while seen < 3 {
        let w = s.word(k)?;
        // "had probably drunk": an adverb in "-ly" is passed like an
        // auxiliary.
        let adverb = w.len() > 4 && w.ends_with("ly") && !lexicon::is_noun(lexicon::lemma(w));
        if AUXILIARIES.contains(&w) || adverb {
            k += 1;
            seen += 1;
            continue;
        }
        let verb_like = w.ends_with("ed") || seen > 0 || lexicon::verb_base(w).is_some();
        return (verb_like && !s.stopword(k) && !s.capitalised(k) && small_number(w).is_none())
            .then(|| s.stem(k));
    }
    None
}

/// The number a range's second end starts with, at token `k` or right
/// after a currency sign there ("$2.25 to $2.75").
fn core_after(s: &Sentence, k: usize) -> Option<Core> {
    match s.toks.get(k)?.kind {
        TokenKind::Punct(_) => read_core(s, k + 1).filter(|c| c.first == k),
        _ => read_core(s, k),
    }
}

fn frame_of<'a>(at: impl Iterator<Item = &'a usize>, s: &Sentence) -> Frame {
    let words: smallvec::SmallVec<[&str; 24]> = at.map(|&k| &s.words[k]).collect();
    if words.iter().any(|w| TARGET_WORDS.contains(w)) {
        Frame::Target
    } else if words.iter().any(|w| CAPACITY_WORDS.contains(w)) {
        Frame::Capacity
    } else if words.iter().any(|w| PLAN_WORDS.contains(w)) {
        Frame::Plan
    } else {
        Frame::Actual
    }
}

/// The band a qualified figure claims. Documented in ARCHITECTURE.md.
pub fn band_for(q: Qualifier, v: f64, upper: Option<f64>) -> Interval {
    let small = v <= 20.0;
    let iv = |lo: f64, hi: f64, lo_open: bool, hi_open: bool| Interval {
        lo,
        hi,
        lo_open,
        hi_open,
    };
    match q {
        Qualifier::Exact => Interval::point(v),
        Qualifier::Range => iv(v, upper.unwrap_or(v), false, false),
        Qualifier::About => {
            let d = if small { (v * 0.1).max(1.0) } else { v * 0.1 };
            iv(v - d, v + d, false, false)
        }
        Qualifier::Nearly => iv(if small { v - 2.0 } else { v * 0.9 }, v, false, true),
        Qualifier::MoreThan => iv(
            v,
            if small {
                v + 5.0_f64.min(v.max(2.0))
            } else {
                v * 1.2
            },
            true,
            false,
        ),
        Qualifier::AtLeast | Qualifier::Plus => iv(
            v,
            if small {
                v + 5.0_f64.min(v.max(2.0))
            } else {
                v * 1.2
            },
            false,
            false,
        ),
        Qualifier::LessThan => iv(
            if small { (v - 5.0).max(0.0) } else { v * 0.75 },
            v,
            false,
            true,
        ),
        Qualifier::UpTo => iv(v * 0.5, v, false, false),
        Qualifier::Vague => iv(v, upper.unwrap_or(v), false, true),
    }
}

/// Looks back from token `first` for a qualifier phrase.
fn read_qualifier(s: &Sentence, first: usize) -> (usize, Option<Qualifier>) {
    for (phrase, q) in QUALIFIERS {
        let n = phrase.len();
        if first < n {
            continue;
        }
        if (0..n).all(|k| s.word(first - n + k) == Some(phrase[k])) {
            return (first - n, Some(*q));
        }
    }
    (first, None)
}

/// The step of the last significant digit of a number as written.
/// Only the digits and dots count, read where they are (no copy of them
/// is made: this runs for every figure).
fn step_of(raw: &str, scale: f64) -> f64 {
    // Digits and dots are ASCII: no byte of another character is one.
    let kept = || raw.bytes().filter(|b| b.is_ascii_digit() || *b == b'.');
    let len = kept().count();
    if let Some(dot) = kept().position(|b| b == b'.') {
        let decimals = len - dot - 1;
        return 10f64.powi(-(decimals as i32)) * scale;
    }
    let zeros = kept().rev().take_while(|b| *b == b'0').count();
    let zeros = if zeros == len { 0 } else { zeros };
    10f64.powi(zeros as i32) * scale
}

/// Is the number at token `i` a day after a month: "May 20", "Oct. 31",
/// the "24" of "Sept. 20-24"?
fn after_month(s: &Sentence, i: usize) -> bool {
    let month_at = |k: Option<usize>| k.and_then(|k| s.word(k)).is_some_and(is_month);
    let before = |k: usize| match k.checked_sub(1) {
        Some(p) if s.toks[p].is_punct('.') => p.checked_sub(1),
        p => p,
    };
    if month_at(before(i)) {
        return true;
    }
    // The second day of a span of days.
    i >= 2
        && s.toks[i - 1].is_punct('-')
        && s.adjacent(i - 1, i)
        && matches!(s.toks[i - 2].kind, TokenKind::Number(_))
        && month_at(before(i - 2))
}

/// Is the number at token `i` one side of a score or tally written with a
/// dash, "2-2", "98-91", "won 3-1": a dash between two integers where the
/// second is not larger (a range's is).
fn is_score(s: &Sentence, i: usize) -> bool {
    let int = |k: usize| match s.toks.get(k).map(|t| &t.kind) {
        Some(TokenKind::Number(v)) if v.fract() == 0.0 => Some(*v),
        _ => None,
    };
    let joined = |a: usize| {
        s.toks.get(a + 1).is_some_and(|t| t.is_punct('-'))
            && s.adjacent(a, a + 1)
            && s.adjacent(a + 1, a + 2)
    };
    let pair = |a: usize| match (int(a), int(a + 2)) {
        (Some(x), Some(y)) => joined(a) && y <= x,
        _ => false,
    };
    pair(i) || (i >= 2 && pair(i - 2))
}

/// Words that end a street's name after its number ("401 Main St.").
const STREET_WORDS: &[&str] = &[
    "street",
    "st",
    "avenue",
    "ave",
    "road",
    "rd",
    "boulevard",
    "blvd",
    "lane",
    "ln",
    "drive",
    "dr",
    "way",
    "place",
    "pl",
    "court",
    "ct",
    "highway",
    "hwy",
    "parkway",
    "pkwy",
    "square",
];

/// Is the number at token `i` a street number: capitalised words and a
/// street word after it ("at 1200 Elm Street")?
fn is_address(s: &Sentence, i: usize) -> bool {
    let mut k = i + 1;
    while k < s.toks.len() && k <= i + 3 && s.capitalised(k) {
        if s.word(k).is_some_and(|w| STREET_WORDS.contains(&w)) && k > i + 1 {
            return true;
        }
        k += 1;
    }
    false
}

/// Is token `i` part of `2025-10-27` (numbers joined by dashes, one of them
/// a year)?
fn in_date_chain(s: &Sentence, i: usize) -> bool {
    let chain = number_chain(s, i);
    chain.clone().count() >= 5
        && chain.step_by(2).any(
            |k| matches!(s.toks[k].kind, TokenKind::Number(v) if (1000.0..=2100.0).contains(&v)),
        )
}

/// The tokens of the numbers joined by dashes, with no space, around
/// token `i` ("1-800-555-0177"), the dashes between them included.
fn number_chain(s: &Sentence, i: usize) -> std::ops::RangeInclusive<usize> {
    let joined = |a: usize| {
        a + 2 < s.toks.len()
            && s.toks[a + 1].is_punct('-')
            && s.adjacent(a, a + 1)
            && s.adjacent(a + 1, a + 2)
            && matches!(s.toks[a + 2].kind, TokenKind::Number(_))
    };
    let mut start = i;
    while start >= 2 && joined(start - 2) {
        start -= 2;
    }
    let mut end = i;
    while joined(end) {
        end += 2;
    }
    start..=end
}

/// Years, dates, times, names and ordinals are not quantities.
fn excluded(s: &Sentence, c: &Core) -> bool {
    let i = c.num;
    let raw_num = s.raw(i);
    let is_digits = matches!(s.toks[i].kind, TokenKind::Number(_));
    let prev_word = if i > 0 { s.word(i - 1) } else { None };
    let next = c.last + 1;
    if is_digits && matches!(c.unit, Unit::Count) && c.last == i && c.first == i {
        if after_month(s, i) || is_score(s, i) || is_address(s, i) {
            return true;
        }
        let plain_int = !raw_num.contains(',') && !raw_num.contains('.');
        // Years.
        if plain_int && (1000.0..=2100.0).contains(&c.value) && raw_num.len() == 4 {
            return true;
        }
        // Dates: "May 20", "20 May".
        if prev_word.is_some_and(is_month) || s.word(next).is_some_and(is_month) {
            return true;
        }
        // Times: "3:30", "10 a.m.", "9 pm", "5 o'clock".
        if s.toks.get(next).is_some_and(|t| t.is_punct(':'))
            && matches!(
                s.toks.get(next + 1).map(|t| &t.kind),
                Some(TokenKind::Number(_))
            )
        {
            return true;
        }
        if i > 0
            && s.toks[i - 1].is_punct(':')
            && i >= 2
            && matches!(s.toks[i - 2].kind, TokenKind::Number(_))
        {
            return true;
        }
        if matches!(s.word(next), Some("a" | "p" | "am" | "pm" | "o'clock"))
            && (s.word(next) != Some("a") || s.toks.get(next + 1).is_some_and(|t| t.is_punct('.')))
        {
            return true;
        }
        // Fractions, scores and dates with slashes or ISO dashes.
        if s.toks.get(next).is_some_and(|t| t.is_punct('/'))
            || (i > 0 && s.toks[i - 1].is_punct('/'))
        {
            return true;
        }
        if in_date_chain(s, i) {
            return true;
        }
        // "No. 2", "#1".
        let no_dot = i >= 2 && s.toks[i - 1].is_punct('.') && s.raw(i - 2) == "No";
        if i > 0 && s.toks[i - 1].is_punct('#')
            || prev_word == Some("no") && i >= 1 && s.raw(i - 1) == "No"
            || no_dot
        {
            return true;
        }
        // "a 911 call", "the 400 block of Kettle Avenue": a number that names.
        if matches!(s.word(next), Some("block")) && s.word(next + 1) == Some("of") {
            return true;
        }
        // "7-Eleven", "F-35" style names.
        if s.toks.get(next).is_some_and(|t| t.is_punct('-'))
            && s.adjacent(c.last, next)
            && s.toks.get(next + 1).is_some_and(|t| t.is_word())
            && s.capitalised(next + 1)
        {
            return true;
        }
        if i >= 2
            && s.toks[i - 1].is_punct('-')
            && s.adjacent(i - 1, i)
            && s.toks[i - 2].is_word()
            && s.capitalised(i - 2)
        {
            return true;
        }
        // "737 Max 8", "Boeing 737-800 MAX": a model's number, and the
        // number after a name's dash.
        if plain_int
            && s.toks.get(next).is_some_and(|t| t.is_word())
            && s.capitalised(next)
            && matches!(
                s.toks.get(next + 1).map(|t| &t.kind),
                Some(TokenKind::Number(_))
            )
        {
            return true;
        }
        if i >= 3
            && s.toks[i - 1].is_punct('-')
            && s.adjacent(i - 2, i - 1)
            && s.adjacent(i - 1, i)
            && matches!(s.toks[i - 2].kind, TokenKind::Number(_))
            && s.toks[i - 3].is_word()
            && s.capitalised(i - 3)
        {
            return true;
        }
        // "iPhone 11", "eVTOL 3": a word with a capital inside.
        if plain_int
            && i >= 1
            && s.word(i - 1).is_some()
            && s.raw(i - 1).chars().skip(1).any(char::is_uppercase)
            && s.raw(i - 1).chars().any(char::is_lowercase)
        {
            return true;
        }
        // "Title 42", "Section 8", "Route 66": a capitalised word that does
        // not start the sentence, right before a bare integer.
        // At the start of a sentence ("Proposition 22 passed") the word
        // must not be one that can open a figure ("Only 40", "About 300").
        if plain_int && i >= 1 && s.toks[i - 1].is_word() && s.capitalised(i - 1) {
            let w = &s.words[i - 1];
            let qualifier_word = QUALIFIERS.iter().any(|(p, _)| p.contains(&w));
            let opens = i - 1 == 0 && (s.stopword(i - 1) || w.ends_with('s') || w.ends_with("ly"));
            if !qualifier_word && !is_month(w) && !opens && !is_number_word(w) {
                return true;
            }
        }
        // Numbers chained by dashes ("1-800-555-0177") are identifiers.
        if number_chain(s, i).count() >= 5 {
            return true;
        }
        // Codes with a leading zero ("0142") are identifiers, not amounts.
        if raw_num.len() > 1 && raw_num.starts_with('0') && !raw_num.starts_with("0.") {
            return true;
        }
        // Phone numbers "555-0142".
        if s.toks.get(next).is_some_and(|t| t.is_punct('-'))
            && raw_num.len() == 3
            && s.toks.get(next + 1).is_some_and(|t| {
                t.text(s.text).len() == 4 && matches!(t.kind, TokenKind::Number(_))
            })
        {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::number::{FRACTIONS, SCALE_WORDS, TENS, UNITS, VAGUE_PLURALS};
    use super::*;

    /// The words `may_hold_number` reads, as `str::split` cuts them.
    fn number_word_by_split(s: &str) -> bool {
        s.bytes().any(|b| b.is_ascii_digit())
            || s.split(|c: char| !c.is_alphabetic() && c != '-')
                .any(is_number_word)
    }

    proptest::proptest! {
        #[test]
        fn the_byte_scan_finds_the_words_split_finds(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                "two", "Seventy-seven", "HALF", "dozens", "tens", "a", "vote", "héllo",
                "é", "ß", "-", " ", "“", "”", "’", "—", ",", "x", "twelve", "3",
                "nineteen-", "Ünï", "日本", "🙂", "one\u{301}", "\n", "hundreds",
                // Long enough to put a digit past the first 32-byte chunk.
                "no figure is said to be written in these words at all",
            ]), 0..12)
        ) {
            let s = parts.concat();
            proptest::prop_assert_eq!(may_hold_number(&s), number_word_by_split(&s), "{:?}", s);
        }
    }

    #[test]
    fn number_words_are_the_words_the_figure_reader_reads_as_numbers() {
        let reads = |w: &str| {
            small_number(w).is_some()
                || vague_plural(w).is_some()
                || scale_word(w).is_some()
                || FRACTIONS
                    .iter()
                    .any(|(one, many, _)| *one == w || *many == w)
                || number::hyphenated_fractions().any(|f| f == w)
                || matches!(w, "dozen" | "half" | "tens" | "couple" | "minus")
        };
        let mut words: Vec<String> = UNITS.iter().chain(TENS).map(|w| w.to_string()).collect();
        for t in TENS {
            for u in UNITS {
                words.push(format!("{t}-{u}"));
            }
        }
        words.extend(VAGUE_PLURALS.iter().map(|(w, _)| w.to_string()));
        words.extend(SCALE_WORDS.iter().map(|(w, _)| w.to_string()));
        words.extend(
            [
                "dozen",
                "half",
                "tens",
                "hundreds",
                "a",
                "twenty-",
                "-five",
                "ones",
                "two-thirds",
                "third",
                "quarters",
                "couple",
                "minus",
                "two-twelfths",
            ]
            .map(String::from),
        );
        for w in &words {
            assert_eq!(is_number_word(w), reads(w), "{w}");
            assert_eq!(is_number_word(&w.to_uppercase()), reads(w), "{w}");
        }
        assert!(is_number_word("Seventy-Seven"));
        assert!(!is_number_word("seventy-zero"));
        assert!(!is_number_word("twenty-ten"));
    }

    #[test]
    fn a_digit_is_found_in_any_chunk() {
        let words = "x".repeat(100);
        assert!(!may_hold_number(&words));
        for at in 0..100 {
            let mut s = words.clone();
            s.replace_range(at..at + 1, "7");
            assert!(may_hold_number(&s), "{at}");
        }
    }

    #[test]
    fn the_core_set_is_the_words_read_core_reads() {
        let reads = |w: &str| {
            vague_plural(w).is_some()
                || matches!(w, "tens" | "half" | "a" | "an" | "dozen")
                || small_number(w).is_some()
                || number::hyphenated_fractions().any(|f| f == w)
        };
        let mut words: Vec<String> = UNITS.iter().chain(TENS).map(|w| w.to_string()).collect();
        for t in TENS.iter().chain(UNITS) {
            for u in UNITS.iter().chain(TENS) {
                words.push(format!("{t}-{u}"));
            }
        }
        words.extend(VAGUE_PLURALS.iter().map(|(w, _)| w.to_string()));
        words.extend(SCALE_WORDS.iter().map(|(w, _)| w.to_string()));
        words.extend(
            [
                "dozen",
                "half",
                "tens",
                "a",
                "an",
                "the",
                "and",
                "an-",
                "as",
                "twenty-",
                "-five",
                "ones",
                "halves",
                "",
                "é",
                "twentyfive",
                "-",
                "ten's",
                "sixs",
                "two-thirds",
                "one-quarter",
                "third",
                "eleven-thirds",
            ]
            .map(String::from),
        );
        let mut read = 0;
        for w in &words {
            assert_eq!(starts_core(w), reads(w), "{w}");
            assert!(
                !starts_core(&w.to_uppercase()) || w.to_uppercase() == *w,
                "{w}"
            );
            read += usize::from(reads(w));
        }
        // 20 units, 8 tens, 72 compounds, 5 vague plurals, 5 more, and
        // two hyphenated fractions.
        assert_eq!(read, 112);
    }

    #[test]
    fn lengths_by_initial_turn_away_only_words_not_in_the_set() {
        let set = LengthsByInitial::of(["two", "twenty", "a", "Half"]);
        for w in [
            "two", "the", "twenty", "thirty", "a", "half", "HALF", "hung",
        ] {
            assert!(set.may_hold(w.as_bytes()), "{w}");
        }
        for w in [
            "",
            "b",
            "to",
            "twelfth",
            "an",
            "said",
            "1",
            "é",
            "-two",
            "twentytwentytwenty",
        ] {
            assert!(!set.may_hold(w.as_bytes()), "{w}");
        }
    }

    #[test]
    fn a_step_is_the_last_significant_digit_as_written() {
        for (raw, scale, step) in [
            ("25", 1.0, 1.0),
            ("1,500", 1.0, 100.0),
            ("3,000", 1.0, 1000.0),
            ("1.25", 1.0, 0.01),
            ("1.5", 1e6, 1e5),
            ("100", 1e3, 1e5),
            ("0", 1.0, 1.0),
            ("", 1.0, 1.0),
            ("1.2.30", 1.0, 1e-4),
            ("2é0", 1.0, 10.0),
        ] {
            assert_eq!(step_of(raw, scale), step, "{raw} × {scale}");
        }
    }

    #[test]
    fn number_words_are_found_between_any_separators() {
        for s in [
            "“Three,” she said.",
            "—twelve—",
            "ten’s",
            "Dozens",
            "x-two",
            "Twelveé",
        ] {
            assert_eq!(may_hold_number(s), number_word_by_split(s), "{s}");
        }
        assert!(may_hold_number("“Three,” she said."));
        assert!(may_hold_number("—twelve—"));
        assert!(may_hold_number("ten’s"));
        assert!(!may_hold_number("x-two"));
        assert!(!may_hold_number("Twelveé"));
        assert!(!may_hold_number("no figure here"));
    }

    fn figs(s: &str) -> Vec<Figure> {
        extract(s, &[0..s.len()])
    }

    fn one(s: &str) -> Figure {
        let f = figs(s);
        assert_eq!(
            f.len(),
            1,
            "{s}: {:#?}",
            f.iter().map(|f| &f.text).collect::<Vec<_>>()
        );
        f.into_iter().next().unwrap()
    }

    /// A figure as a test expects it: text, value, upper end, unit code.
    type Expected<'a> = (&'a str, f64, Option<f64>, &'a str);

    /// (sentence, every figure it has).
    fn reads_as(cases: &[(&str, &[Expected])]) {
        for (text, want) in cases {
            let got: Vec<(String, f64, Option<f64>, String)> = figs(text)
                .into_iter()
                .map(|f| (f.text, f.value, f.upper, f.unit.code()))
                .collect();
            let want: Vec<(String, f64, Option<f64>, String)> = want
                .iter()
                .map(|(t, v, u, c)| (t.to_string(), *v, *u, c.to_string()))
                .collect();
            assert_eq!(got, want, "{text}");
        }
    }

    #[test]
    fn reads_units_glued_spaced_and_before_the_number() {
        reads_as(&[
            (
                "Gusts reached 50mph on the coast.",
                &[("50mph", 50.0, None, "mph")],
            ),
            (
                "Winds of 120 km/h were recorded.",
                &[("120 km/h", 120.0, None, "km/h")],
            ),
            (
                "The phone has 256GB of storage.",
                &[("256GB", 256.0, None, "gb")],
            ),
            (
                "It reached 40°F overnight.",
                &[("40°F", 40.0, None, "fahrenheit")],
            ),
            (
                "Lows fell to -5C in the valleys.",
                &[("-5C", -5.0, None, "celsius")],
            ),
            (
                "Lows of minus 12 degrees are forecast.",
                &[("minus 12 degrees", -12.0, None, "degree")],
            ),
            (
                "A 54-year-old man was arrested.",
                &[("54-year-old", 54.0, None, "age")],
            ),
            (
                "Marcus Pell, aged 17, was charged.",
                &[("17", 17.0, None, "age")],
            ),
            (
                "A woman, 81, died in hospital.",
                &[("81", 81.0, None, "age")],
            ),
            (
                "It follows a 13.1-mile course.",
                &[("13.1-mile", 13.1, None, "mile")],
            ),
            (
                "The fee is USD1,700 a month.",
                &[("USD1,700", 1700.0, None, "usd")],
            ),
            (
                "It raised AUD1.5m last year.",
                &[("AUD1.5m", 1.5e6, None, "aud")],
            ),
            (
                "The deal is worth EUR 2.1 billion.",
                &[("EUR 2.1 billion", 2.1e9, None, "eur")],
            ),
            (
                "Shares fell -1.3% on Monday.",
                &[("-1.3%", -1.3, None, "percent")],
            ),
            (
                "Turnout rose 1.2 percentage points.",
                &[("1.2 percentage points", 1.2, None, "percentage-point")],
            ),
            ("The case was moved to Courtroom 6B.", &[]),
        ]);
    }

    #[test]
    fn reads_number_words_and_fractions() {
        reads_as(&[
            (
                "About two dozen people were hurt.",
                &[("About two dozen", 24.0, None, "count")],
            ),
            (
                "Half a dozen boats sank.",
                &[("Half a dozen", 6.0, None, "count")],
            ),
            (
                "A couple of clinics closed.",
                &[("A couple of", 2.0, None, "count")],
            ),
            (
                "A third of the staff left.",
                &[("A third", 1.0 / 3.0 * 100.0, None, "percent")],
            ),
            (
                "Two-thirds of voters agreed.",
                &[("Two-thirds", 2.0 * (1.0 / 3.0) * 100.0, None, "percent")],
            ),
            (
                "The crowd was twenty-eight thousand six hundred.",
                &[("twenty-eight thousand six hundred", 28600.0, None, "count")],
            ),
            (
                "One hundred and twenty jobs went.",
                &[("One hundred and twenty", 120.0, None, "count")],
            ),
            ("It is a third term for the mayor.", &[]),
        ]);
    }

    #[test]
    fn reads_changes_apart_from_ranges() {
        let f = figs("The index gained 0.4 percent to 13,176.");
        assert_eq!(f.len(), 2);
        assert_eq!(
            (f[0].value, f[0].side, f[0].direction),
            (0.4, Side::None, Some(Direction::Up))
        );
        assert_eq!((f[1].value, f[1].side), (13176.0, Side::To));
        let f = figs("Revenue increased by $43.6 billion to $419.2 billion.");
        assert_eq!(
            (f[0].value, f[1].value, f[1].side),
            (43.6e9, 419.2e9, Side::To)
        );
        let f = figs("Reports climbed by 14 to 212 this year.");
        assert_eq!((f[0].upper, f[1].side), (None, Side::To));
        let f = figs("It fell by a quarter to 90.");
        assert_eq!((f[0].value, f[1].value, f[1].side), (25.0, 90.0, Side::To));
        let f = figs("They want to raise the minimum age for buying tobacco from 18 to 21.");
        assert_eq!((f[0].side, f[1].side), (Side::From, Side::To));
        reads_as(&[
            (
                "Grants run from $200 to $4 million.",
                &[("$200 to $4 million", 200.0, Some(4e6), "usd")],
            ),
            (
                "Between 5 and 10 million people.",
                &[("Between 5 and 10 million", 5e6, Some(1e7), "count")],
            ),
        ]);
    }

    #[test]
    fn skips_more_dates_scores_addresses_and_names() {
        reads_as(&[
            ("The deadline is Oct. 31 for the trade-in.", &[]),
            ("The fair runs Sept. 20-24 this year.", &[]),
            ("The 2-2 draw left them level; they won 98-91 later.", &[]),
            ("He lives at 1200 Elm Street.", &[]),
            ("Police searched the 400 block of Kettle Avenue.", &[]),
            ("He bought an iPhone 11 and wears No. 9.", &[]),
            ("Call 1-800-555-0177 today.", &[]),
            ("Proposition 22 passed easily.", &[]),
            ("Only 40 people came.", &[("40", 40.0, None, "count")]),
        ]);
    }

    #[test]
    fn reads_plain_counts_with_their_noun() {
        let f = one("ICE has 25 field offices.");
        assert_eq!(f.text, "25");
        assert_eq!(f.noun, "field offices");
        assert_eq!(f.head.as_deref(), Some("office"));
        assert_eq!(f.modifiers, vec!["field"]);
        assert_eq!(f.band, Interval::point(25.0));
        assert_eq!(f.frame, Frame::Actual);
        assert_eq!(&"ICE has 25 field offices."[f.span.clone()], "25");
        // A plural without -s before a plural noun modifies it.
        let f = one("Half a dozen police officers watched.");
        assert_eq!(
            (f.noun.as_str(), f.head.as_deref()),
            ("police officers", Some("officer"))
        );
        assert_eq!(one("Six police watched.").head.as_deref(), Some("police"));
    }

    #[test]
    fn reads_qualifiers_and_bands() {
        let f = one("There are more than 1,500 Border Patrol agents assisting ICE.");
        assert_eq!(f.text, "more than 1,500");
        assert_eq!(f.qualifier, Qualifier::MoreThan);
        assert_eq!(
            f.band,
            Interval {
                lo: 1500.0,
                hi: 1500.0 * 1.2,
                lo_open: true,
                hi_open: false
            }
        );
        assert_eq!(f.noun, "Border Patrol agents");
        assert_eq!(f.proper, vec!["border", "patrol"]);
        let f = one("the plan would reassign around six regional directors");
        assert_eq!(f.text, "around six");
        assert_eq!(
            f.band,
            Interval {
                lo: 5.0,
                hi: 7.0,
                lo_open: false,
                hi_open: false
            }
        );
        assert_eq!(f.frame, Frame::Plan);
        let f = one("ICE has 20+ field offices.");
        assert_eq!(f.text, "20+");
        assert_eq!(f.qualifier, Qualifier::Plus);
    }

    #[test]
    fn reads_money_percent_scale_and_words() {
        let f = one("Its annual budget was boosted to $28 billion under a bill.");
        assert_eq!(f.text, "$28 billion");
        assert_eq!(f.value, 28e9);
        assert_eq!(f.unit, Unit::Money("usd".into()));
        assert_eq!(f.step, 1e9);
        let f = one("Ridership fell 18 percent last year.");
        assert_eq!((f.value, f.unit.clone()), (18.0, Unit::Percent));
        let f = one("deporting more than one million people");
        assert_eq!((f.value, f.text.as_str()), (1e6, "more than one million"));
        let f = one("Twelve directors left.");
        assert_eq!(f.value, 12.0);
        let f = one("at least a dozen directors");
        assert_eq!((f.value, f.qualifier), (12.0, Qualifier::AtLeast));
        let f = one("hundreds of agents have been sent");
        assert_eq!(f.qualifier, Qualifier::Vague);
        assert_eq!(f.noun, "agents");
        let f = one("at least half the top leadership at offices");
        assert_eq!((f.value, f.unit.clone()), (50.0, Unit::Percent));
        let f = one("the fund grew to $1.5m this spring");
        assert_eq!(f.value, 1.5e6);
        // Digits glued to a scale, and currency signs before a number.
        for (text, figure, value, unit) in [
            ("The city paid 20k in fees.", "20k", 2e4, Unit::Count),
            ("A 1.5m grant came through.", "1.5m", 1.5e6, Unit::Count),
            (
                "Fares rose by €20 this year.",
                "€20",
                20.0,
                Unit::Money("eur".into()),
            ),
            (
                "The port lost £3bn last year.",
                "£3bn",
                3e9,
                Unit::Money("gbp".into()),
            ),
            (
                "Tickets cost $12 at the door.",
                "$12",
                12.0,
                Unit::Money("usd".into()),
            ),
        ] {
            let f = one(text);
            assert_eq!(
                (f.text.as_str(), f.value, f.unit),
                (figure, value, unit),
                "{text}"
            );
        }
        // With no digit anywhere in the sentence.
        let f = one("The city hired a hundred inspectors.");
        assert_eq!(
            (f.text.as_str(), f.value, f.noun.as_str()),
            ("a hundred", 1e2, "inspectors")
        );
        let f = one("A thousand people marched.");
        assert_eq!(
            (f.text.as_str(), f.value, f.noun.as_str()),
            ("A thousand", 1e3, "people")
        );
        let f = one("It cost a million dollars.");
        assert_eq!((f.value, f.unit.clone()), (1e6, Unit::Money("usd".into())));
    }

    #[test]
    fn reads_ranges_and_rates() {
        // A range is a range...
        let f = one("estimates range from 50,000 to 100,000 beds");
        assert_eq!(
            (f.value, f.upper, f.qualifier),
            (50000.0, Some(100000.0), Qualifier::Range)
        );
        assert_eq!(f.noun, "beds");
        // ...but a change has two ends, each counting the same thing.
        let f = figs("would double capacity from 50,000 to 100,000 beds");
        assert_eq!(f.len(), 2);
        assert_eq!((f[0].side, f[1].side), (Side::From, Side::To));
        assert_eq!((f[0].noun.as_str(), f[1].noun.as_str()), ("beds", "beds"));
        assert_eq!((f[0].frame, f[1].frame), (Frame::Capacity, Frame::Capacity));
        let f = figs("riders would pay $2.50 a ride, up from $2.25");
        assert_eq!((f[0].side, f[1].side), (Side::To, Side::From));
        assert_eq!(f[0].direction, Some(Direction::Up));
        let f = one("between 5 and 10 million people");
        assert_eq!((f.value, f.upper), (5e6, Some(1e7)));
        let f = one("a goal of 3,000 arrests per day");
        assert_eq!((f.per, f.frame), (Some(Period::Day), Frame::Target));
        assert_eq!(f.noun, "arrests per day");
        let f = one("a lofty goal of 3,000 daily arrests earlier");
        assert_eq!(f.per, Some(Period::Day));
        assert_eq!(f.head.as_deref(), Some("arrest"));
        let f = one("even if the 3,000-per-day goal remains unmet");
        assert_eq!((f.per, f.frame), (Some(Period::Day), Frame::Target));
        let f = one("a 50,000-100,000 range");
        assert_eq!(f.upper, Some(100000.0));
    }

    #[test]
    fn skips_years_dates_times_ordinals_and_names() {
        assert!(figs("In 2025, the third major change came on May 20 at 3:30 p.m.").is_empty());
        assert!(figs("Save 10 dollars With Code RVM10 at 7-Eleven.").len() == 1);
        assert!(figs("He met one federal official on 2025-10-27.").is_empty());
        assert!(figs("The Title 42 order and Section 8 housing.").is_empty());
        assert!(figs("Call 555-0142 by 10 am.").is_empty());
    }

    #[test]
    fn parts_count_what_their_whole_counts() {
        let f = figs("They plan to replace at least a dozen of the 25 directors who lead offices.");
        assert_eq!(f.len(), 2);
        assert_eq!((f[0].role, f[1].role), (Role::Part, Role::Whole));
        assert_eq!(f[0].head.as_deref(), Some("director"));
        assert_eq!(f[0].frame, Frame::Plan);
        assert_eq!(f[1].frame, Frame::Actual);
    }
}
