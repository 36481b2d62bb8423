//! The records ports on SQLite: indexed columns for lookups, filters and sorting, the entity
//! itself as a JSON document, and a `version` column for conditional writes.
//!
//! One module per store, as on the DynamoDB side (`otbor_aws::dynamo`); the row plumbing
//! they share is in [`rows`], the schema in the parent module's migrations.

mod applications;
mod candidates;
mod interviews;
mod invites;
mod matches;
mod notify;
mod rows;
mod sessions;
mod uploads;
mod users;
mod vacancies;

use super::Pool;

/// Every records port over one SQLite connection pool.
#[derive(Clone)]
pub struct SqliteRecords {
    pool: Pool,
}

impl SqliteRecords {
    pub fn new(pool: Pool) -> Self {
        Self { pool }
    }
}
