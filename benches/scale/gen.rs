//! A deterministic generator of synthetic newsroom corpora: invented
//! organisations, people, places and nouns (so nothing repeats a real
//! article), figures with context (actual counts, goals, capacities,
//! changes), quotes with named and unnamed speakers, and front matter.
#![allow(dead_code)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// splitmix64: small, fast, and the same on every platform.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    pub fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len())]
    }
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }
}

const SYLLABLES: &[&str] = &[
    "ba", "ke", "lo", "mi", "nu", "ra", "si", "to", "vel", "dor", "quin", "tas", "bren", "volt",
    "har", "pen", "zu", "gal", "fen", "mar", "sho", "tri", "lek", "dun", "cor", "vas", "plo",
    "wen", "yar", "jet", "mo", "ri", "stan", "op", "el", "ux",
];
const FUNCTION: &[&str] = &[
    "the", "a", "of", "and", "to", "in", "that", "for", "with", "on", "as", "was", "is", "by",
    "at", "from", "it", "but", "their", "this", "had", "have", "which", "after", "over", "into",
    "more", "some", "when", "while",
];
const ROLES: &[&str] = &[
    "director",
    "spokeswoman",
    "spokesman",
    "chair",
    "official",
    "analyst",
    "manager",
    "organizer",
    "inspector",
    "treasurer",
];
const OUTLETS: &[&str] = &[
    "Northern Ledger",
    "Valley Courier",
    "Harbor Dispatch",
    "Metro Sentinel",
    "Wire Service",
    "Plains Gazette",
];

pub struct Vocab {
    pub nouns: Vec<String>,
    pub adjectives: Vec<String>,
    pub verbs: Vec<String>,
    pub places: Vec<String>,
    pub orgs: Vec<String>,
    pub first: Vec<String>,
    pub last: Vec<String>,
}

fn word(rng: &mut Rng, syl: usize) -> String {
    (0..syl).map(|_| *rng.pick(SYLLABLES)).collect()
}

fn cap(w: &str) -> String {
    let mut c = w.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

impl Vocab {
    pub fn new(seed: u64) -> Self {
        let mut rng = Rng::new(seed);
        let mut uniq = std::collections::HashSet::new();
        let mut make = |rng: &mut Rng, n: usize, lo: usize, hi: usize| -> Vec<String> {
            let mut out = Vec::with_capacity(n);
            while out.len() < n {
                let syl = lo + rng.below(hi - lo + 1);
                let w = word(rng, syl);
                if w.len() > 3 && uniq.insert(w.clone()) {
                    out.push(w);
                }
            }
            out
        };
        // 36 syllables give 1,296 two-syllable words: ask for 2-4 syllables
        // so every list can be filled with unique words.
        let nouns = make(&mut rng, 6000, 2, 4);
        let adjectives = make(&mut rng, 2000, 2, 4)
            .into_iter()
            .map(|w| w + "ic")
            .collect();
        let verbs = make(&mut rng, 1500, 2, 4)
            .into_iter()
            .map(|w| w + "ed")
            .collect();
        let places: Vec<String> = make(&mut rng, 1000, 2, 4).iter().map(|w| cap(w)).collect();
        let first: Vec<String> = make(&mut rng, 600, 2, 3).iter().map(|w| cap(w)).collect();
        let last: Vec<String> = make(&mut rng, 2000, 2, 4).iter().map(|w| cap(w)).collect();
        let kinds = [
            "Authority",
            "Council",
            "Board",
            "Agency",
            "Union",
            "Institute",
            "Commission",
        ];
        let orgs = (0..800)
            .map(|i| {
                format!(
                    "{} {} {}",
                    places[i % places.len()],
                    cap(&nouns[i * 7 % nouns.len()]),
                    kinds[i % kinds.len()]
                )
            })
            .collect();
        Vocab {
            nouns,
            adjectives,
            verbs,
            places,
            orgs,
            first,
            last,
        }
    }
}

/// The kind of a generated sentence, for building drafts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Figure,
    Quote,
    Filler,
}

pub struct Generated {
    pub id: String,
    pub file: String,
    pub text: String,
    pub sentences: Vec<(Kind, String)>,
}

fn num(rng: &mut Rng) -> u64 {
    match rng.below(4) {
        0 => rng.range(2, 40),
        1 => rng.range(41, 900),
        2 => rng.range(1, 99) * 100,
        _ => rng.range(1, 60) * 1000 + rng.range(0, 9) * 100,
    }
}

