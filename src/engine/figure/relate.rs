//! Figures read together: what one figure of a sentence tells about the
//! next. A change's size and its result, the two ends of "from … to", a
//! part and its whole, and a noun left out that the figure before names.

use super::super::lexicon;
use super::noun_phrase::bare_verb;
use super::sentence::Sentence;
use super::words::{ARTICLES, INSTEAD_WORDS, PARTITIVE_PRONOUNS};
use super::{Direction, Figure, Role, Side, Unit};

/// Relates the figures of the sentence `s`, `out[first..]`, to each other
/// and to the figure before them, which may close the sentence before.
pub(super) fn relate(s: &Sentence, out: &mut [Figure], first: usize) {
    change_and_result(s.text, &mut out[first..]);
    instead_of(s.text, &mut out[first..]);
    from_and_to(s.text, &mut out[first..]);
    partitive_pronouns(s.text, out, first);
    elided_nouns(s, out, first);
    parts_and_wholes(&mut out[first..]);
}

/// A figure that names neither unit nor noun ("from 4,200"): it is in
/// the unit of the figure it is read with.
fn bare(f: &Figure) -> bool {
    f.unit == Unit::Count && f.noun.is_empty()
}

/// The words from `from` to `to`, less an article right before `to` ("up
/// from the 1,150", "rather than the 4.5%") when other words come first.
fn words_before_figure(text: &str, from: usize, to: usize) -> Vec<&str> {
    let mut words: Vec<&str> = text
        .get(from.min(to)..to)
        .unwrap_or("")
        .split_whitespace()
        .collect();
    if words.len() > 1
        && words
            .last()
            .is_some_and(|w| ARTICLES.contains(&w.to_lowercase().as_str()))
    {
        words.pop();
    }
    words
}

/// `old`, the old value of a change, counts what `new` counts, in its unit
/// when it names none.
fn old_counts_as_new(old: &mut Figure, new: Figure) {
    if bare(old) {
        old.unit = new.unit.clone();
    }
    counts_what(old, new);
}

/// The words between two figures, trimmed.
fn between<'t>(text: &'t str, a: &Figure, b: &Figure) -> Option<&'t str> {
    text.get(a.span.end..b.span.start).map(str::trim)
}

/// "gained 0.4 percent to 13,176", "fell by a quarter to 90": the size of
/// a change, then its result.
fn change_and_result(text: &str, out: &mut [Figure]) {
    for k in 0..out.len().saturating_sub(1) {
        let (a, b) = (&out[k], &out[k + 1]);
        if a.direction.is_some()
            && a.side == Side::None
            && b.side == Side::None
            && between(text, a, b) == Some("to")
        {
            out[k + 1].side = Side::To;
            out[k + 1].direction = out[k].direction;
        }
    }
}

/// "will cut 150 positions instead of 210", "by 3.9% rather than 4.5%":
/// the first figure is the new value, and the second the old one, which
/// counts what the first counts.
fn instead_of(text: &str, out: &mut [Figure]) {
    for k in 1..out.len() {
        let tail = words_before_figure(text, out[k - 1].span.end, out[k].span.start).join(" ");
        let replaced = INSTEAD_WORDS.iter().any(|w| tail.ends_with(w));
        let compatible = out[k - 1].unit.compatible(&out[k].unit) || bare(&out[k]);
        if !replaced || !compatible || out[k - 1].side != Side::None || out[k].side != Side::None {
            continue;
        }
        out[k - 1].side = Side::To;
        out[k - 1].was = Some(out[k].value);
        out[k].now = Some(out[k - 1].value);
        out[k].side = Side::From;
        // "instead of 210,": no noun follows, and the words before it
        // ("next year instead") are none.
        if out[k].head.is_none() || out[k].noun_first {
            let new = out[k - 1].clone();
            old_counts_as_new(&mut out[k], new);
        }
    }
}

/// "from $2.25 to $2.75": the second figure is the new value; "$2.50, up
/// from $2.25": the first is. The old value counts what the new one counts.
fn from_and_to(text: &str, out: &mut [Figure]) {
    for k in 0..out.len() {
        if out[k].side != Side::From {
            continue;
        }
        if out
            .get(k + 1)
            .is_some_and(|next| between(text, &out[k], next) == Some("to"))
        {
            out[k + 1].side = Side::To;
            let dir = out[k].direction.or(out[k + 1].direction);
            out[k].direction = dir;
            out[k + 1].direction = dir;
        }
        // "to about 5,600 gallons, from 4,200": a bare old value is in the
        // new value's unit.
        if k > 0
            && out[k - 1].side == Side::None
            && (out[k - 1].unit.compatible(&out[k].unit) || bare(&out[k]))
        {
            up_from(text, &mut out[k - 1..=k]);
        }
        let partner = if out.get(k + 1).is_some_and(|n| n.side == Side::To) {
            Some(k + 1)
        } else if k > 0 && out[k - 1].side == Side::To {
            Some(k - 1)
        } else {
            None
        };
        if let Some(p) = partner {
            out[p].was = Some(out[k].value);
            out[k].now = Some(out[p].value);
        }
        if let Some(p) = partner.filter(|_| out[k].head.is_none()) {
            let to = out[p].clone();
            old_counts_as_new(&mut out[k], to);
        }
    }
}

