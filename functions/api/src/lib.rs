//! The `api` Lambda function: the same axum `Router` as `otbor serve`, built from the
//! environment once per cold start.

use anyhow::Context;

/// Builds the router from `OTBOR_*` settings (in the cloud: DynamoDB, S3 and SQS).
pub async fn router() -> anyhow::Result<axum::Router> {
    let config = otbor::config::Config::load().await.context("reading settings")?;
    Ok(otbor::app::build(&config, false).await?.router)
}

pub fn init_tracing() {
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_env("OTBOR_LOG").unwrap_or_else(|_| "info".into()))
        .without_time()
        .init();
}
