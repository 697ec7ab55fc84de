//! The walk over the corpus folders and the paths the server reads: links
//! followed once (loops skipped), special files never opened, folders that
//! cannot be read or are missing named and passed over, and paths from the
//! client never followed out of the corpus. Waits that could hang run with
//! a bound (`HANG`), which detects a hang and is no speed target.
mod common;

use common::binary::{self, ServerProcess};
use common::lsp::{file_uri, Lsp};
use factcheck_ls::load::{self, LoadError, Skipped};
use serde_json::{json, Value};
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

const HANG: Duration = Duration::from_secs(20);
const ICE: &str = "ICE has 25 field offices.\n";
const POTHOLES: &str = "The council counted 47 potholes in March.\n";
const DRAFT: &str = "ICE has 30 field offices.\nThe mayor said 19 bridges were closed.\n";
const MISMATCH: &str = "source says 25 field offices, not 30; see a";
const NO_BRIDGES: &str = "no source gives a figure for bridges";
const NO_POTHOLES: &str = "no source gives a figure for potholes";

/// Runs `f` on another thread and fails if it has not ended within `HANG`.
fn without_hanging<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let (done, ended) = std::sync::mpsc::channel();
    let worker = std::thread::spawn(move || {
        let out = f();
        let _ = done.send(());
        out
    });
    if let Err(std::sync::mpsc::RecvTimeoutError::Timeout) = ended.recv_timeout(HANG) {
        panic!("still running after {HANG:?}: it hangs");
    }
    worker
        .join()
        .unwrap_or_else(|e| std::panic::resume_unwind(e))
}

/// Runs the CLI; kills it and fails if it has not ended within `HANG`.
fn run_command(mut command: Command) -> Output {
    let child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id() as libc::pid_t;
    let (done, ended) = std::sync::mpsc::channel();
    let waiter = std::thread::spawn(move || {
        let out = child.wait_with_output();
        let _ = done.send(());
        out
    });
    if ended.recv_timeout(HANG).is_err() {
        // SAFETY: a plain syscall on the child this test started.
        unsafe { libc::kill(pid, libc::SIGKILL) };
        panic!("factcheck-ls still running after {HANG:?}: it hangs");
    }
    waiter.join().unwrap().unwrap()
}

fn cli(args: &[&str], cwd: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_factcheck-ls"));
    command.args(args).current_dir(cwd);
    command
}

