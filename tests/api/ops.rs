use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::Value;

use crate::helpers::browser;
use crate::on_both_databases;

on_both_databases! {
    async fn healthz_checks_the_database(app) {
        let response = app.get(&browser(), "/healthz").await;
        assert_eq!(response.status(), StatusCode::OK);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["database"], "ok");
        let expected = match app.backend {
            crate::helpers::Backend::Sqlite => "sqlite",
            crate::helpers::Backend::Postgres => "postgres",
        };
        assert_eq!(body["backend"], expected);
    }

    async fn metrics_count_requests_by_route_and_status_and_show_the_pool(app) {
        let client = browser();
        app.get(&client, "/login").await;
        app.get(&client, "/api/v1/me").await;
        let text = app.get(&client, "/metrics").await.text().await.unwrap();
        assert!(text.contains("salesdojo_http_requests_total{endpoint=\"/login\",method=\"GET\",status=\"200\"} 1"), "{text}");
        assert!(text.contains("salesdojo_http_requests_total{endpoint=\"/api/v1/me\",method=\"GET\",status=\"401\"} 1"), "{text}");
        assert!(text.contains("salesdojo_http_requests_duration_seconds_bucket"), "{text}");
        assert!(text.contains("salesdojo_db_pool_connections"), "{text}");
    }

    async fn the_openapi_document_lists_the_api_routes(app) {
        let response = app.get(&browser(), "/api/v1/openapi.json").await;
        assert_eq!(response.status(), StatusCode::OK);
        let doc: Value = response.json().await.unwrap();
        assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
        let paths = doc["paths"].as_object().unwrap();
        for path in ["/api/v1/session", "/api/v1/me", "/api/v1/users", "/api/v1/teams", "/api/v1/teams/{id}/members"] {
            assert!(paths.contains_key(path), "{path} missing from {:?}", paths.keys().collect::<Vec<_>>());
        }
        assert!(paths["/api/v1/session"]["post"]["requestBody"].is_object());
        assert!(paths["/api/v1/session"]["delete"].is_object());
        assert!(doc["components"]["schemas"]["ErrorBody"].is_object());
    }

    async fn migrations_create_the_same_schema(app) {
        let db = app.db().await;
        for table in ["users", "user_roles", "teams", "team_members", "sessions", "api_tokens", "login_attempts"] {
            let result = db
                .query_one_raw(Statement::from_string(db.get_database_backend(), format!("SELECT COUNT(*) AS n FROM {table}")))
                .await;
            assert!(result.is_ok(), "table {table}: {result:?}");
        }
        let applied = db
            .query_one_raw(Statement::from_string(db.get_database_backend(), "SELECT COUNT(*) AS n FROM seaql_migrations"))
            .await
            .unwrap()
            .unwrap();
        assert!(applied.try_get::<i64>("", "n").unwrap() >= 1);
        // Running the migrations again is harmless.
        salesdojo::store::migrate(&salesdojo::store::connect(&app.database_url).await.unwrap()).await.unwrap();
    }

    async fn pages_carry_security_headers(app) {
        let response = app.get(&browser(), "/login").await;
        let headers = response.headers();
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert_eq!(headers["x-frame-options"], "DENY");
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"), "{csp}");
    }
}

/// Two app servers starting at once against a fresh database: both migrate,
/// one waits for the other, and both end with the full schema.
#[tokio::test]
async fn two_servers_migrating_a_fresh_database_at_once_both_succeed() {
    for backend in [
        crate::helpers::Backend::Sqlite,
        crate::helpers::Backend::Postgres,
    ] {
        let dir = tempfile::tempdir().unwrap();
        let Some(url) = crate::helpers::fresh_database(backend, dir.path()).await else {
            continue;
        };
        let url = if url.starts_with("sqlite") {
            format!("{url}?mode=rwc")
        } else {
            url
        };
        let (a, b) = tokio::join!(
            salesdojo::store::connect(&url),
            salesdojo::store::connect(&url)
        );
        let (a, b) = (a.unwrap(), b.unwrap());
        let (first, second) =
            tokio::join!(salesdojo::store::migrate(&a), salesdojo::store::migrate(&b));
        assert!(
            first.is_ok() && second.is_ok(),
            "{backend:?}: {first:?} / {second:?}"
        );
        let applied = a
            .query_one_raw(Statement::from_string(
                a.get_database_backend(),
                "SELECT COUNT(*) AS n FROM seaql_migrations",
            ))
            .await
            .unwrap()
            .unwrap()
            .try_get::<i64>("", "n")
            .unwrap();
        let all = <migrations::Migrator as migrations::MigratorTrait>::migrations().len();
        assert_eq!(
            usize::try_from(applied).unwrap(),
            all,
            "{backend:?}: every migration applied once"
        );
    }
}

