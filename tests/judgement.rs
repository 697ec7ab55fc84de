//! One test for each class of judgement the accuracy suite scores: a few
//! invented source sentences, a draft, and every finding it must get
//! (`line:col-line:col severity[code] message`, 0-based, UTF-16).
mod common;

use common::render;
use factcheck_ls::engine::corpus::Corpus;
use std::path::Path;

/// The findings of `draft` against sources given as (file name, text).
fn check(sources: &[(&str, &str)], draft: &str) -> Vec<String> {
    let mut c = Corpus::new();
    for (name, text) in sources {
        c.upsert(Path::new(&format!("/src/{name}")), text.to_string());
    }
    render(draft, &c)
}

const PORTS: (&str, &str) = (
    "001_wire.txt",
    "Harlow Port said it will cut 3,200 jobs this year.\nKestrel Airport said it will cut 2,300 jobs.\n",
);

#[test]
fn subject_another_owners_figure_is_wrong() {
    assert_eq!(
        check(&[PORTS], "Kestrel Airport said it will cut 3,200 jobs.\n"),
        vec!["0:33-0:38 error[figure-mismatch] source says 2,300 jobs, not 3,200; see 001"]
    );
    assert!(check(&[PORTS], "Harlow Port said it will cut 3,200 jobs.\n").is_empty());
}

#[test]
fn subject_a_day_before_the_verb_is_a_time_not_an_owner() {
    let src = (
        "005_paper.md",
        "The family filed a lawsuit against Norra Foods in Vell County Court seeking $2.5 million in damages.\n",
    );
    assert_eq!(
        check(&[src], "The family sued Norra Foods on Wednesday seeking $2.5 billion in damages.\n"),
        vec!["0:49-0:61 error[figure-mismatch] source says $2.5 million in damages, not $2.5 billion; see 005"]
    );
}

#[test]
fn unit_an_age_in_an_appositive_belongs_to_the_name_before_it() {
    let src = (
        "002_paper.md",
        "Ilse Marrow, 54, was hurt when a tree fell on her car. Tomas Vey, 61, was unhurt.\n",
    );
    assert_eq!(
        check(
            &[src],
            "On the coast road, a tree fell on the car of Ilse Marrow, 45, who was hurt.\n"
        ),
        vec!["0:58-0:60 error[figure-mismatch] source says 54, not 45; see 002"]
    );
    assert!(check(
        &[src],
        "Among the hurt was Ilse Marrow, 54, on the coast road.\n"
    )
    .is_empty());
}

#[test]
fn partitive_n_more_counts_what_the_figure_before_counts() {
    let src = (
        "002_paper.md",
        "About 200 workers crowded into the hall, and a couple of dozen more stood in the yard.\n",
    );
    assert!(check(
        &[src],
        "So many came that two dozen workers stood in the yard.\n"
    )
    .is_empty());
    assert_eq!(
        check(&[src], "So many came that three dozen workers stood in the yard.\n"),
        vec!["0:18-0:29 error[figure-mismatch] source says a couple of dozen workers, not three dozen; see 002"]
    );
}

#[test]
fn synonym_positions_for_jobs() {
    assert_eq!(
        check(&[PORTS], "Harlow Port said it will cut 2,300 positions.\n"),
        vec!["0:29-0:34 error[figure-mismatch] source says 3,200 jobs, not 2,300; see 001"]
    );
    assert!(check(&[PORTS], "Harlow Port said it will cut 3,200 positions.\n").is_empty());
}

#[test]
fn partitive_six_of_them_counts_releases() {
    let src = (
        "002_paper.md",
        "Police made 40 arrests on Friday, and six of them were later released.\n",
    );
    assert_eq!(
        check(&[src], "Police made six arrests on Friday.\n"),
        vec!["0:12-0:15 error[figure-mismatch] source says 40 arrests, not six; see 002"]
    );
    assert!(check(&[src], "Police made 40 arrests on Friday.\n").is_empty());
}

#[test]
fn noun_before_the_number() {
    let src = (
        "003_wire.txt",
        "The death toll rose to 6 on Friday, officials said.\n",
    );
    assert_eq!(
        check(&[src], "The death toll rose to 9 on Friday.\n"),
        vec!["0:23-0:24 error[figure-mismatch] source says death toll of 6, not 9; see 003"]
    );
}

#[test]
fn change_the_old_value_told_as_current() {
    let src = (
        "005_followup.md",
        "---\ndate: 2026-03-19\n---\nCases have climbed to 35, up from 22 last week.\n",
    );
    assert_eq!(
        check(&[src], "The outbreak has reached 22 cases this week.\n"),
        vec!["0:25-0:27 warning[figure-outdated] a later source gives this as 35, changed from 22; see 005"]
    );
    assert!(check(&[src], "Cases climbed to 35 from 22 last week.\n").is_empty());
    assert!(check(&[src], "The county had 22 cases last week.\n").is_empty());
}

