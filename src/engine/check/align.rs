//! How two figures align: whether they count the same thing, and closely
//! enough to call one wrong; and how their values relate.

use super::*;

/// The words near a figure: its clause and its lower-case modifiers.
pub(super) fn near_words(f: &Figure) -> impl Iterator<Item = &Term> {
    f.local
        .iter()
        .chain(f.modifiers.iter().filter(|m| !f.proper.contains(m)))
}

/// How two figures align: how sure we are that they count the same
/// thing, and whether the alignment is strong enough to call the draft's
/// figure wrong when the values differ. A weak alignment may support a
/// figure, never contradict it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Alignment {
    pub score: f32,
    pub strong: bool,
}

/// How two figures align, or `None` if they count different things.
/// Figures of one thing whose numbers are one number mistyped (its digits
/// transposed, "14,518" for "14,581"; its scale slipped, "$3.1 million"
/// for "$3.1 billion"; its period changed, "$65,000 a week" for "a
/// month") align strongly: a desk editor reads them as one figure.
pub fn same_thing(d: &Figure, s: &Figure) -> Option<Alignment> {
    let score = thing_score(d, s)?;
    Some(Alignment {
        score,
        strong: strongly_aligned(d, s) || mistyped(d, s),
    })
}

/// Are two values one number, but for the rounding of arithmetic?
pub(super) fn same_value(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9 * b.abs().max(1.0)
}

/// Is the draft's number the source's, mistyped: the same digits in
/// another order or at another scale word, in the same unit, or the same
/// value for another period? Needs two significant digits: "12" and "21"
/// say little.
pub(super) fn mistyped(d: &Figure, s: &Figure) -> bool {
    if d.per.is_some() && s.per.is_some() && d.per != s.per {
        return same_value(d.value, s.value);
    }
    let digits = |f: &Figure| -> Vec<u8> {
        let mut v: Vec<u8> = f.text.bytes().filter(u8::is_ascii_digit).collect();
        while v.len() > 1 && v.last() == Some(&b'0') {
            v.pop();
        }
        v
    };
    let (a, b) = (digits(d), digits(s));
    // A slip changes the digits, not the words around them: "52" is no
    // slip of "more than 25".
    if a.len() < 2
        || a.len() != b.len()
        || d.qualifier == Qualifier::Vague
        || bound(d.qualifier) != bound(s.qualifier)
    {
        return false;
    }
    let (mut x, mut y) = (a.clone(), b.clone());
    x.sort_unstable();
    y.sort_unstable();
    // A slip keeps the unit as written, and moves the number by a scale
    // word ("million" for "billion") or within its own order: "150 miles"
    // is no slip of "15 feet", nor "$1.5 billion" of "$15 billion".
    let (ratio, thousands) = ratio_of(d, s);
    x == y && (a != b || d.value != s.value) && d.unit == s.unit && (ratio < 10.0 || thousands)
}

/// Which side a qualifier bounds a figure on, if it bounds it: "more
/// than" and "at least" from below, "fewer than" and "up to" from above.
fn bound(q: Qualifier) -> Option<bool> {
    use Qualifier::*;
    match q {
        MoreThan | AtLeast | Plus => Some(true),
        LessThan | UpTo | Nearly => Some(false),
        _ => None,
    }
}

/// Is the draft's number the source's at another scale ("$6 million" for
/// "$6 billion")? Unlike transposed digits, no count moving over a few
/// days comes to that by chance.
pub(super) fn scale_slipped(d: &Figure, s: &Figure) -> bool {
    let (ratio, thousands) = ratio_of(d, s);
    mistyped(d, s) && ratio > 1.0 && thousands
}

/// How many times the larger value is the smaller, and whether that is a
/// whole power of a thousand (1, 1,000, 1,000,000…).
fn ratio_of(d: &Figure, s: &Figure) -> (f64, bool) {
    let (a, b) = (d.value.abs(), s.value.abs());
    let ratio = a.max(b) / a.min(b).max(f64::MIN_POSITIVE);
    let scale = ratio.log10() / 3.0;
    (ratio, (scale - scale.round()).abs() < 1e-6)
}

