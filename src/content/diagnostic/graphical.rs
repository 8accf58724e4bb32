//! Diagnostics drawn for a terminal by miette: the message, the offending
//! source line with a marker under the problem, and the help.

use std::error::Error;
use std::fmt;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};

use super::{Diagnostic, Severity};
use crate::content::source::SourceFile;

/// Lines wider than this wrap; wide enough for a Markdown line and its path.
const RENDER_WIDTH: usize = 100;

/// One diagnostic as miette draws it; `color` adds ANSI colours.
pub fn render_graphical(diagnostic: &Diagnostic, color: bool) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_links(false)
        .with_width(RENDER_WIDTH)
        .with_context_lines(1);
    let mut out = String::new();
    if handler
        .render_report(&mut out, &MietteView(diagnostic))
        .is_err()
    {
        // Rendering only fails if the span does not fit the source; the plain
        // one-line form still tells where the problem is.
        return format!("{diagnostic}\n  help: {}\n", diagnostic.help);
    }
    out
}

/// Adapts our diagnostic to miette's trait without making miette part of the
/// public types.
struct MietteView<'a>(&'a Diagnostic);

impl fmt::Debug for MietteView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.0, f)
    }
}

impl fmt::Display for MietteView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.message)
    }
}

impl Error for MietteView<'_> {}

impl miette::Diagnostic for MietteView<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.0.code.as_str()))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.0.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        (!self.0.help.is_empty()).then(|| Box::new(&self.0.help) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.0.source().map(|source| source as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.0.source()?;
        let span = SourceSpan::new(self.0.span.start.into(), self.0.span.len());
        Some(Box::new(std::iter::once(LabeledSpan::underline(span))))
    }
}

impl SourceCode for SourceFile {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let contents = self
            .text()
            .read_span(span, context_lines_before, context_lines_after)?;
        // miette counts the header's column in bytes; with no context lines
        // the contents start at the span, so the column can be given in
        // characters, matching `file:line:column` everywhere else.
        let column = if context_lines_before == 0 {
            self.location(span.offset()).column - 1
        } else {
            contents.column()
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.path().display().to_string(),
            contents.data(),
            *contents.span(),
            contents.line(),
            column,
            contents.line_count(),
        )))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::super::Code;
    use super::*;
    use crate::content::source::Span;

    #[test]
    fn shows_path_location_code_source_line_marker_and_help() {
        let text = "+++\n+++\n\n## Pick one {#pick}\n\n- [ ] A\n- [ ] B\n";
        let source = Arc::new(SourceFile::new("modules/m/quiz.md", text));
        let start = text.find("- [ ] A").unwrap_or(0);
        let diagnostic = Diagnostic::at(
            Code::NoCorrectOption,
            &source,
            Span::new(start, start + 7),
            "question `pick` has no correct option",
            "mark the right option with `- [x]`",
        );

        let output = render_graphical(&diagnostic, false);

        assert!(output.contains("quiz/no-correct-option"), "{output}");
        assert!(output.contains("modules/m/quiz.md:6:1"), "{output}");
        assert!(output.contains("- [ ] A"), "{output}");
        assert!(output.contains("───────"), "marker missing: {output}");
        assert!(output.contains("question `pick` has no correct option"));
        assert!(output.contains("help: mark the right option"), "{output}");
        assert!(!output.contains('\u{1b}'), "colour codes in: {output}");
    }

    #[test]
    fn the_header_column_counts_characters_like_ours() {
        let text = "+++\n+++\n\n## 客户说太贵 {#price}\n";
        let source = Arc::new(SourceFile::new("q.zh-CN.md", text));
        let start = text.find("#price").unwrap_or(0);
        let diagnostic = Diagnostic::at(
            Code::DuplicateQuestion,
            &source,
            Span::new(start, start + 6),
            "dup",
            "rename",
        );

        let output = render_graphical(&diagnostic, false);

        assert_eq!((diagnostic.line, diagnostic.column), (4, 11));
        assert!(output.contains("q.zh-CN.md:4:11"), "{output}");
    }

    #[test]
    fn renders_file_level_problems_without_a_snippet() {
        let diagnostic = Diagnostic::for_path(
            Code::MissingLesson,
            "modules/m",
            "module `m` has no lesson.md",
            "add modules/m/lesson.md",
        );

        let output = render_graphical(&diagnostic, false);

        assert!(output.contains("module `m` has no lesson.md"), "{output}");
        assert!(output.contains("help: add modules/m/lesson.md"), "{output}");
    }
}