fn fmt_num(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn filler(rng: &mut Rng, v: &Vocab, topic: &[&String]) -> String {
    let n = rng.range(12, 24) as usize;
    let mut words = Vec::with_capacity(n);
    for i in 0..n {
        let w = if i % 2 == 1 {
            rng.pick(FUNCTION).to_string()
        } else if rng.below(3) == 0 {
            (*rng.pick(topic)).clone()
        } else {
            match rng.below(3) {
                0 => rng.pick(&v.nouns).clone(),
                1 => rng.pick(&v.adjectives).clone(),
                _ => rng.pick(&v.verbs).clone(),
            }
        };
        words.push(w);
    }
    format!("{}.", cap(&words.join(" ")))
}

fn quote_words(rng: &mut Rng, v: &Vocab, topic: &[&String]) -> String {
    let body = filler(rng, v, topic);
    body.trim_end_matches('.').to_string()
}

/// Source number `i` of the corpus with the given seed.
pub fn source(v: &Vocab, seed: u64, i: usize) -> Generated {
    let mut rng = Rng::new(seed ^ (i as u64).wrapping_mul(0x2545_F491_4F6C_DD1D));
    let topic: Vec<&String> = (0..6).map(|_| rng.pick(&v.nouns)).collect();
    let org = rng.pick(&v.orgs).clone();
    let place = rng.pick(&v.places).clone();
    let people: Vec<String> = (0..3)
        .map(|_| format!("{} {}", rng.pick(&v.first), rng.pick(&v.last)))
        .collect();
    let id = format!("g{i:06}");
    let mut sentences: Vec<(Kind, String)> = Vec::new();
    let mut words = 0;
    while words < 600 {
        let t = topic[rng.below(topic.len())];
        let adj = rng.pick(&v.adjectives).clone();
        let s = match rng.below(11) {
            0 => (Kind::Figure, format!("The {org} has {} {adj} {t}s across {place}.", fmt_num(num(&mut rng)))),
            1 => (Kind::Figure, format!("Officials set a goal of {} {t}s per day, but the {org} has reached about {} so far.", fmt_num(num(&mut rng)), fmt_num(num(&mut rng)))),
            2 => (Kind::Figure, format!("The {t} depot can hold up to {} {adj} {}s, though {} are currently in use.", fmt_num(num(&mut rng)), topic[0], fmt_num(num(&mut rng)))),
            3 => {
                let a = rng.range(2, 90);
                (Kind::Figure, format!("Its budget for {t}s rose from ${a} million to ${} million this year.", a + rng.range(1, 40)))
            }
            4 => (Kind::Figure, format!("More than {} {t}s were {} in {place} last year, according to the {org}.", fmt_num(num(&mut rng)), rng.pick(&v.verbs))),
            5 => (Kind::Figure, format!("The share of {adj} {t}s fell {} percent since {}.", rng.range(2, 60), rng.range(2001, 2024))),
            6 => (Kind::Quote, format!("“{},” said {}, the {} of the {org}.", quote_words(&mut rng, v, &topic), people[rng.below(3)], rng.pick(ROLES))),
            7 => (Kind::Quote, format!("“{},” said one {} who asked not to be named.", quote_words(&mut rng, v, &topic), rng.pick(ROLES))),
            8 => (Kind::Quote, format!("{}, a {adj} {} at the {org}, said:\n\n“{}.”", people[rng.below(3)], rng.pick(ROLES), quote_words(&mut rng, v, &topic))),
            _ => (Kind::Filler, filler(&mut rng, v, &topic)),
        };
        words += s.1.split_whitespace().count();
        sentences.push(s);
    }
    let month = rng.range(1, 12);
    let day = rng.range(1, 28);
    let mut text = String::new();
    let _ = write!(
        text,
        "---\nid: {id}\ntitle: {org} {} {}s in {place}\noutlet: {}\nauthor: {}\ndate: 2026-{month:02}-{day:02}\n---\n\n",
        rng.pick(&v.verbs),
        topic[0],
        rng.pick(OUTLETS),
        people[0]
    );
    for chunk in sentences.chunks(3) {
        let para: Vec<&str> = chunk.iter().map(|s| s.1.as_str()).collect();
        text.push_str(&para.join(" "));
        text.push_str("\n\n");
    }
    let file = format!("{i:06}_{:08x}.md", rng.next() as u32);
    Generated {
        id,
        file,
        text,
        sentences,
    }
}

/// Writes a corpus of `n` sources under `dir/sources` (skipped if a marker
/// says it is already there). Returns the sources folder and its bytes.
pub fn write_corpus(dir: &Path, n: usize, seed: u64) -> (PathBuf, u64) {
    let sources = dir.join("sources");
    let marker = dir.join(format!(".complete-{n}-{seed}"));
    let v = Vocab::new(seed);
    if !marker.exists() {
        let _ = std::fs::remove_dir_all(&sources);
        std::fs::create_dir_all(&sources).unwrap();
        for i in 0..n {
            let g = source(&v, seed, i);
            // Spread files over folders, as an archive would be.
            let sub = sources.join(format!("{:03}", i / 1000));
            if i % 1000 == 0 {
                std::fs::create_dir_all(&sub).unwrap();
            }
            std::fs::write(sub.join(&g.file), &g.text).unwrap();
        }
        std::fs::write(
            dir.join("factcheck.toml"),
            "[corpus]\npaths = [\"sources\"]\n",
        )
        .unwrap();
        std::fs::write(&marker, "").unwrap();
    }
    let bytes = dir_bytes(&sources);
    (sources, bytes)
}

fn dir_bytes(d: &Path) -> u64 {
    let mut total = 0;
    for e in std::fs::read_dir(d).unwrap().flatten() {
        let p = e.path();
        total += if p.is_dir() {
            dir_bytes(&p)
        } else {
            e.metadata().map(|m| m.len()).unwrap_or(0)
        };
    }
    total
}

/// A 2,000-word draft drawn from the corpus: 30 figure sentences (20
/// verbatim, 10 with a changed number), 10 quotes (6 verbatim, 2 with a
/// changed word, 2 invented) and filler.
pub struct Draft {
    pub text: String,
    pub quotes: Vec<String>,
}

pub fn draft(v: &Vocab, seed: u64, n: usize) -> Draft {
    let mut rng = Rng::new(seed ^ 0xD5AF7);
    let mut figures = Vec::new();
    let mut quotes = Vec::new();
    while figures.len() < 30 || quotes.len() < 10 {
        let g = source(v, seed, rng.below(n));
        for (k, s) in g.sentences {
            if k == Kind::Figure && figures.len() < 30 && !s.contains(":\n") {
                figures.push(s);
            } else if k == Kind::Quote && quotes.len() < 10 && !s.contains(":\n") {
                quotes.push(s);
            }
        }
    }
    // Every third figure gets a wrong number.
    for f in figures.iter_mut().skip(2).step_by(3) {
        if let Some(pos) = f.find(|c: char| c.is_ascii_digit()) {
            f.insert(pos, '9');
        }
    }
    let mut quote_texts = Vec::new();
    for (i, q) in quotes.iter_mut().enumerate() {
        if i == 6 || i == 7 {
            if let Some(pos) = q.find(" the ") {
                q.replace_range(pos..pos + 5, " every ");
            }
        } else if i >= 8 {
            *q = format!(
                "“We will finish the {} work before the {} season ends,” said one organizer.",
                rng.pick(&v.nouns),
                rng.pick(&v.nouns)
            );
        }
        if let (Some(a), Some(b)) = (q.find('“'), q.find('”')) {
            quote_texts.push(q[a + '“'.len_utf8()..b].trim_end_matches(',').to_string());
        }
    }
    let topic: Vec<&String> = (0..6).map(|_| rng.pick(&v.nouns)).collect();
    let mut paras = Vec::new();
    let mut claims = figures.into_iter().chain(quotes).collect::<Vec<_>>();
    let mut words = claims
        .iter()
        .map(|c| c.split_whitespace().count())
        .sum::<usize>();
    let mut fillers = Vec::new();
    while words < 2000 {
        let f = filler(&mut rng, v, &topic);
        words += f.split_whitespace().count();
        fillers.push(f);
    }
    let mut k = 0;
    while !claims.is_empty() || k < fillers.len() {
        let mut p = Vec::new();
        if !claims.is_empty() {
            p.push(claims.remove(0));
        }
        for _ in 0..2 {
            if k < fillers.len() {
                p.push(fillers[k].clone());
                k += 1;
            }
        }
        paras.push(p.join(" "));
    }
    Draft {
        text: format!("# Draft\n\n{}\n", paras.join("\n\n")),
        quotes: quote_texts,
    }
}
