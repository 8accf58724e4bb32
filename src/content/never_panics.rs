//! Property test: no text a trainer can write makes a parser panic; every
//! problem must come back as a diagnostic.

use std::sync::Arc;

use proptest::prelude::*;

use super::source::SourceFile;
use super::{competencies, lesson, path, quiz, roleplay};

/// Fragments of the content syntax, so random documents reach deep into
/// the parsers instead of failing at the first line.
fn markdown_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("+++\n".to_string()),
        Just("title = \"T\"\n".to_string()),
        Just("pass_mark = 80\ndraw = 2\n".to_string()),
        Just("[[rubric]]\ncriterion = \"c\"\ncompetency = \"x\"\npoints = 3\n".to_string()),
        Just("## Q {#q}\n".to_string()),
        Just("## S {#s .end .practice outcome=won type=order competency=x weight=2}\n".to_string()),
        Just("# H1\n".to_string()),
        Just("- [ ] a\n".to_string()),
        Just("- [x] b\n  > feedback\n".to_string()),
        Just("1. step\n".to_string()),
        Just("- [go](#s) {x=+1 y=-2}\n".to_string()),
        Just("- [go](#s) {x=\n".to_string()),
        Just("**Customer:** hi\n".to_string()),
        Just("**客户：** 你好\n".to_string()),
        Just("> [!NOTE]\n> n\n".to_string()),
        Just("| a |\n|---|\n| b |\n".to_string()),
        Just("[^1]: note\n".to_string()),
        Just("<div>\n".to_string()),
        Just("![i](media/../x)\n".to_string()),
        Just("\n".to_string()),
        "\\PC{0,12}",
        "[\\[\\]{}#*>`\\-+=. \n]{0,12}",
    ]
}

fn document() -> impl Strategy<Value = String> {
    prop::collection::vec(markdown_piece(), 0..24).prop_map(|pieces| pieces.concat())
}

fn source(text: String) -> Arc<SourceFile> {
    Arc::new(SourceFile::new("fuzz.md", text))
}

/// Every diagnostic must point inside the file.
fn assert_in_bounds(source: &SourceFile, diagnostics: &[super::Diagnostic]) {
    for diagnostic in diagnostics {
        assert!(diagnostic.span.end <= source.text().len(), "{diagnostic:?}");
        assert!(diagnostic.line >= 1 && diagnostic.column >= 1);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn quiz_parser_never_panics(text in document()) {
        let file = source(text);
        let (_, diagnostics) = quiz::parse(&file);
        assert_in_bounds(&file, &diagnostics);
    }

    #[test]
    fn roleplay_parser_never_panics(text in document()) {
        let file = source(text);
        let (_, diagnostics) = roleplay::parse(&file);
        assert_in_bounds(&file, &diagnostics);
    }

    #[test]
    fn parsers_never_panic_on_arbitrary_text(text in "\\PC*") {
        let file = source(text);
        let _ = quiz::parse(&file);
        let _ = roleplay::parse(&file);
        let _ = lesson::parse(&file);
        let _ = competencies::parse(&file);
        let _ = path::parse(&file);
    }

    #[test]
    fn line_and_column_are_always_valid(text in "\\PC*", offset in 0usize..512) {
        let file = SourceFile::new("x.md", text);
        let location = file.location(offset);
        prop_assert!(location.line >= 1 && location.column >= 1);
    }
}
