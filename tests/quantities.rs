//! Reading quantities: news sentences with every quantity annotated
//! (fixtures/quantities/*.jsonl, see its README), read with the engine's
//! figure reader and scored by value F1 and value-plus-unit F1. Prints the
//! scores per file and fails below the floors at the end of this file.
mod common;

use common::root;
use factcheck_ls::engine::figure::{self, Figure, Qualifier, Side};
use factcheck_ls::engine::text;
use std::path::Path;

#[derive(Debug, serde::Deserialize)]
struct Sentence {
    text: String,
    q: Vec<Gold>,
}

#[derive(Debug, serde::Deserialize)]
struct Gold {
    value: Option<f64>,
    upper: Option<f64>,
    #[serde(default)]
    unit: String,
    change: Option<String>,
    #[serde(default)]
    vague: bool,
}

/// One quantity as (value, upper, unit), fractions as percent.
#[derive(Debug, Clone, PartialEq)]
struct Read {
    value: f64,
    upper: Option<f64>,
    unit: String,
    change: &'static str,
}

fn as_percent(value: f64, upper: Option<f64>, unit: &str) -> (f64, Option<f64>, String) {
    if unit == "fraction" {
        (value * 100.0, upper.map(|u| u * 100.0), "percent".into())
    } else {
        (value, upper, unit.to_string())
    }
}

fn gold(g: &Gold) -> Option<Read> {
    let (value, upper, unit) = as_percent(g.value?, g.upper, &g.unit);
    Some(Read {
        value,
        upper,
        unit,
        change: match g.change.as_deref() {
            Some("by") => "by",
            Some("to") => "to",
            Some("from") => "from",
            _ => "",
        },
    })
}

fn read(f: &Figure) -> Option<Read> {
    if f.qualifier == Qualifier::Vague {
        return None;
    }
    let (value, upper, unit) = as_percent(f.value, f.upper, &f.unit.code());
    Some(Read {
        value,
        upper,
        unit,
        change: match (f.side, f.direction) {
            (Side::To, _) => "to",
            (Side::From, _) => "from",
            (Side::None, Some(_)) => "by",
            _ => "",
        },
    })
}

fn same(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-3 * a.abs().max(b.abs()).max(1e-9)
}

fn same_value(a: &Read, b: &Read) -> bool {
    same(a.value, b.value)
        && match (a.upper, b.upper) {
            (None, None) => true,
            (Some(x), Some(y)) => same(x, y),
            _ => false,
        }
}

#[derive(Default, Debug, Clone, Copy)]
struct F1 {
    tp: usize,
    predicted: usize,
    gold: usize,
}

