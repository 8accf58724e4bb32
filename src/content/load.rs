//! Reading a content folder into a `Course`. This is the only file of the
//! pipeline that touches the file system; everything it reads goes through
//! the pure parsers, and every problem becomes a diagnostic.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::competencies::{self, Framework};
use super::diagnostic::{Code, Diagnostic};
use super::ids::{is_kebab_id, kebab_help};
use super::lesson::{self, Lesson};
use super::localized::{DEFAULT_LANGUAGE, Localized, is_language_tag};
use super::path::{self, LearningPath};
use super::quiz::{self, Quiz};
use super::roleplay::{self, RolePlay};
use super::source::SourceFile;

pub const FRAMEWORK_FILE: &str = "competencies.toml";
pub const PATHS_DIR: &str = "paths";
pub const MODULES_DIR: &str = "modules";
pub const MEDIA_DIR: &str = "media";
const ROLEPLAY_PREFIX: &str = "roleplay-";

/// One of the pure parsers (`lesson::parse`, `quiz::parse`, ...).
type Parser<T> = fn(&Arc<SourceFile>) -> (Option<T>, Vec<Diagnostic>);

/// Everything in a content folder, as typed values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Course {
    /// The folder as given; diagnostics name files under it.
    pub root: PathBuf,
    /// Empty when competencies.toml is missing or broken (already reported).
    pub framework: Framework,
    /// Sorted by file name.
    pub paths: Vec<LearningPath>,
    /// Sorted by id.
    pub modules: Vec<Module>,
    /// Module folders whose lesson could not be read. Their problems are
    /// already reported; cross-checks treat the ids as existing so one broken
    /// lesson does not also break every link to it.
    pub unloaded_modules: BTreeSet<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Module {
    /// The folder name.
    pub id: String,
    pub dir: PathBuf,
    pub lesson: Localized<Lesson>,
    pub quiz: Option<Localized<Quiz>>,
    /// Sorted by name.
    pub roleplays: Vec<NamedRolePlay>,
    /// Files under media/, relative to the module folder (`media/a.svg`).
    pub media: BTreeSet<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedRolePlay {
    /// From the file name `roleplay-<name>.md`; used in URLs.
    pub name: String,
    pub files: Localized<RolePlay>,
}

impl Course {
    pub fn module(&self, id: &str) -> Option<&Module> {
        self.modules.iter().find(|module| module.id == id)
    }

    /// Whether a module folder with this id exists (loaded or not).
    pub fn has_module(&self, id: &str) -> bool {
        self.module(id).is_some() || self.unloaded_modules.contains(id)
    }
}

impl Module {
    /// The path of a file in this module's folder, as diagnostics name it.
    pub fn file(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }
}

/// Reads the whole folder. Never stops at a problem: a file that cannot be
/// read or parsed is reported and left out, and the rest is still loaded.
pub fn load(root: &Path) -> (Course, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let framework_path = root.join(FRAMEWORK_FILE);
    let mut course = Course {
        root: root.to_path_buf(),
        framework: Framework::empty(Arc::new(SourceFile::new(&framework_path, ""))),
        paths: Vec::new(),
        modules: Vec::new(),
        unloaded_modules: BTreeSet::new(),
    };
    if !root.is_dir() {
        diagnostics.push(Diagnostic::for_path(
            Code::FolderUnreadable,
            root,
            format!("`{}` is not a folder", root.display()),
            "give the content folder, the one holding competencies.toml, paths/ and modules/",
        ));
        return (course, diagnostics);
    }
    if framework_path.is_file() {
        if let Some(framework) =
            read_and_parse(&framework_path, competencies::parse, &mut diagnostics)
        {
            course.framework = framework;
        }
    } else {
        diagnostics.push(Diagnostic::for_path(
            Code::FrameworkMissing,
            &framework_path,
            "the content folder has no competencies.toml",
            "create competencies.toml with `levels`, `[[competency]]` and `[[role]]` tables",
        ));
    }
    for file in sorted_entries(&root.join(PATHS_DIR), &mut diagnostics) {
        if file
            .extension()
            .is_some_and(|extension| extension == "toml")
            && let Some(path) = read_and_parse(&file, path::parse, &mut diagnostics)
        {
            course.paths.push(path);
        }
    }
    for dir in sorted_entries(&root.join(MODULES_DIR), &mut diagnostics) {
        if !dir.is_dir() {
            continue;
        }
        let id = file_name(&dir);
        if !is_kebab_id(&id) {
            diagnostics.push(Diagnostic::for_path(
                Code::InvalidId,
                &dir,
                format!("module folder name `{id}` is not a valid module id"),
                format!("rename the folder; {}", kebab_help(&id)),
            ));
        }
        match load_module(&dir, id.clone(), &mut diagnostics) {
            Some(module) => course.modules.push(module),
            None => {
                course.unloaded_modules.insert(id);
            }
        }
    }
    (course, diagnostics)
}

/// The files of one module, grouped by what they are and by language.
#[derive(Default)]
struct ModuleFiles {
    lesson: BTreeMap<String, PathBuf>,
    quiz: BTreeMap<String, PathBuf>,
    roleplays: BTreeMap<String, BTreeMap<String, PathBuf>>,
}

fn load_module(dir: &Path, id: String, diagnostics: &mut Vec<Diagnostic>) -> Option<Module> {
    let mut files = ModuleFiles::default();
    let mut media = BTreeSet::new();
    for entry in sorted_entries(dir, diagnostics) {
        let name = file_name(&entry);
        if name.starts_with('.') {
            continue;
        }
        if entry.is_dir() {
            if name == MEDIA_DIR {
                list_media(&entry, MEDIA_DIR, &mut media, diagnostics);
            } else {
                report_unknown_file(&entry, diagnostics);
            }
            continue;
        }
        match classify(&name) {
            Some((FileKind::Lesson, language)) => {
                files.lesson.insert(language, entry);
            }
            Some((FileKind::Quiz, language)) => {
                files.quiz.insert(language, entry);
            }
            Some((FileKind::RolePlay(roleplay), language)) => {
                if !is_kebab_id(&roleplay) {
                    diagnostics.push(Diagnostic::for_path(
                        Code::InvalidId,
                        &entry,
                        format!("role-play name `{roleplay}` is not a valid id"),
                        format!(
                            "rename the file to roleplay-<name>.md; {}",
                            kebab_help(&roleplay)
                        ),
                    ));
                }
                files
                    .roleplays
                    .entry(roleplay)
                    .or_default()
                    .insert(language, entry);
            }
            None => report_unknown_file(&entry, diagnostics),
        }
    }
    if files.lesson.is_empty() {
        diagnostics.push(Diagnostic::for_path(
            Code::MissingLesson,
            dir,
            format!("module `{id}` has no lesson.md"),
            format!(
                "add {}/lesson.md with front matter and a lesson body",
                dir.display()
            ),
        ));
    }
    let lesson = load_localized(files.lesson, lesson::parse, diagnostics);
    let quiz = load_localized(files.quiz, quiz::parse, diagnostics);
    let roleplays = files
        .roleplays
        .into_iter()
        .filter_map(|(name, by_language)| {
            load_localized(by_language, roleplay::parse, diagnostics)
                .map(|files| NamedRolePlay { name, files })
        })
        .collect();
    Some(Module {
        id,
        dir: dir.to_path_buf(),
        lesson: lesson?,
        quiz,
        roleplays,
        media,
    })
}

enum FileKind {
    Lesson,
    Quiz,
    RolePlay(String),
}

/// `lesson.md` -> (Lesson, "en"); `roleplay-price.zh-CN.md` ->
/// (RolePlay("price"), "zh-CN"); anything else -> None.
fn classify(file_name: &str) -> Option<(FileKind, String)> {
    let stem = file_name.strip_suffix(".md")?;
    let (base, language) = match stem.rsplit_once('.') {
        Some((base, language)) if is_language_tag(language) => (base, language),
        Some(_) => return None,
        None => (stem, DEFAULT_LANGUAGE),
    };
    let kind = match base {
        "lesson" => FileKind::Lesson,
        "quiz" => FileKind::Quiz,
        _ => FileKind::RolePlay(base.strip_prefix(ROLEPLAY_PREFIX)?.to_string()),
    };
    Some((kind, language.to_string()))
}

/// Parses the default-language file and its translations. Translations of a
/// file that does not exist, or could not be read, are reported and dropped.
fn load_localized<T>(
    mut by_language: BTreeMap<String, PathBuf>,
    parse: Parser<T>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Localized<T>> {
    let default_path = by_language.remove(DEFAULT_LANGUAGE);
    let default = default_path
        .as_ref()
        .and_then(|path| read_and_parse(path, parse, diagnostics));
    let mut translations = BTreeMap::new();
    for (language, path) in by_language {
        if default_path.is_none() {
            let original = original_name(&path, &language);
            diagnostics.push(Diagnostic::for_path(
                Code::TranslationWithoutOriginal,
                &path,
                format!("this {language} translation has no {original} to translate"),
                format!(
                    "add {original} in {DEFAULT_LANGUAGE}, or rename the file if it is the original"
                ),
            ));
            continue;
        }
        if let Some(translation) = read_and_parse(&path, parse, diagnostics) {
            translations.insert(language, translation);
        }
    }
    Some(Localized {
        default: default?,
        translations,
    })
}

/// `quiz.zh-CN.md` -> `quiz.md`.
fn original_name(path: &Path, language: &str) -> String {
    file_name(path).replace(&format!(".{language}.md"), ".md")
}

fn read_and_parse<T>(
    path: &Path,
    parse: Parser<T>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<T> {
    let source = read_source(path, diagnostics)?;
    let (parsed, found) = parse(&source);
    diagnostics.extend(found);
    parsed
}

fn read_source(path: &Path, diagnostics: &mut Vec<Diagnostic>) -> Option<Arc<SourceFile>> {
    let bytes = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(error) => {
            diagnostics.push(Diagnostic::for_path(
                Code::FileUnreadable,
                path,
                format!("cannot read the file: {error}"),
                "check that the file exists and can be read by the user running salesdojo",
            ));
            return None;
        }
    };
    match String::from_utf8(bytes) {
        Ok(text) => {
            // Editors on Windows may add a byte-order mark; it is not content.
            let text = text
                .strip_prefix('\u{feff}')
                .map(str::to_string)
                .unwrap_or(text);
            Some(Arc::new(SourceFile::new(path, text)))
        }
        Err(error) => {
            diagnostics.push(Diagnostic::for_path(
                Code::FileUnreadable,
                path,
                format!(
                    "the file is not UTF-8 text (invalid byte at offset {})",
                    error.utf8_error().valid_up_to()
                ),
                "save the file as UTF-8",
            ));
            None
        }
    }
}

fn list_media(
    dir: &Path,
    prefix: &str,
    media: &mut BTreeSet<String>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    for entry in sorted_entries(dir, diagnostics) {
        let relative = format!("{prefix}/{}", file_name(&entry));
        if entry.is_dir() {
            list_media(&entry, &relative, media, diagnostics);
        } else {
            media.insert(relative);
        }
    }
}

fn report_unknown_file(path: &Path, diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.push(Diagnostic::for_path(
        Code::UnknownFile,
        path,
        format!("`{}` is not a file the course uses", file_name(path)),
        "a module folder holds lesson.md, quiz.md, roleplay-<name>.md (each optionally as <name>.<language>.md) and media/; rename or remove this one",
    ));
}

/// The entries of a folder sorted by name (so output is stable); a missing
/// folder has no entries, an unreadable one is reported.
fn sorted_entries(dir: &Path, diagnostics: &mut Vec<Diagnostic>) -> Vec<PathBuf> {
    if !dir.exists() {
        return Vec::new();
    }
    match fs::read_dir(dir) {
        Ok(entries) => {
            let mut paths: Vec<PathBuf> = entries
                .filter_map(Result::ok)
                .map(|entry| entry.path())
                .collect();
            paths.sort();
            paths
        }
        Err(error) => {
            diagnostics.push(Diagnostic::for_path(
                Code::FolderUnreadable,
                dir,
                format!("cannot read the folder: {error}"),
                "check that the folder can be read by the user running salesdojo",
            ));
            Vec::new()
        }
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::diagnostic::Code;

    fn kind_and_language(name: &str) -> Option<(String, String)> {
        classify(name).map(|(kind, language)| {
            let kind = match kind {
                FileKind::Lesson => "lesson".to_string(),
                FileKind::Quiz => "quiz".to_string(),
                FileKind::RolePlay(name) => format!("roleplay:{name}"),
            };
            (kind, language)
        })
    }

    #[test]
    fn classifies_module_files_by_kind_and_language() {
        let pair = |kind: &str, language: &str| Some((kind.to_string(), language.to_string()));
        assert_eq!(kind_and_language("lesson.md"), pair("lesson", "en"));
        assert_eq!(
            kind_and_language("lesson.zh-CN.md"),
            pair("lesson", "zh-CN")
        );
        assert_eq!(kind_and_language("quiz.md"), pair("quiz", "en"));
        assert_eq!(
            kind_and_language("roleplay-price-talk.zh-CN.md"),
            pair("roleplay:price-talk", "zh-CN")
        );
        assert_eq!(kind_and_language("lesson.draft.md"), None);
        assert_eq!(kind_and_language("quizz.md"), None);
        assert_eq!(kind_and_language("notes.txt"), None);
        assert_eq!(kind_and_language("roleplay.md"), None);
    }

    #[test]
    fn unknown_files_bad_names_and_unreadable_files_are_reported() {
        use crate::content::fixtures::{TempCourse, base_files, places};

        let mut files = base_files();
        files.push(("modules/first/quizz.md".into(), "+++\n+++\n".into()));
        files.push(("modules/first/notes/draft.md".into(), "x".into()));
        files.push(("modules/first/.DS_Store".into(), "x".into()));
        files.push((
            "modules/first/roleplay-Bad_Name.md".into(),
            "+++\ntitle = \"x\"\n+++\n".into(),
        ));
        let course = TempCourse::new(&files);
        std::fs::write(
            course.root.join("modules/second/quiz.md"),
            [0xff, 0xfe, 0x00],
        )
        .expect("write binary file");
        std::fs::create_dir_all(course.root.join("modules/Third")).expect("create folder");

        let report = course.check();

        let found: Vec<(Code, String)> = places(&course.root, &report.diagnostics)
            .into_iter()
            .map(|(code, file, ..)| (code, file))
            .filter(|(code, _)| {
                code.as_str().starts_with("module/")
                    || code.as_str().starts_with("io/")
                    || *code == Code::InvalidId
            })
            .collect();
        let expected = [
            (Code::InvalidId, "modules/Third"),
            (Code::MissingLesson, "modules/Third"),
            (Code::UnknownFile, "modules/first/notes"),
            (Code::UnknownFile, "modules/first/quizz.md"),
            (Code::InvalidId, "modules/first/roleplay-Bad_Name.md"),
            (Code::FileUnreadable, "modules/second/quiz.md"),
        ];
        let expected: Vec<(Code, String)> = expected
            .iter()
            .map(|(code, file)| (*code, file.to_string()))
            .collect();
        assert_eq!(found, expected, "{:#?}", report.diagnostics);
        let unreadable = report
            .diagnostics
            .iter()
            .find(|d| d.code == Code::FileUnreadable);
        assert!(unreadable.is_some_and(|d| d.message.contains("not UTF-8")));
    }

    #[test]
    fn a_byte_order_mark_is_not_content() {
        use crate::content::fixtures::{FIRST_LESSON, course_with};

        let with_bom = format!("\u{feff}{FIRST_LESSON}");
        let course = course_with(&[("modules/first/lesson.md", Some(&with_bom))]);

        let report = course.check();

        assert!(report.diagnostics.is_empty(), "{:#?}", report.diagnostics);
    }

    #[test]
    fn original_name_drops_the_language() {
        assert_eq!(
            original_name(Path::new("m/roleplay-x.zh-CN.md"), "zh-CN"),
            "roleplay-x.md"
        );
    }
}
