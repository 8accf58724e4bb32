//! How a role-play run moves: pure rules over the rendered scene graph.
//!
//! A run stands at one scene. At a normal scene the learner picks a choice by
//! index and moves to its target, gaining the choice's points; at a
//! `.practice` scene they write an answer instead, which goes to the review
//! queue, and the run follows the scene's one link (or ends there if the
//! scene is also `.end`). Arriving at an `.end` scene that asks for nothing
//! more ends the run. At the end each competency scores
//! `max(0, gained) / most that one run can earn`, the maximum coming from the
//! graph analysis (`content::roleplay_graph`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::content::RenderedScene;

/// The longest practice answer kept, in characters.
pub const MAX_PRACTICE_CHARS: usize = 4000;

/// One step of a run, as stored: the scene it was taken in and what the
/// learner did there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub scene: String,
    /// The choice picked (its index in the scene), or None for a practice answer.
    pub choice: Option<usize>,
    /// Points this step earned, per competency (negative for a costly choice).
    pub points: BTreeMap<String, i64>,
}

/// What the learner sends at a scene.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Move {
    Choice(usize),
    Text(String),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoveError {
    #[error("this run has ended; start a new run to play the role-play again")]
    Finished,
    #[error(
        "scene `{scene}` asks for a written answer: send {{\"text\": \"...\"}} instead of a choice"
    )]
    NeedsText { scene: String },
    #[error("scene `{scene}` offers choices: send {{\"choice\": N}} with N from 0 to {last}")]
    NeedsChoice { scene: String, last: usize },
    #[error("scene `{scene}` has choices 0 to {last}; {given} is not one of them")]
    NoSuchChoice {
        scene: String,
        given: usize,
        last: usize,
    },
    #[error("the written answer is empty; write what you would say to the customer")]
    EmptyText,
    #[error(
        "the written answer has {length} characters; shorten it to at most {MAX_PRACTICE_CHARS}"
    )]
    TextTooLong { length: usize },
    #[error("the role-play changed since this run began (scene `{0}` is gone); start a new run")]
    SceneMissing(String),
}

/// The result of one move.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Advance {
    pub step: Step,
    /// Where the run stands now.
    pub scene: String,
    pub finished: bool,
    /// The practice answer to store, trimmed of surrounding blank space
    /// but otherwise as written.
    pub practice_text: Option<String>,
}

pub fn scene<'s>(scenes: &'s [RenderedScene], id: &str) -> Option<&'s RenderedScene> {
    scenes.iter().find(|s| s.id == id)
}

/// Whether a run standing at this scene is over (an end that asks for nothing more).
pub fn ends_here(scene: &RenderedScene) -> bool {
    scene.end && !scene.practice
}

/// Applies one move at scene `current`.
pub fn advance(
    scenes: &[RenderedScene],
    current: &str,
    finished: bool,
    next: Move,
) -> Result<Advance, MoveError> {
    if finished {
        return Err(MoveError::Finished);
    }
    let here = scene(scenes, current).ok_or_else(|| MoveError::SceneMissing(current.to_owned()))?;
    if ends_here(here) {
        return Err(MoveError::Finished);
    }
    let last = here.choices.len().saturating_sub(1);
    let (choice_index, practice_text) = match (here.practice, next) {
        (true, Move::Text(text)) => {
            let trimmed = text.trim();
            if trimmed.is_empty() {
                return Err(MoveError::EmptyText);
            }
            let length = trimmed.chars().count();
            if length > MAX_PRACTICE_CHARS {
                return Err(MoveError::TextTooLong { length });
            }
            (None, Some(trimmed.to_owned()))
        }
        (true, Move::Choice(_)) => {
            return Err(MoveError::NeedsText {
                scene: here.id.clone(),
            });
        }
        (false, Move::Text(_)) => {
            return Err(MoveError::NeedsChoice {
                scene: here.id.clone(),
                last,
            });
        }
        (false, Move::Choice(given)) => {
            if given >= here.choices.len() {
                return Err(MoveError::NoSuchChoice {
                    scene: here.id.clone(),
                    given,
                    last,
                });
            }
            (Some(given), None)
        }
    };
    // A practice scene follows its one (first) link; its points count too.
    let taken = here.choices.get(choice_index.unwrap_or(0));
    let points: BTreeMap<String, i64> = taken
        .map(|c| {
            let mut points = BTreeMap::new();
            for (competency, value) in &c.scores {
                *points.entry(competency.clone()).or_insert(0) += value;
            }
            points
        })
        .unwrap_or_default();
    let step = Step {
        scene: here.id.clone(),
        choice: choice_index,
        points,
    };
    let (next_scene, finished) = match taken {
        // A practice scene that is also an end (or has no link) ends the run.
        None => (here.id.clone(), true),
        Some(_) if here.end => (here.id.clone(), true),
        Some(choice) => {
            let target = scene(scenes, &choice.target)
                .ok_or_else(|| MoveError::SceneMissing(choice.target.clone()))?;
            (target.id.clone(), ends_here(target))
        }
    };
    Ok(Advance {
        step,
        scene: next_scene,
        finished,
        practice_text,
    })
}

