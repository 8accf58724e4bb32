//! An index of the quiz attempts still open (started, not submitted).
//!
//! Starting an attempt first looks for the learner's open one. Through the
//! index of all their attempts at the module, that meant reading every
//! attempt they had ever submitted there, each from the table; a learner
//! who retakes an unlimited quiz often made every start slower (docs/
//! performance.md, quiz submissions, sixth round). This index holds only
//! open attempts, at most one or two per learner and module, so the lookup
//! costs the same whatever the history.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const NAME: &str = "idx_quiz_attempts_open";

#[derive(DeriveIden)]
enum QuizAttempts {
    Table,
    UserId,
    ModuleId,
    Number,
    SubmittedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name(NAME)
                    .table(QuizAttempts::Table)
                    .col(QuizAttempts::UserId)
                    .col(QuizAttempts::ModuleId)
                    .col(QuizAttempts::Number)
                    .and_where(Expr::col(QuizAttempts::SubmittedAt).is_null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name(NAME)
                    .table(QuizAttempts::Table)
                    .to_owned(),
            )
            .await
    }
}
