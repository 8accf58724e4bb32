//! Security checks over HTTP: the security headers on every page a user can
//! reach (found by following links, as each role), and an IDOR sweep that
//! takes every id-taking route of the OpenAPI document and tries another
//! user's id with each role that has no business with it.

use std::collections::{BTreeSet, VecDeque};

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{ADMIN_EMAIL, Session, TestApp, pass_discovery, play_with_practice};
use crate::learning::course;
use crate::on_both_databases;

/// The headers every response must carry.
fn check_headers(path: &str, headers: &reqwest::header::HeaderMap) {
    let get = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_else(|| panic!("{path}: no {name} header"))
            .to_owned()
    };
    assert_eq!(get("x-content-type-options"), "nosniff", "{path}");
    assert_eq!(get("x-frame-options"), "DENY", "{path}");
    assert!(
        [
            "same-origin",
            "no-referrer",
            "strict-origin-when-cross-origin"
        ]
        .contains(&get("referrer-policy").as_str()),
        "{path}"
    );
    let csp = get("content-security-policy");
    assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
    // Scripts follow script-src, or default-src when there is none. (A
    // media file's policy allows inline styles inside an SVG; never scripts.)
    let directive = |name: &str| {
        csp.split(';')
            .map(str::trim)
            .find(|d| d.split_whitespace().next() == Some(name))
            .map(str::to_owned)
    };
    let scripts = directive("script-src")
        .or_else(|| directive("default-src"))
        .unwrap_or_else(|| panic!("{path}: the policy does not restrict scripts: {csp}"));
    assert!(
        !scripts.contains("unsafe-inline")
            && !scripts.contains("unsafe-eval")
            && !scripts.contains('*'),
        "{path}: {csp}"
    );
    assert!(
        scripts.contains("'self'") || scripts.contains("'none'"),
        "{path}: {csp}"
    );
}

/// Same-origin links (`href` and `src`) in a page.
fn links(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for attribute in ["href=\"", "src=\"", "action=\""] {
        for piece in html.split(attribute).skip(1) {
            let Some(end) = piece.find('"') else { continue };
            let link = piece[..end].replace("&amp;", "&");
            let link = link.split('#').next().unwrap_or_default().to_owned();
            if link.starts_with('/') && !link.starts_with("//") {
                found.push(link);
            }
        }
    }
    found
}

/// Follows every same-origin link from `/` as this session (GET only, up
/// to `limit` pages), checking the headers of every response. Returns the
/// paths visited.
async fn crawl(app: &TestApp, session: &Session, limit: usize) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut queue = VecDeque::from(["/".to_owned(), "/does-not-exist".to_owned()]);
    while let Some(path) = queue.pop_front() {
        if seen.len() >= limit || !seen.insert(path.clone()) {
            continue;
        }
        let response = session.client.get(app.url(&path)).send().await.unwrap();
        check_headers(&path, response.headers());
        let is_html = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.starts_with("text/html"));
        if is_html {
            let body = response.text().await.unwrap();
            queue.extend(links(&body).into_iter().filter(|l| !seen.contains(l)));
        }
    }
    seen
}

/// Lea, her team North (managed by Max) and everything she owns; Sam and his
/// team South (managed by Olga); Tia the trainer.
struct World {
    lea: Session,
    sam: Session,
    max: Session,
    olga: Session,
    tia: Session,
    admin: Session,
    lea_id: String,
    north: String,
    attempt: String,
    run: String,
    card: String,
    review: String,
}

async fn world(app: &TestApp) -> World {
    app.create_learner("lea@example.com", "Lea", "new-hire")
        .await;
    app.create_learner("sam@example.com", "Sam", "new-hire")
        .await;
    app.create_user("max@example.com", "Max", &["manager"])
        .await;
    app.create_user("olga@example.com", "Olga", &["manager"])
        .await;
    app.create_user("tia@example.com", "Tia", &["trainer"])
        .await;
    let north = app
        .create_team("North", "max@example.com", &["lea@example.com"])
        .await;
    app.create_team("South", "olga@example.com", &["sam@example.com"])
        .await;
    let lea = app.login("lea@example.com").await;
    lea.post_json(app, "/api/v1/modules/discovery-basics/complete", &json!({}))
        .await;
    let attempt = pass_discovery(app, &lea).await;
    let run = play_with_practice(app, &lea, "A pilot at list price?").await;
    let (_, cards) = lea.get_json(app, "/api/v1/me/reviews?scope=all").await;
    let card = cards[0]["card_id"].as_str().unwrap().to_owned();
    let admin = app.login(ADMIN_EMAIL).await;
    let (_, queue) = admin.get_json(app, "/api/v1/reviews").await;
    let review = queue[0]["id"].as_str().unwrap().to_owned();
    let (_, me) = lea.get_json(app, "/api/v1/me").await;
    World {
        lea_id: me["id"].as_str().unwrap().to_owned(),
        lea,
        sam: app.login("sam@example.com").await,
        max: app.login("max@example.com").await,
        olga: app.login("olga@example.com").await,
        tia: app.login("tia@example.com").await,
        admin,
        north,
        attempt,
        run,
        card,
        review,
    }
}

