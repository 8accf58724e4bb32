//! Ids of modules, questions, scenes, competencies, roles and paths.
//!
//! Ids appear in URLs, JSON answers and evidence rows, and must stay equal
//! across languages, so they are restricted to lowercase-kebab-case ASCII.

/// `objection-handling`, `q1`, `step-2`: lowercase ASCII letters and digits
/// in groups joined by single dashes.
pub fn is_kebab_id(id: &str) -> bool {
    !id.is_empty()
        && id.split('-').all(|part| {
            !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
}

/// The help text for an id that is not kebab-case, with a suggestion.
pub fn kebab_help(id: &str) -> String {
    let suggestion: String = id
        .trim()
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    if suggestion.is_empty() {
        "use lowercase letters, digits and dashes, e.g. `price-objection`".to_string()
    } else {
        format!("use lowercase letters, digits and dashes, e.g. `{suggestion}`")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kebab_ids() {
        assert!(is_kebab_id("objection-handling"));
        assert!(is_kebab_id("q1"));
        assert!(!is_kebab_id("Objection"));
        assert!(!is_kebab_id("a--b"));
        assert!(!is_kebab_id("-a"));
        assert!(!is_kebab_id("a_b"));
        assert!(!is_kebab_id(""));
        assert!(!is_kebab_id("客户"));
    }

    #[test]
    fn help_suggests_a_kebab_form() {
        assert!(kebab_help("Price Objection!").contains("`price-objection`"));
    }
}
