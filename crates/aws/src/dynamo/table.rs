//! Creating the records table (for tests and the local development path; in the cloud the
//! infrastructure template creates it with the same shape).

use super::keys::{BY_TYPE, CREATED, PK, SK, TYPE};
use super::{DynamoRecords, SERVICE};
use crate::error::{AwsError, build_failed, call_failed};
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, IndexStatus, KeySchemaElement, KeyType,
    Projection, ProjectionType, ScalarAttributeType, TableStatus,
};
use std::time::Duration;

/// How long a new table may take to become active (seconds on AWS, at once on moto).
const ACTIVE_WITHIN: Duration = Duration::from_secs(120);

impl DynamoRecords {
    /// Creates the table (keys `pk`/`sk`, the `by_type` index, on-demand billing) and waits
    /// until it and its index are active. A table that already exists is left as it is.
    #[tracing::instrument(skip(client))]
    pub async fn create_table(client: &Client, table_name: &str) -> Result<(), AwsError> {
        let attr = |name: &str| {
            AttributeDefinition::builder()
                .attribute_name(name)
                .attribute_type(ScalarAttributeType::S)
                .build()
                .map_err(|e| build_failed("CreateTable", e))
        };
        let key = |name: &str, kind: KeyType| {
            KeySchemaElement::builder()
                .attribute_name(name)
                .key_type(kind)
                .build()
                .map_err(|e| build_failed("CreateTable", e))
        };
        let by_type = GlobalSecondaryIndex::builder()
            .index_name(BY_TYPE)
            .key_schema(key(TYPE, KeyType::Hash)?)
            .key_schema(key(CREATED, KeyType::Range)?)
            .projection(
                Projection::builder()
                    .projection_type(ProjectionType::All)
                    .build(),
            )
            .build()
            .map_err(|e| build_failed("CreateTable", e))?;
        let created = client
            .create_table()
            .table_name(table_name)
            .attribute_definitions(attr(PK)?)
            .attribute_definitions(attr(SK)?)
            .attribute_definitions(attr(TYPE)?)
            .attribute_definitions(attr(CREATED)?)
            .key_schema(key(PK, KeyType::Hash)?)
            .key_schema(key(SK, KeyType::Range)?)
            .global_secondary_indexes(by_type)
            .billing_mode(BillingMode::PayPerRequest)
            .send()
            .await;
        match created {
            Ok(_) => tracing::info!("created the table"),
            Err(SdkError::ServiceError(e)) if e.err().is_resource_in_use_exception() => {
                tracing::debug!("the table exists already");
            }
            Err(e) => return Err(call_failed(SERVICE, "CreateTable", e)),
        }
        wait_until_active(client, table_name).await
    }
}

async fn wait_until_active(client: &Client, table_name: &str) -> Result<(), AwsError> {
    let deadline = tokio::time::Instant::now() + ACTIVE_WITHIN;
    loop {
        let out = client
            .describe_table()
            .table_name(table_name)
            .send()
            .await
            .map_err(|e| call_failed(SERVICE, "DescribeTable", e))?;
        let ready = out.table.as_ref().is_some_and(|t| {
            t.table_status() == Some(&TableStatus::Active)
                && t.global_secondary_indexes()
                    .iter()
                    .all(|i| i.index_status() == Some(&IndexStatus::Active))
        });
        if ready {
            return Ok(());
        }
        if tokio::time::Instant::now() >= deadline {
            return Err(AwsError::Incomplete {
                operation: "CreateTable",
                detail: format!("table {table_name} not active after {ACTIVE_WITHIN:?}"),
            });
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}
