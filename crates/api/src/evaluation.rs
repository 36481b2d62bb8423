//! The evaluation after an interview (a job), the report the manager reads, and the
//! manager's decision. The engine computes verdicts, the score and the recommendation by a
//! rule that is part of the report; the manager decides, and a decision against the
//! recommendation needs a reason. Both are recorded.

use crate::session::Staff;
use crate::error::{ApiResult, ErrorBody, What, AppError};
use crate::extract::{Json, parse_id};
use otbor_app::AppState;
use otbor_app::documents::{evaluation_of, interview_of};
use otbor_app::evaluation::check_against_recommendation;
use otbor_app::notices;
use axum::extract::{Path, State};
use otbor_domain::application::Status;
use otbor_domain::permissions::Action;
use otbor_domain::DomainError;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;


pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_evaluation)).routes(routes!(decide))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct EvaluationView {
    /// Verdicts per requirement with quoted evidence, the score, the recommendation and the
    /// rule that gave it, red flags, strengths and gaps, engine and input hash.
    pub evaluation: otbor_interview::Evaluation,
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// The interview as it happened, with why each question was asked.
    pub interview: Option<otbor_interview::Interview>,
}

/// The evaluation report of an application, with the interview transcript.
#[utoipa::path(get, path = "/api/applications/{id}/evaluation", tag = "applications", params(("id" = String, Path)),
    responses((status = 200, body = EvaluationView), (status = 404, body = ErrorBody)))]
async fn get_evaluation(State(st): State<AppState>, staff: Staff, Path(id): Path<String>) -> ApiResult<axum::Json<EvaluationView>> {
    staff.authorize(Action::ReadPipeline)?;
    let id = parse_id(&id)?;
    let e = st.records.get_evaluation(id).await?.ok_or(AppError::NotFound(What::Evaluation))?;
    let interview = st.records.get_interview(id).await?.map(|r| interview_of(&r)).transpose()?;
    Ok(axum::Json(EvaluationView { evaluation: evaluation_of(&e)?, created_at: e.created_at, interview }))
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
    let app = st.records.get_application(parse_id(&id)?).await?.ok_or(AppError::NotFound(What::Application))?;
    let reason = req.reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
    check_against_recommendation(&st, &app, req.decision, reason).await?;
    let vacancy = crate::vacancies::load(&st, app.vacancy_id).await?;
    let (next, entry) = app.transition(req.decision, &staff.actor(), vacancy.manager_id, reason, st.clock.now())?;
    st.records.transition_application(&next, app.version, &entry).await?;
    tracing::info!(application_id = %app.id, decision = %req.decision, by = %staff.user.id, "manager decided");
    notices::decided(&st, &next, &vacancy, reason).await;
    Ok(axum::Json(crate::applications::view_one(&st, next).await?))
}
