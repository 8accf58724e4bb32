//! Counts of a content folder, per language: modules, questions by type,
//! role-plays, scenes, endings by outcome, and words in the lessons (English
//! words; Chinese characters for zh-CN).
//!
//!     cargo run --example curriculum_stats [DIR]      (default: content)

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use salesdojo::content::{Outcome, Question, check};

fn main() -> ExitCode {
    let dir = std::env::args()
        .nth(1)
        .map_or_else(|| PathBuf::from("content"), PathBuf::from);
    let report = check(&dir);
    let Some(course) = report.course else {
        eprintln!(
            "{} has errors; run `salesdojo check {}`",
            dir.display(),
            dir.display()
        );
        return ExitCode::FAILURE;
    };
    println!("{}", report.summary.line());
    let mut types: BTreeMap<&str, usize> = BTreeMap::new();
    let (mut roleplays, mut scenes, mut practice) = (0, 0, 0);
    let mut endings: BTreeMap<&str, usize> = BTreeMap::new();
    let (mut english_words, mut chinese_chars) = (0, 0);
    println!(
        "\n{:<28} {:>6} {:>8} {:>10} {:>10}",
        "module", "words", "zh chars", "questions", "role-plays"
    );
    for module in &course.modules {
        let words = module
            .lesson
            .default
            .body
            .text
            .split_whitespace()
            .filter(|w| w.chars().any(char::is_alphanumeric))
            .count();
        let chars = module.lesson.translations.get("zh-CN").map_or(0, |l| {
            l.body
                .text
                .chars()
                .filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c))
                .count()
        });
        english_words += words;
        chinese_chars += chars;
        let questions = module
            .quiz
            .as_ref()
            .map_or(0, |q| q.default.questions.len());
        if let Some(quiz) = &module.quiz {
            for question in &quiz.default.questions {
                *types.entry(Question::kind(question).as_str()).or_default() += 1;
            }
        }
        for roleplay in &module.roleplays {
            roleplays += 1;
            scenes += roleplay.files.default.scenes.len();
            for scene in &roleplay.files.default.scenes {
                practice += usize::from(scene.practice);
                if let Some(outcome) = &scene.outcome {
                    *endings.entry(Outcome::as_str(outcome.value)).or_default() += 1;
                }
            }
        }
        println!(
            "{:<28} {:>6} {:>8} {:>10} {:>10}",
            module.id,
            words,
            chars,
            questions,
            module.roleplays.len()
        );
    }
    println!("\nlesson words: {english_words} English, {chinese_chars} Chinese characters");
    println!("questions by type: {types:?}");
    println!(
        "role-plays: {roleplays} with {scenes} scenes ({practice} practice), endings {endings:?}"
    );
    println!(
        "translations: every count above is the same in zh-CN (checked by tests/api/curriculum.rs)"
    );
    ExitCode::SUCCESS
}
