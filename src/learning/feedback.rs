//! Course feedback: at the end of every module a learner rates how useful
//! and how clear it was (1 to 5) with an optional comment, once per module;
//! sending it again replaces it.

use sea_orm::ConnectionTrait;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{LearningError, rfc3339};
use crate::store::{feedback, now};

/// The longest comment kept, in characters.
pub const MAX_COMMENT_CHARS: usize = 2000;

/// `PUT /api/v1/modules/{id}/feedback`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeedbackInput {
    /// 1 (not useful) to 5 (very useful).
    pub usefulness: i64,
    /// 1 (confusing) to 5 (very clear).
    pub clarity: i64,
    #[serde(default)]
    pub comment: String,
}

/// The learner's feedback on a module.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FeedbackView {
    pub module_id: String,
    pub usefulness: i16,
    pub clarity: i16,
    pub comment: String,
    pub created_at: String,
    pub updated_at: String,
}

pub(super) fn view(row: feedback::FeedbackRow) -> FeedbackView {
    FeedbackView {
        module_id: row.module_id,
        usefulness: row.usefulness,
        clarity: row.clarity,
        comment: row.comment,
        created_at: rfc3339(row.created_at),
        updated_at: rfc3339(row.updated_at),
    }
}

/// Checks the ratings and comment; every problem is named.
pub fn check(input: &FeedbackInput) -> Result<(i16, i16, String), LearningError> {
    let mut problems = Vec::new();
    let rating = |name: &str, value: i64, problems: &mut Vec<String>| {
        if (1..=5).contains(&value) {
            i16::try_from(value).unwrap_or(1)
        } else {
            problems.push(format!(
                "`{name}` is a rating from 1 to 5; you sent {value}"
            ));
            1
        }
    };
    let usefulness = rating("usefulness", input.usefulness, &mut problems);
    let clarity = rating("clarity", input.clarity, &mut problems);
    let comment = input.comment.trim().to_owned();
    let length = comment.chars().count();
    if length > MAX_COMMENT_CHARS {
        problems.push(format!(
            "the comment is {length} characters long; keep it under {MAX_COMMENT_CHARS}"
        ));
    }
    if problems.is_empty() {
        Ok((usefulness, clarity, comment))
    } else {
        Err(LearningError::Invalid(problems.join("; ")))
    }
}

/// Stores (or replaces) the learner's feedback on the module.
pub async fn give(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    module_id: &str,
    input: &FeedbackInput,
) -> Result<FeedbackView, LearningError> {
    let (usefulness, clarity, comment) = check(input)?;
    feedback::upsert(db, user_id, module_id, usefulness, clarity, &comment, now()).await?;
    mine(db, user_id, module_id)
        .await?
        .ok_or_else(|| LearningError::NotFound("the feedback was not stored; send it again".into()))
}

pub async fn mine(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    module_id: &str,
) -> Result<Option<FeedbackView>, LearningError> {
    Ok(feedback::of_learner(db, user_id, module_id)
        .await?
        .map(view))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(usefulness: i64, clarity: i64, comment: &str) -> FeedbackInput {
        FeedbackInput {
            usefulness,
            clarity,
            comment: comment.to_owned(),
        }
    }

    #[test]
    fn ratings_run_from_one_to_five() {
        assert!(check(&input(1, 5, "")).is_ok());
        let message = check(&input(0, 6, "")).map(|_| ()).unwrap_err().to_string();
        assert!(
            message.contains("`usefulness` is a rating from 1 to 5; you sent 0"),
            "{message}"
        );
        assert!(
            message.contains("`clarity` is a rating from 1 to 5; you sent 6"),
            "{message}"
        );
    }

    #[test]
    fn comments_are_trimmed_and_limited() {
        assert_eq!(
            check(&input(3, 3, "  ok  ")).map(|c| c.2).ok(),
            Some("ok".to_owned())
        );
        let long = "字".repeat(MAX_COMMENT_CHARS + 1);
        assert!(check(&input(3, 3, &long)).is_err());
    }
}
