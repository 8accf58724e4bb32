//! sea-orm entities, one per table of the migrations crate.

pub mod api_token;
pub mod assignment;
pub mod competency_standing;
pub mod current_evidence;
pub mod enrolment;
pub mod evidence;
pub mod learner_standing;
pub mod login_attempt;
pub mod module_completion;
pub mod module_feedback;
pub mod practice_answer;
pub mod quiz_attempt;
pub mod review_answer;
pub mod review_card;
pub mod roleplay_run;
pub mod rubric_review;
pub mod session;
pub mod team;
pub mod team_member;
pub mod user;
pub mod user_role;
