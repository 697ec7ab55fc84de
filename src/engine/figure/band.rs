//! The interval a figure claims, from its qualifier and the digits as
//! written.

use super::sentence::Sentence;
use super::words::QUALIFIERS;
use super::{Interval, Qualifier};

/// The band a qualified figure claims, from its qualifier, its value and
/// the step of its last significant digit. Documented in ARCHITECTURE.md.
pub(super) fn band_for(q: Qualifier, v: f64, upper: Option<f64>, step: f64) -> Interval {
    let small = v <= 20.0;
    let iv = |lo: f64, hi: f64, lo_open: bool, hi_open: bool| Interval {
        lo,
        hi,
        lo_open,
        hi_open,
    };
    match q {
        Qualifier::Exact => Interval::point(v),
        Qualifier::Range => iv(v, upper.unwrap_or(v), false, false),
        Qualifier::About => {
            // "about 6,000" rounds to its one significant digit; "about
            // 6,500" was written to two, and claims no more than 5% either way.
            let d = if small {
                (v * 0.1).max(1.0)
            } else if v / step >= 10.0 {
                v * 0.05
            } else {
                v * 0.1
            };
            iv(v - d, v + d, false, false)
        }
        Qualifier::Nearly => iv(if small { v - 2.0 } else { v * 0.9 }, v, false, true),
        Qualifier::MoreThan => iv(
            v,
            if small {
                v + 5.0_f64.min(v.max(2.0))
            } else {
                v * 1.2
            },
            true,
            false,
        ),
        Qualifier::AtLeast | Qualifier::Plus => iv(
            v,
            if small {
                v + 5.0_f64.min(v.max(2.0))
            } else {
                v * 1.2
            },
            false,
            false,
        ),
        Qualifier::LessThan => iv(
            if small { (v - 5.0).max(0.0) } else { v * 0.75 },
            v,
            false,
            true,
        ),
        Qualifier::UpTo => iv(v * 0.5, v, false, false),
        Qualifier::Vague => iv(v, upper.unwrap_or(v), false, true),
    }
}

/// Looks back from token `first` for a qualifier phrase.
pub(super) fn read_qualifier(s: &Sentence, first: usize) -> (usize, Option<Qualifier>) {
    for (phrase, q) in QUALIFIERS {
        let n = phrase.len();
        if first < n {
            continue;
        }
        if (0..n).all(|k| s.word(first - n + k) == Some(phrase[k])) {
            return (first - n, Some(*q));
        }
    }
    (first, None)
}

/// The step of the last significant digit of a number as written.
/// Only the digits and dots count, read where they are (no copy of them
/// is made: this runs for every figure).
pub(super) fn step_of(raw: &str, scale: f64) -> f64 {
    // Digits and dots are ASCII: no byte of another character is one.
    let kept = || raw.bytes().filter(|b| b.is_ascii_digit() || *b == b'.');
    let len = kept().count();
    if let Some(dot) = kept().position(|b| b == b'.') {
        let decimals = len - dot - 1;
        return 10f64.powi(-(decimals as i32)) * scale;
    }
    let zeros = kept().rev().take_while(|b| *b == b'0').count();
    let zeros = if zeros == len { 0 } else { zeros };
    10f64.powi(zeros as i32) * scale
}
