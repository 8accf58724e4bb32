//! Links and images in every Markdown file: module links `../<id>` lead to a
//! module, media links to a file in the module's media/ folder; raw HTML is
//! flagged because the renderer removes it.

use std::sync::Arc;

use super::Context;
use crate::content::diagnostic::{Code, Diagnostic};
use crate::content::load::{MEDIA_DIR, Module};
use crate::content::outline::LinkRef;
use crate::content::source::{SourceFile, Span};
use crate::content::suggest::did_you_mean;

/// What a link destination points at.
#[derive(Debug, PartialEq, Eq)]
enum Target<'a> {
    /// `https:`, `mailto:` and other schemes, or a site-absolute path.
    External,
    /// `#anchor` within the page (and role-play choices).
    Anchor,
    /// `../<module-id>`.
    Module(&'a str),
    /// `media/<file>`, decoded.
    Media(String),
    /// Any other relative path.
    Relative(String),
}

pub(super) fn check(context: &Context<'_>, diagnostics: &mut Vec<Diagnostic>) {
    for module in &context.course.modules {
        for (source, links, raw_html) in markdown_files(module) {
            for link in links {
                check_link(context, module, source, link, diagnostics);
            }
            for html in raw_html {
                diagnostics.push(Diagnostic::at(
                    Code::RawHtml,
                    source,
                    source.first_line(*html),
                    "raw HTML is removed when the page is rendered",
                    "use Markdown instead: `**bold**`, lists, tables, `> [!NOTE]` callouts, images from media/",
                ));
            }
        }
    }
}

type MarkdownFile<'a> = (&'a Arc<SourceFile>, &'a [LinkRef], &'a [Span]);

/// Every Markdown file of a module, in every language.
fn markdown_files(module: &Module) -> Vec<MarkdownFile<'_>> {
    let mut files: Vec<MarkdownFile<'_>> = Vec::new();
    for lesson in std::iter::once(&module.lesson.default).chain(module.lesson.translations.values())
    {
        files.push((&lesson.source, &lesson.links, &lesson.raw_html));
    }
    if let Some(quiz) = &module.quiz {
        for quiz in std::iter::once(&quiz.default).chain(quiz.translations.values()) {
            files.push((&quiz.source, &quiz.links, &quiz.raw_html));
        }
    }
    for roleplay in &module.roleplays {
        let files_of =
            std::iter::once(&roleplay.files.default).chain(roleplay.files.translations.values());
        for roleplay in files_of {
            files.push((&roleplay.source, &roleplay.links, &roleplay.raw_html));
        }
    }
    files
}

fn check_link(
    context: &Context<'_>,
    module: &Module,
    source: &Arc<SourceFile>,
    link: &LinkRef,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let kind = if link.is_image { "image" } else { "link" };
    match classify(&link.destination) {
        Target::External | Target::Anchor => {}
        Target::Module(id) => {
            if !context.course.has_module(id) {
                diagnostics.push(Diagnostic::at(
                    Code::BrokenModuleLink,
                    source,
                    link.span,
                    format!("this link leads to module `{id}`, which does not exist"),
                    did_you_mean(id, context.module_ids(), "modules"),
                ));
            }
        }
        Target::Media(file) => {
            if file.split('/').any(|part| part == ".." || part.is_empty()) {
                diagnostics.push(Diagnostic::at(
                    Code::MediaOutsideModule,
                    source,
                    link.span,
                    format!(
                        "the {kind} `{}` leaves the module's media/ folder",
                        link.destination
                    ),
                    "put the file in this module's media/ folder and link `media/<file>`",
                ));
            } else if !module.media.contains(&file) {
                diagnostics.push(Diagnostic::at(
                    Code::MissingMedia,
                    source,
                    link.span,
                    format!(
                        "the {kind} `{}` has no file {}",
                        link.destination,
                        module.file(&file).display()
                    ),
                    did_you_mean(
                        &file,
                        module.media.iter().map(String::as_str),
                        "media files",
                    ),
                ));
            }
        }
        Target::Relative(path) if link.is_image => diagnostics.push(Diagnostic::at(
            Code::MediaOutsideModule,
            source,
            link.span,
            format!("the image `{path}` is not in the module's media/ folder"),
            "put images in this module's media/ folder and link `media/<file>`",
        )),
        Target::Relative(_) => {}
    }
}

