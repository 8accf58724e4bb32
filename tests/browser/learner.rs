//! A learner logs in and finds a lesson.

use crate::driver::Browser;
use crate::helpers::{Backend, PASSWORD, spawn_app};

const EMAIL: &str = "lena@example.com";

#[tokio::test]
async fn learner_logs_in_and_opens_a_lesson() {
    let app = spawn_app(Backend::Sqlite)
        .await
        .expect("SQLite is always available");
    app.create_user(EMAIL, "Lena Learner", &["learner"]).await;
    let Some(mut browser) = Browser::start(&app, "learner_logs_in_and_opens_a_lesson").await else {
        return;
    };

    browser.goto("/").await;
    // Not logged in: the dashboard sends the visitor to the login form.
    browser.wait_for("form[action='/login']").await;
    browser.screenshot("login-form").await;

    browser.login(EMAIL, PASSWORD).await;
    browser.wait_for_path("/").await;
    browser
        .assert_text_eq("main h1", "Welcome, Lena Learner")
        .await;
    browser.assert_text_contains("main dd", EMAIL).await;
    browser.screenshot("dashboard").await;

    browser.click("header nav a[href='/modules']").await;
    browser.wait_for_path("/modules").await;
    browser.assert_text_eq("main h1", "Courses").await;
    browser
        .assert_text_contains(
            "a.module-title[href='/modules/objection-handling']",
            "Handling objections and complaints",
        )
        .await;
    browser.screenshot("modules").await;

    browser
        .click("a.module-title[href='/modules/objection-handling']")
        .await;
    browser.wait_for_path("/modules/objection-handling").await;
    browser
        .assert_text_eq("article.lesson h1", "Handling objections and complaints")
        .await;
    // The lesson body, rendered from content/modules/objection-handling/lesson.md.
    browser
        .assert_text_eq(".prose h2", "What an objection usually means")
        .await;
    browser
        .assert_text_contains(".prose", "The four steps")
        .await;
    browser.screenshot("module-objection-handling").await;
}
