//! The on-disk index: parsed sources saved under `<project>/.factcheck/`,
//! so that a restart reads them back instead of parsing every file again.
//! The folder is a cache: deleting it only costs one full re-index.
//!
//! One file per set of corpus folders. After a header (magic, format
//! version, fingerprint of the engine that wrote it) come records, each
//! `kind u8 | length u32 | crc32 u32 | payload`: the corpus folders, the
//! vocabulary (words and stems in id order, appended as it grows), the
//! parsed sources (postcard, in blob records), their words as vocabulary
//! ids (raw aligned u32s, in words records, read in place), entries (per
//! source: path, id, metadata, the stamp of its file, the lookup keys of its
//! figures, and where its parsed form and words are, with the parsed form's
//! crc32), paths of removed sources, and, after a full write, the word
//! positions and figure lists. Blob records are not checksummed as a whole
//! when the file is opened: each source is checked when a check first
//! decodes it (see `repair`). A change appends records; the file is
//! rewritten whole once superseded entries make up half of it, or at the
//! next load of a large corpus, so that word positions stay readable in
//! place.
//!
//! A file from another engine build, with a bad checksum, a truncated record
//! or an entry that does not fit is not used: the index is rebuilt from the
//! files and the reason logged. A source whose file stamp changed is parsed
//! again; only unchanged files are taken from the index.

use crate::engine::corpus::{Bytes, Corpus, Head, Rebase, SavedFigureLists, SourceKey, Stored};
use crate::engine::source::Meta;
use crate::engine::text::Term;
use crate::load::{self, LoadError, Skipped, Stamp};
use rustc_hash::FxHashMap;
use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

/// The cache folder, inside the project root.
pub const FOLDER: &str = ".factcheck";
const MAGIC: &[u8; 8] = b"FCINDEX\n";
/// Bumped when the layout of the file changes.
const FORMAT: u32 = 5;
/// Changes with every change to the engine's code (see build.rs): what the
/// parser makes of a file can change with it.
const ENGINE: &str = env!("FACTCHECK_ENGINE_HASH");
const HEADER: usize = 8 + 4 + 16;
/// From this many sources on, a load that had to list word positions again
/// writes the index whole, so that the next start reads them in place.
const REWRITE_FOR_POSITIONS: usize = 1024;
/// Parsed sources inserted (and shown to readers) at a time.
const PUBLISH: usize = 256;
/// Encoded sources gathered into one record before it is written.
const CHUNK: usize = 16 << 20;
/// Sources per record: records are decoded in parallel.
const BATCH: usize = 256;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Dirs = 1,
    Vocab = 2,
    Sources = 3,
    Removed = 4,
    Blobs = 5,
    Postings = 6,
    Figures = 7,
    Words = 8,
    Keys = 9,
}

impl Kind {
    fn from(b: u8) -> Option<Kind> {
        Some(match b {
            1 => Kind::Dirs,
            2 => Kind::Vocab,
            3 => Kind::Sources,
            4 => Kind::Removed,
            5 => Kind::Blobs,
            6 => Kind::Postings,
            7 => Kind::Figures,
            8 => Kind::Words,
            9 => Kind::Keys,
            _ => return None,
        })
    }
}

/// One source of a batch, without its parsed form.
#[derive(serde::Serialize, serde::Deserialize)]
struct Entry {
    path: PathBuf,
    declared_id: Option<String>,
    meta: Meta,
    stamp: Stamp,
    /// Where its words are in the file, as vocabulary ids: offset and
    /// count, inside an earlier words record (read there in place).
    ids: (u64, u32),
    /// Where its figures' lookup keys are: offset and count, inside an
    /// earlier keys record (read there in place too).
    keys: (u64, u32),
    /// Where its parsed source is in the file: offset and length, inside
    /// an earlier blob record.
    blob: (u64, u32),
    /// The crc32 of those bytes. Blob records are not checked as a whole
    /// when the file is opened (that would read every source); each source
    /// is checked when it is decoded.
    crc: u32,
}

/// The entries of an index file by path. Keyed by the path's bytes, which
/// hash much faster than a `Path` (hashed part by part): the paths saved
/// and the paths listed are joined the same way, and a path spelled
/// otherwise is only parsed again.
type Entries = FxHashMap<std::ffi::OsString, (Stored, Stamp)>;

/// What an index file holds once its records are applied in order.
struct Saved {
    bytes: Bytes,
    /// The same bytes, as the map, to hand pages back once read.
    map: Arc<memmap2::Mmap>,
    vocab: Vec<Term>,
    entries: Entries,
    /// Entries replaced or removed by later records.
    superseded: usize,
    /// The payload of the only words record, when there is one (a file
    /// written whole and not appended to since).
    words: Option<std::ops::Range<usize>>,
    /// Every words record lies aligned and holds only ids of the
    /// vocabulary, so an entry whose words lie in one needs no check of
    /// its own (see `Stored::fits`).
    words_fit: bool,
    /// Where the word positions and the figure lists of the entries are,
    /// when the file ends with them: nothing appended since.
    lists: Option<(std::ops::Range<usize>, std::ops::Range<usize>)>,
    /// The file's stamp when it was opened (see `IndexFile::stamp`).
    stamp: Stamp,
}

/// An index file in use: appended to as sources change.
#[derive(Debug)]
pub struct IndexFile {
    pub path: PathBuf,
    dirs: Vec<PathBuf>,
    /// Vocabulary terms the file has (ids below this).
    vocab_len: u32,
    /// Entries that later records replaced or removed.
    superseded: usize,
    /// Sources whose corpus entry is an editor's unsaved buffer: never
    /// written, so that the index only ever holds what is on disk.
    held_back: HashSet<PathBuf>,
    /// The file's stamp as this last wrote or read it. Another process on
    /// the same project (a second editor, `factcheck-ls check` in a
    /// terminal) may rewrite or append to the file: its vocabulary then
    /// numbers terms otherwise, and records appended here on top of it
    /// would give words and figures the wrong terms. So this appends only
    /// to the file it knows, and otherwise leaves it to the next load.
    stamp: Stamp,
}

/// The result of loading a corpus through its index.
pub struct Loaded {
    pub corpus: Corpus,
    pub report: Report,
}

/// Where the index of these corpus folders lives under `root`.
pub fn index_path(root: &Path, dirs: &[PathBuf]) -> PathBuf {
    let mut h = crc32fast::Hasher::new();
    for d in dirs {
        h.update(d.as_os_str().as_encoded_bytes());
        h.update(b"\0");
    }
    root.join(FOLDER)
        .join(format!("index-{:08x}.bin", h.finalize()))
}

/// Where a load puts the corpus it builds. Sources are added batch by
/// batch, each under the write lock, so that readers (checks) see the
/// sources loaded so far while the rest are parsed; those parsed for a
/// whole new index are there by id and path, but not found by figure or
/// quote lookups until it is written (`Corpus::pending`).
pub trait Shelf: Sync {
    fn cell(&self) -> &RwLock<Corpus>;
    /// Called after each change to the corpus.
    fn changed(&self) {}
}

impl Shelf for RwLock<Corpus> {
    fn cell(&self) -> &RwLock<Corpus> {
        self
    }
}

fn shelf_read(shelf: &dyn Shelf) -> std::sync::RwLockReadGuard<'_, Corpus> {
    shelf.cell().read().unwrap_or_else(|e| e.into_inner())
}

fn shelf_update<R>(shelf: &dyn Shelf, f: impl FnOnce(&mut Corpus) -> R) -> R {
    let r = f(&mut shelf.cell().write().unwrap_or_else(|e| e.into_inner()));
    shelf.changed();
    r
}

/// What a load did, besides filling the corpus.
pub struct Report {
    pub skipped: Vec<Skipped>,
    /// The index file, when it could be written.
    pub index: Option<IndexFile>,
    /// Sources taken from the index without parsing.
    pub reused: usize,
    /// Sources parsed from their files.
    pub parsed: usize,
    /// Why a saved index was not used, if one was there.
    pub rebuilt: Option<String>,
    /// The index file was written whole (not appended to).
    pub written_whole: bool,
}

/// Loads the sources under `dirs`, taking unchanged ones from the index at
/// `index` (when given) and writing the index back. `progress(done, total)`
/// is told how many files are done.
pub fn load_corpus(
    dirs: &[PathBuf],
    index: Option<&Path>,
    progress: impl Fn(usize, usize) + Sync,
) -> Result<Loaded, LoadError> {
    let shelf = RwLock::new(Corpus::new());
    let report = load_into(dirs, index, progress, &shelf)?;
    Ok(Loaded {
        corpus: shelf.into_inner().unwrap_or_else(|e| e.into_inner()),
        report,
    })
}

