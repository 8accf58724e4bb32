use sea_orm::entity::prelude::*;

/// One piece of evidence about a learner's competency (SPEC section 3); never updated, only added.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "evidence")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    pub competency: String,
    pub level: i16,
    pub score: f64,
    pub weight: f64,
    pub source: String,
    pub item: String,
    pub origin: Option<Uuid>,
    pub recorded_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