/// Lea's resource for a path parameter; `None` for content ids (modules,
/// role-plays, competencies), which belong to nobody.
fn lea_value(world: &World, path: &str, parameter: &str) -> Option<String> {
    let value = match (parameter, path) {
        ("id", p) if p.starts_with("/api/v1/attempts/") => world.attempt.clone(),
        ("id", p) if p.starts_with("/api/v1/runs/") => world.run.clone(),
        ("id", p) if p.starts_with("/api/v1/reviews/") => world.review.clone(),
        ("id", p) if p.starts_with("/api/v1/teams/") => world.north.clone(),
        ("id", p) if p.starts_with("/api/v1/users/") => world.lea_id.clone(),
        ("card", _) => world.card.clone(),
        ("user", _) => world.lea_id.clone(),
        ("id", p) if p.starts_with("/api/v1/modules/") => return None,
        ("name" | "competency", _) => return None,
        _ => panic!("the IDOR sweep has no owned value for {{{parameter}}} in {path}; add one"),
    };
    Some(value)
}

/// A body each write route would accept from someone allowed to call it.
fn body_for(method: &Method, path: &str) -> Value {
    match (method.as_str(), path) {
        ("PUT", p) if p.starts_with("/api/v1/attempts/") => {
            json!({"answers": {"first-question": [1]}})
        }
        ("POST", p) if p.contains("/choices") => json!({"choice": 0}),
        ("POST", p) if p.starts_with("/api/v1/me/reviews/") => {
            json!({"answers": {"first-question": [1]}})
        }
        ("PUT", p) if p.starts_with("/api/v1/reviews/") => {
            json!({"scores": [1, 1], "comment": "ok"})
        }
        ("POST", p) if p.ends_with("/assignments") => {
            json!({"module_id": "discovery-basics", "due": "2099-01-01"})
        }
        ("POST", p) if p.ends_with("/members") => json!({"email": "sam@example.com"}),
        ("PUT", p) if p.ends_with("/password") => json!({"password": "a new long password 123"}),
        _ => json!({}),
    }
}

fn fill(path: &str, world: &World) -> Option<(String, bool)> {
    let mut filled = String::new();
    let mut owned = false;
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        filled.push_str(&rest[..open]);
        let close = rest[open..]
            .find('}')
            .map(|c| open + c)
            .expect("a closing brace");
        let parameter = &rest[open + 1..close];
        match lea_value(world, path, parameter) {
            Some(value) => {
                owned = true;
                filled.push_str(&value);
            }
            None => filled.push_str(match parameter {
                "id" => "discovery-basics",
                "name" => "price-pushback",
                _ => "discovery",
            }),
        }
        rest = &rest[close + 1..];
    }
    filled.push_str(rest);
    Some((filled, owned))
}

async fn send(app: &TestApp, who: &Session, method: &Method, path: &str) -> StatusCode {
    let request = who
        .client
        .request(method.clone(), app.url(path))
        .header("X-CSRF-Token", &who.csrf);
    let request = if *method == Method::GET {
        request
    } else {
        request.json(&body_for(method, path))
    };
    request.send().await.unwrap().status()
}

