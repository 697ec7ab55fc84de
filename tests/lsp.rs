//! Protocol tests: the real server in-process over a duplex pipe.
mod common;

use common::lsp::{apply_edit, file_uri, messages, Lsp};
use common::root;
use serde_json::{json, Value};

fn draft_uri(name: &str) -> String {
    file_uri(&root().join("fixtures/drafts").join(name))
}

fn caps() -> Value {
    json!({"window": {"workDoneProgress": true}, "workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}})
}

async fn start() -> Lsp {
    Lsp::start(caps(), Value::Null, &[&root().join("fixtures")])
        .await
        .0
}

/// Opens a draft and waits until diagnostics arrive that satisfy `pred`
/// (the first ones may predate indexing).
async fn open_and_wait(
    lsp: &mut Lsp,
    uri: &str,
    text: &str,
    pred: impl Fn(&[String]) -> bool,
) -> Value {
    lsp.open(uri, text).await;
    lsp.diagnostics_where(uri, pred).await
}

const MISMATCH: &str = "source says 25 field offices, not 30; see 003";

async fn hover(lsp: &mut Lsp, uri: &str, line: u32, character: u32) -> Value {
    lsp.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}),
    )
    .await
}

#[tokio::test]
async fn initialize_negotiates_encoding_and_capabilities() {
    let (mut lsp, init) = Lsp::start(json!({}), Value::Null, &[]).await;
    let c = &init["capabilities"];
    assert_eq!(c["positionEncoding"], "utf-16");
    assert_eq!(c["textDocumentSync"]["change"], 2);
    assert_eq!(c["hoverProvider"], true);
    assert_eq!(c["definitionProvider"], true);
    assert_eq!(
        c["codeActionProvider"]["codeActionKinds"],
        json!(["quickfix", "source"])
    );
    assert_eq!(
        c["completionProvider"]["triggerCharacters"],
        json!(["^", "@"])
    );
    assert_eq!(init["serverInfo"]["name"], "factcheck-ls");
    lsp.shutdown().await;
    let (mut lsp, init) = Lsp::start(
        json!({"general": {"positionEncodings": ["utf-8", "utf-16"]}}),
        Value::Null,
        &[],
    )
    .await;
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-8");
    lsp.shutdown().await;
}

#[tokio::test]
async fn diagnostics_on_open_and_after_incremental_edits() {
    let mut lsp = start().await;
    let uri = draft_uri("live.md");
    let d = open_and_wait(&mut lsp, &uri, "ICE has 30 field offices.\n", |m| {
        m == [MISMATCH]
    })
    .await;
    assert_eq!(d["version"], 1);
    let diag = &d["diagnostics"][0];
    assert_eq!(diag["message"], MISMATCH);
    assert_eq!(diag["code"], "figure-mismatch");
    assert_eq!(diag["source"], "factcheck");
    assert_eq!(diag["severity"], 1);
    assert_eq!(
        diag["range"],
        json!({"start": {"line": 0, "character": 8}, "end": {"line": 0, "character": 10}})
    );
    let rel = &diag["relatedInformation"][0];
    assert!(rel["location"]["uri"]
        .as_str()
        .unwrap()
        .ends_with("/fixtures/corpus/003_c06f4ef91d2d64b1.txt"));
    assert_eq!(
        rel["location"]["range"],
        json!({"start": {"line": 6, "character": 224}, "end": {"line": 6, "character": 240}})
    );
    assert_eq!(diag["data"]["fixes"][0]["newText"], "25");

    // Fix the figure with an incremental edit: the error clears at version 2.
    lsp.notify("textDocument/didChange", json!({
        "textDocument": {"uri": uri, "version": 2},
        "contentChanges": [{"range": {"start": {"line": 0, "character": 8}, "end": {"line": 0, "character": 10}}, "text": "25"}]
    })).await;
    let d = lsp.diagnostics(&uri, Some(2)).await;
    assert_eq!(d["diagnostics"], json!([]));

    // Several changes in one notification apply in order.
    lsp.notify("textDocument/didChange", json!({
        "textDocument": {"uri": uri, "version": 3},
        "contentChanges": [
            {"range": {"start": {"line": 0, "character": 8}, "end": {"line": 0, "character": 10}}, "text": "3"},
            {"range": {"start": {"line": 0, "character": 9}, "end": {"line": 0, "character": 9}}, "text": "0"},
        ]
    })).await;
    let d = lsp.diagnostics(&uri, Some(3)).await;
    assert_eq!(messages(&d), vec![MISMATCH]);

    // A stale version is ignored; a full replacement works.
    lsp.notify("textDocument/didChange", json!({"textDocument": {"uri": uri, "version": 3}, "contentChanges": [{"text": "ICE has 31 field offices.\n"}]})).await;
    lsp.notify("textDocument/didChange", json!({"textDocument": {"uri": uri, "version": 4}, "contentChanges": [{"text": "ICE has 25 field offices.\n"}]})).await;
    let d = lsp.diagnostics(&uri, Some(4)).await;
    assert_eq!(d["diagnostics"], json!([]));

    lsp.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    )
    .await;
    let d = lsp
        .wait(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri.as_str()
                && m["params"]["version"].is_null()
        })
        .await;
    assert_eq!(d["params"]["diagnostics"], json!([]));
    lsp.shutdown().await;
}

