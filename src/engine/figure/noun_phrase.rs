//! The thing a figure counts: the noun phrase after it, or the noun
//! before it when none follows.

use super::super::lexicon;
use super::super::text::{self, Term, TokenKind};
use super::number::{scale_word, small_number, vague_plural};
use super::range::Reach;
use super::sentence::{Core, Indices, Sentence};
use super::words::*;
use super::{Period, Role, Unit};
use std::ops::Range;

/// The thing a figure counts, as its sentence says it.
pub(super) struct NounPhrase {
    pub role: Role,
    pub per: Option<Period>,
    /// "a 300-seat theatre": the figure gives the noun's size.
    pub sized: bool,
    /// The head noun's lemma; none for a goal, a capacity or a plan.
    pub head: Option<Term>,
    /// The head noun's token, when it comes before the figure.
    pub head_before: Option<usize>,
    /// The phrase as written, and where.
    pub noun: String,
    pub span: Range<usize>,
    /// The noun came before the number ("The death toll rose to 6").
    pub first: bool,
    pub modifiers: Vec<Term>,
    pub proper: Vec<Term>,
    /// The phrase's tokens, none when its head is a goal word.
    pub words: Indices,
    /// The phrase's tokens as read, for the frame ("goal" among them).
    pub frame_words: Indices,
    /// The phrase's last token (a trailing rate's included).
    pub end: usize,
}

/// Reads what the figure at `reach` counts.
pub(super) fn read(s: &Sentence, core: &Core, reach: &Reach, figure_text: &str) -> NounPhrase {
    let (mut role, j) = role_after(s, core, reach, figure_text);
    if whole_before(s, reach.start) {
        role = Role::Whole;
    }
    let (mut per, sized, np_start) = compound_after(s, core, reach.end, j);
    let (mut head, mut words, j) = words_after(s, core, np_start, &mut per);
    // "$3.1 million in overtime": money names its thing after a preposition.
    if words.is_empty() && matches!(core.unit, Unit::Money(_)) {
        words = money_object(s, j);
        head = words.last().copied();
    }
    // Fillers are not the thing counted.
    while words
        .last()
        .is_some_and(|&k| NP_FILLERS.contains(&&s.words[k]))
    {
        words.pop();
    }
    if head.is_none_or(|h| !words.contains(&h)) {
        head = words.last().copied();
    }
    // "The death toll rose to 6", "Evictions have topped 12,000": the
    // noun before the number, when none follows it.
    let mut noun_first = np_start;
    if head.is_none() && words.is_empty() {
        if let Some((h, before)) = noun_before(s, reach.qual_start) {
            head = Some(h);
            noun_first = before.first().copied().unwrap_or(h);
            words = before;
            words.push(h);
        }
    }
    let mut end = head.unwrap_or(j.saturating_sub(1));
    let first = noun_first < reach.qual_start;
    // "The average wage is about $58,000 a year": a noun before the
    // figure leaves its rate right after it.
    let rate_at = if head.is_some() && !first {
        end + 1
    } else {
        np_start
    };
    if let Some(p) = trailing_rate(s, rate_at) {
        per = Some(p);
        if !first {
            end = rate_at + 1;
        }
    }
    let (noun, span) = if first {
        let r = s.toks[noun_first].start..s.toks[end].end;
        (text::squash(&s.text[r.clone()]), r)
    } else {
        noun_after(s, np_start, end, head.is_some() || per.is_some(), reach.end)
    };
    // "the 3,000-per-day goal": a goal is what the figure is, not what it
    // counts. The thing counted is left open and the frame says "goal".
    let frame_words = words.clone();
    if head.is_some_and(|h| names_the_figure(&s.words[h])) {
        head = None;
        words.clear();
    }
    let (modifiers, proper) = modifiers_and_names(s, &words, head, &mut per);
    NounPhrase {
        role,
        per,
        sized,
        head: head.map(|h| lexicon::lemma(s.raw(h))),
        head_before: head.filter(|_| first),
        noun,
        span,
        first,
        modifiers,
        proper,
        words,
        frame_words,
        end,
    }
}

