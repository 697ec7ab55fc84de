//! What counted nouns are to one another: the same thing in other words
//! ("jobs" and "positions", "jets" and "planes"), or a broader or narrower
//! term ("people" and "residents"). Read from two tables beside this file:
//! `nouns.tsv`, derived from Princeton WordNet 3.0 (`tools/wordnet_nouns.py`,
//! licence in `LICENSE-WordNet`), and `equivalents.tsv`, news usage WordNet
//! does not record. Nouns are keyed by lemma ("office", "officer": a stem
//! would make them one), as figures keep their heads; `lemma` finds it
//! with WordNet's own exceptions (`noun.exc`) and suffix rules. Stems
//! read irregular verb forms as their base with WordNet's `verb.exc`.

use super::text::{normalize_word, Term};
use rustc_hash::FxHashMap;
use std::sync::OnceLock;

/// How two counted nouns are related.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kinship {
    /// One word, or words for one thing: a count of one is a count of the
    /// other.
    Same,
    /// One is a kind of the other ("residents" are people): the broader
    /// count may hold more than the narrower one.
    Broader,
}

#[derive(Default)]
struct Lexicon {
    /// Irregular plurals and their lemmas ("children" → "child").
    exceptions: FxHashMap<&'static str, &'static str>,
    /// Each stem's own synsets (its first senses) and equivalence groups.
    own: FxHashMap<Term, Vec<u32>>,
    /// Each stem's broader synsets.
    broader: FxHashMap<Term, Vec<u32>>,
    /// The stems whose own synsets hold a synset.
    stems_of: FxHashMap<u32, Vec<Term>>,
    /// The stems one level narrower than a synset.
    narrower: FxHashMap<u32, Vec<Term>>,
}

/// Equivalence groups are numbered past every synset id.
const GROUPS: u32 = 1 << 30;

fn lexicon() -> &'static Lexicon {
    static LEXICON: OnceLock<Lexicon> = OnceLock::new();
    LEXICON.get_or_init(|| {
        let mut lx = Lexicon::default();
        let ids = |s: &str| -> Vec<u32> {
            s.split_whitespace()
                .filter_map(|x| u32::from_str_radix(x, 16).ok())
                .collect()
        };
        for line in include_str!("nouns.tsv")
            .lines()
            .filter(|l| !l.starts_with('#'))
        {
            let mut cols = line.split('\t');
            let (Some(noun), Some(own), Some(broader)) = (cols.next(), cols.next(), cols.next())
            else {
                continue;
            };
            let st = Term::from(noun);
            let own = ids(own);
            let broader = ids(broader);
            if let Some(&first) = broader.first() {
                lx.narrower.entry(first).or_default().push(st);
            }
            for &o in &own {
                lx.stems_of.entry(o).or_default().push(st);
            }
            lx.own.entry(st).or_default().extend(own);
            lx.broader.entry(st).or_default().extend(broader);
        }
        let groups = data_lines(include_str!("equivalents.tsv"));
        for (g, line) in groups.enumerate() {
            let id = GROUPS + g as u32;
            for noun in line.split('\t') {
                let st = Term::from(noun.trim());
                lx.own.entry(st).or_default().push(id);
                lx.stems_of.entry(id).or_default().push(st);
            }
        }
        for line in include_str!("noun.exc").lines() {
            if let Some((plural, base)) = line.split_once(' ') {
                lx.exceptions
                    .insert(plural, base.split(' ').next().unwrap_or(base));
            }
        }
        lx
    })
}

/// The base of an irregular verb form ("drank", "drunk" → "drink";
/// "grew" → "grow"), from WordNet's `verb.exc`. A form that is also a noun
/// ("rose", "ground") is read as the verb: in a sentence with a figure it
/// mostly is one, and a stem only joins words for matching.
pub fn verb_base(word: &str) -> Option<&'static str> {
    static FORMS: OnceLock<FxHashMap<&'static str, &'static str>> = OnceLock::new();
    FORMS
        .get_or_init(|| {
            let pairs = || {
                include_str!("verb.exc")
                    .lines()
                    .filter_map(|l| l.split_once(' '))
            };
            // "lay" is the past of "lie" and a verb of its own ("laid
            // off"): a form that is another form's base keeps its word.
            let bases: rustc_hash::FxHashSet<&str> =
                pairs().flat_map(|(_, bases)| bases.split(' ')).collect();
            pairs()
                .filter(|(form, _)| !bases.contains(form))
                .map(|(form, base)| (form, base.split(' ').next().unwrap_or(base)))
                .collect()
        })
        .get(word)
        .copied()
}

