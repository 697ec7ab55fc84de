//! The generator: seeded sequences of structured-but-wrong LSP traffic.
//!
//! A sequence is a list of [`Chunk`]s, each the bytes of one message in its
//! frame (or of one framing fault), written one after another on the
//! server's stdin. Most messages are real LSP calls with plausible params;
//! many are mutated (wrong types, missing fields, positions out of range,
//! odd ids, odd envelopes), and some are framed wrongly.
//!
//! Every framing fault is one the server can recover from by the rule "a
//! frame starts at the next `Content-Length:` header", so a probe written
//! after the sequence must always be answered:
//!
//! - junk (garbage between frames, and the body of a frame whose header
//!   was refused) never holds the text `content-length` or `content-type`
//!   (in any case), and begins and ends with a byte that cannot continue a
//!   header name, so two chunks never join into a header;
//! - a length longer than its body is only given to a body that is a whole
//!   JSON object or array, and only when the next chunk starts with a
//!   header (the body's JSON ends and the next header follows);
//! - a header that never ends is longer than 64 KiB (any sane header limit);
//! - a header that ends is ended by `\r\n\r\n`, `\n\n` or `\r\n\n`: a short
//!   header is never left open, and a length within reason is never left
//!   waiting for bytes that will not come.

use std::fmt::Write as _;

/// SplitMix64: small, fast, and the same on every platform.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The generator of sequence `index` of a run seeded with `seed`.
    pub fn for_case(seed: u64, index: u64) -> Rng {
        let mut r = Rng(seed ^ index.wrapping_mul(0xA076_1D64_78BD_642F));
        r.next();
        r
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (0 when n is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next() % n
        }
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }

    /// Log-uniform in `lo..=hi` (lo ≥ 1): small values as often as big ones.
    pub fn log_range(&mut self, lo: u64, hi: u64) -> u64 {
        let bits_lo = 64 - lo.leading_zeros() as u64;
        let bits_hi = 64 - hi.leading_zeros() as u64;
        let bits = self.range(bits_lo, bits_hi);
        let top = if bits >= 64 {
            u64::MAX
        } else {
            (1u64 << bits) - 1
        };
        let bottom = if bits <= 1 { 0 } else { 1u64 << (bits - 1) };
        self.range(bottom.max(lo), top.min(hi))
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    pub fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len() as u64) as usize]
    }

    /// An index into `weights`, drawn in proportion to them.
    pub fn weighted(&mut self, weights: &[u64]) -> usize {
        let total: u64 = weights.iter().sum();
        let mut x = self.below(total);
        for (i, w) in weights.iter().enumerate() {
            if x < *w {
                return i;
            }
            x -= w;
        }
        weights.len() - 1
    }
}

/// A JSON tree that can also say what `serde_json::Value` cannot: keys in
/// any order and repeated, numbers written any way, and raw text.
#[derive(Clone, Debug)]
pub enum J {
    Null,
    Bool(bool),
    /// A number as written: `1`, `-0`, `1.5`, `1e400`, `18446744073709551616`.
    Num(String),
    Str(String),
    /// Written as is (escapes such as lone surrogates, broken JSON).
    Raw(String),
    Arr(Vec<J>),
    /// Pairs in order; a key may repeat.
    Obj(Vec<(String, J)>),
}

pub fn int(n: i64) -> J {
    J::Num(n.to_string())
}

pub fn s(text: &str) -> J {
    J::Str(text.to_string())
}

pub fn obj(pairs: Vec<(&str, J)>) -> J {
    J::Obj(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

impl J {
    pub fn write(&self, out: &mut String) {
        match self {
            J::Null => out.push_str("null"),
            J::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            J::Num(n) => out.push_str(n),
            J::Str(t) => out.push_str(&serde_json::to_string(t).unwrap()),
            J::Raw(r) => out.push_str(r),
            J::Arr(xs) => {
                out.push('[');
                for (i, x) in xs.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    x.write(out);
                }
                out.push(']');
            }
            J::Obj(pairs) => {
                out.push('{');
                for (i, (k, v)) in pairs.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&serde_json::to_string(k).unwrap());
                    out.push(':');
                    v.write(out);
                }
                out.push('}');
            }
        }
    }

    pub fn text(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    fn get(&self, key: &str) -> Option<&J> {
        match self {
            J::Obj(pairs) => pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    fn set(&mut self, key: &str, value: J) {
        if let J::Obj(pairs) = self {
            match pairs.iter_mut().find(|(k, _)| k == key) {
                Some(p) => p.1 = value,
                None => pairs.push((key.to_string(), value)),
            }
        }
    }

    fn remove(&mut self, key: &str) {
        if let J::Obj(pairs) = self {
            pairs.retain(|(k, _)| k != key);
        }
    }

    /// How many nodes the tree has (for picking one to mutate).
    fn count(&self) -> usize {
        1 + match self {
            J::Arr(xs) => xs.iter().map(J::count).sum(),
            J::Obj(pairs) => pairs.iter().map(|(_, v)| v.count()).sum(),
            _ => 0,
        }
    }

    /// The `n`th node in pre-order.
    fn nth_mut(&mut self, n: usize) -> Option<&mut J> {
        fn walk<'a>(j: &'a mut J, n: &mut usize) -> Option<&'a mut J> {
            if *n == 0 {
                return Some(j);
            }
            *n -= 1;
            match j {
                J::Arr(xs) => xs.iter_mut().find_map(|x| walk(x, n)),
                J::Obj(pairs) => pairs.iter_mut().find_map(|(_, v)| walk(v, n)),
                _ => None,
            }
        }
        let mut n = n;
        walk(self, &mut n)
    }
}

/// One chunk of a sequence: bytes written as they are.
#[derive(Clone, Debug)]
pub struct Chunk {
    pub bytes: Vec<u8>,
    /// What it is, for the report: `"framing:lf-only"`, `"hover"`, `"id:float"`...
    pub label: String,
    /// It begins with `Content-Length` or `Content-Type`.
    pub starts_with_header: bool,
    /// Its length is longer than its body: the next chunk must begin with
    /// a header (see the module comment).
    pub needs_header_next: bool,
}

/// Whether a chunk list keeps the rules of the module comment that span
/// chunks (the shrinker may only try lists that do).
pub fn well_formed(chunks: &[Chunk]) -> bool {
    chunks
        .windows(2)
        .all(|w| !w[0].needs_header_next || w[1].starts_with_header)
}

pub fn concat(chunks: &[Chunk]) -> Vec<u8> {
    chunks
        .iter()
        .flat_map(|c| c.bytes.iter().copied())
        .collect()
}

/// Does `bytes` hold a header name, in any case?
pub fn mentions_header(bytes: &[u8]) -> bool {
    let lower: Vec<u8> = bytes.iter().map(u8::to_ascii_lowercase).collect();
    memchr::memmem::find(&lower, b"content-length").is_some()
        || memchr::memmem::find(&lower, b"content-type").is_some()
}

