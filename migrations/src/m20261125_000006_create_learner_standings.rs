//! One row per learner with all their competency standings in one JSON
//! document, kept beside `competency_standings` (one row per learner and
//! competency). A heatmap of 1,000 members then reads 1,000 rows instead
//! of 20,000: decoding rows, not the database, was most of its time. The
//! application fills it for existing learners (see `store::migrate`).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{text, timestamp_with_time_zone, uuid};

use crate::support::cascade_to_user;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum LearnerStandings {
    Table,
    UserId,
    /// JSON: `[{"competency", "level", "mastery": {"1": 0.9}, "evidence"}]`.
    Standings,
    ComputedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(LearnerStandings::Table)
                    .col(uuid(LearnerStandings::UserId).primary_key())
                    .col(text(LearnerStandings::Standings))
                    .col(timestamp_with_time_zone(LearnerStandings::ComputedAt))
                    .foreign_key(&mut cascade_to_user(
                        LearnerStandings::Table,
                        LearnerStandings::UserId,
                    ))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(LearnerStandings::Table).to_owned())
            .await
    }
}
