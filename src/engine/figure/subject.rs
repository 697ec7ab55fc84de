//! Whose figure it is: the name it belongs to, in its sentence or the
//! one before.

use super::super::lexicon;
use super::super::text::{self, lex, stem, Term, Token, TokenKind};
use super::number;
use super::sentence::Core;
use super::sentence::Sentence;
use super::words::*;
use super::{Figure, Unit};
use std::ops::Range;

/// Pronouns that may open a sentence as the subject of its clause.
pub(super) const SUBJECT_PRONOUNS: &[&str] = &["it", "they"];

/// "Port Selwyn Regional Airport returned to its full schedule. It
/// canceled 585 flights": a sentence that opens with a pronoun as its
/// subject tells the figures of its first clause for the name that opens
/// the sentence before.
pub(super) fn from_sentence_before(
    text: &str,
    sentences: &[Range<usize>],
    i: usize,
    figures: &mut [Figure],
) {
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
pub(super) fn opening_name(text: &str, toks: &[Token]) -> Vec<Term> {
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

/// The name a figure belongs to (see `Figure::subject`): after "in", "at"
/// or "for" among the words after it (`after`), else the capitalised run
/// right before the verb before it. Stems, lower case.
pub(super) fn subject_of(s: &Sentence, start: usize, after: &[usize]) -> Vec<Term> {
    let run_from = |k: usize| -> Vec<Term> {
        let mut k = k;
        if s.word(k) == Some("the") {
            k += 1;
        }
        // "in the state of Morelos": a body's kind, then its name.
        if !s.capitalised(k) && s.word(k + 1) == Some("of") && s.capitalised(k + 2) {
            k += 2;
        }
        let mut out = Vec::new();
        while k < s.toks.len() && s.capitalised(k) && s.word(k).is_some() && out.len() < 4 {
            out.push(s.stem(k));
            k += 1;
            // "the State of Mexico", "the Bank of England": one name.
            if s.word(k) == Some("of") && s.capitalised(k + 1) && s.word(k + 1).is_some() {
                k += 1;
            }
        }
        out
    };
    // "15 miles south of Hualien City" (the compass word may have been
    // read as the figure's noun).
    for &k in after {
        let compass = k > 0 && s.word(k - 1).is_some_and(|x| COMPASS_WORDS.contains(&x));
        if compass && s.word(k) == Some("of") {
            let names = run_from(k + 1);
            if !names.is_empty() {
                return names;
            }
        }
    }
    for w in after.windows(2) {
        if matches!(s.word(w[0]), Some("in" | "at" | "for")) {
            let names = run_from(w[1]);
            if !names.is_empty() && !names.iter().any(|t| is_time_name(t)) {
                return names;
            }
        }
    }
    // "Ashmere County, which is writing its own budget, would close two of
    // its 24 branches": the name that opens the sentence.
    if start > 0
        && s.word(start - 1)
            .is_some_and(|w| OWNING_PRONOUNS.contains(&w))
    {
        let name = opening_name(s.text, &s.toks);
        if !name.is_empty() {
            return name;
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
            // "Last night 6,050 people stayed": a time, and no one's name.
            Some(_) if lexicon::time_kind(&s.stem(k - 1)).is_some() => return Vec::new(),
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
    if verbs == 0 || plain || out.iter().any(|t| is_time_name(t)) || out.is_empty() {
        return fronted_place(s, start);
    }
    out
}

/// "In Lindell County, clinics have given 6,000 doses": the place a
/// sentence opens with, for a figure after its comma.
fn fronted_place(s: &Sentence, start: usize) -> Vec<Term> {
    if !matches!(s.word(0), Some("in" | "at")) {
        return Vec::new();
    }
    let mut k = 1;
    let mut out = Vec::new();
    while k < start && s.capitalised(k) && s.word(k).is_some() && out.len() < 4 {
        out.push(s.stem(k));
        k += 1;
    }
    let comma = k < start && s.toks[k].is_punct(',');
    if !comma || out.iter().any(|t| is_time_name(t)) {
        return Vec::new();
    }
    out
}

/// "Joanne Perrin, 54,": the capitalised name right before the comma
/// before token `first`, whose age the figure is. Stems, lower case.
pub(super) fn named_before_comma(s: &Sentence, first: usize) -> Option<Vec<Term>> {
    let comma = first.checked_sub(1).filter(|&c| s.toks[c].is_punct(','))?;
    let mut k = comma;
    let mut out = Vec::new();
    while k > 0 && s.capitalised(k - 1) && s.word(k - 1).is_some() && out.len() < 4 {
        k -= 1;
        out.insert(0, s.stem(k));
    }
    (!out.is_empty() && !out.iter().any(|t| is_time_name(t))).then_some(out)
}

/// The name the figure with `core`, whose qualifier starts at token
/// `start`, belongs to, with `after` the words after it: the person before
/// the comma for an age ("Joanne Perrin, 54,"), else `subject_of`.
pub(super) fn of_figure(s: &Sentence, core: &Core, start: usize, after: &[usize]) -> Vec<Term> {
    match &core.unit {
        Unit::Measure(code) if code == "age" => named_before_comma(s, core.first),
        _ => None,
    }
    .unwrap_or_else(|| subject_of(s, start, after))
}