pub fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

/// A message body before framing.
struct Body {
    text: String,
    label: String,
}

/// An open document, as far as the generator knows.
struct Doc {
    uri: String,
    version: i64,
    text: String,
}

const SENTENCES: &[&str] = &[
    "ICE has 30 field offices.",
    "ICE has 25 field offices.",
    "The White House set a goal of 3,000 arrests per day earlier this year.",
    "Daily arrests briefly climbed above 2,000 before falling back.",
    "There are now more than 4,500 Border Patrol agents assisting ICE with immigration enforcement.",
    "There are now more than 1,500 Border Patrol agents working alongside ICE officers.",
    "Officials plan to reassign at least a dozen of the 25 directors who lead ICE field offices.",
    "“While we have no personnel changes to announce at this time, the Trump Administration remains laser focused on delivering results,” said Homeland Security spokesperson Tricia McLaughlin in a statement.",
    "“Miller came in there and eviscerated everyone,” said Homeland Security Secretary Kristi Noem.",
    "\"We will not stop,\" she said. \"Not now.\"",
    "‘Single quotes,’ he said, ‘are quotes too.’",
    "The budget rose 12% to $6 million from $4.5m in 2024.",
    "About 1.2 billion people, or nearly half of the 50 states, between 50,000 and 100,000 residents.",
    "Three-quarters of the 1,200 respondents — 900 — said yes; twenty-five did not.",
    "Dozens of agents, hundreds of officers and thousands of residents.",
    "The toll rose to 6, up from 4 on Monday; it was 1/3 of the 18 reported.",
    "Temperatures hit 40°C (104°F) over 3 km²; 5 kg per m³.",
    "The agency expects 10 million arrests by 2030, a plan not a fact.",
    "As many as 7,000 people attended, police said.",
    "“An unfinished quote that never ends",
    "Nested “quotes ‘inside’ quotes” and «guillemets» and „low” ones.",
];

const MARKDOWN: &[&str] = &[
    "# Heading with 30 offices",
    "## Sub 2,000",
    "- a list item with 25 offices",
    "1. first 3,000",
    "> a blockquote: “quoted 30”",
    "```\ncode with 30 field offices\n```",
    "```rust\nfn main() {}\n",
    "`inline 5` code",
    "[a link](http://example.com/30 \"title 25\")",
    "<https://example.com/4500>",
    "![img](x.png)",
    "Footnote[^1] here.",
    "[^1]: Source note, 25 offices.",
    "[^note]: a note",
    "<div>30 offices</div>",
    "<!-- comment 30 -->",
    "| a | 30 |\n|---|---|\n| b | 25 |",
    "***",
    "[@cite, p. 30]",
    "see [003](003_c06f4ef91d2d64b1.txt)",
    "Term\n: definition 5",
    "    indented code 30",
    "\\* escaped \\[ 30 \\]",
    "<script>alert(30)</script>",
];

const ODD_TEXT: &[&str] = &[
    "😀👍🏽👨‍👩‍👧‍👦",
    "中文新闻报道说有三十个办公室。",
    "日本語のテキスト、３０件。",
    "한국어 30개",
    "עברית 30",
    "العربية ٣٠ مكتبا",
    "e\u{301}\u{301}\u{301}",
    "\u{200b}\u{200d}\u{feff}",
    "\u{0}\u{1}\u{7f}",
    "\t\t",
    "\u{2028}\u{2029}",
    "\u{fffd}\u{fffe}",
    "𝟘𝟙𝟚 Ⅻ ½ ¾ ⅓",
    "“",
    "”",
    "\"",
    "'",
    "‘",
    "’",
    "«",
    "»",
    "„",
    "0",
    "-1",
    "1e308",
    "99999999999999999999",
    "3.14159",
    "1,234,567",
    "$",
    "%",
    "¥100",
    "€5bn",
    "£3.2m",
    "30%+",
    "\r",
    "\r\n",
    "\n",
    "\n\n",
    "\r\r\n",
    "---",
    "[^",
    "](",
    "`",
    "```",
    "<",
    "&amp;",
    "&#x1F600;",
];

/// Text methods can be given; the generator never writes a header name in
/// it (see `mentions_header`).
const WORDS: &[&str] = &[
    "the",
    "ICE",
    "field",
    "offices",
    "arrests",
    "said",
    "officials",
    "agents",
    "per",
    "day",
    "goal",
    "source",
    "draft",
    "million",
    "percent",
    "according",
    "to",
    "people",
];

impl Doc {
    fn lines(&self) -> Vec<&str> {
        self.text.split('\n').collect()
    }
}

pub struct Gen {
    rng: Rng,
    /// The project folder, as a path (`/tmp/fcfz-…`).
    root: String,
    docs: Vec<Doc>,
    next_id: i64,
    max_text: usize,
}

/// The draft and source names the project has (see `run::Project`).
pub const DRAFTS: &[&str] = &["drafts/a.md", "drafts/b.md", "drafts/sub/c.md", "notes.md"];
pub const SOURCES: &[&str] = &["sources/003.txt", "sources/001.txt"];

impl Gen {
    pub fn new(rng: Rng, root: &str) -> Gen {
        Gen {
            rng,
            root: root.to_string(),
            docs: Vec::new(),
            next_id: 1,
            max_text: 1 << 20,
        }
    }

    /// Caps the size of generated document texts (1 MiB unless told).
    pub fn max_text(mut self, bytes: usize) -> Gen {
        self.max_text = bytes.max(1);
        self
    }

    fn root_uri(&self) -> String {
        format!("file://{}", self.root)
    }

    fn file_uri(&self, rel: &str) -> String {
        format!("file://{}/{}", self.root, rel)
    }

    // ---------------------------------------------------------------- text

    fn random_ascii(&mut self, max: u64) -> String {
        let n = self.rng.range(0, max);
        (0..n)
            .map(|_| {
                let c = self.rng.range(0x20, 0x7e) as u8 as char;
                // Keep header names out (see `mentions_header`).
                if c == '-' {
                    '_'
                } else {
                    c
                }
            })
            .collect()
    }

    /// Markdown-ish prose with figures, quotes and odd characters.
    pub fn markdown(&mut self) -> String {
        let mut out = String::new();
        if self.rng.chance(10) {
            out.push_str(self.rng.pick(&[
                "---\ndate: 2025-10-27\ntitle: Draft\n---\n",
                "---\r\ndate: 2025-10-28\r\n---\r\n",
                "---\ndate: not a date\n",
                "+++\ndate = 2025-10-27\n+++\n",
            ]));
        }
        let pieces = if self.rng.chance(5) {
            self.rng.range(50, 400)
        } else {
            self.rng.range(0, 12)
        };
        for _ in 0..pieces {
            let piece: String = match self.rng.weighted(&[45, 20, 20, 10, 5]) {
                0 => self.rng.pick(SENTENCES).to_string(),
                1 => self.rng.pick(MARKDOWN).to_string(),
                2 => self.rng.pick(ODD_TEXT).to_string(),
                3 => (0..self.rng.range(1, 8))
                    .map(|_| self.rng.pick(WORDS))
                    .collect::<Vec<_>>()
                    .join(" "),
                _ => self.random_ascii(40),
            };
            out.push_str(&piece);
            out.push_str(
                self.rng
                    .pick(&[" ", " ", "\n", "\n\n", "\r\n", "\r\n\r\n", "\r", ""]),
            );
        }
        out
    }

