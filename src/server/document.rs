//! Open documents: a rope per document, edited incrementally. Positions are
//! converted only through `protocol::position`.

use crate::protocol::position::{offset_at, Encoding, PositionError};
use ropey::Rope;
use tower_lsp_server::ls_types::TextDocumentContentChangeEvent;

#[derive(Debug, Clone)]
pub struct Document {
    pub rope: Rope,
    pub version: i32,
    pub language: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditError {
    Position(PositionError),
    Inverted { start: usize, end: usize },
}

impl std::fmt::Display for EditError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EditError::Position(e) => write!(f, "{e}"),
            EditError::Inverted { start, end } => {
                write!(f, "range ends (byte {end}) before it starts (byte {start})")
            }
        }
    }
}

impl Document {
    pub fn new(text: &str, version: i32, language: &str) -> Self {
        Document {
            rope: Rope::from_str(text),
            version,
            language: language.to_string(),
        }
    }

    /// Applies one change: a range edit, or the whole text when the change
    /// has no range. On error the document is unchanged.
    pub fn apply(
        &mut self,
        change: &TextDocumentContentChangeEvent,
        enc: Encoding,
    ) -> Result<(), EditError> {
        let Some(range) = change.range else {
            self.rope = Rope::from_str(&change.text);
            return Ok(());
        };
        let start = offset_at(&self.rope, range.start, enc).map_err(EditError::Position)?;
        let end = offset_at(&self.rope, range.end, enc).map_err(EditError::Position)?;
        if end < start {
            return Err(EditError::Inverted { start, end });
        }
        let (cs, ce) = (self.rope.byte_to_char(start), self.rope.byte_to_char(end));
        self.rope.remove(cs..ce);
        self.rope.insert(cs, &change.text);
        Ok(())
    }

    pub fn text(&self) -> String {
        self.rope.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::position::{position_at, range_of};
    use proptest::prelude::*;
    use tower_lsp_server::ls_types::{Position, Range};

    fn change(range: Option<Range>, text: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range,
            range_length: None,
            text: text.to_string(),
        }
    }

    #[test]
    fn applies_changes_in_order_and_full_replacements() {
        let mut d = Document::new("ICE has 30 field offices.\r\nNext 😀 line", 1, "markdown");
        let r = Range::new(Position::new(0, 8), Position::new(0, 10));
        d.apply(&change(Some(r), "25"), Encoding::Utf16).unwrap();
        // After the emoji (two UTF-16 units) on line 1.
        let r = Range::new(Position::new(1, 7), Position::new(1, 7));
        d.apply(&change(Some(r), "!"), Encoding::Utf16).unwrap();
        assert_eq!(d.text(), "ICE has 25 field offices.\r\nNext 😀! line");
        d.apply(&change(None, "new"), Encoding::Utf16).unwrap();
        assert_eq!(d.text(), "new");
    }

    #[test]
    fn bad_ranges_leave_the_text_alone() {
        let mut d = Document::new("one\ntwo", 1, "markdown");
        let past = Range::new(Position::new(9, 0), Position::new(9, 1));
        assert!(matches!(
            d.apply(&change(Some(past), "x"), Encoding::Utf16),
            Err(EditError::Position(_))
        ));
        let inverted = Range::new(Position::new(1, 2), Position::new(0, 1));
        assert!(matches!(
            d.apply(&change(Some(inverted), "x"), Encoding::Utf16),
            Err(EditError::Inverted { .. })
        ));
        assert_eq!(d.text(), "one\ntwo");
    }

    fn piece() -> impl Strategy<Value = String> {
        prop::sample::select(vec![
            "a", "b ", "é", "日本", "😀", "\n", "\r\n", "\r", "e\u{301}", "25 ", "“",
        ])
        .prop_map(str::to_string)
    }

    proptest! {
        /// Random edit sequences applied to a rope and to a plain String by
        /// byte offsets must agree: the server never loses or scrambles text.
        #[test]
        fn random_edits_keep_rope_and_string_equal(
            initial in prop::collection::vec(piece(), 0..30),
            edits in prop::collection::vec((0usize..1000, 0usize..1000, prop::collection::vec(piece(), 0..4)), 1..25),
            enc in prop::sample::select(vec![Encoding::Utf8, Encoding::Utf16, Encoding::Utf32]),
        ) {
            let mut model: String = initial.concat();
            let mut doc = Document::new(&model, 1, "markdown");
            for (a, b, ins) in edits {
                let bounds: Vec<usize> = model.char_indices().map(|(i, _)| i).chain([model.len()]).collect();
                let (mut s, mut e) = (bounds[a % bounds.len()], bounds[b % bounds.len()]);
                if s > e { std::mem::swap(&mut s, &mut e); }
                // Never split "\r\n": the position between them is not a real one.
                let bytes = model.as_bytes();
                if s > 0 && bytes[s - 1] == b'\r' && bytes.get(s) == Some(&b'\n') { s -= 1; }
                if e > 0 && bytes[e - 1] == b'\r' && bytes.get(e) == Some(&b'\n') { e += 1; }
                let text = ins.concat();
                let range = range_of(&doc.rope, s..e, enc);
                doc.apply(&change(Some(range), &text), enc).unwrap();
                model.replace_range(s..e, &text);
                prop_assert_eq!(doc.text(), model.clone());
                prop_assert_eq!(position_at(&doc.rope, model.len(), enc), position_at(&Rope::from_str(&model), model.len(), enc));
            }
        }
    }
}
