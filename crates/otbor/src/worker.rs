//! In-process workers draining the job queue: receive, run the job's handler, acknowledge;
//! a failed job is released with a growing delay and, after too many deliveries, parked by
//! the queue. On shutdown a worker finishes the job in hand or returns it to the queue.

use otbor_domain::ports::{Delivery, JobMessage, JobQueue};
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Notify, watch};

/// How long a received job stays invisible to other workers.
const VISIBILITY: Duration = Duration::from_secs(300);
/// How long to wait for the job in hand when shutting down before giving it back.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(20);

pub type HandlerFuture = Pin<Box<dyn Future<Output = anyhow::Result<()>> + Send>>;
pub type Handler = Arc<dyn Fn(serde_json::Value) -> HandlerFuture + Send + Sync>;

/// The job kinds this process knows how to run.
#[derive(Clone, Default)]
pub struct Handlers(HashMap<String, Handler>);

impl Handlers {
    pub fn add<F, Fut>(&mut self, kind: &str, f: F)
    where
        F: Fn(serde_json::Value) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = anyhow::Result<()>> + Send + 'static,
    {
        self.0.insert(kind.to_string(), Arc::new(move |v| Box::pin(f(v))));
    }

    /// Runs the handler of the message's kind; an unknown kind is an error (retried, parked).
    pub fn run(&self, m: &JobMessage) -> HandlerFuture {
        match self.0.get(&m.kind) {
            Some(h) => h(m.payload.clone()),
            None => {
                let kind = m.kind.clone();
                Box::pin(async move { anyhow::bail!("no handler for job kind `{kind}`") })
            }
        }
    }
}

/// Retry delay for the `attempt`-th failure: 2 s, 4 s, 8 s, ... capped at 5 minutes.
pub fn backoff(attempt: u32) -> Duration {
    Duration::from_secs(2u64.saturating_pow(attempt.min(16)).min(300))
}

pub struct Worker {
    pub queue: Arc<dyn JobQueue>,
    pub handlers: Handlers,
    pub ready: Option<Arc<Notify>>,
}

impl Worker {
    /// Receives and runs at most one job; returns whether there was one. Tests call this to
    /// drain the queue deterministically.
    pub async fn run_one(&self) -> anyhow::Result<bool> {
        let Some(d) = self.queue.receive(1, VISIBILITY).await?.pop() else {
            return Ok(false);
        };
        let outcome = self.handlers.run(&d.message).await;
        self.settle(&d, outcome).await?;
        Ok(true)
    }

    async fn settle(&self, d: &Delivery, outcome: anyhow::Result<()>) -> anyhow::Result<()> {
        match outcome {
            Ok(()) => self.queue.ack(&d.receipt).await?,
            Err(e) => {
                tracing::warn!(kind = %d.message.kind, attempt = d.attempt, error = ?e, "job failed; it will be retried or parked");
                self.queue.release(&d.receipt, backoff(d.attempt)).await?;
            }
        }
        Ok(())
    }

    /// Runs until `stop` turns true.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        while !*stop.borrow() {
            let delivery = match self.queue.receive(1, VISIBILITY).await {
                Ok(mut ds) => ds.pop(),
                Err(e) => {
                    tracing::error!(error = ?e, "receiving jobs failed");
                    None
                }
            };
            let Some(d) = delivery else {
                let ready = self.ready.clone();
                tokio::select! {
                    _ = stop.changed() => {}
                    _ = async move { match ready { Some(n) => n.notified().await, None => std::future::pending().await } } => {}
                    _ = tokio::time::sleep(Duration::from_secs(2)) => {}
                }
                continue;
            };
            let job = self.handlers.run(&d.message);
            tokio::pin!(job);
            let outcome = tokio::select! {
                r = &mut job => Some(r),
                _ = stop.changed() => match tokio::time::timeout(SHUTDOWN_GRACE, &mut job).await {
                    Ok(r) => Some(r),
                    Err(_) => None,
                },
            };
            let settled = match outcome {
                Some(r) => self.settle(&d, r).await,
                None => {
                    tracing::warn!(kind = %d.message.kind, "shutting down: job returned to the queue");
                    self.queue.release(&d.receipt, Duration::ZERO).await.map_err(Into::into)
                }
            };
            if let Err(e) = settled {
                tracing::error!(error = ?e, "settling a job failed; it will reappear after its visibility timeout");
            }
        }
    }
}
