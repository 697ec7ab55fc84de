//! The corpus: every source, plus the indexes the checker looks things up in.
//! Adding, replacing or removing one source touches only that source's
//! entries. No I/O happens here: callers hand in paths and text, or the
//! bytes of a saved index (see `crate::cache`), whose sources are decoded
//! only when the checker first reads them.

use super::figure::{Direction, Figure};
use super::source::{Meta, Source};
use super::text::Term;
use rustc_hash::FxHashMap;
use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// Index of a source in the corpus. Keys are not reused: a removed source's
/// key stays empty until the corpus is compacted (which a new corpus
/// generation announces to callers that keep keys).
pub type SourceKey = usize;

/// A figure of a source: (source, index into its figures).
pub type FigureRef = (u32, u32);

/// Bytes a saved index lives in (a memory map, or a buffer in tests).
pub type Bytes = Arc<dyn AsRef<[u8]> + Send + Sync>;

/// What every listing of sources needs, without the parsed text.
#[derive(Debug, Clone)]
pub struct Head {
    pub path: PathBuf,
    /// Assigned by the corpus (see `Corpus::assign_ids`).
    pub id: String,
    pub declared_id: Option<String>,
    pub meta: Meta,
}

impl Head {
    fn of(s: &Source) -> Head {
        Head {
            path: s.path.clone(),
            id: s.id.clone(),
            declared_id: s.declared_id.clone(),
            meta: s.meta.clone(),
        }
    }

    pub fn file_name(&self) -> String {
        super::source::file_name(&self.path)
    }

    pub fn file_stem(&self) -> String {
        super::source::file_stem(&self.path)
    }
}

/// A source read back from a saved index: everything the lookups need,
/// and where its parsed form is kept.
#[derive(Debug, Clone)]
pub struct Stored {
    pub head: Head,
    /// Where, in the index bytes, its words are, as vocabulary ids
    /// (little-endian u32s, 4-byte aligned), read there in place.
    pub ids: Range<usize>,
    /// Where, in the index bytes, the lookup keys of its figures are (see
    /// `Corpus::figure_keys`; little-endian u32s, 4-byte aligned), read
    /// there in place.
    pub figure_keys: Range<usize>,
    /// Where, in the index bytes, its `Source` is encoded (postcard).
    pub blob: Range<usize>,
    /// The crc32 of those bytes, checked when it is decoded.
    pub crc: u32,
}

impl Stored {
    /// Its words as vocabulary ids, read from `bytes` (the index); `None`
    /// if they are not there as aligned u32s.
    pub fn word_ids<'a>(&self, bytes: &'a [u8]) -> Option<&'a [u32]> {
        as_u32s(bytes.get(self.ids.clone())?)
    }

    /// Are its ids (in `bytes`) in place and all below `vocab_len`, and its
    /// figure keys in place? With `words_checked`, the ids are known to be
    /// below it (the reader checked the whole record they lie in) and are
    /// not read again. With `read_keys`, are the keys also well formed?
    /// (When the saved figure lists are used, the keys are not read at
    /// start; what reads them later passes over an id out of range.)
    pub fn fits(&self, bytes: &[u8], vocab_len: u32, words_checked: bool, read_keys: bool) -> bool {
        // `max` over the whole list vectorises; a short-circuiting test
        // does not, and this runs for every word of every saved source.
        self.word_ids(bytes).is_some_and(|ids| {
            words_checked || ids.iter().copied().max().is_none_or(|m| m < vocab_len)
        }) && bytes
            .get(self.figure_keys.clone())
            .and_then(as_u32s)
            .is_some_and(|keys| !read_keys || keys_fit(keys, vocab_len))
    }
}

/// Little-endian u32s, in place: `None` unless aligned and whole (and on a
/// big-endian machine, where a saved index is parsed again instead).
pub fn as_u32s(raw: &[u8]) -> Option<&[u32]> {
    if cfg!(target_endian = "big") {
        return None;
    }
    // SAFETY: every bit pattern is a valid u32; `align_to` puts in the
    // middle only what is aligned, and the rest is refused below.
    let (pre, mid, post) = unsafe { raw.align_to::<u32>() };
    (pre.is_empty() && post.is_empty()).then_some(mid)
}

/// Every saved source's word ids, end to end in position order, in a saved
/// index (see `Corpus::attach_saved_words`).
struct SavedWords {
    bytes: Bytes,
    ids: Range<usize>,
}

impl std::fmt::Debug for SavedWords {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} saved words", self.ids.len() / 4)
    }
}

/// Where a source just written to an index is in it (see `rebase_blobs`).
pub struct Rebase {
    pub key: SourceKey,
    /// Its encoded form, and that form's crc32.
    pub blob: Range<usize>,
    pub crc: u32,
    /// Its word ids.
    pub ids: Range<usize>,
    /// Its figures' lookup keys.
    pub keys: Range<usize>,
}

/// A source's words as vocabulary ids, or its figures' lookup keys: its
/// own, or read in place from the saved index it came from.
enum IdList {
    Owned(Box<[u32]>),
    Saved(Bytes, Range<usize>),
}

impl IdList {
    fn ids(&self) -> &[u32] {
        match self {
            IdList::Owned(ids) => ids,
            IdList::Saved(bytes, range) => (**bytes)
                .as_ref()
                .get(range.clone())
                .and_then(as_u32s)
                .unwrap_or(&[]),
        }
    }
}

impl Default for IdList {
    fn default() -> IdList {
        IdList::Owned(Box::default())
    }
}

impl std::fmt::Debug for IdList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ids", self.ids().len())
    }
}

/// Word positions in a saved index: per term, a run of little-endian u32
/// positions, found through an offsets table.
struct SavedPostings {
    bytes: Bytes,
    offsets: Range<usize>,
    positions: Range<usize>,
    terms: usize,
}

impl SavedPostings {
    /// The table at `range`: `terms + 1` offsets, then the positions.
    fn read(bytes: &Bytes, range: Range<usize>, terms: usize) -> Option<SavedPostings> {
        let raw = (**bytes).as_ref().get(range.clone())?;
        let split = (terms + 1) * 4;
        let offsets = raw.get(..split)?;
        let positions = range.start + split..range.end;
        if positions.len() % 4 != 0 {
            return None;
        }
        let last = u32s(offsets).try_fold(0, |prev, v| (v >= prev).then_some(v))?;
        if last as usize != positions.len() / 4 {
            return None;
        }
        Some(SavedPostings {
            bytes: bytes.clone(),
            offsets: range.start..range.start + split,
            positions,
            terms,
        })
    }

    fn u32_at(&self, at: usize) -> usize {
        let b = (*self.bytes).as_ref();
        u32::from_le_bytes(b[at..at + 4].try_into().expect("4 bytes")) as usize
    }

    fn span(&self, id: u32) -> Range<usize> {
        let id = id as usize;
        if id >= self.terms {
            return 0..0;
        }
        let at = self.offsets.start + id * 4;
        self.u32_at(at)..self.u32_at(at + 4)
    }

    fn len(&self, id: u32) -> usize {
        self.span(id).len()
    }

    /// Word `id`'s positions, as little-endian u32s.
    fn raw(&self, id: u32) -> &[u8] {
        let span = self.span(id);
        &(*self.bytes).as_ref()
            [self.positions.start + span.start * 4..self.positions.start + span.end * 4]
    }
}

/// One word's positions, ascending: those saved with an index (raw
/// little-endian u32), then those listed since (all later).
struct Positions<'a> {
    saved: &'a [u8],
    listed: &'a [u32],
}

impl Positions<'_> {
    fn len(&self) -> usize {
        self.saved.len() / 4 + self.listed.len()
    }

    fn get(&self, i: usize) -> u32 {
        let n = self.saved.len() / 4;
        if i < n {
            u32::from_le_bytes(self.saved[i * 4..i * 4 + 4].try_into().expect("4 bytes"))
        } else {
            self.listed[i - n]
        }
    }
}

impl std::fmt::Debug for SavedPostings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SavedPostings")
            .field("terms", &self.terms)
            .finish()
    }
}

struct Slot {
    head: Head,
    /// The epoch in which a check last read it (see `Corpus::advance_epoch`).
    touched: std::sync::atomic::AtomicU32,
    /// Lookup keys of its figures (see `Corpus::figure_keys`).
    figure_keys: IdList,
    /// Boxed: most slots of a large corpus are never decoded, and a slot
    /// holding a `Source` in place would be twice the size.
    source: OnceLock<Box<Source>>,
    /// Where the source can be decoded from, for one read from an index.
    blob: Option<Blob>,
}

/// A source's encoded form (postcard): where it is, and, for one in an
/// index file, its crc32, checked before it is decoded.
struct Blob {
    bytes: Bytes,
    range: Range<usize>,
    crc: Option<u32>,
}

impl Blob {
    fn raw(&self) -> Option<&[u8]> {
        (*self.bytes).as_ref().get(self.range.clone())
    }
}

impl std::fmt::Debug for Slot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Slot").field("head", &self.head).finish()
    }
}

