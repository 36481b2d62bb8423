//! The embedded job queue: a table in the same SQLite file with SQS's semantics (visibility
//! timeout, receive count, a dead-letter state after `max_receives` deliveries).

use super::{Pool, backend, with_conn};
use async_trait::async_trait;
use otbor_domain::ports::{Clock, Delivery, JobMessage, JobQueue, StoreResult};
use r2d2_sqlite::rusqlite::{self, params};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

#[derive(Clone)]
pub struct SqliteQueue {
    pool: Pool,
    clock: Arc<dyn Clock>,
    max_receives: u32,
    /// Wakes in-process workers as soon as a job is enqueued, so they need not poll fast.
    ready: Arc<Notify>,
}

impl SqliteQueue {
    pub fn new(pool: Pool, clock: Arc<dyn Clock>, max_receives: u32) -> Self {
        Self { pool, clock, max_receives, ready: Arc::new(Notify::new()) }
    }

    /// Resolves when a job may have become available.
    pub fn notified(&self) -> Arc<Notify> {
        self.ready.clone()
    }

    fn now_ms(&self) -> i64 {
        self.clock.now().timestamp_millis()
    }
}

fn ms(d: Duration) -> i64 {
    d.as_millis().min(i64::MAX as u128) as i64
}

#[async_trait]
impl JobQueue for SqliteQueue {
    async fn enqueue(&self, m: &JobMessage) -> StoreResult<()> {
        let body = serde_json::to_string(m).map_err(backend)?;
        let now = self.now_ms();
        with_conn(&self.pool, move |c| {
            c.execute("INSERT INTO jobs (message, visible_at) VALUES (?1, ?2)", params![body, now]).map_err(backend)?;
            Ok(())
        })
        .await?;
        self.ready.notify_waiters();
        Ok(())
    }

    async fn receive(&self, max: usize, visibility: Duration) -> StoreResult<Vec<Delivery>> {
        let now = self.now_ms();
        let until = now.saturating_add(ms(visibility));
        let max_receives = self.max_receives as i64;
        with_conn(&self.pool, move |c| {
            let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).map_err(backend)?;
            let due: Vec<(i64, String, i64)> = {
                let mut stmt = tx
                    .prepare_cached("SELECT id, message, receives FROM jobs WHERE dead = 0 AND visible_at <= ?1 ORDER BY visible_at, id LIMIT ?2")
                    .map_err(backend)?;
                stmt.query_map(params![now, max as i64], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                    .map_err(backend)?
                    .collect::<Result<_, _>>()
                    .map_err(backend)?
            };
            let mut out = Vec::with_capacity(due.len());
            for (id, body, receives) in due {
                if receives >= max_receives {
                    // Delivered too often without success: park it for a person to look at.
                    tx.execute("UPDATE jobs SET dead = 1, receipt = NULL WHERE id = ?1", params![id]).map_err(backend)?;
                    tracing::warn!(job_id = id, receives, "job parked in the dead-letter queue");
                    continue;
                }
                let receipt = format!("{id}:{}", uuid::Uuid::new_v4());
                tx.execute(
                    "UPDATE jobs SET receives = receives + 1, visible_at = ?2, receipt = ?3 WHERE id = ?1",
                    params![id, until, receipt],
                )
                .map_err(backend)?;
                out.push(Delivery {
                    message: serde_json::from_str(&body).map_err(backend)?,
                    receipt,
                    attempt: (receives + 1) as u32,
                });
            }
            tx.commit().map_err(backend)?;
            Ok(out)
        })
        .await
    }

    async fn ack(&self, receipt: &str) -> StoreResult<()> {
        let receipt = receipt.to_string();
        with_conn(&self.pool, move |c| {
            c.execute("DELETE FROM jobs WHERE receipt = ?1 AND dead = 0", params![receipt]).map_err(backend)?;
            Ok(())
        })
        .await
    }

    async fn release(&self, receipt: &str, delay: Duration) -> StoreResult<()> {
        let receipt = receipt.to_string();
        let at = self.now_ms().saturating_add(ms(delay));
        with_conn(&self.pool, move |c| {
            c.execute("UPDATE jobs SET visible_at = ?2 WHERE receipt = ?1 AND dead = 0", params![receipt, at]).map_err(backend)?;
            Ok(())
        })
        .await?;
        if delay.is_zero() {
            self.ready.notify_waiters();
        }
        Ok(())
    }

    async fn dead_letters(&self, max: usize) -> StoreResult<Vec<JobMessage>> {
        with_conn(&self.pool, move |c| {
            let mut stmt = c.prepare_cached("SELECT message FROM jobs WHERE dead = 1 ORDER BY id LIMIT ?1").map_err(backend)?;
            let rows = stmt
                .query_map(params![max as i64], |r| r.get::<_, String>(0))
                .map_err(backend)?
                .collect::<Result<Vec<_>, _>>()
                .map_err(backend)?;
            rows.iter().map(|b| serde_json::from_str(b).map_err(backend)).collect()
        })
        .await
    }
}
