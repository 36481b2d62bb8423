//! The candidate store on SQLite: name, source, contacts and times as indexed columns for
//! search, filters, sorting and finding a candidate by email or phone.

use super::SqliteRecords;
use super::rows::{Filter, conditional, docs, in_list, one_doc, to_doc, ts};
use crate::sqlite::{backend, with_conn};
use async_trait::async_trait;
use otbor_domain::candidate::Candidate;
use otbor_domain::ids::CandidateId;
use otbor_domain::ports::{CandidateStore, StoreResult};
use otbor_domain::query::{CandidateQuery, CandidateSort, Page};
use otbor_domain::values::{Email, Phone, search_key};
use r2d2_sqlite::rusqlite::{ToSql, params};

#[async_trait]
impl CandidateStore for SqliteRecords {
    async fn insert_candidate(&self, x: &Candidate) -> StoreResult<()> {
        let row = (
            x.id.to_string(),
            search_key(&x.full_name),
            x.source.clone(),
            ts(&x.created_at),
            ts(&x.updated_at),
            x.version as i64,
            to_doc(x)?,
        );
        let contacts = (x.email.as_ref().map(|e| e.to_string()), x.phone.as_ref().map(|p| p.to_string()));
        with_conn(&self.pool, move |c| {
            c.execute(
                "INSERT INTO candidates (id, name_key, source, created_at, updated_at, version, doc, email, phone) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![row.0, row.1, row.2, row.3, row.4, row.5, row.6, contacts.0, contacts.1],
            )
            .map_err(backend)?;
            Ok(())
        })
        .await
    }

    async fn update_candidate(&self, x: &Candidate, expected: u64) -> StoreResult<()> {
        let row = (x.id.to_string(), search_key(&x.full_name), x.source.clone(), ts(&x.updated_at), x.version as i64, to_doc(x)?);
        let contacts = (x.email.as_ref().map(|e| e.to_string()), x.phone.as_ref().map(|p| p.to_string()));
        with_conn(&self.pool, move |c| {
            let n = c
                .execute(
                    "UPDATE candidates SET name_key = ?2, source = ?3, updated_at = ?4, version = ?5, doc = ?6, email = ?8, phone = ?9 WHERE id = ?1 AND version = ?7",
                    params![row.0, row.1, row.2, row.3, row.4, row.5, expected as i64, contacts.0, contacts.1],
                )
                .map_err(backend)?;
            conditional(n)
        })
        .await
    }

    async fn get_candidate(&self, id: CandidateId) -> StoreResult<Option<Candidate>> {
        with_conn(&self.pool, move |c| one_doc(c, "SELECT doc FROM candidates WHERE id = ?1", &[&id.to_string()])).await
    }

    async fn get_candidates(&self, ids: &[CandidateId]) -> StoreResult<Vec<Candidate>> {
        let ids: Vec<String> = ids.iter().map(|i| i.to_string()).collect();
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        with_conn(&self.pool, move |c| {
            let sql = format!("SELECT doc FROM candidates WHERE id IN ({})", in_list(ids.len()));
            let args: Vec<&dyn ToSql> = ids.iter().map(|i| i as &dyn ToSql).collect();
            docs(c, &sql, &args)
        })
        .await
    }

    async fn list_candidates(&self, q: &CandidateQuery) -> StoreResult<Page<Candidate>> {
        let mut f = Filter::default();
        if let Some(s) = &q.search {
            f.add("instr(name_key, ?) > 0", s.clone());
        }
        if let Some(s) = &q.source {
            f.add("source = ?", s.clone());
        }
        match (q.vacancy_id, q.status) {
            (None, None) => {}
            (v, s) => {
                // Vacancy and status must hold for the same application.
                f.clauses.push(
                    "EXISTS (SELECT 1 FROM applications a WHERE a.candidate_id = candidates.id AND (? IS NULL OR a.vacancy_id = ?) AND (? IS NULL OR a.status = ?))".into(),
                );
                let v = v.map(|v| v.to_string());
                let s = s.map(|s| s.as_str().to_string());
                f.args.push(Box::new(v.clone()));
                f.args.push(Box::new(v));
                f.args.push(Box::new(s.clone()));
                f.args.push(Box::new(s));
            }
        }
        let dir = if q.descending { "DESC" } else { "ASC" };
        let order = match q.sort {
            CandidateSort::Name => format!("name_key {dir}, id {dir}"),
            CandidateSort::CreatedAt => format!("created_at {dir}, id {dir}"),
            CandidateSort::UpdatedAt => format!("updated_at {dir}, id {dir}"),
        };
        let page = q.page;
        with_conn(&self.pool, move |c| f.page(c, "candidates", &order, page)).await
    }

    async fn candidate_by_contact(&self, email: Option<&Email>, phone: Option<&Phone>) -> StoreResult<Option<Candidate>> {
        if email.is_none() && phone.is_none() {
            return Ok(None);
        }
        let (e, p) = (email.map(|e| e.to_string()), phone.map(|p| p.to_string()));
        with_conn(&self.pool, move |c| {
            one_doc(
                c,
                "SELECT doc FROM candidates WHERE (?1 IS NOT NULL AND email = ?1) OR (?2 IS NOT NULL AND phone = ?2) ORDER BY created_at, id LIMIT 1",
                &[&e, &p],
            )
        })
        .await
    }
}
