use sea_orm::entity::prelude::*;

/// A learner's free-text answer to a practice scene, waiting for a rubric review.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "practice_answers")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub run_id: Uuid,
    pub user_id: Uuid,
    pub module_id: String,
    pub roleplay: String,
    pub scene_id: String,
    pub text: String,
    pub submitted_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
