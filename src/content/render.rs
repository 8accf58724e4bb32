//! Markdown to safe HTML, once at load: links into `media/` and to other
//! modules are rewritten to the server's routes, then the HTML goes through
//! an allow-list sanitizer (unless it is plain prose, which it could not
//! change), so nothing a content file contains (raw HTML, scripts, event
//! handlers, `javascript:` links, styles) reaches a page.

use std::collections::HashSet;
use std::sync::LazyLock;

use pulldown_cmark::{CowStr, Event, Parser, Tag};

use super::markdown::options;

/// The only classes that survive: GitHub-style callouts and footnotes, which
/// the stylesheet draws.
const ALLOWED_CLASSES: [(&str, &[&str]); 3] = [
    (
        "blockquote",
        &[
            "markdown-alert-note",
            "markdown-alert-tip",
            "markdown-alert-important",
            "markdown-alert-warning",
            "markdown-alert-caution",
        ],
    ),
    ("div", &["footnote-definition"]),
    ("sup", &["footnote-reference"]),
];

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::default();
    builder
        .add_tags(["input"])
        // Task-list checkboxes only: shown, never editable.
        .add_tag_attributes("input", ["type", "checked", "disabled"])
        .add_tag_attributes("div", ["id"])
        .attribute_filter(|element, attribute, value| match (element, attribute) {
            ("input", "type") if value != "checkbox" => None,
            _ => Some(value.into()),
        })
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        .link_rel(Some("noopener noreferrer"));
    for (tag, classes) in ALLOWED_CLASSES {
        builder.add_allowed_classes(tag, classes.iter().copied());
    }
    builder
});

/// Where rendered links point: the module's own media route and other modules' pages.
pub struct LinkContext<'a> {
    pub module_id: &'a str,
}

/// Renders Markdown to sanitized HTML.
///
/// Most pieces (a question's options, a short feedback) are plain prose:
/// paragraphs, emphasis, lists, code spans. For those, pulldown-cmark's
/// writer emits only tags the sanitizer allows, without attributes other
/// than an ordered list's `start` and a callout's allowed class, and
/// escapes every character of text, so the sanitizer would change nothing;
/// it is skipped, which saves a third of start-up with 500 modules. Any
/// other event (raw HTML, a link, an image, a table, a footnote, a task
/// box, a heading with attributes) sends the whole piece through it.
pub fn to_html(markdown: &str, links: &LinkContext<'_>) -> String {
    let (html, plain) = write_html(markdown, links);
    if plain {
        html
    } else {
        SANITIZER.clean(&html).to_string()
    }
}

/// pulldown-cmark's HTML for `markdown`, and whether it is plain (every event
/// [`is_plain`]).
fn write_html(markdown: &str, links: &LinkContext<'_>) -> (String, bool) {
    let mut plain = true;
    let events = Parser::new_ext(markdown, options()).map(|event| {
        plain &= is_plain(&event);
        rewrite(event, links)
    });
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events);
    (html, plain)
}

/// Whether pulldown-cmark writes `event` as markup the sanitizer keeps as it
/// is (see [`to_html`]).
fn is_plain(event: &Event<'_>) -> bool {
    match event {
        Event::Text(_) | Event::Code(_) | Event::SoftBreak | Event::HardBreak | Event::Rule => true,
        // Every end closes a start that was checked.
        Event::End(_) => true,
        Event::Start(
            Tag::Paragraph
            | Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::List(_)
            | Tag::Item
            | Tag::BlockQuote(_),
        ) => true,
        Event::Start(Tag::Heading {
            id, classes, attrs, ..
        }) => id.is_none() && classes.is_empty() && attrs.is_empty(),
        _ => false,
    }
}

/// Renders a short piece (an option, a choice label) without the wrapping paragraph.
pub fn to_inline_html(markdown: &str, links: &LinkContext<'_>) -> String {
    let html = to_html(markdown, links);
    let trimmed = html.trim();
    match trimmed
        .strip_prefix("<p>")
        .and_then(|s| s.strip_suffix("</p>"))
    {
        Some(inner) if !inner.contains("<p>") => inner.to_owned(),
        _ => trimmed.to_owned(),
    }
}

fn rewrite<'e>(event: Event<'e>, links: &LinkContext<'_>) -> Event<'e> {
    match event {
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Image {
            link_type,
            dest_url: rewrite_url(dest_url, links),
            title,
            id,
        }),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: rewrite_url(dest_url, links),
            title,
            id,
        }),
        other => other,
    }
}

