//! The corpus: every source, plus the indexes the checker looks things up in.
//! Adding, replacing or removing one source touches only that source's
//! entries. No I/O happens here: callers hand in paths and text.

use super::figure::{Direction, Figure};
use super::source::Source;
use super::text::Term;
use rustc_hash::FxHashMap;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Index of a source in the corpus. Keys are not reused: a removed source's
/// key stays empty until the corpus is compacted (which a new corpus
/// generation announces to callers that keep keys).
pub type SourceKey = usize;

/// A figure of a source: (source, index into its figures).
pub type FigureRef = (u32, u32);

/// The corpus. Removing a source only empties its slot: lists that name it
/// are filtered as they are read (`figure` and `occurrences` skip empty
/// slots), and the whole corpus is compacted once removed sources make up
/// half of it. That keeps a re-index of one source proportional to that
/// source, however common its words are.
#[derive(Debug, Default)]
pub struct Corpus {
    slots: Vec<Option<Source>>,
    live: usize,
    by_path: HashMap<PathBuf, SourceKey>,
    by_id: HashMap<String, SourceKey>,
    /// Sources sharing a default id prefix, for collision handling.
    by_prefix: HashMap<String, Vec<SourceKey>>,
    vocab: FxHashMap<Term, u32>,
    /// Vocabulary ids of each source's words.
    word_ids: Vec<Box<[u32]>>,
    /// Where each source's words start in one position space shared by all
    /// sources (increasing with the key).
    base: Vec<u32>,
    next_base: u32,
    /// Positions, in that shared space, of each vocabulary word.
    postings: Vec<Vec<u32>>,
    figures_by_head: FxHashMap<Term, Vec<FigureRef>>,
    figures_by_local: FxHashMap<Term, Vec<FigureRef>>,
    /// Figures by the content words of their sentence.
    by_context: FxHashMap<Term, Vec<FigureRef>>,
    /// Figures of a change up or down, by unit and direction.
    by_direction: HashMap<(&'static str, Direction), Vec<FigureRef>>,
}

/// A word id that no source word has.
pub const UNKNOWN_WORD: u32 = u32::MAX;

impl Corpus {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.live
    }

    pub fn is_empty(&self) -> bool {
        self.live == 0
    }

    pub fn get(&self, key: SourceKey) -> Option<&Source> {
        self.slots.get(key).and_then(Option::as_ref)
    }

    pub fn sources(&self) -> impl Iterator<Item = (SourceKey, &Source)> {
        self.slots
            .iter()
            .enumerate()
            .filter_map(|(k, s)| s.as_ref().map(|s| (k, s)))
    }

    pub fn key_of_path(&self, path: &Path) -> Option<SourceKey> {
        self.by_path.get(path).copied()
    }

    /// Looks a source up by id (case-insensitive).
    pub fn by_id(&self, id: &str) -> Option<SourceKey> {
        self.by_id
            .get(id)
            .or_else(|| self.by_id.get(&id.to_lowercase()))
            .copied()
            .or_else(|| {
                self.sources()
                    .find(|(_, s)| s.id.eq_ignore_ascii_case(id))
                    .map(|(k, _)| k)
            })
    }

    /// A figure of a present source; `None` for one that was removed.
    pub fn figure(&self, r: FigureRef) -> Option<(&Source, &Figure)> {
        let s = self.get(r.0 as usize)?;
        Some((s, s.figures.get(r.1 as usize)?))
    }

    pub fn word_ids(&self, key: SourceKey) -> &[u32] {
        self.word_ids.get(key).map_or(&[], |w| &w[..])
    }

    pub fn word_id(&self, word: &str) -> u32 {
        Term::from_existing(word)
            .and_then(|t| self.vocab.get(&t))
            .copied()
            .unwrap_or(UNKNOWN_WORD)
    }

    /// The lists below may name figures of removed sources: read them
    /// through `figure`, which skips those.
    pub fn figures_with_head(&self, head: &str) -> &[FigureRef] {
        Self::list(&self.figures_by_head, head)
    }

    pub fn figures_with_local(&self, stem: &str) -> &[FigureRef] {
        Self::list(&self.figures_by_local, stem)
    }

    pub fn figures_with_direction(&self, unit: &'static str, dir: Direction) -> &[FigureRef] {
        self.by_direction
            .get(&(unit, dir))
            .map_or(&[], Vec::as_slice)
    }

    /// Figures whose sentence has this content word.
    pub fn figures_with_context(&self, stem: &str) -> &[FigureRef] {
        Self::list(&self.by_context, stem)
    }