#[tokio::test]
async fn hover_shows_the_source_passage_and_definition_goes_there() {
    let mut lsp = start().await;
    let uri = draft_uri("hover.md");
    lsp.open(&uri, "ICE has 25 field offices.\n").await;
    // Wait until the corpus is indexed: a figure that must mismatch shows it.
    let probe = draft_uri("probe.md");
    open_and_wait(&mut lsp, &probe, "ICE has 30 field offices.\n", |m| {
        m == [MISMATCH]
    })
    .await;
    let h = hover(&mut lsp, &uri, 0, 9).await;
    let text = h["contents"]["value"].as_str().unwrap();
    assert!(text.starts_with("**Supported**: 25 field offices\n\n**003** · *(CNN) — The Trump administration is planning another shakeup at Immigration and Customs…* · CNN · Priscilla Alvarez · 2025-10-27"), "{text}");
    assert!(text.contains("> ICE has **25 field offices**."), "{text}");
    assert!(
        text.contains("- **004** (AP) agrees: 25 field offices"),
        "{text}"
    );
    assert_eq!(
        h["range"],
        json!({"start": {"line": 0, "character": 8}, "end": {"line": 0, "character": 10}})
    );

    let d = lsp
        .request(
            "textDocument/definition",
            json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 9}}),
        )
        .await;
    let locs = d.as_array().unwrap();
    assert_eq!(locs.len(), 2);
    assert!(locs[0]["uri"]
        .as_str()
        .unwrap()
        .ends_with("003_c06f4ef91d2d64b1.txt"));
    assert_eq!(
        locs[0]["range"],
        json!({"start": {"line": 6, "character": 224}, "end": {"line": 6, "character": 240}})
    );
    assert!(locs[1]["uri"]
        .as_str()
        .unwrap()
        .ends_with("004_204b29ff29444a99.txt"));

    // A position past the end is a clear error, not a crash.
    let r = lsp
        .request_full(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": {"line": 40, "character": 0}}),
        )
        .await;
    assert_eq!(r["error"]["code"], -32602);
    assert!(r["error"]["message"]
        .as_str()
        .unwrap()
        .contains("past the end of the document"));
    lsp.shutdown().await;
}

async fn actions(lsp: &mut Lsp, uri: &str, line: u32, character: u32) -> Vec<Value> {
    let r = lsp
        .request("textDocument/codeAction", json!({
            "textDocument": {"uri": uri},
            "range": {"start": {"line": line, "character": character}, "end": {"line": line, "character": character}},
            "context": {"diagnostics": []}
        }))
        .await;
    r.as_array().unwrap().clone()
}

