//! Daily review: one FSRS card per learner and quiz question, the log of
//! every review answer, and each user's time zone (due dates are stored in
//! UTC and shown in it).

use sea_orm_migration::prelude::*;

use crate::support::cascade;
use sea_orm_migration::schema::{
    double, integer, pk_uuid, small_integer, string_len, string_len_null, text,
    timestamp_with_time_zone, uuid,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    TimeZone,
}

#[derive(DeriveIden)]
enum ReviewCards {
    Table,
    Id,
    UserId,
    ModuleId,
    QuestionId,
    Competency,
    Level,
    Weight,
    Stability,
    Difficulty,
    Reps,
    Lapses,
    LastRating,
    LastReview,
    Due,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ReviewAnswers {
    Table,
    Id,
    CardId,
    UserId,
    /// JSON: the answer as sent, in the quiz answer shape.
    Answer,
    Score,
    Rating,
    /// Whole days since the card's previous review.
    ElapsedDays,
    AnsweredAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(string_len_null(Users::TimeZone, 64))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ReviewCards::Table)
                    .col(pk_uuid(ReviewCards::Id))
                    .col(uuid(ReviewCards::UserId))
                    .col(string_len(ReviewCards::ModuleId, 128))
                    .col(string_len(ReviewCards::QuestionId, 128))
                    .col(string_len(ReviewCards::Competency, 128))
                    .col(small_integer(ReviewCards::Level))
                    .col(double(ReviewCards::Weight))
                    .col(double(ReviewCards::Stability))
                    .col(double(ReviewCards::Difficulty))
                    .col(integer(ReviewCards::Reps))
                    .col(integer(ReviewCards::Lapses))
                    .col(string_len(ReviewCards::LastRating, 8))
                    .col(timestamp_with_time_zone(ReviewCards::LastReview))
                    .col(timestamp_with_time_zone(ReviewCards::Due))
                    .col(timestamp_with_time_zone(ReviewCards::CreatedAt))
                    .foreign_key(&mut cascade(
                        ReviewCards::Table,
                        ReviewCards::UserId,
                        Users::Table,
                        Users::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_review_cards_user_question")
                    .table(ReviewCards::Table)
                    .col(ReviewCards::UserId)
                    .col(ReviewCards::ModuleId)
                    .col(ReviewCards::QuestionId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_review_cards_user_due")
                    .table(ReviewCards::Table)
                    .col(ReviewCards::UserId)
                    .col(ReviewCards::Due)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ReviewAnswers::Table)
                    .col(pk_uuid(ReviewAnswers::Id))
                    .col(uuid(ReviewAnswers::CardId))
                    .col(uuid(ReviewAnswers::UserId))
                    .col(text(ReviewAnswers::Answer))
                    .col(double(ReviewAnswers::Score))
                    .col(string_len(ReviewAnswers::Rating, 8))
                    .col(integer(ReviewAnswers::ElapsedDays))
                    .col(timestamp_with_time_zone(ReviewAnswers::AnsweredAt))
                    .foreign_key(&mut cascade(
                        ReviewAnswers::Table,
                        ReviewAnswers::CardId,
                        ReviewCards::Table,
                        ReviewCards::Id,
                    ))
                    .foreign_key(&mut cascade(
                        ReviewAnswers::Table,
                        ReviewAnswers::UserId,
                        Users::Table,
                        Users::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_review_answers_user_time")
                    .table(ReviewAnswers::Table)
                    .col(ReviewAnswers::UserId)
                    .col(ReviewAnswers::AnsweredAt)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ReviewAnswers::Table.into_iden(),
            ReviewCards::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .drop_column(Users::TimeZone)
                    .to_owned(),
            )
            .await
    }
}
