//! The number itself: digits or number words, a sign, a currency, a scale
//! and a unit ("-1.3%", "USD1,700", "twenty-eight thousand six hundred",
//! "half a dozen", "two-thirds", "50mph", "a 54-year-old"). The word lists
//! are tables; the reader only walks them.

use super::band::step_of;
use super::scan::starts_core;
use super::sentence::{Core, Sentence};
use super::unit::{self, Unit};
use super::{Interval, Qualifier};
use crate::engine::text::TokenKind;

pub(super) const UNITS: &[&str] = &[
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];
pub(super) const TENS: &[&str] = &[
    "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
];

/// "one" to "ninety-nine", written as words.
pub(super) fn small_number(w: &str) -> Option<f64> {
    // Only these first letters: most words are turned away before the
    // tables are read.
    let first = w.as_bytes().first()?;
    if !(3..=13).contains(&w.len())
        || !matches!(first, b'e' | b'f' | b'n' | b'o' | b's' | b't' | b'z')
    {
        return None;
    }
    if let Some(i) = UNITS.iter().position(|u| *u == w) {
        return Some(i as f64);
    }
    if let Some(i) = TENS.iter().position(|u| *u == w) {
        return Some(20.0 + 10.0 * i as f64);
    }
    let (t, u) = w.split_once('-')?;
    let t = TENS.iter().position(|x| *x == t)?;
    let u = UNITS[1..10].iter().position(|x| *x == u)?;
    Some(20.0 + 10.0 * t as f64 + 1.0 + u as f64)
}

pub(super) const SCALE_WORDS: &[(&str, f64)] = &[
    ("hundred", 1e2),
    ("thousand", 1e3),
    ("million", 1e6),
    ("billion", 1e9),
    ("trillion", 1e12),
];

pub(super) fn scale_word(w: &str) -> Option<f64> {
    SCALE_WORDS.iter().find(|(s, _)| *s == w).map(|(_, v)| *v)
}

/// Scales glued to digits: "20k", "1.5m", "$28bn".
const SCALE_SUFFIXES: &[(&str, f64)] = &[
    ("k", 1e3),
    ("m", 1e6),
    ("mn", 1e6),
    ("mln", 1e6),
    ("b", 1e9),
    ("bn", 1e9),
    ("tn", 1e12),
    ("trn", 1e12),
];

fn scale_suffix(w: &str) -> Option<f64> {
    SCALE_SUFFIXES
        .iter()
        .find(|(s, _)| s.eq_ignore_ascii_case(w))
        .map(|(_, v)| *v)
}

/// Vague plurals and their bands: "hundreds" means 200 to under 1,000.
pub(super) const VAGUE_PLURALS: &[(&str, (f64, f64))] = &[
    ("dozens", (24.0, 100.0)),
    ("hundreds", (200.0, 1e3)),
    ("thousands", (2e3, 1e4)),
    ("millions", (2e6, 1e7)),
    ("billions", (2e9, 1e10)),
];

pub(super) fn vague_plural(w: &str) -> Option<(f64, f64)> {
    VAGUE_PLURALS
        .iter()
        .find(|(p, _)| *p == w)
        .map(|(_, band)| *band)
}

/// Fractions as words, singular and plural, with their value.
pub(super) const FRACTIONS: &[(&str, &str, f64)] = &[
    ("half", "halves", 0.5),
    ("third", "thirds", 1.0 / 3.0),
    ("quarter", "quarters", 0.25),
    ("fifth", "fifths", 0.2),
    ("sixth", "sixths", 1.0 / 6.0),
    ("eighth", "eighths", 0.125),
    ("tenth", "tenths", 0.1),
];

fn fraction(w: &str) -> Option<f64> {
    FRACTIONS
        .iter()
        .find(|(one, many, _)| *one == w || *many == w)
        .map(|f| f.2)
}

/// "two-thirds", "one-quarter", "three-fifths".
fn hyphenated_fraction(w: &str) -> Option<f64> {
    let (n, d) = w.split_once('-')?;
    Some(small_number(n)? * fraction(d)?)
}

/// Words written between "a" and a figure's noun that make it a number:
/// "a dozen", "a couple of", "a hundred".
const A_NUMBER: &[(&str, f64)] = &[("dozen", 12.0), ("couple", 2.0)];

/// Every word `starts_core` lets through, beyond the small numbers and
/// vague plurals.
pub(super) const CORE_STARTERS: &[&str] = &["tens", "half", "a", "an", "dozen"];