fn run(args: &[&str], cwd: &Path) -> Output {
    run_command(cli(args, cwd))
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

/// The warnings logged, without their timestamps.
fn warnings(log: &str) -> Vec<String> {
    log.lines()
        .filter_map(|l| l.split_once(" WARN ").map(|(_, m)| m.to_string()))
        .collect()
}

/// A temporary project folder, by its real path.
fn project() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    (dir, root)
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn paths(files: &[(PathBuf, Option<load::Stamp>)]) -> Vec<PathBuf> {
    files.iter().map(|(p, _)| p.clone()).collect()
}

fn skipped(path: PathBuf, reason: &str) -> Skipped {
    Skipped {
        path,
        reason: reason.to_string(),
    }
}

fn loop_back(link: PathBuf, folder: &Path) -> Skipped {
    let reason = format!("a link back to {}, a folder it is in", folder.display());
    skipped(link, &reason)
}

/// The sources the CLI's `index` finds in the project at `root`.
fn indexed_count(root: &Path, corpus: &[&str]) -> (usize, Vec<String>) {
    let mut args = vec!["index", "--json"];
    for c in corpus {
        args.extend(["--corpus", c]);
    }
    let root_arg = root.to_str().unwrap();
    args.push(root_arg);
    let o = run(&args, root);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let report: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let count = report["sources"].as_u64().unwrap() as usize;
    (count, warnings(&stderr(&o)))
}

#[test]
fn two_links_to_the_folder_itself_do_not_hang_and_count_each_source_once() {
    let (_dir, root) = project();
    let src = root.join("sources");
    write(&src.join("a_1.txt"), ICE);
    write(&src.join("sub/b_2.md"), POTHOLES);
    symlink(".", src.join("self")).unwrap();
    symlink(".", src.join("again")).unwrap();
    symlink("..", src.join("sub/up")).unwrap();
    let dirs = vec![src.clone()];
    let listed = without_hanging(move || load::list_sources(&dirs).unwrap());
    assert_eq!(listed, [src.join("a_1.txt"), src.join("sub/b_2.md")]);
    let (count, logged) = indexed_count(&root, &[]);
    assert_eq!(count, 2);
    let loops = [src.join("again"), src.join("self"), src.join("sub/up")];
    let expected: Vec<String> = loops
        .iter()
        .map(|l| {
            let s = loop_back(l.clone(), &src);
            format!("skipping {}: {}", s.path.display(), s.reason)
        })
        .collect();
    assert_eq!(logged, expected, "one message per loop");
}

#[test]
fn a_loop_is_skipped_with_its_reason() {
    let (_dir, root) = project();
    let src = root.join("sources");
    write(&src.join("a_1.txt"), ICE);
    write(&src.join("sub/b_2.md"), POTHOLES);
    symlink(".", src.join("self")).unwrap();
    symlink("..", src.join("sub/up")).unwrap();
    symlink("../..", src.join("sub/top")).unwrap();
    let dirs = vec![src.clone()];
    let found = without_hanging(move || load::walk_folders(&dirs, false).unwrap());
    assert_eq!(
        paths(&found.files),
        [src.join("a_1.txt"), src.join("sub/b_2.md")]
    );
    assert_eq!(
        found.skipped,
        [
            loop_back(src.join("self"), &src),
            loop_back(src.join("sub/top"), &root),
            loop_back(src.join("sub/up"), &src),
        ]
    );
    assert!(found.missing.is_empty());
}

#[test]
fn links_out_of_the_corpus_are_followed_and_a_file_reached_twice_counts_once() {
    let (_dir, root) = project();
    let src = root.join("sources");
    write(&src.join("a_1.txt"), ICE);
    write(&src.join("real/r_6.md"), POTHOLES);
    write(&root.join("elsewhere/shared_3.md"), "Shared.\n");
    write(&root.join("elsewhere/deeper/d_4.txt"), "Deeper.\n");
    write(&root.join("outside_5.md"), "Outside.\n");
    // Out of the corpus: followed. Back into it from there: a loop.
    symlink("../elsewhere", src.join("shared")).unwrap();
    symlink("../sources", root.join("elsewhere/back")).unwrap();
    // To a folder inside: walked once, by its own path, whichever sorts first.
    symlink("real", src.join("alias")).unwrap();
    symlink("real", src.join("0first")).unwrap();
    // To files: one listed by its own path; one outside, through two links.
    symlink("real/r_6.md", src.join("r_link.md")).unwrap();
    symlink("../outside_5.md", src.join("out_link.md")).unwrap();
    symlink("../outside_5.md", src.join("out_again.md")).unwrap();
    let dirs = vec![src.clone()];
    let found = without_hanging(move || load::walk_folders(&dirs, true).unwrap());
    assert_eq!(
        paths(&found.files),
        [
            src.join("a_1.txt"),
            src.join("out_again.md"),
            src.join("real/r_6.md"),
            src.join("shared/deeper/d_4.txt"),
            src.join("shared/shared_3.md"),
        ]
    );
    for (path, stamp) in &found.files {
        assert_eq!(*stamp, load::Stamp::read(path), "{}", path.display());
    }
    assert_eq!(found.skipped, [loop_back(src.join("shared/back"), &src)]);
    let (corpus, _) = load::load_corpus(&[src]).unwrap();
    assert_eq!(corpus.len(), 5);
}

#[test]
fn a_folder_listed_four_times_or_inside_another_counts_once() {
    let (_dir, root) = project();
    let src = root.join("sources");
    write(&src.join("a_1.txt"), ICE);
    write(&src.join("sub/b_2.md"), POTHOLES);
    symlink("sources", root.join("alias")).unwrap();
    let expected = [src.join("a_1.txt"), src.join("sub/b_2.md")];
    let four = vec![src.clone(); 4];
    assert_eq!(load::list_sources(&four).unwrap(), expected);
    let overlapping = [
        "sources",
        "sources/sub",
        "sources/../sources",
        "alias",
        "sources/",
    ];
    let dirs: Vec<PathBuf> = overlapping.iter().map(|d| root.join(d)).collect();
    assert_eq!(load::list_sources(&dirs).unwrap(), expected);
    let inner_first: Vec<PathBuf> = ["sources/sub", "alias", "sources"]
        .iter()
        .map(|d| root.join(d))
        .collect();
    // Named by the first folder that reaches each.
    let via_alias = [root.join("alias/a_1.txt"), src.join("sub/b_2.md")];
    assert_eq!(load::list_sources(&inner_first).unwrap(), via_alias);
    assert_eq!(indexed_count(&root, &overlapping), (2, vec![]));
}

#[test]
fn a_corpus_path_that_is_a_file_is_a_clear_error() {
    let (_dir, root) = project();
    write(&root.join("notes.txt"), ICE);
    write(&root.join("draft.md"), DRAFT);
    let o = run(&["check", "--corpus", "notes.txt", "draft.md"], &root);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "factcheck-ls: corpus path is not a folder: notes.txt\n"
    );
    assert_eq!(stdout(&o), "");
}

