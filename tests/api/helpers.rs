//! Starts the real server on a random port against a fresh database, and
//! talks HTTP to it like a browser or an API client would.

use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

use reqwest::{Client, Response, StatusCode};
use salesdojo::config::{SecretOrigin, ServerSettings};
use salesdojo::startup::Application;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, Statement};
use serde_json::{Value, json};

pub const ADMIN_EMAIL: &str = "admin@example.com";
pub const PASSWORD: &str = "correct horse battery";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct TestApp {
    pub address: String,
    pub database_url: String,
    pub backend: Backend,
    /// Holds the SQLite file (and anything else) until the test ends.
    pub dir: tempfile::TempDir,
    /// The server's scheduling clock: `advance` it to travel in time.
    pub clock: salesdojo::clock::Clock,
}

/// The PostgreSQL server for tests; trust auth, user postgres.
pub fn postgres_admin_url() -> String {
    std::env::var("SALESDOJO_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

static DATABASE_COUNTER: AtomicU64 = AtomicU64::new(0);

/// A fresh database URL for `backend`, or None when PostgreSQL is not
/// reachable outside CI (the test then says it was skipped). Under CI a
/// missing PostgreSQL fails the test.
pub async fn fresh_database(backend: Backend, dir: &std::path::Path) -> Option<String> {
    match backend {
        Backend::Sqlite => Some(format!("sqlite://{}", dir.join("salesdojo.db").display())),
        Backend::Postgres => {
            let admin_url = postgres_admin_url();
            let admin = match Database::connect(&admin_url).await {
                Ok(db) => db,
                Err(error) if !in_ci() => {
                    eprintln!(
                        "SKIPPED (PostgreSQL not reachable at {admin_url}: {error}); set CI=true to make this a failure"
                    );
                    return None;
                }
                Err(error) => panic!(
                    "PostgreSQL is required under CI=true but is not reachable at {admin_url}: {error}"
                ),
            };
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or_default();
            drop_stale_databases(&admin, now).await;
            let name = format!(
                "sd_test_{now}_{}_{}",
                std::process::id(),
                DATABASE_COUNTER.fetch_add(1, Ordering::Relaxed)
            );
            admin
                .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                .await
                .expect("create a test database");
            let base = admin_url
                .rsplit_once('/')
                .map_or(admin_url.as_str(), |(base, _)| base);
            Some(format!("{base}/{name}"))
        }
    }
}

/// Test databases older than an hour are left-overs of earlier runs.
async fn drop_stale_databases(admin: &DatabaseConnection, now: u64) {
    let Ok(rows) = admin
        .query_all_raw(Statement::from_string(
            admin.get_database_backend(),
            "SELECT datname FROM pg_database WHERE datname LIKE 'sd_test_%'",
        ))
        .await
    else {
        return;
    };
    for row in rows {
        let Ok(name) = row.try_get::<String>("", "datname") else {
            continue;
        };
        let created = name
            .split('_')
            .nth(2)
            .and_then(|s| s.parse::<u64>().ok())
            .unwrap_or(now);
        if created + 3600 < now {
            let _ = admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                .await;
        }
    }
}

pub fn test_settings(database_url: String, content_dir: PathBuf) -> ServerSettings {
    ServerSettings {
        bind: "127.0.0.1:0".parse().expect("a valid address"),
        content_dir,
        database_url,
        secret: test_secret(),
        secret_origin: SecretOrigin::Environment,
        workers: 2,
        behind_proxy: false,
        session_days: 14,
        watch: false,
        demo: false,
        public_url: "https://dojo.example.com".to_owned(),
        clock: salesdojo::clock::Clock::system(),
        desired_retention: 0.9,
        daily_review_cap: 20,
        fading_refresh: std::time::Duration::from_secs(3600),
    }
}

fn test_secret() -> salesdojo::config::Secret {
    salesdojo::config::Secret::from_bytes(
        b"test-secret-that-is-long-enough-for-the-cookie-key".to_vec(),
    )
}

pub fn shipped_content() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("content")
}

/// Starts the server; None when the backend is unavailable outside CI.
pub async fn spawn_app(backend: Backend) -> Option<TestApp> {
    spawn_app_with_content(backend, |_| shipped_content()).await
}

/// Copies a folder (content fixtures) so a test can change it.
pub fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).expect("create the copy");
    for entry in std::fs::read_dir(from).expect("read the fixture") {
        let entry = entry.expect("a directory entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("a file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy a file");
        }
    }
}

