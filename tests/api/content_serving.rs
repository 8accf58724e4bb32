//! The served catalog: API and pages, media, hostile Markdown, the trainer
//! page and reloading (a broken reload keeps the last good catalog).

use std::path::{Path, PathBuf};

use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, LOCATION};
use serde_json::Value;

use crate::helpers::{ADMIN_EMAIL, TestApp, copy_dir, error_of};
use crate::on_both_databases;

fn fixture_copy(dir: &Path) -> PathBuf {
    let target = dir.join("content");
    copy_dir(
        &PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/content/valid"),
        &target,
    );
    // A lesson full of things that must never reach a page.
    let lesson = target.join("modules/discovery-basics/lesson.md");
    let mut text = std::fs::read_to_string(&lesson).unwrap();
    text.push_str(HOSTILE);
    std::fs::write(lesson, text).unwrap();
    target
}

const HOSTILE: &str = r#"

## Hostile corner

<script>alert("owned")</script>

<img src="x" onerror="alert('owned')">

[a link](javascript:alert('owned')) and <a href="JAVASCRIPT:alert('owned')">another</a>

<p style="position:fixed;top:0">styled</p><iframe src="https://evil.example"></iframe>

> > > > > > > > > > > > > > > > > > > > > > > > > > > > > > deeply nested
"#;

async fn trainer_session(app: &TestApp) -> crate::helpers::Session {
    app.create_user("tia@example.com", "Tia Trainer", &["trainer"])
        .await;
    app.login("tia@example.com").await
}

on_both_databases! {
    async fn the_api_lists_the_shipped_catalog_in_the_callers_language(app) {
        let admin = app.login(ADMIN_EMAIL).await;
        let modules: Value = app.get(&admin.client, "/api/v1/modules").await.json().await.unwrap();
        let modules = modules.as_array().unwrap();
        assert_eq!(modules.len(), 13);
        let objections = modules.iter().find(|m| m["id"] == "objection-handling").unwrap();
        assert_eq!(objections["has_quiz"], true);
        assert_eq!(objections["languages"], serde_json::json!(["en", "zh-CN"]));
        assert_eq!(objections["level"], 2);

        let detail: Value = app.get(&admin.client, "/api/v1/modules/objection-handling").await.json().await.unwrap();
        assert_eq!(detail["language"], "en");
        assert!(detail["lesson_html"].as_str().unwrap().contains("/modules/objection-handling/media/"));
        assert!(detail["quiz"]["questions"].as_u64().unwrap() >= 8);
        assert!(!detail.to_string().contains("\"correct\""), "the quiz summary never shows answers");
        assert!(!detail["roleplays_detail"].as_array().unwrap().is_empty());

        let switched = admin
            .client
            .put(app.url("/api/v1/me/language"))
            .header("X-CSRF-Token", &admin.csrf)
            .json(&serde_json::json!({"language": "zh-CN"}))
            .send()
            .await
            .unwrap();
        assert_eq!(switched.status(), StatusCode::OK);
        let chinese: Value = app.get(&admin.client, "/api/v1/modules/objection-handling").await.json().await.unwrap();
        assert_eq!(chinese["language"], "zh-CN");
        assert_ne!(chinese["title"], detail["title"]);
        assert_eq!(chinese["id"], detail["id"], "ids are shared across languages");

        let (status, _, message) = error_of(app.get(&admin.client, "/api/v1/modules/no-such-module").await).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(message.contains("/api/v1/modules"), "{message}");
        assert_eq!(app.get(&crate::helpers::browser(), "/api/v1/modules").await.status(), StatusCode::UNAUTHORIZED);
    }

    async fn the_catalog_page_groups_and_filters_modules(app) {
        app.create_user("lea@example.com", "Lea", &["learner"]).await;
        let learner = app.login("lea@example.com").await;
        let page = app.get(&learner.client, "/modules").await.text().await.unwrap();
        assert!(page.contains("Showing 13 / 13"), "{page}");
        assert!(page.contains("href=\"/modules/objection-handling\""));
        let filtered = app.get(&learner.client, "/modules?level=4").await.text().await.unwrap();
        assert!(filtered.contains("Showing 1 / 13"), "{filtered}");
        assert!(filtered.contains("href=\"/modules/leading-a-sales-team\""));
        let lesson = app.get(&learner.client, "/modules/objection-handling").await;
        assert_eq!(lesson.status(), StatusCode::OK);
        let html = lesson.text().await.unwrap();
        assert!(html.contains("<table>"), "the lesson's tables render");
        assert_eq!(app.get(&learner.client, "/modules/nope").await.status(), StatusCode::NOT_FOUND);
    }

    async fn media_is_served_with_its_type_and_nothing_else_is(app) {
        let admin = app.login(ADMIN_EMAIL).await;
        let detail: Value = app.get(&admin.client, "/api/v1/modules/objection-handling").await.json().await.unwrap();
        let html = detail["lesson_html"].as_str().unwrap();
        let start = html.find("/modules/objection-handling/media/").unwrap();
        let src = &html[start..start + html[start..].find('"').unwrap()];
        let image = app.get(&admin.client, src).await;
        assert_eq!(image.status(), StatusCode::OK, "{src}");
        assert_eq!(image.headers()[CONTENT_TYPE], "image/svg+xml");
        assert!(image.headers()["content-security-policy"].to_str().unwrap().contains("sandbox"));
        for attack in [
            "/modules/objection-handling/media/../lesson.md",
            "/modules/objection-handling/media/%2e%2e/lesson.md",
            "/modules/objection-handling/media/..%2flesson.md",
            "/modules/objection-handling/media/%2Fetc%2Fpasswd",
            "/modules/objection-handling/media//etc/passwd",
            "/modules/objection-handling/media/missing.svg",
            "/modules/..%2f..%2fCargo.toml/media/x",
        ] {
            let response = app.get(&admin.client, attack).await;
            assert_eq!(response.status(), StatusCode::NOT_FOUND, "{attack}");
        }
    }

    async fn only_trainers_and_admins_reach_the_trainer_page(app) {
        app.create_user("lea@example.com", "Lea", &["learner"]).await;
        let learner = app.login("lea@example.com").await;
        assert_eq!(app.get(&learner.client, "/trainer").await.status(), StatusCode::FORBIDDEN);
        assert_eq!(app.get(&learner.client, "/trainer/modules/objection-handling").await.status(), StatusCode::FORBIDDEN);
        let trainer = trainer_session(&app).await;
        let page = app.get(&trainer.client, "/trainer").await.text().await.unwrap();
        assert!(page.contains("13 modules"), "{page}");
        let preview = app.get(&trainer.client, "/trainer/modules/objection-handling?lang=zh-CN").await.text().await.unwrap();
        assert!(preview.contains("lang=\"zh-CN\""));
        assert!(preview.contains("class=\"right\""), "correct answers are marked in the preview");
        assert!(preview.contains("class=\"feedback\""), "feedback is shown in the preview");
        assert!(preview.contains("#start"), "role-play scenes are listed");
        assert!(preview.contains("<svg") && preview.contains("rpg-graph"), "each role-play is drawn as a graph");
        assert!(preview.contains("Best path"), "the graph has a legend in the trainer's language");
    }
}