/// As `load_corpus`, into `shelf`: its corpus is replaced at once by the
/// sources the index has, then grows batch by batch as files are parsed
/// (see `Shelf`).
pub fn load_into(
    dirs: &[PathBuf],
    index: Option<&Path>,
    progress: impl Fn(usize, usize) + Sync,
    shelf: &dyn Shelf,
) -> Result<Report, LoadError> {
    let clock = std::time::Instant::now();
    // Listing the folders (with each file's stamp) and reading the index
    // overlap. With no index this build can use to compare them with (none,
    // or one another build of the engine wrote), files are listed without
    // their stamps (a stat each: a tenth of a second at 100,000 files);
    // each is stamped when it is read. Should an index appear meanwhile,
    // its entries find no stamp to match and their files are parsed.
    let stamped = index.is_some_and(header_fits);
    let (files, read_result) = std::thread::scope(|scope| {
        let reader = scope.spawn(|| {
            let saved = index.map(|p| (p, read(p, dirs)));
            (saved, clock.elapsed())
        });
        let files = load::listing(dirs, stamped);
        (files, reader.join())
    });
    let (read_result, read_in) = match read_result {
        Ok((saved, took)) => (Ok(saved), took),
        Err(e) => (Err(e), clock.elapsed()),
    };
    let files = files?;
    let total = files.len();
    let listed = clock.elapsed();
    let mut rebuilt = None;
    let saved = match read_result {
        Ok(Some((_, Ok(saved)))) => saved,
        Ok(Some((p, Err(why)))) => {
            tracing::warn!("not using the index {}: {why}; rebuilding it", p.display());
            rebuilt = Some(why);
            None
        }
        Ok(None) => None,
        Err(_) => {
            tracing::error!("reading the index panicked; rebuilding it");
            rebuilt = Some("reading it failed".to_string());
            None
        }
    };
    let file_stamp = saved.as_ref().map(|s| s.stamp);
    let (bytes, map, vocab, mut entries, superseded, saved_postings, saved_words, words_fit) =
        match saved {
            Some(s) => (
                Some(s.bytes),
                Some(s.map),
                s.vocab,
                s.entries,
                s.superseded,
                s.lists,
                s.words,
                s.words_fit,
            ),
            None => (
                None,
                None,
                Vec::new(),
                FxHashMap::default(),
                0,
                None,
                None,
                false,
            ),
        };
    let saved_count = entries.len();
    // Each with the stamp its entry was saved with: the stamp a whole
    // rewrite writes for it (its file is not stat'ed again then).
    let mut reused: Vec<(Stored, Stamp)> = Vec::new();
    let mut to_parse = Vec::new();
    let mut stale = 0;
    for (f, now) in &files {
        match entries.remove(f.as_os_str()) {
            Some((e, stamp)) if *now == Some(stamp) => reused.push((e, stamp)),
            found => {
                stale += usize::from(found.is_some());
                to_parse.push(f.clone());
            }
        }
    }
    // Entries left are files that are gone.
    let dropped: Vec<PathBuf> = entries.into_keys().map(PathBuf::from).collect();
    let first = reused.len();
    let stat_at = clock.elapsed();
    let mut corpus = Corpus::with_vocab(vocab);
    let saved_vocab = corpus.vocab_len();
    // The saved word positions hold when every entry is used, in the order
    // they were written (by path, as here) and nothing was appended since.
    let positions_saved = saved_postings.is_some()
        && superseded == 0
        && stale == 0
        && dropped.is_empty()
        && reused.len() == saved_count;
    corpus.reserve_sources(reused.len());
    if !positions_saved {
        if let Some(b) = &bytes {
            let raw = (**b).as_ref();
            corpus.reserve_words(reused.iter().filter_map(|(e, _)| e.word_ids(raw)));
        }
    }
    // The whole file is written again when there is none, or once half of
    // it would be superseded entries; else changes are appended.
    let garbage = superseded + dropped.len() + stale;
    // Word positions are read in place only from a file that ends with
    // them; after any change a large corpus would list them all again at
    // every start (seconds at 100,000 sources). Write it whole once instead.
    let positions_lost =
        saved_count > 0 && !positions_saved && first + to_parse.len() >= REWRITE_FOR_POSITIONS;
    let rewrite = index.is_some()
        && (saved_count == 0 || garbage * 2 > first + to_parse.len() || positions_lost);
    let mut stamps: Vec<(PathBuf, Stamp)> = Vec::new();
    // The sources read from the index, with their saved stamps, for a whole
    // rewrite.
    let mut reused_stamps: Vec<(PathBuf, Stamp)> = Vec::new();
    // Saved lists number the sources as saved: one entry parsed again (or
    // lost) instead of read shifts every later one, so they are then
    // listed again instead.
    let mut all_stored = true;
    let mut parsed_instead = 0;
    let saved_lists = std::thread::scope(|scope| {
        // The saved figure lists are read into tables on another core while
        // the sources go in here.
        let figure_lists = match (positions_saved, bytes.as_ref(), &saved_postings) {
            (true, Some(b), Some((_, figures))) => {
                let terms = corpus.vocab_len() as usize;
                let figures = figures.clone();
                Some(scope.spawn(move || SavedFigureLists::read((**b).as_ref(), figures, terms)))
            }
            _ => None,
        };
        // Sources from the index first, then new ones, each in path order.
        for (e, stamp) in reused {
            let path = e.head.path.clone();
            let inserted = bytes
                .as_ref()
                .and_then(|b| corpus.insert_stored(e, b, positions_saved, words_fit));
            if inserted.is_some() {
                if rewrite {
                    reused_stamps.push((path, stamp));
                }
            } else {
                // An entry that passed its checksum but does not fit (a bug):
                // parse the file rather than lose the source.
                tracing::error!("index entry of {} does not fit; parsing it", path.display());
                all_stored = false;
                parsed_instead += 1;
                if let Ok((text, stamp)) = load::read_stamped(&path) {
                    stamps.push((path.clone(), stamp));
                    corpus.insert(crate::engine::source::Source::parse(&path, text));
                }
            }
        }
        figure_lists.and_then(|h| h.join().ok().flatten())
    });
    if positions_saved {
        let attached = match (bytes.as_ref(), saved_postings, saved_lists) {
            (Some(b), Some((positions, _)), Some(figures)) if all_stored => {
                let attached = corpus.attach_saved_lists(b, positions, figures);
                if let (true, Some(w)) = (attached, saved_words) {
                    // Without them pairs are checked source by source.
                    if !corpus.attach_saved_words(b, w) {
                        tracing::warn!("the saved words do not fit their positions");
                    }
                }
                attached
            }
            _ => false,
        };
        if !attached {
            // Compacting lists every position again.
            tracing::warn!("the saved word positions do not fit; listing them again");
            corpus.compact();
        }
        // The figure lists were copied out: their pages can go.
        if let Some(map) = &map {
            release_pages(map);
        }
    }
    // What the index had is there for checks at once; parsed files follow.
    // (The corpus it replaces is dropped outside the lock.)
    let replaced = shelf_update(shelf, |c| std::mem::replace(c, corpus));
    drop(replaced);
    progress(first, total);
    let inserted_at = clock.elapsed();

    // Sources parsed for a whole write are listed for lookups once it is
    // written; this lists them in memory if not, even if the load unwinds.
    let listing = ListedAtLast(shelf);
    let mut writer = index.filter(|_| rewrite).and_then(|path| {
        Writer::start(path, dirs)
            .map_err(|e| tracing::warn!("cannot write the index {}: {e}", path.display()))
            .ok()
    });
    let failed = |e: std::io::Error, writer: &mut Option<Writer>| {
        if let Some(w) = writer.take() {
            tracing::warn!("cannot write the index {}: {e}", w.path.display());
        }
    };
    if let Some(w) = writer.as_mut() {
        let c = shelf_read(shelf);
        let result = c.heads().try_for_each(|(k, head)| match blob_of(&c, k)? {
            Some(b) => w.add(&head.path, &b).map(drop),
            None => Ok(()),
        });
        drop(c);
        if let Err(e) = result {
            failed(e, &mut writer);
        }
    }
    // Parsed sources are inserted in batches, each published to readers. With
    // an index being written, each source is encoded on the parsing thread,
    // written, and kept only in that form until it is read.
    let encoded = writer.is_some();
    let mut skipped = Vec::new();
    let mut batch: Vec<(crate::engine::source::Source, Option<Vec<u8>>)> = Vec::new();
    // Blob records written, mapped back, for the corpus to read its
    // sources' encoded forms there once they are all inserted.
    let mut written_chunks: Vec<WrittenChunk> = Vec::new();
    // Those the corpus was pointed at: if the file is not finished after
    // all, its sources are copied back out (below).
    let mut read_from_file: Vec<Bytes> = Vec::new();
    let publish = |batch: &mut Vec<(crate::engine::source::Source, Option<Vec<u8>>)>,
                   written: &mut Vec<WrittenChunk>,
                   applied: &mut Vec<Bytes>| {
        let items = std::mem::take(batch);
        // A chunk holds only sources added before it was written, so all
        // are inserted once this batch is.
        let chunks = std::mem::take(written);
        applied.extend(chunks.iter().map(|w| w.bytes.clone()));
        // Parsed forms kept only as encoded, and the copies of encoded
        // forms now read from the file, are dropped outside the lock.
        let leftovers = shelf_update(shelf, |c| {
            let mut left = Vec::new();
            for (s, blob) in items {
                match blob {
                    Some(b) => {
                        c.insert_encoded(&s, Arc::new(b));
                        left.push(s);
                    }
                    None => {
                        c.insert(s);
                    }
                }
            }
            let copies: Vec<Bytes> = chunks
                .iter()
                .flat_map(|w| c.point_blobs_at(&w.bytes, &w.sources))
                .collect();
            (left, copies)
        });
        drop(leftovers);
    };
    let mut done = 0;
    let held = (to_parse.len() >= HOLD_FREED_PAGES_FROM).then(FreedPagesHeld::start);
    load::parse_each(
        &to_parse,
        |s| {
            let blob = encoded.then(|| encode_source(s).ok()).flatten();
            if blob.is_some() {
                // Freed here, on the thread that allocated it, rather than
                // by the thread that inserts and writes.
                s.shed_parsed_form();
            }
            blob
        },
        |parsed| {
            done += 1;
            match parsed {
                Ok((s, stamp, blob)) => {
                    if let (Some(w), Some(b)) = (writer.as_mut(), &blob) {
                        match w.add(&s.path, b) {
                            Ok(chunk) => written_chunks.extend(chunk),
                            Err(e) => failed(e, &mut writer),
                        }
                    }
                    stamps.push((s.path.clone(), stamp));
                    batch.push((s, blob));
                    if batch.len() >= PUBLISH {
                        publish(&mut batch, &mut written_chunks, &mut read_from_file);
                    }
                }
                Err(k) => {
                    tracing::warn!("skipping source {}: {}", k.path.display(), k.reason);
                    skipped.push(k);
                }
            }
            progress(first + done, total);
        },
    );
    publish(&mut batch, &mut written_chunks, &mut read_from_file);
    drop(held);
    let n_parsed = stamps.len();
    let parsed_at = clock.elapsed();
    tracing::info!(
        "loaded {} sources from the index (word positions {}) and parsed {n_parsed}: \
         listed in {listed:?}, index read by {read_in:?}, files checked by {stat_at:?}, index sources in by \
         {inserted_at:?}, parsed and in by {parsed_at:?}",
        first - parsed_instead,
        if positions_saved { "read in place" } else { "listed again" }
    );
    let whole = writer.is_some();
    let index = match (writer, index) {
        (Some(w), _) => {
            // Every source's stamp is known: parsed ones as read, the others
            // as saved. None is stat'ed now: a file edited since it was
            // listed would get its new stamp beside its old text.
            let mut known = reused_stamps;
            known.extend(stamps.iter().cloned());
            finish_and_rebase(w, dirs, shelf, &known)
        }
        (None, Some(path)) if saved_count > 0 => {
            let mut file = IndexFile {
                path: path.to_path_buf(),
                dirs: dirs.to_vec(),
                vocab_len: saved_vocab,
                superseded,
                held_back: HashSet::new(),
                stamp: file_stamp.unwrap_or_default(),
            };
            let c = shelf_read(shelf);
            file.append(&c, &stamps, &dropped)
                .map_err(|e| tracing::warn!("cannot write the index {}: {e}", path.display()))
                .ok()
                .map(|()| file)
        }
        _ => None,
    };
    drop(listing);
    let finished = whole && index.is_some();
    if !finished && !read_from_file.is_empty() {
        // The file was not finished (a full disk, say) and has been
        // removed: sources read from it would keep its space taken.
        let copied = shelf_update(shelf, |c| c.own_blobs_in(&read_from_file));
        tracing::info!("{copied} sources copied back from an index that was not finished");
    }
    drop(read_from_file);
    if n_parsed > 0 {
        // What parsing and writing left freed goes back to the system.
        drop((files, to_parse, stamps, dropped));
        give_back_freed_memory();
    }
    Ok(Report {
        skipped,
        reused: first - parsed_instead,
        parsed: n_parsed,
        rebuilt,
        written_whole: finished,
        index,
    })
}

