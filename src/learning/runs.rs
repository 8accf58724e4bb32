//! Role-play runs against the store: start, move (choice or practice
//! answer), and show a run as a transcript. A move, its practice answer and,
//! at the end, the run's evidence are written in one transaction.

use std::collections::BTreeMap;

use sea_orm::{ConnectionTrait, DatabaseConnection, TransactionTrait};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::access::{self, Access};
use super::roleplay::{self, Move, Step};
use super::{LearningError, from_json, rfc3339, to_json};
use crate::competency::{Source, item_key};
use crate::content::{Catalog, CatalogModule, CatalogRolePlay, RenderedScene};
use crate::store::evidence::{self, NewEvidence};
use crate::store::runs::{self, NewPractice, NewRun, RunRow, RunUpdate};
use crate::store::users::User;
use crate::store::{StoreError, now};

/// A role-play run gives one piece of evidence per competency it scores;
/// a whole conversation counts like one quiz question.
pub const RUN_WEIGHT: f64 = 1.0;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ChoiceView {
    pub index: usize,
    pub text: String,
}

/// A scene as the learner sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SceneView {
    pub id: String,
    pub title: String,
    /// The customer's lines and any narration, sanitized HTML.
    pub html: String,
    /// The learner writes an answer here instead of choosing.
    pub practice: bool,
    pub end: bool,
    /// `won`, `lost`… on an end scene that says so.
    pub outcome: Option<String>,
    pub choices: Vec<ChoiceView>,
}

/// One exchange of the conversation so far.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TranscriptEntry {
    pub scene_id: String,
    pub scene_title: String,
    pub customer_html: String,
    /// The choice the learner picked…
    pub choice_html: Option<String>,
    /// …or what they wrote at a practice scene.
    pub practice_text: Option<String>,
    /// Points this step earned per competency.
    pub points: BTreeMap<String, i64>,
}

/// A step of the best-scoring path, for the debrief.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BestStep {
    pub scene_title: String,
    pub choice_html: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RunView {
    pub run_id: Uuid,
    pub module_id: String,
    pub roleplay: String,
    pub title: String,
    pub finished: bool,
    pub outcome: Option<String>,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub transcript: Vec<TranscriptEntry>,
    /// Where the run stands (the end scene once finished).
    pub scene: Option<SceneView>,
    /// Points gained per competency so far.
    pub points: BTreeMap<String, i64>,
    /// The most one run can earn per competency.
    pub max_points: BTreeMap<String, i32>,
    /// Once finished: gained / maximum per competency (the evidence recorded).
    pub shares: BTreeMap<String, f64>,
    /// Once finished: the path that scores best.
    pub best_path: Vec<BestStep>,
    pub best_outcome: Option<String>,
}

/// The answer to a move: the next scene and, once the run has ended, the scores.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MoveView {
    pub run_id: Uuid,
    pub scene: SceneView,
    pub finished: bool,
    /// Points gained per competency; present once the run has ended.
    pub scores: Option<BTreeMap<String, i64>>,
    /// gained / maximum per competency; present once the run has ended.
    pub shares: Option<BTreeMap<String, f64>>,
}

pub fn roleplay_of<'m>(
    module: &'m CatalogModule,
    name: &str,
) -> Result<&'m CatalogRolePlay, LearningError> {
    module
        .roleplays
        .iter()
        .find(|r| r.name == name)
        .ok_or_else(|| {
            let names: Vec<&str> = module.roleplays.iter().map(|r| r.name.as_str()).collect();
            LearningError::NotFound(if names.is_empty() {
                format!("module `{}` has no role-plays", module.id)
            } else {
                format!(
                    "module `{}` has no role-play `{name}`; its role-plays are: {}",
                    module.id,
                    names.join(", ")
                )
            })
        })
}

pub fn scene_view(scene: &RenderedScene) -> SceneView {
    SceneView {
        id: scene.id.clone(),
        title: scene.title.clone(),
        html: scene.html.clone(),
        practice: scene.practice,
        end: scene.end,
        outcome: scene.outcome.map(str::to_owned),
        choices: if roleplay::ends_here(scene) || scene.practice {
            Vec::new()
        } else {
            scene
                .choices
                .iter()
                .map(|c| ChoiceView {
                    index: c.index,
                    text: c.html.clone(),
                })
                .collect()
        },
    }
}

