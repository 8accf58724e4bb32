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
