//! When each review card starts to fade: the moment it has been overdue
//! for as long as its last interval (`due + (due - last_review)`). From
//! then on its question's result counts less and less, so the server
//! refreshes that learner's stored standings as time passes, not only when
//! new evidence arrives. The application fills the column for cards that
//! existed before this migration (see `store::migrate`).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::timestamp_with_time_zone_null;

use crate::support::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ReviewCards {
    Table,
    FadesAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(ReviewCards::Table)
                    .add_column(timestamp_with_time_zone_null(ReviewCards::FadesAt))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_review_cards_fades_at",
            ReviewCards::Table,
            vec![ReviewCards::FadesAt.into_iden()],
            false,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_review_cards_fades_at")
                    .table(ReviewCards::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(ReviewCards::Table)
                    .drop_column(ReviewCards::FadesAt)
                    .to_owned(),
            )
            .await
    }
}
