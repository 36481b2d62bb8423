//! The job-queue checks. They run in real time with short timeouts, since the cloud backend
//! (SQS) keeps its own clock.

use otbor_domain::ports::{JobMessage, JobQueue};
use std::sync::Arc;
use std::time::Duration;

/// The number of deliveries after which a backend under test parks a job.
pub const MAX_RECEIVES: u32 = 3;

fn job(n: u32) -> JobMessage {
    JobMessage { kind: "test.job".into(), payload: serde_json::json!({ "n": n, "text": "проверка" }) }
}

const SHORT: Duration = Duration::from_secs(1);
const LONG: Duration = Duration::from_secs(30);

/// Receives until `want` deliveries arrived or `within` passed.
async fn receive_within(q: &dyn JobQueue, want: usize, visibility: Duration, within: Duration) -> Vec<otbor_domain::ports::Delivery> {
    let deadline = tokio::time::Instant::now() + within;
    let mut got = Vec::new();
    while got.len() < want && tokio::time::Instant::now() < deadline {
        got.extend(q.receive(want - got.len(), visibility).await.unwrap());
        if got.len() < want {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    got
}

pub async fn an_enqueued_job_is_delivered_once_and_gone_after_ack(q: Arc<dyn JobQueue>) {
    q.enqueue(&job(1)).await.unwrap();
    let got = receive_within(&*q, 1, LONG, Duration::from_secs(5)).await;
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].message, job(1));
    assert_eq!(got[0].attempt, 1);
    q.ack(&got[0].receipt).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(q.receive(10, SHORT).await.unwrap().is_empty());
    assert!(q.dead_letters(10).await.unwrap().is_empty());
}

pub async fn an_unacknowledged_job_comes_back_after_its_visibility_timeout(q: Arc<dyn JobQueue>) {
    q.enqueue(&job(2)).await.unwrap();
    let first = receive_within(&*q, 1, SHORT, Duration::from_secs(5)).await;
    assert_eq!(first.len(), 1);
    let again = receive_within(&*q, 1, LONG, Duration::from_secs(6)).await;
    assert_eq!(again.len(), 1, "the job did not come back after its visibility timeout");
    assert_eq!(again[0].message, job(2));
    assert_eq!(again[0].attempt, 2);
    q.ack(&again[0].receipt).await.unwrap();
}

pub async fn a_released_job_comes_back_after_the_delay_with_the_attempt_counted(q: Arc<dyn JobQueue>) {
    q.enqueue(&job(3)).await.unwrap();
    let first = receive_within(&*q, 1, LONG, Duration::from_secs(5)).await;
    assert_eq!(first.len(), 1);
    q.release(&first[0].receipt, Duration::from_secs(1)).await.unwrap();
    assert!(q.receive(1, LONG).await.unwrap().is_empty(), "a released job came back before its delay");
    let again = receive_within(&*q, 1, LONG, Duration::from_secs(6)).await;
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].attempt, 2);
    q.ack(&again[0].receipt).await.unwrap();
}

pub async fn a_job_delivered_too_often_is_parked_not_dropped(q: Arc<dyn JobQueue>) {
    q.enqueue(&job(4)).await.unwrap();
    for attempt in 1..=MAX_RECEIVES {
        let got = receive_within(&*q, 1, LONG, Duration::from_secs(6)).await;
        assert_eq!(got.len(), 1, "delivery {attempt} did not arrive");
        assert_eq!(got[0].attempt, attempt);
        q.release(&got[0].receipt, Duration::ZERO).await.unwrap();
    }
    // One more receive moves it to the dead letters instead of delivering it.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(8);
    let mut parked = Vec::new();
    while parked.is_empty() && tokio::time::Instant::now() < deadline {
        let extra = q.receive(1, LONG).await.unwrap();
        assert!(extra.is_empty(), "a job was delivered more than {MAX_RECEIVES} times");
        parked = q.dead_letters(10).await.unwrap();
        if parked.is_empty() {
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
    assert_eq!(parked, vec![job(4)]);
}

pub async fn jobs_in_flight_are_not_delivered_twice_at_once(q: Arc<dyn JobQueue>) {
    for n in 0..6 {
        q.enqueue(&job(10 + n)).await.unwrap();
    }
    let (a, b) = tokio::join!(
        receive_within(&*q, 3, LONG, Duration::from_secs(5)),
        receive_within(&*q, 3, LONG, Duration::from_secs(5)),
    );
    let mut seen: Vec<_> = a.iter().chain(b.iter()).map(|d| d.message.payload["n"].as_u64().unwrap()).collect();
    seen.sort();
    assert_eq!(seen, vec![10, 11, 12, 13, 14, 15]);
    for d in a.iter().chain(b.iter()) {
        q.ack(&d.receipt).await.unwrap();
    }
}
