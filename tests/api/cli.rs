//! The `salesdojo` binary's commands, run as an administrator would, against
//! the database of a running server.

use std::process::{Output, Stdio};

use reqwest::StatusCode;
use serde_json::Value;
use tokio::io::AsyncWriteExt;
use tokio::process::Command;

use crate::helpers::{ADMIN_EMAIL, Backend, PASSWORD, TestApp, browser};
use crate::on_both_databases;

async fn run(app: &TestApp, args: &[&str], stdin: &str) -> Output {
    let mut child = app.command().args(args).spawn().expect("start salesdojo");
    if let Some(mut input) = child.stdin.take() {
        input
            .write_all(stdin.as_bytes())
            .await
            .expect("write stdin");
    }
    child.wait_with_output().await.expect("salesdojo finishes")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

on_both_databases! {
    async fn users_are_created_listed_and_given_new_passwords_from_the_cli(app) {
        let out = run(&app, &["user", "add", "--email", "Lea@Example.com", "--name", "Lea Learner", "--role", "learner", "--job", "new-hire", "--password-stdin"], "first password here\n").await;
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert!(text(&out.stdout).contains("created Lea Learner <lea@example.com> with roles learner"));
        assert_eq!(app.post_login(&browser(), "lea@example.com", "first password here").await.status(), StatusCode::OK);

        let generated = run(&app, &["user", "add", "--email", "bo@example.com", "--name", "Bo", "--role", "trainer", "--role", "manager"], "").await;
        assert!(generated.status.success(), "{}", text(&generated.stderr));
        let stdout = text(&generated.stdout);
        let password = stdout.lines().find_map(|l| l.split("): ").nth(1)).expect("the generated password").trim().to_owned();
        assert_eq!(app.post_login(&browser(), "bo@example.com", &password).await.status(), StatusCode::OK);

        let list = text(&run(&app, &["user", "list"], "").await.stdout);
        assert!(list.contains("lea@example.com") && list.contains("new-hire") && list.contains("trainer,manager"), "{list}");
        assert!(list.contains("3 user(s)"), "{list}");

        let passwd = run(&app, &["user", "passwd", "--email", "lea@example.com", "--password-stdin"], "second password here\n").await;
        assert!(passwd.status.success(), "{}", text(&passwd.stderr));
        assert_eq!(app.post_login(&browser(), "lea@example.com", "first password here").await.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(app.post_login(&browser(), "lea@example.com", "second password here").await.status(), StatusCode::OK);

        let duplicate = run(&app, &["user", "add", "--email", "LEA@example.com", "--name", "Again", "--password-stdin"], "another password\n").await;
        assert!(!duplicate.status.success());
        assert!(text(&duplicate.stderr).contains("already exists"), "{}", text(&duplicate.stderr));
        let weak = run(&app, &["user", "add", "--email", "cy@example.com", "--name", "Cy", "--password-stdin"], "short\n").await;
        assert!(text(&weak.stderr).contains("at least 10"), "{}", text(&weak.stderr));
    }

    async fn teams_and_tokens_are_managed_from_the_cli(app) {
        app.create_user("lea@example.com", "Lea", &["learner"]).await;
        let team = run(&app, &["team", "add", "--name", "South", "--manager", ADMIN_EMAIL], "").await;
        assert!(team.status.success(), "{}", text(&team.stderr));
        let member = run(&app, &["team", "member", "--team", "South", "--email", "lea@example.com"], "").await;
        assert!(member.status.success(), "{}", text(&member.stderr));
        let unknown = run(&app, &["team", "member", "--team", "Nowhere", "--email", "lea@example.com"], "").await;
        assert!(text(&unknown.stderr).contains("no team is named `Nowhere`"), "{}", text(&unknown.stderr));

        let token = run(&app, &["token", "create", "--user", "lea@example.com"], "").await;
        assert!(token.status.success(), "{}", text(&token.stderr));
        let token = text(&token.stdout).trim().to_owned();
        assert!(token.starts_with("sdt_"), "{token}");
        let me: Value = reqwest::Client::new().get(app.url("/api/v1/me")).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
        assert_eq!(me["email"], "lea@example.com");

        let admin = app.login(ADMIN_EMAIL).await;
        let teams: Value = app.get(&admin.client, "/api/v1/teams").await.json().await.unwrap();
        let detail: Value = app.get(&admin.client, &format!("/api/v1/teams/{}", teams[0]["id"].as_str().unwrap())).await.json().await.unwrap();
        assert_eq!(detail["members"][0]["email"], "lea@example.com");
    }

    async fn backup_copies_a_live_database_or_says_what_to_use(app) {
        let target = app.dir.path().join("backup.db");
        // Keep the server busy while the copy is taken.
        let client = browser();
        let writes = async {
            for _ in 0..10 {
                app.post_login(&client, ADMIN_EMAIL, PASSWORD).await;
            }
        };
        let args = ["backup", target.to_str().unwrap()];
        let (out, ()) = tokio::join!(run(&app, &args, ""), writes);
        match app.backend {
            Backend::Sqlite => {
                assert!(out.status.success(), "{}", text(&out.stderr));
                let copy = salesdojo::store::connect(&format!("sqlite://{}", target.display())).await.unwrap();
                let users = salesdojo::store::users::list(&copy).await.unwrap();
                assert_eq!(users.len(), 1);
                assert_eq!(users[0].email, ADMIN_EMAIL);
                let again = run(&app, &["backup", target.to_str().unwrap()], "").await;
                assert!(!again.status.success());
                assert!(text(&again.stderr).contains("already exists"), "{}", text(&again.stderr));
            }
            Backend::Postgres => {
                assert!(!out.status.success());
                assert!(text(&out.stderr).contains("pg_dump"), "{}", text(&out.stderr));
            }
        }
    }
}

#[tokio::test]
async fn the_first_start_creates_a_private_secret_and_explains_the_first_admin() {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(env!("CARGO_BIN_EXE_salesdojo"))
        .current_dir(dir.path())
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .env_remove("DATABASE_URL")
        .env_remove("SALESDOJO_SECRET")
        .env("SALESDOJO_CONTENT", crate::helpers::shipped_content())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let url = format!("http://127.0.0.1:{port}/healthz");
    let mut healthy = false;
    for _ in 0..100 {
        if reqwest::get(&url)
            .await
            .is_ok_and(|r| r.status() == StatusCode::OK)
        {
            healthy = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(healthy, "the server did not come up");
    assert!(
        dir.path().join("salesdojo.db").exists(),
        "the default database is salesdojo.db in the working directory"
    );
    let secret = dir.path().join("salesdojo.secret");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&secret).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    assert!(std::fs::read_to_string(&secret).unwrap().trim().len() >= 32);

    // SIGTERM stops it gracefully.
    let pid = child.id().unwrap().to_string();
    let killed = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .await
        .unwrap();
    assert!(killed.success());
    let out = tokio::time::timeout(std::time::Duration::from_secs(40), child.wait_with_output())
        .await
        .unwrap()
        .unwrap();
    assert!(out.status.success(), "exit: {:?}", out.status);
    let log = text(&out.stderr);
    assert!(
        log.contains("salesdojo user add --email you@example.com"),
        "{log}"
    );
    assert!(log.contains("generated a new session secret"), "{log}");
    assert!(log.contains("stopped"), "{log}");
}

#[tokio::test]
async fn a_short_secret_is_refused_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_salesdojo"))
        .current_dir(dir.path())
        .args(["serve", "--bind", "127.0.0.1:0"])
        .env_remove("DATABASE_URL")
        .env("SALESDOJO_SECRET", "too-short")
        .output()
        .await
        .unwrap();
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("SALESDOJO_SECRET is 9 bytes long; it must be at least 32 bytes"),
        "{stderr}"
    );
}
