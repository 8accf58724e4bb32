//! The learner's side over HTTP, on SQLite and PostgreSQL: lessons read,
//! quiz attempts (idempotent, limited, shuffled, every question type),
//! role-play runs to each ending, the profile following the evidence,
//! isolation between learners, and concurrent submissions.

use std::path::{Path, PathBuf};

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Session, TestApp, copy_dir, error_of};
use crate::on_both_databases;

/// The valid fixture course, with `handling-objections` asking all three
/// questions per attempt (it draws 2 in the fixture) so tests can answer each.
pub fn course(dir: &Path) -> PathBuf {
    let target = dir.join("content");
    copy_dir(
        &PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/content/valid"),
        &target,
    );
    for file in ["quiz.md", "quiz.zh-CN.md"] {
        let path = target.join("modules/handling-objections").join(file);
        let text = std::fs::read_to_string(&path).expect("read the quiz");
        std::fs::write(&path, text.replace("draw = 2", "draw = 0")).expect("write the quiz");
    }
    target
}

async fn learner(app: &TestApp, email: &str) -> Session {
    app.create_learner(email, "Lea Learner", "new-hire").await;
    app.login(email).await
}

async fn start(app: &TestApp, session: &Session, module: &str) -> (StatusCode, Value) {
    let response = session
        .post_json(
            app,
            &format!("/api/v1/modules/{module}/attempts"),
            &json!({}),
        )
        .await;
    let status = response.status();
    (status, response.json().await.expect("a JSON body"))
}

async fn submit(
    app: &TestApp,
    session: &Session,
    attempt: &str,
    answers: Value,
) -> (StatusCode, Value) {
    let response = session
        .put_json(
            app,
            &format!("/api/v1/attempts/{attempt}"),
            &json!({"answers": answers}),
        )
        .await;
    let status = response.status();
    (status, response.json().await.expect("a JSON body"))
}

fn question<'v>(result: &'v Value, id: &str) -> &'v Value {
    result["questions"]
        .as_array()
        .and_then(|qs| qs.iter().find(|q| q["id"] == id))
        .unwrap_or_else(|| panic!("question {id} in {result}"))
}

async fn competency(app: &TestApp, session: &Session, id: &str) -> Value {
    let (status, profile) = session.get_json(app, "/api/v1/me/competencies").await;
    assert_eq!(status, StatusCode::OK);
    profile["competencies"]
        .as_array()
        .and_then(|cs| cs.iter().find(|c| c["id"] == id).cloned())
        .unwrap_or_else(|| panic!("competency {id} in {profile}"))
}

