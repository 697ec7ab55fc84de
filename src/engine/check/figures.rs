//! Verdicts for figures: candidates from the corpus, aligned and compared.

use super::*;

/// Candidate lists longer than this belong to words too common to read
/// whole (see `check_figure`).
pub(super) const SHORT_LIST: usize = 2000;

pub(super) fn figure_evidence(corpus: &Corpus, key: usize, f: &Figure, stance: Stance) -> Evidence {
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
pub(super) fn day_of(date: &str) -> Option<&str> {
    let d = date.trim().get(..10)?;
    let b = d.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    (digits(0..4) && b[4] == b'-' && digits(5..7) && b[7] == b'-' && digits(8..10)).then_some(d)
}

/// Were the draft and the source written on different days? Then a count
/// may have moved between them ("the death toll stood at 85" a week after
/// "29"; "48" dead on Tuesday, "84" on Friday), and the source cannot call
/// the draft's figure wrong, unless its scale slipped ("$6 million" for
/// "$6 billion").
pub(super) fn other_day(draft_day: Option<&str>, corpus: &Corpus, key: usize) -> bool {
    matches!((draft_day, source_day(corpus, key)), (Some(a), Some(b)) if a != b)
}

/// The day a source was written, from its front matter or dateline.
pub(super) fn source_day(corpus: &Corpus, key: usize) -> Option<&str> {
    corpus
        .get(key)
        .and_then(|s| s.meta.date.as_deref())
        .and_then(day_of)
}

/// Words that put a figure in the past ("had 4,800 workers last week",
/// "initially", "a week ago"): such a figure may be a count since revised.
pub(super) const PAST_MARKERS: &[&str] = &[
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
pub(super) fn told_as_past(sentence: &str) -> bool {
    sentence
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| PAST_MARKERS.contains(&text::normalize_word(w).as_str()))
}

/// The new value of the change whose old value is the source figure `old`
/// (a figure with side From, "up from 4,800"): the figure of its sentence
/// with side To ("grew to 6,100").
pub(super) fn new_value_of<'a>(corpus: &'a Corpus, key: usize, old: &Figure) -> Option<&'a Figure> {
    let s = corpus.get(key)?;
    s.figures
        .iter()
        .find(|f| f.sentence == old.sentence && f.side == Side::To && f.value != old.value)
}

