//! Daily review: every quiz question a learner has answered becomes a card
//! scheduled with FSRS, so what is not practised comes back before it is
//! forgotten, and what is forgotten shows as weaker evidence.

pub mod cards;
pub mod fading;
pub mod retention;
pub mod scheduler;
