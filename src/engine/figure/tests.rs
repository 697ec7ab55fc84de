use super::band::step_of;
use super::number::{scale_word, small_number, vague_plural};
use super::number::{FRACTIONS, SCALE_WORDS, TENS, UNITS, VAGUE_PLURALS};
use super::scan::{is_number_word, may_hold_number, starts_core, LengthsByInitial};
use super::*;

/// The words `may_hold_number` reads, as `str::split` cuts them.
fn number_word_by_split(s: &str) -> bool {
    s.bytes().any(|b| b.is_ascii_digit())
        || s.split(|c: char| !c.is_alphabetic() && c != '-')
            .any(is_number_word)
}

proptest::proptest! {
    #[test]
    fn the_byte_scan_finds_the_words_split_finds(
        parts in proptest::collection::vec(proptest::sample::select(vec![
            "two", "Seventy-seven", "HALF", "dozens", "tens", "a", "vote", "héllo",
            "é", "ß", "-", " ", "“", "”", "’", "—", ",", "x", "twelve", "3",
            "nineteen-", "Ünï", "日本", "🙂", "one\u{301}", "\n", "hundreds",
            // Long enough to put a digit past the first 32-byte chunk.
            "no figure is said to be written in these words at all",
        ]), 0..12)
    ) {
        let s = parts.concat();
        proptest::prop_assert_eq!(may_hold_number(&s), number_word_by_split(&s), "{:?}", s);
    }
}

#[test]
fn number_words_are_the_words_the_figure_reader_reads_as_numbers() {
    let reads = |w: &str| {
        small_number(w).is_some()
            || vague_plural(w).is_some()
            || scale_word(w).is_some()
            || FRACTIONS
                .iter()
                .any(|(one, many, _)| *one == w || *many == w)
            || number::hyphenated_fractions().any(|f| f == w)
            || matches!(w, "dozen" | "half" | "tens" | "couple" | "minus")
    };
    let mut words: Vec<String> = UNITS.iter().chain(TENS).map(|w| w.to_string()).collect();
    for t in TENS {
        for u in UNITS {
            words.push(format!("{t}-{u}"));
        }
    }
    words.extend(VAGUE_PLURALS.iter().map(|(w, _)| w.to_string()));
    words.extend(SCALE_WORDS.iter().map(|(w, _)| w.to_string()));
    words.extend(
        [
            "dozen",
            "half",
            "tens",
            "hundreds",
            "a",
            "twenty-",
            "-five",
            "ones",
            "two-thirds",
            "third",
            "quarters",
            "couple",
            "minus",
            "two-twelfths",
        ]
        .map(String::from),
    );
    for w in &words {
        assert_eq!(is_number_word(w), reads(w), "{w}");
        assert_eq!(is_number_word(&w.to_uppercase()), reads(w), "{w}");
    }
    assert!(is_number_word("Seventy-Seven"));
    assert!(!is_number_word("seventy-zero"));
    assert!(!is_number_word("twenty-ten"));
}

#[test]
fn a_digit_is_found_in_any_chunk() {
    let words = "x".repeat(100);
    assert!(!may_hold_number(&words));
    for at in 0..100 {
        let mut s = words.clone();
        s.replace_range(at..at + 1, "7");
        assert!(may_hold_number(&s), "{at}");
    }
}

