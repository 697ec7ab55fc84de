//! Numbers that count nothing: dates, times, scores, addresses, names and
//! identifiers.

use super::super::text::TokenKind;
use super::scan::is_number_word;
use super::sentence::{Core, Sentence};
use super::words::*;
use super::Unit;

/// Is the number at token `i` a day after a month: "May 20", "Oct. 31",
/// the "24" of "Sept. 20-24"?
pub(super) fn after_month(s: &Sentence, i: usize) -> bool {
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
pub(super) fn is_score(s: &Sentence, i: usize) -> bool {
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

/// Is the number at token `i` a street number: capitalised words and a
/// street word after it ("at 1200 Elm Street")?
pub(super) fn is_address(s: &Sentence, i: usize) -> bool {
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
pub(super) fn in_date_chain(s: &Sentence, i: usize) -> bool {
    let chain = number_chain(s, i);
    chain.clone().count() >= 5
        && chain.step_by(2).any(
            |k| matches!(s.toks[k].kind, TokenKind::Number(v) if (1000.0..=2100.0).contains(&v)),
        )
}

/// The tokens of the numbers joined by dashes, with no space, around
/// token `i` ("1-800-555-0177"), the dashes between them included.
pub(super) fn number_chain(s: &Sentence, i: usize) -> std::ops::RangeInclusive<usize> {
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
pub(super) fn excluded(s: &Sentence, c: &Core) -> bool {
    let i = c.num;
    let is_digits = matches!(s.toks[i].kind, TokenKind::Number(_));
    if !(is_digits && matches!(c.unit, Unit::Count) && c.last == i && c.first == i) {
        return false;
    }
    after_month(s, i)
        || is_score(s, i)
        || is_address(s, i)
        || is_date_or_time(s, c)
        || names_a_thing(s, c)
        || is_identifier(s, c)
}

/// A bare integer without commas or a decimal point ("2025", "66").
fn plain_int(raw: &str) -> bool {
    !raw.contains(',') && !raw.contains('.')
}

/// A year, a date ("May 20", "20 May", "10/27", "2025-10-27") or a time
/// ("3:30", "10 a.m.", "9 pm", "5 o'clock").
fn is_date_or_time(s: &Sentence, c: &Core) -> bool {
    let (i, next) = (c.num, c.last + 1);
    let raw = s.raw(i);
    let prev_word = if i > 0 { s.word(i - 1) } else { None };
    let number_at = |k: usize| matches!(s.toks.get(k).map(|t| &t.kind), Some(TokenKind::Number(_)));
    let year = plain_int(raw) && (1000.0..=2100.0).contains(&c.value) && raw.len() == 4;
    let date = prev_word.is_some_and(is_month) || s.word(next).is_some_and(is_month);
    let clock = s.toks.get(next).is_some_and(|t| t.is_punct(':')) && number_at(next + 1)
        || i >= 2 && s.toks[i - 1].is_punct(':') && number_at(i - 2);
    let meridiem = s.word(next).is_some_and(|w| CLOCK_WORDS.contains(&w))
        && (s.word(next) != Some("a") || s.toks.get(next + 1).is_some_and(|t| t.is_punct('.')));
    // Fractions, scores and dates with slashes or ISO dashes.
    let slash =
        s.toks.get(next).is_some_and(|t| t.is_punct('/')) || (i > 0 && s.toks[i - 1].is_punct('/'));
    year || date || clock || meridiem || slash || in_date_chain(s, i)
}

/// A number that names rather than counts: "No. 2", "#1", "the 400 block
/// of", "7-Eleven", "F-35", "737 Max 8", "iPhone 11", "Title 42".
fn names_a_thing(s: &Sentence, c: &Core) -> bool {
    let (i, next) = (c.num, c.last + 1);
    let plain = plain_int(s.raw(i));
    let number_at = |k: usize| matches!(s.toks.get(k).map(|t| &t.kind), Some(TokenKind::Number(_)));
    let capital_word = |k: usize| s.toks.get(k).is_some_and(|t| t.is_word()) && s.capitalised(k);
    let no_dot = i >= 2 && s.toks[i - 1].is_punct('.') && s.raw(i - 2) == "No";
    let numbered = i > 0 && s.toks[i - 1].is_punct('#')
        || i >= 1 && s.word(i - 1) == Some("no") && s.raw(i - 1) == "No"
        || no_dot;
    let block = s.word(next) == Some("block") && s.word(next + 1) == Some("of");
    // "7-Eleven" and "F-35": a name glued to the number by a dash.
    let dash_after = s.toks.get(next).is_some_and(|t| t.is_punct('-'))
        && s.adjacent(c.last, next)
        && capital_word(next + 1);
    let dash_before =
        i >= 2 && s.toks[i - 1].is_punct('-') && s.adjacent(i - 1, i) && capital_word(i - 2);
    // "737 Max 8", "Boeing 737-800 MAX": a model's number, and the number
    // after a name's dash.
    let model = plain && capital_word(next) && number_at(next + 1);
    let model_dash = i >= 3
        && s.toks[i - 1].is_punct('-')
        && s.adjacent(i - 2, i - 1)
        && s.adjacent(i - 1, i)
        && number_at(i - 2)
        && capital_word(i - 3);
    // "iPhone 11", "eVTOL 3": a word with a capital inside.
    let inner_capital = plain
        && i >= 1
        && s.word(i - 1).is_some()
        && s.raw(i - 1).chars().skip(1).any(char::is_uppercase)
        && s.raw(i - 1).chars().any(char::is_lowercase);
    numbered
        || block
        || dash_after
        || dash_before
        || model
        || model_dash
        || inner_capital
        || plain && titled_number(s, i)
}

/// "Title 42", "Section 8", "Route 66": a capitalised word that does not
/// start the sentence, right before the bare integer at token `i`. At the
/// start of a sentence ("Proposition 22 passed") the word must not be one
/// that can open a figure ("Only 40", "About 300").
fn titled_number(s: &Sentence, i: usize) -> bool {
    if i == 0 || !s.toks[i - 1].is_word() || !s.capitalised(i - 1) {
        return false;
    }
    let w = &s.words[i - 1];
    let qualifier_word = QUALIFIERS.iter().any(|(p, _)| p.contains(&w));
    let opens = i - 1 == 0 && (s.stopword(i - 1) || w.ends_with('s') || w.ends_with("ly"));
    !qualifier_word && !is_month(w) && !opens && !is_number_word(w)
}

/// Numbers chained by dashes ("1-800-555-0177"), codes with a leading zero
/// ("0142") and phone numbers ("555-0142") are identifiers, not amounts.
fn is_identifier(s: &Sentence, c: &Core) -> bool {
    let (i, next) = (c.num, c.last + 1);
    let raw = s.raw(i);
    let leading_zero = raw.len() > 1 && raw.starts_with('0') && !raw.starts_with("0.");
    let phone = s.toks.get(next).is_some_and(|t| t.is_punct('-'))
        && raw.len() == 3
        && s.toks
            .get(next + 1)
            .is_some_and(|t| t.text(s.text).len() == 4 && matches!(t.kind, TokenKind::Number(_)));
    number_chain(s, i).count() >= 5 || leading_zero || phone
}