/// The corpus. Removing a source only empties its slot: lists that name it
/// are filtered as they are read (`figure` and `occurrences` skip empty
/// slots), and the whole corpus is compacted once removed sources make up
/// half of it. That keeps a re-index of one source proportional to that
/// source, however common its words are.
#[derive(Debug, Default)]
pub struct Corpus {
    slots: Vec<Option<Slot>>,
    live: usize,
    by_path: FxHashMap<PathBuf, SourceKey>,
    by_id: FxHashMap<String, SourceKey>,
    /// Sources sharing a default id prefix, for collision handling.
    by_prefix: FxHashMap<String, KeyList>,
    /// Sources by file name and by file stem, for footnotes that name files.
    by_file: FxHashMap<String, KeyList>,
    /// Words, and the stems figures are looked up by, with their ids.
    vocab: FxHashMap<Term, u32>,
    terms: Vec<Term>,
    /// Vocabulary ids of each source's words.
    word_ids: Vec<IdList>,
    /// Where each source's words start in one position space shared by all
    /// sources (increasing with the key).
    base: Vec<u32>,
    next_base: u32,
    /// Positions, in that shared space, of each vocabulary word.
    postings: Vec<PositionList>,
    /// Positions saved with an index, read in place, for the sources that
    /// were inserted from it first; `postings` has the rest.
    saved_postings: Option<SavedPostings>,
    /// The sources decoded from the saved index, in the order they were
    /// (a key may be left over from a source since removed or rebased:
    /// `evict_decoded` drops those). Eviction reads this list, not every
    /// slot: at 100,000 sources a pass over the slots took 3 ms, on every
    /// keystroke once a draft reads more than `keep` sources.
    decoded: std::sync::Mutex<Vec<SourceKey>>,
    /// Advanced once per check by the server, for `evict_decoded`.
    epoch: std::sync::atomic::AtomicU32,
    /// Figure lists by term id.
    figures_by_head: FxHashMap<u32, Vec<FigureRef>>,
    figures_by_local: FxHashMap<u32, Vec<FigureRef>>,
    /// Figures by the content words of their sentence.
    by_context: FxHashMap<u32, Vec<FigureRef>>,
    /// Figures of a change up or down, by unit and direction.
    by_direction: HashMap<(&'static str, Direction), Vec<FigureRef>>,
    /// Bumped by every insertion and removal (see `rebase_blobs`).
    revision: u64,
    /// The word ids of the sources the saved positions cover, end to end in
    /// position order, in the map (see `attach_saved_words`).
    saved_words: Option<SavedWords>,
    /// Sources whose saved form failed its checksum or did not decode,
    /// for the caller to parse again (see `take_damaged`).
    damaged: std::sync::Mutex<Vec<PathBuf>>,
    /// Sources inserted by `insert_encoded` whose word positions and
    /// figures are not listed yet, in key order (see `list_pending`).
    pending: Vec<SourceKey>,
    /// At least the highest key whose words and figures are listed in
    /// memory (it is not lowered when lists are dropped or a source is
    /// removed), so that `list_pending` knows whether pushing keeps each
    /// list in order; an overestimate only costs a `compact`.
    listed_up_to: Option<SourceKey>,
}

/// How a source inserted is made findable: its word positions and figures
/// listed now, found in the lists an index saved, or listed later.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Listing {
    Now,
    Saved,
    Later,
}

/// The sources sharing a name: nearly always one, held in place.
type KeyList = smallvec::SmallVec<[SourceKey; 1]>;

/// A word id that no source word has.
pub const UNKNOWN_WORD: u32 = u32::MAX;