/// A database from before `learner_standings` (migrations 1-5, with a
/// learner's standings) gets that learner's row when it is upgraded.
#[tokio::test]
async fn upgrading_fills_the_learner_rows_from_existing_standings() {
    use salesdojo::store::entities::competency_standing;
    use sea_orm::{ActiveModelTrait, Set};
    let (_dir, db, user) = old_database_with_a_learner(5).await;
    competency_standing::ActiveModel {
        user_id: Set(user.id),
        competency: Set("discovery".into()),
        level: Set(2),
        mastery: Set(r#"{"1":1.0,"2":0.85}"#.into()),
        evidence_count: Set(4),
        computed_at: Set(salesdojo::store::now()),
    }
    .insert(&db)
    .await
    .unwrap();
    salesdojo::store::migrate(&db).await.unwrap();
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT standings FROM learner_standings",
        ))
        .await
        .unwrap()
        .expect("a learner row");
    let stored: Value =
        serde_json::from_str(&row.try_get::<String>("", "standings").unwrap()).unwrap();
    assert_eq!(stored[0]["competency"], "discovery");
    assert_eq!(stored[0]["level"], 2);
    assert_eq!(stored[0]["mastery"]["2"], 0.85);
    assert_eq!(stored[0]["evidence"], 4);
}

/// A database from before `current_evidence` (migrations 1-6, with a
/// learner's history) gets each item's latest result noted when upgraded,
/// and evidence recorded afterwards builds on it.
#[tokio::test]
async fn upgrading_notes_the_current_result_of_every_item() {
    use salesdojo::competency::Source;
    use salesdojo::store::entities::evidence;
    use salesdojo::store::evidence::NewEvidence;
    use sea_orm::{ActiveModelTrait, Set};
    let (_dir, db, user) = old_database_with_a_learner(6).await;
    let now = salesdojo::store::now();
    let days_ago = |days: i64| now - time::Duration::days(days);
    // q1: wrong on day -30, reviewed right on day -10 (the review wins);
    // q2: one result. Inserted directly, as the old schema's rows were.
    let mut ids = Vec::new();
    for (item, source, score, at) in [
        ("quiz:discovery-basics/q1", "quiz", 0.0, days_ago(30)),
        ("review:discovery-basics/q1", "review", 1.0, days_ago(10)),
        ("quiz:discovery-basics/q2", "quiz", 1.0, days_ago(30)),
    ] {
        let id = salesdojo::store::new_id();
        ids.push(id);
        evidence::ActiveModel {
            id: Set(id),
            user_id: Set(user.id),
            competency: Set("discovery".into()),
            level: Set(1),
            score: Set(score),
            weight: Set(1.0),
            source: Set(source.into()),
            item: Set(item.into()),
            origin: Set(None),
            recorded_at: Set(at),
        }
        .insert(&db)
        .await
        .unwrap();
    }
    salesdojo::store::migrate(&db).await.unwrap();
    let current = salesdojo::store::current_evidence::of_learner(&db, user.id, None)
        .await
        .unwrap();
    let mut current_ids: Vec<_> = current.iter().map(|row| row.id).collect();
    current_ids.sort();
    let mut expected = vec![ids[1], ids[2]];
    expected.sort();
    assert_eq!(
        current_ids, expected,
        "the review supersedes the quiz answer"
    );

    // A new wrong answer to q1 supersedes the review; q2 stays.
    salesdojo::store::evidence::record(
        &db,
        user.id,
        vec![NewEvidence {
            competency: "discovery".into(),
            level: 1,
            score: 0.0,
            weight: 1.0,
            source: Source::QuizQuestion,
            item: "quiz:discovery-basics/q1".into(),
            origin: None,
        }],
        now,
    )
    .await
    .unwrap();
    let standings = salesdojo::store::standings::of_user(&db, user.id)
        .await
        .unwrap();
    assert_eq!(standings.len(), 1);
    assert_eq!(standings[0].evidence_count, 2, "{standings:?}");
    // The same numbers as the model over the whole history.
    let history = salesdojo::store::evidence::history(&db, user.id)
        .await
        .unwrap();
    assert_eq!(history.len(), 4);
    let model = salesdojo::competency::profile(
        &history,
        [("discovery", 0)],
        now,
        &salesdojo::competency::ModelSettings::default(),
    );
    assert_eq!(standings[0].level, model[0].level);
    let (stored, expected) = (standings[0].mastery[&1], model[0].mastery[&1]);
    assert!((stored - expected).abs() < 1e-9, "{stored} vs {expected}");
    assert!(stored < 0.5, "the wrong answer now counts: {stored}");
}

/// A SQLite database migrated only up to migration `steps`, with one
/// learner: what an older release left behind. Keep the folder alive.
async fn old_database_with_a_learner(
    steps: u32,
) -> (
    tempfile::TempDir,
    sea_orm::DatabaseConnection,
    salesdojo::store::users::User,
) {
    use migrations::MigratorTrait;
    use salesdojo::domain::{AccessRole, Email, PersonName, Roles};
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("old.db").display());
    let db = salesdojo::store::connect(&url).await.unwrap();
    migrations::Migrator::up(&db, Some(steps)).await.unwrap();
    let user = salesdojo::store::users::create(
        &db,
        salesdojo::store::users::NewUser {
            email: Email::parse("old@example.com").unwrap(),
            name: PersonName::parse("Old Timer").unwrap(),
            roles: Roles::new([AccessRole::Learner]),
            job_role: None,
            password_hash: "not used".into(),
        },
    )
    .await
    .unwrap();
    (dir, db, user)
}
