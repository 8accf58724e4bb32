//! What a role-play's scene graph adds up to, and a drawing of it for the
//! trainer's preview page.
//!
//! `analyse` finds the best path and, per competency, the most a learner can
//! earn on one run: that maximum is the denominator of the learner's score.
//! `render_svg` draws the scenes as a layered graph, top to bottom, as a
//! standalone SVG string. Both are pure: the parsed role-play in, a value out.
//!
//! The graph the learner plays is not quite the graph as written: an `.end`
//! scene stops the run (its choices are never shown), and a `.practice`
//! scene follows only its first link, as SPEC 2.4 says ("then follows its
//! one link"). The validator reports files that write more than that; the
//! analysis follows what a run would do, so its figures match the runtime.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use serde::Serialize;

use crate::content::{Choice, Outcome, RolePlay, Scene};
use crate::svg_text::{escape, num, text_width, truncate, wrap};

/// `Analysis::paths_count` stops counting here: the number only tells a
/// trainer "a few" from "very many", and a densely linked file could
/// otherwise have more paths than a `u64` holds.
pub const PATHS_COUNT_CAP: u64 = 10_000;

/// What the scene graph of one role-play adds up to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Analysis {
    /// Scene ids from the start (the first scene) to an `.end` scene along
    /// the path with the highest total over all competencies; ties go to
    /// the shorter path, then to the earlier choice at the first scene
    /// where the paths part. Empty when no path reaches an end.
    pub best_path: Vec<String>,
    /// The choice taken in each scene of `best_path` but the last (its
    /// position in `Scene::choices`, which is also `Choice::index`).
    pub best_choices: Vec<usize>,
    /// The points of `best_path`, all competencies together.
    pub best_total: i32,
    /// The outcome of the last scene of `best_path`.
    pub best_outcome: Option<Outcome>,
    /// For every competency the role-play lists or scores: the most points
    /// one run from the start to an end can earn in it. The learner's score
    /// is `gained / maximum`. A competency that every path only costs is
    /// clamped to 0 (a negative denominator would turn a loss into a gain);
    /// callers must treat 0 as "nothing to earn here" and not divide by it.
    pub max_by_competency: BTreeMap<String, i32>,
    /// The `.end` scenes reachable from the start, in file order, with their
    /// outcome (`None` when the heading has none; the validator reports it).
    pub endings: Vec<(String, Option<Outcome>)>,
    /// Distinct runs from the start to an end, at most `PATHS_COUNT_CAP`.
    pub paths_count: u64,
    /// Choices treated as dead ends because they return to a scene already
    /// on the path (scene id, choice index). Role-plays should be acyclic,
    /// so this is normally empty; see `analyse` for how cycles are cut.
    pub cut_choices: Vec<(String, usize)>,
    /// Scenes no run can reach, in file order; the analysis ignores them.
    pub unreachable: Vec<String>,
}

/// Walks the scene graph from the first scene.
///
/// Every figure is exact on an acyclic role-play, in time linear in the
/// number of choices. A cycle must not hang the server or overflow its
/// stack, and trying every simple path through one is exponential, so a
/// cycle is cut where a depth-first walk from the start (choices in file
/// order) first returns to a scene on its current path: that choice counts
/// as a dead end, and every path the analysis considers visits a scene at
/// most once. Points add up saturating at the bounds of `i32`.
pub fn analyse(roleplay: &RolePlay) -> Analysis {
    let graph = Graph::build(roleplay);
    let scenes = &roleplay.scenes;
    let count = scenes.len();
    let width = graph.competencies.len();
    let mut best: Vec<Option<Best>> = vec![None; count];
    let mut maxima: Vec<Vec<Option<i32>>> = vec![Vec::new(); count];
    let mut paths: Vec<u64> = vec![0; count];
    // Post-order: every scene after the scenes its uncut choices lead to.
    for &scene in &graph.postorder {
        if scenes[scene].end {
            best[scene] = Some(Best {
                total: 0,
                steps: 0,
                edge: None,
            });
            maxima[scene] = vec![Some(0); width];
            paths[scene] = 1;
            continue;
        }
        let mut here: Option<Best> = None;
        let mut here_maxima: Vec<Option<i32>> = vec![None; width];
        let mut here_paths = 0u64;
        for (index, edge) in graph.edges[scene].iter().enumerate() {
            if edge.cut {
                continue;
            }
            // `None`: no end can be reached from there.
            let Some(next) = best[edge.target] else {
                continue;
            };
            let total = edge.total.saturating_add(next.total);
            let steps = next.steps + 1;
            // Strictly better only, so among equals the earlier choice stays.
            if here.is_none_or(|b| total > b.total || (total == b.total && steps < b.steps)) {
                here = Some(Best {
                    total,
                    steps,
                    edge: Some(index),
                });
            }
            for ((slot, points), after) in here_maxima
                .iter_mut()
                .zip(&edge.points)
                .zip(&maxima[edge.target])
            {
                if let Some(after) = after {
                    let value = points.saturating_add(*after);
                    *slot = Some(slot.map_or(value, |current| current.max(value)));
                }
            }
            here_paths = here_paths
                .saturating_add(paths[edge.target])
                .min(PATHS_COUNT_CAP);
        }
        best[scene] = here;
        maxima[scene] = here_maxima;
        paths[scene] = here_paths;
    }

    let mut best_path = Vec::new();
    let mut best_choices = Vec::new();
    let mut best_outcome = None;
    if let Some(Some(start)) = best.first() {
        let mut scene = 0;
        best_path.push(scenes[scene].id.value.clone());
        let mut next_edge = start.edge;
        // Every step goes to a scene later in post-order, so this ends;
        // the bound only guards against a mistake here turning into a hang.
        while let Some(index) = next_edge {
            if best_path.len() > count {
                break;
            }
            let edge = &graph.edges[scene][index];
            best_choices.push(edge.choice);
            scene = edge.target;
            best_path.push(scenes[scene].id.value.clone());
            next_edge = best[scene].and_then(|b| b.edge);
        }
        best_outcome = scenes[scene].outcome.as_ref().map(|o| o.value);
    }
    let start_maxima = maxima.first();
    let max_by_competency = graph
        .competencies
        .iter()
        .enumerate()
        .map(|(index, competency)| {
            let maximum = start_maxima
                .and_then(|m| m.get(index).copied().flatten())
                .unwrap_or(0);
            (competency.clone(), maximum.max(0))
        })
        .collect();
    let endings = scenes
        .iter()
        .zip(&graph.reachable)
        .filter(|(scene, reachable)| **reachable && scene.end)
        .map(|(scene, _)| {
            (
                scene.id.value.clone(),
                scene.outcome.as_ref().map(|o| o.value),
            )
        })
        .collect();
    let cut_choices = graph
        .edges
        .iter()
        .enumerate()
        .flat_map(|(scene, edges)| {
            edges
                .iter()
                .filter(|edge| edge.cut)
                .map(move |edge| (scene, edge.choice))
        })
        .map(|(scene, choice)| (scenes[scene].id.value.clone(), choice))
        .collect();
    let unreachable = scenes
        .iter()
        .zip(&graph.reachable)
        .filter(|(_, reachable)| !**reachable)
        .map(|(scene, _)| scene.id.value.clone())
        .collect();
    Analysis {
        best_path,
        best_choices,
        best_total: best.first().copied().flatten().map_or(0, |b| b.total),
        best_outcome,
        max_by_competency,
        endings,
        paths_count: paths.first().copied().unwrap_or(0),
        cut_choices,
        unreachable,
    }
}

/// The best way on from one scene to an end.
#[derive(Debug, Clone, Copy)]
struct Best {
    total: i32,
    steps: usize,
    /// Index into `Graph::edges[scene]`; `None` at an end.
    edge: Option<usize>,
}

/// One choice a run can take, to a scene that exists.
#[derive(Debug)]
struct Edge {
    /// Position in `Scene::choices`.
    choice: usize,
    target: usize,
    /// Points per competency, indexed like `Graph::competencies`.
    points: Vec<i32>,
    total: i32,
    /// It returns to a scene on the depth-first path: a dead end.
    cut: bool,
}

/// The scene graph as a run sees it, with cycles cut.
#[derive(Debug)]
struct Graph {
    /// Listed in the front matter first, then any other scored on a
    /// reachable choice, each once.
    competencies: Vec<String>,
    /// Per scene, in file order.
    edges: Vec<Vec<Edge>>,
    reachable: Vec<bool>,
    /// Reachable scenes, each after every scene its uncut choices lead to.
    postorder: Vec<usize>,
    /// Reachable scenes in the order the walk first met them.
    preorder: Vec<usize>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Visit {
    Unseen,
    OnPath,
    Done,
}

impl Graph {
    fn build(roleplay: &RolePlay) -> Self {
        let scenes = &roleplay.scenes;
        // A duplicate id is reported by the validator; links reach the first.
        let mut first_index: HashMap<&str, usize> = HashMap::new();
        for (index, scene) in scenes.iter().enumerate() {
            first_index.entry(scene.id.value.as_str()).or_insert(index);
        }
        let mut links: Vec<Vec<(usize, usize, bool)>> = scenes
            .iter()
            .map(|scene| {
                live_choices(scene)
                    .iter()
                    .enumerate()
                    .filter_map(|(position, choice)| {
                        let target = *first_index.get(choice.target.value.as_str())?;
                        Some((position, target, false))
                    })
                    .collect()
            })
            .collect();

        // Iterative depth-first walk: a long chain of scenes must not
        // overflow the stack of a server thread.
        let mut visit = vec![Visit::Unseen; scenes.len()];
        let mut postorder = Vec::new();
        let mut preorder = Vec::new();
        if !scenes.is_empty() {
            let mut stack: Vec<(usize, usize)> = vec![(0, 0)];
            visit[0] = Visit::OnPath;
            preorder.push(0);
            while let Some(&(scene, next)) = stack.last() {
                if let Some(link) = links[scene].get_mut(next) {
                    if let Some(top) = stack.last_mut() {
                        top.1 += 1;
                    }
                    let target = link.1;
                    match visit[target] {
                        Visit::OnPath => link.2 = true,
                        Visit::Unseen => {
                            visit[target] = Visit::OnPath;
                            preorder.push(target);
                            stack.push((target, 0));
                        }
                        Visit::Done => {}
                    }
                } else {
                    visit[scene] = Visit::Done;
                    postorder.push(scene);
                    stack.pop();
                }
            }
        }
        let reachable: Vec<bool> = visit.iter().map(|v| *v == Visit::Done).collect();

        let mut competencies: Vec<String> = Vec::new();
        let mut add = |competency: &str| {
            if !competencies.iter().any(|known| known == competency) {
                competencies.push(competency.to_string());
            }
        };
        for competency in &roleplay.competencies {
            add(&competency.value);
        }
        for (scene, _) in scenes.iter().zip(&reachable).filter(|(_, r)| **r) {
            for choice in live_choices(scene) {
                for score in &choice.scores {
                    add(&score.competency.value);
                }
            }
        }

        let edges = scenes
            .iter()
            .zip(links)
            .map(|(scene, links)| {
                links
                    .into_iter()
                    .map(|(choice, target, cut)| {
                        let mut points = vec![0i32; competencies.len()];
                        for score in &scene.choices[choice].scores {
                            if let Some(slot) = competencies
                                .iter()
                                .position(|c| *c == score.competency.value)
                            {
                                points[slot] = points[slot].saturating_add(clamp(score.points));
                            }
                        }
                        let total = points.iter().fold(0i32, |sum, p| sum.saturating_add(*p));
                        Edge {
                            choice,
                            target,
                            points,
                            total,
                            cut,
                        }
                    })
                    .collect()
            })
            .collect();
        Graph {
            competencies,
            edges,
            reachable,
            postorder,
            preorder,
        }
    }
}

/// The choices a run can take from a scene (see the module comment).
fn live_choices(scene: &Scene) -> &[Choice] {
    if scene.end {
        &[]
    } else if scene.practice {
        &scene.choices[..scene.choices.len().min(1)]
    } else {
        &scene.choices
    }
}

/// Scores are `i64` in the file; totals are `i32`, which no real
/// role-play comes near, so saturating keeps absurd input from wrapping.
fn clamp(points: i64) -> i32 {
    i32::try_from(points).unwrap_or(if points < 0 { i32::MIN } else { i32::MAX })
}

// ---------------------------------------------------------------------------
// Drawing
// ---------------------------------------------------------------------------

/// The interface words the drawing uses, so the page can pass its language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraphLabels {
    pub start: String,
    /// A scene that is neither start, practice nor end (legend only).
    pub scene: String,
    pub practice: String,
    pub won: String,
    pub partial: String,
    pub lost: String,
    /// An ending without an outcome.
    pub ending: String,
    pub best_path: String,
    /// A choice that returns to an earlier scene (cut by the analysis).
    pub loop_back: String,
    pub unreachable: String,
    /// Before a competency's maximum in the legend, e.g. "max".
    pub max: String,
    /// The `<desc>` sentence; `{scenes}`, `{endings}`, `{paths}`, `{total}`
    /// and `{best}` (the best path's scene titles) are filled in.
    pub summary: String,
    /// Display names by competency id; the id is shown for any missing.
    pub competency_names: BTreeMap<String, String>,
}

