//! Who said a quote: attribution verbs, names and titles, transcript
//! labels, pronouns.

use super::*;
use crate::engine::lexicon;

pub(super) const SPEECH_VERBS: &[&str] = &[
    "said",
    "says",
    "say",
    "told",
    "tells",
    "added",
    "adds",
    "wrote",
    "writes",
    "asked",
    "asks",
    "explained",
    "noted",
    "notes",
    "stated",
    "states",
    "tweeted",
    "posted",
    "testified",
    "recalled",
    "insisted",
    "argued",
    "argues",
    "warned",
    "warns",
    "declared",
    "continued",
    "replied",
    "shared",
    "acknowledged",
    "conceded",
    "remarked",
    "announced",
    "claimed",
    "claims",
    "stressed",
    "emphasized",
    "exclaimed",
    "admitted",
    "responded",
    "observed",
    "highlighted",
    "wrote",
    "testified",
    "texted",
    "emailed",
    "recounted",
    "cautioned",
    "predicted",
    "maintained",
    "countered",
    "pledged",
    "promised",
    "vowed",
    "complained",
    "conceded",
    "described",
    "urged",
    "told",
];

/// Is `w` (normalised) a verb of speech ("said", "told", "wrote")?
pub fn is_speech_verb(w: &str) -> bool {
    SPEECH_VERBS.contains(&w)
}

/// Words of time that stand between a speaker and the verb ("Ruiz on
/// Friday said", "Okafor later told reporters").
pub(super) const TIME_WORDS: &[&str] = &[
    "morning",
    "afternoon",
    "evening",
    "night",
    "earlier",
    "week",
    "month",
];

/// A word of time, or a day (`text::DAY_WORDS`).
pub(super) fn is_time_word(w: &str) -> bool {
    TIME_WORDS.contains(&w) || text::DAY_WORDS.contains(&w)
}

/// Words that open a time phrase before the verb: "on Friday", "last week".
pub(super) const TIME_OPENERS: &[&str] = &["on", "last", "this", "late", "early", "that"];

/// Courtesy titles in transcript labels ("MS. OKAFOR:").
pub(super) const HONORIFICS: &[&str] = &["mr", "ms", "mrs", "dr", "miss", "mx"];

/// Role words that sit between an organisation and a person in news style
/// ("White House spokeswoman Abigail Jackson").
pub(super) const ROLE_WORDS: &[&str] = &[
    "spokeswoman",
    "spokesman",
    "spokesperson",
    "secretary",
    "director",
    "official",
    "officer",
    "chief",
    "president",
    "minister",
    "senator",
    "representative",
    "governor",
    "mayor",
    "commissioner",
    "chair",
    "chairman",
    "chairwoman",
    "leader",
    "member",
    "aide",
    "adviser",
    "advisor",
    "analyst",
    "professor",
    "lawyer",
    "attorney",
    "agent",
    "deputy",
    "councilman",
    "councilwoman",
    "councilmember",
    "superintendent",
    "executive",
    "manager",
    "head",
    "editor",
    "reporter",
    "correspondent",
    "founder",
    "ceo",
    "administrator",
    "coordinator",
    "organizer",
    "resident",
    "worker",
    "driver",
    "nurse",
    "teacher",
    "owner",
    "staffer",
    "judge",
];

pub(super) const PRONOUNS: &[&str] = &["he", "she", "they", "i", "we"];

pub(super) const DETERMINERS: &[&str] = &[
    "one", "a", "an", "another", "the", "two", "three", "several", "some", "many", "other",
    "senior", "former",
];

pub(super) struct Toks<'a> {
    pub(super) text: &'a str,
    pub(super) toks: std::borrow::Cow<'a, [Token]>,
}

/// Where a quote's speaker is looked for: the text, its blocks, and the
/// tokens of every block when they were lexed already (a source's are).
#[derive(Clone, Copy)]
pub(super) struct Lexed<'a> {
    pub(super) text: &'a str,
    pub(super) blocks: &'a [Range<usize>],
    pub(super) tokens: Option<&'a [Token]>,
}

