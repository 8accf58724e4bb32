//! A problem found in the content, with where it is and how to fix it.

mod code;
mod graphical;
mod json;

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;

use super::source::{SourceFile, Span};

pub use code::Code;
pub use graphical::render_graphical;
pub use json::{render_json_line, render_json_lines};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// One problem in one file. `line` and `column` are 1-based and computed once
/// from `span`, so every output format agrees on them.
#[derive(Clone)]
pub struct Diagnostic {
    pub severity: Severity,
    pub code: Code,
    pub file: PathBuf,
    pub span: Span,
    pub line: usize,
    pub column: usize,
    /// What is wrong, in one sentence.
    pub message: String,
    /// How to fix it.
    pub help: String,
    /// The file's text, kept so renderers can show the offending line.
    source: Option<Arc<SourceFile>>,
}

impl Diagnostic {
    /// A problem at a place in a file.
    pub fn at(
        code: Code,
        source: &Arc<SourceFile>,
        span: Span,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Self {
        let location = source.location(span.start);
        Self {
            severity: code.severity(),
            code,
            file: source.path().to_path_buf(),
            span,
            line: location.line,
            column: location.column,
            message: message.into(),
            help: help.into(),
            source: Some(Arc::clone(source)),
        }
    }

    /// A problem with a file or folder as a whole (missing, unreadable), which
    /// has no text to point into; it is reported at 1:1.
    pub fn for_path(
        code: Code,
        path: impl Into<PathBuf>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Self {
        Self {
            severity: code.severity(),
            code,
            file: path.into(),
            span: Span::default(),
            line: 1,
            column: 1,
            message: message.into(),
            help: help.into(),
            source: None,
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    pub fn source(&self) -> Option<&SourceFile> {
        self.source.as_deref()
    }

    /// The text of the line the diagnostic points at ("" without a source).
    pub fn source_line(&self) -> &str {
        self.source()
            .map_or("", |source| source.line_text(self.line))
    }

    pub fn file(&self) -> &Path {
        &self.file
    }
}

impl fmt::Debug for Diagnostic {
    /// The one-line form plus the help; the source text is left out so test
    /// failures stay readable.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self} (help: {})", self.help)
    }
}

impl fmt::Display for Diagnostic {
    /// `file:line:column: severity[code]: message`, the form compilers use so
    /// editors can jump to the place.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}[{}]: {}",
            self.file.display(),
            self.line,
            self.column,
            self.severity,
            self.code,
            self.message
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn location_is_computed_from_the_span() {
        let source = Arc::new(SourceFile::new("m/quiz.md", "+++\n+++\n\n## Q {#q}\n"));
        let diagnostic = Diagnostic::at(
            Code::NoOptions,
            &source,
            Span::new(9, 18),
            "question `q` has no options",
            "add a task list",
        );
        assert_eq!((diagnostic.line, diagnostic.column), (4, 1));
        assert_eq!(diagnostic.severity, Severity::Error);
        assert_eq!(diagnostic.source_line(), "## Q {#q}");
        assert_eq!(
            diagnostic.to_string(),
            "m/quiz.md:4:1: error[quiz/no-options]: question `q` has no options"
        );
    }

    #[test]
    fn path_diagnostics_point_at_the_start() {
        let diagnostic = Diagnostic::for_path(Code::MissingLesson, "m/x", "no lesson", "add one");
        assert_eq!((diagnostic.line, diagnostic.column), (1, 1));
        assert_eq!(diagnostic.source_line(), "");
        assert!(diagnostic.is_error());
    }
}
