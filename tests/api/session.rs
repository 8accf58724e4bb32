use reqwest::StatusCode;
use reqwest::header::{RETRY_AFTER, SET_COOKIE};
use serde_json::{Value, json};

use crate::helpers::{ADMIN_EMAIL, PASSWORD, browser, error_of};
use crate::on_both_databases;

on_both_databases! {
    async fn login_with_the_right_password_starts_a_session(app) {
        let client = browser();
        let response = app.post_login(&client, "  Admin@Example.COM ", PASSWORD).await;
        assert_eq!(response.status(), StatusCode::OK);
        let cookie = response.headers().get(SET_COOKIE).expect("a session cookie").to_str().unwrap().to_owned();
        assert!(cookie.starts_with("sd_session="), "{cookie}");
        assert!(cookie.contains("HttpOnly"), "{cookie}");
        assert!(cookie.contains("SameSite=Lax"), "{cookie}");
        assert!(!cookie.contains("Secure"), "plain HTTP must not get a Secure cookie: {cookie}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["user"]["email"], ADMIN_EMAIL);
        assert_eq!(body["user"]["roles"], json!(["admin"]));
        assert_eq!(body["csrf_token"].as_str().unwrap().len(), 43);

        let me: Value = app.get(&client, "/api/v1/me").await.json().await.unwrap();
        assert_eq!(me["email"], ADMIN_EMAIL);
        assert_eq!(me["name"], "Ada Admin");
    }

    async fn a_wrong_password_and_an_unknown_email_get_the_same_answer(app) {
        let client = browser();
        let wrong = error_of(app.post_login(&client, ADMIN_EMAIL, "not the password").await).await;
        let unknown = error_of(app.post_login(&client, "nobody@example.com", PASSWORD).await).await;
        let malformed = error_of(app.post_login(&client, "not-an-address", PASSWORD).await).await;
        assert_eq!(wrong.0, StatusCode::UNAUTHORIZED);
        assert_eq!(wrong, unknown);
        assert_eq!(wrong, malformed);
        assert_eq!(app.get(&client, "/api/v1/me").await.status(), StatusCode::UNAUTHORIZED);
    }

    async fn repeated_failures_are_throttled_per_account_without_revealing_it(app) {
        let client = browser();
        for _ in 0..5 {
            let response = app.post_login(&client, ADMIN_EMAIL, "guess guess guess").await;
            assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        }
        let response = app.post_login(&client, ADMIN_EMAIL, PASSWORD).await;
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS, "even the right password waits");
        let retry_after: u64 = response.headers()[RETRY_AFTER].to_str().unwrap().parse().unwrap();
        assert!((1..=900).contains(&retry_after), "{retry_after}");
        let (_, code, message) = error_of(response).await;
        assert_eq!(code, "too_many_requests");
        assert!(message.contains("minute"), "{message}");

        // An address that does not exist is throttled exactly the same way.
        for _ in 0..5 {
            app.post_login(&client, "ghost@example.com", "guess guess guess").await;
        }
        assert_eq!(app.post_login(&client, "ghost@example.com", "x").await.status(), StatusCode::TOO_MANY_REQUESTS);
    }

    async fn guesses_sent_all_at_once_are_throttled_too(app) {
        // Sixteen wrong passwords at the same moment: each attempt counts
        // before its password is checked, so at most five are checked.
        let guesses = (0..16).map(|i| {
            let app = &app;
            async move { app.post_login(&browser(), ADMIN_EMAIL, &format!("wrong guess {i}")).await.status() }
        });
        let statuses = futures_util::future::join_all(guesses).await;
        let checked = statuses.iter().filter(|s| **s == StatusCode::UNAUTHORIZED).count();
        let throttled = statuses.iter().filter(|s| **s == StatusCode::TOO_MANY_REQUESTS).count();
        assert_eq!(checked + throttled, 16, "{statuses:?}");
        assert!(checked <= 5, "{checked} passwords were checked: {statuses:?}");
        assert_eq!(app.count("login_attempts", "succeeded = false").await, i64::try_from(checked).unwrap(), "refused attempts do not count");
        // Only the checked guesses count: five lock the account, fewer do not.
        let expected = if checked == 5 { StatusCode::TOO_MANY_REQUESTS } else { StatusCode::OK };
        assert_eq!(app.post_login(&browser(), ADMIN_EMAIL, PASSWORD).await.status(), expected, "after {checked} checked guesses");
    }

    async fn changes_without_the_csrf_token_are_refused(app) {
        let session = app.login(ADMIN_EMAIL).await;
        let refused = session.client.delete(app.url("/api/v1/session")).send().await.unwrap();
        let (status, code, message) = error_of(refused).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(code, "forbidden");
        assert!(message.contains("X-CSRF-Token"), "{message}");
        let wrong = session.client.delete(app.url("/api/v1/session")).header("X-CSRF-Token", "forged").send().await.unwrap();
        assert_eq!(wrong.status(), StatusCode::FORBIDDEN);
        // Still logged in: nothing happened.
        assert_eq!(app.get(&session.client, "/api/v1/me").await.status(), StatusCode::OK);
    }

    async fn logout_ends_the_session_for_every_copy_of_the_cookie(app) {
        let client = browser();
        let response = app.post_login(&client, ADMIN_EMAIL, PASSWORD).await;
        let cookie = response.headers()[SET_COOKIE].to_str().unwrap().split(';').next().unwrap().to_owned();
        let csrf = response.json::<Value>().await.unwrap()["csrf_token"].as_str().unwrap().to_owned();

        let logout = client.delete(app.url("/api/v1/session")).header("X-CSRF-Token", &csrf).send().await.unwrap();
        assert_eq!(logout.status(), StatusCode::NO_CONTENT);

        // Replaying the old cookie (as a stolen copy would) no longer works.
        let replay = reqwest::Client::new()
            .get(app.url("/api/v1/me"))
            .header("Cookie", cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(replay.status(), StatusCode::UNAUTHORIZED);
    }

    async fn logging_in_again_rotates_the_session(app) {
        let client = browser();
        let first = app.post_login(&client, ADMIN_EMAIL, PASSWORD).await;
        let first_cookie = first.headers()[SET_COOKIE].to_str().unwrap().split(';').next().unwrap().to_owned();
        let second = app.post_login(&client, ADMIN_EMAIL, PASSWORD).await;
        let second_cookie = second.headers()[SET_COOKIE].to_str().unwrap().split(';').next().unwrap().to_owned();
        assert_ne!(first_cookie, second_cookie);
        let old = reqwest::Client::new().get(app.url("/api/v1/me")).header("Cookie", first_cookie).send().await.unwrap();
        assert_eq!(old.status(), StatusCode::UNAUTHORIZED, "the session before the new login must be gone");
        let new = reqwest::Client::new().get(app.url("/api/v1/me")).header("Cookie", second_cookie).send().await.unwrap();
        assert_eq!(new.status(), StatusCode::OK);
    }

    async fn a_tampered_cookie_is_ignored(app) {
        let response = reqwest::Client::new()
            .get(app.url("/api/v1/me"))
            .header("Cookie", "sd_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
}