impl GraphLabels {
    pub fn english() -> Self {
        Self {
            start: "Start".into(),
            scene: "Scene".into(),
            practice: "Practice".into(),
            won: "Won".into(),
            partial: "Partial".into(),
            lost: "Lost".into(),
            ending: "End".into(),
            best_path: "Best path".into(),
            loop_back: "Loops back".into(),
            unreachable: "Not reachable from the start".into(),
            max: "max".into(),
            summary: "Scene graph: {scenes} scenes, {endings} endings, {paths} paths from the start to an ending. Best path ({total} points): {best}.".into(),
            competency_names: BTreeMap::new(),
        }
    }

    pub fn chinese() -> Self {
        Self {
            start: "开始".into(),
            scene: "场景".into(),
            practice: "练习".into(),
            won: "成功".into(),
            partial: "部分成功".into(),
            lost: "失败".into(),
            ending: "结束".into(),
            best_path: "最佳路径".into(),
            loop_back: "返回".into(),
            unreachable: "从开始无法到达".into(),
            max: "最高".into(),
            summary: "场景图：{scenes} 个场景，{endings} 个结局，从开始到结局共 {paths} 条路径。最佳路径（{total} 分）：{best}。".into(),
            competency_names: BTreeMap::new(),
        }
    }
}

impl Default for GraphLabels {
    fn default() -> Self {
        Self::english()
    }
}

/// Draws the scene graph as a standalone SVG: one box per scene in layers
/// from the start downwards, an arrow per choice labelled with its score
/// changes, the best path in a thick dark stroke, and a legend. Every text
/// from the file is escaped; there is no script, style sheet or external
/// reference, so the string can be inlined in a page as it is. Styling is
/// by presentation attributes, not `style`, which the pages' Content
/// Security Policy (`style-src 'self'`) would drop; the page can size the
/// root through its class `rpg-graph` (e.g. `max-width` of its viewBox width).
pub fn render_svg(roleplay: &RolePlay, analysis: &Analysis, labels: &GraphLabels) -> String {
    let graph = Graph::build(roleplay);
    let scenes = &roleplay.scenes;
    let abbreviations = abbreviations(&graph.competencies);
    let best_edges = best_edges(roleplay, &graph, analysis);
    let legend = Legend::build(&graph, analysis, labels, &abbreviations);
    let layout = Layout::build(&graph, legend.min_width);
    let legend_rows = legend.rows(layout.width - 2.0 * MARGIN);
    let legend_height = legend_rows.len() as f64 * LEGEND_ROW;
    let top = MARGIN + legend_height + LEGEND_GAP;
    let height = top + layout.height + MARGIN;
    let prefix = id_prefix(roleplay);

    // `write!` into a `String` cannot fail; its `Result` is ignored throughout.
    let mut out = String::with_capacity(16 * 1024);
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="100%" class="rpg-graph" role="img" aria-labelledby="{p}-title {p}-desc" font-family="{FONT}" font-size="12">"#,
        w = num(layout.width),
        h = num(height),
        p = prefix,
    );
    let _ = write!(
        out,
        r#"<title id="{prefix}-title">{}</title><desc id="{prefix}-desc">{}</desc>"#,
        escape(&roleplay.title.value),
        escape(&summary(roleplay, analysis, labels)),
    );
    let _ = write!(
        out,
        r#"<defs>{}{}{}</defs>"#,
        marker(&format!("{prefix}-arrow"), EDGE),
        marker(&format!("{prefix}-arrow-best"), BEST),
        marker(&format!("{prefix}-arrow-loop"), LOOP),
    );
    let _ = write!(
        out,
        r##"<rect class="rpg-background" x="0" y="0" width="{}" height="{}" fill="#ffffff"/>"##,
        num(layout.width),
        num(height)
    );
    legend.draw(&mut out, &legend_rows, MARGIN, MARGIN);

    let _ = write!(out, r#"<g transform="translate(0 {})">"#, num(top));
    if let Some(y) = layout.unreachable_label_y {
        let _ = write!(
            out,
            r#"<text class="rpg-unreachable-label" x="{}" y="{}" fill="{MUTED}" font-style="italic">{}</text>"#,
            num(MARGIN),
            num(y),
            escape(&labels.unreachable)
        );
    }

    // Edges under the boxes, labels over both.
    let placed = place_score_labels(roleplay, &graph, &layout, &abbreviations);
    let mut score_labels = String::new();
    for (route, label) in layout.routes.iter().zip(&placed) {
        let edge = &graph.edges[route.scene][route.edge];
        let choice = &scenes[route.scene].choices[edge.choice];
        let best = best_edges.contains(&(route.scene, edge.choice));
        let (stroke, width, arrow) = if best {
            (BEST, 3.5, format!("{prefix}-arrow-best"))
        } else {
            (EDGE, 1.4, format!("{prefix}-arrow"))
        };
        let _ = write!(
            out,
            r#"<g class="rpg-edge{}" data-from="{}" data-to="{}" data-choice="{}"><title>{}</title><path d="{}" fill="none" stroke="{stroke}" stroke-width="{width}" marker-end="url(#{arrow})"/></g>"#,
            if best { " rpg-best" } else { "" },
            escape(&scenes[route.scene].id.value),
            escape(&scenes[edge.target].id.value),
            edge.choice,
            escape(&choice_tooltip(choice, &abbreviations, &graph.competencies)),
            path_data(&route.points),
        );
        if let Some((rect, text)) = label {
            draw_score_label(
                &mut score_labels,
                rect,
                text,
                best,
                &scenes[route.scene].id.value,
                edge.choice,
            );
        }
    }
    for (index, scene) in scenes.iter().enumerate() {
        draw_scene(
            &mut out,
            scene,
            index,
            &layout.boxes[index],
            graph.reachable[index],
            labels,
        );
    }
    // Loops over the boxes: they may have to cross one, and hidden they
    // would say nothing.
    for looped in &layout.loops {
        let edge = &graph.edges[looped.scene][looped.edge];
        let choice = &scenes[looped.scene].choices[edge.choice];
        let _ = write!(
            out,
            r#"<g class="rpg-edge rpg-loop" data-from="{}" data-to="{}" data-choice="{}"><title>{} ({})</title><path d="{}" fill="none" stroke="{LOOP}" stroke-width="1.4" stroke-dasharray="5 4" marker-end="url(#{prefix}-arrow-loop)"/></g>"#,
            escape(&scenes[looped.scene].id.value),
            escape(&scenes[edge.target].id.value),
            edge.choice,
            escape(&choice_tooltip(choice, &abbreviations, &graph.competencies)),
            escape(&labels.loop_back),
            loop_path(&looped.points),
        );
    }
    let _ = write!(out, r#"<g class="rpg-scores">{score_labels}</g></g></svg>"#);
    out
}

const FONT: &str = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'Noto Sans CJK SC', 'PingFang SC', 'Microsoft YaHei', sans-serif";
/// The page is about 1100 px wide; wider drawings would be scaled down
/// until their labels are unreadable, so layers wrap instead.
const MAX_WIDTH: f64 = 1100.0;
const MIN_WIDTH: f64 = 640.0;
const MARGIN: f64 = 16.0;
const BOX_W: f64 = 196.0;
const BOX_H: f64 = 60.0;
const BOX_GAP: f64 = 28.0;
/// A long edge reserves a narrow lane in each layer it crosses, so it runs
/// between boxes instead of through them.
const LANE_W: f64 = 8.0;
const LANE_GAP: f64 = 10.0;
const LAYER_GAP: f64 = 66.0;
/// Boxes per layer: four boxes and their lanes stay under `MAX_WIDTH`.
const PER_LAYER: usize = 4;
const UNREACHABLE_BAND: f64 = 26.0;
const LEGEND_ROW: f64 = 22.0;
const LEGEND_GAP: f64 = 14.0;
const TITLE_SIZE: f64 = 12.5;
const SMALL_SIZE: f64 = 10.0;
const LABEL_H: f64 = 14.0;

const EDGE: &str = "#8a94a6";
const BEST: &str = "#1e2a78";
const LOOP: &str = "#b45309";
const INK: &str = "#1f2937";
/// Ids and notes: dark enough for small text on every box fill (WCAG AA).
const MUTED: &str = "#4b5563";

/// What a box shows a scene as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Start,
    Scene,
    Practice,
    Won,
    Partial,
    Lost,
    Ending,
    Unreachable,
}

struct Look {
    fill: &'static str,
    stroke: &'static str,
    /// Badge text colour: dark enough on the fill for WCAG AA.
    ink: &'static str,
    dashed: bool,
    stroke_width: f64,
}

impl Kind {
    fn of(scene: &Scene, index: usize, reachable: bool) -> Kind {
        if !reachable {
            Kind::Unreachable
        } else if scene.end {
            match scene.outcome.as_ref().map(|o| o.value) {
                Some(Outcome::Won) => Kind::Won,
                Some(Outcome::Partial) => Kind::Partial,
                Some(Outcome::Lost) => Kind::Lost,
                None => Kind::Ending,
            }
        } else if scene.practice {
            Kind::Practice
        } else if index == 0 {
            Kind::Start
        } else {
            Kind::Scene
        }
    }

    fn look(self) -> Look {
        let (fill, stroke, ink, dashed, stroke_width) = match self {
            Kind::Start => ("#e8f0fe", "#1a56c4", "#143f91", false, 2.2),
            Kind::Scene => ("#ffffff", "#9aa3b2", INK, false, 1.2),
            Kind::Practice => ("#f4ecfd", "#7a3db8", "#5b2a8c", true, 1.6),
            Kind::Won => ("#e3f4e8", "#1e7b34", "#165c27", false, 2.0),
            Kind::Partial => ("#fff3d6", "#a86b00", "#7a4d00", false, 2.0),
            Kind::Lost => ("#fde8e8", "#b42318", "#8f1c13", false, 2.0),
            Kind::Ending => ("#f1f2f4", "#4b5563", INK, false, 2.0),
            Kind::Unreachable => ("#f7f7f8", "#b0b6c0", MUTED, true, 1.2),
        };
        Look {
            fill,
            stroke,
            ink,
            dashed,
            stroke_width,
        }
    }

