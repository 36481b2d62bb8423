//! Validated value types. Each is built only through a constructor that returns `Result`, so a
//! value that exists is a valid one; stored values are re-checked when they are read back.

use crate::error::{DomainError, Reason};
use serde::{Deserialize, Serialize};
use std::fmt;

/// An email address, lower-cased so that it can be compared for duplicates.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(try_from = "String", into = "String")]
#[schema(value_type = String, format = "email")]
pub struct Email(String);

impl Email {
    pub fn parse(field: &'static str, raw: &str) -> Result<Self, DomainError> {
        let s = raw.trim().to_lowercase();
        let bad = || DomainError::invalid(field, Reason::Email);
        if s.is_empty() {
            return Err(DomainError::invalid(field, Reason::Required));
        }
        if s.len() > 254 || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad());
        }
        let (local, domain) = s.split_once('@').ok_or_else(bad)?;
        let labels_ok = domain
            .split('.')
            .all(|l| !l.is_empty() && !l.starts_with('-') && !l.ends_with('-'));
        if local.is_empty()
            || local.len() > 64
            || domain.contains('@')
            || !domain.contains('.')
            || !labels_ok
            || s.contains(['<', '>', ',', ';', '"', '(', ')', '[', ']', '\\'])
        {
            return Err(bad());
        }
        Ok(Self(s))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Email {
    type Error = DomainError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse("email", &s)
    }
}
impl From<Email> for String {
    fn from(e: Email) -> String {
        e.0
    }
}
impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A phone number in E.164 (`+` and 8 to 15 digits). Russian numbers written the local way
/// (`8 (916) 123-45-67`) are accepted and normalised to `+79161234567`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(try_from = "String", into = "String")]
#[schema(value_type = String, example = "+79161234567")]
pub struct Phone(String);

impl Phone {
    pub fn parse(field: &'static str, raw: &str) -> Result<Self, DomainError> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(DomainError::invalid(field, Reason::Required));
        }
        let bad = || DomainError::invalid(field, Reason::Phone);
        let plus = trimmed.starts_with('+');
        let rest = if plus { &trimmed[1..] } else { trimmed };
        let mut digits = String::with_capacity(16);
        for c in rest.chars() {
            match c {
                '0'..='9' => digits.push(c),
                ' ' | '-' | '(' | ')' | '.' | '\u{a0}' => {}
                _ => return Err(bad()),
            }
        }
        if !plus {
            // Only Russian local forms are unambiguous without a country code.
            match (digits.len(), digits.as_bytes().first()) {
                (11, Some(b'8')) | (11, Some(b'7')) => digits.replace_range(0..1, "7"),
                _ => return Err(bad()),
            }
        }
        if !(8..=15).contains(&digits.len()) || digits.starts_with('0') {
            return Err(bad());
        }
        Ok(Self(format!("+{digits}")))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Phone {
    type Error = DomainError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse("phone", &s)
    }
}
impl From<Phone> for String {
    fn from(p: Phone) -> String {
        p.0
    }
}
impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Trims `raw` and checks it is present and at most `max` characters long.
pub fn required_text(field: &'static str, raw: &str, max: usize) -> Result<String, DomainError> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(DomainError::invalid(field, Reason::Required));
    }
    bounded(field, s, max)
}

/// Like [`required_text`], but an empty or absent value is `None`.
pub fn optional_text(
    field: &'static str,
    raw: Option<&str>,
    max: usize,
) -> Result<Option<String>, DomainError> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(s) => bounded(field, s, max).map(Some),
    }
}

fn bounded(field: &'static str, s: &str, max: usize) -> Result<String, DomainError> {
    if s.chars().count() > max {
        return Err(DomainError::invalid(field, Reason::TooLong { max }));
    }
    if s.chars().any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r') {
        return Err(DomainError::invalid(field, Reason::Required));
    }
    Ok(s.to_string())
}

/// The lower-cased form of a name used for search, so that "Иванов" finds "иванов".
pub fn search_key(s: &str) -> String {
    s.trim().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn russian_local_phone_numbers_are_normalised_to_e164() {
        assert_eq!(Phone::parse("phone", "8 (916) 123-45-67").unwrap().as_str(), "+79161234567");
        assert_eq!(Phone::parse("phone", "+7 916 123 45 67").unwrap().as_str(), "+79161234567");
        assert_eq!(Phone::parse("phone", "+44 20 7946 0958").unwrap().as_str(), "+442079460958");
    }

    #[test]
    fn ambiguous_or_malformed_phone_numbers_are_refused() {
        for bad in ["123", "916 123 45 67", "+0 123 4567 89", "+7 916 abc", "++79161234567", "+1234567890123456"] {
            assert!(Phone::parse("phone", bad).is_err(), "{bad} was accepted");
        }
    }

    #[test]
    fn emails_are_lowercased_and_malformed_ones_refused() {
        assert_eq!(Email::parse("email", " Ivan.Petrov@Example.RU ").unwrap().as_str(), "ivan.petrov@example.ru");
        for bad in ["", "ivan", "ivan@", "@example.ru", "ivan@example", "iv an@example.ru", "a@b@c.ru", "x@-a.ru"] {
            assert!(Email::parse("email", bad).is_err(), "{bad} was accepted");
        }
    }

    proptest! {
        #[test]
        fn a_parsed_phone_is_always_e164(s in "\\PC{0,30}") {
            if let Ok(p) = Phone::parse("phone", &s) {
                let digits = &p.as_str()[1..];
                prop_assert!(p.as_str().starts_with('+'));
                prop_assert!((8..=15).contains(&digits.len()));
                prop_assert!(digits.chars().all(|c| c.is_ascii_digit()));
                prop_assert_eq!(Phone::parse("phone", p.as_str()).unwrap(), p.clone());
            }
        }

        #[test]
        fn a_parsed_email_reparses_to_itself(s in "[a-zA-Z0-9._%+-]{1,20}@[a-zA-Z0-9-]{1,10}\\.[a-z]{2,5}") {
            if let Ok(e) = Email::parse("email", &s) {
                prop_assert_eq!(Email::parse("email", e.as_str()).unwrap(), e.clone());
                prop_assert_eq!(e.as_str(), s.to_lowercase());
            }
        }

        #[test]
        fn email_parsing_never_panics(s in "\\PC{0,80}") {
            let _ = Email::parse("email", &s);
        }
    }
}
