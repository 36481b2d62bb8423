//! The in-process workers: jobs are run and acknowledged; a failing job is retried with a
//! delay and finally parked, never dropped; on shutdown the job in hand is finished.

use otbor::worker::{Handlers, Worker, backoff};
use otbor_adapters::sqlite::{self, SqliteQueue};
use otbor_domain::ports::{Clock, JobMessage, JobQueue, ManualClock};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

fn queue(clock: Arc<dyn Clock>, max_receives: u32) -> (tempfile::TempDir, Arc<SqliteQueue>) {
    let dir = tempfile::tempdir().unwrap();
    let pool = sqlite::open(&dir.path().join("q.sqlite3")).unwrap();
    (dir, Arc::new(SqliteQueue::new(pool, clock, max_receives)))
}

fn job(kind: &str) -> JobMessage {
    JobMessage { kind: kind.into(), payload: serde_json::json!({"n": 1}) }
}

#[tokio::test]
async fn a_job_is_run_once_and_acknowledged() {
    let (_d, q) = queue(Arc::new(otbor_domain::ports::SystemClock), 3);
    let runs = Arc::new(AtomicU32::new(0));
    let mut handlers = Handlers::default();
    let r = runs.clone();
    handlers.add("count", move |_| {
        let r = r.clone();
        async move {
            r.fetch_add(1, Ordering::SeqCst);
            Ok(())
        }
    });
    let w = Worker { queue: q.clone(), handlers, ready: None };
    q.enqueue(&job("count")).await.unwrap();
    assert!(w.run_one().await.unwrap());
    assert!(!w.run_one().await.unwrap(), "the queue is drained");
    assert_eq!(runs.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_failing_job_is_retried_after_a_growing_delay_and_then_parked() {
    let clock = Arc::new(ManualClock::new(chrono::Utc::now()));
    let (_d, q) = queue(clock.clone(), 3);
    let mut handlers = Handlers::default();
    handlers.add("boom", |_| async { anyhow::bail!("the handler failed") });
    let w = Worker { queue: q.clone(), handlers, ready: None };
    q.enqueue(&job("boom")).await.unwrap();
    for attempt in 1..=3 {
        assert!(w.run_one().await.unwrap(), "attempt {attempt} runs");
        assert!(!w.run_one().await.unwrap(), "not again before the retry delay");
        clock.advance(chrono::Duration::from_std(backoff(attempt)).unwrap());
    }
    assert!(!w.run_one().await.unwrap(), "parked after 3 deliveries");
    assert_eq!(q.dead_letters(10).await.unwrap(), vec![job("boom")]);
    assert!(backoff(1) < backoff(2) && backoff(2) < backoff(3));
}

#[tokio::test]
async fn a_job_of_an_unknown_kind_is_parked_not_dropped() {
    let clock = Arc::new(ManualClock::new(chrono::Utc::now()));
    let (_d, q) = queue(clock.clone(), 2);
    let w = Worker { queue: q.clone(), handlers: Handlers::default(), ready: None };
    q.enqueue(&job("from.the.future")).await.unwrap();
    for _ in 0..3 {
        w.run_one().await.unwrap();
        clock.advance(chrono::Duration::minutes(10));
    }
    assert_eq!(q.dead_letters(10).await.unwrap(), vec![job("from.the.future")]);
}

#[tokio::test]
async fn on_shutdown_the_job_in_hand_is_finished_before_the_worker_stops() {
    let (_d, q) = queue(Arc::new(otbor_domain::ports::SystemClock), 3);
    let done = Arc::new(AtomicU32::new(0));
    let mut handlers = Handlers::default();
    let d = done.clone();
    handlers.add("slow", move |_| {
        let d = d.clone();
        async move {
            tokio::time::sleep(Duration::from_millis(400)).await;
            d.fetch_add(1, Ordering::SeqCst);
            Ok(())
        }
    });
    let (stop, stop_rx) = tokio::sync::watch::channel(false);
    q.enqueue(&job("slow")).await.unwrap();
    let worker = tokio::spawn(Worker { queue: q.clone(), handlers, ready: Some(q.notified()) }.run(stop_rx));
    tokio::time::sleep(Duration::from_millis(100)).await;
    stop.send(true).unwrap();
    tokio::time::timeout(Duration::from_secs(5), worker).await.expect("the worker stops").unwrap();
    assert_eq!(done.load(Ordering::SeqCst), 1, "the job in hand was finished");
    assert!(q.receive(10, Duration::from_secs(1)).await.unwrap().is_empty(), "and acknowledged");
}

#[tokio::test]
async fn an_admin_sees_the_parked_jobs_and_nobody_else_does() {
    use crate::helpers::*;
    let app = spawn_app().await;
    let (recruiter, _) = app.user("recruiter").await;
    let admin = app.admin().await;
    let q = &app.built.ports.jobs;
    q.enqueue(&job("from.the.future")).await.unwrap();
    // Delivered and released until the queue parks it (real time: short releases).
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while q.dead_letters(10).await.unwrap().is_empty() && std::time::Instant::now() < deadline {
        for d in q.receive(1, Duration::from_secs(30)).await.unwrap() {
            q.release(&d.receipt, Duration::ZERO).await.unwrap();
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let parked = admin.get("/api/jobs/dead-letters").await.expect(200);
    assert_eq!(parked["items"][0]["kind"], "from.the.future");
    assert_eq!(recruiter.get("/api/jobs/dead-letters").await.error(403), "forbidden");
}
