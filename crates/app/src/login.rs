//! Logging in: the password checked against its argon2id hash, with the failures of each
//! email address counted in the records store so that guessing slows down whichever server
//! (or Lambda instance) answers. After [`FREE_FAILURES`] wrong passwords in a row, each
//! further attempt waits twice as long as the one before, up to [`MAX_LOCK_SECONDS`]; while
//! it waits, the address is refused with the time to wait and no hash is computed. A right
//! password clears the count. Unknown addresses are counted the same way, so that the
//! answer never tells whether an account exists.

use crate::error::{AppError, AppResult};
use crate::passwords::{DUMMY_HASH, verify_password};
use crate::state::AppState;
use chrono::{DateTime, Utc};
use otbor_domain::user::User;
use otbor_domain::values::Email;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Wrong passwords in a row that cost nothing more.
pub const FREE_FAILURES: u32 = 5;
/// The longest wait after a wrong password.
pub const MAX_LOCK_SECONDS: i64 = 15 * 60;
/// A quiet period after which earlier failures are forgotten.
const FORGET_AFTER: chrono::Duration = chrono::Duration::hours(1);

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct Failures {
    count: u32,
    last_at: Option<DateTime<Utc>>,
    locked_until: Option<DateTime<Utc>>,
}

/// The records-store key of an address's failures (hashed: the key is not personal data).
fn failures_key(email: &str) -> String {
    let normalised = email.trim().to_lowercase();
    format!("login-failures/{}", hex::encode(Sha256::digest(normalised.as_bytes())))
}

/// How long to lock after the `count`-th failure in a row.
fn lock_after(count: u32) -> Option<chrono::Duration> {
    let over = count.checked_sub(FREE_FAILURES)?;
    let seconds = 1_i64.checked_shl(over.min(20)).unwrap_or(MAX_LOCK_SECONDS).min(MAX_LOCK_SECONDS);
    Some(chrono::Duration::seconds(seconds))
}

/// The user whose email and password these are; `BadCredentials` otherwise, and
/// `TooManyAttempts` while the address waits after repeated failures.
pub async fn authenticate(st: &AppState, email: &str, password: String) -> AppResult<User> {
    let key = failures_key(email);
    let now = st.clock.now();
    let mut failures: Failures = match st.records.get_entry(&key).await? {
        Some(v) => serde_json::from_value(v).unwrap_or_default(),
        None => Failures::default(),
    };
    if failures.last_at.is_some_and(|t| now - t > FORGET_AFTER) {
        failures = Failures::default();
    }
    if let Some(until) = failures.locked_until.filter(|u| *u > now) {
        let retry_after_secs = (until - now).num_seconds().max(1) as u64;
        tracing::info!(retry_after_secs, "login refused: too many wrong passwords for this address");
        return Err(AppError::TooManyAttempts { retry_after_secs });
    }
    let user = match Email::parse("email", email) {
        Ok(email) => st.records.user_by_email(&email).await?,
        Err(_) => None,
    };
    let hash = user.as_ref().map_or(DUMMY_HASH.to_string(), |u| u.password_hash.clone());
    let ok = verify_password(password, hash).await?;
    match (ok, user) {
        (true, Some(user)) => {
            if failures.count > 0 {
                st.records.take_entry(&key).await?;
            }
            Ok(user)
        }
        _ => {
            failures.count += 1;
            failures.last_at = Some(now);
            failures.locked_until = lock_after(failures.count).map(|d| now + d);
            let doc = serde_json::to_value(&failures).map_err(|e| AppError::Internal(e.into()))?;
            st.records.put_entry(&key, &doc).await?;
            tracing::info!(failures = failures.count, "login refused: wrong email or password");
            Err(AppError::BadCredentials)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_starts_after_the_free_failures_and_doubles_up_to_the_cap() {
        assert_eq!(lock_after(FREE_FAILURES - 1), None);
        assert_eq!(lock_after(FREE_FAILURES), Some(chrono::Duration::seconds(1)));
        assert_eq!(lock_after(FREE_FAILURES + 3), Some(chrono::Duration::seconds(8)));
        assert_eq!(lock_after(FREE_FAILURES + 40), Some(chrono::Duration::seconds(MAX_LOCK_SECONDS)));
    }

    #[test]
    fn the_key_does_not_depend_on_case_or_spaces_and_does_not_show_the_address() {
        assert_eq!(failures_key(" Anna@Example.ru "), failures_key("anna@example.ru"));
        assert!(!failures_key("anna@example.ru").contains("anna"));
    }
}