/// Starts the server on content that `content` prepares inside the test's
/// own temporary folder.
pub async fn spawn_app_with_content(
    backend: Backend,
    content: impl FnOnce(&std::path::Path) -> PathBuf,
) -> Option<TestApp> {
    spawn_app_with(backend, content, |_| {}).await
}

/// Like [`spawn_app_with_content`], with settings changed by `tweak` first.
pub async fn spawn_app_with(
    backend: Backend,
    content: impl FnOnce(&std::path::Path) -> PathBuf,
    tweak: impl FnOnce(&mut ServerSettings),
) -> Option<TestApp> {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let database_url = fresh_database(backend, dir.path()).await?;
    let content_dir = content(dir.path());
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a random port");
    let mut settings = test_settings(database_url.clone(), content_dir);
    tweak(&mut settings);
    let clock = settings.clock.clone();
    let app = Application::build_with_listener(settings, listener)
        .await
        .expect("the application starts");
    let port = app.port();
    tokio::spawn(app.run_until_stopped());
    let test_app = TestApp {
        address: format!("http://127.0.0.1:{port}"),
        database_url,
        backend,
        dir,
        clock,
    };
    test_app
        .create_user(ADMIN_EMAIL, "Ada Admin", &["admin"])
        .await;
    Some(test_app)
}

/// A client that keeps cookies and does not follow redirects (so tests see them).
pub fn browser() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("an HTTP client")
}

/// A logged-in API session: its cookie jar and CSRF token.
pub struct Session {
    pub client: Client,
    pub csrf: String,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn db(&self) -> DatabaseConnection {
        Database::connect(&self.database_url)
            .await
            .expect("connect to the test database")
    }

    /// Creates a user straight in the store (as `salesdojo user add` does).
    pub async fn create_user(&self, email: &str, name: &str, roles: &[&str]) {
        let db = salesdojo::store::connect(&self.database_url)
            .await
            .expect("connect");
        let hasher = salesdojo::auth::password::PasswordHasher::new(1).expect("hasher");
        let roles: Vec<_> = roles
            .iter()
            .map(|r| salesdojo::domain::AccessRole::parse(r).expect("a role"))
            .collect();
        salesdojo::accounts::create_user(
            &db,
            &hasher,
            salesdojo::accounts::AccountInput {
                email,
                name,
                roles: &roles,
                job_role: None,
                password: PASSWORD.to_owned(),
            },
        )
        .await
        .expect("create a user");
    }

    pub async fn post_login(&self, client: &Client, email: &str, password: &str) -> Response {
        client
            .post(self.url("/api/v1/session"))
            .json(&json!({"email": email, "password": password}))
            .send()
            .await
            .expect("send the login")
    }

    /// Logs in over the API and returns the session.
    pub async fn login(&self, email: &str) -> Session {
        let client = browser();
        let response = self.post_login(&client, email, PASSWORD).await;
        assert_eq!(response.status(), StatusCode::OK, "login of {email} failed");
        let body: Value = response.json().await.expect("a JSON body");
        let csrf = body["csrf_token"]
            .as_str()
            .expect("a CSRF token")
            .to_owned();
        Session { client, csrf }
    }

    pub async fn get(&self, client: &Client, path: &str) -> Response {
        client.get(self.url(path)).send().await.expect("send GET")
    }
}

