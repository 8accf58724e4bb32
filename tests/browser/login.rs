//! The login form refuses a wrong password, in the visitor's language.

use crate::driver::Browser;
use crate::helpers::{Backend, PASSWORD, spawn_app};

const EMAIL: &str = "lena@example.com";
const SUBMIT: &str = "form[action='/login'] button[type=submit]";

#[tokio::test]
async fn wrong_password_shows_the_localized_error() {
    let app = spawn_app(Backend::Sqlite)
        .await
        .expect("SQLite is always available");
    app.create_user(EMAIL, "Lena Learner", &["learner"]).await;
    let Some(mut browser) = Browser::start(&app, "wrong_password_shows_the_localized_error").await
    else {
        return;
    };

    browser.goto("/login").await;
    browser.assert_page_lacks("not right").await;
    browser.fill("#email", EMAIL).await;
    browser.fill("#password", "not the password").await;
    browser.click(SUBMIT).await;
    browser
        .assert_text_eq(
            "main .alert.error",
            "The e-mail address or the password is not right. Check both and try again.",
        )
        .await;
    browser.wait_for_path("/login").await;
    // The form keeps the e-mail address, so only the password needs retyping.
    browser.assert_attr_eq("#email", "value", EMAIL).await;
    browser.screenshot("wrong-password-english").await;

    // The same mistake in Chinese shows the Chinese message.
    browser.select("#lang-switch", "zh-CN").await;
    browser
        .click("form[action='/language'] button[type=submit]")
        .await;
    browser.wait_for("html[lang='zh-CN']").await;
    browser.wait_for_path("/login").await;
    browser.fill("#email", EMAIL).await;
    browser.fill("#password", "still not the password").await;
    browser.click(SUBMIT).await;
    browser
        .assert_text_eq("main .alert.error", "邮箱或密码不正确，请检查后重试。")
        .await;
    browser.assert_page_lacks("not right").await;
    browser.screenshot("wrong-password-chinese").await;

    // The right password still works: the error was about the password.
    browser.fill("#password", PASSWORD).await;
    browser.click(SUBMIT).await;
    browser.wait_for_path("/").await;
    browser
        .assert_text_eq("main h1", "欢迎, Lena Learner")
        .await;
}
