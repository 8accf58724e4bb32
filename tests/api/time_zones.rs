//! Time zones: a user's setting (API and profile page), dates shown in it,
//! and a due date typed as a day ending at the assigner's midnight.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::error_of;
use crate::learning::course;
use crate::on_both_databases;

on_both_databases! {
    content = course;

    async fn a_user_sets_a_time_zone_and_reads_dates_in_it(app) {
        app.create_learner("lea@example.com", "Lea", "new-hire").await;
        let lea = app.login("lea@example.com").await;
        let (_, me) = lea.get_json(&app, "/api/v1/me").await;
        assert_eq!(me["time_zone"], Value::Null, "none until chosen");

        let set: Value = lea.put_json(&app, "/api/v1/me/time-zone", &json!({"time_zone": "asia/shanghai"})).await.json().await.unwrap();
        assert_eq!(set["time_zone"], "Asia/Shanghai", "stored under its canonical name");
        let (_, me) = lea.get_json(&app, "/api/v1/me").await;
        assert_eq!(me["time_zone"], "Asia/Shanghai");

        let (status, code, message) = error_of(lea.put_json(&app, "/api/v1/me/time-zone", &json!({"time_zone": "Mars/Olympus"})).await).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{code}");
        assert!(message.contains("Mars/Olympus") && message.contains("IANA"), "{message}");
        let (_, me) = lea.get_json(&app, "/api/v1/me").await;
        assert_eq!(me["time_zone"], "Asia/Shanghai", "a refused zone changes nothing");

        // A manager in Berlin assigns a module due "2030-12-07": due at
        // midnight in Berlin, which is the next morning in Shanghai.
        app.create_user("max@example.com", "Max", &["manager"]).await;
        let team_id = app.create_team("North", "max@example.com", &["lea@example.com"]).await;
        let max = app.login("max@example.com").await;
        max.put_json(&app, "/api/v1/me/time-zone", &json!({"time_zone": "Europe/Berlin"})).await;
        let assigned: Value = max.post_json(&app, &format!("/api/v1/teams/{team_id}/assignments"), &json!({"module_id": "discovery-basics", "due": "2030-12-07"})).await.json().await.unwrap();
        assert_eq!(assigned["created"].as_array().unwrap().len(), 1, "{assigned}");
        let (_, listed) = max.get_json(&app, &format!("/api/v1/teams/{team_id}/assignments")).await;
        assert_eq!(listed[0]["due_at"], "2030-12-07T22:59:59Z", "{listed}");

        let dashboard = lea.client.get(app.url("/")).send().await.unwrap().text().await.unwrap();
        assert!(dashboard.contains("2030-12-08"), "Lea reads the due date in Shanghai time");
        assert!(!dashboard.contains("2030-12-07"));
        let team_page = max.client.get(app.url(&format!("/teams/{team_id}"))).send().await.unwrap().text().await.unwrap();
        assert!(team_page.contains("2030-12-07"), "Max reads it in Berlin time");

        // Back to UTC with null.
        let cleared: Value = lea.put_json(&app, "/api/v1/me/time-zone", &json!({"time_zone": null})).await.json().await.unwrap();
        assert_eq!(cleared["time_zone"], Value::Null);
        let dashboard = lea.client.get(app.url("/")).send().await.unwrap().text().await.unwrap();
        assert!(dashboard.contains("2030-12-07"), "in UTC it is still the 7th (22:59)");
    }

    async fn the_profile_page_sets_the_time_zone(app) {
        app.create_learner("lea@example.com", "Lea", "new-hire").await;
        let lea = app.login("lea@example.com").await;
        let page = lea.client.get(app.url("/profile")).send().await.unwrap().text().await.unwrap();
        assert!(page.contains(r#"<select id="time-zone" name="time_zone" data-saved="""#), "no zone saved yet, so the browser's is proposed");
        assert!(page.contains(r#"<option value="America/New_York">"#));
        assert!(page.contains(r#"<script src="/static/time_zone.js" defer>"#));

        let refused = lea.client.post(app.url("/profile/time-zone")).form(&[("csrf_token", lea.csrf.as_str()), ("time_zone", "Atlantis/Capital")]).send().await.unwrap();
        assert_eq!(refused.status(), StatusCode::SEE_OTHER);
        let location = refused.headers()["location"].to_str().unwrap().to_owned();
        let page = lea.client.get(app.url(&location)).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("Atlantis/Capital") && page.contains("role=\"alert\""), "the refusal is shown");

        let saved = lea.client.post(app.url("/profile/time-zone")).form(&[("csrf_token", lea.csrf.as_str()), ("time_zone", "America/New_York")]).send().await.unwrap();
        assert_eq!(saved.headers()["location"], "/profile?zone=saved#settings");
        let page = lea.client.get(app.url("/profile?zone=saved")).send().await.unwrap().text().await.unwrap();
        assert!(page.contains(r#"<option value="America/New_York" selected>"#));
        assert!(page.contains(r#"<strong id="current-zone">America/New_York</strong>"#));
        assert!(page.contains(r#"role="status""#));

        // Without a token the form is refused.
        let forged = lea.client.post(app.url("/profile/time-zone")).form(&[("time_zone", "Asia/Tokyo")]).send().await.unwrap();
        assert_eq!(forged.status(), StatusCode::FORBIDDEN);
        let (_, me) = lea.get_json(&app, "/api/v1/me").await;
        assert_eq!(me["time_zone"], "America/New_York");
    }
}