impl<'a> Lexed<'a> {
    /// The tokens of `r`, as `lex(text, r)` gives them: taken from the
    /// block's tokens when `r` lies in one block and no token crosses its
    /// ends; lexed afresh otherwise.
    fn toks(&self, r: Range<usize>) -> Toks<'a> {
        let text = self.text;
        let slice = self.tokens.and_then(|all| {
            let b = self
                .blocks
                .get(self.blocks.partition_point(|b| b.end <= r.start))?;
            if !(b.start <= r.start && r.end <= b.end) {
                return None;
            }
            let from = all.partition_point(|t| t.start < r.start);
            let to = from + all[from..].partition_point(|t| t.start < r.end);
            let clean_start = from == 0 || all[from - 1].end <= r.start;
            let clean_end = to == from || all[to - 1].end <= r.end;
            (clean_start && clean_end).then(|| &all[from..to])
        });
        Toks {
            text,
            toks: match slice {
                Some(t) => std::borrow::Cow::Borrowed(t),
                None => std::borrow::Cow::Owned(lex(text, r)),
            },
        }
    }
}

impl Toks<'_> {
    fn word(&self, i: usize) -> Option<std::borrow::Cow<'_, str>> {
        match self.toks.get(i)?.kind {
            TokenKind::Word { .. } => {
                let w = self.toks[i].text(self.text);
                // Most words are already lower-case ASCII: no copy for them.
                Some(if w.bytes().all(|b| b.is_ascii_lowercase() || b == b'-') {
                    std::borrow::Cow::Borrowed(w)
                } else {
                    std::borrow::Cow::Owned(normalize_word(w))
                })
            }
            _ => None,
        }
    }
    fn cap(&self, i: usize) -> bool {
        self.toks[i].is_word()
            && self.toks[i]
                .text(self.text)
                .chars()
                .next()
                .is_some_and(char::is_uppercase)
    }
}

/// Runs of capitalised words in `toks[from..to]`, skipping stop words at the
/// start of a run ("The", "But").
pub(super) fn cap_runs(t: &Toks, from: usize, to: usize) -> Vec<Range<usize>> {
    let mut runs = Vec::new();
    let mut k = from;
    while k < to {
        if t.cap(k) && !is_stopword(&t.word(k).unwrap_or_default()) {
            let start = k;
            while k < to && (t.cap(k) || is_particle(t, k)) {
                k += 1;
            }
            let mut end = k;
            while end > start && !t.cap(end - 1) {
                end -= 1;
            }
            runs.push(start..end);
        } else {
            k += 1;
        }
    }
    runs
}

pub(super) fn is_particle(t: &Toks, k: usize) -> bool {
    matches!(
        t.word(k).as_deref(),
        Some("de" | "van" | "von" | "da" | "del" | "la" | "bin" | "al")
    ) && k + 1 < t.toks.len()
        && t.cap(k + 1)
}

pub(super) fn speaker_from_run(t: &Toks, run: Range<usize>) -> Speaker {
    // Drop a leading organisation and role: keep the words after the last
    // role word of the run ("Homeland Security Secretary Kristi Noem" → "Kristi Noem").
    let mut start = run.start;
    for k in run.clone() {
        if ROLE_WORDS.contains(&&*t.word(k).unwrap_or_default()) && k + 1 < run.end {
            start = k + 1;
        }
    }
    let span = t.toks[start].start..t.toks[run.end - 1].end;
    Speaker {
        name: crate::engine::text::squash(&t.text[span.clone()]),
        span,
        named: true,
        inferred: false,
    }
}

