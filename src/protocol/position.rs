//! Byte offsets ⇄ LSP positions. The only code that touches `Position`.
//! Lines break at `\n`, `\r\n` and `\r` (ropey's `cr_lines`), as LSP says.

use ropey::Rope;
use tower_lsp_server::ls_types::{Position, PositionEncodingKind, Range};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    Utf8,
    #[default]
    Utf16,
    Utf32,
}

impl Encoding {
    /// Picks from what the client offers, preferring UTF-8 (no conversion);
    /// UTF-16 when the client offers nothing.
    pub fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Encoding {
        let offered = offered.unwrap_or(&[]);
        if offered.contains(&PositionEncodingKind::UTF8) {
            Encoding::Utf8
        } else if offered.contains(&PositionEncodingKind::UTF32) {
            Encoding::Utf32
        } else {
            Encoding::Utf16
        }
    }

    pub fn kind(self) -> PositionEncodingKind {
        match self {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
            Encoding::Utf32 => PositionEncodingKind::UTF32,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PositionError {
    LineOutOfRange { line: u32, lines: usize },
}

impl std::fmt::Display for PositionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PositionError::LineOutOfRange { line, lines } => {
                write!(
                    f,
                    "line {line} is past the end of the document ({lines} lines)"
                )
            }
        }
    }
}

impl std::error::Error for PositionError {}

/// The byte offset of the end of line `line`'s content (before its break).
fn line_content_end(rope: &Rope, line: usize) -> usize {
    let start = rope.line_to_byte(line);
    let slice = rope.line(line);
    let mut len = slice.len_bytes();
    let mut chars = slice.chars_at(slice.len_chars());
    for _ in 0..2 {
        match chars.prev() {
            Some('\n') | Some('\r') => len -= 1,
            _ => break,
        }
    }
    // "\n\r" is two breaks; keep only a trailing "\r\n" pair or a single one.
    let full = slice.len_bytes();
    if full - len == 2 {
        let tail: String = slice.byte_slice(len..full).chars().collect();
        if tail != "\r\n" {
            len += 1;
        }
    }
    start + len
}

/// The position of byte `offset` (clamped to the text, and moved back to a
/// character boundary).
pub fn position_at(rope: &Rope, offset: usize, enc: Encoding) -> Position {
    let offset = offset.min(rope.len_bytes());
    let ch = rope.byte_to_char(offset);
    let line = rope.char_to_line(ch);
    let line_char = rope.line_to_char(line);
    let character = match enc {
        Encoding::Utf8 => rope.char_to_byte(ch) - rope.line_to_byte(line),
        Encoding::Utf16 => rope.char_to_utf16_cu(ch) - rope.char_to_utf16_cu(line_char),
        Encoding::Utf32 => ch - line_char,
    };
    Position::new(line as u32, character as u32)
}

pub fn range_of(rope: &Rope, span: std::ops::Range<usize>, enc: Encoding) -> Range {
    Range::new(
        position_at(rope, span.start, enc),
        position_at(rope, span.end, enc),
    )
}

/// As `position_at`, in a text held as a string (a source's, where a check
/// needs a few positions): one pass up to the offset, no rope built.
pub fn position_in_text(text: &str, offset: usize, enc: Encoding) -> Position {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let bytes = text.as_bytes();
    let (mut line, mut line_start) = (0u32, 0);
    for i in memchr::memchr2_iter(b'\n', b'\r', &bytes[..offset]) {
        // "\r\n" is one break, after its "\n".
        if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
            continue;
        }
        line += 1;
        line_start = i + 1;
    }
    let head = &text[line_start..offset];
    let character = match enc {
        Encoding::Utf8 => head.len(),
        Encoding::Utf16 => head.encode_utf16().count(),
        Encoding::Utf32 => head.chars().count(),
    };
    Position::new(line, character as u32)
}

pub fn range_in_text(text: &str, span: std::ops::Range<usize>, enc: Encoding) -> Range {
    Range::new(
        position_in_text(text, span.start, enc),
        position_in_text(text, span.end, enc),
    )
}