#[test]
fn number_words_two_dozen() {
    let src = (
        "004_wire.txt",
        "About two dozen people were hurt in the blast.\n",
    );
    assert!(check(&[src], "About 24 people were hurt in the blast.\n").is_empty());
    assert_eq!(
        check(&[src], "About 40 people were hurt in the blast.\n"),
        vec!["0:0-0:8 error[figure-mismatch] source says About two dozen people, not About 40; see 004"]
    );
}

#[test]
fn rate_another_period_is_a_wrong_rate() {
    let src = (
        "006_release.txt",
        "Crews restored about 9,000 customers a day over the weekend.\n",
    );
    assert_eq!(
        check(&[src], "Crews restored about 9,000 customers a week.\n"),
        vec!["0:15-0:26 error[figure-mismatch] source says about 9,000 customers a day, not about 9,000; see 006"]
    );
    assert!(check(&[src], "Crews restored about 9,000 customers each day.\n").is_empty());
}

#[test]
fn unit_miles_and_km_convert() {
    let src = (
        "007_wire.txt",
        "The storm came ashore 10 miles south of the harbor.\n",
    );
    assert!(check(&[src], "The storm came ashore 16 km south of the harbor.\n").is_empty());
    assert_eq!(
        check(&[src], "The storm came ashore 10 km south of the harbor.\n"),
        vec!["0:22-0:27 error[figure-mismatch] source says 10 miles south, not 10 km; see 007"]
    );
}

#[test]
fn not_count_a_capacity_in_a_compound() {
    let src = (
        "008_paper.md",
        "The city opened a 300-seat theatre on Friday.\n",
    );
    assert!(
        check(&[src], "About 250 people attended the opening on Friday.\n")
            .iter()
            .all(|l| !l.contains("error["))
    );
}

#[test]
fn band_about_and_more_than_and_ranges() {
    let src = (
        "009_wire.txt",
        "More than 700 homes were damaged. Adults from 21 to 64 can apply.\n",
    );
    assert_eq!(
        check(&[src], "About 950 homes were damaged.\n"),
        vec!["0:0-0:9 error[figure-mismatch] source says More than 700 homes, not About 950; see 009"]
    );
    assert_eq!(
        check(&[src], "Adults from 18 to 64 can apply.\n"),
        vec!["0:12-0:20 error[figure-mismatch] source says 21 to 64, not 18 to 64; see 009"]
    );
}

/// "about 6,500" was written to two significant digits: it claims 5% either
/// way, not the 10% "about 6,000" claims.
#[test]
fn band_about_follows_the_digits_written() {
    let src = (
        "011_wire.txt",
        "On Tuesday, 6,050 people stayed in the county's shelters.\n",
    );
    assert_eq!(
        check(
            &[src],
            "About 6,500 people stayed in the county's shelters.\n"
        ),
        vec!["0:0-0:11 error[figure-mismatch] source says 6,050 people, not About 6,500; see 011"]
    );
    assert_eq!(
        check(
            &[src],
            "About 6,000 people stayed in the county's shelters.\n"
        ),
        vec!["0:0-0:11 info[figure-imprecise] source says 6,050 people, not About 6,000; see 011"]
    );
}

/// "its 30 pools" belongs to the name its sentence opens with; "the
/// city's 30 pools" to a city, and "the county's 9 pools" to the county.
#[test]
fn a_possessive_gives_the_figure_its_owner() {
    let src = (
        "012_wire.txt",
        "The mayor would close six of the city's 30 pools.\n\n\
         Nearby Dunmore County is in the same squeeze. It would shut one of the county's 9 pools.\n",
    );
    assert_eq!(
        check(
            &[src],
            "Dunmore County, which faces the same squeeze, would shut one of its 30 pools.\n"
        ),
        vec!["0:68-0:70 error[figure-mismatch] source says 9 pools, not 30; see 012"]
    );
    assert!(check(&[src], "Dunmore County would shut one of its 9 pools.\n").is_empty());
}

/// The verb past an aside says what a count of people is: those feared
/// trapped are not those out of contact.
#[test]
fn an_aside_does_not_hide_the_event() {
    let contact = (
        "013_wire.txt",
        "Rescuers lost contact with 50 people travelling on two buses.\n",
    );
    let draft = "Some 140 people, many of them hikers on the trails, were feared trapped.\n";
    assert_eq!(
        check(&[contact], draft),
        vec!["0:0-0:8 hint[figure-unsourced] no source gives a figure for people"]
    );
    let trapped = (
        "014_wire.txt",
        "Some 120 people, many of them hikers, were feared trapped.\n",
    );
    assert_eq!(
        check(&[contact, trapped], draft),
        vec!["0:0-0:8 error[figure-mismatch] source says Some 120 people, not Some 140; see 014"]
    );
}

