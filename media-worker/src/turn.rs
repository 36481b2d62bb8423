//! Time-limited TURN credentials (the "TURN REST API" that coturn implements with
//! `use-auth-secret`): the worker and the TURN server share a secret, and each browser gets a
//! username `<expiry unix time>:<who>` with the password base64(HMAC-SHA1(secret, username)).
//! The TURN server checks both without asking anyone, and a leaked pair stops working at its
//! expiry instead of opening the relay for good.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use std::time::Duration;

/// The username and password for `who` (a label in the TURN server's logs), valid until
/// `now + ttl`.
pub fn rest_credentials(secret: &str, who: &str, now: DateTime<Utc>, ttl: Duration) -> (String, String) {
    let expires = now.timestamp() + i64::try_from(ttl.as_secs()).unwrap_or(i64::MAX / 2);
    let username = format!("{expires}:{who}");
    let password = password_for(secret, &username);
    (username, password)
}

/// What the TURN server expects as the password of `username`.
pub fn password_for(secret: &str, username: &str) -> String {
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, secret.as_bytes());
    STANDARD.encode(ring::hmac::sign(&key, username.as_bytes()).as_ref())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_follow_the_coturn_rest_scheme() {
        let now = DateTime::from_timestamp(1_699_996_400, 0).unwrap();
        let (username, password) = rest_credentials("north-secret", "0123456789abcdef", now, Duration::from_secs(3600));
        assert_eq!(username, "1700000000:0123456789abcdef");
        // python3: base64.b64encode(hmac.new(b"north-secret", username, hashlib.sha1).digest())
        assert_eq!(password, "EbqP+CUAhpDVdnQoq4ZF3iy+1us=");
    }
}
