//! The evaluator function: batches from the SQS job queue go to the same job handlers the
//! in-process workers run (vacancy matching now; interview evaluation when it lands). Each
//! message that fails is reported alone in `batchItemFailures`, so one poison message does not
//! fail its batch; SQS redelivers it and, after the receive limit, moves it to the DLQ.

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

/// The job handlers over the ports the `OTBOR_*` settings name, built once per cold start.
pub async fn handlers() -> anyhow::Result<Handlers> {
    let settings = otbor_adapters::Settings::load().await?;
    let built = otbor::app::build(&settings, false).await?;
    Ok(otbor::app::handlers(&built.state))
}