/// The hyphenated fractions ("two-thirds"), for the word sets.
pub(super) fn hyphenated_fractions() -> impl Iterator<Item = String> {
    UNITS[1..10].iter().flat_map(|n| {
        FRACTIONS
            .iter()
            .flat_map(move |(one, many, _)| [format!("{n}-{one}"), format!("{n}-{many}")])
    })
}

/// Does `w` open a number ("Twelve", "A", "Half")?
pub(super) fn is_number_word_start(w: &str) -> bool {
    starts_core(w) || scale_word(w).is_some()
}

/// Digits with thousands commas and a decimal part at the start of `s`,
/// as the lexer reads them: the value and the number of bytes.
fn digits_at(s: &str) -> Option<(f64, usize)> {
    let (end, value) = crate::engine::text::lex_number(s.as_bytes(), 0);
    (end > 0).then_some((value, end))
}

/// The token of sentence `s`, from `from` on, that ends at byte `end`.
fn token_ending_at(s: &Sentence, from: usize, end: usize) -> Option<usize> {
    (from..s.toks.len())
        .take_while(|&k| s.toks[k].end <= end)
        .find(|&k| s.toks[k].end == end)
}

fn core(first: usize, last: usize, value: f64, unit: Unit, step: f64) -> Core {
    Core {
        first,
        num: first,
        last,
        value,
        upper: None,
        unit,
        qualifier: Qualifier::Exact,
        band: None,
        step,
        per: None,
        plus: false,
    }
}

fn vague(first: usize, last: usize, lo: f64, hi: f64, step: f64) -> Core {
    Core {
        upper: Some(hi),
        qualifier: Qualifier::Vague,
        band: Some(Interval {
            lo,
            hi,
            lo_open: false,
            hi_open: true,
        }),
        ..core(first, last, lo, Unit::Count, step)
    }
}

/// Reads the number at token `i`, with what is written around it: a
/// currency before it, a sign, a scale, a unit after it.
pub(super) fn read_core(s: &Sentence, i: usize) -> Option<Core> {
    let mut c = match s.toks.get(i)?.kind {
        TokenKind::Number(v) => digits(s, i, v),
        TokenKind::Word { mixed: true } => glued(s, i)?,
        TokenKind::Word { mixed: false } => words(s, i)?,
        TokenKind::Punct(_) => return None,
    };
    if matches!(c.unit, Unit::Count) && c.num == i {
        if let Some((u, first)) = currency_before(s, i) {
            c.unit = u;
            c.first = first;
        }
    }
    signed(s, &mut c);
    unit_after(s, &mut c);
    unit_before(s, &mut c);
    Some(c)
}

/// Words right before a number that give its unit: "aged 17", "ages 18
/// to 64", "under the age of 5", "magnitude 6.1".
const UNIT_BEFORE: &[(&[&str], &str)] = &[
    (&["aged"], "age"),
    (&["ages"], "age"),
    (&["age"], "age"),
    (&["age", "of"], "age"),
    (&["magnitude"], "magnitude"),
];

/// A unit written before the number, or an age in an appositive ("a
/// woman, 81, died").
fn unit_before(s: &Sentence, c: &mut Core) {
    if !matches!(c.unit, Unit::Count) {
        return;
    }
    let f = c.first;
    for (words, code) in UNIT_BEFORE {
        let n = words.len();
        if f >= n && (0..n).all(|k| s.word(f - n + k) == Some(words[k])) {
            c.unit = Unit::Measure(code.to_string());
            return;
        }
    }
    let integer = c.value.fract() == 0.0 && (1.0..=110.0).contains(&c.value) && c.first == c.last;
    let appositive = f >= 2
        && s.toks[f - 1].is_punct(',')
        && s.word(f - 2).is_some()
        && s.toks.get(c.last + 1).is_some_and(|t| t.is_punct(','));
    if integer && appositive && matches!(s.toks[f].kind, TokenKind::Number(_)) {
        c.unit = Unit::Measure("age".into());
    }
}

/// "25", "1.5 million", "2 dozen".
fn digits(s: &Sentence, i: usize, v: f64) -> Core {
    let mut scale = 1.0;
    let mut last = i;
    if let Some(sc) = s.word(i + 1).and_then(scale_word) {
        scale = sc;
        last = i + 1;
    } else if s.word(i + 1) == Some("dozen") {
        scale = 12.0;
        last = i + 1;
    }
    core(i, last, v * scale, Unit::Count, step_of(s.raw(i), scale))
}

