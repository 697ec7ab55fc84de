//! The engine against the seed corpus, one behaviour per test, with exact
//! ranges (0-based line:UTF-16 column), codes and messages.
mod common;

use common::{analysis, findings, seed_corpus, text_of};
use factcheck_ls::engine::check::{analyze, FigureVerdict, QuoteVerdict};
use factcheck_ls::engine::corpus::Corpus;
use factcheck_ls::engine::verdict::{Code, DiffOp};
use std::path::Path;

// --- Figures ---------------------------------------------------------------

#[test]
fn the_title_example_is_an_error_naming_the_source() {
    assert_eq!(
        findings("ICE has 30 field offices."),
        vec!["0:8-0:10 error[figure-mismatch] source says 25 field offices, not 30; see 003"]
    );
}

#[test]
fn a_figure_in_a_list_item_is_flagged_once() {
    // Loose list items hold paragraphs; tight ones can hold a nested list.
    // Each stretch of text is read once.
    assert_eq!(
        findings("- ICE has 30 field offices, officials said.\n\n- Another point.\n"),
        vec!["0:10-0:12 error[figure-mismatch] source says 25 field offices, not 30; see 003"]
    );
    assert_eq!(
        findings("1. Another point.\n   - ICE has 30 field offices.\n"),
        vec!["1:13-1:15 error[figure-mismatch] source says 25 field offices, not 30; see 003"]
    );
    // A source read from a list, likewise: each figure, quote and word once.
    let text = "- Smith said “we will win 30 seats” to reporters.\n\n- Jones cited 12 offices.\n";
    let s = factcheck_ls::engine::source::Source::parse(Path::new("list.md"), text.into());
    let figures: Vec<&str> = s.figures.iter().map(|f| text_of(text, &f.span)).collect();
    assert_eq!(figures, ["30", "12"]);
    assert_eq!(s.quotes.len(), 1);
    assert_eq!(s.words.len(), 13);
}

#[test]
fn a_supported_figure_has_no_finding_but_keeps_its_passages() {
    let draft = "ICE has 25 field offices.";
    let a = analysis(draft);
    assert!(a.findings.is_empty());
    let f = &a.figures[0];
    assert_eq!(f.verdict, FigureVerdict::Supported);
    let ids: Vec<&str> = f.evidence.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, vec!["003", "004"]);
    let s003 = seed_corpus().get(f.evidence[0].source).unwrap();
    assert_eq!(
        &s003.text[f.evidence[0].passage.clone()],
        "25 field offices"
    );
    assert_eq!(
        &s003.text[f.evidence[0].sentence.clone()],
        "ICE has 25 field offices."
    );
}

#[test]
fn a_vaguer_figure_is_imprecise() {
    assert_eq!(
        findings("ICE has 20+ field offices."),
        vec!["0:8-0:11 info[figure-imprecise] source says 25 field offices, not 20+; see 003"]
    );
}

#[test]
fn approximate_sources_cover_a_realistic_band() {
    let ok = [
        "There are about 1,600 Border Patrol agents assisting ICE with immigration enforcement.",
        "There are 1,500+ Border Patrol agents assisting ICE with immigration enforcement.",
        "There are more than 1,500 Border Patrol agents assisting ICE with immigration enforcement.",
    ];
    for d in ok {
        assert_eq!(
            analysis(d).figures[0].verdict,
            FigureVerdict::Supported,
            "{d}"
        );
        assert!(findings(d).is_empty(), "{d}: {:?}", findings(d));
    }
    assert_eq!(
        findings("There are more than 4,500 Border Patrol agents assisting ICE with immigration enforcement."),
        vec!["0:10-0:25 error[figure-mismatch] source says more than 1,500 Border Patrol agents, not more than 4,500; see 003"]
    );
    assert_eq!(
        findings("There are 5,000 Border Patrol agents assisting ICE with immigration enforcement."),
        vec!["0:10-0:15 error[figure-mismatch] source says more than 1,500 Border Patrol agents, not 5,000; see 003"]
    );
}

#[test]
fn sources_that_disagree_are_reported_as_information() {
    assert_eq!(
        findings("Officials plan to reassign 12 field office directors."),
        vec!["0:27-0:29 info[sources-disagree] sources disagree: 000 says around six regional directors; 004 says 12"]
    );
}

