use sea_orm::entity::prelude::*;

/// A learner's FSRS review card for one quiz question.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "review_cards")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    pub module_id: String,
    pub question_id: String,
    /// The question's competency, level and weight when the card was made.
    pub competency: String,
    pub level: i16,
    pub weight: f64,
    pub stability: f64,
    pub difficulty: f64,
    pub reps: i32,
    pub lapses: i32,
    /// `again`, `hard` or `good`.
    pub last_rating: String,
    pub last_review: TimeDateTimeWithTimeZone,
    pub due: TimeDateTimeWithTimeZone,
    pub created_at: TimeDateTimeWithTimeZone,
    /// `due + (due - last_review)`: from then on the card's result fades.
    /// Empty only between the migration that added it and the first start.
    pub fades_at: Option<TimeDateTimeWithTimeZone>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