fn mkfifo(path: &Path) {
    let name = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a plain syscall with a NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o644) }, 0);
}

#[test]
fn pipes_sockets_and_devices_are_skipped_without_being_opened() {
    let (_dir, root) = project();
    let src = root.join("sources");
    write(&src.join("a_1.txt"), ICE);
    write(&root.join("draft.md"), DRAFT);
    mkfifo(&src.join("pipe.txt"));
    let _socket = std::os::unix::net::UnixListener::bind(src.join("sock.md")).unwrap();
    symlink("/dev/null", src.join("null.txt")).unwrap();
    symlink("pipe.txt", src.join("pipe_link.md")).unwrap();
    // The CLI first: it hung on opening the pipe.
    let o = run(&["check", "--no-index", "draft.md"], &root);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        format!("draft.md:1:9: error[figure-mismatch] {MISMATCH}\ndraft.md:2:16: hint[figure-unsourced] {NO_BRIDGES}\n")
    );
    let dirs = vec![src.clone()];
    let found = without_hanging(move || load::walk_folders(&dirs, true).unwrap());
    assert_eq!(paths(&found.files), [src.join("a_1.txt")]);
    let skips = [
        ("null.txt", "not a regular file (a device)"),
        ("pipe.txt", "not a regular file (a named pipe)"),
        ("pipe_link.md", "not a regular file (a named pipe)"),
        ("sock.md", "not a regular file (a socket)"),
    ];
    let expected: Vec<Skipped> = skips
        .iter()
        .map(|(name, reason)| skipped(src.join(name), reason))
        .collect();
    assert_eq!(found.skipped, expected);
    // Read by path (as a watcher's event is), a pipe is refused at once.
    let pipe = src.join("pipe.txt");
    let read = without_hanging(move || load::read_stamped(&pipe).map(|_| ()));
    assert_eq!(read, Err("not a regular file (a named pipe)".to_string()));
    let logged: Vec<String> = expected
        .iter()
        .map(|s| format!("skipping {}: {}", s.path.display(), s.reason))
        .collect();
    assert_eq!(warnings(&stderr(&o)), logged);
}

fn running_as_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// Makes `levels` folders one inside another below `top`, each named
/// `name`, by paths relative to the one above (so that the whole path may
/// be longer than the system takes); returns the innermost one's path.
fn nest(top: &Path, name: &str, levels: usize) -> PathBuf {
    use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
    let c_name = std::ffi::CString::new(name).unwrap();
    let mut folder = OwnedFd::from(std::fs::File::open(top).unwrap());
    let mut path = top.to_path_buf();
    for _ in 0..levels {
        // SAFETY: plain syscalls on a folder this function holds open.
        let inner = unsafe {
            assert_eq!(libc::mkdirat(folder.as_raw_fd(), c_name.as_ptr(), 0o755), 0);
            libc::openat(
                folder.as_raw_fd(),
                c_name.as_ptr(),
                libc::O_RDONLY | libc::O_DIRECTORY,
            )
        };
        assert!(inner >= 0);
        // SAFETY: `inner` is an open descriptor that nothing else owns.
        folder = unsafe { OwnedFd::from_raw_fd(inner) };
        path.push(name);
    }
    path
}

