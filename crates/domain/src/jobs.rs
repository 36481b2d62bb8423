//! The jobs that travel through the queue, by kind, with their payloads.

use crate::ids::{ApplicationId, UploadId, VacancyId};
use crate::ports::JobMessage;
use serde::{Deserialize, Serialize};

/// A resume arrived: extract, profile, de-duplicate, match.
pub const INGEST_RESUME: &str = "resume.ingest";
/// A vacancy was created or edited: match the pool against it.
pub const MATCH_VACANCY: &str = "vacancy.match";
/// An interview finished: evaluate the candidate against the vacancy.
pub const EVALUATE_INTERVIEW: &str = "interview.evaluate";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EvaluateInterview {
    pub application_id: ApplicationId,
}

impl EvaluateInterview {
    pub fn message(&self) -> JobMessage {
        JobMessage { kind: EVALUATE_INTERVIEW.into(), payload: serde_json::json!({ "application_id": self.application_id }) }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IngestResume {
    pub upload_id: UploadId,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MatchVacancy {
    pub vacancy_id: VacancyId,
}

impl IngestResume {
    pub fn message(&self) -> JobMessage {
        JobMessage { kind: INGEST_RESUME.into(), payload: serde_json::json!({ "upload_id": self.upload_id }) }
    }
}

impl MatchVacancy {
    pub fn message(&self) -> JobMessage {
        JobMessage { kind: MATCH_VACANCY.into(), payload: serde_json::json!({ "vacancy_id": self.vacancy_id }) }
    }
}