    /// Text for a document: usually prose, sometimes empty or huge.
    fn doc_text(&mut self) -> String {
        let mut t = self.any_doc_text();
        if t.len() > self.max_text {
            let mut cut = self.max_text;
            while !t.is_char_boundary(cut) {
                cut -= 1;
            }
            t.truncate(cut);
        }
        t
    }

    fn any_doc_text(&mut self) -> String {
        match self.rng.weighted(&[85, 5, 8, 2]) {
            0 => self.markdown(),
            1 => String::new(),
            2 => {
                // Some tens of KiB of real sentences.
                let mut t = String::new();
                let want = self.rng.log_range(4 << 10, 128 << 10) as usize;
                while t.len() < want {
                    t.push_str(self.rng.pick(SENTENCES));
                    t.push_str(if self.rng.chance(20) { "\n\n" } else { " " });
                }
                t
            }
            _ => {
                // A huge line, up to 1 MiB.
                let n = self.rng.log_range(64 << 10, 1 << 20) as usize;
                let unit = self.rng.pick(&["a", "30 ", "“", "😀", "\r\n", "中"]);
                unit.repeat(n / unit.len())
            }
        }
    }

    /// A JSON string for `text`: usually plain, sometimes with every
    /// non-ASCII character escaped, sometimes with a lone surrogate.
    fn text_json(&mut self, text: &str) -> J {
        match self.rng.weighted(&[88, 8, 4]) {
            0 => J::Str(text.to_string()),
            1 => {
                let mut out = String::from("\"");
                for c in text.chars() {
                    match c {
                        '"' => out.push_str("\\\""),
                        '\\' => out.push_str("\\\\"),
                        c if (c as u32) < 0x20 || (c as u32) > 0x7e => {
                            let mut buf = [0u16; 2];
                            for u in c.encode_utf16(&mut buf) {
                                let _ = write!(out, "\\u{u:04x}");
                            }
                        }
                        c => out.push(c),
                    }
                }
                out.push('"');
                J::Raw(out)
            }
            _ => {
                // Split at a character, escape each half, and put a lone
                // surrogate between them.
                let chars = text.chars().count() as u64;
                let at = self.rng.below(chars + 1) as usize;
                let cut = text.char_indices().nth(at).map_or(text.len(), |(i, _)| i);
                let (a, b) = (
                    serde_json::to_string(&text[..cut]).unwrap(),
                    serde_json::to_string(&text[cut..]).unwrap(),
                );
                let lone = self
                    .rng
                    .pick(&["\\ud800", "\\udfff", "\\ud83d", "\\udc00x"]);
                J::Raw(format!(
                    "\"{}{}{}\"",
                    &a[1..a.len() - 1],
                    lone,
                    &b[1..b.len() - 1]
                ))
            }
        }
    }

    // ------------------------------------------------------------- values

    /// A value of any type, most of them wrong where they are put.
    fn weird(&mut self) -> J {
        match self.rng.below(24) {
            0 => J::Null,
            1 => J::Bool(self.rng.chance(50)),
            2 => int(-1),
            3 => int(0),
            4 => J::Num(i64::MAX.to_string()),
            5 => J::Num(i64::MIN.to_string()),
            6 => J::Num("18446744073709551616".into()),
            7 => J::Num("1.5".into()),
            8 => J::Num("-0".into()),
            9 => J::Num("1e308".into()),
            10 => J::Num("4294967296".into()),
            11 => s(""),
            12 => s("30"),
            13 => s(&"x".repeat(self.rng.log_range(1, 100_000) as usize)),
            14 => J::Arr(vec![]),
            15 => J::Obj(vec![]),
            16 => J::Arr(vec![int(1), s("a"), J::Null]),
            17 => obj(vec![("a", int(1))]),
            18 => {
                let t = self.markdown();
                self.text_json(&t)
            }
            19 => J::Num(u32::MAX.to_string()),
            20 => J::Num("-2147483649".into()),
            21 => {
                // Deep nesting.
                let depth = self.rng.log_range(1, 2_000) as usize;
                J::Raw(format!("{}{}", "[".repeat(depth), "]".repeat(depth)))
            }
            22 => J::Num("1E+2".into()),
            _ => s(self
                .rng
                .pick(&["file:///", "untitled:1", "😀", "\u{0}", "null"])),
        }
    }

    /// A URI: mostly the project's files, sometimes unknown or not a file.
    /// File URIs never leave the project folder (the server writes its
    /// index beside the files it is shown).
    fn uri(&mut self) -> String {
        if !self.docs.is_empty() && self.rng.chance(55) {
            let i = self.rng.below(self.docs.len() as u64) as usize;
            return self.docs[i].uri.clone();
        }
        match self.rng.weighted(&[40, 10, 20, 30]) {
            0 => {
                let rel = self.rng.pick(DRAFTS);
                self.file_uri(rel)
            }
            1 => {
                let rel = self.rng.pick(SOURCES);
                self.file_uri(rel)
            }
            2 => {
                let rel = self.rng.pick(&[
                    "nowhere/x.md",
                    "drafts/missing.md",
                    "drafts/space%20name.md",
                    "drafts/%C3%BCn%C3%AF.md",
                    "drafts%2Fencoded.md",
                    "drafts/../drafts/a.md",
                    "drafts/./b.md",
                    "drafts/%00.md",
                    "drafts/x.md?query=1#frag",
                    "drafts/",
                    "factcheck.toml",
                    "sources/new.txt",
                    "sources/notes.md",
                    ".factcheck/x.md",
                    "drafts/a.MD",
                ]);
                self.file_uri(rel)
            }
            _ => {
                let long = format!("{}/drafts/{}.md", self.root_uri(), "a".repeat(5000));
                let odd = [
                    "untitled:Untitled-1",
                    "http://example.com/a.md",
                    "https://example.com/draft.md#L3",
                    "vscode-notebook-cell:/a.md#W0sZmlsZQ%3D%3D",
                    "",
                    "not a uri",
                    "file:",
                    "file:relative/x.md",
                    "mailto:x@example.com",
                    "data:text/plain,30",
                    "%%%",
                    "file://",
                    "😀:/x",
                    "a:b:c",
                ];
                if self.rng.chance(5) {
                    long
                } else {
                    self.rng.pick(&odd).to_string()
                }
            }
        }
    }