/// A folder that cannot be read: one whose path is longer than the system
/// takes (which fails for root too), and, when not root, one with no
/// permissions.
#[test]
fn a_folder_that_cannot_be_read_is_skipped_by_name_and_the_rest_loads() {
    let (_dir, root) = project();
    let src = root.join("sources");
    write(&src.join("a_1.txt"), ICE);
    let name = "d".repeat(200);
    let deepest = nest(&src, &name, 21);
    write(&src.join(&name).join("inner_2.md"), POTHOLES);
    let mut expected = vec![skipped(
        deepest,
        "cannot read this folder: File name too long (os error 36)",
    )];
    if !running_as_root() {
        let locked = src.join("locked");
        std::fs::create_dir(&locked).unwrap();
        set_mode(&locked, 0o000);
        let reason = "cannot read this folder: Permission denied (os error 13)";
        expected.push(skipped(locked, reason));
    }
    let dirs = vec![src.clone()];
    let found = load::walk_folders(&dirs, false).unwrap();
    assert_eq!(
        paths(&found.files),
        [src.join("a_1.txt"), src.join(&name).join("inner_2.md")]
    );
    assert_eq!(found.skipped, expected);
    let (corpus, all_skipped) = load::load_corpus(&dirs).unwrap();
    assert_eq!(corpus.len(), 2);
    assert_eq!(all_skipped, expected);
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// An empty folder with no permissions, read by the CLI as a user it
/// keeps out (as root the CLI runs as `nobody`).
#[test]
fn the_cli_skips_an_unreadable_folder_and_loads_the_rest() {
    let (_dir, root) = project();
    let src = root.join("sources");
    write(&src.join("a_1.txt"), ICE);
    write(&root.join("draft.md"), DRAFT);
    let locked = src.join("locked");
    std::fs::create_dir(&locked).unwrap();
    set_mode(&locked, 0o000);
    let mut command = cli(&["check", "--no-index", "draft.md"], &root);
    if running_as_root() {
        use std::os::unix::process::CommandExt;
        set_mode(&root, 0o755);
        command.uid(65534).gid(65534);
    }
    let o = run_command(command);
    set_mode(&locked, 0o755);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        format!("draft.md:1:9: error[figure-mismatch] {MISMATCH}\ndraft.md:2:16: hint[figure-unsourced] {NO_BRIDGES}\n")
    );
    assert_eq!(
        warnings(&stderr(&o)),
        [format!(
            "skipping {}: cannot read this folder: Permission denied (os error 13)",
            locked.display()
        )]
    );
}

#[test]
fn a_missing_folder_among_several_is_named_and_the_others_load() {
    let (_dir, root) = project();
    let src = root.join("sources");
    write(&src.join("a_1.txt"), ICE);
    write(&root.join("draft.md"), DRAFT);
    let found = load::walk_folders(&[src.clone(), root.join("missing")], false).unwrap();
    assert_eq!(paths(&found.files), [src.join("a_1.txt")]);
    assert_eq!(found.missing, [root.join("missing")]);
    let gone = [root.join("gone1"), root.join("gone2")];
    let none = load::walk_folders(&gone, false).unwrap_err();
    assert!(matches!(none, LoadError::MissingFolders(_)), "{none:?}");
    assert_eq!(
        none.to_string(),
        format!(
            "corpus folders not found: {}, {}",
            gone[0].display(),
            gone[1].display()
        )
    );
    let o = run(
        &[
            "check",
            "--no-index",
            "--corpus",
            "sources",
            "--corpus",
            "missing",
            "draft.md",
        ],
        &root,
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        format!("draft.md:1:9: error[figure-mismatch] {MISMATCH}\ndraft.md:2:16: hint[figure-unsourced] {NO_BRIDGES}\n")
    );
    assert_eq!(warnings(&stderr(&o)), ["corpus folder not found: missing"]);
    let o = run(
        &[
            "check", "--corpus", "gone1", "--corpus", "gone2", "draft.md",
        ],
        &root,
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "factcheck-ls: corpus folders not found: gone1, gone2\n"
    );
}

#[test]
fn paths_from_outside_are_named_inside_the_corpus_or_not_at_all() {
    let (_dir, root) = project();
    let src = root.join("project/sources");
    write(&src.join("a_1.txt"), ICE);
    write(&src.join("real/r_2.md"), POTHOLES);
    write(&root.join("elsewhere/x_3.md"), "Shared.\n");
    write(&root.join("secret/notes.txt"), "Secret.\n");
    symlink(".", src.join("self")).unwrap();
    symlink("real", src.join("alias")).unwrap();
    symlink("../../elsewhere", src.join("shared")).unwrap();
    symlink("/", src.join("top")).unwrap();
    let names = load::CorpusNames::new(std::slice::from_ref(&src));
    let name_of = |p: &str| names.name_of(&src.join(p));
    let outside = src.join("../../secret/notes.txt");
    assert_eq!(load::plain_path(&outside), root.join("secret/notes.txt"));
    assert_eq!(names.name_of(&outside), None);
    assert_eq!(name_of("../../secret/notes.txt"), None);
    assert_eq!(name_of("real/../../../secret/notes.txt"), None);
    assert_eq!(name_of("./a_1.txt"), Some(src.join("a_1.txt")));
    assert_eq!(name_of("self/self/a_1.txt"), Some(src.join("a_1.txt")));
    assert_eq!(name_of("alias/r_2.md"), Some(src.join("real/r_2.md")));
    assert_eq!(name_of("shared/x_3.md"), Some(src.join("shared/x_3.md")));
    assert_eq!(name_of("top/etc/passwd.txt"), None, "through a loop");
    assert_eq!(name_of("gone.md"), Some(src.join("gone.md")));
    assert_eq!(name_of("new/b.md"), Some(src.join("new/b.md")));
    let real_path = src.canonicalize().unwrap().join("a_1.txt");
    assert_eq!(names.name_of(&real_path), Some(src.join("a_1.txt")));
    assert_eq!(load::plain_path(Path::new("/../a/./b/..")), Path::new("/a"));
    assert_eq!(
        load::plain_path(Path::new("../../a/..")),
        Path::new("../..")
    );
}