    /// A small shape beside the badge, so the kind reads without colour
    /// even where the word is cut short.
    fn icon(self, x: f64, y: f64, colour: &str) -> String {
        let d = match self {
            Kind::Start => format!("M{} {}l8 5l-8 5z", num(x), num(y)),
            Kind::Won => format!("M{} {}l3 3.5l6 -7.5", num(x), num(y + 5.5)),
            Kind::Lost => format!("M{} {}l8 8m0 -8l-8 8", num(x + 0.5), num(y + 1.0)),
            Kind::Partial => {
                // A half-filled circle.
                return format!(
                    r#"<circle cx="{cx}" cy="{cy}" r="4.5" fill="none" stroke="{colour}" stroke-width="1.5"/><path d="M{cx} {top}a4.5 4.5 0 0 0 0 9z" fill="{colour}"/>"#,
                    cx = num(x + 4.5),
                    cy = num(y + 5.0),
                    top = num(y + 0.5),
                );
            }
            Kind::Practice => format!("M{} {}l6 -6l2 2l-6 6h-2z", num(x), num(y + 9.0)),
            Kind::Ending => format!("M{} {}h8v8h-8z", num(x), num(y + 1.0)),
            Kind::Scene | Kind::Unreachable => return String::new(),
        };
        let fill = if matches!(self, Kind::Start | Kind::Practice | Kind::Ending) {
            colour
        } else {
            "none"
        };
        format!(
            r#"<path d="{d}" fill="{fill}" stroke="{colour}" stroke-width="1.6" stroke-linecap="round" stroke-linejoin="round"/>"#
        )
    }
}

/// The words in a box's top row: what kind of scene this is.
fn badge(scene: &Scene, index: usize, reachable: bool, labels: &GraphLabels) -> String {
    // An unreachable scene is labelled by the band it sits in.
    if !reachable {
        return String::new();
    }
    let mut words: Vec<&str> = Vec::new();
    if index == 0 {
        words.push(&labels.start);
    }
    if scene.practice {
        words.push(&labels.practice);
    }
    if scene.end {
        words.push(match scene.outcome.as_ref().map(|o| o.value) {
            Some(Outcome::Won) => &labels.won,
            Some(Outcome::Partial) => &labels.partial,
            Some(Outcome::Lost) => &labels.lost,
            None => &labels.ending,
        });
    }
    words.join(" · ")
}

fn draw_scene(
    out: &mut String,
    scene: &Scene,
    index: usize,
    rect: &Rect,
    reachable: bool,
    labels: &GraphLabels,
) {
    let kind = Kind::of(scene, index, reachable);
    let look = kind.look();
    let class = match kind {
        Kind::Start => "rpg-start",
        Kind::Scene => "rpg-plain",
        Kind::Practice => "rpg-practice",
        Kind::Won => "rpg-won",
        Kind::Partial => "rpg-partial",
        Kind::Lost => "rpg-lost",
        Kind::Ending => "rpg-ending",
        Kind::Unreachable => "rpg-unreachable",
    };
    let title = if scene.title.trim().is_empty() {
        scene.id.value.as_str()
    } else {
        scene.title.trim()
    };
    let _ = write!(
        out,
        r#"<g class="rpg-scene {class}" data-scene="{}"><title>{} (#{})</title>"#,
        escape(&scene.id.value),
        escape(title),
        escape(&scene.id.value),
    );
    let _ = write!(
        out,
        r#"<rect x="{}" y="{}" width="{}" height="{}" rx="8" fill="{}" stroke="{}" stroke-width="{}"{}/>"#,
        num(rect.x),
        num(rect.y),
        num(rect.w),
        num(rect.h),
        look.fill,
        look.stroke,
        look.stroke_width,
        if look.dashed {
            r#" stroke-dasharray="5 3""#
        } else {
            ""
        },
    );
    let inner = rect.w - 20.0;
    let row = rect.y + 16.0;
    let mut left = rect.x + 10.0;
    let icon = kind.icon(left, row - 9.0, look.ink);
    if !icon.is_empty() {
        out.push_str(&icon);
        left += 14.0;
    }
    let badge = badge(scene, index, reachable, labels);
    let badge_width = text_width(&badge, SMALL_SIZE, true);
    if !badge.is_empty() {
        let badge = truncate(&badge, SMALL_SIZE, true, rect.x + 10.0 + inner - left);
        let _ = write!(
            out,
            r#"<text x="{}" y="{}" font-size="{SMALL_SIZE}" font-weight="700" fill="{}">{}</text>"#,
            num(left),
            num(row),
            look.ink,
            escape(&badge)
        );
    }
    // The id is what choices link to; shown when there is room beside the badge.
    let id_room = rect.x + 10.0 + inner - (left + badge_width + 8.0);
    let id = format!("#{}", scene.id.value);
    if id_room > 30.0 {
        let id = truncate(&id, SMALL_SIZE, false, id_room);
        let _ = write!(
            out,
            r#"<text x="{}" y="{}" font-size="{SMALL_SIZE}" text-anchor="end" fill="{MUTED}">{}</text>"#,
            num(rect.x + rect.w - 10.0),
            num(row),
            escape(&id)
        );
    }
    for (line_index, line) in wrap(title, TITLE_SIZE, true, inner, 2).iter().enumerate() {
        let _ = write!(
            out,
            r#"<text x="{}" y="{}" font-size="{TITLE_SIZE}" font-weight="600" fill="{INK}">{}</text>"#,
            num(rect.x + 10.0),
            num(rect.y + 34.0 + 15.0 * line_index as f64),
            escape(line)
        );
    }
    out.push_str("</g>");
}

fn marker(id: &str, colour: &str) -> String {
    // userSpaceOnUse: the same arrow size on thin and thick strokes.
    format!(
        r#"<marker id="{id}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="10" markerHeight="10" markerUnits="userSpaceOnUse" orient="auto"><path d="M0 0L10 5L0 10z" fill="{colour}"/></marker>"#
    )
}

/// `(scene, choice)` pairs of the best path, resolved against this
/// role-play so a stale analysis highlights nothing rather than panicking.
fn best_edges(roleplay: &RolePlay, graph: &Graph, analysis: &Analysis) -> Vec<(usize, usize)> {
    let index_of = |id: &str| roleplay.scenes.iter().position(|s| s.id.value == id);
    analysis
        .best_path
        .windows(2)
        .zip(&analysis.best_choices)
        .filter_map(|(pair, &choice)| {
            let from = index_of(&pair[0])?;
            let to = index_of(&pair[1])?;
            graph.edges[from]
                .iter()
                .any(|e| e.choice == choice && e.target == to)
                .then_some((from, choice))
        })
        .collect()
}

fn summary(roleplay: &RolePlay, analysis: &Analysis, labels: &GraphLabels) -> String {
    let best = analysis
        .best_path
        .iter()
        .map(|id| {
            roleplay
                .scene(id)
                .map_or(id.as_str(), |scene| scene.title.as_str())
        })
        .collect::<Vec<_>>()
        .join(" → ");
    let paths = if analysis.paths_count >= PATHS_COUNT_CAP {
        format!("{PATHS_COUNT_CAP}+")
    } else {
        analysis.paths_count.to_string()
    };
    // `{best}` last: a title that happens to contain `{total}` stays as written.
    labels
        .summary
        .replace("{scenes}", &roleplay.scenes.len().to_string())
        .replace("{endings}", &analysis.endings.len().to_string())
        .replace("{paths}", &paths)
        .replace("{total}", &signed(analysis.best_total))
        .replace("{best}", &best)
}

/// Short, unique competency marks for edge labels (`objection-handling`
/// becomes `OH`, `negotiation` `NEG`); the legend spells them out.
fn abbreviations(competencies: &[String]) -> Vec<String> {
    let mut taken: Vec<String> = Vec::new();
    for competency in competencies {
        let parts: Vec<&str> = competency.split('-').filter(|p| !p.is_empty()).collect();
        let base: String = if parts.len() >= 2 {
            parts.iter().filter_map(|p| p.chars().next()).collect()
        } else {
            competency.chars().take(3).collect()
        };
        let base = base.to_uppercase();
        let mut candidate = base.clone();
        let mut suffix = 2;
        while taken.contains(&candidate) {
            candidate = format!("{base}{suffix}");
            suffix += 1;
        }
        taken.push(candidate);
    }
    taken
}

fn abbreviation_of<'a>(
    competency: &str,
    abbreviations: &'a [String],
    competencies: &[String],
) -> Option<&'a str> {
    competencies
        .iter()
        .position(|c| c == competency)
        .and_then(|i| abbreviations.get(i))
        .map(String::as_str)
}

