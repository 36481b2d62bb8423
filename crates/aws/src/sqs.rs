//! Jobs on an SQS queue with a dead-letter queue: SQS counts the deliveries and its redrive
//! policy parks a job after `max_receives` of them.

use crate::error::{AwsError, build_failed, call_failed};
use async_trait::async_trait;
use aws_sdk_sqs::Client;
use aws_sdk_sqs::types::{
    ChangeMessageVisibilityBatchRequestEntry, Message, MessageSystemAttributeName,
    QueueAttributeName,
};
use otbor_domain::ports::{Delivery, JobMessage, JobQueue, StoreResult};
use std::collections::HashMap;
use std::time::Duration;

const SERVICE: &str = "SQS";
/// SQS's limits: messages per receive, and the longest visibility timeout.
const RECEIVE_MAX: usize = 10;
const MAX_VISIBILITY_SECS: u64 = 43_200;
/// How long a dead letter stays hidden while [`JobQueue::dead_letters`] reads the queue
/// (it is made visible again right after).
const PEEK_VISIBILITY_SECS: i32 = 30;
/// Dead letters are kept for the longest SQS allows (14 days), for people to look at.
const DLQ_RETENTION_SECS: u32 = 1_209_600;

/// The job queue over an SQS queue and its dead-letter queue.
#[derive(Clone, Debug)]
pub struct SqsQueue {
    client: Client,
    queue_url: String,
    dlq_url: String,
}

/// SQS counts time in whole seconds; rounding up keeps a job hidden at least as long as asked.
fn whole_seconds(d: Duration) -> i32 {
    let secs = d.as_secs() + u64::from(d.subsec_nanos() > 0);
    // Bounded by MAX_VISIBILITY_SECS, so the conversion cannot fail.
    i32::try_from(secs.min(MAX_VISIBILITY_SECS)).unwrap_or(i32::MAX)
}

fn parse_body(body: Option<&str>) -> Option<JobMessage> {
    let body = body?;
    match serde_json::from_str(body) {
        Ok(m) => Some(m),
        Err(error) => {
            // Not ours to run. Left unacknowledged, the redrive policy parks it.
            tracing::error!(%error, "skipping a message that is not a job");
            None
        }
    }
}

impl SqsQueue {
    pub fn new(client: Client, queue_url: impl Into<String>, dlq_url: impl Into<String>) -> Self {
        Self {
            client,
            queue_url: queue_url.into(),
            dlq_url: dlq_url.into(),
        }
    }

    /// Creates (or finds, if they exist with the same settings) the queue `name` and its
    /// dead-letter queue `name-dlq`, which receives a job after `max_receives` deliveries.
    #[tracing::instrument(skip(client))]
    pub async fn create(client: &Client, name: &str, max_receives: u32) -> Result<Self, AwsError> {
        let dlq = client
            .create_queue()
            .queue_name(format!("{name}-dlq"))
            .attributes(
                QueueAttributeName::MessageRetentionPeriod,
                DLQ_RETENTION_SECS.to_string(),
            )
            .send()
            .await
            .map_err(|e| call_failed(SERVICE, "CreateQueue", e))?;
        let dlq_url = dlq.queue_url.ok_or_else(|| AwsError::Malformed {
            what: "queue",
            detail: "CreateQueue gave no URL".into(),
        })?;
        let attrs = client
            .get_queue_attributes()
            .queue_url(&dlq_url)
            .attribute_names(QueueAttributeName::QueueArn)
            .send()
            .await
            .map_err(|e| call_failed(SERVICE, "GetQueueAttributes", e))?;
        let dlq_arn = attrs
            .attributes
            .and_then(|mut a| a.remove(&QueueAttributeName::QueueArn))
            .ok_or_else(|| AwsError::Malformed {
                what: "queue",
                detail: "the dead-letter queue has no ARN".into(),
            })?;
        let redrive = serde_json::json!({
            "deadLetterTargetArn": dlq_arn,
            "maxReceiveCount": max_receives.to_string(),
        });
        let queue = client
            .create_queue()
            .queue_name(name)
            .attributes(QueueAttributeName::RedrivePolicy, redrive.to_string())
            .send()
            .await
            .map_err(|e| call_failed(SERVICE, "CreateQueue", e))?;
        let queue_url = queue.queue_url.ok_or_else(|| AwsError::Malformed {
            what: "queue",
            detail: "CreateQueue gave no URL".into(),
        })?;
        Ok(Self::new(client.clone(), queue_url, dlq_url))
    }

    async fn receive_from(
        &self,
        url: &str,
        max: usize,
        visibility_secs: i32,
        attribute: MessageSystemAttributeName,
    ) -> StoreResult<Vec<Message>> {
        let max = i32::try_from(max.clamp(1, RECEIVE_MAX)).unwrap_or(1);
        let out = self
            .client
            .receive_message()
            .queue_url(url)
            .max_number_of_messages(max)
            .visibility_timeout(visibility_secs)
            // No long polling: the callers poll, and a port call should not block for seconds.
            .wait_time_seconds(0)
            .message_system_attribute_names(attribute)
            .send()
            .await
            .map_err(|e| call_failed(SERVICE, "ReceiveMessage", e))?;
        Ok(out.messages.unwrap_or_default())
    }
}

fn system_attribute(m: &Message, name: &MessageSystemAttributeName) -> Option<u64> {
    m.attributes.as_ref()?.get(name)?.parse().ok()
}

