//! Records in one DynamoDB table (single-table design): the item plumbing shared by the stores
//! (conditional puts, transactions, index queries, batch reads).
//!
//! Each entity is stored as its serde_json document in `doc`, with a numeric `version` where
//! the port asks for conditional updates; the layout is in [`keys`]. Lists read every entity of
//! the type from the `by_type` index and filter, sort and paginate in memory: simple, and fine
//! up to about 10^4 records per type. Beyond that, add per-filter indexes.

mod interviews;
mod keys;
mod matches;
mod notify;
mod stores;
mod table;

use crate::error::{AwsError, build_failed, call_failed};
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::put_item::PutItemError;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{
    DeleteRequest, KeysAndAttributes, Put, PutRequest, ReturnValuesOnConditionCheckFailure,
    TransactWriteItem, WriteRequest,
};
use keys::{BY_TYPE, DOC, Item, Key, Listed, PK, TYPE, VERSION};
use otbor_domain::ports::{StoreError, StoreResult};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::collections::HashMap;
use std::time::Duration;

const SERVICE: &str = "DynamoDB";

/// The records ports over one DynamoDB table; see the module documentation for the layout
/// and the limits of listing.
#[derive(Clone, Debug)]
pub struct DynamoRecords {
    client: Client,
    table: String,
}

impl DynamoRecords {
    /// Uses an existing table (see [`DynamoRecords::create_table`] for its shape).
    pub fn new(client: Client, table_name: impl Into<String>) -> Self {
        Self {
            client,
            table: table_name.into(),
        }
    }
}

/// The condition a write is made under.
#[derive(Clone, Copy, Debug)]
enum Condition {
    /// The item must not exist yet.
    New,
    /// The stored item must be at this version.
    Version(u64),
}

impl Condition {
    fn expression(self) -> &'static str {
        match self {
            Condition::New => "attribute_not_exists(#pk)",
            Condition::Version(_) => "#v = :v",
        }
    }
    fn names(self) -> HashMap<String, String> {
        match self {
            Condition::New => HashMap::from([("#pk".to_owned(), PK.to_owned())]),
            Condition::Version(_) => HashMap::from([("#v".to_owned(), VERSION.to_owned())]),
        }
    }
    fn values(self) -> Option<Item> {
        match self {
            Condition::New => None,
            Condition::Version(v) => Some(HashMap::from([(":v".to_owned(), keys::n(v))])),
        }
    }
}

fn encode<T: Serialize>(what: &'static str, v: &T) -> Result<String, AwsError> {
    serde_json::to_string(v).map_err(|source| AwsError::Encode { what, source })
}

fn decode<T: DeserializeOwned>(what: &'static str, item: &Item) -> Result<T, AwsError> {
    let doc = item
        .get(DOC)
        .and_then(|d| d.as_s().ok())
        .ok_or_else(|| AwsError::Malformed {
            what,
            detail: format!("no string attribute `{DOC}`"),
        })?;
    serde_json::from_str(doc).map_err(|source| AwsError::Decode { what, source })
}

/// An entity's item: its key, its document, its version if it has one, and the index
/// attributes if it is listed.
fn doc_item<T: Serialize>(
    what: &'static str,
    key: &Key,
    doc: &T,
    version: Option<u64>,
    listed: Option<(Listed, String)>,
) -> Result<Item, AwsError> {
    let mut item = key.to_item();
    item.insert(DOC.to_owned(), keys::s(encode(what, doc)?));
    if let Some(v) = version {
        item.insert(VERSION.to_owned(), keys::n(v));
    }
    if let Some((kind, created)) = listed {
        item.insert(TYPE.to_owned(), keys::s(kind.type_name()));
        item.insert(keys::CREATED.to_owned(), keys::s(created));
    }
    Ok(item)
}

fn put_request(item: Item) -> Result<WriteRequest, AwsError> {
    let put = PutRequest::builder()
        .set_item(Some(item))
        .build()
        .map_err(|e| build_failed("BatchWriteItem", e))?;
    Ok(WriteRequest::builder().put_request(put).build())
}

fn delete_request(key: &Key) -> Result<WriteRequest, AwsError> {
    let delete = DeleteRequest::builder()
        .set_key(Some(key.to_item()))
        .build()
        .map_err(|e| build_failed("BatchWriteItem", e))?;
    Ok(WriteRequest::builder().delete_request(delete).build())
}

/// How long to keep asking for the keys a batch read left unprocessed (throttling).
const BATCH_RETRIES: u32 = 8;
/// DynamoDB's limit of keys per BatchGetItem.
const BATCH_GET_MAX: usize = 100;
/// DynamoDB's limit of writes per BatchWriteItem.
const BATCH_WRITE_MAX: usize = 25;

