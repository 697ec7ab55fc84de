//! A project the server checks drafts for: its root, its factcheck.toml and
//! its corpus. Each workspace folder (or folder with a factcheck.toml) has
//! its own.

use crate::cache::IndexFile;
use crate::config::{Project, Settings};
use crate::engine::corpus::Corpus;
use crate::load;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, RwLock};

pub struct Workspace {
    pub root: PathBuf,
    /// The factcheck.toml, if the project has one.
    pub config_file: Option<PathBuf>,
    /// Settings from the file.
    pub file_settings: RwLock<Settings>,
    pub corpus: RwLock<Corpus>,
    /// The corpus folders the index was built from.
    pub dirs: RwLock<Vec<PathBuf>>,
    pub indexed: AtomicBool,
    /// The on-disk index the corpus was loaded through, kept up to date.
    pub index_file: Mutex<Option<IndexFile>>,
    /// Bumped on every change to the corpus, so that cached analyses made
    /// against an older corpus are not reused.
    pub generation: AtomicU64,
    /// How many loads of the whole corpus run, and the source files that
    /// changed meanwhile, re-indexed once the last ends (a load may have
    /// read them before the change, and it replaces the corpus as it starts).
    pub changed_while_loading: Mutex<(usize, Vec<PathBuf>)>,
    /// The corpus folders the last load could not read (missing, not a
    /// folder, unreadable): until they load, "no source" is not known.
    pub absent: Mutex<Vec<PathBuf>>,
    /// The error in factcheck.toml found when the workspace was made, to
    /// show the user once.
    pub config_error: Mutex<Option<String>>,
}

/// Reads a lock even if a panicking thread poisoned it: the data is still
/// the last consistent state we wrote.
pub fn read<T>(l: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    l.read().unwrap_or_else(|e| e.into_inner())
}

pub fn write<T>(l: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    l.write().unwrap_or_else(|e| e.into_inner())
}

impl Workspace {
    pub fn new(root: PathBuf, config_file: Option<PathBuf>, settings: Settings) -> Self {
        Workspace {
            root,
            config_file,
            file_settings: RwLock::new(settings),
            corpus: RwLock::new(Corpus::new()),
            dirs: RwLock::new(Vec::new()),
            indexed: AtomicBool::new(false),
            index_file: Mutex::new(None),
            generation: AtomicU64::new(0),
            changed_while_loading: Mutex::new((0, Vec::new())),
            absent: Mutex::new(Vec::new()),
            config_error: Mutex::new(None),
        }
    }

    /// The settings in force: the file's, overlaid by the editor's.
    pub fn settings(&self, client: &Settings) -> Settings {
        read(&self.file_settings).overlay(client)
    }

    /// The corpus folders for the settings in force.
    pub fn corpus_dirs(&self, client: &Settings) -> Vec<PathBuf> {
        let p = Project {
            root: self.root.clone(),
            file: self.config_file.clone(),
            settings: self.settings(client),
        };
        p.corpus_dirs()
    }

    /// Re-reads factcheck.toml. Returns an error message to show.
    pub fn reload_config(&self) -> Result<(), String> {
        let Some(f) = &self.config_file else {
            return Ok(());
        };
        if !f.exists() {
            *write(&self.file_settings) = Settings::default();
            return Ok(());
        }
        let p = Project::load(f).map_err(|e| e.to_string())?;
        *write(&self.file_settings) = p.settings;
        Ok(())
    }

    /// Is `path` a source of this workspace (inside one of its corpus
    /// folders, with `..` resolved first)?
    pub fn is_source(&self, path: &Path) -> bool {
        load::is_source_file(path) && load::is_inside(path, &read(&self.dirs))
    }

    /// Names changed files as the corpus knows them (see
    /// `load::CorpusNames`).
    pub fn corpus_names(&self) -> load::CorpusNames {
        load::CorpusNames::new(&read(&self.dirs))
    }

    /// Is `path` this workspace's factcheck.toml (with `..` resolved)?
    pub fn is_config(&self, path: &Path) -> bool {
        let plain = load::plain_path(path);
        plain
            .file_name()
            .is_some_and(|n| n == crate::config::CONFIG_FILE)
            && plain.parent() == Some(self.root.as_path())
    }

    /// The corpus folders the last load could not read.
    pub fn absent(&self) -> std::sync::MutexGuard<'_, Vec<PathBuf>> {
        self.absent.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Some corpus folder the last load could not read now can be.
    pub fn absent_folder_appeared(&self) -> bool {
        let absent = self.absent().clone();
        !absent.is_empty() && load::absent_folders(&absent).len() < absent.len()
    }

    /// Changes the corpus and records that it changed.
    pub fn update<R>(&self, f: impl FnOnce(&mut Corpus) -> R) -> R {
        let mut c = write(&self.corpus);
        let r = f(&mut c);
        self.generation.fetch_add(1, Ordering::SeqCst);
        r
    }

    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// Loaded once, whole (no corpus folder absent), and no load of the
    /// whole corpus running: a load replaces the corpus as it starts and
    /// fills it as it goes.
    pub fn is_indexed(&self) -> bool {
        let whole = self.absent().is_empty();
        whole && self.indexed.load(Ordering::SeqCst) && self.loading().0 == 0
    }

