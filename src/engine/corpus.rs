//! The corpus: every source, plus the indexes the checker looks things up in.
//! Adding, replacing or removing one source touches only that source's
//! entries. No I/O happens here: callers hand in paths and text.

use super::figure::{Direction, Figure};
use super::source::Source;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Index of a source in the corpus. Stable while the source is present.
pub type SourceKey = usize;

/// A figure of a source: (source, index into its figures).
pub type FigureRef = (u32, u32);

#[derive(Debug, Default)]
pub struct Corpus {
    slots: Vec<Option<Source>>,
    free: Vec<usize>,
    by_path: HashMap<PathBuf, SourceKey>,
    by_id: HashMap<String, SourceKey>,
    /// Sources sharing a default id prefix, for collision handling.
    by_prefix: HashMap<String, Vec<SourceKey>>,
    vocab: HashMap<String, u32>,
    /// Vocabulary ids of each source's words (parallel to `Source::words`).
    word_ids: Vec<Vec<u32>>,
    figures_by_head: HashMap<String, Vec<FigureRef>>,
    figures_by_local: HashMap<String, Vec<FigureRef>>,
    /// Figures by the content words of their sentence.
    by_context: HashMap<String, Vec<FigureRef>>,
    /// Figures of a change up or down, by unit and direction.
    by_direction: HashMap<(&'static str, Direction), Vec<FigureRef>>,
    bigrams: HashMap<(u32, u32), Postings>,
}

/// Where a word bigram occurs: (source, position) pairs. Most bigrams occur
/// once in a corpus, so a single occurrence is kept inline, without a heap
/// list of its own.
#[derive(Debug, Clone)]
enum Postings {
    One((u32, u32)),
    Many(Vec<(u32, u32)>),
}

impl Postings {
    fn as_slice(&self) -> &[(u32, u32)] {
        match self {
            Postings::One(p) => std::slice::from_ref(p),
            Postings::Many(v) => v,
        }
    }

    fn push(&mut self, p: (u32, u32)) {
        match self {
            Postings::One(first) => *self = Postings::Many(vec![*first, p]),
            Postings::Many(v) => v.push(p),
        }
    }

    /// Drops a source's occurrences; true when none are left.
    fn remove_source(&mut self, source: u32) -> bool {
        match self {
            Postings::One((s, _)) => *s == source,
            Postings::Many(v) => {
                v.retain(|(s, _)| *s != source);
                let empty = v.is_empty();
                if let [only] = v[..] {
                    *self = Postings::One(only);
                }
                empty
            }
        }
    }
}

/// A word id that no source word has.
pub const UNKNOWN_WORD: u32 = u32::MAX;

impl Corpus {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.by_path.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_path.is_empty()
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

    pub fn figure(&self, r: FigureRef) -> Option<(&Source, &Figure)> {
        let s = self.get(r.0 as usize)?;
        Some((s, s.figures.get(r.1 as usize)?))
    }

    pub fn word_ids(&self, key: SourceKey) -> &[u32] {
        self.word_ids.get(key).map_or(&[], Vec::as_slice)
    }

    pub fn word_id(&self, word: &str) -> u32 {
        self.vocab.get(word).copied().unwrap_or(UNKNOWN_WORD)
    }

    pub fn figures_with_head(&self, head: &str) -> &[FigureRef] {
        self.figures_by_head.get(head).map_or(&[], Vec::as_slice)
    }

    pub fn figures_with_local(&self, stem: &str) -> &[FigureRef] {
        self.figures_by_local.get(stem).map_or(&[], Vec::as_slice)
    }

    pub fn figures_with_direction(&self, unit: &'static str, dir: Direction) -> &[FigureRef] {
        self.by_direction
            .get(&(unit, dir))
            .map_or(&[], Vec::as_slice)
    }

    /// Figures whose sentence has this content word.
    pub fn figures_with_context(&self, stem: &str) -> &[FigureRef] {
        self.by_context.get(stem).map_or(&[], Vec::as_slice)
    }

