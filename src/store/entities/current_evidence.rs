use sea_orm::entity::prelude::*;

/// Which evidence row is a learner's current result for one item: one row
/// per learner, competency and supersession key.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "current_evidence")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub competency: String,
    /// The item key with the `review` family read as `quiz`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub item_key: String,
    pub evidence_id: Uuid,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
