//! How far a figure reaches and which side of a change it is: the
//! qualifier phrase before it, a range's second end ("50,000 to 100,000",
//! "between 5 and 10"), and "from … to" around it.

use super::super::text::TokenKind;
use super::band::read_qualifier;
use super::not_quantity::excluded;
use super::number::read_core;
use super::sentence::{Core, Sentence};
use super::words::{ARTICLES, CHANGE_STEMS, PASSING_VERBS};
use super::{Qualifier, Side, Unit};

/// The tokens a figure covers and how its words qualify it.
pub(super) struct Reach {
    /// The first token of its qualifier phrase ("more than"), or of its core.
    pub qual_start: usize,
    /// The first token of its span: `qual_start`, or the "between" of a range.
    pub start: usize,
    /// Its last token: a range's second end, or the core's last token.
    pub end: usize,
    pub qualifier: Qualifier,
    pub side: Side,
}

/// Reads the qualifier, side and range around `core`, which becomes a
/// range when a second end follows.
pub(super) fn read_reach(s: &Sentence, core: &mut Core) -> Reach {
    let (qual_start, prefix) = read_qualifier(s, core.first);
    let mut qualifier = prefix.unwrap_or(core.qualifier);
    if qualifier == Qualifier::Exact && passed(s, qual_start, core.last) {
        qualifier = Qualifier::MoreThan;
    }
    let side = side_of(s, qual_start, core.last);
    let mut end = core.last;
    if core.upper.is_none() && side == Side::None {
        if let Some(last) = join_range(s, core, qual_start) {
            end = last;
            qualifier = Qualifier::Range;
        }
    }
    if core.plus {
        qualifier = Qualifier::Plus;
    }
    // "between 9,000 and 12,000": the range's first word is its own.
    let between = qualifier == Qualifier::Range
        && qual_start > 0
        && s.word(qual_start - 1) == Some("between");
    Reach {
        qual_start,
        start: qual_start - usize::from(between),
        end,
        qualifier,
        side,
    }
}

/// "Death toll passes 5,000": a verb that puts the count past the figure,
/// which ends its clause (no noun after it: "passed 12 amendments").
fn passed(s: &Sentence, qual_start: usize, last: usize) -> bool {
    let verb = qual_start
        .checked_sub(1)
        .and_then(|k| s.word(k))
        .is_some_and(|w| PASSING_VERBS.contains(&w));
    let ends = match s.toks.get(last + 1) {
        None => true,
        Some(t) if !t.is_word() => true,
        Some(_) => s.stopword(last + 1),
    };
    verb && ends
}

/// Is there a verb of change among the `n` words before token `k`?
fn change_before(s: &Sentence, k: usize, n: usize) -> bool {
    (k.saturating_sub(n)..k)
        .any(|j| s.word(j).is_some() && CHANGE_STEMS.contains(&s.stem(j).as_str()))
}

/// "raise the fare from $2.25 to $2.75", "up from $2.25": the old value
/// of a change; "rose to 35": the new one.
fn side_of(s: &Sentence, qual_start: usize, last: usize) -> Side {
    // "up from the 1,150 it announced": past an article or possessive.
    let the = qual_start >= 2
        && s.word(qual_start - 1)
            .is_some_and(|w| ARTICLES.contains(&w));
    let from_at = qual_start.checked_sub(1 + usize::from(the));
    if let Some(from) = from_at.filter(|&k| s.word(k) == Some("from")) {
        let then_to = s.word(last + 1) == Some("to");
        if change_before(s, from, 8) || !then_to {
            return Side::From;
        }
    } else if qual_start >= 2
        && s.word(qual_start - 1) == Some("to")
        && s.word(qual_start - 2).is_some()
        && CHANGE_STEMS.contains(&s.stem(qual_start - 2).as_str())
    {
        return Side::To;
    }
    Side::None
}

/// Is token `j` the dash, "to" or "and" ("between 5 and 10") that joins a
/// range's two ends?
fn is_joiner(s: &Sentence, j: usize, qual_start: usize) -> bool {
    match s.toks.get(j).map(|t| &t.kind) {
        Some(TokenKind::Punct('-')) | Some(TokenKind::Punct('–')) => true,
        Some(TokenKind::Word { .. }) => {
            s.word(j) == Some("to")
                || (s.word(j) == Some("and")
                    && qual_start > 0
                    && s.word(qual_start - 1) == Some("between"))
        }
        _ => false,
    }
}

/// Widens `core` to a range when a second end follows it; the second
/// end's last token.
fn join_range(s: &Sentence, core: &mut Core, qual_start: usize) -> Option<usize> {
    let j = core.last + 1;
    // "gained 0.4 percent to 13,176" is a change and its result, not a
    // range; "rose 5 to 10 percent" is a range of the change.
    let by = qual_start > 0 && s.word(qual_start - 1) == Some("by");
    let bare = matches!(core.unit, Unit::Count);
    let joins = is_joiner(s, j, qual_start) && !by && (bare || !change_before(s, qual_start, 5));
    if !joins {
        return None;
    }
    let second = core_after(s, j + 1)?;
    let units_fit = core.unit.compatible(&second.unit)
        || bare
        || matches!(
            (&core.unit, &second.unit),
            (Unit::Money(_) | Unit::Measure(_), Unit::Count)
        );
    let low = range_low(core.value, second.value);
    if second.upper.is_some() || !units_fit || second.value <= low || excluded(s, &second) {
        return None;
    }
    // "$2.25 to $2.75": the second unit decides when the first is bare.
    if bare {
        core.unit = second.unit.clone();
    }
    core.value = low;
    core.upper = Some(second.value);
    core.per = core.per.or(second.per);
    core.step = core.step.min(second.step);
    Some(second.last)
}

/// "5 to 10 million": the scale of the second end applies to the first,
/// unless the range would then run backwards ("$200 to $4 million").
fn range_low(first: f64, second: f64) -> f64 {
    let scale = 10f64.powi((second.abs().log10().floor() as i32 / 3) * 3);
    let scaled = second >= 1e3 && first < 1e3 && first * scale <= second && second / first > 100.0;
    if scaled {
        first * scale
    } else {
        first
    }
}

/// The number a range's second end starts with, at token `k` or right
/// after a currency sign there ("$2.25 to $2.75").
fn core_after(s: &Sentence, k: usize) -> Option<Core> {
    match s.toks.get(k)?.kind {
        TokenKind::Punct(_) => read_core(s, k + 1).filter(|c| c.first == k),
        _ => read_core(s, k),
    }
}
