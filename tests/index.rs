//! The on-disk index (`.factcheck/`): a restart reads unchanged sources back
//! instead of parsing them, changed files are parsed again, and a corrupt,
//! foreign or outdated index is rebuilt with the reason given. Verdicts
//! through the index are the verdicts of a fresh build.
mod common;

use common::{read, render, root};
use factcheck_ls::cache::{self, Loaded};
use factcheck_ls::engine::check::analyze;
use factcheck_ls::engine::corpus::Corpus;
use factcheck_ls::engine::figure::Direction;
use factcheck_ls::load;
use std::path::{Path, PathBuf};

/// Both fixture corpora, copied into a project folder of their own.
fn project() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let sources = dir.path().join("sources");
    std::fs::create_dir_all(&sources).unwrap();
    for from in ["fixtures/corpus", "fixtures/transit/sources"] {
        for e in std::fs::read_dir(root().join(from)).unwrap().flatten() {
            std::fs::copy(e.path(), sources.join(e.file_name())).unwrap();
        }
    }
    let index = cache::index_path(dir.path(), std::slice::from_ref(&sources));
    (dir, sources, index)
}

fn open(sources: &Path, index: &Path) -> Loaded {
    cache::load_corpus(&[sources.to_path_buf()], Some(index), |_, _| {}).unwrap()
}

fn fresh(sources: &Path) -> Corpus {
    load::load_corpus(&[sources.to_path_buf()]).unwrap().0
}

const DRAFTS: [&str; 5] = [
    "fixtures/drafts/shakeup.md",
    "fixtures/drafts/clean.md",
    "fixtures/drafts/precision.md",
    "fixtures/transit/drafts/fares.md",
    "fixtures/transit/drafts/clean.md",
];

/// Diagnostics and the evidence behind them (source id and passage).
fn verdicts(corpus: &Corpus) -> Vec<String> {
    let mut out = Vec::new();
    for d in DRAFTS {
        let text = read(&root().join(d));
        out.extend(render(&text, corpus));
        for f in analyze(&text, corpus).findings {
            for e in f.evidence {
                out.push(format!("{d} {:?} {} {:?}", f.code, e.id, e.passage));
            }
        }
    }
    out
}

