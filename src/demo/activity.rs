//! The simulated weeks: managers assign modules, learners read lessons,
//! take quizzes (retrying some they failed) and play role-plays, and the
//! trainer and managers review about half of the practice answers.
//!
//! Every action goes through the learning and management services. They
//! stamp their rows with the current time, so right after each action the
//! rows it created are moved to the simulated moment, found by the ids the
//! service returned or, where it returns none, by "this learner, stamped
//! since the action began" (everything earlier has already been moved into
//! the past). Randomness is seeded, so the demo looks the same every time.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Map, Value};
use time::{Date, Duration, OffsetDateTime, PrimitiveDateTime, Time};
use uuid::Uuid;

use super::people::LearnerSpec;
use super::{Cast, CastLearner, DemoError, DemoStats, texts};
use crate::content::{Catalog, CatalogModule, CatalogRolePlay, DEFAULT_LANGUAGE, QuestionKind};
use crate::content::{CatalogQuiz, RenderedQuestion};
use crate::learning::progress::paths_for_role;
use crate::learning::quiz::{self, ShownQuestion};
use crate::learning::roleplay::{self, Move};
use crate::learning::{LearningError, attempts, journey, lessons, runs};
use crate::management::assignments::{self, AssignInput, Assignable};
use crate::management::{reviews, team_members};
use crate::store::entities::{
    assignment, enrolment, evidence, module_completion, practice_answer, quiz_attempt, review_card,
    roleplay_run, rubric_review,
};
use crate::store::{now, standings};

/// The seed of all demo randomness; change it and the demo company changes.
const SEED: u64 = 0x5a1e_5d0c_2026;

/// The language demo learners work in.
const LANGUAGE: &str = DEFAULT_LANGUAGE;

/// The most moves one role-play run may take before the demo gives up on
/// it (role-plays are acyclic, so this is never reached with sane content).
const MAX_MOVES: usize = 40;

/// A moment `days_ago` days before `today`, at `hour:minute` UTC.
fn moment(today: OffsetDateTime, days_ago: i64, hour: u8, minute: u8) -> OffsetDateTime {
    let date: Date = today.date() - Duration::days(days_ago);
    let time = Time::from_hms(hour.min(23), minute.min(59), 0).unwrap_or(Time::MIDNIGHT);
    PrimitiveDateTime::new(date, time).assume_utc()
}

/// What one learner studies, in order, and on which day.
struct Plan {
    /// Module ids with the day (days ago) the learner takes each up.
    studied: Vec<(String, i64)>,
    /// Modules of their path they have not touched.
    untouched: Vec<String>,
}

/// The modules of the learner's job-role paths in path order (every
/// module of the catalog when no path is for their role).
fn role_modules(catalog: &Catalog, role: Option<&str>) -> Vec<String> {
    let paths = role.map(|r| paths_for_role(catalog, r)).unwrap_or_default();
    let mut modules: Vec<String> = Vec::new();
    for path in catalog
        .course
        .paths
        .iter()
        .filter(|p| paths.contains(&p.id.value))
    {
        for module in path.stages.iter().flat_map(|s| s.modules.iter()) {
            if !modules.contains(&module.value) && catalog.module(&module.value).is_some() {
                modules.push(module.value.clone());
            }
        }
    }
    if modules.is_empty() {
        modules = catalog.modules.iter().map(|m| m.id.clone()).collect();
    }
    modules
}

fn plan(catalog: &Catalog, learner: &CastLearner) -> Plan {
    let spec = learner.spec;
    let mut modules = role_modules(catalog, learner.user.job_role.as_deref());
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let wanted = (spec.engagement * modules.len() as f64).round() as usize;
    let count = wanted.clamp(1, modules.len());
    let untouched = modules.split_off(count);
    let start = spec.started_days_ago.max(2);
    let count = i64::try_from(count).unwrap_or(1).max(1);
    let studied = modules
        .into_iter()
        .zip(0_i64..)
        .map(|(module, k)| (module, start - (start - 1) * k / count))
        .collect();
    Plan { studied, untouched }
}

