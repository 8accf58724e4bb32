//! "Did you mean ...?" for misspelt ids and keys.

/// The closest candidate to `wrong`, if it is close enough to be a typo
/// rather than a different word.
pub fn closest<'a>(wrong: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let allowed = (wrong.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|candidate| (edit_distance(wrong, candidate), candidate))
        .filter(|(distance, _)| *distance <= allowed)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

/// `help` text naming the closest candidate, or listing what is allowed.
pub fn did_you_mean<'a>(
    wrong: &str,
    candidates: impl IntoIterator<Item = &'a str> + Clone,
    what: &str,
) -> String {
    match closest(wrong, candidates.clone()) {
        Some(candidate) => format!("did you mean `{candidate}`?"),
        None => {
            let known: Vec<String> = candidates
                .into_iter()
                .map(|candidate| format!("`{candidate}`"))
                .collect();
            if known.is_empty() {
                format!("no {what} is defined yet")
            } else {
                format!("use one of the {what}: {}", known.join(", "))
            }
        }
    }
}

/// Edit distance over characters where swapping two neighbours counts as
/// one edit (optimal string alignment), since `titel` for `title` is the
/// typo people make most.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut rows: Vec<Vec<usize>> = (0..=a.len())
        .map(|i| {
            (0..=b.len())
                .map(|j| {
                    if i == 0 {
                        j
                    } else if j == 0 {
                        i
                    } else {
                        0
                    }
                })
                .collect()
        })
        .collect();
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (rows[i - 1][j] + 1)
                .min(rows[i][j - 1] + 1)
                .min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = best;
        }
    }
    rows[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_nearest_id() {
        let ids = ["negotiation", "objection-handling", "discovery"];
        assert_eq!(closest("negociation", ids), Some("negotiation"));
        assert_eq!(closest("pricing", ids), None);
    }

    #[test]
    fn lists_candidates_when_nothing_is_close() {
        let help = did_you_mean("xyz", ["a-b", "c-d"], "competencies");
        assert_eq!(help, "use one of the competencies: `a-b`, `c-d`");
        assert_eq!(
            did_you_mean("titel", ["title"], "keys"),
            "did you mean `title`?"
        );
    }

    #[test]
    fn distance_counts_edits() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("客户", "客人"), 1);
        assert_eq!(edit_distance("titel", "title"), 1);
    }
}