/// The speaker named in the words after a speech verb: "said Homeland
/// Security spokesperson Tricia McLaughlin in a statement", "said one
/// federal official familiar with the meeting".
pub(super) fn speaker_after(t: &Toks, from: usize, to: usize) -> Option<Speaker> {
    let mut end = from;
    while end < to {
        match &t.toks[end].kind {
            // "said Dr. Nadia Quarles": a courtesy title's dot goes on.
            TokenKind::Punct('.')
                if end > from && t.word(end - 1).is_some_and(|w| HONORIFICS.contains(&&*w)) => {}
            TokenKind::Punct(',' | '.' | ';' | ':' | '—' | '“' | '"' | '(') => break,
            TokenKind::Word { .. } => {
                let w = t.word(end).unwrap_or_default();
                if matches!(
                    &*w,
                    "in" | "at"
                        | "on"
                        | "during"
                        | "after"
                        | "before"
                        | "while"
                        | "when"
                        | "who"
                        | "which"
                        | "that"
                        | "familiar"
                        | "with"
                        | "to"
                        | "about"
                        | "of"
                        | "and"
                ) && end > from
                {
                    break;
                }
            }
            _ => {}
        }
        end += 1;
    }
    if end == from {
        return None;
    }
    if let Some(run) = cap_runs(t, from, end).pop() {
        return Some(speaker_from_run(t, run));
    }
    let first = t.word(from)?;
    if PRONOUNS.contains(&&*first) {
        return Some(pronoun(t, from));
    }
    if DETERMINERS.contains(&&*first)
        || ROLE_WORDS
            .iter()
            .any(|r| (from..end).any(|k| t.word(k).as_deref() == Some(r)))
    {
        let span = t.toks[from].start..t.toks[end - 1].end;
        return Some(Speaker {
            name: crate::engine::text::squash(&t.text[span.clone()]),
            span,
            named: false,
            inferred: false,
        });
    }
    None
}

pub(super) fn pronoun(t: &Toks, k: usize) -> Speaker {
    Speaker {
        name: t.toks[k].text(t.text).to_string(),
        span: t.toks[k].start..t.toks[k].end,
        named: false,
        inferred: false,
    }
}

/// The speaker before a speech verb at `verb`: "Noem told officials",
/// "she reportedly told", "one official said", "Claire X, a former official, said".
pub(super) fn speaker_before(t: &Toks, from: usize, verb: usize) -> Option<Speaker> {
    let mut k = verb;
    // Skip adverbs ("reportedly", "also", "later") and time phrases
    // ("on Friday", "last week").
    let mut skipped_time = false;
    while k > from
        && t.word(k - 1).is_some_and(|w| {
            let time = is_time_word(&w);
            let opener = skipped_time && TIME_OPENERS.contains(&&*w);
            skipped_time = time;
            time || opener
                || w.ends_with("ly")
                || matches!(
                    &*w,
                    "also" | "later" | "then" | "once" | "has" | "had" | "have"
                )
        })
    {
        k -= 1;
    }
    if k == from {
        return None;
    }
    let Some(w) = t.word(k - 1) else {
        // Punctuation before the verb: an appositive ("X, a former official, said").
        return subject_of(t, from, verb);
    };
    if PRONOUNS.contains(&&*w) {
        return Some(pronoun(t, k - 1));
    }
    if t.cap(k - 1) && !DETERMINERS.contains(&&*w) && !is_stopword(&w) {
        let mut start = k - 1;
        while start > from && (t.cap(start - 1) || is_particle(t, start - 1)) {
            start -= 1;
        }
        return Some(
            title_of_place(t, from, start, k).unwrap_or_else(|| speaker_from_run(t, start..k)),
        );
    }
    // An appositive: "Claire Trickler-McNulty, a former senior official, said".
    subject_of(t, from, verb).or_else(|| {
        // "one official said"
        let mut start = k - 1;
        while start > from
            && t.word(start - 1)
                .is_some_and(|w| !is_stopword(&w) || DETERMINERS.contains(&&*w))
        {
            start -= 1;
        }
        let first = t.word(start)?;
        DETERMINERS.contains(&&*first).then(|| {
            let span = t.toks[start].start..t.toks[k - 1].end;
            Speaker {
                name: crate::engine::text::squash(&t.text[span.clone()]),
                span,
                named: false,
                inferred: false,
            }
        })
    })
}