/// A goal, a capacity or a plan: what the figure is, not what it counts.
fn names_the_figure(w: &str) -> bool {
    TARGET_WORDS.contains(&w) || CAPACITY_WORDS.contains(&w) || PLAN_WORDS.contains(&w)
}

/// The figure's role from the words right after it ("a dozen of the 25":
/// a part), and the token its noun phrase starts at ("half of the
/// offices", "112 miles of wire", "six of the routes": past the "of").
fn role_after(s: &Sentence, core: &Core, reach: &Reach, figure_text: &str) -> (Role, usize) {
    let j = reach.end + 1;
    let half = figure_text
        .get(figure_text.len().saturating_sub(4)..)
        .is_some_and(|end| end.eq_ignore_ascii_case("half"));
    if s.word(j) != Some("of") {
        let the = s.word(j).is_some_and(|w| WHOLE_DETERMINERS.contains(&w));
        return (Role::Plain, j + usize::from(half && the));
    }
    let mut k = j + 1;
    if s.word(k).is_some_and(|w| OF_DETERMINERS.contains(&w)) {
        k += 1;
        // "six of the city's 53 routes"
        if s.possessive(k) {
            k += 1;
        }
    }
    // "about 220 of the plant's roughly 330 workers"
    let qualified = s
        .word(k)
        .is_some_and(|w| QUALIFIERS.iter().any(|(p, _)| p == &[w]));
    let k_number = k + usize::from(qualified);
    if matches!(
        s.toks.get(k_number).map(|t| &t.kind),
        Some(TokenKind::Number(_))
    ) || s.word(k_number).is_some_and(|w| small_number(w).is_some())
        || s.word(k) == Some("a")
    {
        return (Role::Part, j);
    }
    // "all 112 of its precincts", "six of the routes": a count of the
    // definite whole's things, a part of them unless "all" makes it the
    // whole.
    let of_the = k > j + 1 && matches!(core.unit, Unit::Count);
    if of_the {
        let all = reach.start > 0 && s.word(reach.start - 1) == Some("all");
        return (if all { Role::Plain } else { Role::Part }, k);
    }
    let of_thing = reach.qualifier == super::Qualifier::Vague
        || core.value == 50.0 && figure_text.ends_with("half")
        || matches!(core.unit, Unit::Percent | Unit::Measure(_));
    (Role::Plain, if of_thing { k } else { j })
}

/// "a dozen of the 25 directors": is the figure starting at token `start`
/// the whole of a part before it?
fn whole_before(s: &Sentence, start: usize) -> bool {
    let figure_at = |k: usize| {
        matches!(s.toks[k].kind, TokenKind::Number(_))
            || s.word(k).is_some_and(|w| {
                small_number(w).is_some()
                    || scale_word(w).is_some()
                    || vague_plural(w).is_some()
                    || COUNTING_NOUNS.contains(&w)
            })
    };
    // "six of the city's 53 routes": past an owner's name.
    let start = if start >= 4 && s.possessive(start - 1) {
        start - 1
    } else {
        start
    };
    start >= 3
        && s.word(start - 1)
            .is_some_and(|w| WHOLE_DETERMINERS.contains(&w))
        && s.word(start - 2) == Some("of")
        && figure_at(start - 3)
}

/// "3,000-per-day goal"; "a 300-seat theatre": a number in a compound
/// before a noun gives the noun's rate or size, not a count of anything.
/// The rate, whether it is a size, and the token the noun phrase starts at.
fn compound_after(
    s: &Sentence,
    core: &Core,
    end: usize,
    j: usize,
) -> (Option<Period>, bool, usize) {
    let glued = s.toks.get(j).is_some_and(|t| t.is_punct('-')) && s.adjacent(end, j);
    let Some(w) = s.word(j + 1).filter(|_| glued) else {
        return (core.per, false, j);
    };
    let p = w.strip_prefix("per-").or_else(|| w.strip_prefix("a-"));
    if let Some(p) = p.and_then(Period::from_word) {
        return (Some(p), false, j + 2);
    }
    let sized = s.adjacent(j, j + 1) && matches!(core.unit, Unit::Count) && s.word(j + 2).is_some();
    (core.per, sized, j)
}

