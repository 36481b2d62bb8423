//! The notify store on SQLite: notifications claimed once per idempotency key and listed
//! per candidate or channel, and the small keyed documents (preferences, templates, codes)
//! in a table of entries.

use super::SqliteRecords;
use super::rows::{docs, from_doc, one_doc, to_doc, ts};
use crate::sqlite::{backend, with_conn};
use async_trait::async_trait;
use otbor_domain::ids::CandidateId;
use otbor_domain::notify::{ChannelKind, NotificationRecord};
use otbor_domain::ports::{NotifyStore, StoreError, StoreResult};
use otbor_domain::query::{Page, PageRequest};
use r2d2_sqlite::rusqlite::{OptionalExtension, params};

#[async_trait]
impl NotifyStore for SqliteRecords {
    async fn claim_notification(&self, n: &NotificationRecord) -> StoreResult<bool> {
        let row = (n.key.clone(), n.candidate_id.map(|c| c.to_string()), n.channel.as_str(), ts(&n.created_at), to_doc(n)?);
        with_conn(&self.pool, move |c| {
            let inserted = c
                .execute(
                    "INSERT OR IGNORE INTO notifications (key, candidate_id, channel, created_at, doc) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![row.0, row.1, row.2, row.3, row.4],
                )
                .map_err(backend)?;
            Ok(inserted == 1)
        })
        .await
    }

    async fn update_notification(&self, n: &NotificationRecord) -> StoreResult<()> {
        let row = (n.key.clone(), to_doc(n)?);
        with_conn(&self.pool, move |c| {
            let n = c.execute("UPDATE notifications SET doc = ?2 WHERE key = ?1", params![row.0, row.1]).map_err(backend)?;
            if n == 0 { Err(StoreError::NotFound) } else { Ok(()) }
        })
        .await
    }

    async fn get_notification(&self, key: &str) -> StoreResult<Option<NotificationRecord>> {
        let key = key.to_string();
        with_conn(&self.pool, move |c| one_doc(c, "SELECT doc FROM notifications WHERE key = ?1", &[&key])).await
    }

    async fn notifications_for_candidate(&self, id: CandidateId) -> StoreResult<Vec<NotificationRecord>> {
        with_conn(&self.pool, move |c| {
            docs(c, "SELECT doc FROM notifications WHERE candidate_id = ?1 ORDER BY created_at, key", &[&id.to_string()])
        })
        .await
    }

    async fn list_notifications(&self, channel: Option<ChannelKind>, page: PageRequest) -> StoreResult<Page<NotificationRecord>> {
        with_conn(&self.pool, move |c| {
            let ch = channel.map(|k| k.as_str()).unwrap_or("");
            let total: i64 = c
                .query_row("SELECT COUNT(*) FROM notifications WHERE ?1 = '' OR channel = ?1", [ch], |r| r.get(0))
                .map_err(backend)?;
            let items = docs(
                c,
                "SELECT doc FROM notifications WHERE ?1 = '' OR channel = ?1 ORDER BY created_at DESC, key DESC LIMIT ?2 OFFSET ?3",
                &[&ch, &(page.per_page().min(i64::MAX as u32) as i64), &(page.offset() as i64)],
            )?;
            Ok(Page { items, total: total as u64, page: page.page(), per_page: page.per_page() })
        })
        .await
    }

    async fn put_entry(&self, key: &str, value: &serde_json::Value) -> StoreResult<()> {
        let row = (key.to_string(), to_doc(value)?);
        with_conn(&self.pool, move |c| {
            c.execute("INSERT OR REPLACE INTO entries (key, doc) VALUES (?1, ?2)", params![row.0, row.1]).map_err(backend)?;
            Ok(())
        })
        .await
    }

    async fn get_entry(&self, key: &str) -> StoreResult<Option<serde_json::Value>> {
        let key = key.to_string();
        with_conn(&self.pool, move |c| one_doc(c, "SELECT doc FROM entries WHERE key = ?1", &[&key])).await
    }

    async fn take_entry(&self, key: &str) -> StoreResult<Option<serde_json::Value>> {
        let key = key.to_string();
        with_conn(&self.pool, move |c| {
            let doc: Option<String> = c
                .query_row("DELETE FROM entries WHERE key = ?1 RETURNING doc", [&key], |r| r.get(0))
                .optional()
                .map_err(backend)?;
            doc.map(|d| from_doc(&d)).transpose()
        })
        .await
    }

    async fn list_entries(&self, prefix: &str) -> StoreResult<Vec<(String, serde_json::Value)>> {
        // A range scan rather than LIKE, so `%` and `_` in keys mean nothing special.
        let lo = prefix.to_string();
        let hi = format!("{prefix}\u{10FFFF}");
        with_conn(&self.pool, move |c| {
            let mut stmt = c.prepare_cached("SELECT key, doc FROM entries WHERE key >= ?1 AND key < ?2 ORDER BY key").map_err(backend)?;
            let rows = stmt
                .query_map(params![lo, hi], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
                .map_err(backend)?
                .collect::<Result<Vec<_>, _>>()
                .map_err(backend)?;
            rows.into_iter().map(|(k, d)| Ok((k, from_doc(&d)?))).collect()
        })
        .await
    }
}