    fn doc_index(&mut self, uri: &str) -> Option<usize> {
        self.docs.iter().position(|d| d.uri == uri)
    }

    /// A position: in range for the document when known, or out of range,
    /// negative, huge, or not a position at all.
    fn position(&mut self, doc: Option<usize>) -> J {
        if self.rng.chance(65) {
            let (line, ch) = match doc {
                Some(i) => {
                    let lines = self.docs[i].lines();
                    let line = self.rng.below(lines.len() as u64 + 1) as usize;
                    let len = lines.get(line).map_or(0, |l| l.encode_utf16().count());
                    (line as u64, self.rng.below(len as u64 + 3))
                }
                None => (self.rng.below(20), self.rng.below(80)),
            };
            return obj(vec![
                ("line", int(line as i64)),
                ("character", int(ch as i64)),
            ]);
        }
        let odd_number = |g: &mut Gen| -> J {
            J::Num(
                g.rng
                    .pick(&[
                        "-1",
                        "-2147483648",
                        "2147483647",
                        "4294967295",
                        "4294967296",
                        "9223372036854775807",
                        "18446744073709551616",
                        "1.5",
                        "1e9",
                        "-0",
                        "0.0",
                        "100000",
                    ])
                    .to_string(),
            )
        };
        match self.rng.below(8) {
            0 => obj(vec![("line", odd_number(self)), ("character", int(0))]),
            1 => obj(vec![("line", int(0)), ("character", odd_number(self))]),
            2 => obj(vec![
                ("line", odd_number(self)),
                ("character", odd_number(self)),
            ]),
            3 => obj(vec![("line", int(0))]),
            4 => obj(vec![("line", s("3")), ("character", J::Null)]),
            5 => obj(vec![]),
            6 => J::Arr(vec![int(0), int(0)]),
            _ => self.weird(),
        }
    }

    fn range(&mut self, doc: Option<usize>) -> J {
        if self.rng.chance(85) {
            obj(vec![
                ("start", self.position(doc)),
                ("end", self.position(doc)),
            ])
        } else {
            self.weird()
        }
    }

    fn text_document(&mut self, uri: &str) -> J {
        obj(vec![("uri", s(uri))])
    }

    fn settings(&mut self) -> J {
        let paths = J::Arr(
            (0..self.rng.range(0, 3))
                .map(|_| {
                    if self.rng.chance(85) {
                        s(self.rng.pick(&[
                            "sources",
                            "sources",
                            "./sources",
                            "sources/../sources",
                            "missing",
                            "drafts",
                            "",
                            ".",
                            "😀",
                        ]))
                    } else {
                        self.weird()
                    }
                })
                .collect(),
        );
        let sev = self
            .rng
            .pick(&["error", "warning", "information", "hint", "off", "bogus"]);
        let code = self.rng.pick(&[
            "figure-mismatch",
            "figure-unsourced",
            "quote-paraphrased",
            "sources-disagree",
            "no-such-code",
        ]);
        let mut inner = obj(vec![
            ("corpus", obj(vec![("paths", paths)])),
            ("severity", J::Obj(vec![(code.to_string(), s(sev))])),
            (
                "citation_style",
                s(self.rng.pick(&["footnote", "pandoc", "bogus"])),
            ),
            ("unsourced_figures", J::Bool(self.rng.chance(50))),
        ]);
        self.mutate(&mut inner, 30);
        if self.rng.chance(40) {
            obj(vec![("factcheck", inner)])
        } else {
            inner
        }
    }

    // ---------------------------------------------------------- mutation

    /// With `percent` chance, one to three edits anywhere in `j`: a value
    /// of the wrong type, a key dropped or added, a node wrapped.
    fn mutate(&mut self, j: &mut J, percent: u64) {
        if !self.rng.chance(percent) {
            return;
        }
        for _ in 0..self.rng.range(1, 3) {
            let n = self.rng.below(j.count() as u64) as usize;
            let choice = self.rng.below(6);
            let replacement = if choice <= 2 {
                Some(self.weird())
            } else {
                None
            };
            let extra_key = self.random_ascii(8);
            let Some(node) = j.nth_mut(n) else { continue };
            match (choice, node) {
                (0..=2, node) => *node = replacement.unwrap(),
                (3, J::Obj(pairs)) if !pairs.is_empty() => {
                    let k = (n * 7919) % pairs.len();
                    pairs.remove(k);
                }
                (4, J::Obj(pairs)) => pairs.push((extra_key, J::Null)),
                (5, node) => *node = J::Arr(vec![node.clone()]),
                _ => {}
            }
        }
    }

    // ------------------------------------------------------------ methods

    fn fresh_id(&mut self) -> J {
        self.next_id += 1;
        int(self.next_id)
    }

    /// An id: fresh most of the time, else odd (valid or not).
    fn id(&mut self) -> (J, &'static str) {
        if self.rng.chance(85) {
            return (self.fresh_id(), "");
        }
        let n = self.next_id;
        self.next_id += 1;
        match self.rng.below(22) {
            0 => (s(&format!("s{n}")), "id:string"),
            1 => (s(""), "id:empty-string"),
            2 => (s(&format!("😀{n}中")), "id:unicode-string"),
            3 => (s(&"i".repeat(2000)), "id:long-string"),
            4 => (int(-(n)), "id:negative"),
            5 => (int(0), "id:zero"),
            6 => (J::Num(i64::MAX.to_string()), "id:i64-max"),
            7 => (J::Num(i64::MIN.to_string()), "id:i64-min"),
            8 => (J::Null, "id:null"),
            9 => (J::Num(format!("{n}.5")), "id:float"),
            10 => (J::Num(format!("{n}.0")), "id:float-integral"),
            11 => (J::Num(format!("{n}e3")), "id:exponent"),
            12 => (J::Num("9223372036854775808".into()), "id:past-i64"),
            13 => (J::Num("18446744073709551616".into()), "id:past-u64"),
            14 => (J::Num("99999999999999999999999999".into()), "id:huge"),
            15 => (obj(vec![("n", int(n))]), "id:object"),
            16 => (J::Arr(vec![int(n)]), "id:array"),
            17 => (J::Bool(true), "id:bool"),
            18 => (J::Num("-0".into()), "id:minus-zero"),
            19 => (J::Raw("\"\\ud800\"".into()), "id:lone-surrogate"),
            20 => (J::Num("1e400".into()), "id:overflowing-float"),
            _ => (s("\u{0}\t\""), "id:control-chars"),
        }
    }