on_both_databases! {
    content = course;

    async fn every_page_carries_the_security_headers(app) {
        let world = world(&app).await;
        let mut total = 0;
        for (who, session) in [("learner", &world.lea), ("manager", &world.max), ("trainer", &world.tia), ("admin", &world.admin)] {
            let visited = crawl(&app, session, 250).await;
            println!("{who}: {} paths checked", visited.len());
            assert!(visited.len() > 10, "{who} reached only {visited:?}");
            total += visited.len();
        }
        for path in ["/login", "/healthz", "/api/v1/openapi.json", "/api/v1/me", "/static/style.css"] {
            let response = reqwest::get(app.url(path)).await.unwrap();
            check_headers(path, response.headers());
        }
        assert!(total > 80, "pages checked: {total}");
    }

    async fn another_users_ids_are_refused_on_every_id_route(app) {
        let world = world(&app).await;
        let (_, document) = world.admin.get_json(&app, "/api/v1/openapi.json").await;
        let paths = document["paths"].as_object().unwrap();
        let mut swept = 0;
        for (template, operations) in paths {
            let Some((path, owned)) = fill(template, &world) else { continue };
            if !owned {
                continue;
            }
            for method in operations.as_object().unwrap().keys() {
                let method: Method = method.to_uppercase().parse().unwrap();
                let reading = method == Method::GET;
                // Who must be refused: people unrelated to Lea always; for a
                // change to her own attempt, run or card, everyone but her;
                // for passwords, everyone but an admin.
                let mut refused: Vec<(&str, &Session)> = vec![("another learner", &world.sam), ("another team's manager", &world.olga)];
                let owners_only = template.starts_with("/api/v1/attempts/") || template.starts_with("/api/v1/runs/") || template.starts_with("/api/v1/me/");
                if !reading && owners_only {
                    refused.extend([("her manager", &world.max), ("a trainer", &world.tia)]);
                }
                if template.starts_with("/api/v1/users/") {
                    refused.extend([("her manager", &world.max), ("a trainer", &world.tia), ("the learner herself", &world.lea)]);
                }
                if template.starts_with("/api/v1/teams/") {
                    refused.push(("a trainer", &world.tia));
                }
                if template.starts_with("/api/v1/reviews/") {
                    refused.push(("the learner herself", &world.lea));
                }
                for (who, session) in refused {
                    let status = send(&app, session, &method, &path).await;
                    assert!(
                        status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND,
                        "{who} got {status} for {method} {template} with Lea's id"
                    );
                }
                // The ids are real: someone entitled reads them.
                if reading {
                    let entitled = if template.starts_with("/api/v1/teams/") || template.starts_with("/api/v1/reviews/") { &world.max } else if template.starts_with("/api/v1/users/") { &world.admin } else { &world.lea };
                    let status = send(&app, entitled, &method, &path).await;
                    assert!(status.is_success(), "{method} {template}: the entitled user got {status}, so the sweep's id is wrong");
                }
                swept += 1;
            }
        }
        println!("IDOR sweep: {swept} operations");
        assert!(swept >= 12, "operations swept: {swept}");

        // The pages that take the same ids.
        let pages = [
            (Method::GET, format!("/attempts/{}", world.attempt)),
            (Method::POST, format!("/attempts/{}", world.attempt)),
            (Method::POST, format!("/runs/{}/choices", world.run)),
            (Method::POST, format!("/daily-review/{}", world.card)),
            (Method::GET, format!("/teams/{}", world.north)),
            (Method::GET, format!("/teams/{}/export.csv", world.north)),
            (Method::GET, format!("/teams/{}/evidence.csv", world.north)),
            (Method::GET, format!("/teams/{}/members/{}/competencies/discovery", world.north, world.lea_id)),
            (Method::POST, format!("/teams/{}/assignments", world.north)),
            (Method::GET, format!("/trainer/reviews/{}", world.review)),
            (Method::POST, format!("/trainer/reviews/{}", world.review)),
            (Method::POST, format!("/admin/users/{}/password", world.lea_id)),
        ];
        for (method, path) in &pages {
            for (who, session) in [("another learner", &world.sam), ("another team's manager", &world.olga)] {
                let request = session.client.request(method.clone(), app.url(path));
                let request = if *method == Method::GET { request } else { request.form(&[("csrf_token", session.csrf.as_str()), ("choice", "0"), ("question", "first-question"), ("kind", "single"), ("q-first-question", "1"), ("what", "module:discovery-basics"), ("due", "2099-01-01"), ("score-0", "1"), ("score-1", "1"), ("password", "a new long password 123")]) };
                let status = request.send().await.unwrap().status();
                assert!(status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND, "{who} got {status} for the page {method} {path}");
            }
        }
        // Nothing of Lea's changed hands.
        assert_eq!(app.count("quiz_attempts", "submitted_at IS NOT NULL").await, 1);
        assert_eq!(app.count("rubric_reviews", "1 = 1").await, 0);
        assert_eq!(app.count("assignments", "1 = 1").await, 0);
    }
}