#[test]
fn a_restart_reads_the_sources_back_and_gives_the_same_verdicts() {
    let (_dir, sources, index) = project();
    let expected = verdicts(&fresh(&sources));
    assert!(expected
        .iter()
        .any(|l| l.contains("error[figure-mismatch]")));

    let cold = open(&sources, &index);
    assert_eq!(
        (cold.report.reused, cold.report.parsed, cold.report.rebuilt),
        (0, 8, None)
    );
    assert!(index.is_file());
    assert_eq!(
        std::fs::read_to_string(index.parent().unwrap().join(".gitignore")).unwrap(),
        "# factcheck-ls index cache: safe to delete\n*\n"
    );
    // A cold build keeps each source only encoded, in the file it wrote.
    assert_eq!(cold.corpus.decoded(), 0);
    let file = std::fs::read(&index).unwrap();
    for (k, _) in cold.corpus.heads() {
        let blob = cold.corpus.stored_blob(k).expect("read from the index");
        assert!(file.windows(blob.len()).any(|w| w == blob));
    }
    assert!(cold.corpus.reads_saved_words());
    assert_eq!(verdicts(&cold.corpus), expected);
    assert!(cold.corpus.decoded() > 0);

    let warm = open(&sources, &index);
    assert_eq!(
        (warm.report.reused, warm.report.parsed, warm.report.rebuilt),
        (8, 0, None)
    );
    // Sources are decoded when a check reads them, not at start.
    assert_eq!(warm.corpus.decoded(), 0);
    assert!(warm.corpus.reads_saved_words());
    // Word ids and figure keys are read in the file, after a cold build as
    // after a restart, and read the same.
    assert!(cold.corpus.reads_saved_lists() && warm.corpus.reads_saved_lists());
    let keys = |c: &factcheck_ls::engine::corpus::Corpus| {
        let mut all: Vec<_> = c
            .heads()
            .map(|(k, h)| (h.path.clone(), c.figure_keys(k).to_vec()))
            .collect();
        all.sort();
        all
    };
    let warm_keys = keys(&warm.corpus);
    assert_eq!(warm_keys, keys(&cold.corpus));
    assert!(warm_keys.iter().filter(|(_, k)| !k.is_empty()).count() >= 5);
    // The figure lists by direction come from the saved lists too, and
    // hold what a fresh build lists.
    let parsed = fresh(&sources);
    let mut directed = 0;
    for unit in ["count", "money", "percent"] {
        for dir in [Direction::Up, Direction::Down] {
            let saved = warm.corpus.figures_with_direction(unit, dir);
            assert_eq!(
                saved,
                parsed.figures_with_direction(unit, dir),
                "{unit} {dir:?}"
            );
            directed += saved.len();
        }
    }
    assert!(directed >= 3, "only {directed} figures with a direction");
    assert_eq!(verdicts(&warm.corpus), expected);
    assert!(warm.corpus.decoded() > 0);

    // Forgetting decoded sources keeps the verdicts: they are decoded again.
    // Only sources no recent check read are forgotten.
    let mut corpus = warm.corpus;
    let n = corpus.decoded();
    assert_eq!(corpus.evict_decoded(100, 1), 0, "under the limit");
    assert_eq!(corpus.evict_decoded(0, 1), 0, "all read in this epoch");
    corpus.advance_epoch();
    assert_eq!(corpus.evict_decoded(0, 2), 0, "read in the last two epochs");
    assert_eq!(corpus.evict_decoded(0, 1), n);
    assert_eq!(corpus.decoded(), 0);
    assert_eq!(verdicts(&corpus), expected);
    assert_eq!(corpus.decoded(), n);
}

#[test]
fn a_changed_file_is_parsed_again_and_the_index_follows() {
    let (_dir, sources, index) = project();
    open(&sources, &index);
    let wire = sources.join("102_wire.txt");
    let text = std::fs::read_to_string(&wire).unwrap();
    let changed = text.replace("2.75", "2.95");
    assert_ne!(text, changed);
    std::fs::write(&wire, &changed).unwrap();
    std::fs::remove_file(sources.join("001_f212ba1f0f660453.txt")).unwrap();
    let added = sources.join("104_new.md");
    std::fs::write(
        &added,
        "The depot has 14 electric buses, the operator said.\n",
    )
    .unwrap();

    let expected = verdicts(&fresh(&sources));
    let n = std::fs::read_dir(&sources).unwrap().count();
    assert_eq!(n, 8);
    let second = open(&sources, &index);
    assert_eq!(second.report.parsed, 2, "the changed and the new file");
    assert_eq!(second.report.reused, n - 2);
    assert_eq!(verdicts(&second.corpus), expected);
    let (id, s) = second
        .corpus
        .heads()
        .find(|(_, h)| h.path == wire)
        .map(|(k, h)| (h.id.clone(), second.corpus.get(k).unwrap()))
        .unwrap();
    assert_eq!(id, "102");
    assert!(s.text.contains("2.95"));

    // The changes were recorded: the next start parses nothing.
    let third = open(&sources, &index);
    assert_eq!((third.report.reused, third.report.parsed), (n, 0));
    assert_eq!(verdicts(&third.corpus), expected);
    assert!(third.corpus.heads().all(|(_, h)| h.id != "001"));
}

