//! The manager heatmap at scale: one team of 1,000 learners, a framework of
//! 20 competencies, 1,000,000 evidence rows, on SQLite and on PostgreSQL.
//!
//! For each database it
//! 1. generates the data (users, the team, evidence rows spread over the
//!    last 180 days, with repeated items so supersession matters), then
//!    computes the stored standings from it as a migration would;
//! 2. starts the real server in this process and times `GET
//!    /api/v1/teams/{id}/heatmap` and the `/teams/{id}` page as the manager;
//! 3. times the same heatmap computed from raw evidence (what the server
//!    would do without stored standings) and prints the ratio;
//! 4. checks every one of the 20,000 cells against the competency model
//!    computed from that learner's raw evidence.
//!
//! Run: `cargo bench --bench heatmap` (needs PostgreSQL on 127.0.0.1:5432
//! for the second half; set SALESDOJO_TEST_POSTGRES to another admin URL,
//! BACKENDS=sqlite to skip it, LEARNERS / EVIDENCE to change the size).
//! Target (SPEC section 6): under 100 ms per heatmap request.

use std::collections::{BTreeMap, BTreeSet};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use sea_orm::{ActiveValue::Set, ConnectionTrait, Database, DbBackend, EntityTrait, Statement};
use serde_json::{Value, json};
use time::OffsetDateTime;
use uuid::Uuid;

use salesdojo::competency::{self, ModelSettings};
use salesdojo::config::{SecretOrigin, ServerSettings};
use salesdojo::domain::{AccessRole, Email, PersonName, Roles, TeamName};
use salesdojo::startup::Application;
use salesdojo::store::entities::evidence;
use salesdojo::store::users::NewUser;
use salesdojo::store::{self, standings, teams, users};

const EXTRA_COMPETENCIES: usize = 10;
const PASSWORD: &str = "heatmap bench password";

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(default)
}

/// The shipped content with ten more competencies, so the framework has 20.
fn content(dir: &Path) -> (PathBuf, Vec<String>) {
    let target = dir.join("content");
    copy_dir(
        &PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("content"),
        &target,
    );
    let path = target.join("competencies.toml");
    let text = std::fs::read_to_string(&path).expect("read the framework");
    let first_role = text.find("[[role]]").expect("a role in the framework");
    let mut extra = String::new();
    for i in 1..=EXTRA_COMPETENCIES {
        extra.push_str(&format!(
            "[[competency]]\nid = \"extra-skill-{i}\"\nname = \"Extra skill {i}\"\nname_zh-CN = \"附加能力 {i}\"\ndescription = \"A generated competency for the benchmark.\"\ndescription_zh-CN = \"基准测试生成的能力。\"\n\n"
        ));
    }
    let framework = format!("{}{extra}{}", &text[..first_role], &text[first_role..]);
    std::fs::write(&path, &framework).expect("write the framework");
    let ids = framework
        .lines()
        .zip(framework.lines().skip(1))
        .filter(|(line, _)| line.trim() == "[[competency]]")
        .filter_map(|(_, next)| {
            next.strip_prefix("id = \"")
                .and_then(|rest| rest.strip_suffix('"'))
                .map(str::to_owned)
        })
        .collect();
    (target, ids)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create a folder");
    for entry in std::fs::read_dir(from).expect("read a folder") {
        let entry = entry.expect("a folder entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("a file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy a file");
        }
    }
}

async fn fresh_database(backend: &str, dir: &Path) -> Option<String> {
    if backend == "sqlite" {
        return Some(format!(
            "sqlite://{}?mode=rwc",
            dir.join("heatmap.db").display()
        ));
    }
    let admin_url = std::env::var("SALESDOJO_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let admin = match Database::connect(&admin_url).await {
        Ok(db) => db,
        Err(error) => {
            eprintln!("PostgreSQL skipped: {admin_url} is not reachable ({error})");
            return None;
        }
    };
    let name = format!("sd_bench_heatmap_{}", std::process::id());
    admin
        .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\""))
        .await
        .expect("drop an old bench database");
    admin
        .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
        .await
        .expect("create the bench database");
    let base = admin_url
        .rsplit_once('/')
        .map_or(admin_url.as_str(), |(b, _)| b);
    Some(format!("{base}/{name}"))
}

struct Generated {
    team_id: Uuid,
    learners: Vec<Uuid>,
}

