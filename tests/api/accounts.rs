use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

use crate::helpers::{ADMIN_EMAIL, PASSWORD, browser, error_of};
use crate::on_both_databases;

on_both_databases! {
    async fn an_admin_creates_users_over_the_api(app) {
        let admin = app.login(ADMIN_EMAIL).await;
        let response = admin
            .client
            .post(app.url("/api/v1/users"))
            .header("X-CSRF-Token", &admin.csrf)
            .json(&json!({"email": "Wei.Zhang@Example.com", "name": "张伟", "roles": ["learner", "manager"], "job_role": "new-hire", "password": "a long password here"}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
        let user: Value = response.json().await.unwrap();
        assert_eq!(user["email"], "wei.zhang@example.com");
        assert_eq!(user["roles"], json!(["learner", "manager"]));
        assert_eq!(user["job_role"], "new-hire");

        // E-mail addresses are unique whatever their case.
        let duplicate = admin
            .client
            .post(app.url("/api/v1/users"))
            .header("X-CSRF-Token", &admin.csrf)
            .json(&json!({"email": "WEI.ZHANG@example.com", "name": "Other", "password": "a long password here"}))
            .send()
            .await
            .unwrap();
        let (status, code, message) = error_of(duplicate).await;
        assert_eq!((status, code.as_str()), (StatusCode::CONFLICT, "conflict"));
        assert!(message.contains("already exists"), "{message}");

        let users: Value = app.get(&admin.client, "/api/v1/users").await.json().await.unwrap();
        assert_eq!(users.as_array().unwrap().len(), 2);
    }

    async fn invalid_user_input_says_what_to_fix(app) {
        let admin = app.login(ADMIN_EMAIL).await;
        for (body, expected) in [
            (json!({"email": "no-at-sign", "name": "A", "password": "a long password here"}), "no @"),
            (json!({"email": "a@example.com", "name": "  ", "password": "a long password here"}), "name is empty"),
            (json!({"email": "a@example.com", "name": "A", "password": "short"}), "at least 10"),
            (json!({"email": "a@example.com", "name": "A", "password": "a long password here", "job_role": "New Hire!"}), "job role"),
        ] {
            let response = admin
                .client
                .post(app.url("/api/v1/users"))
                .header("X-CSRF-Token", &admin.csrf)
                .json(&body)
                .send()
                .await
                .unwrap();
            let (status, code, message) = error_of(response).await;
            assert_eq!((status, code.as_str()), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_input"), "{body}");
            assert!(message.contains(expected), "{message} should mention {expected}");
        }
    }

    async fn passwords_are_stored_as_argon2id_hashes_only(app) {
        let db = app.db().await;
        let row = db
            .query_one_raw(Statement::from_string(
                db.get_database_backend(),
                format!("SELECT password_hash FROM users WHERE email = '{ADMIN_EMAIL}'"),
            ))
            .await
            .unwrap()
            .expect("the admin row");
        let hash: String = row.try_get("", "password_hash").unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
        assert!(!hash.contains(PASSWORD));
        // No table holds the plaintext anywhere.
        let rows = db
            .query_all_raw(Statement::from_string(db.get_database_backend(), "SELECT email, name, password_hash FROM users"))
            .await
            .unwrap();
        for row in rows {
            let hash: String = row.try_get("", "password_hash").unwrap();
            assert!(!hash.contains(PASSWORD));
        }
    }

    async fn a_password_reset_ends_the_users_sessions(app) {
        app.create_user("lea@example.com", "Lea", &["learner"]).await;
        let learner = app.login("lea@example.com").await;
        let admin = app.login(ADMIN_EMAIL).await;
        let users: Value = app.get(&admin.client, "/api/v1/users").await.json().await.unwrap();
        let lea = users.as_array().unwrap().iter().find(|u| u["email"] == "lea@example.com").unwrap();
        let reset = admin
            .client
            .put(app.url(&format!("/api/v1/users/{}/password", lea["id"].as_str().unwrap())))
            .header("X-CSRF-Token", &admin.csrf)
            .json(&json!({"password": "a brand new password"}))
            .send()
            .await
            .unwrap();
        assert_eq!(reset.status(), StatusCode::NO_CONTENT);
        assert_eq!(app.get(&learner.client, "/api/v1/me").await.status(), StatusCode::UNAUTHORIZED);
        let client = browser();
        assert_eq!(app.post_login(&client, "lea@example.com", PASSWORD).await.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(app.post_login(&client, "lea@example.com", "a brand new password").await.status(), StatusCode::OK);
    }

    async fn teams_get_managers_and_members(app) {
        app.create_user("mia@example.com", "Mia", &["manager"]).await;
        app.create_user("lea@example.com", "Lea", &["learner"]).await;
        let admin = app.login(ADMIN_EMAIL).await;
        let team: Value = admin
            .client
            .post(app.url("/api/v1/teams"))
            .header("X-CSRF-Token", &admin.csrf)
            .json(&json!({"name": "华东大区", "manager_email": "MIA@example.com"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let id = team["id"].as_str().unwrap();
        for _ in 0..2 {
            let added = admin
                .client
                .post(app.url(&format!("/api/v1/teams/{id}/members")))
                .header("X-CSRF-Token", &admin.csrf)
                .json(&json!({"email": "lea@example.com"}))
                .send()
                .await
                .unwrap();
            assert_eq!(added.status(), StatusCode::OK);
        }
        let detail: Value = app.get(&admin.client, &format!("/api/v1/teams/{id}")).await.json().await.unwrap();
        assert_eq!(detail["name"], "华东大区");
        assert_eq!(detail["managers"][0]["email"], "mia@example.com");
        assert_eq!(detail["members"].as_array().unwrap().len(), 1, "adding twice is a no-op");

        let missing = admin
            .client
            .post(app.url(&format!("/api/v1/teams/{id}/members")))
            .header("X-CSRF-Token", &admin.csrf)
            .json(&json!({"email": "nobody@example.com"}))
            .send()
            .await
            .unwrap();
        let (status, _, message) = error_of(missing).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(message.contains("nobody@example.com"), "{message}");
    }
}
