//! What an xAPI export says: every quiz question answered, every attempt,
//! every role-play step and ending, every lesson read, read from the store
//! and turned into statements by `xapi`.

use std::collections::BTreeMap;

use sea_orm::ConnectionTrait;
use time::OffsetDateTime;
use uuid::Uuid;

use super::xapi::{self, InteractionKind, Learner, Record, Statement, XapiSettings};
use crate::content::{Catalog, QuestionKind, RenderedQuestion};
use crate::learning::attempts::StoredQuestion;
use crate::learning::quiz::{Answer, ShownQuestion, right_answer};
use crate::learning::roleplay::Step;
use crate::store::users::User;
use crate::store::{StoreError, attempts, progress, runs};

/// Turns sanitised HTML into plain text for statement names and responses.
pub fn plain(html: &str) -> String {
    let text = ammonia::Builder::empty().clean(html).to_string();
    let decoded = text
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&");
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn interaction(kind: QuestionKind) -> InteractionKind {
    match kind {
        QuestionKind::Single => InteractionKind::Choice,
        QuestionKind::Multiple => InteractionKind::MultipleChoice,
        QuestionKind::Order => InteractionKind::Sequencing,
        QuestionKind::Text => InteractionKind::FillIn,
    }
}

fn pattern(indices: &[usize]) -> String {
    indices
        .iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join("[,]")
}

fn response(answer: Option<&Answer>) -> String {
    match answer {
        Some(Answer::Options(options)) => pattern(options),
        Some(Answer::Text(text)) => text.clone(),
        None => String::new(),
    }
}

fn correct_pattern(question: &RenderedQuestion) -> Option<String> {
    match question.kind {
        QuestionKind::Text => question.accepted.first().cloned(),
        _ => Some(pattern(&right_answer(question))),
    }
}

/// Every record of one learner, at or after `since`, oldest first.
pub async fn records_of(
    db: &impl ConnectionTrait,
    catalog: &Catalog,
    user: &User,
    since: Option<OffsetDateTime>,
) -> Result<Vec<Record>, StoreError> {
    let mut records: Vec<(OffsetDateTime, Record)> = Vec::new();
    for attempt in attempts::submitted_of_user(db, user.id, since).await? {
        let (Some(module), Some(at)) = (catalog.module(&attempt.module_id), attempt.submitted_at)
        else {
            continue;
        };
        let Some(quiz) = &module.quiz else { continue };
        let language = attempt.language.clone();
        let title = module.title.get(&language).clone();
        let shown: Vec<ShownQuestion> =
            serde_json::from_str(&attempt.questions).unwrap_or_default();
        let answers: BTreeMap<String, Answer> = attempt
            .answers
            .as_deref()
            .and_then(|a| serde_json::from_str(a).ok())
            .unwrap_or_default();
        let scores: BTreeMap<String, f64> = attempt
            .result
            .as_deref()
            .and_then(|r| serde_json::from_str::<Vec<StoredQuestion>>(r).ok())
            .unwrap_or_default()
            .into_iter()
            .map(|s| (s.id, s.score))
            .collect();
        let bank = quiz.questions.get(&language);
        for (index, question) in shown.iter().enumerate() {
            let Some(rendered) = bank.iter().find(|q| q.id == question.id) else {
                continue;
            };
            records.push((
                at,
                Record::QuestionAnswered {
                    attempt_id: attempt.id,
                    module_id: module.id.clone(),
                    module_title: title.clone(),
                    question_id: question.id.clone(),
                    question_index: index,
                    kind: interaction(rendered.kind),
                    prompt_text: plain(&rendered.prompt_html),
                    response: response(answers.get(&question.id)),
                    correct_pattern: correct_pattern(rendered),
                    score: scores.get(&question.id).copied().unwrap_or(0.0),
                    competency: rendered.competency.clone(),
                    language: language.clone(),
                    at,
                },
            ));
        }
        records.push((
            at,
            Record::AttemptFinished {
                attempt_id: attempt.id,
                module_id: module.id.clone(),
                module_title: title,
                score: attempt.score.unwrap_or(0.0),
                passed: attempt.passed.unwrap_or(false),
                pass_mark_percent: quiz.pass_mark,
                duration_seconds: attempt.duration_seconds.map(i64::from),
                competencies: module.competencies.clone(),
                language,
                at,
            },
        ));
    }

    for run in runs::of_user(db, user.id, since).await? {
        let Some(module) = catalog.module(&run.module_id) else {
            continue;
        };
        let Some(roleplay) = module.roleplays.iter().find(|r| r.name == run.roleplay) else {
            continue;
        };
        let language = run.language.clone();
        let scenes = roleplay.scenes.get(&language);
        let steps: Vec<Step> = serde_json::from_str(&run.steps).unwrap_or_default();
        let mut practice = runs::practice_of_run(db, run.id)
            .await?
            .into_iter()
            .map(|p| (p.text, p.submitted_at));
        let title = roleplay.title.get(&language).clone();
        // Steps carry no time of their own: a practice answer's time where
        // there is one, else the run's start (choices) or end.
        let mut at = run.started_at;
        for (index, step) in steps.iter().enumerate() {
            let scene = scenes.iter().find(|s| s.id == step.scene);
            let text = match step.choice {
                Some(choice) => scene
                    .and_then(|s| s.choices.iter().find(|c| c.index == choice))
                    .map(|c| plain(&c.html))
                    .unwrap_or_else(|| choice.to_string()),
                None => match practice.next() {
                    Some((text, written)) => {
                        at = written;
                        text
                    }
                    None => String::new(),
                },
            };
            records.push((
                at,
                Record::RolePlayChoice {
                    run_id: run.id,
                    module_id: module.id.clone(),
                    roleplay: roleplay.name.clone(),
                    roleplay_title: title.clone(),
                    scene_id: step.scene.clone(),
                    scene_title: scene.map_or_else(|| step.scene.clone(), |s| s.title.clone()),
                    step_index: index,
                    response: text,
                    practice: step.choice.is_none(),
                    competencies: roleplay.competencies.clone(),
                    language: language.clone(),
                    at,
                },
            ));
        }
        if let Some(finished) = run.finished_at {
            let score = crate::learning::runs::average_share(run.scores.as_deref());
            records.push((
                finished,
                Record::RolePlayFinished {
                    run_id: run.id,
                    module_id: module.id.clone(),
                    roleplay: roleplay.name.clone(),
                    roleplay_title: title,
                    ending: run.outcome.clone().unwrap_or_else(|| run.scene.clone()),
                    score,
                    competencies: roleplay.competencies.clone(),
                    language,
                    at: finished,
                },
            ));
        }
    }

    let language = user.language.map_or("en", |l| l.tag()).to_owned();
    for (module_id, at) in progress::completions(db, user.id).await? {
        if since.is_some_and(|since| at < since) {
            continue;
        }
        let Some(module) = catalog.module(&module_id) else {
            continue;
        };
        records.push((
            at,
            Record::LessonRead {
                module_id: module.id.clone(),
                module_title: module.title.get(&language).clone(),
                competencies: module.competencies.clone(),
                language: language.clone(),
                at,
            },
        ));
    }
    records.sort_by_key(|(at, _)| *at);
    Ok(records.into_iter().map(|(_, record)| record).collect())
}

/// The statements for these learners, in learner order, each learner's
/// oldest first. `progress` is told after each learner (done, total).
pub async fn statements(
    db: &impl ConnectionTrait,
    catalog: &Catalog,
    settings: &XapiSettings,
    learners: &[User],
    since: Option<OffsetDateTime>,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Vec<Statement>, StoreError> {
    let mut list = Vec::new();
    for (done, user) in learners.iter().enumerate() {
        let learner = Learner {
            email: user.email.clone(),
            name: user.name.clone(),
        };
        for record in records_of(db, catalog, user, since).await? {
            list.extend(xapi::statements(settings, &learner, &record));
        }
        progress(done + 1, learners.len());
    }
    Ok(list)
}

/// Learners an export covers: one user, a team's members, or everyone.
pub async fn learners(
    db: &impl ConnectionTrait,
    team: Option<Uuid>,
    user: Option<Uuid>,
) -> Result<Vec<User>, StoreError> {
    let everyone = crate::store::users::list(db).await?;
    let members: Option<Vec<Uuid>> = match team {
        Some(team) => Some(crate::store::teams::member_ids(db, team).await?),
        None => None,
    };
    Ok(everyone
        .into_iter()
        .filter(|u| user.is_none_or(|id| u.id == id))
        .filter(|u| members.as_ref().is_none_or(|m| m.contains(&u.id)))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_becomes_plain_text() {
        assert_eq!(
            plain("<p>Ask <em>what</em> &amp; why</p>\n<p>x &lt; y</p>"),
            "Ask what & why x < y"
        );
    }

    #[test]
    fn responses_use_the_xapi_pattern() {
        assert_eq!(response(Some(&Answer::Options(vec![1, 3]))), "1[,]3");
        assert_eq!(response(Some(&Answer::Text("FAB".into()))), "FAB");
        assert_eq!(response(None), "");
    }
}