#[test]
fn rates_read_the_same_however_they_are_written() {
    for d in [
        "The White House set a goal of 3,000 arrests per day.",
        "The White House set a lofty goal of 3,000 daily arrests.",
        "Despite the push, the 3,000-per-day goal remains unmet.",
        "The agency has continued detaining over 1,000 migrants per day.",
    ] {
        let a = analysis(d);
        assert_eq!(a.figures.len(), 1, "{d}");
        assert_eq!(a.figures[0].verdict, FigureVerdict::Supported, "{d}");
    }
}

#[test]
fn a_goal_is_not_an_actual_count() {
    // Writing the goal as if it were achieved is caught against what
    // actually happened.
    assert_eq!(
        findings("Daily arrests climbed above 3,000 this summer."),
        vec!["0:22-0:33 error[figure-mismatch] source says daily arrests of above 2,000, not above 3,000; see 000"]
    );
}

#[test]
fn capacity_is_not_current_detention() {
    assert_eq!(
        findings("Agency data show that more than 100,000 migrants are currently in ICE detention."),
        vec!["0:22-0:39 error[figure-mismatch] source says more than 60,000 migrants, not more than 100,000; see 000"]
    );
    assert!(
        findings("ICE has money to expand detention capacity to over 100,000 migrants.").is_empty()
    );
}

#[test]
fn money_and_number_words() {
    assert!(findings("Its annual budget was boosted to $28 billion.").is_empty());
    assert_eq!(
        findings("Its annual budget was boosted to $28 million."),
        vec!["0:33-0:44 error[figure-mismatch] source says annual budget of $28 billion, not $28 million; see 000"]
    );
    assert!(findings("ICE has twenty-five field offices.").is_empty());
    assert_eq!(
        findings("Twelve field office directors will be reassigned, officials said."),
        vec!["0:0-0:6 info[sources-disagree] sources disagree: 000 says around six regional directors; 004 says 12"]
    );
}

#[test]
fn years_dates_ordinals_and_names_are_not_figures() {
    let a = analysis("On May 20, 2025, the third major change came at 3 p.m. Save 10% With Code RVM10 at 7-Eleven.");
    let texts: Vec<&str> = a.figures.iter().map(|f| f.figure.text.as_str()).collect();
    assert_eq!(texts, vec!["10%"]);
}

#[test]
fn code_html_links_and_footnote_definitions_are_not_claims() {
    let draft = "Run `ICE has 30 field offices` now.\n\n```\nICE has 30 field offices.\n```\n\n<!-- ICE has 30 field offices. -->\n\n[ICE](https://example.com/30-offices) has offices.\n\n[^x]: ICE has 30 field offices.\n";
    assert!(analysis(draft).figures.is_empty());
}

#[test]
fn unsourced_figures_are_hints() {
    assert_eq!(
        findings("The agency employs 20,000 deportation officers."),
        vec!["0:19-0:25 hint[figure-unsourced] no source gives a figure for deportation officers"]
    );
}

#[test]
fn fixes_put_the_source_figure_in_place() {
    let draft = "Over 30 field offices report to headquarters, and ICE has 30 field offices.";
    let a = analysis(draft);
    let mismatches: Vec<_> = a
        .findings
        .iter()
        .filter(|f| f.code == Code::FigureMismatch)
        .collect();
    assert_eq!(mismatches.len(), 2);
    assert_eq!(mismatches[0].fix.as_ref().unwrap().replacement, "25");
    assert_eq!(
        text_of(draft, &mismatches[0].fix.as_ref().unwrap().span),
        "Over 30"
    );
    let fix = mismatches[1].fix.as_ref().unwrap();
    assert_eq!(fix.title, "Change to 25 (003)");
    let mut fixed = draft.to_string();
    fixed.replace_range(fix.span.clone(), &fix.replacement);
    assert!(fixed.ends_with("ICE has 25 field offices."), "{fixed}");
}

// --- Quotes ----------------------------------------------------------------

const MCLAUGHLIN: &str =
    "remains laser focused on delivering results and removing violent criminal illegal aliens";

