//! Keeps the stored standings (what managers' heatmaps read) current while
//! review cards fade. Evidence arriving refreshes a learner's standings at
//! once; fading happens with no event at all, so a background task looks
//! for cards past their fade point (`review_cards.fades_at`) and refreshes
//! those learners' standings in those competencies, every
//! `fading_refresh_minutes`.
//!
//! Several app servers on one PostgreSQL each run it; that is harmless:
//! every refresh locks the learner and recomputes the same rows.

use std::collections::{BTreeMap, BTreeSet};

use sea_orm::{DatabaseConnection, TransactionTrait};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::clock::Clock;
use crate::store::{StoreError, review_cards, standings};

/// Recomputes the standings of every learner with fading cards, in the
/// competencies of those cards. Returns how many learners it refreshed.
pub async fn refresh_fading(
    db: &DatabaseConnection,
    now: OffsetDateTime,
) -> Result<usize, StoreError> {
    let mut by_learner: BTreeMap<Uuid, BTreeSet<String>> = BTreeMap::new();
    for (user_id, competency) in review_cards::fading(db, now).await? {
        by_learner.entry(user_id).or_default().insert(competency);
    }
    for (user_id, competencies) in &by_learner {
        let _turn = crate::store::write_turn::take(db).await;
        let tx = db.begin().await?;
        standings::lock_learner(&tx, *user_id).await?;
        standings::refresh(&tx, *user_id, competencies, now).await?;
        tx.commit().await?;
    }
    Ok(by_learner.len())
}

/// Runs [`refresh_fading`] every `every`, on the server's clock, until the
/// runtime stops. A failed round is logged and the next one tries again.
pub fn spawn(db: DatabaseConnection, clock: Clock, every: std::time::Duration) {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            match refresh_fading(&db, clock.now()).await {
                Ok(0) => {}
                Ok(learners) => {
                    tracing::debug!(
                        learners,
                        "refreshed the standings of learners with fading cards"
                    );
                }
                Err(error) => {
                    tracing::warn!(%error, "could not refresh the standings of fading cards; will try again");
                }
            }
        }
    });
}