pub(super) fn check_figure(
    fig: Figure,
    corpus: &Corpus,
    day: Option<&str>,
    past: bool,
) -> FigureCheck {
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
            // Whose figure it is ("Joanne Perrin, 54,"): a name is rare,
            // and the sentences that name it are few.
            for w in owners(&fig) {
                take(corpus.figures_with_context(w), &mut v);
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
    let mut cands: Vec<Candidate> = Vec::new();
    for r in refs {
        let Some((_, sf)) = corpus.figure(r) else {
            continue;
        };
        if let Some(a) = same_thing(&fig, sf) {
            let key = r.0 as usize;
            let strong = a.strong && (!other_day(day, corpus, key) || scale_slipped(&fig, sf));
            cands.push((a.score, key, sf, relation(&fig, sf), strong));
        }
    }
    // A figure governed by another word ("redrawing a dozen routes" against
    // "eliminate twelve routes") is set aside when others agree on the word.
    // Only when some candidate shares the draft's word: a verb of another
    // word ("climbed to 35" for "grown to 35") sets nothing aside alone.
    // The governor and the event are weighed apart.
    let differ = |a: Option<Term>, b: Option<Term>| matches!((a, b), (Some(a), Some(b)) if !lexicon::same_act(a, b));
    let by_governor = fig.governor.is_some() && cands.iter().any(|c| c.2.governor == fig.governor);
    let by_event = fig.event.is_some() && cands.iter().any(|c| c.2.event == fig.event);
    cands.retain(|c| {
        !(by_governor && differ(fig.governor, c.2.governor)
            || by_event && differ(fig.event, c.2.event))
    });
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
    // Nor is one from a source dated after every source that contradicts
    // the figure strongly: the count may have been revised since.
    let newest_contradiction = cands
        .iter()
        .filter(|c| c.3 == Relation::Contradicts && c.4)
        .map(|c| source_day(corpus, c.1))
        .max();
    let revised = |key: usize| {
        let day = source_day(corpus, key);
        day.is_some() && Some(day) > newest_contradiction
    };
    let supports: Vec<_> = cands
        .iter()
        .filter(|c| matches!(c.3, Relation::Exact | Relation::Within))
        .filter(|c| c.4 || revised(c.1) || !(strongly_contradicted && named && anonymous(c.2)))
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
                let later = matches!((day, source_day(corpus, c.1)), (Some(d), Some(s)) if s > d);
                let new = (c.2.side == Side::From && c.4 && !later)
                    .then(|| new_value_of(corpus, c.1, c.2))
                    .flatten()?;
                Some((c.1, new, c.2))
            })
        })
        .flatten();
    // "will shrink to 540 officers" where a source shrinks the force to 510
    // from 540: the draft gives the old value as the new one, whatever
    // source still counts 540 today.
    let old_as_new = (!past && fig.side == Side::To)
        .then(|| {
            cands.iter().find(|c| {
                c.4 && c.3 == Relation::Contradicts
                    && c.2.side == Side::To
                    && c.2.was.is_some_and(|w| same_value(w, fig.value))
            })
        })
        .flatten();
    let verdict = if let Some((key, new, old)) = superseded {
        evidence.push(figure_evidence(corpus, key, new, Stance::Contradicts));
        evidence.push(figure_evidence(corpus, key, old, Stance::Supports));
        FigureVerdict::Outdated
    } else if let Some(c) = old_as_new {
        evidence.push(figure_evidence(corpus, c.1, c.2, Stance::Contradicts));
        FigureVerdict::Mismatch
    } else if !supports.is_empty() {
        let mut sorted = supports.clone();
        sorted.sort_by_key(|c| c.3 != Relation::Exact);
        for c in &sorted {
            evidence.push(figure_evidence(corpus, c.1, c.2, Stance::Supports));
        }
        // A source that gives the draft's figure as the new value of a
        // change ("150 instead of 210") answers the old one elsewhere.
        let replaced = |v: f64| {
            supports
                .iter()
                .any(|s| s.2.was.is_some_and(|w| same_value(w, v)))
        };
        for c in cands.iter().filter(|c| c.3 == Relation::Contradicts && c.4) {
            if disputes(&fig, c.2) && !supports.iter().any(|s| s.1 == c.1) && !replaced(c.2.value) {
                disagreements.push(figure_evidence(corpus, c.1, c.2, Stance::Contradicts));
            }
        }
        FigureVerdict::Supported
    } else if let Some(range) = cands.iter().find(|c| {
        // "between $50,000 and $70,000" against a source's "between
        // $55,000 and $70,000": the range is the figure to answer, not a
        // point inside the draft's. One that shares an end with the draft's
        // is the same range with the other end changed, however loosely its
        // clause aligns.
        let shares_end =
            same_value(fig.band.lo, c.2.band.lo) || same_value(fig.band.hi, c.2.band.hi);
        fig.qualifier == Qualifier::Range
            && c.2.qualifier == Qualifier::Range
            && c.3 == Relation::Contradicts
            && (c.4 || shares_end)
    }) {
        evidence.push(figure_evidence(
            corpus,
            range.1,
            range.2,
            Stance::Contradicts,
        ));
        FigureVerdict::Mismatch
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
        // A number mistyped from one of them ("2,510" for "2,150") is that
        // one, whatever else the sources say: it is named first.
        let mut strong: Vec<&Candidate> = cands.iter().filter(|c| c.4).collect();
        strong.sort_by_key(|c| !mistyped(&fig, c.2));
        for c in &strong {
            evidence.push(figure_evidence(corpus, c.1, c.2, Stance::Contradicts));
        }
        if disputed(&strong) && !mistyped(&fig, strong[0].2) {
            FigureVerdict::Disputed
        } else {
            FigureVerdict::Mismatch
        }
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

/// A candidate: alignment score, source, source figure, relation, strong.
type Candidate<'a> = (f32, usize, &'a Figure, Relation, bool);

/// Sources a draft is built from: those that support most of its figures,
/// best first. A reporter works from a handful.
pub(super) const DRAFTS_SOURCES: usize = 8;

/// "14,518 votes" for the source's "14,581", "$65,000 a week" for "a
/// month": a slip can hide the very noun or words that find a figure's
/// candidates, leaving it unsourced or loosely aligned. Such figures are
/// compared again with every figure of the sources the draft is built
/// from (the ones that support its other figures), and a strong alignment
/// with a number mistyped makes it wrong.
pub(super) fn slips_in_drafts_sources(figures: &mut [FigureCheck], corpus: &Corpus) {
    let mut support: Vec<(usize, usize)> = Vec::new();
    for fc in figures
        .iter()
        .filter(|fc| fc.verdict == FigureVerdict::Supported)
    {
        for e in fc.evidence.iter().filter(|e| e.stance == Stance::Supports) {
            match support.iter_mut().find(|(k, _)| *k == e.source) {
                Some((_, n)) => *n += 1,
                None => support.push((e.source, 1)),
            }
        }
    }
    support.sort_by_key(|&(k, n)| (std::cmp::Reverse(n), k));
    support.truncate(DRAFTS_SOURCES);
    let open = |v: FigureVerdict| matches!(v, FigureVerdict::Unsourced | FigureVerdict::Unclear);
    for fc in figures.iter_mut().filter(|fc| open(fc.verdict)) {
        let slip = support.iter().find_map(|&(key, _)| {
            let s = corpus.get(key)?;
            s.figures
                .iter()
                .find(|sf| {
                    mistyped(&fc.figure, sf)
                        && plausible_slip(&fc.figure, sf)
                        && same_thing(&fc.figure, sf).is_some_and(|a| a.strong)
                        && relation(&fc.figure, sf) == Relation::Contradicts
                })
                .map(|sf| (key, sf))
        });
        if let Some((key, sf)) = slip {
            fc.evidence = vec![figure_evidence(corpus, key, sf, Stance::Contradicts)];
            fc.verdict = FigureVerdict::Mismatch;
        }
    }
}

