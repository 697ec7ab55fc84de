//! One sentence as the figure reader sees it: its tokens, their
//! normalised words and content stems, and the core of a figure.

use super::super::text::{self, stem, Term, Token, TokenKind};
use super::{Interval, Period, Qualifier, Unit};
use std::ops::Range;

/// Token indices of a few words near a figure.
pub(super) type Indices = smallvec::SmallVec<[usize; 8]>;

pub(super) struct Core {
    /// Token index range covered (qualifier excluded): from a sign or
    /// currency before the number to its unit.
    pub(super) first: usize,
    /// The number's own (first) token.
    pub(super) num: usize,
    pub(super) last: usize,
    pub(super) value: f64,
    pub(super) upper: Option<f64>,
    pub(super) unit: Unit,
    pub(super) qualifier: Qualifier,
    pub(super) band: Option<Interval>,
    pub(super) step: f64,
    pub(super) per: Option<Period>,
    /// `20+`
    pub(super) plus: bool,
}

pub(super) struct Sentence<'a> {
    pub(super) text: &'a str,
    pub(super) toks: std::borrow::Cow<'a, [Token]>,
    /// Each token's normalised word ("" for numbers and punctuation).
    pub(super) words: Words,
    /// Each token's content stem (`text::WordEntry::content`): `None` for
    /// stop words, one-letter words, numbers and punctuation.
    pub(super) stems: Vec<Option<Term>>,
    pub(super) range: Range<usize>,
}

/// Normalised words in one buffer, indexed by token.
pub(super) struct Words {
    pub(super) buf: String,
    pub(super) spans: Vec<(u32, u32)>,
}

impl std::ops::Index<usize> for Words {
    type Output = str;
    fn index(&self, i: usize) -> &str {
        let (a, b) = self.spans[i];
        &self.buf[a as usize..b as usize]
    }
}

impl<'a> Sentence<'a> {
    /// The sentence at `range` of `text`, from its tokens and their word
    /// entries when given (else lexed and looked up here), with the
    /// content stems of its words, each once: the sentence's context.
    pub(super) fn new(
        text: &'a str,
        range: Range<usize>,
        lexed: Option<(&'a [Token], &[Option<text::WordEntry>])>,
    ) -> (Sentence<'a>, Vec<Term>) {
        let (toks, entries) = match lexed {
            Some((t, e)) => (std::borrow::Cow::Borrowed(t), e),
            None => (
                std::borrow::Cow::Owned(text::lex(text, range.clone())),
                &[][..],
            ),
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
        (s, context)
    }

    pub(super) fn word(&self, i: usize) -> Option<&str> {
        match self.toks.get(i)?.kind {
            TokenKind::Word { mixed: false } => Some(&self.words[i]),
            _ => None,
        }
    }
    pub(super) fn adjacent(&self, a: usize, b: usize) -> bool {
        b < self.toks.len() && self.toks[a].end == self.toks[b].start
    }
    pub(super) fn raw(&self, i: usize) -> &str {
        self.toks[i].text(self.text)
    }
    /// Is token `i` a possessive word ("city's"; words are normalised, so
    /// a curly apostrophe reads as a straight one)?
    pub(super) fn possessive(&self, i: usize) -> bool {
        self.word(i).is_some_and(|w| w.ends_with("'s"))
    }
    pub(super) fn capitalised(&self, i: usize) -> bool {
        self.toks.get(i).is_some_and(|t| {
            t.text(self.text)
                .chars()
                .next()
                .is_some_and(char::is_uppercase)
        })
    }
    /// `stem(&self.words[i])`, from the token's word entry when it has a
    /// content stem: the same term, without a second table lookup.
    pub(super) fn stem(&self, i: usize) -> Term {
        match self.stems.get(i) {
            Some(Some(st)) => *st,
            _ => stem(&self.words[i]),
        }
    }
    /// `text::is_stopword(&self.words[i])`: a word with a content stem is
    /// not one, and is not looked up.
    pub(super) fn stopword(&self, i: usize) -> bool {
        !matches!(self.stems.get(i), Some(Some(_))) && text::is_stopword(&self.words[i])
    }
}
