//! The review queue: practice answers from role-plays with a rubric wait
//! here until a trainer (any learner's) or a manager (their teams' members')
//! scores them. Each criterion's points become evidence for its competency
//! (score = points / max); a later review supersedes, and all are kept.

use std::collections::{BTreeMap, HashMap};

use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, TransactionTrait,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::competency::{Source, item_key};
use crate::content::{Catalog, CatalogModule, CatalogRolePlay, RubricItem};
use crate::domain::AccessRole;
use crate::learning::{LearningError, rfc3339, to_json};
use crate::store::entities::user;
use crate::store::evidence::{self, NewEvidence};
use crate::store::reviews::{self, NewReview, PracticeRow, ReviewRow};
use crate::store::users::User;
use crate::store::{StoreError, now, teams};

/// The longest comment kept, in characters.
pub const MAX_COMMENT_CHARS: usize = 4000;

/// A person, as the queue names them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Person {
    pub id: Uuid,
    pub email: String,
    pub name: String,
}

/// One rubric criterion.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Criterion {
    pub criterion: String,
    pub competency: String,
    /// The most points it can get.
    pub points: i64,
}

/// A review given.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReviewView {
    pub id: Uuid,
    /// Points per criterion, in rubric order.
    pub scores: Vec<f64>,
    /// The rubric as it was when scored.
    pub rubric: Vec<Criterion>,
    pub comment: String,
    pub reviewer: Option<String>,
    pub reviewed_at: String,
    pub total: f64,
    pub max: i64,
    /// `total` as people write it: 4, 4.5.
    pub total_text: String,
    /// `scores` as people write them.
    pub scores_text: Vec<String>,
}

/// Points as people write them: no trailing `.0`.
pub fn points_text(points: f64) -> String {
    if points.fract() == 0.0 && points.abs() < 1e9 {
        format!("{points:.0}")
    } else {
        format!("{points}")
    }
}

/// One practice answer in the queue.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReviewItem {
    /// The practice answer's id: the `{id}` of `PUT /api/v1/reviews/{id}`.
    pub id: Uuid,
    pub learner: Person,
    pub module_id: String,
    pub module_title: String,
    pub roleplay: String,
    pub roleplay_title: String,
    pub scene_id: String,
    pub scene_title: String,
    /// The scene the learner answered, as HTML.
    pub scene_html: String,
    /// What the learner wrote.
    pub text: String,
    pub submitted_at: String,
    pub run_id: Uuid,
    pub rubric: Vec<Criterion>,
    /// The current review, when there is one.
    pub review: Option<ReviewView>,
    /// Earlier reviews, superseded, oldest first (only on a single item).
    pub history: Vec<ReviewView>,
}

/// Which part of the queue to list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum QueueFilter {
    /// Not reviewed yet (the default), oldest first.
    #[default]
    Pending,
    /// Reviewed, most recently reviewed first.
    Reviewed,
    All,
}

fn criteria(rubric: &[RubricItem]) -> Vec<Criterion> {
    rubric
        .iter()
        .map(|r| Criterion {
            criterion: r.criterion.clone(),
            competency: r.competency.clone(),
            points: r.points,
        })
        .collect()
}

fn roleplay_of<'c>(
    catalog: &'c Catalog,
    module: &str,
    name: &str,
) -> Option<(&'c CatalogModule, &'c CatalogRolePlay)> {
    let module = catalog.module(module)?;
    let roleplay = module.roleplays.iter().find(|r| r.name == name)?;
    Some((module, roleplay))
}

/// Whose answers the viewer may review: `None` for everyone's.
async fn reviewable_learners(
    db: &impl ConnectionTrait,
    viewer: &User,
) -> Result<Option<Vec<Uuid>>, StoreError> {
    let roles = &viewer.roles;
    if roles.is_admin() || roles.has(AccessRole::Trainer) {
        return Ok(None);
    }
    if roles.has(AccessRole::Manager) {
        return Ok(Some(teams::members_managed_by(db, viewer.id).await?));
    }
    Ok(Some(Vec::new()))
}

