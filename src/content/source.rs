//! A content file held in memory, and the byte spans that point into it.
//!
//! Parsers work on byte offsets (pulldown-cmark and toml both report them);
//! people read `line:column`. This is the one place that converts between the
//! two, so every diagnostic agrees on where a problem is.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// A byte range in one source file (`start..end`, `end` exclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Self {
            start,
            end: end.max(start),
        }
    }

    /// A span found inside a sub-slice that starts at `offset` in the file.
    pub fn shifted(self, offset: usize) -> Self {
        Self::new(self.start + offset, self.end + offset)
    }

    pub fn len(self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    pub fn range(self) -> Range<usize> {
        self.start..self.end
    }
}

impl From<Range<usize>> for Span {
    fn from(range: Range<usize>) -> Self {
        Self::new(range.start, range.end)
    }
}

/// A value together with the place in its file where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Located<T> {
    pub fn new(value: T, span: Span) -> Self {
        Self { value, span }
    }
}

/// A 1-based line and column; columns count characters, not bytes, so that
/// Chinese text points at the same column an editor shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// The text of one content file and the path it is reported under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    path: PathBuf,
    text: String,
    /// Byte offset where each line starts; line 1 starts at 0.
    line_starts: Vec<usize>,
}

impl SourceFile {
    pub fn new(path: impl Into<PathBuf>, text: impl Into<String>) -> Self {
        let text = text.into();
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(index, _)| index + 1))
            .collect();
        Self {
            path: path.into(),
            text,
            line_starts,
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The line and column of a byte offset; offsets past the end point just
    /// after the last character, and offsets inside a multi-byte character
    /// point at that character.
    pub fn location(&self, offset: usize) -> Location {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line_index = self
            .line_starts
            .partition_point(|&start| start <= offset)
            .saturating_sub(1);
        let line_start = self.line_starts.get(line_index).copied().unwrap_or(0);
        let column = self.text.as_bytes()[line_start..offset]
            .iter()
            .filter(|byte| !is_utf8_continuation(**byte))
            .count()
            + 1;
        Location {
            line: line_index + 1,
            column,
        }
    }

    /// The text of a 1-based line without its line ending (empty past the end).
    pub fn line_text(&self, line: usize) -> &str {
        let Some(&start) = line.checked_sub(1).and_then(|i| self.line_starts.get(i)) else {
            return "";
        };
        let end = self
            .line_starts
            .get(line)
            .copied()
            .unwrap_or(self.text.len());
        self.text
            .get(start..end)
            .unwrap_or("")
            .trim_end_matches(['\n', '\r'])
    }

    /// The first line of a span, without its line ending, so a marker
    /// underlines one line rather than a whole block.
    pub fn first_line(&self, span: Span) -> Span {
        let text = self.slice(span);
        let length = text.find('\n').unwrap_or(text.len());
        Span::new(span.start, span.start + text[..length].trim_end().len())
    }

    /// The text a span covers, or "" if the span does not fall on character
    /// boundaries of this file.
    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.range()).unwrap_or("")
    }
}

fn is_utf8_continuation(byte: u8) -> bool {
    byte & 0b1100_0000 == 0b1000_0000
}

#[cfg(test)]
mod tests {
    use super::*;

    fn location(line: usize, column: usize) -> Location {
        Location { line, column }
    }

    #[test]
    fn first_byte_is_line_one_column_one() {
        let source = SourceFile::new("a.md", "abc\ndef");
        assert_eq!(source.location(0), location(1, 1));
    }

    #[test]
    fn offsets_after_a_newline_start_the_next_line() {
        let source = SourceFile::new("a.md", "abc\ndef\n");
        assert_eq!(source.location(3), location(1, 4));
        assert_eq!(source.location(4), location(2, 1));
        assert_eq!(source.location(6), location(2, 3));
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        // Each CJK character is three bytes in UTF-8.
        let source = SourceFile::new("a.md", "客户：hi");
        assert_eq!(source.location(9), location(1, 4));
    }

    #[test]
    fn an_offset_inside_a_character_points_at_that_character() {
        let source = SourceFile::new("a.md", "x客");
        assert_eq!(source.location(2), location(1, 2));
    }

    #[test]
    fn offsets_past_the_end_are_clamped() {
        let source = SourceFile::new("a.md", "ab\ncd");
        assert_eq!(source.location(999), location(2, 3));
    }

    #[test]
    fn line_text_drops_the_line_ending() {
        let source = SourceFile::new("a.md", "one\r\ntwo\nthree");
        assert_eq!(source.line_text(1), "one");
        assert_eq!(source.line_text(2), "two");
        assert_eq!(source.line_text(3), "three");
        assert_eq!(source.line_text(4), "");
        assert_eq!(source.line_text(0), "");
    }

    #[test]
    fn slice_refuses_spans_that_split_a_character() {
        let source = SourceFile::new("a.md", "客户");
        assert_eq!(source.slice(Span::new(0, 3)), "客");
        assert_eq!(source.slice(Span::new(1, 3)), "");
    }

    #[test]
    fn first_line_stops_at_the_line_end() {
        let source = SourceFile::new("a.md", "x\n- [ ] A  \n  > b\n");
        assert_eq!(source.first_line(Span::new(2, 16)), Span::new(2, 9));
    }

    #[test]
    fn shifted_spans_move_by_the_offset() {
        assert_eq!(Span::new(2, 5).shifted(10), Span::new(12, 15));
    }
}