/// The words after the figure that name what it counts, from token `j`,
/// up to a plural head: the head, the words, and the token after them. A
/// period adjective among them ("daily") sets `per`.
fn words_after(
    s: &Sentence,
    core: &Core,
    mut j: usize,
    per: &mut Option<Period>,
) -> (Option<usize>, Indices, usize) {
    let mut words = Indices::new();
    while words.len() < 5 {
        let Some(w) = s.word(j) else { break };
        if let Some(p) = Period::from_word(w) {
            if PERIOD_ADJECTIVES.contains(&w) || (w == "annual" && matches!(core.unit, Unit::Count))
            {
                *per = Some(p);
                j += 1;
                continue;
            }
        }
        if ends_noun_phrase(s, core, j, w, words.is_empty()) {
            break;
        }
        words.push(j);
        j += 1;
        let singular = core.value == 1.0 && core.upper.is_none();
        // "police officers", "staff members": a plural without -s before a
        // plural noun modifies it.
        let modifies = IRREGULAR_PLURALS.contains(&w)
            && s.word(j)
                .is_some_and(|n| looks_plural(n) && lexicon::is_noun(lexicon::lemma(n)));
        if looks_plural(w) && !singular && !modifies {
            return (Some(j - 1), words, j);
        }
    }
    (None, words, j)
}

/// Does the word `w` at token `j` end the noun phrase after a figure
/// (`first`: before any of its words)?
fn ends_noun_phrase(s: &Sentence, core: &Core, j: usize, w: &str, first: bool) -> bool {
    // "up from 4,800 last Thursday": a time is not what is counted.
    if is_month(w) || TIME_NOUNS.contains(&w) || text::DAY_WORDS.contains(&w) {
        return true;
    }
    // "3,050 damaged, 402 destroyed": a participle right after the
    // number is what happened to an unnamed noun, not the noun.
    if first
        && (w.len() > 4 && w.ends_with("ed") && !w.ends_with("eed")
            || core.value > 1.0 && bare_verb(s, j))
    {
        return true;
    }
    let filler = NP_FILLERS.contains(&w);
    if (s.stopword(j) && !filler) || small_number(w).is_some() || w.len() < 2 && w != "a" {
        return true;
    }
    !first && (w.ends_with("ing") || w.ends_with("ed")) && w.len() > 5
}

/// "$3.1 million in overtime", from token `j`: the words after a
/// preposition and an article.
fn money_object(s: &Sentence, j: usize) -> Indices {
    let mut words = Indices::new();
    if !s.word(j).is_some_and(|w| MONEY_PREPOSITIONS.contains(&w)) {
        return words;
    }
    let mut k = j + 1;
    if s.word(k).is_some_and(|w| ARTICLES.contains(&w)) {
        k += 1;
    }
    while words.len() < 3 {
        match s.word(k) {
            Some(w) if !s.stopword(k) && !s.capitalised(k) && small_number(w).is_none() => {
                words.push(k);
                k += 1;
            }
            _ => break,
        }
    }
    words
}

/// A rate at token `k`: "per day", "a day", "each year", also right after
/// the number ("$21.40 an hour").
fn trailing_rate(s: &Sentence, k: usize) -> Option<Period> {
    if !s.word(k).is_some_and(|w| RATE_WORDS.contains(&w)) {
        return None;
    }
    let w = s.word(k + 1)?;
    Period::from_word(w).filter(|_| !RATE_ADJECTIVES.contains(&w))
}

/// The noun phrase after the figure, from `start` to `end`, if it has a
/// head or a rate (`named`); else nothing, at the figure's end.
fn noun_after(
    s: &Sentence,
    start: usize,
    end: usize,
    named: bool,
    figure_end: usize,
) -> (String, Range<usize>) {
    if named && start <= end && end < s.toks.len() {
        let r = s.toks[start.min(end)].start..s.toks[end].end;
        let noun = text::squash(&s.text[r.clone()]);
        return (noun.trim_start_matches('-').to_string(), r);
    }
    let at = s.toks[figure_end].end;
    (String::new(), at..at)
}