/// `+2 OH −1 NEG`: the score changes of a choice, in the order written.
fn score_text(choice: &Choice, abbreviations: &[String], competencies: &[String]) -> String {
    choice
        .scores
        .iter()
        .filter(|score| score.points != 0)
        .map(|score| {
            let mark = abbreviation_of(&score.competency.value, abbreviations, competencies)
                .unwrap_or(&score.competency.value);
            format!("{} {mark}", signed(clamp(score.points)))
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn choice_tooltip(choice: &Choice, abbreviations: &[String], competencies: &[String]) -> String {
    // The label is Markdown; emphasis marks only get in the way here.
    let label: String = choice
        .label
        .text
        .chars()
        .filter(|c| !matches!(c, '*' | '`'))
        .collect();
    let scores = score_text(choice, abbreviations, competencies);
    if scores.is_empty() {
        format!("{}. {label}", choice.index + 1)
    } else {
        format!("{}. {label} ({scores})", choice.index + 1)
    }
}

/// `+2`, `−1` (a real minus sign: a hyphen reads as a dash at small sizes).
fn signed(points: i32) -> String {
    match points {
        p if p > 0 => format!("+{p}"),
        p if p < 0 => format!("−{}", p.unsigned_abs()),
        _ => "0".to_string(),
    }
}

/// Ids in the SVG are document-wide when it is inlined, and a page may show
/// several graphs: derive them from the file so two drawings never share one.
fn id_prefix(roleplay: &RolePlay) -> String {
    let path = roleplay.source.path().to_string_lossy();
    let stem: String = roleplay
        .source
        .path()
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default()
        .trim_end_matches(".md")
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    // FNV-1a: stable across runs and platforms, unlike `DefaultHasher`.
    let hash = path.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("rpg-{stem}-{:08x}", hash & 0xffff_ffff)
}

// --- Layout ----------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq)]
struct Rect {
    x: f64,
    y: f64,
    w: f64,
    h: f64,
}

impl Rect {
    fn overlap(&self, other: &Rect) -> f64 {
        let w = (self.x + self.w).min(other.x + other.w) - self.x.max(other.x);
        let h = (self.y + self.h).min(other.y + other.h) - self.y.max(other.y);
        if w > 0.0 && h > 0.0 { w * h } else { 0.0 }
    }
}

/// An edge drawn from `points[0]` (bottom of the source box) to the last
/// point (top of the target box), through one lane per crossed layer.
#[derive(Debug)]
struct Route {
    scene: usize,
    /// Index into `Graph::edges[scene]`.
    edge: usize,
    points: Vec<(f64, f64)>,
}

/// Where everything goes, in coordinates below the legend.
#[derive(Debug)]
struct Layout {
    width: f64,
    height: f64,
    /// One per scene, in file order.
    boxes: Vec<Rect>,
    routes: Vec<Route>,
    /// Cut choices, drawn as dashed curves on the right of the boxes.
    loops: Vec<Route>,
    unreachable_label_y: Option<f64>,
}

/// A position in a layer: a scene's box, or a lane of a long edge.
#[derive(Debug, Clone, Copy)]
enum Slot {
    Scene,
    /// A long edge passing through.
    Lane,
}

impl Slot {
    fn width(self) -> f64 {
        match self {
            Slot::Scene => BOX_W,
            Slot::Lane => LANE_W,
        }
    }
}

/// The layers as slots: each scene's box, and a lane wherever a long edge
/// crosses a layer.
struct Grid {
    /// (layer, what) per slot.
    slots: Vec<(usize, Slot)>,
    /// The slot of each scene.
    scene_slot: Vec<usize>,
    /// Per drawn edge: (scene, index into `Graph::edges[scene]`, the slots
    /// it passes from its source box to its target box).
    chains: Vec<(usize, usize, Vec<usize>)>,
    /// Slots per layer, left to right.
    layers: Vec<Vec<usize>>,
    /// Per slot, the slots its edges come from in the layer above.
    up: Vec<Vec<usize>>,
    /// Per slot, the slots its edges go to in the layer below.
    down: Vec<Vec<usize>>,
    /// Layers of reachable scenes; unreachable ones come after these.
    reachable_layers: usize,
    has_unreachable: bool,
}

impl Grid {
    fn build(graph: &Graph) -> Grid {
        let count = graph.reachable.len();
        let layer_of = assign_layers(graph);
        let reachable_layers = layer_of.iter().flatten().max().map_or(0, |l| l + 1);
        let mut slots: Vec<(usize, Slot)> = Vec::new();
        let mut scene_slot = vec![usize::MAX; count];
        for &scene in &graph.preorder {
            if let Some(layer) = layer_of[scene] {
                scene_slot[scene] = slots.len();
                slots.push((layer, Slot::Scene));
            }
        }
        let mut chains: Vec<(usize, usize, Vec<usize>)> = Vec::new();
        for &scene in &graph.preorder {
            for (index, edge) in graph.edges[scene].iter().enumerate() {
                let (Some(from), Some(to)) = (layer_of[scene], layer_of[edge.target]) else {
                    continue;
                };
                if edge.cut || to <= from {
                    continue;
                }
                let mut chain = vec![scene_slot[scene]];
                for layer in from + 1..to {
                    chain.push(slots.len());
                    slots.push((layer, Slot::Lane));
                }
                chain.push(scene_slot[edge.target]);
                chains.push((scene, index, chain));
            }
        }
        // Unreachable scenes: rows of their own below everything else.
        let unreachable: Vec<usize> = (0..count).filter(|&s| !graph.reachable[s]).collect();
        for (position, &scene) in unreachable.iter().enumerate() {
            scene_slot[scene] = slots.len();
            slots.push((reachable_layers + position / PER_LAYER, Slot::Scene));
        }
        let layer_count = slots.iter().map(|(layer, _)| layer + 1).max().unwrap_or(0);
        let mut layers: Vec<Vec<usize>> = vec![Vec::new(); layer_count];
        for (id, (layer, _)) in slots.iter().enumerate() {
            layers[*layer].push(id);
        }
        let mut up: Vec<Vec<usize>> = vec![Vec::new(); slots.len()];
        let mut down: Vec<Vec<usize>> = vec![Vec::new(); slots.len()];
        for (_, _, chain) in &chains {
            for pair in chain.windows(2) {
                down[pair[0]].push(pair[1]);
                up[pair[1]].push(pair[0]);
            }
        }
        order_layers(&mut layers[..reachable_layers], &up, &down, slots.len());
        Grid {
            slots,
            scene_slot,
            chains,
            layers,
            up,
            down,
            reachable_layers,
            has_unreachable: !unreachable.is_empty(),
        }
    }

    fn width(&self, slot: usize) -> f64 {
        self.slots[slot].1.width()
    }

    /// The least distance between the centres of neighbours `a` and `b`.
    fn separation(&self, a: usize, b: usize) -> f64 {
        (self.width(a) + self.width(b)) / 2.0 + gap(self.slots[a].1, self.slots[b].1)
    }

    fn packed_width(&self, layer: &[usize]) -> f64 {
        let first = layer.first().map_or(0.0, |&s| self.width(s) / 2.0);
        let last = layer.last().map_or(0.0, |&s| self.width(s) / 2.0);
        first
            + last
            + layer
                .windows(2)
                .map(|pair| self.separation(pair[0], pair[1]))
                .sum::<f64>()
    }

    /// Slot centres: each layer starts packed in the middle, then sweeps
    /// pull every slot towards the mean of its neighbours above (going
    /// down) or below (going up), keeping order, spacing and margins.
    fn centres(&self, width: f64) -> Vec<f64> {
        let mut x = vec![0.0; self.slots.len()];
        for layer in &self.layers {
            let mut centre = (width - self.packed_width(layer)) / 2.0;
            for (i, &slot) in layer.iter().enumerate() {
                centre += match i {
                    0 => self.width(slot) / 2.0,
                    _ => self.separation(layer[i - 1], slot),
                };
                x[slot] = centre;
            }
        }
        let layers = self.reachable_layers;
        for round in 0..12 {
            let downwards = round % 2 == 0;
            let (sequence, neighbours): (Vec<usize>, _) = if downwards {
                ((1..layers).collect(), &self.up)
            } else {
                ((0..layers.saturating_sub(1)).rev().collect(), &self.down)
            };
            for layer in sequence {
                let slots = &self.layers[layer];
                let desired: Vec<f64> = slots
                    .iter()
                    .map(|&slot| mean(neighbours[slot].iter().map(|&n| x[n])).unwrap_or(x[slot]))
                    .collect();
                let separations: Vec<f64> = slots
                    .windows(2)
                    .map(|pair| self.separation(pair[0], pair[1]))
                    .collect();
                let solved = place_in_order(&desired, &separations);
                let first = slots.first().map_or(0.0, |&s| self.width(s) / 2.0);
                let last = slots.last().map_or(0.0, |&s| self.width(s) / 2.0);
                let within = keep_within(&solved, &separations, first, last, width);
                for (&slot, value) in slots.iter().zip(within) {
                    x[slot] = value;
                }
            }
        }
        x
    }

    fn layer_top(&self, layer: usize) -> f64 {
        let band = if layer >= self.reachable_layers && self.has_unreachable {
            UNREACHABLE_BAND
        } else {
            0.0
        };
        layer as f64 * (BOX_H + LAYER_GAP) + band
    }
}

impl Layout {
    fn build(graph: &Graph, min_width: f64) -> Layout {
        let grid = Grid::build(graph);
        let content = grid
            .layers
            .iter()
            .map(|layer| grid.packed_width(layer))
            .fold(0.0, f64::max);
        let mut width = (content + 2.0 * MARGIN)
            .max(MIN_WIDTH)
            .max(min_width.min(MAX_WIDTH));
        let x = grid.centres(width);
        let boxes: Vec<Rect> = grid
            .scene_slot
            .iter()
            .map(|&slot| Rect {
                x: x.get(slot).copied().unwrap_or(0.0) - BOX_W / 2.0,
                y: grid.layer_top(grid.slots.get(slot).map_or(0, |(layer, _)| *layer)),
                w: BOX_W,
                h: BOX_H,
            })
            .collect();
        let routes = routes(graph, &grid, &x, &boxes);
        let loops = loops(graph, &boxes, &mut width);
        let height = grid
            .layers
            .len()
            .checked_sub(1)
            .map_or(0.0, |last| grid.layer_top(last) + BOX_H);
        Layout {
            width,
            height,
            boxes,
            routes,
            loops,
            unreachable_label_y: grid
                .has_unreachable
                .then(|| grid.layer_top(grid.reachable_layers) - 10.0),
        }
    }
}

/// The drawn edges. A box's outgoing edges leave its bottom in the order
/// of where they go, incoming ones enter its top in the order of where they
/// come from, so edges do not cross at the box.
fn routes(graph: &Graph, grid: &Grid, x: &[f64], boxes: &[Rect]) -> Vec<Route> {
    let count = boxes.len();
    let mut outgoing: Vec<Vec<(f64, usize)>> = vec![Vec::new(); count];
    let mut incoming: Vec<Vec<(f64, usize)>> = vec![Vec::new(); count];
    for (route, (scene, index, chain)) in grid.chains.iter().enumerate() {
        let target = graph.edges[*scene][*index].target;
        outgoing[*scene].push((x[chain[1]], route));
        incoming[target].push((x[chain[chain.len() - 2]], route));
    }
    let mut out_port = vec![0.0; grid.chains.len()];
    let mut in_port = vec![0.0; grid.chains.len()];
    for (scene, rect) in boxes.iter().enumerate() {
        let centre = rect.x + BOX_W / 2.0;
        spread(&mut outgoing[scene], centre, &mut out_port);
        spread(&mut incoming[scene], centre, &mut in_port);
    }
    grid.chains
        .iter()
        .enumerate()
        .map(|(route, (scene, index, chain))| {
            let target = graph.edges[*scene][*index].target;
            let mut points = vec![(out_port[route], boxes[*scene].y + BOX_H)];
            for &lane in &chain[1..chain.len() - 1] {
                let top = grid.layer_top(grid.slots[lane].0);
                points.push((x[lane], top));
                points.push((x[lane], top + BOX_H));
            }
            points.push((in_port[route], boxes[target].y));
            Route {
                scene: *scene,
                edge: *index,
                points,
            }
        })
        .collect()
}

/// Cut choices go back up the page: a dashed curve out of the source box's
/// right side, round every box between the two, and into the target's
/// right side, each loop a little further out. The drawing widens when a
/// loop needs the room.
fn loops(graph: &Graph, boxes: &[Rect], width: &mut f64) -> Vec<Route> {
    let cut = graph.preorder.iter().flat_map(|&scene| {
        graph.edges[scene]
            .iter()
            .enumerate()
            .filter(|(_, edge)| edge.cut)
            .map(move |(index, edge)| (scene, index, edge.target))
    });
    cut.enumerate()
        .map(|(nth, (scene, index, target))| {
            let from = &boxes[scene];
            let to = &boxes[target];
            let (top, bottom) = (to.y.min(from.y), to.y.max(from.y) + BOX_H);
            let right = boxes
                .iter()
                .filter(|other| other.y + other.h > top && other.y < bottom)
                .map(|other| other.x + other.w)
                .fold(from.x.max(to.x) + BOX_W, f64::max);
            // A scene that links to itself gets a small ear in the gap
            // beside it instead of a detour round its neighbours.
            let bow = if scene == target {
                from.x + BOX_W + 16.0
            } else {
                right + 24.0 + 12.0 * nth as f64
            };
            *width = width.max(bow + MARGIN);
            Route {
                scene,
                edge: index,
                points: vec![
                    (from.x + BOX_W, from.y + BOX_H * 0.65),
                    (bow, from.y + BOX_H * 0.65),
                    (bow, to.y + BOX_H * 0.35),
                    (to.x + BOX_W + 1.0, to.y + BOX_H * 0.35),
                ],
            }
        })
        .collect()
}

/// Layers by the longest path from the start, so every arrow points down
/// the page; a layer that already holds `PER_LAYER` boxes pushes the next
/// scene one layer further, which keeps the drawing within the page width.
fn assign_layers(graph: &Graph) -> Vec<Option<usize>> {
    let count = graph.reachable.len();
    let mut earliest = vec![0usize; count];
    let mut layer_of: Vec<Option<usize>> = vec![None; count];
    let mut filled: Vec<usize> = Vec::new();
    // Reverse post-order is a topological order of the uncut graph.
    for &scene in graph.postorder.iter().rev() {
        let mut layer = earliest[scene];
        while filled.get(layer).is_some_and(|&n| n >= PER_LAYER) {
            layer += 1;
        }
        if filled.len() <= layer {
            filled.resize(layer + 1, 0);
        }
        filled[layer] += 1;
        layer_of[scene] = Some(layer);
        for edge in graph.edges[scene].iter().filter(|e| !e.cut) {
            earliest[edge.target] = earliest[edge.target].max(layer + 1);
        }
    }
    layer_of
}

/// Orders each layer to reduce crossings: the barycentre heuristic, sweeping
/// down and up, keeping the best order seen.
fn order_layers(layers: &mut [Vec<usize>], up: &[Vec<usize>], down: &[Vec<usize>], slots: usize) {
    let mut position = vec![0usize; slots];
    let index = |layers: &[Vec<usize>], position: &mut Vec<usize>| {
        for layer in layers {
            for (i, &slot) in layer.iter().enumerate() {
                position[slot] = i;
            }
        }
    };
    index(layers, &mut position);
    let mut best = layers.to_vec();
    let mut best_crossings = crossings(layers, down, &position);
    for round in 0..16 {
        let downwards = round % 2 == 0;
        let sequence: Vec<usize> = if downwards {
            (1..layers.len()).collect()
        } else {
            (0..layers.len().saturating_sub(1)).rev().collect()
        };
        for layer in sequence {
            let neighbours = if downwards { up } else { down };
            let mut keyed: Vec<(f64, usize)> = layers[layer]
                .iter()
                .map(|&slot| {
                    let key = mean(neighbours[slot].iter().map(|&n| position[n] as f64))
                        .unwrap_or(position[slot] as f64);
                    (key, slot)
                })
                .collect();
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0));
            layers[layer] = keyed.into_iter().map(|(_, slot)| slot).collect();
            for (i, &slot) in layers[layer].iter().enumerate() {
                position[slot] = i;
            }
        }
        let found = crossings(layers, down, &position);
        if found < best_crossings {
            best_crossings = found;
            best = layers.to_vec();
        }
    }
    layers.clone_from_slice(&best);
}

fn crossings(layers: &[Vec<usize>], down: &[Vec<usize>], position: &[usize]) -> usize {
    let mut total = 0;
    for layer in layers {
        let segments: Vec<(usize, usize)> = layer
            .iter()
            .flat_map(|&a| down[a].iter().map(move |&b| (position[a], position[b])))
            .collect();
        for (i, first) in segments.iter().enumerate() {
            for second in &segments[i + 1..] {
                if (first.0 < second.0 && first.1 > second.1)
                    || (first.0 > second.0 && first.1 < second.1)
                {
                    total += 1;
                }
            }
        }
    }
    total
}

fn gap(a: Slot, b: Slot) -> f64 {
    match (a, b) {
        (Slot::Scene, Slot::Scene) => BOX_GAP,
        _ => LANE_GAP,
    }
}

fn mean(values: impl Iterator<Item = f64>) -> Option<f64> {
    let (sum, count) = values.fold((0.0, 0usize), |(s, c), v| (s + v, c + 1));
    (count > 0).then(|| sum / count as f64)
}

/// Centres as close as possible (least squares) to `desired` while keeping
/// their order and at least `separations[i]` between neighbours `i`, `i+1`:
/// subtracting the cumulative separations turns this into isotonic
/// regression, solved by pooling adjacent violators.
fn place_in_order(desired: &[f64], separations: &[f64]) -> Vec<f64> {
    let mut offsets = Vec::with_capacity(desired.len());
    let mut offset = 0.0;
    for (i, _) in desired.iter().enumerate() {
        if i > 0 {
            offset += separations.get(i - 1).copied().unwrap_or(0.0);
        }
        offsets.push(offset);
    }
    // Blocks of (mean, size).
    let mut blocks: Vec<(f64, usize)> = Vec::new();
    for (value, offset) in desired.iter().zip(&offsets) {
        blocks.push((value - offset, 1));
        while blocks.len() > 1 {
            let (last_mean, last_size) = blocks[blocks.len() - 1];
            let (prev_mean, prev_size) = blocks[blocks.len() - 2];
            if prev_mean <= last_mean {
                break;
            }
            let size = prev_size + last_size;
            let merged =
                (prev_mean * prev_size as f64 + last_mean * last_size as f64) / size as f64;
            blocks.pop();
            if let Some(last) = blocks.last_mut() {
                *last = (merged, size);
            }
        }
    }
    blocks
        .iter()
        .flat_map(|&(value, size)| std::iter::repeat_n(value, size))
        .zip(&offsets)
        .map(|(value, offset)| value + offset)
        .collect()
}

/// Clamps each centre between where it would be with the layer packed
/// against the left margin and packed against the right one. Clamping to
/// bounds that are themselves packed keeps the separations, and the layer
/// fits because the width was chosen for the widest packed layer.
fn keep_within(
    centres: &[f64],
    separations: &[f64],
    first_half: f64,
    last_half: f64,
    width: f64,
) -> Vec<f64> {
    let mut lowest = MARGIN + first_half;
    let total: f64 = separations.iter().sum();
    let mut highest = width - MARGIN - last_half - total;
    centres
        .iter()
        .enumerate()
        .map(|(i, &centre)| {
            if i > 0 {
                let step = separations.get(i - 1).copied().unwrap_or(0.0);
                lowest += step;
                highest += step;
            }
            centre.max(lowest).min(highest.max(lowest))
        })
        .collect()
}

/// Spreads ports along a box side, ordered by where their edges go.
fn spread(ports: &mut [(f64, usize)], centre: f64, out: &mut [f64]) {
    ports.sort_by(|a, b| a.0.total_cmp(&b.0));
    let count = ports.len();
    if count == 0 {
        return;
    }
    let step = if count > 1 {
        (BOX_W * 0.7 / (count - 1) as f64).min(44.0)
    } else {
        0.0
    };
    for (i, (_, route)) in ports.iter().enumerate() {
        out[*route] = centre + (i as f64 - (count - 1) as f64 / 2.0) * step;
    }
}

/// A smooth path through the points: vertical tangents at each end of a
/// curve so arrows meet boxes square; straight down through lanes.
fn path_data(points: &[(f64, f64)]) -> String {
    let mut d = String::new();
    let Some(first) = points.first() else {
        return d;
    };
    let _ = write!(d, "M{} {}", num(first.0), num(first.1));
    for pair in points.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        if (a.0 - b.0).abs() < 0.01 {
            let _ = write!(d, "L{} {}", num(b.0), num(b.1));
        } else {
            let middle = (a.1 + b.1) / 2.0;
            let _ = write!(
                d,
                "C{} {} {} {} {} {}",
                num(a.0),
                num(middle),
                num(b.0),
                num(middle),
                num(b.0),
                num(b.1)
            );
        }
    }
    d
}

