use sea_orm::entity::prelude::*;

/// One attempt at a module's quiz: what it showed, and once submitted, the answers and result.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "quiz_attempts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    pub module_id: String,
    pub number: i32,
    pub language: String,
    /// JSON: the questions in the order shown, with their option order.
    pub questions: String,
    pub started_at: TimeDateTimeWithTimeZone,
    pub submitted_at: Option<TimeDateTimeWithTimeZone>,
    pub duration_seconds: Option<i32>,
    /// JSON: the answers as submitted, by question id.
    pub answers: Option<String>,
    /// JSON: the score of each question.
    pub result: Option<String>,
    pub score: Option<f64>,
    pub passed: Option<bool>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