/// "The mayor of Amatrice said", "Giulia Rossi of Amatrice said": the
/// name after "of" (and its article) is where the speaker lives or holds a
/// role, not the speaker. The speaker is the name before "of", or the
/// role, unnamed ("the mayor of Amatrice"), with its article.
fn title_of_place(t: &Toks, from: usize, start: usize, end: usize) -> Option<Speaker> {
    let mut of = start.checked_sub(1).filter(|&k| k > from)?;
    if t.word(of).as_deref() == Some("the") && of - 1 > from {
        of -= 1;
    }
    if t.word(of).as_deref() != Some("of") {
        return None;
    }
    let role = of - 1;
    if t.cap(role) {
        let mut first = role;
        while first > from && (t.cap(first - 1) || is_particle(t, first - 1)) {
            first -= 1;
        }
        let run = first..role + 1;
        return may_be_person(t, &run).then(|| speaker_from_run(t, run));
    }
    if !t.word(role).is_some_and(|w| ROLE_WORDS.contains(&&*w)) {
        return None;
    }
    let first = if role > from && t.word(role - 1).is_some_and(|w| DETERMINERS.contains(&&*w)) {
        role - 1
    } else {
        role
    };
    let span = t.toks[first].start..t.toks[end - 1].end;
    Some(Speaker {
        name: crate::engine::text::squash(&t.text[span.clone()]),
        span,
        named: false,
        inferred: false,
    })
}

/// The person a sentence is about: the first run of capitalised words that is
/// not followed by a role word ("White House spokeswoman Abigail Jackson
/// declined" → Abigail Jackson).
pub(super) fn subject_of(t: &Toks, from: usize, to: usize) -> Option<Speaker> {
    for run in cap_runs(t, from, to) {
        let next = t.word(run.end).unwrap_or_default();
        // "last June, and its superintendent, Owen Pratt, said" ("June
        // Carter" is a name).
        let time = run.len() == 1
            && t.word(run.start)
                .is_some_and(|w| is_time_word(&w) || lexicon::time_kind(&text::stem(&w)).is_some());
        if ROLE_WORDS.contains(&&*next) || time {
            continue;
        }
        if run.len() >= 2 || t.toks.get(run.end).is_some_and(|x| x.is_punct(',')) {
            return Some(speaker_from_run(t, run));
        }
    }
    None
}

pub(super) fn find_verb(t: &Toks, from: usize, to: usize) -> Option<usize> {
    (from..to).find(|&k| t.word(k).is_some_and(|w| SPEECH_VERBS.contains(&&*w)))
}

/// "according to X"
pub(super) fn according_to(t: &Toks, from: usize, to: usize) -> Option<Speaker> {
    let k = (from..to.saturating_sub(1)).find(|&k| {
        t.word(k).as_deref() == Some("according") && t.word(k + 1).as_deref() == Some("to")
    })?;
    speaker_after(t, k + 2, to)
}