    fn initialize_params(&mut self) -> J {
        let encodings: Vec<J> = (0..self.rng.range(0, 3))
            .map(|_| s(self.rng.pick(&["utf-8", "utf-16", "utf-32", "utf-7", ""])))
            .collect();
        let caps = obj(vec![
            (
                "general",
                obj(vec![("positionEncodings", J::Arr(encodings))]),
            ),
            (
                "window",
                obj(vec![("workDoneProgress", J::Bool(self.rng.chance(50)))]),
            ),
            (
                "workspace",
                obj(vec![
                    (
                        "didChangeWatchedFiles",
                        obj(vec![("dynamicRegistration", J::Bool(self.rng.chance(50)))]),
                    ),
                    ("configuration", J::Bool(self.rng.chance(50))),
                    ("workspaceFolders", J::Bool(self.rng.chance(50))),
                ]),
            ),
            (
                "textDocument",
                obj(vec![
                    (
                        "publishDiagnostics",
                        obj(vec![
                            ("relatedInformation", J::Bool(true)),
                            ("versionSupport", J::Bool(self.rng.chance(50))),
                        ]),
                    ),
                    (
                        "hover",
                        obj(vec![(
                            "contentFormat",
                            J::Arr(vec![s("markdown"), s("plaintext")]),
                        )]),
                    ),
                ]),
            ),
        ]);
        let root_uri = if self.rng.chance(80) {
            s(&self.root_uri())
        } else {
            let u = self.uri();
            s(&u)
        };
        let folders = if self.rng.chance(75) {
            J::Arr(vec![obj(vec![
                ("uri", s(&self.root_uri())),
                ("name", s("project")),
            ])])
        } else if self.rng.chance(50) {
            J::Null
        } else {
            let a = self.file_uri("drafts");
            let b = self.uri();
            J::Arr(vec![
                obj(vec![("uri", s(&a)), ("name", s("drafts"))]),
                obj(vec![("uri", s(&b)), ("name", s("odd"))]),
            ])
        };
        let options = if self.rng.chance(60) {
            J::Null
        } else {
            self.settings()
        };
        obj(vec![
            (
                "processId",
                if self.rng.chance(50) { J::Null } else { int(1) },
            ),
            ("rootUri", root_uri),
            ("rootPath", s(&self.root.clone())),
            ("capabilities", caps),
            ("initializationOptions", options),
            ("workspaceFolders", folders),
            (
                "trace",
                s(self.rng.pick(&["off", "messages", "verbose", "bogus"])),
            ),
            (
                "clientInfo",
                obj(vec![("name", s("protocol-fuzz")), ("version", s("1"))]),
            ),
            ("locale", s("en")),
        ])
    }