/// Digits glued to letters: "1.5m", "20k", "50mph", "256GB", "USD1,700",
/// "AUD1.5m". Others ("3rd", "10am", "RVM10", "1990s") are not figures.
fn glued(s: &Sentence, i: usize) -> Option<Core> {
    let start = s.toks[i].start;
    let raw = s.raw(i);
    let letters = raw.bytes().take_while(|b| !b.is_ascii_digit()).count();
    let mut unit = Unit::Count;
    if letters > 0 {
        // A currency code before the digits.
        let (u, n) = unit::currency_before(&raw[..letters])?;
        if n != letters {
            return None;
        }
        unit = u;
    }
    let rest = &s.text[start + letters..s.range.end];
    let (v, n) = digits_at(rest)?;
    let tail = &rest[n..];
    let word_len = tail
        .find(|c: char| !c.is_alphanumeric())
        .unwrap_or(tail.len());
    let suffix = &tail[..word_len];
    let (value, step, end) = if suffix.is_empty() {
        (v, step_of(&rest[..n], 1.0), start + letters + n)
    } else if let Some(sc) = scale_suffix(suffix).filter(|_| {
        // "6B" is a room or a grade; "$6B" is money.
        !suffix.eq_ignore_ascii_case("b")
            || !matches!(unit, Unit::Count)
            || currency_before(s, i).is_some()
    }) {
        (
            v * sc,
            step_of(&rest[..n], sc),
            start + letters + n + word_len,
        )
    } else if let (Unit::Count, Some((u, len))) = (&unit, unit::unit_after(tail, true)) {
        unit = u;
        (v, step_of(&rest[..n], 1.0), start + letters + n + len)
    } else {
        return None;
    };
    let last = token_ending_at(s, i, end)?;
    Some(core(i, last, value, unit, step))
}

/// Number words: "seven", "twenty-eight thousand six hundred", "two
/// dozen", "a dozen", "a couple of", "a hundred", "half a dozen", "a
/// third of", "two-thirds", "dozens", "tens of thousands".
fn words(s: &Sentence, at: usize) -> Option<Core> {
    let w = &s.words[at];
    if !starts_core(w) {
        return None;
    }
    // A capitalised number word inside a sentence is a name ("7-Eleven",
    // "the Big Three").
    if at > 0
        && s.capitalised(at)
        && !matches!(
            s.toks[at - 1].kind,
            TokenKind::Punct('“' | '"' | ':' | '(' | '‘')
        )
    {
        return None;
    }
    if let Some((lo, hi)) = vague_plural(w) {
        // "tens of thousands", "hundreds of thousands"
        if s.word(at + 1) == Some("of") {
            if let Some((lo2, _)) = s.word(at + 2).and_then(vague_plural) {
                let base = lo2 / 2.0;
                return Some(vague(at, at + 2, lo * base, hi * base, lo * base));
            }
        }
        return Some(vague(at, at, lo, hi, lo));
    }
    if w == "tens" && s.word(at + 1) == Some("of") && s.word(at + 2) == Some("thousands") {
        return Some(vague(at, at + 2, 2e4, 1e5, 1e4));
    }
    if let Some(f) = hyphenated_fraction(w) {
        return Some(core(at, at, f * 100.0, Unit::Percent, f * 100.0));
    }
    if w == "half" {
        return half(s, at);
    }
    if w == "a" || w == "an" {
        return a_number(s, at);
    }
    if w == "dozen" {
        return Some(core(at, at, 12.0, Unit::Count, 1.0));
    }
    let (value, last, step) = number_words(s, at)?;
    if let Some((v, l, st)) = and_a_half(s, value, last) {
        return Some(core(at, l, v, Unit::Count, st));
    }
    // "three quarters", "two thirds"
    if let Some(f) = s.word(last + 1).and_then(fraction).filter(|_| value < 10.0) {
        if s.word(last + 1).is_some_and(|w| w.ends_with('s')) {
            return Some(core(at, last + 1, value * f * 100.0, Unit::Percent, 1.0));
        }
    }
    // "one federal official" is not a claim about a quantity.
    if value == 1.0 && last == at {
        return None;
    }
    Some(core(at, last, value, Unit::Count, step))
}