/// Do the frames of two figures that count the same thing align closely
/// enough to say one is wrong: same counted noun, the same named owner
/// (both or neither), the same kind of figure, and no clash of events?
/// Without a noun on both sides, the clauses must say the same: half the
/// words of the two sentences shared, and two nearby words.
pub(super) fn strongly_aligned(d: &Figure, s: &Figure) -> bool {
    // An event one side names must be the other's too: named there, or
    // at least in its sentence ("1,050 people were injured" is not "143
    // people, many of them tourists, were feared trapped").
    let events = match (d.event, s.event) {
        (Some(a), Some(b)) => lexicon::same_act(a, b),
        (Some(a), None) => s.context.contains(&a),
        (None, Some(b)) => d.context.contains(&b),
        (None, None) => true,
    };
    // A plan and a fact may be the same thing (`thing_score` has checked
    // their clauses); a goal or a capacity is never an actual count.
    let frames = d.frame == s.frame
        || matches!(
            (d.frame, s.frame),
            (Frame::Plan, Frame::Actual) | (Frame::Actual, Frame::Plan)
        );
    // What there is ("had 12,700 employees") is not what was done ("laid
    // off 4,500 employees").
    let stock = |f: &Figure| f.governor == Some(figure::stock_mark());
    let acts = |f: &Figure| f.governor.is_some() && !stock(f) || f.event.is_some();
    let stock_and_act = stock(d) && acts(s) || stock(s) && acts(d);
    // "cut from six devices to four" against "four devices": the old end
    // of a change is not a source's plain, current count to contradict
    // (though the same number there is that count, since changed).
    let old_end = matches!(
        (d.side, s.side),
        (Side::From, Side::None) | (Side::None, Side::From)
    ) && !same_value(d.value, s.value);
    // "will cut 1,400, up from the 1,150 it announced": a source's 1,150
    // is the old value the draft itself gives, not a contradiction.
    let draft_old = d.side == Side::To && d.was.is_some_and(|v| same_value(v, s.value));
    if !events
        || !frames
        || stock_and_act
        || old_end
        || draft_old
        || d.role != s.role
        || !plausible_slip(d, s)
        || !times_agree(d, s)
    {
        return false;
    }
    match (&d.head, &s.head) {
        // A broader noun ("people") may hold more than a narrower one
        // ("residents") counts: it is not contradicted by it.
        (Some(a), Some(b)) => {
            lexicon::kinship(*a, *b) == Some(Kinship::Same)
                && owners_agree(d, s)
                && !modifiers_clash(d, s)
                && clauses_agree(d, s, text::stem(a))
        }
        _ => {
            let shared = d.context.iter().filter(|w| s.context.contains(w)).count();
            let union = d.context.len() + s.context.len() - shared;
            let near = near_words(d)
                .filter(|w| near_words(s).any(|x| x == *w))
                .count();
            // The same end of the same change ("up from $2.25", "rise from
            // $2.25 to $2.75") in sentences about the same thing.
            let same_end = d.side != Side::None
                && d.side == s.side
                && d.direction.is_some()
                && d.direction == s.direction
                && shared >= 2;
            // "41, down from 51" against "to 41 from 55": the old end of a
            // change with the same new value.
            let same_change = d.side == Side::From
                && s.side == Side::From
                && matches!((d.now, s.now), (Some(a), Some(b)) if same_value(a, b));
            // A sentence taken nearly whole from the source, its number
            // changed, is the classic slip.
            let copied = union > 0 && 5 * shared >= 4 * union;
            (same_end || same_change || copied || union > 0 && 2 * shared >= union && near >= 2)
                && owners_agree(d, s)
        }
    }
}

/// Do two figures of one noun say the same of it ("remain in hospital",
/// "died")? A word near both, the same event, or a quarter of their
/// sentences' words besides the noun.
fn clauses_agree(d: &Figure, s: &Figure, head: Term) -> bool {
    near_words(d).any(|w| near_words(s).any(|x| x == w))
        || matches!((d.event, s.event), (Some(x), Some(y)) if lexicon::same_act(x, y))
        || clause_overlap(d, s, head) >= CLAUSE_AGREEMENT
}

/// How much of their sentences two figures share, besides the counted
/// noun: shared words over all words.
fn clause_overlap(d: &Figure, s: &Figure, head: Term) -> f32 {
    let words = |f: &Figure| f.context.iter().filter(|w| **w != head).count();
    let shared = d
        .context
        .iter()
        .filter(|w| **w != head && s.context.contains(w))
        .count();
    let union = words(d) + words(s) - shared;
    if union == 0 {
        0.0
    } else {
        shared as f32 / union as f32
    }
}

/// The share of sentence words two figures of one noun must have in
/// common, when no word near them is shared, to be one count.
const CLAUSE_AGREEMENT: f32 = 0.25;