/// The stems of a noun phrase's words other than its head, and of those
/// that are capitalised ("Border Patrol"): they name the thing. A period
/// word opening it ("Daily arrests rose") is a rate.
fn modifiers_and_names(
    s: &Sentence,
    words: &[usize],
    head: Option<usize>,
    per: &mut Option<Period>,
) -> (Vec<Term>, Vec<Term>) {
    let mut modifiers = Vec::new();
    let mut proper = Vec::new();
    for &k in words {
        if Some(k) == head || NP_FILLERS.contains(&&s.words[k]) {
            continue;
        }
        // "Daily arrests rose": a sentence's first capital names nothing.
        if words.first() == Some(&k) && Period::from_word(&s.words[k]).is_some() {
            *per = per.or(Period::from_word(&s.words[k]));
            continue;
        }
        let st = s.stem(k);
        let possessive = s.words[k].ends_with("'s");
        if s.capitalised(k) && (k > 0 || possessive) {
            proper.push(st);
        }
        modifiers.push(st);
    }
    (modifiers, proper)
}

/// "About 14,300 remain without power": is token `j`, right after a
/// number, the verb of a noun left out? A lower-case word that is no noun
/// and no plural, before a function word. (Before punctuation it may be a
/// noun WordNet does not know.)
pub(super) fn bare_verb(s: &Sentence, j: usize) -> bool {
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

pub(super) fn looks_plural(w: &str) -> bool {
    IRREGULAR_PLURALS.contains(&w)
        || (w.len() > 2
            && w.ends_with('s')
            && !w.ends_with("ss")
            && !w.ends_with("us")
            && !w.ends_with("is")
            && !w.ends_with("'s"))
}

/// The noun before a figure that has none after it: "The death toll rose
/// to 6", "Turnout was 61 percent", "Ostrey's toll rose to four". Its
/// head's token and the tokens of its modifiers, in order.
pub(super) fn noun_before(s: &Sentence, start: usize) -> Option<(usize, Indices)> {
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
        if let Some(named) = count_of(s, k) {
            return Some(named);
        }
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
    let h = head_before_prepositional(s, h);
    Some((h, modifiers_before(s, h)))
}

/// "revised its count of dead fish in Wend Creek to about 4,000", "the
/// number of people treated for injuries tied to the fire has climbed to
/// 29": the nouns after a count word and "of", within the twelve words
/// before `to`, the token `k`.
fn count_of(s: &Sentence, k: usize) -> Option<(usize, Indices)> {
    let of = (k.saturating_sub(12)..k).rev().find(|&j| {
        j > 0 && s.word(j) == Some("of") && s.word(j - 1).is_some_and(|w| COUNT_WORDS.contains(&w))
    })?;
    let mut words = Indices::new();
    let mut j = of + 1;
    while j < k && words.len() < 3 {
        let Some(w) = s.word(j) else { break };
        let noun = lexicon::is_noun(lexicon::lemma(w));
        if s.stopword(j) || s.capitalised(j) || small_number(w).is_some() || !noun {
            break;
        }
        words.push(j);
        j += 1;
    }
    let h = words.pop()?;
    Some((h, words))
}

/// "The average wage at the plant is": the noun at token `h` ends a
/// prepositional phrase after the head it belongs to; that head, or `h`.
fn head_before_prepositional(s: &Sentence, h: usize) -> usize {
    let mut k = h;
    if k > 0 && s.word(k - 1).is_some_and(|w| ARTICLES.contains(&w)) {
        k -= 1;
    }
    let of_phrase = k >= 2
        && s.word(k - 1)
            .is_some_and(|w| NOUN_PREPOSITIONS.contains(&w));
    match s.word(k.wrapping_sub(2)).filter(|_| of_phrase) {
        Some(w)
            if !s.stopword(k - 2)
                && !s.capitalised(k - 2)
                && !COUNT_WORDS.contains(&w)
                && !w.ends_with("ed")
                && lexicon::is_noun(lexicon::lemma(w)) =>
        {
            k - 2
        }
        _ => h,
    }
}

/// Up to two content words before a noun at token `h` ("death" in "the
/// death toll", "Ostrey's" in "Ostrey's toll").
pub(super) fn modifiers_before(s: &Sentence, h: usize) -> Indices {
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