    /// The count of loads running and the files changed meanwhile. A
    /// poisoned lock is still the last count written.
    pub fn loading(&self) -> std::sync::MutexGuard<'_, (usize, Vec<PathBuf>)> {
        self.changed_while_loading
            .lock()
            .unwrap_or_else(|e| e.into_inner())
    }

    pub fn start_load(self: &std::sync::Arc<Self>) -> LoadRunning {
        self.loading().0 += 1;
        LoadRunning {
            ws: self.clone(),
            ended: false,
        }
    }
}

/// One load of a workspace's whole corpus, counted in
/// `changed_while_loading` from `start_load` until `end` or, if the task
/// that holds it unwinds or is dropped, until it is dropped: a count left
/// behind would hold "no source" verdicts back for good.
pub struct LoadRunning {
    ws: std::sync::Arc<Workspace>,
    ended: bool,
}

impl LoadRunning {
    /// Counts the load out. When it was the last, the files that changed
    /// meanwhile (to re-index now), and analyses that held "no source"
    /// verdicts back are not reused.
    pub fn end(mut self) -> Vec<PathBuf> {
        self.ended = true;
        self.count_out()
    }

    fn count_out(&self) -> Vec<PathBuf> {
        let mut loading = self.ws.loading();
        loading.0 = loading.0.saturating_sub(1);
        if loading.0 == 0 {
            self.ws.generation.fetch_add(1, Ordering::SeqCst);
            std::mem::take(&mut loading.1)
        } else {
            Vec::new()
        }
    }
}

impl Drop for LoadRunning {
    fn drop(&mut self) {
        if !self.ended {
            let lost = self.count_out();
            tracing::error!(
                "the load of {} ended early; {} source files changed meanwhile are not re-indexed",
                self.ws.root.display(),
                lost.len()
            );
        }
    }
}

/// A load fills the workspace's corpus batch by batch (each batch a change).
impl crate::cache::Shelf for Workspace {
    fn cell(&self) -> &RwLock<Corpus> {
        &self.corpus
    }

    fn changed(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }
}

/// Finds the project root for a file: the nearest folder with a
/// factcheck.toml, else the workspace folder that holds it, else its folder.
pub fn project_root(path: &Path, folders: &[PathBuf]) -> (PathBuf, Option<PathBuf>) {
    let dir = path.parent().unwrap_or(path);
    for d in dir.ancestors() {
        let f = d.join(crate::config::CONFIG_FILE);
        if f.is_file() {
            return (d.to_path_buf(), Some(f));
        }
    }
    let folder = folders
        .iter()
        .filter(|f| path.starts_with(f))
        .max_by_key(|f| f.as_os_str().len());
    (folder.cloned().unwrap_or_else(|| dir.to_path_buf()), None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_workspace_is_indexed_only_between_loads() {
        let ws = Workspace::new(PathBuf::from("/p"), None, Settings::default());
        assert!(!ws.is_indexed(), "before the first load");
        ws.changed_while_loading.lock().unwrap().0 += 1;
        ws.indexed.store(true, Ordering::SeqCst);
        assert!(!ws.is_indexed(), "the first load not yet counted out");
        ws.changed_while_loading.lock().unwrap().0 -= 1;
        assert!(ws.is_indexed());
        // A load of the whole corpus again (new folders, say) replaces the
        // corpus and fills it as it goes: "no source" is not known then.
        ws.changed_while_loading.lock().unwrap().0 += 1;
        assert!(!ws.is_indexed(), "during a later load");
        ws.changed_while_loading.lock().unwrap().0 -= 1;
        assert!(ws.is_indexed());
    }

    #[test]
    fn a_load_is_counted_out_when_it_ends_and_when_its_task_is_dropped() {
        let ws = std::sync::Arc::new(Workspace::new(
            PathBuf::from("/p"),
            None,
            Settings::default(),
        ));
        ws.indexed.store(true, Ordering::SeqCst);
        let (first, second) = (ws.start_load(), ws.start_load());
        ws.changed_while_loading
            .lock()
            .unwrap()
            .1
            .push(PathBuf::from("/p/a.md"));
        let before = ws.generation();
        assert_eq!(first.end(), Vec::<PathBuf>::new(), "another load runs");
        assert!(!ws.is_indexed());
        assert_eq!(ws.generation(), before);
        // The task holding the last load unwinds: counted out all the same.
        let unwound = std::thread::spawn(move || {
            let _held = second;
            panic!("the index task fails");
        })
        .join();
        assert!(unwound.is_err());
        assert!(ws.is_indexed());
        assert_eq!(ws.generation(), before + 1);
        assert!(ws.changed_while_loading.lock().unwrap().1.is_empty());
        // A load that ends hands over the files changed meanwhile.
        let third = ws.start_load();
        ws.changed_while_loading
            .lock()
            .unwrap()
            .1
            .push(PathBuf::from("/p/b.md"));
        assert_eq!(third.end(), vec![PathBuf::from("/p/b.md")]);
        assert!(ws.is_indexed());
    }
}
