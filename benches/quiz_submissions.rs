//! Quiz submissions sustained, on SQLite and then on PostgreSQL.
//!
//! For each database: starts the release server (`salesdojo serve`) on a fresh
//! database and the shipped content, imports learners with `salesdojo user
//! import`, logs each one in over the API (session cookie + `X-CSRF-Token`),
//! and runs CLIENTS concurrent clients for DURATION seconds, each repeating
//! "start an attempt, submit a valid answer set" (`POST
//! /api/v1/modules/{id}/attempts`, `PUT /api/v1/attempts/{id}`). It counts the
//! acknowledged submissions (2xx on the PUT) and every error, then kills the
//! server (SIGKILL) and checks the database: every acknowledged attempt is
//! there exactly once, submitted, with one evidence row per question answered
//! (`evidence.origin` = the attempt's id).
//!
//! Run: `cargo build --release && cargo bench --bench quiz_submissions`
//! Env: SALESDOJO_BIN (default $CARGO_TARGET_DIR/release/salesdojo, else
//! $CARGO_TARGET_DIR or target/ + release/salesdojo), CLIENTS (32), LEARNERS
//! (= CLIENTS; client i uses learners i, i+CLIENTS, ... in turn), DURATION
//! (15 seconds), MODULE (objection-handling: unlimited attempts, 10
//! questions), BACKENDS (sqlite,postgres), SALESDOJO_TEST_POSTGRES (admin URL,
//! postgres://postgres@127.0.0.1:5432/postgres), RUST_LOG for the server (info).
//!
//! Target (SPEC section 6): at least 1,000 submissions per second sustained on
//! SQLite with no error, and every acknowledged submission present afterwards.
//! The clients run on the same machine as the server and share its cores.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::{Client, StatusCode};
use sea_orm::{ConnectionTrait, Database, Statement};
use serde_json::{Map, Value, json};
use uuid::Uuid;

const TARGET_PER_SECOND: f64 = 1000.0;
const SECRET: &str = "quiz-submissions-benchmark-secret-0123456789";

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn server_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("SALESDOJO_BIN") {
        return PathBuf::from(path);
    }
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"),
        PathBuf::from,
    );
    target.join("release/salesdojo")
}

fn content_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("content")
}

/// user + system CPU ticks of a process (all its threads).
fn cpu_ticks(pid: &str) -> u64 {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return 0;
    };
    let Some((_, rest)) = stat.rsplit_once(") ") else {
        return 0;
    };
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let field = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after ") ".
    field(11) + field(12)
}

/// A memory figure of a process from /proc/PID/status, in MB.
fn status_mb(pid: &str, field: &str) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse::<f64>().ok())
        })
        .unwrap_or(0.0)
        / 1024.0
}

fn clock_ticks_per_second() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(100.0)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    f64::from(sorted[rank.clamp(1, sorted.len()) - 1]) / 1000.0
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        }
    }
}

struct Server {
    child: Child,
    address: String,
    log: PathBuf,
}

