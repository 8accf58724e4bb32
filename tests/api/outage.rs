//! The database going away and coming back: with PostgreSQL unreachable the
//! server answers 503 with a JSON error (and a page for browsers) instead of
//! failing or hanging, and it recovers by itself when the database returns.
//! A small TCP relay between the server and PostgreSQL plays the network
//! that drops; SQLite is a file inside the server's process and has no
//! such outage.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;

use crate::helpers::{Backend, postgres_admin_url, spawn_app_with};
use crate::learning::course;

/// Relays TCP to PostgreSQL while up; when cut, drops every open relay and
/// closes new connections at once.
struct Relay {
    port: u16,
    up: Arc<AtomicBool>,
    cut: Arc<Notify>,
}

impl Relay {
    async fn start(target: String) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let up = Arc::new(AtomicBool::new(true));
        let cut = Arc::new(Notify::new());
        let (accept_up, accept_cut) = (Arc::clone(&up), Arc::clone(&cut));
        tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                if !accept_up.load(Ordering::SeqCst) {
                    drop(inbound);
                    continue;
                }
                let target = target.clone();
                let cut = Arc::clone(&accept_cut);
                tokio::spawn(async move {
                    let Ok(mut outbound) = TcpStream::connect(&target).await else {
                        return;
                    };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound) => {}
                        _ = cut.notified() => {}
                    }
                });
            }
        });
        Relay { port, up, cut }
    }

    fn cut(&self) {
        self.up.store(false, Ordering::SeqCst);
        self.cut.notify_waiters();
    }

    fn restore(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}

/// `host:port` of a PostgreSQL URL.
fn authority(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let rest = rest.split_once('@').map_or(rest, |(_, rest)| rest);
    let host = rest.split('/').next().unwrap_or(rest);
    if host.contains(':') {
        host.to_owned()
    } else {
        format!("{host}:5432")
    }
}

#[tokio::test]
async fn the_server_answers_503_while_postgres_is_unreachable_and_recovers() {
    let target = authority(&postgres_admin_url());
    let relay = Relay::start(target.clone()).await;
    let port = relay.port;
    let relayed = move |settings: &mut salesdojo::config::ServerSettings| {
        settings.database_url = settings
            .database_url
            .replace(&target, &format!("127.0.0.1:{port}"));
    };
    let Some(app) = spawn_app_with(Backend::Postgres, course, relayed).await else {
        return;
    };
    app.create_learner("lea@example.com", "Lea", "new-hire")
        .await;
    let lea = app.login("lea@example.com").await;
    let (status, _) = lea.get_json(&app, "/api/v1/me").await;
    assert_eq!(status, StatusCode::OK);

    relay.cut();
    let started = std::time::Instant::now();
    let response = lea
        .client
        .get(app.url("/api/v1/me/competencies"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(response.headers()["retry-after"], "5");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "unavailable", "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("try again"),
        "{body}"
    );
    let write = lea
        .post_json(
            &app,
            "/api/v1/modules/discovery-basics/attempts",
            &json!({}),
        )
        .await;
    assert_eq!(write.status(), StatusCode::SERVICE_UNAVAILABLE);
    // A request with no session reaches the handler, whose query fails.
    let login = reqwest::Client::new()
        .post(app.url("/api/v1/session"))
        .json(&json!({"email": "lea@example.com", "password": crate::helpers::PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), StatusCode::SERVICE_UNAVAILABLE);
    let login: Value = login.json().await.unwrap();
    assert_eq!(login["error"]["code"], "unavailable", "{login}");
    let health = reqwest::get(app.url("/healthz")).await.unwrap();
    assert_eq!(health.status(), StatusCode::SERVICE_UNAVAILABLE);
    let health: Value = health.json().await.unwrap();
    assert_eq!(health["database"], "unreachable");
    let page = lea.client.get(app.url("/")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        page.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(60),
        "answers come back, not hang: {:?}",
        started.elapsed()
    );

    // PostgreSQL is back: the same session works again, with no restart.
    relay.restore();
    let mut healthy = false;
    for _ in 0..60 {
        if reqwest::get(app.url("/healthz")).await.unwrap().status() == StatusCode::OK {
            healthy = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    assert!(healthy, "the server reconnects by itself");
    let (status, me) = lea.get_json(&app, "/api/v1/me").await;
    assert_eq!(status, StatusCode::OK, "{me}");
    let started = lea
        .post_json(
            &app,
            "/api/v1/modules/discovery-basics/attempts",
            &json!({}),
        )
        .await;
    assert_eq!(started.status(), StatusCode::CREATED);
}
