//! The records ports on SQLite: indexed columns for lookups, filters and sorting, the entity
//! itself as a JSON document, and a `version` column for conditional writes.

use super::{Pool, backend, with_conn};
use async_trait::async_trait;
use chrono::{DateTime, SecondsFormat, Utc};
use otbor_domain::application::{Application, HistoryEntry, Status};
use otbor_domain::candidate::Candidate;
use otbor_domain::ids::{ApplicationId, CandidateId, UploadId, UserId, VacancyId};
use otbor_domain::interview::{EvaluationRecord, InterviewRecord};
use otbor_domain::invite::Invite;
use otbor_domain::notify::{ChannelKind, NotificationRecord};
use otbor_domain::ports::*;
use otbor_domain::query::{ApplicationQuery, CandidateQuery, CandidateSort, Page, PageRequest, VacancyQuery};
use otbor_domain::secret::TokenHash;
use otbor_domain::user::{Session, User};
use otbor_domain::vacancy::{StageCount, Vacancy, VacancyState};
use otbor_domain::upload::Upload;
use otbor_domain::values::{Email, Phone, search_key};
use r2d2_sqlite::rusqlite::{self, Connection, OptionalExtension, ToSql, params, params_from_iter};
use serde::{Serialize, de::DeserializeOwned};

#[derive(Clone)]
pub struct SqliteRecords {
    pool: Pool,
}

impl SqliteRecords {
    pub fn new(pool: Pool) -> Self {
        Self { pool }
    }
}

/// Timestamps as fixed-width RFC 3339 (microseconds, `Z`) so that text order is time order.
fn ts(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

fn to_doc<T: Serialize>(v: &T) -> StoreResult<String> {
    serde_json::to_string(v).map_err(backend)
}

fn from_doc<T: DeserializeOwned>(s: &str) -> StoreResult<T> {
    serde_json::from_str(s).map_err(backend)
}

fn is_unique_violation(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _) if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE || f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY)
}

/// Reads the `doc` column of every row of a query.
fn docs<T: DeserializeOwned>(conn: &Connection, sql: &str, args: &[&dyn ToSql]) -> StoreResult<Vec<T>> {
    let mut stmt = conn.prepare_cached(sql).map_err(backend)?;
    let rows = stmt
        .query_map(args, |r| r.get::<_, String>(0))
        .map_err(backend)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(backend)?;
    rows.iter().map(|d| from_doc(d)).collect()
}

fn one_doc<T: DeserializeOwned>(conn: &Connection, sql: &str, args: &[&dyn ToSql]) -> StoreResult<Option<T>> {
    let doc: Option<String> = conn
        .prepare_cached(sql)
        .map_err(backend)?
        .query_row(args, |r| r.get(0))
        .optional()
        .map_err(backend)?;
    doc.map(|d| from_doc(&d)).transpose()
}

/// A WHERE clause built from optional filters, with its positional arguments.
#[derive(Default)]
struct Filter {
    clauses: Vec<String>,
    args: Vec<Box<dyn ToSql + Send>>,
}

impl Filter {
    fn add(&mut self, clause: &str, arg: impl ToSql + Send + 'static) {
        self.clauses.push(clause.to_string());
        self.args.push(Box::new(arg));
    }
    fn sql(&self) -> String {
        if self.clauses.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", self.clauses.join(" AND "))
        }
    }
    /// Runs `SELECT count(*)` and one page of `SELECT doc` over `table` with this filter.
    fn page<T: DeserializeOwned>(
        &self,
        conn: &Connection,
        table: &str,
        order: &str,
        page: PageRequest,
    ) -> StoreResult<Page<T>> {
        let wh = self.sql();
        let args = || self.args.iter().map(|a| a.as_ref() as &dyn ToSql);
        let total: i64 = conn
            .prepare_cached(&format!("SELECT count(*) FROM {table} {wh}"))
            .map_err(backend)?
            .query_row(params_from_iter(args()), |r| r.get(0))
            .map_err(backend)?;
        let sql = format!(
            "SELECT doc FROM {table} {wh} ORDER BY {order} LIMIT {} OFFSET {}",
            page.per_page(),
            page.offset()
        );
        let mut stmt = conn.prepare_cached(&sql).map_err(backend)?;
        let items = stmt
            .query_map(params_from_iter(args()), |r| r.get::<_, String>(0))
            .map_err(backend)?
            .map(|d| from_doc(&d.map_err(backend)?))
            .collect::<StoreResult<Vec<T>>>()?;
        Ok(Page { items, total: total as u64, page: page.page(), per_page: page.per_page() })
    }
}

/// Checks the outcome of a conditional `UPDATE ... WHERE id = ? AND version = ?`.
fn conditional(changed: usize) -> StoreResult<()> {
    if changed == 1 { Ok(()) } else { Err(StoreError::Conflict) }
}

#[async_trait]
impl UserStore for SqliteRecords {
    async fn insert_user(&self, u: &User) -> StoreResult<()> {
        let (id, email, created, doc) = (u.id.to_string(), u.email.to_string(), ts(&u.created_at), to_doc(u)?);
        with_conn(&self.pool, move |c| {
            match c.execute("INSERT INTO users (id, email, created_at, doc) VALUES (?1, ?2, ?3, ?4)", params![id, email, created, doc]) {
                Ok(_) => Ok(()),
                Err(e) if is_unique_violation(&e) => Err(StoreError::Duplicate("email")),
                Err(e) => Err(backend(e)),
            }
        })
        .await
    }

    async fn get_user(&self, id: UserId) -> StoreResult<Option<User>> {
        with_conn(&self.pool, move |c| one_doc(c, "SELECT doc FROM users WHERE id = ?1", &[&id.to_string()])).await
    }

    async fn user_by_email(&self, email: &Email) -> StoreResult<Option<User>> {
        let email = email.to_string();
        with_conn(&self.pool, move |c| one_doc(c, "SELECT doc FROM users WHERE email = ?1", &[&email])).await
    }

    async fn list_users(&self, page: PageRequest) -> StoreResult<Page<User>> {
        with_conn(&self.pool, move |c| Filter::default().page(c, "users", "created_at, id", page)).await
    }
}

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

fn in_list(n: usize) -> String {
    vec!["?"; n].join(", ")
}

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