/// A pronoun stands for a person: not "the Varno Parks Commission", "its
/// 40-acre Brennock Yard" or "City Hall", and one who speaks in the
/// sentence before one who is spoken of.
#[test]
fn a_pronoun_is_not_resolved_to_a_body_or_a_place() {
    let src = (
        "015_paper.md",
        "“We will keep the pools open,” Lena Marsh said.\n",
    );
    for draft in [
        "Lena Marsh, who chairs the Varno Parks Commission, spoke. “We will keep the pools open,” she said.\n",
        "Lena Marsh toured the 40-acre Brennock Yard. “We will keep the pools open,” she said.\n",
        "Lena Marsh spoke at City Hall. “We will keep the pools open,” she said.\n",
        "Lena Marsh, the parks director, said Varno General was full. “We will keep the pools open,” she said.\n",
    ] {
        let quotes: Vec<String> = check(&[src], draft)
            .into_iter()
            .filter(|f| f.contains("[quote-"))
            .collect();
        assert_eq!(quotes, Vec::<String>::new(), "{draft}");
    }
    assert_eq!(
        check(&[src], "Omar Reyes spoke at City Hall. “We will keep the pools open,” he said.\n"),
        vec!["0:31-0:61 error[quote-misattributed] source attributes these words to Lena Marsh, not Omar Reyes; see 015"]
    );
}

/// "will cut 150 posts instead of 210": 150 is the new count and 210 the
/// old one; "eliminate" and "cut" tell one act.
#[test]
fn instead_of_gives_the_old_value_and_verbs_of_one_act_agree() {
    let plan = (
        "016_wire.txt",
        "The district would eliminate 210 teaching posts next year.\n",
    );
    let now = (
        "017_paper.txt",
        "The district will cut 150 teaching posts next year instead of 210, the superintendent said.\n",
    );
    assert_eq!(
        check(
            &[plan, now],
            "The district will eliminate 150 teaching posts next year, down from 250.\n"
        ),
        vec!["0:68-0:71 error[figure-mismatch] source says 210 teaching posts, not 250; see 017"]
    );
}

/// "last June, and its superintendent, Owen Pratt, said": a month is no
/// speaker; "June Carter said" names one.
#[test]
fn a_month_before_an_appositive_is_no_speaker() {
    let src = (
        "019_paper.md",
        "Owen Pratt said his district made “hard choices early.”\n",
    );
    let draft = "It shut two schools last June, and its superintendent, Owen Pratt, said the district made “hard choices early.”\n";
    let quotes: Vec<String> = check(&[src], draft)
        .into_iter()
        .filter(|f| f.contains("[quote-"))
        .collect();
    assert_eq!(quotes, Vec::<String>::new());
    assert_eq!(
        check(&[src], "June Carter said the district made “hard choices early.”\n"),
        vec!["0:35-0:56 error[quote-misattributed] source attributes these words to Owen Pratt, not June Carter; see 019"]
    );
}

/// "41, down from 51" against "to 41 from 55": the old end of one change,
/// however little else the two lines share.
#[test]
fn change_the_old_end_of_a_change_with_the_same_new_value() {
    let src = (
        "020_wire.txt",
        "Norra Paving has cut its workforce to 41 from 55 since the indictment.\n",
    );
    assert_eq!(
        check(&[src], "- Workforce at Norra Paving: 41, down from 51\n"),
        vec!["0:43-0:45 error[figure-mismatch] source says 55, not 51; see 020"]
    );
    assert!(check(&[src], "- Workforce at Norra Paving: 41, down from 55\n").is_empty());
}

/// "will shrink to 540 officers" where a source shrinks the force to 510
/// from 540: the old value given as the new one, though another source
/// still counts 540 today.
#[test]
fn change_the_old_value_given_as_the_new_one_is_wrong() {
    let now = (
        "021_wire.txt",
        "The county police department has 540 officers.\n",
    );
    let plan = (
        "022_paper.txt",
        "The budget would shrink the county police force to 510 officers from 540.\n",
    );
    assert_eq!(
        check(
            &[now, plan],
            "The county police force will shrink to 540 officers.\n"
        ),
        vec!["0:39-0:42 error[figure-mismatch] source says 510 officers, not 540; see 022"]
    );
    assert!(check(
        &[now, plan],
        "The county police force will shrink to 510 officers.\n"
    )
    .is_empty());
    assert!(check(
        &[now, plan],
        "The county police department has 540 officers.\n"
    )
    .is_empty());
}

/// "about 3,900" and "about 3,600" differ at the last digit both were
/// written to; "about 6,000" and "about 6,100" do not differ at the
/// coarser one's.
#[test]
fn band_two_roundings_that_differ_at_their_last_digit_disagree() {
    let src = (
        "023_wire.txt",
        "The town now counts about 3,600 evacuees.\n",
    );
    assert_eq!(
        check(&[src], "The town now counts about 3,900 evacuees.\n"),
        vec!["0:20-0:31 error[figure-mismatch] source says about 3,600 evacuees, not about 3,900; see 023"]
    );
    let src = (
        "024_wire.txt",
        "The town now counts about 6,000 evacuees.\n",
    );
    assert!(check(&[src], "The town now counts about 6,100 evacuees.\n").is_empty());
}

const RUIZ: (&str, &str) = (
    "010_paper.md",
    "Dana Ruiz, the company's chief executive, spoke first.\n\n\
     “We will grow again,” the chief executive said.\n\n\
     “We are not done,” Ruiz said. “Not by a long way.”\n\n\
     Ruiz said the company would cut costs sharply this year.\n\n\
     “We are not giving up on this town,” Ruiz on Friday said.\n\n\
     “It was a complete failure of planning,” Ruiz said.\n",
);