fn review_view(row: &ReviewRow, reviewers: &HashMap<Uuid, String>) -> ReviewView {
    let scores: Vec<f64> = serde_json::from_str(&row.scores).unwrap_or_default();
    let rubric: Vec<Criterion> = serde_json::from_str(&row.rubric).unwrap_or_default();
    let total: f64 = scores.iter().sum();
    ReviewView {
        id: row.id,
        total,
        total_text: points_text(total),
        scores_text: scores.iter().copied().map(points_text).collect(),
        max: rubric.iter().map(|c| c.points).sum(),
        scores,
        rubric,
        comment: row.comment.clone(),
        reviewer: row.reviewer_id.and_then(|id| reviewers.get(&id).cloned()),
        reviewed_at: rfc3339(row.reviewed_at),
    }
}

async fn people(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = Uuid>,
) -> Result<HashMap<Uuid, Person>, StoreError> {
    let mut ids: Vec<Uuid> = ids.into_iter().collect();
    ids.sort_unstable();
    ids.dedup();
    Ok(user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| {
            (
                u.id,
                Person {
                    id: u.id,
                    email: u.email,
                    name: u.name,
                },
            )
        })
        .collect())
}

/// Turns practice rows and their reviews into queue items.
async fn items(
    db: &impl ConnectionTrait,
    catalog: &Catalog,
    answers: Vec<PracticeRow>,
    language: &str,
    with_history: bool,
) -> Result<Vec<ReviewItem>, StoreError> {
    let all_reviews = reviews::reviews_of(db, answers.iter().map(|a| a.id)).await?;
    let who = people(
        db,
        answers
            .iter()
            .map(|a| a.user_id)
            .chain(all_reviews.iter().filter_map(|r| r.reviewer_id)),
    )
    .await?;
    let reviewer_names: HashMap<Uuid, String> =
        who.iter().map(|(id, p)| (*id, p.name.clone())).collect();
    let mut by_answer: BTreeMap<Uuid, Vec<&ReviewRow>> = BTreeMap::new();
    for review in &all_reviews {
        by_answer
            .entry(review.practice_answer_id)
            .or_default()
            .push(review);
    }
    let mut list = Vec::with_capacity(answers.len());
    for answer in answers {
        let Some((module, roleplay)) = roleplay_of(catalog, &answer.module_id, &answer.roleplay)
        else {
            continue;
        };
        let Some(learner) = who.get(&answer.user_id).cloned() else {
            continue;
        };
        let scene = roleplay
            .scenes
            .get(language)
            .iter()
            .find(|s| s.id == answer.scene_id);
        let mut reviews: Vec<ReviewView> = by_answer
            .get(&answer.id)
            .map(|rows| {
                rows.iter()
                    .map(|r| review_view(r, &reviewer_names))
                    .collect()
            })
            .unwrap_or_default();
        let review = reviews.pop();
        list.push(ReviewItem {
            id: answer.id,
            learner,
            module_id: module.id.clone(),
            module_title: module.title.get(language).clone(),
            roleplay: roleplay.name.clone(),
            roleplay_title: roleplay.title.get(language).clone(),
            scene_title: scene.map_or_else(|| answer.scene_id.clone(), |s| s.title.clone()),
            scene_html: scene.map(|s| s.html.clone()).unwrap_or_default(),
            scene_id: answer.scene_id,
            text: answer.text,
            submitted_at: rfc3339(answer.submitted_at),
            run_id: answer.run_id,
            rubric: criteria(roleplay.rubric.get(language)),
            review,
            history: if with_history { reviews } else { Vec::new() },
        });
    }
    Ok(list)
}

/// Role-plays that have a rubric, as (module, name) pairs.
fn rubric_roleplays(catalog: &Catalog) -> Vec<(String, String)> {
    catalog
        .modules
        .iter()
        .flat_map(|m| {
            m.roleplays
                .iter()
                .filter(|r| !r.rubric.default.is_empty())
                .map(|r| (m.id.clone(), r.name.clone()))
        })
        .collect()
}

