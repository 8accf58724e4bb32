//! The demo organisation as a newcomer sees it: a manager's heatmap with
//! varied levels and an overdue list, and a trainer's item analysis.

use crate::driver::Browser;
use crate::helpers::{Backend, shipped_content, spawn_app};

const DEMO_PASSWORD: &str = "dojo-demo-2026";

#[tokio::test]
async fn the_demo_company_fills_the_heatmap_and_the_item_analysis() {
    let app = spawn_app(Backend::Sqlite)
        .await
        .expect("SQLite is always available");
    let db = salesdojo::store::connect(&app.database_url)
        .await
        .expect("connect");
    let library =
        salesdojo::library::Library::open(&shipped_content()).expect("the shipped content loads");
    let hasher = salesdojo::auth::password::PasswordHasher::new(1).expect("hasher");
    salesdojo::demo::load(&db, &library.catalog(), &hasher)
        .await
        .expect("the demo loads");
    let Some(mut browser) = Browser::start(
        &app,
        "the_demo_company_fills_the_heatmap_and_the_item_analysis",
    )
    .await
    else {
        return;
    };

    browser
        .login("laura.bennett@demo.salesdojo.test", DEMO_PASSWORD)
        .await;
    browser.goto("/teams").await;
    browser.wait_for("table.teams").await;
    browser.screenshot("teams").await;
    browser.click("table.teams tbody tr:first-child a").await;
    browser.wait_for("table.heatmap").await;
    browser.assert_text_contains("#overdue", "days").await;
    browser.screenshot("heatmap").await;
    let team_page = browser.path().await;
    browser
        .goto(&format!("{team_page}?sort=gap&columns=gap"))
        .await;
    browser.wait_for("table.heatmap").await;
    browser.screenshot("heatmap-sorted-by-gap").await;
    browser
        .click("table.heatmap tbody tr:first-child td.cell a")
        .await;
    browser.wait_for("#cell-level").await;
    browser.screenshot("drill-down").await;
    browser.click("header form[action='/logout'] button").await;
    browser.wait_for_path("/login").await;

    browser
        .login("marco.rossi@demo.salesdojo.test", DEMO_PASSWORD)
        .await;
    browser.goto("/trainer/analysis/objection-handling").await;
    browser.wait_for("#first-attempts").await;
    browser.screenshot("item-analysis").await;
    browser.goto("/trainer/reviews").await;
    browser.wait_for("#review-queue").await;
    browser.screenshot("review-queue").await;
}