/// The JSON error body `{"error": {"code", "message"}}` of a response.
pub async fn error_of(response: Response) -> (StatusCode, String, String) {
    let status = response.status();
    let body: Value = response.json().await.expect("a JSON error body");
    let code = body["error"]["code"]
        .as_str()
        .expect("error.code")
        .to_owned();
    let message = body["error"]["message"]
        .as_str()
        .expect("error.message")
        .to_owned();
    (status, code, message)
}

/// Declares each test once and runs it on SQLite and on PostgreSQL; with
/// `content = |dir| ...;` first, the server serves the folder it returns,
/// and with `settings = |settings| ...;` after that, the server starts with
/// the settings that closure changes.
#[macro_export]
macro_rules! on_both_databases {
    (content = $content:expr; settings = $tweak:expr; $(async fn $name:ident($app:ident) $body:block)*) => {
        $(
            mod $name {
                #[allow(unused_imports)]
                use super::*;

                async fn test_body($app: $crate::helpers::TestApp) $body

                #[tokio::test]
                async fn sqlite() {
                    let app = $crate::helpers::spawn_app_with($crate::helpers::Backend::Sqlite, $content, $tweak).await.expect("SQLite is always available");
                    test_body(app).await;
                }

                #[tokio::test]
                async fn postgres() {
                    let Some(app) = $crate::helpers::spawn_app_with($crate::helpers::Backend::Postgres, $content, $tweak).await else {
                        return;
                    };
                    test_body(app).await;
                }
            }
        )*
    };
    (content = $content:expr; $(async fn $name:ident($app:ident) $body:block)*) => {
        $(
            mod $name {
                #[allow(unused_imports)]
                use super::*;

                async fn test_body($app: $crate::helpers::TestApp) $body

                #[tokio::test]
                async fn sqlite() {
                    let app = $crate::helpers::spawn_app_with_content($crate::helpers::Backend::Sqlite, $content).await.expect("SQLite is always available");
                    test_body(app).await;
                }

                #[tokio::test]
                async fn postgres() {
                    let Some(app) = $crate::helpers::spawn_app_with_content($crate::helpers::Backend::Postgres, $content).await else {
                        return;
                    };
                    test_body(app).await;
                }
            }
        )*
    };
    ($(async fn $name:ident($app:ident) $body:block)*) => {
        $(
            mod $name {
                #[allow(unused_imports)]
                use super::*;

                async fn test_body($app: $crate::helpers::TestApp) $body

                #[tokio::test]
                async fn sqlite() {
                    let app = $crate::helpers::spawn_app($crate::helpers::Backend::Sqlite).await.expect("SQLite is always available");
                    test_body(app).await;
                }

                #[tokio::test]
                async fn postgres() {
                    let Some(app) = $crate::helpers::spawn_app($crate::helpers::Backend::Postgres).await else {
                        return;
                    };
                    test_body(app).await;
                }
            }
        )*
    };
}

impl TestApp {
    /// Creates a learner with a job role (as `salesdojo user add --job` does).
    pub async fn create_learner(&self, email: &str, name: &str, job: &str) {
        let db = salesdojo::store::connect(&self.database_url)
            .await
            .expect("connect");
        let hasher = salesdojo::auth::password::PasswordHasher::new(1).expect("hasher");
        salesdojo::accounts::create_user(
            &db,
            &hasher,
            salesdojo::accounts::AccountInput {
                email,
                name,
                roles: &[salesdojo::domain::AccessRole::Learner],
                job_role: Some(job),
                password: PASSWORD.to_owned(),
            },
        )
        .await
        .expect("create a learner");
    }

    /// The `salesdojo` binary, run in the app's folder against its database
    /// as an administrator would, with its output captured.
    pub fn command(&self) -> tokio::process::Command {
        use std::process::Stdio;
        let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_salesdojo"));
        command
            .current_dir(self.dir.path())
            .env("DATABASE_URL", &self.database_url)
            .env("RUST_LOG", "warn")
            .env_remove("SALESDOJO_SECRET")
            .env_remove("SALESDOJO_CONFIG")
            .env_remove("SALESDOJO_CONTENT")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        command
    }

