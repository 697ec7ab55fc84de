//! The language server: documents, scheduling, and LSP dispatch. Handlers
//! change state before any `.await`, never hold a lock across one, and run
//! analysis off the async runtime.

use super::document::Document;
use super::features::{self, Ctx};
use super::workspace::{project_root, read, write, Workspace};
use crate::config::{CitationStyle, Settings, CONFIG_FILE};
use crate::engine::check::{analyze_until, Analysis};
use crate::engine::verdict::Code;
use crate::load;
use crate::protocol::diagnostic::to_diagnostics;
use crate::protocol::position::{offset_at, Encoding};
use ropey::Rope;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use std::time::Duration;
use tokio::sync::mpsc::UnboundedSender;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

/// How long typing must pause before a draft is checked.
pub const DEBOUNCE: Duration = Duration::from_millis(150);

/// The debounce in force: `FACTCHECK_DEBOUNCE_MS` overrides it (benchmarks
/// set it to 0 to time the work alone).
fn debounce() -> Duration {
    std::env::var("FACTCHECK_DEBOUNCE_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .map(Duration::from_millis)
        .unwrap_or(DEBOUNCE)
}
/// Drafts larger than this are not checked (the text is still kept).
pub const MAX_DRAFT_BYTES: usize = 2 * 1024 * 1024;
/// Sources decoded from the saved index that a server keeps parsed; past
/// this, those no recent check read are dropped and decoded again when next
/// read (see `Corpus::evict_decoded`), so memory stays bounded in a long
/// session.
pub const KEEP_DECODED: usize = 2048;
/// Sources read by any of the last this many checks are kept decoded.
pub const RECENT_CHECKS: u32 = 32;
/// How often corpus folders a load could not read are looked for.
const ABSENT_FOLDER_POLL: Duration = Duration::from_secs(1);
/// How long to wait for the client to answer a request of ours.
const CLIENT_TIMEOUT: Duration = Duration::from_secs(5);

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// One checked version of a draft.
pub struct Checked {
    pub version: i32,
    /// The corpus generation the analysis saw.
    pub generation: u64,
    pub text: String,
    pub rope: Rope,
    pub analysis: Analysis,
    pub workspace: Arc<Workspace>,
    pub settings: Settings,
    pub path: Option<PathBuf>,
    pub too_large: bool,
    /// The findings as LSP diagnostics, with the settings' severities.
    pub diagnostics: Vec<Diagnostic>,
}

#[derive(Default)]
pub struct State {
    enc: RwLock<Encoding>,
    docs: Mutex<HashMap<Uri, Document>>,
    checked: Mutex<HashMap<Uri, Arc<Checked>>>,
    tasks: Mutex<HashMap<Uri, tokio::task::AbortHandle>>,
    workspaces: Mutex<Vec<Arc<Workspace>>>,
    folders: RwLock<Vec<PathBuf>>,
    client_settings: RwLock<Settings>,
    dynamic_watch: AtomicBool,
    progress: AtomicBool,
    watcher: Mutex<Option<notify::RecommendedWatcher>>,
    watch_tx: Mutex<Option<UnboundedSender<PathBuf>>>,
    progress_ids: AtomicU64,
    too_large_warned: Mutex<HashSet<Uri>>,
    debug_methods: bool,
    debounce: Duration,
}

pub struct Backend {
    client: Client,
    state: Arc<State>,
}

/// The file path of a `file:` URI.
pub fn uri_path(uri: &Uri) -> Option<PathBuf> {
    if !uri.scheme().as_str().eq_ignore_ascii_case("file") {
        return None;
    }
    uri.to_file_path().map(|p| p.into_owned())
}

/// The message shown when some corpus folders are missing (the others
/// loaded).
fn missing_notice(absent: &[PathBuf]) -> Option<(MessageType, String)> {
    if absent.is_empty() {
        return None;
    }
    let names: Vec<String> = absent.iter().map(|p| p.display().to_string()).collect();
    let (folder, it_is) = match names.len() {
        1 => ("folder", "it is"),
        _ => ("folders", "they are"),
    };
    let text = format!(
        "factcheck: corpus {folder} not found: {}; \"no source\" findings are held back until {it_is} there",
        names.join(", ")
    );
    Some((MessageType::WARNING, text))
}

fn is_markdown(doc: &Document, path: Option<&Path>) -> bool {
    doc.language == "markdown"
        || path
            .and_then(|p| p.extension())
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown"))
}

impl Backend {
    pub fn new(client: Client, debug_methods: bool) -> Self {
        Backend {
            client,
            state: Arc::new(State {
                debug_methods,
                debounce: debounce(),
                ..Default::default()
            }),
        }
    }

    fn enc(&self) -> Encoding {
        *read(&self.state.enc)
    }

    /// A request handler that panics, to prove the server survives one.
    /// Registered only when debug methods are on (tests).
    pub async fn debug_panic(&self) -> Result<()> {
        if self.state.debug_methods {
            panic!("deliberate panic for testing");
        }
        Err(Error::method_not_found())
    }
}

impl State {
    fn workspace_for(self: &Arc<State>, path: &Path) -> (Arc<Workspace>, bool) {
        let folders = read(&self.folders).clone();
        let (root, config) = project_root(path, &folders);
        let mut all = lock(&self.workspaces);
        if let Some(ws) = all.iter().find(|w| w.root == root) {
            return (ws.clone(), false);
        }
        let (settings, config_error) = match &config {
            Some(f) => match crate::config::Project::load(f) {
                Ok(p) => (p.settings, None),
                Err(e) => {
                    // Shown to the user when the workspace is first indexed.
                    let error = format!("{e}; using the default settings");
                    tracing::error!("{error}");
                    (Settings::default(), Some(format!("factcheck: {error}")))
                }
            },
            None => (Settings::default(), None),
        };
        let ws = Arc::new(Workspace::new(root, config, settings));
        *lock(&ws.config_error) = config_error;
        all.push(ws.clone());
        (ws, true)
    }

    fn workspace_of_source(&self, path: &Path) -> Option<Arc<Workspace>> {
        lock(&self.workspaces)
            .iter()
            .find(|w| w.is_source(path))
            .cloned()
    }

    fn current_version(&self, uri: &Uri) -> Option<i32> {
        lock(&self.docs).get(uri).map(|d| d.version)
    }

    /// Runs the engine on the current text of `uri` (blocking). With
    /// `stop_when_stale`, gives up as soon as the document moves on, so
    /// that checks of old versions never queue up behind the typing.
    fn compute(self: &Arc<State>, uri: &Uri, stop_when_stale: bool) -> Option<Arc<Checked>> {
        let (rope, version, markdown) = {
            let docs = lock(&self.docs);
            let d = docs.get(uri)?;
            (
                d.rope.clone(),
                d.version,
                is_markdown(d, uri_path(uri).as_deref()),
            )
        };
        let path = uri_path(uri);
        // The workspace found for the previous version, while it is still
        // registered: no walking up the folders on every keystroke.
        let previous = lock(&self.checked).get(uri).map(|c| c.workspace.clone());
        let known = previous.filter(|w| lock(&self.workspaces).iter().any(|x| Arc::ptr_eq(x, w)));
        let ws = match (&path, known) {
            (_, Some(ws)) => ws,
            (Some(p), None) => {
                if self.workspace_of_source(p).is_some() || !markdown {
                    return None;
                }
                self.workspace_for(p).0
            }
            (None, None) => {
                // An unsaved buffer: the first workspace, if any.
                let first = lock(&self.workspaces).first().cloned();
                first?
            }
        };
        let started = std::time::Instant::now();
        let settings = ws.settings(&read(&self.client_settings));
        let text = rope.to_string();
        let generation = ws.generation();
        let too_large = text.len() > MAX_DRAFT_BYTES;
        let corpus = read(&ws.corpus);
        let analysis = if too_large {
            tracing::warn!(
                "not checking {}: {} bytes is over the {} byte limit",
                uri.as_str(),
                text.len(),
                MAX_DRAFT_BYTES
            );
            Analysis::default()
        } else {
            let stale = || stop_when_stale && self.current_version(uri) != Some(version);
            let Some(mut a) = analyze_until(&text, &corpus, &stale) else {
                tracing::debug!("stopped checking {} v{version}: it moved on", uri.as_str());
                return None;
            };
            // Until the index is complete, "no source says this" is not yet
            // known: hold those verdicts back rather than flag wrongly. (A
            // whole build's sources are found only once it is written.)
            if !ws.is_indexed() || corpus.pending() > 0 {
                a.findings.retain(|f| {
                    !matches!(
                        f.code,
                        Code::FigureUnsourced | Code::QuoteUnsourced | Code::CitationUnsupported
                    )
                });
            }
            a
        };
        let analyzed = started.elapsed();
        // The diagnostics are made once here, for publishing and for the
        // code actions that point at them.
        let diagnostics = to_diagnostics(
            &analysis.findings,
            &rope,
            &corpus,
            &settings,
            *read(&self.enc),
        );
        let decoded = corpus.decoded();
        corpus.advance_epoch();
        let damaged = corpus.take_damaged();
        drop(corpus);
        if !damaged.is_empty() {
            // Sources whose saved form was damaged were read as empty:
            // parse them again (the index follows) and check once more.
            let mut file = lock(&ws.index_file);
            ws.update(|c| crate::cache::repair(c, &damaged, file.as_mut()));
            drop(file);
            return self.compute(uri, stop_when_stale);
        }
        if decoded > KEEP_DECODED {
            let evicted = write(&ws.corpus).evict_decoded(KEEP_DECODED, RECENT_CHECKS);
            tracing::debug!("forgot {evicted} decoded sources");
        }
        tracing::debug!(
            "checked {} v{version}: {} findings in {:?} ({:?} to analyse)",
            uri.as_str(),
            analysis.findings.len(),
            started.elapsed(),
            analyzed
        );
        Some(Arc::new(Checked {
            version,
            generation,
            text,
            rope,
            analysis,
            workspace: ws,
            settings,
            path,
            too_large,
            diagnostics,
        }))
    }

    /// Checks `uri` after `delay`, cancelling any earlier run; publishes only
    /// if the document has not moved on.
    fn schedule(self: &Arc<State>, client: &Client, uri: Uri, delay: Duration) {
        let state = self.clone();
        let client = client.clone();
        let key = uri.clone();
        let handle = tokio::spawn(async move {
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            let s2 = state.clone();
            let u2 = uri.clone();
            let result = tokio::task::spawn_blocking(move || s2.compute(&u2, true)).await;
            let checked = match result {
                Ok(Some(r)) => r,
                Ok(None) => return,
                Err(e) => {
                    tracing::error!("checking {} failed: {e}", uri.as_str());
                    return;
                }
            };
            if state.current_version(&uri) != Some(checked.version) {
                tracing::debug!(
                    "dropping stale results for {} v{}",
                    uri.as_str(),
                    checked.version
                );
                return;
            }
            let version = checked.version;
            let too_large = checked.too_large;
            let diagnostics = checked.diagnostics.clone();
            lock(&state.checked).insert(uri.clone(), checked);
            if too_large && lock(&state.too_large_warned).insert(uri.clone()) {
                client
                    .show_message(MessageType::WARNING, format!("factcheck: this draft is too large to check (over {} MB); its text is kept, but it is not checked", MAX_DRAFT_BYTES / (1024 * 1024)))
                    .await;
            }
            client
                .publish_diagnostics(uri, diagnostics, Some(version))
                .await;
        });
        if let Some(old) = lock(&self.tasks).insert(key, handle.abort_handle()) {
            old.abort();
        }
    }

    /// Re-checks every open draft (of one workspace, or all).
    fn recheck(self: &Arc<State>, client: &Client, only: Option<&Arc<Workspace>>) {
        let uris: Vec<Uri> = lock(&self.docs).keys().cloned().collect();
        for uri in uris {
            if let (Some(ws), Some(p)) = (only, uri_path(&uri)) {
                if !p.starts_with(&ws.root)
                    && !lock(&self.checked)
                        .get(&uri)
                        .is_some_and(|c| Arc::ptr_eq(&c.workspace, ws))
                {
                    continue;
                }
            }
            self.schedule(client, uri, Duration::ZERO);
        }
    }

    /// Builds a workspace's index in the background, reporting progress.
    fn index(self: &Arc<State>, client: &Client, ws: Arc<Workspace>) {
        let state = self.clone();
        let client = client.clone();
        let running = ws.start_load();
        tokio::spawn(async move {
            let config_error = lock(&ws.config_error).take();
            if let Some(e) = config_error {
                client.show_message(MessageType::ERROR, e).await;
            }
            let dirs = ws.corpus_dirs(&read(&state.client_settings));
            // Watch before listing: a file that changes from here on is
            // queued (see `changed_while_loading`), not missed.
            *write(&ws.dirs) = dirs.clone();
            state.watch_dirs();
            // A folder absent before the load may have been absent while
            // it was listed, even if it is there after.
            let absent_before = load::absent_folders(&dirs);
            let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(usize, usize)>();
            let d2 = dirs.clone();
            let index_path = crate::cache::index_path(&ws.root, &dirs);
            let shelf = ws.clone();
            // The corpus fills batch by batch: drafts checked meanwhile see
            // the sources indexed so far (those parsed for a whole new
            // index once it is written), with "no source" verdicts held
            // back until the load ends.
            let job = tokio::task::spawn_blocking(move || {
                crate::cache::load_into(
                    &d2,
                    Some(&index_path),
                    |done, total| {
                        let _ = tx.send((done, total));
                    },
                    &*shelf,
                )
            });
            let token = if state.progress.load(Ordering::SeqCst) {
                let t = NumberOrString::String(format!(
                    "factcheck-index-{}",
                    state.progress_ids.fetch_add(1, Ordering::SeqCst)
                ));
                match tokio::time::timeout(
                    CLIENT_TIMEOUT,
                    client.create_work_done_progress(t.clone()),
                )
                .await
                {
                    Ok(Ok(())) => Some(t),
                    _ => None,
                }
            } else {
                None
            };
            let send = |client: Client, token: Option<NumberOrString>, value: WorkDoneProgress| async move {
                if let Some(token) = token {
                    client
                        .send_notification::<notification::Progress>(ProgressParams {
                            token,
                            value: ProgressParamsValue::WorkDone(value),
                        })
                        .await;
                }
            };
            send(
                client.clone(),
                token.clone(),
                WorkDoneProgress::Begin(WorkDoneProgressBegin {
                    title: "Indexing sources".into(),
                    cancellable: Some(false),
                    message: Some(ws.root.display().to_string()),
                    percentage: Some(0),
                }),
            )
            .await;
            let mut last = 0u32;
            let reporter = {
                let client = client.clone();
                let token = token.clone();
                let (state, ws) = (state.clone(), ws.clone());
                async move {
                    while let Some((done, total)) = rx.recv().await {
                        let pct = (done * 100).checked_div(total).unwrap_or(100) as u32;
                        if pct >= last + 10 || done == total {
                            last = pct;
                            // Open drafts see what is indexed so far.
                            state.recheck(&client, Some(&ws));
                            send(
                                client.clone(),
                                token.clone(),
                                WorkDoneProgress::Report(WorkDoneProgressReport {
                                    cancellable: Some(false),
                                    message: Some(format!("{done}/{total} files")),
                                    percentage: Some(pct),
                                }),
                            )
                            .await;
                        }
                    }
                }
            };
            let (result, ()) = tokio::join!(job, reporter);
            // Folders not read hold "no source" verdicts back (see
            // `is_indexed`) until they are (see `watch_absent_folders`).
            let absent_after = load::absent_folders(&dirs);
            let mut absent: Vec<PathBuf> = dirs
                .iter()
                .filter(|d| absent_before.contains(d) || absent_after.contains(d))
                .cloned()
                .collect();
            let (message, notice) = match result {
                Ok(Ok(loaded)) => {
                    let n = read(&ws.corpus).len();
                    *lock(&ws.index_file) = loaded.index;
                    ws.indexed.store(true, Ordering::SeqCst);
                    state.apply_open_sources(&ws);
                    tracing::info!(
                        "indexed {n} sources for {} ({} from the saved index, {} parsed, {} skipped)",
                        ws.root.display(),
                        loaded.reused,
                        loaded.parsed,
                        loaded.skipped.len()
                    );
                    (format!("{n} sources"), missing_notice(&absent))
                }
                Ok(Err(e)) => {
                    tracing::error!("{e}");
                    ws.indexed.store(false, Ordering::SeqCst);
                    if absent.is_empty() {
                        // Mended since the load failed: load again.
                        absent.clone_from(&dirs);
                    }
                    let notice = (MessageType::ERROR, format!("factcheck: {e}"));
                    (e.to_string(), Some(notice))
                }
                Err(e) => {
                    tracing::error!("indexing failed: {e}");
                    (format!("indexing failed: {e}"), None)
                }
            };
            *ws.absent() = absent;
            send(
                client.clone(),
                token,
                WorkDoneProgress::End(WorkDoneProgressEnd {
                    message: Some(message),
                }),
            )
            .await;
            // Files that changed while loading, now that it is done.
            // Analyses made during the load held "no source" verdicts back
            // (`is_indexed`): none is reused now.
            let changed = running.end();
            // Shown once the load is counted out: a draft checked after the
            // user sees it sees the corpus as the message says.
            if let Some((kind, text)) = notice {
                client.show_message(kind, text).await;
            }
            if !changed.is_empty() {
                state.on_paths_changed(&client, changed);
            }
            state.recheck(&client, Some(&ws));
        });
    }

    /// An open source document's buffer wins over its file on disk.
    fn apply_open_sources(&self, ws: &Workspace) {
        let docs: Vec<(PathBuf, String)> = lock(&self.docs)
            .iter()
            .filter_map(|(u, d)| {
                uri_path(u)
                    .filter(|p| ws.is_source(p))
                    .map(|p| (p, d.text()))
            })
            .collect();
        if !docs.is_empty() {
            if let Some(file) = lock(&ws.index_file).as_mut() {
                for (p, _) in &docs {
                    file.hold_back(p);
                }
            }
            ws.update(|corpus| {
                for (p, t) in docs {
                    corpus.upsert(&p, t);
                }
            });
        }
    }

    /// Files changed on disk: re-index only those, reload configs, re-check.
    /// A path is taken by its corpus name (`load::CorpusNames`): `..` is
    /// resolved first, and paths outside the corpus folders are ignored.
    fn on_paths_changed(self: &Arc<State>, client: &Client, paths: Vec<PathBuf>) {
        let workspaces: Vec<Arc<Workspace>> = lock(&self.workspaces).clone();
        let open: HashSet<PathBuf> = lock(&self.docs).keys().filter_map(uri_path).collect();
        let mut taken = vec![false; paths.len()];
        for ws in workspaces {
            let mut changed: Vec<PathBuf> = Vec::new();
            let mut reindex = false;
            let names = ws.corpus_names();
            for (path, taken) in paths.iter().zip(taken.iter_mut()) {
                if ws.is_config(path) {
                    *taken = true;
                    if let Err(e) = ws.reload_config() {
                        tracing::error!("{e}");
                        let client = client.clone();
                        tokio::spawn(async move {
                            client
                                .show_message(MessageType::ERROR, format!("factcheck: {e}"))
                                .await
                        });
                    }
                    reindex = true;
                    continue;
                }
                let name = names.name_of(path).filter(|n| load::is_source_file(n));
                let Some(name) = name else {
                    continue;
                };
                *taken = true;
                {
                    let mut loading = ws.loading();
                    if loading.0 > 0 {
                        loading.1.push(name);
                        continue;
                    }
                }
                if !open.contains(&name) {
                    changed.push(name);
                }
            }
            if reindex {
                self.index(client, ws.clone());
            } else if !changed.is_empty() {
                self.reindex_files(client, ws, changed);
            }
        }
        for (path, _) in paths.iter().zip(&taken).filter(|(_, taken)| !**taken) {
            tracing::debug!(
                "ignoring a change to {}: not a source in a corpus folder",
                path.display()
            );
        }
    }

    /// Loads a workspace again once a corpus folder its last load could
    /// not read is there: a folder made after start-up is not watched (and
    /// Neovim, say, watches no files for the server).
    fn watch_absent_folders(self: &Arc<State>, client: &Client) {
        let state = self.clone();
        let client = client.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(ABSENT_FOLDER_POLL);
            loop {
                tick.tick().await;
                let workspaces: Vec<Arc<Workspace>> = lock(&state.workspaces).clone();
                for ws in workspaces {
                    if ws.absent_folder_appeared() && ws.loading().0 == 0 {
                        state.index(&client, ws);
                    }
                }
            }
        });
    }

    /// Re-indexes changed source files: reading and parsing happen off the
    /// async runtime and outside the corpus lock, which is then taken for a
    /// few insertions at a time so that checks can run in between.
    fn reindex_files(self: &Arc<State>, client: &Client, ws: Arc<Workspace>, paths: Vec<PathBuf>) {
        let state = self.clone();
        let client = client.clone();
        tokio::spawn(async move {
            let w = ws.clone();
            let job = tokio::task::spawn_blocking(move || {
                let mut parsed: Vec<(PathBuf, Option<crate::engine::source::Source>)> = Vec::new();
                let mut changed = Vec::new();
                let mut removed = Vec::new();
                for path in paths {
                    let kind = std::fs::metadata(&path).map(|m| m.file_type());
                    if kind.as_ref().is_ok_and(|k| !k.is_file()) {
                        // A folder, a pipe, a device: not opened.
                        tracing::warn!("skipping source {}: not a regular file", path.display());
                    }
                    let source = if kind.is_ok_and(|k| k.is_file()) {
                        match load::read_stamped(&path) {
                            Ok((text, stamp)) => {
                                changed.push((path.clone(), stamp));
                                Some(crate::engine::source::Source::parse(&path, text))
                            }
                            Err(reason) => {
                                tracing::warn!("skipping source {}: {reason}", path.display());
                                None
                            }
                        }
                    } else {
                        None
                    };
                    if source.is_none() {
                        removed.push(path.clone());
                    }
                    parsed.push((path, source));
                }
                for chunk in parsed.chunks_mut(8) {
                    w.update(|corpus| {
                        for (path, source) in chunk.iter_mut() {
                            match source.take() {
                                Some(s) => {
                                    corpus.insert(s);
                                }
                                None => {
                                    corpus.remove(path);
                                }
                            }
                        }
                    });
                }
                if let Some(file) = lock(&w.index_file).as_mut() {
                    for (p, _) in changed.iter() {
                        file.release(p);
                    }
                    for p in &removed {
                        file.release(p);
                    }
                    let corpus = read(&w.corpus);
                    if let Err(e) = file.append(&corpus, &changed, &removed) {
                        tracing::warn!("cannot update the index {}: {e}", file.path.display());
                    }
                }
                tracing::info!("re-indexed {} changed files", parsed.len());
            });
            if let Err(e) = job.await {
                tracing::error!("re-indexing failed: {e}");
            }
            state.recheck(&client, Some(&ws));
        });
    }

    /// Keeps the server's own watcher on every corpus folder and project
    /// root, when the client does not watch files for us.
    fn watch_dirs(&self) {
        if self.dynamic_watch.load(Ordering::SeqCst) {
            return;
        }
        let mut guard = lock(&self.watcher);
        let Some(w) = guard.as_mut() else { return };
        use notify::Watcher;
        for ws in lock(&self.workspaces).iter() {
            for d in read(&ws.dirs).iter() {
                if d.is_dir() {
                    if let Err(e) = w.watch(d, notify::RecursiveMode::Recursive) {
                        tracing::warn!("cannot watch {}: {e}", d.display());
                    }
                }
            }
            if let Err(e) = w.watch(&ws.root, notify::RecursiveMode::NonRecursive) {
                tracing::warn!("cannot watch {}: {e}", ws.root.display());
            }
        }
    }

    fn start_watcher(self: &Arc<State>, client: &Client) {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<PathBuf>();
        let sender = tx.clone();
        let watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
            if let Ok(ev) = res {
                if matches!(ev.kind, notify::EventKind::Access(_)) {
                    return;
                }
                for p in ev.paths {
                    let _ = sender.send(p);
                }
            }
        });
        match watcher {
            Ok(w) => *lock(&self.watcher) = Some(w),
            Err(e) => {
                tracing::warn!("cannot start the file watcher: {e}");
                return;
            }
        }
        *lock(&self.watch_tx) = Some(tx);
        let state = self.clone();
        let client = client.clone();
        tokio::spawn(async move {
            while let Some(first) = rx.recv().await {
                // Let a burst of events settle, then handle them together.
                tokio::time::sleep(Duration::from_millis(100)).await;
                let mut paths = vec![first];
                while let Ok(p) = rx.try_recv() {
                    paths.push(p);
                }
                paths.sort();
                paths.dedup();
                state.on_paths_changed(&client, paths);
            }
        });
        self.watch_dirs();
    }
}

