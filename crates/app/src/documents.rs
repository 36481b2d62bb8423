//! The engines' documents that the records keep as JSON, because their shapes belong to the
//! engines and not to the domain: a match's detail (`MatchRecord.detail`, screening's
//! [`Match`]), the interview's state (`InterviewRecord.state`, [`Interview`]) and its
//! evaluation (`EvaluationRecord.body`, [`Evaluation`]). Each is written and read here and
//! nowhere else; the candidate's profile (`Candidate.profile`) likewise in [`crate::profile`].
//! A leaf module, so that any use case may read them without a cycle between files.

use crate::error::{AppError, AppResult};
use otbor_domain::interview::{EvaluationRecord, InterviewRecord};
use otbor_domain::ports::MatchRecord;
use otbor_interview::{Evaluation, Interview};
use otbor_screening::Match;
use serde::{Deserialize, Serialize};

/// These types are plain data with string keys only: serialising them cannot fail.
fn document(value: &impl Serialize) -> serde_json::Value {
    serde_json::to_value(value).expect("an engine document serialises to JSON")
}

/// The document kept in `MatchRecord.detail`.
pub fn match_document(m: &Match) -> serde_json::Value {
    document(m)
}

/// The match's detail. A detail of another shape is logged and counts as none (the match
/// keeps its score).
pub fn match_detail(m: &MatchRecord) -> Option<Match> {
    Match::deserialize(&m.detail)
        .map_err(|e| tracing::warn!(candidate_id = %m.candidate_id, vacancy_id = %m.vacancy_id, error = %e, "a match detail cannot be read; shown as none"))
        .ok()
}

/// The document kept in `InterviewRecord.state`.
pub fn interview_document(engine: &Interview) -> serde_json::Value {
    document(engine)
}

/// The interview engine's state, to resume it or to show it.
pub fn interview_of(r: &InterviewRecord) -> AppResult<Interview> {
    Interview::deserialize(&r.state).map_err(|e| AppError::Internal(anyhow::anyhow!("interview state of {}: {e}", r.application_id)))
}

/// The document kept in `EvaluationRecord.body`.
pub fn evaluation_document(e: &Evaluation) -> serde_json::Value {
    document(e)
}

/// The engine's evaluation of an interview.
pub fn evaluation_of(r: &EvaluationRecord) -> AppResult<Evaluation> {
    Evaluation::deserialize(&r.body).map_err(|e| AppError::Internal(anyhow::anyhow!("evaluation of {}: {e}", r.application_id)))
}
