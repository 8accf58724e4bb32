use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{ADMIN_EMAIL, browser, error_of};
use crate::on_both_databases;

on_both_databases! {
    async fn malformed_json_gets_a_400_that_says_so(app) {
        let response = browser()
            .post(app.url("/api/v1/session"))
            .header("Content-Type", "application/json")
            .body("{\"email\": ")
            .send()
            .await
            .unwrap();
        let (status, code, message) = error_of(response).await;
        assert_eq!((status, code.as_str()), (StatusCode::BAD_REQUEST, "bad_request"));
        assert!(message.contains("not valid JSON"), "{message}");
    }

    async fn wrong_field_types_get_a_422_naming_the_problem(app) {
        let response = browser()
            .post(app.url("/api/v1/session"))
            .json(&json!({"email": 42, "password": "x"}))
            .send()
            .await
            .unwrap();
        let (status, code, message) = error_of(response).await;
        assert_eq!((status, code.as_str()), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_input"));
        assert!(message.contains("invalid type"), "{message}");
        let unknown_field = browser()
            .post(app.url("/api/v1/session"))
            .json(&json!({"email": "a@example.com", "password": "x", "admin": true}))
            .send()
            .await
            .unwrap();
        let (status, _, message) = error_of(unknown_field).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(message.contains("unknown field `admin`"), "{message}");
    }

    async fn oversized_bodies_get_a_413(app) {
        let big = "x".repeat(200 * 1024);
        let response = browser()
            .post(app.url("/api/v1/session"))
            .json(&json!({"email": "a@example.com", "password": big}))
            .send()
            .await
            .unwrap();
        let (status, code, message) = error_of(response).await;
        assert_eq!((status, code.as_str()), (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"));
        assert!(message.contains("65536"), "{message}");
    }

    async fn a_body_that_is_not_json_gets_a_415(app) {
        let response = browser().post(app.url("/api/v1/session")).body("email=a").send().await.unwrap();
        let (status, _, message) = error_of(response).await;
        assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
        assert!(message.contains("application/json"), "{message}");
    }

    async fn unknown_routes_and_bad_ids_get_clear_404s(app) {
        let (status, code, message) = error_of(app.get(&browser(), "/api/v1/no-such-thing").await).await;
        assert_eq!((status, code.as_str()), (StatusCode::NOT_FOUND, "not_found"));
        assert!(message.contains("openapi.json"), "{message}");

        let admin = app.login(ADMIN_EMAIL).await;
        let (status, _, message) = error_of(app.get(&admin.client, "/api/v1/teams/not-a-uuid").await).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(message.contains("UUID"), "{message}");
        let (status, _, _) = error_of(app.get(&admin.client, "/api/v1/teams/00000000-0000-7000-8000-000000000000").await).await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        let page = app.get(&browser(), "/no/such/page").await;
        assert_eq!(page.status(), StatusCode::NOT_FOUND);
        assert!(page.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
        assert!(page.text().await.unwrap().contains("Page not found"));
    }
}
