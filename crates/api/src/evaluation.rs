//! The evaluation after an interview (a job), the report the manager reads, and the
//! manager's decision. The engine computes verdicts, the score and the recommendation by a
//! rule that is part of the report; the manager decides, and a decision against the
//! recommendation needs a reason. Both are recorded.

use crate::auth::Staff;
use crate::error::{ApiError, ApiResult, ErrorBody, What};
use crate::extract::{Json, parse_id};
use crate::state::AppState;
use axum::extract::{Path, State};
use otbor_domain::application::{Actor, Application, Status};
use otbor_domain::interview::EvaluationRecord;
use otbor_domain::jobs::EvaluateInterview;
use otbor_domain::permissions::Action;
use otbor_domain::ports::StoreError;
use otbor_domain::DomainError;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_evaluation)).routes(routes!(decide))
}

/// The evaluation job: idempotent (the same inputs are evaluated once; a second delivery
/// finds the application already past `evaluation`).
pub async fn evaluate_interview(st: &AppState, job: EvaluateInterview) -> anyhow::Result<()> {
    let Some(app) = st.records.get_application(job.application_id).await? else {
        tracing::warn!(application_id = %job.application_id, "evaluation for an unknown application; nothing to do");
        return Ok(());
    };
    let Some(record) = st.records.get_interview(app.id).await? else {
        tracing::warn!(application_id = %app.id, "evaluation without an interview; nothing to do");
        return Ok(());
    };
    let vacancy = st.records.get_vacancy(app.vacancy_id).await?.ok_or_else(|| anyhow::anyhow!("vacancy {} is gone", app.vacancy_id))?;
    let candidate = st.records.get_candidate(app.candidate_id).await?.ok_or_else(|| anyhow::anyhow!("candidate {} is gone", app.candidate_id))?;
    let profile = crate::intake::stored_profile(&candidate).map(|s| s.profile);
    let engine: otbor_interview::Interview = serde_json::from_value(record.state.clone())?;
    let resume_text = profile.as_ref().map(|p| p.text.clone()).unwrap_or_default();
    let evaluation = otbor_interview::evaluate(&vacancy, profile.as_ref(), &resume_text, &engine);
    let already = st.records.get_evaluation(app.id).await?;
    if already.as_ref().map(|e| e.input_hash.as_str()) != Some(evaluation.input_hash.as_str()) {
        st.records
            .put_evaluation(&EvaluationRecord {
                application_id: app.id,
                input_hash: evaluation.input_hash.clone(),
                body: serde_json::to_value(&evaluation)?,
                created_at: st.clock.now(),
            })
            .await?;
    }
    if app.status == Status::Evaluation {
        let (next, entry) = app.transition(Status::AwaitingManagerDecision, &Actor::System, vacancy.manager_id, None, st.clock.now())?;
        match st.records.transition_application(&next, app.version, &entry).await {
            Ok(()) => {
                let recommendation = serde_json::to_value(evaluation.recommendation).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
                crate::notices::awaiting_decision(st, &next, &vacancy, &candidate, &recommendation).await;
            }
            Err(StoreError::Conflict) => {}
            Err(e) => return Err(e.into()),
        }
    }
    tracing::info!(application_id = %app.id, score = evaluation.score, recommendation = ?evaluation.recommendation, "interview evaluated");
    Ok(())
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct EvaluationView {
    /// Verdicts per requirement with quoted evidence, the score, the recommendation and the
    /// rule that gave it, red flags, strengths and gaps, engine and input hash.
    #[schema(value_type = Object)]
    pub evaluation: serde_json::Value,
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// The interview as it happened, with why each question was asked.
    #[schema(value_type = Object)]
    pub interview: serde_json::Value,
}

/// The evaluation report of an application, with the interview transcript.
#[utoipa::path(get, path = "/api/applications/{id}/evaluation", tag = "applications", params(("id" = String, Path)),
    responses((status = 200, body = EvaluationView), (status = 404, body = ErrorBody)))]
async fn get_evaluation(State(st): State<AppState>, staff: Staff, Path(id): Path<String>) -> ApiResult<axum::Json<EvaluationView>> {
    staff.authorize(Action::ReadPipeline)?;
    let id = parse_id(&id)?;
    let e = st.records.get_evaluation(id).await?.ok_or(ApiError::NotFound(What::Evaluation))?;
    let interview = st.records.get_interview(id).await?.map(|r| r.state).unwrap_or_default();
    Ok(axum::Json(EvaluationView { evaluation: e.body, created_at: e.created_at, interview }))
}

/// A final decision that goes against the evaluation's recommendation (rejecting an
/// `advance`, accepting a `reject`) needs a reason, whichever route it takes.
pub async fn check_against_recommendation(st: &AppState, app: &Application, to: Status, reason: Option<&str>) -> ApiResult<()> {
    if app.status != Status::AwaitingManagerDecision || reason.is_some_and(|r| !r.trim().is_empty()) {
        return Ok(());
    }
    if let Some(e) = st.records.get_evaluation(app.id).await? {
        let recommended = e.body.get("recommendation").and_then(|r| r.as_str()).unwrap_or("borderline");
        if matches!((recommended, to), ("advance", Status::Rejected) | ("reject", Status::Accepted)) {
            return Err(ApiError::OverrideNeedsReason);
        }
    }
    Ok(())
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionRequest {
    /// `accepted` or `rejected`.
    pub decision: Status,
    /// Required to reject, and to go against the recommendation.
    pub reason: Option<String>,
}

/// The manager's final decision on an application awaiting it.
#[utoipa::path(post, path = "/api/applications/{id}/decision", tag = "applications", params(("id" = String, Path)), request_body = DecisionRequest,
    responses((status = 200, body = crate::applications::ApplicationView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn decide(State(st): State<AppState>, staff: Staff, Path(id): Path<String>, Json(req): Json<DecisionRequest>) -> ApiResult<axum::Json<crate::applications::ApplicationView>> {
    staff.authorize(Action::WorkWithCandidates)?;
    if !matches!(req.decision, Status::Accepted | Status::Rejected) {
        return Err(DomainError::invalid("decision", otbor_domain::Reason::Unknown { allowed: &["accepted", "rejected"] }).into());
    }
    let app = st.records.get_application(parse_id(&id)?).await?.ok_or(ApiError::NotFound(What::Application))?;
    let reason = req.reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
    check_against_recommendation(&st, &app, req.decision, reason).await?;
    let vacancy = crate::vacancies::load(&st, app.vacancy_id).await?;
    let (next, entry) = app.transition(req.decision, &staff.actor(), vacancy.manager_id, reason, st.clock.now())?;
    st.records.transition_application(&next, app.version, &entry).await?;
    tracing::info!(application_id = %app.id, decision = %req.decision, by = %staff.user.id, "manager decided");
    crate::notices::decided(&st, &next, &vacancy, reason).await;
    Ok(axum::Json(crate::applications::view_one(&st, next).await?))
}
