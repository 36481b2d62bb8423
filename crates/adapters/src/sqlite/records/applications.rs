//! The application store on SQLite: one application per candidate and vacancy, each
//! transition a conditional update and a history entry written in one transaction.

use super::SqliteRecords;
use super::rows::{Filter, conditional, docs, in_list, is_unique_violation, one_doc, to_doc, ts};
use crate::sqlite::{backend, with_conn};
use async_trait::async_trait;
use otbor_domain::application::{Application, HistoryEntry, Status};
use otbor_domain::ids::{ApplicationId, VacancyId};
use otbor_domain::ports::{ApplicationStore, StoreError, StoreResult};
use otbor_domain::query::{ApplicationQuery, Page};
use otbor_domain::vacancy::StageCount;
use r2d2_sqlite::rusqlite::{self, Connection, params, params_from_iter};

fn append_history(c: &Connection, e: &HistoryEntry) -> StoreResult<()> {
    c.execute(
        "INSERT INTO history (application_id, seq, doc) VALUES (?1, (SELECT coalesce(max(seq), 0) + 1 FROM history WHERE application_id = ?1), ?2)",
        params![e.application_id.to_string(), to_doc(e)?],
    )
    .map_err(backend)?;
    Ok(())
}

#[async_trait]
impl ApplicationStore for SqliteRecords {
    async fn insert_application(&self, a: &Application, first: &HistoryEntry) -> StoreResult<()> {
        let (a, first) = (a.clone(), first.clone());
        with_conn(&self.pool, move |c| {
            let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).map_err(backend)?;
            let inserted = tx.execute(
                "INSERT INTO applications (id, candidate_id, vacancy_id, status, furthest, created_at, version, doc) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    a.id.to_string(),
                    a.candidate_id.to_string(),
                    a.vacancy_id.to_string(),
                    a.status.as_str(),
                    a.furthest.as_str(),
                    ts(&a.created_at),
                    a.version as i64,
                    to_doc(&a)?
                ],
            );
            match inserted {
                Ok(_) => {}
                Err(e) if is_unique_violation(&e) => return Err(StoreError::Duplicate("application")),
                Err(e) => return Err(backend(e)),
            }
            append_history(&tx, &first)?;
            tx.commit().map_err(backend)
        })
        .await
    }

    async fn get_application(&self, id: ApplicationId) -> StoreResult<Option<Application>> {
        with_conn(&self.pool, move |c| one_doc(c, "SELECT doc FROM applications WHERE id = ?1", &[&id.to_string()])).await
    }

    async fn list_applications(&self, q: &ApplicationQuery) -> StoreResult<Page<Application>> {
        let mut f = Filter::default();
        if let Some(v) = q.vacancy_id {
            f.add("vacancy_id = ?", v.to_string());
        }
        if let Some(c) = q.candidate_id {
            f.add("candidate_id = ?", c.to_string());
        }
        if let Some(s) = q.status {
            f.add("status = ?", s.as_str());
        }
        if let Some(s) = &q.search {
            f.add(
                "candidate_id IN (SELECT id FROM candidates WHERE instr(name_key, ?) > 0)",
                s.clone(),
            );
        }
        let page = q.page;
        with_conn(&self.pool, move |c| f.page(c, "applications", "created_at DESC, id DESC", page)).await
    }

    async fn transition_application(&self, a: &Application, expected: u64, entry: &HistoryEntry) -> StoreResult<()> {
        let (a, entry) = (a.clone(), entry.clone());
        with_conn(&self.pool, move |c| {
            let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).map_err(backend)?;
            let n = tx
                .execute(
                    "UPDATE applications SET status = ?2, furthest = ?3, version = ?4, doc = ?5 WHERE id = ?1 AND version = ?6",
                    params![a.id.to_string(), a.status.as_str(), a.furthest.as_str(), a.version as i64, to_doc(&a)?, expected as i64],
                )
                .map_err(backend)?;
            conditional(n)?;
            append_history(&tx, &entry)?;
            tx.commit().map_err(backend)
        })
        .await
    }

    async fn history(&self, id: ApplicationId) -> StoreResult<Vec<HistoryEntry>> {
        with_conn(&self.pool, move |c| {
            docs(c, "SELECT doc FROM history WHERE application_id = ?1 ORDER BY seq", &[&id.to_string()])
        })
        .await
    }

    async fn stage_counts(&self, vacancies: &[VacancyId]) -> StoreResult<Vec<StageCount>> {
        let ids: Vec<String> = vacancies.iter().map(|v| v.to_string()).collect();
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        with_conn(&self.pool, move |c| {
            let sql = format!(
                "SELECT vacancy_id, status, furthest, count(*) FROM applications WHERE vacancy_id IN ({}) GROUP BY vacancy_id, status, furthest",
                in_list(ids.len())
            );
            let mut stmt = c.prepare_cached(&sql).map_err(backend)?;
            let rows = stmt
                .query_map(params_from_iter(ids.iter()), |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, i64>(3)?))
                })
                .map_err(backend)?;
            rows.map(|row| {
                let (v, s, f, n) = row.map_err(backend)?;
                Ok(StageCount {
                    vacancy_id: v.parse().map_err(backend)?,
                    status: Status::parse("status", &s).map_err(backend)?,
                    furthest: Status::parse("furthest", &f).map_err(backend)?,
                    count: n as u64,
                })
            })
            .collect()
        })
        .await
    }
}
