//! The vacancy store on SQLite: title and state as indexed columns, listed newest first.

use super::SqliteRecords;
use super::rows::{Filter, conditional, docs, in_list, one_doc, to_doc, ts};
use crate::sqlite::{backend, with_conn};
use async_trait::async_trait;
use otbor_domain::ids::VacancyId;
use otbor_domain::ports::{StoreResult, VacancyStore};
use otbor_domain::query::{Page, VacancyQuery};
use otbor_domain::vacancy::{Vacancy, VacancyState};
use otbor_domain::values::search_key;
use r2d2_sqlite::rusqlite::{ToSql, params};

#[async_trait]
impl VacancyStore for SqliteRecords {
    async fn insert_vacancy(&self, v: &Vacancy) -> StoreResult<()> {
        let row = (v.id.to_string(), search_key(&v.title), state(v.state), ts(&v.created_at), v.version as i64, to_doc(v)?);
        with_conn(&self.pool, move |c| {
            c.execute(
                "INSERT INTO vacancies (id, title_key, state, created_at, version, doc) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![row.0, row.1, row.2, row.3, row.4, row.5],
            )
            .map_err(backend)?;
            Ok(())
        })
        .await
    }

    async fn update_vacancy(&self, v: &Vacancy, expected: u64) -> StoreResult<()> {
        let row = (v.id.to_string(), search_key(&v.title), state(v.state), v.version as i64, to_doc(v)?);
        with_conn(&self.pool, move |c| {
            let n = c
                .execute(
                    "UPDATE vacancies SET title_key = ?2, state = ?3, version = ?4, doc = ?5 WHERE id = ?1 AND version = ?6",
                    params![row.0, row.1, row.2, row.3, row.4, expected as i64],
                )
                .map_err(backend)?;
            conditional(n)
        })
        .await
    }

    async fn get_vacancy(&self, id: VacancyId) -> StoreResult<Option<Vacancy>> {
        with_conn(&self.pool, move |c| one_doc(c, "SELECT doc FROM vacancies WHERE id = ?1", &[&id.to_string()])).await
    }

    async fn get_vacancies(&self, ids: &[VacancyId]) -> StoreResult<Vec<Vacancy>> {
        let ids: Vec<String> = ids.iter().map(|i| i.to_string()).collect();
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        with_conn(&self.pool, move |c| {
            let sql = format!("SELECT doc FROM vacancies WHERE id IN ({})", in_list(ids.len()));
            let args: Vec<&dyn ToSql> = ids.iter().map(|i| i as &dyn ToSql).collect();
            docs(c, &sql, &args)
        })
        .await
    }

    async fn list_vacancies(&self, q: &VacancyQuery) -> StoreResult<Page<Vacancy>> {
        let mut f = Filter::default();
        if let Some(s) = q.state {
            f.add("state = ?", state(s));
        }
        if let Some(s) = &q.search {
            f.add("instr(title_key, ?) > 0", s.clone());
        }
        let page = q.page;
        with_conn(&self.pool, move |c| f.page(c, "vacancies", "created_at DESC, id DESC", page)).await
    }
}

fn state(s: VacancyState) -> &'static str {
    match s {
        VacancyState::Open => "open",
        VacancyState::Closed => "closed",
    }
}
