//! The match store on SQLite: one row per candidate and vacancy, indexed by vacancy and
//! score; a replace deletes and inserts in one transaction, so it is atomic (unlike the
//! DynamoDB backend's).

use super::SqliteRecords;
use super::rows::{docs, to_doc};
use crate::sqlite::{backend, with_conn};
use async_trait::async_trait;
use otbor_domain::ids::{CandidateId, VacancyId};
use otbor_domain::ports::{MatchRecord, MatchStore, StoreResult};
use r2d2_sqlite::rusqlite::{self, Connection, params};

fn insert_matches(c: &Connection, matches: &[MatchRecord]) -> StoreResult<()> {
    let mut stmt = c
        .prepare_cached("INSERT OR REPLACE INTO matches (candidate_id, vacancy_id, score, doc) VALUES (?1, ?2, ?3, ?4)")
        .map_err(backend)?;
    for m in matches {
        stmt.execute(params![m.candidate_id.to_string(), m.vacancy_id.to_string(), m.score as i64, to_doc(m)?]).map_err(backend)?;
    }
    Ok(())
}

#[async_trait]
impl MatchStore for SqliteRecords {
    async fn replace_candidate_matches(&self, candidate: CandidateId, matches: &[MatchRecord]) -> StoreResult<()> {
        let matches = matches.to_vec();
        with_conn(&self.pool, move |c| {
            let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).map_err(backend)?;
            tx.execute("DELETE FROM matches WHERE candidate_id = ?1", params![candidate.to_string()]).map_err(backend)?;
            insert_matches(&tx, &matches)?;
            tx.commit().map_err(backend)
        })
        .await
    }

    async fn replace_vacancy_matches(&self, vacancy: VacancyId, matches: &[MatchRecord]) -> StoreResult<()> {
        let matches = matches.to_vec();
        with_conn(&self.pool, move |c| {
            let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).map_err(backend)?;
            tx.execute("DELETE FROM matches WHERE vacancy_id = ?1", params![vacancy.to_string()]).map_err(backend)?;
            insert_matches(&tx, &matches)?;
            tx.commit().map_err(backend)
        })
        .await
    }

    async fn matches_for_candidate(&self, candidate: CandidateId) -> StoreResult<Vec<MatchRecord>> {
        with_conn(&self.pool, move |c| {
            docs(c, "SELECT doc FROM matches WHERE candidate_id = ?1 ORDER BY score DESC, vacancy_id", &[&candidate.to_string()])
        })
        .await
    }

    async fn matches_for_vacancy(&self, vacancy: VacancyId, limit: usize) -> StoreResult<Vec<MatchRecord>> {
        with_conn(&self.pool, move |c| {
            docs(
                c,
                "SELECT doc FROM matches WHERE vacancy_id = ?1 ORDER BY score DESC, candidate_id LIMIT ?2",
                &[&vacancy.to_string(), &(limit.min(i64::MAX as usize) as i64)],
            )
        })
        .await
    }
}
