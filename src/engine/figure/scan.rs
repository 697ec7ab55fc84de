//! The quick look that turns away text with no figure: a digit, or a
//! word that can start one.

use super::super::text;
use super::number;

/// Does `s` hold an ASCII digit or a number word? Words are the runs
/// between characters that are neither alphabetic nor `-`; ASCII, most of
/// news prose, is read a byte at a time.
pub(super) fn may_hold_number(s: &str) -> bool {
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
pub(super) fn is_number_word(w: &str) -> bool {
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
pub(super) fn starts_core(w: &str) -> bool {
    static WORDS: std::sync::OnceLock<(LengthsByInitial, text::ShortKeys)> =
        std::sync::OnceLock::new();
    let (lengths, set) =
        WORDS.get_or_init(|| number_words_and(number::CORE_STARTERS.iter().copied()));
    lengths.may_hold(w.as_bytes()) && set.contains(w.as_bytes())
}

/// The small numbers ("zero" to "ninety-nine") and the vague plurals, with
/// `more`, as a set and the lengths by initial of its words.
pub(super) fn number_words_and<'a>(
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
pub(super) struct LengthsByInitial([u16; 26]);

impl LengthsByInitial {
    pub(super) fn of<'a>(words: impl IntoIterator<Item = &'a str>) -> LengthsByInitial {
        let mut lengths = [0u16; 26];
        for w in words {
            let first = w.as_bytes()[0].to_ascii_lowercase();
            assert!(first.is_ascii_lowercase() && w.len() < 16, "{w}");
            lengths[usize::from(first - b'a')] |= 1 << w.len();
        }
        LengthsByInitial(lengths)
    }

    pub(super) fn may_hold(&self, w: &[u8]) -> bool {
        let Some(first) = w.first().map(u8::to_ascii_lowercase) else {
            return false;
        };
        first.is_ascii_lowercase()
            && w.len() < 16
            && self.0[usize::from(first - b'a')] & (1 << w.len()) != 0
    }
}
