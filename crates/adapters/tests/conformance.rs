//! The embedded backends (SQLite records, local files, the SQLite queue) run every
//! conformance check, each on a fresh database file or directory.

use otbor_adapters::local_files::LocalFiles;
use otbor_adapters::sqlite::{self, SqliteQueue, SqliteRecords};
use otbor_domain::ports::{FileStore, JobQueue, Records, SystemClock};
use std::sync::Arc;

/// A fresh directory that lives as long as the test process (tests are short).
fn fresh_dir() -> std::path::PathBuf {
    tempfile::tempdir().expect("temp dir").keep()
}

async fn fresh_records() -> Arc<dyn Records> {
    let pool = sqlite::open(&fresh_dir().join("db.sqlite3")).expect("open sqlite");
    Arc::new(SqliteRecords::new(pool))
}

async fn fresh_files() -> Arc<dyn FileStore> {
    Arc::new(LocalFiles::new(fresh_dir()))
}

async fn fresh_queue() -> Arc<dyn JobQueue> {
    let pool = sqlite::open(&fresh_dir().join("db.sqlite3")).expect("open sqlite");
    Arc::new(SqliteQueue::new(pool, Arc::new(SystemClock), otbor_conformance::queue::MAX_RECEIVES))
}

mod records {
    use super::*;
    otbor_conformance::records_conformance!(fresh_records());
}

mod files {
    use super::*;
    otbor_conformance::files_conformance!(fresh_files());
}

mod queue {
    use super::*;
    otbor_conformance::queue_conformance!(fresh_queue());
}