#[test]
fn speaker_a_title_reference_and_a_day_before_the_verb() {
    assert!(check(&[RUIZ], "“We will grow again,” Dana Ruiz said.\n").is_empty());
    assert_eq!(
        check(&[RUIZ], "“We will grow again,” Tom Hale said.\n"),
        vec!["0:0-0:21 error[quote-misattributed] source attributes these words to Dana Ruiz, not Tom Hale; see 010"]
    );
    assert_eq!(
        check(&[RUIZ], "“We are not giving up on this town,” said Tom Hale.\n"),
        vec!["0:0-0:36 error[quote-misattributed] source attributes these words to Ruiz, not Tom Hale; see 010"]
    );
}

#[test]
fn speaker_a_transcript_label_with_a_courtesy_title() {
    let src = (
        "011_transcript.txt",
        "MS. OKAFOR: We need more buses on the road.\n",
    );
    assert!(check(
        &[src],
        "“We need more buses on the road,” said Lena Okafor.\n"
    )
    .is_empty());
}

#[test]
fn split_a_quote_split_by_its_attribution_quoted_whole() {
    assert!(check(
        &[RUIZ],
        "Ruiz said: “We are not done. Not by a long way.”\n"
    )
    .is_empty());
}

#[test]
fn split_a_changed_quote_is_answered_by_the_quoted_words_alone() {
    let src = (
        "011_paper.md",
        "“Public money is not a credit line,” said Prosecutor Ama Reyes. “He used it for years, and now he is held to account.”\n",
    );
    let draft = "“Public money is not a credit line. He used it for years, and now he is held accountable,” Reyes said.\n";
    assert_eq!(
        check(&[src], draft),
        vec!["0:0-0:90 error[quote-mismatch] quote differs from the source, which says: “Public money is not a credit line. He used it for years, and now he is held to account”; see 011"]
    );
    // The fix puts in the quoted words, never the attribution between them.
    let mut c = Corpus::new();
    c.upsert(Path::new("/src/011_paper.md"), src.1.to_string());
    let a = factcheck_ls::engine::check::analyze(draft, &c);
    let fix = a.findings[0].fix.as_ref().expect("a fix");
    let mut edited = draft.to_string();
    edited.replace_range(fix.span.clone(), &fix.replacement);
    assert_eq!(
        edited,
        "“Public money is not a credit line. He used it for years, and now he is held to account,” Reyes said.\n"
    );
}

#[test]
fn narration_words_the_source_only_reports() {
    assert_eq!(
        check(&[RUIZ], "Ruiz said the company would “cut costs sharply this year.”\n"),
        vec!["0:28-0:58 warning[quote-paraphrased] the source reports these words without quotation marks, so they are not the speaker's own: “Ruiz said the company would cut costs sharply this year.”; see 010"]
    );
}

#[test]
fn contraction_only_is_a_minor_wording_difference() {
    assert_eq!(
        check(&[RUIZ], "“We’re not giving up on this town,” Ruiz said.\n"),
        vec!["0:0-0:35 info[quote-wording] quote differs from the source only by a contraction; the source says: “We are not giving up on this town”; see 010"]
    );
}

#[test]
fn fragment_one_word_changed_is_a_misquote() {
    assert_eq!(
        check(&[RUIZ], "Ruiz called it “a total failure of planning.”\n"),
        vec!["0:15-0:45 error[quote-mismatch] quote differs from the source, which says: “a complete failure of planning”; see 010"]
    );
}

#[test]
fn unsourced_a_figure_no_source_speaks_to() {
    assert_eq!(
        check(&[PORTS], "Harlow Port has 85 new bus shelters.\n"),
        vec!["0:16-0:18 hint[figure-unsourced] no source gives a figure for new bus shelters"]
    );
}

#[test]
fn subject_a_sentence_opening_with_it_counts_for_the_name_before() {
    let sources = [
        (
            "001_wire.txt",
            "Harbor Point Airport returned to its full schedule on Saturday. It canceled 585 flights in all.\n",
        ),
        ("002_paper.txt", "Kestrel Field canceled 340 flights.\n"),
    ];
    assert_eq!(
        check(&sources, "Harbor Point Airport canceled 340 flights.\n"),
        vec!["0:30-0:33 error[figure-mismatch] source says 585 flights, not 340; see 001"]
    );
    assert!(check(&sources, "Harbor Point Airport canceled 585 flights.\n").is_empty());
}

#[test]
fn partitive_a_verb_after_the_number_counts_the_noun_before() {
    let src = (
        "005_paper.md",
        "The utility restored service to 398,000 of its 412,300 customers. About 14,300 remain without power.\n",
    );
    assert!(check(&[src], "About 14,300 customers remain without power.\n").is_empty());
    assert_eq!(
        check(&[src], "About 41,300 customers remain without power.\n"),
        vec!["0:0-0:12 error[figure-mismatch] source says About 14,300 customers, not About 41,300; see 005"]
    );
}

