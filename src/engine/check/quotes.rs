//! Verdicts for quotes: verbatim through the word positions, by
//! sentence, with contractions, then fuzzily; speech told from narration.

use super::*;
use crate::engine::source::Source;
use crate::engine::verdict::Severity;

pub(super) struct Match {
    pub(super) source: SourceKey,
    /// Word positions in the source: first..=last.
    pub(super) first: usize,
    pub(super) last: usize,
}

pub(super) fn segment_ids(corpus: &Corpus, seg: &Segment) -> Vec<u32> {
    seg.words.iter().map(|w| corpus.word_id(&w.norm)).collect()
}

/// Finds every place where all segments appear verbatim, in order.
pub(super) fn find_exact(corpus: &Corpus, segs: &[Vec<u32>], gaps: &[Gap]) -> Vec<Match> {
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
    out.sort_by(|a, b| stable_order(corpus, a.source, b.source).then(a.first.cmp(&b.first)));
    out
}

/// The order of two sources that no load order can change: by id, then
/// path. Ties between equally good passages go to the first.
pub(super) fn stable_order(corpus: &Corpus, a: SourceKey, b: SourceKey) -> std::cmp::Ordering {
    let key = |k: SourceKey| corpus.head(k).map(|h| (h.id.as_str(), h.path.as_path()));
    key(a).cmp(&key(b))
}

pub(super) fn max_gap(gap: Gap) -> usize {
    match gap {
        Gap::None => 0,
        Gap::Bracket => 6,
        Gap::Attribution => 16,
        Gap::Ellipsis => 200,
    }
}

pub(super) fn place_after(
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

pub(super) fn place_before(
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

pub(super) struct Fuzzy {
    pub(super) source: SourceKey,
    pub(super) first: usize,
    pub(super) last: usize,
    pub(super) score: f32,
    /// (draft word index, source word index) pairs that match.
    pub(super) pairs: Vec<(usize, usize)>,
}

/// Words matched in order that make a passage the quote's, whatever words
/// they are.
const LONG_RUN: usize = 6;

/// The closest passage to a quote that is not verbatim anywhere.
pub(super) fn find_fuzzy(corpus: &Corpus, q: &[u32]) -> Option<Fuzzy> {
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
    top.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then_with(|| stable_order(corpus, a.0 .0 as usize, b.0 .0 as usize))
            .then(a.0 .1.cmp(&b.0 .1))
    });
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
        use std::cmp::Ordering::{Equal, Greater, Less};
        let better = |b: &Fuzzy| match score.partial_cmp(&b.score) {
            Some(Greater) => true,
            Some(Equal) => {
                stable_order(corpus, src as usize, b.source).then(first.cmp(&b.first)) == Less
            }
            _ => false,
        };
        if best.as_ref().is_none_or(better) {
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
        // A long run of the same words ("we have been told to expect more
        // by the") is one quote, however few of them carry meaning alone.
        let long_run = b.pairs.len() >= LONG_RUN && meaningful >= 1;
        b.score >= 0.6 && b.pairs.len() >= 3 && (meaningful >= wanted || long_run)
    })
}

/// The source's words `first..=last`: the passage they span, and its text.
/// A passage that runs over an attribution (`"A," he said. "B."`) is told by
/// its quoted words alone ("A. B."), so that a message or a fix never offers
/// narration as the speaker's words.
pub(super) fn source_words_text(
    corpus: &Corpus,
    key: SourceKey,
    first: usize,
    last: usize,
) -> (Range<usize>, String) {
    let s = corpus.get(key).expect("live source");
    let r = s.word_span(first).start..s.word_span(last).end;
    let runs = quoted_runs(s, first, last);
    if runs.is_empty() || (first..=last).all(|j| piece_of(s, j).is_some()) {
        return (r.clone(), text::squash(&s.text[r]));
    }
    let mut said = String::new();
    for run in &runs {
        let t = text::squash(&s.text[run.clone()]);
        if !said.is_empty() {
            let capital = t.chars().next().is_some_and(char::is_uppercase);
            if capital && said.ends_with(',') {
                said.pop();
                said.push('.');
            }
            said.push(' ');
        }
        said.push_str(&t);
    }
    (r, said)
}