fn find<'a>(actions: &'a [Value], title: &str) -> &'a Value {
    actions
        .iter()
        .find(|a| a["title"] == title)
        .unwrap_or_else(|| {
            panic!(
                "no action {title:?} in {:#?}",
                actions.iter().map(|a| &a["title"]).collect::<Vec<_>>()
            )
        })
}

#[tokio::test]
async fn code_actions_edit_the_draft() {
    let mut lsp = start().await;
    let uri = draft_uri("actions.md");
    let text = "ICE has 30 field offices.\n\nICE has 25 field offices.\n\n“The results speak for themselves,” said Tricia McLaughlin.\n\n“He had nothing nice to say and just shot morale down,” one official said.\n";
    open_and_wait(&mut lsp, &uri, text, |m| m.len() == 3).await;

    let a = actions(&mut lsp, &uri, 0, 9).await;
    let change = find(&a, "Change to 25 (003)");
    assert_eq!(change["kind"], "quickfix");
    assert_eq!(
        change["edit"]["documentChanges"][0]["textDocument"]["version"],
        1
    );
    assert_eq!(change["diagnostics"][0]["message"], MISMATCH);
    assert!(
        apply_edit(text, &change["edit"]).starts_with("ICE has 25 field offices.\n\nICE has 25")
    );
    let ignore = find(&a, "Ignore this claim");
    assert!(apply_edit(text, &ignore["edit"])
        .starts_with("<!-- factcheck: ignore -->\nICE has 30 field offices.\n"));

    let a = actions(&mut lsp, &uri, 2, 9).await;
    let cite = find(&a, "Cite 003 (CNN, 2025-10-27)");
    let titles: Vec<&str> = a.iter().map(|x| x["title"].as_str().unwrap()).collect();
    assert!(
        titles
            .iter()
            .position(|t| *t == "Cite 003 (CNN, 2025-10-27)")
            < titles.iter().position(|t| *t == "Cite 004 (AP)"),
        "{titles:?}"
    );
    let cited = apply_edit(text, &cite["edit"]);
    assert!(
        cited.contains("\n\nICE has 25 field offices.[^003]\n"),
        "{cited}"
    );
    assert!(cited.ends_with("one official said.\n\n[^003]: Priscilla Alvarez, CNN, 2025-10-27. ../corpus/003_c06f4ef91d2d64b1.txt\n"), "{cited}");

    let a = actions(&mut lsp, &uri, 4, 3).await;
    let attr = find(&a, "Attribute to Abigail Jackson");
    assert!(apply_edit(text, &attr["edit"])
        .contains("“The results speak for themselves,” said Abigail Jackson."));

    let a = actions(&mut lsp, &uri, 6, 3).await;
    let words = find(&a, "Use the source's exact words (002)");
    assert!(apply_edit(text, &words["edit"]).contains(
        "“He had nothing positive to say and just shot morale down,” one official said."
    ));

    let all = find(&a, "Cite all supported claims");
    assert_eq!(all["kind"], "source");
    let cited = apply_edit(text, &all["edit"]);
    assert!(cited.contains("ICE has 25 field offices.[^003]"), "{cited}");
    assert!(cited.contains("[^003]: Priscilla Alvarez"), "{cited}");
    lsp.shutdown().await;
}

#[tokio::test]
async fn completion_offers_source_ids_and_links_point_at_files() {
    let mut lsp = start().await;
    let uri = draft_uri("complete.md");
    let text =
        "ICE has 25 field offices.[^\n\nSee [^003].\n\n[^003]: CNN, 003_c06f4ef91d2d64b1.txt\n";
    lsp.open(&uri, text).await;
    open_and_wait(
        &mut lsp,
        &draft_uri("probe2.md"),
        "ICE has 30 field offices.\n",
        |m| m == [MISMATCH],
    )
    .await;
    let r = lsp
        .request(
            "textDocument/completion",
            json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 27}}),
        )
        .await;
    let items = r.as_array().unwrap();
    let labels: Vec<&str> = items.iter().map(|i| i["label"].as_str().unwrap()).collect();
    assert_eq!(labels, vec!["000", "001", "002", "003", "004"]);
    assert_eq!(items[3]["detail"], "(CNN) — The Trump administration is planning another shakeup at Immigration and Customs… — CNN");
    assert_eq!(items[3]["textEdit"]["newText"], "003]");
    let links = lsp
        .request(
            "textDocument/documentLink",
            json!({"textDocument": {"uri": uri}}),
        )
        .await;
    let links = links.as_array().unwrap();
    assert_eq!(links.len(), 2);
    assert!(links.iter().all(|l| l["target"]
        .as_str()
        .unwrap()
        .ends_with("003_c06f4ef91d2d64b1.txt")));
    lsp.shutdown().await;
}

