//! Interviews and evaluations, each an item in its application's partition: the interview
//! versioned for conditional updates, the evaluation replaced whole.

use super::keys;
use super::{Condition, DynamoRecords, doc_item};
use async_trait::async_trait;
use otbor_domain::ids::ApplicationId;
use otbor_domain::interview::{EvaluationRecord, InterviewRecord};
use otbor_domain::ports::{InterviewStore, StoreResult};

#[async_trait]
impl InterviewStore for DynamoRecords {
    async fn insert_interview(&self, i: &InterviewRecord) -> StoreResult<()> {
        let item = doc_item("interview", &keys::interview(i.application_id), i, Some(i.version), None)?;
        self.put("interview", item, Condition::New).await
    }

    async fn get_interview(&self, application: ApplicationId) -> StoreResult<Option<InterviewRecord>> {
        self.get_doc("interview", &keys::interview(application)).await
    }

    #[tracing::instrument(skip_all, fields(application_id = %i.application_id, expected_version))]
    async fn update_interview(&self, i: &InterviewRecord, expected_version: u64) -> StoreResult<()> {
        let item = doc_item("interview", &keys::interview(i.application_id), i, Some(i.version), None)?;
        self.put("interview", item, Condition::Version(expected_version)).await
    }

    async fn put_evaluation(&self, e: &EvaluationRecord) -> StoreResult<()> {
        let item = doc_item("evaluation", &keys::evaluation(e.application_id), e, None, None)?;
        self.replace(item).await
    }

    async fn get_evaluation(&self, application: ApplicationId) -> StoreResult<Option<EvaluationRecord>> {
        self.get_doc("evaluation", &keys::evaluation(application)).await
    }
}