/// "one and a half million", "two and a half": number words `value`,
/// ending at token `last`, and a half after them; the value, last token
/// and step.
fn and_a_half(s: &Sentence, value: f64, last: usize) -> Option<(f64, usize, f64)> {
    let half = s.word(last + 1) == Some("and")
        && s.word(last + 2) == Some("a")
        && s.word(last + 3) == Some("half");
    if !half || value >= 100.0 {
        return None;
    }
    match s.word(last + 4).and_then(scale_word) {
        Some(sc) => Some(((value + 0.5) * sc, last + 4, sc / 2.0)),
        None => Some((value + 0.5, last + 3, 0.5)),
    }
}

/// "half the leadership", "at least half of the offices", "half a dozen".
fn half(s: &Sentence, at: usize) -> Option<Core> {
    let next = s.word(at + 1);
    let prev = if at > 0 { s.word(at - 1) } else { None };
    if next == Some("a") && s.word(at + 2) == Some("dozen") {
        return Some(core(at, at + 2, 6.0, Unit::Count, 1.0));
    }
    // "half a million", "half a billion dollars"
    if let Some(sc) = s
        .word(at + 2)
        .and_then(scale_word)
        .filter(|_| next == Some("a"))
    {
        return Some(core(at, at + 2, sc / 2.0, Unit::Count, sc / 2.0));
    }
    if matches!(prev, Some("first" | "second" | "last" | "the" | "a")) {
        return None;
    }
    if !matches!(next, Some("the" | "of" | "its" | "their" | "all")) {
        return None;
    }
    Some(core(at, at, 50.0, Unit::Percent, 50.0))
}

/// "a dozen", "a couple of", "a hundred", "a third of", "by a quarter".
fn a_number(s: &Sentence, at: usize) -> Option<Core> {
    let n = s.word(at + 1)?;
    if let Some(&(_, v)) = A_NUMBER.iter().find(|(w, _)| *w == n) {
        let of = s.word(at + 2) == Some("of");
        // "a couple of dozen", "a couple of hundred"
        let times = match s.word(at + 3) {
            Some("dozen") if of => Some(12.0),
            Some(w) if of => scale_word(w),
            _ => None,
        };
        if let (Some(t), true) = (times, v == 2.0) {
            return Some(core(at, at + 3, v * t, Unit::Count, t));
        }
        // "a couple of" reads its noun after "of"; "a dozen of the 25" is a part.
        let last = if of && v == 2.0 { at + 2 } else { at + 1 };
        return Some(core(at, last, v, Unit::Count, 1.0));
    }
    if let Some(sc) = scale_word(n) {
        return Some(core(at, at + 1, sc, Unit::Count, sc));
    }
    // "a third of the workforce", "fell by a quarter": not "a third term".
    let f = fraction(n).filter(|_| !n.ends_with('s'))?;
    // "a quarter of a million"
    let of_a = s.word(at + 2) == Some("of") && s.word(at + 3) == Some("a");
    if let Some(sc) = s.word(at + 4).and_then(scale_word).filter(|_| of_a) {
        return Some(core(at, at + 4, f * sc, Unit::Count, f * sc));
    }
    let by = at > 0 && matches!(s.word(at - 1), Some("by"));
    (s.word(at + 2) == Some("of") || by).then(|| core(at, at + 1, f * 100.0, Unit::Percent, 1.0))
}

/// The value of number words from token `at`: "seven", "twenty five",
/// "twenty-eight thousand six hundred", "one hundred and twenty", "two
/// dozen". The last token read and the step of the last group.
fn number_words(s: &Sentence, at: usize) -> Option<(f64, usize, f64)> {
    let mut total = 0.0;
    let mut group: Option<f64> = None;
    let mut step = 1.0;
    let mut last = at;
    let mut k = at;
    while let Some(w) = s.word(k) {
        if let Some(v) = small_number(w) {
            // "twenty five" continues a group; "two three" does not.
            match group {
                None => group = Some(v),
                Some(g) if g >= 20.0 && g % 10.0 == 0.0 && g < 100.0 && v < 10.0 => {
                    group = Some(g + v)
                }
                Some(g) if g % 100.0 == 0.0 && v < 100.0 => group = Some(g + v),
                Some(_) => break,
            }
            step = 1.0;
        } else if w == "hundred" && group.is_some_and(|g| g < 100.0) {
            group = group.map(|g| g * 100.0);
            step = 100.0;
        } else if w == "dozen" && group.is_some() {
            group = group.map(|g| g * 12.0);
        } else if let Some(sc) = scale_word(w).filter(|&sc| sc >= 1e3) {
            let Some(g) = group.take() else { break };
            total += g * sc;
            step = if step == 100.0 { sc * 100.0 } else { sc };
        } else if w == "and"
            && group.is_some_and(|g| g % 100.0 == 0.0)
            && s.word(k + 1).and_then(small_number).is_some()
        {
            k += 1;
            continue;
        } else {
            break;
        }
        last = k;
        k += 1;
    }
    let value = total + group.unwrap_or(0.0);
    (last >= at && (group.is_some() || total > 0.0)).then_some((value, last, step))
}

