//! Figures: numbers in prose, read the way writers write them, with the
//! interval they claim, their unit, the thing they count and the words around
//! them. Works on a sentence of (masked) text with byte offsets.
//!
//! A sentence is read in steps, each in its own module: `scan` turns away
//! text with no figure; `number` reads a figure's core (number, scale,
//! unit); `not_quantity` turns away dates, scores and names; `range` reads
//! its qualifier, range and side of a change; `band` the interval it
//! claims; `noun_phrase` what it counts; `frame` what it is and what
//! happened; `subject` whose it is; `relate` what one figure tells about
//! the next. The word tables are in `words`.

use super::text::{self, Term, Token, TokenKind};
use std::ops::Range;

mod band;
mod frame;
mod not_quantity;
mod noun_phrase;
mod number;
mod range;
mod relate;
mod scan;
mod sentence;
mod subject;
mod unit;
mod words;

pub use frame::stock_mark;
pub use unit::Unit;

use number::read_core;
use sentence::Sentence;

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
    /// The period as a noun: "hour", "day", "week", "month", "year".
    pub fn word(self) -> &'static str {
        match self {
            Period::Hour => "hour",
            Period::Day => "day",
            Period::Week => "week",
            Period::Month => "month",
            Period::Year => "year",
        }
    }

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
    /// The old value of the change whose new value this is ("1,400, up
    /// from the 1,150": 1,150), when its sentence gives it.
    #[serde(default)]
    pub was: Option<f64>,
    /// The new value of the change whose old value this is ("41, down
    /// from 55": 41 for the 55), when its sentence gives it.
    #[serde(default)]
    pub now: Option<f64>,
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
    /// " a year" for a rate its noun phrase does not say (a noun before
    /// the figure, "the average wage is $58,000 a year"), else "".
    pub fn rate_words(&self) -> String {
        // "daily arrests", "annual budget": the noun says it already.
        let said = self
            .noun
            .split_whitespace()
            .any(|w| Period::from_word(&w.to_lowercase()).is_some());
        match self.per {
            Some(p) if (self.noun_first || self.noun.is_empty()) && !said => {
                format!(" a {}", p.word())
            }
            _ => String::new(),
        }
    }

    /// "25 field offices", "more than 1,500 Border Patrol agents".
    pub fn described(&self) -> String {
        if self.noun.is_empty() {
            self.text.clone()
        } else if self.noun_first {
            format!("{} of {}{}", self.noun, self.text, self.rate_words())
        } else {
            format!("{} {}", self.text, self.noun)
        }
    }
}

/// Extracts the figures of each sentence.
pub fn extract(text: &str, sentences: &[Range<usize>]) -> Vec<Figure> {
    let mut out = Vec::new();
    for (i, r) in sentences.iter().enumerate() {
        let from = out.len();
        extract_sentence(text, r.clone(), None, &mut out);
        subject::from_sentence_before(text, sentences, i, &mut out[from..]);
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
        subject::from_sentence_before(text, sentences, i, &mut out[first_figure..]);
    }
    out
}

fn extract_sentence(
    text: &str,
    range: Range<usize>,
    lexed: Option<(&[Token], &[Option<text::WordEntry>])>,
    out: &mut Vec<Figure>,
) {
    // Most sentences have no figure: look for a digit or a number word
    // before doing any work.
    if !scan::may_hold_number(&text[range.clone()]) {
        return;
    }
    let (s, context) = Sentence::new(text, range, lexed);
    let first_figure = out.len();
    let mut i = 0;
    while i < s.toks.len() {
        // Most tokens cannot start a figure: turned away without a call.
        let may_start = match s.toks[i].kind {
            TokenKind::Word { mixed: false } => scan::starts_core(&s.words[i]),
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
    relate::relate(&s, out, first_figure);
}

/// Reads the figure whose core starts at token `i`, and the token after it.
fn read_figure(s: &Sentence, i: usize, context: &[Term]) -> Option<(Figure, usize)> {
    let mut core = read_core(s, i)?;
    if not_quantity::excluded(s, &core) {
        return None;
    }
    let reach = range::read_reach(s, &mut core);
    let span = s.toks[reach.start].start..s.toks[reach.end].end;
    let figure_text = text::squash(&s.text[span.clone()]);
    let np = noun_phrase::read(s, &core, &reach, &figure_text);
    let window = frame::Window::around(s, reach.start, np.end.max(reach.end), np.role);
    let frame = if np.sized {
        Frame::Capacity
    } else {
        frame::frame_of(
            window
                .before
                .iter()
                .chain(&window.after)
                .chain(&np.frame_words),
            s,
        )
    };
    let subject = subject::of_figure(s, &core, reach.qual_start, &window.after);
    let phrase_only = np
        .frame_words
        .iter()
        .copied()
        .filter(|k| !np.words.contains(k));
    let local = window.local_words(s, phrase_only);
    let mut governor = frame::Governor::before(s, reach.start);
    // "its net loss for the quarter was $431 million": what governs a
    // figure whose noun comes first is that noun, not a noun of the phrase
    // between them (a verb there, "arrests climbed to 35", still does).
    if let (Some(h), Some(at)) = (np.head_before, governor.at) {
        if at > h && frame::is_plain_noun(s, at) {
            governor.word = Some(s.stem(h));
        }
    }
    let after_np = if np.first {
        reach.end
    } else {
        np.end.max(reach.end)
    };
    let event = frame::predicate_after(s, after_np + 1)
        .filter(|t| !words::is_change_stem(t.as_str()))
        .or(governor.verb);
    let band = core
        .band
        .unwrap_or_else(|| band::band_for(reach.qualifier, core.value, core.upper, core.step));
    let fig = Figure {
        span,
        text: figure_text,
        value: core.value,
        upper: core.upper,
        qualifier: reach.qualifier,
        band,
        step: core.step,
        unit: core.unit,
        per: np.per,
        noun: np.noun,
        noun_span: np.span,
        noun_first: np.first,
        head: np.head,
        modifiers: np.modifiers,
        proper: np.proper,
        subject,
        frame,
        role: np.role,
        side: reach.side,
        direction: governor.direction,
        was: None,
        now: None,
        governor: governor.word,
        event,
        local,
        context: context.to_vec(),
        sentence: s.range.clone(),
    };
    Some((fig, reach.end + 1))
}

#[cfg(test)]
mod tests;
