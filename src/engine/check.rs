//! Checking a draft against the corpus: every figure and quote gets a
//! verdict and the source passages behind it; citations are checked against
//! the claims of their sentence. Pure: text and corpus in, analysis out.

use super::corpus::{Corpus, SourceKey, UNKNOWN_WORD};
use super::figure::{self, Figure, Frame, Qualifier, Side};
use super::lexicon::{self, Kinship};
use super::markdown::{self, CitationMarker, FootnoteDef};
use super::quote::{self, Gap, Quote, Segment};
use super::text::{self, LineBreaks, Term};
use super::verdict::{Code, DiffOp, Evidence, Finding, Fix, Stance};
use std::ops::Range;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FigureVerdict {
    Supported,
    Imprecise,
    Mismatch,
    Unsourced,
    /// Sources give other figures for things like this one, but none is
    /// aligned closely enough with it to call it wrong: no finding.
    Unclear,
    /// A source reports the figure as the old value of a change ("up from
    /// 4,800"), and the draft tells it as current.
    Outdated,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct FigureCheck {
    pub figure: Figure,
    pub verdict: FigureVerdict,
    /// Supporting passages first (best first), then the rest.
    pub evidence: Vec<Evidence>,
    /// Sources that contradict a supported figure.
    pub disagreements: Vec<Evidence>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "lowercase", tag = "kind")]
pub enum QuoteVerdict {
    Verbatim,
    Mismatch,
    Misattributed {
        source_speaker: String,
    },
    Unsourced,
    /// Fewer than three words and not found: a scare quote or a term.
    TooShort,
    /// The words are the source's, but the source reports them as speech
    /// without quotation marks: they are not the speaker's own words.
    Paraphrased,
    /// The source's words but for a contraction ("we are" / "we're").
    Wording,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct QuoteCheck {
    pub quote: Quote,
    pub verdict: QuoteVerdict,
    pub evidence: Vec<Evidence>,
    pub diff: Vec<DiffOp>,
    /// From the first to the last quoted word in the draft.
    pub words_span: Range<usize>,
    /// The quoted words as written, whitespace squashed.
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CitationCheck {
    pub marker: CitationMarker,
    /// Sources the marker names.
    pub cited: Vec<SourceKey>,
    /// The sentence the marker belongs to.
    pub sentence: Option<Range<usize>>,
}

/// Everything the engine knows about one draft.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Analysis {
    pub figures: Vec<FigureCheck>,
    pub quotes: Vec<QuoteCheck>,
    pub citations: Vec<CitationCheck>,
    pub findings: Vec<Finding>,
    pub sentences: Vec<Range<usize>>,
    pub blocks: Vec<Range<usize>>,
    pub footnotes: Vec<FootnoteDef>,
    pub ignored: Vec<Range<usize>>,
    pub front_matter: Vec<(String, String)>,
}

impl Analysis {
    /// The figure or quote whose span contains byte `pos`.
    pub fn claim_at(&self, pos: usize) -> Option<Claim<'_>> {
        let hit = |r: &Range<usize>| r.start <= pos && pos <= r.end;
        if let Some(f) = self.figures.iter().find(|f| hit(&f.figure.span)) {
            return Some(Claim::Figure(f));
        }
        if let Some(q) = self.quotes.iter().find(|q| hit(&q.quote.span)) {
            return Some(Claim::Quote(q));
        }
        self.citations
            .iter()
            .find(|c| hit(&c.marker.span))
            .map(Claim::Citation)
    }
}

impl Analysis {
    /// Sources that support each supported claim, best first, with the
    /// claim's span: the claims a citation can be added to.
    pub fn supported_claims(&self) -> Vec<(Range<usize>, &[Evidence])> {
        let mut out: Vec<(Range<usize>, &[Evidence])> = self
            .figures
            .iter()
            .filter(|f| f.verdict == FigureVerdict::Supported && !f.evidence.is_empty())
            .map(|f| (f.figure.span.clone(), f.evidence.as_slice()))
            .chain(
                self.quotes
                    .iter()
                    .filter(|q| q.verdict == QuoteVerdict::Verbatim && !q.evidence.is_empty())
                    .map(|q| (q.quote.span.clone(), q.evidence.as_slice())),
            )
            .collect();
        out.sort_by_key(|c| c.0.start);
        out
    }

    /// The sentence containing byte `pos`.
    pub fn sentence_at(&self, pos: usize) -> Option<Range<usize>> {
        self.sentences
            .iter()
            .find(|s| s.start <= pos && pos < s.end)
            .cloned()
    }

    /// The block (paragraph, heading, item) containing byte `pos`.
    pub fn block_at(&self, pos: usize) -> Option<Range<usize>> {
        self.blocks
            .iter()
            .filter(|b| b.start <= pos && pos < b.end)
            .min_by_key(|b| b.len())
            .cloned()
    }
}

#[derive(Debug, Clone, Copy)]
pub enum Claim<'a> {
    Figure(&'a FigureCheck),
    Quote(&'a QuoteCheck),
    Citation(&'a CitationCheck),
}

/// Checks a Markdown draft.
pub fn analyze(draft: &str, corpus: &Corpus) -> Analysis {
    let prose = markdown::parse(draft);
    let sentences = text::sentences(&prose.masked, &prose.blocks, LineBreaks::Soft);
    let draft_day = prose
        .front_matter
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("date"))
        .and_then(|(_, v)| day_of(v));
    let figures: Vec<FigureCheck> = figure::extract(&prose.masked, &sentences)
        .into_iter()
        .map(|f| {
            let past = told_as_past(&prose.masked[f.sentence.clone()]);
            check_figure(f, corpus, draft_day, past)
        })
        .collect();
    let quotes: Vec<QuoteCheck> = quote::extract(&prose.masked, &prose.blocks, &sentences)
        .into_iter()
        .map(|q| check_quote(&prose.masked, q, corpus))
        .collect();
    let citations: Vec<CitationCheck> = prose
        .citations
        .iter()
        .map(|m| CitationCheck {
            marker: m.clone(),
            cited: resolve_citation(m, &prose.footnotes, corpus),
            sentence: sentence_of_marker(draft, &sentences, &m.span),
        })
        .collect();
    let mut a = Analysis {
        figures,
        quotes,
        citations,
        findings: Vec::new(),
        sentences,
        blocks: prose.blocks,
        footnotes: prose.footnotes,
        ignored: prose.ignored,
        front_matter: prose.front_matter,
    };
    a.findings = findings(&a, corpus);
    a
}

// ---------------------------------------------------------------------------
// Figures

/// The words near a figure: its clause and its lower-case modifiers.
fn near_words(f: &Figure) -> impl Iterator<Item = &Term> {
    f.local
        .iter()
        .chain(f.modifiers.iter().filter(|m| !f.proper.contains(m)))
}

/// Candidate lists longer than this belong to words too common to read
/// whole (see `check_figure`).
const SHORT_LIST: usize = 2000;

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

/// Is the draft's number the source's, mistyped: the same digits in
/// another order or at another scale, or the same value for another
/// period? Needs two significant digits: "12" and "21" say little.
fn mistyped(d: &Figure, s: &Figure) -> bool {
    if d.per.is_some() && s.per.is_some() && d.per != s.per {
        return (d.value - s.value).abs() < 1e-9 * s.value.abs().max(1.0);
    }
    let digits = |f: &Figure| -> Vec<u8> {
        let mut v: Vec<u8> = f.text.bytes().filter(u8::is_ascii_digit).collect();
        while v.len() > 1 && v.last() == Some(&b'0') {
            v.pop();
        }
        v
    };
    let (a, b) = (digits(d), digits(s));
    if a.len() < 2 || a.len() != b.len() || d.qualifier == Qualifier::Vague {
        return false;
    }
    let (mut x, mut y) = (a.clone(), b.clone());
    x.sort_unstable();
    y.sort_unstable();
    x == y && (a != b || d.value != s.value)
}

/// Do the frames of two figures that count the same thing align closely
/// enough to say one is wrong: same counted noun, the same named owner
/// (both or neither), the same kind of figure, and no clash of events?
/// Without a noun on both sides, the clauses must say the same: half the
/// words of the two sentences shared, and two nearby words.
fn strongly_aligned(d: &Figure, s: &Figure) -> bool {
    let events = match (d.event, s.event) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    };
    // A plan and a fact may be the same thing (`thing_score` has checked
    // their clauses); a goal or a capacity is never an actual count.
    let frames = d.frame == s.frame
        || matches!(
            (d.frame, s.frame),
            (Frame::Plan, Frame::Actual) | (Frame::Actual, Frame::Plan)
        );
    if !events || !frames || d.role != s.role || !plausible_slip(d, s) {
        return false;
    }
    match (&d.head, &s.head) {
        // A broader noun ("people") may hold more than a narrower one
        // ("residents") counts: it is not contradicted by it.
        (Some(a), Some(b)) => lexicon::kinship(*a, *b) == Some(Kinship::Same) && owners_agree(d, s),
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
            // A sentence taken nearly whole from the source, its number
            // changed, is the classic slip.
            let copied = union > 0 && 5 * shared >= 4 * union;
            same_end || copied || union > 0 && 2 * shared >= union && near >= 2
        }
    }
}

