//! Daily review over HTTP on both databases, travelling in time with the
//! server's clock: quiz answers become cards, cards come due, wrong answers
//! lower mastery and right ones restore it; the daily cap; isolation.

use reqwest::StatusCode;
use serde_json::{Value, json};
use time::Duration;

use crate::helpers::{Session, TestApp, error_of};
use crate::learning::course;
use crate::on_both_databases;

async fn quiz(app: &TestApp, learner: &Session, module: &str, answers: Value) {
    let started: Value = learner
        .post_json(
            app,
            &format!("/api/v1/modules/{module}/attempts"),
            &json!({}),
        )
        .await
        .json()
        .await
        .unwrap();
    let id = started["attempt_id"].as_str().unwrap();
    let done = learner
        .put_json(
            app,
            &format!("/api/v1/attempts/{id}"),
            &json!({"answers": answers}),
        )
        .await;
    assert_eq!(done.status(), StatusCode::OK);
}

async fn discovery(app: &TestApp, learner: &Session) -> Value {
    let (_, profile) = learner.get_json(app, "/api/v1/me/competencies").await;
    profile["competencies"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["id"] == "discovery").cloned())
        .unwrap()
}

async fn answer(app: &TestApp, learner: &Session, card: &Value, right: bool) -> Value {
    let question = card["question"]["id"].as_str().unwrap();
    let value = match (question, right) {
        ("first-question", true) => json!([1]),
        ("first-question", false) => json!([0]),
        ("open-questions", true) => json!([0, 1]),
        ("open-questions", false) => json!([2]),
        (other, _) => panic!("unexpected question {other}"),
    };
    let response = learner
        .post_json(
            app,
            &format!("/api/v1/me/reviews/{}", card["card_id"].as_str().unwrap()),
            &json!({"answers": {question: value}}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

on_both_databases! {
    content = course;

    async fn forgetting_lowers_mastery_and_reviewing_restores_it(app) {
        app.create_learner("lea@example.com", "Lea", "new-hire").await;
        let lea = app.login("lea@example.com").await;
        quiz(&app, &lea, "discovery-basics", json!({"first-question": [1], "open-questions": [0, 1]})).await;
        assert_eq!(discovery(&app, &lea).await["level"], 1);

        let (_, all) = lea.get_json(&app, "/api/v1/me/reviews?scope=all").await;
        let all = all.as_array().unwrap();
        assert_eq!(all.len(), 2, "one card per question answered: {all:?}");
        for card in all {
            assert_eq!(card["last_rating"], "good");
            assert!(card["stability"].as_f64().unwrap() > 0.0 && card["difficulty"].as_f64().unwrap() > 0.0);
            assert!((card["retrievability"].as_f64().unwrap() - 1.0).abs() < 1e-6);
        }
        let (_, today) = lea.get_json(&app, "/api/v1/me/reviews").await;
        assert_eq!(today["due_now"], 0, "nothing due right after the quiz");
        assert!(today["next_due_at"].is_string());

        // Three days on, both are due; answering them wrong lowers mastery.
        app.clock.advance(Duration::days(3));
        let (_, due) = lea.get_json(&app, "/api/v1/me/reviews").await;
        assert_eq!(due["due_now"], 2, "{due}");
        let cards = due["cards"].as_array().unwrap().clone();
        for card in &cards {
            assert!(!card["question"]["prompt_html"].as_str().unwrap().is_empty());
            let outcome = answer(&app, &lea, card, false).await;
            assert_eq!(outcome["rating"], "again");
            assert_eq!(outcome["result"]["correct"], false);
            assert!(outcome["result"]["explanation_html"].as_str().is_some_and(|e| !e.is_empty()), "the quiz explanation follows a wrong answer: {outcome}");
            assert!(!outcome["result"]["right_answer"]["options"].as_array().unwrap().is_empty(), "and the right answer");
        }
        let forgot = discovery(&app, &lea).await;
        assert_eq!(forgot["level"], 0, "{forgot}");
        assert_eq!(forgot["mastery"]["1"], 0.0);
        assert_eq!(app.count("evidence", "source = 'review'").await, 2);

        // A card answered wrong comes back soon; answered right it restores mastery.
        app.clock.advance(Duration::days(2));
        let (_, again) = lea.get_json(&app, "/api/v1/me/reviews").await;
        assert_eq!(again["due_now"], 2, "{again}");
        for card in again["cards"].as_array().unwrap() {
            let outcome = answer(&app, &lea, card, true).await;
            assert_eq!(outcome["rating"], "good");
            assert!(outcome["interval_days"].as_i64().unwrap() >= 1);
        }
        let restored = discovery(&app, &lea).await;
        assert_eq!(restored["level"], 1, "{restored}");
        assert_eq!(restored["mastery"]["1"], 1.0);
        let sources: Vec<&str> = restored["evidence"].as_array().unwrap().iter().map(|e| e["source"].as_str().unwrap()).collect();
        assert!(sources.iter().all(|s| *s == "review" || *s == "completion"), "review results supersede the quiz's: {sources:?}");

        // A card not due yet, a malformed answer, another learner's card.
        let (_, all) = lea.get_json(&app, "/api/v1/me/reviews?scope=all").await;
        let card = all[0]["card_id"].as_str().unwrap().to_owned();
        let early = lea.post_json(&app, &format!("/api/v1/me/reviews/{card}"), &json!({"answers": {"first-question": [1]}})).await;
        assert_eq!(error_of(early).await.0, StatusCode::CONFLICT);
        app.create_learner("max@example.com", "Max", "new-hire").await;
        let max = app.login("max@example.com").await;
        let theirs = max.post_json(&app, &format!("/api/v1/me/reviews/{card}"), &json!({"answers": {"first-question": [1]}})).await;
        assert_eq!(error_of(theirs).await.0, StatusCode::NOT_FOUND);
        let (_, max_cards) = max.get_json(&app, "/api/v1/me/reviews?scope=all").await;
        assert_eq!(max_cards, json!([]));
        let (status, _) = lea.get_json(&app, "/api/v1/me/reviews?scope=everything").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        app.clock.advance(Duration::days(60));
        let (status, _, message) = error_of(lea.post_json(&app, &format!("/api/v1/me/reviews/{card}"), &json!({"answers": {"first-question": "x"}})).await).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{message}");
    }

    async fn overdue_cards_weaken_their_evidence(app) {
        app.create_learner("lea@example.com", "Lea", "new-hire").await;
        let lea = app.login("lea@example.com").await;
        quiz(&app, &lea, "discovery-basics", json!({"first-question": [1], "open-questions": [0, 1]})).await;
        let fresh = discovery(&app, &lea).await;
        assert_eq!(fresh["mastery"]["1"], 1.0);
        // Both cards are due in 2 days; 60 days later they are far more than
        // one interval overdue, so their results count at their retrievability.
        app.clock.advance(Duration::days(60));
        let faded = discovery(&app, &lea).await;
        let mastery = faded["mastery"]["1"].as_f64().unwrap();
        assert!(mastery < 0.8 && mastery > 0.0, "{faded}");
        assert_eq!(faded["level"], 0, "a forgotten skill loses its level");
        let (_, all) = lea.get_json(&app, "/api/v1/me/reviews?scope=all").await;
        let r = all[0]["retrievability"].as_f64().unwrap();
        assert!((r - mastery).abs() < 1e-6, "mastery is the retrievability of both cards: {r} vs {mastery}");

        // Her manager sees "knew it, forgetting it" in the drill-down.
        app.create_user("max@example.com", "Max", &["manager"]).await;
        let team_id = app.create_team("North", "max@example.com", &["lea@example.com"]).await;
        let max = app.login("max@example.com").await;
        let (_, heatmap) = max.get_json(&app, &format!("/api/v1/teams/{team_id}/heatmap")).await;
        let lea_id = heatmap["members"][0]["id"].as_str().unwrap();
        let (_, drill) = max.get_json(&app, &format!("/api/v1/teams/{team_id}/members/{lea_id}/competencies/discovery")).await;
        assert_eq!(drill["review"]["cards"], 2, "{drill}");
        assert_eq!(drill["review"]["due"], 2);
        assert_eq!(drill["review"]["due_share"], 1.0);
        assert!((drill["review"]["average_retrievability"].as_f64().unwrap() - r).abs() < 1e-6);
    }
}

on_both_databases! {
    content = course;
    settings = |settings| settings.daily_review_cap = 3;

    async fn the_daily_cap_limits_a_session_and_mixes_modules(app) {
        daily_cap_and_mixing(app).await;
    }
}

async fn daily_cap_and_mixing(app: TestApp) {
    app.create_learner("lea@example.com", "Lea", "new-hire")
        .await;
    let lea = app.login("lea@example.com").await;
    quiz(
        &app,
        &lea,
        "discovery-basics",
        json!({"first-question": [0], "open-questions": [2]}),
    )
    .await;
    quiz(
        &app,
        &lea,
        "closing-the-deal",
        json!({"vdt": "no idea", "ask-decision": [1]}),
    )
    .await;
    app.clock.advance(Duration::days(2));
    let (_, due) = lea.get_json(&app, "/api/v1/me/reviews").await;
    assert_eq!(due["due_now"], 4, "{due}");
    assert_eq!(due["daily_cap"], 3);
    let cards = due["cards"].as_array().unwrap();
    assert_eq!(cards.len(), 3, "the cap");
    assert_ne!(
        cards[0]["module_id"], cards[1]["module_id"],
        "mixed across modules: {cards:?}"
    );
    // One answered: two left today, whatever is due.
    let first = &cards[0];
    let module = first["module_id"].as_str().unwrap();
    let question = first["question"]["id"].as_str().unwrap();
    let value = match question {
        "first-question" => json!([1]),
        "open-questions" => json!([0, 1]),
        "vdt" => json!("VDT"),
        _ => json!([0]),
    };
    let outcome: Value = lea
        .post_json(
            &app,
            &format!("/api/v1/me/reviews/{}", first["card_id"].as_str().unwrap()),
            &json!({"answers": {question: value}}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(outcome["rating"], "good", "{module}/{question}: {outcome}");
    let (_, after) = lea.get_json(&app, "/api/v1/me/reviews").await;
    assert_eq!(after["reviewed_today"], 1);
    assert_eq!(after["cards"].as_array().unwrap().len(), 2);
}

/// Lea's cell for `discovery` on her team's heatmap, as her manager sees it.
async fn discovery_cell(app: &TestApp, manager: &Session, team_id: &str) -> Value {
    let (_, heatmap) = manager
        .get_json(app, &format!("/api/v1/teams/{team_id}/heatmap"))
        .await;
    heatmap["members"][0]["cells"]
        .as_array()
        .and_then(|cells| {
            cells
                .iter()
                .find(|c| c["competency"] == "discovery")
                .cloned()
        })
        .unwrap()
}

on_both_databases! {
    content = course;
    settings = |settings| settings.fading_refresh = std::time::Duration::from_millis(200);

    async fn the_heatmap_shows_a_fading_skill_without_new_evidence(app) {
        app.create_learner("lea@example.com", "Lea", "new-hire").await;
        app.create_user("max@example.com", "Max", &["manager"]).await;
        let team_id = app.create_team("North", "max@example.com", &["lea@example.com"]).await;
        let lea = app.login("lea@example.com").await;
        quiz(&app, &lea, "discovery-basics", json!({"first-question": [1], "open-questions": [0, 1]})).await;
        let max = app.login("max@example.com").await;
        let fresh = discovery_cell(&app, &max, &team_id).await;
        assert_eq!(fresh["level"], 1, "{fresh}");
        let evidence_before = app.count("evidence", "1 = 1").await;

        // Sixty days pass and nobody does anything: no evidence arrives, yet
        // the background refresh brings the stored standing down.
        app.clock.advance(Duration::days(60));
        let mut cell = discovery_cell(&app, &max, &team_id).await;
        for _ in 0..100 {
            if cell["level"] == 0 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            cell = discovery_cell(&app, &max, &team_id).await;
        }
        assert_eq!(cell["level"], 0, "the heatmap shows the skill fading: {cell}");
        assert_eq!(app.count("evidence", "1 = 1").await, evidence_before, "no new evidence");
        let stored = cell["next_mastery"].as_f64().unwrap();
        let model = discovery(&app, &lea).await["mastery"]["1"].as_f64().unwrap();
        assert!(stored > 0.0 && stored < 0.8, "{cell}");
        assert!((stored - model).abs() < 1e-3, "stored {stored} agrees with the model {model}");
    }
}

on_both_databases! {
    content = course;

    // Prints the table in the closing note of the daily-review issue:
    // `cargo test --test api one_learners_mastery_over_simulated_weeks::sqlite -- --nocapture`
    async fn one_learners_mastery_over_simulated_weeks(app) {
        // Lea passes the quiz on day 0 and reviews whatever is due in her
        // first week. Then she stops until day 50, when she forgets one
        // card, and reviews every day from then on, answering right.
        app.create_learner("lea@example.com", "Lea", "new-hire").await;
        let lea = app.login("lea@example.com").await;
        quiz(&app, &lea, "discovery-basics", json!({"first-question": [1], "open-questions": [0, 1]})).await;
        let mut rows = vec!["| week | day | reviews that week (kept/forgotten) | cards due | mean retrievability | L1 mastery | level |".to_owned(), "|---|---|---|---|---|---|---|".to_owned()];
        let mut week = Vec::new();
        let (mut kept, mut forgot) = (0, 0);
        for day in 0..=70 {
            if day > 0 {
                app.clock.advance(Duration::days(1));
            }
            if (1..=7).contains(&day) || day >= 50 {
                let (_, due) = lea.get_json(&app, "/api/v1/me/reviews").await;
                for card in due["cards"].as_array().unwrap() {
                    let right = !(day == 50 && card["question"]["id"] == "first-question");
                    let outcome = answer(&app, &lea, card, right).await;
                    if right { kept += 1 } else { forgot += 1 }
                    assert_eq!(outcome["rating"], if right { "good" } else { "again" });
                }
            }
            if day % 7 != 0 {
                continue;
            }
            let (_, all) = lea.get_json(&app, "/api/v1/me/reviews").await;
            let (_, cards) = lea.get_json(&app, "/api/v1/me/reviews?scope=all").await;
            let cards = cards.as_array().unwrap();
            let mean_r = cards.iter().map(|c| c["retrievability"].as_f64().unwrap()).sum::<f64>() / cards.len() as f64;
            let profile = discovery(&app, &lea).await;
            let mastery = profile["mastery"]["1"].as_f64().unwrap();
            let level = profile["level"].as_u64().unwrap();
            rows.push(format!("| {} | {day} | {kept}/{forgot} | {} | {mean_r:.2} | {mastery:.2} | {level} |", day / 7, all["due_now"]));
            week.push((mastery, level));
            (kept, forgot) = (0, 0);
        }
        println!("{}", rows.join("\n"));

        // Kept while reviewed, fading once overdue by more than an interval,
        // back to full after the learner returns.
        for (w, (mastery, level)) in week.iter().enumerate() {
            match w {
                0..=3 => assert_eq!((*mastery, *level), (1.0, 1), "week {w}\n{}", rows.join("\n")),
                4..=7 => assert!(*mastery < 1.0, "week {w} fades\n{}", rows.join("\n")),
                _ => assert_eq!((*mastery, *level), (1.0, 1), "week {w} restored\n{}", rows.join("\n")),
            }
        }
        assert!(week[4].0 > week[5].0 && week[5].0 > week[6].0 && week[6].0 > week[7].0, "fading deepens\n{}", rows.join("\n"));
        assert_eq!(week[7].1, 0, "a skill left for seven weeks loses its level\n{}", rows.join("\n"));
    }
}
