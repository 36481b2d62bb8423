//! Interviews and evaluations on SQLite, one row each per application: the interview
//! versioned for conditional updates, the evaluation replaced whole.

use super::SqliteRecords;
use super::rows::{conditional, is_unique_violation, one_doc, to_doc};
use crate::sqlite::{backend, with_conn};
use async_trait::async_trait;
use otbor_domain::ids::ApplicationId;
use otbor_domain::interview::{EvaluationRecord, InterviewRecord};
use otbor_domain::ports::{InterviewStore, StoreError, StoreResult};
use r2d2_sqlite::rusqlite::params;

#[async_trait]
impl InterviewStore for SqliteRecords {
    async fn insert_interview(&self, i: &InterviewRecord) -> StoreResult<()> {
        let row = (i.application_id.to_string(), i.version as i64, to_doc(i)?);
        with_conn(&self.pool, move |c| {
            match c.execute("INSERT INTO interviews (application_id, version, doc) VALUES (?1, ?2, ?3)", params![row.0, row.1, row.2]) {
                Ok(_) => Ok(()),
                Err(e) if is_unique_violation(&e) => Err(StoreError::Duplicate("interview")),
                Err(e) => Err(backend(e)),
            }
        })
        .await
    }

    async fn get_interview(&self, application: ApplicationId) -> StoreResult<Option<InterviewRecord>> {
        with_conn(&self.pool, move |c| one_doc(c, "SELECT doc FROM interviews WHERE application_id = ?1", &[&application.to_string()])).await
    }

    async fn update_interview(&self, i: &InterviewRecord, expected: u64) -> StoreResult<()> {
        let row = (i.application_id.to_string(), i.version as i64, to_doc(i)?);
        with_conn(&self.pool, move |c| {
            let n = c
                .execute(
                    "UPDATE interviews SET version = ?2, doc = ?3 WHERE application_id = ?1 AND version = ?4",
                    params![row.0, row.1, row.2, expected as i64],
                )
                .map_err(backend)?;
            conditional(n)
        })
        .await
    }

    async fn put_evaluation(&self, e: &EvaluationRecord) -> StoreResult<()> {
        let row = (e.application_id.to_string(), to_doc(e)?);
        with_conn(&self.pool, move |c| {
            c.execute("INSERT OR REPLACE INTO evaluations (application_id, doc) VALUES (?1, ?2)", params![row.0, row.1]).map_err(backend)?;
            Ok(())
        })
        .await
    }

    async fn get_evaluation(&self, application: ApplicationId) -> StoreResult<Option<EvaluationRecord>> {
        with_conn(&self.pool, move |c| one_doc(c, "SELECT doc FROM evaluations WHERE application_id = ?1", &[&application.to_string()])).await
    }
}
