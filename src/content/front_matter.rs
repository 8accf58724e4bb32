//! Step one of reading a Markdown file: cut the `+++` TOML block from the
//! body (the Zola convention). Deserialising it is `toml_document`'s job, so
//! `split` knows nothing about what the keys mean; `read` chains the two for
//! the lesson, quiz and role-play parsers.

use std::sync::Arc;

use serde::de::DeserializeOwned;

use super::diagnostic::{Code, Diagnostic};
use super::source::{SourceFile, Span};
use super::toml_document::TomlDocument;

const DELIMITER: &str = "+++";

/// The two parts of a Markdown content file, each with its byte offset in the
/// file so diagnostics inside either part point at the right line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrontMatter<'a> {
    pub toml: &'a str,
    pub toml_offset: usize,
    /// The opening `+++` line, where problems with the block as a whole
    /// (such as a missing key) are reported.
    pub opening: Span,
    pub body: &'a str,
    pub body_offset: usize,
}

pub fn split(source: &Arc<SourceFile>) -> Result<FrontMatter<'_>, Diagnostic> {
    let text = source.text();
    let mut lines = lines_with_offsets(text);
    let opening = match lines.next() {
        Some((start, line)) if line.trim_end() == DELIMITER => Span::new(start, start + line.len()),
        first => {
            let end = first.map_or(0, |(_, line)| line.len());
            return Err(Diagnostic::at(
                Code::FrontMatterMissing,
                source,
                Span::new(0, end),
                "the file does not start with a `+++` front matter line",
                "start the file with a line `+++`, the TOML front matter, and another line `+++`",
            ));
        }
    };
    let toml_offset = next_line_start(text, opening.end);
    for (start, line) in lines {
        if line.trim_end() == DELIMITER {
            let body_offset = next_line_start(text, start + line.len());
            return Ok(FrontMatter {
                toml: text.get(toml_offset..start).unwrap_or(""),
                toml_offset,
                opening,
                body: text.get(body_offset..).unwrap_or(""),
                body_offset,
            });
        }
    }
    Err(Diagnostic::at(
        Code::FrontMatterUnclosed,
        source,
        opening,
        "the front matter opened here is never closed",
        "add a line `+++` after the last TOML key",
    ))
}

/// A Markdown file's front matter read into `T`, with the parts the caller
/// still needs: the body, and the document for spans and unknown keys.
pub struct ReadFrontMatter<'a, T> {
    pub parts: FrontMatter<'a>,
    pub document: TomlDocument<'a>,
    pub value: T,
}

/// Splits the file and deserialises its front matter; every problem found
/// on the way is returned.
pub fn read<T: DeserializeOwned>(
    source: &Arc<SourceFile>,
) -> Result<ReadFrontMatter<'_, T>, Vec<Diagnostic>> {
    let parts = split(source).map_err(|diagnostic| vec![diagnostic])?;
    let document = TomlDocument::parse(source, parts.toml, parts.toml_offset, parts.opening)?;
    let value = document
        .deserialize()
        .map_err(|diagnostic| vec![diagnostic])?;
    Ok(ReadFrontMatter {
        parts,
        document,
        value,
    })
}

/// Each line's start offset and its text without the `\n` (a `\r` stays and
/// is trimmed by the caller, so CRLF files work).
fn lines_with_offsets(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut offset = 0;
    text.split_inclusive('\n').map(move |line| {
        let start = offset;
        offset += line.len();
        (start, line.strip_suffix('\n').unwrap_or(line))
    })
}

/// The offset just after the line ending that follows `line_end`.
fn next_line_start(text: &str, line_end: usize) -> usize {
    if text.as_bytes().get(line_end) == Some(&b'\n') {
        line_end + 1
    } else {
        line_end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(text: &str) -> Arc<SourceFile> {
        Arc::new(SourceFile::new("modules/m/lesson.md", text))
    }

    #[test]
    fn splits_toml_and_body_with_their_offsets() {
        let file = source("+++\ntitle = \"T\"\n+++\n\nBody\n");

        let front_matter = split(&file).expect("front matter");

        assert_eq!(front_matter.toml, "title = \"T\"\n");
        assert_eq!(front_matter.toml_offset, 4);
        assert_eq!(front_matter.body, "\nBody\n");
        assert_eq!(front_matter.body_offset, 20);
        assert_eq!(front_matter.opening, Span::new(0, 3));
    }

    #[test]
    fn accepts_crlf_line_endings() {
        let file = source("+++\r\na = 1\r\n+++\r\nBody");

        let front_matter = split(&file).expect("front matter");

        assert_eq!(front_matter.toml, "a = 1\r\n");
        assert_eq!(front_matter.body, "Body");
    }

    #[test]
    fn empty_front_matter_and_empty_body() {
        let file = source("+++\n+++");

        let front_matter = split(&file).expect("front matter");

        assert_eq!(front_matter.toml, "");
        assert_eq!(front_matter.body, "");
        assert_eq!(front_matter.body_offset, 7);
    }

    #[test]
    fn missing_front_matter_points_at_the_first_line() {
        let file = source("# Title\n\ntext\n");

        let diagnostic = split(&file).expect_err("no front matter");

        assert_eq!(diagnostic.code, Code::FrontMatterMissing);
        assert_eq!((diagnostic.line, diagnostic.column), (1, 1));
        assert_eq!(diagnostic.file.to_str(), Some("modules/m/lesson.md"));
    }

    #[test]
    fn unclosed_front_matter_points_at_the_opening_line() {
        let file = source("\n+++\ntitle = 1\n");
        assert_eq!(
            split(&file).expect_err("blank first line").code,
            Code::FrontMatterMissing
        );

        let file = source("+++\ntitle = 1\n\nBody\n");
        let diagnostic = split(&file).expect_err("unclosed");
        assert_eq!(diagnostic.code, Code::FrontMatterUnclosed);
        assert_eq!((diagnostic.line, diagnostic.column), (1, 1));
        assert!(diagnostic.message.contains("never closed"));
    }
}