/// The piece of a source quote that holds word `j`, if one does.
fn piece_of(s: &Source, j: usize) -> Option<Range<usize>> {
    let span = s.word_span(j);
    s.quotes
        .iter()
        .flat_map(|q| q.pieces.iter())
        .find(|p| p.start <= span.start && span.end <= p.end)
        .cloned()
}

/// The stretches of words `first..=last` that lie inside quote pieces, each
/// but the last run to its piece's end when it reaches the piece's last
/// word (so that the punctuation between two runs comes along).
fn quoted_runs(s: &Source, first: usize, last: usize) -> Vec<Range<usize>> {
    let mut runs: Vec<(Range<usize>, Range<usize>)> = Vec::new();
    for j in first..=last {
        let Some(piece) = piece_of(s, j) else {
            continue;
        };
        let w = s.word_span(j);
        match runs.last_mut() {
            Some((run, p)) if *p == piece => run.end = w.end,
            _ => runs.push((w, piece)),
        }
    }
    let n = runs.len();
    runs.into_iter()
        .enumerate()
        .map(|(i, (run, piece))| {
            let tail = s.text[run.end..piece.end].trim_end();
            let closes = i + 1 < n && !tail.chars().any(char::is_alphanumeric);
            run.start..if closes {
                run.end + tail.len()
            } else {
                run.end
            }
        })
        .collect()
}