#[test]
fn the_core_set_is_the_words_read_core_reads() {
    let reads = |w: &str| {
        vague_plural(w).is_some()
            || matches!(w, "tens" | "half" | "a" | "an" | "dozen")
            || small_number(w).is_some()
            || number::hyphenated_fractions().any(|f| f == w)
    };
    let mut words: Vec<String> = UNITS.iter().chain(TENS).map(|w| w.to_string()).collect();
    for t in TENS.iter().chain(UNITS) {
        for u in UNITS.iter().chain(TENS) {
            words.push(format!("{t}-{u}"));
        }
    }
    words.extend(VAGUE_PLURALS.iter().map(|(w, _)| w.to_string()));
    words.extend(SCALE_WORDS.iter().map(|(w, _)| w.to_string()));
    words.extend(
        [
            "dozen",
            "half",
            "tens",
            "a",
            "an",
            "the",
            "and",
            "an-",
            "as",
            "twenty-",
            "-five",
            "ones",
            "halves",
            "",
            "é",
            "twentyfive",
            "-",
            "ten's",
            "sixs",
            "two-thirds",
            "one-quarter",
            "third",
            "eleven-thirds",
        ]
        .map(String::from),
    );
    let mut read = 0;
    for w in &words {
        assert_eq!(starts_core(w), reads(w), "{w}");
        assert!(
            !starts_core(&w.to_uppercase()) || w.to_uppercase() == *w,
            "{w}"
        );
        read += usize::from(reads(w));
    }
    // 20 units, 8 tens, 72 compounds, 5 vague plurals, 5 more, and
    // two hyphenated fractions.
    assert_eq!(read, 112);
}

#[test]
fn lengths_by_initial_turn_away_only_words_not_in_the_set() {
    let set = LengthsByInitial::of(["two", "twenty", "a", "Half"]);
    for w in [
        "two", "the", "twenty", "thirty", "a", "half", "HALF", "hung",
    ] {
        assert!(set.may_hold(w.as_bytes()), "{w}");
    }
    for w in [
        "",
        "b",
        "to",
        "twelfth",
        "an",
        "said",
        "1",
        "é",
        "-two",
        "twentytwentytwenty",
    ] {
        assert!(!set.may_hold(w.as_bytes()), "{w}");
    }
}

#[test]
fn a_step_is_the_last_significant_digit_as_written() {
    for (raw, scale, step) in [
        ("25", 1.0, 1.0),
        ("1,500", 1.0, 100.0),
        ("3,000", 1.0, 1000.0),
        ("1.25", 1.0, 0.01),
        ("1.5", 1e6, 1e5),
        ("100", 1e3, 1e5),
        ("0", 1.0, 1.0),
        ("", 1.0, 1.0),
        ("1.2.30", 1.0, 1e-4),
        ("2é0", 1.0, 10.0),
    ] {
        assert_eq!(step_of(raw, scale), step, "{raw} × {scale}");
    }
}

#[test]
fn number_words_are_found_between_any_separators() {
    for s in [
        "“Three,” she said.",
        "—twelve—",
        "ten’s",
        "Dozens",
        "x-two",
        "Twelveé",
    ] {
        assert_eq!(may_hold_number(s), number_word_by_split(s), "{s}");
    }
    assert!(may_hold_number("“Three,” she said."));
    assert!(may_hold_number("—twelve—"));
    assert!(may_hold_number("ten’s"));
    assert!(!may_hold_number("x-two"));
    assert!(!may_hold_number("Twelveé"));
    assert!(!may_hold_number("no figure here"));
}

fn figs(s: &str) -> Vec<Figure> {
    extract(s, &[0..s.len()])
}

fn one(s: &str) -> Figure {
    let f = figs(s);
    assert_eq!(
        f.len(),
        1,
        "{s}: {:#?}",
        f.iter().map(|f| &f.text).collect::<Vec<_>>()
    );
    f.into_iter().next().unwrap()
}

/// A figure as a test expects it: text, value, upper end, unit code.
type Expected<'a> = (&'a str, f64, Option<f64>, &'a str);

/// (sentence, every figure it has).
fn reads_as(cases: &[(&str, &[Expected])]) {
    for (text, want) in cases {
        let got: Vec<(String, f64, Option<f64>, String)> = figs(text)
            .into_iter()
            .map(|f| (f.text, f.value, f.upper, f.unit.code()))
            .collect();
        let want: Vec<(String, f64, Option<f64>, String)> = want
            .iter()
            .map(|(t, v, u, c)| (t.to_string(), *v, *u, c.to_string()))
            .collect();
        assert_eq!(got, want, "{text}");
    }
}