/// Damages the index, then expects it rebuilt for the reason `reason`
/// gives (from the undamaged index file).
fn corrupted_then_rebuilt(damage: impl FnOnce(&mut Vec<u8>), reason: impl FnOnce(&Path) -> String) {
    let (_dir, sources, index) = project();
    let expected = verdicts(&fresh(&sources));
    open(&sources, &index);
    let reason = reason(&index);
    let mut bytes = std::fs::read(&index).unwrap();
    damage(&mut bytes);
    std::fs::write(&index, &bytes).unwrap();
    let again = open(&sources, &index);
    assert_eq!(again.report.rebuilt, Some(reason));
    assert_eq!((again.report.reused, again.report.parsed), (0, 8));
    assert_eq!(verdicts(&again.corpus), expected);
    // Rebuilt whole: the next start uses it.
    let after = open(&sources, &index);
    assert_eq!((after.report.reused, after.report.rebuilt), (8, None));
}

#[test]
fn a_flipped_byte_is_caught_by_the_checksum() {
    corrupted_then_rebuilt(
        |b| {
            let at = b.len() / 2;
            b[at] ^= 0x40;
        },
        |index| {
            let len = std::fs::metadata(index).unwrap().len() as usize;
            format!(
                "checksum mismatch in the record at byte {}",
                record_holding(index, len / 2)
            )
        },
    );
}

/// The offset of the record that holds byte `byte` of an index file, found
/// the way the reader walks the records.
fn record_holding(index: &Path, byte: usize) -> usize {
    let b = std::fs::read(index).unwrap();
    let mut at = 8 + 4 + 16;
    loop {
        let len = u32::from_le_bytes(b[at + 1..at + 5].try_into().unwrap()) as usize;
        if byte < at + 9 + len {
            return at;
        }
        at += 9 + len;
    }
}

#[test]
fn a_truncated_index_is_rebuilt() {
    corrupted_then_rebuilt(
        |b| b.truncate(b.len() - 3),
        |index| {
            let len = std::fs::metadata(index).unwrap().len() as usize;
            format!(
                "truncated record at byte {}",
                record_holding(index, len - 3)
            )
        },
    );
}

#[test]
fn an_index_from_another_engine_build_or_format_is_rebuilt() {
    let said = |why: &str| {
        let why = why.to_string();
        move |_: &Path| why
    };
    corrupted_then_rebuilt(
        |b| b[12] ^= 1,
        said("written by another build of the engine"),
    );
    corrupted_then_rebuilt(|b| b[8] = 9, said("format 9, this build reads 5"));
    corrupted_then_rebuilt(|b| b[0] = b'X', said("not an index file"));
    corrupted_then_rebuilt(|b| b.clear(), said("not an index file"));
}

#[test]
fn an_index_made_for_other_folders_is_not_used() {
    let (dir, sources, index) = project();
    open(&sources, &index);
    let other = dir.path().join("other");
    std::fs::create_dir_all(&other).unwrap();
    std::fs::copy(sources.join("102_wire.txt"), other.join("102_wire.txt")).unwrap();
    // Someone copies the index over the other folders' name.
    let other_index = cache::index_path(dir.path(), std::slice::from_ref(&other));
    std::fs::copy(&index, &other_index).unwrap();
    let loaded =
        cache::load_corpus(std::slice::from_ref(&other), Some(&other_index), |_, _| {}).unwrap();
    assert_eq!(
        loaded.report.rebuilt.as_deref(),
        Some("made for other corpus folders")
    );
    assert_eq!(
        (
            loaded.report.reused,
            loaded.report.parsed,
            loaded.corpus.len()
        ),
        (0, 1, 1)
    );
}

