//! Inputs that once took time out of proportion to their size: a table of
//! numbers, numbers separated by spaces, runs of quote marks and
//! apostrophes, and nested brackets. Shared by the `bounded_work` bench
//! and the fault tests (`#[path]`-included), made without randomness.

/// A generator of the inputs, by name, at about `bytes` bytes.
pub fn inputs(bytes: usize) -> Vec<(&'static str, String)> {
    vec![
        (
            "number_table",
            fill(bytes, |i| format!("{},", lcg(i) % 100_000), 12),
        ),
        (
            "spaced_numbers",
            fill(bytes, |i| format!("{} ", lcg(i) % 10_000), 0),
        ),
        (
            "double_quote_runs",
            fill(
                bytes,
                |i| {
                    if i % 2 == 0 {
                        format!("\"w{i} ")
                    } else {
                        format!("w{i}\" ")
                    }
                },
                0,
            ),
        ),
        ("apostrophe_runs", fill(bytes, |i| format!("'w{i} "), 0)),
        (
            "said_splits",
            fill(
                bytes,
                |i| ["\"a,\" ", "he said. ", "\"b "][i % 3].to_string(),
                0,
            ),
        ),
        ("open_brackets", "[".repeat(bytes)),
        ("short_quotes", fill(bytes, |i| format!("“q{i} r{i}” "), 0)),
    ]
}

/// Pieces `piece(0)`, `piece(1)`, … up to `bytes`, with a line break after
/// every `per_line` of them (none when 0).
fn fill(bytes: usize, piece: impl Fn(usize) -> String, per_line: usize) -> String {
    let mut out = String::with_capacity(bytes + 16);
    let mut i = 0;
    while out.len() < bytes {
        out.push_str(&piece(i));
        i += 1;
        if per_line > 0 && i % per_line == 0 {
            out.push('\n');
        }
    }
    out
}

fn lcg(i: usize) -> usize {
    i.wrapping_mul(6_364_136_223_846_793_005)
        .wrapping_add(1_442_695_040_888_963_407)
        >> 33
}