/// The learner's own random stream: the same every load, different per learner.
fn rng_for(index: usize) -> fastrand::Rng {
    let index = u64::try_from(index).unwrap_or(0);
    fastrand::Rng::with_seed(SEED ^ index.wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

#[derive(Default)]
struct Counts {
    lessons_read: usize,
    quiz_attempts: usize,
    runs: usize,
    practice_answers: usize,
    reviewed: usize,
    assignments: usize,
}

pub(super) async fn simulate(
    db: &DatabaseConnection,
    catalog: &Catalog,
    cast: &Cast,
) -> Result<DemoStats, DemoError> {
    let today = now();
    let plans: Vec<Plan> = cast.learners.iter().map(|l| plan(catalog, l)).collect();
    let mut counts = Counts::default();
    let assigned = assign(db, catalog, cast, &plans, today, &mut counts).await?;
    let scheduler = crate::review::scheduler::Scheduler::new(
        crate::review::scheduler::DEFAULT_DESIRED_RETENTION,
    )
    .map_err(|e| DemoError::Learning(e.to_string()))?;
    for (index, (learner, plan)) in cast.learners.iter().zip(&plans).enumerate() {
        let mut rng = rng_for(index);
        let mut sim = Learner {
            db,
            catalog,
            user_id: learner.user.id,
            spec: learner.spec,
            assigned: &assigned,
            today,
            counts: &mut counts,
            scheduler: &scheduler,
        };
        sim.enrol(&learner.user, plan, &mut rng).await?;
        for (module_id, day) in &plan.studied {
            if let Some(module) = catalog.module(module_id) {
                sim.study(module, *day, &mut rng).await?;
            }
        }
    }
    review(db, catalog, cast, today, &mut counts).await?;
    daily_reviews(db, catalog, cast, today).await?;

    let competencies: BTreeSet<String> = catalog
        .course
        .framework
        .competencies
        .iter()
        .map(|c| c.id.value.clone())
        .collect();
    let mut levels: BTreeMap<u8, usize> = BTreeMap::new();
    for learner in &cast.learners {
        // The services computed standings at the real time of each action;
        // the dates have moved since, and the model's decay depends on them.
        standings::refresh(db, learner.user.id, &competencies, today).await?;
        let held: BTreeMap<String, u8> = standings::of_user(db, learner.user.id)
            .await?
            .into_iter()
            .map(|s| (s.competency, s.level))
            .collect();
        for competency in &competencies {
            *levels
                .entry(held.get(competency).copied().unwrap_or(0))
                .or_default() += 1;
        }
    }
    let learner_ids: Vec<Uuid> = cast.learners.iter().map(|l| l.user.id).collect();
    let overdue = assignment::Entity::find()
        .filter(assignment::Column::UserId.is_in(learner_ids.iter().copied()))
        .filter(assignment::Column::CompletedAt.is_null())
        .filter(assignment::Column::DueAt.lt(today))
        .all(db)
        .await?
        .len();
    Ok(DemoStats {
        lessons_read: counts.lessons_read,
        quiz_attempts: counts.quiz_attempts,
        runs: counts.runs,
        practice_answers: counts.practice_answers,
        reviewed: counts.reviewed,
        pending_review: counts.practice_answers.saturating_sub(counts.reviewed),
        assignments: counts.assignments,
        overdue,
        levels,
        ..DemoStats::default()
    })
}

/// One planned assignment: who, what, assigned and due (days ago;
/// negative = in the future).
struct Planned {
    learner: usize,
    module: String,
    assigned_days_ago: i64,
    due_days_ago: i64,
}

/// Managers assign before anyone studies (an assignment of a module
/// already done is refused, and completing it must close it). Per team:
/// the least engaged member gets a module they never start, due in the
/// past (the overdue list); others get their next module, mostly due in
/// the coming days; some get a module they are about to study, which they
/// then finish on time or a little late (or, failing its quiz, not at all).
async fn assign(
    db: &DatabaseConnection,
    catalog: &Catalog,
    cast: &Cast,
    plans: &[Plan],
    today: OffsetDateTime,
    counts: &mut Counts,
) -> Result<HashSet<(Uuid, String)>, DemoError> {
    let mut rng = fastrand::Rng::with_seed(SEED.rotate_left(17));
    let mut planned: Vec<Planned> = Vec::new();
    for team in &cast.teams {
        let mut members: Vec<usize> = (0..cast.learners.len())
            .filter(|&i| cast.learners[i].team == team.index)
            .collect();
        members.sort_by(|&a, &b| {
            let engagement = |i: usize| cast.learners[i].spec.engagement;
            engagement(a).total_cmp(&engagement(b))
        });
        for (rank, &index) in members.iter().enumerate() {
            let plan = &plans[index];
            let least_engaged = rank == 0;
            if let Some(next) = plan.untouched.first()
                && (least_engaged || rng.f64() < 0.4)
            {
                let assigned_days_ago = rng.i64(10..=20);
                let due_days_ago = if least_engaged || rng.f64() < 0.25 {
                    rng.i64(2..=8)
                } else {
                    -rng.i64(3..=14)
                };
                planned.push(Planned {
                    learner: index,
                    module: next.clone(),
                    assigned_days_ago,
                    due_days_ago,
                });
            } else if let Some((module, day)) = plan
                .studied
                .iter()
                .rev()
                .find(|(_, day)| (5..=25).contains(day))
                && rng.f64() < 0.6
            {
                planned.push(Planned {
                    learner: index,
                    module: module.clone(),
                    assigned_days_ago: day + rng.i64(3..=7),
                    due_days_ago: day + rng.i64(-3..=1),
                });
            }
        }
    }

    let mut assigned = HashSet::new();
    for item in planned {
        let learner = &cast.learners[item.learner];
        let Some(team) = cast.teams.iter().find(|t| t.index == learner.team) else {
            continue;
        };
        let Some(manager) = cast.managers.get(team.manager) else {
            continue;
        };
        let members = team_members(db, team.team.id).await?;
        let input = AssignInput {
            what: Assignable::Module(item.module.clone()),
            members: vec![learner.user.id],
            // A due date in the past is refused at the API, so the real one
            // is set below, once the assignment exists.
            due_at: today + Duration::days(30),
        };
        let outcome =
            assignments::assign(db, catalog, &members, manager.id, &input, LANGUAGE).await?;
        let ids: Vec<Uuid> = outcome.created.iter().map(|a| a.id).collect();
        if ids.is_empty() {
            continue;
        }
        counts.assignments += ids.len();
        let minute = u8::try_from(rng.u32(0..60)).unwrap_or(0);
        assignment::Entity::update_many()
            .col_expr(
                assignment::Column::AssignedAt,
                Expr::value(moment(today, item.assigned_days_ago, 8, minute)),
            )
            .col_expr(
                assignment::Column::DueAt,
                Expr::value(moment(today, item.due_days_ago, 23, 59)),
            )
            .filter(assignment::Column::Id.is_in(ids))
            .exec(db)
            .await?;
        assigned.insert((learner.user.id, item.module));
    }
    Ok(assigned)
}

/// One learner's simulated days.
struct Learner<'a> {
    db: &'a DatabaseConnection,
    catalog: &'a Catalog,
    user_id: Uuid,
    spec: &'static LearnerSpec,
    /// (learner, module) pairs with an assignment to close when done.
    assigned: &'a HashSet<(Uuid, String)>,
    today: OffsetDateTime,
    counts: &'a mut Counts,
    /// Schedules the review cards quiz answers create.
    scheduler: &'a crate::review::scheduler::Scheduler,
}

impl Learner<'_> {
    /// A random working-hours moment on `days_ago`.
    fn working_moment(&self, days_ago: i64, rng: &mut fastrand::Rng) -> OffsetDateTime {
        let hour = u8::try_from(rng.u32(8..17)).unwrap_or(9);
        let minute = u8::try_from(rng.u32(0..60)).unwrap_or(0);
        moment(self.today, days_ago.max(1), hour, minute)
    }

    /// Enrols the learner in their paths on their first day, as their
    /// first visit to the learning page does.
    async fn enrol(
        &mut self,
        user: &crate::store::users::User,
        plan: &Plan,
        rng: &mut fastrand::Rng,
    ) -> Result<(), DemoError> {
        let since = now();
        let done = journey::done(self.db, self.user_id).await?;
        journey::path_progress(self.db, self.catalog, user, &done).await?;
        let first_day = plan
            .studied
            .first()
            .map_or(self.spec.started_days_ago, |(_, day)| *day);
        let at = self.working_moment(first_day, rng) - Duration::minutes(30);
        enrolment::Entity::update_many()
            .col_expr(enrolment::Column::EnrolledAt, Expr::value(at))
            .filter(enrolment::Column::UserId.eq(self.user_id))
            .filter(enrolment::Column::EnrolledAt.gte(since))
            .exec(self.db)
            .await?;
        Ok(())
    }

    /// A day on one module: the lesson, the quiz (retried on later days
    /// when failed, if the learner perseveres), then its role-plays.
    async fn study(
        &mut self,
        module: &CatalogModule,
        day: i64,
        rng: &mut fastrand::Rng,
    ) -> Result<(), DemoError> {
        let skill = self.spec.skill;
        let mut at = self.working_moment(day, rng);
        self.read(module, at).await?;
        at += Duration::minutes(module.minutes.clamp(5, 60));
        if let Some(quiz) = &module.quiz {
            let level_penalty = 0.07 * (module.level.max(1) - 1) as f64;
            let mut chance = (0.30 + 0.65 * skill - level_penalty).clamp(0.05, 0.98);
            let mut passed = self.take_quiz(module, quiz, chance, at, rng).await?;
            let mut retry_day = day;
            let mut tries = 1;
            while !passed && tries < 3 && rng.f64() < 0.35 + 0.6 * self.spec.engagement {
                retry_day = (retry_day - rng.i64(1..=3)).max(1);
                chance = (chance + 0.15).min(0.98);
                let retry_at = self.working_moment(retry_day, rng);
                passed = self.take_quiz(module, quiz, chance, retry_at, rng).await?;
                tries += 1;
            }
            at += Duration::minutes(15);
        }
        for (index, roleplay) in module.roleplays.iter().enumerate() {
            let keen = if index == 0 {
                0.45 + 0.5 * self.spec.engagement
            } else {
                0.5 * skill
            };
            if rng.f64() < keen {
                at += Duration::minutes(rng.i64(5..=20));
                at = self.play(module, roleplay, at, rng).await?;
            }
        }
        Ok(())
    }

    async fn read(&mut self, module: &CatalogModule, at: OffsetDateTime) -> Result<(), DemoError> {
        let since = now();
        if !lessons::complete(self.db, module, self.user_id).await? {
            return Ok(());
        }
        self.counts.lessons_read += 1;
        module_completion::Entity::update_many()
            .col_expr(module_completion::Column::CompletedAt, Expr::value(at))
            .filter(module_completion::Column::UserId.eq(self.user_id))
            .filter(module_completion::Column::ModuleId.eq(module.id.as_str()))
            .exec(self.db)
            .await?;
        // Completion evidence has no origin; quiz, run and review evidence do.
        evidence::Entity::update_many()
            .col_expr(evidence::Column::RecordedAt, Expr::value(at))
            .filter(evidence::Column::UserId.eq(self.user_id))
            .filter(evidence::Column::Origin.is_null())
            .filter(evidence::Column::RecordedAt.gte(since))
            .exec(self.db)
            .await?;
        self.close_assignment(module, since, at).await
    }

    /// Dates the assignment that this action completed, if any.
    async fn close_assignment(
        &self,
        module: &CatalogModule,
        since: OffsetDateTime,
        at: OffsetDateTime,
    ) -> Result<(), DemoError> {
        if !self.assigned.contains(&(self.user_id, module.id.clone())) {
            return Ok(());
        }
        assignment::Entity::update_many()
            .col_expr(assignment::Column::CompletedAt, Expr::value(at))
            .filter(assignment::Column::UserId.eq(self.user_id))
            .filter(assignment::Column::ModuleId.eq(module.id.as_str()))
            .filter(assignment::Column::CompletedAt.gte(since))
            .exec(self.db)
            .await?;
        Ok(())
    }

    /// One attempt, each question answered right with probability `chance`.
    /// Returns whether it passed.
    async fn take_quiz(
        &mut self,
        module: &CatalogModule,
        quiz: &CatalogQuiz,
        chance: f64,
        at: OffsetDateTime,
        rng: &mut fastrand::Rng,
    ) -> Result<bool, DemoError> {
        let since = now();
        let (row, _) = attempts::start(self.db, module, self.user_id, LANGUAGE).await?;
        let shown: Vec<ShownQuestion> = serde_json::from_str(&row.questions).map_err(|e| {
            DemoError::Learning(format!("the attempt's questions cannot be read: {e}"))
        })?;
        let shown_ids: HashSet<&str> = shown.iter().map(|q| q.id.as_str()).collect();
        // Decided in the bank's order, not the attempt's shuffled one, so the
        // same learner gives the same answers on every load.
        let mut answers = Map::new();
        for question in &quiz.questions.default {
            let right = rng.f64() < chance;
            let value = answer(question, right, rng);
            if shown_ids.contains(question.id.as_str()) {
                answers.insert(question.id.clone(), value);
            }
        }
        let attempt_id = row.id;
        let submitted = attempts::submit(
            self.db,
            self.catalog,
            self.scheduler,
            row,
            &Value::Object(answers),
        )
        .await?;
        self.counts.quiz_attempts += 1;
        let seconds = i32::try_from(shown.len()).unwrap_or(10) * rng.i32(25..=70);
        let submitted_at = at + Duration::seconds(i64::from(seconds));
        quiz_attempt::Entity::update_many()
            .col_expr(quiz_attempt::Column::StartedAt, Expr::value(at))
            .col_expr(quiz_attempt::Column::SubmittedAt, Expr::value(submitted_at))
            .col_expr(quiz_attempt::Column::DurationSeconds, Expr::value(seconds))
            .filter(quiz_attempt::Column::Id.eq(attempt_id))
            .exec(self.db)
            .await?;
        evidence::Entity::update_many()
            .col_expr(evidence::Column::RecordedAt, Expr::value(submitted_at))
            .filter(evidence::Column::Origin.eq(attempt_id))
            .exec(self.db)
            .await?;
        // Cards this attempt made: answered then, due one interval later.
        for card in review_card::Entity::find()
            .filter(review_card::Column::UserId.eq(self.user_id))
            .filter(review_card::Column::CreatedAt.gte(since))
            .all(self.db)
            .await?
        {
            let interval = card.due - card.last_review;
            review_card::Entity::update_many()
                .col_expr(review_card::Column::CreatedAt, Expr::value(submitted_at))
                .col_expr(review_card::Column::LastReview, Expr::value(submitted_at))
                .col_expr(
                    review_card::Column::Due,
                    Expr::value(submitted_at + interval),
                )
                .col_expr(
                    review_card::Column::FadesAt,
                    Expr::value(submitted_at + interval + interval),
                )
                .filter(review_card::Column::Id.eq(card.id))
                .exec(self.db)
                .await?;
        }
        self.close_assignment(module, since, submitted_at).await?;
        Ok(submitted.passed.unwrap_or(false))
    }

    /// Plays a role-play to its end: the best line (from the content's
    /// analysis) with a chance that grows with skill, otherwise any
    /// choice; a written answer at practice scenes. Returns when it ended.
    async fn play(
        &mut self,
        module: &CatalogModule,
        roleplay: &CatalogRolePlay,
        start: OffsetDateTime,
        rng: &mut fastrand::Rng,
    ) -> Result<OffsetDateTime, DemoError> {
        let skill = self.spec.skill;
        let best: BTreeMap<&str, usize> = roleplay
            .analysis
            .best_path
            .iter()
            .map(String::as_str)
            .zip(roleplay.analysis.best_choices.iter().copied())
            .collect();
        let (mut row, _) =
            runs::start(self.db, module, &roleplay.name, self.user_id, LANGUAGE).await?;
        let run_id = row.id;
        self.counts.runs += 1;
        let mut at = start;
        let mut practice_at = Vec::new();
        for _ in 0..MAX_MOVES {
            let Some(scene) = roleplay::scene(&roleplay.scenes.default, &row.scene) else {
                break;
            };
            if row.finished_at.is_some() || roleplay::ends_here(scene) {
                break;
            }
            at += Duration::minutes(rng.i64(1..=3));
            let next = if scene.practice {
                let strong = rng.f64() < skill;
                practice_at.push(at + Duration::minutes(rng.i64(3..=8)));
                at = practice_at.last().copied().unwrap_or(at);
                Move::Text(texts::practice_answer(&roleplay.name, strong).to_owned())
            } else {
                let choices = scene.choices.len().max(1);
                match best.get(scene.id.as_str()) {
                    Some(&choice) if rng.f64() < 0.25 + 0.7 * skill => Move::Choice(choice),
                    _ => Move::Choice(rng.usize(0..choices)),
                }
            };
            let moved = runs::make_move(self.db, self.catalog, row, next, LANGUAGE).await?;
            if moved.finished {
                break;
            }
            row = crate::store::runs::find(self.db, run_id)
                .await?
                .ok_or_else(|| {
                    DemoError::Learning(format!("role-play run {run_id} disappeared"))
                })?;
        }
        roleplay_run::Entity::update_many()
            .col_expr(roleplay_run::Column::StartedAt, Expr::value(start))
            .filter(roleplay_run::Column::Id.eq(run_id))
            .exec(self.db)
            .await?;
        roleplay_run::Entity::update_many()
            .col_expr(roleplay_run::Column::FinishedAt, Expr::value(at))
            .filter(roleplay_run::Column::Id.eq(run_id))
            .filter(roleplay_run::Column::FinishedAt.is_not_null())
            .exec(self.db)
            .await?;
        evidence::Entity::update_many()
            .col_expr(evidence::Column::RecordedAt, Expr::value(at))
            .filter(evidence::Column::Origin.eq(run_id))
            .exec(self.db)
            .await?;
        let answers = practice_answer::Entity::find()
            .filter(practice_answer::Column::RunId.eq(run_id))
            .order_by_asc(practice_answer::Column::Id)
            .all(self.db)
            .await?;
        for (answer, when) in answers.iter().zip(practice_at) {
            practice_answer::Entity::update_many()
                .col_expr(practice_answer::Column::SubmittedAt, Expr::value(when))
                .filter(practice_answer::Column::Id.eq(answer.id))
                .exec(self.db)
                .await?;
        }
        self.counts.practice_answers += answers.len();
        Ok(at)
    }
}