    /// A call: (method, params or None, is a request, label).
    fn call(&mut self) -> (String, Option<J>, bool, String) {
        const METHODS: &[(&str, u64)] = &[
            ("initialize", 3),
            ("initialized", 3),
            ("textDocument/didOpen", 14),
            ("textDocument/didChange", 16),
            ("textDocument/didClose", 5),
            ("textDocument/didSave", 3),
            ("textDocument/hover", 10),
            ("textDocument/definition", 6),
            ("textDocument/codeAction", 8),
            ("textDocument/completion", 6),
            ("textDocument/documentSymbol", 2),
            ("textDocument/documentLink", 2),
            ("workspace/didChangeWatchedFiles", 4),
            ("workspace/didChangeConfiguration", 4),
            ("workspace/didChangeWorkspaceFolders", 2),
            ("workspace/executeCommand", 2),
            ("$/cancelRequest", 4),
            ("$/setTrace", 2),
            ("$/unknownRequest", 2),
            ("shutdown", 1),
            ("unknown", 3),
        ];
        let weights: Vec<u64> = METHODS.iter().map(|m| m.1).collect();
        let method = METHODS[self.rng.weighted(&weights)].0;
        let mut label = method.trim_start_matches("textDocument/").to_string();
        let (method, params, request): (String, Option<J>, bool) = match method {
            "initialize" => ("initialize".into(), Some(self.initialize_params()), true),
            "initialized" => ("initialized".into(), Some(obj(vec![])), false),
            "textDocument/didOpen" => {
                let uri = self.uri();
                let text = self.doc_text();
                let version = if self.rng.chance(90) {
                    self.rng.range(0, 5) as i64
                } else {
                    -1
                };
                let text_json = self.text_json(&text);
                match self.doc_index(&uri) {
                    Some(i) => {
                        self.docs[i].text = text;
                        self.docs[i].version = version;
                    }
                    None => self.docs.push(Doc {
                        uri: uri.clone(),
                        version,
                        text,
                    }),
                }
                let language = self
                    .rng
                    .pick(&["markdown", "markdown", "plaintext", "rust", ""]);
                (
                    "textDocument/didOpen".into(),
                    Some(obj(vec![(
                        "textDocument",
                        obj(vec![
                            ("uri", s(&uri)),
                            ("languageId", s(language)),
                            ("version", int(version)),
                            ("text", text_json),
                        ]),
                    )])),
                    false,
                )
            }
            "textDocument/didChange" => {
                let uri = self.uri();
                let doc = self.doc_index(&uri);
                let version = match doc {
                    Some(i) if self.rng.chance(85) => {
                        self.docs[i].version += 1;
                        self.docs[i].version
                    }
                    Some(i) if self.rng.chance(50) => self.docs[i].version,
                    _ => self.rng.pick(&[0, -1, 1, i64::from(i32::MAX), 7]),
                };
                let mut changes = Vec::new();
                let full = self.rng.chance(30);
                label = if full {
                    "didChange:full"
                } else {
                    "didChange:incremental"
                }
                .into();
                for _ in 0..self.rng.range(1, 4) {
                    if full {
                        let text = self.doc_text();
                        changes.push(obj(vec![("text", self.text_json(&text))]));
                        if let Some(i) = doc {
                            self.docs[i].text = text;
                        }
                    } else {
                        let text = if self.rng.chance(70) {
                            self.markdown()
                        } else {
                            String::new()
                        };
                        let mut change = obj(vec![
                            ("range", self.range(doc)),
                            ("text", self.text_json(&text)),
                        ]);
                        if self.rng.chance(15) {
                            change.set("rangeLength", int(self.rng.below(100) as i64 - 5));
                        }
                        changes.push(change);
                    }
                }
                (
                    "textDocument/didChange".into(),
                    Some(obj(vec![
                        (
                            "textDocument",
                            obj(vec![("uri", s(&uri)), ("version", int(version))]),
                        ),
                        ("contentChanges", J::Arr(changes)),
                    ])),
                    false,
                )
            }
            "textDocument/didClose" => {
                let uri = self.uri();
                if let Some(i) = self.doc_index(&uri) {
                    if self.rng.chance(70) {
                        self.docs.remove(i);
                    }
                }
                (
                    method.into(),
                    Some(obj(vec![("textDocument", self.text_document(&uri))])),
                    false,
                )
            }
            "textDocument/didSave" => {
                let uri = self.uri();
                let mut p = obj(vec![("textDocument", self.text_document(&uri))]);
                if self.rng.chance(40) {
                    let t = self.markdown();
                    p.set("text", self.text_json(&t));
                }
                (method.into(), Some(p), false)
            }
            "textDocument/hover"
            | "textDocument/definition"
            | "textDocument/completion"
            | "textDocument/documentSymbol"
            | "textDocument/documentLink" => {
                let uri = self.uri();
                let doc = self.doc_index(&uri);
                let mut p = obj(vec![("textDocument", self.text_document(&uri))]);
                if !method.ends_with("Symbol") && !method.ends_with("Link") {
                    p.set("position", self.position(doc));
                }
                if method.ends_with("completion") && self.rng.chance(50) {
                    p.set(
                        "context",
                        obj(vec![
                            ("triggerKind", int(self.rng.range(0, 4) as i64)),
                            ("triggerCharacter", s(self.rng.pick(&["^", "@", "x", ""]))),
                        ]),
                    );
                }
                (method.into(), Some(p), true)
            }
            "textDocument/codeAction" => {
                let uri = self.uri();
                let doc = self.doc_index(&uri);
                let diag = obj(vec![
                    ("range", self.range(doc)),
                    (
                        "message",
                        s("source says 25 field offices, not 30; see 003"),
                    ),
                    ("code", s("figure-mismatch")),
                    ("source", s("factcheck")),
                    (
                        "data",
                        obj(vec![(
                            "fixes",
                            J::Arr(vec![obj(vec![
                                ("newText", s("25")),
                                ("range", self.range(doc)),
                            ])]),
                        )]),
                    ),
                ]);
                let only = J::Arr(
                    (0..self.rng.range(0, 2))
                        .map(|_| {
                            s(self
                                .rng
                                .pick(&["quickfix", "source", "refactor", "", "x.y"]))
                        })
                        .collect(),
                );
                let diags = if self.rng.chance(60) {
                    J::Arr(vec![diag])
                } else {
                    J::Arr(vec![])
                };
                (
                    method.into(),
                    Some(obj(vec![
                        ("textDocument", self.text_document(&uri)),
                        ("range", self.range(doc)),
                        (
                            "context",
                            obj(vec![
                                ("diagnostics", diags),
                                ("only", only),
                                ("triggerKind", int(self.rng.range(0, 3) as i64)),
                            ]),
                        ),
                    ])),
                    true,
                )
            }
            "workspace/didChangeWatchedFiles" => {
                let changes = (0..self.rng.range(0, 4))
                    .map(|_| {
                        let uri = self.uri();
                        let kind = self.rng.pick(&[1, 2, 3, 3, 0, 4, -1]);
                        obj(vec![("uri", s(&uri)), ("type", int(kind))])
                    })
                    .collect();
                (
                    method.into(),
                    Some(obj(vec![("changes", J::Arr(changes))])),
                    false,
                )
            }
            "workspace/didChangeConfiguration" => (
                method.into(),
                Some(obj(vec![("settings", self.settings())])),
                false,
            ),
            "workspace/didChangeWorkspaceFolders" => {
                let rel = self.rng.pick(&["drafts", "sources", "nowhere", ""]);
                let a = self.file_uri(rel);
                let b = self.uri();
                (
                    method.into(),
                    Some(obj(vec![(
                        "event",
                        obj(vec![
                            (
                                "added",
                                J::Arr(vec![obj(vec![("uri", s(&a)), ("name", s("a"))])]),
                            ),
                            (
                                "removed",
                                J::Arr(vec![obj(vec![("uri", s(&b)), ("name", s("b"))])]),
                            ),
                        ]),
                    )])),
                    false,
                )
            }
            "workspace/executeCommand" => {
                let command = self
                    .rng
                    .pick(&["factcheck.reindex", "factcheck.check", "", "x"]);
                let uri = self.uri();
                (
                    method.into(),
                    Some(obj(vec![
                        ("command", s(command)),
                        ("arguments", J::Arr(vec![s(&uri), self.weird()])),
                    ])),
                    true,
                )
            }
            "$/cancelRequest" => {
                let id = if self.rng.chance(70) {
                    int(self.rng.range(0, self.next_id as u64 + 2) as i64)
                } else {
                    self.weird()
                };
                (method.into(), Some(obj(vec![("id", id)])), false)
            }
            "$/setTrace" => (
                method.into(),
                Some(obj(vec![(
                    "value",
                    s(self.rng.pick(&["off", "messages", "verbose", "x"])),
                )])),
                false,
            ),
            "$/unknownRequest" => {
                let m = self
                    .rng
                    .pick(&["$/unknown", "$/progress", "$/logTrace", "$/"]);
                label = m.to_string();
                (m.into(), Some(obj(vec![])), self.rng.chance(50))
            }
            "shutdown" => ("shutdown".into(), None, true),
            _ => {
                let m = self.rng.pick(&[
                    "textDocument/unknown",
                    "factcheck/debugPanic",
                    "workspace/symbol",
                    "textDocument/formatting",
                    "",
                    "textDocument/HOVER",
                    "initialize/",
                    "/",
                    "😀",
                ]);
                let request = self.rng.chance(60);
                (m.to_string(), Some(obj(vec![])), request)
            }
        };
        let mut params = params;
        if let Some(p) = params.as_mut() {
            self.mutate(p, 25);
        }
        (method, params, request, label)
    }

