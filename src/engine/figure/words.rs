//! The word tables figures are read with. General English only: nothing
//! here knows any topic.

use super::super::text;
use super::Qualifier;

pub(super) const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
];

pub(super) fn is_month(w: &str) -> bool {
    MONTHS.contains(&w.trim_end_matches('.'))
}

/// A month or a day ("on Wednesday seeking $2.5 million"): a time, never
/// whose figure it is.
pub(super) fn is_time_name(w: &str) -> bool {
    is_month(w) || text::DAY_WORDS.contains(&w)
}

/// Qualifier phrases, longest first within each entry's list.
pub(super) const QUALIFIERS: &[(&[&str], Qualifier)] = &[
    (&["no", "fewer", "than"], Qualifier::AtLeast),
    (&["no", "less", "than"], Qualifier::AtLeast),
    (&["no", "more", "than"], Qualifier::UpTo),
    (&["in", "excess", "of"], Qualifier::MoreThan),
    (&["a", "minimum", "of"], Qualifier::AtLeast),
    (&["a", "maximum", "of"], Qualifier::UpTo),
    (&["as", "many", "as"], Qualifier::UpTo),
    (&["as", "much", "as"], Qualifier::UpTo),
    (&["just", "shy", "of"], Qualifier::Nearly),
    (&["more", "than"], Qualifier::MoreThan),
    (&["greater", "than"], Qualifier::MoreThan),
    (&["upwards", "of"], Qualifier::MoreThan),
    (&["just", "over"], Qualifier::MoreThan),
    (&["well", "over"], Qualifier::MoreThan),
    (&["just", "above"], Qualifier::MoreThan),
    (&["at", "least"], Qualifier::AtLeast),
    (&["at", "most"], Qualifier::UpTo),
    (&["up", "to"], Qualifier::UpTo),
    (&["fewer", "than"], Qualifier::LessThan),
    (&["less", "than"], Qualifier::LessThan),
    (&["just", "under"], Qualifier::Nearly),
    (&["close", "to"], Qualifier::Nearly),
    (&["an", "estimated"], Qualifier::About),
    (&["over"], Qualifier::MoreThan),
    (&["above"], Qualifier::MoreThan),
    (&["nearly"], Qualifier::Nearly),
    (&["almost"], Qualifier::Nearly),
    (&["about"], Qualifier::About),
    (&["around"], Qualifier::About),
    (&["roughly"], Qualifier::About),
    (&["approximately"], Qualifier::About),
    (&["some"], Qualifier::About),
    (&["estimated"], Qualifier::About),
    (&["under"], Qualifier::LessThan),
    (&["below"], Qualifier::LessThan),
];

pub(super) const TARGET_WORDS: &[&str] = &[
    "goal",
    "goals",
    "target",
    "targets",
    "quota",
    "quotas",
    "benchmark",
    "aim",
    "aims",
    "objective",
    "pledge",
    "pledged",
    "promise",
    "promised",
    "vow",
    "vowed",
    "ambition",
];

pub(super) const CAPACITY_WORDS: &[&str] = &["capacity", "capacities", "accommodate", "room"];

/// Plans and expectations. Modal verbs ("would", "will") are not enough: a
/// sentence about a plan still states current facts ("would overhaul its 42
/// routes").
pub(super) const PLAN_WORDS: &[&str] = &[
    "plan",
    "plans",
    "planned",
    "planning",
    "proposal",
    "proposed",
    "proposes",
    "expected",
    "expects",
    "projected",
    "projection",
    "projects",
    "forecast",
    "forecasts",
    "intend",
    "intends",
    "scheduled",
];

/// Verbs of change: "raise the fare from $2.25 to $2.75" is a change, not a range.
pub(super) const CHANGE_STEMS: &[&str] = &[
    "rise", "rose", "risen", "rais", "increas", "grow", "grew", "grown", "climb", "jump", "doubl",
    "tripl", "boost", "expand", "go", "goe", "went", "gone", "fall", "fell", "fallen", "drop",
    "declin", "decreas", "cut", "reduc", "shrink", "shrank", "slash", "lower", "move", "chang",
    "up", "down", "hike", "soar", "plung", "swell", "swollen",
];

