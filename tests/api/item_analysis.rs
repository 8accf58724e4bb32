//! Item analysis and course feedback over HTTP on both databases, on a known
//! set of first attempts whose figures are worked out by hand below.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Session, TestApp, error_of, play_price_pushback};
use crate::learning::course;
use crate::on_both_databases;

async fn answer(app: &TestApp, learner: &Session, answers: Value) {
    let started: Value = learner
        .post_json(app, "/api/v1/modules/discovery-basics/attempts", &json!({}))
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

fn near(value: &Value, expected: f64) -> bool {
    value.as_f64().is_some_and(|v| (v - expected).abs() < 1e-9)
}

on_both_databases! {
    content = course;

    async fn item_figures_match_a_hand_computed_set_of_first_attempts(app) {
        // first-question (single, right = option 1) and open-questions
        // (multiple, right = options 0 and 1, no partial credit):
        //   learner  first-question      open-questions
        //   1        [1] right  x=1      [0,1] right y=1
        //   2        [1] right  x=1      [0]   wrong y=0
        //   3        [0] wrong  x=0      [0,1] right y=1
        //   4        [2] wrong  x=0      [0,2] wrong y=0
        //   5        [1] right  x=1      [0,1] right y=1
        // Facility 3/5 = 0.6 for both. The rest score of each question is
        // the other one's score, so with means 0.6 the deviations are
        // x: .4 .4 -.6 -.6 .4 and y: .4 -.6 .4 -.6 .4; Sxy = .16-.24-.24+.36+.16
        // = 0.2, Sxx = Syy = 3(.16) + 2(.36) = 1.2, so r = 0.2 / 1.2 = 1/6.
        let sets = [
            json!({"first-question": [1], "open-questions": [0, 1]}),
            json!({"first-question": [1], "open-questions": [0]}),
            json!({"first-question": [0], "open-questions": [0, 1]}),
            json!({"first-question": [2], "open-questions": [0, 2]}),
            json!({"first-question": [1], "open-questions": [0, 1]}),
        ];
        let mut learners = Vec::new();
        for (n, answers) in sets.into_iter().enumerate() {
            let email = format!("l{n}@example.com");
            app.create_learner(&email, &format!("Learner {n}"), "new-hire").await;
            let learner = app.login(&email).await;
            answer(&app, &learner, answers).await;
            learners.push(learner);
        }
        // A second attempt is practice and does not count.
        answer(&app, &learners[1], json!({"first-question": [0], "open-questions": [2]})).await;

        app.create_user("tia@example.com", "Tia Trainer", &["trainer"]).await;
        let tia = app.login("tia@example.com").await;
        let (status, analysis) = tia.get_json(&app, "/api/v1/modules/discovery-basics/analysis").await;
        assert_eq!(status, StatusCode::OK, "{analysis}");
        assert_eq!(analysis["first_attempts"], 5);
        let first = &analysis["questions"][0];
        assert_eq!(first["question_id"], "first-question");
        assert_eq!(first["attempts"], 5);
        assert!(near(&first["facility"], 0.6), "{first}");
        assert!(near(&first["discrimination"], 1.0 / 6.0), "{first}");
        let shares: Vec<f64> = first["options"].as_array().unwrap().iter().map(|o| o["share"].as_f64().unwrap()).collect();
        assert_eq!(shares.len(), 3);
        assert!((shares[0] - 0.2).abs() < 1e-9 && (shares[1] - 0.6).abs() < 1e-9 && (shares[2] - 0.2).abs() < 1e-9, "{shares:?}");
        assert_eq!(first["flags"], json!([]));
        let open = &analysis["questions"][1];
        assert!(near(&open["facility"], 0.6));
        assert!(near(&open["discrimination"], 1.0 / 6.0));
        assert!(near(&open["options"][0]["share"], 1.0));
        assert!(near(&open["options"][2]["share"], 0.2));
        assert_eq!(open["correct_options"], json!([0, 1]));

        let (status, _) = learners[0].get_json(&app, "/api/v1/modules/discovery-basics/analysis").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "learners do not see item analysis");
        let page = tia.client.get(app.url("/trainer/analysis/discovery-basics")).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::OK);
        let html = page.text().await.unwrap();
        assert!(html.contains("<dd class=\"facility\">60%</dd>"), "facility on the page");
        assert!(html.contains("first attempt"), "the page says only first attempts count");
    }

    async fn roleplay_endings_and_course_feedback_are_summed_up(app) {
        app.create_learner("a@example.com", "Ann", "new-hire").await;
        app.create_learner("b@example.com", "Ben", "new-hire").await;
        let ann = app.login("a@example.com").await;
        let ben = app.login("b@example.com").await;
        let won = [json!({"choice": 0}), json!({"choice": 0}), json!({"text": "A pilot at list price?"})];
        let lost = [json!({"choice": 1})];
        play_price_pushback(&app, &ann, &won).await;
        play_price_pushback(&app, &ben, &lost).await;
        play_price_pushback(&app, &ann, &lost).await; // Ann's second run: not counted.

        for (who, body) in [(&ann, json!({"usefulness": 5, "clarity": 4, "comment": "Great examples"})),
                            (&ben, json!({"usefulness": 3, "clarity": 2})),
                            (&ben, json!({"usefulness": 4, "clarity": 2, "comment": "Clearer on a second read"}))] {
            let sent = who.put_json(&app, "/api/v1/modules/handling-objections/feedback", &body).await;
            assert_eq!(sent.status(), StatusCode::OK);
        }
        let (status, _, message) = error_of(ann.put_json(&app, "/api/v1/modules/handling-objections/feedback", &json!({"usefulness": 6, "clarity": 0})).await).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(message.contains("`usefulness` is a rating from 1 to 5; you sent 6") && message.contains("`clarity`"), "{message}");
        let (_, mine) = ben.get_json(&app, "/api/v1/modules/handling-objections/feedback").await;
        assert_eq!(mine["feedback"]["usefulness"], 4, "edited, not added");
        assert_eq!(app.count("module_feedback", "1 = 1").await, 2);

        app.create_user("tia@example.com", "Tia Trainer", &["trainer"]).await;
        let tia = app.login("tia@example.com").await;
        let (_, analysis) = tia.get_json(&app, "/api/v1/modules/handling-objections/analysis").await;
        let roleplay = &analysis["roleplays"][0];
        assert_eq!(roleplay["name"], "price-pushback");
        assert_eq!(roleplay["finished"], 2);
        let ending = |id: &str| roleplay["endings"].as_array().unwrap().iter().find(|e| e["ending"] == id).cloned().unwrap_or_else(|| panic!("{id} in {roleplay}"));
        assert_eq!(ending("won")["reached"], 1);
        assert!(near(&ending("won")["share"], 0.5));
        assert!(near(&ending("won")["average_score"], 1.0));
        assert_eq!(ending("discount")["reached"], 1, "Ben's first run, lost");
        assert_eq!(roleplay["ending_outcomes"]["discount"], "lost");
        assert_eq!(ending("partial")["reached"], 0, "an ending nobody reached is listed");
        let feedback = &analysis["feedback"];
        assert_eq!(feedback["count"], 2);
        assert!(near(&feedback["usefulness"], 4.5));
        assert!(near(&feedback["clarity"], 3.0));
        assert_eq!(feedback["comments"].as_array().unwrap().len(), 2);

        let (_, overview) = tia.get_json(&app, "/api/v1/analysis").await;
        let line = overview.as_array().unwrap().iter().find(|m| m["module_id"] == "handling-objections").unwrap();
        assert_eq!(line["feedback_count"], 2);
        let trainer_page = tia.client.get(app.url("/trainer")).send().await.unwrap().text().await.unwrap();
        assert!(trainer_page.contains("/trainer/analysis/handling-objections"));

        // The module page's form.
        let form = ann.client.post(app.url("/modules/handling-objections/feedback"))
            .form(&[("csrf_token", ann.csrf.as_str()), ("usefulness", "2"), ("clarity", "5"), ("comment", "")])
            .send().await.unwrap();
        assert_eq!(form.headers()["location"].to_str().unwrap(), "/modules/handling-objections?feedback=1#feedback");
        let page = ann.client.get(app.url("/modules/handling-objections?feedback=1")).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("value=\"2\" required checked"), "the saved rating is shown");
    }
}