#[async_trait]
impl JobQueue for SqsQueue {
    #[tracing::instrument(skip_all, fields(kind = %message.kind))]
    async fn enqueue(&self, message: &JobMessage) -> StoreResult<()> {
        let body = serde_json::to_string(message).map_err(|source| AwsError::Encode {
            what: "job",
            source,
        })?;
        self.client
            .send_message()
            .queue_url(&self.queue_url)
            .message_body(body)
            .send()
            .await
            .map_err(|e| call_failed(SERVICE, "SendMessage", e))?;
        Ok(())
    }

    /// At most 10 jobs per call (SQS's limit).
    async fn receive(&self, max: usize, visibility: Duration) -> StoreResult<Vec<Delivery>> {
        if max == 0 {
            return Ok(Vec::new());
        }
        let count = MessageSystemAttributeName::ApproximateReceiveCount;
        let messages = self
            .receive_from(
                &self.queue_url,
                max,
                whole_seconds(visibility),
                count.clone(),
            )
            .await?;
        let mut deliveries = Vec::with_capacity(messages.len());
        for m in messages {
            let Some(receipt) = m.receipt_handle.clone() else {
                tracing::warn!(message_id = ?m.message_id, "a received message has no receipt handle");
                continue;
            };
            let Some(message) = parse_body(m.body.as_deref()) else {
                continue;
            };
            let attempt = system_attribute(&m, &count).and_then(|n| u32::try_from(n).ok()).unwrap_or_else(|| {
                tracing::warn!(message_id = ?m.message_id, "no receive count on a message; taking it as the first");
                1
            });
            deliveries.push(Delivery {
                message,
                receipt,
                attempt,
            });
        }
        Ok(deliveries)
    }

    async fn ack(&self, receipt: &str) -> StoreResult<()> {
        self.client
            .delete_message()
            .queue_url(&self.queue_url)
            .receipt_handle(receipt)
            .send()
            .await
            .map_err(|e| call_failed(SERVICE, "DeleteMessage", e))?;
        Ok(())
    }

    async fn release(&self, receipt: &str, delay: Duration) -> StoreResult<()> {
        self.client
            .change_message_visibility()
            .queue_url(&self.queue_url)
            .receipt_handle(receipt)
            .visibility_timeout(whole_seconds(delay))
            .send()
            .await
            .map_err(|e| call_failed(SERVICE, "ChangeMessageVisibility", e))?;
        Ok(())
    }

    /// Peeks: receives from the dead-letter queue with a short visibility timeout, then makes
    /// what it saw visible again at once. Oldest first by the time each job was first sent;
    /// with more than `max` parked jobs, which `max` are seen is up to SQS.
    async fn dead_letters(&self, max: usize) -> StoreResult<Vec<JobMessage>> {
        let sent = MessageSystemAttributeName::SentTimestamp;
        let mut seen: HashMap<String, Message> = HashMap::new();
        // Each receive returns at most 10; stop when a receive brings nothing new.
        while seen.len() < max {
            let batch = self
                .receive_from(
                    &self.dlq_url,
                    max - seen.len(),
                    PEEK_VISIBILITY_SECS,
                    sent.clone(),
                )
                .await?;
            let before = seen.len();
            for m in batch {
                let id = m.message_id.clone().unwrap_or_default();
                seen.insert(id, m);
            }
            if seen.len() == before {
                break;
            }
        }
        let receipts: Vec<String> = seen
            .values()
            .filter_map(|m| m.receipt_handle.clone())
            .collect();
        for chunk in receipts.chunks(RECEIVE_MAX) {
            let entries = chunk
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    ChangeMessageVisibilityBatchRequestEntry::builder()
                        .id(i.to_string())
                        .receipt_handle(r)
                        .visibility_timeout(0)
                        .build()
                        .map_err(|e| build_failed("ChangeMessageVisibilityBatch", e))
                })
                .collect::<Result<Vec<_>, _>>()?;
            let out = self
                .client
                .change_message_visibility_batch()
                .queue_url(&self.dlq_url)
                .set_entries(Some(entries))
                .send()
                .await
                .map_err(|e| call_failed(SERVICE, "ChangeMessageVisibilityBatch", e))?;
            for failed in out.failed {
                tracing::warn!(code = failed.code, message = ?failed.message, "a dead letter stays hidden until its peek timeout");
            }
        }
        let mut parked: Vec<(u64, JobMessage)> = seen
            .into_values()
            .filter_map(|m| {
                Some((
                    system_attribute(&m, &sent).unwrap_or(0),
                    parse_body(m.body.as_deref())?,
                ))
            })
            .collect();
        parked.sort_by_key(|(at, _)| *at);
        parked.truncate(max);
        Ok(parked.into_iter().map(|(_, m)| m).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_are_rounded_up_to_whole_seconds_within_sqs_limits() {
        assert_eq!(whole_seconds(Duration::ZERO), 0);
        assert_eq!(whole_seconds(Duration::from_millis(1)), 1);
        assert_eq!(whole_seconds(Duration::from_secs(1)), 1);
        assert_eq!(whole_seconds(Duration::from_millis(1500)), 2);
        assert_eq!(whole_seconds(Duration::from_secs(1_000_000)), 43_200);
    }

    #[test]
    fn a_body_that_is_not_a_job_is_skipped() {
        assert_eq!(parse_body(Some("not json")), None);
        assert_eq!(parse_body(None), None);
        let job = JobMessage {
            kind: "k".into(),
            payload: serde_json::json!({"n": 1}),
        };
        assert_eq!(
            parse_body(Some(&serde_json::to_string(&job).unwrap())),
            Some(job)
        );
    }
}