#[test]
fn many_small_changes_are_appended_then_compacted_into_a_rewrite() {
    let (_dir, sources, index) = project();
    let mut loaded = open(&sources, &index);
    let wire = sources.join("102_wire.txt");
    let text = std::fs::read_to_string(&wire).unwrap();
    let mut sizes = Vec::new();
    for round in 0..12 {
        std::fs::write(&wire, format!("{text}\nRound {round}.\n")).unwrap();
        let (t, stamp) = load::read_stamped(&wire).unwrap();
        loaded.corpus.upsert(&wire, t);
        let file = loaded.report.index.as_mut().unwrap();
        file.append(&loaded.corpus, &[(wire.clone(), stamp)], &[])
            .unwrap();
        sizes.push(std::fs::metadata(&index).unwrap().len());
    }
    // Appends grow the file; once half of it is superseded it is rewritten.
    assert!(sizes.windows(2).any(|w| w[1] > w[0]));
    assert!(sizes.windows(2).any(|w| w[1] < w[0]), "{sizes:?}");
    let again = open(&sources, &index);
    assert_eq!((again.report.reused, again.report.parsed), (8, 0));
    let key = again.corpus.key_of_path(&wire).unwrap();
    assert!(again.corpus.get(key).unwrap().text.ends_with("Round 11.\n"));
    assert_eq!(verdicts(&again.corpus), verdicts(&fresh(&sources)));
}

#[test]
fn an_index_another_process_wrote_to_is_left_to_the_next_load() {
    let (_dir, sources, index) = project();
    // Two processes on one project: each loads the index.
    let mut mine = open(&sources, &index);
    let mut other = open(&sources, &index);
    let wire = sources.join("102_wire.txt");
    let text = std::fs::read_to_string(&wire).unwrap();
    let edit = |round: usize, loaded: &mut Loaded| {
        std::fs::write(&wire, format!("{text}\nRound {round}.\n")).unwrap();
        let (t, stamp) = load::read_stamped(&wire).unwrap();
        loaded.corpus.upsert(&wire, t);
        stamp
    };
    // The other appends a change; this one may not append after it.
    let stamp = edit(1, &mut other);
    let file = other.report.index.as_mut().unwrap();
    file.append(&other.corpus, &[(wire.clone(), stamp)], &[])
        .unwrap();
    let written = std::fs::read(&index).unwrap();
    let stamp = edit(2, &mut mine);
    let file = mine.report.index.as_mut().unwrap();
    let refused = file
        .append(&mine.corpus, &[(wire.clone(), stamp)], &[])
        .unwrap_err();
    assert!(refused.to_string().contains("another process"), "{refused}");
    // Nor rewrite it whole from the other's stamps (five of eight changed).
    let all: Vec<(PathBuf, load::Stamp)> = std::fs::read_dir(&sources)
        .unwrap()
        .flatten()
        .take(5)
        .map(|e| {
            load::read_stamped(&e.path())
                .map(|(_, s)| (e.path(), s))
                .unwrap()
        })
        .collect();
    assert!(file.append(&mine.corpus, &all, &[]).is_err());
    assert_eq!(std::fs::read(&index).unwrap(), written);
    // The next load parses the file changed since the other's append.
    let again = open(&sources, &index);
    assert_eq!((again.report.reused, again.report.parsed), (7, 1));
    let key = again.corpus.key_of_path(&wire).unwrap();
    assert!(again.corpus.get(key).unwrap().text.ends_with("Round 2.\n"));
    assert_eq!(verdicts(&again.corpus), verdicts(&fresh(&sources)));

    // A file rewritten whole by another process is refused as well.
    let mut mine = open(&sources, &index);
    std::fs::remove_file(&index).unwrap();
    open(&sources, &index);
    let stamp = edit(3, &mut mine);
    let file = mine.report.index.as_mut().unwrap();
    assert!(file
        .append(&mine.corpus, &[(wire.clone(), stamp)], &[])
        .is_err());
}

