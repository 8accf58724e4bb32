use sea_orm::entity::prelude::*;

/// One answer given in daily review (the card's history).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "review_answers")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub card_id: Uuid,
    pub user_id: Uuid,
    /// JSON: the answer as sent.
    pub answer: String,
    pub score: f64,
    pub rating: String,
    pub elapsed_days: i32,
    pub answered_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