/// Lists the sources a load left unlisted (`Corpus::list_pending`) when
/// dropped: after the index is written and its lists were not taken (the
/// file could not be written, saved sources came with the old file's
/// lists, or the corpus changed meanwhile), or when the load unwinds.
struct ListedAtLast<'a>(&'a dyn Shelf);

impl Drop for ListedAtLast<'_> {
    fn drop(&mut self) {
        if shelf_read(self.0).pending() > 0 {
            let listed = shelf_update(self.0, Corpus::list_pending);
            tracing::info!("{listed} sources listed in memory: the index's lists were not taken");
        }
    }
}

/// Finishes a whole index file, then points the corpus's sources at it, so
/// that their encoded forms held in memory can go.
fn finish_and_rebase(
    w: Writer,
    dirs: &[PathBuf],
    shelf: &dyn Shelf,
    fresh: &[(PathBuf, Stamp)],
) -> Option<IndexFile> {
    let path = w.path.clone();
    let c = shelf_read(shelf);
    let revision = c.revision();
    let stamps = stamps_of(&c, fresh, |_| None, &HashSet::new());
    // The corpus was unlocked between batches: a source may have been
    // replaced since its encoded form was written.
    let finished = w.finish(dirs, &c, &stamps, Held::Checked);
    drop(c);
    let written = finished
        .map_err(|e| tracing::warn!("cannot write the index {}: {e}", path.display()))
        .ok()?;
    match map_private(&written.private) {
        Ok(map) => {
            let map = Arc::new(map);
            let bytes: Bytes = map.clone();
            let rebased = shelf_update(shelf, |c| {
                c.rebase_blobs(&bytes, &written.blobs, revision)
                    && written.lists.clone().is_some_and(|(p, f)| {
                        c.adopt_saved_lists(&bytes, p, f, &written.keys, revision)
                            && c.attach_saved_words(&bytes, written.words.clone())
                    })
            });
            if !rebased {
                tracing::info!("the corpus changed while the index was written; kept as is");
            }
            // The figure lists were copied out of the map.
            release_pages(&map);
            crate::engine::text::forget_stems();
        }
        Err(e) => tracing::warn!("cannot map the index just written: {e}"),
    }
    Some(written.file)
}

/// Parses again the sources `Corpus::take_damaged` named, from their
/// files (a file that cannot be read is removed), and records them in the
/// index, if one is given, so that the damaged entries are superseded.
pub fn repair(corpus: &mut Corpus, paths: &[PathBuf], index: Option<&mut IndexFile>) {
    let mut changed = Vec::new();
    let mut removed = Vec::new();
    // Another check may have repaired some already.
    let still: Vec<&PathBuf> = paths.iter().filter(|p| corpus.is_damaged(p)).collect();
    for p in still {
        match load::read_stamped(p) {
            Ok((text, stamp)) => {
                corpus.upsert(p, text);
                changed.push((p.clone(), stamp));
            }
            Err(reason) => {
                tracing::warn!("cannot read {} again: {reason}", p.display());
                corpus.remove(p);
                removed.push(p.clone());
            }
        }
    }
    if let Some(file) = index {
        if let Err(e) = file.append(corpus, &changed, &removed) {
            tracing::warn!("cannot update the index {}: {e}", file.path.display());
        }
    }
}

/// A source's encoded form: as saved, or encoded now.
fn blob_of(corpus: &Corpus, key: SourceKey) -> std::io::Result<Option<std::borrow::Cow<'_, [u8]>>> {
    if let Some(raw) = corpus.stored_blob(key) {
        return Ok(Some(std::borrow::Cow::Borrowed(raw)));
    }
    match corpus.get(key) {
        Some(s) => Ok(Some(std::borrow::Cow::Owned(encode(s)?))),
        None => Ok(None),
    }
}

/// Lets the kernel take back the pages of the map read so far; they are read
/// again from the file if touched.
fn release_pages(map: &memmap2::Mmap) {
    #[cfg(unix)]
    // SAFETY: the map is read-only and backed by a file, so dropping its
    // pages loses nothing: they are read again from the file when touched.
    let _ = unsafe { map.unchecked_advise(memmap2::UncheckedAdvice::DontNeed) };
}

/// Returns freed heap pages to the system. The binary's allocator is
/// mimalloc (see `main.rs`), which keeps freed pages for reuse a while, and
/// pages freed by the parsing threads, which have ended, longer: after a
/// bulk build that is most of the process. Harmless under another allocator.
fn give_back_freed_memory() {
    // SAFETY: mi_collect only frees memory that mimalloc holds unused.
    unsafe {
        libmimalloc_sys::mi_collect(true);
    }
}

/// From this many files to parse on, freed pages are held (see
/// `FreedPagesHeld`). At 10,000 sources holding them made no difference
/// in time and left about 30 MB more resident after the build; at 100,000
/// it saved about a tenth of the build.
const HOLD_FREED_PAGES_FROM: usize = 20_000;

/// While held, mimalloc keeps the pages freed during a bulk build for reuse
/// instead of handing them back to the system a second later. Handed back,
/// the same memory is faulted in again at once, and with transparent huge
/// pages each fault zeroes 2 MiB: that was about a tenth of a cold build of
/// 100,000 sources. The purge delay is set to "never". Pages freed under
/// it are not marked for purging, so they stay with the process (for its
/// later allocations) after the hold: 10–30 MB after a build. An hour's
/// delay instead would let the final collection hand them back, but in a
/// build of 100,000 it raised the peak from 2.8 to 4.0 GB (pages marked
/// for purging are not reused). mimalloc's options are global: holds taken
/// at once (two workspaces loading in the server) are counted, and the
/// delay is restored when the last one ends.
struct FreedPagesHeld;

