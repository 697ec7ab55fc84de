//! Reading sources from disk: the only I/O on the corpus side. Files that
//! cannot be sources (binary, not UTF-8, hidden) are skipped with a reason,
//! never fatal; a missing corpus folder is an error naming the path.

use crate::engine::corpus::Corpus;
use crate::engine::source::Source;
use std::path::{Path, PathBuf};

/// Sources larger than this are skipped: they are not articles.
pub const MAX_SOURCE_BYTES: u64 = 20 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub path: PathBuf,
    pub reason: String,
}

#[derive(Debug)]
pub enum LoadError {
    MissingFolder(PathBuf),
    NotAFolder(PathBuf),
    Io(PathBuf, std::io::Error),
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadError::MissingFolder(p) => write!(f, "corpus folder not found: {}", p.display()),
            LoadError::NotAFolder(p) => write!(f, "corpus path is not a folder: {}", p.display()),
            LoadError::Io(p, e) => write!(f, "cannot read {}: {e}", p.display()),
        }
    }
}

impl std::error::Error for LoadError {}

/// Is this a file the corpus takes (`.txt`, `.md`, `.markdown`)?
pub fn is_source_file(path: &Path) -> bool {
    let hidden = path
        .file_name()
        .and_then(|n| n.to_str())
        .is_none_or(|n| n.starts_with('.'));
    !hidden
        && path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
            ["txt", "md", "markdown"]
                .iter()
                .any(|x| x.eq_ignore_ascii_case(e))
        })
}

/// Lists the source files under the given folders, recursively, sorted.
/// Hidden files and folders are passed over.
pub fn list_sources(dirs: &[PathBuf]) -> Result<Vec<PathBuf>, LoadError> {
    Ok(listing(dirs, false)?.into_iter().map(|(p, _)| p).collect())
}

/// As `list_sources`, with each file's stamp (`None` if it cannot be
/// read), taken as the folder is read: relative to the open folder, which
/// spares the kernel a walk of the whole path per file.
pub fn list_sources_stamped(dirs: &[PathBuf]) -> Result<Vec<(PathBuf, Option<Stamp>)>, LoadError> {
    listing(dirs, true)
}

/// `list_sources_stamped` if `stamped`, else the same list with no stamps.
pub fn listing(
    dirs: &[PathBuf],
    stamped: bool,
) -> Result<Vec<(PathBuf, Option<Stamp>)>, LoadError> {
    let mut out = Vec::new();
    for d in dirs {
        if !d.exists() {
            return Err(LoadError::MissingFolder(d.clone()));
        }
        if !d.is_dir() {
            return Err(LoadError::NotAFolder(d.clone()));
        }
        walk(d, stamped, &mut out)?;
    }
    // One folder's walk comes out sorted; folders that overlap or come in
    // another order are merged here.
    if dirs.len() > 1 {
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out.dedup_by(|a, b| a.0 == b.0);
    }
    Ok(out)
}

fn walk(
    dir: &Path,
    stamped: bool,
    out: &mut Vec<(PathBuf, Option<Stamp>)>,
) -> Result<(), LoadError> {
    let entries = std::fs::read_dir(dir).map_err(|e| LoadError::Io(dir.to_path_buf(), e))?;
    // In name order: paths compare part by part, so visiting each folder's
    // entries in name order lists a whole tree in path order, without
    // comparing whole paths (most of a listing's time at 100,000 files).
    let mut entries: Vec<std::fs::DirEntry> = entries.flatten().collect();
    entries.sort_by_cached_key(std::fs::DirEntry::file_name);
    for entry in entries {
        let path = entry.path();
        let hidden = entry
            .file_name()
            .to_str()
            .is_none_or(|n| n.starts_with('.'));
        if hidden {
            continue;
        }
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() || (kind.is_symlink() && path.is_dir()) {
            walk(&path, stamped, out)?;
        } else if is_source_file(&path) {
            // A link is stamped by what it points to, as `Stamp::read` does.
            let stamp = stamped
                .then(|| match kind.is_symlink() {
                    true => Stamp::read(&path),
                    false => entry.metadata().ok().map(|m| Stamp::of(&m)),
                })
                .flatten();
            out.push((path, stamp));
        }
    }
    Ok(())
}

