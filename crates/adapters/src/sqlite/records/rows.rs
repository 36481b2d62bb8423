//! Row plumbing shared by the SQLite stores: the entity as a JSON `doc` column, timestamps
//! as sortable text, reading one or many documents, filtered pages, and the outcome of
//! conditional writes.

use crate::sqlite::backend;
use chrono::{DateTime, SecondsFormat, Utc};
use otbor_domain::ports::{StoreError, StoreResult};
use otbor_domain::query::{Page, PageRequest};
use r2d2_sqlite::rusqlite::{self, Connection, OptionalExtension, ToSql, params_from_iter};
use serde::{Serialize, de::DeserializeOwned};

/// Timestamps as fixed-width RFC 3339 (microseconds, `Z`) so that text order is time order.
pub(super) fn ts(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// The entity as the text of its `doc` column.
pub(super) fn to_doc<T: Serialize>(v: &T) -> StoreResult<String> {
    serde_json::to_string(v).map_err(backend)
}

/// The entity back from the text of its `doc` column.
pub(super) fn from_doc<T: DeserializeOwned>(s: &str) -> StoreResult<T> {
    serde_json::from_str(s).map_err(backend)
}

/// Whether an insert failed on a unique or primary key (a duplicate, not a fault).
pub(super) fn is_unique_violation(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _) if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE || f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY)
}

/// Reads the `doc` column of every row of a query.
pub(super) fn docs<T: DeserializeOwned>(conn: &Connection, sql: &str, args: &[&dyn ToSql]) -> StoreResult<Vec<T>> {
    let mut stmt = conn.prepare_cached(sql).map_err(backend)?;
    let rows = stmt
        .query_map(args, |r| r.get::<_, String>(0))
        .map_err(backend)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(backend)?;
    rows.iter().map(|d| from_doc(d)).collect()
}

/// Reads the `doc` column of the first row of a query, if any.
pub(super) fn one_doc<T: DeserializeOwned>(conn: &Connection, sql: &str, args: &[&dyn ToSql]) -> StoreResult<Option<T>> {
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
pub(super) struct Filter {
    pub(super) clauses: Vec<String>,
    pub(super) args: Vec<Box<dyn ToSql + Send>>,
}

impl Filter {
    pub(super) fn add(&mut self, clause: &str, arg: impl ToSql + Send + 'static) {
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
    pub(super) fn page<T: DeserializeOwned>(
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
pub(super) fn conditional(changed: usize) -> StoreResult<()> {
    if changed == 1 { Ok(()) } else { Err(StoreError::Conflict) }
}

/// The placeholders of an `IN (...)` list of `n` values.
pub(super) fn in_list(n: usize) -> String {
    vec!["?"; n].join(", ")
}
