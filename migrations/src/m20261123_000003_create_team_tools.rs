//! Team tools: per-learner competency standings kept current on every
//! evidence write (so a manager's heatmap reads one row per member and
//! competency instead of replaying a million evidence rows), trainers'
//! rubric reviews of practice answers, learners' course feedback, and the
//! indexes item analysis and the overdue list read by.

use sea_orm_migration::prelude::*;

use crate::support::{cascade_to_user, index};
use sea_orm_migration::schema::{
    integer, pk_uuid, small_integer, string_len, text, timestamp_with_time_zone, uuid, uuid_null,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum PracticeAnswers {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum QuizAttempts {
    Table,
    ModuleId,
    Number,
}

#[derive(DeriveIden)]
enum RoleplayRuns {
    Table,
    ModuleId,
    Roleplay,
}

#[derive(DeriveIden)]
enum Assignments {
    Table,
    DueAt,
    CompletedAt,
}

#[derive(DeriveIden)]
enum CompetencyStandings {
    Table,
    UserId,
    Competency,
    Level,
    /// JSON: mastery 0..1 per level with evidence, keyed "1".."5".
    Mastery,
    EvidenceCount,
    ComputedAt,
}

#[derive(DeriveIden)]
enum RubricReviews {
    Table,
    Id,
    PracticeAnswerId,
    ReviewerId,
    /// JSON: the points given per rubric criterion, in rubric order.
    Scores,
    /// JSON: the rubric as it was when scored (criterion, competency, points).
    Rubric,
    Comment,
    ReviewedAt,
}

#[derive(DeriveIden)]
enum ModuleFeedback {
    Table,
    UserId,
    ModuleId,
    Usefulness,
    Clarity,
    Comment,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(CompetencyStandings::Table)
                    .col(uuid(CompetencyStandings::UserId))
                    .col(string_len(CompetencyStandings::Competency, 128))
                    .col(small_integer(CompetencyStandings::Level))
                    .col(text(CompetencyStandings::Mastery))
                    .col(integer(CompetencyStandings::EvidenceCount))
                    .col(timestamp_with_time_zone(CompetencyStandings::ComputedAt))
                    .primary_key(
                        Index::create()
                            .col(CompetencyStandings::UserId)
                            .col(CompetencyStandings::Competency),
                    )
                    .foreign_key(&mut cascade_to_user(
                        CompetencyStandings::Table,
                        CompetencyStandings::UserId,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(RubricReviews::Table)
                    .col(pk_uuid(RubricReviews::Id))
                    .col(uuid(RubricReviews::PracticeAnswerId))
                    .col(uuid_null(RubricReviews::ReviewerId))
                    .col(text(RubricReviews::Scores))
                    .col(text(RubricReviews::Rubric))
                    .col(text(RubricReviews::Comment))
                    .col(timestamp_with_time_zone(RubricReviews::ReviewedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(RubricReviews::Table, RubricReviews::PracticeAnswerId)
                            .to(PracticeAnswers::Table, PracticeAnswers::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(RubricReviews::Table, RubricReviews::ReviewerId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_rubric_reviews_answer",
            RubricReviews::Table,
            vec![RubricReviews::PracticeAnswerId.into_iden()],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(ModuleFeedback::Table)
                    .col(uuid(ModuleFeedback::UserId))
                    .col(string_len(ModuleFeedback::ModuleId, 128))
                    .col(small_integer(ModuleFeedback::Usefulness))
                    .col(small_integer(ModuleFeedback::Clarity))
                    .col(text(ModuleFeedback::Comment))
                    .col(timestamp_with_time_zone(ModuleFeedback::CreatedAt))
                    .col(timestamp_with_time_zone(ModuleFeedback::UpdatedAt))
                    .primary_key(
                        Index::create()
                            .col(ModuleFeedback::UserId)
                            .col(ModuleFeedback::ModuleId),
                    )
                    .foreign_key(&mut cascade_to_user(
                        ModuleFeedback::Table,
                        ModuleFeedback::UserId,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_module_feedback_module",
            ModuleFeedback::Table,
            vec![ModuleFeedback::ModuleId.into_iden()],
            false,
        )
        .await?;

        index(
            manager,
            "idx_quiz_attempts_module_number",
            QuizAttempts::Table,
            vec![
                QuizAttempts::ModuleId.into_iden(),
                QuizAttempts::Number.into_iden(),
            ],
            false,
        )
        .await?;
        index(
            manager,
            "idx_roleplay_runs_module_roleplay",
            RoleplayRuns::Table,
            vec![
                RoleplayRuns::ModuleId.into_iden(),
                RoleplayRuns::Roleplay.into_iden(),
            ],
            false,
        )
        .await?;
        index(
            manager,
            "idx_assignments_due",
            Assignments::Table,
            vec![
                Assignments::CompletedAt.into_iden(),
                Assignments::DueAt.into_iden(),
            ],
            false,
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table) in [
            ("idx_assignments_due", Assignments::Table.into_iden()),
            (
                "idx_roleplay_runs_module_roleplay",
                RoleplayRuns::Table.into_iden(),
            ),
            (
                "idx_quiz_attempts_module_number",
                QuizAttempts::Table.into_iden(),
            ),
        ] {
            manager
                .drop_index(Index::drop().name(name).table(table).to_owned())
                .await?;
        }
        for table in [
            ModuleFeedback::Table.into_iden(),
            RubricReviews::Table.into_iden(),
            CompetencyStandings::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