/// `mi_option_purge_delay` in mimalloc v3's `mimalloc.h` (libmimalloc-sys
/// 0.1.49, pinned, does not name it).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Holds taken, and the purge delay before the first.
static HOLDS: std::sync::Mutex<(usize, std::ffi::c_long)> = std::sync::Mutex::new((0, 0));

impl FreedPagesHeld {
    fn start() -> FreedPagesHeld {
        let mut holds = HOLDS.lock().unwrap_or_else(|e| e.into_inner());
        if holds.0 == 0 {
            // SAFETY: reading and setting an option of the allocator.
            unsafe {
                holds.1 = libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY);
                libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1);
            }
        }
        holds.0 += 1;
        FreedPagesHeld
    }
}

impl Drop for FreedPagesHeld {
    fn drop(&mut self) {
        let mut holds = HOLDS.lock().unwrap_or_else(|e| e.into_inner());
        holds.0 -= 1;
        if holds.0 == 0 {
            // SAFETY: as in `start`.
            unsafe {
                libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, holds.1);
            }
        }
    }
}

/// `f` over `items` on all cores, in order; `None` if a thread panicked.
fn on_all_cores<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Option<Vec<R>> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let per = items.len().div_ceil(threads).max(1);
    let f = &f;
    std::thread::scope(|scope| {
        let parts: Vec<_> = items
            .chunks(per)
            .map(|part| scope.spawn(move || part.iter().map(f).collect::<Vec<R>>()))
            .collect();
        let mut out = Vec::with_capacity(items.len());
        for p in parts {
            out.extend(p.join().ok()?);
        }
        Some(out)
    })
}

/// Stamps for the sources of the corpus: those in `fresh`, else as `saved`
/// gives them (the stamp their text was read with). A source with neither
/// is left out, to be parsed again at the next load: its file is never
/// stat'ed here, since a file changed after its text was read would get
/// the new stamp beside the old text, and be trusted at every start.
fn stamps_of(
    corpus: &Corpus,
    fresh: &[(PathBuf, Stamp)],
    saved: impl Fn(&Path) -> Option<Stamp>,
    held_back: &HashSet<PathBuf>,
) -> Vec<(PathBuf, Stamp)> {
    let fresh: HashMap<&Path, Stamp> = fresh.iter().map(|(p, s)| (p.as_path(), *s)).collect();
    corpus
        .heads()
        .filter(|(_, s)| !held_back.contains(&s.path))
        .filter_map(|(_, s)| {
            let stamp = fresh
                .get(s.path.as_path())
                .copied()
                .or_else(|| saved(&s.path))?;
            Some((s.path.clone(), stamp))
        })
        .collect()
}

impl IndexFile {
    /// The corpus now holds an editor's buffer for `path`, not the file:
    /// leave it out of the index until `release`.
    pub fn hold_back(&mut self, path: &Path) {
        self.held_back.insert(path.to_path_buf());
    }

    /// The corpus holds the file at `path` again.
    pub fn release(&mut self, path: &Path) {
        self.held_back.remove(path);
    }

    /// Records changed sources: `changed` are present in the corpus (with
    /// the stamp their file had when read); `removed` are gone. Rewrites
    /// the whole file once it is half superseded entries.
    pub fn append(
        &mut self,
        corpus: &Corpus,
        changed: &[(PathBuf, Stamp)],
        removed: &[PathBuf],
    ) -> std::io::Result<()> {
        let changed: Vec<(PathBuf, Stamp)> = changed
            .iter()
            .filter(|(p, _)| !self.held_back.contains(p))
            .cloned()
            .collect();
        if changed.is_empty() && removed.is_empty() {
            return Ok(());
        }
        let replaced = changed.len() + removed.len();
        if (self.superseded + replaced) * 2 > corpus.len().max(1) {
            // The others' stamps as this file saved them (the last entry
            // for each path wins, as at a load), from the file this wrote
            // or read: another's stamps may be of texts this corpus does
            // not hold.
            let saved = match read(&self.path, &self.dirs) {
                Ok(Some(saved)) if saved.stamp == self.stamp => saved.entries,
                Ok(Some(_)) => return Err(Self::changed_elsewhere()),
                Ok(None) => Entries::default(),
                Err(why) => {
                    tracing::warn!("rewriting the index without its entries: {why}");
                    Entries::default()
                }
            };
            let stamp_saved = |p: &Path| saved.get(p.as_os_str()).map(|(_, stamp)| *stamp);
            let all = stamps_of(corpus, &changed, stamp_saved, &self.held_back);
            drop(saved);
            let held_back = std::mem::take(&mut self.held_back);
            *self = write_full(&self.path, &self.dirs, corpus, &all)?;
            self.held_back = held_back;
            return Ok(());
        }
        let mut out = Vec::new();
        if !removed.is_empty() {
            record(&mut out, Kind::Removed, &encode(&removed)?)?;
        }
        let words = corpus.vocab_from(self.vocab_len);
        if !words.is_empty() {
            let words: Vec<&str> = words.iter().map(|t| t.as_str()).collect();
            record(&mut out, Kind::Vocab, &encode(&words)?)?;
        }
        let lock = IndexLock::exclusive(&self.path)?;
        let mut f = std::fs::OpenOptions::new().append(true).open(&self.path)?;
        let before = Stamp::of(&f.metadata()?);
        if before != self.stamp {
            return Err(Self::changed_elsewhere());
        }
        sources_records(&mut out, before.len, corpus, &changed)?;
        f.write_all(&out)?;
        self.stamp = Stamp::of(&f.metadata()?);
        drop(lock);
        self.vocab_len = corpus.vocab_len();
        self.superseded += replaced;
        Ok(())
    }

    /// Why nothing is appended to a file another process wrote since: the
    /// next load reads it, and parses what it does not hold as read.
    fn changed_elsewhere() -> std::io::Error {
        std::io::Error::other("another process rewrote or appended to it; left to the next load")
    }
}

fn encode<T: serde::Serialize + ?Sized>(v: &T) -> std::io::Result<Vec<u8>> {
    postcard::to_allocvec(v).map_err(std::io::Error::other)
}

/// Encodes a parsed source through a buffer each thread keeps, so that its
/// blob is allocated once at its exact size rather than grown step by step.
fn encode_source(s: &crate::engine::source::Source) -> std::io::Result<Vec<u8>> {
    thread_local!(static SCRATCH: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) });
    SCRATCH.with_borrow_mut(|buf| {
        buf.clear();
        let out = postcard::to_extend(s, std::mem::take(buf)).map_err(std::io::Error::other)?;
        let blob = out.to_vec();
        *buf = out;
        Ok(blob)
    })
}

/// A record's head: its kind, its payload's length and its payload's
/// crc32.
fn record_head(kind: Kind, payload: &[u8]) -> std::io::Result<[u8; 9]> {
    head_of(kind, payload.len(), crc32fast::hash(payload))
}

/// The head of a record of `len` payload bytes with this crc32; a payload
/// over 4 GiB is an error.
fn head_of(kind: Kind, len: usize, crc: u32) -> std::io::Result<[u8; 9]> {
    let len =
        u32::try_from(len).map_err(|_| std::io::Error::other("an index record over 4 GiB"))?;
    let mut head = [0u8; 9];
    head[0] = kind as u8;
    head[1..5].copy_from_slice(&len.to_le_bytes());
    head[5..9].copy_from_slice(&crc.to_le_bytes());
    Ok(head)
}

fn record(out: &mut Vec<u8>, kind: Kind, payload: &[u8]) -> std::io::Result<()> {
    out.extend_from_slice(&record_head(kind, payload)?);
    out.extend_from_slice(payload);
    Ok(())
}

/// Where something is in an index file: its offset, and its length or
/// count.
type Place = (u64, u32);

/// A source's entry: what lookups need, and where its encoded form is.
fn entry(
    corpus: &Corpus,
    key: SourceKey,
    stamp: Stamp,
    (blob, crc, ids, keys): (Place, u32, Place, Place),
) -> Option<Entry> {
    let head = corpus.head(key)?;
    Some(Entry {
        path: head.path.clone(),
        declared_id: head.declared_id.clone(),
        meta: head.meta.clone(),
        stamp,
        ids,
        keys,
        blob,
        crc,
    })
}

/// A words record's payload for these sources (see `u32s_payload`).
fn words_payload(corpus: &Corpus, keys: &[SourceKey], at: u64) -> (Vec<u8>, Vec<(u64, u32)>) {
    u32s_payload(keys.iter().map(|&k| corpus.word_ids(k)), at)
}

/// Writes a record of u32 lists (words, keys) to `out`, at byte `at` of
/// the file, without gathering its payload first: the same bytes as
/// `record(.., &u32s_payload(lists, at + 9).0)`. At 100,000 sources the
/// words and keys payloads were 390 MB of fresh memory, copied once more
/// into the file. Returns the bytes written and where each list is.
fn write_u32s_record<'a, W: Write>(
    out: &mut W,
    kind: Kind,
    lists: impl Iterator<Item = &'a [u32]> + Clone,
    at: u64,
) -> std::io::Result<(u64, Vec<Place>)> {
    let pad = ((4 - (at + 9 + 1) % 4) % 4) as usize;
    let total: usize = lists.clone().map(<[u32]>::len).sum();
    let len = 1 + pad + total * 4;
    let head_of_payload = [pad as u8, 0, 0, 0];
    let head_of_payload = &head_of_payload[..1 + pad];
    let mut scratch = Vec::new();
    let mut crc = crc32fast::Hasher::new();
    crc.update(head_of_payload);
    for list in lists.clone() {
        crc.update(le_bytes(list, &mut scratch));
    }
    out.write_all(&head_of(kind, len, crc.finalize())?)?;
    out.write_all(head_of_payload)?;
    let mut next = at + 9 + head_of_payload.len() as u64;
    let mut places = Vec::new();
    for list in lists {
        places.push((next, list.len() as u32));
        out.write_all(le_bytes(list, &mut scratch))?;
        next += list.len() as u64 * 4;
    }
    Ok((9 + len as u64, places))
}