on_both_databases! {
    content = fixture_copy;

    async fn hostile_markdown_never_reaches_a_page(app) {
        let admin = app.login(ADMIN_EMAIL).await;
        let detail: Value = app.get(&admin.client, "/api/v1/modules/discovery-basics").await.json().await.unwrap();
        let page = app.get(&admin.client, "/modules/discovery-basics").await.text().await.unwrap();
        for html in [detail["lesson_html"].as_str().unwrap(), page.as_str()] {
            let lower = html.to_lowercase();
            assert!(html.contains("Hostile corner"));
            assert!(html.contains("deeply nested"));
            for forbidden in ["<script", "onerror", "javascript:", "<iframe", "position:fixed", "owned"] {
                assert!(!lower.contains(forbidden), "{forbidden} reached the page");
            }
        }
    }

    async fn a_broken_reload_keeps_the_last_good_catalog_and_shows_why(app) {
        let trainer = trainer_session(&app).await;
        let content = app.dir.path().join("content");
        let lesson = content.join("modules/closing-the-deal/lesson.md");
        let original = std::fs::read_to_string(&lesson).unwrap();

        // A good change is published by the reload button.
        std::fs::write(&lesson, original.replacen("title = \"", "title = \"Renamed: ", 1)).unwrap();
        let reload = trainer.client.post(app.url("/trainer/reload")).form(&[("csrf_token", trainer.csrf.as_str())]).send().await.unwrap();
        assert_eq!(reload.headers()[LOCATION], "/trainer?reloaded=ok");
        let detail: Value = app.get(&trainer.client, "/api/v1/modules/closing-the-deal").await.json().await.unwrap();
        assert!(detail["title"].as_str().unwrap().starts_with("Renamed: "));

        // A broken change is not: learners keep the previous version.
        std::fs::write(&lesson, original.replacen("level = ", "level = 9 #", 1).replacen("+++\n", "+++\nbroken = [\n", 1)).unwrap();
        let reload = trainer.client.post(app.url("/trainer/reload")).form(&[("csrf_token", trainer.csrf.as_str())]).send().await.unwrap();
        assert_eq!(reload.headers()[LOCATION], "/trainer?reloaded=failed");
        let still: Value = app.get(&trainer.client, "/api/v1/modules/closing-the-deal").await.json().await.unwrap();
        assert!(still["title"].as_str().unwrap().starts_with("Renamed: "), "the last good catalog is still served");
        let status = app.get(&trainer.client, "/trainer?reloaded=failed").await.text().await.unwrap();
        assert!(status.contains("has errors and was not published"), "{status}");
        assert!(status.contains("closing-the-deal/lesson.md:"), "the errors name file and line: {status}");
        assert!(status.contains("toml/syntax"), "{status}");

        // Reloading without the CSRF token is refused.
        let forged = trainer.client.post(app.url("/trainer/reload")).form(&[("x", "y")]).send().await.unwrap();
        assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    }
}
