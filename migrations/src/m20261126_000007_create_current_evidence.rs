//! The current result of every item for every learner: one row per
//! learner, competency and supersession key (SPEC section 3, "the latest
//! result per item counts"), pointing at the evidence row that holds it.
//! Evidence is only ever added, so a learner who retakes a quiz a hundred
//! times has a hundred rows per question; the standings are recomputed from
//! this table instead, whose size is bounded by the items a learner has
//! answered. The application keeps it in step with `evidence` in the same
//! transaction, and fills it for existing evidence (see `store::migrate`).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{string, uuid};

use crate::support::{cascade, cascade_to_user};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CurrentEvidence {
    Table,
    UserId,
    Competency,
    /// The item key with the `review` family read as `quiz`
    /// (`Evidence::supersession_key` in `src/competency.rs`).
    ItemKey,
    EvidenceId,
}

#[derive(DeriveIden)]
enum Evidence {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(CurrentEvidence::Table)
                    .col(uuid(CurrentEvidence::UserId))
                    .col(string(CurrentEvidence::Competency))
                    .col(string(CurrentEvidence::ItemKey))
                    .col(uuid(CurrentEvidence::EvidenceId))
                    .primary_key(
                        Index::create()
                            .col(CurrentEvidence::UserId)
                            .col(CurrentEvidence::Competency)
                            .col(CurrentEvidence::ItemKey),
                    )
                    .foreign_key(&mut cascade_to_user(
                        CurrentEvidence::Table,
                        CurrentEvidence::UserId,
                    ))
                    .foreign_key(&mut cascade(
                        CurrentEvidence::Table,
                        CurrentEvidence::EvidenceId,
                        Evidence::Table,
                        Evidence::Id,
                    ))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(CurrentEvidence::Table).to_owned())
            .await
    }
}
