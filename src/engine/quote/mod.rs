//! Direct quotes and who said them. The same code reads drafts and sources,
//! so a source's attribution and a draft's attribution are found the same way.

use super::text::{self, is_stopword, lex, normalize_word, word_term, Term, Token, TokenKind};
use std::ops::Range;

mod scan;
mod segments;
mod speaker;

use scan::*;
pub use segments::*;
use speaker::*;
pub use speaker::{is_speech_verb, transcript_speaker};

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Quote {
    /// From the opening mark to the closing mark, inclusive. A quote that
    /// runs across paragraphs spans all of them.
    pub span: Range<usize>,
    /// The quoted text without marks, one piece per paragraph.
    pub pieces: Vec<Range<usize>>,
    pub speaker: Option<Speaker>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Speaker {
    /// "Tricia McLaughlin", or a description such as "one federal official".
    pub name: String,
    pub span: Range<usize>,
    /// False for unnamed speakers ("one federal official").
    pub named: bool,
    /// A pronoun ("he said") resolved to a name in another paragraph.
    #[serde(default)]
    pub inferred: bool,
}

impl Speaker {
    /// The surname, lower-cased: how two named speakers are compared.
    pub fn key(&self) -> String {
        normalize_word(self.name.split_whitespace().last().unwrap_or(""))
    }
    pub fn same_as(&self, other: &Speaker) -> bool {
        if self.named && other.named {
            self.key() == other.key()
        } else {
            !self.named && !other.named
        }
    }
}

fn opens(c: char) -> bool {
    matches!(c, '“' | '"' | '«')
}

/// Finds quotes in the given blocks of `text`.
pub fn extract(text: &str, blocks: &[Range<usize>], sentences: &[Range<usize>]) -> Vec<Quote> {
    extract_lexed(text, blocks, sentences, None)
}

/// As `extract`, with the tokens of every block when they were lexed
/// already (`lex` of each block, in order), as a source's are.
pub fn extract_lexed(
    text: &str,
    blocks: &[Range<usize>],
    sentences: &[Range<usize>],
    tokens: Option<&[Token]>,
) -> Vec<Quote> {
    let mut quotes: Vec<Quote> = Vec::new();
    // An unclosed quote at the end of a block, waiting for the next block to
    // open with a quote mark (news style for multi-paragraph quotes).
    let mut pending: Option<Quote> = None;
    for block in blocks {
        let found = scan_block(text, block.clone());
        let mut found = found.into_iter().peekable();
        if let Some(mut open) = pending.take() {
            let starts_with_quote = text[block.clone()]
                .trim_start()
                .chars()
                .next()
                .is_some_and(opens);
            if starts_with_quote {
                if let Some(next) = found.next() {
                    open.span.end = next.span.end;
                    open.pieces.extend(next.pieces);
                    if next.closed {
                        quotes.push(open);
                    } else {
                        pending = Some(open);
                    }
                }
            }
        }
        for q in found {
            if q.closed {
                quotes.push(Quote {
                    span: q.span,
                    pieces: q.pieces,
                    speaker: None,
                });
            } else {
                pending = Some(Quote {
                    span: q.span,
                    pieces: q.pieces,
                    speaker: None,
                });
            }
        }
    }
    let lexed = Lexed {
        text,
        blocks,
        tokens,
    };
    attribute(lexed, sentences, &mut quotes);
    quotes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::text::{sentences, LineBreaks};

    fn quotes(s: &str) -> Vec<Quote> {
        let blocks: Vec<Range<usize>> = {
            let mut b = Vec::new();
            let mut start = 0;
            for (i, _) in s.match_indices('\n') {
                if i > start {
                    b.push(start..i);
                }
                start = i + 1;
            }
            if start < s.len() {
                b.push(start..s.len());
            }
            b
        };
        let sents = sentences(s, &blocks, LineBreaks::Paragraph);
        extract(s, &blocks, &sents)
    }

    fn speaker(q: &Quote) -> Option<(&str, bool)> {
        q.speaker.as_ref().map(|s| (s.name.as_str(), s.named))
    }

    #[test]
    fn two_single_marks_are_one_double_mark() {
        let s = "Moges said ‘‘clear similarities’’ were noted, and ‘‘We will study it,’’ she said.";
        let q = quotes(s);
        assert_eq!(q.len(), 2);
        assert_eq!(&s[q[0].pieces[0].clone()], "clear similarities");
        assert_eq!(&s[q[0].span.clone()], "‘‘clear similarities’’");
        assert_eq!(&s[q[1].pieces[0].clone()], "We will study it,");
        // One closing pair after a curly opening mark closes it.
        let s = "“The list is dynamic,’’ Honea said.";
        assert_eq!(&s[quotes(s)[0].pieces[0].clone()], "The list is dynamic,");
    }

    #[test]
    fn finds_speakers_after_and_before() {
        let s = "“We have no changes,” said Homeland Security spokesperson Tricia McLaughlin in a statement.";
        let q = quotes(s);
        assert_eq!(q.len(), 1);
        assert_eq!(&s[q[0].pieces[0].clone()], "We have no changes,");
        assert_eq!(speaker(&q[0]), Some(("Tricia McLaughlin", true)));

        let s = "“Miller came in there,” said one federal official familiar with the meeting. “He had nothing positive to say.”";
        let q = quotes(s);
        assert_eq!(q.len(), 2);
        assert_eq!(speaker(&q[0]), Some(("one federal official", false)));
        assert_eq!(speaker(&q[1]), Some(("one federal official", false)));

        let s = "Homeland Security Secretary Kristi Noem also addressed the group. “You guys are doing an OK job,” she reportedly told ICE officials.";
        let q = quotes(s);
        assert_eq!(speaker(&q[0]), Some(("Kristi Noem", true)));

        let s = "Noem told officials: \"You are not doing enough.\"";
        assert_eq!(speaker(&quotes(s)[0]), Some(("Noem", true)));
    }

    #[test]
    fn finds_speakers_on_a_preceding_said_line() {
        let s = "White House spokeswoman Abigail Jackson declined to comment, but in a statement said:\n“The results speak for themselves.”";
        assert_eq!(speaker(&quotes(s)[0]), Some(("Abigail Jackson", true)));
        let s = "Claire Trickler-McNulty, a former senior official under the administration, said:\n“They’re under constant threat.”";
        assert_eq!(
            speaker(&quotes(s)[0]),
            Some(("Claire Trickler-McNulty", true))
        );
        let s = "TRANSIT DIRECTOR MILES BRENNAN: We will \"fix the buses\" soon.";
        assert_eq!(speaker(&quotes(s)[0]), Some(("Miles Brennan", true)));
    }

    #[test]
    fn finds_every_kind_of_mark_in_order() {
        let s = "Café owners said «prices rose», and “rents too”; \"taxes\" and ‘fees went up’ — it's 'not fair at all' here.";
        let spans: Vec<&str> = quotes(s).iter().map(|q| &s[q.span.clone()]).collect();
        assert_eq!(
            spans,
            vec![
                "«prices rose»",
                "“rents too”",
                "\"taxes\"",
                "‘fees went up’",
                "'not fair at all'"
            ]
        );
    }

    #[test]
    fn joins_multi_paragraph_quotes_and_reads_single_quotes() {
        let s = "“First part of it.\n“Second part,” she said.\nThey are 'working as one team' now. Don’t split officers’ words.";
        let q = quotes(s);
        assert_eq!(q.len(), 2);
        assert_eq!(q[0].pieces.len(), 2);
        assert_eq!(&s[q[1].span.clone()], "'working as one team'");
    }

    #[test]
    fn splits_segments_at_ellipses_and_brackets() {
        let s = "“Everybody in leadership is afraid … there’s no morale” and “[The agents] are under constant threat” and “[t]hey’re fine”";
        let q = quotes(s);
        let seg = segments(s, &q[0]);
        assert_eq!(seg.len(), 2);
        assert_eq!(seg[1].gap, Gap::Ellipsis);
        assert_eq!(seg[1].words[0].norm, "there's");
        let seg = segments(s, &q[1]);
        assert_eq!(seg.len(), 1);
        assert_eq!(seg[0].gap, Gap::Bracket);
        assert_eq!(seg[0].words[0].norm, "are");
        let seg = segments(s, &q[2]);
        assert_eq!(seg[0].words[0].norm, "they're");
    }
}