fn loop_path(points: &[(f64, f64)]) -> String {
    match points {
        [a, b, c, d] => format!(
            "M{} {}C{} {} {} {} {} {}",
            num(a.0),
            num(a.1),
            num(b.0),
            num(b.1),
            num(c.0),
            num(c.1),
            num(d.0),
            num(d.1)
        ),
        _ => path_data(points),
    }
}

/// A point on the first curve of a route (source box to the next layer).
fn first_curve_at(points: &[(f64, f64)], t: f64) -> Option<(f64, f64)> {
    let (a, b) = (points.first()?, points.get(1)?);
    let middle = (a.1 + b.1) / 2.0;
    // Cubic Bézier with control points (a.x, middle) and (b.x, middle).
    let u = 1.0 - t;
    let x = u * u * u * a.0 + 3.0 * u * u * t * a.0 + 3.0 * u * t * t * b.0 + t * t * t * b.0;
    let y = u * u * u * a.1 + 3.0 * u * u * t * middle + 3.0 * u * t * t * middle + t * t * t * b.1;
    Some((x, y))
}

/// The score label of each route and where it goes, placed in route order
/// around the boxes and the labels placed before it.
fn place_score_labels(
    roleplay: &RolePlay,
    graph: &Graph,
    layout: &Layout,
    abbreviations: &[String],
) -> Vec<Option<(Rect, String)>> {
    let mut taken: Vec<Rect> = layout.boxes.clone();
    layout
        .routes
        .iter()
        .map(|route| {
            let edge = &graph.edges[route.scene][route.edge];
            let choice = &roleplay.scenes[route.scene].choices[edge.choice];
            let text = score_text(choice, abbreviations, &graph.competencies);
            if text.is_empty() {
                return None;
            }
            let rect = place_label(&route.points, &text, &taken)?;
            taken.push(rect);
            Some((rect, text))
        })
        .collect()
}

/// Where a score label goes on its edge: the first spot along the first
/// curve that covers no box and no other label, else the least covered.
fn place_label(points: &[(f64, f64)], text: &str, taken: &[Rect]) -> Option<Rect> {
    let width = text_width(text, SMALL_SIZE, true) + 8.0;
    let mut best: Option<(f64, Rect)> = None;
    for t in [0.5, 0.32, 0.68, 0.2, 0.8, 0.42, 0.58, 0.12, 0.9] {
        let (x, y) = first_curve_at(points, t)?;
        let rect = Rect {
            x: x - width / 2.0,
            y: y - LABEL_H / 2.0,
            w: width,
            h: LABEL_H,
        };
        let covered: f64 = taken.iter().map(|other| rect.overlap(other)).sum();
        if covered == 0.0 {
            return Some(rect);
        }
        if best.is_none_or(|(least, _)| covered < least) {
            best = Some((covered, rect));
        }
    }
    best.map(|(_, rect)| rect)
}

fn draw_score_label(
    out: &mut String,
    rect: &Rect,
    text: &str,
    best: bool,
    from: &str,
    choice: usize,
) {
    let (fill, weight) = if best { (BEST, "700") } else { (INK, "500") };
    let _ = write!(
        out,
        r##"<g class="rpg-score{}" data-from="{}" data-choice="{choice}"><rect x="{}" y="{}" width="{}" height="{}" rx="3" fill="#ffffff" fill-opacity="0.92" stroke="{}" stroke-width="0.6"/><text x="{}" y="{}" font-size="{SMALL_SIZE}" font-weight="{weight}" text-anchor="middle" fill="{fill}">{}</text></g>"##,
        if best { " rpg-best" } else { "" },
        escape(from),
        num(rect.x),
        num(rect.y),
        num(rect.w),
        num(rect.h),
        if best { BEST } else { "#d1d5db" },
        num(rect.x + rect.w / 2.0),
        num(rect.y + rect.h - 3.6),
        escape(text),
    );
}

// --- Legend ------------------------------------------------------------------

enum Sample {
    Box(Kind),
    Line {
        colour: &'static str,
        width: f64,
        dashed: bool,
    },
    None,
}

struct LegendItem {
    sample: Sample,
    text: String,
    bold: bool,
}

struct Legend {
    items: Vec<LegendItem>,
    /// Enough width for the widest item.
    min_width: f64,
}

impl LegendItem {
    fn width(&self) -> f64 {
        let sample = match self.sample {
            Sample::None => 0.0,
            _ => 30.0,
        };
        sample + text_width(&self.text, 11.0, self.bold) + 18.0
    }
}