/// An answer to one question: the right one, or a believable mistake
/// (a wrong option, one option too few or too many, two steps swapped).
fn answer(question: &RenderedQuestion, right: bool, rng: &mut fastrand::Rng) -> Value {
    let correct = quiz::right_answer(question);
    let wrong: Vec<usize> = question
        .options
        .iter()
        .filter(|o| !o.correct)
        .map(|o| o.index)
        .collect();
    let ids = |ids: Vec<usize>| Value::from(ids);
    match question.kind {
        QuestionKind::Text => {
            let text = if right {
                question.accepted.first().cloned().unwrap_or_default()
            } else {
                "not sure".to_owned()
            };
            Value::from(text)
        }
        QuestionKind::Single => {
            let pick = if right || wrong.is_empty() {
                correct.first().copied()
            } else {
                wrong.get(rng.usize(0..wrong.len())).copied()
            };
            ids(pick.into_iter().collect())
        }
        QuestionKind::Multiple => {
            let mut chosen = correct;
            if !right {
                if chosen.len() > 1 && (wrong.is_empty() || rng.bool()) {
                    chosen.remove(rng.usize(0..chosen.len()));
                } else if !wrong.is_empty() {
                    chosen.push(wrong[rng.usize(0..wrong.len())]);
                }
            }
            ids(chosen)
        }
        QuestionKind::Order => {
            let mut steps = correct;
            if !right && steps.len() > 1 {
                let at = rng.usize(0..steps.len() - 1);
                steps.swap(at, at + 1);
            }
            ids(steps)
        }
    }
}