pub(super) fn attribute(lexed: Lexed, sentences: &[Range<usize>], quotes: &mut [Quote]) {
    let (text, blocks) = (lexed.text, lexed.blocks);
    // Sentences, blocks and quotes are each in order and disjoint: found
    // by binary search, and a quote's neighbours are the quotes next to it
    // (a scan per quote was quadratic in a run of short quotes).
    let index_of = |spans: &[Range<usize>], pos: usize| {
        let i = spans.partition_point(|r| r.end <= pos);
        spans.get(i).is_some_and(|r| r.contains(&pos)).then_some(i)
    };
    let sentence_of = |pos: usize| index_of(sentences, pos);
    let block_of = |pos: usize| index_of(blocks, pos);
    let mut last: Option<(usize, Speaker)> = None; // (block, speaker)
    let mut last_named: Option<Speaker> = None;
    let mut speakers: Vec<Speaker> = Vec::new();
    for qi in 0..quotes.len() {
        let q = quotes[qi].clone();
        let Some(si) = sentence_of(q.span.start) else {
            continue;
        };
        let end_si = sentence_of(q.span.end.saturating_sub(1)).unwrap_or(si);
        let sent = sentences[si].start..sentences[end_si].end.max(q.span.end);
        let t = lexed.toks(sent.clone());
        let q_first = t
            .toks
            .iter()
            .position(|x| x.start >= q.span.start)
            .unwrap_or(0);
        let q_last = t
            .toks
            .iter()
            .position(|x| x.start >= q.span.end)
            .unwrap_or(t.toks.len());
        // Other quotes in the same sentence bound the search.
        let prev_end = qi
            .checked_sub(1)
            .map(|p| quotes[p].span.end)
            .filter(|&e| e > sent.start);
        let next_start = quotes
            .get(qi + 1)
            .map(|o| o.span.start)
            .filter(|&st| st < sent.end);
        let lo = prev_end.map_or(0, |e| t.toks.iter().position(|x| x.start >= e).unwrap_or(0));
        let hi = next_start.map_or(t.toks.len(), |s| {
            t.toks
                .iter()
                .position(|x| x.start >= s)
                .unwrap_or(t.toks.len())
        });

        let mut speaker = None;
        // After the quote: ", said X" / ", X said".
        if let Some(v) = find_verb(&t, q_last, hi.min(q_last + 12)) {
            speaker = speaker_before(&t, q_last, v).or_else(|| speaker_after(&t, v + 1, hi));
        }
        if speaker.is_none() {
            speaker = according_to(&t, q_last, hi);
        }
        // Before the quote: "Noem told officials: “...”", "X said, “...”".
        if speaker.is_none() && q_first > lo {
            if let Some(v) = (lo..q_first)
                .rev()
                .find(|&k| t.word(k).is_some_and(|w| SPEECH_VERBS.contains(&&*w)))
            {
                speaker = speaker_before(&t, lo, v).or_else(|| speaker_after(&t, v + 1, q_first));
            } else {
                speaker = according_to(&t, lo, q_first);
            }
        }
        // A preceding sentence ending in "said:".
        if speaker.is_none() && si > 0 {
            let prev = sentences[si - 1].clone();
            if text[prev.clone()].trim_end().ends_with(':') && q_first == lo {
                let pt = lexed.toks(prev);
                if let Some(v) = (0..pt.toks.len())
                    .rev()
                    .find(|&k| pt.word(k).is_some_and(|w| SPEECH_VERBS.contains(&&*w)))
                {
                    speaker = speaker_before(&pt, 0, v).or_else(|| subject_of(&pt, 0, v));
                } else {
                    speaker = transcript_label(&pt);
                }
            }
        }
        // Transcript style: "NAME NAME: words" at the start of the block.
        if speaker.is_none() {
            if let Some(b) = block_of(q.span.start) {
                speaker = transcript_speaker(text, blocks[b].clone());
            }
        }
        // A later sentence of the same paragraph continues the last speaker.
        if speaker.is_none() {
            if let (Some((b, s)), Some(qb)) = (&last, block_of(q.span.start)) {
                if *b == qb {
                    speaker = Some(s.clone());
                }
            }
        }
        // Pronouns: the last named person before the quote.
        if let Some(s) = &speaker {
            if !s.named && PRONOUNS.contains(&normalize_word(&s.name).as_str()) {
                // The last name before the quote, if it is a person who
                // speaks in this text; else the last named speaker ("She"
                // after "Election Day" is still Voss).
                let before = last_named_before(lexed, sentences, si, q.span.start);
                // A name of a day or a time ("Election Day") is no person.
                let known = |b: &Speaker| {
                    speakers.iter().any(|k: &Speaker| k.same_as(b))
                        || !b.name.split_whitespace().any(|w| {
                            let w = normalize_word(w);
                            is_time_word(&w) || w == "day"
                        })
                };
                let same_block = match (&last, block_of(q.span.start)) {
                    (Some((b, l)), Some(qb)) if *b == qb && l.named => Some(l.clone()),
                    _ => None,
                };
                let resolved = match (before, same_block) {
                    (Some(b), Some(l)) if !known(&b) => Some(l),
                    (b, _) => b.or_else(|| last_named.clone()),
                };
                // A name in another paragraph is only our reading.
                let block_start = block_of(q.span.start).map_or(0, |b| blocks[b].start);
                speaker = resolved.map(|r| Speaker {
                    span: s.span.clone(),
                    inferred: r.span.start < block_start,
                    ..r
                });
            }
        }
        // "the chief executive said": the person the text names with that
        // title.
        if let Some(s) = speaker.as_ref().filter(|s| !s.named) {
            if let Some(named) = titled_person(lexed, sentences, s) {
                speaker = Some(Speaker {
                    span: s.span.clone(),
                    ..named
                });
            }
        }
        if let Some(s) = &speaker {
            if s.named {
                last_named = Some(s.clone());
                speakers.push(s.clone());
            }
            if let Some(b) = block_of(q.span.start) {
                last = Some((b, s.clone()));
            }
        }
        quotes[qi].speaker = speaker;
    }
}