pub(super) fn quote_evidence(
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
pub(super) fn source_speaker(
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

pub(super) fn check_quote(draft: &str, q: Quote, corpus: &Corpus) -> QuoteCheck {
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
                // A source that names nobody at the quote ("he said")
                // attributes it only by our reading: too weak to say the
                // draft's speaker is wrong.
                (Some(d), Some(s)) if !d.same_as(&s) && !s.inferred => differing.push((ev, s)),
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
            if let Some((first, last)) = printed_inside(corpus, &f, &flat) {
                check.verdict = QuoteVerdict::PartlySourced;
                let ev = quote_evidence(corpus, f.source, first, last, Stance::Supports);
                check.evidence.push(ev);
                return check;
            }
            let ev = quote_evidence(corpus, f.source, f.first, f.last, Stance::Differs);
            check.diff = word_diff(draft, &all, corpus, &f);
            check.verdict = if only_minor(&check.diff, true) {
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
pub(super) fn settled(
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
pub(super) fn contraction_match(corpus: &Corpus, segs: &[Segment], gaps: &[Gap]) -> Option<Match> {
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
pub(super) fn in_narration(corpus: &Corpus, key: SourceKey, first: usize, last: usize) -> bool {
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
pub(super) fn reports_speech(corpus: &Corpus, key: SourceKey, at: usize) -> bool {
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
pub(super) fn split_by_attribution(corpus: &Corpus, f: &Fuzzy, n: usize) -> bool {
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
pub(super) fn only_contractions(diff: &[DiffOp]) -> bool {
    only_minor(diff, false)
}

/// Words whose presence or absence transcribers differ on without
/// changing what was said ("in a position" / "in position"). Never a
/// negation or a number.
pub(super) const ARTICLES: &[&str] = &["a", "an", "the"];

/// One word written open, closed or hyphenated ("any more", "anymore",
/// "e-mail"): the same letters, spaced another way.
fn same_but_spacing(a: &str, b: &str) -> bool {
    let letters = |w: &str| -> String { w.chars().filter(|c| c.is_alphanumeric()).collect() };
    a != b && letters(a) == letters(b)
}

/// Is a word of the diff spaced another way?
fn respaced(diff: &[DiffOp]) -> bool {
    diff.windows(2).any(|w| match (&w[0], &w[1]) {
        (DiffOp::Delete(a), DiffOp::Insert(b)) | (DiffOp::Insert(b), DiffOp::Delete(a)) => {
            same_but_spacing(&a.to_lowercase(), &b.to_lowercase())
        }
        _ => false,
    })
}

/// Is every difference of a word diff a contraction, a word spaced
/// another way ("any more" for "anymore"), or (with
/// `articles`) an article added or dropped? ("not the finish" for "not a
/// finish" is a change: a swap is not minor.)
pub(super) fn only_minor(diff: &[DiffOp], articles: bool) -> bool {
    let article_words = |w: &str| {
        articles
            && w.split_whitespace()
                .all(|x| ARTICLES.contains(&x.to_lowercase().as_str()))
    };
    let mut changed = false;
    let mut i = 0;
    while i < diff.len() {
        match (&diff[i], diff.get(i + 1)) {
            (DiffOp::Equal(_), _) => i += 1,
            (DiffOp::Delete(a), Some(DiffOp::Insert(b)))
            | (DiffOp::Insert(b), Some(DiffOp::Delete(a))) => {
                let (a, b) = (a.to_lowercase(), b.to_lowercase());
                if !quote::same_but_contractions(&a, &b) && !same_but_spacing(&a, &b) {
                    return false;
                }
                changed = true;
                i += 2;
            }
            (DiffOp::Delete(w) | DiffOp::Insert(w), _) if article_words(w) => {
                changed = true;
                i += 1;
            }
            _ => return false,
        }
    }
    changed
}

/// The fewest of a source's quoted words, printed word for word inside a
/// longer draft quote, that make the quote partly sourced.
const PART_WORDS: usize = 4;

/// The source's words (first and last) of a quotation in the matched
/// source that the draft quote `q` (word ids) holds whole, word for word,
/// with more words around it: the draft quotes more of the statement than
/// the source printed ("a strike would put our recovery in jeopardy" from
/// the source, inside a longer sentence in the draft). So are words the
/// source narrates as its own.
pub(super) fn printed_inside(corpus: &Corpus, f: &Fuzzy, q: &[u32]) -> Option<(usize, usize)> {
    let s = corpus.get(f.source)?;
    let ids = corpus.word_ids(f.source);
    let holds = |words: &[u32]| {
        words.len() >= PART_WORDS
            && words.len() < q.len()
            && q.windows(words.len()).any(|w| w == words)
    };
    // Words the source prints as its own narration, not as anyone's speech
    // ("He called the moves some of the most consequential changes").
    let narrated = in_narration(corpus, f.source, f.first, f.last)
        && !reports_speech(corpus, f.source, f.first);
    if narrated && ids.get(f.first..=f.last).is_some_and(holds) {
        return Some((f.first, f.last));
    }
    let near = f.first.saturating_sub(q.len())..(f.last + q.len()).min(s.word_count());
    let quote_of = |j: usize| {
        let w = s.word_span(j);
        s.quotes
            .iter()
            .position(|q| q.span.start <= w.start && w.end <= q.span.end)
    };
    // `"A," he said. "B."` quoted whole with a word of A changed: the
    // match reaches into two of the source's quotes, and is a misquote.
    let mut quotes: Vec<usize> = f.pairs.iter().filter_map(|&(_, j)| quote_of(j)).collect();
    quotes.dedup();
    if quotes.len() > 1 {
        return None;
    }
    // The nearby words of each source quote, in order: one run a quote.
    let held: Vec<(usize, usize)> = near.filter_map(|j| quote_of(j).map(|q| (j, q))).collect();
    held.chunk_by(|a, b| a.1 == b.1).find_map(|run| {
        let (first, last) = (run[0].0, run[run.len() - 1].0);
        let words = ids.get(first..=last)?;
        (run.len() == last - first + 1 && holds(words)).then_some((first, last))
    })
}

/// Widens a fuzzy match over source words the draft changed at either end
/// ("emails and texts" for "emails and phone calls"), within the source's
/// own quote so that the attribution after it is not swallowed.
pub(super) fn extend_to_quote(corpus: &Corpus, f: &mut Fuzzy, n: usize) {
    let Some(s) = corpus.get(f.source) else {
        return;
    };
    // Each end is widened within the quote that holds it: a match that
    // runs over an attribution spans two of the source's quotes.
    let quote_of = |j: usize| {
        let w = s.word_span(j);
        s.quotes
            .iter()
            .find(|q| q.span.start <= w.start && w.end <= q.span.end)
            .map(|q| q.span.clone())
    };
    let lead = f.pairs.first().map_or(0, |p| p.0);
    let trail = n - 1 - f.pairs.last().map_or(n - 1, |p| p.0);
    if let Some(q) = quote_of(f.first) {
        for _ in 0..lead {
            if f.first > 0 && s.word_span(f.first - 1).start >= q.start {
                f.first -= 1;
            }
        }
    }
    // At the end, a changed last word may stand for more than one of the
    // source's ("accountable" for "to account"): the quote's last few words
    // come along too.
    if let Some(q) = quote_of(f.last) {
        let inside = |j: usize| j < s.word_count() && s.word_span(j).end <= q.end;
        let to_end = (f.last + 1..).take_while(|&j| inside(j)).count();
        let take = if trail > 0 && to_end <= trail + 2 {
            to_end
        } else {
            trail.min(to_end)
        };
        f.last += take;
    }
}

/// Word diff of the draft quote against the source passage.
pub(super) fn word_diff(
    draft: &str,
    dw: &[&quote::QuoteWord],
    corpus: &Corpus,
    f: &Fuzzy,
) -> Vec<DiffOp> {
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

/// A finding on a quote, with the fix that puts in the source's exact
/// words (the best passage's).
fn with_exact_words(qc: &QuoteCheck, code: Code, message: String) -> Finding {
    let best = &qc.evidence[0];
    Finding {
        code,
        severity: code.default_severity(),
        span: qc.quote.span.clone(),
        message,
        evidence: qc.evidence.clone(),
        fix: Some(Fix {
            title: format!("Use the source's exact words ({})", best.id),
            span: qc.words_span.clone(),
            replacement: best.said.clone(),
        }),
        diff: qc.diff.clone(),
    }
}

/// A quote no source has. It is a Warning when the sources speak of the
/// person the draft gives it to: words put in the mouth of someone the
/// sources quote or name, and found in none of them. A quote with no
/// named speaker, or given to someone no source names (a reporter's own
/// interview, a sign, a title), is only Information: the sources cannot
/// say anything about it either way.
fn unsourced(qc: &QuoteCheck, corpus: &Corpus) -> Finding {
    let known = qc
        .quote
        .speaker
        .as_ref()
        .is_some_and(|s| s.named && corpus.frequency(corpus.word_id(&s.key())) > 0);
    let (severity, message) = if known {
        (
            Code::QuoteUnsourced.default_severity(),
            "no source has these words".to_string(),
        )
    } else {
        (
            Severity::Information,
            "no source has these words or names who said them".to_string(),
        )
    };
    Finding {
        code: Code::QuoteUnsourced,
        severity,
        span: qc.quote.span.clone(),
        message,
        evidence: Vec::new(),
        fix: None,
        diff: Vec::new(),
    }
}

/// The findings of the quotes.
pub(super) fn quote_findings(a: &Analysis, corpus: &Corpus, out: &mut Vec<Finding>) {
    for qc in &a.quotes {
        let span = qc.quote.span.clone();
        match &qc.verdict {
            QuoteVerdict::Verbatim | QuoteVerdict::TooShort => {}
            QuoteVerdict::Mismatch => {
                let best = &qc.evidence[0];
                let message = format!(
                    "quote differs from the source, which says: “{}”; see {}",
                    best.said, best.id
                );
                out.push(with_exact_words(qc, Code::QuoteMismatch, message));
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
                let what = if respaced(&qc.diff) {
                    "the spacing of a word"
                } else if only_contractions(&qc.diff) || qc.diff.is_empty() {
                    "a contraction"
                } else {
                    "a contraction or an article"
                };
                let message = format!(
                    "quote differs from the source only by {what}; the source says: “{}”; see {}",
                    best.said, best.id
                );
                out.push(with_exact_words(qc, Code::QuoteWording, message));
            }
            QuoteVerdict::Unsourced => out.push(unsourced(qc, corpus)),
            QuoteVerdict::PartlySourced => {
                let best = &qc.evidence[0];
                out.push(Finding {
                    code: Code::QuoteUnsourced,
                    severity: Severity::Information,
                    span,
                    message: format!(
                        "only part of this quote is in the sources, word for word: “{}”; see {}; no source has the rest",
                        best.said, best.id
                    ),
                    evidence: qc.evidence.clone(),
                    fix: None,
                    diff: Vec::new(),
                });
            }
        }
    }
}

pub(super) fn source_speaker_named(corpus: &Corpus, ev: &Evidence) -> Option<bool> {
    source_speaker(corpus, ev.source, &ev.passage).map(|s| s.named)
}