#[test]
fn quotes_match_regardless_of_typography() {
    for d in [
        format!("\"The Trump Administration {MCLAUGHLIN},\" said Tricia McLaughlin."),
        format!("“the Trump   Administration\n{MCLAUGHLIN}” said McLaughlin."),
        "“Everybody in leadership is afraid ... there's no morale,” one official said.".to_string(),
        "“These guys--it's hard for them to step up,” another official said.".to_string(),
        "“These guys — it’s hard for them to step up,” another official said.".to_string(),
    ] {
        let a = analysis(&d);
        assert_eq!(a.quotes.len(), 1, "{d}");
        assert_eq!(a.quotes[0].verdict, QuoteVerdict::Verbatim, "{d}");
        assert!(a.findings.is_empty(), "{d}: {:?}", a.findings);
    }
}

#[test]
fn partial_quotes_ellipses_and_brackets() {
    for d in [
        "McLaughlin said the administration “remains laser focused on delivering results.”",
        "“While we have no personnel changes … the Trump Administration remains laser focused,” McLaughlin said.",
        "“[The administration] remains laser focused on delivering results,” McLaughlin said.",
        "“[t]hey’re under constant threat; people are being crushed,” Trickler-McNulty said.",
    ] {
        let a = analysis(d);
        assert_eq!(a.quotes[0].verdict, QuoteVerdict::Verbatim, "{d}");
    }
    // Pieces in the wrong order are not verbatim.
    let a = analysis("“the Trump Administration remains laser focused … While we have no personnel changes,” McLaughlin said.");
    assert_ne!(a.quotes[0].verdict, QuoteVerdict::Verbatim);
}

#[test]
fn quotes_across_paragraphs_follow_news_style() {
    let d = "Trickler-McNulty said: “They’re under constant threat; people are being crushed.\n\n“It’s a culture of fear.”\n";
    let a = analysis(d);
    assert_eq!(a.quotes.len(), 1);
    assert_eq!(a.quotes[0].quote.pieces.len(), 2);
    assert_eq!(a.quotes[0].verdict, QuoteVerdict::Verbatim);
}

#[test]
fn a_misquote_gives_the_exact_words_and_a_word_diff() {
    let d = "“He had nothing nice to say and just shot morale down,” one official said.";
    let a = analysis(d);
    assert_eq!(
        findings(d),
        vec!["0:0-0:55 error[quote-mismatch] quote differs from the source, which says: “He had nothing positive to say and just shot morale down”; see 002"]
    );
    let f = &a.findings[0];
    assert_eq!(
        f.diff,
        vec![
            DiffOp::Equal("He had nothing".into()),
            DiffOp::Delete("nice".into()),
            DiffOp::Insert("positive".into()),
            DiffOp::Equal("to say and just shot morale down".into()),
        ]
    );
    let fix = f.fix.as_ref().unwrap();
    let mut fixed = d.to_string();
    fixed.replace_range(fix.span.clone(), &fix.replacement);
    assert_eq!(
        fixed,
        "“He had nothing positive to say and just shot morale down,” one official said."
    );
}

#[test]
fn misattributed_quotes_name_the_source_speaker() {
    assert_eq!(
        findings("“The results speak for themselves,” said Tricia McLaughlin."),
        vec!["0:0-0:35 error[quote-misattributed] source attributes these words to Abigail Jackson, not Tricia McLaughlin; see 000"]
    );
    // Unnamed speakers count as someone else.
    assert_eq!(
        findings("Noem told officials: “It’s a fearful environment.”"),
        vec!["0:21-0:50 error[quote-misattributed] source attributes these words to one official, not Noem; see 002"]
    );
    // "according to X" names a speaker too.
    let a = analysis("“The results speak for themselves,” according to Abigail Jackson.");
    assert_eq!(a.quotes[0].verdict, QuoteVerdict::Verbatim);
    // The fix replaces the name.
    let d = "“The results speak for themselves,” said Tricia McLaughlin.";
    let f = &analysis(d).findings[0];
    let fix = f.fix.as_ref().unwrap();
    assert_eq!(fix.title, "Attribute to Abigail Jackson");
    assert_eq!(text_of(d, &fix.span), "Tricia McLaughlin");
}

#[test]
fn invented_quotes_are_unsourced_and_scare_quotes_are_not() {
    assert_eq!(
        findings("“We will not stop until every office meets its quota,” Miller said."),
        vec!["0:0-0:54 warning[quote-unsourced] no source has these words"]
    );
    assert!(findings("Officials called it a “realignment.”").is_empty());
}