/// The trainer and the managers review about half of the practice answers,
/// Engaged learners do their daily review on some evenings, through the
/// review service at the simulated moment, so their cards carry weeks of
/// history and the heatmap shows who keeps their skills fresh and whose
/// skills fade.
async fn daily_reviews(
    db: &DatabaseConnection,
    catalog: &Catalog,
    cast: &Cast,
    today: OffsetDateTime,
) -> Result<(), DemoError> {
    let config = crate::review::cards::ReviewConfig {
        scheduler: crate::review::scheduler::Scheduler::new(
            crate::review::scheduler::DEFAULT_DESIRED_RETENTION,
        )
        .map_err(|e| DemoError::Learning(e.to_string()))?,
        daily_cap: crate::review::cards::DEFAULT_DAILY_CAP,
    };
    for (index, learner) in cast.learners.iter().enumerate() {
        let mut rng = rng_for(index + 1_000);
        let habit = learner.spec.engagement * 0.35;
        if habit < 0.2 {
            continue;
        }
        for days_ago in (1..=learner.spec.started_days_ago.min(28)).rev() {
            if rng.f64() >= habit {
                continue;
            }
            let at = moment(
                today,
                days_ago,
                19,
                u8::try_from(rng.u32(0..60)).unwrap_or(0),
            );
            let session =
                crate::review::cards::due(db, catalog, &config, &learner.user, at, LANGUAGE)
                    .await
                    .map_err(|e| DemoError::Learning(e.to_string()))?;
            for card in session.cards {
                let Some(question) = catalog
                    .module(&card.module_id)
                    .and_then(|m| m.quiz.as_ref())
                    .and_then(|q| {
                        q.questions
                            .default
                            .iter()
                            .find(|q| q.id == card.question.id)
                    })
                else {
                    continue;
                };
                let right = rng.f64() < (0.45 + 0.5 * learner.spec.skill).min(0.97);
                let mut answers = Map::new();
                answers.insert(question.id.clone(), answer(question, right, &mut rng));
                crate::review::cards::answer(
                    db,
                    &crate::review::cards::ReviewContext {
                        catalog,
                        config: &config,
                        now: at,
                        language: LANGUAGE,
                    },
                    &learner.user,
                    card.card_id,
                    &Value::Object(answers),
                )
                .await
                .map_err(|e| DemoError::Learning(e.to_string()))?;
            }
        }
    }
    Ok(())
}