#[tokio::test]
async fn indexing_reports_progress() {
    let mut lsp = start().await;
    let create = lsp
        .wait(|m| m["method"] == "window/workDoneProgress/create")
        .await;
    let token = create["params"]["token"].clone();
    let begin = lsp
        .wait(|m| m["method"] == "$/progress" && m["params"]["value"]["kind"] == "begin")
        .await;
    assert_eq!(begin["params"]["token"], token);
    assert_eq!(begin["params"]["value"]["title"], "Indexing sources");
    assert_eq!(begin["params"]["value"]["percentage"], 0);
    let report = lsp
        .wait(|m| m["method"] == "$/progress" && m["params"]["value"]["kind"] == "report")
        .await;
    assert!(report["params"]["value"]["percentage"].as_u64().unwrap() <= 100);
    let end = lsp
        .wait(|m| m["method"] == "$/progress" && m["params"]["value"]["kind"] == "end")
        .await;
    assert_eq!(end["params"]["value"]["message"], "5 sources");
    lsp.shutdown().await;
}

fn temp_project(source: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("sources")).unwrap();
    std::fs::write(dir.path().join("sources/a_1.txt"), source).unwrap();
    std::fs::write(
        dir.path().join("factcheck.toml"),
        "[corpus]\npaths = [\"sources\"]\n",
    )
    .unwrap();
    dir
}

#[tokio::test]
async fn watched_file_changes_reindex_and_recheck() {
    let dir = temp_project("ICE has 25 field offices.\n");
    let (mut lsp, _) = Lsp::start(caps(), Value::Null, &[dir.path()]).await;
    let reg = lsp
        .wait(|m| m["method"] == "client/registerCapability")
        .await;
    assert_eq!(
        reg["params"]["registrations"][0]["method"],
        "workspace/didChangeWatchedFiles"
    );
    let uri = file_uri(&dir.path().join("draft.md"));
    open_and_wait(&mut lsp, &uri, "ICE has 30 field offices.\n", |m| {
        m == ["source says 25 field offices, not 30; see a"]
    })
    .await;
    std::fs::write(
        dir.path().join("sources/a_1.txt"),
        "ICE has 30 field offices.\n",
    )
    .unwrap();
    lsp.forget_seen();
    lsp.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(&dir.path().join("sources/a_1.txt")), "type": 2}]}),
    )
    .await;
    lsp.diagnostics_where(&uri, |m| m.is_empty()).await;
    lsp.shutdown().await;
}

#[tokio::test]
async fn the_server_watches_files_itself_when_the_client_cannot() {
    let dir = temp_project("ICE has 25 field offices.\n");
    let (mut lsp, _) = Lsp::start(json!({}), Value::Null, &[dir.path()]).await;
    let uri = file_uri(&dir.path().join("draft.md"));
    open_and_wait(&mut lsp, &uri, "ICE has 30 field offices.\n", |m| {
        m == ["source says 25 field offices, not 30; see a"]
    })
    .await;
    std::fs::write(
        dir.path().join("sources/b_2.txt"),
        "ICE has 30 field offices.\n",
    )
    .unwrap();
    lsp.diagnostics_where(&uri, |m| {
        m == ["sources disagree: a says 25 field offices; b says 30"]
    })
    .await;
    lsp.shutdown().await;
}

