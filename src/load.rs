//! Reading sources from disk: the only I/O on the corpus side. Files that
//! cannot be sources (binary, not UTF-8, special files) and folders that
//! cannot be read are skipped with a reason, never fatal; hidden ones are
//! passed over. A corpus folder missing is a warning naming it, or, when
//! none of them is there, an error.

use crate::engine::corpus::Corpus;
use crate::engine::source::Source;
use std::collections::{HashMap, HashSet, VecDeque};
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
    /// Several corpus folders, none of them there.
    MissingFolders(Vec<PathBuf>),
    NotAFolder(PathBuf),
    Io(PathBuf, std::io::Error),
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadError::MissingFolder(p) => write!(f, "corpus folder not found: {}", p.display()),
            LoadError::MissingFolders(ps) => {
                let names: Vec<String> = ps.iter().map(|p| p.display().to_string()).collect();
                write!(f, "corpus folders not found: {}", names.join(", "))
            }
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
/// What was passed over is logged (see `walk_folders`).
pub fn listing(
    dirs: &[PathBuf],
    stamped: bool,
) -> Result<Vec<(PathBuf, Option<Stamp>)>, LoadError> {
    let found = walk_folders(dirs, stamped)?;
    found.log();
    Ok(found.files)
}

/// What a walk of the corpus folders found.
#[derive(Debug, Default)]
pub struct Listing {
    /// The source files, each once, in path order, stamped if asked.
    pub files: Vec<(PathBuf, Option<Stamp>)>,
    /// Folders, links and files passed over, each with the reason.
    pub skipped: Vec<Skipped>,
    /// Corpus folders that are not there; the others were walked.
    pub missing: Vec<PathBuf>,
}

impl Listing {
    /// Logs each folder missing and each thing passed over.
    pub fn log(&self) {
        for d in &self.missing {
            tracing::warn!("{}", LoadError::MissingFolder(d.clone()));
        }
        for s in &self.skipped {
            tracing::warn!("skipping {}: {}", s.path.display(), s.reason);
        }
    }
}

/// Walks the corpus folders. Links are followed, out of the corpus too,
/// but each real folder is walked once and each real file listed once: a
/// folder inside the corpus keeps its own path (links to folders are
/// followed after the folders they are in), and a link back to a folder it
/// is in (a loop) is skipped. Special files (pipes, sockets, devices) and
/// folders that cannot be read are skipped without being opened. Folders
/// missing are named in `missing` unless all are: that is an error, as is
/// a corpus path that is not a folder.
pub fn walk_folders(dirs: &[PathBuf], stamped: bool) -> Result<Listing, LoadError> {
    let (present, missing) = present_folders(dirs)?;
    let mut walk = Walk {
        stamped,
        ..Walk::default()
    };
    for d in present {
        walk.root(d)?;
    }
    walk.follow_links();
    let mut found = walk.finish(dirs.len() > 1);
    found.missing = missing;
    Ok(found)
}

