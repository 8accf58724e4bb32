use reqwest::StatusCode;
use reqwest::header::{LOCATION, SET_COOKIE};

use crate::helpers::{ADMIN_EMAIL, PASSWORD, TestApp, browser};
use crate::on_both_databases;

/// Logs in through the HTML form; returns the client and the page's CSRF token.
async fn form_login(app: &TestApp, email: &str) -> (reqwest::Client, String) {
    let client = browser();
    let response = client
        .post(app.url("/login"))
        .form(&[("email", email), ("password", PASSWORD), ("next", "/admin")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()[LOCATION], "/admin");
    let html = app.get(&client, "/").await.text().await.unwrap();
    (client, csrf_from(&html))
}

fn csrf_from(html: &str) -> String {
    let marker = "name=\"csrf_token\" value=\"";
    let start = html.find(marker).expect("a CSRF field on the page") + marker.len();
    html[start..start + 43].to_owned()
}

on_both_databases! {
    async fn the_login_page_speaks_the_browsers_language(app) {
        let english = app.get(&browser(), "/login").await.text().await.unwrap();
        assert!(english.contains("<html lang=\"en\">"));
        assert!(english.contains("Log in"));
        let chinese = browser()
            .get(app.url("/login"))
            .header("Accept-Language", "zh-CN,zh;q=0.9,en;q=0.5")
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(chinese.contains("<html lang=\"zh-CN\">"));
        assert!(chinese.contains("电子邮箱"));
    }

    async fn a_wrong_password_in_the_form_shows_the_same_error_for_unknown_accounts(app) {
        let client = browser();
        let mut pages = Vec::new();
        for email in [ADMIN_EMAIL, "nobody@example.com"] {
            let response = client.post(app.url("/login")).form(&[("email", email), ("password", "wrong password!")]).send().await.unwrap();
            assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
            assert!(response.headers().get(SET_COOKIE).is_none());
            let html = response.text().await.unwrap();
            pages.push(html.contains("The e-mail address or the password is not right"));
        }
        assert_eq!(pages, [true, true]);
    }

    async fn a_user_logs_in_sees_the_dashboard_and_logs_out(app) {
        let (client, csrf) = form_login(&app, ADMIN_EMAIL).await;
        let dashboard = app.get(&client, "/").await;
        assert_eq!(dashboard.status(), StatusCode::OK);
        let html = dashboard.text().await.unwrap();
        assert!(html.contains("Welcome, Ada Admin"), "{html}");
        assert!(html.contains("href=\"/admin\""));

        let logout = client.post(app.url("/logout")).form(&[("csrf_token", csrf.as_str())]).send().await.unwrap();
        assert_eq!(logout.status(), StatusCode::SEE_OTHER);
        assert_eq!(logout.headers()[LOCATION], "/login");
        assert_eq!(app.get(&client, "/").await.status(), StatusCode::SEE_OTHER);
    }

    async fn forms_without_the_csrf_token_are_refused(app) {
        let (client, _) = form_login(&app, ADMIN_EMAIL).await;
        let response = client
            .post(app.url("/admin/users"))
            .form(&[("email", "new@example.com"), ("name", "New"), ("password", "a long password here"), ("learner", "on")])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        assert!(response.text().await.unwrap().contains("This form had expired"));
        let users = app.get(&client, "/admin").await.text().await.unwrap();
        assert!(!users.contains("new@example.com"), "nothing may be created without the token");
    }

    async fn an_admin_manages_users_and_teams_from_the_admin_page(app) {
        let (client, csrf) = form_login(&app, ADMIN_EMAIL).await;
        let created = client
            .post(app.url("/admin/users"))
            .form(&[("csrf_token", csrf.as_str()), ("email", "mia@example.com"), ("name", "Mia Manager"), ("password", "a long password here"), ("manager", "on"), ("job_role", "")])
            .send()
            .await
            .unwrap();
        assert_eq!(created.status(), StatusCode::SEE_OTHER);
        assert_eq!(created.headers()[LOCATION], "/admin?notice=user_created");
        let team = client
            .post(app.url("/admin/teams"))
            .form(&[("csrf_token", csrf.as_str()), ("name", "North"), ("manager_email", "mia@example.com")])
            .send()
            .await
            .unwrap();
        assert_eq!(team.status(), StatusCode::SEE_OTHER);
        let page = app.get(&client, "/admin?notice=team_created").await.text().await.unwrap();
        assert!(page.contains("The team was created."));
        assert!(page.contains("Mia Manager &lt;mia@example.com&gt;"), "{page}");

        // A second team lists its own manager, not the first team's.
        let created = client
            .post(app.url("/admin/users"))
            .form(&[("csrf_token", csrf.as_str()), ("email", "sam@example.com"), ("name", "Sam Second"), ("password", "a long password here"), ("manager", "on"), ("job_role", "")])
            .send()
            .await
            .unwrap();
        assert_eq!(created.status(), StatusCode::SEE_OTHER);
        let team = client
            .post(app.url("/admin/teams"))
            .form(&[("csrf_token", csrf.as_str()), ("name", "South"), ("manager_email", "sam@example.com")])
            .send()
            .await
            .unwrap();
        assert_eq!(team.status(), StatusCode::SEE_OTHER);
        let page = app.get(&client, "/admin").await.text().await.unwrap();
        let teams: Vec<&str> = page.split("<article class=\"team\">").skip(1).collect();
        assert_eq!(teams.len(), 2, "{page}");
        assert!(teams[0].contains("<h3>North</h3>") && teams[0].contains("Mia Manager") && !teams[0].contains("Sam Second"), "{}", teams[0]);
        assert!(teams[1].contains("<h3>South</h3>") && teams[1].contains("Sam Second") && !teams[1].contains("Mia Manager"), "{}", teams[1]);

        let duplicate = client
            .post(app.url("/admin/users"))
            .form(&[("csrf_token", csrf.as_str()), ("email", "MIA@example.com"), ("name", "Again"), ("password", "a long password here")])
            .send()
            .await
            .unwrap();
        assert_eq!(duplicate.status(), StatusCode::CONFLICT);
        assert!(duplicate.text().await.unwrap().contains("already exists"));
    }

    async fn the_language_switch_is_remembered_for_the_account(app) {
        let (client, csrf) = form_login(&app, ADMIN_EMAIL).await;
        let switched = client
            .post(app.url("/language"))
            .form(&[("csrf_token", csrf.as_str()), ("lang", "zh-CN"), ("next", "/admin")])
            .send()
            .await
            .unwrap();
        assert_eq!(switched.status(), StatusCode::SEE_OTHER);
        assert_eq!(switched.headers()[LOCATION], "/admin");
        let admin = app.get(&client, "/admin").await.text().await.unwrap();
        assert!(admin.contains("系统管理"), "{admin}");
        // Refusals are explained in the page's language too.
        let refused = client
            .post(app.url("/admin/users"))
            .form(&[("csrf_token", csrf.as_str()), ("email", "no-at-sign"), ("name", "X"), ("password", "a long password here")])
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = refused.text().await.unwrap();
        assert!(html.contains("“no-at-sign”不是有效的邮箱：缺少 @"), "{html}");
        // A fresh login from another browser gets the account's language.
        let other = browser();
        other.post(app.url("/login")).form(&[("email", ADMIN_EMAIL), ("password", PASSWORD)]).send().await.unwrap();
        let dashboard = app.get(&other, "/").await.text().await.unwrap();
        assert!(dashboard.contains("欢迎"), "{dashboard}");
        let me: serde_json::Value = app.get(&other, "/api/v1/me").await.json().await.unwrap();
        assert_eq!(me["language"], "zh-CN");
    }
}