    /// One message body: a call (maybe mutated), an odd envelope, a
    /// response nobody asked for, or not JSON-RPC at all.
    fn body(&mut self) -> Body {
        let (method, params, mut request, mut label) = self.call();
        // A request sent as a notification, or the other way round.
        if self.rng.chance(6) {
            request = !request;
            label.push_str(if request { ":with-id" } else { ":no-id" });
        }
        let mut id = None;
        if request {
            let (i, why) = self.id();
            if !why.is_empty() {
                label = format!("{why} {label}");
            }
            id = Some(i);
        }
        let mut env = obj(vec![("jsonrpc", s("2.0"))]);
        if let Some(i) = id.clone() {
            env.set("id", i);
        }
        env.set("method", s(&method));
        if let Some(p) = params {
            env.set("params", p);
        }
        let roll = self.rng.below(100);
        if roll < 72 {
            return Body {
                text: env.text(),
                label,
            };
        }
        // Odd envelopes and other things that are not quite messages.
        let (text, what): (String, &str) = match self.rng.below(26) {
            0 => {
                env.remove("jsonrpc");
                (env.text(), "env:no-jsonrpc")
            }
            1 => {
                env.set("jsonrpc", s("1.0"));
                (env.text(), "env:jsonrpc-1.0")
            }
            2 => {
                env.set("jsonrpc", J::Num("2.0".into()));
                (env.text(), "env:jsonrpc-number")
            }
            3 => {
                env.set("params", s("a string"));
                (env.text(), "env:params-string")
            }
            4 => {
                env.set("params", int(5));
                (env.text(), "env:params-number")
            }
            5 => {
                env.remove("params");
                (env.text(), "env:no-params")
            }
            6 => {
                env.set("params", J::Null);
                (env.text(), "env:params-null")
            }
            7 => {
                env.set("extra", obj(vec![("x", int(1))]));
                env.set("result", J::Null);
                (env.text(), "env:extra-fields")
            }
            8 => {
                env.set("method", int(5));
                (env.text(), "env:method-number")
            }
            9 => {
                env.remove("method");
                (env.text(), "env:no-method")
            }
            10 => {
                // Duplicate keys, written as raw text.
                let rest = env.text();
                (
                    format!("{{\"jsonrpc\":\"2.0\",\"id\":1,\"id\":2,{}", &rest[1..]),
                    "env:duplicate-id",
                )
            }
            11 => {
                let rest = env.text();
                (
                    format!("{{\"method\":\"textDocument/hover\",{}", &rest[1..]),
                    "env:duplicate-method",
                )
            }
            12 => {
                let rest = env.text();
                (
                    format!(
                        "{},\"params\":{{\"textDocument\":{{\"uri\":\"a\",\"uri\":\"b\"}}}}}}",
                        &rest[..rest.len() - 1]
                    ),
                    "env:duplicate-params",
                )
            }
            13 => {
                // A batch.
                let n = self.rng.range(0, 3);
                let items: Vec<String> = (0..n)
                    .map(|_| {
                        let id = self.fresh_id();
                        obj(vec![
                            ("jsonrpc", s("2.0")),
                            ("id", id),
                            ("method", s("textDocument/hover")),
                            ("params", obj(vec![])),
                        ])
                        .text()
                    })
                    .collect();
                (format!("[{}]", items.join(",")), "env:batch")
            }
            14 => {
                let id = self.rng.range(0, 120) as i64;
                (
                    obj(vec![("jsonrpc", s("2.0")), ("id", int(id)), ("result", J::Null)]).text(),
                    "env:unasked-response",
                )
            }
            15 => {
                // An answer to the server's own requests (ids from 0),
                // shaped wrong.
                let id = self.rng.range(0, 4) as i64;
                let result = self.weird();
                (
                    obj(vec![("jsonrpc", s("2.0")), ("id", int(id)), ("result", result)]).text(),
                    "env:odd-response",
                )
            }
            16 => {
                let id = self.rng.range(0, 4) as i64;
                let error = match self.rng.below(4) {
                    0 => obj(vec![("code", int(-32601)), ("message", s("no"))]),
                    1 => int(5),
                    2 => obj(vec![("code", s("x"))]),
                    _ => J::Null,
                };
                (
                    obj(vec![("jsonrpc", s("2.0")), ("id", int(id)), ("error", error)]).text(),
                    "env:error-response",
                )
            }
            17 => (
                obj(vec![
                    ("jsonrpc", s("2.0")),
                    ("id", s("r")),
                    ("result", int(1)),
                    ("error", obj(vec![("code", int(1)), ("message", s("both"))])),
                ])
                .text(),
                "env:result-and-error",
            ),
            18 => (
                self.rng.pick(&["null", "5", "\"str\"", "true", "[]", "{}"]).to_string(),
                "env:not-an-object",
            ),
            19 => {
                let t = env.text();
                let cut = self.rng.range(1, t.len() as u64 - 1) as usize;
                let mut cut = cut;
                while !t.is_char_boundary(cut) {
                    cut -= 1;
                }
                (t[..cut].to_string(), "json:truncated")
            }
            20 => (format!("{} x", env.text()), "json:trailing-garbage"),
            21 => (
                self.rng
                    .pick(&[
                        "{",
                        "",
                        " ",
                        "/* c */ {}",
                        "{'jsonrpc':'2.0'}",
                        "{\"jsonrpc\":\"2.0\",\"id\":NaN,\"method\":\"x\"}",
                        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"shutdown\",}",
                        "{\"jsonrpc\":\"2.0\" \"id\":1}",
                        "\u{feff}{\"jsonrpc\":\"2.0\",\"method\":\"initialized\",\"params\":{}}",
                        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"x\"}{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"y\"}",
                    ])
                    .to_string(),
                "json:invalid",
            ),
            22 => {
                env.set("id", J::Raw("\"\\ud800\"".into()));
                (env.text(), "json:lone-surrogate-id")
            }
            23 => {
                let (i, why) = self.id();
                env.set("id", i);
                (env.text(), if why.is_empty() { "env:id" } else { why })
            }
            24 => {
                // A request whose text mentions a header (read whole when
                // framed right; only ever framed right).
                env.set(
                    "params",
                    obj(vec![("text", s("Content-Length: 3\r\n\r\n{}"))]),
                );
                (env.text(), "env:mentions-header")
            }
            _ => {
                env.set("method", s(&format!("$/{}", self.random_ascii(6))));
                let id = self.fresh_id();
                env.set("id", id);
                (env.text(), "env:dollar-request")
            }
        };
        Body {
            text,
            label: format!("{what} {label}"),
        }
    }

    // ------------------------------------------------------------ framing

