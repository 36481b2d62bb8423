//! Lambda entry point: API Gateway HTTP API events -> the shared Router.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    // This executable is also the sandboxed document reader it starts for each upload.
    otbor_screening::helper::serve_as_helper();
    otbor_fn_api::init_tracing();
    let router = otbor_fn_api::router().await?;
    lambda_http::run(router).await
}
