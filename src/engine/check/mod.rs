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

mod align;
mod citations;
mod figures;
mod quotes;

use align::*;
pub use align::{same_thing, Alignment};
use citations::*;
use figures::*;
use quotes::*;

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
    /// The sources that contradict the figure closely contradict one
    /// another too ("at least 73 killed", "at least 267 killed"): a count
    /// that moved between reports, or one in dispute. Not called wrong.
    Disputed,
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
    /// A source prints part of the quote word for word, and nothing of the
    /// rest: the draft quotes more of the statement than the source did.
    PartlySourced,
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
    analyze_until(draft, corpus, &|| false).expect("never stopped")
}

/// How many figures or quotes are checked between two calls of `stop`.
const STOP_EVERY: usize = 16;

/// Checks a Markdown draft unless `stop` says, between figures and quotes,
/// that the result is no longer wanted (the draft has moved on).
pub fn analyze_until(draft: &str, corpus: &Corpus, stop: &dyn Fn() -> bool) -> Option<Analysis> {
    let prose = markdown::parse(draft);
    let sentences = text::sentences(&prose.masked, &prose.blocks, LineBreaks::Soft);
    let draft_day = prose
        .front_matter
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("date"))
        .and_then(|(_, v)| day_of(v));
    let mut figures = Vec::new();
    let mut past: Option<(Range<usize>, bool)> = None;
    for (i, f) in figure::extract(&prose.masked, &sentences)
        .into_iter()
        .enumerate()
    {
        if i % STOP_EVERY == 0 && stop() {
            return None;
        }
        // Asked once per sentence: its figures come together.
        let told = match &past {
            Some((r, p)) if *r == f.sentence => *p,
            _ => {
                let p = told_as_past(&prose.masked[f.sentence.clone()]);
                past = Some((f.sentence.clone(), p));
                p
            }
        };
        figures.push(check_figure(f, corpus, draft_day, told));
    }
    slips_in_drafts_sources(&mut figures, corpus);
    let mut quotes = Vec::new();
    for (i, q) in quote::extract(&prose.masked, &prose.blocks, &sentences)
        .into_iter()
        .enumerate()
    {
        if i % STOP_EVERY == 0 && stop() {
            return None;
        }
        quotes.push(check_quote(&prose.masked, q, corpus));
    }
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
    Some(a)
}

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
    figure_findings(a, corpus, &mut out);
    quote_findings(a, corpus, &mut out);
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

/// At most `max` characters, cut at a word and marked with an ellipsis.
fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let cut: String = s.chars().take(max).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(a, _)| a);
    format!("{cut}…")
}
