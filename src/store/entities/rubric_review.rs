use sea_orm::entity::prelude::*;

/// A trainer's or manager's scores for one practice answer. A later review
/// of the same answer supersedes this one; both are kept.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "rubric_reviews")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub practice_answer_id: Uuid,
    pub reviewer_id: Option<Uuid>,
    /// JSON: points per rubric criterion, in rubric order.
    pub scores: String,
    /// JSON: the rubric as it was when scored.
    pub rubric: String,
    pub comment: String,
    pub reviewed_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
