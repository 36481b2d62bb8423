//! Staff users, their roles, and login sessions.

use crate::error::{DomainError, Reason};
use crate::ids::UserId;
use crate::secret::TokenHash;
use crate::values::{Email, required_text};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Recruiter,
    Manager,
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Recruiter, Role::Manager, Role::Admin];
    pub const NAMES: &'static [&'static str] = &["recruiter", "manager", "admin"];

    pub fn parse(field: &'static str, s: &str) -> Result<Self, DomainError> {
        match s {
            "recruiter" => Ok(Role::Recruiter),
            "manager" => Ok(Role::Manager),
            "admin" => Ok(Role::Admin),
            _ => Err(DomainError::invalid(field, Reason::Unknown { allowed: Self::NAMES })),
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Recruiter => "recruiter",
            Role::Manager => "manager",
            Role::Admin => "admin",
        }
    }
}

/// A staff member. The password is kept only as an argon2id PHC string.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct User {
    pub id: UserId,
    pub email: Email,
    pub name: String,
    pub role: Role,
    pub password_hash: String,
    pub created_at: DateTime<Utc>,
}

pub const MIN_PASSWORD_LEN: usize = 10;

impl User {
    /// Checks the parts of a new user that are not the password hash.
    pub fn new(
        email: &str,
        name: &str,
        role: Role,
        password_hash: String,
        now: DateTime<Utc>,
    ) -> Result<Self, DomainError> {
        Ok(Self {
            id: UserId::new(),
            email: Email::parse("email", email)?,
            name: required_text("name", name, 200)?,
            role,
            password_hash,
            created_at: now,
        })
    }
}

/// Checks a new password's strength before it is hashed.
pub fn check_password(password: &str) -> Result<(), DomainError> {
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(DomainError::invalid(
            "password",
            Reason::PasswordTooShort { min: MIN_PASSWORD_LEN },
        ));
    }
    if password.len() > 1024 {
        return Err(DomainError::invalid("password", Reason::TooLong { max: 1024 }));
    }
    Ok(())
}

/// A login session; the cookie holds the token, the store only its hash.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Session {
    pub token_hash: TokenHash,
    pub user_id: UserId,
    /// Sent back in the `X-CSRF-Token` header on every state-changing request.
    pub csrf_token: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}
