//! Lambda entry point: SQS batches -> the job handlers, reporting partial batch failures.

use aws_lambda_events::event::sqs::SqsEvent;
use lambda_runtime::{LambdaEvent, service_fn};

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    // This executable is also the sandboxed document reader it starts for each upload.
    otbor_screening::helper::serve_as_helper();
    otbor_fn_api::init_tracing();
    let handlers = otbor_fn_evaluator::handlers().await?;
    lambda_runtime::run(service_fn(|event: LambdaEvent<SqsEvent>| {
        let handlers = handlers.clone();
        async move { Ok::<_, lambda_runtime::Error>(otbor_fn_evaluator::handle(&handlers, event.payload).await) }
    }))
    .await
}
