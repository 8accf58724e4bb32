//! Arbitrary text as a Moodle GIFT file: the importer never panics, and
//! whatever it writes parses as a quiz.
#![no_main]

use std::sync::Arc;

use libfuzzer_sys::fuzz_target;
use salesdojo_fuzz::content::gift::{ConvertOptions, convert};
use salesdojo_fuzz::content::{SourceFile, parse_quiz};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let conversion = convert(text, &ConvertOptions::default());
    if conversion.questions() > 0 {
        let source = Arc::new(SourceFile::new(
            "content/modules/m/quiz.md",
            conversion.quiz_md.as_str(),
        ));
        let (quiz, _) = parse_quiz(&source);
        assert!(
            quiz.is_some(),
            "the importer wrote a quiz that does not parse"
        );
    }
});