/// Starts a run at the role-play's first scene.
pub async fn start(
    db: &impl ConnectionTrait,
    module: &CatalogModule,
    name: &str,
    user_id: Uuid,
    language: &str,
) -> Result<(RunRow, SceneView), LearningError> {
    let roleplay = roleplay_of(module, name)?;
    let first = roleplay.scenes.default.first().ok_or_else(|| {
        LearningError::Conflict(format!("role-play `{name}` has no scenes to play"))
    })?;
    let row = runs::insert(
        db,
        NewRun {
            user_id,
            module_id: module.id.clone(),
            roleplay: name.to_owned(),
            language: language.to_owned(),
            scene: first.id.clone(),
            started_at: now(),
        },
    )
    .await?;
    let shown = roleplay::scene(roleplay.scenes.get(language), &first.id).unwrap_or(first);
    Ok((row, scene_view(shown)))
}

/// Loads a run the viewer may see, with their access.
pub async fn load(
    db: &impl ConnectionTrait,
    viewer: &User,
    raw_id: &str,
) -> Result<(RunRow, Access), LearningError> {
    let id = access::parse_id(raw_id, "a run")?;
    let not_found = || format!("there is no role-play run {raw_id} that you can see");
    let row = runs::find(db, id)
        .await?
        .ok_or_else(|| LearningError::NotFound(not_found()))?;
    let access = access::check(db, viewer, row.user_id, not_found).await?;
    Ok((row, access))
}

fn catalog_roleplay<'c>(
    catalog: &'c Catalog,
    row: &RunRow,
) -> Result<(&'c CatalogModule, &'c CatalogRolePlay), LearningError> {
    let gone = || {
        LearningError::Conflict(format!(
            "role-play `{}` of module `{}` is no longer in the catalog; this run cannot go on",
            row.roleplay, row.module_id
        ))
    };
    let module = catalog.module(&row.module_id).ok_or_else(gone)?;
    let roleplay = module
        .roleplays
        .iter()
        .find(|r| r.name == row.roleplay)
        .ok_or_else(gone)?;
    Ok((module, roleplay))
}

/// Applies a move. A finished run refuses (409); a move that lost a race
/// with another on the same run is refused too, and changes nothing.
pub async fn make_move(
    db: &DatabaseConnection,
    catalog: &Catalog,
    row: RunRow,
    next: Move,
    language: &str,
) -> Result<MoveView, LearningError> {
    let (module, roleplay) = catalog_roleplay(catalog, &row)?;
    let scenes = &roleplay.scenes.default;
    let advance = roleplay::advance(scenes, &row.scene, row.finished_at.is_some(), next).map_err(
        |e| match e {
            roleplay::MoveError::Finished | roleplay::MoveError::SceneMissing(_) => {
                LearningError::Conflict(e.to_string())
            }
            other => LearningError::Invalid(other.to_string()),
        },
    )?;
    let mut steps: Vec<Step> = from_json(&row.steps, "run steps")?;
    steps.push(advance.step.clone());
    let gained = roleplay::gained(&steps);
    let at = now();
    let end_scene = roleplay::scene(scenes, &advance.scene);
    let (finished_at, outcome, shares) = if advance.finished {
        let shares = roleplay::final_scores(&gained, &roleplay.analysis.max_by_competency);
        (
            Some(at),
            end_scene.and_then(|s| s.outcome).map(str::to_owned),
            Some(shares),
        )
    } else {
        (None, None, None)
    };

    let _turn = crate::store::write_turn::take(db).await;
    let tx = db.begin().await.map_err(StoreError::from)?;
    let landed = runs::advance(
        &tx,
        row.id,
        row.version,
        RunUpdate {
            scene: advance.scene.clone(),
            steps_json: to_json(&steps)?,
            finished_at,
            outcome: outcome.clone(),
            scores_json: shares.as_ref().map(to_json).transpose()?,
        },
    )
    .await?;
    if !landed {
        tx.rollback().await.map_err(StoreError::from)?;
        return Err(LearningError::Conflict(
            "this run moved on or ended in another window; reload it to see where it stands".into(),
        ));
    }
    if let Some(text) = &advance.practice_text {
        runs::insert_practice(
            &tx,
            NewPractice {
                run_id: row.id,
                user_id: row.user_id,
                module_id: row.module_id.clone(),
                roleplay: row.roleplay.clone(),
                scene_id: advance.step.scene.clone(),
                text: text.clone(),
                submitted_at: at,
            },
        )
        .await?;
    }
    if let Some(shares) = &shares {
        let level = u8::try_from(module.level).unwrap_or(0);
        let rows = shares
            .iter()
            .map(|(competency, score)| NewEvidence {
                competency: competency.clone(),
                level,
                score: *score,
                weight: RUN_WEIGHT,
                source: Source::RolePlay,
                item: item_key::roleplay(&module.id, &roleplay.name),
                origin: Some(row.id),
            })
            .collect();
        evidence::record(&tx, row.user_id, rows, at).await?;
    }
    tx.commit().await.map_err(StoreError::from)?;

    let localized = roleplay.scenes.get(language);
    let shown = roleplay::scene(localized, &advance.scene)
        .or(end_scene)
        .ok_or_else(|| LearningError::Conflict("the role-play changed; start a new run".into()))?;
    Ok(MoveView {
        run_id: row.id,
        scene: scene_view(shown),
        finished: advance.finished,
        scores: shares.as_ref().map(|_| gained.clone()),
        shares,
    })
}