#[test]
fn reads_units_glued_spaced_and_before_the_number() {
    reads_as(&[
        (
            "Gusts reached 50mph on the coast.",
            &[("50mph", 50.0, None, "mph")],
        ),
        (
            "Winds of 120 km/h were recorded.",
            &[("120 km/h", 120.0, None, "km/h")],
        ),
        (
            "The phone has 256GB of storage.",
            &[("256GB", 256.0, None, "gb")],
        ),
        (
            "It reached 40°F overnight.",
            &[("40°F", 40.0, None, "fahrenheit")],
        ),
        (
            "Lows fell to -5C in the valleys.",
            &[("-5C", -5.0, None, "celsius")],
        ),
        (
            "Lows of minus 12 degrees are forecast.",
            &[("minus 12 degrees", -12.0, None, "degree")],
        ),
        (
            "A 54-year-old man was arrested.",
            &[("54-year-old", 54.0, None, "age")],
        ),
        (
            "Marcus Pell, aged 17, was charged.",
            &[("17", 17.0, None, "age")],
        ),
        (
            "A woman, 81, died in hospital.",
            &[("81", 81.0, None, "age")],
        ),
        (
            "It follows a 13.1-mile course.",
            &[("13.1-mile", 13.1, None, "mile")],
        ),
        (
            "The fee is USD1,700 a month.",
            &[("USD1,700", 1700.0, None, "usd")],
        ),
        (
            "It raised AUD1.5m last year.",
            &[("AUD1.5m", 1.5e6, None, "aud")],
        ),
        (
            "The deal is worth EUR 2.1 billion.",
            &[("EUR 2.1 billion", 2.1e9, None, "eur")],
        ),
        (
            "Shares fell -1.3% on Monday.",
            &[("-1.3%", -1.3, None, "percent")],
        ),
        (
            "Turnout rose 1.2 percentage points.",
            &[("1.2 percentage points", 1.2, None, "percentage-point")],
        ),
        ("The case was moved to Courtroom 6B.", &[]),
    ]);
}

#[test]
fn reads_number_words_and_fractions() {
    reads_as(&[
        (
            "About two dozen people were hurt.",
            &[("About two dozen", 24.0, None, "count")],
        ),
        (
            "Half a dozen boats sank.",
            &[("Half a dozen", 6.0, None, "count")],
        ),
        (
            "A couple of clinics closed.",
            &[("A couple of", 2.0, None, "count")],
        ),
        (
            "A third of the staff left.",
            &[("A third", 1.0 / 3.0 * 100.0, None, "percent")],
        ),
        (
            "Two-thirds of voters agreed.",
            &[("Two-thirds", 2.0 * (1.0 / 3.0) * 100.0, None, "percent")],
        ),
        (
            "The crowd was twenty-eight thousand six hundred.",
            &[("twenty-eight thousand six hundred", 28600.0, None, "count")],
        ),
        (
            "One hundred and twenty jobs went.",
            &[("One hundred and twenty", 120.0, None, "count")],
        ),
        ("It is a third term for the mayor.", &[]),
        (
            "More than half a million people fled.",
            &[("More than half a million", 500_000.0, None, "count")],
        ),
        (
            "A quarter of a million homes lost power.",
            &[("A quarter of a million", 250_000.0, None, "count")],
        ),
        (
            "About one and a half million people live there.",
            &[("About one and a half million", 1_500_000.0, None, "count")],
        ),
        (
            "It took two and a half days.",
            &[("two and a half days", 2.5, None, "day")],
        ),
        (
            "Half a billion dollars was spent.",
            &[("Half a billion dollars", 5e8, None, "usd")],
        ),
    ]);
}

