//! A manager and a trainer in a browser: the manager opens the team
//! heatmap, drills into a cell and assigns the module that closes the gap;
//! the trainer scores a practice answer against its rubric.

use std::path::{Path, PathBuf};

use crate::driver::Browser;
use crate::helpers::{
    Backend, PASSWORD, TestApp, copy_dir, pass_discovery, play_with_practice,
    spawn_app_with_content,
};

fn course(dir: &Path) -> PathBuf {
    let target = dir.join("content");
    copy_dir(
        &PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/content/valid"),
        &target,
    );
    target
}

/// Team North (manager Max) with Lea, who passed discovery and wrote a
/// practice answer, and Sam, who has done nothing yet.
async fn north(app: &TestApp) {
    app.create_user("max@example.com", "Max Manager", &["manager"])
        .await;
    app.create_user("tia@example.com", "Tia Trainer", &["trainer"])
        .await;
    app.create_learner("lea@example.com", "Lea Learner", "new-hire")
        .await;
    app.create_learner("sam@example.com", "Sam Seller", "sales-rep")
        .await;
    app.create_team(
        "North",
        "max@example.com",
        &["lea@example.com", "sam@example.com"],
    )
    .await;
    let lea = app.login("lea@example.com").await;
    pass_discovery(app, &lea).await;
    play_with_practice(
        app,
        &lea,
        "I hear you on price. Shall we start with a three-month pilot at list price?",
    )
    .await;
}

#[tokio::test]
async fn a_manager_assigns_from_the_heatmap_and_a_trainer_scores_a_practice_answer() {
    let app = spawn_app_with_content(Backend::Sqlite, course)
        .await
        .expect("SQLite is always available");
    north(&app).await;
    let Some(mut browser) = Browser::start(
        &app,
        "a_manager_assigns_from_the_heatmap_and_a_trainer_scores_a_practice_answer",
    )
    .await
    else {
        return;
    };

    // The manager's teams, then the heatmap.
    browser.login("max@example.com", PASSWORD).await;
    browser.click("header a[href='/teams']").await;
    browser.wait_for("table.teams").await;
    browser.click("table.teams a").await;
    browser.wait_for("table.heatmap").await;
    browser
        .assert_text_contains("table.heatmap tbody", "Lea Learner")
        .await;
    // Sam (sales rep, target 2) is two levels short in objection handling.
    browser
        .assert_text_contains(
            "table.heatmap tbody tr:nth-child(2) td.cell[data-competency='objection-handling']",
            "0/2",
        )
        .await;
    browser.screenshot("heatmap").await;

    // Drill into Sam's objection-handling cell and assign the module.
    browser
        .click(
            "table.heatmap tbody tr:nth-child(2) td.cell[data-competency='objection-handling'] a",
        )
        .await;
    browser.wait_for("#cell-level").await;
    browser.assert_text_eq("#cell-level", "0").await;
    browser.screenshot("drill-down").await;
    browser
        .click("button[data-assign='handling-objections']")
        .await;
    browser.wait_for("#assign .alert.ok").await;
    browser.assert_text_contains("#assign .alert.ok", "1").await;
    browser
        .assert_text_contains(".modules-to-close", "assigned, due")
        .await;
    browser.screenshot("assigned").await;

    // The team page lists the open assignment.
    browser.click("p.small a").await;
    browser.wait_for("#open-assignments").await;
    browser
        .assert_text_contains("#open-assignments", "Sam Seller")
        .await;
    browser.screenshot("team-assignments").await;
    browser.click("header form[action='/logout'] button").await;
    browser.wait_for_path("/login").await;

    // The trainer scores Lea's practice answer.
    browser.login("tia@example.com", PASSWORD).await;
    browser.click("header a[href='/trainer/reviews']").await;
    browser.wait_for("#review-queue").await;
    browser
        .assert_text_contains("#review-queue", "Lea Learner")
        .await;
    browser.screenshot("review-queue").await;
    browser.click("#review-queue a.button").await;
    browser.wait_for("#practice-text").await;
    browser.fill("#score-0", "3").await;
    browser.fill("#score-1", "1").await;
    browser
        .fill(
            "#comment",
            "Good acknowledgement. Name a start date for the pilot.",
        )
        .await;
    browser.screenshot("review-form").await;
    browser.click("#score button[type=submit]").await;
    browser.wait_for("#score .alert.ok").await;
    browser.assert_text_contains("main", "4/5").await;
    browser.screenshot("review-saved").await;
    browser.click("header form[action='/logout'] button").await;
    browser.wait_for_path("/login").await;

    // Lea sees the review on her profile.
    browser.login("lea@example.com", PASSWORD).await;
    browser.goto("/profile").await;
    browser
        .assert_text_contains("#practice-reviews", "Name a start date for the pilot.")
        .await;
    browser.screenshot("learner-profile-review").await;
}