/// Users, the team and the evidence; returns the team and its learners.
async fn generate(
    db: &sea_orm::DatabaseConnection,
    competencies: &[String],
    learners: usize,
    rows: usize,
) -> Generated {
    let hash = salesdojo::auth::password::hash_blocking(PASSWORD).expect("hash a password");
    let new_user = |email: String, name: String, role: AccessRole, job: Option<&str>| NewUser {
        email: Email::parse(&email).expect("an address"),
        name: PersonName::parse(&name).expect("a name"),
        roles: Roles::new([role]),
        job_role: job.map(str::to_owned),
        password_hash: hash.clone(),
    };
    let manager = users::create(
        db,
        new_user(
            "manager@bench.example".into(),
            "Morgan Manager".into(),
            AccessRole::Manager,
            None,
        ),
    )
    .await
    .expect("create the manager");
    let team = teams::create(
        db,
        &TeamName::parse("Bench team").expect("a team name"),
        manager.id,
    )
    .await
    .expect("create the team");
    let jobs = ["new-hire", "sales-rep", "senior-seller"];
    let mut ids = Vec::with_capacity(learners);
    for i in 0..learners {
        let user = users::create(
            db,
            new_user(
                format!("learner{i:05}@bench.example"),
                format!("Learner {i:05}"),
                AccessRole::Learner,
                Some(jobs[i % jobs.len()]),
            ),
        )
        .await
        .expect("create a learner");
        teams::add(db, team.id, user.id, false)
            .await
            .expect("add a member");
        ids.push(user.id);
    }

    // Each learner gets rows / learners rows: items cycle so that about one
    // in three supersedes an earlier result for the same item.
    let per_learner = rows / learners.max(1);
    let now = store::now();
    let mut rng = fastrand::Rng::with_seed(7);
    let mut batch = Vec::with_capacity(1000);
    let mut written = 0usize;
    for (n, user_id) in ids.iter().enumerate() {
        let skill = 0.3 + 0.7 * (n as f64 / learners as f64);
        for k in 0..per_learner {
            let competency = &competencies[k % competencies.len()];
            let level = 1 + (k / competencies.len()) % 3;
            let item = k % (per_learner * 2 / 3).max(1);
            let score = if rng.f64() < skill {
                1.0
            } else {
                rng.f64() * 0.5
            };
            batch.push(evidence::ActiveModel {
                id: Set(store::new_id()),
                user_id: Set(*user_id),
                competency: Set(competency.clone()),
                level: Set(level as i16),
                score: Set(score),
                weight: Set(1.0),
                source: Set("quiz".to_owned()),
                item: Set(format!("question:bench-{level}/{competency}-{item}")),
                origin: Set(None),
                recorded_at: Set(now - time::Duration::minutes(rng.i64(0..180 * 24 * 60))),
            });
            if batch.len() == 1000 {
                written += batch.len();
                evidence::Entity::insert_many(std::mem::take(&mut batch))
                    .exec(db)
                    .await
                    .expect("insert evidence");
            }
        }
    }
    if !batch.is_empty() {
        written += batch.len();
        evidence::Entity::insert_many(batch)
            .exec(db)
            .await
            .expect("insert evidence");
    }
    assert_eq!(written, per_learner * learners);
    Generated {
        team_id: team.id,
        learners: ids,
    }
}

fn settings(database_url: String, content_dir: PathBuf) -> ServerSettings {
    ServerSettings {
        bind: "127.0.0.1:0".parse().expect("an address"),
        content_dir,
        database_url,
        secret: salesdojo::config::Secret::from_bytes(
            b"heatmap-bench-secret-long-enough-for-the-cookie-key".to_vec(),
        ),
        secret_origin: SecretOrigin::Environment,
        workers: 2,
        behind_proxy: false,
        session_days: 1,
        watch: false,
        demo: false,
        public_url: "http://127.0.0.1".into(),
        clock: salesdojo::clock::Clock::system(),
        desired_retention: 0.9,
        daily_review_cap: 20,
        fading_refresh: Duration::from_secs(3600),
    }
}

fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

async fn time_requests(client: &reqwest::Client, url: &str, n: usize) -> (Vec<Duration>, usize) {
    let mut times = Vec::with_capacity(n);
    let mut bytes = 0;
    for _ in 0..n {
        let started = Instant::now();
        let response = client.get(url).send().await.expect("a request");
        assert!(
            response.status().is_success(),
            "{url}: {}",
            response.status()
        );
        bytes = response.bytes().await.expect("a body").len();
        times.push(started.elapsed());
    }
    if std::env::var_os("HEATMAP_SHOW_ORDER").is_some() {
        let order: Vec<String> = times.iter().map(|t| format!("{:.0}", millis(*t))).collect();
        println!("{url}: in order (ms): {}", order.join(" "));
    }
    times.sort();
    (times, bytes)
}

