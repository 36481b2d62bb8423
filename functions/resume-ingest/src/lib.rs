//! The resume-ingest function: each S3 `ObjectCreated` record names an uploaded file; the
//! upload it belongs to is read by the same intake handler `otbor serve` runs in-process.
//! Intake is idempotent, so S3's at-least-once delivery gives one candidate per file. An
//! error fails the invocation, and Lambda retries it (then its failure destination keeps it).

use aws_lambda_events::event::s3::S3Event;
use otbor_app::AppState;
use otbor_domain::jobs::IngestResume;
use otbor_domain::upload::Upload;

pub async fn handle(state: &AppState, event: S3Event) -> anyhow::Result<()> {
    for record in event.records {
        let Some(key) = record.s3.object.key.as_deref() else { continue };
        // Event keys are URL-encoded; ours hold only characters that encoding leaves alone.
        let Some(upload_id) = Upload::id_from_key(key) else {
            tracing::warn!(key, "an object outside uploads/ ignored");
            continue;
        };
        otbor_app::intake::ingest_resume(state, IngestResume { upload_id }).await?;
    }
    Ok(())
}

/// The app state from `OTBOR_*` settings, built once per cold start.
pub async fn state() -> anyhow::Result<AppState> {
    let config = otbor::config::Config::load().await?;
    Ok(otbor::app::build(&config, false).await?.state)
}