/// The byte offset of a position. A character past the end of its line
/// means the end of the line (as LSP says); a line past the end of the
/// document is an error. Offsets inside a character (a UTF-16 surrogate
/// half or a UTF-8 continuation byte) move back to its start.
pub fn offset_at(rope: &Rope, pos: Position, enc: Encoding) -> Result<usize, PositionError> {
    let line = pos.line as usize;
    let lines = rope.len_lines();
    if line >= lines {
        // The position just after the last character is valid.
        if line == lines && pos.character == 0 && rope.len_bytes() > 0 {
            let last = rope.char(rope.len_chars() - 1);
            if last == '\n' || last == '\r' {
                return Ok(rope.len_bytes());
            }
        }
        return Err(PositionError::LineOutOfRange {
            line: pos.line,
            lines,
        });
    }
    let start = rope.line_to_byte(line);
    let end = line_content_end(rope, line);
    let col = pos.character as usize;
    let offset = match enc {
        Encoding::Utf8 => {
            let b = (start + col).min(end);
            rope.char_to_byte(rope.byte_to_char(b))
        }
        Encoding::Utf16 => {
            let first = rope.char_to_utf16_cu(rope.byte_to_char(start));
            let last = rope.char_to_utf16_cu(rope.byte_to_char(end));
            let cu = (first + col).min(last);
            rope.char_to_byte(rope.utf16_cu_to_char(cu))
        }
        Encoding::Utf32 => {
            let first = rope.byte_to_char(start);
            let last = rope.byte_to_char(end);
            rope.char_to_byte((first + col).min(last))
        }
    };
    Ok(offset)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The plain model: positions computed from a `String` by walking it.
    fn model_position(text: &str, offset: usize, enc: Encoding) -> Position {
        let mut line = 0u32;
        let mut col = 0usize;
        let mut it = text.char_indices().peekable();
        while let Some((i, c)) = it.next() {
            if i >= offset {
                break;
            }
            if c == '\r' && it.peek().is_some_and(|(j, n)| *n == '\n' && *j < offset) {
                continue; // the "\n" of "\r\n" ends the line
            }
            if c == '\n' || c == '\r' {
                line += 1;
                col = 0;
            } else {
                col += match enc {
                    Encoding::Utf8 => c.len_utf8(),
                    Encoding::Utf16 => c.len_utf16(),
                    Encoding::Utf32 => 1,
                };
            }
        }
        Position::new(line, col as u32)
    }

    fn text_strategy() -> impl Strategy<Value = String> {
        let atoms = prop::sample::select(vec![
            "a",
            "Z",
            " ",
            "é",
            "e\u{301}",
            "日本",
            "😀",
            "👩‍👩‍👧",
            "\n",
            "\r\n",
            "\r",
            "“",
            "25",
            "\t",
        ]);
        prop::collection::vec(atoms, 0..40).prop_map(|v| v.concat())
    }

    proptest! {
        #[test]
        fn positions_match_the_string_model(text in text_strategy(), pick in 0usize..200) {
            let rope = Rope::from_str(&text);
            let boundaries: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
            let offset = boundaries[pick % boundaries.len()];
            for enc in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
                let p = position_at(&rope, offset, enc);
                // Between "\r" and "\n" is not a real position; skip it.
                if offset > 0 && text.as_bytes()[offset - 1] == b'\r' && text.as_bytes().get(offset) == Some(&b'\n') {
                    continue;
                }
                prop_assert_eq!(p, model_position(&text, offset, enc));
                prop_assert_eq!(offset_at(&rope, p, enc).unwrap(), offset);
            }
        }
    }

    proptest! {
        #[test]
        fn positions_in_a_string_are_the_rope_positions(text in text_strategy(), pick in 0usize..200) {
            // Every byte offset, inside characters and between "\r" and
            // "\n" too, and one past the end.
            let rope = Rope::from_str(&text);
            let offset = pick % (text.len() + 2);
            for enc in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
                prop_assert_eq!(position_in_text(&text, offset, enc), position_at(&rope, offset, enc));
            }
        }
    }

    #[test]
    fn handles_emoji_cjk_and_crlf() {
        let text = "a😀b\r\n日本 25\rx";
        let rope = Rope::from_str(text);
        let at25 = text.find("25").unwrap();
        assert_eq!(
            position_at(&rope, at25, Encoding::Utf16),
            Position::new(1, 3)
        );
        assert_eq!(
            position_at(&rope, at25, Encoding::Utf8),
            Position::new(1, 7)
        );
        assert_eq!(
            position_at(&rope, at25, Encoding::Utf32),
            Position::new(1, 3)
        );
        let b = text.find('b').unwrap();
        assert_eq!(position_at(&rope, b, Encoding::Utf16), Position::new(0, 3));
        assert_eq!(
            range_in_text(text, at25..at25 + 2, Encoding::Utf16),
            Range::new(Position::new(1, 3), Position::new(1, 5))
        );
        assert_eq!(
            position_in_text(text, text.find('x').unwrap(), Encoding::Utf8),
            Position::new(2, 0)
        );
        assert_eq!(
            position_at(&rope, text.find('x').unwrap(), Encoding::Utf16),
            Position::new(2, 0)
        );
        // Past the end of a line clamps to the line end, before "\r\n".
        assert_eq!(
            offset_at(&rope, Position::new(0, 99), Encoding::Utf16),
            Ok(text.find('\r').unwrap())
        );
        // Inside the surrogate pair moves back to the emoji.
        assert_eq!(
            offset_at(&rope, Position::new(0, 2), Encoding::Utf16),
            Ok(1)
        );
        assert_eq!(
            offset_at(&rope, Position::new(7, 0), Encoding::Utf16),
            Err(PositionError::LineOutOfRange { line: 7, lines: 3 })
        );
    }
}
