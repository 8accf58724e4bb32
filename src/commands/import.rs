//! `salesdojo import gift FILE --module ID [--lang L] [--force]`: a Moodle
//! GIFT question bank to a module's `quiz.md` (issue 4 part 8).
//!
//! The command line (clap) and finding the module folder are the caller's
//! job; this reads, converts, writes and reports.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::content::DEFAULT_LANGUAGE;
use crate::content::gift::{self, Conversion, ConvertOptions};

/// Arguments of `salesdojo import gift`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportGift {
    /// The GIFT file (UTF-8, as Moodle exports it).
    pub file: PathBuf,
    /// The module's folder, `content/modules/<id>`; it must exist.
    pub module_dir: PathBuf,
    /// Write `quiz.<lang>.md` instead of `quiz.md`.
    pub lang: Option<String>,
    /// Replace an existing quiz file.
    pub force: bool,
}

/// Converts and writes, printing the report to standard output. Exit 0
/// when a quiz was written, even if some items were skipped; `Err` (exit 1)
/// when nothing could be converted or the files cannot be read or written.
pub fn run(args: &ImportGift) -> Result<ExitCode, String> {
    let stdout = std::io::stdout();
    run_with(args, &mut stdout.lock())
}

fn run_with(args: &ImportGift, out: &mut dyn Write) -> Result<ExitCode, String> {
    let lang = language(args.lang.as_deref())?;
    if !args.module_dir.is_dir() {
        return Err(format!(
            "module folder {} does not exist; create the module (with its lesson.md) first, or check the module id",
            args.module_dir.display()
        ));
    }
    let target = args.module_dir.join(match lang {
        Some(lang) => format!("quiz.{lang}.md"),
        None => "quiz.md".to_string(),
    });
    // Checked before converting so a refusal comes first, not after a page
    // of report; checked again just before the rename.
    refuse_overwrite(&target, args.force)?;
    let gift_text = read(&args.file)?;
    let conversion = gift::convert(&gift_text, &ConvertOptions::for_language(lang));
    let report = report(&args.file, &conversion);
    if conversion.questions() == 0 {
        write_out(out, &report)?;
        return Err(format!(
            "no question in {} could be converted ({} skipped); nothing was written",
            args.file.display(),
            conversion.skipped.len()
        ));
    }
    refuse_overwrite(&target, args.force)?;
    write_atomically(&target, &conversion.quiz_md)?;
    let questions = conversion.questions();
    let mut summary = format!(
        "wrote {questions} question{} to {}",
        if questions == 1 { "" } else { "s" },
        target.display()
    );
    if !conversion.skipped.is_empty() {
        summary.push_str(&format!(" ({} skipped)", conversion.skipped.len()));
    }
    summary.push('\n');
    summary.push_str(&report);
    summary.push_str(&to_do(&conversion));
    write_out(out, &summary)?;
    Ok(ExitCode::SUCCESS)
}

/// `None` for the default language (its file is plain `quiz.md`).
fn language(lang: Option<&str>) -> Result<Option<&str>, String> {
    match lang {
        None => Ok(None),
        Some(lang) if lang == DEFAULT_LANGUAGE => Ok(None),
        // The loader's rule for the `<lang>` of `name.<lang>.md`: a file
        // named otherwise would be reported as unknown, not read as a quiz.
        Some(lang) if is_language_tag(lang) => Ok(Some(lang)),
        Some(lang) => Err(format!(
            "--lang `{lang}` is not a language tag; write it as in translated file names, e.g. `--lang zh-CN`"
        )),
    }
}

/// `zh-CN`, `de`, `pt-BR`: 2-3 lowercase letters, then dash-separated
/// parts of 2-8 letters or digits.
fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let language_ok = parts.next().is_some_and(|language| {
        (2..=3).contains(&language.len()) && language.chars().all(|c| c.is_ascii_lowercase())
    });
    language_ok
        && parts.all(|part| {
            (2..=8).contains(&part.len()) && part.chars().all(|c| c.is_ascii_alphanumeric())
        })
}

fn refuse_overwrite(target: &Path, force: bool) -> Result<(), String> {
    if target.exists() && !force {
        return Err(format!(
            "{} already exists; pass --force to overwrite it (its questions will be replaced)",
            target.display()
        ));
    }
    Ok(())
}

fn read(file: &Path) -> Result<String, String> {
    let bytes = std::fs::read(file)
        .map_err(|error| format!("cannot read {}: {error}; check the path", file.display()))?;
    String::from_utf8(bytes).map_err(|error| {
        let at = error.utf8_error().valid_up_to();
        let line = error.as_bytes()[..at].iter().filter(|b| **b == b'\n').count() + 1;
        format!(
            "{} is not UTF-8 text (first bad byte on line {line}); export it from Moodle again, or convert it, e.g. `iconv -f WINDOWS-1252 -t UTF-8`",
            file.display()
        )
    })
}

