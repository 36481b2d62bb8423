//! The session store on SQLite: sessions keyed by the hash of their token, the expired ones
//! swept on each login.

use super::SqliteRecords;
use super::rows::{one_doc, to_doc, ts};
use crate::sqlite::{backend, with_conn};
use async_trait::async_trait;
use chrono::Utc;
use otbor_domain::ports::{SessionStore, StoreResult};
use otbor_domain::secret::TokenHash;
use otbor_domain::user::Session;
use r2d2_sqlite::rusqlite::params;

#[async_trait]
impl SessionStore for SqliteRecords {
    async fn insert_session(&self, s: &Session) -> StoreResult<()> {
        let (h, exp, doc) = (s.token_hash.as_str().to_string(), ts(&s.expires_at), to_doc(s)?);
        with_conn(&self.pool, move |c| {
            // Expired sessions are swept here rather than by a timer: logins are rare enough.
            c.execute("DELETE FROM sessions WHERE expires_at < ?1", params![ts(&Utc::now())]).map_err(backend)?;
            c.execute("INSERT INTO sessions (token_hash, expires_at, doc) VALUES (?1, ?2, ?3)", params![h, exp, doc])
                .map_err(backend)?;
            Ok(())
        })
        .await
    }

    async fn get_session(&self, token: &TokenHash) -> StoreResult<Option<Session>> {
        let h = token.as_str().to_string();
        with_conn(&self.pool, move |c| one_doc(c, "SELECT doc FROM sessions WHERE token_hash = ?1", &[&h])).await
    }

    async fn delete_session(&self, token: &TokenHash) -> StoreResult<()> {
        let h = token.as_str().to_string();
        with_conn(&self.pool, move |c| {
            c.execute("DELETE FROM sessions WHERE token_hash = ?1", params![h]).map_err(backend)?;
            Ok(())
        })
        .await
    }
}