#[tokio::test]
async fn an_open_source_buffer_wins_over_the_file() {
    let dir = temp_project("ICE has 25 field offices.\n");
    let (mut lsp, _) = Lsp::start(caps(), Value::Null, &[dir.path()]).await;
    let uri = file_uri(&dir.path().join("draft.md"));
    open_and_wait(&mut lsp, &uri, "ICE has 30 field offices.\n", |m| {
        !m.is_empty()
    })
    .await;
    let src = file_uri(&dir.path().join("sources/a_1.txt"));
    lsp.notify("textDocument/didOpen", json!({"textDocument": {"uri": src, "languageId": "plaintext", "version": 1, "text": "ICE has 30 field offices.\n"}})).await;
    lsp.diagnostics_where(&uri, |m| m.is_empty()).await;
    lsp.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": src}}),
    )
    .await;
    lsp.diagnostics_where(&uri, |m| {
        m == ["source says 25 field offices, not 30; see a"]
    })
    .await;
    lsp.shutdown().await;
}

#[tokio::test]
async fn settings_change_severities_and_turn_codes_off() {
    let dir = temp_project("ICE has 25 field offices.\n");
    let (mut lsp, _) = Lsp::start(
        caps(),
        json!({"severity": {"figure-mismatch": "warning"}}),
        &[dir.path()],
    )
    .await;
    let uri = file_uri(&dir.path().join("draft.md"));
    let d = open_and_wait(
        &mut lsp,
        &uri,
        "ICE has 30 field offices. It employs 900 dog handlers.\n",
        |m| m.len() == 2 && m[0].starts_with("source says"),
    )
    .await;
    assert_eq!(d["diagnostics"][0]["severity"], 2);
    assert_eq!(d["diagnostics"][1]["code"], "figure-unsourced");
    lsp.notify("workspace/didChangeConfiguration", json!({"settings": {"factcheck": {"severity": {"figure-mismatch": "off"}, "unsourced_figures": false}}})).await;
    lsp.diagnostics_where(&uri, |m| m.is_empty()).await;
    // Invalid settings are refused with a message; the old ones stay.
    lsp.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"factcheck": {"severity": {"no-such-code": "off"}}}}),
    )
    .await;
    let m = lsp.wait(|m| m["method"] == "window/showMessage").await;
    assert!(m["params"]["message"]
        .as_str()
        .unwrap()
        .contains("unknown code `no-such-code`"));
    lsp.shutdown().await;
}

#[tokio::test]
async fn multi_root_workspaces_use_their_own_corpus() {
    let a = temp_project("ICE has 25 field offices.\n");
    let b = temp_project("ICE has 40 field offices.\n");
    let (mut lsp, _) = Lsp::start(caps(), Value::Null, &[a.path(), b.path()]).await;
    let ua = file_uri(&a.path().join("d.md"));
    let ub = file_uri(&b.path().join("d.md"));
    open_and_wait(&mut lsp, &ua, "ICE has 30 field offices.\n", |m| {
        m == ["source says 25 field offices, not 30; see a"]
    })
    .await;
    open_and_wait(&mut lsp, &ub, "ICE has 30 field offices.\n", |m| {
        m == ["source says 40 field offices, not 30; see a"]
    })
    .await;
    lsp.shutdown().await;
}

#[tokio::test]
async fn a_panicking_handler_answers_with_an_error_and_the_server_lives() {
    let mut lsp = start().await;
    let r = lsp.request_full("factcheck/debugPanic", Value::Null).await;
    assert_eq!(r["error"]["code"], -32603);
    assert!(
        r["error"]["message"]
            .as_str()
            .unwrap()
            .contains("deliberate panic"),
        "{r}"
    );
    let uri = draft_uri("after-panic.md");
    open_and_wait(&mut lsp, &uri, "ICE has 30 field offices.\n", |m| {
        m == [MISMATCH]
    })
    .await;
    lsp.shutdown().await;
}