/// Writes next to the target and renames, so a server watching the folder
/// never loads half a quiz. The temporary name starts with a dot, which the
/// content loader skips.
fn write_atomically(target: &Path, text: &str) -> Result<(), String> {
    let file_name = target
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| "quiz.md".to_string());
    let temporary = target.with_file_name(format!(".{file_name}.import-tmp"));
    let result =
        std::fs::write(&temporary, text).and_then(|()| std::fs::rename(&temporary, target));
    result.map_err(|error| {
        let _ = std::fs::remove_file(&temporary);
        format!("cannot write {}: {error}", target.display())
    })
}

/// `FILE:LINE: skipped: reason` for every skipped item, `FILE:LINE: note:`
/// for every change of meaning, in the order of the GIFT file, so editors
/// can jump to each.
fn report(file: &Path, conversion: &Conversion) -> String {
    let file = file.display();
    let mut lines: Vec<(usize, String)> = conversion
        .skipped
        .iter()
        .map(|skip| {
            (
                skip.line,
                format!(
                    "{file}:{}: skipped: {} ({})\n",
                    skip.line, skip.reason, skip.title_or_start
                ),
            )
        })
        .chain(conversion.notes.iter().map(|note| {
            (
                note.line,
                format!(
                    "{file}:{}: note: {} ({})\n",
                    note.line, note.message, note.title_or_start
                ),
            )
        }))
        .collect();
    lines.sort_by_key(|(line, _)| *line);
    lines.into_iter().map(|(_, line)| line).collect()
}

/// What the content conventions still ask of the trainer.
fn to_do(conversion: &Conversion) -> String {
    let counts = conversion.counts;
    let mut missing = Vec::new();
    if counts.wrong_options_without_feedback > 0 {
        missing.push(format!(
            "{} wrong option(s) have no feedback",
            counts.wrong_options_without_feedback
        ));
    }
    if counts.questions_without_explanation > 0 {
        missing.push(format!(
            "{} question(s) have no explanation",
            counts.questions_without_explanation
        ));
    }
    if missing.is_empty() {
        return String::new();
    }
    format!(
        "to do: {}; add them (`salesdojo check` lists each one)\n",
        missing.join(" and ")
    )
}