impl Backend {
    /// The latest analysis of an open document, computing it if stale.
    async fn checked(&self, uri: &Uri) -> Result<Arc<Checked>> {
        let current = self.state.current_version(uri).ok_or_else(|| {
            Error::invalid_params(format!("document is not open: {}", uri.as_str()))
        })?;
        if let Some(c) = lock(&self.state.checked)
            .get(uri)
            .filter(|c| c.version == current && c.generation == c.workspace.generation())
            .cloned()
        {
            return Ok(c);
        }
        let state = self.state.clone();
        let u = uri.clone();
        let c = tokio::task::spawn_blocking(move || state.compute(&u, false))
            .await
            .map_err(|e| Error {
                code: tower_lsp_server::jsonrpc::ErrorCode::InternalError,
                message: format!("analysis failed: {e}").into(),
                data: None,
            })?
            .ok_or_else(|| Error::invalid_params(format!("not a draft: {}", uri.as_str())))?;
        if self.state.current_version(uri) == Some(c.version) {
            lock(&self.state.checked).insert(uri.clone(), c.clone());
        }
        Ok(c)
    }

    fn offset(&self, c: &Checked, pos: Position) -> Result<usize> {
        offset_at(&c.rope, pos, self.enc()).map_err(|e| Error::invalid_params(e.to_string()))
    }