/// The role words of a definite title reference ("the chief executive",
/// "the company's spokeswoman", "the CEO"); none for an indefinite one ("a
/// city official", "one official"), which names nobody.
pub(super) fn title_roles(name: &str) -> Vec<String> {
    let words: Vec<String> = name.split_whitespace().map(normalize_word).collect();
    let definite = words
        .first()
        .is_some_and(|w| w == "the" || w.ends_with("'s") || w == "its" || w == "their");
    if !definite {
        return Vec::new();
    }
    words
        .into_iter()
        .filter(|w| ROLE_WORDS.contains(&w.as_str()))
        .collect()
}

/// The one person the text names with every role word of `speaker`, a
/// definite title reference: "Chief Executive Dana Ruiz", "Dana Ruiz, the
/// company's chief executive,". `None` if none does, or several.
pub(super) fn titled_person(
    lexed: Lexed,
    sentences: &[Range<usize>],
    speaker: &Speaker,
) -> Option<Speaker> {
    let roles = title_roles(&speaker.name);
    if roles.is_empty() {
        return None;
    }
    let mut found: Option<Speaker> = None;
    for r in sentences {
        let t = lexed.toks(r.clone());
        for run in cap_runs(&t, 0, t.toks.len()) {
            // Role words before the name (inside the run or just before it)
            // and in an appositive after it.
            let before = run.start.saturating_sub(3)..run.end;
            let mut after = run.end..run.end;
            if t.toks.get(run.end).is_some_and(|x| x.is_punct(',')) {
                let stop = (run.end + 1..t.toks.len().min(run.end + 10))
                    .find(|&k| matches!(t.toks[k].kind, TokenKind::Punct(',' | '.' | ';')))
                    .unwrap_or(t.toks.len().min(run.end + 10));
                after = run.end + 1..stop;
            }
            let has = |role: &String| {
                before
                    .clone()
                    .chain(after.clone())
                    .any(|k| t.word(k).as_deref() == Some(role.as_str()))
            };
            if !roles.iter().all(has) {
                continue;
            }
            let person = speaker_from_run(&t, run);
            let words = || person.name.split_whitespace().map(normalize_word);
            if words().count() < 2 || words().any(|w| ROLE_WORDS.contains(&w.as_str())) {
                continue;
            }
            match &found {
                Some(f) if !f.same_as(&person) => return None,
                Some(_) => {}
                None => found = Some(person),
            }
        }
    }
    found
}

/// The speaker of a transcript turn ("NAME: words") that opens `block`.
pub fn transcript_speaker(text: &str, block: Range<usize>) -> Option<Speaker> {
    let end = block.end.min(block.start + 200);
    let end = (end..=block.end)
        .find(|&e| text.is_char_boundary(e))
        .unwrap_or(block.end);
    transcript_label(&Toks {
        text,
        toks: std::borrow::Cow::Owned(lex(text, block.start..end)),
    })
}

