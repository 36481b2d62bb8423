//! The invite store on SQLite: invites keyed by the hash of their token, updated
//! conditionally.

use super::SqliteRecords;
use super::rows::{conditional, one_doc, to_doc};
use crate::sqlite::{backend, with_conn};
use async_trait::async_trait;
use otbor_domain::invite::Invite;
use otbor_domain::ports::{InviteStore, StoreResult};
use otbor_domain::secret::TokenHash;
use r2d2_sqlite::rusqlite::params;

#[async_trait]
impl InviteStore for SqliteRecords {
    async fn insert_invite(&self, i: &Invite) -> StoreResult<()> {
        let row = (i.token_hash.as_str().to_string(), i.id.to_string(), i.version as i64, to_doc(i)?);
        with_conn(&self.pool, move |c| {
            c.execute("INSERT INTO invites (token_hash, id, version, doc) VALUES (?1, ?2, ?3, ?4)", params![row.0, row.1, row.2, row.3])
                .map_err(backend)?;
            Ok(())
        })
        .await
    }

    async fn invite_by_token(&self, token: &TokenHash) -> StoreResult<Option<Invite>> {
        let h = token.as_str().to_string();
        with_conn(&self.pool, move |c| one_doc(c, "SELECT doc FROM invites WHERE token_hash = ?1", &[&h])).await
    }

    async fn update_invite(&self, i: &Invite, expected: u64) -> StoreResult<()> {
        let row = (i.id.to_string(), i.version as i64, to_doc(i)?);
        with_conn(&self.pool, move |c| {
            let n = c
                .execute("UPDATE invites SET version = ?2, doc = ?3 WHERE id = ?1 AND version = ?4", params![row.0, row.1, row.2, expected as i64])
                .map_err(backend)?;
            conditional(n)
        })
        .await
    }
}