#[test]
fn reads_changes_apart_from_ranges() {
    let f = figs("The index gained 0.4 percent to 13,176.");
    assert_eq!(f.len(), 2);
    assert_eq!(
        (f[0].value, f[0].side, f[0].direction),
        (0.4, Side::None, Some(Direction::Up))
    );
    assert_eq!((f[1].value, f[1].side), (13176.0, Side::To));
    let f = figs("Revenue increased by $43.6 billion to $419.2 billion.");
    assert_eq!(
        (f[0].value, f[1].value, f[1].side),
        (43.6e9, 419.2e9, Side::To)
    );
    let f = figs("Reports climbed by 14 to 212 this year.");
    assert_eq!((f[0].upper, f[1].side), (None, Side::To));
    let f = figs("It fell by a quarter to 90.");
    assert_eq!((f[0].value, f[1].value, f[1].side), (25.0, 90.0, Side::To));
    let f = figs("They want to raise the minimum age for buying tobacco from 18 to 21.");
    assert_eq!((f[0].side, f[1].side), (Side::From, Side::To));
    reads_as(&[
        (
            "Grants run from $200 to $4 million.",
            &[("$200 to $4 million", 200.0, Some(4e6), "usd")],
        ),
        (
            "Between 5 and 10 million people.",
            &[("Between 5 and 10 million", 5e6, Some(1e7), "count")],
        ),
    ]);
}

#[test]
fn skips_more_dates_scores_addresses_and_names() {
    reads_as(&[
        ("The deadline is Oct. 31 for the trade-in.", &[]),
        ("The fair runs Sept. 20-24 this year.", &[]),
        ("The 2-2 draw left them level; they won 98-91 later.", &[]),
        ("He lives at 1200 Elm Street.", &[]),
        ("Police searched the 400 block of Kettle Avenue.", &[]),
        ("He bought an iPhone 11 and wears No. 9.", &[]),
        ("Call 1-800-555-0177 today.", &[]),
        ("Proposition 22 passed easily.", &[]),
        ("Only 40 people came.", &[("40", 40.0, None, "count")]),
    ]);
}

#[test]
fn reads_plain_counts_with_their_noun() {
    let f = one("ICE has 25 field offices.");
    assert_eq!(f.text, "25");
    assert_eq!(f.noun, "field offices");
    assert_eq!(f.head.as_deref(), Some("office"));
    assert_eq!(f.modifiers, vec!["field"]);
    assert_eq!(f.band, Interval::point(25.0));
    assert_eq!(f.frame, Frame::Actual);
    assert_eq!(&"ICE has 25 field offices."[f.span.clone()], "25");
    // A plural without -s before a plural noun modifies it.
    let f = one("Half a dozen police officers watched.");
    assert_eq!(
        (f.noun.as_str(), f.head.as_deref()),
        ("police officers", Some("officer"))
    );
    assert_eq!(one("Six police watched.").head.as_deref(), Some("police"));
}

#[test]
fn a_place_the_sentence_opens_with_owns_its_figures() {
    let f = one("In Calder County, clinics have given 6,000 doses.");
    assert_eq!(f.subject, vec!["calder", "counti"]);
    let f = one("In March, clinics gave 6,000 doses.");
    assert_eq!(f.subject, Vec::<Term>::new());
    let f = one("In Calder County clinics gave 6,000 doses.");
    assert_eq!(f.subject, Vec::<Term>::new());
}

#[test]
fn a_distance_belongs_to_the_place_it_is_measured_from() {
    let f = one("The quake struck about 15 miles south of Varno City on Sunday.");
    assert_eq!(f.subject, vec!["varno", "citi"]);
}

#[test]
fn an_aside_between_the_noun_and_its_verb_is_passed() {
    let f = one("Some 140 people, many of them hikers on the trails, were feared trapped.");
    assert_eq!(f.event.as_deref(), Some("fear"));
    let f = one("About 500 people, the agency said, were evacuated.");
    assert_eq!(f.event.as_deref(), Some("evacu"));
    let f = one("About 500 people, the dogs and a horse were evacuated.");
    assert_eq!(f.event, None);
}

#[test]
fn a_time_before_a_figure_is_no_subject_nor_governor() {
    let f = one("Last night 6,050 people stayed in shelters.");
    assert_eq!(f.subject, Vec::<Term>::new());
    assert_eq!(f.governor, None);
    let f = one("About 6,500 people stayed in shelters.");
    assert_eq!((f.band.lo, f.band.hi), (6175.0, 6825.0));
    let f = one("About 6,000 people stayed in shelters.");
    assert_eq!((f.band.lo, f.band.hi), (5400.0, 6600.0));
}