    /// Creates a team over the API as the administrator, with its manager
    /// and members (existing users); returns the team id.
    pub async fn create_team(&self, name: &str, manager: &str, members: &[&str]) -> String {
        let admin = self.login(ADMIN_EMAIL).await;
        let created = admin
            .post_json(
                self,
                "/api/v1/teams",
                &json!({"name": name, "manager_email": manager}),
            )
            .await;
        assert_eq!(created.status(), StatusCode::CREATED, "create team {name}");
        let team: Value = created.json().await.expect("a JSON body");
        let id = team["id"].as_str().expect("a team id").to_owned();
        for email in members {
            let added = admin
                .post_json(
                    self,
                    &format!("/api/v1/teams/{id}/members"),
                    &json!({"email": email}),
                )
                .await;
            assert_eq!(added.status(), StatusCode::OK, "add {email} to {name}");
        }
        id
    }

    /// Counts rows of a table matching a SQL condition (test inspection only).
    pub async fn count(&self, table: &str, condition: &str) -> i64 {
        let db = self.db().await;
        let row = db
            .query_one_raw(Statement::from_string(
                db.get_database_backend(),
                format!("SELECT COUNT(*) AS n FROM {table} WHERE {condition}"),
            ))
            .await
            .expect("count rows")
            .expect("a row");
        row.try_get::<i64>("", "n").expect("a count")
    }
}

impl Session {
    pub async fn post_json(&self, app: &TestApp, path: &str, body: &Value) -> Response {
        self.client
            .post(app.url(path))
            .header("X-CSRF-Token", &self.csrf)
            .json(body)
            .send()
            .await
            .expect("send POST")
    }

    pub async fn put_json(&self, app: &TestApp, path: &str, body: &Value) -> Response {
        self.client
            .put(app.url(path))
            .header("X-CSRF-Token", &self.csrf)
            .json(body)
            .send()
            .await
            .expect("send PUT")
    }

    pub async fn get_json(&self, app: &TestApp, path: &str) -> (StatusCode, Value) {
        let response = self
            .client
            .get(app.url(path))
            .send()
            .await
            .expect("send GET");
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }
}

/// Passes the fixture's discovery-basics quiz with every answer right; the attempt id.
pub async fn pass_discovery(app: &TestApp, learner: &Session) -> String {
    let started: Value = learner
        .post_json(app, "/api/v1/modules/discovery-basics/attempts", &json!({}))
        .await
        .json()
        .await
        .unwrap();
    let id = started["attempt_id"].as_str().unwrap().to_owned();
    let submitted = learner
        .put_json(
            app,
            &format!("/api/v1/attempts/{id}"),
            &json!({"answers": {"first-question": [1], "open-questions": [0, 1]}}),
        )
        .await;
    assert_eq!(submitted.status(), StatusCode::OK);
    id
}

/// Plays the price-pushback role-play to the won ending with a practice answer.
pub async fn play_with_practice(app: &TestApp, learner: &Session, text: &str) -> String {
    play_price_pushback(
        app,
        learner,
        &[
            json!({"choice": 0}),
            json!({"choice": 0}),
            json!({"text": text}),
        ],
    )
    .await
}

/// Plays the price-pushback role-play with these moves; returns the run id.
pub async fn play_price_pushback(app: &TestApp, learner: &Session, moves: &[Value]) -> String {
    let run: Value = learner
        .post_json(
            app,
            "/api/v1/modules/handling-objections/roleplays/price-pushback/runs",
            &json!({}),
        )
        .await
        .json()
        .await
        .unwrap();
    let run_id = run["run_id"].as_str().unwrap().to_owned();
    for step in moves {
        let moved = learner
            .post_json(app, &format!("/api/v1/runs/{run_id}/choices"), step)
            .await;
        assert_eq!(moved.status(), StatusCode::OK);
    }
    run_id
}
