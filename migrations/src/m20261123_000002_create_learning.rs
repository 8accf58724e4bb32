//! Learning: path enrolments, lesson completions, quiz attempts, role-play
//! runs and their practice answers, manager assignments, and the evidence
//! rows the competency model reads (SPEC section 3).
//!
//! JSON-shaped columns (an attempt's questions and answers, a run's steps)
//! are plain text holding JSON written by the application, so SQLite and
//! PostgreSQL store them identically.

use sea_orm_migration::prelude::*;

use crate::support::{cascade_to_user, index};
use sea_orm_migration::schema::{
    boolean_null, double, double_null, integer, integer_null, pk_uuid, small_integer, string,
    string_len, string_len_null, text, text_null, timestamp_with_time_zone,
    timestamp_with_time_zone_null, uuid, uuid_null,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Enrolments {
    Table,
    Id,
    UserId,
    PathId,
    EnrolledAt,
}

#[derive(DeriveIden)]
enum ModuleCompletions {
    Table,
    UserId,
    ModuleId,
    CompletedAt,
}

#[derive(DeriveIden)]
enum QuizAttempts {
    Table,
    Id,
    UserId,
    ModuleId,
    Number,
    Language,
    Questions,
    StartedAt,
    SubmittedAt,
    DurationSeconds,
    Answers,
    Result,
    Score,
    Passed,
}

#[derive(DeriveIden)]
enum RoleplayRuns {
    Table,
    Id,
    UserId,
    ModuleId,
    Roleplay,
    Language,
    Scene,
    Steps,
    Version,
    StartedAt,
    FinishedAt,
    Outcome,
    Scores,
}

#[derive(DeriveIden)]
enum PracticeAnswers {
    Table,
    Id,
    RunId,
    UserId,
    ModuleId,
    Roleplay,
    SceneId,
    Text,
    SubmittedAt,
}

#[derive(DeriveIden)]
enum Assignments {
    Table,
    Id,
    UserId,
    ModuleId,
    AssignedBy,
    DueAt,
    AssignedAt,
    CompletedAt,
}

#[derive(DeriveIden)]
enum Evidence {
    Table,
    Id,
    UserId,
    Competency,
    Level,
    Score,
    Weight,
    Source,
    Item,
    Origin,
    RecordedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Enrolments::Table)
                    .col(pk_uuid(Enrolments::Id))
                    .col(uuid(Enrolments::UserId))
                    .col(string_len(Enrolments::PathId, 128))
                    .col(timestamp_with_time_zone(Enrolments::EnrolledAt))
                    .foreign_key(&mut cascade_to_user(Enrolments::Table, Enrolments::UserId))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_enrolments_user_path",
            Enrolments::Table,
            vec![
                Enrolments::UserId.into_iden(),
                Enrolments::PathId.into_iden(),
            ],
            true,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(ModuleCompletions::Table)
                    .col(uuid(ModuleCompletions::UserId))
                    .col(string_len(ModuleCompletions::ModuleId, 128))
                    .col(timestamp_with_time_zone(ModuleCompletions::CompletedAt))
                    .primary_key(
                        Index::create()
                            .col(ModuleCompletions::UserId)
                            .col(ModuleCompletions::ModuleId),
                    )
                    .foreign_key(&mut cascade_to_user(
                        ModuleCompletions::Table,
                        ModuleCompletions::UserId,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(QuizAttempts::Table)
                    .col(pk_uuid(QuizAttempts::Id))
                    .col(uuid(QuizAttempts::UserId))
                    .col(string_len(QuizAttempts::ModuleId, 128))
                    // 1 for a learner's first attempt at a module's quiz, 2 for
                    // the next...: the unique index makes the attempts limit
                    // hold when two attempts are started at the same moment.
                    .col(integer(QuizAttempts::Number))
                    .col(string_len(QuizAttempts::Language, 16))
                    .col(text(QuizAttempts::Questions))
                    .col(timestamp_with_time_zone(QuizAttempts::StartedAt))
                    .col(timestamp_with_time_zone_null(QuizAttempts::SubmittedAt))
                    .col(integer_null(QuizAttempts::DurationSeconds))
                    .col(text_null(QuizAttempts::Answers))
                    .col(text_null(QuizAttempts::Result))
                    .col(double_null(QuizAttempts::Score))
                    .col(boolean_null(QuizAttempts::Passed))
                    .foreign_key(&mut cascade_to_user(
                        QuizAttempts::Table,
                        QuizAttempts::UserId,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_quiz_attempts_user_module_number",
            QuizAttempts::Table,
            vec![
                QuizAttempts::UserId.into_iden(),
                QuizAttempts::ModuleId.into_iden(),
                QuizAttempts::Number.into_iden(),
            ],
            true,
        )
        .await?;
        index(
            manager,
            "idx_quiz_attempts_module",
            QuizAttempts::Table,
            vec![QuizAttempts::ModuleId.into_iden()],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(RoleplayRuns::Table)
                    .col(pk_uuid(RoleplayRuns::Id))
                    .col(uuid(RoleplayRuns::UserId))
                    .col(string_len(RoleplayRuns::ModuleId, 128))
                    .col(string_len(RoleplayRuns::Roleplay, 128))
                    .col(string_len(RoleplayRuns::Language, 16))
                    .col(string_len(RoleplayRuns::Scene, 128))
                    .col(text(RoleplayRuns::Steps))
                    // Bumped by every choice; a choice only lands if the run
                    // is still at the version it was read at, so two choices
                    // sent at once cannot both move the run.
                    .col(integer(RoleplayRuns::Version))
                    .col(timestamp_with_time_zone(RoleplayRuns::StartedAt))
                    .col(timestamp_with_time_zone_null(RoleplayRuns::FinishedAt))
                    .col(string_len_null(RoleplayRuns::Outcome, 32))
                    .col(text_null(RoleplayRuns::Scores))
                    .foreign_key(&mut cascade_to_user(
                        RoleplayRuns::Table,
                        RoleplayRuns::UserId,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_roleplay_runs_user",
            RoleplayRuns::Table,
            vec![
                RoleplayRuns::UserId.into_iden(),
                RoleplayRuns::ModuleId.into_iden(),
            ],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(PracticeAnswers::Table)
                    .col(pk_uuid(PracticeAnswers::Id))
                    .col(uuid(PracticeAnswers::RunId))
                    .col(uuid(PracticeAnswers::UserId))
                    .col(string_len(PracticeAnswers::ModuleId, 128))
                    .col(string_len(PracticeAnswers::Roleplay, 128))
                    .col(string_len(PracticeAnswers::SceneId, 128))
                    .col(text(PracticeAnswers::Text))
                    .col(timestamp_with_time_zone(PracticeAnswers::SubmittedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(PracticeAnswers::Table, PracticeAnswers::RunId)
                            .to(RoleplayRuns::Table, RoleplayRuns::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(&mut cascade_to_user(
                        PracticeAnswers::Table,
                        PracticeAnswers::UserId,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_practice_answers_run",
            PracticeAnswers::Table,
            vec![PracticeAnswers::RunId.into_iden()],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Assignments::Table)
                    .col(pk_uuid(Assignments::Id))
                    .col(uuid(Assignments::UserId))
                    .col(string_len(Assignments::ModuleId, 128))
                    .col(uuid_null(Assignments::AssignedBy))
                    .col(timestamp_with_time_zone(Assignments::DueAt))
                    .col(timestamp_with_time_zone(Assignments::AssignedAt))
                    .col(timestamp_with_time_zone_null(Assignments::CompletedAt))
                    .foreign_key(&mut cascade_to_user(
                        Assignments::Table,
                        Assignments::UserId,
                    ))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Assignments::Table, Assignments::AssignedBy)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_assignments_user",
            Assignments::Table,
            vec![Assignments::UserId.into_iden()],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Evidence::Table)
                    .col(pk_uuid(Evidence::Id))
                    .col(uuid(Evidence::UserId))
                    .col(string_len(Evidence::Competency, 128))
                    .col(small_integer(Evidence::Level))
                    .col(double(Evidence::Score))
                    .col(double(Evidence::Weight))
                    .col(string_len(Evidence::Source, 16))
                    .col(string(Evidence::Item))
                    .col(uuid_null(Evidence::Origin))
                    .col(timestamp_with_time_zone(Evidence::RecordedAt))
                    .foreign_key(&mut cascade_to_user(Evidence::Table, Evidence::UserId))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_evidence_user_competency",
            Evidence::Table,
            vec![
                Evidence::UserId.into_iden(),
                Evidence::Competency.into_iden(),
            ],
            false,
        )
        .await?;
        index(
            manager,
            "idx_evidence_origin",
            Evidence::Table,
            vec![Evidence::Origin.into_iden()],
            false,
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Evidence::Table.into_iden(),
            Assignments::Table.into_iden(),
            PracticeAnswers::Table.into_iden(),
            RoleplayRuns::Table.into_iden(),
            QuizAttempts::Table.into_iden(),
            ModuleCompletions::Table.into_iden(),
            Enrolments::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