#[test]
fn time_a_later_source_that_gives_the_figure_outweighs_an_earlier_one() {
    let sources = [
        (
            "001_wire.txt",
            "Hallam Turbines will cut 1,150 jobs at its blade plant.\n",
        ),
        (
            "005_followup.md",
            "---\ndate: 2026-03-10\n---\nAbout 1,400 positions will go at its blade plant, the company said.\n",
        ),
    ];
    assert_eq!(
        check(&sources, "Hallam Turbines will cut 1,400 jobs at its blade plant.\n"),
        vec!["0:25-0:30 info[sources-disagree] sources disagree: 001 says 1,150 jobs; 005 says About 1,400"]
    );
}

#[test]
fn event_another_verb_for_the_same_change_sets_no_source_aside() {
    let sources = [
        (
            "004_transcript.txt",
            "Eight cases were reported in the first week.\n",
        ),
        ("005_followup.md", "The outbreak has climbed to 35 cases.\n"),
    ];
    assert!(check(&sources, "The outbreak has grown to 35 cases.\n").is_empty());
    assert_eq!(
        check(&sources, "The outbreak has grown to 53 cases.\n"),
        vec!["0:26-0:28 error[figure-mismatch] source says 35 cases, not 53; see 005"]
    );
}

#[test]
fn plain_a_mistyped_figure_is_found_in_the_sources_the_draft_is_built_from() {
    let src = (
        "005_followup.md",
        "The state has now destroyed 14 tons of berries from the lot, and inspectors visited 30 stores.\n",
    );
    assert_eq!(
        check(
            &[src],
            "The state has destroyed 41 tons of fruit, and inspectors visited 30 stores.\n"
        ),
        vec!["0:24-0:31 error[figure-mismatch] source says 14 tons berries, not 41 tons; see 005"]
    );
    assert!(check(
        &[src],
        "The state has destroyed 14 tons of fruit, and inspectors visited 30 stores.\n"
    )
    .iter()
    .all(|f| !f.contains("error")));
}

#[test]
fn contraction_an_article_dropped_is_a_minor_wording_difference() {
    let src = (
        "001_wire.txt",
        "\"We will be in a position to act on the rail yard by spring,\" Mayor Ines Ruda said.\n",
    );
    assert_eq!(
        check(
            &[src],
            "\"We will be in position to act on the rail yard by spring,\" Mayor Ines Ruda said.\n"
        ),
        vec!["0:0-0:59 info[quote-wording] quote differs from the source only by a contraction or an article; the source says: “We will be in a position to act on the rail yard by spring”; see 001"]
    );
    // A dropped "not" is no article: the quote is wrong.
    let not = check(
        &[src],
        "\"We will not be in a position to act on the rail yard by spring,\" Mayor Ines Ruda said.\n",
    );
    assert!(not[0].contains("error[quote-mismatch]"), "{not:?}");
}

#[test]
fn event_what_there_is_is_not_what_was_done() {
    let src = (
        "001_wire.txt",
        "Norvale Glass said on Monday that it would lay off 450 employees.\n",
    );
    assert_eq!(
        check(&[src], "Norvale Glass had 1,200 employees last year.\n"),
        Vec::<String>::new()
    );
    assert_eq!(
        check(
            &[src],
            "Norvale Glass said it would lay off 540 employees.\n"
        ),
        vec!["0:36-0:39 error[figure-mismatch] source says 450 employees, not 540; see 001"]
    );
}

#[test]
fn not_count_a_span_of_time_before_of_is_not_what_a_sum_counts() {
    let src = (
        "002_paper.txt",
        "Norvale Glass took a charge against inventory in the second quarter of about $93 million.\n",
    );
    assert_eq!(
        check(
            &[src],
            "Its sales in the quarter were about $160 million, the company said.\n"
        ),
        // What the sum counts is the sales, not the quarter (of the
        // source's charge): no source gives it.
        vec!["0:30-0:48 hint[figure-unsourced] no source gives a figure for sales"]
    );
}

#[test]
fn change_the_old_end_is_not_a_plain_count_to_contradict() {
    let src = (
        "005_paper.txt",
        "Norvale Glass will sell just four models next year, rather than six.\n",
    );
    assert_eq!(
        check(
            &[src],
            "Norvale Glass will cut its range from six models to four next year.\n"
        ),
        Vec::<String>::new()
    );
}

const WALKOUT: (&str, &str) = (
    "002_wire.md",
    "Chief executive Lena Ortvald wrote to staff on Tuesday. A strike \"would put our shared recovery in jeopardy and hurt our customers,\" Ortvald wrote.\n",
);

#[test]
fn quote_more_of_a_statement_than_the_source_printed_is_only_partly_sourced() {
    assert_eq!(
        check(
            &[WALKOUT],
            "Ortvald wrote: \"We can get back on track, but a strike would put our shared recovery in jeopardy and hurt our customers.\"\n"
        ),
        vec!["0:15-0:121 info[quote-unsourced] only part of this quote is in the sources, word for word: “would put our shared recovery in jeopardy and hurt our customers”; see 002; no source has the rest"]
    );
}

