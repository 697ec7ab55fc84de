//! Finding quotes: pairing quote marks in a block of prose.

use super::*;

pub(super) struct Found {
    pub(super) span: Range<usize>,
    pub(super) pieces: Vec<Range<usize>>,
    pub(super) closed: bool,
}

pub(super) fn scan_block(text: &str, block: Range<usize>) -> Vec<Found> {
    let s = &text[block.clone()];
    // The characters before byte `k` and from byte `k`.
    let before = |k: usize| s[..k].chars().next_back();
    let at = |k: usize| s[k..].chars().next();
    let mut out = Vec::new();
    let marks = marks(s);
    let mut open: Option<(usize, usize)> = None; // byte, and the mark's length
                                                 // Some wire copy closes quotes with two single marks (’’) and opens
                                                 // them with two (‘‘): each pair is one double mark.
    let mut skip_to = 0;
    for &(off, c) in &marks {
        let doubled = matches!(c, '‘' | '’') && at(off + c.len_utf8()) == Some(c);
        if off < skip_to || !(matches!(c, '“' | '”' | '"' | '«' | '»') || doubled) {
            continue;
        }
        let len = if doubled {
            2 * c.len_utf8()
        } else {
            c.len_utf8()
        };
        skip_to = off + len;
        let prev = before(off);
        let next = at(off + len);
        let prev_space = prev.is_none_or(|p| p.is_whitespace() || "([{—–-:/".contains(p));
        let next_space = next.is_none_or(|n| n.is_whitespace() || ",.;:!?)]—–-".contains(n));
        match open {
            None => {
                let is_open =
                    matches!(c, '“' | '«' | '‘') || (c == '"' && prev_space && !next_space);
                if is_open {
                    open = Some((off, len));
                }
            }
            Some((start, open_len)) => {
                let is_close = matches!(c, '”' | '»' | '’') || (c == '"' && !prev_space);
                if is_close {
                    out.push(Found {
                        span: block.start + start..block.start + off + len,
                        pieces: vec![block.start + start + open_len..block.start + off],
                        closed: true,
                    });
                    open = None;
                }
            }
        }
    }
    if let Some((start, first)) = open {
        out.push(Found {
            span: block.start + start..block.end,
            pieces: vec![block.start + start + first..block.end],
            closed: false,
        });
    }
    single_quotes(s, block.start, &marks, &mut out);
    out.sort_by_key(|f| f.span.start);
    out
}

/// Single quotes, only where they clearly quote: an opening mark after a
/// space, a closing mark before a space or punctuation, on the same line,
/// and at least two words inside (headline style: 'working as one team').
/// Whether a mark can close is a property of the mark alone, so the
/// closers are listed once and each opening mark takes the first after it
/// (a search per opening mark was quadratic in a run of apostrophes).
fn single_quotes(s: &str, base: usize, marks: &[(usize, char)], out: &mut Vec<Found>) {
    let before = |k: usize| s[..k].chars().next_back();
    let at = |k: usize| s[k..].chars().next();
    let mut doubles: Vec<Range<usize>> = out.iter().map(|f| f.span.clone()).collect();
    doubles.sort_by_key(|r| r.start);
    let inside_double = |b: usize| {
        let i = doubles.partition_point(|r| r.start <= base + b);
        doubles[..i]
            .iter()
            .rev()
            .take(1)
            .any(|r| r.contains(&(base + b)))
    };
    let closers: Vec<(usize, usize)> = marks
        .iter()
        .filter(|&&(j, cj)| {
            matches!(cj, '’' | '\'')
                && !before(j).is_some_and(char::is_whitespace)
                && at(j + cj.len_utf8())
                    .is_none_or(|n| n.is_whitespace() || ",.;:!?)]—".contains(n))
        })
        .map(|&(j, cj)| (j, cj.len_utf8()))
        .collect();
    let lines: Vec<usize> = memchr::memchr_iter(b'\n', s.as_bytes()).collect();
    let mut resume = 0; // the byte after the last single quote found
    for &(k, c) in marks {
        if k < resume || c != '‘' && c != '\'' {
            continue;
        }
        let after = k + c.len_utf8();
        let prev_ok = before(k).is_none_or(|p| p.is_whitespace() || "([—–:".contains(p));
        if !(prev_ok && at(after).is_some_and(char::is_alphanumeric) && !inside_double(k)) {
            continue;
        }
        let line_end = lines.get(lines.partition_point(|&n| n < after)).copied();
        let Some(&(j, close)) = closers.get(closers.partition_point(|c| c.0 < after)) else {
            continue;
        };
        if line_end.is_some_and(|n| n < j) || s[after..j].split_whitespace().nth(1).is_none() {
            continue;
        }
        out.push(Found {
            span: base + k..base + j + close,
            pieces: vec![base + after..base + j],
            closed: true,
        });
        resume = j + close;
    }
}

/// The characters of `s` that may be quote marks (straight, curly and
/// guillemets; apostrophes too), with their byte offsets, in order. Found
/// by their first byte with a vectorised search, without decoding the rest
/// of the text.
pub(super) fn marks(s: &str) -> Vec<(usize, char)> {
    let bytes = s.as_bytes();
    // '"', '\'', the lead byte of '‘' '“' '”' (E2), then of '«' '»' (C2).
    let mut at: Vec<usize> = memchr::memchr3_iter(b'"', b'\'', 0xE2, bytes).collect();
    let before = at.len();
    at.extend(memchr::memchr_iter(0xC2, bytes));
    if at.len() > before {
        at.sort_unstable();
    }
    at.into_iter()
        .filter_map(|i| s[i..].chars().next().map(|c| (i, c)))
        .collect()
}