impl Server {
    fn pid(&self) -> String {
        self.child.id().to_string()
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(20)..].join("\n")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

fn cli(binary: &Path, dir: &Path, database_url: &str) -> Command {
    let mut command = Command::new(binary);
    command
        .current_dir(dir)
        .arg("--database-url")
        .arg(database_url)
        .env("SALESDOJO_SECRET", SECRET)
        .env("SALESDOJO_CONTENT", content_dir())
        .env_remove("DATABASE_URL")
        .env_remove("SALESDOJO_CONFIG");
    command
}

/// Imports `count` learners (job role new-hire) in one `salesdojo user
/// import` and returns their (email, password).
fn import_learners(
    binary: &Path,
    dir: &Path,
    database_url: &str,
    count: usize,
) -> Vec<(String, String)> {
    let mut csv = String::from("email,name,roles,job_role,team,manager_of\n");
    for i in 0..count {
        csv.push_str(&format!(
            "learner{i:04}@example.com,Bench Learner {i},learner,new-hire,,\n"
        ));
    }
    let file = dir.join("learners.csv");
    let out = dir.join("passwords.csv");
    std::fs::write(&file, csv).expect("write the learners file");
    let output = cli(binary, dir, database_url)
        .env("RUST_LOG", "warn")
        .args(["user", "import"])
        .arg(&file)
        .arg("--passwords-out")
        .arg(&out)
        .stdin(Stdio::null())
        .output()
        .expect("run salesdojo user import");
    assert!(
        output.status.success(),
        "salesdojo user import failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let mut reader = csv::Reader::from_path(&out).expect("read the passwords file");
    let users: Vec<(String, String)> = reader
        .records()
        .map(|r| {
            let r = r.expect("a passwords line");
            (r[0].to_owned(), r[2].to_owned())
        })
        .collect();
    assert_eq!(users.len(), count, "every learner imported");
    users
}

fn start_server(binary: &Path, dir: &Path, database_url: &str) -> Server {
    let port = free_port();
    let log = dir.join("server.log");
    let log_file = std::fs::File::create(&log).expect("create the server log");
    let child = cli(binary, dir, database_url)
        .env(
            "RUST_LOG",
            std::env::var("RUST_LOG").unwrap_or_else(|_| "info".into()),
        )
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .stdin(Stdio::null())
        .stdout(log_file.try_clone().expect("clone the log handle"))
        .stderr(log_file)
        .spawn()
        .expect("start the server");
    let mut server = Server {
        child,
        address: format!("http://127.0.0.1:{port}"),
        log,
    };
    let started = Instant::now();
    loop {
        if let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            use std::io::{Read, Write};
            let _ = stream.write_all(b"GET /healthz HTTP/1.0\r\n\r\n");
            let mut reply = String::new();
            let _ = stream.read_to_string(&mut reply);
            if reply.starts_with("HTTP/1.0 200") || reply.starts_with("HTTP/1.1 200") {
                return server;
            }
        }
        if let Ok(Some(status)) = server.child.try_wait() {
            panic!("the server exited ({status}):\n{}", server.log_tail());
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the server did not become healthy within 60 s:\n{}",
            server.log_tail()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

struct Learner {
    client: Client,
    csrf: String,
}

async fn log_in(address: &str, email: &str, password: &str) -> Learner {
    let client = Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(60))
        .build()
        .expect("an HTTP client");
    let response = client
        .post(format!("{address}/api/v1/session"))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .expect("send the login");
    assert_eq!(response.status(), StatusCode::OK, "login of {email}");
    let body: Value = response.json().await.expect("a JSON login answer");
    let csrf = body["csrf_token"]
        .as_str()
        .expect("a CSRF token")
        .to_owned();
    Learner { client, csrf }
}

/// A valid answer for every question the attempt shows (right or wrong does
/// not matter here: every answered question is stored as evidence).
fn answers_for(attempt: &Value) -> Option<(Value, usize)> {
    let questions = attempt["questions"].as_array()?;
    let mut answers = Map::new();
    for question in questions {
        let id = question["id"].as_str()?;
        let options: Vec<Value> = question["options"]
            .as_array()
            .map(|o| o.iter().map(|o| o["id"].clone()).collect())
            .unwrap_or_default();
        let answer = match question["type"].as_str()? {
            "text" => json!("answer"),
            "order" => Value::Array(options),
            _ => json!([options.first()?.clone()]),
        };
        answers.insert(id.to_owned(), answer);
    }
    Some((Value::Object(answers), questions.len()))
}

#[derive(Default)]
struct ClientReport {
    /// (attempt id, questions answered, when acknowledged since the start)
    acknowledged: Vec<(Uuid, usize, Duration)>,
    errors: Vec<String>,
    start_micros: Vec<u32>,
    submit_micros: Vec<u32>,
}

async fn client_loop(
    address: Arc<String>,
    module: Arc<String>,
    learners: Vec<Arc<Learner>>,
    began: Instant,
    deadline: Instant,
) -> ClientReport {
    let mut report = ClientReport::default();
    let mut turn = 0usize;
    while Instant::now() < deadline {
        let learner = &learners[turn % learners.len()];
        turn += 1;
        let sent = Instant::now();
        let started = learner
            .client
            .post(format!("{address}/api/v1/modules/{module}/attempts"))
            .header("X-CSRF-Token", &learner.csrf)
            .json(&json!({}))
            .send()
            .await;
        let attempt: Value = match started {
            Ok(response) if response.status().is_success() => {
                match response.json::<Value>().await {
                    Ok(body) => body,
                    Err(error) => {
                        report
                            .errors
                            .push(format!("start: unreadable body: {error}"));
                        continue;
                    }
                }
            }
            Ok(response) => {
                let status = response.status();
                let body = response.text().await.unwrap_or_default();
                report.errors.push(format!("start: {status} {body}"));
                continue;
            }
            Err(error) => {
                report.errors.push(format!("start: {error}"));
                continue;
            }
        };
        report
            .start_micros
            .push(u32::try_from(sent.elapsed().as_micros()).unwrap_or(u32::MAX));
        let Some(id) = attempt["attempt_id"]
            .as_str()
            .and_then(|s| Uuid::parse_str(s).ok())
        else {
            report
                .errors
                .push(format!("start: no attempt id in {attempt}"));
            continue;
        };
        let Some((answers, questions)) = answers_for(&attempt) else {
            report
                .errors
                .push(format!("start: unexpected questions in {attempt}"));
            continue;
        };
        let sent = Instant::now();
        let submitted = learner
            .client
            .put(format!("{address}/api/v1/attempts/{id}"))
            .header("X-CSRF-Token", &learner.csrf)
            .json(&json!({"answers": answers}))
            .send()
            .await;
        match submitted {
            Ok(response) if response.status().is_success() => {
                // Read the whole result, as a client would.
                let _ = response.bytes().await;
                report
                    .submit_micros
                    .push(u32::try_from(sent.elapsed().as_micros()).unwrap_or(u32::MAX));
                report.acknowledged.push((id, questions, began.elapsed()));
            }
            Ok(response) => {
                let status = response.status();
                let body = response.text().await.unwrap_or_default();
                report.errors.push(format!("submit: {status} {body}"));
            }
            Err(error) => report.errors.push(format!("submit: {error}")),
        }
    }
    report
}

struct Outcome {
    per_second: f64,
    errors: usize,
    check_ok: bool,
}

async fn fresh_postgres() -> Option<(String, String, String)> {
    let admin_url = std::env::var("SALESDOJO_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let admin = match Database::connect(&admin_url).await {
        Ok(db) => db,
        Err(error) => {
            println!("PostgreSQL: skipped, not reachable at {admin_url}: {error}");
            return None;
        }
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    let name = format!("sd_bench_{now}_{}", std::process::id());
    admin
        .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
        .await
        .expect("create the benchmark database");
    let base = admin_url
        .rsplit_once('/')
        .map_or(admin_url.as_str(), |(base, _)| base);
    Some((format!("{base}/{name}"), admin_url.clone(), name))
}

async fn drop_postgres(admin_url: &str, name: &str) {
    if let Ok(admin) = Database::connect(admin_url).await {
        let _ = admin
            .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
            .await;
    }
}

/// Checks every acknowledged attempt against the database; prints what is wrong.
async fn check(database_url: &str, acknowledged: &[(Uuid, usize, Duration)]) -> bool {
    let db = Database::connect(database_url)
        .await
        .expect("connect to the benchmark database");
    let backend = db.get_database_backend();
    let attempts = db
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT id, CASE WHEN submitted_at IS NULL THEN 0 ELSE 1 END AS submitted FROM quiz_attempts",
        ))
        .await
        .expect("read quiz_attempts");
    let mut rows: HashMap<Uuid, (usize, bool)> = HashMap::new();
    for row in &attempts {
        let id: Uuid = row.try_get("", "id").expect("an attempt id");
        let submitted: i32 = row.try_get("", "submitted").expect("a flag");
        let entry = rows.entry(id).or_insert((0, false));
        entry.0 += 1;
        entry.1 |= submitted == 1;
    }
    let evidence = db
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT origin, COUNT(*) AS n FROM evidence WHERE source = 'quiz' AND origin IS NOT NULL GROUP BY origin",
        ))
        .await
        .expect("read evidence");
    let mut evidence_rows: HashMap<Uuid, i64> = HashMap::new();
    for row in &evidence {
        let origin: Uuid = row.try_get("", "origin").expect("an origin");
        let n: i64 = row.try_get("", "n").expect("a count");
        evidence_rows.insert(origin, n);
    }
    let mut missing = 0usize;
    let mut duplicated = 0usize;
    let mut unsubmitted = 0usize;
    let mut wrong_evidence = 0usize;
    let mut seen = std::collections::HashSet::new();
    let mut acknowledged_twice = 0usize;
    for (id, questions, _) in acknowledged {
        if !seen.insert(*id) {
            acknowledged_twice += 1;
        }
        match rows.get(id) {
            None => missing += 1,
            Some((count, submitted)) => {
                if *count != 1 {
                    duplicated += 1;
                }
                if !submitted {
                    unsubmitted += 1;
                }
            }
        }
        if evidence_rows.get(id).copied().unwrap_or(0) != *questions as i64 {
            wrong_evidence += 1;
        }
    }
    let submitted_in_db = rows.values().filter(|(_, s)| *s).count();
    let open_in_db = rows.values().filter(|(_, s)| !*s).count();
    let ok = missing == 0
        && duplicated == 0
        && unsubmitted == 0
        && wrong_evidence == 0
        && acknowledged_twice == 0;
    println!(
        "  database check: {} acknowledged; missing {missing}, duplicated {duplicated}, not submitted {unsubmitted}, wrong evidence count {wrong_evidence}, acknowledged twice {acknowledged_twice} -> {}",
        acknowledged.len(),
        if ok { "OK" } else { "FAILED" }
    );
    println!(
        "  database holds {} attempts: {submitted_in_db} submitted ({} beyond the acknowledged ones: in flight when the server was killed), {open_in_db} started but not submitted; {} quiz evidence rows",
        rows.len(),
        submitted_in_db.saturating_sub(acknowledged.len()),
        evidence_rows.values().sum::<i64>()
    );
    ok
}