fn classify(destination: &str) -> Target<'_> {
    let without_fragment = destination.split(['#', '?']).next().unwrap_or(destination);
    if destination.starts_with('#') {
        return Target::Anchor;
    }
    if has_scheme(destination) || destination.starts_with('/') || destination.starts_with("//") {
        return Target::External;
    }
    if let Some(rest) = without_fragment.strip_prefix("../") {
        let id = rest.split('/').next().unwrap_or(rest);
        if !id.is_empty() && id != ".." {
            return Target::Module(id);
        }
    }
    let path = without_fragment
        .strip_prefix("./")
        .unwrap_or(without_fragment);
    let decoded = percent_decode(path);
    if decoded.starts_with(&format!("{MEDIA_DIR}/")) {
        Target::Media(decoded)
    } else {
        Target::Relative(decoded)
    }
}

/// `https:`, `mailto:`, `data:`... : letters, digits, `+.-`, then a colon.
fn has_scheme(destination: &str) -> bool {
    destination.split_once(':').is_some_and(|(scheme, _)| {
        !scheme.is_empty()
            && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
    })
}

/// `%20` -> space; invalid escapes are kept as written.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let escaped = (bytes[index] == b'%')
            .then(|| text.get(index + 1..index + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escaped {
            Some(byte) => {
                decoded.push(byte);
                index += 3;
            }
            None => {
                decoded.push(bytes[index]);
                index += 1;
            }
        }
    }
    String::from_utf8(decoded).unwrap_or_else(|_| text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_destinations() {
        assert_eq!(classify("https://example.com"), Target::External);
        assert_eq!(classify("mailto:a@b.c"), Target::External);
        assert_eq!(classify("/modules/x"), Target::External);
        assert_eq!(classify("#start"), Target::Anchor);
        assert_eq!(
            classify("../objection-handling"),
            Target::Module("objection-handling")
        );
        assert_eq!(
            classify("../negotiation/#part"),
            Target::Module("negotiation")
        );
        assert_eq!(
            classify("media/a%20b.svg"),
            Target::Media("media/a b.svg".to_string())
        );
        assert_eq!(
            classify("./media/x.svg#v"),
            Target::Media("media/x.svg".to_string())
        );
        assert_eq!(
            classify("media/../../x"),
            Target::Media("media/../../x".to_string())
        );
        assert_eq!(
            classify("img/x.png"),
            Target::Relative("img/x.png".to_string())
        );
    }

    #[test]
    fn percent_decoding_keeps_invalid_escapes() {
        assert_eq!(percent_decode("a%2"), "a%2");
        assert_eq!(percent_decode("%E5%AE%A2"), "客");
    }
}

#[cfg(test)]
mod link_tests {
    use crate::content::diagnostic::Code;
    use crate::content::fixtures::{SECOND_LESSON, course_with, diagnostics_with, only, places};

    #[test]
    fn reports_broken_module_links_missing_media_and_raw_html() {
        let lesson = SECOND_LESSON.replace(
            "![Trading](media/trade.svg)",
            "![Trading](media/trde.svg) [Back](../frist) [Web](https://example.com)\n\n![Up](media/../../first/lesson.md)\n\n<div>raw</div>",
        );
        let course = course_with(&[("modules/second/lesson.md", Some(&lesson))]);

        let report = course.check();

        let file = "modules/second/lesson.md".to_string();
        assert_eq!(
            places(&course.root, &report.diagnostics),
            [
                (Code::MissingMedia, file.clone(), 12, 1),
                (Code::BrokenModuleLink, file.clone(), 12, 28),
                (Code::MediaOutsideModule, file.clone(), 14, 1),
                (Code::RawHtml, file, 16, 1),
            ]
        );
        assert_eq!(
            only(&report.diagnostics, Code::MissingMedia).help,
            "did you mean `media/trade.svg`?"
        );
        assert_eq!(
            only(&report.diagnostics, Code::BrokenModuleLink).help,
            "did you mean `first`?"
        );
    }

    #[test]
    fn links_in_quizzes_are_checked_too() {
        let diagnostics = diagnostics_with(
            "modules/first/quiz.md",
            &crate::content::fixtures::FIRST_QUIZ
                .replace("Start from the need.", "See [this](../nowhere)."),
        );

        let error = only(&diagnostics, Code::BrokenModuleLink);
        assert!(error.file.ends_with("modules/first/quiz.md"));
        assert_eq!((error.line, error.column), (15, 5));
    }
}