impl Legend {
    fn build(
        graph: &Graph,
        analysis: &Analysis,
        labels: &GraphLabels,
        abbreviations: &[String],
    ) -> Legend {
        let mut items = Vec::new();
        let boxes = [
            (Kind::Start, &labels.start),
            (Kind::Scene, &labels.scene),
            (Kind::Practice, &labels.practice),
            (Kind::Won, &labels.won),
            (Kind::Partial, &labels.partial),
            (Kind::Lost, &labels.lost),
        ];
        for (kind, text) in boxes {
            items.push(LegendItem {
                sample: Sample::Box(kind),
                text: text.clone(),
                bold: false,
            });
        }
        items.push(LegendItem {
            sample: Sample::Line {
                colour: BEST,
                width: 3.5,
                dashed: false,
            },
            text: format!("{} ({})", labels.best_path, signed(analysis.best_total)),
            bold: true,
        });
        if !analysis.cut_choices.is_empty() {
            items.push(LegendItem {
                sample: Sample::Line {
                    colour: LOOP,
                    width: 1.4,
                    dashed: true,
                },
                text: labels.loop_back.clone(),
                bold: false,
            });
        }
        for (competency, mark) in graph.competencies.iter().zip(abbreviations) {
            let name = labels
                .competency_names
                .get(competency)
                .unwrap_or(competency);
            let maximum = analysis
                .max_by_competency
                .get(competency)
                .copied()
                .unwrap_or(0);
            items.push(LegendItem {
                sample: Sample::None,
                text: format!("{mark} = {name} ({} {maximum})", labels.max),
                bold: false,
            });
        }
        let min_width = items.iter().map(LegendItem::width).fold(0.0, f64::max) + 2.0 * MARGIN;
        Legend { items, min_width }
    }

    /// Items per row: the kinds first, then competencies, wrapped to fit.
    fn rows(&self, available: f64) -> Vec<Vec<usize>> {
        let mut rows: Vec<Vec<usize>> = Vec::new();
        let mut used = f64::INFINITY;
        let mut previous_had_sample = true;
        for (index, item) in self.items.iter().enumerate() {
            let has_sample = !matches!(item.sample, Sample::None);
            // Competencies start a row of their own.
            let new_group = previous_had_sample && !has_sample;
            if used + item.width() > available || new_group {
                rows.push(Vec::new());
                used = 0.0;
            }
            if let Some(row) = rows.last_mut() {
                row.push(index);
            }
            used += item.width();
            previous_had_sample = has_sample;
        }
        rows
    }

    fn draw(&self, out: &mut String, rows: &[Vec<usize>], left: f64, top: f64) {
        out.push_str(r#"<g class="rpg-legend">"#);
        for (row_index, row) in rows.iter().enumerate() {
            let y = top + row_index as f64 * LEGEND_ROW;
            let mut x = left;
            for &index in row {
                let item = &self.items[index];
                let mut text_x = x + 30.0;
                match item.sample {
                    Sample::Box(kind) => {
                        let look = kind.look();
                        let _ = write!(
                            out,
                            r#"<rect x="{}" y="{}" width="24" height="14" rx="3" fill="{}" stroke="{}" stroke-width="{}"{}/>"#,
                            num(x),
                            num(y + 2.0),
                            look.fill,
                            look.stroke,
                            look.stroke_width.min(2.0),
                            if look.dashed {
                                r#" stroke-dasharray="4 2""#
                            } else {
                                ""
                            }
                        );
                        out.push_str(&kind.icon(x + 7.5, y + 4.0, look.ink));
                    }
                    Sample::Line {
                        colour,
                        width,
                        dashed,
                    } => {
                        let _ = write!(
                            out,
                            r#"<path d="M{} {}h24" stroke="{colour}" stroke-width="{width}"{}/>"#,
                            num(x),
                            num(y + 9.0),
                            if dashed {
                                r#" stroke-dasharray="5 3""#
                            } else {
                                ""
                            }
                        );
                    }
                    Sample::None => text_x = x,
                }
                let _ = write!(
                    out,
                    r#"<text x="{}" y="{}" font-size="11" font-weight="{}" fill="{INK}">{}</text>"#,
                    num(text_x),
                    num(y + 13.0),
                    if item.bold { "700" } else { "400" },
                    escape(&item.text)
                );
                x += item.width();
            }
        }
        out.push_str("</g>");
    }
}

// --- Text ------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::Path;
    use std::sync::Arc;

    use proptest::prelude::*;

    use super::*;
    use crate::content::{SourceFile, check, parse_roleplay};