async fn run(backend: Backend, binary: &Path) -> Option<Outcome> {
    let clients: usize = env_or("CLIENTS", 32).max(1);
    let learner_count: usize = env_or("LEARNERS", clients).max(clients);
    let duration = Duration::from_secs_f64(env_or("DURATION", 15.0));
    let module = Arc::new(std::env::var("MODULE").unwrap_or_else(|_| "objection-handling".into()));

    let dir = tempfile::tempdir().expect("a temporary folder");
    let (database_url, postgres) = match backend {
        Backend::Sqlite => (
            format!(
                "sqlite://{}?mode=rwc",
                dir.path().join("salesdojo.db").display()
            ),
            None,
        ),
        Backend::Postgres => {
            let (url, admin, name) = fresh_postgres().await?;
            (url, Some((admin, name)))
        }
    };
    println!(
        "{}: {clients} clients for {:.0} s, {learner_count} learners, module {module}",
        backend.name(),
        duration.as_secs_f64()
    );

    let prepared = Instant::now();
    // The server migrates the new database; the import then uses it.
    let mut server = start_server(binary, dir.path(), &database_url);
    let rss_started = status_mb(&server.pid(), "VmRSS:");
    let users = import_learners(binary, dir.path(), &database_url, learner_count);
    let address = Arc::new(server.address.clone());
    let mut sessions = Vec::with_capacity(users.len());
    // A few logins at a time: each one hashes a password (argon2id).
    for chunk in users.chunks(8) {
        let logins: Vec<_> = chunk
            .iter()
            .map(|(email, password)| {
                let (address, email, password) = (address.clone(), email.clone(), password.clone());
                tokio::spawn(async move { log_in(&address, &email, &password).await })
            })
            .collect();
        for login in logins {
            sessions.push(login.await.expect("a login task"));
        }
    }
    let sessions: Vec<Arc<Learner>> = sessions.into_iter().map(Arc::new).collect();
    println!(
        "  setup (start, import, {} logins): {:.1} s",
        sessions.len(),
        prepared.elapsed().as_secs_f64()
    );

    let hz = clock_ticks_per_second();
    let server_pid = server.pid();
    let rss_logged_in = status_mb(&server_pid, "VmRSS:");
    let hwm_logged_in = status_mb(&server_pid, "VmHWM:");
    let server_before = cpu_ticks(&server_pid);
    let own_before = cpu_ticks("self");
    let began = Instant::now();
    let deadline = began + duration;
    let mut tasks = Vec::with_capacity(clients);
    for c in 0..clients {
        let mine: Vec<Arc<Learner>> = sessions.iter().skip(c).step_by(clients).cloned().collect();
        tasks.push(tokio::spawn(client_loop(
            address.clone(),
            module.clone(),
            mine,
            began,
            deadline,
        )));
    }
    let mut report = ClientReport::default();
    for task in tasks {
        let part = task.await.expect("a client task");
        report.acknowledged.extend(part.acknowledged);
        report.errors.extend(part.errors);
        report.start_micros.extend(part.start_micros);
        report.submit_micros.extend(part.submit_micros);
    }
    let elapsed = began.elapsed().as_secs_f64();
    let server_cpu = (cpu_ticks(&server_pid).saturating_sub(server_before)) as f64 / hz / elapsed;
    let own_cpu = (cpu_ticks("self").saturating_sub(own_before)) as f64 / hz / elapsed;
    let rss_loaded = status_mb(&server_pid, "VmRSS:");
    let hwm_loaded = status_mb(&server_pid, "VmHWM:");
    // A crash, not a shutdown: what was acknowledged must already be durable.
    server.kill();

    let acknowledged = report.acknowledged.len();
    let per_second = acknowledged as f64 / elapsed;
    report.start_micros.sort_unstable();
    report.submit_micros.sort_unstable();
    println!(
        "  acknowledged submissions: {acknowledged} in {elapsed:.1} s = {per_second:.0}/s; errors: {}",
        report.errors.len()
    );
    let mut by_second = vec![0usize; duration.as_secs_f64().ceil() as usize + 1];
    for (_, _, at) in &report.acknowledged {
        let second = (at.as_secs() as usize).min(by_second.len() - 1);
        by_second[second] += 1;
    }
    let whole = duration.as_secs() as usize;
    if whole >= 2 {
        let seconds = &by_second[..whole];
        let mut sorted = seconds.to_vec();
        sorted.sort_unstable();
        println!(
            "  per second: min {}, median {}, max {}; first {}s {:.0}/s, last {}s {:.0}/s",
            sorted[0],
            sorted[sorted.len() / 2],
            sorted[sorted.len() - 1],
            whole / 3,
            seconds[..whole / 3].iter().sum::<usize>() as f64 / (whole / 3).max(1) as f64,
            whole / 3,
            seconds[whole - whole / 3..].iter().sum::<usize>() as f64 / (whole / 3).max(1) as f64,
        );
        println!(
            "  timeline (acknowledged per second): {}",
            seconds
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(" ")
        );
    }
    println!(
        "  latency ms: start p50 {:.1} p99 {:.1} max {:.1}; submit p50 {:.1} p99 {:.1} max {:.1}",
        percentile(&report.start_micros, 50.0),
        percentile(&report.start_micros, 99.0),
        percentile(&report.start_micros, 100.0),
        percentile(&report.submit_micros, 50.0),
        percentile(&report.submit_micros, 99.0),
        percentile(&report.submit_micros, 100.0),
    );
    println!(
        "  CPU (cores, of {}): server {server_cpu:.2}, clients {own_cpu:.2}",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!(
        "  server resident memory MB: {rss_started:.0} started, {rss_logged_in:.0} after the logins (peak {hwm_logged_in:.0}), {rss_loaded:.0} after the load (peak {hwm_loaded:.0})"
    );
    if !report.errors.is_empty() {
        let mut kinds: HashMap<String, usize> = HashMap::new();
        for error in &report.errors {
            let key: String = error.chars().take(160).collect();
            *kinds.entry(key).or_default() += 1;
        }
        let mut kinds: Vec<_> = kinds.into_iter().collect();
        kinds.sort_by_key(|kind| std::cmp::Reverse(kind.1));
        for (error, n) in kinds.iter().take(5) {
            println!("    {n} x {error}");
        }
    }
    // Warnings the server logged, such as a direct SQLite write that fell
    // back to sqlx (which would mean the fast path is not what was measured).
    let log = std::fs::read_to_string(&server.log).unwrap_or_default();
    let warnings: Vec<&str> = log
        .lines()
        .filter(|line| line.contains(" WARN ") || line.contains(" ERROR "))
        .collect();
    println!(
        "  server log: {} warning or error lines{}",
        warnings.len(),
        warnings
            .iter()
            .take(3)
            .map(|line| format!("\n    {}", line.chars().take(200).collect::<String>()))
            .collect::<String>()
    );
    let check_ok = check(&database_url, &report.acknowledged).await;
    if let Some((admin, name)) = postgres {
        drop_postgres(&admin, &name).await;
    }
    Some(Outcome {
        per_second,
        errors: report.errors.len(),
        check_ok,
    })
}

fn main() {
    let binary = server_binary();
    assert!(
        binary.exists(),
        "no server binary at {}: build it with `cargo build --release` or set SALESDOJO_BIN",
        binary.display()
    );
    let built = std::fs::metadata(&binary)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| {
            time::OffsetDateTime::from(t)
                .format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default();
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "server: {} (built {built}); load average before: {}",
        binary.display(),
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
    let backends = std::env::var("BACKENDS").unwrap_or_else(|_| "sqlite,postgres".into());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(async {
        let mut sqlite = None;
        let mut postgres = None;
        if backends.contains("sqlite") {
            sqlite = run(Backend::Sqlite, &binary).await;
        }
        if backends.contains("postgres") {
            postgres = run(Backend::Postgres, &binary).await;
        }
        println!();
        let verdict = |o: &Outcome| {
            if o.per_second >= TARGET_PER_SECOND && o.errors == 0 && o.check_ok {
                "met"
            } else {
                "MISSED"
            }
        };
        if let Some(s) = &sqlite {
            println!(
                "RATIO SQLite achieved/target: {:.3} ({:.0}/s of {TARGET_PER_SECOND:.0}/s; errors {}; database check {}) -> target {}",
                s.per_second / TARGET_PER_SECOND,
                s.per_second,
                s.errors,
                if s.check_ok { "OK" } else { "FAILED" },
                verdict(s)
            );
        }
        if let Some(p) = &postgres {
            println!(
                "RATIO PostgreSQL achieved/target: {:.3} ({:.0}/s; errors {}; database check {})",
                p.per_second / TARGET_PER_SECOND,
                p.per_second,
                p.errors,
                if p.check_ok { "OK" } else { "FAILED" }
            );
        }
        let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
        println!(
            "load average after: {}",
            load.split_whitespace().take(3).collect::<Vec<_>>().join(" ")
        );
        if let (Some(s), Some(p)) = (&sqlite, &postgres) {
            println!(
                "RATIO PostgreSQL/SQLite submissions per second: {:.3}",
                p.per_second / s.per_second
            );
        }
    });
}