/// What identifies one version of a file on disk without reading it: its
/// size, its modification and status-change times, and its inode. Tools
/// that keep a file's modification time (rsync -t, cp -p) still change its
/// status-change time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Stamp {
    pub len: u64,
    pub modified: u64,
    pub changed: u64,
    pub inode: u64,
}

impl Stamp {
    pub fn of(meta: &std::fs::Metadata) -> Stamp {
        let nanos = |t: std::io::Result<std::time::SystemTime>| {
            t.ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos() as u64)
        };
        #[cfg(unix)]
        let (changed, inode) = {
            use std::os::unix::fs::MetadataExt;
            (
                (meta.ctime() as u64).wrapping_mul(1_000_000_000) + meta.ctime_nsec() as u64,
                meta.ino(),
            )
        };
        #[cfg(not(unix))]
        let (changed, inode) = (0, 0);
        Stamp {
            len: meta.len(),
            modified: nanos(meta.modified()),
            changed,
            inode,
        }
    }

    pub fn read(path: &Path) -> Option<Stamp> {
        std::fs::metadata(path).ok().map(|m| Stamp::of(&m))
    }
}

/// Reads one source file, or says why it is not a source.
pub fn read_source(path: &Path) -> Result<String, String> {
    read_stamped(path).map(|(text, _)| text)
}

/// Reads one source file with the stamp it had before it was read (so that
/// a change made during the read shows as a different stamp next time).
/// The file is opened once and stamped from the open file: a stat by path
/// before `fs::read` walked the path a second time, and `fs::read` stats
/// the file again.
pub fn read_stamped(path: &Path) -> Result<(String, Stamp), String> {
    read_stamped_within(path, MAX_SOURCE_BYTES)
}

fn read_stamped_within(path: &Path, limit: u64) -> Result<(String, Stamp), String> {
    use std::io::Read;
    let cannot = |e: std::io::Error| format!("cannot read: {e}");
    let file = std::fs::File::open(path).map_err(cannot)?;
    let meta = file.metadata().map_err(cannot)?;
    if meta.len() > limit {
        return Err(format!(
            "too large ({} bytes; the limit is {limit})",
            meta.len()
        ));
    }
    // Read into a buffer one byte longer than the stamp's size: a file of
    // that size is read whole by one read, and the next finds its end.
    // (`Read::read_to_end` without a size hint starts at 8 KiB and doubles:
    // seven reads for a 270 KB file.)
    let mut bytes = vec![0u8; meta.len() as usize + 1];
    let mut n = 0;
    loop {
        match (&file).read(&mut bytes[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(cannot(e)),
        }
        if n == bytes.len() {
            // The file grew since it was stamped: the rest, up to the limit.
            (&file)
                .take((limit + 1).saturating_sub(n as u64))
                .read_to_end(&mut bytes)
                .map_err(cannot)?;
            n = bytes.len();
            break;
        }
    }
    bytes.truncate(n);
    if n as u64 > limit {
        return Err(format!(
            "too large (more than {limit} bytes; it grew while it was read)"
        ));
    }
    text_of(bytes).map(|t| (t, Stamp::of(&meta)))
}

/// Accepts UTF-8 text; refuses binary data and other encodings.
pub fn text_of(bytes: Vec<u8>) -> Result<String, String> {
    // `contains` on bytes is a vectorised search; an iterator is not.
    if bytes[..bytes.len().min(8192)].contains(&0) {
        return Err("binary file (contains NUL bytes)".to_string());
    }
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "not valid UTF-8 (first bad byte at offset {})",
            e.utf8_error().valid_up_to()
        )
    })
}

/// Reads and parses every source under `dirs`. Parsing runs on all cores.
pub fn load_corpus(dirs: &[PathBuf]) -> Result<(Corpus, Vec<Skipped>), LoadError> {
    let files = list_sources(dirs)?;
    let (sources, skipped) = parse_files(&files, |_| {});
    let mut corpus = Corpus::new();
    for (s, _) in sources {
        corpus.insert(s);
    }
    for s in &skipped {
        tracing::warn!("skipping source {}: {}", s.path.display(), s.reason);
    }
    Ok((corpus, skipped))
}