/// `list` as little-endian bytes: in place on a little-endian machine,
/// through `scratch` otherwise.
fn le_bytes<'a>(list: &'a [u32], scratch: &'a mut Vec<u8>) -> &'a [u8] {
    if cfg!(target_endian = "little") {
        // SAFETY: a u32 slice is readable as bytes, four per u32, at the
        // same address and for its whole length; u8 needs no alignment.
        unsafe {
            std::slice::from_raw_parts(list.as_ptr().cast::<u8>(), std::mem::size_of_val(list))
        }
    } else {
        scratch.clear();
        for v in list {
            scratch.extend_from_slice(&v.to_le_bytes());
        }
        scratch
    }
}

/// A keys record's payload: the lookup keys of these sources' figures.
fn keys_payload(corpus: &Corpus, keys: &[SourceKey], at: u64) -> (Vec<u8>, Vec<(u64, u32)>) {
    u32s_payload(keys.iter().map(|&k| corpus.figure_keys(k)), at)
}

/// The payload of a record of u32 lists (words, keys), which will start at
/// byte `at` of the file: a pad length, padding so that the lists are
/// 4-byte aligned in the file, then each list (little-endian u32s), end to
/// end. Returns where each list is: offset and count.
fn u32s_payload<'a>(
    lists: impl Iterator<Item = &'a [u32]> + Clone,
    at: u64,
) -> (Vec<u8>, Vec<(u64, u32)>) {
    let pad = (4 - (at + 1) % 4) % 4;
    let total: usize = lists.clone().map(<[u32]>::len).sum();
    let mut out = Vec::with_capacity(1 + pad as usize + total * 4);
    out.push(pad as u8);
    out.resize(1 + pad as usize, 0);
    let mut where_ = Vec::new();
    for list in lists {
        where_.push((at + out.len() as u64, list.len() as u32));
        for v in list {
            out.extend_from_slice(&v.to_le_bytes());
        }
    }
    (out, where_)
}

/// Appends to `out` (which will start at byte `file_at` of the file) one
/// record with the parsed sources, then the records of their entries: the
/// entries, which every start reads, sit together after the sources, which
/// only checks read.
fn sources_records(
    out: &mut Vec<u8>,
    file_at: u64,
    corpus: &Corpus,
    changed: &[(PathBuf, Stamp)],
) -> std::io::Result<()> {
    let blobs_at = file_at + out.len() as u64 + 9;
    let mut blobs: Vec<u8> = Vec::new();
    let mut found = Vec::new();
    for (path, stamp) in changed {
        let Some(key) = corpus.key_of_path(path) else {
            continue;
        };
        let Some(raw) = blob_of(corpus, key)? else {
            continue;
        };
        let at = blobs.len();
        blobs.extend_from_slice(&raw);
        let blob = (blobs_at + at as u64, raw.len() as u32);
        found.push((key, *stamp, blob, crc32fast::hash(&raw)));
    }
    record(out, Kind::Blobs, &blobs)?;
    let keys: Vec<SourceKey> = found.iter().map(|f| f.0).collect();
    let (words, ids) = words_payload(corpus, &keys, file_at + out.len() as u64 + 9);
    record(out, Kind::Words, &words)?;
    let (figure_keys, at) = keys_payload(corpus, &keys, file_at + out.len() as u64 + 9);
    record(out, Kind::Keys, &figure_keys)?;
    let entries: Vec<Entry> = found
        .into_iter()
        .zip(ids.into_iter().zip(at))
        .filter_map(|((key, stamp, blob, crc), (ids, keys))| {
            entry(corpus, key, stamp, (blob, crc, ids, keys))
        })
        .collect();
    for batch in entries.chunks(BATCH) {
        record(out, Kind::Sources, &encode(batch)?)?;
    }
    Ok(())
}

/// The word positions of these sources, inserted in this order from
/// position 0: `terms` u32 offsets + 1, then the positions, little-endian.
fn postings_record(corpus: &Corpus, keys: &[SourceKey]) -> Vec<u8> {
    let terms = corpus.vocab_len() as usize;
    let mut counts = vec![0u32; terms + 1];
    for &k in keys {
        for &id in corpus.word_ids(k) {
            counts[id as usize + 1] += 1;
        }
    }
    for i in 1..counts.len() {
        counts[i] += counts[i - 1];
    }
    let total = counts[terms] as usize;
    // The positions are written straight into the record's bytes, after
    // the counts: a list of them first was 240 MB more at 100,000 sources.
    let mut out = vec![0u8; (counts.len() + total) * 4];
    let (head, positions) = out.split_at_mut(counts.len() * 4);
    for (to, v) in head.chunks_exact_mut(4).zip(&counts) {
        to.copy_from_slice(&v.to_le_bytes());
    }
    let mut next = counts;
    let mut base = 0u32;
    for &k in keys {
        let ids = corpus.word_ids(k);
        for (pos, &id) in ids.iter().enumerate() {
            let slot = &mut next[id as usize];
            let at = *slot as usize * 4;
            positions[at..at + 4].copy_from_slice(&(base + pos as u32).to_le_bytes());
            *slot += 1;
        }
        base += ids.len() as u32;
    }
    out
}

/// Writes the whole index (to a temporary file, then renamed over the old).
fn write_full(
    path: &Path,
    dirs: &[PathBuf],
    corpus: &Corpus,
    stamps: &[(PathBuf, Stamp)],
) -> std::io::Result<IndexFile> {
    let mut w = Writer::start(path, dirs)?;
    for (p, _) in stamps {
        if let Some(key) = corpus.key_of_path(p) {
            if let Some(raw) = blob_of(corpus, key)? {
                w.add(p, &raw)?;
            }
        }
    }
    w.finish(dirs, corpus, stamps, Held::Locked).map(|w| w.file)
}

/// Encoded sources just written in a blob record, mapped back from the
/// file: the corpus then reads them there (`Corpus::point_blobs_at`) and
/// frees its own copies. Before, a cold build of 100,000 sources held
/// 1.2 GB of them until the whole file was written.
struct WrittenChunk {
    bytes: Bytes,
    /// Each source's path, where its encoded form is in `bytes`, and its
    /// crc32.
    sources: Vec<(PathBuf, std::ops::Range<usize>, u32)>,
}

/// A whole index file being written: sources' encoded forms as they come,
/// in records of about `CHUNK` bytes, then, once the corpus is complete,
/// the vocabulary, the entries and the lists. Written to a temporary file
/// that `finish` renames into place; dropped unfinished, it is removed.
struct Writer {
    path: PathBuf,
    tmp: PathBuf,
    file: std::io::BufWriter<std::fs::File>,
    /// Bytes written to the file so far.
    written: u64,
    /// Encoded sources gathered for the next blob record.
    chunk: Vec<u8>,
    /// The sources in `chunk`, in order.
    chunk_paths: Vec<PathBuf>,
    /// The same file, to map written records back.
    read_back: std::fs::File,
    /// Where each source's encoded form is in the file, and its crc32.
    blobs: HashMap<PathBuf, (u64, u32, u32)>,
    finished: bool,
}

impl Writer {
    fn start(path: &Path, dirs: &[PathBuf]) -> std::io::Result<Writer> {
        let folder = path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(folder)?;
        let ignore = folder.join(".gitignore");
        if !ignore.exists() {
            std::fs::write(&ignore, "# factcheck-ls index cache: safe to delete\n*\n")?;
        }
        static WRITES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let tmp = folder.join(format!(
            ".{}.{}-{}.tmp",
            path.file_name().and_then(|n| n.to_str()).unwrap_or("index"),
            std::process::id(),
            WRITES.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        ));
        // An unlinked file of this process's own: written records are
        // mapped back from it (see `map_back`), and `publish` copies it to
        // the index's path, so no other process can touch what is mapped.
        let file = tempfile::tempfile_in(folder)?;
        let read_back = file.try_clone()?;
        let mut w = Writer {
            path: path.to_path_buf(),
            tmp,
            file: std::io::BufWriter::with_capacity(1 << 20, file),
            written: 0,
            chunk: Vec::new(),
            chunk_paths: Vec::new(),
            read_back,
            blobs: HashMap::new(),
            finished: false,
        };
        let head = header();
        w.file.write_all(&head)?;
        w.written = head.len() as u64;
        w.put(Kind::Dirs, &encode(&dirs)?)?;
        Ok(w)
    }

    /// Writes one record.
    fn put(&mut self, kind: Kind, payload: &[u8]) -> std::io::Result<()> {
        self.file.write_all(&record_head(kind, payload)?)?;
        self.file.write_all(payload)?;
        self.written += 9 + payload.len() as u64;
        Ok(())
    }