pub(super) const UP_STEMS: &[&str] = &[
    "rise", "rose", "risen", "rais", "increas", "grow", "grew", "grown", "climb", "jump", "doubl",
    "tripl", "boost", "up", "higher", "gain", "hike", "soar", "swell", "swollen",
];

pub(super) const DOWN_STEMS: &[&str] = &[
    "fall", "fell", "fallen", "drop", "declin", "decreas", "down", "lower", "cut", "reduc",
    "shrink", "shrank", "slash", "lost", "lose", "plung",
];

/// Is `stem` the stem of a verb or word of change ("rose", "climb", "cut")?
pub(super) fn is_change_stem(stem: &str) -> bool {
    CHANGE_STEMS.contains(&stem) || LINKING_VERBS.contains(&stem)
}

/// Words of time that end a noun phrase after a figure ("4,800 last
/// Thursday", "12 this year"), with `text::DAY_WORDS`.
pub(super) const TIME_NOUNS: &[&str] = &["last", "next", "this", "ago"];

/// Spans of time that name when, not what ("the second quarter of $930
/// million"), beyond the periods of a rate.
pub(super) const SPANS_OF_TIME: &[&str] = &["quarter", "decade", "century", "season", "semester"];

/// Words that may sit inside a noun phrase though they are stop words
/// elsewhere ("a dozen other routes", "six new electric buses").
pub(super) const NP_FILLERS: &[&str] = &[
    "other",
    "new",
    "more",
    "additional",
    "total",
    "same",
    "extra",
];

/// Words that are plural without ending in -s.
pub(super) const IRREGULAR_PLURALS: &[&str] = &[
    "people",
    "men",
    "women",
    "children",
    "police",
    "personnel",
    "staff",
    "data",
    "feet",
    "teeth",
    "mice",
    "geese",
    "cattle",
    "media",
    "alumni",
    "criteria",
    "crises",
    "troops",
];

/// Verbs that link a noun to the figure after it without saying what
/// happened: "The toll stood at 9", "Evictions have topped 12,000".
pub(super) const LINKING_VERBS: &[&str] = &[
    "is",
    "was",
    "are",
    "were",
    "be",
    "been",
    "has",
    "have",
    "had",
    "now",
    "stood",
    "stands",
    "stand",
    "reached",
    "reaches",
    "topped",
    "tops",
    "hit",
    "hits",
    "totaled",
    "totalled",
    "totals",
    "numbered",
    "numbers",
    "exceeded",
    "exceeds",
    "passed",
    "surpassed",
    "remained",
    "remains",
    "came",
    "comes",
    "amounted",
    "amounts",
    "neared",
    "nears",
    "approached",
    "still",
    "also",
    "already",
];

/// Verbs that put a count past a figure: "the death toll passes 5,000",
/// "evictions topped 12,000". Said of the figure alone, with no noun after
/// it ("passed 12 amendments" is an exact count), they make it a floor.
pub(super) const PASSING_VERBS: &[&str] = &[
    "pass",
    "passes",
    "passed",
    "top",
    "tops",
    "topped",
    "exceed",
    "exceeds",
    "exceeded",
    "surpass",
    "surpasses",
    "surpassed",
    "cross",
    "crosses",
    "crossed",
    "eclipse",
    "eclipses",
    "eclipsed",
];

/// Words that say only "how many": no thing counted, and before a
/// figure they govern nothing ("a total of 25", "an estimated 300").
pub(super) const COUNT_WORDS: &[&str] = &[
    "total",
    "number",
    "count",
    "figure",
    "sum",
    "tally",
    "estimate",
    "estimated",
    "amount",
    "record",
    "level",
];

/// Verbs of having: a figure right after one counts what there is ("had
/// 12,700 employees"), a stock, not an event ("laid off 4,500"); see
/// `stock_mark`.
pub(super) const STOCK_WORDS: &[&str] = &[
    "have",
    "has",
    "had",
    "having",
    "employ",
    "employs",
    "employed",
    "employing",
];

