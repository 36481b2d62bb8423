//! The evaluator function: batches from the SQS job queue go to the same job handlers the
//! in-process workers run (intake, matching, evaluation, notifications). Each message that
//! fails is reported alone in `batchItemFailures`, so one poison message does not fail its
//! batch; SQS redelivers it and, after the receive limit, moves it to the DLQ. An EventBridge
//! schedule invokes the same function for the scheduled work (reminders, digests).

use aws_lambda_events::event::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent};
use otbor::worker::Handlers;
use otbor_domain::ports::JobMessage;

pub async fn handle(handlers: &Handlers, event: SqsEvent) -> SqsBatchResponse {
    let mut failures = Vec::new();
    for m in event.records {
        let id = m.message_id.clone().unwrap_or_default();
        let outcome = match m.body.as_deref().map(serde_json::from_str::<JobMessage>) {
            Some(Ok(job)) => handlers.run(&job).await,
            Some(Err(e)) => Err(anyhow::anyhow!("not a job message: {e}")),
            None => Err(anyhow::anyhow!("a message without a body")),
        };
        if let Err(e) = outcome {
            tracing::warn!(message_id = %id, error = ?e, "job failed; SQS will redeliver it");
            let mut failure = BatchItemFailure::default();
            failure.item_identifier = id;
            failures.push(failure);
        }
    }
    let mut response = SqsBatchResponse::default();
    response.batch_item_failures = failures;
    response
}

/// The job handlers and the state over the ports the `OTBOR_*` settings name, built once
/// per cold start.
#[derive(Clone)]
pub struct Evaluator {
    pub handlers: Handlers,
    pub state: otbor_app::AppState,
}

pub async fn evaluator() -> anyhow::Result<Evaluator> {
    let config = otbor::config::Config::load().await?;
    let built = otbor::app::build(&config, false).await?;
    Ok(Evaluator { handlers: otbor::app::handlers(&built.state), state: built.state })
}

/// One invocation: an SQS batch (`Records`), or an EventBridge scheduled event.
pub async fn dispatch(e: &Evaluator, event: serde_json::Value) -> anyhow::Result<serde_json::Value> {
    if event.get("Records").is_some() {
        let batch: SqsEvent = serde_json::from_value(event)?;
        return Ok(serde_json::to_value(handle(&e.handlers, batch).await)?);
    }
    if event.get("source").and_then(|s| s.as_str()) == Some("aws.events") {
        let report = otbor_app::notices::run_schedule(&e.state, otbor::app::DIGEST_HOUR).await?;
        return Ok(serde_json::to_value(report)?);
    }
    anyhow::bail!("an event this function does not handle (neither an SQS batch nor a scheduled event)")
}