#[tokio::test]
async fn bad_input_gets_errors_not_crashes() {
    let mut lsp = start().await;
    // Malformed JSON.
    lsp.raw(b"{not json").await;
    let e = lsp.wait(|m| m["error"]["code"] == -32700).await;
    assert!(e["id"].is_null());
    // Unknown method.
    let r = lsp
        .request_full("textDocument/noSuchThing", json!({}))
        .await;
    assert_eq!(r["error"]["code"], -32601);
    // A request for a document that is not open.
    let r = lsp.request_full("textDocument/hover", json!({"textDocument": {"uri": draft_uri("nope.md")}, "position": {"line": 0, "character": 0}})).await;
    assert_eq!(r["error"]["code"], -32602);
    // An out-of-sync edit is skipped and the text is kept.
    let uri = draft_uri("sync.md");
    open_and_wait(&mut lsp, &uri, "ICE has 30 field offices.\n", |m| {
        m == [MISMATCH]
    })
    .await;
    lsp.notify("textDocument/didChange", json!({
        "textDocument": {"uri": uri, "version": 2},
        "contentChanges": [{"range": {"start": {"line": 9, "character": 0}, "end": {"line": 9, "character": 4}}, "text": "zzz"}]
    })).await;
    let d = lsp.diagnostics(&uri, Some(2)).await;
    assert_eq!(messages(&d), vec![MISMATCH]);
    // A 5 MB draft is kept but not checked, with a message.
    let big = draft_uri("big.md");
    lsp.open(&big, &"ICE has 30 field offices. ".repeat(200_000))
        .await;
    let m = lsp.wait(|m| m["method"] == "window/showMessage").await;
    assert!(m["params"]["message"]
        .as_str()
        .unwrap()
        .contains("too large to check"));
    let d = lsp.diagnostics(&big, Some(1)).await;
    assert_eq!(d["diagnostics"], json!([]));
    // And the server still answers.
    let h = hover(&mut lsp, &uri, 0, 9).await;
    assert!(h["contents"]["value"]
        .as_str()
        .unwrap()
        .contains("figure-mismatch"));
    lsp.shutdown().await;
}

#[tokio::test]
async fn emoji_and_crlf_ranges_in_each_encoding() {
    let text = "# 😀 日本\r\n\r\n😀 ICE has 30 field offices.\r\n";
    for (caps, col) in [
        (json!({}), 11),
        (json!({"general": {"positionEncodings": ["utf-8"]}}), 13),
        (json!({"general": {"positionEncodings": ["utf-32"]}}), 10),
    ] {
        let (mut lsp, _) = Lsp::start(caps, Value::Null, &[&root().join("fixtures")]).await;
        let uri = draft_uri("emoji.md");
        let d = open_and_wait(&mut lsp, &uri, text, |m| m == [MISMATCH]).await;
        assert_eq!(
            d["diagnostics"][0]["range"]["start"],
            json!({"line": 2, "character": col})
        );
        assert_eq!(
            d["diagnostics"][0]["range"]["end"],
            json!({"line": 2, "character": col + 2})
        );
        lsp.shutdown().await;
    }
}

#[tokio::test]
async fn unanswered_client_requests_do_not_block_the_server() {
    let (mut lsp, _) =
        Lsp::start_with(caps(), Value::Null, &[&root().join("fixtures")], false).await;
    // The server asks for a progress token and a watch registration; we
    // never answer. Diagnostics and requests must still flow.
    lsp.wait(|m| m["method"] == "window/workDoneProgress/create")
        .await;
    let uri = draft_uri("unanswered.md");
    open_and_wait(&mut lsp, &uri, "ICE has 30 field offices.\n", |m| {
        m == [MISMATCH]
    })
    .await;
    let h = hover(&mut lsp, &uri, 0, 9).await;
    assert!(h["contents"]["value"]
        .as_str()
        .unwrap()
        .contains("figure-mismatch"));
    lsp.shutdown().await;
}

