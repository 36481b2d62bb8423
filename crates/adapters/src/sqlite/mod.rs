//! The embedded backend: records and the job queue in one SQLite file (WAL mode), reached
//! through a small connection pool; every call runs on the blocking thread pool.

mod queue;
mod records;

pub use queue::SqliteQueue;
pub use records::SqliteRecords;

use otbor_domain::ports::{StoreError, StoreResult};
use r2d2_sqlite::SqliteConnectionManager;
use r2d2_sqlite::rusqlite::{self, Connection};
use std::path::Path;

pub type Pool = r2d2::Pool<SqliteConnectionManager>;

/// The schema, one migration a step; `user_version` records how many have run.
const MIGRATIONS: &[&str] = &[r#"
CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    doc TEXT NOT NULL
);
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    expires_at TEXT NOT NULL,
    doc TEXT NOT NULL
);
CREATE TABLE candidates (
    id TEXT PRIMARY KEY,
    name_key TEXT NOT NULL,
    source TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL,
    doc TEXT NOT NULL
);
CREATE INDEX candidates_created ON candidates (created_at, id);
CREATE INDEX candidates_name ON candidates (name_key, id);
CREATE TABLE vacancies (
    id TEXT PRIMARY KEY,
    title_key TEXT NOT NULL,
    state TEXT NOT NULL,
    created_at TEXT NOT NULL,
    version INTEGER NOT NULL,
    doc TEXT NOT NULL
);
CREATE INDEX vacancies_created ON vacancies (created_at, id);
CREATE TABLE applications (
    id TEXT PRIMARY KEY,
    candidate_id TEXT NOT NULL,
    vacancy_id TEXT NOT NULL,
    status TEXT NOT NULL,
    furthest TEXT NOT NULL,
    created_at TEXT NOT NULL,
    version INTEGER NOT NULL,
    doc TEXT NOT NULL,
    UNIQUE (candidate_id, vacancy_id)
);
CREATE INDEX applications_vacancy ON applications (vacancy_id, status);
CREATE INDEX applications_created ON applications (created_at, id);
CREATE TABLE history (
    application_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    doc TEXT NOT NULL,
    PRIMARY KEY (application_id, seq)
);
CREATE TABLE invites (
    token_hash TEXT PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    version INTEGER NOT NULL,
    doc TEXT NOT NULL
);
CREATE TABLE jobs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    message TEXT NOT NULL,
    receives INTEGER NOT NULL DEFAULT 0,
    visible_at INTEGER NOT NULL,
    receipt TEXT,
    dead INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX jobs_ready ON jobs (dead, visible_at, id);
"#, r#"
ALTER TABLE candidates ADD COLUMN email TEXT;
ALTER TABLE candidates ADD COLUMN phone TEXT;
UPDATE candidates SET email = json_extract(doc, '$.email'), phone = json_extract(doc, '$.phone');
CREATE INDEX candidates_email ON candidates (email);
CREATE INDEX candidates_phone ON candidates (phone);
CREATE TABLE uploads (
    id TEXT PRIMARY KEY,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    version INTEGER NOT NULL,
    doc TEXT NOT NULL
);
CREATE INDEX uploads_created ON uploads (created_at, id);
CREATE TABLE matches (
    candidate_id TEXT NOT NULL,
    vacancy_id TEXT NOT NULL,
    score INTEGER NOT NULL,
    doc TEXT NOT NULL,
    PRIMARY KEY (candidate_id, vacancy_id)
);
CREATE INDEX matches_vacancy ON matches (vacancy_id, score DESC, candidate_id);
"#, r#"
CREATE TABLE interviews (
    application_id TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    doc TEXT NOT NULL
);
CREATE TABLE evaluations (
    application_id TEXT PRIMARY KEY,
    doc TEXT NOT NULL
);
"#, r#"
CREATE TABLE notifications (
    key TEXT PRIMARY KEY,
    candidate_id TEXT,
    channel TEXT NOT NULL,
    created_at TEXT NOT NULL,
    doc TEXT NOT NULL
);
CREATE INDEX notifications_candidate ON notifications (candidate_id, created_at);
CREATE INDEX notifications_created ON notifications (created_at, key);
CREATE TABLE entries (
    key TEXT PRIMARY KEY,
    doc TEXT NOT NULL
);
"#];

/// Opens (creating if needed) the database file and brings its schema up to date.
pub fn open(path: &Path) -> anyhow::Result<Pool> {
    use anyhow::Context;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let manager = SqliteConnectionManager::file(path).with_init(|c| {
        c.execute_batch(
            // The busy timeout first: switching to WAL takes a lock, and the pool opens its
            // connections side by side ("database is locked" otherwise).
            "PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
        )
    });
    let pool = r2d2::Pool::builder()
        .max_size(8)
        .build(manager)
        .with_context(|| format!("opening the database {}", path.display()))?;
    let mut conn = pool.get().context("getting a database connection")?;
    migrate(&mut conn).context("migrating the database schema")?;
    Ok(pool)
}

fn migrate(conn: &mut Connection) -> rusqlite::Result<()> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let done: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    for (i, m) in MIGRATIONS.iter().enumerate().skip(done as usize) {
        tx.execute_batch(m)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
    }
    tx.commit()
}

pub(crate) fn backend(e: impl std::error::Error + Send + Sync + 'static) -> StoreError {
    StoreError::backend(e)
}

/// Runs `f` with a pooled connection on the blocking thread pool.
pub(crate) async fn with_conn<T, F>(pool: &Pool, f: F) -> StoreResult<T>
where
    T: Send + 'static,
    F: FnOnce(&mut Connection) -> StoreResult<T> + Send + 'static,
{
    let pool = pool.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = pool.get().map_err(backend)?;
        f(&mut conn)
    })
    .await
    .map_err(backend)?
}