fn rewrite_url<'e>(url: CowStr<'e>, links: &LinkContext<'_>) -> CowStr<'e> {
    let path = url.strip_prefix("./").unwrap_or(&url);
    if let Some(file) = path.strip_prefix("media/") {
        return format!("/modules/{}/media/{file}", links.module_id).into();
    }
    if let Some(other) = path.strip_prefix("../") {
        let (module, fragment) = other.split_once('#').unwrap_or((other, ""));
        let module = module.trim_end_matches('/');
        if !module.is_empty() && !module.contains('/') && !module.contains(':') {
            let anchor = if fragment.is_empty() {
                String::new()
            } else {
                format!("#{fragment}")
            };
            return format!("/modules/{module}{anchor}").into();
        }
    }
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(markdown: &str) -> String {
        to_html(
            markdown,
            &LinkContext {
                module_id: "objection-handling",
            },
        )
    }

    #[test]
    fn media_and_module_links_point_at_the_servers_routes() {
        let html = render(
            "![Funnel](media/funnel.svg) and [next](../negotiation-closing) [x](./media/a b.png)",
        );
        assert!(
            html.contains(r#"src="/modules/objection-handling/media/funnel.svg""#),
            "{html}"
        );
        assert!(
            html.contains(r#"href="/modules/negotiation-closing""#),
            "{html}"
        );
    }

    #[test]
    fn hostile_markup_never_survives() {
        for (markdown, forbidden) in [
            ("<script>alert(1)</script>", "<script"),
            ("<img src=x onerror=alert(1)>", "onerror"),
            ("[click](javascript:alert(1))", "javascript:"),
            ("<a href=\"JaVaScRiPt:alert(1)\">x</a>", "avascript"),
            ("<p style=\"background:url(x)\">x</p>", "style="),
            ("<iframe src=\"https://evil.example\"></iframe>", "<iframe"),
            (
                "<form action=\"https://evil.example\"><input type=\"password\"></form>",
                "password",
            ),
            ("<svg><script>alert(1)</script></svg>", "alert"),
            ("<div onclick=\"x()\" class=\"evil\">x</div>", "onclick"),
            ("<object data=\"x.swf\"></object>", "<object"),
            (
                "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example\">",
                "refresh",
            ),
        ] {
            let html = render(markdown);
            assert!(
                !html.to_lowercase().contains(forbidden),
                "{markdown} -> {html}"
            );
        }
    }

    /// What the sanitizer's serializer writes differently for the same
    /// markup: void tags without the slash, quotes in text unescaped.
    fn as_serialized(html: &str) -> String {
        html.replace("<br />", "<br>")
            .replace("<hr />", "<hr>")
            .replace("&quot;", "\"")
            .replace('\u{a0}', "&nbsp;")
    }

    /// The sanitizer is skipped only where it would change nothing.
    fn check_plain_pieces_need_no_sanitizer(markdown: &str) -> bool {
        let links = LinkContext {
            module_id: "objection-handling",
        };
        let (html, plain) = write_html(markdown, &links);
        if plain {
            assert_eq!(
                as_serialized(&html),
                SANITIZER.clean(&html).to_string(),
                "{markdown:?}"
            );
        }
        plain
    }

    #[test]
    fn prose_skips_the_sanitizer_and_markup_does_not() {
        let plain = [
            "Ask *why* before **what**.",
            "1. Listen\n2. Acknowledge\n\n3. Ask",
            "- one\n  - nested `code <b>`\n\n> [!NOTE]\n> Careful & \"quoted\" 'text'\n\n---\n\n# Title\n\n~~old~~  \nline",
            "5 < 6 > 4 & \u{a0}done",
        ];
        for markdown in plain {
            assert!(
                check_plain_pieces_need_no_sanitizer(markdown),
                "{markdown:?}"
            );
        }
        let sanitized = [
            "<b>raw</b>",
            "text <script>x</script>",
            "[link](https://example.com)",
            "![img](media/a.png)",
            "| a |\n|---|\n| 1 |",
            "x[^1]\n\n[^1]: note",
            "- [ ] box",
            "# Title {#id .class}",
            "```js\ncode\n```",
            "<https://auto.example>",
        ];
        for markdown in sanitized {
            assert!(
                !check_plain_pieces_need_no_sanitizer(markdown),
                "{markdown:?}"
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn whatever_skips_the_sanitizer_is_what_it_would_keep(
            markdown in "[a-z0-9 <>&\"'\\[\\]()*_#`!:|{}.~=\\-\n>\u{a0}]{0,120}"
        ) {
            check_plain_pieces_need_no_sanitizer(&markdown);
        }
    }

    #[test]
    fn deep_nesting_renders_without_trouble() {
        let markdown = format!("{}deep", "> ".repeat(5_000));
        let html = render(&markdown);
        assert!(html.contains("deep"));
    }

    #[test]
    fn callouts_checklists_tables_and_footnotes_keep_their_meaning() {
        let html = render(
            "> [!TIP]\n> Ask first.\n\n- [x] done\n- [ ] open\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nText[^1]\n\n[^1]: Note.\n",
        );
        assert!(
            html.contains(r#"<blockquote class="markdown-alert-tip">"#),
            "{html}"
        );
        assert!(
            html.contains(r#"type="checkbox""#) && html.contains("disabled"),
            "{html}"
        );
        assert!(
            html.contains("<table>") && html.contains("<td>1</td>"),
            "{html}"
        );
        assert!(html.contains("footnote-definition"), "{html}");
    }

    #[test]
    fn inline_pieces_lose_their_paragraph() {
        assert_eq!(
            to_inline_html("Ask **why**", &LinkContext { module_id: "m" }),
            "Ask <strong>why</strong>"
        );
    }
}
