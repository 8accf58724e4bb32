//! Importing users from CSV on both databases, from the command line and the
//! admin page: all or nothing, problems by line, passwords shown once.

use std::process::Stdio;

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{ADMIN_EMAIL, Session, TestApp, browser};
use crate::on_both_databases;

async fn cli(app: &TestApp, args: &[&str]) -> std::process::Output {
    app.command()
        .env("SALESDOJO_CONTENT", crate::helpers::shipped_content())
        .args(args)
        .stdin(Stdio::null())
        .output()
        .await
        .expect("salesdojo runs")
}

async fn login_with(app: &TestApp, email: &str, password: &str) -> Session {
    let client = browser();
    let response = app.post_login(&client, email, password).await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "{email} logs in with the generated password"
    );
    let body: Value = response.json().await.unwrap();
    Session {
        client,
        csrf: body["csrf_token"].as_str().unwrap().to_owned(),
    }
}

fn password_of(table: &str, email: &str) -> String {
    table
        .lines()
        .find(|l| l.starts_with(&format!("{email},")))
        .and_then(|l| l.rsplit(',').next())
        .unwrap_or_else(|| panic!("{email} in {table}"))
        .to_owned()
}

const GOOD: &str = "\u{feff}email,name,roles,job_role,team,manager_of\r\n\
mia@example.com,Mia Manager,manager,,,East\r\n\
wang@example.com,王芳,learner,new-hire,East,\r\n\
\r\n\
\"lee@example.com\",\"Lee, Jr.\",learner trainer,sales-rep,East,\r\n";

on_both_databases! {
    async fn the_cli_imports_a_whole_file_or_nothing(app) {
        std::fs::write(app.dir.path().join("bad.csv"), "email,name,roles,job_role,team\nok@example.com,Ok,,,\nnot-an-email,Bad,,,\nx@example.com,X,wizard,,\nz@example.com,Z,,no-such-role,\nadmin@example.com,Dup,,,\n").unwrap();
        let before = app.count("users", "1 = 1").await;
        let out = cli(&app, &["user", "import", "bad.csv"]).await;
        assert!(!out.status.success());
        let stderr = String::from_utf8_lossy(&out.stderr);
        for expected in ["line 3, column `email`", "line 4, column `roles`", "line 5, column `job_role`", "nothing was imported"] {
            assert!(stderr.contains(expected), "{expected} in {stderr}");
        }
        assert_eq!(app.count("users", "1 = 1").await, before, "nothing imported");
        // Only the already-taken address is left: the store check names it.
        std::fs::write(app.dir.path().join("taken.csv"), "email,name\nnew@example.com,New\nadmin@example.com,Dup\n").unwrap();
        let out = cli(&app, &["user", "import", "taken.csv"]).await;
        assert!(String::from_utf8_lossy(&out.stderr).contains("line 3, column `email`: a user with the e-mail address admin@example.com already exists"));
        assert_eq!(app.count("users", "1 = 1").await, before);

        std::fs::write(app.dir.path().join("good.csv"), GOOD).unwrap();
        let out = cli(&app, &["user", "import", "good.csv", "--passwords-out", "passwords.csv"]).await;
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(String::from_utf8_lossy(&out.stderr).contains("imported 3 user(s), created 1 team(s), 3 team membership(s)"));
        let passwords = std::fs::read_to_string(app.dir.path().join("passwords.csv")).unwrap();
        assert!(passwords.contains("wang@example.com,王芳,"));
        login_with(&app, "wang@example.com", &password_of(&passwords, "wang@example.com")).await;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(app.dir.path().join("passwords.csv")).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "the password file is private");
        }
        let mia = login_with(&app, "mia@example.com", &password_of(&passwords, "mia@example.com")).await;
        let (_, teams) = mia.get_json(&app, "/api/v1/teams").await;
        assert_eq!(teams[0]["name"], "East");
        let (_, detail) = mia.get_json(&app, &format!("/api/v1/teams/{}", teams[0]["id"].as_str().unwrap())).await;
        assert_eq!(detail["members"].as_array().unwrap().len(), 2, "{detail}");
        let admin = app.login(ADMIN_EMAIL).await;
        let (_, users) = admin.get_json(&app, "/api/v1/users").await;
        let lee = users.as_array().unwrap().iter().find(|u| u["email"] == "lee@example.com").cloned().unwrap_or(Value::Null);
        assert_eq!(lee["name"], "Lee, Jr.");
        assert_eq!(lee["job_role"], "sales-rep");

        // Importing the same file again changes nothing and says why.
        let again = cli(&app, &["user", "import", "good.csv"]).await;
        assert!(!again.status.success());
        assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
    }

    async fn the_admin_page_imports_pasted_csv(app) {
        let admin = app.login(ADMIN_EMAIL).await;
        let page = admin.client.get(app.url("/admin")).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("action=\"/admin/users/import\""), "the import form is on the admin page");
        let bad = admin.client.post(app.url("/admin/users/import"))
            .form(&[("csrf_token", admin.csrf.as_str()), ("csv", "email,name\nnope,No\n")])
            .send().await.unwrap();
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = bad.text().await.unwrap();
        assert!(html.contains("line 2, column `email`"), "problems by line");
        assert!(html.contains("nope,No"), "the text is kept to fix");
        let good = admin.client.post(app.url("/admin/users/import"))
            .form(&[("csrf_token", admin.csrf.as_str()), ("csv", GOOD)])
            .send().await.unwrap();
        assert_eq!(good.status(), StatusCode::OK);
        let html = good.text().await.unwrap();
        assert!(html.contains("王芳") && html.contains("<code>"), "the passwords table");
        assert_eq!(app.count("users", "email LIKE '%@example.com'").await, 4);
        let (_, password) = html.split_once("<td>wang@example.com</td><td>王芳</td><td><code>").unwrap();
        let password = password.split('<').next().unwrap();
        let learner = login_with(&app, "wang@example.com", password).await;
        let refused = learner.client.post(app.url("/admin/users/import"))
            .form(&[("csrf_token", learner.csrf.as_str()), ("csv", GOOD)])
            .send().await.unwrap();
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    }
}
