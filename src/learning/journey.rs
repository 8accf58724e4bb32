//! The learner's journey as stored: what they have done, and their progress
//! through the paths of their job role (enrolling them on the way).

use sea_orm::ConnectionTrait;
use uuid::Uuid;

use super::feedback::FeedbackView;
use super::progress::{self, Done, PathProgress};
use crate::content::Catalog;
use crate::store::direct_read::DirectReader;
use crate::store::users::User;
use crate::store::{StoreError, now, progress as progress_store};

/// What the learner has read and passed.
pub async fn done(db: &impl ConnectionTrait, user_id: Uuid) -> Result<Done, StoreError> {
    let progress_store::ReadAndPassed { read, passed } =
        progress_store::read_and_passed(db, user_id).await?;
    Ok(Done { read, passed })
}

/// What the learner has read and passed, and their feedback on `module_id`:
/// what a lesson page shows, read in one round trip to the database.
pub async fn done_and_feedback(
    db: &impl ConnectionTrait,
    direct: Option<&DirectReader>,
    user_id: Uuid,
    module_id: &str,
) -> Result<(Done, Option<FeedbackView>), StoreError> {
    let (progress_store::ReadAndPassed { read, passed }, feedback) =
        progress_store::read_passed_and_feedback(db, direct, user_id, module_id).await?;
    Ok((Done { read, passed }, feedback.map(super::feedback::view)))
}

/// Enrols the user in their job role's paths (the first visit dates the
/// enrolment), then computes their progress from `done`.
pub async fn path_progress(
    db: &impl ConnectionTrait,
    catalog: &Catalog,
    user: &User,
    done: &Done,
) -> Result<Vec<PathProgress>, StoreError> {
    let at = now();
    if let Some(role) = user.job_role.as_deref() {
        let wanted = progress::paths_for_role(catalog, role);
        progress_store::enrol(db, user.id, &wanted, at).await?;
    }
    let enrolments = progress_store::enrolments(db, user.id).await?;
    Ok(progress::paths(catalog, &enrolments, done, at))
}

/// The learner's competency profile at `at`: their evidence, weakened where
/// review cards are long overdue, against their job role's targets.
pub async fn profile(
    db: &impl ConnectionTrait,
    catalog: &Catalog,
    user: &User,
    language: &str,
    at: time::OffsetDateTime,
) -> Result<super::profile::ProfileView, StoreError> {
    let mut history = crate::store::evidence::history(db, user.id).await?;
    let cards = crate::store::review_cards::all_of(db, user.id).await?;
    crate::review::retention::apply(&mut history, &cards, at);
    let done = done(db, user.id).await?;
    Ok(super::profile::build(
        catalog,
        user.job_role.as_deref(),
        &history,
        &done,
        language,
        at,
        &crate::competency::ModelSettings::default(),
    ))
}