const UNITS: [&str; 4] = ["count", "money", "percent", "measure"];
/// Direction codes (see `direction_code`): none, then up and down per unit.
const DIRECTIONS: usize = 1 + 2 * UNITS.len();

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

    /// The parsed source (decoded from the index on first use).
    pub fn get(&self, key: SourceKey) -> Option<&Source> {
        let slot = self.slots.get(key)?.as_ref()?;
        let epoch = self.epoch.load(std::sync::atomic::Ordering::Relaxed);
        if slot.touched.load(std::sync::atomic::Ordering::Relaxed) != epoch {
            slot.touched
                .store(epoch, std::sync::atomic::Ordering::Relaxed);
        }
        Some(slot.source.get_or_init(|| {
            self.decoded
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(key);
            Box::new(decode(
                slot,
                self.word_ids(key).len(),
                &self.terms,
                &self.damaged,
            ))
        }))
    }

    pub fn head(&self, key: SourceKey) -> Option<&Head> {
        Some(&self.slots.get(key)?.as_ref()?.head)
    }

    /// Every source, parsed (decoding all of a saved index: prefer `heads`).
    pub fn sources(&self) -> impl Iterator<Item = (SourceKey, &Source)> {
        (0..self.slots.len()).filter_map(|k| self.get(k).map(|s| (k, s)))
    }

    /// Every source's path, id and metadata.
    pub fn heads(&self) -> impl Iterator<Item = (SourceKey, &Head)> {
        self.slots
            .iter()
            .enumerate()
            .filter_map(|(k, s)| s.as_ref().map(|s| (k, &s.head)))
    }

    /// How many sources have been decoded from a saved index so far.
    pub fn decoded(&self) -> usize {
        self.decoded.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    /// Starts a new epoch: sources read from now on count as recently used.
    pub fn advance_epoch(&self) {
        self.epoch
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }

    /// Once more than `keep` sources are decoded from the saved index,
    /// forgets the parsed form of those no check read in the last `recent`
    /// epochs; they are decoded again when next read. Keeps memory bounded
    /// however many drafts, over however many subjects, a session checks,
    /// without dropping what the drafts being edited keep reading.
    pub fn evict_decoded(&mut self, keep: usize, recent: u32) -> usize {
        if self.decoded() <= keep {
            return 0;
        }
        let now = *self.epoch.get_mut();
        let mut evicted = 0;
        let decoded = self.decoded.get_mut().unwrap_or_else(|e| e.into_inner());
        decoded.retain(|&key| {
            let Some(Some(slot)) = self.slots.get_mut(key) else {
                return false;
            };
            if slot.blob.is_none() || slot.source.get().is_none() {
                return false;
            }
            if now.wrapping_sub(*slot.touched.get_mut()) >= recent {
                slot.source.take();
                evicted += 1;
                return false;
            }
            true
        });
        evicted
    }

    /// The sources decoded from a saved index, found slot by slot.
    fn decoded_by_scan(&self) -> Vec<SourceKey> {
        let decoded = |s: &Option<Slot>| {
            s.as_ref()
                .is_some_and(|s| s.blob.is_some() && s.source.get().is_some())
        };
        self.slots
            .iter()
            .enumerate()
            .filter(|(_, s)| decoded(s))
            .map(|(k, _)| k)
            .collect()
    }

    /// The saved-index bytes of a source read from one, unchanged since.
    pub fn stored_blob(&self, key: SourceKey) -> Option<&[u8]> {
        let slot = self.slots.get(key)?.as_ref()?;
        slot.blob.as_ref()?.raw()
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
    }

    /// Sources whose file name, or file name without extension, is `name`.
    pub fn by_file(&self, name: &str) -> &[SourceKey] {
        self.by_file.get(name).map_or(&[], |keys| keys.as_slice())
    }

    /// A figure of a present source; `None` for one that was removed.
    pub fn figure(&self, r: FigureRef) -> Option<(&Source, &Figure)> {
        let s = self.get(r.0 as usize)?;
        Some((s, s.figures.get(r.1 as usize)?))
    }

    pub fn word_ids(&self, key: SourceKey) -> &[u32] {
        self.word_ids.get(key).map_or(&[], IdList::ids)
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
        self.list(&self.figures_by_head, head)
    }

    pub fn figures_with_local(&self, stem: &str) -> &[FigureRef] {
        self.list(&self.figures_by_local, stem)
    }

    pub fn figures_with_direction(&self, unit: &'static str, dir: Direction) -> &[FigureRef] {
        self.by_direction
            .get(&(unit, dir))
            .map_or(&[], Vec::as_slice)
    }

    /// Figures whose sentence has this content word.
    pub fn figures_with_context(&self, stem: &str) -> &[FigureRef] {
        self.list(&self.by_context, stem)
    }

    fn list<'a>(&self, map: &'a FxHashMap<u32, Vec<FigureRef>>, key: &str) -> &'a [FigureRef] {
        Term::from_existing(key)
            .and_then(|t| self.vocab.get(&t))
            .and_then(|id| map.get(id))
            .map_or(&[], Vec::as_slice)
    }

    /// How many times word `id` occurs in the corpus (removed sources
    /// included until compaction): the length of its position list.
    pub fn frequency(&self, id: u32) -> usize {
        let saved = self.saved_postings.as_ref().map_or(0, |s| s.len(id));
        saved + self.postings.get(id as usize).map_or(0, |l| l.len())
    }

    /// Every place where word `a` is followed by word `b`: (source, position
    /// of `a`), in key order. Reads the position list of the rarer word and
    /// checks the other word in the source. (Intersecting the two lists was
    /// measured no faster: a common word's list is long, and seeking in it
    /// touches a new cache line per probe.)
    pub fn occurrences(&self, a: u32, b: u32) -> Vec<(u32, u32)> {
        let (pa, pb) = (self.positions(a), self.positions(b));
        let (rare, shift) = if pa.len() <= pb.len() {
            (pa, 0)
        } else {
            (pb, 1)
        };
        let mut out = Vec::new();
        // The words of the saved positions, end to end: a pair is checked
        // there, and its source looked up only when it matches.
        let all = self
            .saved_words
            .as_ref()
            .and_then(|w| as_u32s((*w.bytes).as_ref().get(w.ids.clone())?));
        let all = all.unwrap_or(&[]);
        // Positions ascend, and so do the sources they fall in.
        let mut key = 0;
        for i in 0..rare.len() {
            let Some(at) = rare.get(i).checked_sub(shift) else {
                continue;
            };
            let p = at as usize;
            if p + 1 < all.len() && (all[p] != a || all[p + 1] != b) {
                continue;
            }
            key = self.source_at(at, key);
            // A removed source's word ids are emptied, so this also skips
            // removed sources without reading their (large) slots.
            let ids = self.word_ids(key);
            let pos = (at - self.base.get(key).copied().unwrap_or(0)) as usize;
            if ids.get(pos) == Some(&a) && ids.get(pos + 1) == Some(&b) {
                out.push((key as u32, pos as u32));
            }
        }
        out
    }

    /// The positions of word `id`, ascending.
    fn positions(&self, id: u32) -> Positions<'_> {
        Positions {
            saved: self.saved_postings.as_ref().map_or(&[], |s| s.raw(id)),
            listed: self.postings.get(id as usize).map_or(&[], |l| l.as_slice()),
        }
    }

    /// The source whose words hold position `at`, searching from source
    /// `from` on (every source before it starts at or before `at`).
    fn source_at(&self, at: u32, from: SourceKey) -> SourceKey {
        let rest = self.base.get(from..).unwrap_or(&[]);
        let mut step = 1;
        while step < rest.len() && rest[step] <= at {
            step *= 2;
        }
        let window = &rest[..rest.len().min(step + 1)];
        from + window.partition_point(|&b| b <= at).saturating_sub(1)
    }

    /// The id of a term, added to the vocabulary if new.
    fn intern(&mut self, t: Term) -> u32 {
        let next = self.terms.len() as u32;
        let id = *self.vocab.entry(t).or_insert(next);
        if id == next {
            self.terms.push(t);
            self.postings.push(PositionList::new());
        }
        id
    }

    /// A corpus whose vocabulary starts with these terms, in this order
    /// (term `i` gets id `i`), as a saved index had it.
    pub fn with_vocab(terms: impl IntoIterator<Item = Term>) -> Corpus {
        let mut c = Corpus::new();
        for t in terms {
            if c.vocab.contains_key(&t) {
                // A repeated term would shift every later id.
                c.terms.push(Term::default());
                c.postings.push(PositionList::new());
            } else {
                c.intern(t);
            }
        }
        c
    }

    /// Makes room for `n` more sources in the tables keyed by source.
    pub fn reserve_sources(&mut self, n: usize) {
        self.slots.reserve(n);
        self.word_ids.reserve(n);
        self.base.reserve(n);
        self.by_path.reserve(n);
        self.by_id.reserve(2 * n);
        self.by_prefix.reserve(n);
        self.by_file.reserve(2 * n);
    }

    /// Makes room for the words of sources about to be inserted (their ids),
    /// so that a bulk load does not grow each word's list step by step.
    pub fn reserve_words<'a>(&mut self, ids: impl Iterator<Item = &'a [u32]>) {
        let mut counts = vec![0u32; self.postings.len()];
        for list in ids {
            for &i in list {
                if let Some(c) = counts.get_mut(i as usize) {
                    *c += 1;
                }
            }
        }
        for (list, n) in self.postings.iter_mut().zip(counts) {
            list.reserve_exact(n as usize);
        }
    }

    /// The vocabulary from id `from` on, in id order.
    pub fn vocab_from(&self, from: u32) -> &[Term] {
        self.terms.get(from as usize..).unwrap_or(&[])
    }

    pub fn vocab_len(&self) -> u32 {
        self.terms.len() as u32
    }

    /// Lookup keys of a source's figures, as vocabulary ids, flat: per
    /// figure `head+1 (0: none)`, `direction code`, `n`, `n` local ids, `m`,
    /// `m` context ids. Saved with the source so that reading an index
    /// back does not decode the figures.
    pub fn figure_keys(&self, key: SourceKey) -> &[u32] {
        self.slots
            .get(key)
            .and_then(Option::as_ref)
            .map_or(&[], |s| s.figure_keys.ids())
    }

    /// Adds or replaces the source at `path`. Returns its key.
    pub fn upsert(&mut self, path: &Path, text: String) -> SourceKey {
        self.remove(path);
        let source = Source::parse(path, text);
        self.insert(source)
    }

    /// Adds an already parsed source (parsing can run on other threads).
    pub fn insert(&mut self, mut source: Source) -> SourceKey {
        let words = std::mem::take(&mut source.words);
        let (ids, keys) = self.lookup_keys(&words, &source);
        let slot = Slot {
            head: Head::of(&source),
            touched: Default::default(),
            figure_keys: IdList::Owned(keys.into_boxed_slice()),
            source: OnceLock::from(Box::new(source)),
            blob: None,
        };
        self.insert_slot(slot, IdList::Owned(ids.into_boxed_slice()), Listing::Now)
    }

    /// Adds a parsed source but keeps only `blob`, its encoded form
    /// (postcard), to decode when a check reads it: a bulk build holds
    /// far less than every source parsed.
    ///
    /// Its words and figures are not listed for lookups until the lists
    /// written with the index are adopted (`adopt_saved_lists`) or
    /// `list_pending` is called: a whole build writes those lists anyway,
    /// and pushing 65 million word positions into 30,000 lists one by one,
    /// then dropping them for the saved ones, was about a tenth of its CPU time
    /// and 700 MB of its peak memory at 100,000 sources. Checks run during
    /// the build do not find such a source yet.
    pub fn insert_encoded(&mut self, source: &Source, blob: Bytes) -> SourceKey {
        let (ids, keys) = self.lookup_keys(&source.words, source);
        let len = (*blob).as_ref().len();
        let slot = Slot {
            head: Head::of(source),
            touched: Default::default(),
            figure_keys: IdList::Owned(keys.into_boxed_slice()),
            source: OnceLock::new(),
            blob: Some(Blob {
                bytes: blob,
                range: 0..len,
                crc: None,
            }),
        };
        self.insert_slot(slot, IdList::Owned(ids.into_boxed_slice()), Listing::Later)
    }

    /// A source's words as vocabulary ids, and its figures' lookup keys
    /// (see `figure_keys`), interning what is new.
    fn lookup_keys(&mut self, words: &[Term], source: &Source) -> (Vec<u32>, Vec<u32>) {
        let ids = words.iter().map(|w| self.intern(*w)).collect();
        let mut keys = Vec::new();
        for f in &source.figures {
            keys.push(f.head.map_or(0, |h| self.intern(h) + 1));
            keys.push(direction_code(f));
            keys.push(f.local.len() as u32);
            for l in &f.local {
                keys.push(self.intern(*l));
            }
            keys.push(f.context.len() as u32);
            for c in &f.context {
                keys.push(self.intern(*c));
            }
        }
        (ids, keys)
    }

    /// Does source `key` still hold the encoded form of this length and
    /// crc32 (its own copy, or a place in an index)? One inserted again
    /// since (from an editor's buffer, say) holds another form or none, and
    /// its figure keys describe that text, not this form's.
    pub fn holds_blob(&self, key: SourceKey, len: usize, crc: u32) -> bool {
        let Some(Some(Slot {
            blob: Some(blob), ..
        })) = self.slots.get(key)
        else {
            return false;
        };
        blob.range.len() == len
            && match blob.crc {
                Some(c) => c == crc,
                None => blob.raw().is_some_and(|raw| crc32fast::hash(raw) == crc),
            }
    }

    /// Points sources inserted with `insert_encoded` at their encoded form
    /// in `bytes` (part of an index being written): `(path, range, crc32)`
    /// each. A source is left as it is unless it still holds its own copy
    /// with that crc32, which is checked against `bytes` when it is next
    /// decoded (see `take_damaged`). Returns the copies given up, for the
    /// caller to free outside any lock.
    pub fn point_blobs_at(
        &mut self,
        bytes: &Bytes,
        at: &[(PathBuf, Range<usize>, u32)],
    ) -> Vec<Bytes> {
        let mut copies = Vec::new();
        for (path, range, crc) in at {
            let Some(&key) = self.by_path.get(path) else {
                continue;
            };
            // Only its own copy (not yet read from an index), of these very
            // bytes (`holds_blob`): a source inserted again since holds
            // others. The file's bytes are not read here (that would make
            // 1.2 GB of it resident at 100,000 sources); they are checked
            // against the crc32 when the source is decoded.
            let fits = (**bytes).as_ref().get(range.clone()).is_some();
            if !fits || !self.holds_blob(key, range.len(), *crc) {
                continue;
            }
            let Some(Some(Slot {
                blob: Some(blob), ..
            })) = self.slots.get_mut(key)
            else {
                continue;
            };
            if blob.crc.is_some() {
                continue;
            }
            let old = std::mem::replace(
                blob,
                Blob {
                    bytes: bytes.clone(),
                    range: range.clone(),
                    crc: Some(*crc),
                },
            );
            copies.push(old.bytes);
        }
        copies
    }

    /// Copies the encoded form of every source that reads it from one of
    /// `maps` into memory of its own (the maps can then go). Returns how
    /// many were copied.
    pub fn own_blobs_in(&mut self, maps: &[Bytes]) -> usize {
        let mut copied = 0;
        for slot in self.slots.iter_mut().flatten() {
            let Some(blob) = slot.blob.as_mut() else {
                continue;
            };
            if !maps.iter().any(|m| Arc::ptr_eq(m, &blob.bytes)) {
                continue;
            }
            let own: Vec<u8> = blob.raw().map(<[u8]>::to_vec).unwrap_or_default();
            blob.range = 0..own.len();
            blob.bytes = Arc::new(own);
            copied += 1;
        }
        copied
    }

    /// Points these sources at their encoded form and word ids in `bytes`
    /// (an index just written) and forgets their parsed form, which is decoded again from
    /// there when read: what they were held in before can be freed.
    /// Only if no source was inserted or removed since `revision`
    /// (`revision()`), when the keys were read; false otherwise.
    pub fn rebase_blobs(&mut self, bytes: &Bytes, at: &[Rebase], revision: u64) -> bool {
        if revision != self.revision {
            return false;
        }
        let raw = (**bytes).as_ref();
        for Rebase {
            key,
            blob: range,
            crc,
            ids,
            keys,
        } in at
        {
            if range.end > raw.len() {
                continue;
            }
            // Each list is pointed at the file only where it reads the same.
            let in_file = |list: &mut IdList, at: &Range<usize>| {
                if raw.get(at.clone()).and_then(as_u32s) == Some(list.ids()) {
                    *list = IdList::Saved(bytes.clone(), at.clone());
                }
            };
            if let Some(words) = self.word_ids.get_mut(*key) {
                in_file(words, ids);
            }
            if let Some(Some(slot)) = self.slots.get_mut(*key) {
                in_file(&mut slot.figure_keys, keys);
                slot.blob = Some(Blob {
                    bytes: bytes.clone(),
                    range: range.clone(),
                    crc: Some(*crc),
                });
                slot.source.take();
            }
        }
        let decoded = self.decoded_by_scan();
        *self.decoded.get_mut().unwrap_or_else(|e| e.into_inner()) = decoded;
        true
    }

    /// Takes the lists saved with an index just written (see
    /// `attach_saved_lists`) in place of its own: word positions are then
    /// read in place, and figure lists are exactly sized. `written` are
    /// the sources the lists were saved for, in order; only when those are
    /// every source, in key order, and nothing changed since `revision`.
    pub fn adopt_saved_lists(
        &mut self,
        bytes: &Bytes,
        positions: Range<usize>,
        figures: Range<usize>,
        written: &[SourceKey],
        revision: u64,
    ) -> bool {
        let in_order = written.len() == self.slots.len()
            && self.live == self.slots.len()
            && written.iter().enumerate().all(|(i, k)| *k == i);
        if revision != self.revision || self.saved_postings.is_some() || !in_order {
            return false;
        }
        let total = SavedPostings::read(bytes, positions.clone(), self.terms.len())
            .map(|s| s.positions.len() / 4);
        let raw = (**bytes).as_ref();
        let Some(figures) = SavedFigureLists::read(raw, figures, self.terms.len()) else {
            return false;
        };
        if total != Some(self.next_base as usize)
            || !self.attach_saved_lists(bytes, positions, figures)
        {
            return false;
        }
        for list in &mut self.postings {
            *list = PositionList::new();
        }
        // The saved lists cover every source, those not listed yet too.
        self.pending.clear();
        true
    }

    /// The paths of sources whose saved form turned out damaged when read
    /// (each read as empty meanwhile); the caller parses them again. A
    /// path stays listed until its source is replaced or removed, so that
    /// every check that read it as empty, not only the first to see it,
    /// knows to wait for the repair and check again.
    pub fn take_damaged(&self) -> Vec<PathBuf> {
        self.damaged.lock().map(|d| d.clone()).unwrap_or_default()
    }

    /// Is the source at `path` still the damaged one?
    pub fn is_damaged(&self, path: &Path) -> bool {
        self.damaged
            .lock()
            .is_ok_and(|d| d.iter().any(|p| p == path))
    }

    /// Changes with every insertion and removal.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// Adds a source read from a saved index whose vocabulary this corpus
    /// was made with (`with_vocab`). `None` if its ids do not fit.
    /// With `positions_saved`, its word positions and figure lists are in
    /// the lists the index saved (see `attach_saved_lists`), not listed again.
    /// With `words_checked`, the reader has checked every word id of the
    /// index against the vocabulary (see `Stored::fits`).
    pub fn insert_stored(
        &mut self,
        stored: Stored,
        bytes: &Bytes,
        positions_saved: bool,
        words_checked: bool,
    ) -> Option<SourceKey> {
        if !stored.fits(
            (**bytes).as_ref(),
            self.terms.len() as u32,
            words_checked,
            !positions_saved,
        ) {
            return None;
        }
        let words = IdList::Saved(bytes.clone(), stored.ids.clone());

        let slot = Slot {
            head: stored.head,
            touched: Default::default(),
            figure_keys: IdList::Saved(bytes.clone(), stored.figure_keys),
            source: OnceLock::new(),
            blob: Some(Blob {
                bytes: bytes.clone(),
                range: stored.blob,
                crc: Some(stored.crc),
            }),
        };
        let listing = if positions_saved {
            Listing::Saved
        } else {
            Listing::Now
        };
        Some(self.insert_slot(slot, words, listing))
    }

    /// Uses the lists saved with an index for the sources inserted so far
    /// (all with `positions_saved`, in the order they were saved): word
    /// positions, read in place (`positions`: `terms + 1` little-endian u32
    /// offsets, then the positions), and figure lists (read from the index
    /// by `SavedFigureLists::read`, which can run while the sources are
    /// inserted). False, with nothing changed, if they do not fit.
    pub fn attach_saved_lists(
        &mut self,
        bytes: &Bytes,
        positions: Range<usize>,
        figures: SavedFigureLists,
    ) -> bool {
        let terms = self.terms.len();
        if figures.terms != terms || figures.sources > self.slots.len() {
            return false;
        }
        let Some(saved) = SavedPostings::read(bytes, positions, terms) else {
            return false;
        };
        self.saved_postings = Some(saved);
        let [head, local, context, direction] = figures.lists;
        self.figures_by_head = head;
        self.figures_by_local = local;
        self.by_context = context;
        self.by_direction = direction
            .into_iter()
            .filter_map(|(code, list)| Some((direction_of_code(code)?, list)))
            .collect();
        true
    }

    /// Are word pairs checked in the saved words (see `attach_saved_words`)?
    pub fn reads_saved_words(&self) -> bool {
        self.saved_words.is_some()
    }

    /// Are every source's word ids and figure keys read in place from a
    /// saved index, none held in memory?
    pub fn reads_saved_lists(&self) -> bool {
        let saved = |l: &IdList| matches!(l, IdList::Saved(..));
        self.slots.iter().zip(&self.word_ids).all(|(slot, words)| {
            slot.as_ref()
                .is_none_or(|s| saved(&s.figure_keys) && saved(words))
        })
    }

    /// With saved word positions in use, reads the words those positions
    /// number from `range` of `bytes` (a words record: a pad length,
    /// padding, then every source's ids end to end, in position order), so
    /// that checking a word pair reads one array instead of each source's
    /// ids. False, with nothing changed, if it does not fit.
    pub fn attach_saved_words(&mut self, bytes: &Bytes, range: Range<usize>) -> bool {
        let Some(saved) = &self.saved_postings else {
            return false;
        };
        let raw = (**bytes).as_ref();
        let Some(&pad) = raw.get(range.start) else {
            return false;
        };
        let ids = range.start + 1 + pad as usize..range.end;
        let fits = raw
            .get(ids.clone())
            .and_then(as_u32s)
            .is_some_and(|w| w.len() == saved.positions.len() / 4);
        if fits {
            self.saved_words = Some(SavedWords {
                bytes: bytes.clone(),
                ids,
            });
        }
        fits
    }

    /// The figure lists (by head, nearby word, sentence word, and by
    /// direction) of these sources, numbered 0.. in this order, for saving:
    /// per kind, its lists' `n + 1` little-endian u32 offsets (`n` is the
    /// vocabulary's size, or `DIRECTIONS`), then (source, figure) u32 pairs.
    ///
    /// Counted first, then written in place: pushing into a list per term
    /// took 1.35 s at 100,000 sources, most of it growing the lists.
    pub fn figure_lists(&self, keys: &[SourceKey]) -> Vec<u8> {
        let terms = self.terms.len();
        let lens = [terms, terms, terms, DIRECTIONS];
        // Saved keys are not checked when read back: an id out of range
        // is passed over.
        let each_list = |visit: &mut dyn FnMut(usize, u32, usize, u32)| {
            for (i, &k) in keys.iter().enumerate() {
                for (figure, f) in figure_entries(self.figure_keys(k)).enumerate() {
                    let direction = f.direction.map(|_| f.direction_code);
                    let kinds = [f.head.as_slice(), f.local, f.context, direction.as_slice()];
                    for (kind, ids) in kinds.into_iter().enumerate() {
                        for &t in ids.iter().filter(|&&t| (t as usize) < lens[kind]) {
                            visit(kind, t, i, figure as u32);
                        }
                    }
                }
            }
        };
        // Where each list starts within its kind, then where each kind
        // starts in the output.
        let mut starts = lens.map(|n| vec![0u32; n + 1]);
        each_list(&mut |kind, t, _, _| starts[kind][t as usize + 1] += 1);
        let mut at = 0;
        let mut kind_at = [0usize; 4];
        for (kind, offsets) in starts.iter_mut().enumerate() {
            for i in 1..offsets.len() {
                offsets[i] += offsets[i - 1];
            }
            kind_at[kind] = at;
            at += offsets.len() * 4 + offsets[offsets.len() - 1] as usize * 8;
        }
        let mut out = vec![0u8; at];
        for (offsets, &from) in starts.iter().zip(&kind_at) {
            for (to, v) in out[from..].chunks_exact_mut(4).zip(offsets) {
                to.copy_from_slice(&v.to_le_bytes());
            }
        }
        let pairs_at = std::array::from_fn::<_, 4, _>(|k| kind_at[k] + starts[k].len() * 4);
        let mut next = starts;
        each_list(&mut |kind, t, source, figure| {
            let slot = &mut next[kind][t as usize];
            let at = pairs_at[kind] + *slot as usize * 8;
            out[at..at + 4].copy_from_slice(&(source as u32).to_le_bytes());
            out[at + 4..at + 8].copy_from_slice(&figure.to_le_bytes());
            *slot += 1;
        });
        out
    }

    /// Lists one source's word positions (from `base` in the shared
    /// position space) and its figures by their lookup keys.
    fn list_source(&mut self, key: u32, base: u32, ids: &[u32], figure_keys: &[u32]) {
        for (pos, &id) in ids.iter().enumerate() {
            // Past u32 even after compaction (4 billion words), the source
            // is still checked for figures but not found by quotes.
            if let (Some(at), Some(list)) = (
                base.checked_add(pos as u32),
                self.postings.get_mut(id as usize),
            ) {
                list.push(at);
            }
        }
        for (figure, keys) in figure_entries(figure_keys).enumerate() {
            let r = (key, figure as u32);
            if let Some(d) = keys.direction {
                self.by_direction.entry(d).or_default().push(r);
            }
            if let Some(h) = keys.head {
                self.figures_by_head.entry(h).or_default().push(r);
            }
            for &t in keys.local {
                self.figures_by_local.entry(t).or_default().push(r);
            }
            for &t in keys.context {
                self.by_context.entry(t).or_default().push(r);
            }
        }
    }

    /// Lists the sources `insert_encoded` left unlisted, for when the
    /// lists written with the index were not taken: the index could not be
    /// written; it had too many words for lists; sources read from the old
    /// file came with its lists, or come after a parsed one (a whole
    /// rewrite after changes); or the corpus changed meanwhile. Pushed in
    /// key order when that keeps every list in order; otherwise everything
    /// is listed again (`compact`). Returns how many sources were listed
    /// (after a `compact`, every one).
    pub fn list_pending(&mut self) -> usize {
        let pending = std::mem::take(&mut self.pending);
        let Some(&first) = pending.first() else {
            return 0;
        };
        if self.listed_up_to.is_some_and(|k| k > first) {
            let live = self.live;
            self.compact();
            return live;
        }
        let mut listed = 0;
        for key in pending {
            let Some(Some(slot)) = self.slots.get_mut(key) else {
                continue;
            };
            let keys = std::mem::take(&mut slot.figure_keys);
            let words = std::mem::take(&mut self.word_ids[key]);
            self.list_source(key as u32, self.base[key], words.ids(), keys.ids());
            self.word_ids[key] = words;
            if let Some(Some(slot)) = self.slots.get_mut(key) {
                slot.figure_keys = keys;
            }
            self.listed_up_to = Some(key);
            listed += 1;
        }
        listed
    }

    /// How many sources are not listed for lookups yet (see
    /// `insert_encoded`).
    pub fn pending(&self) -> usize {
        self.pending.len()
    }

    fn insert_slot(&mut self, slot: Slot, words: IdList, listing: Listing) -> SourceKey {
        let ids = words.ids();
        if self.next_base as usize + ids.len() > u32::MAX as usize {
            self.compact();
        }
        // One lookup of the path (its hash walks every part) when it is new.
        match self.by_path.entry(slot.head.path.clone()) {
            std::collections::hash_map::Entry::Vacant(new) => {
                new.insert(self.slots.len());
            }
            std::collections::hash_map::Entry::Occupied(_) => {
                // Removing may compact, which renumbers the sources.
                self.remove(&slot.head.path);
                self.by_path
                    .insert(slot.head.path.clone(), self.slots.len());
            }
        }
        self.revision += 1;
        let key = self.slots.len();
        let k32 = key as u32;
        let base = self.next_base;
        self.next_base = base.saturating_add(ids.len() as u32);
        match listing {
            Listing::Now => {
                self.list_source(k32, base, ids, slot.figure_keys.ids());
                self.listed_up_to = Some(key);
            }
            // With saved lists, every figure list (by direction too) comes
            // from them: the keys are not read, and their pages stay on
            // disk. They are only attached before anything else goes in
            // (`attach_saved_lists`), so never after a pending source.
            Listing::Saved => debug_assert!(self.pending.is_empty()),
            Listing::Later => self.pending.push(key),
        }
        self.word_ids.push(words);
        self.base.push(base);
        let (names, prefix) = file_keys(&slot.head);
        for name in names {
            self.by_file.entry(name).or_default().push(key);
        }
        self.slots.push(Some(slot));
        self.live += 1;
        let group = self.by_prefix.entry(prefix.clone()).or_default();
        group.push(key);
        let group = group.clone();
        self.assign_ids_of(&prefix, group);
        key
    }

    /// Removes the source at `path`; false if there was none.
    pub fn remove(&mut self, path: &Path) -> bool {
        if let Ok(mut d) = self.damaged.lock() {
            d.retain(|p| p != path);
        }
        let Some(key) = self.by_path.remove(path) else {
            return false;
        };
        let Some(slot) = self.slots[key].take() else {
            return false;
        };
        self.live -= 1;
        self.revision += 1;
        self.word_ids[key] = IdList::default();
        let (names, prefix) = file_keys(&slot.head);
        Self::unlist(&mut self.by_prefix, &prefix, key);
        for name in names {
            Self::unlist(&mut self.by_file, &name, key);
        }
        Self::forget_id(&mut self.by_id, &slot.head.id, key);
        self.assign_ids(&prefix);
        if self.slots.len() >= 64 && self.live * 2 < self.slots.len() {
            self.compact();
        }
        true
    }

    /// Rebuilds the lists without removed sources. Keys change.
    pub fn compact(&mut self) {
        let old = std::mem::take(self);
        let mut fresh = Corpus {
            vocab: old.vocab,
            terms: old.terms,
            revision: old.revision + 1,
            ..Corpus::default()
        };
        fresh
            .postings
            .resize_with(fresh.terms.len(), PositionList::new);
        let mut word_ids = old.word_ids;
        for (key, slot) in old.slots.into_iter().enumerate() {
            if let Some(slot) = slot {
                let words = std::mem::take(&mut word_ids[key]);
                fresh.insert_slot(slot, words, Listing::Now);
            }
        }
        // Keys changed: the decoded ones are found again.
        let decoded = fresh.decoded_by_scan();
        *fresh.decoded.get_mut().unwrap_or_else(|e| e.into_inner()) = decoded;
        *self = fresh;
    }

    fn unlist(map: &mut FxHashMap<String, KeyList>, name: &str, key: SourceKey) {
        if let Some(v) = map.get_mut(name) {
            v.retain(|k| *k != key);
            if v.is_empty() {
                map.remove(name);
            }
        }
    }

    /// Drops `id` (as written and lower-cased) if it names source `key`.
    fn forget_id(by_id: &mut FxHashMap<String, SourceKey>, id: &str, key: SourceKey) {
        if id.is_empty() {
            return;
        }
        for id in [id, &id.to_lowercase()] {
            if by_id.get(id) == Some(&key) {
                by_id.remove(id);
            }
        }
    }

    /// Gives each source of a prefix group its id: the declared id if any;
    /// else the prefix when it is unique, or the whole file stem when it
    /// would collide.
    fn assign_ids(&mut self, prefix: &str) {
        if let Some(keys) = self.by_prefix.get(prefix).cloned() {
            self.assign_ids_of(prefix, keys);
        }
    }

    /// As `assign_ids`, given the sources of the prefix's group.
    fn assign_ids_of(&mut self, prefix: &str, keys: KeyList) {
        let undeclared = keys
            .iter()
            .filter(|k| {
                self.slots[**k]
                    .as_ref()
                    .is_some_and(|s| s.head.declared_id.is_none())
            })
            .count();
        for k in keys {
            let Some(slot) = self.slots[k].as_mut() else {
                continue;
            };
            let id = match &slot.head.declared_id {
                Some(d) => d.clone(),
                None if undeclared > 1 => slot.head.file_stem(),
                None => prefix.to_string(),
            };
            if slot.head.id != id {
                let old = std::mem::replace(&mut slot.head.id, id.clone());
                Self::forget_id(&mut self.by_id, &old, k);
            }
            if let Some(s) = slot.source.get_mut() {
                if s.id != id {
                    s.id = id.clone();
                }
            }
            // Ids are also found lower-cased.
            let lowers = if id.is_ascii() {
                id.bytes().any(|b| b.is_ascii_uppercase())
            } else {
                id.to_lowercase() != id
            };
            if lowers {
                self.by_id.insert(id.to_lowercase(), k);
            }
            self.by_id.insert(id, k);
        }
    }
}