    /// Adds the encoded form of the source at `path`. When that first
    /// writes the sources gathered before it, returns them as mapped back
    /// from the file (see `WrittenChunk`).
    fn add(&mut self, path: &Path, blob: &[u8]) -> std::io::Result<Option<WrittenChunk>> {
        let len = u32::try_from(blob.len())
            .map_err(|_| std::io::Error::other("a source over 4 GiB encoded"))?;
        let mut written = None;
        if !self.chunk.is_empty() && self.chunk.len() + blob.len() > CHUNK {
            written = self.flush_chunk(true)?;
        }
        let at = self.written + 9 + self.chunk.len() as u64;
        self.chunk.extend_from_slice(blob);
        self.chunk_paths.push(path.to_path_buf());
        let crc = crc32fast::hash(blob);
        self.blobs.insert(path.to_path_buf(), (at, len, crc));
        Ok(written)
    }

    /// Writes the gathered sources as a blob record and, with `map_back`,
    /// returns them mapped back from the file.
    fn flush_chunk(&mut self, map_back: bool) -> std::io::Result<Option<WrittenChunk>> {
        if self.chunk.is_empty() {
            return Ok(None);
        }
        let start = self.written + 9;
        let chunk = std::mem::take(&mut self.chunk);
        self.put(Kind::Blobs, &chunk)?;
        let len = chunk.len();
        self.chunk = chunk;
        self.chunk.clear();
        let paths = std::mem::take(&mut self.chunk_paths);
        if !map_back {
            return Ok(None);
        }
        match self.map_back(start, len) {
            Ok(bytes) => {
                let sources = paths
                    .into_iter()
                    .filter_map(|p| {
                        let &(at, len, crc) = self.blobs.get(&p)?;
                        let from = usize::try_from(at.checked_sub(start)?).ok()?;
                        Some((p, from..from + len as usize, crc))
                    })
                    .collect();
                Ok(Some(WrittenChunk { bytes, sources }))
            }
            Err(e) => {
                // The sources stay in memory, as before.
                tracing::debug!("cannot map written sources back from the index: {e}");
                Ok(None)
            }
        }
    }

    /// Bytes `start..start + len` of the file being written, mapped.
    fn map_back(&mut self, start: u64, len: usize) -> std::io::Result<Bytes> {
        self.file.flush()?;
        // SAFETY: the temporary file is this writer's own. What is mapped
        // was written and flushed, and the file is only appended to; it is
        // renamed or removed, never truncated, so the mapped bytes stay.
        let map = unsafe {
            memmap2::MmapOptions::new()
                .offset(start)
                .len(len)
                .map(&self.read_back)?
        };
        Ok(Arc::new(map))
    }

    /// Writes the rest for the sources of `stamps` (those added), renames
    /// the file into place and returns it, with where each source's
    /// encoded form now is in it.
    fn finish(
        mut self,
        dirs: &[PathBuf],
        corpus: &Corpus,
        stamps: &[(PathBuf, Stamp)],
        held: Held,
    ) -> std::io::Result<Written> {
        let clock = std::time::Instant::now();
        self.flush_chunk(false)?;
        self.chunk = Vec::new();
        let words: Vec<&str> = corpus.vocab_from(0).iter().map(|t| t.as_str()).collect();
        self.put(Kind::Vocab, &encode(&words)?)?;
        let mut stamps: Vec<&(PathBuf, Stamp)> = stamps
            .iter()
            .filter(|(p, _)| self.blobs.contains_key(p))
            .collect();
        stamps.sort_by(|a, b| a.0.cmp(&b.0));
        let found: Vec<(SourceKey, Stamp, (u64, u32, u32))> = stamps
            .iter()
            .filter_map(|(path, stamp)| {
                Some((corpus.key_of_path(path)?, *stamp, *self.blobs.get(path)?))
            })
            // Only a source that still holds what was written for it: one
            // replaced meanwhile (an editor's buffer) has other figure
            // keys, and its file is parsed again at the next load.
            .filter(|(key, _, (_, len, crc))| {
                held == Held::Locked || corpus.holds_blob(*key, *len as usize, *crc)
            })
            .collect();
        let keys: Vec<SourceKey> = found.iter().map(|f| f.0).collect();
        let total: usize = keys.iter().map(|&k| corpus.word_ids(k).len()).sum();
        std::thread::scope(|scope| {
            // The lookup lists are built on two other threads while the
            // words and entries are written here, and the positions are
            // written while the figure lists are still being built.
            let lists = (total < u32::MAX as usize / 4).then(|| {
                ListsBuilding(
                    Some(scope.spawn(|| postings_record(corpus, &keys))),
                    Some(scope.spawn(|| corpus.figure_lists(&keys))),
                )
            });
            self.finish_records(dirs, corpus, found, &keys, lists, clock)
        })
    }

    /// The rest of `finish`: the words, entries and lookup lists.
    fn finish_records(
        mut self,
        dirs: &[PathBuf],
        corpus: &Corpus,
        found: Vec<(SourceKey, Stamp, (u64, u32, u32))>,
        keys: &[SourceKey],
        lists: Option<ListsBuilding<'_>>,
        clock: std::time::Instant,
    ) -> std::io::Result<Written> {
        let words_at = self.written as usize + 9;
        let words = keys.iter().map(|&k| corpus.word_ids(k));
        let (n, ids) = write_u32s_record(&mut self.file, Kind::Words, words, self.written)?;
        self.written += n;
        let words_range = words_at..self.written as usize;
        let figure_keys = keys.iter().map(|&k| corpus.figure_keys(k));
        let (n, keys_at) =
            write_u32s_record(&mut self.file, Kind::Keys, figure_keys, self.written)?;
        self.written += n;
        let mut at = Vec::new();
        let mut entries = Vec::new();
        let lists_at = ids.into_iter().zip(keys_at);
        for ((key, stamp, (offset, len, crc)), (ids, k)) in found.into_iter().zip(lists_at) {
            entries.extend(entry(corpus, key, stamp, ((offset, len), crc, ids, k)));
            let u32s_at = |(start, n): (u64, u32)| start as usize..start as usize + n as usize * 4;
            at.push(Rebase {
                key,
                blob: offset as usize..offset as usize + len as usize,
                crc,
                ids: u32s_at(ids),
                keys: u32s_at(k),
            });
        }
        for batch in entries.chunks(BATCH) {
            self.put(Kind::Sources, &encode(batch)?)?;
        }
        let mut saved_lists = None;
        if let Some(mut lists) = lists {
            let p = self.written as usize + 9;
            self.put(Kind::Postings, &ListsBuilding::join(lists.0.take())?)?;
            let figures = ListsBuilding::join(lists.1.take())?;
            let f = self.written as usize + 9;
            self.put(Kind::Figures, &figures)?;
            saved_lists = Some((p..f - 9, f..f + figures.len()));
        }
        self.file.flush()?;
        let published = self.publish()?;
        self.finished = true;
        tracing::info!(
            "wrote the index {} ({} bytes; lookups written in {:?})",
            self.path.display(),
            self.written,
            clock.elapsed()
        );
        let file = IndexFile {
            path: self.path.clone(),
            dirs: dirs.to_vec(),
            vocab_len: corpus.vocab_len(),
            superseded: 0,
            held_back: HashSet::new(),
            // After the rename, which changes the file's status time.
            stamp: Stamp::of(&published.metadata()?),
        };
        Ok(Written {
            private: self.read_back.try_clone()?,
            file,
            keys: keys.to_vec(),
            blobs: at,
            words: words_range,
            lists: saved_lists,
        })
    }
}

impl Writer {
    /// Copies the finished file to a temporary name beside the index and
    /// renames it into place under the index's lock. Returns the copy.
    fn publish(&mut self) -> std::io::Result<std::fs::File> {
        let mut out = std::fs::File::options()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&self.tmp)?;
        let mut from = &self.read_back;
        std::io::Seek::seek(&mut from, std::io::SeekFrom::Start(0))?;
        std::io::copy(&mut from, &mut out)?;
        let lock = IndexLock::exclusive(&self.path)?;
        std::fs::rename(&self.tmp, &self.path)?;
        drop(lock);
        Ok(out)
    }
}

/// The lock of one index file, on `<index>.lock` beside it: taken shared
/// to copy the index (`read`), exclusive to rename a new one into place or
/// to append to it, so that a copy never holds half an append.
struct IndexLock(std::fs::File);

impl IndexLock {
    fn open(index: &Path) -> std::io::Result<std::fs::File> {
        let mut name = index.as_os_str().to_owned();
        name.push(".lock");
        std::fs::File::options()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(PathBuf::from(name))
    }

    fn exclusive(index: &Path) -> std::io::Result<IndexLock> {
        let f = Self::open(index)?;
        f.lock()?;
        Ok(IndexLock(f))
    }

    fn shared(index: &Path) -> std::io::Result<IndexLock> {
        let f = Self::open(index)?;
        f.lock_shared()?;
        Ok(IndexLock(f))
    }
}

impl Drop for IndexLock {
    fn drop(&mut self) {
        let _ = self.0.unlock();
    }
}