/// Are two values close enough to be one figure misread: within ten
/// times of each other, or the same digits at another scale ("$28
/// million" for "$28 billion")?
fn plausible_slip(d: &Figure, s: &Figure) -> bool {
    let (a, b) = (d.value.abs(), s.value.abs());
    let ratio = a.max(b) / a.min(b).max(f64::MIN_POSITIVE);
    let scale = ratio.log10() / 3.0;
    ratio <= 10.0 || (scale - scale.round()).abs() < 1e-6
}

/// The names a figure belongs to: its noun's capitalised modifiers
/// ("Border Patrol agents", "Ostrey's toll") and its clause's subject,
/// less the words that only say what kind of body a name is ("Transit
/// Authority", "County": `lexicon/owner_kinds.tsv`).
fn owners(f: &Figure) -> impl Iterator<Item = &Term> + Clone {
    f.proper
        .iter()
        .chain(&f.subject)
        .filter(|t| !lexicon::is_owner_kind(t))
}

/// Do two figures of one thing belong to the same name closely enough to
/// call one wrong? Both name none, or share one, or the one that names
/// none has the other's name in its sentence.
fn owners_agree(d: &Figure, s: &Figure) -> bool {
    let named = |f: &Figure| owners(f).next().is_some();
    let mentioned = |a: &Figure, b: &Figure| owners(a).any(|t| b.context.contains(t));
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
fn thing_score(d: &Figure, s: &Figure) -> Option<f32> {
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
            let linked = near_overlap > 0 || (d.direction.is_some() && d.direction == s.direction);
            if !linked
                || !(ratio <= 10.0 || near_overlap >= 2)
                || shares(&d.context, &s.context) < 2
            {
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
            let about_it = headless.context.contains(&text::stem(h)) || headless.per.is_some();
            if !about_it {
                return None;
            }
            let lo = near_words(headless)
                .filter(|w| **w == text::stem(h) || near_words(headed).any(|x| x == *w))
                .count();
            if lo == 0 || !(ratio <= 10.0 || lo >= 2) || shares(&d.context, &s.context) < 2 {
                return None;
            }
            Some(1.0 + 0.5 * lo as f32 + jaccard())
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Relation {
    Exact,
    Within,
    Vaguer,
    Contradicts,
}

fn relation(d: &Figure, s: &Figure) -> Relation {
    if d.per != s.per {
        return Relation::Contradicts;
    }
    if d.unit != s.unit {
        return converted_relation(d, s);
    }
    let (db, sb) = (&d.band, &s.band);
    if sb.is_point() {
        if db.is_point() {
            if (d.value - s.value).abs() < 1e-9 * s.value.abs().max(1.0) {
                Relation::Exact
            } else if d.step > s.step && (d.value - s.value).abs() < d.step / 2.0 {
                // "1,500" for "1,523": rounded, so vaguer.
                Relation::Vaguer
            } else {
                Relation::Contradicts
            }
        } else if db.contains(s.value) {
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
        } else {
            Relation::Contradicts
        }
    } else if db.overlaps(sb) {
        Relation::Within
    } else {
        Relation::Contradicts
    }
}

/// Two figures bounded on the same side: "more than 10,000" claims more
/// than a source's "more than 9,000" supports; "more than 8,000" claims
/// less, and is supported.
fn bounds_relation(d: &Figure, s: &Figure) -> Option<Relation> {
    use Qualifier::*;
    let lower = |q: Qualifier| matches!(q, MoreThan | AtLeast | Plus);
    let upper = |q: Qualifier| matches!(q, LessThan | UpTo | Nearly);
    let fits = if lower(d.qualifier) && lower(s.qualifier) {
        d.value <= s.value * (1.0 + 1e-9)
    } else if upper(d.qualifier) && upper(s.qualifier) {
        d.value >= s.value * (1.0 - 1e-9)
    } else {
        return None;
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
fn converted_relation(d: &Figure, s: &Figure) -> Relation {
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

fn figure_evidence(corpus: &Corpus, key: usize, f: &Figure, stance: Stance) -> Evidence {
    let s = corpus.get(key).expect("figure of a live source");
    let passage = f.span.start..if f.noun.is_empty() {
        f.span.end
    } else {
        f.noun_span.end.max(f.span.end)
    };
    Evidence {
        source: key,
        id: s.id.clone(),
        path: s.path.clone(),
        passage,
        sentence: f.sentence.clone(),
        said: f.described(),
        stance,
    }
}

/// A date as front matter or a dateline writes it, to the day
/// ("2026-03-04", "2026-03-04T10:00"): its first ten characters when they
/// are a date.
fn day_of(date: &str) -> Option<&str> {
    let d = date.trim().get(..10)?;
    let b = d.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    (digits(0..4) && b[4] == b'-' && digits(5..7) && b[7] == b'-' && digits(8..10)).then_some(d)
}

/// Were the draft and the source written on different days? Then a count
/// may have moved between them ("the death toll stood at 85" a week after
/// "29"), and the source cannot call the draft's figure wrong, unless the
/// number is one mistyped.
fn other_day(draft_day: Option<&str>, corpus: &Corpus, key: usize) -> bool {
    let source_day = corpus
        .get(key)
        .and_then(|s| s.meta.date.as_deref())
        .and_then(day_of);
    matches!((draft_day, source_day), (Some(a), Some(b)) if a != b)
}

/// Words that put a figure in the past ("had 4,800 workers last week",
/// "initially", "a week ago"): such a figure may be a count since revised.
const PAST_MARKERS: &[&str] = &[
    "ago",
    "earlier",
    "initially",
    "originally",
    "previously",
    "formerly",
    "first",
    "once",
    "last",
    "before",
    "had",
    "then",
    "prior",
    "old",
    "original",
    "until",
];

/// Does a draft sentence tell its figures as past?
fn told_as_past(sentence: &str) -> bool {
    sentence
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| PAST_MARKERS.contains(&text::normalize_word(w).as_str()))
}

/// The new value of the change whose old value is the source figure `old`
/// (a figure with side From, "up from 4,800"): the figure of its sentence
/// with side To ("grew to 6,100").
fn new_value_of<'a>(corpus: &'a Corpus, key: usize, old: &Figure) -> Option<&'a Figure> {
    let s = corpus.get(key)?;
    s.figures
        .iter()
        .find(|f| f.sentence == old.sentence && f.side == Side::To && f.value != old.value)
}

fn check_figure(fig: Figure, corpus: &Corpus, day: Option<&str>, past: bool) -> FigureCheck {
    // Candidates: figures with the same head noun (and figures without a
    // noun whose sentence names it), or, for a figure without a noun, what
    // `same_thing` could accept: a shared nearby word, a source whose head
    // noun is one of our nearby words, or the same direction of change. In a
    // large archive a common word ("goal", "reached") is in thousands of
    // sentences; such long lists are not read, and the matches they would
    // give are reached through the rarer words of the sentence instead.
    let mut refs: Vec<(u32, u32)> = match &fig.head {
        Some(h) => {
            let mut v = corpus.figures_with_head(h).to_vec();
            // The same thing in other words: "positions" for "jobs".
            for kin in lexicon::kin_of(*h) {
                v.extend_from_slice(corpus.figures_with_head(&kin));
            }
            v.extend(
                corpus
                    .figures_with_context(&text::stem(h))
                    .iter()
                    .filter(|r| corpus.figure(**r).is_some_and(|(_, f)| f.head.is_none())),
            );
            v
        }
        None => {
            let mut v: Vec<(u32, u32)> = Vec::new();
            let mut skipped = false;
            let mut take = |list: &[(u32, u32)], v: &mut Vec<(u32, u32)>| {
                if list.len() <= SHORT_LIST {
                    v.extend_from_slice(list);
                } else {
                    skipped = true;
                }
            };
            for w in near_words(&fig) {
                take(corpus.figures_with_local(w), &mut v);
                take(corpus.figures_with_head(w), &mut v);
            }
            if let Some(dir) = fig.direction {
                take(corpus.figures_with_direction(fig.unit.name(), dir), &mut v);
            }
            if skipped {
                for c in &fig.context {
                    let list = corpus.figures_with_context(c);
                    if list.len() <= SHORT_LIST {
                        v.extend_from_slice(list);
                    }
                }
            }
            v
        }
    };
    refs.sort_unstable();
    refs.dedup();
    let mut cands: Vec<(f32, usize, &Figure, Relation, bool)> = Vec::new();
    for r in refs {
        let Some((_, sf)) = corpus.figure(r) else {
            continue;
        };
        if let Some(a) = same_thing(&fig, sf) {
            let key = r.0 as usize;
            let strong = a.strong && (!other_day(day, corpus, key) || mistyped(&fig, sf));
            cands.push((a.score, key, sf, relation(&fig, sf), strong));
        }
    }
    // A figure governed by another word ("redrawing a dozen routes" against
    // "eliminate twelve routes") is set aside when others agree on the word.
    let conflicts =
        |f: &Figure| matches!((&fig.governor, &f.governor), (Some(a), Some(b)) if a != b);
    if cands.iter().any(|c| !conflicts(c.2)) {
        cands.retain(|c| !conflicts(c.2));
    }
    // Best first: a closer sentence wins; ties go to the lower source id.
    cands.sort_by(|a, b| {
        b.0.partial_cmp(&a.0)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then_with(|| {
                corpus
                    .get(a.1)
                    .map(|s| &s.id)
                    .cmp(&corpus.get(b.1).map(|s| &s.id))
            })
    });
    if cands.is_empty() {
        return FigureCheck {
            figure: fig,
            verdict: FigureVerdict::Unsourced,
            evidence: Vec::new(),
            disagreements: Vec::new(),
        };
    }
    // Strong evidence outweighs weak: a source aligned closely that
    // contradicts the figure is not answered by one aligned loosely that
    // happens to give the same number (in an archive, many do).
    // That is, when the draft names whose figure it is and the loose one
    // names nobody's.
    let strongly_contradicted = cands.iter().any(|c| c.3 == Relation::Contradicts && c.4);
    let named = owners(&fig).next().is_some();
    let anonymous = |f: &Figure| owners(f).next().is_none();
    let supports: Vec<_> = cands
        .iter()
        .filter(|c| matches!(c.3, Relation::Exact | Relation::Within))
        .filter(|c| c.4 || !(strongly_contradicted && named && anonymous(c.2)))
        .collect();
    let mut evidence = Vec::new();
    let mut disagreements = Vec::new();
    // "grew to 6,100, up from 4,800": a source says the draft's figure is
    // the old value of a change; the draft tells it as current.
    let superseded = (!past && fig.side == Side::None)
        .then(|| {
            supports.iter().find_map(|c| {
                // A source written after the draft's own date says
                // nothing of what was current then.
                let later = match (day, corpus.get(c.1).and_then(|s| s.meta.date.as_deref())) {
                    (Some(d), Some(s)) => day_of(s).is_some_and(|s| s > d),
                    _ => false,
                };
                let new = (c.2.side == Side::From && c.4 && !later)
                    .then(|| new_value_of(corpus, c.1, c.2))
                    .flatten()?;
                Some((c.1, new, c.2))
            })
        })
        .flatten();
    let verdict = if let Some((key, new, old)) = superseded {
        evidence.push(figure_evidence(corpus, key, new, Stance::Contradicts));
        evidence.push(figure_evidence(corpus, key, old, Stance::Supports));
        FigureVerdict::Outdated
    } else if !supports.is_empty() {
        let mut sorted = supports.clone();
        sorted.sort_by_key(|c| c.3 != Relation::Exact);
        for c in &sorted {
            evidence.push(figure_evidence(corpus, c.1, c.2, Stance::Supports));
        }
        for c in cands.iter().filter(|c| c.3 == Relation::Contradicts && c.4) {
            if disputes(&fig, c.2) && !supports.iter().any(|s| s.1 == c.1) {
                disagreements.push(figure_evidence(corpus, c.1, c.2, Stance::Contradicts));
            }
        }
        FigureVerdict::Supported
    } else if let Some(best) = cands
        .iter()
        .filter(|c| c.3 == Relation::Vaguer)
        .min_by(|a, b| {
            a.2.band
                .width()
                .partial_cmp(&b.2.band.width())
                .unwrap_or(std::cmp::Ordering::Equal)
                .then(b.0.partial_cmp(&a.0).unwrap_or(std::cmp::Ordering::Equal))
        })
    {
        evidence.push(figure_evidence(corpus, best.1, best.2, Stance::MorePrecise));
        for c in cands.iter().filter(|c| !std::ptr::eq(c.2, best.2)) {
            let stance = if c.3 == Relation::Vaguer {
                Stance::MorePrecise
            } else {
                Stance::Contradicts
            };
            evidence.push(figure_evidence(corpus, c.1, c.2, stance));
        }
        FigureVerdict::Imprecise
    } else if cands.iter().any(|c| c.4) {
        for c in cands.iter().filter(|c| c.4) {
            evidence.push(figure_evidence(corpus, c.1, c.2, Stance::Contradicts));
        }
        FigureVerdict::Mismatch
    } else {
        for c in &cands {
            evidence.push(figure_evidence(corpus, c.1, c.2, Stance::Contradicts));
        }
        FigureVerdict::Unclear
    };
    dedup_by_source(&mut evidence);
    dedup_by_source(&mut disagreements);
    evidence.truncate(MAX_EVIDENCE);
    disagreements.truncate(MAX_EVIDENCE);
    FigureCheck {
        figure: fig,
        verdict,
        evidence,
        disagreements,
    }
}

/// Does a contradicting source figure dispute a supported draft figure, or
/// is it about something else that shares a noun? A source never disputes
/// itself (checked by the caller); vague figures ("hundreds") dispute
/// nothing; the clauses must share a word and not be governed by different
/// words ("eliminate nine routes" is not "overhaul its 42 routes").
fn disputes(d: &Figure, s: &Figure) -> bool {
    if s.qualifier == Qualifier::Vague || d.qualifier == Qualifier::Vague {
        return false;
    }
    if let (Some(a), Some(b)) = (&d.governor, &s.governor) {
        if a != b {
            return false;
        }
    }
    // Shared modifiers made them the same thing; only the clause can say
    // they are about the same event.
    d.local.iter().any(|w| s.local.contains(w))
}

/// Keeps the first (best) passage of each source.
fn dedup_by_source(ev: &mut Vec<Evidence>) {
    let mut seen = std::collections::HashSet::new();
    ev.retain(|e| seen.insert(e.source));
}

/// Sources kept per verdict, best first. In a large archive thousands of
/// sources can agree on a common figure; a finding names the best, and a
/// keystroke does not carry thousands of locations to the editor.
const MAX_EVIDENCE: usize = 10;

/// Disagreeing sources named in a `sources-disagree` message.
const MAX_NAMED: usize = 3;

// ---------------------------------------------------------------------------
// Quotes

struct Match {
    source: SourceKey,
    /// Word positions in the source: first..=last.
    first: usize,
    last: usize,
}

fn segment_ids(corpus: &Corpus, seg: &Segment) -> Vec<u32> {
    seg.words.iter().map(|w| corpus.word_id(&w.norm)).collect()
}

/// Finds every place where all segments appear verbatim, in order.
fn find_exact(corpus: &Corpus, segs: &[Vec<u32>], gaps: &[Gap]) -> Vec<Match> {
    let anchor = (0..segs.len()).max_by_key(|&i| segs[i].len()).unwrap_or(0);
    let a = &segs[anchor];
    if a.len() < 2 || a.contains(&UNKNOWN_WORD) {
        return Vec::new();
    }
    // Look the segment up by its rarest word and a neighbour: a quote's
    // opening words ("we are") can be among the commonest of an archive.
    let rarest = (0..a.len())
        .min_by_key(|&i| corpus.frequency(a[i]))
        .unwrap_or(0)
        .min(a.len() - 2);
    let mut out = Vec::new();
    for (src, at) in corpus.occurrences(a[rarest], a[rarest + 1]) {
        let ids = corpus.word_ids(src as usize);
        let Some(pos) = (at as usize).checked_sub(rarest) else {
            continue;
        };
        if ids.get(pos..pos + a.len()) != Some(a.as_slice()) {
            continue;
        }
        let Some(source) = corpus.get(src as usize) else {
            continue;
        };
        let blocks = |i: usize| source.word_block(i);
        // Extend to the right.
        let mut end = pos + a.len(); // exclusive
        let mut ok = true;
        for k in anchor + 1..segs.len() {
            match place_after(ids, &blocks, end, &segs[k], gaps[k]) {
                Some(e) => end = e,
                None => {
                    ok = false;
                    break;
                }
            }
        }
        // Extend to the left.
        let mut start = pos;
        for k in (0..anchor).rev() {
            if !ok {
                break;
            }
            match place_before(ids, &blocks, start, &segs[k], gaps[k + 1]) {
                Some(s) => start = s,
                None => ok = false,
            }
        }
        if ok {
            out.push(Match {
                source: src as usize,
                first: start,
                last: end - 1,
            });
        }
    }
    out
}

fn max_gap(gap: Gap) -> usize {
    match gap {
        Gap::None => 0,
        Gap::Bracket => 6,
        Gap::Attribution => 16,
        Gap::Ellipsis => 200,
    }
}

fn place_after(
    ids: &[u32],
    blocks: &dyn Fn(usize) -> usize,
    from: usize,
    seg: &[u32],
    gap: Gap,
) -> Option<usize> {
    let limit = max_gap(gap);
    for skip in 0..=limit {
        let s = from + skip;
        if s + seg.len() > ids.len() {
            return None;
        }
        if gap == Gap::Ellipsis && from > 0 && blocks(s) > blocks(from - 1) + 2 {
            return None;
        }
        if ids[s..s + seg.len()] == *seg {
            return Some(s + seg.len());
        }
    }
    None
}

fn place_before(
    ids: &[u32],
    blocks: &dyn Fn(usize) -> usize,
    to: usize,
    seg: &[u32],
    gap: Gap,
) -> Option<usize> {
    let limit = max_gap(gap);
    for skip in 0..=limit {
        let end = to.checked_sub(skip)?;
        let start = end.checked_sub(seg.len())?;
        if gap == Gap::Ellipsis && blocks(start) + 2 < blocks(to.min(ids.len() - 1)) {
            return None;
        }
        if ids[start..end] == *seg {
            return Some(start);
        }
    }
    None
}

struct Fuzzy {
    source: SourceKey,
    first: usize,
    last: usize,
    score: f32,
    /// (draft word index, source word index) pairs that match.
    pairs: Vec<(usize, usize)>,
}

/// The closest passage to a quote that is not verbatim anywhere.
fn find_fuzzy(corpus: &Corpus, q: &[u32]) -> Option<Fuzzy> {
    if q.len() < 3 {
        return None;
    }
    let mut hits: rustc_hash::FxHashMap<(u32, i64), usize> = Default::default();
    for (i, pair) in q.windows(2).enumerate() {
        if pair.contains(&UNKNOWN_WORD) {
            continue;
        }
        for (src, pos) in corpus.occurrences(pair[0], pair[1]) {
            let diag = pos as i64 - i as i64;
            *hits.entry((src, diag.div_euclid(4))).or_default() += 1;
        }
    }
    let mut top: Vec<((u32, i64), usize)> = hits.into_iter().collect();
    top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut best: Option<Fuzzy> = None;
    for ((src, bucket), _) in top.into_iter().take(4) {
        let ids = corpus.word_ids(src as usize);
        let lo = (bucket * 4 - 8).max(0) as usize;
        let hi = ((bucket * 4 + 4 + q.len() as i64 + 8).max(0) as usize).min(ids.len());
        if lo >= hi {
            continue;
        }
        let window = &ids[lo..hi];
        let ops = similar::capture_diff_slices(similar::Algorithm::Myers, q, window);
        let mut pairs = Vec::new();
        for op in ops {
            if let similar::DiffOp::Equal {
                old_index,
                new_index,
                len,
            } = op
            {
                for k in 0..len {
                    pairs.push((old_index + k, lo + new_index + k));
                }
            }
        }
        if pairs.is_empty() {
            continue;
        }
        // Trim stray single-word matches far from the rest.
        let first = pairs.first().unwrap().1;
        let last = pairs.last().unwrap().1;
        let span = last - first + 1;
        let m = pairs.len() as f32;
        let score = 2.0 * m / (q.len() + span) as f32;
        if best.as_ref().is_none_or(|b| score > b.score) {
            best = Some(Fuzzy {
                source: src as usize,
                first,
                last,
                score,
                pairs,
            });
        }
    }
    // Matching words must carry meaning: "this is a" in two different
    // quotes says nothing.
    let content = |id: u32| {
        corpus
            .vocab_from(id)
            .first()
            .is_some_and(|t| !text::is_stopword(t.as_str()))
    };
    let wanted = q.iter().filter(|&&id| content(id)).count().min(2);
    best.filter(|b| {
        let meaningful = b.pairs.iter().filter(|p| content(q[p.0])).count();
        b.score >= 0.6 && b.pairs.len() >= 3 && meaningful >= wanted
    })
}

fn source_words_text(
    corpus: &Corpus,
    key: SourceKey,
    first: usize,
    last: usize,
) -> (Range<usize>, String) {
    let s = corpus.get(key).expect("live source");
    let r = s.word_span(first).start..s.word_span(last).end;
    let t = text::squash(&s.text[r.clone()]);
    (r, t)
}

fn quote_evidence(
    corpus: &Corpus,
    key: SourceKey,
    first: usize,
    last: usize,
    stance: Stance,
) -> Evidence {
    let s = corpus.get(key).expect("live source");
    let (passage, said) = source_words_text(corpus, key, first, last);
    Evidence {
        source: key,
        id: s.id.clone(),
        path: s.path.clone(),
        sentence: s.sentence_at(passage.start).start
            ..s.sentence_at(passage.end.saturating_sub(1)).end,
        passage,
        said,
        stance,
    }
}

/// The speaker of the source quote that contains the passage.
fn source_speaker(
    corpus: &Corpus,
    key: SourceKey,
    passage: &Range<usize>,
) -> Option<quote::Speaker> {
    let s = corpus.get(key)?;
    if let Some(q) = s
        .quotes
        .iter()
        .find(|q| q.span.start <= passage.start && passage.end <= q.span.end)
    {
        return q.speaker.clone();
    }
    // A transcript turn: "NAME: words" opening the paragraph.
    let block = s
        .blocks
        .iter()
        .find(|b| b.start <= passage.start && passage.start < b.end)?;
    quote::transcript_speaker(&s.text, block.clone())
}

fn check_quote(draft: &str, q: Quote, corpus: &Corpus) -> QuoteCheck {
    let segs = quote::segments(draft, &q);
    let all: Vec<&quote::QuoteWord> = segs.iter().flat_map(|s| s.words.iter()).collect();
    let words_span = match (all.first(), all.last()) {
        (Some(a), Some(b)) => a.span.start..b.span.end,
        _ => q.span.clone(),
    };
    let n = all.len();
    let text = text::squash(&draft[words_span.clone()]);
    let mut check = QuoteCheck {
        quote: q,
        verdict: QuoteVerdict::TooShort,
        evidence: Vec::new(),
        diff: Vec::new(),
        words_span,
        text,
    };
    if n == 0 {
        return check;
    }
    let ids: Vec<Vec<u32>> = segs.iter().map(|s| segment_ids(corpus, s)).collect();
    let gaps: Vec<Gap> = segs.iter().map(|s| s.gap).collect();
    let mut exact = find_exact(corpus, &ids, &gaps);
    // A quote is the speaker's words only where a source prints them as
    // speech. Words found only in a source's narration, where it reports
    // speech ("Ruiz said the company would cut costs"), are a paraphrase;
    // found in narration that reports nothing (a release's own text), they
    // are that document's words.
    if !exact.is_empty()
        && exact
            .iter()
            .all(|m| in_narration(corpus, m.source, m.first, m.last))
    {
        if let Some(m) = exact
            .iter()
            .find(|m| reports_speech(corpus, m.source, m.first))
        {
            return settled(check, corpus, m, Stance::Differs, QuoteVerdict::Paraphrased);
        }
    } else {
        exact.retain(|m| !in_narration(corpus, m.source, m.first, m.last));
    }
    if !exact.is_empty() {
        let draft_speaker = check.quote.speaker.clone().filter(|s| s.named);
        let mut agreeing = Vec::new();
        let mut differing = Vec::new();
        for m in &exact {
            let ev = quote_evidence(corpus, m.source, m.first, m.last, Stance::Supports);
            let sp = source_speaker(corpus, m.source, &ev.passage);
            match (&draft_speaker, sp) {
                (Some(d), Some(s)) if !d.same_as(&s) => differing.push((ev, s)),
                _ => agreeing.push(ev),
            }
        }
        if agreeing.is_empty() {
            let (ev, s) = differing.swap_remove(0);
            check.verdict = QuoteVerdict::Misattributed {
                source_speaker: s.name.clone(),
            };
            check.evidence.push(Evidence {
                stance: Stance::Differs,
                ..ev
            });
            check
                .evidence
                .extend(differing.into_iter().map(|(e, _)| Evidence {
                    stance: Stance::Differs,
                    ..e
                }));
        } else {
            check.verdict = QuoteVerdict::Verbatim;
            check.evidence = agreeing;
        }
        dedup_by_source(&mut check.evidence);
        check.evidence.truncate(MAX_EVIDENCE);
        return check;
    }
    // `"A," he said. "B."` quoted as "A. B.": the quote's sentences in
    // order, with an attribution between them in the source.
    let by_sentence = quote::sentence_segments(draft, &segs);
    if by_sentence.len() > segs.len() {
        let ids: Vec<Vec<u32>> = by_sentence.iter().map(|s| segment_ids(corpus, s)).collect();
        let gaps: Vec<Gap> = by_sentence.iter().map(|s| s.gap).collect();
        if let Some(m) = find_exact(corpus, &ids, &gaps)
            .into_iter()
            .find(|m| !in_narration(corpus, m.source, m.first, m.last))
        {
            return settled(check, corpus, &m, Stance::Supports, QuoteVerdict::Verbatim);
        }
    }
    if let Some(m) = contraction_match(corpus, &segs, &gaps) {
        return settled(check, corpus, &m, Stance::Differs, QuoteVerdict::Wording);
    }
    if n < 3 {
        return check;
    }
    let flat: Vec<u32> = ids.concat();
    match find_fuzzy(corpus, &flat) {
        Some(f) if split_by_attribution(corpus, &f, n) => {
            // `"A," he said. "B."` quoted as "A. B.": faithful.
            let ev = quote_evidence(corpus, f.source, f.first, f.last, Stance::Supports);
            check.evidence.push(ev);
            check.verdict = QuoteVerdict::Verbatim;
        }
        Some(mut f) => {
            let narration = in_narration(corpus, f.source, f.first, f.last);
            extend_to_quote(corpus, &mut f, n);
            let ev = quote_evidence(corpus, f.source, f.first, f.last, Stance::Differs);
            check.diff = word_diff(draft, &all, corpus, &f);
            check.verdict = if only_contractions(&check.diff) {
                QuoteVerdict::Wording
            } else if narration && reports_speech(corpus, f.source, f.first) {
                QuoteVerdict::Paraphrased
            } else {
                QuoteVerdict::Mismatch
            };
            check.evidence.push(ev);
        }
        None => check.verdict = QuoteVerdict::Unsourced,
    }
    check
}

/// The check, settled by one source passage.
fn settled(
    mut check: QuoteCheck,
    corpus: &Corpus,
    m: &Match,
    stance: Stance,
    verdict: QuoteVerdict,
) -> QuoteCheck {
    check
        .evidence
        .push(quote_evidence(corpus, m.source, m.first, m.last, stance));
    check.verdict = verdict;
    check
}

/// A place where a source has the quote's words verbatim but for its
/// contractions ("we will" for "we'll", or the other way), in quoted
/// speech.
fn contraction_match(corpus: &Corpus, segs: &[Segment], gaps: &[Gap]) -> Option<Match> {
    let words: Vec<Vec<String>> = segs
        .iter()
        .map(|s| s.words.iter().map(|w| w.norm.replace('’', "'")).collect())
        .collect();
    let mut forms: Vec<Vec<Vec<u32>>> = Vec::new();
    for variant in 0..2 {
        let mut changed = false;
        let ids: Vec<Vec<u32>> = words
            .iter()
            .map(|w| {
                let alt = quote::contraction_forms(w);
                let chosen = alt.get(variant.min(alt.len().saturating_sub(1)));
                changed |= chosen.is_some();
                chosen
                    .unwrap_or(w)
                    .iter()
                    .map(|x| corpus.word_id(x))
                    .collect()
            })
            .collect();
        if changed {
            forms.push(ids);
        }
    }
    forms.iter().find_map(|ids| {
        find_exact(corpus, ids, gaps)
            .into_iter()
            .find(|m| !in_narration(corpus, m.source, m.first, m.last))
    })
}

/// Are the source's words `first..=last` outside every quote of the
/// source and outside a transcript turn: the source's own narration?
fn in_narration(corpus: &Corpus, key: SourceKey, first: usize, last: usize) -> bool {
    let Some(s) = corpus.get(key) else {
        return false;
    };
    // Both ends outside every quote: "A … B" across two quotes of one
    // speaker, with the attribution between, is quoted speech.
    let quoted = |at: usize| {
        let w = s.word_span(at);
        s.quotes
            .iter()
            .any(|q| q.span.start <= w.start && w.end <= q.span.end)
    };
    let quoted = quoted(first) || quoted(last);
    let a = s.word_span(first).start;
    let turn = || {
        s.blocks
            .iter()
            .find(|bl| bl.start <= a && a < bl.end)
            .is_some_and(|bl| quote::transcript_speaker(&s.text, bl.clone()).is_some())
    };
    !quoted && !turn()
}

/// Does the source sentence holding word `at` report speech: a verb of
/// speech, or "according to"?
fn reports_speech(corpus: &Corpus, key: SourceKey, at: usize) -> bool {
    let Some(s) = corpus.get(key) else {
        return false;
    };
    let sentence = s.sentence_at(s.word_span(at).start);
    let words: Vec<String> = s.text[sentence]
        .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’'))
        .map(text::normalize_word)
        .collect();
    words.iter().any(|w| quote::is_speech_verb(w))
        || words
            .windows(2)
            .any(|p| p[0] == "according" && p[1] == "to")
}

/// Does the fuzzy match hold every draft word in order, with the source
/// words it skips all outside the source's quotes (an attribution between
/// two pieces of one quote: `"A," he said. "B."`)?
fn split_by_attribution(corpus: &Corpus, f: &Fuzzy, n: usize) -> bool {
    let Some(s) = corpus.get(f.source) else {
        return false;
    };
    if f.pairs.len() != n || f.pairs.iter().enumerate().any(|(i, p)| p.0 != i) {
        return false;
    }
    let matched: std::collections::HashSet<usize> = f.pairs.iter().map(|p| p.1).collect();
    let skipped: Vec<usize> = (f.first..=f.last)
        .filter(|j| !matched.contains(j))
        .collect();
    let outside = |j: &usize| {
        let span = s.word_span(*j);
        !s.quotes.iter().any(|q| {
            q.pieces
                .iter()
                .any(|p| p.start <= span.start && span.end <= p.end)
        })
    };
    !skipped.is_empty() && skipped.len() <= 12 && skipped.iter().all(outside)
}

/// Is every difference of a word diff a contraction written out or
/// drawn in ("we are" for "we're")?
fn only_contractions(diff: &[DiffOp]) -> bool {
    let mut changed = false;
    let mut i = 0;
    while i < diff.len() {
        match (&diff[i], diff.get(i + 1)) {
            (DiffOp::Equal(_), _) => i += 1,
            (DiffOp::Delete(a), Some(DiffOp::Insert(b)))
            | (DiffOp::Insert(b), Some(DiffOp::Delete(a))) => {
                if !quote::same_but_contractions(&a.to_lowercase(), &b.to_lowercase()) {
                    return false;
                }
                changed = true;
                i += 2;
            }
            _ => return false,
        }
    }
    changed
}

/// Widens a fuzzy match over source words the draft changed at either end
/// ("emails and texts" for "emails and phone calls"), within the source's
/// own quote so that the attribution after it is not swallowed.
fn extend_to_quote(corpus: &Corpus, f: &mut Fuzzy, n: usize) {
    let Some(s) = corpus.get(f.source) else {
        return;
    };
    let Some(q) = s.quotes.iter().find(|q| {
        q.span.start <= s.word_span(f.first).start && s.word_span(f.last).end <= q.span.end
    }) else {
        return;
    };
    let lead = f.pairs.first().map_or(0, |p| p.0);
    let trail = n - 1 - f.pairs.last().map_or(n - 1, |p| p.0);
    for _ in 0..lead {
        if f.first > 0 && s.word_span(f.first - 1).start >= q.span.start {
            f.first -= 1;
        }
    }
    for _ in 0..trail {
        if f.last + 1 < s.word_count() && s.word_span(f.last + 1).end <= q.span.end {
            f.last += 1;
        }
    }
}

/// Word diff of the draft quote against the source passage.
fn word_diff(draft: &str, dw: &[&quote::QuoteWord], corpus: &Corpus, f: &Fuzzy) -> Vec<DiffOp> {
    let s = corpus.get(f.source).expect("live source");
    let d_text = |i: usize| draft[dw[i].span.clone()].to_string();
    let s_text = |j: usize| s.text[s.word_span(j)].to_string();
    let mut ops: Vec<DiffOp> = Vec::new();
    let push = |ops: &mut Vec<DiffOp>, op: DiffOp| match (ops.last_mut(), &op) {
        (Some(DiffOp::Equal(a)), DiffOp::Equal(b))
        | (Some(DiffOp::Delete(a)), DiffOp::Delete(b))
        | (Some(DiffOp::Insert(a)), DiffOp::Insert(b)) => {
            a.push(' ');
            a.push_str(b);
        }
        _ => ops.push(op),
    };
    let (mut i, mut j) = (0usize, f.first);
    for &(di, sj) in &f.pairs {
        while i < di {
            push(&mut ops, DiffOp::Delete(d_text(i)));
            i += 1;
        }
        while j < sj {
            push(&mut ops, DiffOp::Insert(s_text(j)));
            j += 1;
        }
        push(&mut ops, DiffOp::Equal(d_text(di)));
        i = di + 1;
        j = sj + 1;
    }
    while i < dw.len() {
        push(&mut ops, DiffOp::Delete(d_text(i)));
        i += 1;
    }
    while j <= f.last {
        push(&mut ops, DiffOp::Insert(s_text(j)));
        j += 1;
    }
    ops
}

// ---------------------------------------------------------------------------
// Citations

fn resolve_citation(m: &CitationMarker, defs: &[FootnoteDef], corpus: &Corpus) -> Vec<SourceKey> {
    if let Some(k) = corpus.by_id(&m.label) {
        return vec![k];
    }
    if m.pandoc {
        return Vec::new();
    }
    let Some(def) = defs.iter().find(|d| d.label.eq_ignore_ascii_case(&m.label)) else {
        return Vec::new();
    };
    // A definition names sources by id or by file (name or stem, perhaps
    // behind folders): look up its words rather than scan every source.
    let mut out = Vec::new();
    let id_words = def
        .text
        .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'));
    out.extend(id_words.filter_map(|w| corpus.by_id(w)));
    let paths = def
        .text
        .split(|c: char| !(c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '/' | '\\')));
    for p in paths {
        let p = p.trim_end_matches('.');
        let name = p.rsplit(['/', '\\']).next().unwrap_or(p);
        out.extend_from_slice(corpus.by_file(name));
    }
    out.sort_unstable();
    out.dedup();
    out
}

fn sentence_of_marker(
    draft: &str,
    sentences: &[Range<usize>],
    span: &Range<usize>,
) -> Option<Range<usize>> {
    if let Some(s) = sentences
        .iter()
        .find(|s| s.start <= span.start && span.start < s.end)
    {
        return Some(s.clone());
    }
    sentences
        .iter()
        .rev()
        .find(|s| {
            s.end <= span.start && {
                let between = &draft[s.end..span.start];
                between
                    .chars()
                    .all(|c| c.is_whitespace() || c.is_ascii_punctuation() || "”’".contains(c))
                    || between.trim().starts_with("[^")
            }
        })
        .cloned()
}

// ---------------------------------------------------------------------------
// Findings

/// "003 does", "003 and 004 do", "000, 003 and 004 do".
fn who_does(ev: &[Evidence]) -> String {
    let ids: Vec<&str> = ev.iter().map(|e| e.id.as_str()).collect();
    match ids.as_slice() {
        [] => "no source does".to_string(),
        [one] => format!("{one} does"),
        [rest @ .., last] => format!("{} and {last} do", rest.join(", ")),
    }
}

fn findings(a: &Analysis, corpus: &Corpus) -> Vec<Finding> {
    let mut out = Vec::new();
    for fc in &a.figures {
        let f = &fc.figure;
        match fc.verdict {
            FigureVerdict::Supported => {
                if !fc.disagreements.is_empty() {
                    let mut parts = Vec::new();
                    for (i, d) in fc.disagreements.iter().take(MAX_NAMED).enumerate() {
                        let sf = source_figure(corpus, d);
                        parts.push(format!(
                            "{} says {}",
                            d.id,
                            if i == 0 { d.said.clone() } else { sf }
                        ));
                    }
                    if let Some(best) = fc.evidence.first() {
                        parts.push(format!("{} says {}", best.id, source_figure(corpus, best)));
                    }
                    let mut evidence = fc.disagreements.clone();
                    evidence.extend(fc.evidence.iter().cloned());
                    out.push(Finding {
                        code: Code::SourcesDisagree,
                        severity: Code::SourcesDisagree.default_severity(),
                        span: f.span.clone(),
                        message: format!("sources disagree: {}", parts.join("; ")),
                        evidence,
                        fix: None,
                        diff: Vec::new(),
                    });
                }
            }
            FigureVerdict::Imprecise | FigureVerdict::Mismatch => {
                let best = &fc.evidence[0];
                let src_fig_text = source_figure(corpus, best);
                let code = if fc.verdict == FigureVerdict::Mismatch {
                    Code::FigureMismatch
                } else {
                    Code::FigureImprecise
                };
                out.push(Finding {
                    code,
                    severity: code.default_severity(),
                    span: f.span.clone(),
                    message: format!("source says {}, not {}; see {}", best.said, f.text, best.id),
                    evidence: fc.evidence.clone(),
                    fix: Some(Fix {
                        title: format!("Change to {} ({})", src_fig_text, best.id),
                        span: f.span.clone(),
                        replacement: match_case(&f.text, &src_fig_text),
                    }),
                    diff: Vec::new(),
                });
            }
            FigureVerdict::Unclear => {}
            FigureVerdict::Outdated => {
                let new = &fc.evidence[0];
                let new_text = source_figure(corpus, new);
                out.push(Finding {
                    code: Code::FigureOutdated,
                    severity: Code::FigureOutdated.default_severity(),
                    span: f.span.clone(),
                    message: format!(
                        "a later source gives this as {}, changed from {}; see {}",
                        new_text, f.text, new.id
                    ),
                    evidence: fc.evidence.clone(),
                    fix: Some(Fix {
                        title: format!("Change to {} ({})", new_text, new.id),
                        span: f.span.clone(),
                        replacement: match_case(&f.text, &new_text),
                    }),
                    diff: Vec::new(),
                });
            }
            FigureVerdict::Unsourced => out.push(Finding {
                code: Code::FigureUnsourced,
                severity: Code::FigureUnsourced.default_severity(),
                span: f.span.clone(),
                message: if f.noun.is_empty() {
                    format!("no source gives a figure for this: {}", f.text)
                } else {
                    format!("no source gives a figure for {}", f.noun)
                },
                evidence: Vec::new(),
                fix: None,
                diff: Vec::new(),
            }),
        }
    }
    for qc in &a.quotes {
        let span = qc.quote.span.clone();
        match &qc.verdict {
            QuoteVerdict::Verbatim | QuoteVerdict::TooShort => {}
            QuoteVerdict::Mismatch => {
                let best = &qc.evidence[0];
                out.push(Finding {
                    code: Code::QuoteMismatch,
                    severity: Code::QuoteMismatch.default_severity(),
                    span,
                    message: format!(
                        "quote differs from the source, which says: “{}”; see {}",
                        best.said, best.id
                    ),
                    evidence: qc.evidence.clone(),
                    fix: Some(Fix {
                        title: format!("Use the source's exact words ({})", best.id),
                        span: qc.words_span.clone(),
                        replacement: best.said.clone(),
                    }),
                    diff: qc.diff.clone(),
                });
            }
            QuoteVerdict::Misattributed { source_speaker } => {
                let best = &qc.evidence[0];
                let speaker = qc
                    .quote
                    .speaker
                    .as_ref()
                    .expect("misattributed quotes name a speaker");
                let named = corpus
                    .get(best.source)
                    .and_then(|_| source_speaker_named(corpus, best))
                    .unwrap_or(false);
                out.push(Finding {
                    code: Code::QuoteMisattributed,
                    severity: Code::QuoteMisattributed.default_severity(),
                    span,
                    message: format!(
                        "source attributes these words to {}, not {}; see {}",
                        source_speaker, speaker.name, best.id
                    ),
                    evidence: qc.evidence.clone(),
                    fix: named.then(|| Fix {
                        title: format!("Attribute to {}", source_speaker),
                        span: speaker.span.clone(),
                        replacement: source_speaker.clone(),
                    }),
                    diff: Vec::new(),
                });
            }
            QuoteVerdict::Paraphrased => {
                let best = &qc.evidence[0];
                let sentence = corpus
                    .get(best.source)
                    .map(|s| text::squash(&s.text[best.sentence.clone()]))
                    .unwrap_or_else(|| best.said.clone());
                out.push(Finding {
                    code: Code::QuoteParaphrased,
                    severity: Code::QuoteParaphrased.default_severity(),
                    span,
                    message: format!(
                        "the source reports these words without quotation marks, so they are not the speaker's own: “{}”; see {}",
                        shorten(&sentence, 160),
                        best.id
                    ),
                    evidence: qc.evidence.clone(),
                    fix: None,
                    diff: Vec::new(),
                });
            }
            QuoteVerdict::Wording => {
                let best = &qc.evidence[0];
                out.push(Finding {
                    code: Code::QuoteWording,
                    severity: Code::QuoteWording.default_severity(),
                    span,
                    message: format!(
                        "quote differs from the source only by a contraction; the source says: “{}”; see {}",
                        best.said, best.id
                    ),
                    evidence: qc.evidence.clone(),
                    fix: Some(Fix {
                        title: format!("Use the source's exact words ({})", best.id),
                        span: qc.words_span.clone(),
                        replacement: best.said.clone(),
                    }),
                    diff: qc.diff.clone(),
                });
            }
            QuoteVerdict::Unsourced => out.push(Finding {
                code: Code::QuoteUnsourced,
                severity: Code::QuoteUnsourced.default_severity(),
                span,
                message: "no source has these words".to_string(),
                evidence: Vec::new(),
                fix: None,
                diff: Vec::new(),
            }),
        }
    }
    for c in &a.citations {
        if let Some(f) = citation_finding(a, c, corpus) {
            out.push(f);
        }
    }
    out.retain(|f| {
        !a.ignored
            .iter()
            .any(|r| r.start <= f.span.start && f.span.start < r.end)
    });
    out.sort_by_key(|f| (f.span.start, f.code));
    out
}

fn source_speaker_named(corpus: &Corpus, ev: &Evidence) -> Option<bool> {
    source_speaker(corpus, ev.source, &ev.passage).map(|s| s.named)
}

/// The source figure's own text ("25", "around six") for an evidence entry.
fn source_figure(corpus: &Corpus, ev: &Evidence) -> String {
    corpus
        .get(ev.source)
        .and_then(|s| s.figures.iter().find(|f| f.span.start == ev.passage.start))
        .map(|f| f.text.clone())
        .unwrap_or_else(|| ev.said.clone())
}

/// Keeps a sentence-initial capital when replacing "Over 20" with "25".
fn match_case(old: &str, new: &str) -> String {
    let old_cap = old.chars().next().is_some_and(char::is_uppercase);
    let mut c = new.chars();
    match c.next() {
        Some(f) if old_cap && f.is_lowercase() => f.to_uppercase().collect::<String>() + c.as_str(),
        Some(f)
            if !old_cap && f.is_uppercase() && c.clone().next().is_some_and(char::is_lowercase) =>
        {
            f.to_lowercase().collect::<String>() + c.as_str()
        }
        _ => new.to_string(),
    }
}

fn citation_finding(a: &Analysis, c: &CitationCheck, corpus: &Corpus) -> Option<Finding> {
    let sentence = c.sentence.as_ref()?;
    if c.cited.is_empty() {
        return None;
    }
    let within = |r: &Range<usize>| sentence.start <= r.start && r.start < sentence.end;
    let cited_ids: Vec<String> = c
        .cited
        .iter()
        .filter_map(|k| corpus.get(*k))
        .map(|s| s.id.clone())
        .collect();
    let claims = a
        .figures
        .iter()
        .filter(|f| within(&f.figure.span))
        .map(|f| {
            let sup: Vec<Evidence> = if f.verdict == FigureVerdict::Supported {
                f.evidence.clone()
            } else {
                Vec::new()
            };
            (f.figure.described(), sup)
        })
        .chain(
            a.quotes
                .iter()
                .filter(|q| within(&q.quote.span) && q.verdict != QuoteVerdict::TooShort)
                .map(|q| {
                    let sup = if q.verdict == QuoteVerdict::Verbatim {
                        q.evidence.clone()
                    } else {
                        Vec::new()
                    };
                    (format!("“{}”", shorten(&q.text, 60)), sup)
                }),
        );
    let claims: Vec<(String, Vec<Evidence>)> = claims.collect();
    // A citation stands for its sentence: it is unsupported only when the
    // cited source supports none of the sentence's claims and another
    // source supports one (the engine knows who does). Where no source
    // supports any claim, the engine cannot tell the citation is wrong.
    if claims
        .iter()
        .any(|(_, sup)| sup.iter().any(|e| c.cited.contains(&e.source)))
    {
        return None;
    }
    for (what, supporters) in claims {
        if supporters.is_empty() {
            continue;
        }
        let cited = cited_ids.join(", ");
        let message = format!(
            "cited source {cited} does not support {what}; {}",
            who_does(&supporters)
        );
        let mut evidence = supporters.clone();
        for k in &c.cited {
            if let Some(s) = corpus.get(*k) {
                evidence.push(Evidence {
                    source: *k,
                    id: s.id.clone(),
                    path: s.path.clone(),
                    passage: 0..0,
                    sentence: 0..0,
                    said: s.meta.title.clone().unwrap_or_default(),
                    stance: Stance::Cited,
                });
            }
        }
        return Some(Finding {
            code: Code::CitationUnsupported,
            severity: Code::CitationUnsupported.default_severity(),
            span: c.marker.span.clone(),
            message,
            evidence,
            fix: None,
            diff: Vec::new(),
        });
    }
    None
}

/// At most `max` characters, cut at a word and marked with an ellipsis.
fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let cut: String = s.chars().take(max).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(a, _)| a);
    format!("{cut}…")
}