/// Does a contradicting source figure dispute a supported draft figure, or
/// is it about something else that shares a noun? A source never disputes
/// itself (checked by the caller); vague figures ("hundreds") dispute
/// nothing; the clauses must share a word and not be governed by different
/// words ("eliminate nine routes" is not "overhaul its 42 routes").
pub(super) fn disputes(d: &Figure, s: &Figure) -> bool {
    if s.qualifier == Qualifier::Vague || d.qualifier == Qualifier::Vague {
        return false;
    }
    if let (Some(a), Some(b)) = (d.governor, s.governor) {
        if !lexicon::same_act(a, b) {
            return false;
        }
    }
    // Shared modifiers made them the same thing; only the clause can say
    // they are about the same event.
    d.local.iter().any(|w| s.local.contains(w))
}

/// Do the strongly aligned candidates `strong` that contradict a figure
/// give values that contradict one another, from two sources: a count that
/// moved between reports ("at least 73", "at least 267"), or one the
/// sources dispute?
pub(super) fn disputed(strong: &[&Candidate]) -> bool {
    let strong: Vec<&&Candidate> = strong
        .iter()
        .filter(|c| c.3 == Relation::Contradicts)
        .collect();
    strong.iter().enumerate().any(|(i, a)| {
        strong[i + 1..].iter().any(|b| {
            a.1 != b.1
                && relation(a.2, b.2) == Relation::Contradicts
                && relation(b.2, a.2) == Relation::Contradicts
        })
    })
}

/// Keeps the first (best) passage of each source.
pub(super) fn dedup_by_source(ev: &mut Vec<Evidence>) {
    let mut seen = std::collections::HashSet::new();
    ev.retain(|e| seen.insert(e.source));
}

/// Sources kept per verdict, best first. In a large archive thousands of
/// sources can agree on a common figure; a finding names the best, and a
/// keystroke does not carry thousands of locations to the editor.
pub(super) const MAX_EVIDENCE: usize = 10;

/// Disagreeing sources named in a `sources-disagree` message.
pub(super) const MAX_NAMED: usize = 3;

/// The findings of the figures.
pub(super) fn figure_findings(a: &Analysis, corpus: &Corpus, out: &mut Vec<Finding>) {
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
                // "$58,000 a month" for "a year": the rate is what is wrong,
                // and is named on both sides; putting the source's number
                // in place would change nothing.
                let rate =
                    figure_of(corpus, best).is_some_and(|sf| sf.per.is_some() && sf.per != f.per);
                let draft = if rate {
                    format!("{}{}", f.text, f.rate_words())
                } else {
                    f.text.clone()
                };
                let replacement = match_case(&f.text, &src_fig_text);
                out.push(Finding {
                    code,
                    severity: code.default_severity(),
                    span: f.span.clone(),
                    message: format!("source says {}, not {}; see {}", best.said, draft, best.id),
                    evidence: fc.evidence.clone(),
                    fix: (replacement != f.text).then(|| Fix {
                        title: format!("Change to {} ({})", src_fig_text, best.id),
                        span: f.span.clone(),
                        replacement,
                    }),
                    diff: Vec::new(),
                });
            }
            FigureVerdict::Unclear => {}
            FigureVerdict::Disputed => out.push(disputed_finding(corpus, fc)),
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
}

/// `sources-disagree` for a disputed figure: what the sources say, none
/// of it the draft's.
fn disputed_finding(corpus: &Corpus, fc: &FigureCheck) -> Finding {
    let parts: Vec<String> = fc
        .evidence
        .iter()
        .take(MAX_NAMED)
        .map(|e| format!("{} says {}", e.id, source_figure(corpus, e)))
        .collect();
    Finding {
        code: Code::SourcesDisagree,
        severity: Code::SourcesDisagree.default_severity(),
        span: fc.figure.span.clone(),
        message: format!(
            "sources disagree, and none gives this figure: {}",
            parts.join("; ")
        ),
        evidence: fc.evidence.clone(),
        fix: None,
        diff: Vec::new(),
    }
}

/// The source figure's own text ("25", "around six") for an evidence entry.
pub(super) fn source_figure(corpus: &Corpus, ev: &Evidence) -> String {
    figure_of(corpus, ev)
        .map(|f| f.text.clone())
        .unwrap_or_else(|| ev.said.clone())
}

/// The source figure a piece of evidence quotes.
pub(super) fn figure_of<'a>(corpus: &'a Corpus, ev: &Evidence) -> Option<&'a Figure> {
    corpus
        .get(ev.source)
        .and_then(|s| s.figures.iter().find(|f| f.span.start == ev.passage.start))
}

/// Keeps a sentence-initial capital when replacing "Over 20" with "25".
pub(super) fn match_case(old: &str, new: &str) -> String {
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
