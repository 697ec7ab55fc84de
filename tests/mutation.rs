//! The mutation test: real sentences from the corpora, as drafts, unchanged
//! (nothing may be flagged) and with one figure, one quoted word or one
//! speaker changed (the change must be caught). Prints precision and recall
//! and holds them above a floor.
mod common;

use common::{seed_corpus, transit_corpus};
use factcheck_ls::engine::check::analyze;
use factcheck_ls::engine::corpus::Corpus;
use factcheck_ls::engine::verdict::{Code, Severity};
use std::ops::Range;

#[derive(Default, Debug)]
struct Tally {
    caught: usize,
    missed: usize,
    false_flags: usize,
    negatives: usize,
    missed_examples: Vec<String>,
    false_examples: Vec<String>,
}

fn serious(sev: Severity) -> bool {
    matches!(sev, Severity::Error | Severity::Warning)
}

fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

const WORDS: &[&str] = &[
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve",
];

/// A changed number, written the way the original was.
fn mutate_number(raw: &str) -> Option<String> {
    let lower = raw.to_lowercase();
    if let Some(i) = WORDS.iter().position(|w| *w == lower) {
        let j = if i + 3 < WORDS.len() { i + 3 } else { i - 3 };
        let w = WORDS[j];
        return Some(if raw.chars().next()?.is_uppercase() {
            w[..1].to_uppercase() + &w[1..]
        } else {
            w.to_string()
        });
    }
    let digits: String = raw
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    let v: f64 = digits.parse().ok()?;
    let nv = if v < 10.0 { v + 3.0 } else { v * 2.0 };
    let decimals = digits.split_once('.').map_or(0, |(_, d)| d.len());
    let mut s = format!("{nv:.decimals$}");
    if raw.contains(',') {
        let (int, frac) = s
            .split_once('.')
            .map_or((s.clone(), String::new()), |(a, b)| {
                (a.to_string(), format!(".{b}"))
            });
        let mut out = String::new();
        for (i, c) in int.chars().enumerate() {
            if i > 0 && (int.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(c);
        }
        s = out + &frac;
    }
    Some(s)
}

/// The first number (digits or a number word) inside a figure's span.
fn number_in(text: &str, span: &Range<usize>) -> Option<Range<usize>> {
    let s = &text[span.clone()];
    if let Some(start) = s.find(|c: char| c.is_ascii_digit()) {
        let len = s[start..]
            .find(|c: char| !(c.is_ascii_digit() || c == ',' || c == '.'))
            .unwrap_or(s.len() - start);
        let len = s[start..start + len].trim_end_matches([',', '.']).len();
        return Some(span.start + start..span.start + start + len);
    }
    let mut off = 0;
    for w in s.split(' ') {
        if WORDS.contains(&w.to_lowercase().as_str()) {
            return Some(span.start + off..span.start + off + w.len());
        }
        off += w.len() + 1;
    }
    None
}

fn check_sentence(
    corpus: &Corpus,
    draft: &str,
    target: Option<(&Range<usize>, &[Code])>,
    t: &mut Tally,
) {
    let a = analyze(draft, corpus);
    let flagged: Vec<_> = a.findings.iter().filter(|f| serious(f.severity)).collect();
    match target {
        None => {
            t.negatives += 1;
            for f in &flagged {
                t.false_flags += 1;
                t.false_examples.push(format!("{draft:?}: {}", f.message));
            }
        }
        Some((span, codes)) => {
            // A figure changed inside a quote is caught as a misquote too.
            let hit = flagged.iter().any(|f| {
                (codes.contains(&f.code) || f.code == Code::QuoteMismatch)
                    && overlaps(&f.span, span)
            });
            if hit {
                t.caught += 1;
            } else {
                t.missed += 1;
                t.missed_examples.push(format!("{draft:?}"));
            }
            for f in flagged.iter().filter(|f| !overlaps(&f.span, span)) {
                t.false_flags += 1;
                t.false_examples.push(format!("{draft:?}: {}", f.message));
            }
        }
    }
}

fn run_corpus(corpus: &Corpus, t: &mut Tally) {
    for (_, src) in corpus.sources() {
        let text = &src.text;
        for sent in &src.sentences {
            let sentence = &text[sent.clone()];
            let figures: Vec<_> = src.figures.iter().filter(|f| f.sentence == *sent).collect();
            let quotes: Vec<_> = src
                .quotes
                .iter()
                .filter(|q| q.span.start >= sent.start && q.span.end <= sent.end)
                .collect();
            if figures.is_empty() && quotes.is_empty() {
                continue;
            }
            // Unchanged: nothing to flag.
            check_sentence(corpus, sentence, None, t);
            // One figure changed.
            for f in &figures {
                let Some(num) = number_in(text, &f.span) else {
                    continue;
                };
                let Some(new) = mutate_number(&text[num.clone()]) else {
                    continue;
                };
                let rel = num.start - sent.start..num.end - sent.start;
                let mut draft = sentence.to_string();
                draft.replace_range(rel.clone(), &new);
                let span = rel.start..rel.start + new.len();
                check_sentence(corpus, &draft, Some((&span, &[Code::FigureMismatch])), t);
            }
            // One word of a quote changed, or a speaker swapped.
            for q in &quotes {
                let words = factcheck_ls::engine::quote::words(text, q.pieces[0].clone());
                if words.len() >= 6 {
                    let w = &words[words.len() / 2];
                    let rel = w.span.start - sent.start..w.span.end - sent.start;
                    let mut draft = sentence.to_string();
                    draft.replace_range(rel.clone(), "really");
                    let qspan = q.span.start - sent.start..q.span.end - sent.start;
                    check_sentence(corpus, &draft, Some((&qspan, &[Code::QuoteMismatch])), t);
                }
                if let Some(sp) = q
                    .speaker
                    .as_ref()
                    .filter(|s| s.named && s.span.start >= sent.start && s.span.end <= sent.end)
                {
                    let rel = sp.span.start - sent.start..sp.span.end - sent.start;
                    let mut draft = sentence.to_string();
                    draft.replace_range(rel, "Jordan Whitfield");
                    let qspan = q.span.start - sent.start..q.span.end - sent.start;
                    check_sentence(
                        corpus,
                        &draft,
                        Some((&qspan, &[Code::QuoteMisattributed])),
                        t,
                    );
                }
            }
        }
    }
}

#[test]
fn mutation_precision_and_recall() {
    let mut t = Tally::default();
    run_corpus(seed_corpus(), &mut t);
    run_corpus(transit_corpus(), &mut t);
    let precision = t.caught as f64 / (t.caught + t.false_flags).max(1) as f64;
    let recall = t.caught as f64 / (t.caught + t.missed).max(1) as f64;
    println!(
        "mutation test: {} mutations, {} caught, {} missed; {} unchanged sentences; {} false flags; precision {:.3}, recall {:.3}",
        t.caught + t.missed,
        t.caught,
        t.missed,
        t.negatives,
        t.false_flags,
        precision,
        recall
    );
    for m in &t.missed_examples {
        println!("  missed: {m}");
    }
    for m in &t.false_examples {
        println!("  false flag: {m}");
    }
    assert!(t.caught + t.missed >= 60, "too few mutations: {t:?}");
    assert!(precision >= 0.95, "precision {precision:.3}");
    assert!(recall >= 0.85, "recall {recall:.3}");
}