/// The queue as `viewer` may see it.
pub async fn queue(
    db: &impl ConnectionTrait,
    catalog: &Catalog,
    viewer: &User,
    filter: QueueFilter,
    language: &str,
) -> Result<Vec<ReviewItem>, LearningError> {
    let learners = reviewable_learners(db, viewer).await?;
    let answers =
        reviews::practice_answers(db, &rubric_roleplays(catalog), learners.as_deref()).await?;
    let mut list = items(db, catalog, answers, language, false).await?;
    list.retain(|item| item.learner.id != viewer.id || viewer.roles.is_admin());
    match filter {
        QueueFilter::Pending => list.retain(|i| i.review.is_none()),
        QueueFilter::Reviewed => {
            list.retain(|i| i.review.is_some());
            list.sort_by(|a, b| {
                let at = |i: &ReviewItem| i.review.as_ref().map(|r| r.reviewed_at.clone());
                at(b).cmp(&at(a))
            });
        }
        QueueFilter::All => {}
    }
    Ok(list)
}

/// One item with its review history, when `viewer` may review it.
pub async fn item(
    db: &impl ConnectionTrait,
    catalog: &Catalog,
    viewer: &User,
    id: Uuid,
    language: &str,
) -> Result<ReviewItem, LearningError> {
    let not_found = || {
        LearningError::NotFound("no practice answer with this id among those you may review".into())
    };
    let answer = reviews::practice_answer(db, id)
        .await?
        .ok_or_else(not_found)?;
    if let Some(allowed) = reviewable_learners(db, viewer).await?
        && !allowed.contains(&answer.user_id)
    {
        return Err(not_found());
    }
    items(db, catalog, vec![answer], language, true)
        .await?
        .pop()
        .ok_or_else(|| {
            LearningError::NotFound(
                "this practice answer's role-play has no rubric in the current content; it cannot be scored".into(),
            )
        })
}

/// Checks scores against the rubric; every problem is named.
pub fn check_scores(rubric: &[Criterion], scores: &[f64]) -> Result<(), LearningError> {
    if scores.len() != rubric.len() {
        let names: Vec<String> = rubric
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{}. {} (0-{})", i + 1, c.criterion, c.points))
            .collect();
        return Err(LearningError::Invalid(format!(
            "send {} scores, one per rubric criterion in order: {}; you sent {}",
            rubric.len(),
            names.join("; "),
            scores.len()
        )));
    }
    let problems: Vec<String> = rubric
        .iter()
        .zip(scores)
        .enumerate()
        .filter(|(_, (c, s))| !(s.is_finite() && **s >= 0.0 && **s <= c.points as f64))
        .map(|(i, (c, s))| {
            format!(
                "criterion {} “{}” takes 0 to {} points; you sent {s}",
                i + 1,
                c.criterion,
                c.points
            )
        })
        .collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(LearningError::Invalid(problems.join("; ")))
    }
}

/// Scores a practice answer: stores the review and one evidence row per
/// criterion (at the module's level), in one transaction.
pub async fn score(
    db: &DatabaseConnection,
    catalog: &Catalog,
    viewer: &User,
    id: Uuid,
    scores: Vec<f64>,
    comment: &str,
    language: &str,
) -> Result<ReviewItem, LearningError> {
    let current = item(db, catalog, viewer, id, language).await?;
    if current.learner.id == viewer.id {
        return Err(LearningError::Forbidden(
            "you cannot review your own practice answer; ask a trainer or your manager".into(),
        ));
    }
    let Some((module, roleplay)) = roleplay_of(catalog, &current.module_id, &current.roleplay)
    else {
        return Err(LearningError::NotFound(
            "this role-play is no longer in the content".into(),
        ));
    };
    // Points and competencies are the same in every language; the default
    // language's rubric is the reference.
    let rubric = criteria(&roleplay.rubric.default);
    check_scores(&rubric, &scores)?;
    let comment = comment.trim();
    if comment.chars().count() > MAX_COMMENT_CHARS {
        return Err(LearningError::Invalid(format!(
            "the comment is {} characters long; keep it under {MAX_COMMENT_CHARS}",
            comment.chars().count()
        )));
    }
    let at = now();
    let level = u8::try_from(module.level).unwrap_or(1);
    let rows: Vec<NewEvidence> = rubric
        .iter()
        .zip(&scores)
        .enumerate()
        .filter(|(_, (c, _))| c.points > 0)
        .map(|(index, (c, points))| NewEvidence {
            competency: c.competency.clone(),
            level,
            score: points / c.points as f64,
            weight: 1.0,
            source: Source::RubricReview,
            item: item_key::rubric(&module.id, &roleplay.name, index),
            origin: Some(id),
        })
        .collect();
    let _turn = crate::store::write_turn::take(db).await;
    let tx = db.begin().await.map_err(StoreError::from)?;
    reviews::insert(
        &tx,
        NewReview {
            practice_answer_id: id,
            reviewer_id: viewer.id,
            scores_json: to_json(&scores)?,
            rubric_json: to_json(&rubric)?,
            comment: comment.to_owned(),
            reviewed_at: at,
        },
    )
    .await?;
    evidence::record(&tx, current.learner.id, rows, at).await?;
    tx.commit().await.map_err(StoreError::from)?;
    item(db, catalog, viewer, id, language).await
}