/// The words of a figure's sentence that say a time, and their kinds.
fn times_of(f: &Figure) -> Vec<(Term, lexicon::TimeKind)> {
    f.context
        .iter()
        .filter_map(|t| lexicon::time_kind(t).map(|k| (*t, k)))
        .collect()
}

/// Were two figures taken at the same time, as far as their sentences
/// say? Not when each names a time and they share none ("on Monday",
/// "on Thursday"), nor when one is a snapshot within a day ("by Thursday
/// morning") and the other shares none of its times: a count that moves
/// through a day is not contradicted by another hour's.
pub(super) fn times_agree(d: &Figure, s: &Figure) -> bool {
    let (a, b) = (times_of(d), times_of(s));
    let shared = a.iter().any(|(t, _)| b.iter().any(|(u, _)| u == t));
    let snapshot =
        |x: &[(Term, lexicon::TimeKind)]| x.iter().any(|(_, k)| *k == lexicon::TimeKind::Part);
    if !a.is_empty() && !b.is_empty() && !shared {
        return false;
    }
    shared || !(snapshot(&a) || snapshot(&b))
}

/// Do two figures of one head noun belong to different kinds of body
/// ("county contracts", "city contracts", "the city's 24 branches" and
/// "Ashmere County … its 24 branches")? Both say what kind of body owns
/// the thing (`owner_kinds.tsv`) in a lower-case modifier, a possessive
/// before the figure or the name it belongs to; they share no kind, and
/// neither clause has the other's.
pub(super) fn modifiers_clash(d: &Figure, s: &Figure) -> bool {
    let (a, b) = (owner_kinds(d), owner_kinds(s));
    !a.is_empty()
        && !b.is_empty()
        && !a.iter().any(|m| b.contains(m) || s.local.contains(m))
        && !b.iter().any(|m| d.local.contains(m))
}

/// The kinds of body a figure says owns what it counts (see
/// `modifiers_clash`).
fn owner_kinds(f: &Figure) -> Vec<Term> {
    f.modifiers
        .iter()
        .filter(|m| !f.proper.contains(m))
        .chain(&f.governor)
        .chain(&f.subject)
        .filter(|m| lexicon::is_owner_kind(m))
        .copied()
        .collect()
}

/// Are two values close enough to be one figure misread: within ten
/// times of each other, or the same digits at another scale ("$28
/// million" for "$28 billion")?
pub(super) fn plausible_slip(d: &Figure, s: &Figure) -> bool {
    let (ratio, thousands) = ratio_of(d, s);
    ratio <= 10.0 || thousands
}

/// The names a figure belongs to: its noun's capitalised modifiers
/// ("Border Patrol agents", "Ostrey's toll") and its clause's subject,
/// less the words that only say what kind of body a name is ("Transit
/// Authority", "County": `lexicon/owner_kinds.tsv`).
pub(super) fn owners(f: &Figure) -> impl Iterator<Item = &Term> + Clone {
    f.proper
        .iter()
        .chain(&f.subject)
        .filter(|t| !lexicon::is_owner_kind(t))
}

/// Do two figures of one thing belong to the same name closely enough to
/// call one wrong? Both name none, or share one, or the one that names
/// none has the other's name in its sentence, or the kind of body the
/// name is ("the county's 11 branches" for "Ashmere County's").
pub(super) fn owners_agree(d: &Figure, s: &Figure) -> bool {
    let named = |f: &Figure| owners(f).next().is_some();
    let mentioned = |a: &Figure, b: &Figure| {
        owners(a).any(|t| b.context.contains(t))
            || owner_kinds(b)
                .iter()
                .any(|k| a.subject.contains(k) || a.proper.contains(k))
    };
    match (named(d), named(s)) {
        (false, false) => true,
        (true, true) => owners(d).any(|t| owners(s).any(|u| u == t)),
        (true, false) => mentioned(d, s),
        (false, true) => mentioned(s, d),
    }
}

