//! The accuracy suite: every draft of every corpus in `fixtures/eval/` is
//! checked against its corpus, and what the engine says is scored against
//! the hand judgements beside it (`<draft>.claims.toml`, see
//! fixtures/eval/README.md). Prints recall, precision, message accuracy and
//! false flags per 1,000 words, per corpus and per class, and fails below
//! the floors at the end of this file.
mod common;

use common::root;
use factcheck_ls::engine::check::analyze;
use factcheck_ls::engine::corpus::Corpus;
use factcheck_ls::engine::verdict::{Finding, Severity};
use factcheck_ls::load;
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

#[derive(Debug, serde::Deserialize)]
struct Claims {
    #[serde(default)]
    claim: Vec<Claim>,
}

#[derive(Debug, Clone, serde::Deserialize)]
struct Claim {
    line: usize,
    anchor: String,
    #[serde(default = "first")]
    nth: usize,
    kind: Kind,
    expect: Expect,
    class: String,
    #[serde(default)]
    also: Vec<String>,
    says: Option<String>,
    code: Option<String>,
    #[serde(default)]
    why: String,
}

fn first() -> usize {
    1
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
enum Kind {
    Figure,
    Quote,
    Citation,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
enum Expect {
    Ok,
    Flag,
    Note,
}

/// What a finding's code says it is about.
fn kind_of(f: &Finding) -> Kind {
    let code = f.code.as_str();
    if code.starts_with("quote") {
        Kind::Quote
    } else if code.starts_with("citation") {
        Kind::Citation
    } else {
        Kind::Figure
    }
}

fn serious(f: &Finding) -> bool {
    matches!(f.severity, Severity::Error | Severity::Warning)
}

fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

/// Lower case, straight quotes, single spaces: how a message is searched
/// for the words a judgement says it must name.
fn folded(s: &str) -> String {
    let s: String = s
        .chars()
        .map(|c| match c {
            '“' | '”' | '«' | '»' => '"',
            '‘' | '’' => '\'',
            '–' | '—' => '-',
            c => c,
        })
        .collect::<String>()
        .to_lowercase();
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The byte range of the claim's anchor in the draft.
fn anchor_range(draft: &str, c: &Claim) -> Option<Range<usize>> {
    let start = draft
        .split_inclusive('\n')
        .take(c.line.checked_sub(1)?)
        .map(str::len)
        .sum::<usize>();
    let line = draft[start..].split('\n').next()?;
    let (at, _) = line.match_indices(&c.anchor).nth(c.nth.checked_sub(1)?)?;
    Some(start + at..start + at + c.anchor.len())
}

/// The tally of one group of claims (a corpus, a class, or everything).
#[derive(Default, Clone)]
struct Tally {
    claims: usize,
    /// Claims judged wrong, and how many of them got an Error or Warning.
    flags: usize,
    caught: usize,
    /// Caught flags whose judgement names what the message must say, and
    /// how many messages say it.
    named: usize,
    named_right: usize,
    /// Errors and Warnings on claims judged right or neither, and on no
    /// judged claim at all.
    false_flags: usize,
    words: usize,
}

impl Tally {
    fn add(&mut self, o: &Tally) {
        self.claims += o.claims;
        self.flags += o.flags;
        self.caught += o.caught;
        self.named += o.named;
        self.named_right += o.named_right;
        self.false_flags += o.false_flags;
        self.words += o.words;
    }
    fn recall(&self) -> f64 {
        ratio(self.caught, self.flags)
    }
    fn precision(&self) -> f64 {
        ratio(self.caught, self.caught + self.false_flags)
    }
    fn message_accuracy(&self) -> f64 {
        ratio(self.named_right, self.named)
    }
    fn false_per_1000_words(&self) -> f64 {
        if self.words == 0 {
            0.0
        } else {
            self.false_flags as f64 * 1000.0 / self.words as f64
        }
    }
    fn line(&self, name: &str) -> String {
        format!(
            "{name:<14} claims {:>4}  flags {:>3}  caught {:>3}  recall {:.3}  false {:>3}  precision {:.3}  messages {:>3}/{:<3} {:.3}{}",
            self.claims,
            self.flags,
            self.caught,
            self.recall(),
            self.false_flags,
            self.precision(),
            self.named_right,
            self.named,
            self.message_accuracy(),
            if self.words > 0 {
                format!("  false per 1,000 words {:.2}", self.false_per_1000_words())
            } else {
                String::new()
            }
        )
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        1.0
    } else {
        a as f64 / b as f64
    }
}

/// A corpus of the suite: its sources and its drafts with their claims.
struct Suite {
    name: String,
    dir: PathBuf,
}

fn suites(dir: &Path) -> Vec<Suite> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<Suite> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.join("sources").is_dir() && p.join("drafts").is_dir())
        // FACTCHECK_EVAL_CORPUS=name scores one corpus only.
        .filter(|p| {
            std::env::var("FACTCHECK_EVAL_CORPUS").map_or(true, |only| {
                p.file_name().is_some_and(|n| n == only.as_str())
            })
        })
        .map(|dir| Suite {
            name: dir.file_name().unwrap().to_string_lossy().into_owned(),
            dir,
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// Scores one suite: its tally, its tallies per class, and the lines
/// that explain each miss and each false flag.
fn score(s: &Suite) -> (Tally, BTreeMap<String, Tally>, Vec<String>) {
    let corpus: Corpus = load::load_corpus(&[s.dir.join("sources")]).unwrap().0;
    let mut total = Tally::default();
    let mut classes: BTreeMap<String, Tally> = BTreeMap::new();
    let mut notes = Vec::new();
    let mut drafts: Vec<PathBuf> = std::fs::read_dir(s.dir.join("drafts"))
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    drafts.sort();
    for path in drafts {
        let draft = std::fs::read_to_string(&path).unwrap();
        let claims_path = path.with_extension("claims.toml");
        let claims: Claims = toml::from_str(&std::fs::read_to_string(&claims_path).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", claims_path.display()));
        let findings = analyze(&draft, &corpus).findings;
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let mut used = vec![false; findings.len()];
        total.words += draft.split_whitespace().count();
        // A finding over a range ("1,000 to 1,200") covers the claims of
        // both its ends; when one of them is a flag, the finding is that
        // flag's, not a false flag on the end that is right.
        let flagged: Vec<Range<usize>> = claims
            .claim
            .iter()
            .filter(|c| c.expect == Expect::Flag)
            .filter_map(|c| anchor_range(&draft, c))
            .collect();
        for c in &claims.claim {
            let range = anchor_range(&draft, c).unwrap_or_else(|| {
                panic!("{name}:{}: anchor {:?} not on its line", c.line, c.anchor)
            });
            let mut t = Tally {
                claims: 1,
                ..Tally::default()
            };
            let on: Vec<usize> = (0..findings.len())
                .filter(|&i| kind_of(&findings[i]) == c.kind && overlaps(&findings[i].span, &range))
                .collect();
            for &i in &on {
                used[i] = true;
            }
            let flag = on.iter().find(|&&i| serious(&findings[i]));
            let said = |i: usize| format!("{}: {}", findings[i].code.as_str(), findings[i].message);
            match (c.expect, flag) {
                (Expect::Flag, Some(&i)) => {
                    t.flags = 1;
                    t.caught = 1;
                    if let Some(says) = &c.says {
                        t.named = 1;
                        if folded(&findings[i].message).contains(&folded(says)) {
                            t.named_right = 1;
                        } else {
                            notes.push(format!(
                                "  message  {name}:{} [{}] {:?}: {} (should name {says:?})",
                                c.line,
                                c.class,
                                c.anchor,
                                said(i)
                            ));
                        }
                    }
                }
                (Expect::Flag, None) => {
                    t.flags = 1;
                    let got = on.first().map_or("nothing".to_string(), |&i| said(i));
                    notes.push(format!(
                        "  missed   {name}:{} [{}] {:?}: got {got}; {}",
                        c.line, c.class, c.anchor, c.why
                    ));
                }
                (_, Some(&i)) if flagged.iter().any(|r| overlaps(&findings[i].span, r)) => {}
                (_, Some(&i)) => {
                    t.false_flags = 1;
                    notes.push(format!(
                        "  false    {name}:{} [{}] {:?}: {}; {}",
                        c.line,
                        c.class,
                        c.anchor,
                        said(i),
                        c.why
                    ));
                }
                (_, None) => {}
            }
            let _ = &c.code;
            total.add(&t);
            for class in std::iter::once(&c.class).chain(&c.also) {
                classes.entry(class.clone()).or_default().add(&t);
            }
        }
        // Errors and Warnings on nothing that was judged are false too:
        // every claim of a draft is judged.
        for (i, f) in findings.iter().enumerate() {
            if !used[i] && serious(f) {
                total.false_flags += 1;
                let line = draft[..f.span.start].matches('\n').count() + 1;
                notes.push(format!(
                    "  unjudged {name}:{line} {:?}: {}: {}",
                    &draft[f.span.clone()],
                    f.code.as_str(),
                    f.message
                ));
            }
        }
    }
    (total, classes, notes)
}

/// Scores every suite under `dir`, prints the report, and returns the
/// tally of all of them.
fn report(title: &str, dir: &Path) -> Option<Tally> {
    let suites = suites(dir);
    if suites.is_empty() {
        return None;
    }
    let mut all = Tally::default();
    let mut classes: BTreeMap<String, Tally> = BTreeMap::new();
    let mut lines = vec![format!("== {title}")];
    let mut details = Vec::new();
    for s in &suites {
        let (t, c, notes) = score(s);
        lines.push(t.line(&s.name));
        all.add(&t);
        for (k, v) in c {
            classes.entry(k).or_default().add(&v);
        }
        details.push(format!("-- {}", s.name));
        details.extend(notes);
    }
    lines.push(all.line("all"));
    lines.push("-- by class".to_string());
    for (k, v) in &classes {
        lines.push(v.line(k));
    }
    println!("{}", lines.join("\n"));
    if std::env::var_os("FACTCHECK_ACCURACY_DETAILS").is_some() {
        println!("{}", details.join("\n"));
    }
    Some(all)
}

/// Floors: what the engine measured when they were set, less a margin.
/// They guard against regressions; the targets are in BENCHMARKS.md.
const FLOOR_RECALL: f64 = 0.64;
const FLOOR_PRECISION: f64 = 0.89;

/// The held-out corpora (fixtures/eval-heldout) were written apart from
/// the engine's tuning and scored after it (city_budget and plant_fire
/// first at 3a604ef, wildfire and hospital at d771ce3, all again at
/// 38fc8ca); their floors are set from the last score less a margin.
const HELD_OUT_FLOOR_RECALL: f64 = 0.50;
const HELD_OUT_FLOOR_PRECISION: f64 = 0.87;

#[test]
fn accuracy_on_the_evaluation_corpora() {
    let Some(all) = report(
        "developed corpora (fixtures/eval)",
        &root().join("fixtures/eval"),
    ) else {
        panic!("no corpora in fixtures/eval");
    };
    assert!(all.claims > 0);
    assert!(
        all.recall() >= FLOOR_RECALL,
        "recall {:.3} below its floor {FLOOR_RECALL}",
        all.recall()
    );
    assert!(
        all.precision() >= FLOOR_PRECISION,
        "precision {:.3} below its floor {FLOOR_PRECISION}",
        all.precision()
    );
}

#[test]
fn accuracy_on_the_held_out_corpora() {
    let Some(all) = report(
        "held-out corpora (fixtures/eval-heldout)",
        &root().join("fixtures/eval-heldout"),
    ) else {
        panic!("no corpora in fixtures/eval-heldout");
    };
    assert!(all.claims > 0);
    assert!(
        all.recall() >= HELD_OUT_FLOOR_RECALL,
        "recall {:.3}",
        all.recall()
    );
    assert!(
        all.precision() >= HELD_OUT_FLOOR_PRECISION,
        "precision {:.3}",
        all.precision()
    );
}

/// The unseen corpora (fixtures/eval-unseen) were written by hand apart
/// from the engine, by someone who neither ran it nor read its code, and
/// were scored once, at their first run (a68df5a); their floors are that
/// score less a margin, and no change was made to the engine for them.
const UNSEEN_FLOOR_RECALL: f64 = 0.45;
const UNSEEN_FLOOR_PRECISION: f64 = 0.87;

#[test]
fn accuracy_on_the_unseen_corpora() {
    let Some(all) = report(
        "unseen corpora (fixtures/eval-unseen)",
        &root().join("fixtures/eval-unseen"),
    ) else {
        panic!("no corpora in fixtures/eval-unseen");
    };
    assert!(all.claims > 0);
    assert!(
        all.recall() >= UNSEEN_FLOOR_RECALL,
        "recall {:.3}",
        all.recall()
    );
    assert!(
        all.precision() >= UNSEEN_FLOOR_PRECISION,
        "precision {:.3}",
        all.precision()
    );
}

#[test]
fn anchors_are_found_on_their_lines() {
    let draft = "one\nICE has 25 offices and 25 agents.\n";
    let claim = |anchor: &str, nth: usize| Claim {
        line: 2,
        anchor: anchor.into(),
        nth,
        kind: Kind::Figure,
        expect: Expect::Ok,
        class: "plain".into(),
        also: Vec::new(),
        says: None,
        code: None,
        why: String::new(),
    };
    assert_eq!(anchor_range(draft, &claim("25", 1)), Some(12..14));
    assert_eq!(anchor_range(draft, &claim("25", 2)), Some(27..29));
    assert_eq!(anchor_range(draft, &claim("25", 3)), None);
    assert_eq!(anchor_range(draft, &claim("one", 1)), None);
    assert_eq!(
        folded("Says “Ruiz’s  Words” — OK"),
        "says \"ruiz's words\" - ok"
    );
}