/// Is `stem` the stem of a word that says what kind of body a name is
/// ("authority", "county"), not which one (`owner_kinds.tsv`)?
pub fn is_owner_kind(stem: &Term) -> bool {
    static KINDS: OnceLock<Vec<Term>> = OnceLock::new();
    KINDS
        .get_or_init(|| {
            data_lines(include_str!("owner_kinds.tsv"))
                .map(|w| super::text::stem(w.trim()))
                .collect()
        })
        .contains(stem)
}

/// What kind of time a word says when a count was taken (`times.tsv`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeKind {
    Day,
    Month,
    /// A part of a day ("morning"): a snapshot of a moving count.
    Part,
}

/// The kind of time the stem `stem` names, if it names one.
pub fn time_kind(stem: &Term) -> Option<TimeKind> {
    static TIMES: OnceLock<FxHashMap<Term, TimeKind>> = OnceLock::new();
    TIMES
        .get_or_init(|| {
            data_lines(include_str!("times.tsv"))
                .filter_map(|l| {
                    let (w, kind) = l.split_once('\t')?;
                    let kind = match kind.trim() {
                        "day" => TimeKind::Day,
                        "month" => TimeKind::Month,
                        "part" => TimeKind::Part,
                        _ => return None,
                    };
                    Some((super::text::stem(w.trim()), kind))
                })
                .collect()
        })
        .get(stem)
        .copied()
}

