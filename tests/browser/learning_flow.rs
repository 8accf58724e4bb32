//! The whole learner journey in a browser: the dashboard says what to do,
//! a lesson is marked read, a quiz is failed then passed, a role-play is
//! played to its end, and the competency radar moves with each result.

use std::path::{Path, PathBuf};

use crate::driver::Browser;
use crate::helpers::{Backend, PASSWORD, copy_dir, spawn_app_with_content};

const EMAIL: &str = "nina@example.com";

fn course(dir: &Path) -> PathBuf {
    let target = dir.join("content");
    copy_dir(
        &PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/content/valid"),
        &target,
    );
    target
}

async fn radar_level(browser: &mut Browser) -> String {
    browser
        .attr("figure.radar polygon.radar-level", "points")
        .await
        .unwrap_or_default()
}

#[tokio::test]
async fn a_learner_reads_quizzes_plays_and_sees_the_radar_move() {
    let app = spawn_app_with_content(Backend::Sqlite, course)
        .await
        .expect("SQLite is always available");
    app.create_learner(EMAIL, "Nina New", "new-hire").await;
    let Some(mut browser) = Browser::start(
        &app,
        "a_learner_reads_quizzes_plays_and_sees_the_radar_move",
    )
    .await
    else {
        return;
    };
    browser.goto("/login").await;
    browser.login(EMAIL, PASSWORD).await;
    browser.wait_for_path("/").await;

    // The dashboard names the next module of the onboarding path.
    browser
        .assert_text_contains(".next-card .next-module", "Discovery")
        .await;
    browser.assert_text_contains(".stages", "Week 1").await;
    browser.screenshot("dashboard").await;

    browser.goto("/profile").await;
    browser
        .assert_text_eq("tr[data-competency='discovery'] td.level", "0")
        .await;
    let radar_before = radar_level(&mut browser).await;
    browser.screenshot("profile-before").await;

    // Read the lesson.
    browser.goto("/").await;
    browser.click(".next-card .next-module a").await;
    browser.wait_for_path("/modules/discovery-basics").await;
    browser.click("#mark-read").await;
    browser.wait_for(".alert.ok").await;
    browser.screenshot("lesson-read").await;

    // Fail the quiz first.
    browser.click("#open-quiz").await;
    browser
        .wait_for_path("/modules/discovery-basics/quiz")
        .await;
    browser.click("#start-attempt").await;
    browser.wait_for("form.quiz-form").await;
    browser
        .click("input[name='q-first-question'][value='0']")
        .await;
    browser
        .click("input[name='q-open-questions'][value='2']")
        .await;
    browser.screenshot("quiz-form").await;
    browser.click("#submit-attempt").await;
    browser.wait_for("#result").await;
    browser.assert_text_contains("#result", "Not passed").await;
    // The quiz shuffles its questions, so look in the whole result list.
    browser
        .assert_text_contains("ol.questions", "ask what they need it for first")
        .await;
    browser.screenshot("quiz-failed").await;

    // Then pass it.
    browser.click("#retry").await;
    browser.wait_for("form.quiz-form").await;
    browser
        .click("input[name='q-first-question'][value='1']")
        .await;
    browser
        .click("input[name='q-open-questions'][value='0']")
        .await;
    browser
        .click("input[name='q-open-questions'][value='1']")
        .await;
    browser.click("#submit-attempt").await;
    browser.wait_for("#result").await;
    browser.assert_text_contains("#result", "100%").await;
    browser.assert_text_contains("#result", "Passed").await;
    browser.screenshot("quiz-passed").await;

    browser.goto("/profile").await;
    browser
        .assert_text_eq("tr[data-competency='discovery'] td.level", "1")
        .await;
    let radar_after_quiz = radar_level(&mut browser).await;
    assert_ne!(
        radar_before, radar_after_quiz,
        "the radar moves with the quiz"
    );
    browser.screenshot("profile-after-quiz").await;

    // Play the role-play to its best ending.
    browser
        .goto("/modules/handling-objections/roleplays/price-pushback")
        .await;
    browser.click("#start-run").await;
    browser.wait_for("#choice-0").await;
    browser.screenshot("roleplay-start").await;
    browser.click("#choice-0").await;
    browser.wait_for("#choice-0").await;
    browser.click("#choice-0").await;
    browser.wait_for("#practice-text").await;
    browser
        .fill(
            "#practice-text",
            "Let us run a three-month pilot at list price.",
        )
        .await;
    browser.screenshot("roleplay-practice").await;
    browser.click("#send-text").await;
    browser.wait_for("#debrief").await;
    browser.assert_text_contains("#debrief", "Won").await;
    browser
        .assert_text_contains(".transcript", "three-month pilot at list price")
        .await;
    browser.screenshot("roleplay-debrief").await;

    browser.goto("/profile").await;
    let radar_after_roleplay = radar_level(&mut browser).await;
    assert_ne!(
        radar_after_quiz, radar_after_roleplay,
        "the radar moves with the role-play"
    );
    browser.screenshot("profile-after-roleplay").await;

    browser.goto("/").await;
    browser.assert_text_contains("main", "100%").await;
    browser.screenshot("dashboard-after").await;
}
