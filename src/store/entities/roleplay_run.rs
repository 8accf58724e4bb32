use sea_orm::entity::prelude::*;

/// One run through a role-play: where it is, the path taken so far, and once finished the outcome and scores.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "roleplay_runs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    pub module_id: String,
    pub roleplay: String,
    pub language: String,
    /// The scene the learner is at (the last scene once finished).
    pub scene: String,
    /// JSON: every step taken, with the points it earned.
    pub steps: String,
    pub version: i32,
    pub started_at: TimeDateTimeWithTimeZone,
    pub finished_at: Option<TimeDateTimeWithTimeZone>,
    pub outcome: Option<String>,
    /// JSON: the score per competency (gained / maximum), once finished.
    pub scores: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