/// Whether the sources written are still the corpus's when a file is
/// finished: `Locked`, the corpus was read under one lock from the first
/// source written (`write_full`, which encodes each from its slot);
/// `Checked`, it was not (a load's streaming write), so each is checked
/// (`Corpus::holds_blob`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Held {
    Locked,
    Checked,
}

/// A lookup list's record being built on another thread.
type Building<'scope> = std::thread::ScopedJoinHandle<'scope, Vec<u8>>;

/// The two lookup lists being built; whichever is not taken is joined when
/// this is dropped, so that returning early on an error never leaves a
/// panic in it to unwind the scope (and the whole load).
struct ListsBuilding<'scope>(Option<Building<'scope>>, Option<Building<'scope>>);

impl ListsBuilding<'_> {
    fn join(handle: Option<Building<'_>>) -> std::io::Result<Vec<u8>> {
        handle
            .ok_or_else(|| std::io::Error::other("a lookup list was joined twice"))?
            .join()
            .map_err(|_| std::io::Error::other("building the lookup lists failed"))
    }
}

impl Drop for ListsBuilding<'_> {
    fn drop(&mut self) {
        for handle in [self.0.take(), self.1.take()].into_iter().flatten() {
            let _ = handle.join();
        }
    }
}

/// Where the saved word positions and figure lists are in an index file.
type Lists = (std::ops::Range<usize>, std::ops::Range<usize>);

/// A whole index file just written, and where things are in it.
struct Written {
    /// The file as written, unlinked: what the corpus maps (`private_map`).
    private: std::fs::File,
    file: IndexFile,
    /// The sources written, in the order of the saved word positions.
    keys: Vec<SourceKey>,
    /// Where each one's encoded form and word ids are.
    blobs: Vec<Rebase>,
    /// The words record's payload.
    words: std::ops::Range<usize>,
    /// Where the saved word positions and figure lists are.
    lists: Option<Lists>,
}

impl Drop for Writer {
    fn drop(&mut self) {
        if !self.finished {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// One record of an index file: its kind, where its payload starts in the
/// file, and the payload.
struct Record<'a> {
    kind: Kind,
    at: usize,
    payload: &'a [u8],
    /// For a words record whose ids lie aligned, a bound every id is below.
    id_bound: Option<u64>,
}

/// The record at `at`, and the offset after it. `Ok(None)` at the end.
fn next_record(bytes: &[u8], at: usize) -> Result<Option<(Record<'_>, usize)>, String> {
    if at == bytes.len() {
        return Ok(None);
    }
    let head = bytes
        .get(at..at + 9)
        .ok_or_else(|| format!("truncated record at byte {at}"))?;
    let kind = Kind::from(head[0]).ok_or_else(|| format!("unknown record at byte {at}"))?;
    let len = u32::from_le_bytes(head[1..5].try_into().expect("4 bytes")) as usize;
    let crc = u32::from_le_bytes(head[5..9].try_into().expect("4 bytes"));
    let payload = bytes
        .get(at + 9..at + 9 + len)
        .ok_or_else(|| format!("truncated record at byte {at}"))?;
    // Sources are checked one by one as they are decoded (see `Entry::crc`).
    let (sum, id_bound) = match kind {
        Kind::Blobs => (crc, None),
        Kind::Words => crc_and_id_bound(payload),
        _ => (crc32fast::hash(payload), None),
    };
    if sum != crc {
        return Err(format!("checksum mismatch in the record at byte {at}"));
    }
    let next = at + 9 + len;
    Ok(Some((
        Record {
            kind,
            at: at + 9,
            payload,
            id_bound,
        },
        next,
    )))
}

/// The crc32 of a words record (see `u32s_payload`) and, if its ids lie
/// aligned, one more than the largest (0 if it has none): in one pass, a
/// chunk at a time while it is in cache, so that the ids need not be read
/// again source by source (see `Saved::words_fit`).
fn crc_and_id_bound(payload: &[u8]) -> (u32, Option<u64>) {
    let pad = payload.first().map_or(0, |&p| usize::from(p));
    let Some((head, ids)) = payload
        .split_at_checked(1 + pad)
        .filter(|(_, ids)| crate::engine::corpus::as_u32s(ids).is_some())
    else {
        return (crc32fast::hash(payload), None);
    };
    let mut crc = crc32fast::Hasher::new();
    crc.update(head);
    let mut bound = 0;
    // A multiple of 4, so every chunk stays aligned.
    for chunk in ids.chunks(64 << 10) {
        crc.update(chunk);
        let max = crate::engine::corpus::as_u32s(chunk)
            .and_then(|c| c.iter().copied().max())
            .map_or(0, |m| u64::from(m) + 1);
        bound = bound.max(max);
    }
    (crc.finalize(), Some(bound))
}

/// Reads an index file. `Ok(None)` when there is none; `Err` says why one
/// cannot be used.
fn read(path: &Path, dirs: &[PathBuf]) -> Result<Option<Saved>, String> {
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("cannot open it: {e}")),
    };
    let stamp = file
        .metadata()
        .map(|m| Stamp::of(&m))
        .map_err(|e| format!("cannot read its metadata: {e}"))?;
    let folder = path.parent().unwrap_or(Path::new("."));
    // No lock where none can be taken (a read-only folder): the stamps
    // compared below still catch a change made during the copy.
    let lock = IndexLock::shared(path).ok();
    let map = private_map(&file, folder).map_err(|e| format!("cannot copy it: {e}"))?;
    drop(lock);
    let after = file.metadata().map(|m| Stamp::of(&m)).ok();
    if map.len() as u64 != stamp.len || after != Some(stamp) {
        // Appended to, truncated or rewritten in place while copied.
        return Err("it changed while it was read".into());
    }
    parse(Arc::new(map), dirs, stamp).map(Some)
}

/// A map of a copy of `file` that no other process can reach: an unlinked
/// file in `folder` (or, where none can be made, anonymous memory). Only
/// such copies are mapped, so that another process truncating the index
/// or rewriting it in place can neither pull pages from under a map
/// (SIGBUS) nor change bytes already checked.
fn private_map(file: &std::fs::File, folder: &Path) -> std::io::Result<memmap2::Mmap> {
    let mut from = file;
    match tempfile::tempfile_in(folder) {
        Ok(mut copy) => {
            std::io::Seek::seek(&mut from, std::io::SeekFrom::Start(0))?;
            std::io::copy(&mut from, &mut copy)?;
            map_private(&copy)
        }
        Err(e) => {
            tracing::debug!(
                "no private file in {}: {e}; copying to memory",
                folder.display()
            );
            let len = usize::try_from(file.metadata()?.len()).map_err(std::io::Error::other)?;
            let mut anon = memmap2::MmapOptions::new().len(len.max(1)).map_anon()?;
            std::io::Seek::seek(&mut from, std::io::SeekFrom::Start(0))?;
            let mut filled = 0;
            while filled < len {
                match std::io::Read::read(&mut from, &mut anon[filled..len])? {
                    0 => break,
                    n => filled += n,
                }
            }
            if filled < len {
                return Err(std::io::Error::other("it shrank while copied"));
            }
            anon.make_read_only()
        }
    }
}

/// Maps a file only this process holds (see `private_map`).
fn map_private(file: &std::fs::File) -> std::io::Result<memmap2::Mmap> {
    // SAFETY: the file is unlinked and this process's own; nothing else
    // can truncate or change it, so the mapped bytes stay as written.
    unsafe { memmap2::Mmap::map(file) }
}

/// The header this build writes: magic, format, engine fingerprint.
fn header() -> Vec<u8> {
    let mut head = MAGIC.to_vec();
    head.extend_from_slice(&FORMAT.to_le_bytes());
    head.extend_from_slice(ENGINE.as_bytes());
    head
}

/// Why the header of an index file is not one this build reads, if it is
/// not.
fn header_error(bytes: &[u8]) -> Option<String> {
    if bytes.len() < HEADER || &bytes[..8] != MAGIC {
        return Some("not an index file".into());
    }
    let format = u32::from_le_bytes(bytes[8..12].try_into().expect("4 bytes"));
    if format != FORMAT {
        return Some(format!("format {format}, this build reads {FORMAT}"));
    }
    if &bytes[12..HEADER] != ENGINE.as_bytes() {
        return Some("written by another build of the engine".into());
    }
    None
}

/// Does the file at `path` start with a header this build reads? Its
/// records are not read.
fn header_fits(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; HEADER];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok_and(|()| header_error(&head).is_none())
}

/// The payload of each record, with its offset in `bytes`.
fn records(bytes: &[u8]) -> Result<Vec<Record<'_>>, String> {
    if let Some(why) = header_error(bytes) {
        return Err(why);
    }
    let mut out = Vec::new();
    let mut at = HEADER;
    while let Some((record, next)) = next_record(bytes, at)? {
        out.push(record);
        at = next;
    }
    Ok(out)
}

