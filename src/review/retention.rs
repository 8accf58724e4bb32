//! Forgetting as evidence: a quiz or review result whose card is overdue by
//! more than its interval counts at the card's retrievability (the FSRS
//! chance of still recalling it), so a fading skill shows before the
//! learner is tested again.

use std::collections::HashMap;

use time::OffsetDateTime;

use super::cards::state_of;
use super::scheduler::evidence_retention;
use crate::competency::{Evidence, Source};
use crate::store::review_cards::CardRow;

/// Sets `retention` on the quiz and review rows of `history` from the
/// learner's cards at `now` (rows without a card keep 1).
pub fn apply(history: &mut [Evidence], cards: &[CardRow], now: OffsetDateTime) {
    if cards.is_empty() {
        return;
    }
    let by_item: HashMap<(&str, &str), &CardRow> = cards
        .iter()
        .map(|c| ((c.module_id.as_str(), c.question_id.as_str()), c))
        .collect();
    for row in history.iter_mut() {
        if !matches!(row.source, Source::QuizQuestion | Source::DailyReview) {
            continue;
        }
        let Some((_, path)) = row.item.split_once(':') else {
            continue;
        };
        let Some((module, question)) = path.split_once('/') else {
            continue;
        };
        if let Some(card) = by_item.get(&(module, question)) {
            row.retention = evidence_retention(&state_of(card), now);
        }
    }
}
