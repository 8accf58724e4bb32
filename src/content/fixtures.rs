//! Test support: the fixture folders under tests/fixtures/content, and
//! small courses written to a temporary folder for cross-file checks.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use super::check::{CheckReport, check};
use super::diagnostic::{Code, Diagnostic};

/// The folder holding `valid/` and `invalid/<case>/`. Inside the main crate
/// it is found from the manifest; a crate elsewhere that includes this
/// module points at it with `SALESDOJO_FIXTURES`.
pub fn fixtures_dir() -> PathBuf {
    match std::env::var_os("SALESDOJO_FIXTURES") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/content"
        )),
    }
}

pub fn fixture(name: &str) -> PathBuf {
    fixtures_dir().join(name)
}

/// A course written to a fresh temporary folder, removed on drop.
pub struct TempCourse {
    pub root: PathBuf,
}

static NEXT_COURSE: AtomicUsize = AtomicUsize::new(0);

impl TempCourse {
    pub fn new(files: &[(String, String)]) -> Self {
        let root = std::env::temp_dir().join(format!(
            "salesdojo-content-test-{}-{}",
            std::process::id(),
            NEXT_COURSE.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&root);
        for (path, text) in files {
            let file = root.join(path);
            if let Some(parent) = file.parent() {
                std::fs::create_dir_all(parent).expect("create test folder");
            }
            std::fs::write(&file, text).expect("write test file");
        }
        std::fs::create_dir_all(&root).expect("create test root");
        Self { root }
    }

    pub fn check(&self) -> CheckReport {
        check(&self.root)
    }
}

impl Drop for TempCourse {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

pub const COMPETENCIES: &str = r#"levels = ["Aware", "Practising", "Proficient"]
levels_zh-CN = ["了解", "练习", "熟练"]

[[competency]]
id = "discovery"
name = "Discovery"
name_zh-CN = "需求挖掘"

[[competency]]
id = "negotiation"
name = "Negotiation"

[[role]]
id = "new-hire"
name = "New hire"
targets = { discovery = 2, negotiation = 1 }
"#;

pub const PATH: &str = r#"id = "onboarding"
title = "Onboarding"
role = "new-hire"

[[stage]]
title = "Week 1"
days = 7
modules = ["first", "second"]
"#;

pub const FIRST_LESSON: &str = r#"+++
title = "First"
summary = "The first module."
competencies = ["discovery"]
level = 1
minutes = 10
prerequisites = []
+++

## Ask

Ask open questions. Next: [Second](../second).
"#;

pub const FIRST_QUIZ: &str = r#"+++
pass_mark = 80
attempts = 0
shuffle = true
partial = false
draw = 0
+++

## What do you ask first? {#ask-first}

- [ ] The budget
  > Budget comes after the need.
- [x] What problem they want to solve

Start from the need.

## Name the stages in order. {#stages type=order competency=negotiation}

1. Ask
2. Propose
3. Close

Ask before you propose.
"#;

pub const SECOND_LESSON: &str = r#"+++
title = "Second"
summary = "The second module."
competencies = ["negotiation"]
level = 2
minutes = 15
prerequisites = ["first"]
+++

## Trade, do not give

![Trading](media/trade.svg)
"#;

pub const SECOND_ROLEPLAY: &str = r#"+++
title = "The discount ask"
persona = "Buyer"
goal = "Trade instead of giving."
competencies = ["negotiation"]

[[rubric]]
criterion = "Asks for something in return"
competency = "negotiation"
points = 2
+++

## Opening {#start}

**Customer:** Give us 10% off.

- [Ask what they can offer in return](#trade) {negotiation=+2}
- [Agree at once](#lost) {negotiation=-2}

## Your words {#trade .practice}

Say what you would trade.

- [Continue](#won)

## Deal {#won .end outcome=won}

Won.

## Margin gone {#lost .end outcome=lost}

Lost.
"#;

/// A small course with no diagnostic at all.
pub fn base_files() -> Vec<(String, String)> {
    [
        ("competencies.toml", COMPETENCIES),
        ("paths/onboarding.toml", PATH),
        ("modules/first/lesson.md", FIRST_LESSON),
        ("modules/first/quiz.md", FIRST_QUIZ),
        ("modules/second/lesson.md", SECOND_LESSON),
        ("modules/second/roleplay-discount.md", SECOND_ROLEPLAY),
        (
            "modules/second/media/trade.svg",
            "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
        ),
    ]
    .iter()
    .map(|(path, text)| (path.to_string(), text.to_string()))
    .collect()
}

/// The base course with files replaced or added (`Some`) or removed (`None`).
pub fn course_with(changes: &[(&str, Option<&str>)]) -> TempCourse {
    let mut files = base_files();
    for (path, change) in changes {
        files.retain(|(existing, _)| existing != path);
        if let Some(text) = change {
            files.push((path.to_string(), text.to_string()));
        }
    }
    TempCourse::new(&files)
}

/// The diagnostics of the base course with one file replaced.
pub fn diagnostics_with(path: &str, text: &str) -> Vec<Diagnostic> {
    course_with(&[(path, Some(text))]).check().diagnostics
}

/// (code, file relative to the course root, line, column) of each diagnostic.
pub fn places(root: &Path, diagnostics: &[Diagnostic]) -> Vec<(Code, String, usize, usize)> {
    diagnostics
        .iter()
        .map(|diagnostic| {
            let file = diagnostic
                .file
                .strip_prefix(root)
                .unwrap_or(&diagnostic.file)
                .to_string_lossy()
                .replace('\\', "/");
            (diagnostic.code, file, diagnostic.line, diagnostic.column)
        })
        .collect()
}

/// The one diagnostic with `code`, failing the test if there is not exactly one.
pub fn only(diagnostics: &[Diagnostic], code: Code) -> Diagnostic {
    let found: Vec<&Diagnostic> = diagnostics.iter().filter(|d| d.code == code).collect();
    assert_eq!(found.len(), 1, "expected one {code}, got {diagnostics:#?}");
    found[0].clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_base_course_is_clean() {
        let course = course_with(&[]);

        let report = course.check();

        assert!(report.diagnostics.is_empty(), "{:#?}", report.diagnostics);
        assert!(report.course.is_some());
        assert_eq!(report.summary.modules, 2);
        assert_eq!(report.summary.questions, 2);
        assert_eq!(report.summary.roleplays, 1);
    }
}