/// The heatmap computed from raw evidence, without stored standings:
/// every learner's evidence read and run through the model.
async fn raw_model(
    db: &sea_orm::DatabaseConnection,
    learners: &[Uuid],
    competencies: &[String],
) -> BTreeMap<(Uuid, String), (u8, BTreeMap<u8, f64>)> {
    let now = store::now();
    let mut cells = BTreeMap::new();
    for user_id in learners {
        let history = store::evidence::history(db, *user_id)
            .await
            .expect("read evidence");
        let standings = competency::profile(
            &history,
            competencies.iter().map(|c| (c.as_str(), 0)),
            now,
            &ModelSettings::default(),
        );
        for standing in standings {
            cells.insert(
                (*user_id, standing.competency.clone()),
                (standing.level, standing.mastery.clone()),
            );
        }
    }
    cells
}

async fn run(backend: &str, learners: usize, rows: usize) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let Some(url) = fresh_database(backend, dir.path()).await else {
        return;
    };
    let (content_dir, competencies) = content(dir.path());
    assert_eq!(competencies.len(), 20, "{competencies:?}");
    let db = store::connect(&url).await.expect("connect");
    store::migrate(&db).await.expect("migrate");

    let started = Instant::now();
    let generated = generate(&db, &competencies, learners, rows).await;
    let generation = started.elapsed();
    let started = Instant::now();
    let refreshed = standings::rebuild_all(&db)
        .await
        .expect("compute standings");
    let standings_time = started.elapsed();
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM evidence",
        ))
        .await
        .expect("count evidence")
        .expect("a row");
    let evidence_rows: i64 = row.try_get("", "n").expect("a count");
    if db.get_database_backend() == DbBackend::Postgres {
        // What autovacuum and the checkpointer do within minutes of a bulk
        // load. Left to them, they run during the timed requests and
        // compete with them for the same two cores and the disk; this
        // measures the heatmap, not the aftermath of loading a million rows.
        for statement in ["VACUUM ANALYZE", "CHECKPOINT"] {
            db.execute_unprepared(statement)
                .await
                .expect("vacuum, analyse and checkpoint");
        }
    }

    let listener = TcpListener::bind("127.0.0.1:0").expect("a port");
    let content_dir_for_breakdown = content_dir.clone();
    let app = Application::build_with_listener(settings(url.clone(), content_dir), listener)
        .await
        .expect("the server starts");
    let base = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .expect("a client");
    let login = client
        .post(format!("{base}/api/v1/session"))
        .json(&json!({"email": "manager@bench.example", "password": PASSWORD}))
        .send()
        .await
        .expect("log in");
    assert!(login.status().is_success(), "login: {}", login.status());

    let api = format!("{base}/api/v1/teams/{}/heatmap", generated.team_id);
    let page = format!("{base}/teams/{}", generated.team_id);
    time_requests(&client, &api, 3).await;
    let (api_times, api_bytes) = time_requests(&client, &api, 30).await;
    let (page_times, page_bytes) = time_requests(&client, &page, 10).await;
    let (me_times, _) = time_requests(&client, &format!("{base}/api/v1/me"), 30).await;

    // Where a request's time goes, measured in this process.
    let catalog = salesdojo::library::Library::open(&content_dir_for_breakdown)
        .map(|l| l.catalog())
        .map_err(|e| eprintln!("no breakdown: the content does not load: {e}"))
        .ok();
    let mut breakdown = String::new();
    if let Some(catalog) = catalog {
        let mut phase = |name: &str, started: Instant| {
            breakdown.push_str(&format!("{name} {:.1} ms, ", millis(started.elapsed())));
        };
        let started = Instant::now();
        let members = salesdojo::management::team_access::team_members(&db, generated.team_id)
            .await
            .expect("members");
        phase("members", started);
        let started = Instant::now();
        let rows = standings::of_team(&db, generated.team_id)
            .await
            .expect("standings");
        phase("standings", started);
        let team = teams::find_by_id(&db, generated.team_id)
            .await
            .expect("team")
            .expect("a team");
        let started = Instant::now();
        let view = salesdojo::management::heatmap::build(
            &catalog,
            &team,
            &members,
            &rows,
            "en",
            &Default::default(),
        );
        phase("build", started);
        let started = Instant::now();
        let bytes = serde_json::to_vec(&view).expect("JSON").len();
        phase("JSON", started);
        let _ = bytes;
    }

    let started = Instant::now();
    let model = raw_model(&db, &generated.learners, &competencies).await;
    let raw_time = started.elapsed();

    // Every cell agrees with the model computed from raw evidence.
    let heatmap: Value = client
        .get(&api)
        .send()
        .await
        .expect("the heatmap")
        .json()
        .await
        .expect("JSON");
    let mut checked = 0;
    let mut mismatches = Vec::new();
    let members = heatmap["members"].as_array().expect("members");
    for member in members {
        let id: Uuid = member["id"]
            .as_str()
            .and_then(|s| s.parse().ok())
            .expect("an id");
        for cell in member["cells"].as_array().expect("cells") {
            let competency = cell["competency"].as_str().expect("a competency");
            let (level, mastery) = model
                .get(&(id, competency.to_owned()))
                .cloned()
                .unwrap_or_default();
            let next = cell["next_mastery"].as_f64();
            let expected_next = mastery.get(&(level + 1)).copied();
            let next_agrees = match (next, expected_next) {
                (Some(a), Some(b)) => (a - b).abs() < 1e-9,
                (None, None) => true,
                _ => false,
            };
            if cell["level"].as_u64() != Some(u64::from(level)) || !next_agrees {
                mismatches.push(format!(
                    "{id}/{competency}: {cell} vs level {level} {mastery:?}"
                ));
            }
            checked += 1;
        }
    }
    let distinct: BTreeSet<&str> = members
        .iter()
        .flat_map(|m| m["cells"].as_array().into_iter().flatten())
        .filter_map(|c| c["competency"].as_str())
        .collect();

    let p50 = millis(percentile(&api_times, 0.5));
    let p99 = millis(percentile(&api_times, 0.99));
    let mean = millis(api_times.iter().sum::<Duration>()) / api_times.len() as f64;
    println!(
        "\n== {backend}: {} learners x {} competencies, {evidence_rows} evidence rows",
        members.len(),
        distinct.len()
    );
    println!(
        "generated in {:.1} s; standings for {refreshed} learners computed in {:.1} s",
        generation.as_secs_f64(),
        standings_time.as_secs_f64()
    );
    println!(
        "GET heatmap API ({:.1} MB): mean {mean:.1} ms, p50 {p50:.1} ms, p99 {p99:.1} ms (30 requests)",
        api_bytes as f64 / 1e6
    );
    println!(
        "GET heatmap page ({:.1} MB): p50 {:.1} ms",
        page_bytes as f64 / 1e6,
        millis(percentile(&page_times, 0.5))
    );
    println!("in process: {breakdown}");
    println!(
        "GET /api/v1/me (baseline): p50 {:.2} ms",
        millis(percentile(&me_times, 0.5))
    );
    println!(
        "same heatmap from raw evidence: {:.0} ms; stored standings are {:.0}x faster",
        millis(raw_time),
        millis(raw_time) / p50
    );
    println!(
        "cells checked against the raw model: {checked}, mismatches: {}",
        mismatches.len()
    );
    for m in mismatches.iter().take(5) {
        println!("  {m}");
    }
    println!(
        "target < 100 ms per request: {}",
        if p99 < 100.0 {
            "met (p99)"
        } else if p50 < 100.0 {
            "met at p50, not at p99"
        } else {
            "NOT met"
        }
    );
    assert!(
        mismatches.is_empty(),
        "the stored standings disagree with the model"
    );
    assert_eq!(checked, learners * 20);

    if backend == "postgres" {
        drop(db);
        let admin_url = std::env::var("SALESDOJO_TEST_POSTGRES")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
        if let Ok(admin) = Database::connect(&admin_url).await {
            let name = url.rsplit('/').next().unwrap_or_default();
            let _ = admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                .await;
        }
    }
    let _ = OffsetDateTime::now_utc();
}

fn main() {
    let learners = env_number("LEARNERS", 1000);
    let rows = env_number("EVIDENCE", 1_000_000);
    let backends = std::env::var("BACKENDS").unwrap_or_else(|_| "sqlite,postgres".into());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    for backend in backends.split(',').map(str::trim) {
        runtime.block_on(run(backend, learners, rows));
    }
}
