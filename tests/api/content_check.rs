//! `salesdojo check` and the start-up check, run as a trainer or admin would.

use std::path::PathBuf;
use std::process::Output;

use serde_json::Value;
use tokio::process::Command;

fn fixtures(case: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/content")
        .join(case)
}

async fn salesdojo(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_salesdojo"))
        .args(args)
        .env_remove("SALESDOJO_CONTENT")
        .env("NO_COLOR", "1")
        .output()
        .await
        .expect("salesdojo runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test]
async fn the_shipped_curriculum_passes_with_warnings_denied() {
    let content = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("content");
    let out = salesdojo(&["check", content.to_str().unwrap(), "--deny-warnings"]).await;
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(stdout.contains("checked 13 modules"), "{stdout}");
    assert!(
        stdout.trim_end().ends_with("0 errors, 0 warnings"),
        "{stdout}"
    );
}

#[tokio::test]
async fn broken_content_lists_every_problem_with_its_place_and_fails() {
    let dir = fixtures("invalid/quiz-problems");
    let out = salesdojo(&["check", dir.to_str().unwrap()]).await;
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    for expected in [
        "quiz/pass-mark-out-of-range",
        "quiz/draw-out-of-range",
        "quiz/no-correct-option",
        "quiz.md:2:13]",
        "help: set `pass_mark` to a whole number from 0 to 100",
    ] {
        assert!(stdout.contains(expected), "missing {expected} in\n{stdout}");
    }
}

#[tokio::test]
async fn json_lines_give_editors_file_line_and_column() {
    let dir = fixtures("invalid/quiz-problems");
    let out = salesdojo(&["check", dir.to_str().unwrap(), "--format", "json"]).await;
    assert_eq!(out.status.code(), Some(1));
    let lines: Vec<Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is a JSON object"))
        .collect();
    assert!(lines.len() >= 3);
    let pass_mark = lines
        .iter()
        .find(|d| d["code"] == "quiz/pass-mark-out-of-range")
        .expect("the pass-mark diagnostic");
    assert_eq!(pass_mark["severity"], "error");
    assert_eq!(pass_mark["line"], 2);
    assert_eq!(pass_mark["column"], 13);
    assert!(
        pass_mark["file"]
            .as_str()
            .unwrap()
            .ends_with("modules/only/quiz.md")
    );
    assert!(
        text(&out.stderr).contains("error"),
        "the summary goes to stderr"
    );
}

#[tokio::test]
async fn the_server_refuses_to_start_on_broken_content_and_prints_why() {
    let dir = tempfile::tempdir().unwrap();
    let content = fixtures("invalid/quiz-problems");
    let out = Command::new(env!("CARGO_BIN_EXE_salesdojo"))
        .current_dir(dir.path())
        .args([
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--content",
            content.to_str().unwrap(),
        ])
        .env_remove("DATABASE_URL")
        .env_remove("SALESDOJO_SECRET")
        .output()
        .await
        .unwrap();
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(stderr.contains("has errors"), "{stderr}");
    assert!(stderr.contains("quiz/no-correct-option"), "{stderr}");
}

/// A `salesdojo serve` process on a copy of the valid fixture, with an API
/// token to read the catalog.
struct Served {
    child: tokio::process::Child,
    base: String,
    token: String,
    lesson: PathBuf,
    _dir: tempfile::TempDir,
}

async fn serve_fixture(extra: &[&str]) -> Served {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    crate::helpers::copy_dir(&fixtures("valid"), &content);
    let run = |args: Vec<String>| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_salesdojo"));
        command
            .current_dir(dir.path())
            .args(args)
            .env_remove("DATABASE_URL")
            .env_remove("SALESDOJO_SECRET")
            .env("RUST_LOG", "warn")
            .env("SALESDOJO_CONTENT", &content);
        command
    };
    let add = run([
        "user",
        "add",
        "--email",
        "tia@example.com",
        "--name",
        "Tia",
        "--role",
        "trainer",
    ]
    .map(String::from)
    .to_vec())
    .output()
    .await
    .unwrap();
    assert!(add.status.success(), "{}", text(&add.stderr));
    let token = run(["token", "create", "--user", "tia@example.com"]
        .map(String::from)
        .to_vec())
    .output()
    .await
    .unwrap();
    let token = text(&token.stdout).trim().to_owned();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut args = vec![
        "serve".to_owned(),
        "--bind".to_owned(),
        format!("127.0.0.1:{port}"),
    ];
    args.extend(extra.iter().map(|a| a.to_string()));
    let child = run(args)
        .kill_on_drop(true)
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    for _ in 0..100 {
        if reqwest::get(format!("{base}/healthz")).await.is_ok() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    Served {
        child,
        base,
        token,
        lesson: content.join("modules/closing-the-deal/lesson.md"),
        _dir: dir,
    }
}

impl Served {
    async fn title(&self) -> String {
        let detail: Value = reqwest::Client::new()
            .get(format!("{}/api/v1/modules/closing-the-deal", self.base))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        detail["title"].as_str().unwrap().to_owned()
    }

    fn rename(&self, prefix: &str) {
        let text = std::fs::read_to_string(&self.lesson).unwrap();
        std::fs::write(
            &self.lesson,
            text.replacen("title = \"", &format!("title = \"{prefix}"), 1),
        )
        .unwrap();
    }

    /// Waits up to ten seconds for the served title to start with `prefix`.
    async fn wait_for_title(&self, prefix: &str) -> bool {
        for _ in 0..100 {
            if self.title().await.starts_with(prefix) {
                return true;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        false
    }
}

#[tokio::test]
async fn sighup_reloads_the_content() {
    let mut served = serve_fixture(&[]).await;
    let before = served.title().await;
    served.rename("Edited ");
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    assert_eq!(
        served.title().await,
        before,
        "without --watch nothing changes until asked"
    );
    let pid = served.child.id().unwrap().to_string();
    assert!(
        Command::new("kill")
            .args(["-HUP", &pid])
            .status()
            .await
            .unwrap()
            .success()
    );
    assert!(served.wait_for_title("Edited ").await, "SIGHUP must reload");
    served.child.kill().await.unwrap();
}

#[tokio::test]
async fn watch_reloads_when_a_file_changes_and_survives_a_broken_one() {
    let mut served = serve_fixture(&["--watch"]).await;
    served.rename("Watched ");
    assert!(
        served.wait_for_title("Watched ").await,
        "--watch must reload after a change"
    );
    // A broken file is reported and the server keeps serving what it had.
    std::fs::write(&served.lesson, "+++\ntitle = \n").unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert!(served.title().await.starts_with("Watched "));
    assert!(
        reqwest::get(format!("{}/healthz", served.base))
            .await
            .unwrap()
            .status()
            .is_success()
    );
    served.child.kill().await.unwrap();
}

#[tokio::test]
async fn a_moodle_gift_bank_becomes_a_quiz_that_passes_the_check() {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    crate::helpers::copy_dir(&fixtures("valid"), &content);
    let module = content.join("modules/closing-the-deal");
    std::fs::remove_file(module.join("quiz.md")).unwrap();
    std::fs::remove_file(module.join("quiz.zh-CN.md")).unwrap();
    let gift =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/gift/sales-basics.gift");
    let import = |force: bool| {
        let mut args = vec![
            "import",
            "gift",
            gift.to_str().unwrap(),
            "--module",
            "closing-the-deal",
        ];
        if force {
            args.push("--force");
        }
        let mut command = Command::new(env!("CARGO_BIN_EXE_salesdojo"));
        command.args(args).env("SALESDOJO_CONTENT", &content);
        command
    };
    let out = import(false).output().await.unwrap();
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", text(&out.stderr));
    assert!(stdout.contains("wrote 11 questions"), "{stdout}");
    assert!(
        stdout.contains("sales-basics.gift:") && stdout.contains("skipped:"),
        "skips name their line: {stdout}"
    );
    assert!(module.join("quiz.md").exists());

    let again = import(false).output().await.unwrap();
    assert!(!again.status.success());
    assert!(
        text(&again.stderr).contains("--force"),
        "{}",
        text(&again.stderr)
    );
    assert!(import(true).output().await.unwrap().status.success());

    let check = salesdojo(&["check", content.to_str().unwrap()]).await;
    assert!(check.status.success(), "{}", text(&check.stdout));
}
