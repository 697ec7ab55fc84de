//! Judgement must not collapse as an archive grows. A newsroom archive
//! holds thousands of sources that count the same kinds of things
//! (inspectors, contracts, bus routes) for other agencies. Checked against
//! such an archive, a draft about one agency must get the verdicts it gets
//! against the few sources about that agency alone.
mod common;

use common::render;
use factcheck_ls::engine::corpus::Corpus;
use std::path::Path;

const NOUNS: &[&str] = &[
    "inspectors",
    "contracts",
    "bus routes",
    "field offices",
    "officers",
    "clinics",
    "shelters",
    "buses",
    "bridges",
    "employees",
];

const KINDS: &[&str] = &[
    "Transit Authority",
    "Housing Agency",
    "Port Authority",
    "Health Department",
    "Water Board",
    "Parks Commission",
];

const SYLLABLES: &[&str] = &[
    "var", "den", "ost", "mere", "kel", "by", "ash", "ton", "bram", "wick", "lor", "ing", "hal",
    "ford", "tam", "sin", "ox", "ley", "brack", "ridge",
];

/// A place name of three syllables, different for each number below 8,000.
fn place(i: usize) -> String {
    let n = SYLLABLES.len();
    let name: String = [i % n, (i / n) % n, (i / (n * n)) % n]
        .iter()
        .map(|&k| SYLLABLES[k])
        .collect();
    let mut c = name.chars();
    c.next().unwrap().to_uppercase().collect::<String>() + c.as_str()
}

/// A source about one agency: what it counts, in the ways copy says it,
/// some sentences naming the agency and some not.
fn archive_source(i: usize) -> String {
    let agency = format!("{} {}", place(i + 1), KINDS[i % KINDS.len()]);
    let mut out = format!("{agency} reports its numbers\n\n");
    for k in 0..8 {
        let noun = NOUNS[(i + k) % NOUNS.len()];
        let n = 20 + (i * 37 + k * 101) % 900;
        let line = match k % 4 {
            0 => format!("The {agency} employs {n} {noun}, officials said."),
            1 => format!("{agency} said it now has {n} {noun} in service."),
            2 => format!("The agency counted {n} {noun} at the end of the year."),
            _ => format!("Officials at the {agency} said {n} {noun} were reviewed last year."),
        };
        out.push_str(&line);
        out.push_str("\n\n");
    }
    out
}

/// The draft's own agency and what its sources say it counts.
const AGENCY: &str = "Calder Transit Authority";

fn truth() -> Vec<(&'static str, usize)> {
    NOUNS
        .iter()
        .enumerate()
        .map(|(k, noun)| (*noun, 100 + 37 * k))
        .collect()
}

fn own_sources() -> Vec<(String, String)> {
    let t = truth();
    (0..3)
        .map(|s| {
            let mut text = format!("The {AGENCY} in figures\n\n");
            for (noun, n) in t.iter().skip(s).step_by(3) {
                text.push_str(&format!(
                    "The {AGENCY} employs {n} {noun}, officials said.\n\n"
                ));
            }
            (format!("/own/00{s}_calder.txt"), text)
        })
        .collect()
}

/// A draft with every figure of the truth, every third one wrong.
fn draft() -> (String, usize) {
    let mut text = String::from("# Calder's transit agency, by the numbers\n\n");
    let mut wrong = 0;
    for (k, (noun, n)) in truth().into_iter().enumerate() {
        let n = if k % 3 == 0 {
            wrong += 1;
            n + 50
        } else {
            n
        };
        text.push_str(&format!(
            "The {AGENCY} employs {n} {noun}, officials said.\n\n"
        ));
    }
    (text, wrong)
}

#[test]
fn an_archive_of_other_agencies_does_not_change_the_verdicts() {
    let mut own = Corpus::new();
    for (path, text) in own_sources() {
        own.upsert(Path::new(&path), text);
    }
    let mut archive = Corpus::new();
    for (path, text) in own_sources() {
        archive.upsert(Path::new(&path), text);
    }
    for i in 0..10_000 {
        archive.upsert(
            Path::new(&format!("/archive/{i:05}.txt")),
            archive_source(i),
        );
    }
    let (text, wrong) = draft();
    let alone = render(&text, &own);
    let errors = alone.iter().filter(|l| l.contains(" error[")).count();
    assert_eq!(errors, wrong, "{alone:#?}");
    assert_eq!(render(&text, &archive), alone);
}

#[test]
fn archive_sources_count_the_draft_s_nouns_for_other_agencies() {
    let s = archive_source(7);
    assert!(
        s.starts_with("Bramvarvar Housing Agency reports its numbers\n\n"),
        "{s}"
    );
    assert!(s.contains("The Bramvarvar Housing Agency employs 279 buses, officials said."));
    // Sentences that name no agency, as copy often does.
    assert!(s.contains("The agency counted 481 employees at the end of the year."));
    assert_eq!(NOUNS.iter().filter(|n| s.contains(*n)).count(), 8);
    let places: std::collections::HashSet<String> = (1..=10_000).map(place).collect();
    assert_eq!(places.len(), 8_000, "names repeat only past 8,000");
    assert!((0..10_000).all(|i| !archive_source(i).contains(AGENCY)));
}