    fn list<'a>(map: &'a FxHashMap<Term, Vec<FigureRef>>, key: &str) -> &'a [FigureRef] {
        Term::from_existing(key)
            .and_then(|t| map.get(&t))
            .map_or(&[], Vec::as_slice)
    }

    /// How often a vocabulary word occurs (removed sources included).
    pub fn frequency(&self, id: u32) -> usize {
        self.postings.get(id as usize).map_or(0, Vec::len)
    }

    /// Every place where word `a` is followed by word `b`: (source, position
    /// of `a`), in key order. Reads the list of the rarer of the two words.
    pub fn occurrences(&self, a: u32, b: u32) -> Vec<(u32, u32)> {
        let (Some(pa), Some(pb)) = (self.postings.get(a as usize), self.postings.get(b as usize))
        else {
            return Vec::new();
        };
        let (list, offset) = if pa.len() <= pb.len() {
            (pa, 0)
        } else {
            (pb, 1)
        };
        let mut out = Vec::new();
        for &at in list {
            let Some(start) = at.checked_sub(offset) else {
                continue;
            };
            let key = self.base.partition_point(|&b| b <= start).saturating_sub(1);
            let ids = self.word_ids(key);
            let pos = (start - self.base.get(key).copied().unwrap_or(0)) as usize;
            if self.slots.get(key).is_some_and(Option::is_some)
                && ids.get(pos) == Some(&a)
                && ids.get(pos + 1) == Some(&b)
            {
                out.push((key as u32, pos as u32));
            }
        }
        out
    }

    /// Adds or replaces the source at `path`. Returns its key.
    pub fn upsert(&mut self, path: &Path, text: String) -> SourceKey {
        self.remove(path);
        let source = Source::parse(path, text);
        self.insert(source)
    }

    /// Adds an already parsed source (parsing can run on other threads).
    pub fn insert(&mut self, mut source: Source) -> SourceKey {
        if self.by_path.contains_key(&source.path) {
            let p = source.path.clone();
            self.remove(&p);
        }
        let words = std::mem::take(&mut source.words);
        if self.next_base as usize + words.len() > u32::MAX as usize {
            self.compact();
        }
        let key = self.slots.len();
        let k32 = key as u32;
        let base = self.next_base;
        let mut ids = Vec::with_capacity(words.len());
        for (pos, w) in words.iter().enumerate() {
            let next = self.vocab.len() as u32;
            let id = *self.vocab.entry(*w).or_insert(next);
            if id as usize == self.postings.len() {
                self.postings.push(Vec::new());
            }
            // Past u32 even after compaction (4 billion words), the source
            // is still checked for figures but not found by quotes.
            if let Some(at) = base.checked_add(pos as u32) {
                self.postings[id as usize].push(at);
            }
            ids.push(id);
        }
        self.next_base = base.saturating_add(ids.len() as u32);
        for (i, f) in source.figures.iter().enumerate() {
            let r = (k32, i as u32);
            if let Some(h) = f.head {
                self.figures_by_head.entry(h).or_default().push(r);
            }
            for l in &f.local {
                self.figures_by_local.entry(*l).or_default().push(r);
            }
            for c in &f.context {
                self.by_context.entry(*c).or_default().push(r);
            }
            if let Some(dir) = f.direction {
                self.by_direction
                    .entry((f.unit.name(), dir))
                    .or_default()
                    .push(r);
            }
        }
        self.word_ids.push(ids.into_boxed_slice());
        self.base.push(base);
        self.by_path.insert(source.path.clone(), key);
        let prefix = source.default_id();
        self.slots.push(Some(source));
        self.live += 1;
        self.by_prefix.entry(prefix.clone()).or_default().push(key);
        self.assign_ids(&prefix);
        key
    }

    /// Removes the source at `path`, if present.
    pub fn remove(&mut self, path: &Path) -> Option<Source> {
        let key = self.by_path.remove(path)?;
        let source = self.slots[key].take()?;
        self.live -= 1;
        self.word_ids[key] = Box::default();
        let prefix = source.default_id();
        if let Some(v) = self.by_prefix.get_mut(&prefix) {
            v.retain(|k| *k != key);
            if v.is_empty() {
                self.by_prefix.remove(&prefix);
            }
        }
        self.by_id.retain(|_, k| *k != key);
        self.assign_ids(&prefix);
        if self.slots.len() >= 64 && self.live * 2 < self.slots.len() {
            self.compact();
        }
        Some(source)
    }

    /// Rebuilds the lists without removed sources. Keys change.
    pub fn compact(&mut self) {
        let mut old = std::mem::take(self);
        let mut fresh = Corpus {
            vocab: std::mem::take(&mut old.vocab),
            ..Corpus::default()
        };
        fresh.postings.resize_with(fresh.vocab.len(), Vec::new);
        let mut terms = vec![Term::default(); fresh.vocab.len()];
        for (t, id) in &fresh.vocab {
            terms[*id as usize] = *t;
        }
        for (key, slot) in old.slots.into_iter().enumerate() {
            if let Some(mut s) = slot {
                s.words = old.word_ids[key]
                    .iter()
                    .map(|&i| terms[i as usize])
                    .collect();
                fresh.insert(s);
            }
        }
        // Words no source has any more keep their ids, with empty lists.
        *self = fresh;
    }

    /// Gives each source of a prefix group its id: the declared id if any;
    /// else the prefix when it is unique, or the whole file stem when it
    /// would collide.
    fn assign_ids(&mut self, prefix: &str) {
        let keys = self.by_prefix.get(prefix).cloned().unwrap_or_default();
        let undeclared = keys
            .iter()
            .filter(|k| {
                self.slots[**k]
                    .as_ref()
                    .is_some_and(|s| s.declared_id.is_none())
            })
            .count();
        for k in keys {
            let Some(s) = self.slots[k].as_mut() else {
                continue;
            };
            let id = match &s.declared_id {
                Some(d) => d.clone(),
                None if undeclared > 1 => s.file_stem(),
                None => prefix.to_string(),
            };
            if s.id != id {
                self.by_id.retain(|_, v| *v != k);
            }
            s.id = id.clone();
            self.by_id.insert(id.to_lowercase(), k);
            self.by_id.insert(id, k);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_fall_back_to_the_stem_on_collision_and_back_again() {
        let mut c = Corpus::new();
        let a = c.upsert(
            Path::new("s/003_aaa.txt"),
            "One. ICE has 25 field offices.".into(),
        );
        assert_eq!(c.get(a).unwrap().id, "003");
        let b = c.upsert(Path::new("s/003_bbb.txt"), "Other text.".into());
        assert_eq!(c.get(a).unwrap().id, "003_aaa");
        assert_eq!(c.get(b).unwrap().id, "003_bbb");
        assert_eq!(c.by_id("003_AAA"), Some(a));
        c.remove(Path::new("s/003_bbb.txt"));
        assert_eq!(c.get(a).unwrap().id, "003");
        assert_eq!(c.by_id("003"), Some(a));
        let d = c.upsert(Path::new("s/x.md"), "---\nid: wire-1\n---\nText.".into());
        assert_eq!(c.get(d).unwrap().id, "wire-1");
    }

    fn live(c: &Corpus, refs: &[FigureRef]) -> Vec<PathBuf> {
        refs.iter()
            .filter_map(|r| c.figure(*r))
            .map(|(s, _)| s.path.clone())
            .collect()
    }

    #[test]
    fn finds_word_pairs_in_present_sources_only() {
        let mut c = Corpus::new();
        c.upsert(Path::new("a.txt"), "We will not back down now.".into());
        c.upsert(Path::new("b.txt"), "They said they will not.".into());
        let (will, not) = (c.word_id("will"), c.word_id("not"));
        assert_eq!(c.occurrences(will, not), vec![(0, 1), (1, 3)]);
        assert_eq!(c.occurrences(not, will), vec![]);
        c.upsert(Path::new("a.txt"), "Nothing to see.".into());
        assert_eq!(c.occurrences(will, not), vec![(1, 3)]);
        assert_eq!(c.word_id("unheard"), UNKNOWN_WORD);
    }

    #[test]
    fn compacts_once_half_the_slots_are_removed_and_keeps_verdict_inputs() {
        let mut c = Corpus::new();
        for i in 0..40 {
            c.upsert(
                Path::new(&format!("s{i}.txt")),
                format!("The council approved {i} new buses for route {i}."),
            );
        }
        for round in 0..3 {
            for i in 0..40 {
                c.upsert(
                    Path::new(&format!("s{i}.txt")),
                    format!("Round {round}: the council approved {i} new buses."),
                );
            }
        }
        assert_eq!(c.len(), 40);
        assert!(c.slots.len() < 128, "compacted: {} slots", c.slots.len());
        let buses = c.figures_with_head(&crate::engine::text::stem("buses"));
        assert_eq!(live(&c, buses).len(), 40);
        let (the, council) = (c.word_id("the"), c.word_id("council"));
        assert_eq!(c.occurrences(the, council).len(), 40);
        let key = c.key_of_path(Path::new("s7.txt")).unwrap();
        let figures = &c.get(key).unwrap().figures;
        assert_eq!(figures.last().map(|f| f.value), Some(7.0));
    }

    #[test]
    fn reindexing_one_source_leaves_the_others() {
        let mut c = Corpus::new();
        c.upsert(Path::new("a.txt"), "ICE has 25 field offices.".into());
        c.upsert(Path::new("b.txt"), "There are 25 field offices.".into());
        assert_eq!(live(&c, c.figures_with_head("offic")).len(), 2);
        c.upsert(Path::new("a.txt"), "Nothing here.".into());
        assert_eq!(
            live(&c, c.figures_with_head("offic")),
            vec![PathBuf::from("b.txt")]
        );
        assert_eq!(c.len(), 2);
    }
}
