//! A manager's and a trainer's tools over HTTP, on SQLite and PostgreSQL:
//! the heatmap following evidence (and agreeing with the model computed
//! from raw evidence), drill-down, isolation between managers, assignments
//! and the overdue list, and rubric reviews becoming evidence.

use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
use serde_json::{Value, json};
use time::{Duration, OffsetDateTime};

use crate::helpers::{ADMIN_EMAIL, Session, TestApp, error_of, pass_discovery, play_with_practice};
use crate::learning::course;
use crate::on_both_databases;

/// Team "North" managed by Max, with learners Lea and Sam (new hires:
/// target 1 in discovery, objection handling and negotiation).
async fn north(app: &TestApp) -> (Session, String, Session, Session) {
    app.create_user("max@example.com", "Max Manager", &["manager"])
        .await;
    app.create_learner("lea@example.com", "Lea Learner", "new-hire")
        .await;
    app.create_learner("sam@example.com", "Sam Seller", "new-hire")
        .await;
    let team_id = app
        .create_team(
            "North",
            "max@example.com",
            &["lea@example.com", "sam@example.com"],
        )
        .await;
    (
        app.login("max@example.com").await,
        team_id,
        app.login("lea@example.com").await,
        app.login("sam@example.com").await,
    )
}

fn row<'v>(heatmap: &'v Value, email: &str) -> &'v Value {
    heatmap["members"]
        .as_array()
        .and_then(|m| m.iter().find(|r| r["email"] == email))
        .unwrap_or_else(|| panic!("{email} in {heatmap}"))
}

fn cell<'v>(row: &'v Value, competency: &str) -> &'v Value {
    row["cells"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["competency"] == competency))
        .unwrap_or_else(|| panic!("{competency} in {row}"))
}