// --- Citations --------------------------------------------------------------

#[test]
fn citations_by_label_definition_and_pandoc() {
    assert!(findings("ICE has 25 field offices.[^003]\n\n[^003]: CNN.\n").is_empty());
    assert!(findings(
        "ICE has 25 field offices.[^1]\n\n[^1]: AP story, 004_204b29ff29444a99.txt\n"
    )
    .is_empty());
    assert!(findings("ICE has 25 field offices [@004].").is_empty());
    assert_eq!(
        findings("ICE has 25 field offices.[^002]\n\n[^002]: The Dupree Report.\n"),
        vec!["0:25-0:31 warning[citation-unsupported] cited source 002 does not support 25 field offices; 003 and 004 do"]
    );
    assert_eq!(
        findings("ICE has 25 field offices [@001]."),
        vec!["0:25-0:31 warning[citation-unsupported] cited source 001 does not support 25 field offices; 003 and 004 do"]
    );
}

#[test]
fn the_ignore_comment_silences_the_next_block() {
    let d = "<!-- factcheck: ignore -->\nICE has 30 field offices.\n\nICE has 31 field offices.\n";
    assert_eq!(
        findings(d),
        vec!["3:8-3:10 error[figure-mismatch] source says 25 field offices, not 31; see 003"]
    );
}

// --- Sources and the corpus -------------------------------------------------

#[test]
fn seed_sources_get_ids_and_metadata_from_their_text() {
    let c = seed_corpus();
    let s003 = c.get(c.by_id("003").unwrap()).unwrap();
    assert_eq!(s003.meta.author.as_deref(), Some("Priscilla Alvarez"));
    assert_eq!(s003.meta.outlet.as_deref(), Some("CNN"));
    assert_eq!(s003.meta.date.as_deref(), Some("2025-10-27"));
    let s004 = c.get(c.by_id("004").unwrap()).unwrap();
    assert_eq!(s004.meta.outlet.as_deref(), Some("AP"));
    let s000 = c.get(c.by_id("000").unwrap()).unwrap();
    assert_eq!(
        s000.meta.title.as_deref(),
        Some("Trump’s immigration crackdown faces internal chaos at ICE")
    );
    assert_eq!(c.len(), 5);
}

#[test]
fn changing_one_source_reindexes_only_that_source() {
    let mut c = Corpus::new();
    for (k, s) in seed_corpus().sources() {
        let _ = k;
        c.upsert(&s.path, s.text.clone());
    }
    let draft = "ICE has 25 field offices.";
    assert!(analyze(draft, &c).findings.is_empty());
    let p003 = seed_corpus()
        .get(seed_corpus().by_id("003").unwrap())
        .unwrap()
        .path
        .clone();
    let p004 = seed_corpus()
        .get(seed_corpus().by_id("004").unwrap())
        .unwrap()
        .path
        .clone();
    c.upsert(&p003, "ICE has 30 field offices.".into());
    c.remove(&p004);
    assert_eq!(
        analyze(draft, &c)
            .findings
            .iter()
            .map(|f| f.message.clone())
            .collect::<Vec<_>>(),
        vec!["source says 30 field offices, not 25; see 003".to_string()]
    );
    c.upsert(
        Path::new("/elsewhere/005_x.txt"),
        "ICE has 25 field offices.".into(),
    );
    let a = analyze(draft, &c);
    assert_eq!(a.figures[0].verdict, FigureVerdict::Supported);
    assert_eq!(
        a.findings[0].message,
        "sources disagree: 003 says 30 field offices; 005 says 25"
    );
}

#[test]
fn single_quotes_at_the_start_of_a_draft_do_not_split_characters() {
    let d = "While spokespeople for both Homeland Security and the White House have not commented on the specifics of the reassignment, they assured the public that all elements of the immigration framework are ‘working as one team’.";
    let a = analysis(d);
    assert_eq!(a.quotes.len(), 1);
    assert_eq!(text_of(d, &a.quotes[0].quote.span), "‘working as one team’");
}

#[test]
fn an_unsupported_citation_of_a_quote_quotes_its_words() {
    assert_eq!(
        findings("“The results speak for themselves,” Abigail Jackson said.[^003]\n\n[^003]: CNN.\n"),
        vec!["0:57-0:63 warning[citation-unsupported] cited source 003 does not support “The results speak for themselves”; 000 does"]
    );
}

