//! The candidate's side, authorised by the invite token in the link and nothing else: see
//! the invitation, give consent, take the chat interview (start, answer, finish; a reload
//! resumes at the same question). Finishing queues the evaluation.

use crate::error::{ApiResult, ErrorBody};
use crate::extract::Json;
use otbor_app::AppState;
use otbor_app::interview::{AnswerRequest, ConsentRequest, InterviewView, answer, current, finish_interview, give_consent, start_interview, token_hash};
use axum::extract::{Path, State};
use otbor_domain::interview::Channel;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;


pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_interview))
        .routes(routes!(consent))
        .routes(routes!(start))
        .routes(routes!(message))
        .routes(routes!(finish))
}

/// What the candidate sees when they open their link.
#[utoipa::path(get, path = "/api/interview/{token}", tag = "interview", params(("token" = String, Path)),
    responses((status = 200, body = InterviewView), (status = 404, body = ErrorBody), (status = 410, body = ErrorBody)))]
async fn get_interview(State(st): State<AppState>, Path(token): Path<String>) -> ApiResult<axum::Json<InterviewView>> {
    Ok(axum::Json(current(&st, &token).await?))
}

/// The candidate agrees to the processing of their data; on an open link they also enter
/// their details, which creates the candidate and the application.
#[utoipa::path(post, path = "/api/interview/{token}/consent", tag = "interview", params(("token" = String, Path)), request_body = ConsentRequest,
    responses((status = 200, body = InterviewView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 410, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn consent(State(st): State<AppState>, Path(token): Path<String>, Json(req): Json<ConsentRequest>) -> ApiResult<axum::Json<InterviewView>> {
    Ok(axum::Json(give_consent(&st, &token_hash(&token)?, &req).await?))
}

/// Starts the chat interview (or resumes it at the same question): the plan comes from the
/// vacancy's requirements and what the resume proves; the application moves to
/// `in_interview`.
#[utoipa::path(post, path = "/api/interview/{token}/start", tag = "interview", params(("token" = String, Path)),
    responses((status = 200, body = InterviewView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 410, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn start(State(st): State<AppState>, Path(token): Path<String>) -> ApiResult<axum::Json<InterviewView>> {
    Ok(axum::Json(start_interview(&st, &token, Channel::Chat).await?))
}

/// Records the candidate's answer; the engine decides the next question (a follow-up, a
/// probe, a rephrasing, or the next topic) and records why. After the last one the interview
/// finishes by itself.
#[utoipa::path(post, path = "/api/interview/{token}/messages", tag = "interview", params(("token" = String, Path)), request_body = AnswerRequest,
    responses((status = 200, body = InterviewView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn message(State(st): State<AppState>, Path(token): Path<String>, Json(req): Json<AnswerRequest>) -> ApiResult<axum::Json<InterviewView>> {
    Ok(axum::Json(answer(&st, &token, &req.text).await?))
}

/// Ends the interview now (the candidate has nothing to add); the evaluation is queued.
#[utoipa::path(post, path = "/api/interview/{token}/finish", tag = "interview", params(("token" = String, Path)),
    responses((status = 200, body = InterviewView), (status = 409, body = ErrorBody)))]
async fn finish(State(st): State<AppState>, Path(token): Path<String>) -> ApiResult<axum::Json<InterviewView>> {
    Ok(axum::Json(finish_interview(&st, &token).await?))
}
