//! Exports on both databases: CSV with a BOM that round-trips Chinese names,
//! from the team page and the command line, and xAPI statements checked
//! against the xAPI 1.0.3 rules, from the API and the command line.

use std::process::Stdio;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{ADMIN_EMAIL, Session, TestApp, error_of, pass_discovery, play_with_practice};
use crate::learning::course;
use crate::on_both_databases;
use crate::xapi_rules::problems;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Team 北区 managed by Max, with 王芳 who passed the discovery quiz and
/// played a role-play to the end with a practice answer.
async fn team_with_progress(app: &TestApp) -> (Session, String) {
    app.create_user("max@example.com", "Max Manager", &["manager"])
        .await;
    app.create_learner("wang@example.com", "王芳", "new-hire")
        .await;
    let team_id = app
        .create_team("北区", "max@example.com", &["wang@example.com"])
        .await;
    let wang = app.login("wang@example.com").await;
    wang.post_json(app, "/api/v1/modules/discovery-basics/complete", &json!({}))
        .await;
    pass_discovery(app, &wang).await;
    play_with_practice(app, &wang, "先做三个月试点，按标价？").await;
    (app.login("max@example.com").await, team_id)
}

fn parse_csv(bytes: &[u8]) -> Vec<Vec<String>> {
    assert!(bytes.starts_with(BOM), "the file starts with a UTF-8 BOM");
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&bytes[BOM.len()..]);
    reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

async fn cli(app: &TestApp, args: &[&str]) -> std::process::Output {
    app.command()
        .env("SALESDOJO_PUBLIC_URL", "https://dojo.example.com")
        .args(args)
        .stdin(Stdio::null())
        .output()
        .await
        .expect("salesdojo runs")
}

on_both_databases! {
    content = course;

    async fn csv_exports_carry_a_bom_and_round_trip_chinese_names(app) {
        let (max, team_id) = team_with_progress(&app).await;
        let response = max.client.get(app.url(&format!("/teams/{team_id}/export.csv"))).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
        assert!(response.headers()["content-disposition"].to_str().unwrap().contains("attachment"));
        let rows = parse_csv(&response.bytes().await.unwrap());
        assert_eq!(rows[0][..9], ["team", "email", "name", "job_role", "competency", "competency_name", "level", "target", "gap"]);
        assert_eq!(rows.len(), 1 + 3, "one row per member and competency");
        let discovery = rows.iter().find(|r| r[4] == "discovery").unwrap();
        assert_eq!(discovery[0], "北区");
        assert_eq!(discovery[2], "王芳");
        assert_eq!((discovery[6].as_str(), discovery[7].as_str(), discovery[8].as_str()), ("1", "1", "0"));
        assert_eq!(discovery[9], "1.000", "mastery at level 1");

        let evidence = max.client.get(app.url(&format!("/teams/{team_id}/evidence.csv"))).send().await.unwrap().bytes().await.unwrap();
        let rows = parse_csv(&evidence);
        assert_eq!(rows[0].last().map(String::as_str), Some("current"));
        assert!(rows.iter().any(|r| r[7] == "quiz" && r[2] == "王芳" && r[10] == "yes"), "{rows:?}");

        // The command line writes the same levels, and the evidence since a day.
        let out = cli(&app, &["export", "csv", "--team", "北区", "--out", "levels.csv"]).await;
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let file = std::fs::read(app.dir.path().join("levels.csv")).unwrap();
        assert_eq!(parse_csv(&file), parse_csv(&max.client.get(app.url(&format!("/teams/{team_id}/export.csv"))).send().await.unwrap().bytes().await.unwrap()));
        let out = cli(&app, &["export", "csv", "--evidence", "--since", "2000-01-01"]).await;
        assert!(out.status.success());
        assert!(parse_csv(&out.stdout).len() > 3);
        let future = cli(&app, &["export", "csv", "--evidence", "--since", "2999-01-01"]).await;
        assert_eq!(parse_csv(&future.stdout).len(), 1, "only the header");
        let bad = cli(&app, &["export", "csv", "--team", "Nowhere"]).await;
        assert!(!bad.status.success());
        assert!(String::from_utf8_lossy(&bad.stderr).contains("Nowhere"));
    }

    async fn xapi_statements_follow_the_rules_and_show_the_learners_path(app) {
        let (max, team_id) = team_with_progress(&app).await;
        let response = max.client.get(app.url(&format!("/api/v1/export/xapi?team={team_id}"))).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()["x-experience-api-version"], "1.0.3");
        let statements: Vec<Value> = response.json().await.unwrap();
        for statement in &statements {
            let found = problems(statement);
            assert!(found.is_empty(), "{found:?} in {statement}");
            assert_eq!(statement["actor"]["mbox"], "mailto:wang@example.com");
            assert!(statement["object"]["id"].as_str().unwrap().starts_with("https://dojo.example.com/"));
        }
        let verb = |name: &str| statements.iter().filter(|s| s["verb"]["id"] == format!("http://adlnet.gov/expapi/verbs/{name}")).count();
        assert_eq!(verb("answered"), 2, "one statement per question answered");
        assert_eq!(verb("passed"), 1);
        assert_eq!(verb("responded"), 3, "one statement per role-play step");
        assert_eq!(verb("experienced"), 1, "the lesson read");
        let answered = statements.iter().find(|s| s["verb"]["id"] == "http://adlnet.gov/expapi/verbs/answered").unwrap();
        let scaled = answered["result"]["score"]["scaled"].as_f64().unwrap();
        assert!((-1.0..=1.0).contains(&scaled));
        assert!(answered["context"].to_string().contains("discovery"), "the competency is in the context");
        let practice = statements.iter().find(|s| s["result"]["response"] == "先做三个月试点，按标价？");
        assert!(practice.is_some(), "the practice answer is the response");
        // Ids are stable: exporting again gives the same statements.
        let again: Vec<Value> = max.client.get(app.url(&format!("/api/v1/export/xapi?team={team_id}"))).send().await.unwrap().json().await.unwrap();
        assert_eq!(again.iter().map(|s| s["id"].clone()).collect::<Vec<_>>(), statements.iter().map(|s| s["id"].clone()).collect::<Vec<_>>());

        let (_, none) = max.get_json(&app, &format!("/api/v1/export/xapi?team={team_id}&since=2999-01-01")).await;
        assert_eq!(none, json!([]));
        let (status, _, message) = error_of(max.client.get(app.url("/api/v1/export/xapi")).send().await.unwrap()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(message.contains("team="), "{message}");
        let (status, _) = max.get_json(&app, &format!("/api/v1/export/xapi?team={}", uuid::Uuid::now_v7())).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let wang = app.login("wang@example.com").await;
        let (status, _) = wang.get_json(&app, "/api/v1/export/xapi").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let admin = app.login(ADMIN_EMAIL).await;
        let (_, by_user) = admin.get_json(&app, "/api/v1/export/xapi?user=wang@example.com&since=2000-01-01").await;
        assert_eq!(by_user.as_array().unwrap().len(), statements.len());

        let out = cli(&app, &["export", "xapi", "--user", "wang@example.com"]).await;
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let from_cli: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(from_cli.len(), statements.len());
        assert!(from_cli.iter().all(|s| problems(s).is_empty()));
    }
}