impl F1 {
    fn add(&mut self, o: F1) {
        self.tp += o.tp;
        self.predicted += o.predicted;
        self.gold += o.gold;
    }
    fn f1(&self) -> f64 {
        let p = self.tp as f64 / self.predicted.max(1) as f64;
        let r = self.tp as f64 / self.gold.max(1) as f64;
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

/// Matches predictions to gold one to one, greedily in order, by `eq`.
fn matched(pred: &[Read], gold: &[Read], eq: impl Fn(&Read, &Read) -> bool) -> F1 {
    let mut taken = vec![false; gold.len()];
    let mut tp = 0;
    for p in pred {
        if let Some(k) = (0..gold.len()).find(|&k| !taken[k] && eq(p, &gold[k])) {
            taken[k] = true;
            tp += 1;
        }
    }
    F1 {
        tp,
        predicted: pred.len(),
        gold: gold.len(),
    }
}

#[derive(Default, Debug, Clone, Copy)]
struct Scores {
    sentences: usize,
    value: F1,
    value_unit: F1,
    /// Quantities whose value was read, and how many of them with the
    /// annotated side of a change.
    changes: (usize, usize),
}

impl Scores {
    fn add(&mut self, o: Scores) {
        self.sentences += o.sentences;
        self.value.add(o.value);
        self.value_unit.add(o.value_unit);
        self.changes.0 += o.changes.0;
        self.changes.1 += o.changes.1;
    }
    fn line(&self, name: &str) -> String {
        format!(
            "{name:<16} sentences {:>4}  quantities {:>4}  read {:>4}  value F1 {:.3}  value+unit F1 {:.3}  change {}/{}",
            self.sentences,
            self.value.gold,
            self.value.predicted,
            self.value.f1(),
            self.value_unit.f1(),
            self.changes.1,
            self.changes.0
        )
    }
}

fn score_file(path: &Path, misses: &mut Vec<String>) -> Scores {
    let mut s = Scores::default();
    for (n, line) in std::fs::read_to_string(path).unwrap().lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let sentence: Sentence = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("{}:{}: {e}", path.display(), n + 1));
        let text = &sentence.text;
        let golds: Vec<Read> = sentence
            .q
            .iter()
            .filter(|g| !g.vague)
            .filter_map(gold)
            .collect();
        // Read as the engine reads a draft: split into sentences first.
        let whole = 0..text.len();
        let sentences = text::sentences(text, std::slice::from_ref(&whole), text::LineBreaks::Soft);
        let preds: Vec<Read> = figure::extract(text, &sentences)
            .iter()
            .filter_map(read)
            .collect();
        let v = matched(&preds, &golds, same_value);
        let vu = matched(&preds, &golds, |a, b| same_value(a, b) && a.unit == b.unit);
        let ch = matched(&preds, &golds, |a, b| {
            same_value(a, b) && a.change == b.change
        });
        s.sentences += 1;
        s.value.add(v);
        s.value_unit.add(vu);
        s.changes.0 += v.tp;
        s.changes.1 += ch.tp;
        if vu.tp < golds.len().max(preds.len()) {
            let show = |r: &[Read]| {
                r.iter()
                    .map(|q| match q.upper {
                        Some(u) => format!("{}–{} {} {}", q.value, u, q.unit, q.change),
                        None => format!("{} {} {}", q.value, q.unit, q.change),
                    })
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            misses.push(format!(
                "  {}:{}: {text}\n    gold: {}\n    read: {}",
                path.file_name().unwrap().to_string_lossy(),
                n + 1,
                show(&golds),
                show(&preds)
            ));
        }
    }
    s
}

fn report(title: &str, dir: &Path) -> Option<Scores> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .collect();
    if files.is_empty() {
        return None;
    }
    files.sort();
    let mut all = Scores::default();
    let mut lines = vec![format!("== {title}")];
    let mut misses = Vec::new();
    for f in &files {
        let s = score_file(f, &mut misses);
        lines.push(s.line(&f.file_stem().unwrap().to_string_lossy()));
        all.add(s);
    }
    lines.push(all.line("all"));
    println!("{}", lines.join("\n"));
    if std::env::var_os("FACTCHECK_ACCURACY_DETAILS").is_some() {
        println!("{}", misses.join("\n"));
    }
    Some(all)
}

/// Floors: what the reader measured when they were set, less a margin.
const FLOOR_VALUE_F1: f64 = 0.92;
const FLOOR_VALUE_UNIT_F1: f64 = 0.86;

/// The held-out sentences were written apart from the reader's tuning and
/// scored once, at the end.
const HELD_OUT_FLOOR_VALUE_F1: f64 = 0.92;
const HELD_OUT_FLOOR_VALUE_UNIT_F1: f64 = 0.86;

#[test]
fn quantities_in_held_out_sentences() {
    let all = report(
        "held-out sentences (fixtures/quantities/heldout)",
        &root().join("fixtures/quantities/heldout"),
    )
    .expect("sentences in fixtures/quantities/heldout");
    assert!(all.value.f1() >= HELD_OUT_FLOOR_VALUE_F1, "{:?}", all);
    assert!(
        all.value_unit.f1() >= HELD_OUT_FLOOR_VALUE_UNIT_F1,
        "{:?}",
        all
    );
}

#[test]
fn quantities_in_news_sentences() {
    let all = report(
        "developed sentences (fixtures/quantities)",
        &root().join("fixtures/quantities"),
    )
    .expect("sentences in fixtures/quantities");
    assert!(all.value.f1() >= FLOOR_VALUE_F1, "{:?}", all);
    assert!(all.value_unit.f1() >= FLOOR_VALUE_UNIT_F1, "{:?}", all);
}