/// "$2.50, up from $2.25": `pair` is a plain figure and the old value
/// right after it; "from" within eight words makes the first the new
/// value, and "up" or "down" before "from" moves both the same way.
fn up_from(text: &str, pair: &mut [Figure]) {
    let words = words_before_figure(text, pair[0].span.end, pair[1].span.start);
    if words.last() != Some(&"from") || words.len() > 8 {
        return;
    }
    pair[0].side = Side::To;
    // "will cut 1,400 jobs, up from 1,150": a figure whose own verb says
    // which way it goes (cuts) keeps that way; "up" is the change of it.
    let dir = pair[0].direction.or(match words.iter().rev().nth(1) {
        Some(&"up") => Some(Direction::Up),
        Some(&"down") => Some(Direction::Down),
        _ => None,
    });
    if dir.is_some() {
        pair[0].direction = dir;
        pair[1].direction = dir;
    }
}

/// "40 arrests … six of them were released": six counts what the figure
/// before it counts, as a part, in another event.
fn partitive_pronouns(text: &str, out: &mut [Figure], first: usize) {
    for k in first.max(1)..out.len() {
        let after = text.get(out[k].span.end..).unwrap_or("").trim_start();
        let pronoun = after
            .strip_prefix("of ")
            .is_some_and(|rest| PARTITIVE_PRONOUNS.iter().any(|p| rest.starts_with(p)));
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
}

/// "About 200 workers crowded in, and a couple of dozen more stood
/// outside": "more" and a word that is no noun name the same thing as the
/// figure before; so does "others" ("Nine people died. At least 1,011
/// others were injured"). So does a figure whose next word is a verb ("of
/// the 412,300 customers who lost power. About 14,300 remain").
fn elided_nouns(s: &Sentence, out: &mut [Figure], first: usize) {
    for k in first.max(1)..out.len() {
        let next = s.toks.partition_point(|t| t.end <= out[k].span.end);
        let elided = out[k].noun.split_whitespace().next() == Some("more")
            && out[k].head.is_none_or(|h| !lexicon::is_noun(h))
            || out[k].noun.eq_ignore_ascii_case("others")
            || out[k].noun.is_empty() && out[k].value > 1.0 && bare_verb(s, next);
        if elided && out[k - 1].head.is_some() && out[k - 1].unit.compatible(&out[k].unit) {
            let before = out[k - 1].clone();
            let more = &mut out[k];
            more.head = before.head;
            more.modifiers = before.modifiers;
            more.noun = before.noun;
        }
    }
}

/// "short of the 3,000-per-day goal" is not a whole: only a figure after
/// a part ("a dozen of the 25") is. A part counts what its whole counts.
fn parts_and_wholes(out: &mut [Figure]) {
    for k in 0..out.len() {
        if out[k].role == Role::Whole && (k == 0 || out[k - 1].role != Role::Part) {
            out[k].role = Role::Plain;
        }
    }
    for k in 0..out.len() {
        if out[k].role != Role::Part {
            continue;
        }
        let Some(w) = out[k + 1..].iter().position(|f| f.role == Role::Whole) else {
            continue;
        };
        let whole = out[k + 1 + w].clone();
        let event = whole.event;
        counts_what(&mut out[k], whole);
        // "611 of its 23,900 ballots were rejected": the verb after the
        // whole tells what happened to the part.
        if out[k].event.is_none() {
            out[k].event = event;
            out[k + 1 + w].event = None;
        }
    }
}

/// `figure` counts what `other` counts: its noun phrase, and its rate
/// when it has none of its own.
fn counts_what(figure: &mut Figure, other: Figure) {
    figure.head = other.head;
    figure.modifiers = other.modifiers;
    figure.proper = other.proper;
    figure.noun = other.noun;
    figure.noun_span = other.noun_span;
    figure.noun_first = other.noun_first;
    figure.per = figure.per.or(other.per);
}