/// The reviews of a learner's practice answers in one run, latest per
/// answer, for the learner's run page: (answer id, review).
pub async fn of_run(
    db: &impl ConnectionTrait,
    answers: &[Uuid],
) -> Result<BTreeMap<Uuid, ReviewView>, StoreError> {
    let rows = reviews::reviews_of(db, answers.iter().copied()).await?;
    let reviewers = people(db, rows.iter().filter_map(|r| r.reviewer_id)).await?;
    let names: HashMap<Uuid, String> = reviewers.into_iter().map(|(id, p)| (id, p.name)).collect();
    Ok(rows
        .iter()
        .map(|r| (r.practice_answer_id, review_view(r, &names)))
        .collect())
}

/// A learner's reviewed practice answers, newest answer first, for their profile.
pub async fn of_learner(
    db: &impl ConnectionTrait,
    catalog: &Catalog,
    user_id: Uuid,
    language: &str,
) -> Result<Vec<ReviewItem>, StoreError> {
    let answers = reviews::practice_of_learner(db, user_id).await?;
    let mut list = items(db, catalog, answers, language, false).await?;
    list.retain(|i| i.review.is_some());
    Ok(list)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rubric() -> Vec<Criterion> {
        vec![
            Criterion {
                criterion: "Names the customer's cost".into(),
                competency: "value-selling".into(),
                points: 3,
            },
            Criterion {
                criterion: "Proposes a next step".into(),
                competency: "closing".into(),
                points: 2,
            },
        ]
    }

    #[test]
    fn scores_within_each_criterion_range_pass() {
        assert!(check_scores(&rubric(), &[0.0, 2.0]).is_ok());
        assert!(check_scores(&rubric(), &[3.0, 1.5]).is_ok());
    }

    #[test]
    fn out_of_range_scores_name_the_criterion_and_range() {
        let message = check_scores(&rubric(), &[4.0, -1.0])
            .map(|_| ())
            .unwrap_err()
            .to_string();
        assert!(
            message.contains(
                "criterion 1 “Names the customer's cost” takes 0 to 3 points; you sent 4"
            ),
            "{message}"
        );
        assert!(
            message.contains("criterion 2 “Proposes a next step” takes 0 to 2 points; you sent -1"),
            "{message}"
        );
        let message = check_scores(&rubric(), &[f64::NAN, 1.0])
            .map(|_| ())
            .unwrap_err()
            .to_string();
        assert!(message.contains("criterion 1"), "{message}");
    }

    #[test]
    fn a_wrong_number_of_scores_lists_the_criteria() {
        let message = check_scores(&rubric(), &[1.0])
            .map(|_| ())
            .unwrap_err()
            .to_string();
        assert!(message.contains("send 2 scores"), "{message}");
        assert!(
            message.contains("2. Proposes a next step (0-2)"),
            "{message}"
        );
    }
}