fn write_out(out: &mut dyn Write, text: &str) -> Result<(), String> {
    out.write_all(text.as_bytes())
        .map_err(|error| format!("cannot print the report: {error}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const GIFT: &str = "::Ask first::What now?{=Ask ~Leave#Too early.}\n\n::Essay::Why?{}\n";

    struct Setup {
        dir: tempfile::TempDir,
    }

    impl Setup {
        fn new(gift: &[u8]) -> Self {
            let dir = tempfile::tempdir().expect("temp dir");
            std::fs::create_dir_all(dir.path().join("modules/first")).expect("module dir");
            std::fs::write(dir.path().join("bank.gift"), gift).expect("gift file");
            Self { dir }
        }

        fn args(&self) -> ImportGift {
            ImportGift {
                file: self.dir.path().join("bank.gift"),
                module_dir: self.dir.path().join("modules/first"),
                lang: None,
                force: false,
            }
        }

        fn quiz(&self, name: &str) -> Option<String> {
            std::fs::read_to_string(self.dir.path().join("modules/first").join(name)).ok()
        }
    }

    fn run_capturing(args: &ImportGift) -> (Result<ExitCode, String>, String) {
        let mut out = Vec::new();
        let result = run_with(args, &mut out);
        (result, String::from_utf8(out).expect("utf-8 output"))
    }

    #[test]
    fn writes_the_quiz_and_reports_skips_with_file_and_line() {
        let setup = Setup::new(GIFT.as_bytes());
        let args = setup.args();

        let (result, output) = run_capturing(&args);

        assert_eq!(result, Ok(ExitCode::SUCCESS));
        let quiz = setup.quiz("quiz.md").expect("quiz.md written");
        assert!(quiz.contains("## What now? {#ask-first}"));
        let file = args.file.display();
        let target = args.module_dir.join("quiz.md");
        assert_eq!(
            output,
            format!(
                "wrote 1 question to {} (1 skipped)\n\
                 {file}:3: skipped: an essay question (`{{}}`) needs a person to grade it; write a role-play `.practice` scene with a rubric instead (Essay)\n\
                 to do: 1 question(s) have no explanation; add them (`salesdojo check` lists each one)\n",
                target.display()
            )
        );
        let leftovers: Vec<_> = std::fs::read_dir(&args.module_dir)
            .expect("module dir")
            .filter_map(Result::ok)
            .map(|entry| entry.file_name())
            .collect();
        assert_eq!(leftovers, ["quiz.md"]);
    }

    #[test]
    fn a_language_writes_the_translation_file_with_its_labels() {
        let setup = Setup::new("陈述。{T}".as_bytes());
        let args = ImportGift {
            lang: Some("zh-CN".to_string()),
            ..setup.args()
        };

        let (result, output) = run_capturing(&args);

        assert_eq!(result, Ok(ExitCode::SUCCESS));
        assert!(output.contains("quiz.zh-CN.md"));
        let quiz = setup.quiz("quiz.zh-CN.md").expect("translation written");
        assert!(quiz.contains("- [x] 正确\n- [ ] 错误\n"));
        assert!(setup.quiz("quiz.md").is_none());
    }

    #[test]
    fn the_default_language_writes_quiz_md() {
        let setup = Setup::new(GIFT.as_bytes());
        let args = ImportGift {
            lang: Some("en".to_string()),
            ..setup.args()
        };

        assert_eq!(run_capturing(&args).0, Ok(ExitCode::SUCCESS));
        assert!(setup.quiz("quiz.md").is_some());
    }

    #[test]
    fn a_bad_language_tag_is_refused() {
        let setup = Setup::new(GIFT.as_bytes());
        let args = ImportGift {
            lang: Some("../zh".to_string()),
            ..setup.args()
        };

        let error = run_capturing(&args).0.expect_err("refused");
        assert!(
            error.contains("--lang `../zh` is not a language tag"),
            "{error}"
        );
    }

    #[test]
    fn an_existing_quiz_is_kept_without_force_and_replaced_with_it() {
        let setup = Setup::new(GIFT.as_bytes());
        let args = setup.args();
        std::fs::write(args.module_dir.join("quiz.md"), "hand-written").expect("existing quiz");

        let (result, output) = run_capturing(&args);

        let error = result.expect_err("refused");
        assert!(error.contains("already exists; pass --force"), "{error}");
        assert!(output.is_empty());
        assert_eq!(setup.quiz("quiz.md").as_deref(), Some("hand-written"));

        let forced = ImportGift {
            force: true,
            ..args
        };
        assert_eq!(run_capturing(&forced).0, Ok(ExitCode::SUCCESS));
        assert!(
            setup
                .quiz("quiz.md")
                .is_some_and(|quiz| quiz.starts_with("+++\n"))
        );
    }

    #[test]
    fn nothing_convertible_writes_nothing_and_fails() {
        let setup = Setup::new(b"// only an essay\n::E::Why?{}\n");
        let args = setup.args();

        let (result, output) = run_capturing(&args);

        let error = result.expect_err("nothing converted");
        assert!(error.contains("no question in"), "{error}");
        assert!(
            error.contains("(1 skipped); nothing was written"),
            "{error}"
        );
        assert!(
            output.contains(":2: skipped: an essay question"),
            "{output}"
        );
        assert!(setup.quiz("quiz.md").is_none());
    }

    #[test]
    fn an_unreadable_or_non_utf8_file_is_a_clear_error() {
        let setup = Setup::new(b"Q?{=a ~b}\n\nCaf\xe9?{=a ~b}\n");
        let error = run_capturing(&setup.args()).0.expect_err("not utf-8");
        assert!(
            error.contains("is not UTF-8 text (first bad byte on line 3)"),
            "{error}"
        );
        assert!(error.contains("iconv"), "{error}");

        let missing = ImportGift {
            file: setup.dir.path().join("missing.gift"),
            ..setup.args()
        };
        let error = run_capturing(&missing).0.expect_err("missing file");
        assert!(error.starts_with("cannot read "), "{error}");
        assert!(error.contains("check the path"), "{error}");
    }

    #[test]
    fn a_missing_module_folder_is_a_clear_error() {
        let setup = Setup::new(GIFT.as_bytes());
        let args = ImportGift {
            module_dir: setup.dir.path().join("modules/nope"),
            ..setup.args()
        };

        let error = run_capturing(&args).0.expect_err("no module");
        assert!(
            error.contains("does not exist; create the module"),
            "{error}"
        );
    }

    #[test]
    fn notes_and_skips_are_listed_in_file_order() {
        let setup = Setup::new(b"$CATEGORY: x\n\n::E::Why?{}\n\nPick.{~%70%a ~%30%b ~c#no}\n");
        let args = setup.args();

        let (_, output) = run_capturing(&args);

        let file = args.file.display().to_string();
        let kinds: Vec<&str> = output
            .lines()
            .filter(|line| line.starts_with(&file))
            .filter_map(|line| line.split(": ").nth(1))
            .collect();
        assert_eq!(kinds, ["note", "skipped", "note"]);
        assert!(output.contains("bank.gift:5: note: the right answers have unequal weights"));
    }
}
