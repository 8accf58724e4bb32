use sea_orm::entity::prelude::*;

/// All of one learner's competency standings in one JSON document: what a
/// team heatmap reads, one row per member.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "learner_standings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: Uuid,
    /// JSON: `[{"competency", "level", "mastery": {"1": 0.9}, "evidence"}]`.
    pub standings: String,
    pub computed_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
