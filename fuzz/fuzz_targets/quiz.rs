//! Arbitrary text as quiz.md: the parser must never panic, every diagnostic
//! must point inside the file, and everything it keeps must render.
#![no_main]

use std::sync::Arc;

use libfuzzer_sys::fuzz_target;
use salesdojo_fuzz::content::{LinkContext, QuestionBody, SourceFile, parse_quiz, to_html};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let source = Arc::new(SourceFile::new("content/modules/m/quiz.md", text));
    let (quiz, diagnostics) = parse_quiz(&source);
    for diagnostic in &diagnostics {
        assert!(
            diagnostic.span.end <= text.len(),
            "a diagnostic points past the end"
        );
        assert!(diagnostic.line >= 1 && diagnostic.column >= 1);
    }
    let Some(quiz) = quiz else { return };
    let links = LinkContext { module_id: "m" };
    for question in &quiz.questions {
        let _ = to_html(&question.prompt.text, &links);
        if let QuestionBody::Single(options) | QuestionBody::Multiple(options) = &question.body {
            for option in options {
                let html = to_html(&option.text.text, &links);
                assert!(
                    !html.to_ascii_lowercase().contains("<script"),
                    "a script survived sanitizing"
                );
            }
        }
    }
});