/// Reads and parses files in parallel; `progress` is told how many are done.
pub fn parse_files(
    files: &[PathBuf],
    progress: impl Fn(usize) + Sync,
) -> (Vec<(Source, Stamp)>, Vec<Skipped>) {
    let mut sources = Vec::new();
    let mut skipped = Vec::new();
    parse_each(
        files,
        |_| (),
        |parsed| {
            match parsed {
                Ok((s, stamp, ())) => sources.push((s, stamp)),
                Err(k) => skipped.push(k),
            }
            progress(sources.len() + skipped.len());
        },
    );
    (sources, skipped)
}

/// Reads and parses `files` on every core, runs `also` on each parsed
/// source on the same thread (encoding it and dropping what is then not
/// needed, say), and hands each result to `each` on the calling thread, in
/// the order of `files`, as soon as its batch and those before it are
/// ready: the caller's work overlaps the parsing. A file the parser panics
/// on is skipped with that reason; the others are not lost.
pub fn parse_each<X: Send>(
    files: &[PathBuf],
    also: impl Fn(&mut Source) -> X + Sync,
    each: impl FnMut(Result<(Source, Stamp, X), Skipped>),
) {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    // Files are taken and handed over a few at a time: one message per file
    // woke the waiting caller for each, a futex call and two context
    // switches per file.
    let batch = (files.len() / (threads * 8)).clamp(1, PARSE_BATCH);
    parse_each_in(files, threads, batch, also, each)
}

/// `parse_each` on `threads` threads, which take `batch` files at a time.
fn parse_each_in<X: Send>(
    files: &[PathBuf],
    threads: usize,
    batch: usize,
    also: impl Fn(&mut Source) -> X + Sync,
    mut each: impl FnMut(Result<(Source, Stamp, X), Skipped>),
) {
    let threads = threads.clamp(1, files.len().max(1));
    let batch = batch.max(1);
    let next = std::sync::atomic::AtomicUsize::new(0);
    // Bounded, so that the batches sent run at most about 256 files ahead
    // of `each` (those waiting for an earlier batch are held apart).
    let (tx, rx) = std::sync::mpsc::sync_channel(256_usize.div_ceil(batch));
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let (tx, next, also) = (tx.clone(), &next, &also);
            scope.spawn(move || loop {
                let first = next.fetch_add(batch, std::sync::atomic::Ordering::Relaxed);
                if first >= files.len() {
                    return;
                }
                let paths = &files[first..(first + batch).min(files.len())];
                let results: Vec<_> = paths
                    .iter()
                    .map(|path| {
                        read_stamped(path)
                            .and_then(|(text, stamp)| {
                                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                                    let mut s = Source::parse(path, text);
                                    let x = also(&mut s);
                                    (s, stamp, x)
                                }))
                                .map_err(|_| {
                                    "the parser failed on it (a bug: please report it)".to_string()
                                })
                            })
                            .map_err(|reason| Skipped {
                                path: path.clone(),
                                reason,
                            })
                    })
                    .collect();
                if tx.send((first, results)).is_err() {
                    return;
                }
            });
        }
        drop(tx);
        let mut waiting = std::collections::BTreeMap::new();
        let mut due = 0;
        for (first, results) in rx {
            waiting.insert(first, results);
            while let Some(results) = waiting.remove(&due) {
                due += results.len();
                results.into_iter().for_each(&mut each);
            }
        }
    });
}

