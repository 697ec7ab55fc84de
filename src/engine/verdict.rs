//! What the engine says about a draft: findings with stable codes, severities
//! and messages, each carrying the source passages behind it and, where one
//! exists, the edit that would fix it.

use std::ops::Range;
use std::path::PathBuf;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum Code {
    FigureMismatch,
    FigureImprecise,
    FigureUnsourced,
    FigureOutdated,
    SourcesDisagree,
    QuoteMismatch,
    QuoteUnsourced,
    QuoteMisattributed,
    QuoteParaphrased,
    QuoteWording,
    CitationUnsupported,
}

impl Code {
    pub const ALL: [Code; 11] = [
        Code::FigureMismatch,
        Code::FigureImprecise,
        Code::FigureUnsourced,
        Code::FigureOutdated,
        Code::SourcesDisagree,
        Code::QuoteMismatch,
        Code::QuoteUnsourced,
        Code::QuoteMisattributed,
        Code::QuoteParaphrased,
        Code::QuoteWording,
        Code::CitationUnsupported,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Code::FigureMismatch => "figure-mismatch",
            Code::FigureImprecise => "figure-imprecise",
            Code::FigureUnsourced => "figure-unsourced",
            Code::FigureOutdated => "figure-outdated",
            Code::SourcesDisagree => "sources-disagree",
            Code::QuoteMismatch => "quote-mismatch",
            Code::QuoteUnsourced => "quote-unsourced",
            Code::QuoteMisattributed => "quote-misattributed",
            Code::QuoteParaphrased => "quote-paraphrased",
            Code::QuoteWording => "quote-wording",
            Code::CitationUnsupported => "citation-unsupported",
        }
    }

    pub fn parse(s: &str) -> Option<Code> {
        Code::ALL.into_iter().find(|c| c.as_str() == s)
    }

    pub fn default_severity(self) -> Severity {
        match self {
            Code::FigureMismatch | Code::QuoteMismatch | Code::QuoteMisattributed => {
                Severity::Error
            }
            Code::QuoteUnsourced
            | Code::QuoteParaphrased
            | Code::CitationUnsupported
            | Code::FigureOutdated => Severity::Warning,
            Code::FigureImprecise | Code::SourcesDisagree | Code::QuoteWording => {
                Severity::Information
            }
            Code::FigureUnsourced => Severity::Hint,
        }
    }

    /// One line for documentation and SARIF rule descriptions.
    pub fn description(self) -> &'static str {
        match self {
            Code::FigureMismatch => "The sources that speak of this thing contradict the figure.",
            Code::FigureImprecise => {
                "The figure is consistent with the sources but vaguer than them."
            }
            Code::FigureUnsourced => "No source speaks of the thing this figure counts.",
            Code::FigureOutdated => {
                "A source reports this figure as the old value of a change the draft does not tell."
            }
            Code::SourcesDisagree => "A source supports the figure, but another source disagrees.",
            Code::QuoteMismatch => "A source has these words, but not verbatim.",
            Code::QuoteUnsourced => {
                "No source has these words, or only part of them. A Warning when the sources name the speaker, else Information."
            }
            Code::QuoteMisattributed => "The source attributes these words to someone else.",
            Code::QuoteParaphrased => {
                "The source reports these words as speech without quotation marks: they are a paraphrase, not the speaker's words."
            }
            Code::QuoteWording => "The quote differs from the source only by a contraction.",
            Code::CitationUnsupported => {
                "The cited source does not support the claim it is attached to."
            }
        }
    }
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Information,
    Hint,
}

impl Severity {
    /// LSP's numbering: 1 = Error … 4 = Hint.
    pub fn lsp_number(self) -> u8 {
        match self {
            Severity::Error => 1,
            Severity::Warning => 2,
            Severity::Information => 3,
            Severity::Hint => 4,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Information => "information",
            Severity::Hint => "hint",
        }
    }
}

/// How a source passage bears on a claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stance {
    Supports,
    Contradicts,
    /// Consistent with the claim and more precise than it.
    MorePrecise,
    /// Close words (a misquote) or the same words said by someone else.
    Differs,
    /// The passage a citation points at.
    Cited,
}

/// A source passage behind a finding.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Evidence {
    pub source: usize,
    pub id: String,
    pub path: PathBuf,
    /// Byte span, in the source text, of the figure or the quoted words.
    pub passage: Range<usize>,
    /// Byte span of the sentence containing the passage.
    pub sentence: Range<usize>,
    /// What the source says there: "25 field offices", or its exact words.
    pub said: String,
    pub stance: Stance,
}

/// A text edit in the draft that resolves a finding.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Fix {
    pub title: String,
    pub span: Range<usize>,
    pub replacement: String,
}

/// One word-level difference between a draft quote and its source.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "op", content = "text", rename_all = "lowercase")]
pub enum DiffOp {
    Equal(String),
    /// Words only the draft has.
    Delete(String),
    /// Words only the source has.
    Insert(String),
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Finding {
    pub code: Code,
    pub severity: Severity,
    /// Byte span in the draft.
    pub span: Range<usize>,
    pub message: String,
    /// Best source first.
    pub evidence: Vec<Evidence>,
    pub fix: Option<Fix>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub diff: Vec<DiffOp>,
}