    fn with_ctx<R>(&self, c: &Checked, uri: &Uri, f: impl FnOnce(&Ctx) -> R) -> R {
        let corpus = read(&c.workspace.corpus);
        let dir = c
            .path
            .as_ref()
            .and_then(|p| p.parent().map(Path::to_path_buf));
        let ctx = Ctx {
            text: &c.text,
            rope: &c.rope,
            analysis: &c.analysis,
            corpus: &corpus,
            enc: self.enc(),
            uri,
            version: c.version,
            draft_dir: dir.as_deref(),
            pandoc: c.settings.citation_style == Some(CitationStyle::Pandoc),
        };
        f(&ctx)
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let enc = Encoding::negotiate(
            params
                .capabilities
                .general
                .as_ref()
                .and_then(|g| g.position_encodings.as_deref()),
        );
        *write(&self.state.enc) = enc;
        let mut folders: Vec<PathBuf> = params
            .workspace_folders
            .iter()
            .flatten()
            .filter_map(|f| uri_path(&f.uri))
            .collect();
        #[allow(deprecated)]
        if folders.is_empty() {
            if let Some(root) = params.root_uri.as_ref().and_then(uri_path) {
                folders.push(root);
            }
        }
        *write(&self.state.folders) = folders;
        if let Some(opts) = &params.initialization_options {
            match Settings::from_json(opts) {
                Ok(s) => *write(&self.state.client_settings) = s,
                Err(e) => tracing::error!("ignoring invalid initializationOptions: {e}"),
            }
        }
        let ws_caps = params.capabilities.workspace.as_ref();
        let dynamic = ws_caps
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|d| d.dynamic_registration)
            .unwrap_or(false);
        self.state.dynamic_watch.store(dynamic, Ordering::SeqCst);
        let progress = params
            .capabilities
            .window
            .as_ref()
            .and_then(|w| w.work_done_progress)
            .unwrap_or(false);
        self.state.progress.store(progress, Ordering::SeqCst);
        tracing::info!(
            "initialize: position encoding {enc:?}, dynamic watch {dynamic}, progress {progress}"
        );
        Ok(InitializeResult {
            capabilities: ServerCapabilities {
                position_encoding: Some(enc.kind()),
                text_document_sync: Some(TextDocumentSyncCapability::Options(
                    TextDocumentSyncOptions {
                        open_close: Some(true),
                        change: Some(TextDocumentSyncKind::INCREMENTAL),
                        save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                        ..Default::default()
                    },
                )),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                definition_provider: Some(OneOf::Left(true)),
                code_action_provider: Some(CodeActionProviderCapability::Options(
                    CodeActionOptions {
                        code_action_kinds: Some(vec![
                            CodeActionKind::QUICKFIX,
                            CodeActionKind::SOURCE,
                        ]),
                        resolve_provider: Some(false),
                        work_done_progress_options: Default::default(),
                    },
                )),
                completion_provider: Some(CompletionOptions {
                    trigger_characters: Some(vec!["^".into(), "@".into()]),
                    resolve_provider: Some(false),
                    ..Default::default()
                }),
                document_link_provider: Some(DocumentLinkOptions {
                    resolve_provider: Some(false),
                    work_done_progress_options: Default::default(),
                }),
                workspace: Some(WorkspaceServerCapabilities {
                    workspace_folders: Some(WorkspaceFoldersServerCapabilities {
                        supported: Some(true),
                        change_notifications: Some(OneOf::Left(true)),
                    }),
                    file_operations: None,
                }),
                ..Default::default()
            },
            server_info: Some(ServerInfo {
                name: "factcheck-ls".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        self.state.watch_absent_folders(&self.client);
        let folders = read(&self.state.folders).clone();
        for f in folders {
            let (ws, created) = self.state.workspace_for(&f.join(CONFIG_FILE));
            if created {
                self.state.index(&self.client, ws);
            }
        }
        if self.state.dynamic_watch.load(Ordering::SeqCst) {
            let client = self.client.clone();
            tokio::spawn(async move {
                let opts = DidChangeWatchedFilesRegistrationOptions {
                    watchers: ["**/*.txt", "**/*.md", "**/*.markdown", "**/factcheck.toml"]
                        .into_iter()
                        .map(|g| FileSystemWatcher {
                            glob_pattern: GlobPattern::String(g.into()),
                            kind: None,
                        })
                        .collect(),
                };
                let reg = Registration {
                    id: "factcheck-watch".into(),
                    method: "workspace/didChangeWatchedFiles".into(),
                    register_options: serde_json::to_value(opts).ok(),
                };
                match tokio::time::timeout(CLIENT_TIMEOUT, client.register_capability(vec![reg]))
                    .await
                {
                    Ok(Ok(())) => tracing::info!("registered file watching with the client"),
                    Ok(Err(e)) => tracing::warn!("file watch registration refused: {e}"),
                    Err(_) => tracing::warn!("file watch registration unanswered"),
                }
            });
        } else {
            self.state.start_watcher(&self.client);
        }
    }

    async fn shutdown(&self) -> Result<()> {
        for (_, t) in lock(&self.state.tasks).drain() {
            t.abort();
        }
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let td = params.text_document;
        let doc = Document::new(&td.text, td.version, &td.language_id);
        lock(&self.state.docs).insert(td.uri.clone(), doc);
        let path = uri_path(&td.uri);
        if let Some(ws) = path
            .as_deref()
            .and_then(|p| self.state.workspace_of_source(p))
        {
            let path = path.unwrap_or_default();
            if let Some(file) = lock(&ws.index_file).as_mut() {
                file.hold_back(&path);
            }
            ws.update(|c| c.upsert(&path, td.text));
            self.state.recheck(&self.client, Some(&ws));
            return;
        }
        if let Some(p) = &path {
            let (ws, created) = self.state.workspace_for(p);
            if created {
                self.state.index(&self.client, ws);
            }
        }
        self.state.schedule(&self.client, td.uri, Duration::ZERO);
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let version = params.text_document.version;
        let enc = self.enc();
        let source_text = {
            let mut docs = lock(&self.state.docs);
            let Some(doc) = docs.get_mut(&uri) else {
                tracing::warn!("ignoring a change to {}, which is not open", uri.as_str());
                return;
            };
            if version <= doc.version {
                tracing::warn!(
                    "ignoring a stale change to {} (version {version}, have {})",
                    uri.as_str(),
                    doc.version
                );
                return;
            }
            for (i, change) in params.content_changes.iter().enumerate() {
                if let Err(e) = doc.apply(change, enc) {
                    tracing::warn!("skipping change {} of {} to {} version {version}: {e}; the document may be out of sync", i + 1, params.content_changes.len(), uri.as_str());
                    break;
                }
            }
            doc.version = version;
            uri_path(&uri).and_then(|p| {
                self.state
                    .workspace_of_source(&p)
                    .map(|ws| (ws, p, doc.text()))
            })
        };
        if let Some((ws, p, text)) = source_text {
            if let Some(file) = lock(&ws.index_file).as_mut() {
                file.hold_back(&p);
            }
            ws.update(|c| c.upsert(&p, text));
            self.state.recheck(&self.client, Some(&ws));
            return;
        }
        self.state.schedule(&self.client, uri, self.state.debounce);
    }

    async fn did_save(&self, _: DidSaveTextDocumentParams) {}

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        lock(&self.state.docs).remove(&uri);
        lock(&self.state.checked).remove(&uri);
        lock(&self.state.too_large_warned).remove(&uri);
        if let Some(t) = lock(&self.state.tasks).remove(&uri) {
            t.abort();
        }
        if let Some(p) = uri_path(&uri) {
            if self.state.workspace_of_source(&p).is_some() {
                // Back to the file on disk.
                self.state.on_paths_changed(&self.client, vec![p]);
                return;
            }
        }
        self.client.publish_diagnostics(uri, Vec::new(), None).await;
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        let settings = match Settings::from_json(&params.settings) {
            Ok(s) => s,
            Err(e) => {
                tracing::error!("ignoring invalid settings: {e}");
                self.client
                    .show_message(
                        MessageType::WARNING,
                        format!("factcheck: ignoring invalid settings: {e}"),
                    )
                    .await;
                return;
            }
        };
        let old = std::mem::replace(&mut *write(&self.state.client_settings), settings.clone());
        let workspaces: Vec<Arc<Workspace>> = lock(&self.state.workspaces).clone();
        for ws in workspaces {
            if ws.corpus_dirs(&old) != ws.corpus_dirs(&settings) {
                self.state.index(&self.client, ws);
            }
        }
        self.state.recheck(&self.client, None);
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        let paths: Vec<PathBuf> = params
            .changes
            .iter()
            .filter_map(|c| uri_path(&c.uri))
            .collect();
        self.state.on_paths_changed(&self.client, paths);
    }

    async fn did_change_workspace_folders(&self, params: DidChangeWorkspaceFoldersParams) {
        let added: Vec<PathBuf> = params
            .event
            .added
            .iter()
            .filter_map(|f| uri_path(&f.uri))
            .collect();
        let removed: Vec<PathBuf> = params
            .event
            .removed
            .iter()
            .filter_map(|f| uri_path(&f.uri))
            .collect();
        {
            let mut folders = write(&self.state.folders);
            folders.retain(|f| !removed.contains(f));
            folders.extend(added.iter().cloned());
        }
        lock(&self.state.workspaces).retain(|w| !removed.contains(&w.root));
        for f in added {
            let (ws, created) = self.state.workspace_for(&f.join(CONFIG_FILE));
            if created {
                self.state.index(&self.client, ws);
            }
        }
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let uri = params.text_document_position_params.text_document.uri;
        let c = self.checked(&uri).await?;
        let offset = self.offset(&c, params.text_document_position_params.position)?;
        Ok(self.with_ctx(&c, &uri, |ctx| features::hover(ctx, offset)))
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        let uri = params.text_document_position_params.text_document.uri;
        let c = self.checked(&uri).await?;
        let offset = self.offset(&c, params.text_document_position_params.position)?;
        let locs = self.with_ctx(&c, &uri, |ctx| features::definition(ctx, offset));
        Ok(match locs.len() {
            0 => None,
            1 => Some(GotoDefinitionResponse::Scalar(
                locs.into_iter().next().unwrap_or_else(|| unreachable!()),
            )),
            _ => Some(GotoDefinitionResponse::Array(locs)),
        })
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let uri = params.text_document.uri;
        let c = self.checked(&uri).await?;
        let start = self.offset(&c, params.range.start)?;
        let end = self.offset(&c, params.range.end)?.max(start);
        let only_source = params
            .context
            .only
            .as_ref()
            .is_some_and(|o| o.iter().all(|k| k.as_str().starts_with("source")));
        let diags = &c.diagnostics;
        let enc = self.enc();
        let actions = self.with_ctx(&c, &uri, |ctx| {
            let for_finding = |f: &crate::engine::verdict::Finding| {
                let range = crate::protocol::position::range_of(ctx.rope, f.span.clone(), enc);
                diags
                    .iter()
                    .find(|d| d.range == range && d.message == f.message)
                    .cloned()
            };
            features::code_actions(ctx, start..end, &for_finding, only_source)
        });
        Ok(Some(actions))
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let uri = params.text_document_position.text_document.uri;
        let c = self.checked(&uri).await?;
        let offset = self.offset(&c, params.text_document_position.position)?;
        let items = self.with_ctx(&c, &uri, |ctx| features::completion(ctx, offset));
        Ok((!items.is_empty()).then_some(CompletionResponse::Array(items)))
    }

    async fn document_link(&self, params: DocumentLinkParams) -> Result<Option<Vec<DocumentLink>>> {
        let uri = params.text_document.uri;
        let c = self.checked(&uri).await?;
        Ok(Some(self.with_ctx(&c, &uri, features::links)))
    }
}