#[test]
fn reads_qualifiers_and_bands() {
    let f = one("There are more than 1,500 Border Patrol agents assisting ICE.");
    assert_eq!(f.text, "more than 1,500");
    assert_eq!(f.qualifier, Qualifier::MoreThan);
    assert_eq!(
        f.band,
        Interval {
            lo: 1500.0,
            hi: 1500.0 * 1.2,
            lo_open: true,
            hi_open: false
        }
    );
    assert_eq!(f.noun, "Border Patrol agents");
    assert_eq!(f.proper, vec!["border", "patrol"]);
    let f = one("the plan would reassign around six regional directors");
    assert_eq!(f.text, "around six");
    assert_eq!(
        f.band,
        Interval {
            lo: 5.0,
            hi: 7.0,
            lo_open: false,
            hi_open: false
        }
    );
    assert_eq!(f.frame, Frame::Plan);
    let f = one("ICE has 20+ field offices.");
    assert_eq!(f.text, "20+");
    assert_eq!(f.qualifier, Qualifier::Plus);
}

#[test]
fn reads_money_percent_scale_and_words() {
    let f = one("Its annual budget was boosted to $28 billion under a bill.");
    assert_eq!(f.text, "$28 billion");
    assert_eq!(f.value, 28e9);
    assert_eq!(f.unit, Unit::Money("usd".into()));
    assert_eq!(f.step, 1e9);
    let f = one("Ridership fell 18 percent last year.");
    assert_eq!((f.value, f.unit.clone()), (18.0, Unit::Percent));
    let f = one("deporting more than one million people");
    assert_eq!((f.value, f.text.as_str()), (1e6, "more than one million"));
    let f = one("Twelve directors left.");
    assert_eq!(f.value, 12.0);
    let f = one("at least a dozen directors");
    assert_eq!((f.value, f.qualifier), (12.0, Qualifier::AtLeast));
    let f = one("hundreds of agents have been sent");
    assert_eq!(f.qualifier, Qualifier::Vague);
    assert_eq!(f.noun, "agents");
    let f = one("at least half the top leadership at offices");
    assert_eq!((f.value, f.unit.clone()), (50.0, Unit::Percent));
    let f = one("the fund grew to $1.5m this spring");
    assert_eq!(f.value, 1.5e6);
    // Digits glued to a scale, and currency signs before a number.
    for (text, figure, value, unit) in [
        ("The city paid 20k in fees.", "20k", 2e4, Unit::Count),
        ("A 1.5m grant came through.", "1.5m", 1.5e6, Unit::Count),
        (
            "Fares rose by €20 this year.",
            "€20",
            20.0,
            Unit::Money("eur".into()),
        ),
        (
            "The port lost £3bn last year.",
            "£3bn",
            3e9,
            Unit::Money("gbp".into()),
        ),
        (
            "Tickets cost $12 at the door.",
            "$12",
            12.0,
            Unit::Money("usd".into()),
        ),
    ] {
        let f = one(text);
        assert_eq!(
            (f.text.as_str(), f.value, f.unit),
            (figure, value, unit),
            "{text}"
        );
    }
    // With no digit anywhere in the sentence.
    let f = one("The city hired a hundred inspectors.");
    assert_eq!(
        (f.text.as_str(), f.value, f.noun.as_str()),
        ("a hundred", 1e2, "inspectors")
    );
    let f = one("A thousand people marched.");
    assert_eq!(
        (f.text.as_str(), f.value, f.noun.as_str()),
        ("A thousand", 1e3, "people")
    );
    let f = one("It cost a million dollars.");
    assert_eq!((f.value, f.unit.clone()), (1e6, Unit::Money("usd".into())));
}