// The server, as the binary an editor runs.

/// A client that watches files for the server (so that the server's own
/// watcher stays out of the way), or one that does not.
fn caps(client_watches: bool) -> Value {
    json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": client_watches}}})
}

/// A project with `factcheck.toml` saying `config`.
fn server_project(config: &str) -> (tempfile::TempDir, PathBuf) {
    let (dir, root) = project();
    write(&root.join("factcheck.toml"), config);
    (dir, root)
}

async fn start_server(root: &Path, client_watches: bool, log: &str) -> (Lsp, ServerProcess) {
    let env = [("FACTCHECK_LOG", log)];
    let (lsp, _, process) = binary::start(caps(client_watches), Value::Null, &[root], &env).await;
    (lsp, process)
}

/// The (code, message) of each diagnostic.
fn findings(params: &Value) -> Vec<(String, String)> {
    params["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let text = |k: &str| d[k].as_str().unwrap().to_string();
            (text("code"), text("message"))
        })
        .collect()
}

fn finding(code: &str, message: &str) -> (String, String) {
    (code.to_string(), message.to_string())
}

async fn next_message(lsp: &mut Lsp) -> (i64, String) {
    let m = lsp.wait(|m| m["method"] == "window/showMessage").await;
    let params = &m["params"];
    (
        params["type"].as_i64().unwrap(),
        params["message"].as_str().unwrap().to_string(),
    )
}

/// Sends the same text as version 2 and returns its diagnostics: checked
/// now, after whatever the server did before.
async fn check_again(lsp: &mut Lsp, uri: &str, text: &str) -> Vec<(String, String)> {
    lsp.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": text}]}),
    )
    .await;
    findings(&lsp.diagnostics(uri, Some(2)).await)
}

const ERROR: i64 = 1;
const WARNING: i64 = 2;

#[tokio::test]
async fn the_server_holds_no_source_findings_back_while_a_corpus_folder_is_missing() {
    let (_dir, root) = server_project("[corpus]\npaths = [\"sources\", \"missing\"]\n");
    write(&root.join("sources/a_1.txt"), ICE);
    let (mut lsp, _server) = start_server(&root, true, "warn").await;
    let uri = file_uri(&root.join("draft.md"));
    lsp.open(&uri, DRAFT).await;
    let missing = root.join("missing");
    assert_eq!(
        next_message(&mut lsp).await,
        (
            WARNING,
            format!(
                "factcheck: corpus folder not found: {}; \"no source\" findings are held back until it is there",
                missing.display()
            )
        )
    );
    assert_eq!(
        check_again(&mut lsp, &uri, DRAFT).await,
        [finding("figure-mismatch", MISMATCH)]
    );
    lsp.shutdown().await;
}

#[tokio::test]
async fn a_corpus_folder_made_after_start_up_is_loaded_and_no_source_waits_for_it() {
    let (_dir, root) = server_project("[corpus]\npaths = [\"sources\"]\n");
    let (mut lsp, _server) = start_server(&root, false, "warn").await;
    let uri = file_uri(&root.join("draft.md"));
    lsp.open(&uri, DRAFT).await;
    let src = root.join("sources");
    assert_eq!(
        next_message(&mut lsp).await,
        (
            ERROR,
            format!("factcheck: corpus folder not found: {}", src.display())
        )
    );
    assert_eq!(check_again(&mut lsp, &uri, DRAFT).await, []);
    // Made whole elsewhere, then moved in: it appears at once.
    write(&root.join("incoming/a_1.txt"), ICE);
    std::fs::rename(root.join("incoming"), &src).unwrap();
    let loaded = lsp
        .diagnostics_where(&uri, |m| m.iter().any(|m| m == NO_BRIDGES))
        .await;
    assert_eq!(
        findings(&loaded),
        [
            finding("figure-mismatch", MISMATCH),
            finding("figure-unsourced", NO_BRIDGES)
        ]
    );
    lsp.shutdown().await;
}