/// The currency written before token `i`: a sign ("$", "US$", "€"), or a
/// code and a space ("USD 1,700"). The currency and its first token.
fn currency_before(s: &Sentence, i: usize) -> Option<(Unit, usize)> {
    let start = s.toks[i].start;
    let before = &s.text[s.range.start..start];
    let (u, at) = match unit::currency_before(before) {
        Some((u, n)) => (u, start - n),
        None => {
            let spaced = before.strip_suffix(' ')?;
            let (u, n) = unit::currency_before(spaced)?;
            let form = &spaced[spaced.len() - n..];
            if !(form.len() == 3 && form.bytes().all(|b| b.is_ascii_uppercase())) {
                return None;
            }
            (u, start - 1 - n)
        }
    };
    let k = (0..i).rev().find(|&k| s.toks[k].start == at)?;
    Some((u, k))
}

/// "-1.3%", "−5", "minus 12 degrees": a sign written before the number.
fn signed(s: &Sentence, c: &mut Core) {
    let f = c.first;
    if f > 0 && s.word(f - 1) == Some("minus") {
        c.value = -c.value;
        c.first = f - 1;
        return;
    }
    let is_minus = f > 0 && matches!(s.toks[f - 1].kind, TokenKind::Punct('-' | '−'));
    // A dash between two numbers joins a range; a dash that opens a
    // number is its sign.
    let opens = is_minus
        && s.adjacent(f - 1, f)
        && (f == 1
            || !s.adjacent(f - 2, f - 1)
            || matches!(s.toks[f - 2].kind, TokenKind::Punct('(' | '[')));
    if opens && s.word(f).is_none() {
        c.value = -c.value;
        c.first = f - 1;
    }
}

/// Units written after the number: "%", "percent", "per cent", "+",
/// "percentage points", "mph", "degrees Fahrenheit", "-year-old",
/// "dollars", "USD".
fn unit_after(s: &Sentence, c: &mut Core) {
    let n = c.last + 1;
    if s.toks.get(n).is_some_and(|t| t.is_punct('%'))
        || matches!(s.word(n), Some("percent" | "pct"))
    {
        c.unit = Unit::Percent;
        c.last = n;
    } else if s.word(n) == Some("per") && s.word(n + 1) == Some("cent") {
        c.unit = Unit::Percent;
        c.last = n + 1;
    } else if s.toks.get(n).is_some_and(|t| t.is_punct('+')) && s.adjacent(c.last, n) {
        c.plus = true;
        c.last = n;
        return;
    }
    if matches!(c.unit, Unit::Percent) {
        if matches!(s.word(c.last + 1), Some("point" | "points")) {
            c.unit = Unit::Measure("percentage-point".into());
            c.last += 1;
        }
        return;
    }
    if !matches!(c.unit, Unit::Count) {
        return;
    }
    let end = s.toks[c.last].end;
    let rest = &s.text[end..s.range.end];
    let glued = !rest.starts_with(char::is_whitespace);
    let trimmed = rest.trim_start_matches([' ', '\u{a0}']);
    if rest.len() - trimmed.len() > 1 {
        return;
    }
    let found = unit::unit_after(trimmed, glued).or_else(|| {
        // "a 13.1-mile course", "12-hour shifts", "a 90,000-square-foot school"
        let compound = trimmed.strip_prefix('-').filter(|_| glued)?;
        unit::unit_after(compound, false).map(|(u, n)| (u, n + 1))
    });
    if let Some((u, len)) = found {
        let to = end + (rest.len() - trimmed.len()) + len;
        if let Some(k) = token_ending_at(s, c.last + 1, to) {
            c.unit = u;
            c.last = k;
        }
    }
}
