//! The one place where backends are chosen: settings in, ports out.

use crate::local_files::LocalFiles;
use crate::settings::{FilesBackend, QueueBackend, Settings, StoreBackend};
use crate::sqlite::{self, SqliteQueue, SqliteRecords};
use anyhow::Context;
use otbor_domain::ports::{Clock, FileStore, JobQueue, Records, SystemClock};
use std::sync::Arc;
use tokio::sync::Notify;

/// The ports of one running process.
#[derive(Clone)]
pub struct Ports {
    pub records: Arc<dyn Records>,
    pub files: Arc<dyn FileStore>,
    /// Interview recordings: their own S3 bucket when `OTBOR_RECORDINGS_BUCKET` names one,
    /// else the same store as `files`.
    pub recordings: Arc<dyn FileStore>,
    pub jobs: Arc<dyn JobQueue>,
    pub clock: Arc<dyn Clock>,
    /// Signalled when the embedded queue receives a job (none for SQS: workers poll it).
    pub jobs_ready: Option<Arc<Notify>>,
}

/// Builds the ports the settings ask for.
pub async fn build(settings: &Settings) -> anyhow::Result<Ports> {
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let needs_sqlite = settings.store == StoreBackend::Sqlite || settings.queue == QueueBackend::Embedded;
    let pool = if needs_sqlite {
        let path = settings.database_path();
        Some(tokio::task::spawn_blocking(move || sqlite::open(&path)).await??)
    } else {
        None
    };
    #[cfg(feature = "aws")]
    let aws = if settings.store == StoreBackend::Dynamodb
        || settings.files == FilesBackend::S3
        || settings.queue == QueueBackend::Sqs
        || settings.aws.recordings_bucket.is_some()
    {
        Some(otbor_aws::sdk_config(settings.aws.endpoint_url.as_deref(), &settings.aws.region).await)
    } else {
        None
    };
    let records: Arc<dyn Records> = match settings.store {
        StoreBackend::Sqlite => Arc::new(SqliteRecords::new(pool.clone().context("sqlite pool")?)),
        #[cfg(feature = "aws")]
        StoreBackend::Dynamodb => {
            let client = otbor_aws::dynamodb_client(aws.as_ref().context("aws config")?);
            if settings.aws.create_resources {
                otbor_aws::DynamoRecords::create_table(&client, &settings.aws.table)
                    .await
                    .with_context(|| format!("creating the DynamoDB table {}", settings.aws.table))?;
            }
            Arc::new(otbor_aws::DynamoRecords::new(client, settings.aws.table.clone()))
        }
        #[cfg(not(feature = "aws"))]
        _ => anyhow::bail!("this build has no AWS backends: build it with the `aws` feature"),
    };
    let files: Arc<dyn FileStore> = match settings.files {
        FilesBackend::Local => Arc::new(LocalFiles::new(settings.data_dir.join("files"))),
        #[cfg(feature = "aws")]
        FilesBackend::S3 => s3_files(settings, aws.as_ref().context("aws config")?, &settings.aws.bucket).await?,
        #[cfg(not(feature = "aws"))]
        _ => anyhow::bail!("this build has no AWS backends: build it with the `aws` feature"),
    };
    let recordings: Arc<dyn FileStore> = match &settings.aws.recordings_bucket {
        None => files.clone(),
        #[cfg(feature = "aws")]
        Some(bucket) => s3_files(settings, aws.as_ref().context("aws config")?, bucket).await?,
        #[cfg(not(feature = "aws"))]
        Some(_) => anyhow::bail!("OTBOR_RECORDINGS_BUCKET needs a build with the `aws` feature"),
    };
    let (jobs, jobs_ready): (Arc<dyn JobQueue>, _) = match settings.queue {
        QueueBackend::Embedded => {
            let q = SqliteQueue::new(pool.context("sqlite pool")?, clock.clone(), settings.max_receives);
            let ready = q.notified();
            (Arc::new(q), Some(ready))
        }
        #[cfg(feature = "aws")]
        QueueBackend::Sqs => {
            let client = otbor_aws::sqs_client(aws.as_ref().context("aws config")?);
            let q = match (&settings.aws.queue_url, &settings.aws.dlq_url) {
                (Some(url), Some(dlq)) => otbor_aws::SqsQueue::new(client, url.clone(), dlq.clone()),
                (Some(_), None) => anyhow::bail!("OTBOR_SQS_QUEUE_URL needs OTBOR_SQS_DLQ_URL (the dead-letter queue) too"),
                (None, _) => otbor_aws::SqsQueue::create(&client, &settings.aws.queue_name, settings.max_receives)
                    .await
                    .context("creating the SQS queues")?,
            };
            (Arc::new(q), None)
        }
        #[cfg(not(feature = "aws"))]
        _ => anyhow::bail!("this build has no AWS backends: build it with the `aws` feature"),
    };
    Ok(Ports { records, files, recordings, jobs, clock, jobs_ready })
}

/// The file store over one S3 bucket, created first against an emulator.
#[cfg(feature = "aws")]
async fn s3_files(settings: &Settings, aws: &otbor_aws::SdkConfig, bucket: &str) -> anyhow::Result<Arc<dyn FileStore>> {
    let client = otbor_aws::s3_client(aws);
    if settings.aws.create_resources {
        otbor_aws::S3Files::create_bucket(&client, bucket)
            .await
            .with_context(|| format!("creating the S3 bucket {bucket}"))?;
    }
    Ok(Arc::new(otbor_aws::S3Files::new(client, bucket.to_string())))
}