#[tokio::test]
async fn a_corpus_path_that_is_a_file_is_shown_as_an_error() {
    let (_dir, root) = server_project("[corpus]\npaths = [\"notes.txt\"]\n");
    write(&root.join("notes.txt"), ICE);
    let (mut lsp, _server) = start_server(&root, true, "warn").await;
    let uri = file_uri(&root.join("draft.md"));
    lsp.open(&uri, DRAFT).await;
    let notes = root.join("notes.txt");
    assert_eq!(
        next_message(&mut lsp).await,
        (
            ERROR,
            format!(
                "factcheck: corpus path is not a folder: {}",
                notes.display()
            )
        )
    );
    assert_eq!(check_again(&mut lsp, &uri, DRAFT).await, []);
    lsp.shutdown().await;
}

#[tokio::test]
async fn a_watched_file_change_never_reads_outside_the_corpus() {
    let (_dir, root) = project();
    let project = root.join("project");
    write(
        &project.join("factcheck.toml"),
        "[corpus]\npaths = [\"sources\"]\n",
    );
    let src = project.join("sources");
    write(&src.join("a_1.txt"), ICE);
    write(
        &root.join("secret/notes.txt"),
        "The mayor said 19 bridges were closed.\n",
    );
    let (mut lsp, server) = start_server(&project, true, "warn,factcheck_ls=debug").await;
    let uri = file_uri(&project.join("draft.md"));
    let draft = format!("{DRAFT}{POTHOLES}");
    lsp.open(&uri, &draft).await;
    let all_unsourced = [
        finding("figure-mismatch", MISMATCH),
        finding("figure-unsourced", NO_BRIDGES),
        finding("figure-unsourced", NO_POTHOLES),
    ];
    let loaded = lsp
        .diagnostics_where(&uri, |m| m.iter().any(|m| m == NO_POTHOLES))
        .await;
    assert_eq!(findings(&loaded), all_unsourced);
    // One notification: the file outside through `..`, and a new source.
    lsp.forget_seen();
    write(&src.join("b_2.txt"), POTHOLES);
    let outside = format!("{}/../../secret/notes.txt", file_uri(&src));
    lsp.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [
            {"uri": outside, "type": 1},
            {"uri": file_uri(&src.join("b_2.txt")), "type": 1},
        ]}),
    )
    .await;
    let rechecked = lsp
        .diagnostics_where(&uri, |m| !m.iter().any(|m| m == NO_POTHOLES))
        .await;
    assert_eq!(
        findings(&rechecked),
        [
            finding("figure-mismatch", MISMATCH),
            finding("figure-unsourced", NO_BRIDGES)
        ]
    );
    let ignored = format!(
        "ignoring a change to {}/../../secret/notes.txt: not a source in a corpus folder",
        src.display()
    );
    assert!(server.log().contains(&ignored), "{}", server.log());
    lsp.shutdown().await;
}

#[tokio::test]
async fn an_invalid_factcheck_toml_is_shown_to_the_user() {
    let (_dir, root) = server_project("[corpus]\npaths = \"sources\"\n");
    write(&root.join("sources/a_1.txt"), ICE);
    let (mut lsp, server) = start_server(&root, true, "warn").await;
    let uri = file_uri(&root.join("draft.md"));
    lsp.open(&uri, DRAFT).await;
    let error = format!(
        "invalid {}: invalid type: string \"sources\", expected a sequence; using the default settings",
        root.join("factcheck.toml").display()
    );
    assert_eq!(
        next_message(&mut lsp).await,
        (ERROR, format!("factcheck: {error}"))
    );
    // The defaults hold: the corpus is `sources`.
    let loaded = lsp
        .diagnostics_where(&uri, |m| m.iter().any(|m| m == NO_BRIDGES))
        .await;
    assert_eq!(
        findings(&loaded),
        [
            finding("figure-mismatch", MISMATCH),
            finding("figure-unsourced", NO_BRIDGES)
        ]
    );
    assert!(
        server.log().contains(&format!(" ERROR {error}\n")),
        "{}",
        server.log()
    );
    lsp.shutdown().await;
}