    fn clean(&mut self, body: Body) -> Chunk {
        let mut bytes = Vec::new();
        if self.rng.chance(5) {
            bytes.extend_from_slice(b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n");
        }
        bytes.extend_from_slice(&frame(body.text.as_bytes()));
        Chunk {
            bytes,
            label: body.label,
            starts_with_header: true,
            needs_header_next: false,
        }
    }

    /// Junk that may go between frames (see the module comment).
    fn garbage(&mut self) -> Chunk {
        const EDGE: &[u8] = b"\n #{}\0!;";
        let mut bytes: Vec<u8> = match self.rng.below(9) {
            0 => b"hello\r\n".to_vec(),
            1 => b"\r\n\r\n".to_vec(),
            2 => b"\0\0\0\xff\xfe\xfd".to_vec(),
            3 => br#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#.to_vec(),
            4 => b"Content-Lengt".to_vec(),
            5 => b"X-Other: 5\r\n\r\n".to_vec(),
            6 => {
                let n = self.rng.log_range(1, 4096);
                (0..n).map(|_| self.rng.next() as u8).collect()
            }
            7 => {
                let n = self.rng.log_range(1, 1 << 20) as usize;
                vec![b'x'; n]
            }
            _ => self.markdown().into_bytes(),
        };
        // Edges that cannot continue a header name, and no header inside.
        bytes.insert(0, self.rng.pick(EDGE));
        bytes.push(self.rng.pick(EDGE));
        if mentions_header(&bytes) {
            bytes = b"\n?\n".to_vec();
        }
        Chunk {
            bytes,
            label: "framing:garbage".into(),
            starts_with_header: false,
            needs_header_next: false,
        }
    }

    /// A header that never ends, longer than any header limit.
    fn endless_header(&mut self) -> Chunk {
        let n = self.rng.log_range((64 << 10) + 1, 1 << 20) as usize;
        let bytes = match self.rng.below(4) {
            0 => {
                let mut b = b"Content-Length: 5\r\nX-Junk: ".to_vec();
                b.resize(b.len() + n, b'a');
                b
            }
            1 => {
                let mut b = b"Content-Type: ".to_vec();
                b.resize(b.len() + n, b'b');
                b
            }
            2 => {
                let mut b = b"Content-Length: ".to_vec();
                b.resize(b.len() + n, b'9');
                b
            }
            _ => {
                let mut b = b"Content-Length: 5\r\n".to_vec();
                while b.len() < n {
                    b.extend_from_slice(b"X: y\r\n");
                }
                b.push(b'z');
                b
            }
        };
        Chunk {
            bytes,
            label: "framing:endless-header".into(),
            starts_with_header: true,
            needs_header_next: false,
        }
    }

    /// A body framed wrongly. `body` holds no header name.
    fn misframed(&mut self, body: Body) -> Chunk {
        let b = body.text.as_bytes();
        let n = b.len();
        let whole_json = (b.first() == Some(&b'{') || b.first() == Some(&b'['))
            && serde_json::from_slice::<serde_json::Value>(b).is_ok();
        let mut needs_header_next = false;
        let kinds: &[&str] = &[
            "short",
            "long",
            "negative",
            "not-a-number",
            "overflow",
            "missing",
            "lf-only",
            "crlf-lf",
            "odd-case",
            "no-space",
            "leading-zeros",
            "plus-sign",
            "twice",
            "twice-bad-second",
            "other-header-first",
        ];
        let mut kind = self.rng.pick(kinds);
        if kind == "long" && !whole_json {
            kind = "short";
        }
        if kind == "short" && n == 0 {
            kind = "negative";
        }
        let head: String = match kind {
            "short" => format!(
                "Content-Length: {}\r\n\r\n",
                n - self.rng.range(1, n as u64) as usize
            ),
            "long" => {
                needs_header_next = true;
                let extra = match self.rng.below(4) {
                    0 => self.rng.range(64, 4096) as usize,
                    1 => 1 << 20,
                    2 => (64 << 20) - n,
                    _ => self.rng.log_range(64, 32 << 20) as usize,
                };
                format!("Content-Length: {}\r\n\r\n", n + extra)
            }
            "negative" => format!("Content-Length: -{n}\r\n\r\n"),
            "not-a-number" => format!(
                "Content-Length: {}\r\n\r\n",
                self.rng
                    .pick(&["abc", "", "0x2f", "1 2", "١٢", "12abc", "NaN", " ", "1.5", "5e1"])
            ),
            "overflow" => format!(
                "Content-Length: {}\r\n\r\n",
                self.rng.pick(&[
                    "18446744073709551616",
                    "99999999999999999999999",
                    "1099511627776",
                    "18446744073709551615",
                    "9223372036854775807",
                ])
            ),
            "missing" => "Content-Type: application/vscode-jsonrpc\r\n\r\n".into(),
            "lf-only" => format!("Content-Length: {n}\n\n"),
            "crlf-lf" => format!("Content-Length: {n}\r\n\n"),
            "odd-case" => format!(
                "{}: {n}\r\n\r\n",
                self.rng
                    .pick(&["content-length", "CONTENT-LENGTH", "Content-length"])
            ),
            "no-space" => format!("Content-Length:{n}\r\n\r\n"),
            "leading-zeros" => format!("Content-Length: 000{n}\r\n\r\n"),
            "plus-sign" => format!("Content-Length: +{n}\r\n\r\n"),
            "twice" => format!("Content-Length: {n}\r\nContent-Length: {n}\r\n\r\n"),
            "twice-bad-second" => format!("Content-Length: {n}\r\nContent-Length: x\r\n\r\n"),
            _ => format!("X-Custom: 1\r\nContent-Length: {n}\r\n\r\n"),
        };
        let mut bytes = head.into_bytes();
        bytes.extend_from_slice(b);
        Chunk {
            bytes,
            label: format!("framing:{kind} {}", body.label),
            starts_with_header: kind != "other-header-first",
            needs_header_next,
        }
    }

    fn exit(&mut self) -> Chunk {
        let (text, label) = match self.rng.below(8) {
            0 => (
                "{\"jsonrpc\":\"2.0\",\"method\":\"exit\",\"params\":null}",
                "exit:params-null",
            ),
            1 => (
                "{\"jsonrpc\":\"2.0\",\"method\":\"exit\",\"params\":{}}",
                "exit:params-object",
            ),
            2 => (
                "{\"jsonrpc\":\"2.0\",\"id\":424242,\"method\":\"exit\"}",
                "exit:with-id",
            ),
            3 => (
                "{\"jsonrpc\":\"2.0\",\"method\":\"exit\",\"params\":\"x\"}",
                "exit:params-string",
            ),
            _ => ("{\"jsonrpc\":\"2.0\",\"method\":\"exit\"}", "exit"),
        };
        Chunk {
            bytes: frame(text.as_bytes()),
            label: label.into(),
            starts_with_header: true,
            needs_header_next: false,
        }
    }

    /// One whole sequence.
    pub fn sequence(&mut self) -> Vec<Chunk> {
        let mut chunks = Vec::new();
        if self.rng.chance(85) {
            let mut p = self.initialize_params();
            self.mutate(&mut p, 15);
            let id = self.fresh_id();
            let body = obj(vec![
                ("jsonrpc", s("2.0")),
                ("id", id),
                ("method", s("initialize")),
                ("params", p),
            ]);
            chunks.push(self.clean(Body {
                text: body.text(),
                label: "initialize".into(),
            }));
            if self.rng.chance(90) {
                chunks.push(self.clean(Body {
                    text: "{\"jsonrpc\":\"2.0\",\"method\":\"initialized\",\"params\":{}}".into(),
                    label: "initialized".into(),
                }));
            }
        }
        let n = match self.rng.weighted(&[60, 30, 10]) {
            0 => self.rng.range(1, 20),
            1 => self.rng.range(20, 60),
            _ => self.rng.range(60, 150),
        };
        for _ in 0..n {
            let after_long = chunks.last().is_some_and(|c: &Chunk| c.needs_header_next);
            let kind = self.rng.weighted(&[84, 10, 5, 1]);
            let chunk = match kind {
                1 if !after_long => {
                    let body = self.body();
                    if body.label.contains("mentions-header")
                        || mentions_header(body.text.as_bytes())
                    {
                        self.clean(body)
                    } else {
                        self.misframed(body)
                    }
                }
                2 if !after_long => self.garbage(),
                3 => self.endless_header(),
                _ => {
                    let body = self.body();
                    self.clean(body)
                }
            };
            if after_long && !chunk.starts_with_header {
                continue;
            }
            chunks.push(chunk);
        }
        if self.rng.chance(12) {
            chunks.push(self.exit());
        }
        debug_assert!(well_formed(&chunks));
        chunks
    }
}
