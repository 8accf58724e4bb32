use super::InvalidInput;

pub const MIN_PASSWORD_CHARS: usize = 10;
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// A new password that meets the policy. Never printed.
pub struct Password(String);

impl Password {
    /// Checks a password someone chooses (creation, reset). Login does not
    /// use this: an old password that predates the policy must still work.
    pub fn parse(raw: String) -> Result<Self, InvalidInput> {
        let chars = raw.chars().count();
        if chars < MIN_PASSWORD_CHARS {
            return Err(InvalidInput::new(
                "password_short",
                "",
                format!(
                    "the password has {chars} characters; use at least {MIN_PASSWORD_CHARS} (a few words make a good one)"
                ),
            ));
        }
        if raw.len() > MAX_PASSWORD_BYTES {
            return Err(InvalidInput::new(
                "password_long",
                "",
                format!(
                    "the password is longer than {MAX_PASSWORD_BYTES} bytes; choose a shorter one"
                ),
            ));
        }
        if raw.trim().is_empty() {
            return Err(InvalidInput::new(
                "password_blank",
                "",
                "the password is only spaces; choose a real one",
            ));
        }
        Ok(Self(raw))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_passwords_are_refused_with_the_minimum() {
        let error = Password::parse("abc".into()).unwrap_err();
        assert!(error.message.contains("at least 10"), "{}", error.message);
    }

    #[test]
    fn a_long_enough_password_is_accepted_and_never_printed() {
        let password = Password::parse("correct horse battery".into()).unwrap();
        assert_eq!(password.expose(), "correct horse battery");
        assert_eq!(format!("{password:?}"), "Password(<redacted>)");
    }
}
