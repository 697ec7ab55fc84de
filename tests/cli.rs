//! `factcheck-ls check` as a user runs it: output formats, exit status, and
//! bad input that must be skipped with a reason or refused clearly.
mod common;

use common::root;
use std::path::Path;
use std::process::{Command, Output};

fn run(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_factcheck-ls"))
        .args(args)
        .current_dir(cwd)
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

#[test]
fn text_output_is_compiler_style_and_errors_exit_1() {
    let o = run(&["check", "fixtures/drafts/shakeup.md"], &root());
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    let first = out.lines().next().unwrap();
    assert_eq!(first, "fixtures/drafts/shakeup.md:12:9: error[figure-mismatch] source says 25 field offices, not 30; see 003");
    assert_eq!(out.lines().count(), 9);
}

#[test]
fn clean_drafts_exit_0() {
    let o = run(&["check", "fixtures/transit/drafts/clean.md"], &root());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "");
}

#[test]
fn json_is_lsp_diagnostics_per_file() {
    let o = run(&["check", "--format", "json", "fixtures/drafts/"], &root());
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let files: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        files,
        vec![
            "fixtures/drafts/clean.md",
            "fixtures/drafts/precision.md",
            "fixtures/drafts/shakeup.md"
        ]
    );
    let d = &v[2]["diagnostics"][0];
    assert_eq!(
        d["range"],
        serde_json::json!({"start": {"line": 11, "character": 8}, "end": {"line": 11, "character": 10}})
    );
    assert_eq!(d["severity"], 1);
    assert_eq!(d["code"], "figure-mismatch");
    assert_eq!(d["source"], "factcheck");
    assert_eq!(
        d["message"],
        "source says 25 field offices, not 30; see 003"
    );
    let rel = &d["relatedInformation"][0];
    assert!(rel["location"]["uri"]
        .as_str()
        .unwrap()
        .ends_with("/fixtures/corpus/003_c06f4ef91d2d64b1.txt"));
    assert_eq!(
        rel["location"]["range"]["start"],
        serde_json::json!({"line": 6, "character": 224})
    );
    assert_eq!(rel["message"], "003 says 25 field offices");
    assert_eq!(d["data"]["fixes"][0]["newText"], "25");
    assert_eq!(d["data"]["fixes"][0]["title"], "Change to 25 (003)");
}

#[test]
fn sarif_is_2_1_0_with_rules_and_results() {
    let o = run(
        &["check", "--format", "sarif", "fixtures/drafts/shakeup.md"],
        &root(),
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "factcheck-ls");
    assert_eq!(run["tool"]["driver"]["rules"].as_array().unwrap().len(), 11);
    let r = &run["results"][0];
    assert_eq!(r["ruleId"], "figure-mismatch");
    assert_eq!(r["level"], "error");
    assert_eq!(
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "fixtures/drafts/shakeup.md"
    );
    assert_eq!(
        r["locations"][0]["physicalLocation"]["region"]["startLine"],
        12
    );
    assert_eq!(
        r["locations"][0]["physicalLocation"]["region"]["startColumn"],
        9
    );
    assert_eq!(run["results"].as_array().unwrap().len(), 9);
}

