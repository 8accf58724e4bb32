//! A learner does the daily review with the keyboard alone: the dashboard
//! says how many cards are due, each card is answered with arrow keys,
//! Space and Enter, the feedback follows, and the end says what was kept.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use time::Duration;

use crate::driver::{BROWSER_TIME_ZONE, Browser};
use crate::helpers::{Backend, PASSWORD, copy_dir, spawn_app_with_content};

/// WebDriver key codes.
const SPACE: &str = "\u{e00d}";
const TAB: &str = "\u{e004}";
const DOWN: &str = "\u{e015}";
const ENTER: &str = "\u{e007}";

fn course(dir: &Path) -> PathBuf {
    let target = dir.join("content");
    copy_dir(
        &PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/content/valid"),
        &target,
    );
    target
}

/// The right options of the fixture's discovery questions, by source index.
fn right(question: &str) -> &'static [&'static str] {
    match question {
        "first-question" => &["1"],
        "open-questions" => &["0", "1"],
        _ => &[],
    }
}

#[tokio::test]
async fn a_learner_does_the_daily_review_with_the_keyboard_alone() {
    let app = spawn_app_with_content(Backend::Sqlite, course)
        .await
        .expect("SQLite is always available");
    app.create_learner("kim@example.com", "Kim Keys", "new-hire")
        .await;
    let kim = app.login("kim@example.com").await;
    let started: Value = kim
        .post_json(
            &app,
            "/api/v1/modules/discovery-basics/attempts",
            &json!({}),
        )
        .await
        .json()
        .await
        .unwrap();
    let id = started["attempt_id"].as_str().unwrap();
    kim.put_json(
        &app,
        &format!("/api/v1/attempts/{id}"),
        &json!({"answers": {"first-question": [1], "open-questions": [0, 1]}}),
    )
    .await;
    app.clock.advance(Duration::days(3));
    let Some(mut browser) = Browser::start(
        &app,
        "a_learner_does_the_daily_review_with_the_keyboard_alone",
    )
    .await
    else {
        return;
    };
    browser.login("kim@example.com", PASSWORD).await;
    browser.wait_for_path("/").await;
    browser.assert_text_eq("#due-count", "2").await;
    browser.screenshot("dashboard-due").await;
    browser.goto("/daily-review").await;

    for card in 1..=2 {
        browser.wait_for("#review-form").await;
        let question = browser
            .attr("#review-form input[name=question]", "value")
            .await
            .unwrap_or_default();
        let kind = browser
            .attr("#review-form input[name=kind]", "value")
            .await
            .unwrap_or_default();
        // Both fixture questions have three options, shown in a fresh order.
        let mut values = Vec::new();
        for position in 1..=3 {
            let css = format!("#review-card label.option:nth-of-type({position}) input");
            values.push(browser.attr(&css, "value").await.unwrap_or_default());
        }
        assert!(
            browser.focused().await.starts_with("q-"),
            "the first option has the focus"
        );
        browser.screenshot(&format!("card-{card}")).await;
        let wanted = right(&question);
        if kind == "single" {
            let target = values.iter().position(|v| v == wanted[0]).unwrap();
            if target == 0 {
                browser.keys(SPACE).await;
            } else {
                for _ in 0..target {
                    browser.keys(DOWN).await;
                }
            }
        } else {
            for (index, value) in values.iter().enumerate() {
                if wanted.contains(&value.as_str()) {
                    browser.keys(SPACE).await;
                }
                if index + 1 < values.len() {
                    browser.keys(TAB).await;
                }
            }
        }
        browser.keys(ENTER).await;
        browser.wait_for("#feedback").await;
        browser
            .assert_text_contains("#feedback .verdict", "Correct")
            .await;
        browser.screenshot(&format!("feedback-{card}")).await;
        if card == 1 {
            assert_eq!(browser.focused().await, "next-card", "Next has the focus");
            browser.keys(ENTER).await;
        }
    }
    browser.goto("/daily-review").await;
    browser.wait_for("#review-done").await;
    browser.assert_text_eq("#kept", "2 / 2").await;
    browser.screenshot("done").await;

    // The profile proposes the browser's time zone; once saved, the next
    // due time is shown in it.
    browser.goto("/profile#settings").await;
    assert_eq!(
        browser.prop("#time-zone", "value").await.as_deref(),
        Some(BROWSER_TIME_ZONE),
        "the browser's zone is proposed"
    );
    assert_eq!(browser.attr("#zone-from-browser", "hidden").await, None);
    browser.screenshot("time-zone-proposed").await;
    browser.click("#settings button[type=submit]").await;
    browser.wait_for_path("/profile?zone=saved").await;
    browser
        .assert_text_eq("#current-zone", BROWSER_TIME_ZONE)
        .await;
    browser.screenshot("time-zone-saved").await;
    let (_, me) = kim.get_json(&app, "/api/v1/me").await;
    assert_eq!(me["time_zone"], BROWSER_TIME_ZONE);
    let (_, today) = kim.get_json(&app, "/api/v1/me/reviews").await;
    let next = time::OffsetDateTime::parse(
        today["next_due_at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    let shanghai = next.to_offset(time::macros::offset!(+8));
    let shown = format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        shanghai.year(),
        u8::from(shanghai.month()),
        shanghai.day(),
        shanghai.hour(),
        shanghai.minute()
    );
    browser.goto("/").await;
    browser
        .assert_text_contains("#daily-review-card", &shown)
        .await;
    browser.screenshot("dashboard-next-due-local").await;
}