impl DynamoRecords {
    /// A strongly consistent read, so that a writer reads its own writes.
    async fn get_item(&self, key: &Key) -> StoreResult<Option<Item>> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key.to_item()))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| call_failed(SERVICE, "GetItem", e))?;
        Ok(out.item)
    }

    async fn get_doc<T: DeserializeOwned>(
        &self,
        what: &'static str,
        key: &Key,
    ) -> StoreResult<Option<T>> {
        match self.get_item(key).await? {
            Some(item) => Ok(Some(decode(what, &item)?)),
            None => Ok(None),
        }
    }

    /// Puts `item` under `condition`; a failed condition is `Duplicate(what)` for a new item
    /// and `Conflict` for a versioned update.
    ///
    /// The SDK retries a put whose answer was lost; if the first attempt did land, the retry
    /// fails its condition against our own write. The stored item comes back with the
    /// failure, and if it is exactly what we wrote, the put succeeded.
    async fn put(&self, what: &'static str, item: Item, condition: Condition) -> StoreResult<()> {
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item.clone()))
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .condition_expression(condition.expression())
            .set_expression_attribute_names(Some(condition.names()))
            .set_expression_attribute_values(condition.values())
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(SdkError::ServiceError(e)) if e.err().is_conditional_check_failed_exception() => {
                if let PutItemError::ConditionalCheckFailedException(failed) = e.err()
                    && failed.item() == Some(&item)
                {
                    tracing::debug!(table = %self.table, "a retried put found its own earlier write");
                    return Ok(());
                }
                Err(match condition {
                    Condition::New => StoreError::Duplicate(what),
                    Condition::Version(_) => StoreError::Conflict,
                })
            }
            Err(e) => Err(call_failed(SERVICE, "PutItem", e).into()),
        }
    }

    /// Puts `item` whatever is stored under its key (a document that is replaced whole).
    async fn replace(&self, item: Item) -> StoreResult<()> {
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .send()
            .await
            .map_err(|e| call_failed(SERVICE, "PutItem", e))?;
        Ok(())
    }

    async fn delete(&self, key: &Key) -> StoreResult<()> {
        self.client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(key.to_item()))
            .send()
            .await
            .map_err(|e| call_failed(SERVICE, "DeleteItem", e))?;
        Ok(())
    }

    fn put_op(&self, item: Item, condition: Option<Condition>) -> StoreResult<TransactWriteItem> {
        let mut put = Put::builder().table_name(&self.table).set_item(Some(item));
        if let Some(c) = condition {
            put = put
                .condition_expression(c.expression())
                .set_expression_attribute_names(Some(c.names()))
                .set_expression_attribute_values(c.values());
        }
        let put = put
            .build()
            .map_err(|e| build_failed("TransactWriteItems", e))?;
        Ok(TransactWriteItem::builder().put(put).build())
    }

    /// Writes all of `ops` or none. If a condition fails, `on_condition_failed` gets the index
    /// of the first failed operation and says what that means; a clash with another
    /// transaction in flight on the same item is a `Conflict` (the caller re-reads).
    async fn transact(
        &self,
        ops: Vec<TransactWriteItem>,
        on_condition_failed: impl Fn(usize) -> StoreError,
    ) -> StoreResult<()> {
        // The token makes the SDK's retries of this call idempotent (for ten minutes), so that
        // a retry after a lost answer does not fail against our own first attempt.
        let result = self
            .client
            .transact_write_items()
            .set_transact_items(Some(ops))
            .client_request_token(uuid::Uuid::new_v4().to_string())
            .send()
            .await;
        let e = match result {
            Ok(_) => return Ok(()),
            Err(e) => e,
        };
        if let Some(TransactWriteItemsError::TransactionCanceledException(cancelled)) =
            e.as_service_error()
        {
            let codes: Vec<&str> = cancelled
                .cancellation_reasons()
                .iter()
                .map(|r| r.code().unwrap_or("None"))
                .collect();
            if let Some(i) = codes.iter().position(|c| *c == "ConditionalCheckFailed") {
                return Err(on_condition_failed(i));
            }
            if codes.contains(&"TransactionConflict") {
                return Err(StoreError::Conflict);
            }
            tracing::warn!(table = %self.table, ?codes, "transaction cancelled for another reason");
        }
        Err(call_failed(SERVICE, "TransactWriteItems", e).into())
    }

    /// Every entity of one type, through the `by_type` index, all pages.
    ///
    /// The index is eventually consistent on AWS: an entity written a moment ago may be
    /// missing from a list (never from a read by id).
    async fn list<T: DeserializeOwned>(
        &self,
        what: &'static str,
        kind: Listed,
    ) -> StoreResult<Vec<T>> {
        let mut all = Vec::new();
        let mut start: Option<Item> = None;
        loop {
            let out = self
                .client
                .query()
                .table_name(&self.table)
                .index_name(BY_TYPE)
                .key_condition_expression("#t = :t")
                .expression_attribute_names("#t", TYPE)
                .expression_attribute_values(":t", keys::s(kind.type_name()))
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(|e| call_failed(SERVICE, "Query", e))?;
            for item in out.items.unwrap_or_default() {
                all.push(decode(what, &item)?);
            }
            match out.last_evaluated_key {
                Some(k) if !k.is_empty() => start = Some(k),
                _ => return Ok(all),
            }
        }
    }

    /// The items of one partition, in sort-key order; only those whose sort key starts with
    /// `prefix` if one is given (DynamoDB refuses an empty `begins_with`).
    async fn query_partition<T: DeserializeOwned>(
        &self,
        what: &'static str,
        pk: &str,
        prefix: Option<&str>,
    ) -> StoreResult<Vec<T>> {
        let items = self.query_items(pk, prefix).await?;
        Ok(items.iter().map(|item| decode(what, item)).collect::<Result<_, _>>()?)
    }

    /// The raw items of one partition, as [`Self::query_partition`] reads them.
    async fn query_items(&self, pk: &str, prefix: Option<&str>) -> StoreResult<Vec<Item>> {
        let mut all = Vec::new();
        let mut start: Option<Item> = None;
        loop {
            let mut query = self
                .client
                .query()
                .table_name(&self.table)
                .expression_attribute_names("#pk", PK)
                .expression_attribute_values(":pk", keys::s(pk))
                .consistent_read(true)
                .set_exclusive_start_key(start.take());
            query = match prefix {
                Some(prefix) => query
                    .key_condition_expression("#pk = :pk AND begins_with(#sk, :prefix)")
                    .expression_attribute_names("#sk", keys::SK)
                    .expression_attribute_values(":prefix", keys::s(prefix)),
                None => query.key_condition_expression("#pk = :pk"),
            };
            let out = query
                .send()
                .await
                .map_err(|e| call_failed(SERVICE, "Query", e))?;
            all.extend(out.items.unwrap_or_default());
            match out.last_evaluated_key {
                Some(k) if !k.is_empty() => start = Some(k),
                _ => return Ok(all),
            }
        }
    }

    /// Unconditional puts and deletes by BatchWriteItem in chunks of 25, retrying what
    /// DynamoDB leaves unprocessed. Each write is atomic, the batch is not: a failure part way
    /// leaves the earlier writes done. No key may appear twice (DynamoDB refuses the batch).
    async fn batch_write(&self, writes: Vec<WriteRequest>) -> StoreResult<()> {
        for chunk in writes.chunks(BATCH_WRITE_MAX) {
            let mut pending = chunk.to_vec();
            let mut attempt = 0;
            while !pending.is_empty() {
                if attempt > 0 {
                    if attempt > BATCH_RETRIES {
                        return Err(AwsError::Incomplete {
                            operation: "BatchWriteItem",
                            detail: format!(
                                "{} writes still unprocessed after {BATCH_RETRIES} retries",
                                pending.len()
                            ),
                        }
                        .into());
                    }
                    // Unprocessed writes mean throttling: back off before asking again.
                    tokio::time::sleep(Duration::from_millis(25 << attempt.min(6))).await;
                }
                attempt += 1;
                let out = self
                    .client
                    .batch_write_item()
                    .request_items(&self.table, std::mem::take(&mut pending))
                    .send()
                    .await
                    .map_err(|e| call_failed(SERVICE, "BatchWriteItem", e))?;
                if let Some(left) = out
                    .unprocessed_items
                    .and_then(|mut u| u.remove(&self.table))
                {
                    pending = left;
                }
            }
        }
        Ok(())
    }

    /// The documents under `keys` that exist, in any order, by BatchGetItem in chunks of 100
    /// (duplicates removed: DynamoDB refuses a batch that names a key twice).
    async fn batch_get<T: DeserializeOwned>(
        &self,
        what: &'static str,
        keys: Vec<Key>,
    ) -> StoreResult<Vec<T>> {
        let mut unique = keys;
        unique.sort_by(|a, b| (&a.pk, &a.sk).cmp(&(&b.pk, &b.sk)));
        unique.dedup();
        let mut found = Vec::new();
        for chunk in unique.chunks(BATCH_GET_MAX) {
            let mut pending: Vec<Item> = chunk.iter().map(Key::to_item).collect();
            let mut attempt = 0;
            while !pending.is_empty() {
                if attempt > 0 {
                    if attempt > BATCH_RETRIES {
                        return Err(AwsError::Incomplete {
                            operation: "BatchGetItem",
                            detail: format!(
                                "{} keys still unprocessed after {BATCH_RETRIES} retries",
                                pending.len()
                            ),
                        }
                        .into());
                    }
                    // Unprocessed keys mean throttling: back off before asking again.
                    tokio::time::sleep(Duration::from_millis(25 << attempt.min(6))).await;
                }
                attempt += 1;
                let request = KeysAndAttributes::builder()
                    .set_keys(Some(std::mem::take(&mut pending)))
                    .consistent_read(true)
                    .build()
                    .map_err(|e| build_failed("BatchGetItem", e))?;
                let out = self
                    .client
                    .batch_get_item()
                    .request_items(&self.table, request)
                    .send()
                    .await
                    .map_err(|e| call_failed(SERVICE, "BatchGetItem", e))?;
                if let Some(items) = out.responses.and_then(|mut r| r.remove(&self.table)) {
                    for item in &items {
                        found.push(decode(what, item)?);
                    }
                }
                if let Some(left) = out.unprocessed_keys.and_then(|mut u| u.remove(&self.table)) {
                    pending = left.keys;
                }
            }
        }
        Ok(found)
    }
}