#[test]
fn a_damaged_source_is_found_when_read_and_parsed_again() {
    let (_dir, sources, index) = project();
    let expected = verdicts(&fresh(&sources));
    open(&sources, &index);
    // Change one letter of a source's saved text: the file still opens
    // (sources are checked one by one, when read), but that source fails
    // its checksum when a check decodes it.
    let victim = sources.join("003_c06f4ef91d2d64b1.txt");
    let text = std::fs::read_to_string(&victim).unwrap();
    let probe = &text[text.len() / 2..text.len() / 2 + 40];
    let mut bytes = std::fs::read(&index).unwrap();
    let at = bytes
        .windows(probe.len())
        .position(|w| w == probe.as_bytes())
        .expect("the saved text");
    bytes[at + 20] ^= 0x01;
    std::fs::write(&index, &bytes).unwrap();

    let mut damaged = open(&sources, &index);
    assert_eq!(
        (damaged.report.reused, damaged.report.rebuilt.as_deref()),
        (8, None)
    );
    let _ = verdicts(&damaged.corpus);
    let found = damaged.corpus.take_damaged();
    assert_eq!(found, [victim]);
    cache::repair(&mut damaged.corpus, &found, damaged.report.index.as_mut());
    assert_eq!(verdicts(&damaged.corpus), expected);
    assert!(damaged.corpus.take_damaged().is_empty());

    // The repair went into the index: the next start reads it back whole.
    let after = open(&sources, &index);
    assert_eq!((after.report.reused, after.report.parsed), (8, 0));
    assert_eq!(verdicts(&after.corpus), expected);
    assert!(after.corpus.take_damaged().is_empty());
}

/// Counts the corpus, and its sources not yet listed for lookups, at each
/// change a load makes.
struct Watched {
    corpus: std::sync::RwLock<Corpus>,
    sizes: std::sync::Mutex<Vec<usize>>,
    pending: std::sync::Mutex<Vec<usize>>,
}

impl cache::Shelf for Watched {
    fn cell(&self) -> &std::sync::RwLock<Corpus> {
        &self.corpus
    }

    fn changed(&self) {
        let c = self.corpus.read().unwrap();
        self.sizes.lock().unwrap().push(c.len());
        self.pending.lock().unwrap().push(c.pending());
    }
}

#[test]
fn a_load_shows_sources_batch_by_batch_and_the_index_first() {
    let dir = tempfile::tempdir().unwrap();
    let sources = dir.path().join("sources");
    std::fs::create_dir_all(&sources).unwrap();
    // A made-up thing per file, each with its own count.
    let thing = |i: usize| {
        let syllables = ["ka", "lo", "mi", "ru", "te", "vo", "sa", "ne"];
        (0..4)
            .map(|d| syllables[(i >> (3 * d)) & 7])
            .collect::<String>()
    };
    for i in 0..600 {
        std::fs::write(
            sources.join(format!("{i:04}.txt")),
            format!("The library holds {} {}.\n", i + 41, thing(i)),
        )
        .unwrap();
    }
    let index = cache::index_path(dir.path(), std::slice::from_ref(&sources));
    let load = |shelf: &Watched| {
        cache::load_into(
            std::slice::from_ref(&sources),
            Some(&index),
            |_, _| {},
            shelf,
        )
        .unwrap()
    };
    let shelf = Watched {
        corpus: Default::default(),
        sizes: Default::default(),
        pending: Default::default(),
    };
    let report = load(&shelf);
    assert_eq!((report.reused, report.parsed), (0, 600));
    // Empty (nothing saved), two full batches and the rest, then the
    // sources pointed at the index just written.
    assert_eq!(*shelf.sizes.lock().unwrap(), [0, 256, 512, 600, 600]);
    // A whole build lists nothing as it goes: the lists it writes to the
    // index are taken once it is written.
    assert_eq!(*shelf.pending.lock().unwrap(), [0, 256, 512, 600, 0]);
    let corpus = shelf.corpus.read().unwrap();
    let draft = format!(
        "The library holds 48 {}. The library holds 70 {}.\n",
        thing(7),
        thing(8)
    );
    assert_eq!(
        render(&draft, &corpus),
        ["0:49-0:51 error[figure-mismatch] source says 49 kalokaka, not 70; see 0008"]
    );
    drop(corpus);

    // One file changed: the saved sources are there at once, then it.
    std::fs::write(
        sources.join("0008.txt"),
        format!("The library holds 70 {}.\n", thing(8)),
    )
    .unwrap();
    let shelf = Watched {
        corpus: Default::default(),
        sizes: Default::default(),
        pending: Default::default(),
    };
    let report = load(&shelf);
    assert_eq!((report.reused, report.parsed), (599, 1));
    assert_eq!(*shelf.sizes.lock().unwrap(), [599, 600]);
    assert_eq!(*shelf.pending.lock().unwrap(), [0, 0]);
    assert!(render(&draft, &shelf.corpus.read().unwrap()).is_empty());
    // A small corpus appends the change.
    assert!(!report.written_whole);
}

