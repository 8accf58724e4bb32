//! How a role-play's runs end: per end scene, how many runs reached it and
//! with what average score.
//!
//! The caller passes the role-play's end scenes in their content order, so
//! an ending nobody reached still shows (with 0 runs): to a trainer that is
//! as telling as a popular one. An ending reached by some run but missing
//! from that list (say, a scene since removed from the content) is appended
//! after the listed ones, in id order, and never dropped: the shares of all
//! endings then always sum to 1.
//!
//! Which runs to pass (first runs only, or all) is the caller's choice.
//! Everything here is a pure function of its input.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use utoipa::ToSchema;

/// A run that reached an end scene.
#[derive(Debug, Clone, PartialEq)]
pub struct FinishedRun {
    /// The id of the end scene reached.
    pub ending: String,
    /// The run's score, `0..=1`.
    pub score: f64,
}

/// The ending statistics of one role-play.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct RolePlayStats {
    /// How many runs reached an end scene.
    pub finished: usize,
    /// How many runs were started but not finished.
    pub unfinished: usize,
    /// The mean score of the finished runs; `None` when none finished.
    pub average_score: Option<f64>,
    /// The listed endings in their order, then any unlisted ending reached,
    /// by id.
    pub endings: Vec<EndingShare>,
}

/// How often one end scene was reached.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct EndingShare {
    /// The end scene's id.
    pub ending: String,
    /// How many finished runs ended here.
    pub reached: usize,
    /// `reached` divided by the finished runs; 0 when none finished.
    pub share: f64,
    /// The mean score of the runs that ended here; `None` when none did.
    pub average_score: Option<f64>,
}

/// Counts the finished runs per ending: `endings_in_order` lists every end
/// scene of the role-play (duplicates are shown once), `unfinished` is passed
/// through.
pub fn analyse(
    endings_in_order: &[String],
    runs: &[FinishedRun],
    unfinished: usize,
) -> RolePlayStats {
    // Per reached ending: the number of runs and the sum of their scores.
    let mut reached: BTreeMap<&str, (usize, f64)> = BTreeMap::new();
    for run in runs {
        let entry = reached.entry(run.ending.as_str()).or_default();
        entry.0 += 1;
        entry.1 += run.score;
    }

    let finished = runs.len();
    let share = |ending: &str| {
        let (count, sum) = reached.get(ending).copied().unwrap_or_default();
        EndingShare {
            ending: ending.to_owned(),
            reached: count,
            share: if finished == 0 {
                0.0
            } else {
                count as f64 / finished as f64
            },
            average_score: (count > 0).then(|| sum / count as f64),
        }
    };

    let mut listed = BTreeSet::new();
    let mut endings: Vec<EndingShare> = endings_in_order
        .iter()
        .filter(|ending| listed.insert(ending.as_str()))
        .map(|ending| share(ending))
        .collect();
    endings.extend(
        reached
            .keys()
            .filter(|ending| !listed.contains(*ending))
            .map(|ending| share(ending)),
    );

    let total: f64 = runs.iter().map(|run| run.score).sum();
    RolePlayStats {
        finished,
        unfinished,
        average_score: (finished > 0).then(|| total / finished as f64),
        endings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(ending: &str, score: f64) -> FinishedRun {
        FinishedRun {
            ending: ending.to_owned(),
            score,
        }
    }

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    /// (ending, reached, share, average score) of every ending.
    fn rows(stats: &RolePlayStats) -> Vec<(&str, usize, f64, Option<f64>)> {
        stats
            .endings
            .iter()
            .map(|e| (e.ending.as_str(), e.reached, e.share, e.average_score))
            .collect()
    }

    #[test]
    fn unreached_endings_show_and_unlisted_ones_are_appended() {
        // Listed: won, lost, walked_out (nobody walked out). Reached also:
        // "zz_old" and "old_deal", no longer listed, appended by id.
        //   won:      .75, .25      → 2 of 6, average .5
        //   lost:     0, .5         → 2 of 6, average .25
        //   old_deal: 1             → 1 of 6
        //   zz_old:   .5            → 1 of 6
        // Overall: (.75+.25+0+.5+1+.5) / 6 = 3 / 6 = .5
        let runs = [
            run("won", 0.75),
            run("zz_old", 0.5),
            run("lost", 0.0),
            run("won", 0.25),
            run("old_deal", 1.0),
            run("lost", 0.5),
        ];
        let stats = analyse(&names(&["won", "lost", "walked_out"]), &runs, 3);
        assert_eq!(stats.finished, 6);
        assert_eq!(stats.unfinished, 3);
        assert_eq!(stats.average_score, Some(0.5));
        let sixth = 1.0 / 6.0;
        assert_eq!(
            rows(&stats),
            vec![
                ("won", 2, 2.0 / 6.0, Some(0.5)),
                ("lost", 2, 2.0 / 6.0, Some(0.25)),
                ("walked_out", 0, 0.0, None),
                ("old_deal", 1, sixth, Some(1.0)),
                ("zz_old", 1, sixth, Some(0.5)),
            ]
        );
        let total: f64 = stats.endings.iter().map(|e| e.share).sum();
        assert!((total - 1.0).abs() < 1e-12);
    }

    #[test]
    fn no_finished_runs() {
        let stats = analyse(&names(&["won", "lost"]), &[], 4);
        assert_eq!(stats.finished, 0);
        assert_eq!(stats.unfinished, 4);
        assert_eq!(stats.average_score, None);
        assert_eq!(
            rows(&stats),
            vec![("won", 0, 0.0, None), ("lost", 0, 0.0, None)]
        );
    }

    #[test]
    fn a_duplicated_listed_ending_shows_once() {
        let stats = analyse(&names(&["won", "won"]), &[run("won", 1.0)], 0);
        assert_eq!(rows(&stats), vec![("won", 1, 1.0, Some(1.0))]);
    }

    #[test]
    fn serialises_and_has_a_schema() {
        use utoipa::PartialSchema;
        let stats = analyse(&names(&["won"]), &[run("won", 1.0)], 0);
        let json = serde_json::to_string(&stats).unwrap();
        assert_eq!(
            json,
            r#"{"finished":1,"unfinished":0,"average_score":1.0,"endings":[{"ending":"won","reached":1,"share":1.0,"average_score":1.0}]}"#
        );
        let schema = serde_json::to_string(&RolePlayStats::schema()).unwrap();
        assert!(schema.contains("average_score"), "{schema}");
    }
}