    /// SPEC 2.4's example, with the outcomes the conventions require.
    const SPEC_ROLEPLAY: &str = r#"+++
title = "The quote is 20% higher"
competencies = ["objection-handling", "negotiation"]

[[rubric]]
criterion = "Acknowledges the concern before answering"
competency = "objection-handling"
points = 3
+++

## The call opens {#start}

**Customer:** We like the demo, but your quote is 20% above the other vendor.

- [Ask what the other quote includes](#compare) {objection-handling=+2}
- [Offer 10% off if they sign today](#discount) {negotiation=-2}

## What is in the other quote {#compare}

- [Compare the total cost over three years](#pitch) {objection-handling=+1 negotiation=+1}

## Your turn {#pitch .practice}

Write what you would say to move to a pilot.

- [Continue](#won)

## Pilot agreed {#won .end outcome=won}

> Outcome: won.

## Deal lost {#discount .end outcome=lost}

> Outcome: lost.
"#;

    fn parse(text: &str) -> RolePlay {
        let source = Arc::new(SourceFile::new("content/modules/m/roleplay-t.md", text));
        let (roleplay, diagnostics) = parse_roleplay(&source);
        // Graph problems are the validator's; the parser must accept these.
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        roleplay.expect("a role-play")
    }

    fn with_scenes(scenes: &str) -> RolePlay {
        parse(&format!(
            "+++\ntitle = \"T\"\ncompetencies = [\"a\", \"b\"]\n+++\n\n{scenes}"
        ))
    }

    fn ids(ids: &[&str]) -> Vec<String> {
        ids.iter().map(|id| id.to_string()).collect()
    }

    fn maxima(pairs: &[(&str, i32)]) -> BTreeMap<String, i32> {
        pairs.iter().map(|(c, p)| (c.to_string(), *p)).collect()
    }

    fn english_svg(roleplay: &RolePlay) -> String {
        render_svg(roleplay, &analyse(roleplay), &GraphLabels::english())
    }

    #[test]
    fn the_spec_example_has_its_best_path_total_and_maxima() {
        let roleplay = parse(SPEC_ROLEPLAY);

        let analysis = analyse(&roleplay);

        assert_eq!(
            analysis.best_path,
            ids(&["start", "compare", "pitch", "won"])
        );
        assert_eq!(analysis.best_choices, [0, 0, 0]);
        assert_eq!(analysis.best_total, 4);
        assert_eq!(analysis.best_outcome, Some(Outcome::Won));
        assert_eq!(
            analysis.max_by_competency,
            maxima(&[("objection-handling", 3), ("negotiation", 1)])
        );
        assert_eq!(
            analysis.endings,
            [
                ("won".to_string(), Some(Outcome::Won)),
                ("discount".to_string(), Some(Outcome::Lost))
            ]
        );
        assert_eq!(analysis.paths_count, 2);
        assert!(analysis.cut_choices.is_empty() && analysis.unreachable.is_empty());
    }

    #[test]
    fn each_competency_maximum_may_come_from_a_different_path() {
        let roleplay = with_scenes(
            "## S {#s}\n\n- [A](#x) {a=+3 b=-1}\n- [B](#y) {a=-1 b=+2}\n\n\
             ## X {#x .end outcome=won}\n\n## Y {#y .end outcome=partial}\n",
        );

        let analysis = analyse(&roleplay);

        assert_eq!(analysis.best_path, ids(&["s", "x"]));
        assert_eq!(analysis.best_total, 2);
        assert_eq!(analysis.max_by_competency, maxima(&[("a", 3), ("b", 2)]));
    }

    #[test]
    fn a_competency_every_path_costs_has_a_maximum_of_zero() {
        let roleplay = parse(
            "+++\ntitle = \"T\"\ncompetencies = [\"a\", \"b\", \"unscored\"]\n+++\n\n\
             ## S {#s}\n\n- [A](#m) {a=+2 b=-1}\n\n\
             ## M {#m}\n\n- [B](#e) {b=-2}\n- [C](#e) {b=-1}\n\n\
             ## E {#e .end outcome=won}\n",
        );

        let analysis = analyse(&roleplay);

        // b is at best -2 on any run: as a denominator that is 0, not -2.
        assert_eq!(
            analysis.max_by_competency,
            maxima(&[("a", 2), ("b", 0), ("unscored", 0)])
        );
        assert_eq!(analysis.best_choices, [0, 1]);
        assert_eq!(analysis.best_total, 0);
    }

    #[test]
    fn the_best_total_itself_may_be_negative() {
        let roleplay = with_scenes(
            "## S {#s}\n\n- [A](#e) {a=-1 b=-2}\n- [B](#e) {b=-4}\n\n## E {#e .end outcome=lost}\n",
        );

        let analysis = analyse(&roleplay);

        assert_eq!(analysis.best_total, -3);
        assert_eq!(analysis.best_choices, [0]);
        assert_eq!(analysis.max_by_competency, maxima(&[("a", 0), ("b", 0)]));
    }

    #[test]
    fn ties_go_to_the_shorter_path_then_the_earlier_choice() {
        let roleplay = with_scenes(
            "## S {#s}\n\n- [Long](#m) {a=+1}\n- [Short](#e) {a=+2}\n- [Same](#f) {b=+2}\n\n\
             ## M {#m}\n\n- [On](#e) {a=+1}\n\n\
             ## E {#e .end outcome=won}\n\n## F {#f .end outcome=partial}\n",
        );

        let analysis = analyse(&roleplay);

        assert_eq!(analysis.best_path, ids(&["s", "e"]));
        assert_eq!(analysis.best_choices, [1]);
        assert_eq!(analysis.best_total, 2);
        assert_eq!(analysis.paths_count, 3);
    }

    #[test]
    fn a_practice_scene_earns_nothing_and_follows_its_one_link() {
        // A second link on a practice scene is a validator error; a run
        // follows the first, and so does the analysis.
        let roleplay = with_scenes(
            "## S {#s}\n\n- [Go](#p) {a=+1}\n\n\
             ## P {#p .practice}\n\nWrite it.\n\n- [Continue](#e)\n- [Other](#rich) {a=+5}\n\n\
             ## E {#e .end outcome=won}\n\n## Rich {#rich .end outcome=won}\n",
        );

        let analysis = analyse(&roleplay);

        assert_eq!(analysis.best_path, ids(&["s", "p", "e"]));
        assert_eq!(analysis.best_total, 1);
        assert_eq!(analysis.max_by_competency, maxima(&[("a", 1), ("b", 0)]));
        assert_eq!(analysis.unreachable, ids(&["rich"]));
    }

    #[test]
    fn a_practice_scene_that_is_also_an_end_ends_the_run() {
        let roleplay = with_scenes(
            "## S {#s}\n\n- [Go](#p) {a=+1}\n\n\
             ## P {#p .practice .end outcome=partial}\n\nWrite it.\n\n- [Continue](#e) {a=+3}\n\n\
             ## E {#e .end outcome=won}\n",
        );

        let analysis = analyse(&roleplay);

        assert_eq!(analysis.best_path, ids(&["s", "p"]));
        assert_eq!(analysis.best_outcome, Some(Outcome::Partial));
        assert_eq!(
            analysis.endings,
            [("p".to_string(), Some(Outcome::Partial))]
        );
        assert_eq!(analysis.unreachable, ids(&["e"]));
    }

    #[test]
    fn a_cycle_is_cut_and_the_analysis_terminates() {
        let roleplay = with_scenes(
            "## S {#s}\n\n- [In](#m) {a=+2}\n\n\
             ## M {#m}\n\n- [Back](#s) {a=+5}\n- [Again](#m) {a=+9}\n- [Out](#e) {a=+1}\n\n\
             ## E {#e .end outcome=won}\n",
        );

        let analysis = analyse(&roleplay);

        assert_eq!(analysis.best_path, ids(&["s", "m", "e"]));
        assert_eq!(analysis.best_total, 3);
        assert_eq!(analysis.paths_count, 1);
        assert_eq!(
            analysis.cut_choices,
            [("m".to_string(), 0), ("m".to_string(), 1)]
        );
        let svg = english_svg(&roleplay);
        assert_eq!(svg.matches(r#"class="rpg-edge rpg-loop""#).count(), 2);
    }

    #[test]
    fn a_cycle_without_an_exit_has_no_best_path() {
        let roleplay =
            with_scenes("## A {#a}\n\n- [x](#b) {a=+1}\n\n## B {#b}\n\n- [y](#a) {a=+1}\n");

        let analysis = analyse(&roleplay);

        assert!(analysis.best_path.is_empty() && analysis.best_choices.is_empty());
        assert_eq!(analysis.best_total, 0);
        assert_eq!(analysis.best_outcome, None);
        assert_eq!(analysis.paths_count, 0);
        assert_eq!(analysis.max_by_competency, maxima(&[("a", 0), ("b", 0)]));
    }

    #[test]
    fn unreachable_scenes_and_dead_links_are_ignored() {
        let roleplay = with_scenes(
            "## S {#s}\n\n- [Go](#e) {a=+1}\n- [Nowhere](#missing) {a=+9}\n\n\
             ## E {#e .end outcome=won}\n\n\
             ## Island {#island}\n\n- [Rich](#gold) {a=+50 b=+50}\n\n\
             ## Gold {#gold .end outcome=won}\n",
        );

        let analysis = analyse(&roleplay);

        assert_eq!(analysis.best_path, ids(&["s", "e"]));
        assert_eq!(analysis.best_total, 1);
        assert_eq!(analysis.max_by_competency, maxima(&[("a", 1), ("b", 0)]));
        assert_eq!(analysis.endings, [("e".to_string(), Some(Outcome::Won))]);
        assert_eq!(analysis.unreachable, ids(&["island", "gold"]));
    }

    #[test]
    fn huge_scores_saturate_instead_of_wrapping() {
        let roleplay = with_scenes(
            "## S {#s}\n\n- [Go](#m) {a=+9999999999}\n\n\
             ## M {#m}\n\n- [On](#e) {a=+2147483647 b=-9999999999}\n\n\
             ## E {#e .end outcome=won}\n",
        );

        let analysis = analyse(&roleplay);

        assert_eq!(analysis.max_by_competency["a"], i32::MAX);
        assert_eq!(analysis.max_by_competency["b"], 0);
        assert_eq!(analysis.best_path.len(), 3);
    }

    #[test]
    fn the_paths_count_stops_at_its_cap_without_enumerating_paths() {
        // 20 stages of two choices each: a million paths.
        let mut scenes = String::new();
        for stage in 0..20 {
            scenes.push_str(&format!(
                "## S{stage} {{#s{stage}}}\n\n- [L](#s{next}) {{a=+1}}\n- [R](#s{next}) {{b=+1}}\n\n",
                next = stage + 1
            ));
        }
        scenes.push_str("## End {#s20 .end outcome=won}\n");
        let roleplay = with_scenes(&scenes);

        let analysis = analyse(&roleplay);

        assert_eq!(analysis.paths_count, PATHS_COUNT_CAP);
        assert_eq!(analysis.best_total, 20);
        assert_eq!(analysis.best_choices, vec![0; 20]);
        assert_eq!(analysis.max_by_competency, maxima(&[("a", 20), ("b", 20)]));
    }

    #[test]
    fn a_long_chain_does_not_overflow_the_stack() {
        let mut scenes = String::new();
        let length = 3000;
        for index in 0..length {
            scenes.push_str(&format!(
                "## S {{#s{index}}}\n\n- [On](#s{}) {{a=+1}}\n\n",
                index + 1
            ));
        }
        scenes.push_str(&format!("## End {{#s{length} .end outcome=won}}\n"));
        let roleplay = with_scenes(&scenes);

        let analysis = analyse(&roleplay);

        assert_eq!(analysis.best_path.len(), length + 1);
        assert_eq!(analysis.best_total, 3000);
    }

    #[test]
    fn an_empty_role_play_has_an_empty_analysis_and_still_renders() {
        let roleplay = with_scenes("");

        let analysis = analyse(&roleplay);
        let svg = english_svg(&roleplay);

        assert!(analysis.best_path.is_empty() && analysis.endings.is_empty());
        assert_eq!(analysis.max_by_competency, maxima(&[("a", 0), ("b", 0)]));
        assert_well_formed(&svg);
    }

    // --- Drawing ---

    #[test]
    fn text_from_the_file_is_escaped() {
        let roleplay = parse(
            "+++\ntitle = \"<script>alert('t')</script>\"\ncompetencies = [\"a\"]\n+++\n\n\
             ## <script>alert(\"x\")</script> & Co {#s}\n\n- [<b>Go</b> & \"run\"](#e) {a=+1}\n\n\
             ## End {#e .end outcome=won}\n",
        );

        let svg = english_svg(&roleplay);

        assert!(!svg.contains("<script"), "{svg}");
        assert!(!svg.contains("<b>"));
        assert!(svg.contains("&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt;"));
        assert!(svg.contains("&amp; Co"));
        assert_well_formed(&svg);
    }

    #[test]
    fn the_best_path_edges_and_only_they_carry_the_best_class() {
        let roleplay = parse(SPEC_ROLEPLAY);

        let svg = english_svg(&roleplay);

        let edges = edges_in(&svg);
        let best: BTreeSet<(String, String, usize)> = edges
            .iter()
            .filter(|e| e.best)
            .map(|e| (e.from.clone(), e.to.clone(), e.choice))
            .collect();
        let expected: BTreeSet<(String, String, usize)> = [
            ("start", "compare", 0),
            ("compare", "pitch", 0),
            ("pitch", "won", 0),
        ]
        .into_iter()
        .map(|(from, to, choice)| (from.to_string(), to.to_string(), choice))
        .collect();
        assert_eq!(best, expected);
        assert_eq!(edges.len(), 4);
        assert!(
            svg.contains(r#"<g class="rpg-score rpg-best" data-from="start" data-choice="0">"#)
        );
    }

    #[test]
    fn every_scene_gets_one_box_and_its_kind_is_written_out() {
        let roleplay = with_scenes(
            "## S {#s}\n\n- [Go](#p) {a=+1}\n- [Try](#m) {a=+2}\n- [Fail](#l) {b=-1}\n\n\
             ## P {#p .practice}\n\n- [Continue](#w)\n\n\
             ## Middle {#m}\n\n- [Meh](#part)\n\n\
             ## Won {#w .end outcome=won}\n\n## Partial {#part .end outcome=partial}\n\n\
             ## Lost {#l .end outcome=lost}\n\n## Island {#island}\n\n- [x](#w)\n",
        );

        let svg = english_svg(&roleplay);

        assert_eq!(svg.matches(r#"<g class="rpg-scene "#).count(), 7);
        for (class, scene) in [
            ("rpg-start", "s"),
            ("rpg-practice", "p"),
            ("rpg-plain", "m"),
            ("rpg-won", "w"),
            ("rpg-partial", "part"),
            ("rpg-lost", "l"),
            ("rpg-unreachable", "island"),
        ] {
            assert!(
                svg.contains(&format!(
                    r#"<g class="rpg-scene {class}" data-scene="{scene}">"#
                )),
                "{class} {scene}"
            );
        }
        // The kinds read without colour: each badge is a word.
        for word in [
            "Start",
            "Practice",
            "Won",
            "Partial",
            "Lost",
            "Not reachable",
        ] {
            assert!(svg.contains(&format!(">{word}")), "{word}");
        }
    }

    #[test]
    fn the_svg_is_standalone_accessible_and_well_formed() {
        let roleplay = parse(SPEC_ROLEPLAY);

        let svg = english_svg(&roleplay);

        assert!(svg.starts_with(r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 "#));
        assert!(svg.contains(r#" width="100%""#) && svg.contains(r#"role="img""#));
        let prefix = id_prefix(&roleplay);
        assert!(svg.contains(&format!(
            r#"aria-labelledby="{prefix}-title {prefix}-desc""#
        )));
        assert!(svg.contains(&format!(
            r#"<title id="{prefix}-title">The quote is 20% higher</title>"#
        )));
        assert!(svg.contains(
            "Best path (+4 points): The call opens → What is in the other quote → Your turn → Pilot agreed."
        ));
        // `style` attributes too: the pages' CSP (`style-src 'self'`) drops them.
        for forbidden in [
            "<script",
            "<style",
            "style=",
            "href",
            "<image",
            "<foreignObject",
            " on",
        ] {
            assert!(!svg.contains(forbidden), "{forbidden}");
        }
        assert_eq!(svg.matches("http").count(), 1, "only the namespace");
        assert_well_formed(&svg);
    }

    #[test]
    fn chinese_labels_are_used() {
        let roleplay = parse(SPEC_ROLEPLAY);
        let mut labels = GraphLabels::chinese();
        labels
            .competency_names
            .insert("negotiation".into(), "谈判与成交".into());

        let svg = render_svg(&roleplay, &analyse(&roleplay), &labels);

        for word in [
            "最佳路径",
            "开始",
            "练习",
            "成功",
            "失败",
            "NEG = 谈判与成交 (最高 1)",
        ] {
            assert!(svg.contains(word), "{word}");
        }
        assert!(svg.contains("最佳路径（+4 分）"));
    }

    #[test]
    fn long_titles_are_cut_to_two_lines_with_the_full_title_as_tooltip() {
        let long = "A very long scene title that goes on and on about the customer and the quote and the warranty";
        let roleplay = with_scenes(&format!("## {long} {{#s .end outcome=won}}\n"));

        let svg = english_svg(&roleplay);

        assert!(svg.contains(&format!("<title>{long} (#s)</title>")));
        let lines = wrap(long, TITLE_SIZE, true, BOX_W - 20.0, 2);
        assert_eq!(lines.len(), 2);
        assert!(lines[1].ends_with('…'));
        assert!(
            lines
                .iter()
                .all(|l| text_width(l, TITLE_SIZE, true) <= BOX_W - 20.0)
        );
        let chinese = wrap(
            "这是一个很长很长的场景标题需要换行才能显示完整的内容吧",
            TITLE_SIZE,
            true,
            BOX_W - 20.0,
            2,
        );
        assert_eq!(chinese.len(), 2);
    }

    #[test]
    fn abbreviations_are_short_and_unique() {
        let competencies: Vec<String> = [
            "objection-handling",
            "negotiation",
            "teamwork",
            "team-leadership",
            "teamwork-x",
            "oh-hi",
        ]
        .iter()
        .map(|c| c.to_string())
        .collect();

        assert_eq!(
            abbreviations(&competencies),
            ["OH", "NEG", "TEA", "TL", "TX", "OH2"]
        );
    }

    #[test]
    fn place_in_order_keeps_order_and_separation() {
        let placed = place_in_order(&[100.0, 90.0, 300.0], &[50.0, 50.0]);

        assert_eq!(placed, [70.0, 120.0, 300.0]);
    }

    /// Every shipped role-play, in every language: its best path must end
    /// in a win (else the curriculum teaches the wrong move), translations
    /// must score like the original, and the drawing must be clean.
    #[test]
    fn the_shipped_role_plays_render_and_their_best_path_is_won() {
        let content = Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
        let report = check(&content);
        let course = report.course.expect("the shipped content has no errors");
        let mut seen = 0;
        let mut not_won = Vec::new();
        for module in &course.modules {
            for named in &module.roleplays {
                seen += 1;
                let original = analyse(&named.files.default);
                for language in named.files.languages() {
                    let roleplay = named.files.get(language);
                    let analysis = analyse(roleplay);
                    if analysis.best_outcome != Some(Outcome::Won) {
                        not_won.push(format!("{}/{} [{language}]", module.id, named.name));
                    }
                    assert_eq!(analysis.best_path, original.best_path, "{}", named.name);
                    assert_eq!(analysis.best_total, original.best_total);
                    assert_eq!(analysis.max_by_competency, original.max_by_competency);
                    assert!(analysis.cut_choices.is_empty() && analysis.unreachable.is_empty());

                    let svg = render_svg(roleplay, &analysis, &GraphLabels::english());
                    assert_well_formed(&svg);
                    assert_eq!(
                        svg.matches(r#"<g class="rpg-scene "#).count(),
                        roleplay.scenes.len()
                    );
                    assert_eq!(
                        edges_in(&svg).iter().filter(|e| e.best).count(),
                        analysis.best_path.len() - 1
                    );
                    assert_clean_layout(roleplay, &named.name);
                }
            }
        }
        assert_eq!(seen, 11);
        assert!(
            not_won.is_empty(),
            "best path does not end in a win: {not_won:?}"
        );
    }

    fn assert_clean_layout(roleplay: &RolePlay, name: &str) {
        let graph = Graph::build(roleplay);
        let layout = Layout::build(&graph, 0.0);
        assert!(layout.width <= MAX_WIDTH, "{name} is {} wide", layout.width);
        for (i, a) in layout.boxes.iter().enumerate() {
            assert!(
                a.x >= MARGIN - 0.01 && a.x + a.w <= layout.width - MARGIN + 0.01,
                "{name}: {a:?} outside {}",
                layout.width
            );
            for b in &layout.boxes[i + 1..] {
                assert_eq!(a.overlap(b), 0.0, "{name}: boxes overlap");
            }
        }
        let labels = place_score_labels(
            roleplay,
            &graph,
            &layout,
            &abbreviations(&graph.competencies),
        );
        let rects: Vec<Rect> = labels.iter().flatten().map(|(rect, _)| *rect).collect();
        for (i, a) in rects.iter().enumerate() {
            for b in rects[i + 1..].iter().chain(&layout.boxes) {
                assert_eq!(a.overlap(b), 0.0, "{name}: a score label is covered");
            }
        }
        for route in &layout.routes {
            assert!(
                route.points.windows(2).all(|p| p[1].1 > p[0].1),
                "{name}: an edge goes up"
            );
        }
    }

    // --- Property: never panics, and exact on acyclic graphs ---

    #[derive(Debug, Clone)]
    struct GenScene {
        end: bool,
        practice: bool,
        outcome: Option<usize>,
        /// (target, points for a, points for b).
        choices: Vec<(Target, i64, i64)>,
    }

    /// Mostly forward links, so many graphs are acyclic and comparable with
    /// the brute force; some anywhere, making cycles and dead links.
    #[derive(Debug, Clone)]
    enum Target {
        Ahead(usize),
        Anywhere(usize),
    }

    fn gen_scene() -> impl Strategy<Value = GenScene> {
        (
            prop::bool::weighted(0.3),
            prop::bool::weighted(0.2),
            prop::option::of(0..3usize),
            prop::collection::vec(
                (
                    prop_oneof![
                        5 => (1..4usize).prop_map(Target::Ahead),
                        1 => (0..9usize).prop_map(Target::Anywhere),
                    ],
                    // Small scores, so that ties are common.
                    -2..3i64,
                    -2..3i64,
                ),
                0..4,
            ),
        )
            .prop_map(|(end, practice, outcome, choices)| GenScene {
                end,
                practice,
                outcome,
                choices,
            })
    }

    fn markdown_of(scenes: &[GenScene]) -> String {
        let mut text = String::from("+++\ntitle = \"P\"\ncompetencies = [\"a\", \"b\"]\n+++\n\n");
        for (index, scene) in scenes.iter().enumerate() {
            let mut attributes = format!("#s{index}");
            if scene.end {
                attributes.push_str(" .end");
            }
            if scene.practice {
                attributes.push_str(" .practice");
            }
            if let Some(outcome) = scene.outcome {
                attributes.push_str([" outcome=won", " outcome=partial", " outcome=lost"][outcome]);
            }
            text.push_str(&format!("## Scene <{index}> & co {{{attributes}}}\n\n"));
            for (target, a, b) in &scene.choices {
                let target = match target {
                    Target::Ahead(offset) => index + offset,
                    Target::Anywhere(target) => *target,
                };
                text.push_str(&format!("- [Go](#s{target}) {{a={a:+} b={b:+}}}\n"));
            }
            text.push('\n');
        }
        text
    }

    struct Brute {
        /// (total, steps, choices) of the best run.
        best: Option<(i32, usize, Vec<usize>)>,
        maxima: [Option<i32>; 2],
        count: u64,
    }

    /// Every run that visits no scene twice, enumerated.
    fn brute_force(roleplay: &RolePlay) -> Brute {
        fn walk(
            roleplay: &RolePlay,
            scene: usize,
            path: &mut Vec<usize>,
            choices: &mut Vec<usize>,
            points: [i32; 2],
            found: &mut Brute,
        ) {
            let here = &roleplay.scenes[scene];
            if here.end {
                let total = points[0] + points[1];
                let steps = choices.len();
                let better = found.best.as_ref().is_none_or(|(t, s, c)| {
                    (
                        total,
                        std::cmp::Reverse(steps),
                        std::cmp::Reverse(choices.clone()),
                    ) > (*t, std::cmp::Reverse(*s), std::cmp::Reverse(c.clone()))
                });
                if better {
                    found.best = Some((total, steps, choices.clone()));
                }
                for (slot, value) in found.maxima.iter_mut().zip(points) {
                    *slot = Some(slot.map_or(value, |m| m.max(value)));
                }
                found.count += 1;
                return;
            }
            for (position, choice) in live_choices(here).iter().enumerate() {
                let Some(target) = roleplay
                    .scenes
                    .iter()
                    .position(|s| s.id.value == choice.target.value)
                else {
                    continue;
                };
                if path.contains(&target) {
                    continue;
                }
                let mut next = points;
                for score in &choice.scores {
                    next[usize::from(score.competency.value == "b")] += score.points as i32;
                }
                path.push(target);
                choices.push(position);
                walk(roleplay, target, path, choices, next, found);
                path.pop();
                choices.pop();
            }
        }
        let mut found = Brute {
            best: None,
            maxima: [None, None],
            count: 0,
        };
        if !roleplay.scenes.is_empty() {
            walk(
                roleplay,
                0,
                &mut vec![0],
                &mut Vec::new(),
                [0, 0],
                &mut found,
            );
        }
        found
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(192))]

        #[test]
        fn analyse_and_render_never_panic_and_are_exact_without_cycles(
            scenes in prop::collection::vec(gen_scene(), 0..8)
        ) {
            let roleplay = parse(&markdown_of(&scenes));

            let analysis = analyse(&roleplay);
            let svg = render_svg(&roleplay, &analysis, &GraphLabels::english());

            assert_well_formed(&svg);
            prop_assert_eq!(svg.matches(r#"<g class="rpg-scene "#).count(), roleplay.scenes.len());
            prop_assert!(analysis.max_by_competency.values().all(|m| *m >= 0));
            // The best path is a real run with the total claimed.
            if let Some(first) = analysis.best_path.first() {
                prop_assert_eq!(first, &roleplay.scenes[0].id.value);
                let mut total = 0i64;
                for (pair, &choice) in analysis.best_path.windows(2).zip(&analysis.best_choices) {
                    let scene = roleplay.scene(&pair[0]).expect("scene");
                    prop_assert!(!scene.end);
                    let taken = &scene.choices[choice];
                    prop_assert_eq!(&taken.target.value, &pair[1]);
                    total += taken.scores.iter().map(|s| s.points).sum::<i64>();
                }
                prop_assert_eq!(total, i64::from(analysis.best_total));
                let last = analysis.best_path.last().and_then(|id| roleplay.scene(id));
                prop_assert!(last.is_some_and(|s| s.end));
                let distinct: BTreeSet<&String> = analysis.best_path.iter().collect();
                prop_assert_eq!(distinct.len(), analysis.best_path.len());
            }
            let brute = brute_force(&roleplay);
            if analysis.cut_choices.is_empty() {
                match &brute.best {
                    Some((total, _, choices)) => {
                        prop_assert_eq!(analysis.best_total, *total);
                        prop_assert_eq!(&analysis.best_choices, choices);
                    }
                    None => prop_assert!(analysis.best_path.is_empty()),
                }
                for (name, maximum) in ["a", "b"].iter().zip(brute.maxima) {
                    prop_assert_eq!(analysis.max_by_competency[*name], maximum.unwrap_or(0).max(0));
                }
                prop_assert_eq!(analysis.paths_count, brute.count);
            } else if let Some((total, _, _)) = brute.best {
                // Cutting a cycle only removes runs.
                prop_assert!(analysis.best_path.is_empty() || analysis.best_total <= total);
                prop_assert!(analysis.paths_count <= brute.count);
            }
        }
    }

    // --- Helpers reading the SVG back ---

    struct DrawnEdge {
        from: String,
        to: String,
        choice: usize,
        best: bool,
    }

    fn edges_in(svg: &str) -> Vec<DrawnEdge> {
        svg.split(r#"<g class="rpg-edge"#)
            .skip(1)
            .map(|rest| {
                let attribute = |name: &str| {
                    let start =
                        rest.find(&format!(r#"{name}=""#)).expect("attribute") + name.len() + 2;
                    let end = rest[start..].find('"').expect("closing quote") + start;
                    rest[start..end].to_string()
                };
                DrawnEdge {
                    from: attribute("data-from"),
                    to: attribute("data-to"),
                    choice: attribute("data-choice").parse().expect("a number"),
                    best: rest.starts_with(" rpg-best"),
                }
            })
            .collect()
    }

    /// Tags balance, attribute quotes pair up, and every `&` starts one of
    /// the entities `escape` writes: enough to catch a broken drawing
    /// without an XML parser among the dependencies.
    fn assert_well_formed(svg: &str) {
        let entities_ok = |text: &str| {
            text.match_indices('&').all(|(at, _)| {
                ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"]
                    .iter()
                    .any(|entity| text[at..].starts_with(entity))
            })
        };
        assert!(svg.starts_with("<svg ") && svg.ends_with("</svg>"));
        let mut open: Vec<&str> = Vec::new();
        let mut rest = svg;
        while let Some(start) = rest.find('<') {
            assert!(entities_ok(&rest[..start]), "bad text: {}", &rest[..start]);
            assert!(
                !rest[..start].contains('>'),
                "stray > in {}",
                &rest[..start]
            );
            let end = rest[start..].find('>').expect("tag closes") + start;
            let tag = &rest[start + 1..end];
            assert!(!tag.contains('<'), "< inside a tag: {tag}");
            assert!(entities_ok(tag), "bad attribute text: {tag}");
            assert_eq!(tag.matches('"').count() % 2, 0, "unpaired quote: {tag}");
            if let Some(name) = tag.strip_prefix('/') {
                assert_eq!(open.pop(), Some(name), "mismatched </{name}>");
            } else if !tag.ends_with('/') {
                let name = tag.split_whitespace().next().expect("a tag name");
                open.push(name);
            }
            rest = &rest[end + 1..];
            if open.is_empty() {
                assert!(rest.is_empty(), "content after the root: {rest}");
            }
        }
        assert!(open.is_empty(), "unclosed: {open:?}");
    }
}