/// The corpus folders that are there, and those that are not; an error if
/// none is, or if one is not a folder.
fn present_folders(dirs: &[PathBuf]) -> Result<(Vec<&PathBuf>, Vec<PathBuf>), LoadError> {
    let mut present = Vec::new();
    let mut missing = Vec::new();
    for d in dirs {
        match std::fs::metadata(d) {
            Ok(m) if m.is_dir() => present.push(d),
            Ok(_) => return Err(LoadError::NotAFolder(d.clone())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => missing.push(d.clone()),
            Err(e) => return Err(LoadError::Io(d.clone(), e)),
        }
    }
    if present.is_empty() && !missing.is_empty() {
        return Err(match missing.len() {
            1 => LoadError::MissingFolder(missing.remove(0)),
            _ => LoadError::MissingFolders(missing),
        });
    }
    Ok((present, missing))
}

/// The corpus folders that a load cannot read whole: missing, not a
/// folder, or not readable.
pub fn absent_folders(dirs: &[PathBuf]) -> Vec<PathBuf> {
    dirs.iter()
        .filter(|d| std::fs::read_dir(d).is_err())
        .cloned()
        .collect()
}

/// One walk over the corpus folders.
#[derive(Default)]
struct Walk {
    stamped: bool,
    /// The real (canonical) path of each folder walked, with the path it
    /// was walked by.
    walked: HashMap<PathBuf, PathBuf>,
    /// Links to folders, followed once the folders they are in are walked.
    links: VecDeque<FolderLink>,
    /// A link to a folder was followed: the files are then sorted.
    followed: bool,
    files: Vec<(PathBuf, Option<Stamp>)>,
    /// Files listed through a link to a file, with their real path.
    linked: Vec<(PathBuf, PathBuf)>,
    skipped: Vec<Skipped>,
}

/// A link to a folder, with the real paths of the corpus folder and the
/// linked folders it was reached through.
struct FolderLink {
    path: PathBuf,
    real: PathBuf,
    trail: Vec<PathBuf>,
}

impl Walk {
    fn root(&mut self, dir: &Path) -> Result<(), LoadError> {
        let real = std::fs::canonicalize(dir).map_err(|e| LoadError::Io(dir.to_path_buf(), e))?;
        if self.walked.contains_key(&real) {
            // Listed twice, or inside a corpus folder already walked.
            return Ok(());
        }
        self.walked.insert(real.clone(), dir.to_path_buf());
        let trail = vec![real.clone()];
        self.folder(dir, &real, &trail)
            .map_err(|e| LoadError::Io(dir.to_path_buf(), e))
    }

    /// Lists one folder (`real` is its real path) and, below it, the
    /// folders in it.
    fn folder(&mut self, dir: &Path, real: &Path, trail: &[PathBuf]) -> std::io::Result<()> {
        // In name order: paths compare part by part, so visiting each
        // folder's entries in name order lists a whole tree in path order,
        // without comparing whole paths (most of a listing's time at
        // 100,000 files).
        let mut entries: Vec<std::fs::DirEntry> = std::fs::read_dir(dir)?.flatten().collect();
        entries.sort_by_cached_key(std::fs::DirEntry::file_name);
        for entry in entries {
            self.entry(&entry, real, trail);
        }
        Ok(())
    }

    fn entry(&mut self, entry: &std::fs::DirEntry, real_dir: &Path, trail: &[PathBuf]) {
        let name = entry.file_name();
        if name.to_str().is_none_or(|n| n.starts_with('.')) {
            return;
        }
        let Ok(kind) = entry.file_type() else {
            return;
        };
        let path = entry.path();
        if kind.is_symlink() {
            self.link(path, real_dir, trail);
        } else if kind.is_dir() {
            self.subfolder(path, real_dir.join(&name), trail);
        } else if is_source_file(&path) && !kind.is_file() {
            self.skip(path, special_file(kind));
        } else if is_source_file(&path) {
            let stamp = self
                .stamped
                .then(|| entry.metadata().ok().map(|m| Stamp::of(&m)));
            self.files.push((path, stamp.flatten()));
        }
    }

    fn subfolder(&mut self, path: PathBuf, real: PathBuf, trail: &[PathBuf]) {
        if self.walked.contains_key(&real) {
            // A corpus folder listed on its own as well.
            return;
        }
        self.walked.insert(real.clone(), path.clone());
        if let Err(e) = self.folder(&path, &real, trail) {
            self.skip(path, format!("cannot read this folder: {e}"));
        }
    }

    /// A link is followed, to a folder or a file; a link to a special file
    /// or to nothing is skipped (when it is named as a source).
    fn link(&mut self, path: PathBuf, real_dir: &Path, trail: &[PathBuf]) {
        let target = std::fs::metadata(&path).and_then(|m| Ok((m, std::fs::canonicalize(&path)?)));
        match target {
            Ok((meta, real)) if meta.is_dir() => self.folder_link(path, real, real_dir, trail),
            _ if !is_source_file(&path) => {}
            Err(e) => self.skip(path, format!("cannot read: {e}")),
            Ok((meta, _)) if !meta.is_file() => self.skip(path, special_file(meta.file_type())),
            Ok((meta, real)) => {
                let stamp = self.stamped.then(|| Stamp::of(&meta));
                self.linked.push((path.clone(), real));
                self.files.push((path, stamp));
            }
        }
    }

    fn folder_link(&mut self, path: PathBuf, real: PathBuf, real_dir: &Path, trail: &[PathBuf]) {
        if real_dir.starts_with(&real) || trail.iter().any(|t| t.starts_with(&real)) {
            let reason = format!("a link back to {}, a folder it is in", real.display());
            self.skip(path, reason);
            return;
        }
        let mut trail = trail.to_vec();
        trail.push(real.clone());
        self.links.push_back(FolderLink { path, real, trail });
    }

    fn follow_links(&mut self) {
        while let Some(link) = self.links.pop_front() {
            if let Some(walked) = self.walked.get(&link.real) {
                tracing::debug!(
                    "not walking {}: its folder is walked as {}",
                    link.path.display(),
                    walked.display()
                );
                continue;
            }
            self.followed = true;
            self.subfolder(link.path, link.real, &link.trail);
        }
    }

    fn skip(&mut self, path: PathBuf, reason: String) {
        self.skipped.push(Skipped { path, reason });
    }

    fn finish(mut self, several_folders: bool) -> Listing {
        // One folder's walk comes out sorted; folders that follow links or
        // come in another order are merged here.
        if several_folders || self.followed {
            self.files.sort_by(|a, b| a.0.cmp(&b.0));
        }
        self.drop_files_linked_twice();
        Listing {
            files: self.files,
            skipped: self.skipped,
            missing: Vec::new(),
        }
    }

    /// A file reached through a link and also by its own path, or through
    /// two links, is listed once: by its own path, else by the first link.
    fn drop_files_linked_twice(&mut self) {
        if self.linked.is_empty() {
            return;
        }
        self.linked.sort();
        let links: HashSet<&Path> = self.linked.iter().map(|(p, _)| p.as_path()).collect();
        let listed = |p: &Path| {
            !links.contains(p)
                && self
                    .files
                    .binary_search_by(|f| f.0.as_path().cmp(p))
                    .is_ok()
        };
        let mut taken: HashSet<&Path> = HashSet::new();
        let mut twice: HashSet<PathBuf> = HashSet::new();
        for (path, real) in &self.linked {
            let own = real
                .parent()
                .and_then(|d| self.walked.get(d))
                .zip(real.file_name())
                .map(|(d, name)| d.join(name));
            if own.is_some_and(|p| listed(&p)) || !taken.insert(real) {
                twice.insert(path.clone());
            }
        }
        self.files.retain(|(p, _)| !twice.contains(p));
    }
}

/// Why a special file is not read.
fn special_file(kind: std::fs::FileType) -> String {
    #[cfg(unix)]
    let what = {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            "a named pipe"
        } else if kind.is_socket() {
            "a socket"
        } else if kind.is_block_device() || kind.is_char_device() {
            "a device"
        } else {
            "not a file"
        }
    };
    #[cfg(not(unix))]
    let what = if kind.is_dir() {
        "a folder"
    } else {
        "not a file"
    };
    format!("not a regular file ({what})")
}