#[test]
fn reads_ranges_and_rates() {
    // A range is a range...
    let f = one("estimates range from 50,000 to 100,000 beds");
    assert_eq!(
        (f.value, f.upper, f.qualifier),
        (50000.0, Some(100000.0), Qualifier::Range)
    );
    assert_eq!(f.noun, "beds");
    // ...but a change has two ends, each counting the same thing.
    let f = figs("would double capacity from 50,000 to 100,000 beds");
    assert_eq!(f.len(), 2);
    assert_eq!((f[0].side, f[1].side), (Side::From, Side::To));
    assert_eq!((f[0].noun.as_str(), f[1].noun.as_str()), ("beds", "beds"));
    assert_eq!((f[0].frame, f[1].frame), (Frame::Capacity, Frame::Capacity));
    let f = figs("riders would pay $2.50 a ride, up from $2.25");
    assert_eq!((f[0].side, f[1].side), (Side::To, Side::From));
    assert_eq!(f[0].direction, Some(Direction::Up));
    // A bare old value is in the new value's unit.
    let f = figs("It revised its recall to about 5,600 gallons, from 4,200, on Tuesday.");
    assert_eq!((f[0].side, f[1].side), (Side::To, Side::From));
    assert_eq!(f[1].unit, f[0].unit);
    assert_eq!(f[0].was, Some(4200.0));
    let f = figs("It will cut 150 teaching posts next year instead of 210, it said.");
    assert_eq!((f[0].side, f[1].side), (Side::To, Side::From));
    assert_eq!(
        (f[0].was, f[1].noun.as_str()),
        (Some(210.0), "teaching posts")
    );
    let f = figs("Nine people died. At least 1,011 others were injured.");
    assert_eq!(
        (f[1].noun.as_str(), f[1].head.as_deref()),
        ("people", Some("people"))
    );
    // The noun after a count word, before "to" or "at".
    let f = one("It revised its count of dead fish in Wend Creek to about 4,000.");
    assert_eq!(
        (f.noun.as_str(), f.head.as_deref()),
        ("dead fish", Some("fish"))
    );
    let f = figs(
        "The number of people treated for injuries tied to the fire has climbed to 29, up from 11.",
    );
    assert_eq!(
        (f[0].head.as_deref(), f[1].head.as_deref()),
        (Some("people"), Some("people"))
    );
    let f = one("The town puts the number of evacuees at 3,600.");
    assert_eq!(f.head.as_deref(), Some("evacuee"));
    let f = figs("Crews found 40,000 dead fish along 3 miles of the creek.");
    assert_eq!(f[0].head.as_deref(), Some("fish"));
    let f = one("between 5 and 10 million people");
    assert_eq!((f.value, f.upper), (5e6, Some(1e7)));
    let f = one("a goal of 3,000 arrests per day");
    assert_eq!((f.per, f.frame), (Some(Period::Day), Frame::Target));
    assert_eq!(f.noun, "arrests per day");
    let f = one("a lofty goal of 3,000 daily arrests earlier");
    assert_eq!(f.per, Some(Period::Day));
    assert_eq!(f.head.as_deref(), Some("arrest"));
    let f = one("even if the 3,000-per-day goal remains unmet");
    assert_eq!((f.per, f.frame), (Some(Period::Day), Frame::Target));
    let f = one("a 50,000-100,000 range");
    assert_eq!(f.upper, Some(100000.0));
}

#[test]
fn skips_years_dates_times_ordinals_and_names() {
    assert!(figs("In 2025, the third major change came on May 20 at 3:30 p.m.").is_empty());
    assert!(figs("Save 10 dollars With Code RVM10 at 7-Eleven.").len() == 1);
    assert!(figs("He met one federal official on 2025-10-27.").is_empty());
    assert!(figs("The Title 42 order and Section 8 housing.").is_empty());
    assert!(figs("Call 555-0142 by 10 am.").is_empty());
}

#[test]
fn parts_count_what_their_whole_counts() {
    let f = figs("They plan to replace at least a dozen of the 25 directors who lead offices.");
    assert_eq!(f.len(), 2);
    assert_eq!((f[0].role, f[1].role), (Role::Part, Role::Whole));
    assert_eq!(f[0].head.as_deref(), Some("director"));
    assert_eq!(f[0].frame, Frame::Plan);
    assert_eq!(f[1].frame, Frame::Actual);
}
