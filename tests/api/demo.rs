//! The demo organisation, on SQLite and PostgreSQL: loaded through the
//! library, it fills the manager's heatmap, overdue list and the review
//! queue as seen over HTTP, and a second load changes nothing.

use std::collections::BTreeSet;

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{TestApp, shipped_content};
use crate::on_both_databases;

const MANAGER: &str = "laura.bennett@demo.salesdojo.test";
const TRAINER: &str = "marco.rossi@demo.salesdojo.test";

async fn load_demo(app: &TestApp) -> salesdojo::demo::DemoSummary {
    let db = salesdojo::store::connect(&app.database_url)
        .await
        .expect("connect");
    let library = salesdojo::library::Library::open(&shipped_content()).expect("shipped content");
    let hasher = salesdojo::auth::password::PasswordHasher::new(1).expect("hasher");
    salesdojo::demo::load(&db, &library.catalog(), &hasher)
        .await
        .expect("the demo loads")
}

/// Logs in with the demo password over the API.
async fn demo_login(app: &TestApp, email: &str, password: &str) -> crate::helpers::Session {
    let client = crate::helpers::browser();
    let response = app.post_login(&client, email, password).await;
    assert_eq!(response.status(), StatusCode::OK, "login of {email} failed");
    let body: Value = response.json().await.unwrap();
    crate::helpers::Session {
        client,
        csrf: body["csrf_token"].as_str().unwrap().to_owned(),
    }
}

const TABLES: [&str; 13] = [
    "users",
    "user_roles",
    "teams",
    "team_members",
    "enrolments",
    "module_completions",
    "quiz_attempts",
    "roleplay_runs",
    "practice_answers",
    "rubric_reviews",
    "evidence",
    "assignments",
    "competency_standings",
];

async fn row_counts(app: &TestApp) -> Vec<i64> {
    let mut counts = Vec::new();
    for table in TABLES {
        counts.push(app.count(table, "1 = 1").await);
    }
    counts
}

on_both_databases! {
    async fn the_demo_fills_the_manager_and_trainer_views(app) {
        let summary = load_demo(&app).await;
        assert!(!summary.already_loaded);
        let stats = summary.stats.as_ref().unwrap();
        assert_eq!(stats.learners, 30);
        assert!(
            summary.render().contains(MANAGER),
            "{}",
            summary.render()
        );

        let manager = demo_login(&app, MANAGER, summary.password).await;
        let (status, teams) = manager.get_json(&app, "/api/v1/teams").await;
        assert_eq!(status, StatusCode::OK);
        let names: BTreeSet<&str> = teams
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, BTreeSet::from(["Key Accounts East", "New Hire Academy"]));

        let mut overdue = 0;
        for team in teams.as_array().unwrap() {
            let id = team["id"].as_str().unwrap();
            let (status, heatmap) = manager
                .get_json(&app, &format!("/api/v1/teams/{id}/heatmap"))
                .await;
            assert_eq!(status, StatusCode::OK);
            let members = heatmap["members"].as_array().unwrap();
            assert!(members.len() >= 5, "{heatmap}");
            let cells: Vec<&Value> = members
                .iter()
                .flat_map(|m| m["cells"].as_array().unwrap())
                .collect();
            let levels: BTreeSet<u64> = cells.iter().map(|c| c["level"].as_u64().unwrap()).collect();
            assert!(levels.len() >= 3, "levels {levels:?} in {}", team["name"]);
            assert!(
                cells.iter().any(|c| c["gap"].as_u64().unwrap() > 0),
                "no gaps in {}",
                team["name"]
            );
            let (status, late) = manager
                .get_json(&app, &format!("/api/v1/teams/{id}/assignments?status=overdue"))
                .await;
            assert_eq!(status, StatusCode::OK);
            overdue += late.as_array().unwrap().len();
        }
        assert!(overdue > 0, "no overdue assignments");

        let trainer = demo_login(&app, TRAINER, summary.password).await;
        let (status, pending) = trainer.get_json(&app, "/api/v1/reviews").await;
        assert_eq!(status, StatusCode::OK);
        assert!(!pending.as_array().unwrap().is_empty(), "nothing to review");
        let (status, reviewed) = trainer
            .get_json(&app, "/api/v1/reviews?status=reviewed")
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(!reviewed.as_array().unwrap().is_empty(), "nothing reviewed");

        let before = row_counts(&app).await;
        let again = load_demo(&app).await;
        assert!(again.already_loaded);
        assert!(again.stats.is_none());
        assert!(
            again.render().contains("already loaded"),
            "{}",
            again.render()
        );
        assert_eq!(row_counts(&app).await, before);
    }
}
