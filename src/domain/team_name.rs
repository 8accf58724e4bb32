use serde::Serialize;

use super::InvalidInput;

/// A team's name: trimmed, 1 to 80 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct TeamName(String);

impl TeamName {
    pub fn parse(raw: &str) -> Result<Self, InvalidInput> {
        let value = raw.trim();
        if value.is_empty() {
            return Err(InvalidInput::new(
                "team_name_empty",
                raw,
                "the team name is empty; give the team a name",
            ));
        }
        if value.chars().count() > 80 {
            return Err(InvalidInput::new(
                "team_name_too_long",
                raw,
                "the team name is longer than 80 characters; shorten it",
            ));
        }
        if value.chars().any(char::is_control) {
            return Err(InvalidInput::new(
                "team_name_control",
                raw,
                "the team name contains control characters; remove them",
            ));
        }
        Ok(Self(value.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}
