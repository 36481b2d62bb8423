//! The candidate's side, authorised by the invite token in the link and nothing else: see
//! the invitation and give consent. The interview itself lands with the interview issue.

use crate::error::{ApiError, ApiResult, ErrorBody, What};
use crate::extract::Json;
use crate::state::AppState;
use axum::extract::{Path, State};
use otbor_domain::application::{Actor, Application, Status};
use otbor_domain::candidate::{Candidate, CandidateFields};
use otbor_domain::invite::{Invite, InviteKind};
use otbor_domain::secret::TokenHash;
use otbor_domain::{DomainError, Lang, Reason};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_interview)).routes(routes!(consent))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct InterviewVacancy {
    pub title: String,
    pub description: String,
    pub language: Lang,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct InterviewView {
    pub company: String,
    pub vacancy: InterviewVacancy,
    pub kind: InviteKind,
    pub candidate_name: Option<String>,
    pub consent_given: bool,
    pub expires_at: chrono::DateTime<chrono::Utc>,
    /// The application's status, once there is one.
    pub status: Option<Status>,
}

/// Finds the invite of a token; unknown tokens are 404, expired ones 410.
async fn invite(st: &AppState, token: &str) -> ApiResult<Invite> {
    // Tokens are 64 hex characters; anything else cannot match and is not hashed.
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(ApiError::NotFound(What::Invite));
    }
    let invite = st.records.invite_by_token(&TokenHash::of(token)).await?.ok_or(ApiError::NotFound(What::Invite))?;
    invite.ensure_usable(st.clock.now())?;
    Ok(invite)
}

async fn view(st: &AppState, invite: &Invite) -> ApiResult<InterviewView> {
    let vacancy = st.records.get_vacancy(invite.vacancy_id).await?.ok_or(ApiError::NotFound(What::Invite))?;
    let candidate = match invite.candidate_id {
        Some(id) => st.records.get_candidate(id).await?,
        None => None,
    };
    let status = match invite.application_id {
        Some(id) => st.records.get_application(id).await?.map(|a| a.status),
        None => None,
    };
    Ok(InterviewView {
        company: st.config.company_name.clone(),
        vacancy: InterviewVacancy { title: vacancy.title, description: vacancy.description, language: vacancy.language },
        kind: invite.kind,
        candidate_name: candidate.map(|c| c.full_name),
        consent_given: invite.consent_at.is_some(),
        expires_at: invite.expires_at,
        status,
    })
}

/// What the candidate sees when they open their link.
#[utoipa::path(get, path = "/api/interview/{token}", tag = "interview", params(("token" = String, Path)),
    responses((status = 200, body = InterviewView), (status = 404, body = ErrorBody), (status = 410, body = ErrorBody)))]
async fn get_interview(State(st): State<AppState>, Path(token): Path<String>) -> ApiResult<axum::Json<InterviewView>> {
    let invite = invite(&st, &token).await?;
    Ok(axum::Json(view(&st, &invite).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsentRequest {
    pub consent: bool,
    /// Required on an open link, with an email or a phone.
    pub full_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// The candidate agrees to the processing of their data; on an open link they also enter
/// their details, which creates the candidate and the application.
#[utoipa::path(post, path = "/api/interview/{token}/consent", tag = "interview", params(("token" = String, Path)), request_body = ConsentRequest,
    responses((status = 200, body = InterviewView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 410, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn consent(State(st): State<AppState>, Path(token): Path<String>, Json(req): Json<ConsentRequest>) -> ApiResult<axum::Json<InterviewView>> {
    let mut invite = invite(&st, &token).await?;
    if !req.consent {
        return Err(DomainError::ConsentRequired.into());
    }
    if invite.consent_at.is_some() {
        return Ok(axum::Json(view(&st, &invite).await?));
    }
    let now = st.clock.now();
    let bound = match (invite.kind, invite.candidate_id, invite.application_id) {
        (InviteKind::Personal, Some(c), Some(a)) => (c, a),
        (InviteKind::Open, None, None) => {
            let vacancy = st.records.get_vacancy(invite.vacancy_id).await?.ok_or(ApiError::NotFound(What::Invite))?;
            vacancy.ensure_open()?;
            let fields = CandidateFields {
                full_name: Some(req.full_name.clone().unwrap_or_default()),
                email: req.email.clone(),
                phone: req.phone.clone(),
                location: None,
                source: Some("invite link".into()),
            };
            let candidate = Candidate::new(&fields, now)?;
            if candidate.email.is_none() && candidate.phone.is_none() {
                return Err(DomainError::invalid("email", Reason::Required).into());
            }
            st.records.insert_candidate(&candidate).await?;
            let actor = Actor::Candidate { id: candidate.id, name: candidate.full_name.clone() };
            let (app, first) = Application::new(candidate.id, vacancy.id, &actor, now);
            st.records.insert_application(&app, &first).await?;
            (candidate.id, app.id)
        }
        _ => return Err(ApiError::Internal(anyhow::anyhow!("invite {} is bound inconsistently", invite.id))),
    };
    let expected = invite.version;
    invite.consent(bound, now);
    st.records.update_invite(&invite, expected).await?;
    tracing::info!(invite_id = %invite.id, application_id = %bound.1, "candidate gave consent");
    Ok(axum::Json(view(&st, &invite).await?))
}