/// How sure we are that two figures count the same thing, or `None`.
/// Figures that belong to different names ("the port's 3,200 job cuts",
/// "the airport's") never do.
pub(super) fn thing_score(d: &Figure, s: &Figure) -> Option<f32> {
    let (mut a, b) = (owners(d), owners(s));
    if a.clone().next().is_some()
        && b.clone().next().is_some()
        && !a.any(|t| b.clone().any(|u| u == t))
    {
        return None;
    }
    // Cheap rejections first: most candidates fail here. A rate and a
    // total are different things; two rates of different periods are the
    // same thing, one of them wrong.
    if !d.unit.compatible(&s.unit) || d.per.is_some() != s.per.is_some() {
        return None;
    }
    // The old and new values of a change are different things; so are a
    // rise and a fall.
    if matches!(
        (d.side, s.side),
        (Side::From, Side::To) | (Side::To, Side::From)
    ) {
        return None;
    }
    if matches!((d.direction, s.direction), (Some(a), Some(b)) if a != b) {
        return None;
    }
    if let (Some(a), Some(b)) = (&d.head, &s.head) {
        lexicon::kinship(*a, *b)?;
    }
    let shares = |a: &[Term], b: &[Term]| a.iter().filter(|x| b.contains(x)).count();
    // Goals and capacities are never actual counts. A plan and a fact may
    // be the same thing when their clauses agree ("would reassign around
    // six directors", "12 directors will be reassigned").
    if d.frame != s.frame {
        let soft = matches!(
            (d.frame, s.frame),
            (Frame::Plan, Frame::Actual) | (Frame::Actual, Frame::Plan)
        );
        if !soft || shares(&d.local, &s.local) == 0 {
            return None;
        }
    }
    // "six of them were released" is a part of the arrests in another
    // event: never the same count as "six arrests". ("a dozen of them were
    // rated deficient" is "a dozen were rated deficient".)
    if d.role != s.role && d.event != s.event {
        return None;
    }
    let near_overlap = near_words(d)
        .filter(|w| near_words(s).any(|x| x == *w))
        .count();
    // A part ("a dozen of the 25"), a whole ("the 25") and a plain figure
    // are only the same thing when the words around them agree.
    if d.role != s.role && near_overlap == 0 {
        return None;
    }
    let jaccard = || {
        let inter = shares(&d.context, &s.context) as f32;
        let union = (d.context.len() + s.context.len()) as f32 - inter;
        if union > 0.0 {
            inter / union
        } else {
            0.0
        }
    };
    let ratio = d.value.max(s.value) / d.value.min(s.value).max(f64::MIN_POSITIVE);
    match (&d.head, &s.head) {
        (Some(a), Some(_)) => {
            if !d.proper.is_empty() && !s.proper.is_empty() && shares(&d.proper, &s.proper) == 0 {
                return None;
            }
            let lower =
                |f: &'_ Figure| f.modifiers.iter().filter(|m| !f.proper.contains(m)).count();
            let mods = d
                .modifiers
                .iter()
                .filter(|m| {
                    !d.proper.contains(m) && s.modifiers.contains(m) && !s.proper.contains(m)
                })
                .count();
            // "regional directors" and "field office directors" may be the
            // same people; "acting directors" who were replaced are not the
            // directors who oversee operations. The clause decides.
            if lower(d) > 0 && lower(s) > 0 && mods == 0 && near_overlap == 0 {
                return None;
            }
            let shared = d
                .modifiers
                .iter()
                .chain(&d.context)
                .filter(|w| **w != text::stem(a))
                .any(|w| s.modifiers.contains(w) || s.context.contains(w));
            // Nothing else shared: only a number mistyped ties them.
            if !shared && !mistyped(d, s) {
                return None;
            }
            Some(2.0 + mods as f32 + 0.5 * near_overlap as f32 + jaccard())
        }
        (None, None) => {
            // Without a noun, only close numbers in close clauses compare:
            // "$2.25" is not "$14.6 million". A scale slip ("$28 million" for
            // "$28 billion") is caught when the clauses agree closely.
            // Figures of one named owner ("Ilse Marrow, 54,") are linked by it.
            let same_owner = owners(d).any(|t| owners(s).any(|u| u == t));
            let linked = near_overlap > 0
                || same_owner
                || (d.direction.is_some() && d.direction == s.direction);
            let close = linked && (ratio <= 10.0 || near_overlap >= 2);
            // A number mistyped ("175" for "157") in sentences that share a
            // word is the same figure, whatever else the clauses say.
            let slip = mistyped(d, s) && shares(&d.context, &s.context) >= 1;
            if !(close && shares(&d.context, &s.context) >= 2 || slip) {
                return None;
            }
            Some(1.0 + 0.5 * near_overlap as f32 + jaccard())
        }
        (Some(h), None) | (None, Some(h)) => {
            // One side names what it counts: the other must be about it too,
            // either in its sentence or by being the same kind of rate
            // ("the 3,000-per-day goal" and "a goal of 3,000 arrests per day").
            let headless = if d.head.is_none() { d } else { s };
            let headed = if d.head.is_none() { s } else { d };
            let slip = mistyped(d, s) && shares(&d.context, &s.context) >= 1;
            let about_it = headless.context.contains(&text::stem(h)) || headless.per.is_some();
            if !about_it && !slip {
                return None;
            }
            let lo = near_words(headless)
                .filter(|w| **w == text::stem(h) || near_words(headed).any(|x| x == *w))
                .count();
            let close = lo > 0 && (ratio <= 10.0 || lo >= 2) && shares(&d.context, &s.context) >= 2;
            if !close && !slip {
                return None;
            }
            Some(1.0 + 0.5 * lo as f32 + jaccard())
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Relation {
    Exact,
    Within,
    Vaguer,
    Contradicts,
}

pub(super) fn relation(d: &Figure, s: &Figure) -> Relation {
    if d.per != s.per {
        return Relation::Contradicts;
    }
    if d.unit != s.unit {
        return converted_relation(d, s);
    }
    let (db, sb) = (&d.band, &s.band);
    if sb.is_point() {
        if db.is_point() {
            if same_value(d.value, s.value) {
                Relation::Exact
            } else if d.step > s.step && (d.value - s.value).abs() < d.step / 2.0 {
                // "1,500" for "1,523": rounded, so vaguer.
                Relation::Vaguer
            } else {
                Relation::Contradicts
            }
        } else if db.contains(s.value) || same_value(d.value, s.value) {
            // "more than 15%" for a source's "15%": a bound at the very
            // number, vaguer but not wrong.
            Relation::Vaguer
        } else {
            Relation::Contradicts
        }
    } else if db == sb && d.qualifier == s.qualifier {
        Relation::Exact
    } else if let Some(r) = bounds_relation(d, s) {
        r
    } else if d.qualifier == Qualifier::Range && s.qualifier == Qualifier::Range {
        // "from 18 to 64" against "from 21 to 64": a range must match at
        // both ends.
        Relation::Contradicts
    } else if db.is_point() {
        if sb.contains(d.value) {
            Relation::Within
        } else if same_value(d.value, s.value) && s.upper.is_none() {
            // "15%" for a source's "more than 15%": the number the source
            // bounds, given as the figure.
            Relation::Vaguer
        } else {
            Relation::Contradicts
        }
    } else if d.qualifier == Qualifier::About
        && s.qualifier == Qualifier::About
        && (d.value - s.value).abs() >= d.step.max(s.step)
    {
        // "about 3,900" and "about 3,600": two roundings that differ at
        // the coarser one's last digit are two figures.
        Relation::Contradicts
    } else if db.overlaps(sb) {
        Relation::Within
    } else {
        Relation::Contradicts
    }
}

/// Two figures bounded on the same side: "more than 10,000" claims more
/// than a source's "more than 9,000" supports; "more than 8,000" claims
/// less, and is supported.
pub(super) fn bounds_relation(d: &Figure, s: &Figure) -> Option<Relation> {
    let fits = match (bound(d.qualifier), bound(s.qualifier)) {
        (Some(true), Some(true)) => d.value <= s.value * (1.0 + 1e-9),
        (Some(false), Some(false)) => d.value >= s.value * (1.0 - 1e-9),
        _ => return None,
    };
    Some(if fits {
        Relation::Within
    } else {
        Relation::Contradicts
    })
}

/// A figure against a source figure in another unit of the same
/// dimension ("10 miles" and "16 km"): the source's band in the draft's
/// unit, widened by 3% for the rounding a conversion in prose takes.
pub(super) fn converted_relation(d: &Figure, s: &Figure) -> Relation {
    let conv = |v: f64| s.unit.convert(v, &d.unit);
    let (lo, hi) = (conv(s.band.lo), conv(s.band.hi));
    // A round figure converted ("60km" for "38.5 miles") is as exact as
    // its last digit: half its step either way, and 3% for the rounding.
    let slack = |v: f64| 0.03 * v.abs() + d.step / 2.0;
    let band = figure::Interval {
        lo: lo.min(hi) - slack(lo.min(hi)),
        hi: lo.max(hi) + slack(lo.max(hi)),
        lo_open: false,
        hi_open: false,
    };
    if d.band.overlaps(&band) {
        Relation::Within
    } else {
        Relation::Contradicts
    }
}
