//! The records of an interview and its evaluation. The engine's own state and output are kept
//! as JSON documents: the engine (crate `otbor-interview`) owns their shape and version, the
//! stores only keep them safely (one interview per application, conditional updates).

use crate::ids::{ApplicationId, InviteId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Chat,
    Voice,
    Telegram,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InterviewRecord {
    /// One interview per application.
    pub application_id: ApplicationId,
    pub invite_id: InviteId,
    pub channel: Channel,
    /// The engine's state: plan, turns, decisions, flags (`otbor_interview::Interview`, read
    /// and written in one place, `otbor_app::documents`).
    pub state: serde_json::Value,
    pub finished: bool,
    pub started_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub version: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EvaluationRecord {
    pub application_id: ApplicationId,
    /// The engine's evaluation: verdicts with evidence, score, recommendation and its rule
    /// (`otbor_interview::Evaluation`, read and written in one place, `otbor_app::documents`).
    pub body: serde_json::Value,
    /// A hash of everything the evaluation was computed from; the same inputs are not
    /// evaluated twice.
    pub input_hash: String,
    pub created_at: DateTime<Utc>,
}