#[test]
fn a_claim_many_sources_agree_on_names_the_best_ten() {
    let mut c = Corpus::new();
    for i in 0..15 {
        c.upsert(
            Path::new(&format!("s/{i:03}_wire.txt")),
            "The depot now runs 14 electric buses, the operator said.\n".into(),
        );
        c.upsert(
            Path::new(&format!("s/{i:03}_other.txt")),
            "The depot now runs 16 electric buses, the union said.\n".into(),
        );
    }
    let a = analyze("The depot now runs 14 electric buses.\n", &c);
    let f = &a.figures[0];
    assert_eq!(f.verdict, FigureVerdict::Supported);
    let ids: Vec<&str> = f.evidence.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "000_wire", "001_wire", "002_wire", "003_wire", "004_wire", "005_wire", "006_wire",
            "007_wire", "008_wire", "009_wire"
        ]
    );
    assert_eq!(f.disagreements.len(), 10);
    let disagree = a
        .findings
        .iter()
        .find(|x| x.code == Code::SourcesDisagree)
        .unwrap();
    assert_eq!(
        disagree.message,
        "sources disagree: 000_other says 16 electric buses; 001_other says 16; 002_other says 16; 000_wire says 14"
    );
}

#[test]
fn a_source_lexed_once_reads_the_same_figures_quotes_and_words_as_each_sentence_lexed_alone() {
    use factcheck_ls::engine::{figure, markdown, quote, source::Source, text};
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut files: Vec<_> = ["corpus", "transit/sources", "drafts", "transit/drafts"]
        .iter()
        .flat_map(|d| std::fs::read_dir(root.join(d)).unwrap())
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let (mut figures, mut speakers) = (0, 0);
    for path in &files {
        let raw = std::fs::read_to_string(path).unwrap();
        let source = Source::parse(path, raw.clone());
        // Parsed as Markdown here, whatever the file: the point is that both
        // ways of lexing agree, on prose with and without front matter.
        let prose = markdown::parse(&raw);
        let sentences = text::sentences(&prose.masked, &prose.blocks, text::LineBreaks::Soft);
        let mut tokens = Vec::new();
        for b in &prose.blocks {
            text::lex_into(&prose.masked, b.clone(), &mut tokens);
        }
        let mut buf = String::new();
        let entries: Vec<Option<text::WordEntry>> = tokens
            .iter()
            .map(|t| {
                t.is_word()
                    .then(|| text::word_entry(t.text(&prose.masked), &mut buf))
            })
            .collect();
        let alone = figure::extract(&prose.masked, &sentences);
        assert_eq!(
            figure::extract_lexed(&prose.masked, &sentences, &tokens, &entries),
            alone,
            "{}",
            path.display()
        );
        figures += alone.len();
        // Speakers are looked for in the tokens of the quote's sentence.
        let quotes = quote::extract(&prose.masked, &prose.blocks, &sentences);
        assert_eq!(
            quote::extract_lexed(&prose.masked, &prose.blocks, &sentences, Some(&tokens)),
            quotes,
            "{}",
            path.display()
        );
        speakers += quotes.iter().filter(|q| q.speaker.is_some()).count();
        let mut spans = Vec::new();
        let mut terms = Vec::new();
        quote::word_terms(&prose.masked, &tokens, |w, r| {
            terms.push(w);
            spans.push(r)
        });
        let mut terms_of = Vec::new();
        quote::word_terms_of(&prose.masked, &tokens, &entries, |w, _| terms_of.push(w));
        assert_eq!(terms_of, terms, "{}", path.display());
        let per_block: Vec<_> = prose
            .blocks
            .iter()
            .flat_map(|b| text::lex(&prose.masked, b.clone()))
            .filter(|t| !matches!(t.kind, text::TokenKind::Punct(_)))
            .map(|t| t.start..t.end)
            .collect();
        assert_eq!(spans, per_block, "{}", path.display());
        if path.extension().is_some_and(|e| e == "md") {
            assert_eq!(source.figures, alone, "{}", path.display());
        }
    }
    assert!(figures > 100, "only {figures} figures read");
    assert!(speakers > 20, "only {speakers} speakers found");
}