/// Auxiliaries and adverbs between a noun phrase and its verb.
pub(super) const AUXILIARIES: &[&str] = &[
    "were",
    "was",
    "are",
    "is",
    "have",
    "has",
    "had",
    "been",
    "be",
    "will",
    "would",
    "could",
    "may",
    "might",
    "also",
    "later",
    "then",
    "now",
    "all",
    "each",
    "being",
    "had",
    "still",
    "not",
    "never",
    "since",
    "eventually",
    "initially",
];

/// Words that end a street's name after its number ("401 Main St.").
pub(super) const STREET_WORDS: &[&str] = &[
    "street",
    "st",
    "avenue",
    "ave",
    "road",
    "rd",
    "boulevard",
    "blvd",
    "lane",
    "ln",
    "drive",
    "dr",
    "way",
    "place",
    "pl",
    "court",
    "ct",
    "highway",
    "hwy",
    "parkway",
    "pkwy",
    "square",
];

/// Determiners between a partitive's "of" and its whole ("six of the 40",
/// "most of its routes").
pub(super) const OF_DETERMINERS: &[&str] = &[
    "the", "its", "their", "his", "her", "our", "those", "these", "all",
];

/// Determiners before a whole after "of" ("a dozen of the 25") and after
/// "half" ("half the offices").
pub(super) const WHOLE_DETERMINERS: &[&str] = &["the", "its", "their", "all"];

/// Articles and possessives after the preposition of money's object
/// ("$3.1 million in the overtime budget").
pub(super) const ARTICLES: &[&str] = &["the", "its", "their", "a", "an"];

/// Words between a new value and the old one it replaces ("150 instead
/// of 210", "3.9% rather than the 4.5%").
pub(super) const INSTEAD_WORDS: &[&str] = &["instead of", "rather than"];

/// Compass words: "15 miles south of Hualien" is measured from Hualien,
/// and belongs to it.
pub(super) const COMPASS_WORDS: &[&str] = &[
    "north",
    "south",
    "east",
    "west",
    "northeast",
    "northwest",
    "southeast",
    "southwest",
    "north-east",
    "north-west",
    "south-east",
    "south-west",
];

/// Possessives that give a figure to the name its sentence opens with
/// ("Ashmere County … would close two of its 24 branches").
pub(super) const OWNING_PRONOUNS: &[&str] = &["its", "their"];

/// Prepositions that name what money is for or in ("$3.1 million in
/// overtime").
pub(super) const MONEY_PREPOSITIONS: &[&str] = &["in", "for", "on"];

/// Nouns that count as figures themselves before "of the" ("a dozen of the
/// 25", "half of the").
pub(super) const COUNTING_NOUNS: &[&str] = &["dozen", "half"];

/// Adjectives of a period that make a count a rate ("12 daily flights").
pub(super) const PERIOD_ADJECTIVES: &[&str] =
    &["daily", "weekly", "monthly", "yearly", "hourly", "nightly"];

/// Words that open a rate after a figure ("per day", "a week", "each year").
pub(super) const RATE_WORDS: &[&str] = &["per", "a", "an", "each", "every"];

/// Period adjectives that do not close a rate after a rate word ("a daily
/// limit", "an annual report").
pub(super) const RATE_ADJECTIVES: &[&str] = &["daily", "annual", "weekly"];

/// Pronouns of a partitive after "of" ("six of them", "most of whom").
pub(super) const PARTITIVE_PRONOUNS: &[&str] = &["them", "those", "these", "whom", "which"];

/// Words after a number that make it a time of day ("10 a.m.", "9 pm",
/// "5 o'clock"); "a" only with its dot.
pub(super) const CLOCK_WORDS: &[&str] = &["a", "p", "am", "pm", "o'clock"];

/// Prepositions that attach a phrase to the noun before them ("the
/// average wage at the plant", "the number of beds in the ward").
pub(super) const NOUN_PREPOSITIONS: &[&str] = &["at", "in", "of", "for", "on"];

/// Adjectives that follow a verb of being where a participle would name
/// an event ("are close to retirement", "were likely to"): no event.
pub(super) const PREDICATE_ADJECTIVES: &[&str] = &[
    "close",
    "likely",
    "unlikely",
    "due",
    "able",
    "unable",
    "ready",
    "open",
    "eligible",
    "available",
    "responsible",
    "aware",
    "safe",
    "sure",
    "set",
    "expected",
];