/// One figure's lookup keys, read from the flat layout `figure_keys`
/// describes.
struct FigureEntry<'a> {
    head: Option<u32>,
    direction: Option<(&'static str, Direction)>,
    /// The saved code of `direction` (see `direction_code`).
    direction_code: u32,
    local: &'a [u32],
    context: &'a [u32],
}

/// The figures of flat figure keys, in order (stopping where they are cut
/// short: `keys_fit` checks saved ones before use).
fn figure_entries(keys: &[u32]) -> impl Iterator<Item = FigureEntry<'_>> {
    let mut at = 0;
    std::iter::from_fn(move || {
        let &[head, dir, n] = keys.get(at..at + 3)? else {
            return None;
        };
        let local = keys.get(at + 3..at + 3 + n as usize)?;
        let m = *keys.get(at + 3 + n as usize)? as usize;
        let start = at + 4 + n as usize;
        let context = keys.get(start..start + m)?;
        at = start + m;
        Some(FigureEntry {
            head: head.checked_sub(1),
            direction: direction_of_code(dir),
            direction_code: dir,
            local,
            context,
        })
    })
}

/// A source's file name and stem (once, if they are the same), and the id
/// its name gives (`source::default_id`), from one reading of its path.
fn file_keys(head: &Head) -> (smallvec::SmallVec<[String; 2]>, String) {
    let name = head.path.file_name().unwrap_or_default();
    let stem = Path::new(name).file_stem().unwrap_or_default();
    let (name, stem) = (name.to_string_lossy(), stem.to_string_lossy());
    let prefix = super::source::id_of_stem(&stem).to_string();
    let mut out = smallvec::SmallVec::new();
    if !name.is_empty() {
        out.push(name.to_string());
    }
    if stem != name && !stem.is_empty() {
        out.push(stem.into_owned());
    }
    (out, prefix)
}