on_both_databases! {
    content = course;

    async fn heatmap_cells_follow_evidence_and_agree_with_the_model(app) {
        let (max, team_id, lea, _sam) = north(&app).await;
        let path = format!("/api/v1/teams/{team_id}/heatmap");
        let (status, before) = max.get_json(&app, &path).await;
        assert_eq!(status, StatusCode::OK, "{before}");
        assert_eq!(before["team"], "North");
        assert_eq!(before["competencies"], json!(["discovery", "objection-handling", "negotiation"]));
        let lea_before = cell(row(&before, "lea@example.com"), "discovery");
        assert_eq!((lea_before["level"].as_u64(), lea_before["target"].as_u64(), lea_before["gap"].as_u64()), (Some(0), Some(1), Some(1)));

        let attempt = pass_discovery(&app, &lea).await;
        let (_, after) = max.get_json(&app, &path).await;
        let lea_row = row(&after, "lea@example.com");
        let discovery = cell(lea_row, "discovery");
        assert_eq!((discovery["level"].as_u64(), discovery["gap"].as_u64()), (Some(1), Some(0)), "{after}");
        assert_eq!(lea_row["total_gap"], 2);
        assert_eq!(row(&after, "sam@example.com")["total_gap"], 3);
        let summary = &after["summary"][0];
        assert_eq!(summary["competency"], "discovery");
        assert_eq!(summary["average_level"], 0.5);
        assert_eq!(summary["share_at_target"], 0.5);

        // The stored standings say what the model says from the raw evidence.
        let (_, profile) = lea.get_json(&app, "/api/v1/me/competencies").await;
        for competency in profile["competencies"].as_array().unwrap() {
            let id = competency["id"].as_str().unwrap();
            assert_eq!(cell(lea_row, id)["level"], competency["level"], "{id}");
            assert_eq!(cell(lea_row, id)["gap"], competency["gap"], "{id}");
        }

        // Sorting: by total gap puts Sam first; by name, Lea.
        let (_, by_gap) = max.get_json(&app, &format!("{path}?sort=gap")).await;
        assert_eq!(by_gap["members"][0]["email"], "sam@example.com");
        let (_, by_name) = max.get_json(&app, &format!("{path}?sort=name")).await;
        assert_eq!(by_name["members"][0]["email"], "lea@example.com");
        let (_, by_column) = max.get_json(&app, &format!("{path}?sort=discovery")).await;
        assert_eq!(by_column["members"][0]["email"], "sam@example.com");
        let (_, columns) = max.get_json(&app, &format!("{path}?columns=gap")).await;
        assert_eq!(columns["competencies"][2], "discovery", "the smallest team gap last: {columns}");
        assert_eq!(columns["members"][0]["cells"][2]["competency"], "discovery");

        // Drill-down: the evidence behind Lea's level links to the attempt.
        let lea_id = lea_row["id"].as_str().unwrap();
        let (status, drill) = max.get_json(&app, &format!("/api/v1/teams/{team_id}/members/{lea_id}/competencies/discovery")).await;
        assert_eq!(status, StatusCode::OK, "{drill}");
        assert_eq!(drill["level"], 1);
        assert_eq!(drill["mastery"]["1"], 1.0);
        let evidence = drill["evidence"].as_array().unwrap();
        assert!(evidence.iter().any(|e| e["source"] == "quiz" && e["link"] == format!("/attempts/{attempt}")), "{drill}");
        assert!(!evidence.iter().any(|e| e["source"] == "completion"), "no lesson read yet");
        // Sam's objection handling: the next module is handling-objections.
        let sam_id = row(&after, "sam@example.com")["id"].as_str().unwrap();
        let (_, gap) = max.get_json(&app, &format!("/api/v1/teams/{team_id}/members/{sam_id}/competencies/objection-handling")).await;
        assert_eq!(gap["gap"], 1);
        assert_eq!(gap["modules"][0]["module_id"], "handling-objections", "{gap}");
        assert_eq!(gap["modules"][0]["done"], false);
        let (status, _) = max.get_json(&app, &format!("/api/v1/teams/{team_id}/members/{sam_id}/competencies/no-such")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        // The page shows the same cells, as text as well as colour.
        let page = max.client.get(app.url(&format!("/teams/{team_id}"))).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::OK);
        let html = page.text().await.unwrap();
        assert!(html.contains("class=\"cell gap-0\" data-competency=\"discovery\""), "Lea's discovery cell");
        assert!(html.contains("Lea Learner, Needs discovery and questioning: Level 1, Target 1"), "cell label for screen readers");
        let cell_page = max.client.get(app.url(&format!("/teams/{team_id}/members/{sam_id}/competencies/objection-handling"))).send().await.unwrap();
        assert_eq!(cell_page.status(), StatusCode::OK);
        assert!(cell_page.text().await.unwrap().contains("data-assign=\"handling-objections\""));
    }

    async fn managers_see_only_their_own_teams(app) {
        let (max, team_id, lea, _sam) = north(&app).await;
        app.create_user("olga@example.com", "Olga Other", &["manager"]).await;
        let admin = app.login(ADMIN_EMAIL).await;
        let other_id = app.create_team("South", "olga@example.com", &[]).await;
        let olga = app.login("olga@example.com").await;

        let (_, mine) = max.get_json(&app, "/api/v1/teams").await;
        assert_eq!(mine.as_array().unwrap().len(), 1);
        assert_eq!(mine[0]["name"], "North");
        let (_, all) = admin.get_json(&app, "/api/v1/teams").await;
        assert_eq!(all.as_array().unwrap().len(), 2);

        let (_, heatmap) = max.get_json(&app, &format!("/api/v1/teams/{team_id}/heatmap")).await;
        let lea_id = row(&heatmap, "lea@example.com")["id"].as_str().unwrap().to_owned();
        for path in [
            format!("/api/v1/teams/{team_id}/heatmap"),
            format!("/api/v1/teams/{team_id}/assignments"),
            format!("/api/v1/teams/{team_id}/members/{lea_id}/competencies/discovery"),
        ] {
            let (status, body) = olga.get_json(&app, &path).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "another manager: {path}: {body}");
            let (status, _) = lea.get_json(&app, &path).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "a learner: {path}");
            let (status, _) = admin.get_json(&app, &path).await;
            assert_eq!(status, StatusCode::OK, "an administrator: {path}");
        }
        // Max's own team id with a member of another team, and a made-up team.
        let (status, _) = max.get_json(&app, &format!("/api/v1/teams/{other_id}/heatmap")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let assign = olga.post_json(&app, &format!("/api/v1/teams/{team_id}/assignments"), &json!({"module_id": "discovery-basics", "due": "2099-01-01"})).await;
        assert_eq!(assign.status(), StatusCode::NOT_FOUND);
        let page = olga.client.get(app.url(&format!("/teams/{team_id}"))).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::NOT_FOUND);
    }

    async fn assignments_are_listed_overdue_and_completed_by_the_module(app) {
        let (max, team_id, lea, sam) = north(&app).await;
        let assignments = format!("/api/v1/teams/{team_id}/assignments");
        let due = (OffsetDateTime::now_utc() + Duration::days(7)).date().to_string();

        // Whole team, then again with a later date: the due date moves.
        let created = max.post_json(&app, &assignments, &json!({"module_id": "discovery-basics", "due": due})).await;
        assert_eq!(created.status(), StatusCode::CREATED);
        let outcome: Value = created.json().await.unwrap();
        assert_eq!(outcome["created"].as_array().unwrap().len(), 2, "{outcome}");
        let later = (OffsetDateTime::now_utc() + Duration::days(10)).date().to_string();
        let again: Value = max.post_json(&app, &assignments, &json!({"module_id": "discovery-basics", "due": later, "members": ["lea@example.com"]})).await.json().await.unwrap();
        assert_eq!(again["created"].as_array().unwrap().len(), 0);
        assert_eq!(again["rescheduled"].as_array().unwrap().len(), 1);
        assert!(again["rescheduled"][0]["due_at"].as_str().unwrap().starts_with(&later));
        assert_eq!(app.count("assignments", "completed_at IS NULL").await, 2);

        // A whole path to Sam: one assignment per module of the path.
        let path: Value = max.post_json(&app, &assignments, &json!({"path_id": "onboarding", "due": due, "members": ["sam@example.com"]})).await.json().await.unwrap();
        assert_eq!(path["created"].as_array().unwrap().len(), 2, "discovery-basics was open already: {path}");
        assert_eq!(path["rescheduled"].as_array().unwrap().len(), 1);

        // Bad requests say what to fix.
        for (body, expected) in [
            (json!({"module_id": "nope", "due": due}), "no module `nope`"),
            (json!({"module_id": "discovery-basics", "due": "2020-01-01"}), "in the past"),
            (json!({"module_id": "discovery-basics", "due": "soon"}), "YYYY-MM-DD"),
            (json!({"module_id": "discovery-basics", "path_id": "onboarding", "due": due}), "exactly one"),
            (json!({"module_id": "discovery-basics", "due": due, "members": ["olga@example.com"]}), "not a member"),
        ] {
            let (status, _, message) = error_of(max.post_json(&app, &assignments, &body).await).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
            assert!(message.contains(expected), "{body}: {message}");
        }

        // The learner sees it on the dashboard.
        let dashboard = lea.client.get(app.url("/")).send().await.unwrap().text().await.unwrap();
        let (_, section) = dashboard.split_once("id=\"assignments\"").expect("the assignments section");
        let section = section.split("</section>").next().unwrap();
        assert!(section.contains("/modules/discovery-basics") && section.contains(&later), "assignment with its due date on the dashboard: {section}");

        // Make Sam's discovery assignment three days late.
        let db = app.db().await;
        use salesdojo::store::entities::{assignment, user};
        let sam_id = user::Entity::find().filter(user::Column::Email.eq("sam@example.com")).one(&db).await.unwrap().unwrap().id;
        let late = salesdojo::store::now() - Duration::days(3) - Duration::hours(1);
        assignment::Entity::update_many()
            .col_expr(assignment::Column::DueAt, Expr::value(late))
            .filter(assignment::Column::UserId.eq(sam_id))
            .filter(assignment::Column::ModuleId.eq("discovery-basics"))
            .exec(&db)
            .await
            .unwrap();
        let (_, overdue) = max.get_json(&app, &format!("{assignments}?status=overdue")).await;
        let overdue = overdue.as_array().unwrap();
        assert_eq!(overdue.len(), 1, "{overdue:?}");
        assert_eq!(overdue[0]["member_email"], "sam@example.com");
        assert_eq!(overdue[0]["module_id"], "discovery-basics");
        assert_eq!(overdue[0]["days_late"], 3);
        let page = max.client.get(app.url(&format!("/teams/{team_id}"))).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("3 days"), "the overdue list on the team page");

        // Reading the lesson alone does not complete it; passing the quiz does.
        sam.post_json(&app, "/api/v1/modules/discovery-basics/complete", &json!({})).await;
        let (_, still) = max.get_json(&app, &format!("{assignments}?status=overdue")).await;
        assert_eq!(still.as_array().unwrap().len(), 1);
        pass_discovery(&app, &sam).await;
        let (_, none) = max.get_json(&app, &format!("{assignments}?status=overdue")).await;
        assert_eq!(none, json!([]));
        let (_, completed) = max.get_json(&app, &format!("{assignments}?status=completed")).await;
        assert_eq!(completed.as_array().unwrap().len(), 1);
        assert_eq!(completed[0]["member_email"], "sam@example.com");

        // Assigning a module someone has done reports it instead.
        let done: Value = max.post_json(&app, &assignments, &json!({"module_id": "discovery-basics", "due": due, "members": ["sam@example.com"]})).await.json().await.unwrap();
        assert_eq!(done["already_done"][0]["member_email"], "sam@example.com");
        assert_eq!(done["created"], json!([]));

        // The page form assigns too (members by id; none ticked = whole team).
        let form = max.client.post(app.url(&format!("/teams/{team_id}/assignments")))
            .form(&[("csrf_token", max.csrf.as_str()), ("what", "module:closing-the-deal"), ("due", due.as_str()), ("back", &format!("/teams/{team_id}"))])
            .send().await.unwrap();
        assert_eq!(form.status(), StatusCode::SEE_OTHER);
        let location = form.headers()["location"].to_str().unwrap().to_owned();
        assert!(location.contains("assigned=1&rescheduled=1"), "Sam has it from the path already: {location}");
        assert_eq!(app.count("assignments", "module_id = 'closing-the-deal'").await, 2);
    }

    async fn practice_answers_are_scored_by_rubric_into_evidence(app) {
        let (max, _team_id, lea, _sam) = north(&app).await;
        app.create_user("tia@example.com", "Tia Trainer", &["trainer"]).await;
        app.create_user("olga@example.com", "Olga Other", &["manager"]).await;
        let tia = app.login("tia@example.com").await;
        let olga = app.login("olga@example.com").await;
        let run_id = play_with_practice(&app, &lea, "Shall we start with a pilot at list price?").await;

        let (status, queue) = max.get_json(&app, "/api/v1/reviews").await;
        assert_eq!(status, StatusCode::OK);
        let queue = queue.as_array().unwrap().clone();
        assert_eq!(queue.len(), 1, "{queue:?}");
        let item = &queue[0];
        assert_eq!(item["learner"]["email"], "lea@example.com");
        assert_eq!(item["text"], "Shall we start with a pilot at list price?");
        assert_eq!(item["run_id"], run_id.as_str());
        assert_eq!(item["rubric"].as_array().unwrap().len(), 2);
        assert_eq!(item["rubric"][0]["points"], 3);
        assert!(!item["scene_html"].as_str().unwrap().is_empty());
        let id = item["id"].as_str().unwrap().to_owned();
        let (_, trainer_queue) = tia.get_json(&app, "/api/v1/reviews").await;
        assert_eq!(trainer_queue.as_array().unwrap().len(), 1, "trainers see every learner's");
        let (_, other_queue) = olga.get_json(&app, "/api/v1/reviews").await;
        assert_eq!(other_queue, json!([]), "another team's manager sees none");
        let (status, _) = olga.get_json(&app, &format!("/api/v1/reviews/{id}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = lea.get_json(&app, "/api/v1/reviews").await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        let url = format!("/api/v1/reviews/{id}");
        for (scores, expected) in [
            (json!([4, 1]), "criterion 1 “Acknowledges the concern before answering” takes 0 to 3 points; you sent 4"),
            (json!([1, -1]), "criterion 2"),
            (json!([1]), "send 2 scores"),
        ] {
            let (status, _, message) = error_of(max.put_json(&app, &url, &json!({"scores": scores})).await).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(message.contains(expected), "{scores}: {message}");
        }
        assert_eq!(app.count("evidence", "source = 'rubric'").await, 0, "nothing stored from a refused review");

        let scored = max.put_json(&app, &url, &json!({"scores": [3, 1], "comment": "Good acknowledgement; name a date for the pilot."})).await;
        assert_eq!(scored.status(), StatusCode::OK);
        let scored: Value = scored.json().await.unwrap();
        assert_eq!(scored["review"]["total"], 4.0);
        assert_eq!(scored["review"]["max"], 5);
        assert_eq!(scored["review"]["reviewer"], "Max Manager");
        assert_eq!(app.count("evidence", "source = 'rubric' AND score = 1.0").await, 1);
        assert_eq!(app.count("evidence", "source = 'rubric' AND score = 0.5").await, 1);

        // The learner sees the review as evidence and on the run's page.
        let (_, profile) = lea.get_json(&app, "/api/v1/me/competencies").await;
        let negotiation = profile["competencies"].as_array().unwrap().iter().find(|c| c["id"] == "negotiation").unwrap();
        assert!(negotiation["evidence"].as_array().unwrap().iter().any(|e| e["source"] == "rubric" && e["score"] == 0.5), "{negotiation}");
        let run_page = lea.client.get(app.url(&format!("/modules/handling-objections/roleplays/price-pushback?run={run_id}"))).send().await.unwrap().text().await.unwrap();
        assert!(run_page.contains("name a date for the pilot"), "the comment on the run page");
        let profile_page = lea.client.get(app.url("/profile")).send().await.unwrap().text().await.unwrap();
        assert!(profile_page.contains("name a date for the pilot"), "the comment on the profile");

        // A second review supersedes; the first is kept as history.
        let rescored: Value = tia.put_json(&app, &url, &json!({"scores": [2, 2], "comment": ""})).await.json().await.unwrap();
        assert_eq!(rescored["review"]["scores"], json!([2.0, 2.0]));
        assert_eq!(rescored["history"].as_array().unwrap().len(), 1);
        assert_eq!(rescored["history"][0]["total"], 4.0);
        assert_eq!(app.count("rubric_reviews", "1 = 1").await, 2);
        let (_, profile) = lea.get_json(&app, "/api/v1/me/competencies").await;
        let negotiation = profile["competencies"].as_array().unwrap().iter().find(|c| c["id"] == "negotiation").unwrap();
        let rubric: Vec<&Value> = negotiation["evidence"].as_array().unwrap().iter().filter(|e| e["source"] == "rubric").collect();
        assert_eq!(rubric.len(), 1, "one current row per criterion");
        assert_eq!(rubric[0]["score"], 1.0);

        let (_, pending) = max.get_json(&app, "/api/v1/reviews").await;
        assert_eq!(pending, json!([]));
        let (_, reviewed) = max.get_json(&app, "/api/v1/reviews?status=reviewed").await;
        assert_eq!(reviewed.as_array().unwrap().len(), 1);

        // The page form scores too.
        let form = tia.client.post(app.url(&format!("/trainer/reviews/{id}")))
            .form(&[("csrf_token", tia.csrf.as_str()), ("score-0", "9"), ("score-1", "1")])
            .send().await.unwrap();
        let location = form.headers()["location"].to_str().unwrap().to_owned();
        let html = tia.client.get(app.url(&location)).send().await.unwrap().text().await.unwrap();
        assert!(html.contains("takes 0 to 3 points"), "the page names the criterion and range: {location}");
        let form = tia.client.post(app.url(&format!("/trainer/reviews/{id}")))
            .form(&[("csrf_token", tia.csrf.as_str()), ("score-0", "1.5"), ("score-1", "2"), ("comment", "Better.")])
            .send().await.unwrap();
        let location = form.headers()["location"].to_str().unwrap().to_owned();
        assert!(location.ends_with("saved=1"), "{location}");
        assert_eq!(app.count("rubric_reviews", "1 = 1").await, 3);
    }
}

// The standings are recomputed from each learner's current result per
// item (`current_evidence`), kept up to date as evidence arrives. Over
// a random stream of results, some dated earlier than results already
// stored and some unusable, the current rows must stay exactly what the
// model picks from the whole history, and so must the standings.
on_both_databases! {
    async fn current_results_stay_what_the_model_picks_from_the_whole_history(app) {
        use salesdojo::competency::{self, ModelSettings, Source};
        use salesdojo::store::evidence::NewEvidence;
        use salesdojo::store::{current_evidence, evidence, standings, users};
        app.create_learner("rita@example.com", "Rita Random", "new-hire").await;
        let db = salesdojo::store::connect(&app.database_url).await.unwrap();
        let email = salesdojo::domain::Email::parse("rita@example.com").unwrap();
        let rita = users::find_by_email(&db, &email).await.unwrap().unwrap();
        let mut rng = fastrand::Rng::with_seed(42);
        let start = salesdojo::store::now() - Duration::days(200);
        let competencies = ["discovery", "objection-handling"];
        for round in 0..60 {
            let at = start + Duration::days(round * 3 - rng.i64(0..40));
            let rows = (0..rng.usize(1..5))
                .map(|_| {
                    let question = rng.usize(0..6);
                    let family = if rng.bool() { "quiz" } else { "review" };
                    NewEvidence {
                        competency: competencies[rng.usize(0..2)].into(),
                        level: rng.u8(1..4),
                        score: rng.f64(),
                        // One result in ten makes no sense and must be ignored.
                        weight: if rng.usize(0..10) == 0 { 0.0 } else { 1.0 },
                        source: if family == "quiz" { Source::QuizQuestion } else { Source::DailyReview },
                        item: format!("{family}:m/q{question}"),
                        origin: None,
                    }
                })
                .collect();
            evidence::record(&db, rita.id, rows, at).await.unwrap();
        }
        let history = evidence::history(&db, rita.id).await.unwrap();
        let mut expected: Vec<_> = competency::current_evidence(&history).iter().map(|row| row.id).collect();
        let mut stored: Vec<_> = current_evidence::of_learner(&db, rita.id, None)
            .await
            .unwrap()
            .iter()
            .map(|row| row.id)
            .collect();
        expected.sort();
        stored.sort();
        assert!(history.len() > 100 && expected.len() >= 12, "{} rows, {} current", history.len(), expected.len());
        assert_eq!(stored, expected);

        // Refreshed now, the standings equal the model over the whole history.
        let now = salesdojo::store::now();
        let all: std::collections::BTreeSet<String> = competencies.iter().map(|c| c.to_string()).collect();
        standings::refresh(&db, rita.id, &all, now).await.unwrap();
        let model = competency::profile(&history, competencies.map(|c| (c, 0)), now, &ModelSettings::default());
        let mut stored = standings::of_user(&db, rita.id).await.unwrap();
        stored.sort_by(|a, b| a.competency.cmp(&b.competency));
        for (stored, model) in stored.iter().zip(&model) {
            assert_eq!(stored.competency, model.competency);
            assert_eq!(stored.level, model.level, "{}", model.competency);
            assert_eq!(stored.evidence_count, model.evidence_count(), "{}", model.competency);
            assert_eq!(stored.mastery.keys().collect::<Vec<_>>(), model.mastery.keys().collect::<Vec<_>>());
            for (level, value) in &model.mastery {
                assert!((stored.mastery[level] - value).abs() < 1e-9, "{} level {level}", model.competency);
            }
        }
    }
}

// The heatmap reads the team, its members and their standings in one
// snapshot: a member added while it reads is not half in the answer, and on
// PostgreSQL the snapshot refuses writes.
on_both_databases! {
    async fn a_heatmap_snapshot_sees_one_moment(app) {
        use salesdojo::management::team_members;
        use salesdojo::store::entities::{team_member, user};
        use sea_orm::{ActiveModelTrait, Set};

        let (_max, team_id, _lea, _sam) = north(&app).await;
        let team_id: uuid::Uuid = team_id.parse().unwrap();
        app.create_learner("ria@example.com", "Ria Rookie", "new-hire").await;
        let db = app.db().await;
        let other = app.db().await;
        let ria = user::Entity::find().filter(user::Column::Email.eq("ria@example.com")).one(&db).await.unwrap().unwrap().id;

        let snapshot = salesdojo::store::snapshot::begin(&db).await.unwrap();
        assert_eq!(team_members(&snapshot, team_id).await.unwrap().len(), 2);
        // Another connection adds Ria (its own transaction, committed).
        team_member::ActiveModel {
            team_id: Set(team_id),
            user_id: Set(ria),
            is_manager: Set(false),
            added_at: Set(salesdojo::store::now()),
        }
        .insert(&other)
        .await
        .unwrap();
        assert_eq!(team_members(&other, team_id).await.unwrap().len(), 3, "the write is committed");
        assert_eq!(team_members(&snapshot, team_id).await.unwrap().len(), 2, "the snapshot still sees the moment it began");
        if app.backend == crate::helpers::Backend::Postgres {
            let refused = team_member::Entity::delete_many().filter(team_member::Column::UserId.eq(ria)).exec(&snapshot).await;
            assert!(refused.is_err(), "a write inside the read-only snapshot is refused");
        } else {
            snapshot.commit().await.unwrap();
        }
        assert_eq!(team_members(&db, team_id).await.unwrap().len(), 3, "after the snapshot, the new member is read");
    }
}

// A large team's page shows its heatmap a hundred members at a time: the
// team row, the member count and the assign form still cover everyone, and
// the page links keep the chosen sort.
on_both_databases! {
    async fn a_large_team_page_shows_its_members_a_page_at_a_time(app) {
        use salesdojo::store::entities::{team_member, user};
        use sea_orm::{ActiveModelTrait, Set};

        app.create_user("max@example.com", "Max Manager", &["manager"]).await;
        let team_id = app.create_team("Big", "max@example.com", &[]).await;
        let team_uuid: uuid::Uuid = team_id.parse().unwrap();
        let db = salesdojo::store::connect(&app.database_url).await.unwrap();
        let hasher = salesdojo::auth::password::PasswordHasher::new(2).unwrap();
        for n in 0..120 {
            let email = format!("member{n:03}@example.com");
            salesdojo::accounts::create_user(
                &db,
                &hasher,
                salesdojo::accounts::AccountInput {
                    email: &email,
                    name: &format!("Member {n:03}"),
                    roles: &[salesdojo::domain::AccessRole::Learner],
                    job_role: Some("new-hire"),
                    password: crate::helpers::PASSWORD.to_owned(),
                },
            )
            .await
            .unwrap();
            let id = user::Entity::find().filter(user::Column::Email.eq(email.as_str())).one(&db).await.unwrap().unwrap().id;
            team_member::ActiveModel { team_id: Set(team_uuid), user_id: Set(id), is_manager: Set(false), added_at: Set(salesdojo::store::now()) }
                .insert(&db)
                .await
                .unwrap();
        }
        let max = app.login("max@example.com").await;
        let page = |query: &str| {
            let url = app.url(&format!("/teams/{team_id}{query}"));
            let client = max.client.clone();
            async move {
                let response = client.get(url).send().await.unwrap();
                assert_eq!(response.status(), StatusCode::OK);
                response.text().await.unwrap()
            }
        };
        let rows = |html: &str| html.matches("<th scope=\"row\" class=\"member-col\">").count();
        let checkboxes = |html: &str| html.matches("name=\"members\" value=").count();
        let team_row = |html: &str| html.split("<tfoot>").nth(1).and_then(|f| f.split("</tfoot>").next()).unwrap().to_owned();

        let first = page("").await;
        assert_eq!(rows(&first), 100, "a hundred members on the first page");
        assert!(first.contains("Member 000") && !first.contains(">Member 100<br>"), "sorted by name, the first hundred");
        assert!(first.contains("120 members"), "the count covers everyone");
        assert!(first.contains("Members 1–100 of 120"), "says which members it shows");
        assert!(first.contains("&amp;page=2#heatmap\" rel=\"next\""), "links to the next page");
        assert!(!first.contains("rel=\"prev\""), "no previous page before the first");
        assert_eq!(checkboxes(&first), 120, "the assign form lists every member");

        let second = page("?page=2").await;
        assert_eq!(rows(&second), 20);
        assert!(second.contains("Members 101–120 of 120") && second.contains(">Member 119<br>"));
        assert!(second.contains("&amp;page=1#heatmap\" rel=\"prev\"") && !second.contains("rel=\"next\""));
        assert_eq!(checkboxes(&second), 120);
        assert_eq!(team_row(&first), team_row(&second), "the team row is the whole team's on every page");

        // A page past the end shows the last one; the sort stays in the links.
        let past = page("?page=9&sort=gap&columns=gap").await;
        assert_eq!(rows(&past), 20);
        assert!(past.contains("?sort=gap&amp;columns=gap&amp;page=1#heatmap\" rel=\"prev\""), "the links keep the sort");

        // The JSON heatmap is not paged.
        let (status, heatmap) = max.get_json(&app, &format!("/api/v1/teams/{team_id}/heatmap")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(heatmap["members"].as_array().unwrap().len(), 120);
    }
}
