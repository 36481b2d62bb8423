//! The AWS backends run the same conformance suites as every other backend, against moto
//! server on loopback (`eval "$(scripts/moto.sh start)"` sets `OTBOR_TEST_AWS_ENDPOINT`).
//! Every test gets its own uniquely named table, bucket or queue, so tests run in parallel
//! and leave each other alone.

use otbor_aws::{Credentials, DynamoRecords, S3Files, SdkConfig, SqsQueue};
use otbor_domain::ports::{FileStore, JobQueue, Records};
use std::sync::Arc;

fn endpoint() -> String {
    std::env::var("OTBOR_TEST_AWS_ENDPOINT").unwrap_or_else(|_| {
        panic!(
            "OTBOR_TEST_AWS_ENDPOINT is not set: start the local AWS emulator with \
             `eval \"$(scripts/moto.sh start)\"` (from the repository root) and run the tests again"
        )
    })
}

/// Static credentials, so that the SDK never looks for real ones (or asks the instance
/// metadata service) on a developer's machine or in CI; moto does not check signatures.
async fn config() -> SdkConfig {
    otbor_aws::config_loader(Some(&endpoint()), "us-east-1")
        .credentials_provider(Credentials::new("test", "test", None, None, "otbor-test"))
        .load()
        .await
}

fn unique(prefix: &str) -> String {
    format!("otbor-test-{prefix}-{}", uuid::Uuid::new_v4().simple())
}

async fn fresh_records() -> Arc<dyn Records> {
    let client = otbor_aws::dynamodb_client(&config().await);
    let table = unique("records");
    DynamoRecords::create_table(&client, &table)
        .await
        .expect("create the test table");
    Arc::new(DynamoRecords::new(client, table))
}

async fn fresh_files() -> Arc<dyn FileStore> {
    let client = otbor_aws::s3_client(&config().await);
    let bucket = unique("files");
    S3Files::create_bucket(&client, &bucket)
        .await
        .expect("create the test bucket");
    Arc::new(S3Files::new(client, bucket))
}

async fn fresh_queue() -> Arc<dyn JobQueue> {
    let client = otbor_aws::sqs_client(&config().await);
    let queue = SqsQueue::create(
        &client,
        &unique("jobs"),
        otbor_conformance::queue::MAX_RECEIVES,
    )
    .await
    .expect("create the test queues");
    Arc::new(queue)
}

mod records {
    use super::*;
    otbor_conformance::records_conformance!(fresh_records());
}

mod files {
    use super::*;
    otbor_conformance::files_conformance!(fresh_files());
}

mod queue {
    use super::*;
    otbor_conformance::queue_conformance!(fresh_queue());
}

#[tokio::test]
async fn creating_the_table_twice_is_harmless() {
    let client = otbor_aws::dynamodb_client(&config().await);
    let table = unique("twice");
    DynamoRecords::create_table(&client, &table)
        .await
        .expect("first");
    DynamoRecords::create_table(&client, &table)
        .await
        .expect("second");
}

#[tokio::test]
async fn creating_the_bucket_twice_is_harmless() {
    let client = otbor_aws::s3_client(&config().await);
    let bucket = unique("twice");
    S3Files::create_bucket(&client, &bucket)
        .await
        .expect("first");
    S3Files::create_bucket(&client, &bucket)
        .await
        .expect("second");
}

/// What the SDK does when it retries a write whose first attempt landed: the retry must not
/// turn into a false `Duplicate` or `Conflict`.
#[tokio::test]
async fn repeating_an_identical_write_succeeds_but_a_different_one_does_not() {
    use chrono::{TimeZone, Utc};
    use otbor_domain::candidate::{Candidate, CandidateFields};
    use otbor_domain::ports::StoreError;

    let records = fresh_records().await;
    let at = Utc
        .with_ymd_and_hms(2026, 1, 1, 9, 0, 0)
        .single()
        .expect("a valid time");
    let fields = CandidateFields {
        full_name: Some("Иван Петров".into()),
        ..Default::default()
    };
    let c = Candidate::new(&fields, at).expect("a valid candidate");
    records.insert_candidate(&c).await.expect("first insert");
    records
        .insert_candidate(&c)
        .await
        .expect("the same insert again");
    let mut other = c.clone();
    other.full_name = "Пётр Иванов".into();
    assert!(matches!(
        records.insert_candidate(&other).await,
        Err(StoreError::Duplicate(_))
    ));

    let mut changed = c.clone();
    changed
        .apply(
            &CandidateFields {
                location: Some("Казань".into()),
                ..Default::default()
            },
            at,
        )
        .expect("valid");
    records
        .update_candidate(&changed, c.version)
        .await
        .expect("first update");
    records
        .update_candidate(&changed, c.version)
        .await
        .expect("the same update again");
    let mut rival = c.clone();
    rival
        .apply(
            &CandidateFields {
                location: Some("Сочи".into()),
                ..Default::default()
            },
            at,
        )
        .expect("valid");
    assert!(matches!(
        records.update_candidate(&rival, c.version).await,
        Err(StoreError::Conflict)
    ));
    assert_eq!(
        records.get_candidate(c.id).await.expect("read"),
        Some(changed)
    );
}
