//! Lambda entry point: S3 events -> resume intake.

use lambda_runtime::{LambdaEvent, service_fn};

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    // This executable is also the sandboxed document reader it starts for each upload.
    otbor_screening::helper::serve_as_helper();
    otbor_fn_api::init_tracing();
    let state = otbor_fn_resume_ingest::state().await?;
    lambda_runtime::run(service_fn(|event: LambdaEvent<aws_lambda_events::event::s3::S3Event>| {
        let state = state.clone();
        async move { otbor_fn_resume_ingest::handle(&state, event.payload).await.map_err(lambda_runtime::Error::from) }
    }))
    .await
}