/// A project of `n` one-line sources, "The archive lists {i + 10} letters.",
/// named 0000.txt on: its folder, sources folder and index path.
fn archive(n: usize) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let sources = dir.path().join("sources");
    std::fs::create_dir_all(&sources).unwrap();
    for i in 0..n {
        std::fs::write(
            sources.join(format!("{i:04}.txt")),
            format!("The archive lists {} letters.\n", i + 10),
        )
        .unwrap();
    }
    let index = cache::index_path(dir.path(), std::slice::from_ref(&sources));
    (dir, sources, index)
}

#[test]
fn a_large_corpus_is_written_whole_after_a_change_so_positions_stay_in_place() {
    let (_dir, sources, index) = archive(1030);
    let open = || open(&sources, &index);
    assert!(open().report.written_whole, "a cold build");
    assert!(!open().report.written_whole, "nothing changed");
    std::fs::write(sources.join("0007.txt"), "The archive lists 99 letters.\n").unwrap();
    let changed = open();
    assert_eq!((changed.report.reused, changed.report.parsed), (1029, 1));
    assert!(
        changed.report.written_whole,
        "appending would leave the positions behind"
    );
    // The saved sources came with the old file's lists, so the new file's
    // are not taken; the source parsed for it is listed all the same.
    let c = &changed.corpus;
    assert_eq!(c.pending(), 0);
    let seven = c.key_of_path(&sources.join("0007.txt")).unwrap() as u32;
    let letters = c.figures_with_head(&factcheck_ls::engine::text::stem("letters"));
    assert_eq!(letters.iter().filter(|r| r.0 == seven).count(), 1);
    let (archive, lists) = (c.word_id("archive"), c.word_id("lists"));
    let pairs = c.occurrences(archive, lists);
    assert_eq!(pairs.len(), 1030);
    assert_eq!(pairs.iter().filter(|p| p.0 == seven).count(), 1);
    let after = open();
    assert_eq!(
        (
            after.report.reused,
            after.report.parsed,
            after.report.written_whole
        ),
        (1030, 0, false)
    );
    let text = after
        .corpus
        .get(after.corpus.key_of_path(&sources.join("0007.txt")).unwrap());
    assert!(text.unwrap().text.contains("99 letters"));
}

#[test]
fn sources_are_listed_and_kept_when_the_index_cannot_be_written() {
    let (_dir, sources, index) = archive(40);
    // A folder that is not empty where the file goes: the build streams
    // the index into a temporary file, and renaming it fails at the end.
    std::fs::create_dir_all(index.join("in-the-way")).unwrap();
    let loaded = open(&sources, &index);
    assert_eq!(
        (loaded.report.parsed, loaded.report.written_whole),
        (40, false)
    );
    assert!(loaded.report.index.is_none());
    let c = &loaded.corpus;
    assert_eq!(c.pending(), 0);
    let letters = c.figures_with_head(&factcheck_ls::engine::text::stem("letters"));
    assert_eq!(letters.len(), 40);
    let keys: Vec<u32> = c
        .occurrences(c.word_id("archive"), c.word_id("lists"))
        .iter()
        .map(|p| p.0)
        .collect();
    assert_eq!(keys, (0..40).collect::<Vec<u32>>());
    // Still readable (its encoded form kept in memory), and not damaged.
    let seven = c.key_of_path(&sources.join("0007.txt")).unwrap();
    assert_eq!(c.get(seven).unwrap().figures[0].value, 17.0);
    assert!(c.take_damaged().is_empty());
    // The temporary file is gone; the index's lock stays.
    let mut left: Vec<_> = std::fs::read_dir(index.parent().unwrap())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    let name = index.file_name().unwrap().to_string_lossy().into_owned();
    assert_eq!(
        left,
        [
            ".gitignore".to_string(),
            name.clone(),
            format!("{name}.lock")
        ]
    );
}

