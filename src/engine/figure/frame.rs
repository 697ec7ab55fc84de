//! What the figure is and what happened: its frame, its event, the word
//! that governs it and the words around it.

use super::super::lexicon;
use super::super::text::{stem, Term, TokenKind};
use super::noun_phrase::looks_plural;
use super::number::small_number;
use super::sentence::{Indices, Sentence};
use super::words::*;
use super::{Direction, Frame, Role};

/// The words near a figure: up to six before it (stopping at a semicolon
/// or the sentence start) and up to eight after its noun phrase (stopping
/// at clause punctuation), by token index.
pub(super) struct Window {
    pub before: Indices,
    pub after: Indices,
}

impl Window {
    /// Around a figure from token `start` whose noun phrase ends at `end`.
    pub(super) fn around(s: &Sentence, start: usize, end: usize, role: Role) -> Window {
        let mut before = Indices::new();
        let mut k = start;
        // The words before a whole ("a dozen of the 25 directors") belong
        // to its part.
        while k > 0 && before.len() < 6 && role != Role::Whole {
            k -= 1;
            match &s.toks[k].kind {
                TokenKind::Punct(';') => break,
                TokenKind::Word { .. } => before.push(k),
                _ => {}
            }
        }
        let mut after = Indices::new();
        let mut k = end + 1;
        while k < s.toks.len() && after.len() < 8 {
            match &s.toks[k].kind {
                TokenKind::Punct(',' | ';' | '—' | ':' | '(' | '.') => break,
                TokenKind::Word { .. } => after.push(k),
                _ => {}
            }
            k += 1;
        }
        Window { before, after }
    }

    /// Local words are lower-case content words, from the window and the
    /// noun phrase's words `more`: names recur across a whole corpus on
    /// one subject and say nothing about which figure is which.
    pub(super) fn local_words(&self, s: &Sentence, more: impl Iterator<Item = usize>) -> Vec<Term> {
        let mut local: Vec<Term> = Vec::new();
        for k in self.before.iter().chain(&self.after).copied().chain(more) {
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
        local
    }
}

/// The word that governs a figure: the first content word before it,
/// within four words and the same clause, stemmed; the verb in the past
/// among them, which names the event ("inspected 60 ferries"); and the
/// direction of a change.
#[derive(Default)]
pub(super) struct Governor {
    pub word: Option<Term>,
    /// The governing word's token.
    pub at: Option<usize>,
    pub verb: Option<Term>,
    pub direction: Option<Direction>,
}

impl Governor {
    /// Of the figure whose first token is `start`.
    pub(super) fn before(s: &Sentence, start: usize) -> Governor {
        let mut g = Governor::default();
        let mut k = start;
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
            g.direction = g.direction.or_else(|| direction_of(s.stem(k).as_str()));
            if g.word.is_none() && seen <= 4 && governs(s, k) {
                let st = s.stem(k);
                g.word = Some(st);
                g.at = Some(k);
                let linking = LINKING_VERBS.contains(&&s.words[k]);
                if s.words[k].ends_with("ed") && !is_change_stem(st.as_str()) && !linking {
                    g.verb = Some(st);
                }
            }
        }
        // "had 12,700 employees", "employs 300": a count of what there is,
        // not of what was done to it; marked as governed by "have".
        let stock = start
            .checked_sub(1)
            .and_then(|k| s.word(k))
            .is_some_and(|w| STOCK_WORDS.contains(&w));
        if g.word.is_none() && stock {
            g.word = Some(stock_mark());
        }
        g
    }
}

fn direction_of(stem: &str) -> Option<Direction> {
    if UP_STEMS.contains(&stem) {
        Some(Direction::Up)
    } else if DOWN_STEMS.contains(&stem) {
        Some(Direction::Down)
    } else {
        None
    }
}

/// Can the word at token `k` govern a figure? A lower-case content word
/// that says more than "how many" ("a total of 25" governs nothing).
fn governs(s: &Sentence, k: usize) -> bool {
    let w = &s.words[k];
    !s.stopword(k)
        && !NP_FILLERS.contains(&w)
        && !COUNT_WORDS.contains(&w)
        && small_number(w).is_none()
        && !s.capitalised(k)
        && lexicon::time_kind(&s.stem(k)).is_none()
}

/// The governor every figure after a verb of having is marked with.
pub fn stock_mark() -> Term {
    static HAVE: std::sync::OnceLock<Term> = std::sync::OnceLock::new();
    *HAVE.get_or_init(|| stem(STOCK_WORDS[0]))
}

/// The verb after a figure's noun phrase, from token `k`: "were released",
/// "spent", "have been inspected". Its stem, if a lower-case content word
/// comes within three tokens past any auxiliaries.
pub(super) fn predicate_after(s: &Sentence, mut k: usize) -> Option<Term> {
    // "six of them were released": the partitive's pronoun first.
    if s.word(k) == Some("of")
        && matches!(
            s.word(k + 1),
            Some("them" | "those" | "these" | "whom" | "which")
        )
    {
        k += 2;
    }
    // "Some 143 people, many of them tourists, were feared trapped": past
    // an aside set off by commas.
    if s.toks.get(k).is_some_and(|t| t.is_punct(',')) {
        let close = (k + 1..s.toks.len().min(k + 14))
            .find(|&j| matches!(s.toks[j].kind, TokenKind::Punct(',' | ';' | '.' | ':')))?;
        if !s.toks[close].is_punct(',') {
            return None;
        }
        k = close + 1;
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
        // After an auxiliary, a participle ("were released", "were hurt"),
        // not an adjective ("are close to retirement").
        let participle = w.ends_with("ed") || w.ends_with("en") || lexicon::verb_base(w).is_some();
        // Nor a plural noun ("still had smoothies").
        let plural = looks_plural(w) && lexicon::is_noun(lexicon::lemma(w));
        let verb_like = participle || seen > 0 && !PREDICATE_ADJECTIVES.contains(&w) && !plural;
        return (verb_like && !s.stopword(k) && !s.capitalised(k) && small_number(w).is_none())
            .then(|| s.stem(k));
    }
    None
}

/// The frame the words at these token indices (before and after the figure,
/// then its noun phrase) give it.
pub(super) fn frame_of<'a>(at: impl Iterator<Item = &'a usize>, s: &Sentence) -> Frame {
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

/// Is the word at token `k` a noun and no verb of change or of being
/// ("quarter", not "cut" or "topped")?
pub(super) fn is_plain_noun(s: &Sentence, k: usize) -> bool {
    let w = &s.words[k];
    lexicon::is_noun(lexicon::lemma(w))
        && !is_change_stem(s.stem(k).as_str())
        && !LINKING_VERBS.contains(&w)
        && !w.ends_with("ed")
}