/// The most files a parsing thread takes at once.
const PARSE_BATCH: usize = 16;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_is_listed_in_path_order() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for f in [
            "b.md",
            "a.md",
            "a/z.md",
            "a-b.md",
            "A.md",
            "a/b/c.txt",
            "ab.txt",
            "é.md",
            "a.b/x.md",
            ".hidden.md",
            "skip.png",
        ] {
            let p = root.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(&p, "x").unwrap();
        }
        let listed = list_sources(&[root.to_path_buf()]).unwrap();
        let names: Vec<String> = listed
            .iter()
            .map(|p| p.strip_prefix(root).unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            names,
            [
                "A.md",
                "a/b/c.txt",
                "a/z.md",
                "a-b.md",
                "a.b/x.md",
                "a.md",
                "ab.txt",
                "b.md",
                "é.md"
            ]
        );
        let mut sorted = listed.clone();
        sorted.sort();
        assert_eq!(listed, sorted);
        // Stamped as listed, as a stat of each file would stamp it.
        for (p, stamp) in list_sources_stamped(&[root.to_path_buf()]).unwrap() {
            assert_eq!(stamp, Stamp::read(&p), "{}", p.display());
        }
        // Or not stamped at all, for a build with no index to compare with.
        let unstamped = listing(&[root.to_path_buf()], false).unwrap();
        assert!(unstamped.iter().all(|(_, stamp)| stamp.is_none()));
        let paths: Vec<PathBuf> = unstamped.into_iter().map(|(p, _)| p).collect();
        assert_eq!(paths, listed);
    }

    #[test]
    fn a_file_is_stamped_as_it_was_read() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.md");
        std::fs::write(&p, "Twelve “quoted” words.\n").unwrap();
        let (text, stamp) = read_stamped(&p).unwrap();
        assert_eq!(text, "Twelve “quoted” words.\n");
        assert_eq!(Some(stamp), Stamp::read(&p));
        assert_eq!(stamp.len, text.len() as u64);
        // One read of the whole file, and one more that finds its end,
        // for a file longer than a first read without a size hint.
        let long = "Forty words here. ".repeat(20_000);
        std::fs::write(&p, &long).unwrap();
        assert_eq!(read_stamped(&p).unwrap().0, long);
        assert_eq!(
            read_stamped_within(&p, 1000).unwrap_err(),
            format!("too large ({} bytes; the limit is 1000)", long.len())
        );
        let missing = read_stamped(&dir.path().join("gone.md")).unwrap_err();
        assert!(missing.starts_with("cannot read: "), "{missing}");
        std::fs::write(&p, [b'a', 0, b'b']).unwrap();
        assert_eq!(
            read_stamped(&p).unwrap_err(),
            "binary file (contains NUL bytes)"
        );
    }

    /// A file longer than its stamp says, as one that grows while it is
    /// read would be: files under /proc are stamped with size 0.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_file_that_outgrows_its_stamp_is_read_up_to_the_limit() {
        let p = Path::new("/proc/self/status");
        let (text, stamp) = read_stamped_within(p, 1_000_000).unwrap();
        assert_eq!(stamp.len, 0);
        assert!(text.starts_with("Name:") && text.len() > 200, "{text}");
        assert_eq!(
            read_stamped_within(p, 100).unwrap_err(),
            "too large (more than 100 bytes; it grew while it was read)"
        );
    }

    #[test]
    fn files_parsed_in_batches_come_back_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let mut files = Vec::new();
        for i in 0..203 {
            let p = dir.path().join(format!("{i:03}.md"));
            if i % 17 == 5 {
                std::fs::write(&p, [0u8, 1, 2]).unwrap();
            } else {
                std::fs::write(&p, format!("The desk counted {} offices.\n", i + 2)).unwrap();
            }
            files.push(p);
        }
        for n in [0, 1, 6, 203] {
            for (threads, batch) in [(1, 1), (2, 1), (2, 7), (3, 16), (2, 300)] {
                let files = &files[..n];
                let mut seen = Vec::new();
                parse_each_in(
                    files,
                    threads,
                    batch,
                    |s| s.figures.first().map(|f| f.value),
                    |r| match r {
                        Ok((s, stamp, value)) => {
                            assert_eq!(stamp.len, s.text.len() as u64);
                            seen.push((s.path, value, None));
                        }
                        Err(k) => seen.push((k.path, None, Some(k.reason))),
                    },
                );
                assert_eq!(seen.len(), n, "{n} files, batches of {batch}");
                for (i, (path, value, skipped)) in seen.iter().enumerate() {
                    assert_eq!(path, &files[i], "{n} files, batches of {batch}");
                    if i % 17 == 5 {
                        assert_eq!(skipped.as_deref(), Some("binary file (contains NUL bytes)"));
                    } else {
                        assert_eq!((*value, skipped), (Some(i as f64 + 2.0), &None));
                    }
                }
            }
        }
    }

    #[test]
    fn refuses_binary_and_bad_utf8() {
        assert_eq!(text_of(b"ok".to_vec()), Ok("ok".to_string()));
        assert!(text_of(vec![0x89, b'P', b'N', b'G', 0, 0])
            .unwrap_err()
            .starts_with("binary"));
        assert_eq!(
            text_of(vec![b'a', 0xff, b'b']).unwrap_err(),
            "not valid UTF-8 (first bad byte at offset 1)"
        );
    }
}