/// `path` with `.` and `..` resolved by its text alone, as a path a client
/// sends must be: `..` never climbs out of a folder through a link.
pub fn plain_path(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.components().next_back() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                // Above the root is the root.
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(c),
            },
            _ => out.push(c),
        }
    }
    out
}

/// Is `path` (its plain form) inside one of the corpus folders?
pub fn is_inside(path: &Path, dirs: &[PathBuf]) -> bool {
    let plain = plain_path(path);
    dirs.iter().any(|d| plain.starts_with(plain_path(d)))
}

/// Names paths from outside (a client, the watcher) as the corpus knows
/// them: by the corpus folders, each with its real path.
pub struct CorpusNames {
    dirs: Vec<(PathBuf, Option<PathBuf>)>,
}

impl CorpusNames {
    pub fn new(dirs: &[PathBuf]) -> CorpusNames {
        let real = |d: &PathBuf| std::fs::canonicalize(d).ok();
        CorpusNames {
            dirs: dirs.iter().map(|d| (d.clone(), real(d))).collect(),
        }
    }

    /// The path the corpus knows a file by: its plain form (`plain_path`);
    /// then, when its folder exists and really lies in a corpus folder,
    /// its real path below that folder, under the folder's own name, as
    /// the walk names it. `None` for a path outside every corpus folder.
    pub fn name_of(&self, path: &Path) -> Option<PathBuf> {
        let plain = plain_path(path);
        let (folder, name) = (plain.parent()?, plain.file_name()?);
        if let Ok(real) = std::fs::canonicalize(folder) {
            for (d, real_dir) in &self.dirs {
                let below = real_dir.as_ref().and_then(|r| real.strip_prefix(r).ok());
                if let Some(below) = below {
                    return Some(d.join(below).join(name));
                }
            }
        }
        // Not really inside (a link out of the corpus, or gone): by its
        // text, unless a link on the way is a loop, which the walk skips.
        self.dirs.iter().find_map(|(d, _)| {
            let below = folder.strip_prefix(plain_path(d)).ok()?;
            (!passes_a_loop(d, below)).then(|| d.join(below).join(name))
        })
    }
}

/// Does the way from `dir` down through `below` pass a link back to a
/// folder it is in (one that holds a folder on the way)?
fn passes_a_loop(dir: &Path, below: &Path) -> bool {
    let mut at = dir.to_path_buf();
    let mut reals: Vec<PathBuf> = Vec::new();
    let parts = std::iter::once(None).chain(below.components().map(Some));
    for part in parts {
        at.extend(part);
        let Ok(real) = std::fs::canonicalize(&at) else {
            return false;
        };
        if reals.iter().any(|r| r.starts_with(&real)) {
            return true;
        }
        reals.push(real);
    }
    false
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
    let file = open_without_waiting(path).map_err(cannot)?;
    let meta = file.metadata().map_err(cannot)?;
    if !meta.is_file() {
        return Err(special_file(meta.file_type()));
    }
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

/// Opens a file for reading without waiting: a named pipe put where a
/// source was opens at once (and is then refused), rather than blocking
/// until something writes to it.
fn open_without_waiting(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    options.open(path)
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
/// What was skipped comes back: the walk's skips first, then the files
/// that could not be read or parsed.
pub fn load_corpus(dirs: &[PathBuf]) -> Result<(Corpus, Vec<Skipped>), LoadError> {
    let found = walk_folders(dirs, false)?;
    found.log();
    let files: Vec<PathBuf> = found.files.into_iter().map(|(p, _)| p).collect();
    let (sources, unread) = parse_files(&files, |_| {});
    let mut corpus = Corpus::new();
    for (s, _) in sources {
        corpus.insert(s);
    }
    for s in &unread {
        tracing::warn!("skipping source {}: {}", s.path.display(), s.reason);
    }
    let mut skipped = found.skipped;
    skipped.extend(unread);
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
