//! The upload store on SQLite: uploads updated conditionally and listed newest first, by
//! whoever made them.

use super::SqliteRecords;
use super::rows::{Filter, conditional, one_doc, to_doc, ts};
use crate::sqlite::{backend, with_conn};
use async_trait::async_trait;
use otbor_domain::ids::{UploadId, UserId};
use otbor_domain::ports::{StoreResult, UploadStore};
use otbor_domain::query::{Page, PageRequest};
use otbor_domain::upload::Upload;
use r2d2_sqlite::rusqlite::params;

#[async_trait]
impl UploadStore for SqliteRecords {
    async fn insert_upload(&self, u: &Upload) -> StoreResult<()> {
        let row = (u.id.to_string(), u.created_by.to_string(), ts(&u.created_at), u.version as i64, to_doc(u)?);
        with_conn(&self.pool, move |c| {
            c.execute("INSERT INTO uploads (id, created_by, created_at, version, doc) VALUES (?1, ?2, ?3, ?4, ?5)", params![row.0, row.1, row.2, row.3, row.4])
                .map_err(backend)?;
            Ok(())
        })
        .await
    }

    async fn get_upload(&self, id: UploadId) -> StoreResult<Option<Upload>> {
        with_conn(&self.pool, move |c| one_doc(c, "SELECT doc FROM uploads WHERE id = ?1", &[&id.to_string()])).await
    }

    async fn update_upload(&self, u: &Upload, expected: u64) -> StoreResult<()> {
        let row = (u.id.to_string(), u.version as i64, to_doc(u)?);
        with_conn(&self.pool, move |c| {
            let n = c
                .execute("UPDATE uploads SET version = ?2, doc = ?3 WHERE id = ?1 AND version = ?4", params![row.0, row.1, row.2, expected as i64])
                .map_err(backend)?;
            conditional(n)
        })
        .await
    }

    async fn list_uploads(&self, created_by: Option<UserId>, page: PageRequest) -> StoreResult<Page<Upload>> {
        let mut f = Filter::default();
        if let Some(u) = created_by {
            f.add("created_by = ?", u.to_string());
        }
        with_conn(&self.pool, move |c| f.page(c, "uploads", "created_at DESC, id DESC", page)).await
    }
}