    pub fn bigram(&self, a: u32, b: u32) -> &[(u32, u32)] {
        self.bigrams.get(&(a, b)).map_or(&[], Postings::as_slice)
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
        let key = self.free.pop().unwrap_or_else(|| {
            self.slots.push(None);
            self.slots.len() - 1
        });
        if self.word_ids.len() <= key {
            self.word_ids.resize_with(key + 1, Vec::new);
        }
        let k32 = key as u32;
        let ids: Vec<u32> = source
            .words
            .iter()
            .map(|w| {
                let next = self.vocab.len() as u32;
                *self.vocab.entry(w.norm.clone()).or_insert(next)
            })
            .collect();
        for (pos, pair) in ids.windows(2).enumerate() {
            self.bigrams
                .entry((pair[0], pair[1]))
                .and_modify(|p| p.push((k32, pos as u32)))
                .or_insert(Postings::One((k32, pos as u32)));
        }
        for (i, f) in source.figures.iter().enumerate() {
            let r = (k32, i as u32);
            if let Some(h) = &f.head {
                self.figures_by_head.entry(h.clone()).or_default().push(r);
            }
            for l in &f.local {
                self.figures_by_local.entry(l.clone()).or_default().push(r);
            }
            for c in &f.context {
                self.by_context.entry(c.clone()).or_default().push(r);
            }
            if let Some(dir) = f.direction {
                self.by_direction
                    .entry((f.unit.name(), dir))
                    .or_default()
                    .push(r);
            }
        }
        self.word_ids[key] = ids;
        // The interned ids replace the words' strings.
        source.words = Vec::new();
        self.by_path.insert(source.path.clone(), key);
        let prefix = source.default_id();
        self.slots[key] = Some(source);
        self.by_prefix.entry(prefix.clone()).or_default().push(key);
        self.assign_ids(&prefix);
        key
    }

    /// Removes the source at `path`, if present.
    pub fn remove(&mut self, path: &Path) -> Option<Source> {
        let key = self.by_path.remove(path)?;
        let source = self.slots[key].take()?;
        let k32 = key as u32;
        let ids = std::mem::take(&mut self.word_ids[key]);
        for pair in ids.windows(2) {
            if let Some(v) = self.bigrams.get_mut(&(pair[0], pair[1])) {
                if v.remove_source(k32) {
                    self.bigrams.remove(&(pair[0], pair[1]));
                }
            }
        }
        for f in &source.figures {
            let headless = &f.context[..];
            let keys = f
                .head
                .iter()
                .map(|h| (0, h))
                .chain(f.local.iter().map(|l| (1, l)))
                .chain(headless.iter().map(|c| (2, c)));
            for (which, k) in keys {
                let map = match which {
                    0 => &mut self.figures_by_head,
                    1 => &mut self.figures_by_local,
                    _ => &mut self.by_context,
                };
                if let Some(v) = map.get_mut(k) {
                    v.retain(|(s, _)| *s != k32);
                    if v.is_empty() {
                        map.remove(k);
                    }
                }
            }
        }
        for f in &source.figures {
            if let Some(dir) = f.direction {
                if let Some(v) = self.by_direction.get_mut(&(f.unit.name(), dir)) {
                    v.retain(|(s, _)| *s != k32);
                }
            }
        }
        let prefix = source.default_id();
        if let Some(v) = self.by_prefix.get_mut(&prefix) {
            v.retain(|k| *k != key);
        }
        self.by_id.retain(|_, k| *k != key);
        self.free.push(key);
        self.assign_ids(&prefix);
        Some(source)
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

    #[test]
    fn postings_keep_one_occurrence_inline_and_grow_and_shrink() {
        let mut p = Postings::One((1, 0));
        p.push((2, 5));
        p.push((3, 7));
        assert_eq!(p.as_slice(), &[(1, 0), (2, 5), (3, 7)]);
        assert!(!p.remove_source(2));
        assert!(!p.remove_source(1));
        assert!(matches!(p, Postings::One((3, 7))));
        assert!(p.remove_source(3));
    }

    #[test]
    fn reindexing_one_source_leaves_the_others() {
        let mut c = Corpus::new();
        c.upsert(Path::new("a.txt"), "ICE has 25 field offices.".into());
        c.upsert(Path::new("b.txt"), "There are 25 field offices.".into());
        assert_eq!(c.figures_with_head("offic").len(), 2);
        c.upsert(Path::new("a.txt"), "Nothing here.".into());
        assert_eq!(c.figures_with_head("offic").len(), 1);
        let (s, _) = c.figure(c.figures_with_head("offic")[0]).unwrap();
        assert_eq!(s.path, Path::new("b.txt"));
        assert_eq!(c.len(), 2);
    }
}
