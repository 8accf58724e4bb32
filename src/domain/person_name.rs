use serde::Serialize;

use super::InvalidInput;

/// A person's display name: trimmed, 1 to 100 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct PersonName(String);

impl PersonName {
    pub fn parse(raw: &str) -> Result<Self, InvalidInput> {
        let value = raw.trim();
        if value.is_empty() {
            return Err(InvalidInput::new(
                "name_empty",
                raw,
                "the name is empty; give the person's name",
            ));
        }
        if value.chars().count() > 100 {
            return Err(InvalidInput::new(
                "name_too_long",
                raw,
                "the name is longer than 100 characters; shorten it",
            ));
        }
        if value.chars().any(char::is_control) {
            return Err(InvalidInput::new(
                "name_control",
                raw,
                "the name contains control characters; remove them",
            ));
        }
        Ok(Self(value.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}