/// The unit and direction a direction code stands for.
fn direction_of_code(code: u32) -> Option<(&'static str, Direction)> {
    (code > 0).then(|| {
        let unit = UNITS[(((code - 1) / 2) as usize).min(UNITS.len() - 1)];
        let d = if code % 2 == 1 {
            Direction::Up
        } else {
            Direction::Down
        };
        (unit, d)
    })
}

/// Puts back each figure's head and the stems near it and in its sentence,
/// which its encoded form leaves out: they are its lookup keys (see
/// `figure_keys`), as vocabulary ids. `None` if the keys do not describe
/// these figures (another count, another direction, an id past the
/// vocabulary). Writing them once, as ids, took a sixth off each encoded
/// source, and decoding no longer interns them again.
fn restore_figure_terms(figures: &mut [Figure], keys: &[u32], terms: &[Term]) -> Option<()> {
    let term = |id: &u32| terms.get(*id as usize).copied();
    let mut entries = figure_entries(keys);
    for f in figures.iter_mut() {
        let e = entries.next()?;
        if e.direction_code != direction_code(f) {
            return None;
        }
        f.head = match e.head {
            Some(h) => Some(term(&h)?),
            None => None,
        };
        f.local = e.local.iter().map(term).collect::<Option<_>>()?;
        f.context = e.context.iter().map(term).collect::<Option<_>>()?;
    }
    entries.next().is_none().then_some(())
}