/// a day or a few after they were written; the newest wait in the queue.
async fn review(
    db: &DatabaseConnection,
    catalog: &Catalog,
    cast: &Cast,
    today: OffsetDateTime,
    counts: &mut Counts,
) -> Result<(), DemoError> {
    let mut rng = fastrand::Rng::with_seed(SEED.rotate_left(31));
    let learner_ids: Vec<Uuid> = cast.learners.iter().map(|l| l.user.id).collect();
    let answers = practice_answer::Entity::find()
        .filter(practice_answer::Column::UserId.is_in(learner_ids))
        .order_by_asc(practice_answer::Column::SubmittedAt)
        .order_by_asc(practice_answer::Column::Id)
        .all(db)
        .await?;
    let last = answers.len().saturating_sub(1);
    let mut reviewed = 0;
    for (position, answer) in answers.iter().enumerate() {
        let Some(learner) = cast.learners.iter().find(|l| l.user.id == answer.user_id) else {
            continue;
        };
        let written_days_ago = (today.date() - answer.submitted_at.date()).whole_days();
        let hour = u8::try_from(rng.u32(8..18)).unwrap_or(10);
        let minute = u8::try_from(rng.u32(0..60)).unwrap_or(0);
        let reviewed_at = moment(today, written_days_ago - rng.i64(1..=4), hour, minute);
        // About half, but at least one of each, so that both halves of the
        // queue have something to show.
        let wanted = rng.f64() < 0.55 || (position == last && reviewed == 0);
        let keep_pending = position == last && reviewed == position;
        if !wanted || keep_pending || reviewed_at > today - Duration::hours(2) {
            continue;
        }
        let Some(roleplay) = catalog
            .module(&answer.module_id)
            .and_then(|m| m.roleplays.iter().find(|r| r.name == answer.roleplay))
        else {
            continue;
        };
        let rubric = &roleplay.rubric.default;
        if rubric.is_empty() {
            continue;
        }
        let quality = (learner.spec.skill + rng.f64() * 0.3 - 0.15).clamp(0.1, 1.0);
        let scores: Vec<f64> = rubric
            .iter()
            .map(|c| {
                (quality * c.points as f64)
                    .round()
                    .clamp(0.0, c.points as f64)
            })
            .collect();
        let total: f64 = scores.iter().sum();
        let max: i64 = rubric.iter().map(|c| c.points).sum();
        let share = if max > 0 { total / max as f64 } else { 0.0 };
        let manager = cast
            .teams
            .iter()
            .find(|t| t.index == learner.team)
            .and_then(|t| cast.managers.get(t.manager));
        let reviewer = match manager {
            Some(manager) if rng.f64() < 0.4 => manager,
            _ => &cast.trainer,
        };
        let comment = texts::review_comment(share, rng.usize(0..3));
        let since = now();
        match reviews::score(db, catalog, reviewer, answer.id, scores, comment, LANGUAGE).await {
            Ok(_) => {}
            // Content without a rubric for this answer: it stays in the queue.
            Err(LearningError::NotFound(_)) => continue,
            Err(error) => return Err(error.into()),
        }
        reviewed += 1;
        rubric_review::Entity::update_many()
            .col_expr(rubric_review::Column::ReviewedAt, Expr::value(reviewed_at))
            .filter(rubric_review::Column::PracticeAnswerId.eq(answer.id))
            .filter(rubric_review::Column::ReviewedAt.gte(since))
            .exec(db)
            .await?;
        evidence::Entity::update_many()
            .col_expr(evidence::Column::RecordedAt, Expr::value(reviewed_at))
            .filter(evidence::Column::Origin.eq(answer.id))
            .filter(evidence::Column::RecordedAt.gte(since))
            .exec(db)
            .await?;
    }
    counts.reviewed = reviewed;
    Ok(())
}