/// Points gained per competency over a run's steps.
pub fn gained(steps: &[Step]) -> BTreeMap<String, i64> {
    let mut total = BTreeMap::new();
    for step in steps {
        for (competency, points) in &step.points {
            *total.entry(competency.clone()).or_insert(0) += points;
        }
    }
    total
}

/// The score per competency at the end of a run: gained / maximum possible
/// along the best path, negative totals counting as 0. Competencies with
/// nothing to earn (maximum 0) get no score: a run says nothing about them.
pub fn final_scores(
    gained: &BTreeMap<String, i64>,
    max_by_competency: &BTreeMap<String, i32>,
) -> BTreeMap<String, f64> {
    max_by_competency
        .iter()
        .filter(|(_, max)| **max > 0)
        .map(|(competency, max)| {
            let got = gained.get(competency).copied().unwrap_or(0).max(0);
            #[allow(clippy::cast_precision_loss)]
            let score = (got as f64 / f64::from(*max)).clamp(0.0, 1.0);
            (competency.clone(), score)
        })
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::content::RenderedChoice;

    fn choice(index: usize, target: &str, scores: &[(&str, i64)]) -> RenderedChoice {
        RenderedChoice {
            index,
            html: format!("choice {index}"),
            target: target.to_owned(),
            scores: scores.iter().map(|(c, p)| ((*c).to_owned(), *p)).collect(),
        }
    }

    fn scene_of(
        id: &str,
        end: bool,
        practice: bool,
        choices: Vec<RenderedChoice>,
    ) -> RenderedScene {
        RenderedScene {
            id: id.to_owned(),
            title: id.to_owned(),
            html: String::new(),
            end,
            practice,
            outcome: None,
            choices,
        }
    }

    /// The SPEC 2.4 example: start -> compare -> pitch (practice) -> won, or start -> discount.
    fn spec_example() -> Vec<RenderedScene> {
        vec![
            scene_of(
                "start",
                false,
                false,
                vec![
                    choice(0, "compare", &[("objection-handling", 2)]),
                    choice(1, "discount", &[("negotiation", -2)]),
                ],
            ),
            scene_of(
                "compare",
                false,
                false,
                vec![choice(
                    0,
                    "pitch",
                    &[("objection-handling", 1), ("negotiation", 1)],
                )],
            ),
            scene_of("pitch", false, true, vec![choice(0, "won", &[])]),
            scene_of("won", true, false, vec![]),
            scene_of("discount", true, false, vec![]),
        ]
    }

    #[test]
    fn choices_move_along_the_graph_and_earn_points() {
        let scenes = spec_example();
        let step = advance(&scenes, "start", false, Move::Choice(0)).unwrap();
        assert_eq!(step.scene, "compare");
        assert!(!step.finished);
        assert_eq!(step.step.points.get("objection-handling"), Some(&2));
    }

    #[test]
    fn reaching_an_end_finishes_the_run() {
        let scenes = spec_example();
        let step = advance(&scenes, "start", false, Move::Choice(1)).unwrap();
        assert_eq!(step.scene, "discount");
        assert!(step.finished);
        assert_eq!(
            advance(&scenes, "discount", false, Move::Choice(0)),
            Err(MoveError::Finished)
        );
        assert_eq!(
            advance(&scenes, "start", true, Move::Choice(0)),
            Err(MoveError::Finished)
        );
    }

    #[test]
    fn a_practice_scene_takes_text_and_follows_its_link() {
        let scenes = spec_example();
        let step = advance(
            &scenes,
            "pitch",
            false,
            Move::Text("  Let us run a pilot.\n".into()),
        )
        .unwrap();
        assert_eq!(step.scene, "won");
        assert!(step.finished);
        assert_eq!(step.practice_text.as_deref(), Some("Let us run a pilot."));
        assert_eq!(step.step.choice, None);
    }

    #[test]
    fn a_practice_end_scene_ends_after_the_answer() {
        let scenes = vec![
            scene_of("start", false, false, vec![choice(0, "last", &[("a", 1)])]),
            scene_of("last", true, true, vec![]),
        ];
        let first = advance(&scenes, "start", false, Move::Choice(0)).unwrap();
        assert_eq!(first.scene, "last");
        assert!(!first.finished, "the learner still has to write");
        let second = advance(&scenes, "last", false, Move::Text("done".into())).unwrap();
        assert!(second.finished);
        assert_eq!(second.scene, "last");
    }

    #[test]
    fn wrong_moves_say_what_to_send() {
        let scenes = spec_example();
        let cases = [
            (
                "start",
                Move::Choice(2),
                MoveError::NoSuchChoice {
                    scene: "start".into(),
                    given: 2,
                    last: 1,
                },
            ),
            (
                "start",
                Move::Text("hi".into()),
                MoveError::NeedsChoice {
                    scene: "start".into(),
                    last: 1,
                },
            ),
            (
                "pitch",
                Move::Choice(0),
                MoveError::NeedsText {
                    scene: "pitch".into(),
                },
            ),
            ("pitch", Move::Text(" \n ".into()), MoveError::EmptyText),
            (
                "pitch",
                Move::Text("x".repeat(MAX_PRACTICE_CHARS + 1)),
                MoveError::TextTooLong {
                    length: MAX_PRACTICE_CHARS + 1,
                },
            ),
            (
                "gone",
                Move::Choice(0),
                MoveError::SceneMissing("gone".into()),
            ),
        ];
        for (at, next, expected) in cases {
            assert_eq!(
                advance(&scenes, at, false, next),
                Err(expected.clone()),
                "at {at}"
            );
            assert!(!expected.to_string().is_empty());
        }
    }

    #[test]
    fn long_text_is_counted_in_characters_not_bytes() {
        let scenes = spec_example();
        let chinese = "好".repeat(MAX_PRACTICE_CHARS);
        assert!(advance(&scenes, "pitch", false, Move::Text(chinese)).is_ok());
    }

    #[test]
    fn scores_are_gained_over_maximum_with_negatives_as_zero() {
        let steps = vec![
            Step {
                scene: "a".into(),
                choice: Some(0),
                points: BTreeMap::from([("x".into(), 2), ("y".into(), -3)]),
            },
            Step {
                scene: "b".into(),
                choice: Some(1),
                points: BTreeMap::from([("x".into(), 1)]),
            },
        ];
        let gained = gained(&steps);
        assert_eq!(gained, BTreeMap::from([("x".into(), 3), ("y".into(), -3)]));
        let max = BTreeMap::from([("x".into(), 4), ("y".into(), 2), ("z".into(), 0)]);
        let scores = final_scores(&gained, &max);
        assert_eq!(scores.get("x"), Some(&0.75));
        assert_eq!(scores.get("y"), Some(&0.0));
        assert_eq!(scores.get("z"), None, "nothing to earn, no evidence");
    }
}