on_both_databases! {
    content = course;

    async fn a_lesson_is_read_once_and_unlocks_the_next_module(app) {
        let lea = learner(&app, "lea@example.com").await;
        let (_, progress) = lea.get_json(&app, "/api/v1/me/progress").await;
        assert_eq!(progress[0]["path_id"], "onboarding");
        assert_eq!(progress[0]["next_module"], "discovery-basics");
        let stage2 = &progress[0]["stages"][1]["modules"][0];
        assert_eq!(stage2["id"], "handling-objections");
        assert_eq!(stage2["status"], "locked");
        assert_eq!(stage2["unlocked_by"], json!(["discovery-basics"]));

        let first = lea.post_json(&app, "/api/v1/modules/discovery-basics/complete", &json!({})).await;
        assert_eq!(first.status(), StatusCode::OK);
        assert_eq!(first.json::<Value>().await.unwrap()["newly_recorded"], true);
        let again = lea.post_json(&app, "/api/v1/modules/discovery-basics/complete", &json!({})).await;
        assert_eq!(again.json::<Value>().await.unwrap()["newly_recorded"], false);
        assert_eq!(app.count("module_completions", "module_id = 'discovery-basics'").await, 1);
        assert_eq!(app.count("evidence", "source = 'completion'").await, 1);

        let (_, progress) = lea.get_json(&app, "/api/v1/me/progress").await;
        assert_eq!(progress[0]["stages"][0]["modules"][0]["status"], "quiz_pending");
        let missing = lea.post_json(&app, "/api/v1/modules/no-such-module/complete", &json!({})).await;
        assert_eq!(error_of(missing).await.0, StatusCode::NOT_FOUND);
    }

    async fn a_quiz_failed_then_passed_is_idempotent_and_limited(app) {
        let lea = learner(&app, "lea@example.com").await;
        let (status, attempt) = start(&app, &lea, "closing-the-deal").await;
        assert_eq!(status, StatusCode::CREATED);
        let id = attempt["attempt_id"].as_str().unwrap().to_owned();
        // Not shuffled: source order, options by source index, no answers leaked.
        assert_eq!(attempt["questions"][0]["id"], "vdt");
        assert_eq!(attempt["questions"][0]["type"], "text");
        assert_eq!(attempt["questions"][1]["options"][1]["id"], 1);
        assert!(!attempt.to_string().contains("\"correct\""));
        // Starting again resumes the open attempt instead of using up another.
        let (status, resumed) = start(&app, &lea, "closing-the-deal").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(resumed["attempt_id"], attempt["attempt_id"]);

        let (status, wrong) = submit(&app, &lea, &id, json!({"vdt": "discount", "ask-decision": [1]})).await;
        assert_eq!(status, StatusCode::OK, "{wrong}");
        assert_eq!(wrong["score"], 0.0);
        assert_eq!(wrong["passed"], false);
        let decision = question(&wrong, "ask-decision");
        assert_eq!(decision["correct"], false);
        assert!(decision["feedback_html"].as_str().unwrap().contains("leaves the decision to chance"));
        assert_eq!(decision["right_answer"]["options"][0]["id"], 0);
        assert!(decision["explanation_html"].as_str().unwrap().contains("Ask for the decision"));
        assert_eq!(question(&wrong, "vdt")["right_answer"]["accepted"], json!(["VDT", "V-D-T"]));
        assert_eq!(wrong["attempts_left"], 1);
        let evidence_after_first = app.count("evidence", "source = 'quiz'").await;
        assert_eq!(evidence_after_first, 2);

        // The same attempt again, even with right answers: the stored result, nothing new.
        let (status, again) = submit(&app, &lea, &id, json!({"vdt": "VDT", "ask-decision": [0]})).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(again["score"], 0.0);
        assert_eq!(again["submitted_at"], wrong["submitted_at"]);
        assert_eq!(app.count("evidence", "source = 'quiz'").await, evidence_after_first);

        let (status, second) = start(&app, &lea, "closing-the-deal").await;
        assert_eq!(status, StatusCode::CREATED);
        assert_eq!(second["number"], 2);
        let second_id = second["attempt_id"].as_str().unwrap().to_owned();
        // Case and spaces do not matter for text answers.
        let (_, right) = submit(&app, &lea, &second_id, json!({"vdt": " v d t ", "ask-decision": [0]})).await;
        assert_eq!(right["score"], 1.0);
        assert_eq!(right["passed"], true);
        assert_eq!(right["attempts_left"], 0);

        let (status, refused) = start(&app, &lea, "closing-the-deal").await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert!(refused["error"]["message"].as_str().unwrap().contains("used all 2 attempts"), "{refused}");
        let (status, shown) = lea.get_json(&app, &format!("/api/v1/attempts/{id}")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(shown["submitted"], true);
        assert!(shown["result"]["duration_seconds"].as_i64().unwrap() >= 0);
    }

    async fn shuffled_attempts_are_scored_by_source_index(app) {
        let lea = learner(&app, "lea@example.com").await;
        let mut orders = Vec::new();
        for _ in 0..5 {
            let (_, attempt) = start(&app, &lea, "discovery-basics").await;
            let id = attempt["attempt_id"].as_str().unwrap().to_owned();
            for q in attempt["questions"].as_array().unwrap() {
                let ids: Vec<u64> = q["options"].as_array().unwrap().iter().map(|o| o["id"].as_u64().unwrap()).collect();
                let mut sorted = ids.clone();
                sorted.sort_unstable();
                assert_eq!(sorted, (0..ids.len() as u64).collect::<Vec<_>>(), "a permutation of source ids");
                orders.push(ids);
            }
            let (_, result) = submit(&app, &lea, &id, json!({"first-question": [1], "open-questions": [1, 0]})).await;
            assert_eq!(result["score"], 1.0, "{result}");
        }
        assert!(orders.iter().any(|o| o.windows(2).any(|w| w[0] > w[1])), "some attempt shows a shuffled order");
    }

    async fn bad_answers_get_a_422_naming_the_problem(app) {
        let lea = learner(&app, "lea@example.com").await;
        let (_, attempt) = start(&app, &lea, "discovery-basics").await;
        let id = attempt["attempt_id"].as_str().unwrap().to_owned();
        let cases = [
            (json!({"first-question": [1], "open-questions": [0], "nope": [0]}), "`nope` is not a question"),
            (json!({"first-question": [7], "open-questions": [0]}), "7 is not one of them"),
            (json!({"first-question": "Ask", "open-questions": [0]}), "first-question"),
            (json!({"first-question": [1]}), "`open-questions` has no answer"),
            (json!({"first-question": [0, 1], "open-questions": [0]}), "first-question"),
        ];
        for (answers, expected) in cases {
            let (status, body) = submit(&app, &lea, &id, answers.clone()).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answers}");
            let message = body["error"]["message"].as_str().unwrap();
            assert!(message.contains(expected), "{message} should mention {expected}");
        }
        let not_object = lea.put_json(&app, &format!("/api/v1/attempts/{id}"), &json!({"answers": [1]})).await;
        assert_eq!(not_object.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(app.count("quiz_attempts", "submitted_at IS NOT NULL").await, 0, "nothing stored");
    }

    async fn order_and_multiple_select_give_partial_credit(app) {
        let lea = learner(&app, "lea@example.com").await;
        let (_, attempt) = start(&app, &lea, "handling-objections").await;
        let id = attempt["attempt_id"].as_str().unwrap().to_owned();
        let order = attempt["questions"].as_array().unwrap().iter().find(|q| q["id"] == "order-steps").unwrap();
        let shown: Vec<u64> = order["options"].as_array().unwrap().iter().map(|o| o["id"].as_u64().unwrap()).collect();
        assert_ne!(shown, vec![0, 1, 2, 3], "order steps are never shown in the right order");
        let (status, result) = submit(&app, &lea, &id, json!({
            "listen-first": [1], "order-steps": [0, 1, 3, 2], "trade-not-gift": [1]
        })).await;
        assert_eq!(status, StatusCode::OK, "{result}");
        assert_eq!(question(&result, "order-steps")["score"], 0.5);
        assert_eq!(question(&result, "order-steps")["correct"], false);
        // Weights: listen-first 1, order-steps 1 (half), trade-not-gift 2 -> 3.5 / 4.
        assert_eq!(result["score"], 0.875);
        let negotiation = app.count("evidence", "competency = 'negotiation' AND source = 'quiz' AND weight = 2").await;
        assert_eq!(negotiation, 1, "the question's competency and weight override the module's");
    }

    async fn a_roleplay_reaches_each_ending_and_keeps_practice_text(app) {
        let lea = learner(&app, "lea@example.com").await;
        let path = "/api/v1/modules/handling-objections/roleplays/price-pushback/runs";
        let mut endings = Vec::new();
        for choices in [vec![json!({"choice": 0}), json!({"choice": 0}), json!({"text": "  Shall we run a three-month pilot at list price?  "})],
                        vec![json!({"choice": 0}), json!({"choice": 1})],
                        vec![json!({"choice": 1})]] {
            let started = lea.post_json(&app, path, &json!({})).await;
            assert_eq!(started.status(), StatusCode::CREATED);
            let run: Value = started.json().await.unwrap();
            assert_eq!(run["scene"]["id"], "start");
            let run_id = run["run_id"].as_str().unwrap().to_owned();
            let mut last = Value::Null;
            for choice in choices {
                let response = lea.post_json(&app, &format!("/api/v1/runs/{run_id}/choices"), &choice).await;
                assert_eq!(response.status(), StatusCode::OK);
                last = response.json().await.unwrap();
            }
            assert_eq!(last["finished"], true, "{last}");
            let again = lea.post_json(&app, &format!("/api/v1/runs/{run_id}/choices"), &json!({"choice": 0})).await;
            assert_eq!(error_of(again).await.0, StatusCode::CONFLICT);
            let (_, view) = lea.get_json(&app, &format!("/api/v1/runs/{run_id}")).await;
            endings.push((view["outcome"].clone(), last["shares"].clone(), view));
        }
        let (won, won_shares, won_view) = &endings[0];
        assert_eq!(won, "won");
        assert_eq!(won_shares["objection-handling"], 1.0);
        assert_eq!(won_shares["negotiation"], 1.0);
        assert_eq!(won_view["transcript"][2]["practice_text"], "Shall we run a three-month pilot at list price?");
        assert!(won_view["transcript"][0]["choice_html"].as_str().unwrap().contains("Ask what the other quote includes"));
        assert!(!won_view["best_path"].as_array().unwrap().is_empty());
        let (partial, partial_shares, _) = &endings[1];
        assert_eq!(partial, "partial");
        assert!((partial_shares["objection-handling"].as_f64().unwrap() - 2.0 / 3.0).abs() < 1e-9);
        assert_eq!(partial_shares["negotiation"], 0.0);
        let (lost, lost_shares, _) = &endings[2];
        assert_eq!(lost, "lost");
        assert_eq!(lost_shares["negotiation"], 0.0, "a negative total counts as 0");
        assert_eq!(app.count("practice_answers", "text = 'Shall we run a three-month pilot at list price?'").await, 1);
        assert_eq!(app.count("evidence", "source = 'roleplay'").await, 6);
    }

    async fn wrong_moves_are_refused_with_what_to_send(app) {
        let lea = learner(&app, "lea@example.com").await;
        let run: Value = lea.post_json(&app, "/api/v1/modules/handling-objections/roleplays/price-pushback/runs", &json!({})).await.json().await.unwrap();
        let run_id = run["run_id"].as_str().unwrap().to_owned();
        let choices = format!("/api/v1/runs/{run_id}/choices");
        for (body, expected) in [
            (json!({"choice": 5}), "choices 0 to 1"),
            (json!({"text": "hello"}), "offers choices"),
            (json!({"choice": 0, "text": "x"}), "exactly one"),
        ] {
            let (status, _, message) = error_of(lea.post_json(&app, &choices, &body).await).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(message.contains(expected), "{message}");
        }
        let missing = lea.post_json(&app, "/api/v1/modules/handling-objections/roleplays/nope/runs", &json!({})).await;
        let (status, _, message) = error_of(missing).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(message.contains("price-pushback"), "{message}");
    }

    async fn the_profile_follows_the_evidence(app) {
        let lea = learner(&app, "lea@example.com").await;
        let before = competency(&app, &lea, "discovery").await;
        assert_eq!((before["level"].as_u64(), before["target"].as_u64(), before["gap"].as_u64()), (Some(0), Some(1), Some(1)));
        let (_, attempt) = start(&app, &lea, "discovery-basics").await;
        let id = attempt["attempt_id"].as_str().unwrap().to_owned();
        submit(&app, &lea, &id, json!({"first-question": [0], "open-questions": [0, 2]})).await;
        let failed = competency(&app, &lea, "discovery").await;
        assert_eq!(failed["level"], 0);
        assert_eq!(failed["mastery"]["1"], 0.0);
        let (_, attempt) = start(&app, &lea, "discovery-basics").await;
        let id = attempt["attempt_id"].as_str().unwrap().to_owned();
        submit(&app, &lea, &id, json!({"first-question": [1], "open-questions": [0, 1]})).await;
        let passed = competency(&app, &lea, "discovery").await;
        assert_eq!(passed["level"], 1, "the latest result supersedes: {passed}");
        assert_eq!(passed["gap"], 0);
        assert_eq!(passed["mastery"]["1"], 1.0);
        assert_eq!(passed["evidence"].as_array().unwrap().len(), 2, "one current row per question");
        assert_eq!(app.count("evidence", "competency = 'discovery'").await, 4, "history kept");
        let (_, profile) = lea.get_json(&app, "/api/v1/me/competencies").await;
        assert_eq!(profile["role"], "new-hire");
        assert!(profile["next_modules"].as_array().unwrap().iter().any(|m| m["module_id"] == "handling-objections"), "{profile}");
        assert!(!profile["next_modules"].as_array().unwrap().iter().any(|m| m["competency"] == "discovery"), "no gap left in discovery");
    }

    async fn learners_cannot_see_each_others_attempts_and_runs(app) {
        let lea = learner(&app, "lea@example.com").await;
        let (_, attempt) = start(&app, &lea, "discovery-basics").await;
        let attempt_id = attempt["attempt_id"].as_str().unwrap().to_owned();
        let run: Value = lea.post_json(&app, "/api/v1/modules/handling-objections/roleplays/price-pushback/runs", &json!({})).await.json().await.unwrap();
        let run_id = run["run_id"].as_str().unwrap().to_owned();

        let max = learner(&app, "max@example.com").await;
        for path in [format!("/api/v1/attempts/{attempt_id}"), format!("/api/v1/runs/{run_id}"),
                     "/api/v1/attempts/not-a-uuid".to_owned(), format!("/api/v1/runs/{}", uuid::Uuid::now_v7())] {
            let (status, body) = max.get_json(&app, &path).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {body}");
        }
        let (status, _) = submit(&app, &max, &attempt_id, json!({"first-question": [1], "open-questions": [0]})).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let moved = max.post_json(&app, &format!("/api/v1/runs/{run_id}/choices"), &json!({"choice": 0})).await;
        assert_eq!(moved.status(), StatusCode::NOT_FOUND);

        // Lea's manager may look but not answer; a trainer may look.
        app.create_user("boss@example.com", "Bo Boss", &["manager"]).await;
        let admin = app.login(crate::helpers::ADMIN_EMAIL).await;
        let team = admin.post_json(&app, "/api/v1/teams", &json!({"name": "North", "manager_email": "boss@example.com"})).await;
        assert_eq!(team.status(), StatusCode::CREATED);
        let team: Value = team.json().await.unwrap();
        let added = admin.post_json(&app, &format!("/api/v1/teams/{}/members", team["id"].as_str().unwrap()), &json!({"email": "lea@example.com"})).await;
        assert!(added.status().is_success(), "{}", added.status());
        let boss = app.login("boss@example.com").await;
        assert_eq!(boss.get_json(&app, &format!("/api/v1/attempts/{attempt_id}")).await.0, StatusCode::OK);
        let (status, _) = submit(&app, &boss, &attempt_id, json!({"first-question": [1], "open-questions": [0]})).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        app.create_user("tina@example.com", "Tina Trainer", &["trainer"]).await;
        let tina = app.login("tina@example.com").await;
        assert_eq!(tina.get_json(&app, &format!("/api/v1/runs/{run_id}")).await.0, StatusCode::OK);
    }

    async fn concurrent_submissions_are_each_stored_exactly_once(app) {
        let mut sessions = Vec::new();
        for i in 0..12 {
            let session = learner(&app, &format!("learner{i}@example.com")).await;
            let (_, attempt) = start(&app, &session, "discovery-basics").await;
            sessions.push((session, attempt["attempt_id"].as_str().unwrap().to_owned()));
        }
        // Every learner submits twice at the same moment.
        let mut tasks = Vec::new();
        for (session, id) in &sessions {
            for _ in 0..2 {
                let client = session.client.clone();
                let csrf = session.csrf.clone();
                let url = app.url(&format!("/api/v1/attempts/{id}"));
                tasks.push(tokio::spawn(async move {
                    client.put(url).header("X-CSRF-Token", csrf)
                        .json(&json!({"answers": {"first-question": [1], "open-questions": [0, 1]}}))
                        .send().await.expect("send").status()
                }));
            }
        }
        for task in tasks {
            assert_eq!(task.await.expect("join"), StatusCode::OK);
        }
        assert_eq!(app.count("quiz_attempts", "submitted_at IS NOT NULL").await, 12);
        assert_eq!(app.count("evidence", "source = 'quiz'").await, 24, "two questions per attempt, once each");
    }
}

on_both_databases! {
    content = course;

    async fn the_quiz_works_as_a_plain_html_form(app) {
        let lea = learner(&app, "lea@example.com").await;
        let page = app.get(&lea.client, "/modules/closing-the-deal").await;
        assert_eq!(page.status(), StatusCode::OK);
        assert!(page.text().await.unwrap().contains("/modules/closing-the-deal/complete"));
        let started = lea.client.post(app.url("/modules/closing-the-deal/quiz"))
            .form(&[("csrf_token", lea.csrf.as_str())]).send().await.unwrap();
        assert_eq!(started.status(), StatusCode::SEE_OTHER);
        let location = started.headers()["location"].to_str().unwrap().to_owned();
        assert!(location.starts_with("/attempts/"), "{location}");
        let form = app.get(&lea.client, &location).await.text().await.unwrap();
        assert!(form.contains("name=\"q-ask-decision\""), "radio buttons per question");
        assert!(form.contains("name=\"q-vdt\""), "a text field");

        // A missing answer shows the form again with what to fix, and stores nothing.
        let incomplete = lea.client.post(app.url(&location))
            .form(&[("csrf_token", lea.csrf.as_str()), ("q-vdt", "VDT")]).send().await.unwrap();
        assert_eq!(incomplete.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body = incomplete.text().await.unwrap();
        assert!(body.contains("ask-decision"), "the error names the question");
        assert!(body.contains("value=\"VDT\""), "what was typed is kept");

        let sent = lea.client.post(app.url(&location))
            .form(&[("csrf_token", lea.csrf.as_str()), ("q-vdt", "vdt"), ("q-ask-decision", "1")]).send().await.unwrap();
        assert_eq!(sent.status(), StatusCode::SEE_OTHER);
        let result = app.get(&lea.client, &location).await.text().await.unwrap();
        assert!(result.contains("50%"), "score shown");
        assert!(result.contains("leaves the decision to chance"), "the chosen option's feedback teaches");
        assert!(result.contains("id=\"retry\""), "a retry is offered while attempts remain");

        let profile = app.get(&lea.client, "/profile").await;
        assert_eq!(profile.status(), StatusCode::OK);
        let profile = profile.text().await.unwrap();
        assert!(profile.contains("<svg") && profile.contains("id=\"levels\""), "radar and its table");
        let dashboard = app.get(&lea.client, "/").await.text().await.unwrap();
        assert!(dashboard.contains("Discovery") || dashboard.contains("discovery-basics"), "the next module is named");
    }
}