/// A shelf that, once `path` is in, replaces it with an editor's buffer
/// (as the server's `didChange` on an open source would during a load).
struct Edited {
    corpus: std::sync::RwLock<Corpus>,
    path: PathBuf,
    done: std::sync::atomic::AtomicBool,
}

impl cache::Shelf for Edited {
    fn cell(&self) -> &std::sync::RwLock<Corpus> {
        &self.corpus
    }

    fn changed(&self) {
        use std::sync::atomic::Ordering::SeqCst;
        let there = self
            .corpus
            .read()
            .unwrap()
            .key_of_path(&self.path)
            .is_some();
        if there && !self.done.swap(true, SeqCst) {
            let buffer = "The archive lists 17 maps near the river.\n".to_string();
            self.corpus.write().unwrap().upsert(&self.path, buffer);
        }
    }
}

#[test]
fn a_source_replaced_during_a_whole_build_is_not_saved_with_the_other_text() {
    let (_dir, sources, index) = archive(40);
    let seven = sources.join("0007.txt");
    let shelf = Edited {
        corpus: Default::default(),
        path: seven.clone(),
        done: Default::default(),
    };
    let dirs = std::slice::from_ref(&sources);
    let report = cache::load_into(dirs, Some(&index), |_, _| {}, &shelf).unwrap();
    assert!(report.written_whole);
    let heads = |c: &Corpus| {
        let k = c.key_of_path(&seven).unwrap();
        let f = &c.get(k).unwrap().figures;
        f.iter()
            .map(|f| (f.head, f.noun.clone()))
            .collect::<Vec<_>>()
    };
    let stem = factcheck_ls::engine::text::stem;
    let buffer = vec![(Some(stem("maps")), "maps".to_string())];
    assert_eq!(heads(&shelf.corpus.read().unwrap()), buffer);
    // Restarted without the buffer: the file's own text, parsed again, and
    // never its encoded form with the buffer's figure keys.
    let after = open(&sources, &index);
    assert_eq!((after.report.reused, after.report.parsed), (39, 1));
    let file = vec![(Some(stem("letters")), "letters".to_string())];
    assert_eq!(heads(&after.corpus), file);
    assert!(after.corpus.take_damaged().is_empty());
}

/// The records of an index file: (kind, offset of the record).
fn records_of(bytes: &[u8]) -> Vec<(u8, usize)> {
    let mut out = Vec::new();
    let mut at = 8 + 4 + 16;
    while at < bytes.len() {
        let len = u32::from_le_bytes(bytes[at + 1..at + 5].try_into().unwrap()) as usize;
        out.push((bytes[at], at));
        at += 9 + len;
    }
    out
}

