//! Lambda entry point: SQS batches -> the job handlers, reporting partial batch failures;
//! scheduled events -> reminders and digests.

use lambda_runtime::{LambdaEvent, service_fn};

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    // This executable is also the sandboxed document reader it starts for each upload.
    otbor_screening::helper::serve_as_helper();
    otbor_fn_api::init_tracing();
    let evaluator = otbor_fn_evaluator::evaluator().await?;
    lambda_runtime::run(service_fn(|event: LambdaEvent<serde_json::Value>| {
        let evaluator = evaluator.clone();
        async move { otbor_fn_evaluator::dispatch(&evaluator, event.payload).await.map_err(lambda_runtime::Error::from) }
    }))
    .await
}
