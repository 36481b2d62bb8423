//! The notify store over the DynamoDB table: each notification is one listed item (the log
//! and the outbox read the type's index and filter in memory, like the other lists), and the
//! small documents (preferences, templates, codes) share one partition, read by key.

use super::keys::{self, Listed};
use super::{Condition, DynamoRecords, SERVICE, decode, doc_item};
use crate::error::call_failed;
use async_trait::async_trait;
use aws_sdk_dynamodb::types::ReturnValue;
use otbor_domain::ids::CandidateId;
use otbor_domain::notify::{ChannelKind, NotificationRecord};
use otbor_domain::ports::{NotifyStore, StoreError, StoreResult};
use otbor_domain::query::{Page, PageRequest};

const WHAT: &str = "notification";

fn item(n: &NotificationRecord) -> StoreResult<keys::Item> {
    let listed = (Listed::Notification, keys::created(n.created_at, &n.key));
    Ok(doc_item(WHAT, &Listed::Notification.key(&n.key), n, None, Some(listed))?)
}

#[async_trait]
impl NotifyStore for DynamoRecords {
    async fn claim_notification(&self, n: &NotificationRecord) -> StoreResult<bool> {
        match self.put(WHAT, item(n)?, Condition::New).await {
            Ok(()) => Ok(true),
            Err(StoreError::Duplicate(_)) => Ok(false),
            Err(e) => Err(e),
        }
    }

    async fn update_notification(&self, n: &NotificationRecord) -> StoreResult<()> {
        self.replace(item(n)?).await
    }

    async fn get_notification(&self, key: &str) -> StoreResult<Option<NotificationRecord>> {
        self.get_doc(WHAT, &Listed::Notification.key(key)).await
    }

    async fn notifications_for_candidate(&self, id: CandidateId) -> StoreResult<Vec<NotificationRecord>> {
        let mut all: Vec<NotificationRecord> = self.list(WHAT, Listed::Notification).await?;
        all.retain(|n| n.candidate_id == Some(id));
        all.sort_by(|a, b| (a.created_at, &a.key).cmp(&(b.created_at, &b.key)));
        Ok(all)
    }

    async fn list_notifications(&self, channel: Option<ChannelKind>, page: PageRequest) -> StoreResult<Page<NotificationRecord>> {
        let mut all: Vec<NotificationRecord> = self.list(WHAT, Listed::Notification).await?;
        all.retain(|n| channel.is_none_or(|c| n.channel == c));
        all.sort_by(|a, b| (b.created_at, &b.key).cmp(&(a.created_at, &a.key)));
        Ok(page.slice(all))
    }

    async fn put_entry(&self, key: &str, value: &serde_json::Value) -> StoreResult<()> {
        self.replace(doc_item("entry", &keys::entry(key), value, None, None)?).await
    }

    async fn get_entry(&self, key: &str) -> StoreResult<Option<serde_json::Value>> {
        self.get_doc("entry", &keys::entry(key)).await
    }

    async fn take_entry(&self, key: &str) -> StoreResult<Option<serde_json::Value>> {
        let out = self
            .client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(keys::entry(key).to_item()))
            .return_values(ReturnValue::AllOld)
            .send()
            .await
            .map_err(|e| call_failed(SERVICE, "DeleteItem", e))?;
        match out.attributes {
            Some(item) if !item.is_empty() => Ok(Some(decode("entry", &item)?)),
            _ => Ok(None),
        }
    }

    async fn list_entries(&self, prefix: &str) -> StoreResult<Vec<(String, serde_json::Value)>> {
        let items = self.query_items(keys::ENTRIES, (!prefix.is_empty()).then_some(prefix)).await?;
        items
            .iter()
            .map(|item| {
                let key = item.get(keys::SK).and_then(|v| v.as_s().ok()).cloned().unwrap_or_default();
                Ok((key, decode("entry", item)?))
            })
            .collect()
    }
}
