//! Switching the interface to Chinese.

use crate::driver::Browser;
use crate::helpers::{Backend, PASSWORD, spawn_app};

const EMAIL: &str = "lena@example.com";

#[tokio::test]
async fn switching_to_chinese_translates_the_dashboard() {
    let app = spawn_app(Backend::Sqlite)
        .await
        .expect("SQLite is always available");
    app.create_user(EMAIL, "Lena Learner", &["learner"]).await;
    let Some(mut browser) =
        Browser::start(&app, "switching_to_chinese_translates_the_dashboard").await
    else {
        return;
    };

    browser.login(EMAIL, PASSWORD).await;
    browser.wait_for_path("/").await;
    browser.wait_for("html[lang='en']").await;
    browser
        .assert_text_eq("main h1", "Welcome, Lena Learner")
        .await;
    browser.screenshot("dashboard-english").await;

    // The language menu in the header, as a person would use it.
    browser.select("#lang-switch", "zh-CN").await;
    browser
        .click("form[action='/language'] button[type=submit]")
        .await;
    browser.wait_for("html[lang='zh-CN']").await;
    browser.wait_for_path("/").await;
    browser
        .assert_text_eq("main h1", "欢迎, Lena Learner")
        .await;
    browser
        .assert_text_eq("main .card h2", "下一步做什么")
        .await;
    browser
        .assert_text_eq("header nav a[href='/modules']", "课程")
        .await;
    browser.assert_page_lacks("Welcome").await;
    browser.screenshot("dashboard-chinese").await;

    // The choice sticks: the next page is Chinese too.
    browser.click("header nav a[href='/modules']").await;
    browser.wait_for_path("/modules").await;
    browser.assert_text_eq("main h1", "课程").await;
    browser.screenshot("modules-chinese").await;
}