/// The lines of a data table that hold data: no comment, no blank line.
pub(crate) fn data_lines(table: &'static str) -> impl Iterator<Item = &'static str> {
    table
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
}

/// WordNet's rules for a regular plural: the ending and what replaces it.
const DETACHMENTS: &[(&str, &str)] = &[
    ("ies", "y"),
    ("ses", "s"),
    ("xes", "x"),
    ("zes", "z"),
    ("ches", "ch"),
    ("shes", "sh"),
    ("men", "man"),
    ("s", ""),
];

/// The lemma of a noun as written: lower case, without a possessive, in
/// the singular ("Offices" → "office", "officers'" → "officer",
/// "children" → "child"). A word WordNet does not know keeps its form,
/// less a plural "s".
pub fn lemma(word: &str) -> Term {
    let w = normalize_word(word);
    let w = w
        .strip_suffix("'s")
        .or_else(|| w.strip_suffix('\''))
        .unwrap_or(&w);
    let lx = lexicon();
    if let Some(base) = lx.exceptions.get(w) {
        return Term::from(base);
    }
    let known = |c: &str| lx.own.contains_key(&Term::from(c));
    if known(w) && !w.ends_with('s') {
        return Term::from(w);
    }
    for (end, with) in DETACHMENTS {
        if let Some(root) = w.strip_suffix(end) {
            let candidate = format!("{root}{with}");
            if !root.is_empty() && known(&candidate) {
                return Term::from(candidate.as_str());
            }
        }
    }
    if known(w) {
        return Term::from(w);
    }
    let plain = w.len() > 3 && w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us");
    Term::from(if plain { &w[..w.len() - 1] } else { w })
}

fn shares(a: &[u32], b: &[u32]) -> bool {
    a.iter().any(|x| b.contains(x))
}

/// Do the verb stems `a` and `b` tell one act ("eliminate", "cut")? The
/// same stem, or two of one line of `acts.tsv`.
pub fn same_act(a: Term, b: Term) -> bool {
    static ACTS: OnceLock<FxHashMap<Term, usize>> = OnceLock::new();
    let acts = ACTS.get_or_init(|| {
        data_lines(include_str!("acts.tsv"))
            .enumerate()
            .flat_map(|(g, line)| {
                line.split('\t')
                    .map(move |v| (super::text::stem(v.trim()), g))
            })
            .collect()
    });
    a == b || matches!((acts.get(&a), acts.get(&b)), (Some(x), Some(y)) if x == y)
}

/// Does WordNet know `lemma` as a noun?
pub fn is_noun(lemma: Term) -> bool {
    lexicon().own.contains_key(&lemma)
}

/// How the counted nouns with stems `a` and `b` are related, if at all.
pub fn kinship(a: Term, b: Term) -> Option<Kinship> {
    if a == b {
        return Some(Kinship::Same);
    }
    let lx = lexicon();
    let none = Vec::new();
    let own = |t: &Term| lx.own.get(t).unwrap_or(&none);
    let broader = |t: &Term| lx.broader.get(t).unwrap_or(&none);
    if shares(own(&a), own(&b)) {
        Some(Kinship::Same)
    } else if shares(own(&a), broader(&b)) || shares(broader(&a), own(&b)) {
        Some(Kinship::Broader)
    } else {
        None
    }
}

/// The stems of nouns related to the stem `a`: its synonyms, its broader
/// terms and the nouns one level narrower (at most `MAX_KIN` in all), for
/// looking up figures that may count what a figure counts.
pub fn kin_of(a: Term) -> Vec<Term> {
    const MAX_KIN: usize = 200;
    let lx = lexicon();
    let mut out: Vec<Term> = Vec::new();
    let mut add = |t: &Term| {
        if *t != a && out.len() < MAX_KIN && !out.contains(t) {
            out.push(*t);
        }
    };
    let own = lx.own.get(&a).map(Vec::as_slice).unwrap_or(&[]);
    let broader = lx.broader.get(&a).map(Vec::as_slice).unwrap_or(&[]);
    for s in own.iter().chain(broader) {
        lx.stems_of.get(s).into_iter().flatten().for_each(&mut add);
    }
    for s in own {
        lx.narrower.get(s).into_iter().flatten().for_each(&mut add);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kin(a: &str, b: &str) -> Option<Kinship> {
        kinship(lemma(a), lemma(b))
    }

    #[test]
    fn irregular_verb_forms_stem_as_their_base() {
        use crate::engine::text::stem;
        assert_eq!(verb_base("drank"), Some("drink"));
        assert_eq!(verb_base("drunk"), Some("drink"));
        assert_eq!(verb_base("grew"), Some("grow"));
        assert_eq!(verb_base("counted"), None);
        // "lay off" is its own verb, not "lie".
        assert_eq!(verb_base("lay"), None);
        assert_eq!(stem("Drank"), stem("drinks"));
        assert_eq!(stem("grew"), stem("grown"));
        assert_ne!(stem("grew"), stem("drank"));
    }

    #[test]
    fn lemmas_are_singular_and_keep_words_apart_that_stems_join() {
        for (word, want) in [
            ("Offices", "office"),
            ("officers", "officer"),
            ("officials", "official"),
            ("children", "child"),
            ("buses", "bus"),
            ("ferries", "ferry"),
            ("Ostrey's", "ostrey"),
            ("people", "people"),
            ("arrests", "arrest"),
            ("data", "datum"),
            ("gas", "gas"),
            ("zorblats", "zorblat"),
        ] {
            assert_eq!(lemma(word).as_str(), want, "{word}");
        }
        assert_eq!(kin("offices", "officers"), None);
    }

    #[test]
    fn synonyms_broader_terms_and_strangers() {
        assert_eq!(kin("jobs", "positions"), Some(Kinship::Same));
        assert_eq!(kin("votes", "ballots"), Some(Kinship::Same));
        assert_eq!(kin("planes", "jets"), Some(Kinship::Same));
        assert_eq!(kin("people", "persons"), Some(Kinship::Same));
        assert_eq!(kin("workers", "employees"), Some(Kinship::Same));
        assert_eq!(kin("residents", "person"), Some(Kinship::Broader));
        assert_eq!(kin("berries", "fruit"), Some(Kinship::Broader));
        assert_eq!(kin("boats", "vessels"), Some(Kinship::Broader));
        assert_eq!(kin("ferries", "planes"), None);
        assert_eq!(kin("teachers", "students"), None);
        assert_eq!(kin("schools", "districts"), None);
    }

    #[test]
    fn kin_are_found_for_lookups() {
        let k = kin_of(lemma("jobs"));
        assert!(k.contains(&lemma("positions")), "{k:?}");
        assert!(kin_of(lemma("zzzz")).is_empty());
    }
}