fn direction_code(f: &Figure) -> u32 {
    match f.direction {
        None => 0,
        Some(d) => {
            let unit = UNITS.iter().position(|u| *u == f.unit.name()).unwrap_or(0) as u32;
            1 + unit * 2 + u32::from(d == Direction::Down)
        }
    }
}

fn u32s(raw: &[u8]) -> impl Iterator<Item = u32> + '_ {
    raw.chunks_exact(4)
        .map(|c| u32::from_le_bytes(c.try_into().expect("4 bytes")))
}

type FigureLists = FxHashMap<u32, Vec<FigureRef>>;

/// One word's positions listed since the saved index (if any). Most words
/// of a corpus occur a few times, so the first four are kept in place: a
/// bulk load would otherwise make one allocation per new word. With the
/// `union` feature it is as large as a `Vec`.
type PositionList = smallvec::SmallVec<[u32; 4]>;
const _: () = assert!(std::mem::size_of::<PositionList>() == std::mem::size_of::<Vec<u32>>());

/// The figure lists of a saved index (see `Corpus::figure_lists`), read
/// into lookup tables, to attach (`Corpus::attach_saved_lists`).
pub struct SavedFigureLists {
    lists: [FigureLists; 4],
    /// The vocabulary size they were read for.
    terms: usize,
    /// How many sources they name (one past the highest source number).
    sources: usize,
}

impl SavedFigureLists {
    /// Reads the lists in `range` of `bytes` for a vocabulary of `terms`.
    pub fn read(bytes: &[u8], range: Range<usize>, terms: usize) -> Option<SavedFigureLists> {
        let (lists, sources) = read_figure_lists(bytes.get(range)?, terms)?;
        Some(SavedFigureLists {
            lists,
            terms,
            sources,
        })
    }
}

/// The four kinds of figure lists, and how many sources they name.
fn read_figure_lists(raw: &[u8], terms: usize) -> Option<([FigureLists; 4], usize)> {
    let mut sources = 0;
    let mut at = 0;
    let mut out: [FigureLists; 4] = Default::default();
    for (kind, map) in out.iter_mut().enumerate() {
        // By head, nearby word and sentence word (per term), then by
        // direction (per direction code).
        let n = if kind < 3 { terms } else { DIRECTIONS };
        let offsets: Vec<u32> = u32s(raw.get(at..at + (n + 1) * 4)?).collect();
        at += (n + 1) * 4;
        let total = *offsets.last()? as usize;
        let refs = raw.get(at..at + total * 8)?;
        at += total * 8;
        for (t, w) in offsets.windows(2).enumerate() {
            let (a, b) = (w[0] as usize, w[1] as usize);
            if a > b || b > total {
                return None;
            }
            if a < b {
                let list: Vec<FigureRef> = refs[a * 8..b * 8]
                    .chunks_exact(8)
                    .map(|p| {
                        let pair =
                            |i: usize| u32::from_le_bytes(p[i..i + 4].try_into().expect("4"));
                        (pair(0), pair(4))
                    })
                    .collect();
                if let Some(high) = list.iter().map(|r| r.0 as usize + 1).max() {
                    sources = sources.max(high);
                }
                map.insert(t as u32, list);
            }
        }
    }
    (at == raw.len()).then_some((out, sources))
}

/// Do flat figure keys parse, with every id below `n`?
fn keys_fit(keys: &[u32], n: u32) -> bool {
    let mut it = keys.iter().copied();
    let ids = |count: u32, it: &mut std::iter::Copied<std::slice::Iter<u32>>| {
        (0..count).all(|_| it.next().is_some_and(|i| i < n))
    };
    while let Some(head) = it.next() {
        let (Some(dir), Some(local)) = (it.next(), it.next()) else {
            return false;
        };
        if head > n || dir > (UNITS.len() * 2) as u32 || !ids(local, &mut it) {
            return false;
        }
        let Some(context) = it.next() else {
            return false;
        };
        if !ids(context, &mut it) {
            return false;
        }
    }
    true
}