fn parse(map: Arc<memmap2::Mmap>, dirs: &[PathBuf], stamp: Stamp) -> Result<Saved, String> {
    let all: &[u8] = &map;
    let records = records(all)?;
    // Every page was read for the checksums; let the kernel take back the
    // ones no check needs (a source's pages come back when it is decoded).
    release_pages(&map);
    match records.first() {
        Some(Record {
            kind: Kind::Dirs,
            payload,
            ..
        }) => {
            let saved: Vec<PathBuf> = postcard::from_bytes(payload).map_err(|e| e.to_string())?;
            if saved != dirs {
                return Err("made for other corpus folders".into());
            }
        }
        _ => return Err("no corpus folders recorded".into()),
    }
    let batches: Vec<&[u8]> = records
        .iter()
        .filter(|r| r.kind == Kind::Sources)
        .map(|r| r.payload)
        .collect();
    let of_kind = |kind: Kind| -> Vec<std::ops::Range<usize>> {
        records
            .iter()
            .filter(|r| r.kind == kind)
            .map(|r| r.at..r.at + r.payload.len())
            .collect()
    };
    let (words, keys) = (of_kind(Kind::Words), of_kind(Kind::Keys));
    let blobs = of_kind(Kind::Blobs);
    let decoded = decode_batches(&batches, &blobs, &[words.as_slice(), &keys])?;
    let mut entries = Entries::default();
    entries.reserve(decoded.iter().map(Vec::len).sum());
    let mut decoded = decoded.into_iter();
    let mut vocab: Vec<Term> = Vec::new();
    let mut superseded = 0;
    for Record { kind, payload, .. } in &records[1..] {
        match kind {
            Kind::Dirs => return Err("two folder records".into()),
            Kind::Blobs | Kind::Words | Kind::Keys | Kind::Postings | Kind::Figures => {}
            Kind::Vocab => {
                let words: Vec<&str> = postcard::from_bytes(payload).map_err(|e| e.to_string())?;
                vocab.extend(words.into_iter().map(Term::from));
            }
            Kind::Removed => {
                let paths: Vec<PathBuf> =
                    postcard::from_bytes(payload).map_err(|e| e.to_string())?;
                for p in paths {
                    superseded += usize::from(entries.remove(p.as_os_str()).is_some());
                }
            }
            Kind::Sources => {
                // Its words are checked against the vocabulary here (see
                // `words_fit`) or by `insert_stored`.
                for (stored, stamp) in decoded.next().expect("one decoded batch per record") {
                    let path = stored.head.path.clone().into_os_string();
                    superseded += usize::from(entries.insert(path, (stored, stamp)).is_some());
                }
            }
        }
    }
    // The entries are copied out: their pages can go too.
    release_pages(&map);
    let lists = match &records[..] {
        [.., p, f] if p.kind == Kind::Postings && f.kind == Kind::Figures => {
            Some((p.at..p.at + p.payload.len(), f.at..f.at + f.payload.len()))
        }
        _ => None,
    };
    let words_fit = records
        .iter()
        .filter(|r| r.kind == Kind::Words)
        .all(|r| r.id_bound.is_some_and(|b| b <= vocab.len() as u64));
    let words = match words[..] {
        [ref only] => Some(only.clone()),
        _ => None,
    };
    Ok(Saved {
        bytes: map.clone(),
        map,
        vocab,
        entries,
        superseded,
        words,
        words_fit,
        lists,
        stamp,
    })
}

/// Decodes the entries of each batch (in parallel), checking that each
/// source's parsed form, words and figure keys lie inside one of the blob,
/// words and keys records (`lists`: the words, then the keys records).
fn decode_batches(
    batches: &[&[u8]],
    blobs: &[std::ops::Range<usize>],
    lists: &[&[std::ops::Range<usize>]; 2],
) -> Result<Vec<Vec<(Stored, Stamp)>>, String> {
    on_all_cores(batches, |b| decode_batch(b, blobs, lists))
        .ok_or("decoding panicked")?
        .into_iter()
        .collect()
}

/// `len` bytes at file offset `at`, if they lie inside one of `records`
/// (payload ranges, in file order).
fn inside(
    records: &[std::ops::Range<usize>],
    at: u64,
    len: usize,
) -> Option<std::ops::Range<usize>> {
    let start = usize::try_from(at).ok()?;
    let range = start..start.checked_add(len)?;
    // The last record starting at or before `start` is the only one that
    // can hold it.
    let i = records.partition_point(|r| r.start <= start);
    (i > 0 && range.end <= records[i - 1].end).then_some(range)
}

fn decode_batch(
    payload: &[u8],
    blobs: &[std::ops::Range<usize>],
    [words, keys]: &[&[std::ops::Range<usize>]; 2],
) -> Result<Vec<(Stored, Stamp)>, String> {
    let entries: Vec<Entry> = postcard::from_bytes(payload).map_err(|e| e.to_string())?;
    entries
        .into_iter()
        .map(|e| {
            let blob = inside(blobs, e.blob.0, e.blob.1 as usize).ok_or_else(|| {
                format!("{}: a source outside the blob records", e.path.display())
            })?;
            let ids = inside(words, e.ids.0, e.ids.1 as usize * 4)
                .ok_or_else(|| format!("{}: words outside the words records", e.path.display()))?;
            let figure_keys = inside(keys, e.keys.0, e.keys.1 as usize * 4).ok_or_else(|| {
                format!("{}: figure keys outside the keys records", e.path.display())
            })?;
            let stored = Stored {
                head: Head {
                    path: e.path,
                    id: String::new(),
                    declared_id: e.declared_id,
                    meta: e.meta,
                },
                ids,
                figure_keys,
                blob,
                crc: e.crc,
            };
            Ok((stored, e.stamp))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_header_this_build_reads_fits() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("index.bin");
        assert!(!header_fits(&p), "no file");
        let head = header();
        assert_eq!(head.len(), HEADER);
        std::fs::write(&p, &head).unwrap();
        assert!(header_fits(&p));
        std::fs::write(&p, &head[..HEADER - 1]).unwrap();
        assert!(!header_fits(&p), "truncated");
        let mut other = head.clone();
        other[HEADER - 1] ^= 1;
        std::fs::write(&p, &other).unwrap();
        assert!(!header_fits(&p), "another engine");
        assert_eq!(
            header_error(&other).as_deref(),
            Some("written by another build of the engine")
        );
        let mut format = head.clone();
        format[8] ^= 1;
        std::fs::write(&p, &format).unwrap();
        assert!(!header_fits(&p), "another format");
    }

    #[test]
    fn a_u32s_record_written_in_place_has_the_bytes_of_its_gathered_payload() {
        let lists: Vec<Vec<u32>> = vec![
            vec![7, 0, u32::MAX],
            vec![],
            vec![0x0102_0304],
            (0..1000).collect(),
        ];
        for at in [0u64, 1, 2, 3, 28, 1 << 33] {
            let iter = lists.iter().map(Vec::as_slice);
            let mut streamed = Vec::new();
            let (n, places) = write_u32s_record(&mut streamed, Kind::Words, iter.clone(), at)
                .expect("writing to memory");
            let (payload, gathered_places) = u32s_payload(iter, at + 9);
            let mut gathered = Vec::new();
            record(&mut gathered, Kind::Words, &payload).unwrap();
            assert_eq!(streamed, gathered, "at {at}");
            assert_eq!(n, gathered.len() as u64);
            assert_eq!(places, gathered_places);
            // Each list lies 4-byte aligned in the file, where its place says.
            for ((offset, count), list) in places.iter().zip(&lists) {
                assert_eq!(offset % 4, 0);
                let start = (offset - at) as usize;
                let bytes = &streamed[start..start + *count as usize * 4];
                let back: Vec<u32> = bytes
                    .chunks_exact(4)
                    .map(|b| u32::from_le_bytes(b.try_into().unwrap()))
                    .collect();
                assert_eq!(&back, list);
            }
        }
    }

    #[test]
    fn written_sources_are_mapped_back_from_the_file_being_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FOLDER).join("index-test.bin");
        let mut w = Writer::start(&path, &[dir.path().to_path_buf()]).unwrap();
        // Two sources fill a chunk; the third writes it.
        let blobs: Vec<Vec<u8>> = (0..3u8)
            .map(|i| {
                (0..CHUNK / 2 - 7)
                    .map(|j| (j as u8).wrapping_mul(31) ^ i)
                    .collect()
            })
            .collect();
        let names = ["a.md", "b.md", "c.md"].map(PathBuf::from);
        assert!(w.add(&names[0], &blobs[0]).unwrap().is_none());
        assert!(w.add(&names[1], &blobs[1]).unwrap().is_none());
        let chunk = w
            .add(&names[2], &blobs[2])
            .unwrap()
            .expect("a chunk was written");
        let raw = (*chunk.bytes).as_ref();
        assert_eq!(chunk.sources.len(), 2);
        for ((name, range, crc), blob) in chunk.sources.iter().zip(&blobs) {
            assert_eq!(&raw[range.clone()], &blob[..], "{}", name.display());
            assert_eq!(*crc, crc32fast::hash(blob));
        }
        assert_eq!(chunk.sources[0].0, names[0]);
        // The file holds each at the place its entry will give.
        let mut file = Vec::new();
        let mut from = &w.read_back;
        std::io::Seek::seek(&mut from, std::io::SeekFrom::Start(0)).unwrap();
        std::io::Read::read_to_end(&mut from, &mut file).unwrap();
        // The file being written has no name another process could open.
        assert!(!w.tmp.exists());
        for (name, blob) in names.iter().zip(&blobs).take(2) {
            let (at, len, _) = w.blobs[name];
            assert_eq!(&file[at as usize..at as usize + len as usize], &blob[..]);
        }
    }
}