#[tokio::test]
async fn file_uris_survive_spaces_hashes_and_non_ascii() {
    let base = tempfile::tempdir().unwrap();
    let project = base.path().join("news desk #1 é日本");
    std::fs::create_dir_all(project.join("sources")).unwrap();
    std::fs::write(
        project.join("sources/a_1.txt"),
        "ICE has 25 field offices.\n",
    )
    .unwrap();
    std::fs::write(
        project.join("factcheck.toml"),
        "[corpus]\npaths = [\"sources\"]\n",
    )
    .unwrap();
    let (mut lsp, _) = Lsp::start(caps(), Value::Null, &[&project]).await;
    let uri = file_uri(&project.join("draft one.md"));
    assert!(
        uri.contains("news%20desk%20%231%20%C3%A9%E6%97%A5%E6%9C%AC/draft%20one.md"),
        "{uri}"
    );
    let d = open_and_wait(&mut lsp, &uri, "ICE has 30 field offices.\n", |m| {
        m == ["source says 25 field offices, not 30; see a"]
    })
    .await;
    let related = d["diagnostics"][0]["relatedInformation"][0]["location"]["uri"]
        .as_str()
        .unwrap()
        .to_string();
    let parsed: tower_lsp_server::ls_types::Uri = related.parse().unwrap();
    assert_eq!(
        parsed.to_file_path().unwrap().as_ref(),
        project.join("sources/a_1.txt").as_path()
    );
    let def = lsp
        .request(
            "textDocument/definition",
            json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 9}}),
        )
        .await;
    assert_eq!(def["uri"], related.as_str());
    lsp.shutdown().await;
}

#[tokio::test]
async fn a_restart_reads_the_saved_index_with_its_updates_and_never_unsaved_buffers() {
    let dir = temp_project("ICE has 25 field offices.\n");
    let source = dir.path().join("sources/a_1.txt");
    let uri = file_uri(&dir.path().join("draft.md"));
    let (mut lsp, _) = Lsp::start(caps(), Value::Null, &[dir.path()]).await;
    open_and_wait(&mut lsp, &uri, "ICE has 30 field offices.\n", |m| {
        m == ["source says 25 field offices, not 30; see a"]
    })
    .await;
    // Drafts are checked while the corpus loads; the index is written once
    // it is loaded.
    lsp.wait(|m| m["method"] == "$/progress" && m["params"]["value"]["kind"] == "end")
        .await;
    let index = std::fs::read_dir(dir.path().join(".factcheck"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "bin"))
        .expect("the server wrote an index");
    let holds = |text: &str| {
        let bytes = std::fs::read(&index).unwrap();
        bytes.windows(text.len()).any(|w| w == text.as_bytes())
    };
    assert!(holds("ICE has 25 field offices."));
    // A change on disk goes into the index.
    std::fs::write(&source, "ICE has 30 field offices.\n").unwrap();
    lsp.forget_seen();
    lsp.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(&source), "type": 2}]}),
    )
    .await;
    lsp.diagnostics_where(&uri, |m| m.is_empty()).await;
    assert!(holds("ICE has 30 field offices."));
    let updated = std::fs::read(&index).unwrap();
    // An unsaved buffer of the source is checked against, but not saved.
    lsp.notify("textDocument/didOpen", json!({"textDocument": {"uri": file_uri(&source), "languageId": "plaintext", "version": 1, "text": "ICE has 40 field offices.\n"}})).await;
    lsp.diagnostics_where(&uri, |m| {
        m == ["source says 40 field offices, not 30; see a"]
    })
    .await;
    lsp.shutdown().await;
    assert!(!holds("40 field offices"));
    assert_eq!(std::fs::read(&index).unwrap(), updated);

    // The next server reads the file's text from the index as it was
    // updated, without parsing or writing anything.
    let (mut lsp, _) = Lsp::start(caps(), Value::Null, &[dir.path()]).await;
    lsp.wait(|m| m["method"] == "$/progress" && m["params"]["value"]["kind"] == "end")
        .await;
    open_and_wait(&mut lsp, &uri, "ICE has 25 field offices.\n", |m| {
        m == ["source says 30 field offices, not 25; see a"]
    })
    .await;
    assert_eq!(std::fs::read(&index).unwrap(), updated);
    lsp.shutdown().await;
}