/// Decodes a source saved in an index. The bytes were checked against
/// their checksum when the index was opened and were written by this very
/// engine (the index records its build), so this does not fail in practice;
/// if it does, the source is left empty and the reason logged.
fn decode(
    slot: &Slot,
    words: usize,
    terms: &[Term],
    damaged: &std::sync::Mutex<Vec<PathBuf>>,
) -> Source {
    let decoded = slot.blob.as_ref().and_then(|blob| {
        let raw = blob.raw()?;
        if blob.crc.is_some_and(|crc| crc != crc32fast::hash(raw)) {
            return None;
        }
        let mut s: Source = postcard::from_bytes(raw).ok()?;
        restore_figure_terms(&mut s.figures, slot.figure_keys.ids(), terms)?;
        // Its spans must be one a word of the ids the corpus holds for it.
        s.inconsistency(words).is_none().then_some(s)
    });
    let mut s = decoded.unwrap_or_else(|| {
        tracing::error!(
            "the saved index entry of {} is damaged; it is read as empty until parsed again",
            slot.head.path.display()
        );
        if let Ok(mut d) = damaged.lock() {
            d.push(slot.head.path.clone());
        }
        Source::parse(&slot.head.path, String::new())
    });
    s.id = slot.head.id.clone();
    s
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
        assert_eq!(c.by_file("003_bbb.txt"), &[b]);
        assert_eq!(c.by_file("003_aaa"), &[a]);
        c.remove(Path::new("s/003_bbb.txt"));
        assert_eq!(c.by_file("003_bbb.txt"), &[] as &[SourceKey]);
        assert_eq!(c.by_file("003_bbb"), &[] as &[SourceKey]);
        assert_eq!(c.get(a).unwrap().id, "003");
        assert_eq!(c.by_id("003"), Some(a));
        let d = c.upsert(Path::new("s/x.md"), "---\nid: wire-1\n---\nText.".into());
        assert_eq!(c.get(d).unwrap().id, "wire-1");
        // A path inserted again replaces its source, under a new key.
        let a2 = c.upsert(
            Path::new("s/003_aaa.txt"),
            "ICE has 26 field offices.".into(),
        );
        assert_ne!(a2, a);
        assert_eq!(c.len(), 2);
        assert!(c.get(a).is_none());
        assert_eq!(c.key_of_path(Path::new("s/003_aaa.txt")), Some(a2));
        assert_eq!(c.get(a2).unwrap().id, "003");
        assert_eq!(c.by_id("003"), Some(a2));
        assert_eq!(c.by_file("003_aaa.txt"), &[a2]);
    }

    /// The figure lists as they were built before they were counted: a
    /// list per term, pushed to, then written out.
    fn figure_lists_pushed(c: &Corpus, keys: &[SourceKey]) -> Vec<u8> {
        let mut out = Vec::new();
        for kind in 0..4 {
            let n = if kind < 3 { c.terms.len() } else { DIRECTIONS };
            let mut lists = vec![Vec::new(); n];
            for (i, &k) in keys.iter().enumerate() {
                for (figure, f) in figure_entries(c.figure_keys(k)).enumerate() {
                    let direction = f.direction.map(|_| f.direction_code);
                    let ids = match kind {
                        0 => f.head.as_slice(),
                        1 => f.local,
                        2 => f.context,
                        _ => direction.as_slice(),
                    };
                    for &t in ids {
                        if let Some(list) = lists.get_mut(t as usize) {
                            list.push((i as u32, figure as u32));
                        }
                    }
                }
            }
            let mut offset = 0u32;
            out.extend_from_slice(&offset.to_le_bytes());
            for l in &lists {
                offset += l.len() as u32;
                out.extend_from_slice(&offset.to_le_bytes());
            }
            for (a, b) in lists.iter().flatten() {
                out.extend_from_slice(&a.to_le_bytes());
                out.extend_from_slice(&b.to_le_bytes());
            }
        }
        out
    }

    #[test]
    fn counted_figure_lists_are_the_pushed_ones() {
        let mut c = Corpus::new();
        let texts = [
            "The county opened 25 clinics in 2024. Visits rose 12 percent to 3 million.",
            "Officials said 40 clinics and 12 mobile vans serve the county.",
            "Fares fell 5 percent. The board cut 3 routes and added 2 buses.",
            "No figures here at all.",
            "Spending climbed to $4.5 million, up 8 percent, as 25 clinics hired 30 nurses.",
        ];
        let keys: Vec<SourceKey> = texts
            .iter()
            .enumerate()
            .map(|(i, t)| c.upsert(&PathBuf::from(format!("s/{i}.md")), t.to_string()))
            .collect();
        let pairs = |lists: &[u8]| read_figure_lists(lists, c.terms.len()).map(|(_, n)| n);
        for order in [keys.clone(), vec![keys[4], keys[0], keys[2]], vec![]] {
            let counted = c.figure_lists(&order);
            assert_eq!(counted, figure_lists_pushed(&c, &order));
            assert!(pairs(&counted).is_some());
        }
        // Up and down, with and without heads, and words around them.
        let all = c.figure_lists(&keys);
        let (lists, _) = read_figure_lists(&all, c.terms.len()).unwrap();
        assert!(lists.iter().all(|l| !l.is_empty()));
    }

    /// What lookups find: for a figure's head and for a word pair, the
    /// paths of the live sources found.
    fn found(c: &Corpus, head: &str, pair: (&str, &str)) -> (Vec<PathBuf>, Vec<PathBuf>) {
        let figures = live(c, c.figures_with_head(&crate::engine::lexicon::lemma(head)));
        let (a, b) = (c.word_id(pair.0), c.word_id(pair.1));
        let mut quotes: Vec<PathBuf> = c
            .occurrences(a, b)
            .into_iter()
            .filter_map(|(k, _)| Some(c.head(k as SourceKey)?.path.clone()))
            .collect();
        quotes.sort();
        (figures, quotes)
    }

    #[test]
    fn encoded_sources_are_found_once_listed_as_if_inserted_listed() {
        let texts: Vec<(PathBuf, String)> = (0..6)
            .map(|i| {
                let p = PathBuf::from(format!("s/{i}.md"));
                (
                    p,
                    format!("The council approved {} new buses, the mayor said.", 10 + i),
                )
            })
            .collect();
        let mut listed = Corpus::new();
        for (p, t) in &texts {
            listed.upsert(p, t.clone());
        }
        let want = found(&listed, "buses", ("council", "approved"));
        assert_eq!((want.0.len(), want.1.len()), (6, 6));
        let encoded = |c: &mut Corpus, (p, t): &(PathBuf, String)| {
            let s = Source::parse(p, t.clone());
            let blob = postcard::to_allocvec(&s).unwrap();
            c.insert_encoded(&s, Arc::new(blob))
        };

        // All encoded: nothing is found until they are listed, then the
        // same as when inserted listed.
        let mut c = Corpus::new();
        for t in &texts {
            encoded(&mut c, t);
        }
        assert_eq!(c.pending(), 6);
        assert_eq!(
            found(&c, "buses", ("council", "approved")),
            (vec![], vec![])
        );
        assert_eq!(c.list_pending(), 6);
        assert_eq!(c.pending(), 0);
        assert_eq!(found(&c, "buses", ("council", "approved")), want);
        assert_eq!(c.list_pending(), 0);

        // One removed before it is listed is passed over.
        let mut c = Corpus::new();
        for t in &texts {
            encoded(&mut c, t);
        }
        c.remove(&texts[2].0);
        assert_eq!(c.list_pending(), 5);
        // Not even listed dead: five figures in the raw list.
        assert_eq!(
            c.figures_with_head(&crate::engine::lexicon::lemma("buses"))
                .len(),
            5
        );
        let mut less = Corpus::new();
        for (i, (p, t)) in texts.iter().enumerate() {
            if i != 2 {
                less.upsert(p, t.clone());
            }
        }
        assert_eq!(
            found(&c, "buses", ("council", "approved")),
            found(&less, "buses", ("council", "approved"))
        );

        // One listed after them (a higher key): pushing the others now
        // would put its positions out of order, so all are listed again.
        let mut c = Corpus::new();
        for t in &texts[..5] {
            encoded(&mut c, t);
        }
        c.upsert(&texts[5].0, texts[5].1.clone());
        assert_eq!(c.pending(), 5);
        assert_eq!(c.list_pending(), 6);
        assert_eq!(found(&c, "buses", ("council", "approved")), want);
    }

    #[test]
    fn figure_stems_come_back_from_the_lookup_keys_or_the_source_is_damaged() {
        let text = "The county opened 25 clinics in 2024. Visits rose 12 percent to 3 million.";
        let parsed = Source::parse(Path::new("s/a.md"), text.to_string());
        assert!(parsed
            .figures
            .iter()
            .any(|f| !f.context.is_empty() && f.head.is_some()));
        let encoded = |c: &mut Corpus| {
            let blob = postcard::to_allocvec(&parsed).unwrap();
            c.insert_encoded(&parsed, Arc::new(blob))
        };
        // The encoded form leaves the stems out; decoding puts them back.
        let mut c = Corpus::new();
        let k = encoded(&mut c);
        let back: Source = postcard::from_bytes(&postcard::to_allocvec(&parsed).unwrap()).unwrap();
        assert!(back
            .figures
            .iter()
            .all(|f| f.head.is_none() && f.context.is_empty()));
        assert_eq!(c.get(k).unwrap().figures, parsed.figures);
        assert!(c.take_damaged().is_empty());

        // Keys that do not describe the figures: the source is damaged.
        let forged: [fn(&mut Vec<u32>); 4] = [
            // One figure more.
            |keys| {
                let e = figure_entries(keys).next().unwrap();
                let first = keys[..4 + e.local.len() + e.context.len()].to_vec();
                keys.extend(first);
            },
            // One figure fewer.
            |keys| {
                let last = figure_entries(keys).count() - 1;
                let cut: usize = figure_entries(keys)
                    .take(last)
                    .map(|e| 4 + e.local.len() + e.context.len())
                    .sum();
                keys.truncate(cut);
            },
            // Another direction for the first figure.
            |keys| keys[1] ^= 1,
            // A head past the vocabulary.
            |keys| keys[0] = u32::MAX,
        ];
        for forge in forged {
            let mut c = Corpus::new();
            let k = encoded(&mut c);
            let slot = c.slots[k].as_mut().unwrap();
            let mut keys = slot.figure_keys.ids().to_vec();
            forge(&mut keys);
            slot.figure_keys = IdList::Owned(keys.into_boxed_slice());
            assert!(c.get(k).unwrap().figures.is_empty());
            assert_eq!(c.take_damaged(), [PathBuf::from("s/a.md")]);
        }
    }

    #[test]
    fn a_saved_source_with_a_span_per_word_fewer_is_damaged() {
        let text = "The county opened 25 clinics in 2024.";
        let parsed = Source::parse(Path::new("s/a.md"), text.to_string());
        let mut short = parsed.clone();
        short.word_spans.pop();
        let mut c = Corpus::new();
        let k = c.insert_encoded(&parsed, Arc::new(postcard::to_allocvec(&short).unwrap()));
        assert_eq!(c.word_ids(k).len(), parsed.word_spans.len());
        // Every span fits the text: only the count gives it away.
        assert!(c.get(k).unwrap().text.is_empty());
        assert_eq!(c.take_damaged(), [PathBuf::from("s/a.md")]);
        // Listed for every check that read it, until it is parsed again.
        assert_eq!(c.take_damaged(), [PathBuf::from("s/a.md")]);
        assert!(c.is_damaged(Path::new("s/a.md")));
        c.upsert(Path::new("s/a.md"), text.to_string());
        assert!(c.take_damaged().is_empty());
        // The same source saved whole decodes.
        let mut c = Corpus::new();
        let k = c.insert_encoded(&parsed, Arc::new(postcard::to_allocvec(&parsed).unwrap()));
        assert_eq!(c.get(k).unwrap().word_spans, parsed.word_spans);
        assert!(c.take_damaged().is_empty());
    }

    #[test]
    fn checked_words_still_need_their_range_in_place() {
        // With `words_checked` the ids are not read, but a range that is
        // misaligned or past the end is still refused.
        let raw = vec![0u8; 64];
        let at = raw.as_ptr().align_offset(4);
        let stored = |ids: Range<usize>| Stored {
            head: Head::of(&Source::parse(Path::new("s/a.md"), String::new())),
            ids,
            figure_keys: at..at,
            blob: 0..0,
            crc: 0,
        };
        for checked in [true, false] {
            assert!(stored(at..at + 8).fits(&raw, 1, checked, false));
            assert!(!stored(at + 1..at + 9).fits(&raw, 1, checked, false));
            assert!(!stored(at..at + 6).fits(&raw, 1, checked, false));
            assert!(!stored(at + 60..at + 68).fits(&raw, 1, checked, false));
        }
        // Unchecked, an id past the vocabulary is refused; checked, the
        // reader vouched for the record, and it is not read.
        let mut raw = raw;
        raw[at..at + 4].copy_from_slice(&7u32.to_le_bytes());
        assert!(!stored(at..at + 8).fits(&raw, 5, false, false));
        assert!(stored(at..at + 8).fits(&raw, 5, true, false));
    }

    #[test]
    fn sources_are_pointed_at_their_written_copies_only_when_the_bytes_agree() {
        let mut c = Corpus::new();
        let paths: Vec<PathBuf> = (0..4)
            .map(|i| PathBuf::from(format!("s/{i:03}.md")))
            .collect();
        let mut written = b"record head".to_vec();
        let mut at = Vec::new();
        for (i, p) in paths.iter().enumerate() {
            let s = Source::parse(p, format!("Source {i} says \"about 1{i} offices\" opened."));
            let blob = postcard::to_allocvec(&s).unwrap();
            let range = written.len()..written.len() + blob.len();
            at.push((p.clone(), range, crc32fast::hash(&blob)));
            written.extend_from_slice(&blob);
            c.insert_encoded(&s, Arc::new(blob));
        }
        // Source 2 is listed with another crc32 than its copy's (as a
        // source inserted again would be), and source 3 past the end.
        at[2].2 ^= 1;
        let end = written.len();
        at[3].1 = end - 4..end + 10;
        let before: Vec<Source> = (0..4).map(|k| c.get(k).unwrap().clone()).collect();
        let file: Bytes = Arc::new(written);
        let given_up = c.point_blobs_at(&file, &at);
        assert_eq!(given_up.len(), 2);
        let in_file = |c: &Corpus, k: usize| {
            let blob = c.slots[k].as_ref().unwrap().blob.as_ref().unwrap();
            Arc::ptr_eq(&blob.bytes, &file).then(|| blob.range.clone())
        };
        assert_eq!(in_file(&c, 0), Some(at[0].1.clone()));
        assert_eq!(in_file(&c, 1), Some(at[1].1.clone()));
        assert_eq!((in_file(&c, 2), in_file(&c, 3)), (None, None));
        // Pointed again, nothing moves: they read the file already.
        assert!(c.point_blobs_at(&file, &at).is_empty());
        // Decoded from the file, the sources are what they were.
        for s in c.slots.iter_mut().flatten() {
            s.source.take();
        }
        for (k, b) in before.iter().enumerate() {
            let s = c.get(k).unwrap();
            assert_eq!(
                (&s.text, &s.figures, &s.quotes),
                (&b.text, &b.figures, &b.quotes)
            );
        }
        assert!(c.take_damaged().is_empty());
        // Copied back out (the file was not finished), they read the same
        // and hold nothing of the file.
        assert_eq!(c.own_blobs_in(std::slice::from_ref(&file)), 2);
        assert_eq!((in_file(&c, 0), in_file(&c, 1)), (None, None));
        assert_eq!(Arc::strong_count(&file), 1);
        for s in c.slots.iter_mut().flatten() {
            s.source.take();
        }
        for (k, b) in before.iter().enumerate() {
            assert_eq!(c.get(k).unwrap().figures, b.figures);
        }
        assert!(c.take_damaged().is_empty());
    }

    #[test]
    fn decoded_sources_are_known_by_key_through_removal_and_compaction() {
        let mut c = Corpus::new();
        let paths: Vec<PathBuf> = (0..6)
            .map(|i| PathBuf::from(format!("s/{i:03}.md")))
            .collect();
        for (i, p) in paths.iter().enumerate() {
            let s = Source::parse(p, format!("Source {i} says 1{i} offices opened."));
            let blob: Bytes = Arc::new(postcard::to_allocvec(&s).unwrap());
            c.insert_encoded(&s, blob);
        }
        for k in [0, 2, 4] {
            c.get(k).unwrap();
        }
        // A second read decodes nothing more.
        c.get(2).unwrap();
        assert_eq!(c.decoded(), 3);
        // One decoded source and one never read go; compaction renumbers
        // the rest (0, 3, 4, 5 become 0, 1, 2, 3).
        assert!(c.remove(&paths[2]) && c.remove(&paths[1]));
        c.compact();
        assert_eq!(*c.decoded.lock().unwrap(), vec![0, 2]);
        assert_eq!(c.get(2).unwrap().path, paths[4]);
        assert_eq!(c.evict_decoded(0, 1), 0, "read in this epoch");
        c.advance_epoch();
        assert_eq!(c.evict_decoded(0, 1), 2);
        assert_eq!(c.decoded(), 0);
        assert!(c.slots.iter().flatten().all(|s| s.source.get().is_none()));
        assert_eq!(c.get(2).unwrap().path, paths[4]);
        assert_eq!(*c.decoded.lock().unwrap(), vec![2]);
        // A key left over from a removed source is dropped by the next
        // eviction, which evicts nothing else of this epoch.
        assert!(c.remove(&paths[4]));
        assert_eq!(c.decoded(), 1);
        assert_eq!(c.evict_decoded(0, 1), 0);
        assert_eq!(c.decoded(), 0);
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
        let buses = c.figures_with_head(&crate::engine::lexicon::lemma("buses"));
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
        assert_eq!(live(&c, c.figures_with_head("office")).len(), 2);
        c.upsert(Path::new("a.txt"), "Nothing here.".into());
        assert_eq!(
            live(&c, c.figures_with_head("office")),
            vec![PathBuf::from("b.txt")]
        );
        assert_eq!(c.len(), 2);
    }
}
