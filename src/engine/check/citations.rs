//! Verdicts for citations: which sources a marker names, and whether they
//! support its sentence.

use super::*;

pub(super) fn resolve_citation(
    m: &CitationMarker,
    defs: &[FootnoteDef],
    corpus: &Corpus,
) -> Vec<SourceKey> {
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

pub(super) fn sentence_of_marker(
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

pub(super) fn citation_finding(
    a: &Analysis,
    c: &CitationCheck,
    corpus: &Corpus,
) -> Option<Finding> {
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