/// The run as a transcript in `language`, with the debrief once finished.
pub async fn view(
    db: &impl ConnectionTrait,
    catalog: &Catalog,
    row: &RunRow,
    language: &str,
) -> Result<RunView, LearningError> {
    let steps: Vec<Step> = from_json(&row.steps, "run steps")?;
    let practice = runs::practice_of_run(db, row.id).await?;
    let mut practice_texts = practice.into_iter().map(|p| p.text);
    let found = catalog_roleplay(catalog, row).ok();
    let scenes: &[RenderedScene] = found.map_or(&[], |(_, r)| r.scenes.get(language));
    let transcript = steps
        .iter()
        .map(|step| {
            let scene = roleplay::scene(scenes, &step.scene);
            TranscriptEntry {
                scene_id: step.scene.clone(),
                scene_title: scene.map_or_else(|| step.scene.clone(), |s| s.title.clone()),
                customer_html: scene.map(|s| s.html.clone()).unwrap_or_default(),
                choice_html: step
                    .choice
                    .and_then(|i| scene.and_then(|s| s.choices.get(i)))
                    .map(|c| c.html.clone()),
                practice_text: if step.choice.is_none() {
                    practice_texts.next()
                } else {
                    None
                },
                points: step.points.clone(),
            }
        })
        .collect();
    let finished = row.finished_at.is_some();
    let shares: BTreeMap<String, f64> = match &row.scores {
        Some(raw) => from_json(raw, "run scores")?,
        None => BTreeMap::new(),
    };
    let (best_path, best_outcome, max_points, title) = match found {
        Some((_, roleplay)) => {
            let analysis = &roleplay.analysis;
            let best = if finished {
                analysis
                    .best_path
                    .iter()
                    .zip(&analysis.best_choices)
                    .filter_map(|(scene_id, &choice)| {
                        let scene = roleplay::scene(scenes, scene_id)?;
                        Some(BestStep {
                            scene_title: scene.title.clone(),
                            choice_html: scene.choices.get(choice)?.html.clone(),
                        })
                    })
                    .collect()
            } else {
                Vec::new()
            };
            (
                best,
                analysis
                    .best_outcome
                    .as_ref()
                    .map(|o| o.as_str().to_owned()),
                analysis.max_by_competency.clone(),
                roleplay.title.get(language).clone(),
            )
        }
        None => (Vec::new(), None, BTreeMap::new(), row.roleplay.clone()),
    };
    Ok(RunView {
        run_id: row.id,
        module_id: row.module_id.clone(),
        roleplay: row.roleplay.clone(),
        title,
        finished,
        outcome: row.outcome.clone(),
        started_at: rfc3339(row.started_at),
        finished_at: row.finished_at.map(rfc3339),
        transcript,
        scene: roleplay::scene(scenes, &row.scene).map(scene_view),
        points: roleplay::gained(&steps),
        max_points,
        shares,
        best_path,
        best_outcome,
    })
}

/// A finished run's score in one number: the mean of its per-competency
/// shares (the stored `scores` JSON), 0 when it has none.
pub fn average_share(scores_json: Option<&str>) -> f64 {
    let shares: BTreeMap<String, f64> = scores_json
        .and_then(|s| serde_json::from_str(s).ok())
        .unwrap_or_default();
    if shares.is_empty() {
        0.0
    } else {
        shares.values().sum::<f64>() / shares.len() as f64
    }
}