/// "COUNCILWOMAN DANA OKAFOR:" or "Dana Okafor:" opening a block.
pub(super) fn transcript_label(t: &Toks) -> Option<Speaker> {
    let colon = t.toks.iter().take(8).position(|x| x.is_punct(':'))?;
    // "MS. OKAFOR:": a courtesy title and its dot open the label.
    let title = t.word(0).is_some_and(|w| HONORIFICS.contains(&&*w))
        && t.toks.get(1).is_some_and(|x| x.is_punct('.'));
    let from = if title { 2 } else { 0 };
    if colon <= from || !(from..colon).all(|k| t.cap(k)) {
        return None;
    }
    let run = from..colon;
    // "THE COURT:", "THE WITNESS:" name a role in the room, not a person.
    if t.word(from).as_deref() == Some("the") {
        return None;
    }
    let all_caps = t.text[t.toks[0].start..t.toks[colon - 1].end]
        .chars()
        .all(|c| !c.is_lowercase());
    let mut s = speaker_from_run(t, run);
    if all_caps {
        // Title case for display, and drop a leading role.
        let words: Vec<String> = s
            .name
            .split_whitespace()
            .map(|w| {
                let mut c = w.chars();
                c.next()
                    .map(|f| f.to_uppercase().collect::<String>() + &c.as_str().to_lowercase())
                    .unwrap_or_default()
            })
            .collect();
        let start = words
            .iter()
            .rposition(|w| ROLE_WORDS.contains(&w.to_lowercase().as_str()))
            .map_or(0, |p| p + 1);
        s.name = words[start.min(words.len().saturating_sub(1))..].join(" ");
    }
    Some(s)
}

/// Can the capitalised run `r` name the person a pronoun stands for? Two
/// words or more ("Dana Ruiz"), or one right before a speech verb
/// ("Zinsner said"), before no role word; not a title in quotation marks
/// ("“Look What You Made Me Do”") and not an owner or its thing
/// ("Intel's AI", "Taylor Swift's").
fn may_be_person(t: &Toks, r: &Range<usize>) -> bool {
    let said = t.word(r.end).is_some_and(|w| is_speech_verb(&w));
    let role = ROLE_WORDS.contains(&&*t.word(r.end).unwrap_or_default());
    let quoted = r.start > 0 && matches!(t.toks[r.start - 1].kind, TokenKind::Punct('“' | '"'));
    // Words are normalised: a curly apostrophe reads as a straight one.
    let possessive = (r.start..r.end).any(|k| t.word(k).is_some_and(|w| w.ends_with("'s")));
    // "the City Council", "its 40-acre Brennock Works", "at City Hall": a
    // person's name takes no article, no measure and no preposition of place.
    let before = r.start.checked_sub(1).and_then(|k| t.word(k));
    let measured = r.start >= 3
        && matches!(t.toks[r.start - 2].kind, TokenKind::Punct('-'))
        && matches!(t.toks[r.start - 3].kind, TokenKind::Number(_));
    let thing = measured || before.is_some_and(|w| NAME_DETERMINERS.contains(&&*w));
    (r.len() >= 2 || said) && !role && !quoted && !possessive && !thing
}

/// Does a speech verb follow token `k`, right after it or after an aside
/// set off by commas ("Ebbeson, Aldane's chief executive, said")?
fn speaks_after(t: &Toks, k: usize) -> bool {
    let said = |k: usize| t.word(k).is_some_and(|w| is_speech_verb(&w));
    if said(k) {
        return true;
    }
    if !t.toks.get(k).is_some_and(|x| x.is_punct(',')) {
        return false;
    }
    (k + 1..t.toks.len().min(k + 10))
        .find(|&j| t.toks[j].is_punct(','))
        .is_some_and(|j| said(j + 1))
}

/// Words before a name that make it a thing's or a place's, not a person's.
const NAME_DETERMINERS: &[&str] = &[
    "the", "a", "an", "its", "their", "this", "that", "at", "in", "near", "outside", "inside",
];

pub(super) fn last_named_before(
    lexed: Lexed,
    sentences: &[Range<usize>],
    si: usize,
    before: usize,
) -> Option<Speaker> {
    for k in (si.saturating_sub(3)..=si).rev() {
        let r = sentences[k].start..sentences[k].end.min(before);
        if r.start >= r.end {
            continue;
        }
        let t = lexed.toks(r);
        let runs: Vec<_> = cap_runs(&t, 0, t.toks.len())
            .into_iter()
            .filter(|r| may_be_person(&t, r))
            .collect();
        // "Martin Ebbeson, Aldane's chief executive, said Ossory General
        // handles…": one who speaks in the sentence before one who is
        // spoken of.
        let speaks = runs.iter().rev().find(|r| speaks_after(&t, r.end));
        if let Some(run) = speaks.or(runs.last()) {
            return Some(speaker_from_run(&t, run.clone()));
        }
    }
    None
}