#[test]
fn a_word_id_outside_the_vocabulary_is_caught_though_its_checksum_holds() {
    // Word ids are checked once per record as the index is read, not source
    // by source; an id out of range (a bug in the writer, since the record's
    // checksum holds) must still keep its source out of the saved form.
    let (_dir, sources, index) = project();
    let expected = verdicts(&fresh(&sources));
    open(&sources, &index);
    let mut bytes = std::fs::read(&index).unwrap();
    const WORDS: u8 = 8;
    let words: Vec<usize> = records_of(&bytes)
        .into_iter()
        .filter(|&(kind, _)| kind == WORDS)
        .map(|(_, at)| at)
        .collect();
    assert_eq!(words.len(), 1, "a file written whole has one words record");
    let at = words[0];
    let len = u32::from_le_bytes(bytes[at + 1..at + 5].try_into().unwrap()) as usize;
    let payload = at + 9..at + 9 + len;
    // The payload: a pad length, the padding, then the ids, the first
    // source's first.
    let first_id = payload.start + 1 + bytes[payload.start] as usize;
    bytes[first_id..first_id + 4].copy_from_slice(&u32::MAX.to_le_bytes());
    let crc = crc32fast::hash(&bytes[payload.clone()]);
    bytes[at + 5..at + 9].copy_from_slice(&crc.to_le_bytes());
    std::fs::write(&index, &bytes).unwrap();

    let again = open(&sources, &index);
    assert_eq!(again.report.rebuilt, None, "the checksums hold");
    assert_eq!((again.report.reused, again.report.parsed), (7, 1));
    assert_eq!(verdicts(&again.corpus), expected);
    // The source that did not fit is the first in path order.
    let first = load::list_sources(std::slice::from_ref(&sources)).unwrap()[0].clone();
    let ids = again
        .corpus
        .word_ids(again.corpus.key_of_path(&first).unwrap());
    assert!(!ids.is_empty() && !ids.contains(&u32::MAX));
}

/// A whole rewrite during a load: a file edited after the folders were
/// listed (and its saved entry trusted) keeps the stamp its saved text was
/// read with, so the next start sees the edit.
#[test]
fn a_rewrite_during_a_load_saves_each_source_with_the_stamp_of_its_text() {
    let (_dir, sources, index) = archive(1030);
    open(&sources, &index);
    // One change: a corpus this large is then written whole.
    std::fs::write(sources.join("0007.txt"), "The archive lists 99 letters.\n").unwrap();
    let edited = sources.join("0100.txt");
    let once = std::sync::Once::new();
    let loaded = cache::load_corpus(std::slice::from_ref(&sources), Some(&index), |_, _| {
        once.call_once(|| {
            std::fs::write(&edited, "The archive lists 12345 letters, edited.\n").unwrap()
        })
    })
    .unwrap();
    assert!(loaded.report.written_whole);
    assert_eq!((loaded.report.reused, loaded.report.parsed), (1029, 1));
    let after = open(&sources, &index);
    assert_eq!((after.report.reused, after.report.parsed), (1029, 1));
    let key = after.corpus.key_of_path(&edited).unwrap();
    let text = after.corpus.get(key).unwrap().text.clone();
    assert_eq!(text, "The archive lists 12345 letters, edited.\n");
}

/// A whole rewrite after appended changes: a file edited on disk that the
/// server has not read yet keeps its saved stamp, so the next start parses
/// it instead of trusting the old text under the new stamp.
#[test]
fn a_rewrite_after_appends_keeps_the_saved_stamps_of_the_other_sources() {
    let (_dir, sources, index) = project();
    let mut loaded = open(&sources, &index);
    let other = sources.join("103_council_transcript.txt");
    std::fs::write(&other, "The council counted 4242 votes.\n").unwrap();
    let wire = sources.join("102_wire.txt");
    let text = std::fs::read_to_string(&wire).unwrap();
    let mut rewritten = false;
    for round in 0..12 {
        std::fs::write(&wire, format!("{text}\nRound {round}.\n")).unwrap();
        let (t, stamp) = load::read_stamped(&wire).unwrap();
        loaded.corpus.upsert(&wire, t);
        let before = std::fs::metadata(&index).unwrap().len();
        let file = loaded.report.index.as_mut().unwrap();
        file.append(&loaded.corpus, &[(wire.clone(), stamp)], &[])
            .unwrap();
        rewritten |= std::fs::metadata(&index).unwrap().len() < before;
    }
    assert!(rewritten);
    let again = open(&sources, &index);
    assert_eq!((again.report.reused, again.report.parsed), (7, 1));
    let key = again.corpus.key_of_path(&other).unwrap();
    assert_eq!(
        again.corpus.get(key).unwrap().text,
        "The council counted 4242 votes.\n"
    );
    assert_eq!(verdicts(&again.corpus), verdicts(&fresh(&sources)));
}