#[test]
fn unsourced_a_quote_from_someone_the_sources_name_is_a_warning_and_from_a_stranger_information() {
    let draft = "\"We will not be moved by threats,\" Ortvald said.\n\n\"We will not be moved by threats,\" said Pim Achterberg, a machinist.\n";
    assert_eq!(
        check(&[WALKOUT], draft),
        vec![
            "0:0-0:34 warning[quote-unsourced] no source has these words",
            "2:0-2:34 info[quote-unsourced] no source has these words or names who said them",
        ]
    );
}

#[test]
fn speaker_a_pronoun_is_not_a_quoted_title_or_an_owner() {
    let src = (
        "003_paper.md",
        "A radio played Bay City Band's \"Hold Me Down Tonight\" on the picket line.\n\n\"The offer is an insult to every worker here,\" said union leader Rosa Imbert.\n",
    );
    let draft = "Chief executive Lena Ortvald spoke on Tuesday. A radio played Bay City Band's \"Hold Me Down Tonight\" on the picket line. She said: \"The offer is an insult to every worker here.\"\n";
    assert_eq!(
        check(&[src], draft),
        vec!["0:131-0:177 error[quote-misattributed] source attributes these words to Rosa Imbert, not Lena Ortvald; see 003"]
    );
}

#[test]
fn band_the_very_number_a_source_bounds_is_imprecise_not_wrong() {
    let src = (
        "004_wire.md",
        "The company will cut more than 15% of its workforce.\n",
    );
    assert_eq!(
        check(&[src], "The company will cut 15% of its workforce.\n"),
        vec!["0:21-0:24 info[figure-imprecise] source says more than 15% workforce, not 15%; see 004"]
    );
    let src = (
        "005_wire.md",
        "The company will cut 15% of its workforce.\n",
    );
    assert_eq!(
        check(&[src], "The company will cut more than 15% of its workforce.\n"),
        vec!["0:21-0:34 info[figure-imprecise] source says 15% workforce, not more than 15%; see 005"]
    );
}

#[test]
fn unit_a_number_in_another_unit_is_no_slip_of_the_same_digits() {
    let src = (
        "006_paper.md",
        "The storm brought winds of 150 miles per hour. The town sits 15 feet above sea level.\n",
    );
    assert_eq!(
        check(&[src], "The storm hit the coast with winds of 150 miles.\n"),
        vec!["0:38-0:47 hint[figure-unsourced] no source gives a figure for winds"]
    );
}

/// A slip changes digits, not the words around them: "the 52-year-old"
/// is no slip of "more than 25 years old", but "a 25-year-old" is one of
/// "a 52-year-old".
#[test]
fn unit_a_bound_is_no_slip_of_a_figure_with_the_digits_turned() {
    let src = (
        "008_paper.md",
        "Of the 57 ferries in service, 19 are more than 25 years old. Captain Ivo Marek, a 52-year-old, was at the helm.\n",
    );
    let figures = |draft: &str| -> Vec<String> {
        check(&[src], draft)
            .into_iter()
            .filter(|f| f.contains("error["))
            .collect()
    };
    assert_eq!(
        figures("Of its 57 ferries in service, 19 are old. Its owner said the 52-year-old had worked there for years.\n"),
        Vec::<String>::new()
    );
    assert_eq!(
        figures("Captain Ivo Marek, a 25-year-old, was at the helm.\n"),
        vec!["0:21-0:32 error[figure-mismatch] source says 52-year-old, not 25-year-old; see 008"]
    );
}

#[test]
fn number_words_half_a_million_and_a_quarter_of_a_million() {
    let src = (
        "007_wire.md",
        "More than half a million people were ordered to evacuate. A quarter of a million homes lost power.\n",
    );
    assert!(check(
        &[src],
        "More than 500,000 people were ordered to evacuate.\n"
    )
    .is_empty());
    assert_eq!(
        check(&[src], "About 400,000 homes lost power.\n"),
        vec!["0:0-0:13 error[figure-mismatch] source says A quarter of a million homes, not About 400,000; see 007"]
    );
}

#[test]
fn time_a_snapshot_within_a_day_is_not_contradicted_by_another_hour() {
    let src = (
        "008_wire.md",
        "More than 290,000 homes and businesses were without power in the two states.\n",
    );
    assert!(check(
        &[src],
        "Nearly 470,000 homes and businesses in the two states had lost power by Thursday morning.\n"
    )
    .is_empty());
    assert_eq!(
        check(&[src], "Nearly 470,000 homes and businesses were without power in the two states.\n"),
        vec!["0:0-0:14 error[figure-mismatch] source says More than 290,000 homes, not Nearly 470,000; see 008"]
    );
}

#[test]
fn rate_a_noun_before_the_figure_keeps_the_rate_after_it() {
    let src = (
        "009_paper.md",
        "The average wage at the mill is about $58,000 a year, according to the union.\n",
    );
    assert_eq!(
        check(&[src], "The mill's average wage is about $58,000 a month.\n"),
        vec!["0:27-0:40 error[figure-mismatch] source says average wage of about $58,000 a year, not about $58,000 a month; see 009"]
    );
    assert!(check(&[src], "The mill's average wage is about $58,000 a year.\n").is_empty());
}

