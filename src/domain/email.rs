use serde::Serialize;

use super::InvalidInput;

/// An e-mail address, trimmed and lower-cased so that addresses compare
/// case-insensitively everywhere (login, uniqueness, throttling).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, InvalidInput> {
        let value = raw.trim().to_lowercase();
        let refuse = |key: &'static str, why: &str| {
            Err(InvalidInput::new(
                key,
                raw,
                format!("`{}` is not a usable e-mail address: {why}", raw.trim()),
            ))
        };
        if value.is_empty() {
            return Err(InvalidInput::new(
                "email_empty",
                raw,
                "the e-mail address is empty; give one like name@example.com",
            ));
        }
        if value.len() > 254 {
            return refuse("email_too_long", "it is longer than 254 characters");
        }
        let Some((local, domain)) = value.split_once('@') else {
            return refuse("email_no_at", "it has no @; write it like name@example.com");
        };
        if local.is_empty() || domain.is_empty() || domain.contains('@') {
            return refuse(
                "email_one_at",
                "write it like name@example.com, with one @ and text on both sides",
            );
        }
        if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return refuse("email_spaces", "it contains spaces or control characters");
        }
        if !domain.contains('.') && domain != "localhost" {
            return refuse(
                "email_no_dot",
                "the part after @ needs a dot, like example.com",
            );
        }
        Ok(Self(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Email {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_normalised_to_lower_case() {
        assert_eq!(
            Email::parse("  Ana.Li@Example.COM ").unwrap().as_str(),
            "ana.li@example.com"
        );
    }

    #[test]
    fn malformed_addresses_are_refused_with_a_reason() {
        for (raw, reason) in [
            ("", "empty"),
            ("ana", "no @"),
            ("@example.com", "one @"),
            ("ana@", "one @"),
            ("a@b@c.com", "one @"),
            ("ana li@example.com", "spaces"),
            ("ana@example", "dot"),
        ] {
            let error = Email::parse(raw).unwrap_err();
            assert!(error.message.contains(reason), "{raw}: {}", error.message);
        }
    }
}