#[test]
fn bad_source_files_are_skipped_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("sources");
    std::fs::create_dir_all(src.join("nested")).unwrap();
    std::fs::write(src.join("nested/a_1.txt"), "ICE has 25 field offices.\n").unwrap();
    std::fs::write(src.join("b_2.txt"), [0x89u8, b'P', b'N', b'G', 0, 0, 1, 2]).unwrap();
    std::fs::write(src.join("c_3.md"), [b'o', b'k', 0xff, 0xfe, b'\n']).unwrap();
    std::fs::write(src.join(".hidden.txt"), "ICE has 99 field offices.\n").unwrap();
    std::fs::write(src.join("notes.pdf"), "ICE has 99 field offices.\n").unwrap();
    std::fs::write(dir.path().join("draft.md"), "ICE has 30 field offices.\n").unwrap();
    let o = run(&["check", "draft.md"], dir.path());
    let err = stderr(&o);
    assert!(
        err.contains("skipping source")
            && err.contains("b_2.txt: binary file (contains NUL bytes)"),
        "{err}"
    );
    assert!(
        err.contains("c_3.md: not valid UTF-8 (first bad byte at offset 2)"),
        "{err}"
    );
    assert!(
        !err.contains(".hidden") && !err.contains("notes.pdf"),
        "{err}"
    );
    assert_eq!(
        stdout(&o),
        "draft.md:1:9: error[figure-mismatch] source says 25 field offices, not 30; see a\n"
    );
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn a_missing_corpus_folder_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("draft.md"), "ICE has 30 field offices.\n").unwrap();
    let o = run(&["check", "draft.md"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("corpus folder not found: ") && err.contains("sources"),
        "{err}"
    );
    let o = run(&["check", "--corpus", "nowhere", "draft.md"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("corpus folder not found: nowhere"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn corpus_flags_override_the_config() {
    let o = run(
        &[
            "check",
            "--corpus",
            "fixtures/transit/sources",
            "fixtures/drafts/shakeup.md",
        ],
        &root(),
    );
    // Against the transit corpus nothing about ICE is sourced.
    assert!(!stdout(&o).contains("figure-mismatch"), "{}", stdout(&o));
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn config_errors_and_usage_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("factcheck.toml"),
        "[severity]\nfigure-wrong = \"off\"\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("d.md"), "Text.\n").unwrap();
    let o = run(&["check", "d.md"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("unknown code `figure-wrong`"),
        "{}",
        stderr(&o)
    );
    let o = run(&["check"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    let o = run(&["check", "missing.md"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no such file or folder: missing.md"));
}

#[test]
fn severities_from_the_config_apply() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("src")).unwrap();
    std::fs::write(
        dir.path().join("src/a_1.txt"),
        "ICE has 25 field offices.\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("factcheck.toml"),
        "[corpus]\npaths = [\"src\"]\n[severity]\nfigure-mismatch = \"warning\"\n",
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("drafts")).unwrap();
    std::fs::write(
        dir.path().join("drafts/d.md"),
        "ICE has 30 field offices.\n",
    )
    .unwrap();
    let o = run(&["check", "drafts"], dir.path());
    assert_eq!(
        stdout(&o),
        "drafts/d.md:1:9: warning[figure-mismatch] source says 25 field offices, not 30; see a\n"
    );
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn huge_and_binary_drafts_are_skipped_not_fatal() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("sources")).unwrap();
    std::fs::write(dir.path().join("big.md"), "word ".repeat(2_000_000)).unwrap();
    std::fs::write(dir.path().join("bin.md"), [0u8, 1, 2, 3]).unwrap();
    std::fs::write(dir.path().join("ok.md"), "Fine.\n").unwrap();
    let o = run(&["check", "."], dir.path());
    assert_eq!(o.status.code(), Some(0));
    let err = stderr(&o);
    assert!(
        err.contains("skipping ./big.md: too large (10000000 bytes; the limit is 8388608)"),
        "{err}"
    );
    assert!(err.contains("skipping ./bin.md: binary file"), "{err}");
}

#[test]
fn index_builds_then_reuses_the_project_index_and_check_can_skip_it() {
    let dir = tempfile::tempdir().unwrap();
    let sources = dir.path().join("sources");
    std::fs::create_dir_all(&sources).unwrap();
    for e in std::fs::read_dir(root().join("fixtures/transit/sources"))
        .unwrap()
        .flatten()
    {
        std::fs::copy(e.path(), sources.join(e.file_name())).unwrap();
    }
    let report = |o: &Output| -> serde_json::Value {
        assert_eq!(o.status.code(), Some(0), "{}", stderr(o));
        serde_json::from_slice(&o.stdout).unwrap()
    };
    let first = report(&run(&["index", "--json", "."], dir.path()));
    assert_eq!(
        (&first["sources"], &first["parsed"], &first["reused"]),
        (&3.into(), &3.into(), &0.into())
    );
    let file = std::path::PathBuf::from(first["index"].as_str().unwrap());
    assert!(file.starts_with(dir.path().join(".factcheck")), "{file:?}");
    let second = report(&run(&["index", "--json", "."], dir.path()));
    assert_eq!(
        (&second["parsed"], &second["reused"]),
        (&0.into(), &3.into())
    );

    let o = run(&["index", "."], dir.path());
    assert_eq!(
        stdout(&o).split(" in ").next().unwrap(),
        "3 sources (3 from the index, 0 parsed, 0 skipped)"
    );
    let o = run(&["index", "missing"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "factcheck-ls: no such file or folder: missing\n"
    );

    // `check --no-index` neither reads nor writes it.
    std::fs::remove_dir_all(dir.path().join(".factcheck")).unwrap();
    let draft = dir.path().join("d.md");
    std::fs::write(&draft, "The base fare rises to $2.75.\n").unwrap();
    let o = run(&["check", "--no-index", "d.md"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!dir.path().join(".factcheck").exists());
    let o = run(&["check", "d.md"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(dir.path().join(".factcheck").is_dir());
}
