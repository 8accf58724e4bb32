use reqwest::StatusCode;
use reqwest::header::LOCATION;
use serde_json::{Value, json};

use crate::helpers::{ADMIN_EMAIL, browser, error_of};
use crate::on_both_databases;

on_both_databases! {
    async fn a_learner_cannot_reach_the_admin_page_or_the_admin_api(app) {
        app.create_user("lea@example.com", "Lea Learner", &["learner"]).await;
        let learner = app.login("lea@example.com").await;

        let page = app.get(&learner.client, "/admin").await;
        assert_eq!(page.status(), StatusCode::FORBIDDEN);
        let html = page.text().await.unwrap();
        assert!(html.contains("<h1>Not allowed</h1>"), "{html}");

        let (status, code, _) = error_of(app.get(&learner.client, "/api/v1/users").await).await;
        assert_eq!((status, code.as_str()), (StatusCode::FORBIDDEN, "forbidden"));

        let create = learner
            .client
            .post(app.url("/api/v1/users"))
            .header("X-CSRF-Token", &learner.csrf)
            .json(&json!({"email": "x@example.com", "name": "X", "password": "long enough password"}))
            .send()
            .await
            .unwrap();
        assert_eq!(create.status(), StatusCode::FORBIDDEN);
        assert_eq!(app.get(&learner.client, "/api/v1/teams").await.status(), StatusCode::FORBIDDEN);
    }

    async fn anonymous_visitors_are_sent_to_the_login_page(app) {
        let response = app.get(&browser(), "/admin").await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(response.headers()[LOCATION], "/login?next=%2Fadmin");
        assert_eq!(app.get(&browser(), "/api/v1/users").await.status(), StatusCode::UNAUTHORIZED);
    }

    async fn a_manager_sees_only_the_teams_they_manage(app) {
        app.create_user("mia@example.com", "Mia Manager", &["manager"]).await;
        app.create_user("max@example.com", "Max Manager", &["manager"]).await;
        let admin = app.login(ADMIN_EMAIL).await;
        let mut team_ids = Vec::new();
        for (name, manager) in [("East", "mia@example.com"), ("West", "max@example.com")] {
            let response = admin
                .client
                .post(app.url("/api/v1/teams"))
                .header("X-CSRF-Token", &admin.csrf)
                .json(&json!({"name": name, "manager_email": manager}))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::CREATED);
            team_ids.push(response.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned());
        }

        let mia = app.login("mia@example.com").await;
        let teams: Value = app.get(&mia.client, "/api/v1/teams").await.json().await.unwrap();
        assert_eq!(teams.as_array().unwrap().len(), 1);
        assert_eq!(teams[0]["name"], "East");
        assert_eq!(app.get(&mia.client, &format!("/api/v1/teams/{}", team_ids[0])).await.status(), StatusCode::OK);
        let other = app.get(&mia.client, &format!("/api/v1/teams/{}", team_ids[1])).await;
        assert_eq!(other.status(), StatusCode::NOT_FOUND, "another manager's team must look missing");

        let all: Value = app.get(&admin.client, "/api/v1/teams").await.json().await.unwrap();
        assert_eq!(all.as_array().unwrap().len(), 2, "an admin sees every team");
    }

    async fn a_personal_token_authenticates_without_csrf(app) {
        let db = salesdojo::store::connect(&app.database_url).await.unwrap();
        let user = salesdojo::accounts::user_by_email(&db, ADMIN_EMAIL).await.unwrap();
        let token = "sdt_test-token-for-the-integration-test-0123456789";
        salesdojo::store::tokens::create(&db, user.id, "test", salesdojo::auth::secret_token::token_hash(token)).await.unwrap();

        let client = reqwest::Client::new();
        let me: Value = client.get(app.url("/api/v1/me")).bearer_auth(token).send().await.unwrap().json().await.unwrap();
        assert_eq!(me["email"], ADMIN_EMAIL);
        let created = client
            .post(app.url("/api/v1/users"))
            .bearer_auth(token)
            .json(&json!({"email": "bo@example.com", "name": "Bo", "password": "a long password here"}))
            .send()
            .await
            .unwrap();
        assert_eq!(created.status(), StatusCode::CREATED, "Bearer requests need no CSRF token");
        let (status, _, message) = error_of(client.get(app.url("/api/v1/me")).bearer_auth("sdt_wrong").send().await.unwrap()).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert!(message.contains("token create"), "{message}");
    }
}