#[test]
fn partitive_n_of_its_things_is_a_part_and_all_n_the_whole() {
    let src = (
        "010_wire.md",
        "About 640 poll workers staffed the county's precincts. The county paid overtime to 112 of them.\n",
    );
    assert!(check(
        &[src],
        "The county paid overtime to 112 of its poll workers.\n"
    )
    .is_empty());
    let src = (
        "011_wire.md",
        "All 71 of the county's precincts had reported by 11 p.m.\n",
    );
    assert_eq!(
        check(&[src], "All 112 of its precincts had reported by 11 p.m.\n"),
        vec!["0:4-0:7 error[figure-mismatch] source says 71 precincts, not 112; see 011"]
    );
}

#[test]
fn subject_another_kind_of_the_same_noun_is_not_contradicted() {
    let src = (
        "012_paper.md",
        "Of its 37 contracts, 29 were padded: 21 of the 26 city contracts and eight of the 11 county jobs.\n",
    );
    assert!(check(
        &[src],
        "Prosecutors now say 10 of the company's county contracts were padded.\n"
    )
    .is_empty());
    assert_eq!(
        check(
            &[src],
            "Prosecutors say 12 of the 26 city contracts were padded.\n"
        ),
        vec!["0:16-0:18 error[figure-mismatch] source says 21 city contracts, not 12; see 012"]
    );
}

#[test]
fn change_the_old_value_after_from_and_an_article() {
    let src = (
        "013_wire.md",
        "The company will cut 1,150 jobs at the plant, it said on Feb. 17.\n",
    );
    assert!(check(
        &[src],
        "The company will now cut 1,400 jobs at the plant, up from the 1,150 it announced.\n"
    )
    .is_empty());
}

#[test]
fn event_one_side_names_must_be_in_the_other_sentence() {
    let src = (
        "014_wire.md",
        "Some 143 people, many of them tourists in damaged hotels, were feared trapped in the ruins.\n",
    );
    assert_eq!(
        check(&[src], "At least 1,050 people were injured in the quake.\n"),
        vec!["0:0-0:14 hint[figure-unsourced] no source gives a figure for people"]
    );
    assert_eq!(
        check(
            &[src],
            "Some 314 people were feared trapped in the ruins.\n"
        ),
        vec!["0:0-0:8 error[figure-mismatch] source says Some 143 people, not Some 314; see 014"]
    );
}

#[test]
fn event_an_adjective_or_a_plural_after_a_verb_of_being_is_no_event() {
    let src = (
        "015_paper.md",
        "Two-thirds of the applicants were over 55, the union said.\n",
    );
    assert_eq!(
        check(
            &[src],
            "Half of the applicants were over 55, the union said.\n"
        ),
        vec!["0:0-0:4 error[figure-mismatch] source says Two-thirds applicants, not Half; see 015"]
    );
    // Said of the same noun in other words, and no word of the clause
    // shared: too weak an alignment to call it wrong.
    assert!(check(
        &[src],
        "Half of the applicants are close to retirement age, the union said.\n"
    )
    .iter()
    .all(|f| !f.contains("error")));
}

/// "Eleven children have been rescued" and "30 children who remain
/// unaccounted for": one noun, but what happened to the children differs.
/// Without a near word, an event or a quarter of the clause in common,
/// the figures are not one count.
#[test]
fn subject_one_noun_under_another_predicate_is_not_contradicted() {
    let src = (
        "018_wire.txt",
        "Rescue teams frantically sifted through the debris of a flattened schoolhouse, in a race to find 30 children who remain unaccounted for.\n",
    );
    assert_eq!(
        check(
            &[src],
            "Eleven children have been rescued from the rubble.\nRescue teams are racing to find 25 children who remain unaccounted for.\n"
        ),
        vec!["1:32-1:34 error[figure-mismatch] source says 30 children, not 25; see 018"]
    );
}

/// "The death toll passes 5,000": a floor, not an exact count; a source's
/// 5,600 is past it. A noun after the figure ("passed 12 amendments")
/// keeps it exact.
#[test]
fn band_a_verb_of_passing_makes_the_figure_a_floor() {
    let src = (
        "019_wire.txt",
        "The quake's death toll has reached 5,600, officials said.\n",
    );
    assert!(check(
        &[src],
        "The quake's death toll passes 5,000 as rescuers dig.\n"
    )
    .iter()
    .all(|f| !f.contains("error")));
    let src = (
        "020_wire.txt",
        "The council passed 14 amendments to the budget on Monday.\n",
    );
    assert_eq!(
        check(
            &[src],
            "The council passed 12 amendments to the budget on Monday.\n"
        ),
        vec!["0:19-0:21 error[figure-mismatch] source says 14 amendments, not 12; see 020"]
    );
}

