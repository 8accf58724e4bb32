//! Diagnostics as JSON lines, one object per line, for editors and CI.

use serde::Serialize;

use super::{Diagnostic, Severity};

/// The fields an editor needs; the byte span is included so tools that work
/// on bytes need not recompute it.
#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    severity: Severity,
    code: &'a str,
    file: String,
    line: usize,
    column: usize,
    start: usize,
    end: usize,
    message: &'a str,
    help: &'a str,
}

/// One diagnostic as one line of JSON (no trailing newline).
pub fn render_json_line(diagnostic: &Diagnostic) -> String {
    let json = JsonDiagnostic {
        severity: diagnostic.severity,
        code: diagnostic.code.as_str(),
        file: diagnostic.file.display().to_string(),
        line: diagnostic.line,
        column: diagnostic.column,
        start: diagnostic.span.start,
        end: diagnostic.span.end,
        message: &diagnostic.message,
        help: &diagnostic.help,
    };
    // Serialising plain strings and numbers cannot fail; an empty object keeps
    // the output one-object-per-line even if it ever did.
    serde_json::to_string(&json).unwrap_or_else(|_| String::from("{}"))
}

/// Every diagnostic, one JSON object per line, each line ending in `\n`.
pub fn render_json_lines(diagnostics: &[Diagnostic]) -> String {
    diagnostics
        .iter()
        .map(|diagnostic| render_json_line(diagnostic) + "\n")
        .collect()
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::super::Code;
    use super::*;
    use crate::content::source::{SourceFile, Span};

    #[test]
    fn each_diagnostic_is_one_json_object_per_line() {
        let source = Arc::new(SourceFile::new("m/quiz.md", "a\n\"b\"\n"));
        let diagnostics = vec![
            Diagnostic::at(
                Code::NoOptions,
                &source,
                Span::new(2, 5),
                "says \"b\"",
                "fix it",
            ),
            Diagnostic::for_path(Code::UnusedModule, "m", "unused", "add to a path"),
        ];

        let output = render_json_lines(&diagnostics);

        let lines: Vec<&str> = output.lines().collect();
        assert_eq!(lines.len(), 2);
        let first: serde_json::Value = serde_json::from_str(lines[0]).unwrap_or_default();
        assert_eq!(first["severity"], "error");
        assert_eq!(first["code"], "quiz/no-options");
        assert_eq!(first["file"], "m/quiz.md");
        assert_eq!(first["line"], 2);
        assert_eq!(first["column"], 1);
        assert_eq!(first["message"], "says \"b\"");
        assert_eq!(first["help"], "fix it");
        let second: serde_json::Value = serde_json::from_str(lines[1]).unwrap_or_default();
        assert_eq!(second["severity"], "warning");
    }
}
