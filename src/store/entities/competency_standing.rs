use sea_orm::entity::prelude::*;

/// A learner's current level and mastery in one competency, recomputed from
/// their evidence whenever evidence about that competency is added.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "competency_standings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub competency: String,
    pub level: i16,
    /// JSON: mastery 0..1 per level with evidence, keyed "1".."5".
    pub mastery: String,
    pub evidence_count: i32,
    pub computed_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