/// "72 died in the state of Morelos" and "86 people died in Mexico City":
/// the name after "in the state of" is whose figure it is.
#[test]
fn subject_a_name_after_a_kind_of_body_and_of_is_the_owner() {
    let src = (
        "021_wire.txt",
        "Officials said 86 people died in Mexico City and 71 in the state of Morelos.\n",
    );
    assert!(check(
        &[src],
        "Officials said 71 people died in the state of Puebla.\n"
    )
    .iter()
    .all(|f| !f.contains("error")));
    assert_eq!(
        check(
            &[src],
            "Officials said 74 people died in the state of Morelos.\n"
        ),
        vec!["0:15-0:17 error[figure-mismatch] source says 71, not 74; see 021"]
    );
}

/// "isn't here any more" for "isn't here anymore": the same word spaced
/// another way is a minor wording difference, not a misquote.
#[test]
fn contraction_a_word_spaced_another_way_is_minor() {
    let src = (
        "022_wire.txt",
        "Mayor Dana Ruiz said: \"The old town is not here anymore, and we will rebuild it.\"\n",
    );
    assert_eq!(
        check(
            &[src],
            "\"The old town is not here any more, and we will rebuild it,\" Ruiz said.\n"
        ),
        vec!["0:0-0:60 info[quote-wording] quote differs from the source only by the spacing of a word; the source says: “The old town is not here anymore, and we will rebuild it”; see 022"]
    );
}

#[test]
fn speaker_a_source_pronoun_read_from_another_paragraph_says_nobody_else_said_it() {
    let src = (
        "016_paper.md",
        "Judge Lena Marr said the fraud was vast.\n\nThe defendant stood to speak. \"I am sorry about what happened at every stage,\" he said.\n",
    );
    assert!(check(
        &[src],
        "Tomas Reyes said he is \"sorry about what happened at every stage.\"\n"
    )
    .is_empty());
    let src = (
        "017_paper.md",
        "Judge Lena Marr spoke for an hour. \"I am sorry about what happened at every stage,\" she said.\n",
    );
    assert_eq!(
        check(&[src], "Tomas Reyes said he is \"sorry about what happened at every stage.\"\n"),
        vec!["0:23-0:66 error[quote-misattributed] source attributes these words to Lena Marr, not Tomas Reyes; see 017"]
    );
}

/// "killed 73" in one report and "killed 267" in another: the sources
/// that contradict the draft's 250 contradict each other, so the count
/// moved between reports or is disputed, and the draft is not called
/// wrong. A number mistyped from one of them ("276" for "267") is that
/// one's, and is wrong.
#[test]
fn disagree_sources_that_contradict_each_other_do_not_make_an_error() {
    let early = (
        "001_wire.txt",
        "The quake killed 73 people in three towns, officials said.\n",
    );
    let later = (
        "002_paper.txt",
        "The quake killed 267 people in three towns, officials said.\n",
    );
    let draft = |n: &str| format!("The quake killed {n} people in three towns, officials said.\n");
    assert_eq!(
        check(&[early, later], &draft("250")),
        vec!["0:17-0:20 info[sources-disagree] sources disagree, and none gives this figure: 001 says 73; 002 says 267"]
    );
    assert_eq!(
        check(&[early, later], &draft("276")),
        vec!["0:17-0:20 error[figure-mismatch] source says 267 people, not 276; see 002"]
    );
    assert_eq!(
        check(&[early], &draft("250")),
        vec!["0:17-0:20 error[figure-mismatch] source says 73 people, not 250; see 001"]
    );
}

/// "The mayor of Amatrice said": the place after "of" is not the speaker.
/// The role is, unnamed, and the source's named speaker is no contradiction.
/// "Giulia Rossi of Amatrice said" names Giulia Rossi.
#[test]
fn speaker_a_role_or_name_of_a_place_is_not_the_place() {
    let src = (
        "023_wire.txt",
        "Sergio Pirozzi, the mayor of Amatrice, told state radio: \"The town is not here anymore, half of it is gone.\"\n",
    );
    assert!(check(
        &[src],
        "The mayor of Amatrice said: \"The town is not here anymore, half of it is gone.\"\n"
    )
    .is_empty());
    assert_eq!(
        check(
            &[src],
            "Giulia Rossi of Amatrice said: \"The town is not here anymore, half of it is gone.\"\n"
        ),
        vec!["0:31-0:82 error[quote-misattributed] source attributes these words to Sergio Pirozzi, not Giulia Rossi; see 023"]
    );
}

/// "We have been told to expect more by the summer" for "… by the
/// autumn": nine words of ten in order, though only one of them ("expect")
/// carries meaning alone, are the source's quote with a word changed.
#[test]
fn quote_a_long_run_of_common_words_with_one_changed_is_a_misquote() {
    let src = (
        "024_paper.md",
        "Ray Dunmore said the cuts would go on. \"We have been told to expect more by the autumn,\" Dunmore said.\n",
    );
    assert_eq!(
        check(
            &[src],
            "\"We have been told to expect more by the summer,\" Dunmore said.\n"
        ),
        vec!["0:0-0:49 error[quote-mismatch] quote differs from the source, which says: “We have been told to expect more by the autumn”; see 024"]
    );
}
